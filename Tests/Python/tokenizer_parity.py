"""Reference encodings for the Swift BPE tokenizer parity test (Hugging Face tokenizers).

Usage: tokenizer_parity.py TOKENIZER_JSON SENTENCES_JSON
Prints JSON {"version": ..., "ids": [[int]], "decoded": [str], "decoded_with_special": [str]}.
"""

import json
import sys

import tokenizers
from tokenizers import Tokenizer


def main() -> None:
    tokenizer = Tokenizer.from_file(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        sentences = json.load(f)
    encodings = [tokenizer.encode(s, add_special_tokens=True) for s in sentences]
    ids = [e.ids for e in encodings]
    result = {
        "version": tokenizers.__version__,
        "ids": ids,
        "decoded": [tokenizer.decode(i) for i in ids],
        "decoded_with_special": [tokenizer.decode(i, skip_special_tokens=False) for i in ids],
    }
    json.dump(result, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
