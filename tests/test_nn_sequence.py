"""Attention, recurrent layers, 1-D convolution and pooling against PyTorch.

Live tests (skipped without torch) copy weights between the two through state_dict (the names
and shapes must match one to one) and compare outputs, and gradients for the inputs and every
parameter, in float64. The `test_literal_*` tests run without torch: PyTorch 2.13's results for
small fixed cases, written below as literals. The fused primitives' gradcheck / gradgradcheck
rules are in tests/op_rules_sequence.py (run by tests/test_registry_gradcheck.py).
"""

from __future__ import annotations

import copy
import itertools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

RTOL, ATOL = 1e-6, 1e-10


def _torch() -> Any:
    return pytest.importorskip("torch")


def fill(shape: tuple, offset: float) -> np.ndarray:
    """Deterministic values in [-0.5, 0.5] (the literal cases' weights and inputs)."""
    n = int(np.prod(shape))
    return np.round(np.sin(np.arange(n) * 0.7 + offset) * 0.5, 6).reshape(shape)


def load_filled(module: nn.Module) -> None:
    """Parameter i (in named_parameters order) gets fill(its shape, i)."""
    for i, (_, p) in enumerate(module.named_parameters()):
        p.data[...] = fill(p.shape, i)


def leaf(array: np.ndarray) -> am.Tensor:
    return am.tensor(np.array(array, dtype=np.float64), requires_grad=True)


def close(ours: Any, theirs: Any, what: str = "", rtol: float = RTOL) -> None:
    got = ours.data if isinstance(ours, am.Tensor) else np.asarray(ours)
    want = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=ATOL, err_msg=what)


def flat(outputs: Any) -> list:
    """The tensors of a (nested) tuple of outputs, None left out."""
    if isinstance(outputs, (tuple, list)):
        return [t for item in outputs for t in flat(item)]
    return [] if outputs is None else [outputs]


def copy_weights(ours: nn.Module, theirs: Any) -> None:
    """theirs' weights into ours through state_dict: the names, order and shapes must match."""
    mine = ours.state_dict()
    assert list(mine) == list(theirs.state_dict())
    for (name, value), other in zip(mine.items(), theirs.state_dict().values()):
        assert value.shape == tuple(other.shape), name
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def compare(torch: Any, ours: Callable, theirs: Callable, arrays: list,
            modules: tuple | None = None, rtol: float = RTOL, seed: int = 0) -> None:
    """ours(*am leaves) against theirs(*torch leaves): every output, then the gradients of
    sum(output * random) for every input and (with `modules`) every parameter."""
    mine = [leaf(a) for a in arrays]
    other = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    outs, touts = flat(ours(*mine)), flat(theirs(*other))
    assert len(outs) == len(touts)
    rng = np.random.default_rng(seed)
    loss, tloss = 0.0, 0.0
    for k, (o, t) in enumerate(zip(outs, touts)):
        close(o, t, f"output {k}", rtol)
        assert o.shape == tuple(t.shape) and o.dtype == np.float64
        if t.requires_grad:
            u = rng.standard_normal(o.shape)
            loss = loss + (o * am.tensor(u)).sum()
            tloss = tloss + (t * torch.tensor(u)).sum()
    loss.backward()
    tloss.backward()
    for k, (a, t) in enumerate(zip(mine, other)):
        if t.grad is None:
            assert a.grad is None or not np.any(a.grad.data), f"input {k}"
        else:
            close(a.grad, t.grad, f"gradient of input {k}", rtol)
    if modules is not None:
        ours_module, theirs_module = modules
        named = dict(theirs_module.named_parameters())
        for name, p in ours_module.named_parameters():
            t = named[name]
            if t.grad is None:
                assert p.grad is None or not np.any(p.grad.data), name
            else:
                close(p.grad, t.grad, f"gradient of {name}", rtol)


# ---- scaled_dot_product_attention -----------------------------------------------------------
SDPA_CASES = ["plain", "bool mask", "bool mask with an empty row", "float mask", "causal",
              "causal, L > S", "causal, L < S", "scale", "gqa", "broadcast batch", "3-D",
              "unbatched"]


@pytest.mark.parametrize("case", SDPA_CASES)
def test_scaled_dot_product_attention_matches_torch(case: str) -> None:
    torch = _torch()
    rng = np.random.default_rng(SDPA_CASES.index(case))
    length, source = {"causal, L > S": (6, 4), "causal, L < S": (3, 5)}.get(case, (4, 5))
    q_shape, k_shape, v_shape = (2, 3, length, 4), (2, 3, source, 4), (2, 3, source, 6)
    if case == "gqa":
        k_shape, v_shape = (2, 1, source, 4), (2, 1, source, 6)
    if case == "broadcast batch":
        k_shape, v_shape = (1, 3, source, 4), (2, 1, source, 6)
    if case == "3-D":
        q_shape, k_shape, v_shape = q_shape[1:], k_shape[1:], v_shape[1:]
    if case == "unbatched":
        q_shape, k_shape, v_shape = q_shape[2:], k_shape[2:], v_shape[2:]
    arrays = [rng.standard_normal(s) for s in (q_shape, k_shape, v_shape)]
    kwargs: dict[str, Any] = {}
    mask = None
    if case.startswith("bool mask"):
        mask = rng.random((length, source)) < 0.6
        mask[:, 0] = True
        if case.endswith("row"):
            mask[1] = False  # nothing takes part: zeros and no gradient, as PyTorch
    if case.startswith("causal"):
        kwargs["is_causal"] = True
    if case == "scale":
        kwargs["scale"] = 0.37
    if case == "gqa":
        kwargs["enable_gqa"] = True
    if case == "float mask":
        float_mask = rng.standard_normal((3, length, source))
        float_mask[0, 1, 2] = -np.inf
        arrays.append(float_mask)  # it requires grad: its gradient is the scores'

    def ours(*t: am.Tensor) -> am.Tensor:
        return F.scaled_dot_product_attention(*t[:3], t[3] if len(t) > 3 else mask, **kwargs)

    def theirs(*t: Any) -> Any:
        m = t[3] if len(t) > 3 else None if mask is None else torch.tensor(mask)
        return torch.nn.functional.scaled_dot_product_attention(*t[:3], m, **kwargs)

    compare(torch, ours, theirs, arrays)


