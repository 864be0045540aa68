"""Reference computations with transformers' GPT2LMHeadModel for the NeuralLM parity tests.

Subcommands (all deterministic, CPU, float32):
  create DIR SEED            save a seeded random GPT-2 (all parameters perturbed) with save_pretrained
  logprobs DIR BATCH OUT     log-softmax of every position of a right-padded batch -> JSON
  grads DIR BATCH OUT        gradients of the mean token NLL (labels = inputs, pads ignored) -> safetensors
BATCH is JSON {"sequences": [[ids...], ...]}.
"""
import json
import sys

import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel

torch.set_num_threads(1)


def padded(sequences, pad_id):
    width = max(len(s) for s in sequences)
    ids = torch.tensor([s + [pad_id] * (width - len(s)) for s in sequences], dtype=torch.long)
    mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences], dtype=torch.long)
    return ids, mask


def load(directory):
    model = GPT2LMHeadModel.from_pretrained(directory, torch_dtype=torch.float32)
    model.eval()
    return model


def create(directory, seed):
    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=53, n_positions=24, n_embd=32, n_layer=2, n_head=4, bos_token_id=1, eos_token_id=2,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, layer_norm_epsilon=1e-5)
    model = GPT2LMHeadModel(config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.add_(0.05 * torch.randn_like(parameter))
    model.save_pretrained(directory, safe_serialization=True)


def logprobs(directory, batch_path, out_path):
    model = load(directory)
    sequences = json.load(open(batch_path))["sequences"]
    ids, mask = padded(sequences, 0)
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    result = [log_probs[i, : len(s)].tolist() for i, s in enumerate(sequences)]
    json.dump({"log_probs": result}, open(out_path, "w"))


def grads(directory, batch_path, out_path):
    model = load(directory)
    sequences = json.load(open(batch_path))["sequences"]
    ids, mask = padded(sequences, 0)
    labels = ids.masked_fill(mask == 0, -100)
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    tensors = {name: p.grad.detach().contiguous() for name, p in model.named_parameters() if p.grad is not None}
    tensors["loss"] = loss.detach().reshape(1)
    save_file(tensors, out_path)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "create":
        create(sys.argv[2], int(sys.argv[3]))
    elif command == "logprobs":
        logprobs(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "grads":
        grads(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown command {command}")
