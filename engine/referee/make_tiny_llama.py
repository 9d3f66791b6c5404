#!/usr/bin/env python3
"""Writes a small random Llama (or Mistral, with --sliding-window) model directory with transformers'
own save_pretrained: config.json, generation_config.json and model.safetensors (or shards + index).

Every parameter is drawn from a seeded torch.Generator (not the library's init), so the files are
reproducible and the RMSNorm weights are not all ones (a norm-weight bug then shows in the logits).

Examples:
  make_tiny_llama.py /tmp/tiny
  make_tiny_llama.py /tmp/tiny-linear --rope-scaling '{"rope_type":"linear","factor":2.0}'
  make_tiny_llama.py /tmp/tiny-l3 --rope-scaling llama3
  make_tiny_llama.py /tmp/tiny-mistral --sliding-window 4
  make_tiny_llama.py /tmp/tiny-shards --sharded --dtype bfloat16
  make_tiny_llama.py /tmp/tiny-legacy --legacy-config    # transformers-4 style config.json
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

ROPE_PRESETS = {
    "linear": {"rope_type": "linear", "factor": 2.0},
    "dynamic": {"rope_type": "dynamic", "factor": 2.0},
    # Llama 3.1 style; original_max_position_embeddings kept below max_position_embeddings (256)
    # so that all three frequency bands (kept, divided, smoothed) occur for head_dim 16.
    "llama3": {
        "rope_type": "llama3",
        "factor": 8.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 64,
    },
}

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="directory to write (created)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--vocab-size", type=int, default=512)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--intermediate-size", type=int, default=172)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--max-positions", type=int, default=256)
    p.add_argument("--rope-theta", type=float, default=10000.0)
    p.add_argument("--rms-norm-eps", type=float, default=1e-5)
    p.add_argument("--tie-word-embeddings", action="store_true", help="no lm_head.weight is saved then")
    p.add_argument(
        "--rope-scaling",
        help="JSON object (e.g. '{\"rope_type\":\"linear\",\"factor\":2.0}') or a preset: "
        + ", ".join(ROPE_PRESETS),
    )
    p.add_argument("--sliding-window", type=int, help="make a MistralForCausalLM with this sliding_window")
    p.add_argument("--sharded", action="store_true", help="force several model-0000i-of-0000N.safetensors")
    p.add_argument("--max-shard-size", default="200KB", help="with --sharded (default 200KB)")
    p.add_argument("--dtype", choices=sorted(DTYPES), default="float32", help="dtype of the saved weights")
    p.add_argument(
        "--legacy-config",
        action="store_true",
        help="rewrite config.json the transformers-4 way: top-level rope_theta and rope_scaling "
        "instead of rope_parameters, torch_dtype instead of dtype",
    )
    return p.parse_args(argv)


def rope_parameters(args):
    params = {"rope_type": "default", "rope_theta": args.rope_theta}
    if args.rope_scaling:
        extra = ROPE_PRESETS.get(args.rope_scaling)
        if extra is None:
            extra = json.loads(args.rope_scaling)
        extra = dict(extra)
        if "type" in extra and "rope_type" not in extra:
            extra["rope_type"] = extra.pop("type")
        params.update(extra)
    return params


def build_config(args):
    common = dict(
        vocab_size=args.vocab_size,
        hidden_size=args.hidden_size,
        intermediate_size=args.intermediate_size,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        max_position_embeddings=args.max_positions,
        rms_norm_eps=args.rms_norm_eps,
        tie_word_embeddings=args.tie_word_embeddings,
        rope_parameters=rope_parameters(args),
        hidden_act="silu",
        bos_token_id=1,
        eos_token_id=2,
    )
    if args.sliding_window:
        from transformers import MistralConfig, MistralForCausalLM

        return MistralConfig(sliding_window=args.sliding_window, **common), MistralForCausalLM
    from transformers import LlamaConfig, LlamaForCausalLM

    return LlamaConfig(**common), LlamaForCausalLM


@torch.no_grad()
def randomize(model, seed):
    """Seeded values for every parameter, in state_dict order (so independent of library init)."""
    gen = torch.Generator().manual_seed(seed)
    seen = set()
    for name, param in model.named_parameters():
        if id(param) in seen:  # tied lm_head
            continue
        seen.add(id(param))
        values = torch.randn(param.shape, generator=gen, dtype=torch.float32)
        if name.endswith("norm.weight"):
            values = 1.0 + 0.2 * values
        elif name.endswith("embed_tokens.weight"):
            values = values * 1.0
        else:  # nn.Linear weight [out, in]
            values = values / math.sqrt(param.shape[-1])
        param.copy_(values)


def legacy_rewrite(out):
    path = os.path.join(out, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    rp = cfg.pop("rope_parameters", None) or {}
    cfg["rope_theta"] = rp.pop("rope_theta", 10000.0)
    if rp.get("rope_type", "default") != "default":
        cfg["rope_scaling"] = rp
    else:
        cfg["rope_scaling"] = None
    if "dtype" in cfg:
        cfg["torch_dtype"] = cfg.pop("dtype")
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    config, cls = build_config(args)
    config._attn_implementation = "eager"
    model = cls(config).eval()
    randomize(model, args.seed)
    model = model.to(DTYPES[args.dtype])
    os.makedirs(args.out, exist_ok=True)
    kwargs = {"safe_serialization": True}
    if args.sharded:
        kwargs["max_shard_size"] = args.max_shard_size
    model.save_pretrained(args.out, **kwargs)
    if args.legacy_config:
        legacy_rewrite(args.out)
    files = sorted(os.listdir(args.out))
    print(
        json.dumps(
            {
                "out": args.out,
                "class": cls.__name__,
                "files": {f: os.path.getsize(os.path.join(args.out, f)) for f in files},
                "seconds": round(time.perf_counter() - t0, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