def test_attention_dropout_is_one_mask_drawn_in_the_forward() -> None:
    rng = np.random.default_rng(0)
    q, k, v = (leaf(rng.standard_normal((2, 3, 2))) for _ in range(3))
    bias = leaf(rng.standard_normal((3, 3)))

    def fn(*t: am.Tensor) -> am.Tensor:
        am.manual_seed(5)  # the same dropout mask on every call
        return F.scaled_dot_product_attention(*t, dropout_p=0.4)

    assert am.gradcheck(fn, (q, k, v, bias))
    assert am.gradgradcheck(fn, (q, k, v, bias))
    am.manual_seed(1)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    am.manual_seed(1)
    c = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert not np.array_equal(a.data, b.data) and np.array_equal(a.data, c.data)
    assert not np.any(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).data)
    # the weights the module returns are the ones that were used (after dropout)
    mha = nn.MultiheadAttention(4, 2, dropout=0.5, bias=False)
    x = am.randn(3, 1, 4)
    am.manual_seed(3)
    out, w = mha(x, x, x, average_attn_weights=False)
    assert np.all((w.data == 0) | (w.data > 0)) and np.any(w.data == 0)
    mha.eval()
    out_eval, w_eval = mha(x, x, x)
    np.testing.assert_allclose(w_eval.data.sum(-1), 1.0, rtol=1e-6)


def test_attention_keeps_float32_and_float16() -> None:
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float16):
        q, k, v = (am.tensor(rng.standard_normal((2, 3, 4)).astype(dtype), requires_grad=True)
                   for _ in range(3))
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        assert out.dtype == dtype
        out.sum().backward()
        assert q.grad.dtype == dtype and k.grad.dtype == dtype
        want = F.scaled_dot_product_attention(*(am.tensor(t.data.astype(np.float64))
                                                for t in (q, k, v)), is_causal=True)
        np.testing.assert_allclose(out.data, want.data, rtol=0, atol=2e-2 if dtype == np.float16
                                   else 1e-5)


def test_attention_is_stable_for_large_scores() -> None:
    q = am.tensor(np.array([[1000.0, 0.0], [-1000.0, 0.0]]), requires_grad=True)
    k = am.tensor(np.array([[1.0, 0.0], [-1.0, 0.0]]), requires_grad=True)
    v = am.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    out = F.scaled_dot_product_attention(q, k, v, scale=1.0)
    np.testing.assert_array_equal(out.data, [[1.0, 2.0], [3.0, 4.0]])
    out.sum().backward()
    assert np.all(np.isfinite(q.grad.data)) and np.all(np.isfinite(k.grad.data))


def test_attention_arguments_are_checked() -> None:
    q = am.randn(2, 3, 4)
    with pytest.raises(ValueError, match="is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), bool), is_causal=True)
    with pytest.raises(ValueError, match="do not fit"):
        F.scaled_dot_product_attention(q, am.randn(2, 3, 5), q)
    with pytest.raises(ValueError, match="does not broadcast"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((4, 3), bool))
    with pytest.raises(TypeError, match="same dtype"):
        F.scaled_dot_product_attention(q, q.double(), q)
    with pytest.raises(TypeError, match="bool"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), np.int64))
    with pytest.raises(ValueError, match="dropout"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=1.5)


# ---- MultiheadAttention and the Transformer encoder -----------------------------------------
MHA_OPTIONS = [{}, {"bias": False}, {"kdim": 3, "vdim": 5}, {"add_bias_kv": True},
               {"add_zero_attn": True}, {"batch_first": True}]
MASKS = ["none", "bool", "float", "both", "causal", "3-D float"]


@pytest.mark.parametrize("options, weights, mask_kind", list(itertools.product(
    range(len(MHA_OPTIONS)), ["averaged", "per head", "none"], MASKS)))
def test_multihead_attention_matches_torch(options: int, weights: str, mask_kind: str) -> None:
    torch = _torch()
    kw = MHA_OPTIONS[options]
    embed, heads, length, source, batch = 6, 2, 4, 5, 3
    theirs_module = torch.nn.MultiheadAttention(embed, heads, dtype=torch.float64, **kw)
    ours_module = nn.MultiheadAttention(embed, heads, dtype=np.float64, **kw)
    copy_weights(ours_module, theirs_module)
    rng = np.random.default_rng(options)

    def shape(n: int, d: int) -> tuple:
        return (batch, n, d) if kw.get("batch_first") else (n, batch, d)

    arrays = [rng.standard_normal(shape(length, embed)),
              rng.standard_normal(shape(source, kw.get("kdim", embed))),
              rng.standard_normal(shape(source, kw.get("vdim", embed)))]
    padding = rng.random((batch, source)) < 0.3
    attn = rng.random((length, source)) < 0.3
    padding[:, 0] = attn[:, 0] = False  # every query keeps a key
    per_head = rng.standard_normal((batch * heads, length, source))
    call = {"need_weights": weights != "none", "average_attn_weights": weights == "averaged"}

    def masks(lib: Any) -> dict:
        found: dict[str, Any] = {}
        if mask_kind in ("bool", "both"):
            found["key_padding_mask"] = lib.tensor(padding)
        if mask_kind == "bool":
            found["attn_mask"] = lib.tensor(attn)
        if mask_kind in ("float", "both"):
            found["attn_mask"] = lib.tensor(np.where(attn, -1e9, 0.25))
        if mask_kind == "3-D float":  # one (L, S) mask per batch entry and head
            found["attn_mask"] = lib.tensor(per_head)
        if mask_kind == "causal":
            found["attn_mask"] = lib.tensor(np.triu(np.ones((length, source), bool), 1))
            found["is_causal"] = True
        return found

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's (and our) warning about mixed mask types
        compare(torch, lambda *t: ours_module(*t, **call, **masks(am)),
                lambda *t: theirs_module(*t, **call, **masks(torch)), arrays,
                (ours_module, theirs_module))


