/**
 * The chart's pod template, shared by the Deployment and the CronJob templates so both get
 * the same hardening, sizing and labels (the chart's counterpart of kubernetes-pod.ts).
 */

/** Indents every non-empty line of `text` by `pad` spaces. */
export function indent(text: string, pad: number): string {
  const spaces = " ".repeat(pad);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : spaces + line))
    .join("\n");
}

/**
 * Every container's security context in the chart (the app's, the collector sidecar's, each
 * component's): the template counterpart of kubernetes-pod.ts containerSecurityContext. `$.Values`
 * so it reads the same inside a `range` over components.
 */
export const CONTAINER_SECURITY_CONTEXT = `securityContext:
  runAsNonRoot: true
  runAsUser: {{ $.Values.securityContext.runAsUser }}
  runAsGroup: {{ $.Values.securityContext.runAsUser }}
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault`;

/** An HTTP probe on the `http` port at `.Values.probes.path` (the chart templates of every cloud). */
export function probe(name: string, period: number, failures: number): string {
  return `${name}:
  httpGet:
    path: {{ .Values.probes.path | quote }}
    port: http
  periodSeconds: ${period}
  timeoutSeconds: 3
  failureThreshold: ${failures}`;
}

/**
 * The pod template the Deployment and the CronJob share, written at indentation 0 and shifted
 * to `pad` (where `template:`'s children sit); `nindent` counts are absolute, so they take `pad`.
 * A `job` pod serves nothing: no port, no probes, no zone spread, and it restarts `Never`.
 */
export function podTemplate(chart: string, pad: number, job: boolean): string {
  const at = (offset: number) => pad + offset;
  const serving = job
    ? ""
    : `
  ports:
    - name: http
      containerPort: {{ .Values.containerPort }}
      protocol: TCP`;
  const probes = job ? "" : `\n${indent([probe("startupProbe", 5, 30), probe("livenessProbe", 10, 3), probe("readinessProbe", 5, 3)].join("\n"), 6)}`;
  const spread = job
    ? ""
    : `
  {{- if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "${chart}.selectorLabels" . | nindent ${at(10)} }}
  {{- end }}`;
  // Only a serving pod has a port for Prometheus to scrape.
  const scrape = job
    ? ""
    : `
    {{- if .Values.metrics.scrapeAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .Values.containerPort | quote }}
    prometheus.io/path: {{ .Values.metrics.path | quote }}
    {{- end }}`;
  const body = `metadata:
  labels:
    {{- include "${chart}.selectorLabels" . | nindent ${at(4)} }}
    app.kubernetes.io/part-of: {{ .Values.atlas.partOf | quote }}
    app.kubernetes.io/managed-by: atlas
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}${scrape}
spec:${job ? "\n  restartPolicy: Never" : ""}
  serviceAccountName: {{ include "${chart}.serviceAccountName" . }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 30
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ .Values.securityContext.runAsUser }}
    runAsGroup: {{ .Values.securityContext.runAsUser }}
    fsGroup: {{ .Values.securityContext.runAsUser }}
    seccompProfile:
      type: RuntimeDefault${spread}
  containers:
    - name: {{ include "${chart}.name" . }}
      image: {{ include "${chart}.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}${indent(serving, 4)}
      env:
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: {{ if .Values.otel.sidecar.enabled }}"http://127.0.0.1:4317"{{ else }}{{ .Values.otel.endpoint | quote }}{{ end }}
        - name: OTEL_SERVICE_NAME
          value: {{ .Values.atlas.partOf | quote }}
        - name: OTEL_RESOURCE_ATTRIBUTES
          value: {{ printf "trace_id=%s,blueprint_id=%s,deployment.environment=%s" .Values.atlas.traceId .Values.atlas.blueprintId .Values.environment | quote }}
        - name: OTEL_PROPAGATORS
          value: "tracecontext,baggage"
        - name: OTEL_TRACES_SAMPLER
          value: "parentbased_traceidratio"
        - name: OTEL_TRACES_SAMPLER_ARG
          value: {{ .Values.otel.samplingRatio | quote }}
      envFrom:
        - configMapRef:
            name: {{ include "${chart}.fullname" . }}
        {{- if .Values.externalSecret.enabled }}
        - secretRef:
            name: {{ .Values.externalSecret.secretName }}
        {{- end }}
      resources:
        {{- toYaml .Values.resources | nindent ${at(8)} }}${probes}
${indent(CONTAINER_SECURITY_CONTEXT, 6)}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
    {{- if .Values.otel.sidecar.enabled }}
    - name: otel-collector
      image: {{ .Values.otel.sidecar.image | quote }}
      args: ["--config=/etc/otelcol/collector.yaml"]
      resources:
        requests:
          cpu: 50m
          memory: 64Mi
        limits:
          cpu: 50m
          memory: 64Mi
${indent(CONTAINER_SECURITY_CONTEXT, 6)}
      volumeMounts:
        - name: otel-config
          mountPath: /etc/otelcol
          readOnly: true
    {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if .Values.otel.sidecar.enabled }}
    - name: otel-config
      configMap:
        name: {{ printf "%s-otel" (include "${chart}.fullname" .) }}
    {{- end }}
`;
  return indent(body, pad);
}
