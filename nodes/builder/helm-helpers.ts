/**
 * `_helpers.tpl` of the chart: names, the label sets (selector labels stay stable, the trace
 * labels ride along on every object) and the image reference, shared by all templates.
 */
/** Metadata every object shares: name, release namespace, labels and annotations. */
export function metadata(chart: string, indent = 2): string {
  const pad = " ".repeat(indent);
  return [
    "metadata:",
    `${pad}name: {{ include "${chart}.fullname" . }}`,
    `${pad}namespace: {{ .Release.Namespace }}`,
    `${pad}labels:`,
    `${pad}  {{- include "${chart}.labels" . | nindent ${indent + 2} }}`,
    `${pad}annotations:`,
    `${pad}  {{- include "${chart}.annotations" . | nindent ${indent + 2} }}`,
  ].join("\n");
}

/** The helper definitions, namespaced by the chart name as Helm convention asks. */
export const helpersTpl = (chart: string): string => `{{/* Chart name, within the 63 characters Kubernetes allows. */}}
{{- define "${chart}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object name: the release name when it already names the chart, else <release>-<chart>. */}}
{{- define "${chart}.fullname" -}}
{{- $name := include "${chart}.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the pods: stable across releases, so they never change a selector. */}}
{{- define "${chart}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${chart}.name" . }}
atlas.dev/component: {{ .Values.atlas.component | quote }}
{{- end -}}

{{/* Labels on every object, including the trace labels of the plan that produced the chart. */}}
{{- define "${chart}.labels" -}}
{{ include "${chart}.selectorLabels" . }}
{{ include "${chart}.designLabels" . }}
{{- end -}}

{{/* The design's labels (every object's, besides its own name and selector): the workload's and each component's objects. */}}
{{- define "${chart}.designLabels" -}}
app.kubernetes.io/part-of: {{ .Values.atlas.partOf | quote }}
app.kubernetes.io/managed-by: atlas
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | trunc 63 | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
atlas.dev/trace-id: {{ .Values.atlas.traceId | quote }}
atlas.dev/plan-id: {{ .Values.atlas.planId | quote }}
atlas.dev/team: {{ .Values.atlas.team | quote }}
atlas.dev/env: {{ .Values.environment | quote }}
{{- end -}}

{{- define "${chart}.annotations" -}}
atlas.dev/plan-version: {{ .Values.atlas.planVersion | quote }}
atlas.dev/generated-by: atlas-builder
{{- end -}}

{{- define "${chart}.serviceAccountName" -}}
{{- default (include "${chart}.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The image by digest when one is given, else by tag; an empty tag fails the render (never "latest"). */}}
{{- define "${chart}.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (required "image.tag or image.digest is required" .Values.image.tag) -}}
{{- end -}}
{{- end -}}
`;
