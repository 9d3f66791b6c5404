#!/usr/bin/env python3
"""Logits of a Hugging Face model directory, computed by transformers itself: the referee that
Lathe's Java decoder must agree with.

Usage: llama_logits.py MODEL_DIR --ids 1,2,3 [--adapter ADAPTER_DIR] [--generate N]

Prints JSON: {"shape": [tokens, vocab], "logits": [[...], ...]} for the one sequence given, or with
--generate N, {"generated": [ids...]} from greedy decoding (do_sample=False) with the KV cache.
With --adapter, PEFT loads the LoRA adapter on top of the model first.
"""

import argparse
import json
import sys

import torch
from transformers import AutoModelForCausalLM


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--ids", required=True, help="comma-separated token ids")
    parser.add_argument("--adapter")
    parser.add_argument("--generate", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = AutoModelForCausalLM.from_pretrained(
        args.model, torch_dtype=torch.float32, attn_implementation="eager"
    )
    if args.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, args.adapter)
    model.eval()
    ids = torch.tensor([[int(i) for i in args.ids.split(",")]], dtype=torch.long)
    with torch.no_grad():
        if args.generate:
            out = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=args.generate,
                do_sample=False,
                pad_token_id=0,
            )
            json.dump({"generated": out[0, ids.shape[1]:].tolist()}, sys.stdout)
        else:
            logits = model(input_ids=ids).logits[0]
            json.dump({"shape": list(logits.shape), "logits": logits.tolist()}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
