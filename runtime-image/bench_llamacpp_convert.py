#!/usr/bin/env python3
"""The GGUF side of runtime-image/bench.sh: runs the convert_hf_to_gguf.py that llama-cpp-python's
sdist vendors (with the gguf-py 0.19.0 vendored beside it) on the HF-layout model directory the bench
serves, so llama.cpp reads the same weights as Lathe and transformers.
Usage: bench_llamacpp_convert.py LLAMA_CPP_DIR MODEL_DIR OUT_FILE OUTTYPE   (OUTTYPE: f32, f16, q8_0)

Two additions, both for a tokenizer the script does not expect. First, for a Llama model it tries a
SentencePiece tokenizer first and falls back to the others on FileNotFoundError, but imports
sentencepiece (not in the referee venv) before looking for tokenizer.model; without that file this
script raises the FileNotFoundError the fallback expects. Second, convert_hf_to_gguf.py names a byte-level BPE tokenizer's pre-tokenizer by hashing
how it splits a test string and knows only published models' hashes, so it refuses Lathe's own
tokenizer. When the tokenizer.json says its pre-tokenizer is ByteLevel with the GPT-2 regex (the
tiny base's is), that is llama.cpp's "gpt-2" pre-tokenizer, and this script names it so; any other
unrecognised tokenizer still fails as the script would. bench.sh checks that llama.cpp splits the
prompt into as many tokens as Lathe does."""
import json
import runpy
import sys
from pathlib import Path

llama_cpp_dir, model_dir, out_file, outtype = sys.argv[1:5]
script = Path(llama_cpp_dir) / "convert_hf_to_gguf.py"
if not script.is_file():
    sys.exit(f"no convert_hf_to_gguf.py in {llama_cpp_dir}")
sys.path.insert(0, str(script.parent))
sys.path.insert(1, str(script.parent / "gguf-py"))

from conversion import base  # noqa: E402  (importable only once the path above is set)

recognised = base.TextModel.get_vocab_base_pre


def gpt2_byte_level(model_path: Path) -> bool:
    tokenizer = json.loads((model_path / "tokenizer.json").read_text(encoding="utf-8"))
    pre = tokenizer.get("pre_tokenizer") or {}
    return (tokenizer.get("model", {}).get("type") == "BPE" and pre.get("type") == "ByteLevel"
            and pre.get("use_regex", True))


def vocab_base_pre(self, tokenizer) -> str:
    try:
        return recognised(self, tokenizer)
    except NotImplementedError:
        if gpt2_byte_level(Path(self.dir_model)):
            return "gpt-2"
        raise


sentencepiece_vocab = base.TextModel._set_vocab_sentencepiece


def vocab_sentencepiece(self, *args, **kwargs):
    if not (Path(self.dir_model) / "tokenizer.model").is_file():
        raise FileNotFoundError(f"no tokenizer.model in {self.dir_model}")
    return sentencepiece_vocab(self, *args, **kwargs)


base.TextModel.get_vocab_base_pre = vocab_base_pre
base.TextModel._set_vocab_sentencepiece = vocab_sentencepiece
sys.argv = [str(script), model_dir, "--outfile", out_file, "--outtype", outtype]
runpy.run_path(str(script), run_name="__main__")
