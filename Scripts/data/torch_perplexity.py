"""Independent check of `secondpass evaluate-lm`: the same perplexity computed with PyTorch.

Loads a Hugging Face directory (config.json, model.safetensors, tokenizer.json) with transformers
and tokenizers, scores each line as <|bos|> tokens <|eos|>, and prints per-token and per-word
perplexity. Usage: torch_perplexity.py MODEL_DIR TEXT_FILE
"""

import math
import sys

import torch
from tokenizers import Tokenizer
from transformers import GPT2LMHeadModel


def main() -> None:
    directory, path = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = GPT2LMHeadModel.from_pretrained(directory, torch_dtype=torch.float32).eval()
    tokenizer = Tokenizer.from_file(f"{directory}/tokenizer.json")
    bos, eos = model.config.bos_token_id, model.config.eos_token_id
    limit = model.config.n_positions
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    total, tokens = 0.0, 0
    with torch.no_grad():
        for line in lines:
            ids = ([bos] + tokenizer.encode(line).ids + [eos])[:limit]
            x = torch.tensor([ids])
            logits = model(x).logits[0, :-1]
            nll = torch.nn.functional.cross_entropy(logits, x[0, 1:], reduction="sum")
            total += float(nll)
            tokens += len(ids) - 1
    words = sum(len(line.split()) for line in lines) + len(lines)
    print(
        f"{path}: {len(lines)} sentences, {tokens} predicted tokens, {words} words+EOS; "
        f"token perplexity {math.exp(total / tokens):.2f}; word perplexity {math.exp(total / words):.2f} (PyTorch)"
    )


if __name__ == "__main__":
    main()
