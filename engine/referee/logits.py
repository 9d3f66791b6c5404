#!/usr/bin/env python3
"""Reference logits from Hugging Face transformers (+ PEFT) for a model directory, on CPU in float32.

The model is loaded with AutoModelForCausalLM (dtype=float32, attn_implementation="eager", eval, no
grad), whatever dtype its weights are stored in.

  logits.py MODEL_DIR '[1,5,9,42]'                 -> {"shape": [4, vocab], "logits": [[...], ...]}
  logits.py MODEL_DIR --ids-file ids.json --out o.json
  logits.py MODEL_DIR '[1,5,9]' --adapter ADAPTER_DIR   (PeftModel.from_pretrained on top)
  logits.py MODEL_DIR '[1,5,9]' --generate 8        -> {"prompt": [...], "generated": [8 ids]}

Token ids: a JSON list of ints, or a list of lists (a batch; the LAST row is reported). Rows of a
batch must have equal length (no padding is applied).
--generate N: greedy decoding (do_sample=False) with the KV cache; EOS does not stop it unless
--stop-at-eos is given, so exactly N ids come back. --no-cache recomputes the whole prefix at each
step instead (the two must agree; a useful self-check).
--hidden adds "hidden_states": the output of the embedding and of every decoder layer (the last one
after the final norm, as transformers reports it), for the reported row.
--merge folds the adapter into the base weights (merge_and_unload) before running.
"""

import argparse
import json
import os
import sys
import time
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

warnings.filterwarnings("ignore", category=FutureWarning)

import torch  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="model directory (config.json + *.safetensors)")
    p.add_argument("ids", nargs="?", help="token ids as JSON, e.g. '[1,2,3]'")
    p.add_argument("--ids-file", help="file holding the token ids as JSON")
    p.add_argument("--out", help="write the JSON here instead of stdout")
    p.add_argument("--adapter", help="PEFT LoRA adapter directory to load on top")
    p.add_argument("--merge", action="store_true", help="merge the adapter into the weights first")
    p.add_argument("--generate", type=int, default=0, metavar="N", help="greedy-generate N tokens")
    p.add_argument("--no-cache", action="store_true", help="with --generate: use_cache=False")
    p.add_argument("--stop-at-eos", action="store_true", help="with --generate: honour eos_token_id")
    p.add_argument("--hidden", action="store_true", help="also report per-layer hidden states")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1, deterministic)")
    p.add_argument("--timing", action="store_true", help="print load/compute seconds to stderr")
    return p.parse_args(argv)


def read_ids(args):
    if args.ids_file:
        with open(args.ids_file) as f:
            raw = json.load(f)
    elif args.ids is not None:
        raw = json.loads(args.ids)
    else:
        raise SystemExit("token ids required: JSON on the command line or --ids-file")
    if isinstance(raw, dict):
        raw = raw.get("ids", raw.get("input_ids"))
    if not raw:
        raise SystemExit("empty token id list")
    if isinstance(raw[0], int):
        raw = [raw]
    return torch.tensor(raw, dtype=torch.long)


def load(args):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation="eager")
    if args.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, args.adapter)
        if args.merge:
            model = model.merge_and_unload()
    model.eval()
    return model


def generate(model, ids, args):
    from transformers import GenerationConfig

    base = model.generation_config if hasattr(model, "generation_config") else GenerationConfig()
    eos = base.eos_token_id if args.stop_at_eos else None
    cfg = GenerationConfig(
        do_sample=False,
        num_beams=1,
        max_new_tokens=args.generate,
        eos_token_id=eos,
        pad_token_id=base.pad_token_id if base.pad_token_id is not None else 0,
        bos_token_id=base.bos_token_id,
        use_cache=not args.no_cache,
    )
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), generation_config=cfg)
    row = out[-1].tolist()
    return {"prompt": ids[-1].tolist(), "generated": row[ids.shape[1]:]}


def forward(model, ids, args):
    out = model(input_ids=ids, attention_mask=torch.ones_like(ids), output_hidden_states=args.hidden)
    logits = out.logits[-1].float()
    result = {"shape": list(logits.shape), "logits": logits.tolist()}
    if args.hidden:
        result["hidden_states"] = [h[-1].float().tolist() for h in out.hidden_states]
    return result


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    ids = read_ids(args)
    t0 = time.perf_counter()
    model = load(args)
    t1 = time.perf_counter()
    with torch.no_grad():
        result = generate(model, ids, args) if args.generate else forward(model, ids, args)
    t2 = time.perf_counter()
    if args.timing:
        print(f"logits.py: load {t1 - t0:.3f}s compute {t2 - t1:.3f}s", file=sys.stderr)
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
