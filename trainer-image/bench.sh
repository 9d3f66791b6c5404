#!/usr/bin/env bash
# LoRA training throughput: Lathe's engine next to Hugging Face transformers + PEFT, same model
# configuration, batch, sequence length, LoRA settings (r=8 on q/k/v/o) and thread count, in the
# same run; prints tokens/s, the ratio, the ratio of CPU seconds per step (steadier than wall time
# on a shared machine), achieved GFLOP/s and a DJL matmul ceiling.
#   trainer-image/bench.sh [THREADS]       (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-$(nproc)}"
mvn -B -ntp -q -DskipTests package -pl trainer-image -am -Dlathe.controlplane.build.skip=true
source scripts/python-venv.sh
ensure_venv venv-referee engine/referee/requirements.txt
export OPT_OUT_TRACKING=true OMP_WAIT_POLICY=PASSIVE DJL_CACHE_DIR="${LATHE_CACHE:-$HOME/.cache/lathe}/djl"
export OMP_NUM_THREADS="$threads"
#          name   hidden inter layers heads kv vocab batch seq steps
configs=("tiny   192    512   4      4     2  512   16    128 20"
         "100m   768    2048  12     12    4  16000 4     128 3")
printf '%-6s %10s %16s %16s %8s %10s %14s %14s %12s\n' model params "lathe tok/s" "hf+peft tok/s" ratio "CPU ratio" "lathe GFLOP/s" "hf GFLOP/s" "matmul GF/s"
for c in "${configs[@]}"; do
  read -r name hidden inter layers heads kv vocab batch seq steps <<<"$c"
  # Lathe as a training pod runs it: through the image's entry point, with its allocator settings.
  lathe=$(LATHE_TRAINER_JAR=trainer-image/target/lathe-trainer.jar \
    JAVA_TOOL_OPTIONS="-Dai.djl.pytorch.num_threads=$threads" trainer-image/bin/lathe-trainer \
    bench "$name" "$hidden" "$inter" "$layers" "$heads" "$kv" "$vocab" "$batch" "$seq" "$steps" 2>/dev/null | tail -1)
  hf=$("$venv_python" trainer-image/bench_peft.py "$name" "$hidden" "$inter" "$layers" "$heads" "$kv" "$vocab" "$batch" "$seq" "$steps" "$threads" 2>/dev/null | tail -1)
  python3 - "$lathe" "$hf" <<'PY'
import json, sys
l, h = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{l['name']:<6} {l['parameters']/1e6:9.1f}M {l['tokensPerSecond']:16.0f} {h['tokensPerSecond']:16.0f} "
      f"{l['tokensPerSecond']/h['tokensPerSecond']:8.2f} {h['cpuSecondsPerStep']/l['cpuSecondsPerStep']:10.2f} {l['achievedGflops']:14.1f} {h['achievedGflops']:14.1f} {l['matmulGflops']:12.1f}")
PY
done
echo "ratio = Lathe tokens/s / transformers+PEFT tokens/s (above 1: Lathe is faster); CPU ratio ="\
  "transformers+PEFT CPU seconds per step / Lathe's (above 1: Lathe spends less); threads: $threads"
