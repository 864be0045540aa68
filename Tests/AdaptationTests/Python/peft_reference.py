"""PEFT 0.10 reference computations for the Adaptation parity tests (CPU, float32, deterministic).

Subcommands:
  logprobs BASE ADAPTER BATCH OUT   log-softmax of every position with the adapter loaded by PEFT -> JSON
  create BASE OUT SEED KIND         save a PEFT adapter (KIND lora | rslora | adalora) with all factors random
  grads BASE ADAPTER BATCH OUT      gradients of the mean token NLL w.r.t. the LoRA factors -> safetensors,
                                    named like Swift's registry (transformer.h.N.<module>.lora_A.weight)
BATCH is JSON {"sequences": [[ids...], ...]}.
"""
import json
import sys

import torch
from peft import AdaLoraConfig, LoraConfig, PeftModel, get_peft_model
from safetensors.torch import save_file
from transformers import GPT2LMHeadModel

torch.set_num_threads(1)
MODULES = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"]


def padded(sequences, pad_id=0):
    width = max(len(s) for s in sequences)
    ids = torch.tensor([s + [pad_id] * (width - len(s)) for s in sequences], dtype=torch.long)
    mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences], dtype=torch.long)
    return ids, mask


def base(directory):
    model = GPT2LMHeadModel.from_pretrained(directory, torch_dtype=torch.float32)
    model.eval()
    return model


def logprobs(base_dir, adapter_dir, batch_path, out_path):
    model = PeftModel.from_pretrained(base(base_dir), adapter_dir)
    model.eval()
    sequences = json.load(open(batch_path))["sequences"]
    ids, mask = padded(sequences)
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    json.dump({"log_probs": [log_probs[i, : len(s)].tolist() for i, s in enumerate(sequences)]}, open(out_path, "w"))


def create(base_dir, out_dir, seed, kind):
    torch.manual_seed(seed)
    if kind == "adalora":
        config = AdaLoraConfig(init_r=4, target_r=2, lora_alpha=8, target_modules=MODULES, tinit=1, tfinal=1,
                               deltaT=1, total_step=10, lora_dropout=0.0)
    else:
        config = LoraConfig(r=4, lora_alpha=8, target_modules=MODULES, lora_dropout=0.0, fan_in_fan_out=True,
                            use_rslora=(kind == "rslora"))
    model = get_peft_model(base(base_dir), config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_" in name:
                parameter.copy_(0.3 * torch.randn_like(parameter))
    if kind == "adalora":
        pattern = {}
        for name, parameter in model.named_parameters():
            if "lora_E" in name:
                keep = [True, False, True, bool(len(pattern) % 2)]
                with torch.no_grad():
                    parameter.masked_fill_(~torch.tensor(keep).view(-1, 1), 0.0)
                pattern[name.replace("base_model.model.", "")] = keep
        model.peft_config["default"].rank_pattern = pattern
    model.save_pretrained(out_dir)


def grads(base_dir, adapter_dir, batch_path, out_path):
    model = PeftModel.from_pretrained(base(base_dir), adapter_dir, is_trainable=True)
    model.eval()  # no dropout; training mode only matters for dropout here
    sequences = json.load(open(batch_path))["sequences"]
    ids, mask = padded(sequences)
    labels = ids.masked_fill(mask == 0, -100)
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    tensors = {}
    for name, parameter in model.named_parameters():
        if parameter.grad is not None:
            key = name.replace("base_model.model.", "").replace(".default", "")
            tensors[key] = parameter.grad.detach().contiguous()
    tensors["loss"] = loss.detach().reshape(1)
    save_file(tensors, out_path)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "logprobs":
        logprobs(*sys.argv[2:6])
    elif command == "create":
        create(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif command == "grads":
        grads(*sys.argv[2:6])
    else:
        raise SystemExit(f"unknown command {command}")