@pytest.mark.parametrize("same", ["query is key is value", "key is value", "unbatched"])
def test_multihead_attention_self_attention_and_unbatched(same: str) -> None:
    torch = _torch()
    theirs_module = torch.nn.MultiheadAttention(4, 2, dtype=torch.float64)
    ours_module = nn.MultiheadAttention(4, 2, dtype=np.float64)
    copy_weights(ours_module, theirs_module)
    rng = np.random.default_rng(1)
    if same == "unbatched":
        arrays = [rng.standard_normal((3, 4)), rng.standard_normal((5, 4))]
        kpm = np.array([False, True, False, False, False])
        compare(torch, lambda q, k: ours_module(q, k, k, key_padding_mask=kpm),
                lambda q, k: theirs_module(q, k, k, key_padding_mask=torch.tensor(kpm)), arrays,
                (ours_module, theirs_module))
    elif same == "key is value":
        arrays = [rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2, 4))]
        compare(torch, lambda q, k: ours_module(q, k, k), lambda q, k: theirs_module(q, k, k),
                arrays, (ours_module, theirs_module))
    else:
        arrays = [rng.standard_normal((3, 2, 4))]
        compare(torch, lambda x: ours_module(x, x, x), lambda x: theirs_module(x, x, x), arrays,
                (ours_module, theirs_module))


ENCODER_OPTIONS = [{}, {"norm_first": True}, {"activation": "gelu", "batch_first": True},
                   {"bias": False}, {"activation": "module"}]


@pytest.mark.parametrize("options", range(len(ENCODER_OPTIONS)))
def test_transformer_encoder_matches_torch(options: int) -> None:
    torch = _torch()
    kw = dict(ENCODER_OPTIONS[options])
    ours_kw, theirs_kw = dict(kw), dict(kw)
    if kw.get("activation") == "module":
        ours_kw["activation"], theirs_kw["activation"] = nn.GELU(), torch.nn.GELU()
    embed, heads, length, batch = 8, 2, 5, 3
    theirs_layer = torch.nn.TransformerEncoderLayer(embed, heads, 16, dropout=0.0,
                                                    dtype=torch.float64, **theirs_kw)
    ours_layer = nn.TransformerEncoderLayer(embed, heads, 16, dropout=0.0, dtype=np.float64,
                                            **ours_kw)
    copy_weights(ours_layer, theirs_layer)
    rng = np.random.default_rng(options)
    shape = (batch, length, embed) if kw.get("batch_first") else (length, batch, embed)
    padding = rng.random((batch, length)) < 0.3
    padding[:, 0] = False
    compare(torch, lambda x: ours_layer(x, src_key_padding_mask=padding),
            lambda x: theirs_layer(x, src_key_padding_mask=torch.tensor(padding)),
            [rng.standard_normal(shape)], (ours_layer, theirs_layer))
    ours_layer.zero_grad()  # (a deep copy keeps .grad here, PyTorch's drops it)
    theirs_layer.zero_grad()
    theirs = torch.nn.TransformerEncoder(theirs_layer, 2, norm=torch.nn.LayerNorm(
        embed, dtype=torch.float64), enable_nested_tensor=False)
    ours = nn.TransformerEncoder(ours_layer, 2, norm=nn.LayerNorm(embed, dtype=np.float64))
    copy_weights(ours, theirs)
    causal = np.triu(np.full((length, length), -np.inf), 1)
    compare(torch, lambda x: ours(x, mask=causal, is_causal=True),
            lambda x: theirs(x, mask=torch.tensor(causal), is_causal=True),
            [rng.standard_normal(shape)], (ours, theirs))


def test_transformer_encoder_layers_are_independent_copies() -> None:
    layer = nn.TransformerEncoderLayer(4, 2, 8)
    encoder = nn.TransformerEncoder(layer, 3)
    names = [n for n, _ in encoder.named_parameters()]
    assert names[0] == "layers.0.self_attn.in_proj_weight" and len(names) == 3 * 12
    assert encoder.layers[0].linear1.weight is not encoder.layers[1].linear1.weight
    np.testing.assert_array_equal(encoder.layers[2].linear1.weight.data, layer.linear1.weight.data)
    assert layer.self_attn.batch_first is False and isinstance(layer.dropout, nn.Dropout)
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="swish")


# ---- recurrent layers -----------------------------------------------------------------------
RNN_OPTIONS = [{}, {"num_layers": 2, "bidirectional": True}, {"batch_first": True, "bias": False},
               {"num_layers": 3, "bidirectional": True, "batch_first": True}, {"unbatched": True},
               {"no hx": True}, {"num_layers": 2, "unbatched": True, "bidirectional": True}]


@pytest.mark.parametrize("kind, options", list(itertools.product(
    ["RNN", "RNN relu", "LSTM", "GRU"], range(len(RNN_OPTIONS)))))
def test_recurrent_layers_match_torch(kind: str, options: int) -> None:
    torch = _torch()
    kw = dict(RNN_OPTIONS[options])
    unbatched, no_hx = kw.pop("unbatched", False), kw.pop("no hx", False)
    if kind == "RNN relu":
        kind, kw["nonlinearity"] = "RNN", "relu"
    size, hidden, steps, batch = 3, 4, 5, 2
    theirs_module = getattr(torch.nn, kind)(size, hidden, dtype=torch.float64, **kw)
    ours_module = getattr(nn, kind)(size, hidden, dtype=np.float64, **kw)
    copy_weights(ours_module, theirs_module)
    rng = np.random.default_rng(options)
    states = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    x_shape = (steps, size) if unbatched else \
        (batch, steps, size) if kw.get("batch_first") else (steps, batch, size)
    h_shape = (states, hidden) if unbatched else (states, batch, hidden)
    arrays = [rng.standard_normal(x_shape)]
    if not no_hx:
        arrays += [rng.standard_normal(h_shape)] * (2 if kind == "LSTM" else 1)

    def call(module: Any, *t: Any) -> Any:
        if no_hx:
            return module(t[0])
        return module(t[0], (t[1], t[2])) if kind == "LSTM" else module(t[0], t[1])

    compare(torch, lambda *t: call(ours_module, *t), lambda *t: call(theirs_module, *t), arrays,
            (ours_module, theirs_module))


