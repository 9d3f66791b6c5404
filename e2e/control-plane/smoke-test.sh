#!/usr/bin/env bash
# Smoke test for the control plane that build.sh builds: starts etcd,
# kube-apiserver, kube-controller-manager and kube-scheduler on free loopback
# ports with throw-away certificates and tokens, checks that each of them
# works, and stops them all again (also on failure or Ctrl-C).
#
#   e2e/control-plane/smoke-test.sh      # runs build.sh first (a no-op once built)
#
# Needs: kubectl on PATH (or KUBECTL=...), openssl, curl. KEEP_TMP=1 keeps
# the temp dir (certs, kubeconfigs, logs) for a look afterwards.
# Exits non-zero on any failure. No network beyond 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kubectl="${KUBECTL:-kubectl}"
for tool in "$kubectl" openssl curl; do
  command -v "$tool" >/dev/null || { echo "smoke-test: $tool is required" >&2; exit 1; }
done

bin="$("$here/build.sh" | tail -n 1)"
k8s_version="$(basename "$bin")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/lathe-cp-smoke.XXXXXX")"
pids=()   # every process this script starts, in start order
names=()
failed=true

stop_all() {
  local i pid
  # Stop in reverse order: scheduler, controller-manager, apiserver, etcd.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "smoke-test: ${names[i]} (pid $pid) ignored SIGTERM, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  local left=0 pid
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && { echo "smoke-test: pid $pid is still running" >&2; left=1; }
  done
  if $failed || [[ $rc -ne 0 ]]; then
    for log in "$tmp"/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- last lines of $(basename "$log") -----" >&2
      tail -n 25 "$log" >&2
    done
    echo "smoke-test: FAILED" >&2
    [[ $rc -eq 0 ]] && rc=1
  fi
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "smoke-test: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  [[ $left -eq 0 ]] || rc=1
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() { # start NAME BINARY ARGS... : runs it in the background, logs to $tmp/NAME.log
  local name=$1; shift
  "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  echo "started $name (pid $!)"
}
alive() { # alive NAME: fails if the process started as NAME has exited
  local i
  for i in "${!names[@]}"; do
    if [[ ${names[i]} == "$1" ]]; then
      kill -0 "${pids[i]}" 2>/dev/null && return 0
      echo "smoke-test: $1 exited early" >&2
      return 1
    fi
  done
  return 1
}
wait_for() { # wait_for SECONDS NAME DESCRIPTION COMMAND...: retries COMMAND until it succeeds
  local secs=$1 name=$2 what=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || exit 1
    if ((SECONDS >= deadline)); then
      echo "smoke-test: $what not reached in ${secs}s" >&2
      exit 1
    fi
    sleep 1
  done
  echo "ok: $what (after $((secs - (deadline - SECONDS))) s)"
}

# Free loopback ports below the kernel's ephemeral range.
taken=" "
free_port() { # free_port VAR
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 12000))
    [[ $taken == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      taken+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  echo "smoke-test: no free port found" >&2
  exit 1
}
etcd_client_port="" etcd_peer_port="" apiserver_port="" kcm_port="" scheduler_port=""
free_port etcd_client_port
free_port etcd_peer_port
free_port apiserver_port
free_port kcm_port
free_port scheduler_port

# ---- certificates, keys, tokens, kubeconfigs --------------------------------
pki="$tmp/pki"
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lathe-e2e-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
cat >"$pki/apiserver.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 2 -extfile "$pki/apiserver.ext" \
  -out "$pki/apiserver.crt" 2>/dev/null
# Client certificate the apiserver's aggregation layer presents to aggregated
# API servers (front proxy). Only needed so that the extension-apiserver-
# authentication ConfigMap carries a request-header CA; without it the
# controller-manager and scheduler log "missing content for CA bundle" errors.
openssl req -newkey rsa:2048 -nodes -subj "/CN=front-proxy-client" \
  -keyout "$pki/front-proxy-client.key" -out "$pki/front-proxy-client.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' \
  >"$pki/client.ext"
openssl x509 -req -in "$pki/front-proxy-client.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 2 -extfile "$pki/client.ext" \
  -out "$pki/front-proxy-client.crt" 2>/dev/null
# Service-account token signing key (private) and its public half.
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

admin_token="$(openssl rand -hex 24)"
kcm_token="$(openssl rand -hex 24)"
scheduler_token="$(openssl rand -hex 24)"
# Static tokens: token,user,uid,"groups". The two component users are the ones
# the apiserver's bootstrap RBAC policy already grants what they need.
cat >"$pki/tokens.csv" <<EOF
${admin_token},lathe-admin,lathe-admin,"system:masters"
${kcm_token},system:kube-controller-manager,system:kube-controller-manager
${scheduler_token},system:kube-scheduler,system:kube-scheduler
EOF

server="https://127.0.0.1:${apiserver_port}"
kubeconfig() { # kubeconfig FILE USER TOKEN
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: lathe-e2e
  cluster:
    server: ${server}
    certificate-authority: ${pki}/ca.crt
users:
- name: $2
  user:
    token: $3
contexts:
- name: lathe-e2e
  context:
    cluster: lathe-e2e
    user: $2
current-context: lathe-e2e
EOF
}
kubeconfig "$tmp/admin.kubeconfig" lathe-admin "$admin_token"
kubeconfig "$tmp/controller-manager.kubeconfig" system:kube-controller-manager "$kcm_token"
kubeconfig "$tmp/scheduler.kubeconfig" system:kube-scheduler "$scheduler_token"
k() { "$kubectl" --kubeconfig "$tmp/admin.kubeconfig" "$@"; }

# ---- etcd --------------------------------------------------------------------
etcd_url="http://127.0.0.1:${etcd_client_port}"
start etcd "$bin/etcd" \
  --name=lathe-e2e \
  --data-dir="$tmp/etcd-data" \
  --listen-client-urls="$etcd_url" \
  --advertise-client-urls="$etcd_url" \
  --listen-peer-urls="http://127.0.0.1:${etcd_peer_port}" \
  --initial-advertise-peer-urls="http://127.0.0.1:${etcd_peer_port}" \
  --initial-cluster="lathe-e2e=http://127.0.0.1:${etcd_peer_port}" \
  --initial-cluster-state=new \
  --unsafe-no-fsync=true
wait_for 30 etcd "etcd healthy on $etcd_url" curl -fsS "$etcd_url/health"

# ---- kube-apiserver ----------------------------------------------------------
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers="$etcd_url" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$apiserver_port" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --token-auth-file="$pki/tokens.csv" \
  --authorization-mode=RBAC \
  --service-account-issuer="https://kubernetes.default.svc.cluster.local" \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --allow-privileged=true \
  --endpoint-reconciler-type=none \
  --requestheader-client-ca-file="$pki/ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$pki/front-proxy-client.crt" \
  --proxy-client-key-file="$pki/front-proxy-client.key" \
  --cert-dir="$tmp/apiserver-certs"
wait_for 120 kube-apiserver "kube-apiserver /readyz on $server" k get --raw /readyz

echo "--- kubectl get --raw /readyz"
k get --raw /readyz; echo
echo "--- kubectl version"
k version 2>&1 || { echo "smoke-test: kubectl version failed" >&2; exit 1; }
server_version="$(k get --raw /version | tr -d ' \n' | sed -n 's/.*"gitVersion":"\([^"]*\)".*/\1/p')"
[[ "$server_version" == "$k8s_version" ]] || {
  echo "smoke-test: server reports gitVersion '$server_version', expected '$k8s_version'" >&2; exit 1; }
k -n default get service kubernetes >/dev/null || {
  echo "smoke-test: the default/kubernetes Service is missing" >&2; exit 1; }
echo "--- kubectl api-resources | head"
k api-resources > "$tmp/api-resources.txt"
head "$tmp/api-resources.txt"
grep -q '^customresourcedefinitions ' "$tmp/api-resources.txt" || {
  echo "smoke-test: CustomResourceDefinitions are not served" >&2; exit 1; }

# ---- kube-controller-manager and kube-scheduler ------------------------------
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig="$tmp/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$tmp/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$tmp/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$kcm_port" \
  --cert-dir="$tmp/controller-manager-certs" \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key"
start kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig="$tmp/scheduler.kubeconfig" \
  --authentication-kubeconfig="$tmp/scheduler.kubeconfig" \
  --authorization-kubeconfig="$tmp/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$scheduler_port" \
  --cert-dir="$tmp/scheduler-certs" \
  --leader-elect=false
wait_for 90 kube-controller-manager "kube-controller-manager /healthz on :$kcm_port" \
  curl -fsSk "https://127.0.0.1:${kcm_port}/healthz"
wait_for 90 kube-scheduler "kube-scheduler /healthz on :$scheduler_port" \
  curl -fsSk "https://127.0.0.1:${scheduler_port}/healthz"

# ---- do they actually work? -------------------------------------------------
# Controller-manager: a new namespace gets its "default" ServiceAccount and
# kube-root-ca.crt ConfigMap; a Deployment gets a ReplicaSet and a Pod.
# Scheduler: the Pod is bound to a Node. There is no kubelet, so the Node is a
# bare API object and the Pod never runs; it only has to be scheduled.
k create namespace smoke >/dev/null
wait_for 60 kube-controller-manager "ServiceAccount smoke/default created" k -n smoke get serviceaccount default
wait_for 60 kube-controller-manager "ConfigMap smoke/kube-root-ca.crt published" k -n smoke get configmap kube-root-ca.crt
k apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: fake-node
  labels:
    kubernetes.io/hostname: fake-node
status:
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: smoke
  namespace: smoke
spec:
  replicas: 1
  selector:
    matchLabels: {app: smoke}
  template:
    metadata:
      labels: {app: smoke}
    spec:
      # the fake node is never Ready and carries the not-ready taint
      tolerations: [{operator: Exists}]
      containers:
      - name: c
        image: registry.invalid/none:0
EOF
pod_created() {
  [[ -n "$(k -n smoke get pods -l app=smoke -o name)" ]]
}
pod_scheduled() {
  [[ -n "$(k -n smoke get pods -l app=smoke -o jsonpath='{.items[*].spec.nodeName}')" ]]
}
wait_for 60 kube-controller-manager "Deployment smoke has a ReplicaSet and a Pod" pod_created
wait_for 60 kube-scheduler "Pod bound to fake-node by the scheduler" pod_scheduled
k -n smoke get pods -o wide

for name in etcd kube-apiserver kube-controller-manager kube-scheduler; do alive "$name"; done
rss=""
for i in "${!pids[@]}"; do
  rss+=" ${names[i]}=$(($(ps -o rss= -p "${pids[i]}") / 1024))MiB"
done
echo "resident memory now:$rss"
failed=false
echo "smoke-test: PASSED (Kubernetes $k8s_version control plane from $bin)"
