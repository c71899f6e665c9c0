import { helpersTpl, metadata } from "../helm-helpers.js";
import { CONTAINER_SECURITY_CONTEXT, indent, probe } from "../helm-pod.js";
// the autoscaler and the disruption budget are the same template on every cloud
import { hpa, pdb } from "../helm-templates.js";
import { SECRETS_STORE_DRIVER } from "./cloud.js";

/**
 * The templates of an AKS or GKE design's chart. They use only what iac/helm-template.ts renders
 * (if/with/range, include, toYaml, nindent, quote, default, required, printf) and depend on the
 * plan only through the chart name (which namespaces the shared helpers of ../helm-helpers.ts);
 * everything else comes from `.Values`, so values-<env>.yaml gives each environment the same
 * objects as its Kustomize overlay.
 */

/** Metadata with the shared labels and annotations plus the extra annotations at `.Values.<path>`. */
function metadataWith(chart: string, name: string, annotationsPath: string): string {
  return `metadata:
  name: ${name}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
    {{- with ${annotationsPath} }}
    {{- toYaml . | nindent 4 }}
    {{- end }}`;
}

/**
 * The pod template of the Deployment and the CronJob, written at indentation 0 and shifted to
 * `pad`; `nindent` counts are absolute, so they add `pad`. A job pod has no port, probes or
 * spread and restarts `Never`.
 */
export function podTemplate(chart: string, pad: number, job: boolean): string {
  const at = (offset: number) => pad + offset;
  const ports = job
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
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent ${at(4)} }}
    {{- end }}
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
      imagePullPolicy: {{ .Values.image.pullPolicy }}${ports}
      {{- if .Values.secrets.enabled }}
      env:
        {{- toYaml .Values.secrets.env | nindent ${at(8)} }}
      {{- end }}
      resources:
        {{- toYaml .Values.resources | nindent ${at(8)} }}${probes}
${indent(CONTAINER_SECURITY_CONTEXT, 6)}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if .Values.secrets.enabled }}
        - name: secrets
          mountPath: {{ .Values.secrets.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if .Values.secrets.enabled }}
    - name: secrets
      csi:
        driver: ${SECRETS_STORE_DRIVER}
        readOnly: true
        volumeAttributes:
          secretProviderClass: {{ .Values.secrets.providerClassName }}
    {{- end }}
`;
  return indent(body, pad);
}

/** The namespace with the Pod Security labels, only when the chart is to own it (`namespace.create`; usually `helm --create-namespace`). */
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

/** The service account the cloud identity is federated with; its name must stay the one the Terraform names. */
const serviceAccount = (chart: string) => `apiVersion: v1
kind: ServiceAccount
${metadataWith(chart, `{{ include "${chart}.serviceAccountName" . }}`, ".Values.serviceAccount.annotations")}
automountServiceAccountToken: false
`;

/** Default deny for the namespace, and the workload's allows (computed from the plan into values). */
const networkPolicy = (chart: string) => `apiVersion: networking.k8s.io/v1
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
`;

/** The Secrets Store CSI driver's instructions: which vault entries become files in the pod. */
const secretProviderClass = (chart: string) => `{{- if .Values.secrets.enabled }}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ .Values.secrets.providerClassName }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" . | nindent 4 }}
spec:
  provider: {{ .Values.secrets.provider }}
  parameters:
    {{- toYaml .Values.secrets.parameters | nindent 4 }}
{{- end }}
`;

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

const service = (chart: string) => `apiVersion: v1
kind: Service
${metadataWith(chart, `{{ include "${chart}.fullname" . }}`, ".Values.service.annotations")}
spec:
  type: ClusterIP
  selector:
    {{- include "${chart}.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
`;

const ingress = (chart: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
${metadataWith(chart, `{{ include "${chart}.fullname" . }}`, ".Values.ingress.annotations")}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
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
`;

/** One of GKE's Ingress companion objects (BackendConfig, FrontendConfig, ManagedCertificate), its spec from `.Values.gke.<key>`. */
const gkeObject = (chart: string, apiVersion: string, kind: string, key: string) => `{{- with .Values.gke.${key} }}
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ include "${chart}.fullname" $ }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "${chart}.labels" $ | nindent 4 }}
  annotations:
    {{- include "${chart}.annotations" $ | nindent 4 }}
spec:
  {{- toYaml . | nindent 2 }}
{{- end }}
`;

/** The CronJob of a scheduled plan; every number comes from `.Values.cronJob` (the same settings as the overlay's). */
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

/** What the chart's workload is: a CronJob, a serving Deployment (Service and Ingress), or a worker Deployment. */
export type ChartWorkload = "scheduled" | "serving" | "worker";

/** Template files by name (relative to `templates/`), in path order. `gke` adds the Ingress's companion objects. */
export function cloudHelmTemplates(chart: string, workload: ChartWorkload, gke: boolean): [string, string][] {
  const common: [string, string][] = [
    ["_helpers.tpl", helpersTpl(chart)],
    ["namespace.yaml", namespace(chart)],
    ["networkpolicy.yaml", networkPolicy(chart)],
    ["secretproviderclass.yaml", secretProviderClass(chart)],
    ["serviceaccount.yaml", serviceAccount(chart)],
  ];
  const deployments: [string, string][] = [
    ["deployment.yaml", deployment(chart)],
    ["hpa.yaml", hpa(chart)],
    ["pdb.yaml", pdb(chart)],
  ];
  const serving: [string, string][] = [
    ["ingress.yaml", ingress(chart)],
    ["service.yaml", service(chart)],
    ...(gke
      ? ([
          ["backendconfig.yaml", gkeObject(chart, "cloud.google.com/v1", "BackendConfig", "backendConfig")],
          ["frontendconfig.yaml", gkeObject(chart, "networking.gke.io/v1beta1", "FrontendConfig", "frontendConfig")],
          ["managedcertificate.yaml", gkeObject(chart, "networking.gke.io/v1", "ManagedCertificate", "managedCertificate")],
        ] as [string, string][])
      : []),
  ];
  const workloadTemplates =
    workload === "scheduled" ? [["cronjob.yaml", cronJob(chart)] as [string, string]] : workload === "serving" ? [...deployments, ...serving] : deployments;
  return [...common, ...workloadTemplates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