@pytest.mark.parametrize("kind, batched, with_state, bias", list(itertools.product(
    ["RNNCell", "RNNCell relu", "LSTMCell", "GRUCell"], [True, False], [True, False],
    [True, False])))
def test_recurrent_cells_match_torch(kind: str, batched: bool, with_state: bool,
                                     bias: bool) -> None:
    torch = _torch()
    kw: dict[str, Any] = {"bias": bias}
    if kind == "RNNCell relu":
        kind, kw["nonlinearity"] = "RNNCell", "relu"
    theirs_module = getattr(torch.nn, kind)(3, 4, dtype=torch.float64, **kw)
    ours_module = getattr(nn, kind)(3, 4, dtype=np.float64, **kw)
    copy_weights(ours_module, theirs_module)
    rng = np.random.default_rng(int(batched) + 2 * int(with_state))
    lead = (2,) if batched else ()
    arrays = [rng.standard_normal(lead + (3,))]
    if with_state:
        arrays += [rng.standard_normal(lead + (4,))] * (2 if kind == "LSTMCell" else 1)

    def call(module: Any, *t: Any) -> Any:
        if not with_state:
            return module(t[0])
        return module(t[0], (t[1], t[2])) if kind == "LSTMCell" else module(t[0], t[1])

    compare(torch, lambda *t: call(ours_module, *t), lambda *t: call(theirs_module, *t), arrays,
            (ours_module, theirs_module))


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_recurrent_second_derivatives_match_torch(kind: str) -> None:
    """The gradient of a gradient (create_graph) through a whole layer, as PyTorch's."""
    torch = _torch()
    theirs_module = getattr(torch.nn, kind)(2, 3, dtype=torch.float64)
    ours_module = getattr(nn, kind)(2, 3, dtype=np.float64)
    copy_weights(ours_module, theirs_module)
    x = np.random.default_rng(0).standard_normal((4, 2, 2))
    xa = leaf(x)
    xt = torch.tensor(x, requires_grad=True)
    (ga,) = am.autograd.grad((ours_module(xa)[0] ** 2).sum(), xa, create_graph=True)
    (gt,) = torch.autograd.grad((theirs_module(xt)[0] ** 2).sum(), xt, create_graph=True)
    close(ga, gt)
    (ga * ga).sum().backward()
    (gt * gt).sum().backward()
    close(xa.grad, xt.grad, "second derivative in x")
    named = dict(theirs_module.named_parameters())
    for name, p in ours_module.named_parameters():
        close(p.grad, named[name].grad, name)


@pytest.mark.parametrize("kind, dtype", list(itertools.product(["LSTM", "GRU", "RNN"],
                                                                 [np.float32, np.float64])))
def test_recurrent_layers_saturate_without_overflow(kind: str, dtype: type) -> None:
    """Pre-activations of +-1e4: finite outputs, gradients and second derivatives, no warning."""
    module = getattr(nn, kind)(2, 3, dtype=dtype)
    x = am.tensor((np.random.default_rng(0).standard_normal((4, 2, 2)) * 1e4).astype(dtype),
                  requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = module(x)[0]
        (g,) = am.autograd.grad((out ** 2).sum(), x, create_graph=True)
        (g * g).sum().backward()
    assert np.isfinite(out.data).all() and np.isfinite(g.data).all()
    assert np.isfinite(x.grad.data).all()
    assert all(np.isfinite(p.grad.data).all() for p in module.parameters())


def test_recurrent_layers_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(TypeError, match="proj_size"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.5)
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout"):
        nn.LSTM(3, 4, dropout=2.0)
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="input_size"):
        lstm(am.randn(5, 2, 2))
    with pytest.raises(ValueError, match="2D or 3D"):
        lstm(am.randn(5))
    with pytest.raises(ValueError, match="hx"):
        lstm(am.randn(5, 3), (am.randn(1, 2, 4), am.randn(1, 2, 4)))
    with pytest.raises(ValueError, match="Expected hidden size"):
        lstm(am.randn(5, 2, 3), (am.randn(1, 3, 4), am.randn(1, 3, 4)))
    with pytest.raises(TypeError, match="tuple"):
        lstm(am.randn(5, 2, 3), am.randn(1, 2, 4))
    with pytest.raises(ValueError, match="larger than 0"):
        lstm(am.randn(0, 2, 3))
    with pytest.raises(TypeError, match="dtype"):
        lstm(am.randn(5, 2, 3).double())


def test_recurrent_layers_train_with_dropout_and_keep_float32() -> None:
    am.manual_seed(0)
    gru = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = am.randn(5, 2, 3)
    out_a, _ = gru(x)
    out_b, _ = gru(x)
    assert out_a.dtype == np.float32 and not np.array_equal(out_a.data, out_b.data)
    gru.eval()
    np.testing.assert_array_equal(gru(x)[0].data, gru(x)[0].data)
    out_a.sum().backward()
    assert all(p.grad is not None and p.grad.dtype == np.float32 for p in gru.parameters())


