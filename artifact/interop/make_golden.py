#!/usr/bin/env python3
"""Regenerates golden/ with the pinned model_signing (see requirements.txt).

Run with the interop venv's python, from any directory:
    ~/.cache/lathe/venv-interop/bin/python make_golden.py [--new-key]

The model directory is fully deterministic. ECDSA signatures are randomized,
so every run produces different `sig` values (all of them valid). The key pair
is only regenerated with --new-key (or when absent).

PYTHONHASHSEED is forced to 0 so that the order of `ignore_paths` (built
from a frozenset inside model_signing) is stable between runs.
"""

import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MODEL = GOLDEN / "model"
UNV = GOLDEN / "unverifiable"
BIN = pathlib.Path(sys.executable).parent


def write_model() -> None:
    if MODEL.exists():
        shutil.rmtree(MODEL)
    (MODEL / "tokenizer").mkdir(parents=True)
    (MODEL / "extra").mkdir()

    config = {
        "architectures": ["LatheTinyForCausalLM"],
        "hidden_size": 16,
        "num_hidden_layers": 1,
        "vocab_size": 32,
        "torch_dtype": "float32",
    }
    (MODEL / "config.json").write_bytes(
        (json.dumps(config, indent=2, sort_keys=True) + "\n").encode()
    )
    vocab = {f"tok{i}": i for i in range(32)}
    tokenizer = {"version": "1.0", "model": {"type": "WordLevel", "vocab": vocab}}
    (MODEL / "tokenizer.json").write_bytes(
        (json.dumps(tokenizer, sort_keys=True) + "\n").encode()
    )
    # "tokenizer/..." sorts BEFORE "tokenizer.json" in model_signing's order
    # (path components compared), but AFTER it in plain string order.
    (MODEL / "tokenizer" / "special_tokens_map.json").write_bytes(
        b'{"bos_token": "tok0", "eos_token": "tok1"}\n'
    )
    # A valid safetensors file: 8-byte LE header length, JSON header, data.
    n = 16 * 32  # float32 [32,16] -> 2048 bytes
    header = json.dumps(
        {"embed.weight": {"dtype": "F32", "shape": [32, 16],
                          "data_offsets": [0, n * 4]}},
        separators=(",", ":"),
    ).encode()
    header += b" " * (-len(header) % 8)
    data = bytes((i * 37 + 11) % 256 for i in range(n * 4))
    (MODEL / "model.safetensors").write_bytes(
        len(header).to_bytes(8, "little") + header + data
    )
    # Empty file: hashed in "files" mode, produces NO resource in "shards".
    (MODEL / "extra" / "empty.bin").write_bytes(b"")
    (MODEL / "extra" / "notes.txt").write_bytes(b"golden test model\n")


def make_keys(force: bool) -> None:
    priv = GOLDEN / "private-key.pem"
    pub = GOLDEN / "public-key.pem"
    if force or not priv.exists():
        # PKCS#8 "BEGIN PRIVATE KEY" (model_signing also accepts SEC1).
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC",
                        "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", str(priv)], check=True)
    subprocess.run(["openssl", "pkey", "-in", str(priv), "-pubout",
                    "-out", str(pub)], check=True)


def sign_all() -> None:
    import model_signing

    priv = GOLDEN / "private-key.pem"
    # 1. files serialization, through the CLI (the only mode the CLI offers).
    subprocess.run([str(BIN / "model_signing"), "sign", "key", str(MODEL),
                    "--private_key", str(priv),
                    "--signature", str(GOLDEN / "model-files.sig")],
                   check=True)
    # 2. shards serialization straight from the library (Python API only;
    #    the CLI has no shards option). model_signing 1.1.1 writes
    #    "shard_size": 1024.0 (protobuf Struct doubles) and then cannot
    #    verify its own output -> kept only as a negative example.
    UNV.mkdir(exist_ok=True)
    hcfg = model_signing.hashing.Config().use_shard_serialization(
        shard_size=1024)
    (model_signing.signing.Config()
     .use_elliptic_key_signer(private_key=priv)
     .set_hashing_config(hcfg)
     .sign(MODEL, UNV / "model-shards-1024.pylib.sig"))
    # 3. shards the way a correct producer (Lathe/Java) must do it: same
    #    manifest, same payload, but shard_size written as a JSON integer.
    for name, size in [("model-shards.sig", 1_000_000_000),
                       ("model-shards-1024.sig", 1024)]:
        sign_shards_int(priv, size, GOLDEN / name)


def sign_shards_int(priv: pathlib.Path, size: int, out: pathlib.Path) -> None:
    """Reference producer: library hashing + payload, integer shard_size."""
    import hashlib
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from google.protobuf import json_format
    import model_signing
    from model_signing._signing import signing as ms_signing
    from model_signing._signing import sign_sigstore_pb

    hcfg = model_signing.hashing.Config().use_shard_serialization(
        shard_size=size)
    manifest = hcfg.hash(MODEL)
    stmt = json_format.MessageToDict(
        ms_signing.Payload(manifest).statement.pb)
    ser = stmt["predicate"]["serialization"]
    ser["shard_size"] = int(ser["shard_size"])
    payload = json.dumps(stmt, indent=2).encode("utf-8")
    key = serialization.load_pem_private_key(priv.read_bytes(), None)
    sig = key.sign(sign_sigstore_pb.pae(payload), ec.ECDSA(hashes.SHA256()))
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    bundle = {
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "publicKey": {"hint": hashlib.sha256(pem).hexdigest()},
            "tlogEntries": [],
        },
        "dsseEnvelope": {
            "payload": base64.b64encode(payload).decode(),
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": base64.b64encode(sig).decode(),
                            "keyid": ""}],
        },
    }
    out.write_text(json.dumps(bundle, separators=(",", ":")))


def dump_statements() -> None:
    for sig, out in [("model-files.sig", "statement-files.json"),
                     ("model-shards-1024.sig", "statement-shards-1024.json")]:
        bundle = json.loads((GOLDEN / sig).read_text())
        payload = base64.b64decode(bundle["dsseEnvelope"]["payload"])
        (GOLDEN / out).write_text(
            json.dumps(json.loads(payload), indent=2) + "\n")
    # Also keep the exact signed bytes of one payload for byte-level tests.
    bundle = json.loads((GOLDEN / "model-files.sig").read_text())
    (GOLDEN / "payload-files.raw.json").write_bytes(
        base64.b64decode(bundle["dsseEnvelope"]["payload"]))


if __name__ == "__main__":
    write_model()
    make_keys("--new-key" in sys.argv)
    sign_all()
    dump_statements()
    print("golden data written to", GOLDEN)
