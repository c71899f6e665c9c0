import { helpersTpl, metadata } from "./helm-helpers.js";

/**
 * The Helm chart's templates. They depend on the plan only through the chart name (used to
 * namespace the helpers); everything else comes from `.Values`, so the per-environment
 * values files change behaviour without touching templates.
 */

function probe(name: string, period: number, failures: number): string {
  return `          ${name}:
            httpGet:
              path: {{ .Values.probes.path | quote }}
              port: http
            periodSeconds: ${period}
            timeoutSeconds: 3
            failureThreshold: ${failures}`;
}

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
    metadata:
      labels:
        {{- include "${chart}.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/part-of: {{ .Values.atlas.partOf | quote }}
        app.kubernetes.io/managed-by: atlas
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    spec:
      serviceAccountName: {{ include "${chart}.serviceAccountName" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.securityContext.runAsUser }}
        runAsGroup: {{ .Values.securityContext.runAsUser }}
        fsGroup: {{ .Values.securityContext.runAsUser }}
        seccompProfile:
          type: RuntimeDefault
      {{- if .Values.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "${chart}.selectorLabels" . | nindent 14 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "${chart}.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "${chart}.fullname" . }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
${probe("startupProbe", 5, 30)}
${probe("livenessProbe", 10, 3)}
${probe("readinessProbe", 5, 3)}
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

/** Template files by name (relative to `templates/`), in a fixed order. */
export function helmTemplates(chart: string): [string, string][] {
  return [
    ["_helpers.tpl", helpersTpl(chart)],
    ["configmap.yaml", configMap(chart)],
    ["deployment.yaml", deployment(chart)],
    ["hpa.yaml", hpa(chart)],
    ["ingress.yaml", ingress(chart)],
    ["pdb.yaml", pdb(chart)],
    ["service.yaml", service(chart)],
    ["serviceaccount.yaml", serviceAccount(chart)],
  ];
}