# ---- parameters: names, shapes and initialisation -------------------------------------------
def test_parameter_names_shapes_and_init_are_pytorch_s() -> None:
    torch = _torch()
    pairs = [
        (nn.LSTM(3, 5, num_layers=2, bidirectional=True), torch.nn.LSTM(3, 5, 2,
                                                                         bidirectional=True)),
        (nn.GRU(3, 5, bias=False), torch.nn.GRU(3, 5, bias=False)),
        (nn.RNN(3, 5, 2, "relu"), torch.nn.RNN(3, 5, 2, "relu")),
        (nn.LSTMCell(3, 5), torch.nn.LSTMCell(3, 5)), (nn.GRUCell(3, 5), torch.nn.GRUCell(3, 5)),
        (nn.RNNCell(3, 5, nonlinearity="relu"), torch.nn.RNNCell(3, 5, nonlinearity="relu")),
        (nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)),
        (nn.MultiheadAttention(8, 2, bias=False, add_bias_kv=True, kdim=3, vdim=4),
         torch.nn.MultiheadAttention(8, 2, bias=False, add_bias_kv=True, kdim=3, vdim=4)),
        (nn.TransformerEncoderLayer(8, 2, 16), torch.nn.TransformerEncoderLayer(8, 2, 16)),
        (nn.Conv1d(4, 6, 3, groups=2), torch.nn.Conv1d(4, 6, 3, groups=2)),
    ]
    for ours, theirs in pairs:
        assert [(n, p.shape) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert all(p.dtype == np.float32 for p in ours.parameters())
    for module in (nn.LSTM(3, 16), nn.GRUCell(3, 16), nn.RNN(3, 16)):
        for p in module.parameters():  # U(-1/sqrt(hidden), 1/sqrt(hidden))
            assert np.abs(p.data).max() <= 0.25 and np.abs(p.data).max() > 0.2
    mha = nn.MultiheadAttention(16, 4)
    bound = math.sqrt(6.0 / (16 + 48))  # xavier_uniform_ of (3E, E)
    assert np.abs(mha.in_proj_weight.data).max() <= bound
    assert np.abs(mha.in_proj_weight.data).max() > 0.9 * bound
    assert not np.any(mha.in_proj_bias.data) and not np.any(mha.out_proj.bias.data)
    assert np.abs(mha.out_proj.weight.data).max() <= 0.25  # a Linear's U(-1/sqrt(E), 1/sqrt(E))
    conv = nn.Conv1d(4, 6, 3, groups=2)
    assert np.abs(conv.weight.data).max() <= 1 / math.sqrt(6)
    assert np.abs(conv.bias.data).max() <= 1 / math.sqrt(6)


def test_reprs_are_pytorch_s() -> None:
    torch = _torch()
    pairs = [(nn.LSTM(3, 4, 2, dropout=0.2, bidirectional=True),
              torch.nn.LSTM(3, 4, 2, dropout=0.2, bidirectional=True)),
             (nn.RNN(3, 4, 1, "relu", False, True), torch.nn.RNN(3, 4, 1, "relu", False, True)),
             (nn.GRUCell(3, 4, False), torch.nn.GRUCell(3, 4, False)),
             (nn.Conv1d(3, 4, 3, padding="same", padding_mode="reflect"),
              torch.nn.Conv1d(3, 4, 3, padding="same", padding_mode="reflect")),
             (nn.MaxPool1d(3, 2, 1), torch.nn.MaxPool1d(3, 2, 1)),
             (nn.AvgPool1d(3), torch.nn.AvgPool1d(3)), (nn.AvgPool2d(3, 2), torch.nn.AvgPool2d(3, 2)),
             (nn.AdaptiveAvgPool2d((2, None)), torch.nn.AdaptiveAvgPool2d((2, None)))]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


# ---- conv1d and pooling ---------------------------------------------------------------------
@pytest.mark.parametrize("kernel, stride, padding, dilation, groups, bias, unbatched",
                         [c for c in itertools.product([1, 3], [1, 2], [0, 2, "same", "valid"],
                                                       [1, 2], [1, 2], [True, False],
                                                       [False, True])
                          if not (c[2] == "same" and c[1] != 1)])
def test_conv1d_matches_torch(kernel: int, stride: int, padding: Any, dilation: int, groups: int,
                              bias: bool, unbatched: bool) -> None:
    torch = _torch()
    rng = np.random.default_rng(kernel + 10 * stride)
    x = rng.standard_normal((4, 9) if unbatched else (2, 4, 9))
    arrays = [x, rng.standard_normal((6, 4 // groups, kernel))]
    if bias:
        arrays.append(rng.standard_normal(6))

    def call(fn: Callable, t: tuple) -> Any:
        return fn(t[0], t[1], t[2] if bias else None, stride, padding, dilation, groups)

    compare(torch, lambda *t: call(F.conv1d, t),
            lambda *t: call(torch.nn.functional.conv1d, t), arrays)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("mode, padding", list(itertools.product(
    ["zeros", "reflect", "replicate", "circular"], [0, 2, "same"])))
def test_conv1d_module_matches_torch(mode: str, padding: Any) -> None:
    torch = _torch()
    theirs = torch.nn.Conv1d(3, 4, 4, padding=padding, padding_mode=mode, dtype=torch.float64)
    ours = nn.Conv1d(3, 4, 4, padding=padding, padding_mode=mode, dtype=np.float64)
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((2, 3, 7))
    compare(torch, ours, theirs, [x], (ours, theirs))


POOL_CASES = [c for c in itertools.product([2, 3], [None, 1, 2], [0, 1], [1, 2], [False, True],
                                           [False, True]) if c[2] <= ((c[0] - 1) * c[3] + 1) // 2]


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode, unbatched", POOL_CASES)
def test_max_pool1d_matches_torch(kernel: int, stride: Any, padding: int, dilation: int,
                                  ceil_mode: bool, unbatched: bool) -> None:
    torch = _torch()
    x = np.random.default_rng(kernel).standard_normal((3, 9) if unbatched else (2, 3, 9))
    args = (kernel, stride, padding, dilation, ceil_mode)
    compare(torch, lambda t: F.max_pool1d(t, *args),
            lambda t: torch.nn.functional.max_pool1d(t, *args), [x])
    _, ours = F.max_pool1d(am.tensor(x), *args, return_indices=True)
    _, theirs = torch.nn.functional.max_pool1d(torch.tensor(x), *args, return_indices=True)
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert ours.dtype == np.int64
    module = nn.MaxPool1d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    close(module(am.tensor(x)), torch.nn.functional.max_pool1d(torch.tensor(x), *args))


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode, count_include_pad, unbatched", [
    c for c in itertools.product([2, 3], [None, 1, 2], [0, 1], [False, True], [False, True],
                                 [False, True]) if c[2] <= c[0] // 2])
def test_average_pooling_matches_torch(kernel: int, stride: Any, padding: int, ceil_mode: bool,
                                       count_include_pad: bool, unbatched: bool) -> None:
    torch = _torch()
    rng = np.random.default_rng(kernel)
    tf = torch.nn.functional
    args = (kernel, stride, padding, ceil_mode, count_include_pad)
    x = rng.standard_normal((3, 8) if unbatched else (2, 3, 8))
    compare(torch, lambda t: F.avg_pool1d(t, *args), lambda t: tf.avg_pool1d(t, *args), [x])
    close(nn.AvgPool1d(*args)(am.tensor(x)), tf.avg_pool1d(torch.tensor(x), *args))
    image = rng.standard_normal((3, 7, 8) if unbatched else (2, 3, 7, 8))
    for divisor in (None, 5):
        args2 = ((kernel, 2), stride, (padding, 1), ceil_mode, count_include_pad, divisor)
        compare(torch, lambda t, a=args2: F.avg_pool2d(t, *a),
                lambda t, a=args2: tf.avg_pool2d(t, *a), [image])
        close(nn.AvgPool2d(*args2)(am.tensor(image)), tf.avg_pool2d(torch.tensor(image), *args2))


@pytest.mark.parametrize("size", [1, 3, 5, 8, 11, (3, None), (None, 2), (2, 5)])
def test_adaptive_average_pooling_matches_torch(size: Any) -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    tf = torch.nn.functional
    if not isinstance(size, tuple):
        x = rng.standard_normal((2, 3, 8))
        compare(torch, lambda t: F.adaptive_avg_pool1d(t, size),
                lambda t: tf.adaptive_avg_pool1d(t, size), [x])
        close(nn.AdaptiveAvgPool1d(size)(am.tensor(x[0])),
              tf.adaptive_avg_pool1d(torch.tensor(x[0]), size))
    for shape in ((2, 3, 7, 9), (3, 7, 9)):
        x = rng.standard_normal(shape)
        compare(torch, lambda t: F.adaptive_avg_pool2d(t, size),
                lambda t: tf.adaptive_avg_pool2d(t, size), [x])
        close(nn.AdaptiveAvgPool2d(size)(am.tensor(x)),
              tf.adaptive_avg_pool2d(torch.tensor(x), size))


def test_pooling_and_conv1d_are_differentiable_twice() -> None:
    rng = np.random.default_rng(0)
    x = leaf(rng.standard_normal((1, 2, 6)))
    w = leaf(rng.standard_normal((4, 1, 3)))
    for fn in (lambda t: F.conv1d(t, w, None, 2, 1, 1, 2) ** 2,
               lambda t: F.avg_pool1d(t ** 2, 3, 2, 1, True, False),
               lambda t: F.max_pool1d(t ** 3, 3, 2, 1),
               lambda t: F.adaptive_avg_pool1d(t ** 2, 4),
               lambda t: F.avg_pool2d(t.reshape(1, 2, 2, 3) ** 2, 2, 1, 1, True, False, None)):
        assert am.gradcheck(fn, (x,)) and am.gradgradcheck(fn, (x,))


def test_conv1d_and_pooling_check_their_arguments() -> None:
    x = am.randn(2, 4, 9)
    with pytest.raises(ValueError, match="groups"):
        F.conv1d(x, am.randn(6, 3, 3), groups=2)
    with pytest.raises(ValueError, match="stride 1"):
        F.conv1d(x, am.randn(6, 4, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="smaller than the kernel"):
        F.conv1d(x, am.randn(6, 4, 12))
    with pytest.raises(ValueError, match="at most half"):
        F.max_pool1d(x, 2, padding=2)
    with pytest.raises(ValueError, match="at most half"):
        F.avg_pool2d(am.randn(1, 1, 5, 5), 2, padding=2)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv1d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="strided"):
        nn.Conv1d(3, 4, 3, stride=2, padding="same")


# ---- the same numbers without torch: PyTorch 2.13's results as literals ---------------------
def test_literal_scaled_dot_product_attention() -> None:
    q, k, v = leaf(fill((2, 3, 2), 0.1)), leaf(fill((2, 4, 2), 0.2)), leaf(fill((2, 4, 2), 0.3))
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0], [0, 1, 1, 1]], bool)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.9)
    (out * am.tensor(fill((2, 3, 2), 0.4))).sum().backward()
    close(out, SDPA_OUT)
    close(q.grad, SDPA_GRAD_Q)
    close(k.grad, SDPA_GRAD_K)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_literal_recurrent_layers(kind: str) -> None:
    module = {"LSTM": lambda: nn.LSTM(2, 3, bidirectional=True, dtype=np.float64),
              "GRU": lambda: nn.GRU(2, 3, num_layers=2, dtype=np.float64),
              "RNN": lambda: nn.RNN(2, 3, nonlinearity="relu", dtype=np.float64)}[kind]()
    load_filled(module)
    x = leaf(fill((3, 2, 2), 0.5))
    out, state = module(x)
    h_n = state[0] if kind == "LSTM" else state
    (out.sum() + (h_n * h_n).sum()).backward()
    want = LITERALS[kind]
    close(out, want["out"])
    close(h_n, want["h_n"])
    if kind == "LSTM":
        close(state[1], want["c_n"])
    close(x.grad, want["grad_x"])
    close(module.weight_hh_l0.grad, want["grad_w_hh"])


def test_literal_attention_modules() -> None:
    mha = nn.MultiheadAttention(4, 2, dtype=np.float64)
    load_filled(mha)
    key = am.tensor(fill((2, 1, 4), 0.7))
    out, weights = mha(am.tensor(fill((3, 1, 4), 0.6)), key, key)
    close(out, MHA_OUT)
    close(weights, MHA_WEIGHTS)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, dtype=np.float64)
    load_filled(layer)
    close(layer(am.tensor(fill((3, 1, 4), 0.8))), ENCODER_OUT)


