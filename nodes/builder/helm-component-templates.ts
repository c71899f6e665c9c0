/**
 * The chart's templates for a design of the user's own components: every per-component template
 * ranges over `.Values.components` (a map keyed by the component's Kubernetes name, so each
 * environment's values file can set one component's replicas without repeating the rest) and
 * renders the same objects as nodes/builder/component-objects.ts. The component's declared parts
 * (ports, env, probes, resources) come from values as written; structure and hardening are here.
 */
import { CONTAINER_SECURITY_CONTEXT, indent } from "./helm-pod.js";

/** Opens the loop over the components of one kind (or any, with a condition on `$c`), with a document separator. */
const each = (condition: string) => `{{- range $name, $c := .Values.components }}
{{- if ${condition} }}
---`;
const done = "{{- end }}\n{{- end }}\n";

/** Metadata of a component's object at indentation 0: its name, the release namespace, the design's and its own labels and annotations. */
function metadata(chart: string, extraAnnotations: string[] = []): string {
  const extras = extraAnnotations.map((path) => `\n    {{- with ${path} }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}`).join("");
  return `metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "${chart}.designLabels" $ | nindent 4 }}
    {{- toYaml $c.labels | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" $ | nindent 4 }}
    {{- with $c.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}${extras}`;
}

/** The component's pod template at indentation `pad` (where `template:`'s children sit); `nindent` counts are absolute. */
function podTemplate(chart: string, pad: number): string {
  const at = (offset: number) => pad + offset;
  const body = `metadata:
  labels:
    {{- toYaml $c.selectorLabels | nindent ${at(4)} }}
    app.kubernetes.io/part-of: {{ $.Values.atlas.partOf | quote }}
    app.kubernetes.io/managed-by: atlas
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") $ | sha256sum }}
    {{- with $c.metrics }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .portNumber | quote }}
    prometheus.io/path: {{ $.Values.metrics.path | quote }}
    {{- end }}
spec:
  {{- if eq $c.kind "CronJob" }}
  restartPolicy: Never
  {{- end }}
  serviceAccountName: {{ $name }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 30
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ $.Values.securityContext.runAsUser }}
    runAsGroup: {{ $.Values.securityContext.runAsUser }}
    fsGroup: {{ $.Values.securityContext.runAsUser }}
    seccompProfile:
      type: RuntimeDefault
  {{- if $c.topologySpread.enabled }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- toYaml $c.selectorLabels | nindent ${at(10)} }}
  {{- end }}
  containers:
    - name: {{ $name }}
      image: {{ $c.image | quote }}
      imagePullPolicy: IfNotPresent
      {{- with $c.ports }}
      ports:
        {{- toYaml . | nindent ${at(8)} }}
      {{- end }}
      env:
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: {{ $.Values.otel.endpoint | quote }}
        - name: OTEL_SERVICE_NAME
          value: {{ $c.name | quote }}
        - name: OTEL_RESOURCE_ATTRIBUTES
          value: {{ printf "%s,deployment.environment=%s" $c.resourceAttributes $.Values.environment | quote }}
        - name: OTEL_PROPAGATORS
          value: "tracecontext,baggage"
        - name: OTEL_TRACES_SAMPLER
          value: "parentbased_traceidratio"
        - name: OTEL_TRACES_SAMPLER_ARG
          value: {{ $.Values.otel.samplingRatio | quote }}
        {{- range $c.env }}
        - name: {{ .name }}
          {{- if .secretKeyRef }}
          valueFrom:
            secretKeyRef:
              name: {{ $.Values.externalSecret.secretName }}
              key: {{ .secretKeyRef | quote }}
          {{- else }}
          value: {{ .value | quote }}
          {{- end }}
        {{- end }}
      envFrom:
        - configMapRef:
            name: {{ include "${chart}.fullname" $ }}
        {{- if $.Values.externalSecret.enabled }}
        - secretRef:
            name: {{ $.Values.externalSecret.secretName }}
        {{- end }}
      resources:
        {{- toYaml $c.resources | nindent ${at(8)} }}
      {{- with $c.probes }}
      {{- toYaml . | nindent ${at(6)} }}
      {{- end }}
${indent(CONTAINER_SECURITY_CONTEXT, 6)}
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

const serviceAccount = (chart: string) => `${each("true")}
apiVersion: v1
kind: ServiceAccount
${metadata(chart)}
automountServiceAccountToken: false
${done}`;

/** Read access to the design's two ConfigMaps only, bound to the component's own service account. */
const rbac = (chart: string) => `${each("true")}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
${metadata(chart)}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames:
      - {{ include "${chart}.fullname" $ }}
      - {{ printf "%s-otel" (include "${chart}.fullname" $) }}
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
${metadata(chart)}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ $name }}
    namespace: {{ $.Release.Namespace }}
${done}`;

/** The component's allows (computed from the design into values); the namespace's default deny is `networkpolicy.yaml`. */
const networkPolicy = (chart: string) => `${each("true")}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${metadata(chart)}
spec:
  podSelector:
    matchLabels:
      {{- toYaml $c.selectorLabels | nindent 6 }}
  {{- toYaml $c.networkPolicy | nindent 2 }}
