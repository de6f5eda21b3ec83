{{/* The chart's name (nameOverride). */}}
{{- define "kapi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every object's name: <release>-kapi, or the release name when it already says kapi. */}}
{{- define "kapi.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "kapi.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kapi.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; call with (dict "root" $ "component" "apiserver"). */}}
{{- define "kapi.labels" -}}
helm.sh/chart: {{ include "kapi.chart" .root }}
{{ include "kapi.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: kapi
{{- end -}}

{{- define "kapi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kapi.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference; call with (dict "root" $ "image" .Values.apiserver.image). */}}
{{- define "kapi.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "kapi.apiserver.fullname" -}}{{ include "kapi.fullname" . }}-apiserver{{- end -}}
{{- define "kapi.etcd.fullname" -}}{{ include "kapi.fullname" . }}-etcd{{- end -}}
{{- define "kapi.etcd.headless" -}}{{ include "kapi.fullname" . }}-etcd-peers{{- end -}}
{{- define "kapi.webhooks.fullname" -}}{{ include "kapi.fullname" . }}-admission-webhooks{{- end -}}

{{/* Pod anti-affinity across nodes: preferred, required or none; call with (dict "root" $ "component" "x" "mode" "preferred"). */}}
{{- define "kapi.podAntiAffinity" -}}
{{- if eq .mode "preferred" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "kapi.selectorLabels" . | nindent 12 }}
{{- else if eq .mode "required" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "kapi.selectorLabels" . | nindent 10 }}
{{- end }}
{{- end -}}

{{/* The restricted Pod Security Standard, for every container of the chart. */}}
{{- define "kapi.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kapi.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The etcd client URLs the apiserver uses. */}}
{{- define "kapi.etcd.servers" -}}
{{- if .Values.etcd.enabled -}}
{{- $scheme := ternary "https" "http" .Values.etcd.tls -}}
{{- printf "%s://%s.%s.svc:2379" $scheme (include "kapi.etcd.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- join "," .Values.etcd.external.endpoints -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the apiserver's etcd client certificate (ca.crt, tls.crt, tls.key), or "" for none. */}}
{{- define "kapi.etcd.clientSecret" -}}
{{- if .Values.etcd.enabled -}}
{{- if .Values.etcd.tls }}{{ include "kapi.etcd.fullname" . }}-client-tls{{ end -}}
{{- else -}}
{{- .Values.etcd.external.tlsSecret -}}
{{- end -}}
{{- end -}}

{{- define "kapi.apiserver.tlsSecret" -}}
{{- default (printf "%s-tls" (include "kapi.apiserver.fullname" .)) .Values.apiserver.tls.existingSecret -}}
{{- end -}}
{{- define "kapi.apiserver.saSecret" -}}
{{- default (printf "%s-service-account" (include "kapi.apiserver.fullname" .)) .Values.apiserver.serviceAccount.existingSecret -}}
{{- end -}}
{{- define "kapi.apiserver.tokenSecret" -}}
{{- default (printf "%s-tokens" (include "kapi.apiserver.fullname" .)) .Values.apiserver.tokenAuth.existingSecret -}}
{{- end -}}
{{- define "kapi.webhooks.tlsSecret" -}}
{{- default (printf "%s-tls" (include "kapi.webhooks.fullname" .)) .Values.admissionWebhooks.tls.existingSecret -}}
{{- end -}}

{{/* Non-empty when the apiserver gets a --token-auth-file (a Secret of yours, or the chart's with lines in it). */}}
{{- define "kapi.tokenFile" -}}
{{- if or .Values.apiserver.tokenAuth.existingSecret .Values.apiserver.tokenAuth.adminToken .Values.apiserver.tokenAuth.extraTokens (include "kapi.webhooks.intoKapi" .) -}}true{{- end -}}
{{- end -}}

{{/* The namespaces the webhooks skip: the configured ones and the release's own, as a JSON list. */}}
{{- define "kapi.webhooks.excluded" -}}
{{- append .Values.admissionWebhooks.registration.excludeNamespaces .Release.Namespace | uniq | toJson -}}
{{- end -}}

{{/* One webhook entry of a registration (service, caBundle, rules, selector, policy). */}}
{{- define "kapi.webhook.common" -}}
name: {{ .hook }}.{{ .w.registration.webhookNameSuffix }}
clientConfig:
  service:
    name: {{ .service }}
    namespace: {{ .ns }}
    path: {{ .path }}
    port: 443
  caBundle: {{ .caBundle }}
admissionReviewVersions: [v1]
sideEffects: None
timeoutSeconds: {{ .w.registration.timeoutSeconds }}
failurePolicy: {{ .failurePolicy }}
namespaceSelector:
  {{- toYaml .selector | nindent 2 }}
rules:
  {{- toYaml .rules | nindent 2 }}
{{- end -}}

{{/* Non-empty when the webhooks register themselves in this release's Kapi. */}}
{{- define "kapi.webhooks.intoKapi" -}}
{{- if and .Values.admissionWebhooks.enabled (eq .Values.admissionWebhooks.registration.into "kapi") -}}true{{- end -}}
{{- end -}}
