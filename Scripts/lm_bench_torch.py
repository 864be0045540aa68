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
report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(report, sort_keys=True))
