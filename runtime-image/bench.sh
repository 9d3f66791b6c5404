#!/usr/bin/env bash
# Serving throughput: Lathe's runtime (the OpenAI-compatible server, streaming over HTTP, continuous
# batching) next to Hugging Face transformers generate() and next to llama.cpp's native llama-server
# (the same weights converted to F32 GGUF, continuous batching, over HTTP with SSE) on the same
# model, prompt, token count and threads, in the same run. Prints tokens/s for 1 and 8 concurrent streams, time to first token,
# p99 latency and the ratios; then a bounded load test on loopback (16 streaming clients and a burst
# of 200 requests at once, stopping by itself): requests, responses by status, tokens/s, latency
# p50/p99, the slowest /healthz and resident memory before and after. The server under test is its
# own process, started by the runtime image's entry point (runtime-image/bin/lathe-runtime, with a
# pod's JVM options) on a signed copy of the model, so its RSS and peak (VmHWM) are the server's
# alone, printed beside the weights' and the KV cache's share. The load test alone:
#   LATHE_RUNTIME_JAR=runtime-image/target/lathe-runtime.jar java \
#     -cp "runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*" \
#     dev.lathe.runtime.RuntimeMain bench --load-only --shape 100m
# Also prints the batch-1 memory-bandwidth roofline. SHAPE: tiny (the tiny base) or 100m (the 100M
# configuration with random weights and the tiny tokenizer's vocabulary).
#   runtime-image/bench.sh [THREADS] [MAX_TOKENS] [REQUESTS] [SHAPE]   (defaults: all cores, 64, 32, tiny)
# llama.cpp comes from PyPI: the llama-cpp-python sdist pinned in bench-llamacpp-requirements.txt is
# downloaded once and built from source for this CPU with its server and llama-bench (minutes; the
# time is printed), all under ${LATHE_CACHE:-~/.cache/lathe}/llamacpp and venv-llamacpp; the model
# is converted to GGUF with the convert_hf_to_gguf.py that sdist vendors, run in the referee venv.
# LATHE_BENCH_LLAMACPP=0 leaves llama.cpp out.
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
referee_python="$venv_python"

# Downloads (once) and builds (once per requirements and build flags) llama-cpp-python from its
# sdist, keeping the CMake build directory: it holds llama-server and llama-bench, which the wheel
# does not ship. Sets $llamacpp_bin and $llamacpp_src (the vendored llama.cpp, for the converter).
llamacpp_home="${LATHE_CACHE:-$HOME/.cache/lathe}/llamacpp"
ensure_llamacpp() {
  local requirements=runtime-image/bench-llamacpp-requirements.txt
  local version home sdist venv want stamp start
  version="$(sed -n 's/^llama-cpp-python\(\[[a-z]*\]\)\?==//p' "$requirements")"
  home="$llamacpp_home"
  venv="${LATHE_CACHE:-$HOME/.cache/lathe}/venv-llamacpp"
  sdist="$home/llama_cpp_python-$version.tar.gz"
  llamacpp_src="$home/src/llama_cpp_python-$version/vendor/llama.cpp"
  llamacpp_bin="$home/build/bin"
  # Built for this CPU (-march=native); the tools give llama-server and llama-bench; llava/mtmd
  # is built once by the tools (the package's own copy would clash); no web UI, no download.
  local cmake_args="-DGGML_NATIVE=ON -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON"
  cmake_args+=" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF"
  cmake_args+=" -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF"
  want="$( (cat "$requirements"; echo "$cmake_args") | sha256sum | cut -d' ' -f1)"
  stamp="$home/.built.sha256"
  if [[ -x "$llamacpp_bin/llama-server" && -x "$llamacpp_bin/llama-bench" && -f "$stamp" \
        && "$(cat "$stamp")" == "$want" && -f "$llamacpp_src/convert_hf_to_gguf.py" ]]; then
    return
  fi
  {
    mkdir -p "$home/src"
    [[ -f "$sdist" ]] || "${PYTHON:-python3}" -m pip download --quiet --disable-pip-version-check \
      --no-deps --no-binary :all: -d "$home" "llama-cpp-python==$version"
    tar -xzf "$sdist" -C "$home/src"
    [[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
    # A build directory configured from another source tree or other flags is not reusable.
    rm -rf "$home/build"
    start=$SECONDS
    # --no-cache-dir: a wheel pip cached would skip the build, and with it the build directory.
    CMAKE_ARGS="$cmake_args" SKBUILD_BUILD_DIR="$home/build" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
      nice "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
      -r "$requirements" "$sdist"
    echo "llama.cpp: built llama-cpp-python $version from source in $((SECONDS - start)) s" \
      "($(nproc) cores)"
  } >&2 || { echo "llama.cpp setup failed under $home" >&2; exit 2; }
  echo "$want" > "$stamp"
}

llamacpp_args=()
if [[ "${LATHE_BENCH_LLAMACPP:-1}" != 0 ]]; then
  ensure_llamacpp
  llamacpp_args=(--llamacpp-server "$llamacpp_bin/llama-server"
    --llamacpp-bench "$llamacpp_bin/llama-bench" --gguf-dir "$llamacpp_home/gguf"
    --llamacpp-convert "$referee_python runtime-image/bench_llamacpp_convert.py $llamacpp_src")
fi
cp="runtime-image/target/lathe-runtime.jar:runtime-image/target/lib/*"
export LATHE_RUNTIME_JAR="$PWD/runtime-image/target/lathe-runtime.jar"
# allowRestrictedHeaders: the probe of llama-server sends Connection: close (StreamingProbe says why).
java -Djdk.httpclient.allowRestrictedHeaders=connection -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads="$threads" -cp "$cp" \
  dev.lathe.runtime.RuntimeMain bench --threads "$threads" --max-tokens "$max_tokens" \
  --requests "$requests" --shape "$shape" \
  --transformers "$referee_python runtime-image/bench_transformers.py" "${llamacpp_args[@]}"
