#!/usr/bin/env python3
"""The Hugging Face transformers side of runtime-image/bench.sh: generate() with the KV cache on the
same model, prompt, token count and threads as Lathe's server. One stream: batch 1, one request after
another; 8 streams: a batch of 8 (transformers' way to serve 8 at once without a server). Prints one
JSON line, with the process's resident memory after the runs (rssKb). Usage: bench_transformers.py MODEL_DIR PROMPT_IDS MAX_TOKENS REQUESTS THREADS"""
import json
import sys
import time

import torch
from transformers import AutoModelForCausalLM

model_dir, prompt_ids, max_tokens, requests, threads = sys.argv[1:6]
max_tokens, requests, threads = int(max_tokens), int(requests), int(threads)
torch.set_num_threads(threads)
model = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)
model.eval()
prompt = torch.tensor([[int(t) for t in prompt_ids.split(",")]])


def generate(batch, tokens):
    ids = prompt.repeat(batch, 1)
    start = time.perf_counter()
    with torch.no_grad():
        model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=tokens,
                       min_new_tokens=tokens, do_sample=False, use_cache=True,
                       pad_token_id=0)
    return time.perf_counter() - start


def percentile(values, q):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(-(-q * len(values) // 1)) - 1))]


for _ in range(2):
    generate(1, max_tokens)
    generate(8, max_tokens)
result = {}
for streams in (1, 8):
    ttft = [generate(streams, 1) for _ in range(5)]
    latencies = []
    start = time.perf_counter()
    for _ in range(max(1, requests // streams) if streams > 1 else requests):
        latencies.append(generate(streams, max_tokens))
    wall = time.perf_counter() - start
    result[str(streams)] = {
        "tokensPerSecond": streams * max_tokens * len(latencies) / wall,
        "ttftMsP50": 1000 * percentile(ttft, 0.5),
        "latencyMsP99": 1000 * percentile(latencies, 0.99),
        "requests": streams * len(latencies),
    }
with open("/proc/self/status", encoding="ascii") as status:
    result["rssKb"] = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), -1)
print(json.dumps(result))
