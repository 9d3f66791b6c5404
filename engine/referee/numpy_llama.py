#!/usr/bin/env python3
"""An independent from-scratch Llama/Mistral forward pass in NumPy (float32), with a hand-written
safetensors reader and PEFT LoRA support: the executable form of LLAMA_REFERENCE.md and
PEFT_FORMAT.md, in the order a Java implementation would do it. No torch, no transformers.

  numpy_llama.py MODEL_DIR '[1,5,9]' [--adapter DIR] [--generate N] [--compare LOGITS_JSON]

Prints the same JSON as logits.py ({"shape", "logits"} or {"prompt", "generated"}); --compare
loads logits.py's output and prints the max abs difference instead.
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np

# ---------------------------------------------------------------- safetensors

_DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}


def read_safetensors(path):
    """Returns ({name: float32-or-native ndarray}, metadata). BF16 is widened by a 16-bit shift."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    meta = header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        raw = data[base + start: base + end]
        shape = tuple(info["shape"])
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=_DTYPES[info["dtype"]])
        out[name] = arr.reshape(shape)
    return out, meta


def read_model_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        tensors = {}
        for shard in sorted(set(weight_map.values())):
            tensors.update(read_safetensors(os.path.join(model_dir, shard))[0])
        assert set(tensors) == set(weight_map), "index and shards disagree"
    else:
        tensors = read_safetensors(os.path.join(model_dir, "model.safetensors"))[0]
    return {k: v.astype(np.float32) for k, v in tensors.items()}


# ---------------------------------------------------------------- config / RoPE


def rope_params(cfg):
    """transformers 5 writes "rope_parameters"; older configs have rope_theta + rope_scaling."""
    rp = dict(cfg.get("rope_parameters") or {})
    if not rp:
        rp = dict(cfg.get("rope_scaling") or {})
        rp.setdefault("rope_theta", cfg.get("rope_theta", 10000.0))
    if "rope_type" not in rp:
        rp["rope_type"] = rp.pop("type", "default")
    rp.setdefault("rope_theta", cfg.get("rope_theta", 10000.0))
    if rp["rope_type"] in ("llama3", "yarn", "longrope"):
        rp.setdefault("original_max_position_embeddings", cfg["max_position_embeddings"])
    return rp


def inv_freq(cfg, head_dim, seq_len):
    rp = rope_params(cfg)
    base, kind = float(rp["rope_theta"]), rp["rope_type"]
    exps = np.arange(0, head_dim, 2, dtype=np.int64).astype(np.float32) / np.float32(head_dim)

    def default(b):
        return (1.0 / (np.float32(b) ** exps)).astype(np.float32)

    if kind == "default":
        return default(base)
    if kind == "linear":
        return (default(base) / np.float32(rp["factor"])).astype(np.float32)
    if kind == "dynamic":
        maxpos, factor = cfg["max_position_embeddings"], rp["factor"]
        s = max(seq_len, maxpos)  # only changes anything past max_position_embeddings
        b = base * ((factor * s / maxpos) - (factor - 1)) ** (head_dim / (head_dim - 2))
        return default(b)
    if kind == "llama3":
        f = default(base)
        factor, lo, hi = rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"]
        old = rp["original_max_position_embeddings"]
        lo_wl, hi_wl = old / lo, old / hi
        wl = (2 * math.pi / f).astype(np.float32)
        scaled = np.where(wl > lo_wl, f / np.float32(factor), f).astype(np.float32)
        smooth = ((old / wl - lo) / (hi - lo)).astype(np.float32)
        smoothed = ((1 - smooth) * scaled / np.float32(factor) + smooth * scaled).astype(np.float32)
        medium = ~(wl < hi_wl) & ~(wl > lo_wl)
        return np.where(medium, smoothed, scaled).astype(np.float32)
    raise NotImplementedError(kind)


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


# ---------------------------------------------------------------- LoRA


