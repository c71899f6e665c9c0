/**
 * The chart's pod template, shared by the Deployment and the CronJob templates so both get
 * the same hardening, sizing and labels (the chart's counterpart of kubernetes-pod.ts).
 */

/** Indents every non-empty line of `text` by `pad` spaces. */
function indent(text: string, pad: number): string {
  const spaces = " ".repeat(pad);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : spaces + line))
    .join("\n");
}

function probe(name: string, period: number, failures: number): string {
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
  const body = `metadata:
  labels:
    {{- include "${chart}.selectorLabels" . | nindent ${at(4)} }}
    app.kubernetes.io/part-of: {{ .Values.atlas.partOf | quote }}
    app.kubernetes.io/managed-by: atlas
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
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
    - name: {{ .Chart.Name }}
      image: {{ include "${chart}.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}${indent(serving, 4)}
      envFrom:
        - configMapRef:
            name: {{ include "${chart}.fullname" . }}
      resources:
        {{- toYaml .Values.resources | nindent ${at(8)} }}${probes}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.securityContext.runAsUser }}
        runAsGroup: {{ .Values.securityContext.runAsUser }}
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
`;
  return indent(body, pad);
}
