#!/usr/bin/env python3
"""Writes a PEFT LoRA adapter for a base model directory, with PEFT's own save_pretrained
(adapter_config.json + adapter_model.safetensors), and prints what it wrote.

PEFT initialises lora_B to zero (the adapter then changes nothing); here both lora_A and lora_B are
overwritten from a seeded torch.Generator so the adapter changes the logits, reproducibly.

  make_lora_adapter.py BASE_DIR OUT_DIR [--r 4] [--alpha 8] [--seed 7] [--targets q_proj,...]
      [--rslora]

Prints JSON: {"tensors": {name: {"dtype", "shape"}}, "adapter_config": {...}, "scaling": alpha/r}.
See PEFT_FORMAT.md for the naming and the maths.
"""

import argparse
import json
import math
import os
import sys
import time
import warnings

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

warnings.filterwarnings("ignore", category=FutureWarning)

import torch  # noqa: E402

DEFAULT_TARGETS = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", help="base model directory")
    p.add_argument("out", help="adapter directory to write")
    p.add_argument("--r", type=int, default=4)
    p.add_argument("--alpha", type=float, default=8)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--targets", default=DEFAULT_TARGETS, help="comma-separated module names")
    p.add_argument("--rslora", action="store_true", help="use_rslora: scaling = alpha/sqrt(r)")
    p.add_argument("--b-std", type=float, default=0.1, help="std of the random lora_B values")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from peft import LoraConfig, get_peft_model
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM

    t0 = time.perf_counter()
    torch.manual_seed(args.seed)
    base = AutoModelForCausalLM.from_pretrained(args.base, dtype=torch.float32, attn_implementation="eager")
    alpha = int(args.alpha) if float(args.alpha).is_integer() else args.alpha
    config = LoraConfig(
        r=args.r,
        lora_alpha=alpha,
        target_modules=[t for t in args.targets.split(",") if t],
        lora_dropout=0.0,
        bias="none",
        use_rslora=args.rslora,
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base, config)
    gen = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        for name, param in sorted(model.named_parameters()):
            if ".lora_A." in name:  # [r, in]
                param.copy_(torch.randn(param.shape, generator=gen) / math.sqrt(param.shape[1]))
            elif ".lora_B." in name:  # [out, r]
                param.copy_(torch.randn(param.shape, generator=gen) * args.b_std)
    model.save_pretrained(args.out, safe_serialization=True)

    tensors = {}
    path = os.path.join(args.out, "adapter_model.safetensors")
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
        for key in sorted(f.keys()):
            t = f.get_tensor(key)
            tensors[key] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    with open(os.path.join(args.out, "adapter_config.json")) as f:
        adapter_config = json.load(f)
    scaling = alpha / (math.sqrt(args.r) if args.rslora else args.r)
    report = {
        "out": args.out,
        "files": {n: os.path.getsize(os.path.join(args.out, n)) for n in sorted(os.listdir(args.out))},
        "metadata": metadata,
        "tensors": tensors,
        "adapter_config": adapter_config,
        "scaling": scaling,
        "seconds": round(time.perf_counter() - t0, 3),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
