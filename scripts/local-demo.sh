#!/usr/bin/env bash
# The demo run-operator.sh sets up on the local cluster (namespace "demo"), step by step as a
# platform team and a user would on a real one:
#   1. a signing key for the operator (Secret) and its public half in the trust policy (ConfigMap);
#   2. the tiny base model, signed with that key, on a claim, imported as ModelVersion tiny-base;
#   3. a JSONL dataset on another claim;
#   4. a LoRA FineTuneJob on one GPU that publishes ModelVersion tiny-copy.
# Usage: scripts/local-demo.sh STATE_DIR   (KUBECONFIG must point at the local cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
state="$1"
cli=(java -jar cli/target/lathe-cli.jar)
volumes="$state/kubelet/volumes/demo"
keys="$state/keys"
djl_cache="${LATHE_CACHE:-$HOME/.cache/lathe}/djl"

apply() { kubectl apply --server-side --force-conflicts -f - >/dev/null; }

echo "==> demo: the operator's signing key and trust policy (namespace lathe-system)"
mkdir -p "$keys"
if [[ ! -f "$keys/signing.pem" ]]; then
  "${cli[@]}" keys generate --private-key "$keys/signing.pem" --public-key "$keys/signing.pub" >/dev/null
fi
kubectl create namespace lathe-system --dry-run=client -o yaml | apply
kubectl -n lathe-system create secret generic lathe-signing-key \
  --from-file=signing-key.pem="$keys/signing.pem" --dry-run=client -o yaml | apply
kubectl -n lathe-system create configmap lathe-trust-policy \
  --from-file=operator.pem="$keys/signing.pub" --dry-run=client -o yaml | apply

echo "==> demo: the tiny base model (pretrained once into ~/.cache/lathe/models: about four minutes the first time)"
base="$(OPT_OUT_TRACKING=true DJL_CACHE_DIR="$djl_cache" java -Dai.djl.offline=true \
  -cp trainer-image/target/lathe-trainer.jar dev.lathe.engine.tinybase.TinyBaseModel 2>/dev/null | tail -1)"
rm -rf "$volumes/models/tiny-base"
mkdir -p "$volumes/models" "$volumes/datasets"
cp -r "$base" "$volumes/models/tiny-base"
"${cli[@]}" sign "$volumes/models/tiny-base" --key "$keys/signing.pem" >/dev/null

echo "==> demo: a copy-task dataset"
python3 - "$volumes/datasets/copy.jsonl" <<'PY'
import json, random, sys
words = "apple river stone cloud maple ember frost lumen cedar harbor violet canyon".split()
rng = random.Random(7)
with open(sys.argv[1], "w") as out:
    for _ in range(64):
        phrase = " ".join(rng.sample(words, 3))
        out.write(json.dumps({"prompt": "Copy: " + phrase + "\n", "completion": phrase}) + "\n")
PY

echo "==> demo: namespace demo, its claims, ModelVersion tiny-base and FineTuneJob tiny-copy"
kubectl create namespace demo --dry-run=client -o yaml | apply
apply <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: models, namespace: demo}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: datasets, namespace: demo}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: lathe.dev/v1alpha1
kind: ModelVersion
metadata: {name: tiny-base, namespace: demo}
spec:
  modelName: tiny-llama
  format: hf-safetensors
  description: the 1.8M-parameter tiny Llama Lathe pretrains for tests and demos
  source:
    storage: {uri: pvc://models/tiny-base}
---
apiVersion: lathe.dev/v1alpha1
kind: FineTuneJob
metadata: {name: tiny-copy, namespace: demo}
spec:
  baseModel: {modelVersion: tiny-base}
  dataset:
    format: completion-jsonl
    storage: {uri: pvc://datasets/copy.jsonl}
    evaluation: {fraction: 0.1}
  method: {type: lora, rank: 8, alpha: 16, targetModules: [q_proj, k_proj, v_proj, o_proj]}
  hyperparameters: {epochs: 8, batchSize: 8, learningRate: 0.003, seed: 7, checkpointEverySteps: 10}
  resources: {gpusPerNode: 1}
  trainer:
    env:
    - {name: DJL_CACHE_DIR, value: "$djl_cache"}
  output:
    modelName: tiny-copy
    storage: {uri: pvc://models/fine-tuned}
YAML
echo "==> demo applied: kubectl get ftj,mv -n demo -w   (KUBECONFIG=$KUBECONFIG)"