def test_literal_conv1d_and_pooling() -> None:
    x = leaf(fill((1, 2, 7), 0.9))
    out = F.conv1d(x, am.tensor(fill((3, 2, 3), 1.0)), am.tensor(fill((3,), 1.1)), stride=2,
                   padding=1)
    (out * out).sum().backward()
    close(out, CONV1D_OUT)
    close(x.grad, CONV1D_GRAD_X)
    close(F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), AVG_POOL1D_OUT)
    values, indices = F.max_pool1d(x, 3, 2, 1, return_indices=True)
    close(values, MAX_POOL1D_OUT)
    np.testing.assert_array_equal(indices.data, MAX_POOL1D_INDICES)
    image = am.tensor(fill((1, 1, 5, 6), 1.2))
    close(F.avg_pool2d(image, 3, 2, 1, ceil_mode=True), AVG_POOL2D_OUT)
    close(F.adaptive_avg_pool2d(image, (2, 4)), ADAPTIVE_AVG_POOL2D_OUT)


def test_modules_deep_copy_and_state_dict_round_trip() -> None:
    for module in (nn.LSTM(3, 4, 2), nn.MultiheadAttention(4, 2), nn.Conv1d(2, 3, 3)):
        twin = copy.deepcopy(module)
        twin.load_state_dict(module.state_dict())
        for (n, a), (_, b) in zip(module.named_parameters(), twin.named_parameters()):
            assert a is not b and np.array_equal(a.data, b.data), n


