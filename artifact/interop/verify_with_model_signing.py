#!/usr/bin/env python3
"""Verify a model signature with the OpenSSF `model_signing` library.

Usage:
    verify_with_model_signing.py MODEL_DIR SIGNATURE PUBLIC_KEY
        [--ignore-paths PATH ...] [--no-ignore-git-paths]
        [--ignore-unsigned-files] [--cli]

Exit status: 0 verified, 1 verification failed (message on stderr),
2 usage error / model_signing not importable.

Default mode uses the public Python API with the same ignore semantics as
`model_signing verify key` (explicit --ignore-paths, plus SIGNATURE itself
when it lies inside MODEL_DIR, plus .git/.gitattributes/.github/.gitignore,
plus the `ignore_paths` recorded in the signed payload), and picks the
serialization ("files" or "shards") from the signed payload exactly like
model_signing.verifying.Config._guess_hashing_config does. This matters
because the 1.1.1 CLI always re-hashes with "files" serialization, so it can
never verify a "shards" signature.

--cli instead runs the real `model_signing verify key ...` command line
(next to this interpreter) and passes its output and exit status through.
"""

import argparse
import base64
import json
import os
import pathlib
import subprocess
import sys


def _fail(msg: str, code: int = 1) -> "NoReturn":  # noqa: F821
    print(f"Verification failed with error: {msg}", file=sys.stderr)
    sys.exit(code)


def _run_cli(args: argparse.Namespace) -> int:
    exe = pathlib.Path(sys.executable).parent / "model_signing"
    cmd = [str(exe), "verify", "key", str(args.model_dir),
           "--signature", str(args.signature),
           "--public_key", str(args.public_key)]
    for p in args.ignore_paths:
        cmd += ["--ignore-paths", p]
    if not args.ignore_git_paths:
        cmd.append("--no-ignore-git-paths")
    if args.ignore_unsigned_files:
        cmd.append("--ignore_unsigned_files")
    return subprocess.run(cmd).returncode


def _resolve_ignore_paths(model: pathlib.Path, paths) -> list:
    # Same as model_signing._cli._resolve_ignore_paths: relative paths are
    # taken relative to the CWD; anything outside the model is dropped.
    root = model.resolve()
    out = []
    for p in paths:
        p = pathlib.Path(p)
        cand = (p if p.is_absolute() else pathlib.Path.cwd() / p).resolve()
        try:
            out.append(cand.relative_to(root))
        except ValueError:
            pass
    return out


def _serialization_from_bundle(sig: pathlib.Path) -> dict:
    # Unauthenticated peek, only used to choose the hashing configuration;
    # Config.verify() below authenticates the payload before comparing.
    try:
        bundle = json.loads(sig.read_text(encoding="utf-8"))
        payload = json.loads(base64.b64decode(
            bundle["dsseEnvelope"]["payload"]))
        return payload["predicate"]["serialization"]
    except Exception as err:  # malformed bundle: let the library report it
        return {"_error": repr(err)}


def _run_api(args: argparse.Namespace) -> int:
    try:
        import model_signing
    except Exception as err:
        _fail(f"cannot import model_signing: {err!r}", 2)

    model = pathlib.Path(args.model_dir)
    sig = pathlib.Path(args.signature)
    try:
        ser = _serialization_from_bundle(sig)
        hcfg = model_signing.hashing.Config()
        if ser.get("method") == "shards":
            hcfg.use_shard_serialization(
                hashing_algorithm=ser["hash_type"],
                shard_size=ser["shard_size"],
                allow_symlinks=ser["allow_symlinks"],
            )
        elif ser.get("method") == "files":
            hcfg.use_file_serialization(
                hashing_algorithm=ser["hash_type"],
                allow_symlinks=ser["allow_symlinks"],
            )
        # else: keep the default (files/sha256); verify() will raise on
        # a broken payload anyway.
        ignored = _resolve_ignore_paths(model, list(args.ignore_paths) + [sig])
        hcfg.set_ignored_paths(paths=ignored,
                               ignore_git_paths=args.ignore_git_paths)
        (model_signing.verifying.Config()
         .use_elliptic_key_verifier(public_key=args.public_key)
         .set_hashing_config(hcfg)
         .set_ignore_unsigned_files(args.ignore_unsigned_files)
         .verify(model, sig))
    except Exception as err:
        _fail(f"{type(err).__name__}: {err}")
    print("Verification succeeded")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("signature")
    ap.add_argument("public_key")
    ap.add_argument("--ignore-paths", nargs="+", default=[],
                    metavar="PATH", action="extend")
    ap.add_argument("--no-ignore-git-paths", dest="ignore_git_paths",
                    action="store_false")
    ap.add_argument("--ignore-unsigned-files", action="store_true")
    ap.add_argument("--cli", action="store_true",
                    help="run the model_signing CLI instead of the API")
    args = ap.parse_args()
    for p in (args.model_dir, args.signature, args.public_key):
        if not os.path.exists(p):
            _fail(f"no such file or directory: {p}", 2)
    return _run_cli(args) if args.cli else _run_api(args)


if __name__ == "__main__":
    sys.exit(main())
