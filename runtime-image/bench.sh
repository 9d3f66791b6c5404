#!/usr/bin/env bash
# Serving throughput: Lathe's runtime (the OpenAI-compatible server, streaming over HTTP, continuous
# batching) next to Hugging Face transformers generate() on the same model, prompt, token count and
# threads, in the same run. Prints tokens/s for 1 and 8 concurrent streams, time to first token,
# p99 latency and the ratios; then a bounded load test on loopback (16 streaming clients and a burst
# of 200 requests at once, stopping by itself): requests, responses by status, tokens/s, latency
# p50/p99, the slowest /healthz and resident memory before and after. The load test alone:
#   java -cp "runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*" \
#     dev.lathe.runtime.RuntimeMain bench --load-only
# Also prints the batch-1 memory-bandwidth roofline. SHAPE: tiny (the tiny base) or 100m (the 100M
# configuration with random weights and the tiny tokenizer's vocabulary).
#   runtime-image/bench.sh [THREADS] [MAX_TOKENS] [REQUESTS] [SHAPE]   (defaults: all cores, 64, 32, tiny)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-$(nproc)}"
max_tokens="${2:-64}"
requests="${3:-32}"
shape="${4:-tiny}"
mvn -B -ntp -q -DskipTests install -pl runtime-image -am -Dlathe.controlplane.build.skip=true
source scripts/python-venv.sh
ensure_venv venv-referee engine/referee/requirements.txt
export OPT_OUT_TRACKING=true OMP_WAIT_POLICY=PASSIVE DJL_CACHE_DIR="${LATHE_CACHE:-$HOME/.cache/lathe}/djl"
export OMP_NUM_THREADS="$threads" TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
cp="runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*"
java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$threads" -cp "$cp" \
  dev.lathe.runtime.RuntimeMain bench --threads "$threads" --max-tokens "$max_tokens" \
  --requests "$requests" --shape "$shape" --transformers "$venv_python runtime-image/bench_transformers.py"
