{{/*
The TLS material and keys the chart generates, computed once per render and kept in .Values.__kapiPki so that
every template sees the same certificates. On an upgrade each piece is read back from its Secret (`lookup`),
so upgrades keep the CA, the certificates, the ServiceAccount key and the admin token; an install generates
them (nothing is looked up, so `helm template` needs no cluster). A certificate is made again only when what it is for changed (its
names or its CA): its Secret carries a checksum of them (annotation kapi.dev/issued-for).
Call: {{- include "kapi.pki" . -}} (prints nothing), then read (index .Values.__kapiPki "apiserver") etc.
*/}}
{{- define "kapi.pki" -}}
{{- if not (hasKey .Values "__kapiPki") -}}
{{- $ns := .Release.Namespace -}}
{{- $days := int .Values.apiserver.tls.validityDays -}}
{{- $pki := dict -}}
{{- $genApiserver := not .Values.apiserver.tls.existingSecret -}}
{{- $genWebhooks := and .Values.admissionWebhooks.enabled (not .Values.admissionWebhooks.tls.existingSecret) -}}
{{- if or $genApiserver $genWebhooks -}}
{{- $ca := include "kapi.pki.ca" (dict "root" . "name" (printf "%s-ca" (include "kapi.fullname" .)) "cn" "kapi-ca" "days" $days) | fromYaml -}}
{{- $_ := set $pki "ca" $ca -}}
{{- if $genApiserver -}}
{{- $svc := include "kapi.apiserver.fullname" . -}}
{{- $dns := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) "kubernetes" "kubernetes.default" "kubernetes.default.svc" "kubernetes.default.svc.cluster.local" "localhost" -}}
{{- $ips := list "127.0.0.1" -}}
{{- range .Values.apiserver.tls.extraSANs -}}
{{- if regexMatch "^[0-9.]+$|:" . -}}{{- $ips = append $ips . -}}{{- else -}}{{- $dns = append $dns . -}}{{- end -}}
{{- end -}}
{{- $_ := set $pki "apiserver" (include "kapi.pki.leaf" (dict "root" . "name" (include "kapi.apiserver.tlsSecret" .) "cn" $svc "dns" $dns "ips" $ips "ca" $ca "days" $days) | fromYaml) -}}
{{- end -}}
{{- if $genWebhooks -}}
{{- $svc := include "kapi.webhooks.fullname" . -}}
{{- $dns := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) "localhost" -}}
{{- $_ := set $pki "webhooks" (include "kapi.pki.leaf" (dict "root" . "name" (include "kapi.webhooks.tlsSecret" .) "cn" $svc "dns" $dns "ips" (list "127.0.0.1") "ca" $ca "days" $days) | fromYaml) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.etcd.enabled .Values.etcd.tls -}}
{{- $etcd := include "kapi.etcd.fullname" . -}}
{{- $peers := include "kapi.etcd.headless" . -}}
{{- $etcdCa := include "kapi.pki.ca" (dict "root" . "name" (printf "%s-ca" $etcd) "cn" "kapi-etcd-ca" "days" $days) | fromYaml -}}
{{- $_ := set $pki "etcdCa" $etcdCa -}}
{{- $dns := list $etcd (printf "%s.%s.svc" $etcd $ns) (printf "%s.%s.svc.cluster.local" $etcd $ns) (printf "*.%s.%s.svc" $peers $ns) (printf "*.%s.%s.svc.cluster.local" $peers $ns) "localhost" -}}
{{- $_ := set $pki "etcdServer" (include "kapi.pki.leaf" (dict "root" . "name" (printf "%s-server-tls" $etcd) "cn" $etcd "dns" $dns "ips" (list "127.0.0.1") "ca" $etcdCa "days" $days) | fromYaml) -}}
{{- $_ := set $pki "etcdClient" (include "kapi.pki.leaf" (dict "root" . "name" (printf "%s-client-tls" $etcd) "cn" "kapi-apiserver" "dns" (list) "ips" (list) "ca" $etcdCa "days" $days) | fromYaml) -}}
{{- end -}}
{{- if not .Values.apiserver.serviceAccount.existingSecret -}}
{{- $s := include "kapi.pki.lookup" (dict "root" . "name" (include "kapi.apiserver.saSecret" .)) | fromYaml -}}
{{- $key := "" -}}
{{- if and $s $s.data (index $s.data "sa.key") -}}
{{- $key = index $s.data "sa.key" | b64dec -}}
{{- else -}}
{{- $key = genPrivateKey "rsa" -}}
{{- end -}}
{{- $_ := set $pki "saKey" $key -}}
{{- end -}}
{{- if and (not .Values.apiserver.tokenAuth.existingSecret) .Values.apiserver.tokenAuth.adminToken -}}
{{- $s := include "kapi.pki.lookup" (dict "root" . "name" (include "kapi.apiserver.tokenSecret" .)) | fromYaml -}}
{{- $token := "" -}}
{{- if and $s $s.data (index $s.data "admin-token") -}}
{{- $token = index $s.data "admin-token" | b64dec -}}
{{- else -}}
{{- $token = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set $pki "adminToken" $token -}}
{{- end -}}
{{- if include "kapi.webhooks.intoKapi" . -}}
{{- if .Values.apiserver.tokenAuth.existingSecret -}}
{{- fail "admissionWebhooks.registration.into=kapi needs the chart's token file, but apiserver.tokenAuth.existingSecret is set: use into=cluster, or register the webhooks in Kapi yourself (print-config) with into=cluster in a cluster that is not Kapi's host" -}}
{{- end -}}
{{- $s := include "kapi.pki.lookup" (dict "root" . "name" (include "kapi.apiserver.tokenSecret" .)) | fromYaml -}}
{{- $token := "" -}}
{{- if and $s $s.data (index $s.data "admission-webhooks-token") -}}
{{- $token = index $s.data "admission-webhooks-token" | b64dec -}}
{{- else -}}
{{- $token = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set $pki "webhooksToken" $token -}}
{{- end -}}
{{- $_ := set .Values "__kapiPki" $pki -}}
{{- end -}}
{{- end -}}

