"""makemore 4: a GPT (a decoder-only transformer) over the characters of first names.

Data: examples/data/names.txt (1990 US Census first names), vocabulary of 27 characters ('.' for
start and end, a-z), split 80/10/10 with a fixed seed: 4,130 / 516 / 517 names (data.py). Each
name is one sequence of block_size 12 (the longest name has 11 letters): the input is '.' then
the name, the target the name then '.', padded targets ignored. So the model predicts the same
28,842 / 3,628 / 3,652 characters as the other examples, with the whole name so far as context.

Model (GPT-2's layout, as nanoGPT): token and position embeddings (n_embd 64) -> dropout -> 4
blocks of [x + attention(LayerNorm(x)), x + MLP(LayerNorm(x))] -> LayerNorm -> logits. Attention
is causal multi-head self-attention (4 heads of 16), written both with
F.scaled_dot_product_attention(is_causal=True) (the default) and by hand with masked_fill
(`--attention manual`; the two agree, tests/test_makemore.py). The MLP is Linear(64, 256) -> GELU
-> Linear(256, 64). Dropout 0.1 on embeddings, attention weights and residual branches. The output
layer shares its weight with the token embedding (weight tying). 202,560 parameters.

Training: AdamW (betas 0.9, 0.99) with weight decay 0.1 on the matrices only (embeddings and
Linear weights; biases and LayerNorm parameters in a second group without decay), lr 1e-3 after a
linear warm-up of 200 steps, then cosine decay to 1e-4 (LambdaLR), gradient norm clipped to 1.0,
batch 32 names, 9,000 steps.

Measured with the defaults (seed 0, one thread): train 1.5514 / val 1.8756 nats per character,
in about 168 s of CPU time (about 19 ms a step); the MLP example reaches val 2.0040 and the
WaveNet-like one 1.9514. (6,000 steps: val 1.8852; 9,000 with dropout 0.2: val 1.9040.)
Sampling: temperature 1.0, no top-k.

Run: python examples/makemore/gpt.py [--steps 9000] [--n-layer 4] [--attention manual] [--quick]
Writes gpt_curves.png, gpt.npz (the weights) and gpt_block.svg (one block's graph, one box per
module, with shapes; gpt_block.dot when Graphviz's `dot` program is missing) into --out.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import (
    History,
    base_parser,
    check_positive,
    plot_curves,
    progress,
    report,
    save_and_reload,
    split_loss,
)
from data import VOCAB_SIZE, build_sequences, decode, load_splits, max_name_length, read_names

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

IGNORE = -1  # target of the padded positions


@dataclass
class GPTConfig:
    """The sizes of a GPT."""

    vocab_size: int = VOCAB_SIZE
    block_size: int = 12
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.1
    attention: str = "sdpa"  # or "manual": masked_fill and softmax written out


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees positions <= t."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if config.n_embd % config.n_head:
            raise ValueError(f"n_embd {config.n_embd} is not a multiple of n_head {config.n_head}")
        if config.attention not in ("sdpa", "manual"):
            raise ValueError(f"attention must be 'sdpa' or 'manual', got {config.attention!r}")
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout
        self.attention = config.attention
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # q, k, v for every head
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        causal = am.tril(am.ones(config.block_size, config.block_size))
        self.register_buffer("causal", causal.view(1, 1, config.block_size, config.block_size),
                             persistent=False)

    def forward(self, x: am.Tensor) -> am.Tensor:
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        # (B, T, C) -> (B, n_head, T, head_size): the heads become a batch dimension
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if self.attention == "sdpa":
            p = self.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        else:
            y = self.manual_attention(q, k, v)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # heads side by side again
        return self.resid_dropout(self.c_proj(y))

    def manual_attention(self, q: am.Tensor, k: am.Tensor, v: am.Tensor) -> am.Tensor:
        """softmax(q k^T / sqrt(head_size), future masked out) v, written out."""
        T = q.shape[-2]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))
        att = att.masked_fill(self.causal[:, :, :T, :T] == 0, float("-inf"))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        return att @ v


class MLP(nn.Module):
    """The position-wise feed-forward layer: 4x wider, GELU."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: am.Tensor) -> am.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """A pre-LayerNorm transformer block: communication (attention), then computation (MLP)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: am.Tensor) -> am.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token ids (B, T) -> logits of the next token at every position (B, T, vocab_size)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.wte.weight = self.lm_head.weight  # weight tying: one matrix, two uses
        self.init_weights()

    @am.no_grad()
    def init_weights(self) -> None:
        """GPT-2's: N(0, 0.02) for weights, zero biases, and N(0, 0.02 / sqrt(2 n_layer)) for
        the projections that feed the residual stream (they add up over the layers)."""
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * self.config.n_layer))
            elif p.ndim >= 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx: am.Tensor) -> am.Tensor:
        T = idx.shape[1]
        if T > self.config.block_size:
            raise ValueError(f"GPT: sequence of {T} tokens, block_size is "
                             f"{self.config.block_size} (input shape {tuple(idx.shape)})")
        x = self.drop(self.wte(idx) + self.wpe(am.arange(T)))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))

    def param_groups(self, weight_decay: float) -> list[dict]:
        """AdamW groups: decay the matrices (embeddings, Linear weights), not the vectors."""
        params = list(self.parameters())  # tied weights appear once
        return [{"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
                {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0}]

    @am.no_grad()
    def generate(self, idx: am.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, generator: am.Generator | None = None) -> am.Tensor:
        """Extend each row of idx (B, T) by max_new_tokens sampled tokens (am.multinomial),
        from the logits / temperature, keeping only the top_k most likely when given."""
        for _ in range(max_new_tokens):
            logits = self(idx[:, -self.config.block_size:])[:, -1, :] / temperature
            if top_k is not None:
                kth = am.topk(logits, min(top_k, logits.shape[-1]))[0][:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = am.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)
            idx = am.cat([idx, nxt], dim=1)
        return idx


def lr_lambda(warmup: int, total: int, min_ratio: float = 0.1):
    """The multiplier of the base lr at each step: linear warm-up from 1/warmup to 1 over
    `warmup` steps, then a cosine from 1 down to min_ratio at step `total`."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))
    return factor


def make_optimizer(model: GPT, lr: float, weight_decay: float, warmup: int, steps: int):
    """AdamW over the two parameter groups and its warm-up + cosine schedule."""
    optimizer = am.optim.AdamW(model.param_groups(weight_decay), lr=lr, betas=(0.9, 0.99))
    scheduler = am.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(warmup, steps))
    return optimizer, scheduler


def train_step(model: GPT, optimizer, scheduler, x: am.Tensor, y: am.Tensor,
               clip: float = 1.0) -> float:
    """One step: forward, loss, backward, clip the gradient norm, AdamW, schedule."""
    logits = model(x)
    loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1), ignore_index=IGNORE)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    scheduler.step()
    return loss.item()


def train(model: GPT, train_xy: tuple, val_xy: tuple, args, evaluations: int = 50) -> History:
    """AdamW on random batches of names; the validation loss `evaluations` times along the way."""
    rng = np.random.default_rng(args.seed)
    optimizer, scheduler = make_optimizer(model, args.lr, args.weight_decay, args.warmup,
                                          args.steps)
    checkpoints = set(np.unique(np.geomspace(1, args.steps, evaluations).astype(int)).tolist())
    history, running = History(), []
    xtr, ytr = train_xy
    model.train()
    bar = progress(args.steps, args.no_progress)
    for step in bar:
        rows = rng.integers(0, len(xtr), args.batch_size)
        running.append(train_step(model, optimizer, scheduler, am.tensor(xtr[rows]),
                                  am.tensor(ytr[rows])))
        if step + 1 in checkpoints:
            history.steps.append(step + 1)
            history.train.append(float(np.mean(running)))
            history.val.append(split_loss(model, *val_xy, ignore_index=IGNORE))
            running = []
            bar.set_postfix_str(f"loss {history.train[-1]:.4f}  val {history.val[-1]:.4f}")
    return history


def sample(model: GPT, count: int, temperature: float, top_k: int | None,
           generator: am.Generator) -> list[str]:
    """`count` names: sequences started with '.', cut at the first '.' generated."""
    model.eval()
    start = am.zeros(count, 1, dtype=am.int64)
    rows = model.generate(start, model.config.block_size - 1, temperature, top_k, generator)
    return [decode(row[1:]).split(".")[0] for row in rows.tolist()]


def draw_block(model: GPT, folder: Path) -> Path:
    """One transformer block's graph on a (2, block_size, n_embd) input: one box per layer
    (LayerNorm, Linear, GELU; modules two levels down), inside clusters for the attention and
    the MLP, with the ops between them (the head split, attention) and the shapes flowing."""
    block = model.h[0]
    x = am.randn(2, model.config.block_size, model.config.n_embd)
    x.name = "x"
    was_training = block.training
    block.eval()
    out = block(x)
    block.train(was_training)
    path = folder / ("gpt_block.svg" if shutil.which("dot") else "gpt_block.dot")
    return Path(am.viz.render(out, path, params=block, collapse="module", depth=2))


def parse_args(argv: list[str] | None):
    parser = base_parser("A GPT over the characters of first names.", "out/makemore",
                         steps=9000)
    parser.add_argument("--n-layer", type=int, default=4, help="transformer blocks")
    parser.add_argument("--n-head", type=int, default=4, help="attention heads")
    parser.add_argument("--n-embd", type=int, default=64, help="embedding width")
    parser.add_argument("--dropout", type=float, default=0.1, help="dropout probability")
    parser.add_argument("--attention", choices=("sdpa", "manual"), default="sdpa",
                        help="F.scaled_dot_product_attention, or masked_fill by hand")
    parser.add_argument("--batch-size", type=int, default=32, help="names per batch")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    parser.add_argument("--weight-decay", type=float, default=0.1, help="AdamW's, on matrices")
    parser.add_argument("--warmup", type=int, default=200, help="linear warm-up steps")
    parser.add_argument("--temperature", type=float, default=1.0, help="sampling temperature")
    parser.add_argument("--top-k", type=int, default=None, help="sample among the k likeliest")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.n_layer, args.n_embd = min(args.steps, 40), 2, 32
        args.warmup = min(args.warmup, 10)
    check_positive(parser, args, ["steps", "n_layer", "n_head", "n_embd", "batch_size"])
    if not 0 <= args.dropout < 1:
        parser.error(f"--dropout must be in [0, 1), got {args.dropout}")
    if not args.temperature > 0:
        parser.error(f"--temperature must be positive, got {args.temperature}")
    if args.n_embd % args.n_head:
        parser.error(f"--n-embd {args.n_embd} must be a multiple of --n-head {args.n_head}")
    return args


def main(argv: list[str] | None = None) -> dict:
    """Train, evaluate, sample, save, draw; returns losses, samples and files written."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    splits = load_splits()
    block_size = max_name_length(read_names()) + 1
    train_xy = build_sequences(splits.train, block_size, IGNORE)
    val_xy = build_sequences(splits.val, block_size, IGNORE)
    am.manual_seed(args.seed)
    config = GPTConfig(VOCAB_SIZE, block_size, args.n_layer, args.n_head, args.n_embd,
                       args.dropout, args.attention)
    model = GPT(config)
    started, started_cpu = time.perf_counter(), time.process_time()
    history = train(model, train_xy, val_xy, args, evaluations=10 if args.quick else 50)
    train_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    model = save_and_reload(model, args.out / "gpt.npz")
    samples = sample(model, 20, args.temperature, args.top_k, am.Generator().manual_seed(args.seed))
    files = [plot_curves(history, args.out / "gpt_curves.png", "GPT (autograd_mini)"),
             args.out / "gpt.npz", draw_block(model, args.out)]
    result = dict(train_loss=split_loss(model, *train_xy, ignore_index=IGNORE),
                  val_loss=split_loss(model, *val_xy, ignore_index=IGNORE), history=history,
                  samples=samples, files=files,
                  train_seconds=train_seconds, cpu_seconds=cpu_seconds, model=model,
                  parameters=sum(p.numel() for p in model.parameters()))
    report("gpt", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