# ---- PyTorch 2.13's results for the literal cases (written by torch, float64) ---------------
SDPA_OUT = np.array([[[ 0.10469256328603005,  0.1583957067468425 ],
      [ 0.14776            ,  0.420735           ],
      [-0.00042611035073717, -0.14730446494996977]],

     [[-0.10775250112848299, -0.05537235234223467],
      [-0.186938           ,  0.155771           ],
      [ 0.22872969380279895,  0.10764920946736659]]])

SDPA_GRAD_Q = np.array([[[ 0.07396874328268459,  0.07819607198356598],
      [ 0.                 ,  0.                 ],
      [-0.04143644722151559, -0.04001249186044991]],

     [[-0.06598756449738927, -0.10425364111338471],
      [ 0.                 ,  0.                 ],
      [ 0.07126012481695973,  0.10417849396546228]]])

SDPA_GRAD_K = np.array([[[ 2.0455644020050509e-03,  1.4698378279591475e-02],
      [-3.6221187966135496e-03,  2.9998994961430481e-02],
      [ 1.9999243434414347e-03, -3.6990868148785946e-03],
      [-4.2336994883293810e-04, -4.0998286426143359e-02]],

     [[ 6.7572001111642363e-03,  7.0725625698814989e-03],
      [ 8.3628312370473259e-02,  1.0008023232498943e-01],
      [-2.6265269260278765e-06, -3.5978198044138712e-06],
      [-9.0382885954711473e-02, -1.0714919707506651e-01]]])

LSTM_OUT = np.array([[[ 0.20659199585820173,  0.15301474828085387,  0.06114876300460748,
       -0.330134818111316  , -0.31461784380485364, -0.2138759633569114 ],
      [ 0.2161028208704722 ,  0.16725834206891818,  0.0627826602456467 ,
       -0.3380395299270518 , -0.29454516607556736, -0.17401684560244202]],

     [[ 0.2387947702791856 ,  0.1524866886955495 ,  0.10266530460372628,
       -0.35976770974439715, -0.3892302653838651 , -0.2000443147261172 ],
      [ 0.19999583350500233,  0.1310567289781068 ,  0.10044079691314349,
       -0.3611806062896438 , -0.41518584077395665, -0.22769303036426478]],

     [[ 0.30980103715024526,  0.170442266265361  ,  0.09865683502484975,
       -0.17283235492590826, -0.2667087433504609 , -0.21128791396255817],
      [ 0.3526289096724694 ,  0.17839979806517653,  0.09041433084149868,
       -0.12372401848761193, -0.1319219939865447 , -0.18361055716355792]]])

LSTM_HN = np.array([[[ 0.30980103715024526,  0.170442266265361  ,  0.09865683502484975],
      [ 0.3526289096724694 ,  0.17839979806517653,  0.09041433084149868]],

     [[-0.330134818111316  , -0.31461784380485364, -0.2138759633569114 ],
      [-0.3380395299270518 , -0.29454516607556736, -0.17401684560244202]]])

LSTM_CN = np.array([[[ 0.4824395768006522 ,  0.3772441612200931 ,  0.32584183404181677],
      [ 0.551391423789654  ,  0.3253037563789393 ,  0.28397097556234735]],

     [[-0.7256030882062985 , -0.6616814128864377 , -0.2779362499197441 ],
      [-0.7411784114719436 , -0.643924599566081  , -0.2250777264732809 ]]])

LSTM_GRAD_X = np.array([[[0.36104358408882753, 0.05198297967573006],
      [0.3669515112869657 , 0.0595765156512684 ]],

     [[0.5303733411298677 , 0.24785214625969257],
      [0.5073705192317982 , 0.22772013801182311]],

     [[0.5528231168767869 , 0.29685380339301426],
      [0.5292367219748026 , 0.25262481680424387]]])

LSTM_GRAD_W_HH = np.array([[0.0799638104066441 , 0.05510168919743744, 0.03191875447505878],
     [0.07299936870955698, 0.05183895602707143, 0.02654824369924057],
     [0.05049002828300686, 0.03642189885708833, 0.0174575401429654 ],
     [0.06128573339978875, 0.04316290904419402, 0.02272177679846168],
     [0.03701413827332189, 0.02567341523609008, 0.01453899855739158],
     [0.02005652552301184, 0.01387803362729939, 0.00790688162015178],
     [0.4030154527054521 , 0.2853901226240533 , 0.14752415746348874],
     [0.15807607075839716, 0.10732640161232568, 0.06671828342544278],
     [0.06477068580855733, 0.04499659518184185, 0.02545485158710712],
     [0.11368302469509649, 0.07800094502241456, 0.04586607751508154],
     [0.09246808571863481, 0.06444355439051991, 0.03542669896220015],
     [0.06338190526896739, 0.0442242151767938 , 0.02423885476833307]])

GRU_OUT = np.array([[[-0.28681517700651343, -0.23928654801315719, -0.12989910245092987],
      [-0.2964945451374376 , -0.23984410473351303, -0.1126830572505653 ]],

     [[-0.48628546028394926, -0.37208730860946987, -0.12983069719872523],
      [-0.4972707965924037 , -0.35234089715815015, -0.14278647218019247]],

     [[-0.5825724679019495 , -0.48764235563733777, -0.10448513861620191],
      [-0.5726542892935089 , -0.5109631184159483 , -0.09664714439019956]]])

GRU_HN = np.array([[[ 0.4585211830386142 ,  0.2991368324936193 ,  0.47017817823003294],
      [ 0.57790382760516   ,  0.13272299402154988,  0.3712080533325824 ]],

     [[-0.5825724679019495 , -0.48764235563733777, -0.10448513861620191],
      [-0.5726542892935089 , -0.5109631184159483 , -0.09664714439019956]]])

