#!/usr/bin/env python3
"""Regenerates golden/: small files written by the real libraries (safetensors, transformers, PEFT)
with the values they must decode to, so Java tests need no Python. Run with the referee venv:

  ${LATHE_CACHE:-~/.cache/lathe}/venv-referee/bin/python make_golden.py [golden]

golden/safetensors/dtypes.safetensors + dtypes.expected.json   (F32 F16 BF16 I64 I32 U8 BOOL, scalar,
                                                                 empty, inf/nan; raw bits included)
golden/rope_inv_freq.json     inv_freq from transformers' own RoPE functions, per rope_type
golden/llama-micro/           LlamaForCausalLM F32 (GQA 2:1, 2 layers) + expected.json (logits,
                              hidden states, greedy ids, LoRA logits, LoRA greedy ids)
golden/llama-micro-lora/      its PEFT LoRA adapter (r=2, alpha=4)
golden/mistral-micro-bf16/    MistralForCausalLM sliding_window=3, BF16 weights + expected.json
"""

import json
import math
import os
import shutil
import struct
import subprocess
import sys
import warnings

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
warnings.filterwarnings("ignore", category=FutureWarning)

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MICRO = ["--vocab-size", "64", "--hidden-size", "16", "--intermediate-size", "32", "--layers", "2",
         "--heads", "2", "--kv-heads", "1", "--max-positions", "64"]
IDS = [1, 17, 33, 5, 60, 2, 41, 9, 28, 63]


