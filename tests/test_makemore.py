"""The makemore track (examples/makemore/): every example's --quick run, the GPT's two attention
paths, the save/load round trip, and the GPT against the same model in PyTorch.

The examples are loaded from their files under unique module names (makemore_gpt, ...), since
names such as `mlp` are taken elsewhere (benchmarks/mlp.py).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F

pytest.importorskip("matplotlib", reason="the examples need the 'demo' extra")
pytest.importorskip("tqdm", reason="the examples need the 'demo' extra")

MAKEMORE = Path(__file__).resolve().parents[1] / "examples" / "makemore"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def load(name: str):
    """examples/makemore/<name>.py as the module makemore_<name> (its siblings importable)."""
    if str(MAKEMORE) not in sys.path:
        sys.path.insert(0, str(MAKEMORE))
    key = f"makemore_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, MAKEMORE / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny matrices: extra BLAS threads only contend on a shared machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def assert_png(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    assert path.read_bytes().startswith(PNG_MAGIC), f"{path} is not a PNG"


def check_common(result: dict, out: Path, capsys) -> None:
    """What every example promises: a curve, weights that load, 20 names printed."""
    printed = capsys.readouterr().out
    assert len(result["samples"]) == 20
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyz") for name in result["samples"])
    assert "samples: " + " ".join(result["samples"]) in printed
    pngs = [f for f in result["files"] if str(f).endswith(".png")]
    assert pngs and all(Path(f).parent == out for f in result["files"])
    for f in pngs:
        assert_png(Path(f))
    weights = [f for f in result["files"] if str(f).endswith(".npz")]
    state = am.load(weights[0])
    own = result["model"].state_dict()
    assert set(state) == set(own)
    for key, value in state.items():
        np.testing.assert_array_equal(value.numpy(), own[key].numpy())
    h = result["history"]
    assert len(h.steps) == len(h.train) == len(h.val) > 1
    assert math.isfinite(result["val_loss"])


# ---- data ----------------------------------------------------------------------------------------

def test_corpus_vocabulary_and_split():
    data = load("data")
    names = data.read_names()
    assert len(names) == 5163 == len(set(names))
    assert data.VOCAB_SIZE == 27 and data.VOCAB[0] == "."
    splits = data.load_splits()
    assert (len(splits.train), len(splits.val), len(splits.test)) == (4130, 516, 517)
    assert not set(splits.train) & set(splits.val) and not set(splits.val) & set(splits.test)
    assert data.load_splits() == splits  # the fixed seed: the same split every time
    x, y = data.build_dataset(["emma"], 3)
    assert x.tolist() == [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]]
    assert y.tolist() == [5, 13, 13, 1, 0]
    xs, ys = data.build_sequences(["emma"], 6)
    assert xs.tolist() == [[0, 5, 13, 13, 1, 0]] and ys.tolist() == [[5, 13, 13, 1, 0, -1]]
    with pytest.raises(ValueError, match="block_size >= 5"):
        data.build_sequences(["emma"], 4)


def test_windows_and_sequences_predict_the_same_characters():
    data = load("data")
    splits = data.load_splits()
    _, y = data.build_dataset(splits.val, 3)
    _, ys = data.build_sequences(splits.val, 12)
    assert np.array_equal(y, ys[ys >= 0])  # row-major order: name by name, letter by letter


# ---- each example's quick run --------------------------------------------------------------------

def test_bigram_quick_counts_and_gradient_descent_agree(tmp_path, capsys):
    bigram = load("bigram")
    result = bigram.main(["--quick", "--no-progress", "--out", str(tmp_path)])
    check_common(result, tmp_path, capsys)
    counts = result["counts"]
    # The count model (smoothed MLE) and the gradient-descent model reach the same loss.
    assert abs(result["train_loss"] - counts["counts train"]) < 0.02
    assert abs(result["val_loss"] - counts["counts val"]) < 0.02
    assert counts["counts train"] < math.log(27) - 0.8


@pytest.mark.parametrize("flags", [[], ["--batchnorm", "--init", "kaiming"]])
def test_mlp_quick(tmp_path, capsys, flags):
    mlp = load("mlp")
    result = mlp.main(["--quick", "--no-progress", "--out", str(tmp_path), *flags])
    check_common(result, tmp_path, capsys)
    assert result["val_loss"] < math.log(27) - 0.5  # learned something in 300 steps
    assert isinstance(result["model"].norm, am.nn.BatchNorm1d) == bool(flags)


def test_mlp_kaiming_init_starts_calm():
    mlp = load("mlp")
    am.manual_seed(0)
    model = mlp.MLP(init="kaiming")
    x, y = load("data").build_dataset(load("data").load_splits().train[:200], 3)
    with am.no_grad():
        loss = F.cross_entropy(model(am.tensor(x)), am.tensor(y)).item()
    assert abs(loss - math.log(27)) < 0.15
    w = model.hidden.weight.detach().numpy()
    assert abs(w.std() - (5 / 3) / math.sqrt(30)) < 0.02


def test_wavenet_quick(tmp_path, capsys):
    wavenet = load("wavenet")
    result = wavenet.main(["--quick", "--no-progress", "--out", str(tmp_path)])
    check_common(result, tmp_path, capsys)
    assert result["val_loss"] < math.log(27) - 0.5


def test_flatten_consecutive_and_sequence_batchnorm():
    wavenet = load("wavenet")
    x = am.arange(24.0).reshape(1, 4, 6)
    y = wavenet.FlattenConsecutive(2)(x)
    assert y.shape == (1, 2, 12)
    np.testing.assert_array_equal(y.numpy()[0, 1], np.arange(12.0, 24.0))
    assert wavenet.FlattenConsecutive(4)(x).shape == (1, 24)
    with pytest.raises(ValueError, match="not a multiple of 3"):
        wavenet.FlattenConsecutive(3)(x)
    bn = wavenet.SequenceBatchNorm(6)
    z = bn(am.randn(5, 4, 6) * 3 + 2).detach().numpy()
    # normalised per channel over batch and positions together
    np.testing.assert_allclose(z.reshape(-1, 6).mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(z.reshape(-1, 6).std(axis=0), 1, atol=1e-3)


def test_gpt_quick(tmp_path, capsys):
    gpt = load("gpt")
    result = gpt.main(["--quick", "--no-progress", "--out", str(tmp_path), "--top-k", "5",
                       "--temperature", "0.8"])
    check_common(result, tmp_path, capsys)
    assert result["val_loss"] < math.log(27) - 0.3
    drawing = [f for f in result["files"] if "gpt_block" in str(f)][0]
    assert drawing.is_file() and drawing.stat().st_size > 1000
    # the model is tied: one matrix for the token embedding and the output layer
    model = result["model"]
    assert model.wte.weight is model.lm_head.weight


def test_gpt_block_drawing_is_collapsed_by_module():
    gpt = load("gpt")
    am.manual_seed(0)
    model = gpt.GPT(gpt.GPTConfig(block_size=6, n_layer=1, n_head=2, n_embd=8))
    block = model.h[0]
    dot = am.viz.to_dot(block(am.randn(2, 6, 8)), params=block, collapse="module")
    for child in ("ln_1", "attn", "ln_2", "mlp"):
        assert child in dot
    assert "(2, 6, 8)" in dot  # shapes are drawn


# ---- the GPT's pieces ----------------------------------------------------------------------------

def tiny_config(gpt, **changes):
    sizes = dict(block_size=8, n_layer=2, n_head=2, n_embd=16, dropout=0.0)
    sizes.update(changes)
    return gpt.GPTConfig(**sizes)


def tiny_batch(batch: int = 4, block: int = 8, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 27, (batch, block))
    y = rng.integers(0, 27, (batch, block))
    y[:, -2:] = -1  # padded targets are ignored
    return x, y


def gpt_loss(model, x, y):
    logits = model(am.tensor(x))
    return F.cross_entropy(logits.view(-1, 27), am.tensor(y).view(-1), ignore_index=-1)


def test_sdpa_and_masked_fill_attention_agree():
    gpt = load("gpt")
    am.manual_seed(3)
    fused = gpt.GPT(tiny_config(gpt, attention="sdpa"))
    manual = gpt.GPT(tiny_config(gpt, attention="manual"))
    manual.load_state_dict(fused.state_dict())
    x, y = tiny_batch()
    losses = []
    for model in (fused, manual):
        loss = gpt_loss(model, x, y)
        loss.backward()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)
    with am.no_grad():
        np.testing.assert_allclose(fused(am.tensor(x)).numpy(), manual(am.tensor(x)).numpy(),
                                   rtol=1e-5, atol=1e-6)
    grads = dict(manual.named_parameters())
    for name, p in fused.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name].grad.numpy(), rtol=1e-4,
                                   atol=1e-7, err_msg=name)
    # and the mask really is causal: changing a later token leaves earlier logits alone
    x2 = x.copy()
    x2[:, 5] = (x2[:, 5] + 1) % 27
    for model in (fused, manual):
        a, b = model(am.tensor(x)).detach().numpy(), model(am.tensor(x2)).detach().numpy()
        np.testing.assert_array_equal(a[:, :5], b[:, :5])
        assert not np.allclose(a[:, 5:], b[:, 5:])


def test_gpt_weight_decay_groups_and_schedule():
    gpt = load("gpt")
    am.manual_seed(0)
    model = gpt.GPT(tiny_config(gpt))
    decay, no_decay = model.param_groups(0.1)
    assert all(p.ndim == 2 for p in decay["params"]) and decay["weight_decay"] == 0.1
    assert all(p.ndim == 1 for p in no_decay["params"]) and no_decay["weight_decay"] == 0.0
    total = len(decay["params"]) + len(no_decay["params"])
    assert total == len(list(model.parameters()))  # the tied matrix counted once
    f = gpt.lr_lambda(4, 14, min_ratio=0.1)
    assert [f(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert f(9) == pytest.approx(0.55) and f(14) == pytest.approx(0.1)


def test_gpt_save_load_round_trip(tmp_path):
    gpt = load("gpt")
    am.manual_seed(0)
    model = gpt.GPT(tiny_config(gpt))
    path = tmp_path / "gpt.npz"
    am.save(model.state_dict(), path)
    am.manual_seed(1)
    other = gpt.GPT(tiny_config(gpt))
    x, _ = tiny_batch()
    with am.no_grad():
        assert not np.allclose(model(am.tensor(x)).numpy(), other(am.tensor(x)).numpy())
    other.load_state_dict(am.load(path))
    with am.no_grad():
        np.testing.assert_array_equal(model(am.tensor(x)).numpy(), other(am.tensor(x)).numpy())
    assert other.wte.weight is other.lm_head.weight  # loading keeps the tie


def test_gpt_sampling_top_k_and_temperature():
    gpt = load("gpt")
    am.manual_seed(0)
    model = gpt.GPT(tiny_config(gpt))
    start = am.zeros(50, 1, dtype=am.int64)
    out = model.generate(start, 3, top_k=1, generator=am.Generator().manual_seed(0))
    assert out.shape == (50, 4)
    assert (out.numpy() == out.numpy()[0]).all()  # top-1 is greedy: every row the same
    a = model.generate(start, 3, temperature=0.5, top_k=3, generator=am.Generator().manual_seed(5))
    b = model.generate(start, 3, temperature=0.5, top_k=3, generator=am.Generator().manual_seed(5))
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the generator makes it reproducible
    with am.no_grad():
        logits = model(start)[:, -1, :].detach().numpy()[0]
    allowed = set(np.argsort(logits)[-3:].tolist())
    assert set(a.numpy()[:, 1].tolist()) <= allowed


# ---- agreement with PyTorch ----------------------------------------------------------------------

def seeded_gpt(gpt, seed: int = 0):
    """A tiny GPT whose every parameter is drawn from np.random.default_rng(seed), in
    named_parameters order, 0.2 * N(0, 1), LayerNorm weights 1 + that: the same in any library."""
    am.manual_seed(0)
    model = gpt.GPT(tiny_config(gpt))
    rng = np.random.default_rng(seed)
    with am.no_grad():
        for name, p in model.named_parameters():
            values = 0.2 * rng.standard_normal(p.shape).astype(np.float32)
            if "ln" in name and name.endswith("weight"):
                values += 1.0
            p.copy_(am.tensor(values))
    return model


def test_seeded_gpt_matches_torch_literals():
    # Literals from torch 2.13.0 (torch_twin.GPT with the same weights; see the live test below).
    gpt = load("gpt")
    model = seeded_gpt(gpt)
    x, y = tiny_batch()
    loss = gpt_loss(model, x, y)
    loss.backward()
    assert loss.item() == pytest.approx(TORCH_LOSS, rel=1e-5)
    norms = [float(np.linalg.norm(p.grad.numpy())) for _, p in model.named_parameters()]
    np.testing.assert_allclose(norms[:4], TORCH_GRAD_NORMS, rtol=1e-4)


# torch 2.13.0: the loss and the gradient norms of wte.weight (tied), wpe.weight, h.0.ln_1.weight
# and h.0.ln_1.bias, for seeded_gpt(gpt) on tiny_batch()
TORCH_LOSS = 3.643143653869629
TORCH_GRAD_NORMS = [0.9564701318740845, 0.4435846507549286, 0.0998629555106163,
                    0.14231237769126892]


def test_seeded_gpt_literals_come_from_torch():
    torch = pytest.importorskip("torch")
    twin = load("torch_twin")
    gpt = load("gpt")
    model = twin.from_autograd_mini(seeded_gpt(gpt))
    x, y = tiny_batch()
    logits = model(torch.tensor(x))
    loss = torch.nn.functional.cross_entropy(logits.view(-1, 27), torch.tensor(y).view(-1),
                                             ignore_index=-1)
    loss.backward()
    norms = [p.grad.norm().item() for _, p in model.named_parameters()]
    assert loss.item() == pytest.approx(TORCH_LOSS, rel=1e-6)
    np.testing.assert_allclose(norms[:4], TORCH_GRAD_NORMS, rtol=1e-5)


@pytest.mark.parametrize("attention", ["sdpa", "manual"])
def test_gpt_agrees_with_torch(attention):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    twin = load("torch_twin")
    gpt = load("gpt")
    am.manual_seed(7)
    model = gpt.GPT(tiny_config(gpt, attention=attention, n_layer=3))
    theirs = twin.from_autograd_mini(model)
    x, y = tiny_batch(batch=6)

    # the loss and every parameter's gradient
    loss = gpt_loss(model, x, y)
    loss.backward()
    t_loss = torch.nn.functional.cross_entropy(
        theirs(torch.tensor(x)).view(-1, 27), torch.tensor(y).view(-1), ignore_index=-1)
    t_loss.backward()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-6)
    t_params = dict(theirs.named_parameters())
    assert [n for n, _ in model.named_parameters()] == list(t_params)
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol=1e-4,
                                   atol=1e-6, err_msg=f"gradient of {name}")

    # 10 AdamW steps with warm-up, cosine decay and clipping (the clip is active: norm > 0.5)
    schedule = gpt.lr_lambda(3, 10)
    optimizer = am.optim.AdamW(model.param_groups(0.1), lr=1e-2, betas=(0.9, 0.99))
    scheduler = am.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    t_opt, t_sched = twin.make_optimizer(theirs, 1e-2, 0.1, schedule)
    rng = np.random.default_rng(11)
    for _ in range(10):
        xb, yb = rng.integers(0, 27, (6, 8)), rng.integers(0, 27, (6, 8))
        ours_loss = gpt.train_step(model, optimizer, scheduler, am.tensor(xb), am.tensor(yb), 0.5)
        their_loss = twin.train_step(theirs, t_opt, t_sched, torch.tensor(xb), torch.tensor(yb),
                                     0.5)
        assert ours_loss == pytest.approx(their_loss, rel=1e-4)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(t_opt.param_groups[0]["lr"])
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.detach().numpy(), t_params[name].detach().numpy(), rtol=1e-4,
                                   atol=1e-5, err_msg=f"{name} after 10 AdamW steps")
