"""Adaptation benchmark driver (see Scripts/bench-adaptation).

Builds a random GPT-2 of the intended base size (n_embd 256, n_layer 4, n_head 4, vocab 6000,
n_positions 128) with transformers, writes fixed random batches, then for each run and strategy
times `secondpass train` (its summary.json reports mean seconds per step) and the same steps in
PyTorch (+ PEFT for the adapter strategies) with the same thread count. Prints a Markdown table of
medians over runs and the Swift/PyTorch speed ratio (PyTorch seconds / Swift seconds).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

MODULES = ["attn.c_attn", "attn.c_proj"]


def make_base(directory, seed):
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=6000, n_positions=128, n_embd=256, n_layer=4, n_head=4, bos_token_id=1,
                        eos_token_id=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    GPT2LMHeadModel(config).save_pretrained(directory, safe_serialization=True)


def make_tokens(path, count, length, seed):
    generator = torch.Generator().manual_seed(seed)
    rows = torch.randint(3, 6000, (count, length - 2), generator=generator).tolist()
    with open(path, "w") as handle:
        for row in rows:
            handle.write(" ".join(map(str, row)) + "\n")
    return [[1] + row + [2] for row in rows]


def swift_step(args, base, tokens, strategy, output):
    command = [
        args.binary, "train", "--base", base, "--output", output, "--strategy", strategy, "--objective", "clm",
        "--train-tokens", tokens, "--steps", str(args.steps), "--batch-size", str(args.batch), "--rank",
        str(args.rank), "--alpha", str(2 * args.rank), "--dropout", "0", "--target-modules", ",".join(MODULES),
        "--threads", str(args.threads), "--eval-every", "100000", "--checkpoint-every", "100000", "--lr-warmup", "1",
        "--learning-rate", "1e-4", "--target-rank", str(args.rank // 2), "--delta-t", "5", "--warmup-rank",
        str(4 * args.rank), "--warmup-steps", str(args.steps // 2), "--max-grad-norm", "0",
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    summary = json.load(open(os.path.join(output, "summary.json")))
    return summary["meanSecondsPerStep"], summary["tokensPerSecond"], summary["trainableParameters"]


def torch_step(args, base, sequences, strategy):
    from peft import AdaLoraConfig, LoraConfig, get_peft_model

    model = GPT2LMHeadModel.from_pretrained(base, torch_dtype=torch.float32)
    if strategy == "lora":
        model = get_peft_model(model, LoraConfig(r=args.rank, lora_alpha=2 * args.rank, target_modules=MODULES,
                                                 lora_dropout=0.0, fan_in_fan_out=True))
    elif strategy == "adalora":
        model = get_peft_model(model, AdaLoraConfig(init_r=args.rank, target_r=args.rank // 2,
                                                    lora_alpha=2 * args.rank, target_modules=MODULES,
                                                    lora_dropout=0.0, tinit=args.steps // 10,
                                                    tfinal=args.steps // 5, deltaT=5, total_step=args.steps))
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, weight_decay=0.0)
    durations = []
    tokens = 0
    for step in range(args.steps):
        batch = [sequences[(step * args.batch + k) % len(sequences)] for k in range(args.batch)]
        ids = torch.tensor(batch, dtype=torch.long)
        start = time.perf_counter()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        if strategy == "adalora":
            model.base_model.update_and_allocate(step)
        optimizer.zero_grad()
        durations.append(time.perf_counter() - start)
        tokens += sum(len(s) - 1 for s in batch)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    mean = sum(durations) / len(durations)
    return mean, tokens / sum(durations), trainable


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True, help="release secondpass binary (Scripts/bench-adaptation passes it)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs of both sides; medians are reported")
    parser.add_argument("--steps", type=int, default=20, help="training steps per run")
    parser.add_argument("--batch", type=int, default=16, help="sequences per step")
    parser.add_argument("--length", type=int, default=64, help="tokens per sequence")
    parser.add_argument("--rank", type=int, default=8, help="adapter rank")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/torch threads for both sides")
    parser.add_argument("--strategies", default="full,lora,adalora,dylora,warmup", help="comma list of strategies")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON object instead of the table")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    strategies = args.strategies.split(",")
    # PyTorch peers: PEFT LoRA for lora/dylora/warmup (DyLoRA and warm-up have no PEFT version;
    # their step is a LoRA step of rank <= r_max), PEFT AdaLoRA, plain torch for full.
    peers = {"full": "full", "lora": "lora", "adalora": "adalora", "dylora": "lora", "warmup": "lora"}
    results = {s: {"swift": [], "swift_tps": [], "torch": [], "torch_tps": [], "params": None, "torch_params": None}
               for s in strategies}
    with tempfile.TemporaryDirectory() as work:
        base = os.path.join(work, "base")
        make_base(base, 0)
        tokens = os.path.join(work, "tokens.txt")
        sequences = make_tokens(tokens, 4 * args.batch, args.length, 1)
        for run in range(args.runs):
            for strategy in strategies:
                seconds, tps, params = swift_step(args, base, tokens, strategy, os.path.join(work, f"{strategy}-{run}"))
                results[strategy]["swift"].append(seconds)
                results[strategy]["swift_tps"].append(tps)
                results[strategy]["params"] = params
                seconds, tps, params = torch_step(args, base, sequences, peers[strategy])
                results[strategy]["torch"].append(seconds)
                results[strategy]["torch_tps"].append(tps)
                results[strategy]["torch_params"] = params
                print(f"run {run} {strategy}: swift {results[strategy]['swift'][-1]:.4f} s/step, "
                      f"torch {seconds:.4f} s/step", file=sys.stderr)
    if args.json:
        medians = {s: {k: statistics.median(v) for k, v in r.items() if isinstance(v, list)}
                   | {"params": r["params"], "torch_params": r["torch_params"]} for s, r in results.items()}
        json.dump({"runs": args.runs, "batch": args.batch, "length": args.length, "rank": args.rank,
                   "threads": args.threads, "steps": args.steps, "strategies": medians}, sys.stdout, sort_keys=True)
        print()
        return
    print(f"\nbatch {args.batch} x {args.length} tokens, rank {args.rank} on {','.join(MODULES)}, "
          f"{args.threads} thread(s), {args.steps} steps, median of {args.runs} runs\n")
    print("| strategy | trainable (Swift / PyTorch) | Swift s/step | Swift tok/s | PyTorch+PEFT s/step | "
          "PyTorch tok/s | speed ratio |")
    print("|---|---|---|---|---|---|---|")
    for strategy in strategies:
        r = results[strategy]
        swift = statistics.median(r["swift"])
        peer = statistics.median(r["torch"])
        print(f"| {strategy} | {r['params']} / {r['torch_params']} | {swift:.4f} | "
              f"{statistics.median(r['swift_tps']):.0f} | {peer:.4f} | {statistics.median(r['torch_tps']):.0f} | "
              f"{peer / swift:.2f}x |")


if __name__ == "__main__":
    main()
