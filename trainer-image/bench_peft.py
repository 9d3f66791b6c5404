#!/usr/bin/env python3
"""The transformers + PEFT side of trainer-image/bench.sh: LoRA training throughput on the same
configuration, batch, sequence length, LoRA settings and thread count as Lathe's benchmark.
Prints one JSON line."""
import json
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM

name, hidden, intermediate, layers, heads, kv, vocab, batch, seq, steps, threads = sys.argv[1:12]
hidden, intermediate, layers, heads, kv, vocab, batch, seq, steps, threads = map(
    int, (hidden, intermediate, layers, heads, kv, vocab, batch, seq, steps, threads))
torch.set_num_threads(threads)
torch.manual_seed(1)
config = LlamaConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=intermediate,
                     num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=kv,
                     max_position_embeddings=max(seq, 256), tie_word_embeddings=False)
model = LlamaForCausalLM(config)
model.config._attn_implementation = "eager"
parameters = sum(p.numel() for p in model.parameters())
model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0,
                                         target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
model.train()
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
ids = torch.randint(3, vocab, (batch, seq))


def step():
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimizer.step()
    optimizer.zero_grad()


step()
cpu_start = time.process_time()
start = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
tokens_per_second = batch * seq * steps / seconds
print(json.dumps({"name": name, "implementation": f"transformers {__import__('transformers').__version__} + peft",
                  "parameters": parameters, "stepSeconds": seconds / steps,
                  "cpuSecondsPerStep": cpu_seconds / steps,
                  "tokensPerSecond": tokens_per_second,
                  "achievedGflops": 4.0 * parameters * tokens_per_second / 1e9}))
