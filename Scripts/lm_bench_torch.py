"""PyTorch peer of lm-bench: the same checkpoint, the same batches, the same thread count.

Usage: lm_bench_torch.py DIR   (DIR written by `lm-bench prepare`); prints JSON figures.
"""
import json
import resource
import statistics
import sys
import time

import torch
from transformers import GPT2LMHeadModel

directory = sys.argv[1]
workload = json.load(open(f"{directory}/workload.json"))
torch.set_num_threads(workload["threads"])
torch.manual_seed(0)
repeats = workload["repeats"]
model = GPT2LMHeadModel.from_pretrained(f"{directory}/model", torch_dtype=torch.float32)
config = model.config
report = {"threads": workload["threads"], "torch_version": torch.__version__}


def sgemm_rate(m, n, k):
    a = torch.full((m, k), 0.5)
    b = torch.full((k, n), 0.25)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        for _ in range(5):
            torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 5 * 2 * m * n * k / statistics.median(times[1:]) / 1e9


report["sgemm_gflops_1024"] = sgemm_rate(1024, 1024, 1024)


def score(batch):
    inputs = [[config.bos_token_id] + s for s in batch]
    targets = [s + [config.eos_token_id] for s in batch]
    width = max(len(x) for x in inputs)
    ids = torch.tensor([x + [0] * (width - len(x)) for x in inputs])
    mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in inputs])
    target = torch.tensor([t + [0] * (width - len(t)) for t in targets])
    logits = model(input_ids=ids, attention_mask=mask).logits
    picked = logits.gather(-1, target.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)
    return (picked * mask).sum(dim=-1)


model.eval()
scored_tokens = sum(len(s) + 1 for batch in workload["scoring_batches"] for s in batch)
times = []
with torch.inference_mode():
    for _ in range(repeats + 1):
        start = time.perf_counter()
        for batch in workload["scoring_batches"]:
            score(batch)
        times.append(time.perf_counter() - start)
report["scoring_tokens"] = scored_tokens
report["scoring_tokens_per_s"] = scored_tokens / statistics.median(times[1:])

# Training: AdamW with decay on matrices only, global-norm clipping 1.0, dropout from the config.
model.train()
decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
optimizer = torch.optim.AdamW(
    [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
batches = [torch.tensor(batch) for batch in workload["training_batches"]]


def train_step(ids):
    optimizer.zero_grad(set_to_none=True)
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()


train_step(batches[0])
times = []
for _ in range(repeats):
    start = time.perf_counter()
    for ids in batches:
        train_step(ids)
    times.append(time.perf_counter() - start)
tokens = sum(ids.numel() for ids in batches)
report["training_tokens_per_s"] = tokens / statistics.median(times)

# MWER: LoRA r=8, alpha=16 on every projection (PEFT), dropout from the config, AdamW, clipping 1.0;
# each step scores all 80 hypotheses of its 8 lists in one padded batch, as lm-bench's batched case.
from peft import LoraConfig, get_peft_model  # noqa: E402

base = GPT2LMHeadModel.from_pretrained(f"{directory}/model", torch_dtype=torch.float32)
lora = get_peft_model(base, LoraConfig(r=8, lora_alpha=16, target_modules=["c_attn", "c_proj", "c_fc"],
                                       lora_dropout=0.0, fan_in_fan_out=True))
lora.train()
mwer_optimizer = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=1e-4, weight_decay=0.0)
lm_weight = 0.5


def mwer_tensors(lists):
    rows = [[config.bos_token_id] + h + [config.eos_token_id] for lst in lists for h in lst["hypotheses"]]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    sizes = [len(lst["hypotheses"]) for lst in lists]
    first = torch.tensor([s for lst in lists for s in lst["first_pass"]], dtype=torch.float64)
    errors = torch.tensor([e for lst in lists for e in lst["errors"]], dtype=torch.float64)
    return ids, mask, sizes, first, errors


def mwer_step(ids, mask, sizes, first, errors):
    mwer_optimizer.zero_grad(set_to_none=True)
    logits = lora(input_ids=ids, attention_mask=mask).logits[:, :-1]
    picked = logits.log_softmax(-1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    lm = (picked * mask[:, 1:]).sum(-1).double()
    loss = 0
    for s, f, e in zip(torch.split(lm, sizes), torch.split(first, sizes), torch.split(errors, sizes)):
        p = torch.softmax(f + lm_weight * s, 0)
        loss = loss + (p * (e - e.mean())).sum()
    (loss / len(sizes)).backward()
    torch.nn.utils.clip_grad_norm_([p for p in lora.parameters() if p.requires_grad], 1.0)
    mwer_optimizer.step()


mwer_batches = [mwer_tensors(lists) for lists in workload["mwer_batches"]]
mwer_step(*mwer_batches[0])
times = []
for _ in range(repeats):
    start = time.perf_counter()
    for batch in mwer_batches:
        mwer_step(*batch)
    times.append(time.perf_counter() - start)
report["mwer_lists_per_s"] = sum(len(lists) for lists in workload["mwer_batches"]) / statistics.median(times)
report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(report, sort_keys=True))