${done}`;

const defaultDeny = (chart: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-default-deny" (include "${chart}.fullname" .) }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: ["Ingress", "Egress"]
`;

const deployment = (chart: string) => `${each('eq $c.kind "Deployment"')}
apiVersion: apps/v1
kind: Deployment
${metadata(chart)}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ $c.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- toYaml $c.selectorLabels | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
${podTemplate(chart, 4)}${done}`;

const cronJob = (chart: string) => `${each('eq $c.kind "CronJob"')}
apiVersion: batch/v1
kind: CronJob
${metadata(chart)}
spec:
  schedule: {{ $c.cronJob.schedule | quote }}
  timeZone: {{ $c.cronJob.timeZone | quote }}
  concurrencyPolicy: {{ $c.cronJob.concurrencyPolicy }}
  startingDeadlineSeconds: {{ $c.cronJob.startingDeadlineSeconds }}
  jobTemplate:
    metadata:
      labels:
        {{- include "${chart}.designLabels" $ | nindent 8 }}
        {{- toYaml $c.labels | nindent 8 }}
    spec:
      parallelism: {{ $c.cronJob.parallelism }}
      completions: {{ $c.cronJob.completions }}
      backoffLimit: {{ $c.cronJob.backoffLimit }}
      ttlSecondsAfterFinished: {{ $c.cronJob.ttlSecondsAfterFinished }}
      template:
${podTemplate(chart, 8)}${done}`;

const service = (chart: string) => `${each("$c.service.enabled")}
apiVersion: v1
kind: Service
${metadata(chart, ["$c.service.annotations"])}
spec:
  type: ClusterIP
  selector:
    {{- toYaml $c.selectorLabels | nindent 4 }}
  ports:
    {{- toYaml $c.service.ports | nindent 4 }}
${done}`;

const hpa = (chart: string) => `${each('and $c.autoscaling.enabled (eq $c.autoscaling.kind "cpu")')}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
${metadata(chart)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $c.autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
${done}`;

/** A worker on queue depth: KEDA's ScaledObject with the SQS trigger from values (`autoscaling.triggers`). */
const scaledObject = (chart: string) => `${each('and $c.autoscaling.enabled (eq $c.autoscaling.kind "keda-sqs")')}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
${metadata(chart)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicaCount: {{ $c.autoscaling.minReplicas }}
  maxReplicaCount: {{ $c.autoscaling.maxReplicas }}
  pollingInterval: 30
  cooldownPeriod: 300
  triggers:
    {{- toYaml $c.autoscaling.triggers | nindent 4 }}
${done}`;

const pdb = (chart: string) => `${each("$c.podDisruptionBudget.enabled")}
apiVersion: policy/v1
kind: PodDisruptionBudget
${metadata(chart)}
spec:
  minAvailable: {{ $c.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- toYaml $c.selectorLabels | nindent 6 }}
${done}`;

/** One Ingress per HTTP component, all in the environment's ALB group, routed by host; annotations as the manifests have them. */
const ingress = (chart: string) => `${each("$c.ingress.enabled")}
apiVersion: networking.k8s.io/v1
kind: Ingress
${metadata(chart, ["$c.ingress.annotations"])}
spec:
  ingressClassName: alb
  tls:
    - hosts:
        - {{ $c.ingress.host | quote }}
      secretName: {{ $c.ingress.tlsSecretName }}
  rules:
    - host: {{ $c.ingress.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $name }}
                port:
                  name: {{ $c.ingress.portName }}
${done}`;

const serviceMonitor = (chart: string) => `${each("and $.Values.metrics.serviceMonitor.enabled $c.metrics")}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
${metadata(chart)}
spec:
  selector:
    matchLabels:
      {{- toYaml $c.selectorLabels | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ $.Release.Namespace }}
  endpoints:
    - port: {{ $c.metrics.portName }}
      path: {{ $.Values.metrics.path }}
      interval: 30s
${done}`;

/** The per-component templates and the namespace's default deny, by file name (relative to `templates/`). */
export function componentTemplates(chart: string): [string, string][] {
  return [
    ["component-cronjob.yaml", cronJob(chart)],
    ["component-deployment.yaml", deployment(chart)],
    ["component-hpa.yaml", hpa(chart)],
    ["component-ingress.yaml", ingress(chart)],
    ["component-networkpolicy.yaml", networkPolicy(chart)],
    ["component-pdb.yaml", pdb(chart)],
    ["component-rbac.yaml", rbac(chart)],
    ["component-scaledobject.yaml", scaledObject(chart)],
    ["component-service.yaml", service(chart)],
    ["component-serviceaccount.yaml", serviceAccount(chart)],
    ["component-servicemonitor.yaml", serviceMonitor(chart)],
    ["networkpolicy.yaml", defaultDeny(chart)],
  ];
}
