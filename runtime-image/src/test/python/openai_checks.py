"""Talks to a Lathe runtime through the official OpenAI Python client and prints what it saw as
JSON; the Java test (OpenAiClientIT) judges it. Usage: openai_checks.py BASE_URL BASE ADAPTER
PROMPT CHAT_MESSAGE MAX_TOKENS"""
import json
import sys

import openai

base_url, base, adapter, prompt, chat_message, max_tokens = sys.argv[1:7]
max_tokens = int(max_tokens)
client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
seen = {}

seen["models"] = sorted(m.id for m in client.models.list().data)


def completion(model, **extra):
    r = client.completions.create(model=model, prompt=prompt, max_tokens=max_tokens,
                                  temperature=0, **extra)
    return {"text": r.choices[0].text, "finish_reason": r.choices[0].finish_reason,
            "choices": len(r.choices), "object": r.object,
            "system_fingerprint": r.system_fingerprint,
            "usage": r.usage.model_dump() if r.usage else None}


seen["completion_base"] = completion(base)
seen["completion_adapter"] = completion(adapter)

chat = client.chat.completions.create(
    model=adapter, messages=[{"role": "user", "content": chat_message}],
    max_tokens=max_tokens, temperature=0)
seen["chat_adapter"] = {"content": chat.choices[0].message.content,
                        "system_fingerprint": chat.system_fingerprint,
                        "role": chat.choices[0].message.role,
                        "finish_reason": chat.choices[0].finish_reason,
                        "object": chat.object, "usage": chat.usage.model_dump()}

chunks = []
usage = None
stream = client.chat.completions.create(
    model=adapter, messages=[{"role": "user", "content": chat_message}],
    max_tokens=max_tokens, temperature=0, stream=True, stream_options={"include_usage": True})
finish = None
stream_fingerprints = set()
for chunk in stream:
    stream_fingerprints.add(chunk.system_fingerprint)
    if chunk.usage is not None:
        usage = chunk.usage.model_dump()
    for choice in chunk.choices:
        if choice.delta.content:
            chunks.append(choice.delta.content)
        if choice.finish_reason:
            finish = choice.finish_reason
seen["chat_stream"] = {"content": "".join(chunks), "chunks": len(chunks),
                       "finish_reason": finish, "usage": usage,
                       "system_fingerprints": sorted(str(f) for f in stream_fingerprints)}

pieces = []
piece_fingerprints = set()
for chunk in client.completions.create(model=base, prompt=prompt, max_tokens=max_tokens,
                                        temperature=0, stream=True):
    piece_fingerprints.add(chunk.system_fingerprint)
    pieces.extend(c.text for c in chunk.choices)
seen["completion_stream"] = {"text": "".join(pieces), "chunks": len(pieces),
                             "system_fingerprints": sorted(str(f) for f in piece_fingerprints)}

raw = client.completions.with_raw_response.create(model=adapter, prompt=prompt,
                                                  max_tokens=max_tokens, temperature=0)
seen["digest_header_adapter"] = raw.headers.get("lathe-model-digest")
raw = client.chat.completions.with_raw_response.create(
    model=base, messages=[{"role": "user", "content": chat_message}], max_tokens=max_tokens,
    temperature=0, stream=True)
seen["digest_header_base_stream"] = raw.headers.get("lathe-model-digest")
for _ in raw.parse():
    pass

sampled = [client.completions.create(model=base, prompt=prompt, max_tokens=max_tokens,
                                     temperature=1.0, top_p=0.9, seed=1234).choices[0].text
           for _ in range(2)]
seen["seeded"] = sampled
several = client.completions.create(model=base, prompt=prompt, max_tokens=max_tokens,
                                    temperature=1.0, n=3, seed=99)
seen["n"] = sorted(c.index for c in several.choices)


def error(call):
    try:
        call()
        return {"raised": None}
    except openai.APIStatusError as e:
        body = e.body if isinstance(e.body, dict) else {}
        return {"raised": type(e).__name__, "status": e.status_code,
                "param": body.get("param"), "code": body.get("code"),
                "message": body.get("message")}


seen["error_unknown_model"] = error(lambda: client.completions.create(
    model="no-such-model", prompt=prompt, max_tokens=4))
seen["error_temperature"] = error(lambda: client.completions.create(
    model=base, prompt=prompt, max_tokens=4, temperature=5))
seen["error_max_tokens"] = error(lambda: client.completions.create(
    model=base, prompt=prompt, max_tokens=100000))
seen["error_messages"] = error(lambda: client.chat.completions.create(
    model=base, messages=[]))
print(json.dumps(seen))