GRU_GRAD_X = np.array([[[ 0.10369982551286322, -0.03029227218172654],
      [ 0.10455850537194293, -0.02105977083063306]],

     [[ 0.05499412680974031, -0.06657923407917506],
      [ 0.0492539464559205 , -0.04710970671097955]],

     [[-0.05517044097661067, -0.20874503096242142],
      [ 0.0486716268293747 , -0.0408349218630155 ]]])

GRU_GRAD_W_HH = np.array([[ 0.07522652741519126,  0.0952405692740889 ,  0.09125043086627324],
     [ 0.01373643779311622,  0.01575638309564602,  0.01450051568918119],
     [ 0.01518716867055316,  0.02196844121262208,  0.02231676802994328],
     [-0.04682130169153255, -0.09348570829054949, -0.10564241100406557],
     [ 0.00153913377422358,  0.01565488336055168,  0.02088042267344441],
     [-0.01521116796445911,  0.00523721353954643,  0.01621976604277967],
     [ 0.33661380602981517,  0.431980559673757  ,  0.4166359208134527 ],
     [ 0.13150976655057495,  0.18848075536311998,  0.19090979404197672],
     [ 0.09180292504773448,  0.12912889448457984,  0.12967503464042754]])

RNN_OUT = np.array([[[0.67531823618      , 0.26802115002500004, 0.                 ],
      [0.6082329168589999 , 0.293151454105     , 0.                 ]],

     [[0.8203461132493881 , 0.                 , 0.                 ],
      [0.8020106284284617 , 0.                 , 0.                 ]],

     [[0.9499366051709813 , 0.02758014645445478, 0.                 ],
      [1.0141517415368488 , 0.39954571179002774, 0.                 ]]])

RNN_HN = np.array([[[0.9499366051709813 , 0.02758014645445478, 0.                 ],
      [1.0141517415368488 , 0.39954571179002774, 0.                 ]]])

RNN_GRAD_X = np.array([[[1.0404690287703193, 1.5373567383609887],
      [1.0574488434746991, 1.5616493053136118]],

     [[0.                , 0.7221731895491852],
      [0.                , 0.7445602285654662]],

     [[0.5199038553235424, 1.3894877181309893],
      [0.8864573216834829, 1.7519406605036556]]])

RNN_GRAD_W_HH = np.array([[7.727645217865739 , 1.2785318089619122, 0.                ],
     [2.308487088368606 , 0.                , 0.                ],
     [0.                , 0.                , 0.                ]])

MHA_OUT = np.array([[[ 0.06870435209807543, -0.4516281774142012 , -0.12210072137803796,
       -0.9427256250867455 ]],

     [[ 0.0150143257277293 , -0.4045671753796968 , -0.15709455652550225,
       -0.9238426090775353 ]],

     [[ 0.08263568708964661, -0.4701259275470735 , -0.10117414194419055,
       -0.963662956105533  ]]])

MHA_WEIGHTS = np.array([[[0.4436409262642479 , 0.5563590737357521 ],
      [0.5701783990453346 , 0.4298216009546653 ],
      [0.38996893660169973, 0.6100310633983002 ]]])

ENCODER_OUT = np.array([[[-0.8525283139999861 , -0.43535083752125764,  0.6137284573880544 ,
        0.2305824547794398 ]],

     [[-0.912101739571996  , -0.2875254179570822 ,  0.5104254351293791 ,
        0.26086499676237085]],

     [[-0.8305789607933943 , -0.4408091758944146 ,  0.6375372132149316 ,
        0.20336135829309637]]])

CONV1D_OUT = np.array([[[ 0.827093160929     ,  0.50129390236      ,  0.05087581605600004,
        0.10040351519      ],
      [ 0.41229972310400004,  0.615054434298     ,  0.8458199972870001 ,
        0.67553496811      ],
      [-0.00908178068599999,  0.11791147957800001,  0.34205797974599994,
        0.45949929092      ]]])

CONV1D_GRAD_X = np.array([[[ 0.6717262897176628 ,  0.577401835446603  ,  0.1934580961725076 ,
       -0.2814001005379226 , -0.4795902634521494 , -0.5385967199667743 ,
       -0.44021898202508264],
      [-0.09489817151382302, -0.0974576844977702 ,  0.25954891116878887,
        0.3783216029556806 ,  0.6831545757310702 ,  0.7994402030581825 ,
        0.44230679999597877]]])

AVG_POOL1D_OUT = np.array([[[ 0.445725           ,  0.31439999999999996, -0.22338633333333333,
       -0.469354           ],
      [-0.0623705          ,  0.33462166666666665,  0.30963233333333334,
       -0.104892           ]]])

MAX_POOL1D_OUT = np.array([[[ 0.499787,  0.499787,  0.07056 , -0.462907],
      [ 0.10756 ,  0.499471,  0.499471,  0.062227]]])

MAX_POOL1D_INDICES = np.array([[[1, 1, 3, 6],
      [1, 3, 3, 5]]])

AVG_POOL2D_OUT = np.array([[[[ 0.05130077777777779,  0.14188933333333334,  0.02584877777777778,
        -0.04157533333333333],
       [-0.00101922222222223, -0.00273733333333334, -0.00045333333333334,
         0.00082566666666666],
       [ 0.05436688888888888,  0.1418681111111111 ,  0.02114311111111111,
        -0.04401116666666668]]]])

ADAPTIVE_AVG_POOL2D_OUT = np.array([[[[-0.00154983333333332,  0.00050649999999999,  0.0030495          ,
         0.00234016666666666],
       [ 0.00304933333333333,  0.00230699999999999, -0.00157316666666667,
        -0.00288600000000002]]]])

LITERALS = {
    kind: {"out": globals()[f"{kind}_OUT"], "h_n": globals()[f"{kind}_HN"],
           "c_n": globals().get(f"{kind}_CN"), "grad_x": globals()[f"{kind}_GRAD_X"],
           "grad_w_hh": globals()[f"{kind}_GRAD_W_HH"]}
    for kind in ("LSTM", "GRU", "RNN")
}