def f9(x):
    """float32 value as the shortest text that round-trips (%.9g always does)."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return float("%.9g" % x)


def rows(t):
    return [[f9(v) for v in r] for r in t.tolist()]


def bits(t):
    width = {torch.float32: (torch.int32, 8), torch.float16: (torch.int16, 4), torch.bfloat16: (torch.int16, 4)}
    it, digits = width[t.dtype]
    mask = (1 << (4 * digits)) - 1
    return ["%0*x" % (digits, int(v) & mask) for v in t.contiguous().view(it).flatten().tolist()]


def golden_dtypes(out):
    from safetensors.torch import save_file

    tensors = {
        "f32": torch.tensor([[0.0, -1.5, 3.140625], [0.1, 65504.0, -1e-7]], dtype=torch.float32),
        "f16": torch.tensor([0.0, -2.5, 0.1, 65504.0, 5.960464477539063e-08, -0.0], dtype=torch.float16),
        "bf16": torch.tensor([[1.0, -0.1], [3.0e38, 9.18355e-41]], dtype=torch.bfloat16),
        "i64": torch.tensor([0, -1, 2**40, -(2**62)], dtype=torch.int64),
        "i32": torch.tensor([[7, -8]], dtype=torch.int32),
        "u8": torch.tensor([0, 127, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar_f32": torch.tensor(42.5, dtype=torch.float32),
        "empty_f32": torch.zeros((0, 3), dtype=torch.float32),
        "specials_f16": torch.tensor([float("inf"), float("-inf"), float("nan")], dtype=torch.float16),
        "model.layers.0.self_attn.q_proj.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
    }
    path = os.path.join(out, "dtypes.safetensors")
    save_file(tensors, path, metadata={"format": "pt", "source": "lathe make_golden.py"})
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header_text = data[8:8 + n].decode("utf-8")
    header = json.loads(header_text)
    expected = {
        "file_size": len(data),
        "header_length": n,
        "header_text": header_text,
        "data_start": 8 + n,
        "metadata": header.get("__metadata__"),
        "order_in_file": [k for k in header if k != "__metadata__"],
        "tensors": {},
    }
    for name, t in tensors.items():
        info = header[name]
        e = {"dtype": info["dtype"], "shape": info["shape"], "data_offsets": info["data_offsets"]}
        if t.is_floating_point():
            # exact values (f32/f16/bf16 widen to double exactly); inf/nan as strings
            e["values"] = [v if math.isfinite(v) else str(v) for v in t.double().flatten().tolist()]
            e["bits"] = bits(t)
        else:
            e["values"] = t.flatten().tolist()
        expected["tensors"][name] = e
    with open(os.path.join(out, "dtypes.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def golden_rope(out):
    from transformers import LlamaConfig
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    cases = {
        "default_theta10000_dim16": dict(head=16, rp={"rope_type": "default", "rope_theta": 10000.0}),
        "default_theta500000_dim128": dict(head=128, rp={"rope_type": "default", "rope_theta": 500000.0}),
        "linear_factor2_dim16": dict(head=16, rp={"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0}),
        "llama3_llama31_dim128": dict(head=128, maxpos=131072, rp={
            "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192, "rope_theta": 500000.0}),
        "dynamic_factor2_dim16_maxpos64_seqlen100": dict(head=16, maxpos=64, seq_len=100, rp={
            "rope_type": "dynamic", "factor": 2.0, "rope_theta": 10000.0}),
    }
    result = {}
    for name, c in cases.items():
        cfg = LlamaConfig(hidden_size=c["head"] * 2, num_attention_heads=2, num_key_value_heads=2,
                          max_position_embeddings=c.get("maxpos", 256), rope_parameters=dict(c["rp"]))
        kind = c["rp"]["rope_type"]
        if kind == "default":
            inv, scale = LlamaRotaryEmbedding.compute_default_rope_parameters(cfg)
        elif "seq_len" in c:
            inv, scale = ROPE_INIT_FUNCTIONS[kind](cfg, "cpu", seq_len=c["seq_len"])
        else:
            inv, scale = ROPE_INIT_FUNCTIONS[kind](cfg, "cpu")
        result[name] = {"head_dim": c["head"], "rope_parameters": c["rp"],
                        "max_position_embeddings": cfg.max_position_embeddings,
                        "seq_len": c.get("seq_len"), "attention_scaling": scale,
                        "inv_freq": [f9(v) for v in inv.tolist()]}
    with open(os.path.join(out, "rope_inv_freq.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


def run(*args):
    subprocess.run([sys.executable, *args], cwd=HERE, check=True, stdout=subprocess.DEVNULL)


def expectations(model_dir, adapter_dir=None):
    from transformers import AutoModelForCausalLM, GenerationConfig

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    if adapter_dir:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter_dir)
    model.eval()
    ids = torch.tensor([IDS])
    with torch.no_grad():
        out = model(input_ids=ids, output_hidden_states=True)
        cfg = GenerationConfig(do_sample=False, max_new_tokens=8, eos_token_id=None, pad_token_id=0)
        gen = model.generate(input_ids=ids[:, :4], attention_mask=torch.ones_like(ids[:, :4]), generation_config=cfg)
    return {
        "logits": rows(out.logits[0]),
        "hidden_states": [rows(h[0]) for h in out.hidden_states],
        "generate_prompt": IDS[:4],
        "generated": gen[0, 4:].tolist(),
    }


def tidy(d):
    for junk in ("README.md", "generation_config.json"):  # not needed by a reader
        p = os.path.join(d, junk)
        if os.path.exists(p):
            os.remove(p)


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "golden"))
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "safetensors"))
    golden_dtypes(os.path.join(out, "safetensors"))
    golden_rope(out)

    llama = os.path.join(out, "llama-micro")
    lora = os.path.join(out, "llama-micro-lora")
    run("make_tiny_llama.py", llama, *MICRO, "--seed", "11")
    run("make_lora_adapter.py", llama, lora, "--r", "2", "--alpha", "4", "--seed", "12")
    tidy(llama)
    tidy(lora)
    with open(os.path.join(lora, "adapter_config.json")) as f:  # set order varies run to run
        acfg = json.load(f)
    acfg["target_modules"] = sorted(acfg["target_modules"])
    acfg["base_model_name_or_path"] = "../llama-micro"
    with open(os.path.join(lora, "adapter_config.json"), "w") as f:
        json.dump(acfg, f, indent=2, sort_keys=True)
        f.write("\n")
    exp = {"ids": IDS, "tolerance_abs": 1e-4, "note": "hidden_states[0] = embeddings, [i] = after layer i, "
           "the last one after model.norm; logits are [len(ids), vocab]"}
    exp.update(expectations(llama))
    lexp = expectations(llama, lora)
    exp["lora_logits"] = lexp["logits"]
    exp["lora_generated"] = lexp["generated"]
    with open(os.path.join(llama, "expected.json"), "w") as f:
        json.dump(exp, f, separators=(",", ":"))
        f.write("\n")

    mistral = os.path.join(out, "mistral-micro-bf16")
    run("make_tiny_llama.py", mistral, *MICRO, "--seed", "13", "--sliding-window", "3", "--dtype", "bfloat16")
    tidy(mistral)
    mexp = {"ids": IDS, "tolerance_abs": 1e-4, "note": "weights are BF16, widened to F32 before use"}
    mexp.update(expectations(mistral))
    del mexp["hidden_states"]
    with open(os.path.join(mistral, "expected.json"), "w") as f:
        json.dump(mexp, f, separators=(",", ":"))
        f.write("\n")

    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(json.dumps({"out": out, "bytes": total}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
