#!/usr/bin/env bash
# deploy/ passes the offline checks (tools/deploy-check/validate.mjs), and
# each kind of mistake those checks exist for is caught: the same checks
# run on copies of deploy/ with one mistake each must fail, naming it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
validate=(node "$root/tools/deploy-check/validate.mjs" --build-dir="$build_dir")

"${validate[@]}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# expect_caught NAME EXPECTED_TEXT FILE SED_EXPRESSION
expect_caught() {
  local name=$1 expected=$2 file=$3 expr=$4
  rm -rf "$tmp/deploy" && cp -r "$root/deploy" "$tmp/deploy"
  sed -i -e "$expr" "$tmp/deploy/$file"
  if cmp -s "$root/deploy/$file" "$tmp/deploy/$file"; then
    echo "mutation '$name' changed nothing in $file" >&2
    exit 1
  fi
  local out
  if out=$("${validate[@]}" --deploy-dir="$tmp/deploy" 2>&1); then
    echo "mutation '$name' was not caught:" >&2
    echo "$out" >&2
    exit 1
  fi
  if ! grep -qF -- "$expected" <<<"$out"; then
    echo "mutation '$name' failed without '$expected':" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "caught: $name"
}

expect_caught "container port differs from --port" \
  "containerPort grpc 8091 != --port 8081" k8s/base/events.yaml \
  's/containerPort: 8081/containerPort: 8091/'
expect_caught "a flag the binary does not have" \
  "argument --db_file is not a flag of participants_server" \
  k8s/base/participants.yaml 's/--db_path=/--db_file=/'
expect_caught "a misspelt environment variable" \
  "environment OUTREACH_REDIS_ADRESS names no flag" k8s/base/config.yaml \
  's/OUTREACH_REDIS_ADDRESS:/OUTREACH_REDIS_ADRESS:/'
expect_caught "a value the binary cannot parse" \
  "refuses the container's flags" k8s/base/config.yaml \
  's/OUTREACH_REDIS_TIMEOUT: "100ms"/OUTREACH_REDIS_TIMEOUT: "soon"/'
expect_caught "a writable root file system" \
  "root file system is writable" k8s/base/gateway.yaml \
  's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
expect_caught "liveness following the store" \
  'livenessProbe asks for ""' k8s/base/recommendations.yaml \
  '/livenessProbe:/,/service:/ s/service: outreach.liveness/service: ""/'
expect_caught "a drain longer than the grace period" \
  "does not fit terminationGracePeriodSeconds" k8s/base/config.yaml \
  's/OUTREACH_SHUTDOWN_GRACE: "20s"/OUTREACH_SHUTDOWN_GRACE: "40s"/'
expect_caught "a NetworkPolicy that blocks a call the suite makes" \
  "NetworkPolicies block the call to events:8081" k8s/base/network-policies.yaml \
  '/^  name: participants$/,$ s/port: 8081/port: 8091/'
expect_caught "a schema violation" \
  "schema:" k8s/base/events.yaml 's/periodSeconds: 10/periodSeconds: "ten"/'
expect_caught "a database off the mounted volume" \
  "is not on a mounted volume" k8s/base/events.yaml \
  's|--db_path=/var/lib/outreach/events.db|--db_path=/srv/events.db|'
expect_caught "a runtime image missing a library" \
  "which the runtime stage does not install" Dockerfile 's/ libhiredis0.14 / /'
expect_caught "an image running as root" \
  "non-root USER" Dockerfile 's/^USER 10001:10001/USER root/'
expect_caught "a probe on the mutual-TLS port" \
  "readinessProbe port 8083 != --health_port 7083" k8s/base/recommendations.yaml \
  '/readinessProbe:/,/service:/ s/port: 7083/port: 8083/'
expect_caught "a port without TLS" \
  "--tls_cert is not set" k8s/base/config.yaml '/OUTREACH_TLS_CERT/d'
expect_caught "a policy file that is not mounted" \
  "is not in a mounted ConfigMap" k8s/base/config.yaml \
  's|OUTREACH_AUTHZ_POLICY: "/etc/outreach/authz/policy.json"|OUTREACH_AUTHZ_POLICY: "/tmp/policy.json"|'
expect_caught "server reflection in production" \
  "server reflection is on in production" k8s/overlays/production/kustomization.yaml \
  '/OUTREACH_REFLECTION/,/value:/ s/value: "false"/value: "true"/'
expect_caught "a service on another's Redis user" \
  '--redis_username is "events"' k8s/base/gateway.yaml \
  's/--redis_username=gateway/--redis_username=events/'
expect_caught "production stores left on SQLite" \
  "production keeps events in SQLite" k8s/overlays/production/kustomization.yaml \
  '/^components:/,/postgres/ d'
expect_caught "a replicated store that drops a pod before its successor is ready" \
  "must roll with maxUnavailable 0" k8s/components/postgres/kustomization.yaml \
  '0,/maxUnavailable: 0/ s/maxUnavailable: 0/maxUnavailable: 1/'
expect_caught "a replicated store allowed down to one replica" \
  "needs an HPA from at least 2 replicas" k8s/components/postgres/hpa.yaml \
  '0,/minReplicas: 2/ s/minReplicas: 2/minReplicas: 1/'
expect_caught "a web front open to every namespace" \
  "reachable from more than the ingress controller's namespace" k8s/base/network-policies.yaml \
  '/^  name: web$/,$ s/kubernetes.io\/metadata.name: ingress-nginx/{}/'
expect_caught "a development identity in a cluster" \
  "--dev_identity is set" k8s/base/web.yaml \
  's|- "--port=8088"|- "--port=8088"\n            - "--dev_identity=editor"|'
expect_caught "a web front without its shared CSRF key" \
  "--csrf_key_file is not set" k8s/base/web.yaml \
  '/--csrf_key_file=/d'
echo "deploy checks: all mutations caught"
