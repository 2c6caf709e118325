{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "vrs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name of every object; the release name alone when it already says it. */}}
{{- define "vrs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vrs.agentName" -}}
{{- printf "%s-agent" (include "vrs.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "vrs.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "vrs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: vpc-route-sync
{{- end }}

{{/* Selector labels of the controller (component controller) or the agent (component agent). */}}
{{- define "vrs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vrs.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "vrs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vrs.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "vrs.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* "true" when the allowlist opts in to every namespace, so access must be cluster-wide. */}}
{{- define "vrs.clusterWide" -}}
{{- if has "*" .Values.allowedNamespaces }}true{{ end }}
{{- end }}

{{/* Leader election needs its Lease permissions only when it runs (never in dry-run). */}}
{{- define "vrs.electsLeader" -}}
{{- if and .Values.leaderElection.enabled (not .Values.dryRun) }}true{{ end }}
{{- end }}

{{/*
Cross-field rules the schema cannot say clearly. Fails the install with the value to fix.
*/}}
{{- define "vrs.validate" -}}
{{- if has "*" .Values.allowedNamespaces }}
{{- if gt (len .Values.allowedNamespaces) 1 }}
{{- fail "allowedNamespaces: \"*\" means every namespace and must be the only entry; list namespaces or write [\"*\"]" }}
{{- end }}
{{- end }}
{{- if eq .Values.provider "aws" }}
{{- if not (or .Values.aws.routeTableTags .Values.aws.routeTableIds) }}
{{- fail "provider aws: set aws.routeTableTags (recommended, e.g. {\"vpc-route-sync.io/cluster/<clusterId>\": managed}, the tag the IAM policy is scoped by) and/or aws.routeTableIds" }}
{{- end }}
{{- else if eq .Values.provider "gcp" }}
{{- if not (and .Values.gcp.project .Values.gcp.network) }}
{{- fail "provider gcp: set gcp.project (the project holding the VPC network) and gcp.network (its name, e.g. default)" }}
{{- end }}
{{- else if eq .Values.provider "azure" }}
{{- if not .Values.azure.routeTableIds }}
{{- fail "provider azure: set azure.routeTableIds to the resource ids of the route tables to manage" }}
{{- end }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) (not .Values.dryRun) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled: true, or several replicas would write to the cloud" }}
{{- end }}
{{- end }}

{{/*
The controller's config file (keys as in docs/configuration.md). Only the selected provider's
section is written; empty optional lists are left out, as the controller refuses empty lists.
*/}}
{{- define "vrs.config" -}}
{{- $v := .Values }}
{{- $c := dict "provider" $v.provider "clusterId" $v.clusterId "allowedCidrs" $v.allowedCidrs "allowedNamespaces" $v.allowedNamespaces }}
{{- if $v.clusterCidrs }}{{ $_ := set $c "clusterCidrs" $v.clusterCidrs }}{{ end }}
{{- $_ := set $c "trustedEndpointSliceManagers" $v.trustedEndpointSliceManagers }}
{{- $_ := set $c "minPrefixLength" (dict "v4" $v.minPrefixLength.v4 "v6" $v.minPrefixLength.v6) }}
{{- $_ := set $c "maxCidrsPerService" $v.maxCidrsPerService }}
{{- $_ := set $c "adoptExistingRoutes" $v.adoptExistingRoutes }}
{{- $_ := set $c "dryRun" $v.dryRun }}
{{- $_ := set $c "resyncIntervalMs" $v.resyncInterval }}
{{- $_ := set $c "writesPerSecond" $v.writesPerSecond }}
{{- if $v.writeBurst }}{{ $_ := set $c "writeBurst" $v.writeBurst }}{{ end }}
{{- $le := $v.leaderElection }}
{{- $_ := set $c "leaderElection" (dict "enabled" $le.enabled "leaseName" $le.leaseName "leaseDurationMs" $le.leaseDuration "renewDeadlineMs" $le.renewDeadline "retryPeriodMs" $le.retryPeriod) }}
{{- $_ := set $c "http" (dict "host" $v.http.host "port" $v.http.port) }}
{{- $_ := set $c "log" (dict "level" $v.logLevel "pretty" false) }}
{{- if eq $v.provider "aws" }}
{{- $aws := dict "manageSourceDestCheck" $v.aws.manageSourceDestCheck }}
{{- if $v.aws.region }}{{ $_ := set $aws "region" $v.aws.region }}{{ end }}
{{- if $v.aws.routeTableIds }}{{ $_ := set $aws "routeTableIds" $v.aws.routeTableIds }}{{ end }}
{{- if $v.aws.routeTableTags }}
{{- $tags := list }}
{{- range $key := keys $v.aws.routeTableTags | sortAlpha }}
{{- $tags = append $tags (dict "key" $key "value" (get $v.aws.routeTableTags $key)) }}
{{- end }}
{{- $_ := set $aws "routeTableTags" $tags }}
{{- end }}
{{- $_ := set $c "aws" $aws }}
{{- else if eq $v.provider "gcp" }}
{{- $_ := set $c "gcp" (dict "project" $v.gcp.project "network" $v.gcp.network "routePriority" $v.gcp.routePriority) }}
{{- else if eq $v.provider "azure" }}
{{- $_ := set $c "azure" (dict "routeTableIds" $v.azure.routeTableIds) }}
{{- end }}
{{- toYaml $c }}
{{- end }}

{{/* The controller's ServiceAccount as an RBAC subject. */}}
{{- define "vrs.subject" -}}
- kind: ServiceAccount
  name: {{ include "vrs.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}
