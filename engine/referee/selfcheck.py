#!/usr/bin/env python3
"""Proves the referee scripts work and agree with the independent NumPy implementation, for every
model variant make_tiny_llama.py can write. Run with the referee venv's python:

  ${LATHE_CACHE:-~/.cache/lathe}/venv-referee/bin/python selfcheck.py [WORKDIR]

For each variant: make the model, logits.py logits vs numpy_llama.py logits (max abs diff), greedy
generation with the KV cache vs without vs NumPy argmax loop; for the base model also a LoRA adapter
(unmerged and merged). Prints one line per check and 'N passed, N failed'.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
IDS = [1, 5, 9, 42, 7, 300, 11, 2, 77, 401, 3, 250, 18, 99, 6, 480, 21, 64, 128, 255]

VARIANTS = {
    "base": [],
    "legacy-config": ["--legacy-config"],
    "tied": ["--tie-word-embeddings"],
    "rope-linear": ["--rope-scaling", "linear"],
    "rope-llama3": ["--rope-scaling", "llama3"],
    "rope-llama3-legacy": ["--rope-scaling", "llama3", "--legacy-config"],
    # max_position_embeddings 12 < 20 tokens, so dynamic NTK actually rescales
    "rope-dynamic": ["--rope-scaling", "dynamic", "--max-positions", "12"],
    "mistral-sw4": ["--sliding-window", "4"],
    "sharded-bf16": ["--sharded", "--dtype", "bfloat16"],
    "fp16": ["--dtype", "float16"],
}


def run(args, **kw):
    t0 = time.perf_counter()
    out = subprocess.run([PY, *args], cwd=HERE, capture_output=True, text=True, **kw)
    if out.returncode not in (0, 1):
        sys.stderr.write(out.stderr)
        raise SystemExit(f"failed: {args}")
    return out, time.perf_counter() - t0


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="lathe-referee-")
    ids = json.dumps(IDS)
    passed = failed = 0

    def check(label, ok, detail):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {detail}", flush=True)

    for name, extra in VARIANTS.items():
        d = os.path.join(work, name)
        _, t_make = run(["make_tiny_llama.py", d, *extra])
        lj = os.path.join(work, name + ".logits.json")
        _, t_log = run(["logits.py", d, ids, "--out", lj])
        out, _ = run(["numpy_llama.py", d, ids, "--compare", lj])
        diff = json.loads(out.stdout)["max_abs_diff"]
        check(f"{name} logits", diff < 1e-4, f"max|hf-numpy|={diff:.2e} make={t_make:.1f}s logits={t_log:.1f}s")
        gens = {}
        for mode, flags in {"cache": [], "nocache": ["--no-cache"]}.items():
            out, _ = run(["logits.py", d, json.dumps(IDS[:6]), "--generate", "10", *flags])
            gens[mode] = json.loads(out.stdout)["generated"]
        gj = os.path.join(work, name + ".gen.json")
        with open(gj, "w") as f:
            json.dump({"generated": gens["cache"]}, f)
        out, _ = run(["numpy_llama.py", d, json.dumps(IDS[:6]), "--generate", "10", "--compare", gj])
        same_np = json.loads(out.stdout)["generated_equal"]
        check(f"{name} generate", gens["cache"] == gens["nocache"] and same_np, f"{gens['cache']}")

    d = os.path.join(work, "base")
    a = os.path.join(work, "base-lora")
    _, t_ad = run(["make_lora_adapter.py", d, a])
    for label, flags in {"lora": [], "lora-merged": ["--merge"]}.items():
        lj = os.path.join(work, label + ".logits.json")
        run(["logits.py", d, ids, "--adapter", a, "--out", lj, *flags])
        out, _ = run(["numpy_llama.py", d, ids, "--adapter", a, "--compare", lj])
        diff = json.loads(out.stdout)["max_abs_diff"]
        check(f"{label} logits", diff < 1e-4, f"max|hf-numpy|={diff:.2e} adapter={t_ad:.1f}s")
    with open(os.path.join(work, "base.logits.json")) as f:
        base = json.load(f)["logits"]
    with open(os.path.join(work, "lora.logits.json")) as f:
        lora = json.load(f)["logits"]
    moved = max(abs(x - y) for r, s in zip(base, lora) for x, y in zip(r, s))
    check("lora changes logits", moved > 1e-2, f"max|base-lora|={moved:.3f}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
