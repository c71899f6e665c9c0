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
    - secretName: {{ .Values.ingress.tlsSecretName }}
  rules:
    - http:
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

const hpa = (chart: string) => `{{- if .Values.autoscaling.enabled }}
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

const pdb = (chart: string) => `{{- if .Values.podDisruptionBudget.enabled }}
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

/** Template files by name (relative to `templates/`), in path order: a CronJob for a scheduled plan, else a Deployment and what serves it. */
export function helmTemplates(chart: string, scheduled: boolean): [string, string][] {
  const helpers: [string, string] = ["_helpers.tpl", helpersTpl(chart)];
  if (scheduled) return [helpers, ["configmap.yaml", configMap(chart)], ["cronjob.yaml", cronJob(chart)], ["serviceaccount.yaml", serviceAccount(chart)]];
  return [
    helpers,
    ["configmap.yaml", configMap(chart)],
    ["deployment.yaml", deployment(chart)],
    ["hpa.yaml", hpa(chart)],
    ["ingress.yaml", ingress(chart)],
    ["pdb.yaml", pdb(chart)],
    ["service.yaml", service(chart)],
    ["serviceaccount.yaml", serviceAccount(chart)],
  ];
}