{{/* A CA kept in Secret .name (tls.crt, tls.key), read back when it exists; prints {crt, key} as YAML. */}}
{{- define "kapi.pki.ca" -}}
{{- $s := include "kapi.pki.lookup" . | fromYaml -}}
{{- $ca := dict -}}
{{- if and $s $s.data (index $s.data "tls.crt") (index $s.data "tls.key") -}}
{{- $ca = buildCustomCert (index $s.data "tls.crt") (index $s.data "tls.key") -}}
{{- else -}}
{{- $ca = genCA .cn (int .days) -}}
{{- end -}}
{{- dict "crt" $ca.Cert "key" $ca.Key | toYaml -}}
{{- end -}}

{{/*
A certificate signed by .ca for .cn, .dns and .ips, kept in Secret .name: read back when that Secret was
issued for the same names and CA, else made again. Prints {crt, key, ca, issuedFor} as YAML.
*/}}
{{- define "kapi.pki.leaf" -}}
{{- $issuedFor := printf "%s|%s|%s|%s" .cn (join "," .dns) (join "," .ips) .ca.crt | sha256sum | trunc 32 -}}
{{- $s := include "kapi.pki.lookup" . | fromYaml -}}
{{- $crt := "" -}}
{{- $key := "" -}}
{{- if and $s $s.data $s.metadata.annotations (eq (index $s.metadata.annotations "kapi.dev/issued-for" | default "") $issuedFor) -}}
{{- $crt = index $s.data "tls.crt" | b64dec -}}
{{- $key = index $s.data "tls.key" | b64dec -}}
{{- else -}}
{{- $ca := buildCustomCert (.ca.crt | b64enc) (.ca.key | b64enc) -}}
{{- $c := genSignedCert .cn .ips .dns (int .days) $ca -}}
{{- $crt = $c.Cert -}}
{{- $key = $c.Key -}}
{{- end -}}
{{- dict "crt" $crt "key" $key "ca" .ca.crt "issuedFor" $issuedFor | toYaml -}}
{{- end -}}

{{/* Secret .name of the release's namespace as YAML, on an upgrade; {} on an install or when there is none. */}}
{{- define "kapi.pki.lookup" -}}
{{- if .root.Release.IsUpgrade -}}
{{- lookup "v1" "Secret" .root.Release.Namespace .name | default dict | toYaml -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}