def load_adapter(adapter_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        acfg = json.load(f)
    tensors, _ = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    r, alpha = acfg["r"], acfg["lora_alpha"]
    lora = {}
    for name, t in tensors.items():
        # base_model.model.<base weight path without .weight>.lora_A.weight
        assert name.startswith("base_model.model."), name
        module, which = name[len("base_model.model."):].rsplit(".lora_", 1)
        lora.setdefault(module, {})[which.split(".")[0]] = t.astype(np.float32)
    for module, ab in lora.items():
        short = module.rsplit(".", 1)[-1]
        rr = acfg.get("rank_pattern", {}).get(short, r)
        aa = acfg.get("alpha_pattern", {}).get(short, alpha)
        ab["scaling"] = np.float32(aa / math.sqrt(rr) if acfg.get("use_rslora") else aa / rr)
    return lora


# ---------------------------------------------------------------- model


class Llama:
    def __init__(self, model_dir, adapter_dir=None):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = cfg = json.load(f)
        self.w = read_model_weights(model_dir)
        self.lora = load_adapter(adapter_dir) if adapter_dir else {}
        self.h = cfg["num_attention_heads"]
        self.kvh = cfg.get("num_key_value_heads") or self.h
        self.hd = cfg.get("head_dim") or cfg["hidden_size"] // self.h
        self.eps = np.float32(cfg["rms_norm_eps"])
        self.window = cfg.get("sliding_window") if cfg.get("model_type") == "mistral" else None
        self.lm_head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])  # tied if absent

    def linear(self, x, name):  # name without ".weight"; nn.Linear: y = x @ W^T, W is [out, in]
        y = x @ self.w[name + ".weight"].T
        if name + ".bias" in self.w:
            y = y + self.w[name + ".bias"]
        ab = self.lora.get(name)
        if ab is not None:
            y = y + ((x @ ab["A"].T) @ ab["B"].T) * ab["scaling"]
        return y

    def rms(self, x, name):
        var = np.mean(x * x, axis=-1, keepdims=True, dtype=np.float32)
        return self.w[name + ".weight"] * (x * (1.0 / np.sqrt(var + self.eps))).astype(np.float32)

    def forward(self, ids):
        """Full forward over ids (positions 0..n-1, no cache); returns [n, vocab] float32 logits."""
        n = len(ids)
        x = self.w["model.embed_tokens.weight"][np.asarray(ids)]
        pos = np.arange(n, dtype=np.float32)
        freqs = pos[:, None] * inv_freq(self.cfg, self.hd, n)[None, :]
        emb = np.concatenate([freqs, freqs], axis=-1)
        cos, sin = np.cos(emb).astype(np.float32), np.sin(emb).astype(np.float32)
        q_idx, k_idx = np.arange(n)[:, None], np.arange(n)[None, :]
        visible = k_idx <= q_idx
        if self.window:
            visible &= k_idx > q_idx - self.window
        mask = np.where(visible, np.float32(0), np.finfo(np.float32).min).astype(np.float32)
        for i in range(self.cfg["num_hidden_layers"]):
            p = f"model.layers.{i}."
            hs = self.rms(x, p + "input_layernorm")
            q = self.linear(hs, p + "self_attn.q_proj").reshape(n, self.h, self.hd).transpose(1, 0, 2)
            k = self.linear(hs, p + "self_attn.k_proj").reshape(n, self.kvh, self.hd).transpose(1, 0, 2)
            v = self.linear(hs, p + "self_attn.v_proj").reshape(n, self.kvh, self.hd).transpose(1, 0, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            rep = self.h // self.kvh  # repeat_kv: query head j uses kv head j // rep
            k, v = np.repeat(k, rep, axis=0), np.repeat(v, rep, axis=0)
            scores = (q @ k.transpose(0, 2, 1)) * np.float32(self.hd ** -0.5) + mask
            scores = scores - scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs = probs / probs.sum(-1, keepdims=True)
            attn = (probs @ v).transpose(1, 0, 2).reshape(n, self.h * self.hd)
            x = x + self.linear(attn, p + "self_attn.o_proj")
            hs = self.rms(x, p + "post_attention_layernorm")
            g = self.linear(hs, p + "mlp.gate_proj")
            u = self.linear(hs, p + "mlp.up_proj")
            x = x + self.linear((g / (1 + np.exp(-g))) * u, p + "mlp.down_proj")
        x = self.rms(x, "model.norm")
        return x @ self.lm_head.T


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("ids")
    ap.add_argument("--adapter")
    ap.add_argument("--generate", type=int, default=0)
    ap.add_argument("--compare", help="logits.py JSON output to compare against")
    a = ap.parse_args(argv)
    ids = json.loads(a.ids)
    m = Llama(a.model, a.adapter)
    if a.generate:
        seq = list(ids)
        for _ in range(a.generate):
            seq.append(int(np.argmax(m.forward(seq)[-1])))
        result = {"prompt": ids, "generated": seq[len(ids):]}
    else:
        logits = m.forward(ids)
        result = {"shape": list(logits.shape), "logits": logits.tolist()}
    if a.compare:
        with open(a.compare) as f:
            ref = json.load(f)
        if "logits" in ref:
            diff = float(np.max(np.abs(np.asarray(ref["logits"], dtype=np.float64) - result["logits"])))
            print(json.dumps({"max_abs_diff": diff, "shape": result["shape"]}))
            return 0 if diff < 1e-3 else 1
        same = ref["generated"] == result["generated"]
        print(json.dumps({"generated_equal": same, "numpy": result["generated"], "ref": ref["generated"]}))
        return 0 if same else 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
