import { componentTemplates } from "./helm-component-templates.js";
import { helpersTpl, metadata } from "./helm-helpers.js";
import { podTemplate } from "./helm-pod.js";

/**
 * The Helm chart's templates. They depend on the plan only through the chart name (used to
 * namespace the helpers); everything else comes from `.Values`, so the per-environment
 * values files change behaviour without touching templates.
 */

const deployment = (chart: string) => `apiVersion: apps/v1
kind: Deployment
${metadata(chart)}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "${chart}.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
${podTemplate(chart, 4, false)}`;

/** The CronJob of a scheduled plan; every number comes from `.Values.cronJob` (the same settings as `kubernetes/cronjob.yaml`). */
const cronJob = (chart: string) => `apiVersion: batch/v1
kind: CronJob
${metadata(chart)}
spec:
  schedule: {{ .Values.cronJob.schedule | quote }}
  timeZone: {{ .Values.cronJob.timeZone | quote }}
  concurrencyPolicy: {{ .Values.cronJob.concurrencyPolicy }}
  startingDeadlineSeconds: {{ .Values.cronJob.startingDeadlineSeconds }}
  jobTemplate:
    metadata:
      labels:
        {{- include "${chart}.labels" . | nindent 8 }}
    spec:
      parallelism: {{ .Values.cronJob.parallelism }}
      completions: {{ .Values.cronJob.completions }}
      backoffLimit: {{ .Values.cronJob.backoffLimit }}
      activeDeadlineSeconds: {{ .Values.cronJob.activeDeadlineSeconds }}
      ttlSecondsAfterFinished: {{ .Values.cronJob.ttlSecondsAfterFinished }}
      template:
${podTemplate(chart, 8, true)}`;

const service = (chart: string) => `apiVersion: v1
kind: Service
${metadata(chart)}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "${chart}.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
`;

const serviceAccount = (chart: string) => `{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "${chart}.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
    {{- with .Values.serviceAccount.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
automountServiceAccountToken: false
{{- end }}
`;

const configMap = (chart: string) => `apiVersion: v1
kind: ConfigMap
${metadata(chart)}
data:
  {{- range $key, $value := .Values.config }}
  {{ $key }}: {{ $value | quote }}
  {{- end }}
`;

const ingress = (chart: string) => `{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "${chart}.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
    {{- with .Values.ingress.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  tls:
    - hosts:
        - {{ .Values.ingress.host | quote }}
      secretName: {{ .Values.ingress.tlsSecretName }}
  rules:
    - host: {{ .Values.ingress.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "${chart}.fullname" . }}
                port:
                  name: http
{{- end }}
`;

export const hpa = (chart: string) => `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
${metadata(chart)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "${chart}.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end }}
`;

export const pdb = (chart: string) => `{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
${metadata(chart)}
spec:
  minAvailable: {{ .Values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "${chart}.selectorLabels" . | nindent 6 }}
{{- end }}
`;

/** The namespace with the Pod Security labels, only when the chart is to own it (`namespace.create`). */
const namespace = (chart: string) => `{{- if .Values.namespace.create }}
apiVersion: v1
kind: Namespace
metadata:
  name: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: restricted
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
{{- end }}
`;

/** Read access to the release's own two ConfigMaps, bound to its service account. */
const rbac = (chart: string) => `{{- if .Values.rbac.create }}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
${metadata(chart)}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames:
      - {{ include "${chart}.fullname" . }}
      - {{ printf "%s-otel" (include "${chart}.fullname" .) }}
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
${metadata(chart)}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "${chart}.fullname" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "${chart}.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
{{- end }}
`;

/** Default deny for the namespace, and the workload's allows (computed from the plan into values). */
const networkPolicy = (chart: string) => `{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
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
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${metadata(chart)}
spec:
  podSelector:
    matchLabels:
      {{- include "${chart}.selectorLabels" . | nindent 6 }}
  {{- toYaml .Values.networkPolicy.allow | nindent 2 }}
{{- end }}
`;

/** The OTel collector configuration (the spec's otel-configmap), read by the optional sidecar. */
const otelConfigMap = (chart: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-otel" (include "${chart}.fullname" .) }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
data:
  collector.yaml: |
    {{- .Values.otel.collectorConfig | nindent 4 }}
`;

/** Secrets by reference: the External Secrets Operator copies them from Secrets Manager; no value is in the chart. */
const externalSecret = (chart: string) => `{{- if .Values.externalSecret.enabled }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
${metadata(chart)}
spec:
  refreshInterval: {{ .Values.externalSecret.refreshInterval }}
  secretStoreRef:
    kind: {{ .Values.externalSecret.storeKind }}
    name: {{ .Values.externalSecret.storeName }}
  target:
    name: {{ .Values.externalSecret.secretName }}
    creationPolicy: Owner
    deletionPolicy: Retain
  data:
    {{- toYaml .Values.externalSecret.data | nindent 4 }}
  {{- with .Values.externalSecret.dataFrom }}
  dataFrom:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
`;

/** A Prometheus Operator ServiceMonitor, only where the cluster runs the operator (values: metrics.serviceMonitor.enabled). */
const serviceMonitor = (chart: string) => `{{- if .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
${metadata(chart)}
spec:
  selector:
    matchLabels:
      {{- include "${chart}.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: {{ .Values.metrics.path }}
      interval: 30s
{{- end }}
`;

/** Template files by name (relative to `templates/`), in path order: a CronJob for a scheduled plan, else a Deployment and what serves it. */
export function helmTemplates(chart: string, scheduled: boolean): [string, string][] {
  const common: [string, string][] = [
    ["_helpers.tpl", helpersTpl(chart)],
    ["configmap.yaml", configMap(chart)],
    ["externalsecret.yaml", externalSecret(chart)],
    ["namespace.yaml", namespace(chart)],
    ["networkpolicy.yaml", networkPolicy(chart)],
    ["otel-configmap.yaml", otelConfigMap(chart)],
    ["rbac.yaml", rbac(chart)],
    ["serviceaccount.yaml", serviceAccount(chart)],
  ];
  const workload: [string, string][] = scheduled
    ? [["cronjob.yaml", cronJob(chart)]]
    : [
        ["deployment.yaml", deployment(chart)],
        ["hpa.yaml", hpa(chart)],
        ["ingress.yaml", ingress(chart)],
        ["pdb.yaml", pdb(chart)],
        ["service.yaml", service(chart)],
        ["servicemonitor.yaml", serviceMonitor(chart)],
      ];
  return [...common, ...workload].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Template files of a chart for the user's own components: the design's shared objects (its
 * ConfigMap, OTel ConfigMap, ExternalSecret, optional Namespace and the default-deny policy), and
 * templates that range over `.Values.components` for each component's objects; in path order.
 */
export function componentChartTemplates(chart: string): [string, string][] {
  const shared: [string, string][] = [
    ["_helpers.tpl", helpersTpl(chart)],
    ["configmap.yaml", configMap(chart)],
    ["externalsecret.yaml", externalSecret(chart)],
    ["namespace.yaml", namespace(chart)],
    ["otel-configmap.yaml", otelConfigMap(chart)],
  ];
  return [...shared, ...componentTemplates(chart)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
