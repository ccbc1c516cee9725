"""The float32 fast paths of the fused GELU and LayerNorm (nn/_transformer_primitives.py) against
their float64 paths (which the registry test gradchecks) and against PyTorch 2.13.

float32 and float16 GELU run the erf polynomial block by block in one pass over memory (forward
and VJP); float32 and float16 LayerNorm take every sum over the normalised axes as a BLAS
matrix-vector product. These tests hold them to within a few float32 ulps of the float64 result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini.nn import _transformer_primitives as TP

_ULP1 = float(np.finfo(np.float32).eps)  # float32's spacing at 1


class _Ctx:
    """A node's context, enough for calling a primitive's forward and backward directly."""

    def __init__(self, needs: tuple = (True, True, True), **params: Any) -> None:
        self.params, self.needs_input_grad = params, needs

    def save_for_backward(self, *arrays: np.ndarray) -> None:
        self.saved_tensors = arrays


def _gelu_exact(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GELU and its derivative in float64 with math.erf."""
    cdf = np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x])
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return x * cdf, cdf + x * pdf


def _gelu_grid() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([np.linspace(-12, 12, 100_001), rng.standard_normal(20_000) * 3,
                           np.geomspace(1e-30, 1e-2, 50), -np.geomspace(1e-30, 1e-2, 50)]
                          ).astype(np.float32)


def test_float32_gelu_and_its_vjp_are_within_two_ulps_of_the_exact_values():
    x = _gelu_grid()  # 120_000 values: several 64K blocks and a short last one
    value, slope = _gelu_exact(x.astype(np.float64))
    got = TP.Gelu.forward(None, x)
    assert got.dtype == np.float32 and got.shape == x.shape
    err = np.abs(got - value) / np.maximum(1.0, np.abs(value))
    assert err.max() <= 2 * _ULP1, (err.max() / _ULP1, x[err.argmax()])
    ctx = _Ctx()
    ctx.saved_tensors = (x,)
    g = np.random.default_rng(1).uniform(0.5, 2.0, x.shape).astype(np.float32)
    grad = TP.Gelu.backward(ctx, g)
    assert grad.dtype == np.float32
    err = np.abs(grad - slope * g) / np.maximum(1.0, np.abs(slope * g))
    assert err.max() <= 2 * _ULP1, (err.max() / _ULP1, x[err.argmax()])


def test_float32_gelu_special_values_and_signed_zeros():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 100.0, -100.0], np.float32)
    with np.errstate(invalid="ignore"):
        y = TP.Gelu.forward(None, x)
        ctx = _Ctx()
        ctx.saved_tensors = (x,)
        gx = TP.Gelu.backward(ctx, np.ones_like(x))
    # PyTorch: gelu(-inf) = -inf * 0 = nan; gelu(-0.0) and gelu(-100) are -0.0
    np.testing.assert_array_equal(y[3:], np.array([0.0, -0.0, 5e-31, -5e-31, 100.0, -0.0],
                                                  np.float32))
    assert np.isnan(y[0]) and y[1] == np.inf and np.isnan(y[2])
    assert not np.signbit(y[3]) and np.signbit(y[4]) and np.signbit(y[8])
    np.testing.assert_array_equal(gx[3:], [0.5, 0.5, 0.5, 0.5, 1.0, 0.0])
    assert np.isnan(gx[:3]).all()  # as PyTorch: inf * exp(-inf) is nan


def test_float16_gelu_rounds_the_float32_result():
    # as PyTorch on the CPU: computed in float32, rounded to float16
    x = np.linspace(-6, 6, 2001).astype(np.float16)
    g = np.random.default_rng(3).standard_normal(x.shape).astype(np.float16)
    y = TP.Gelu.forward(None, x)
    assert y.dtype == np.float16
    np.testing.assert_array_equal(y, TP.Gelu.forward(None, x.astype(np.float32)).astype(np.float16))
    ctx, ctx32 = _Ctx(), _Ctx()
    ctx.saved_tensors, ctx32.saved_tensors = (x,), (x.astype(np.float32),)
    gx = TP.Gelu.backward(ctx, g)
    assert gx.dtype == np.float16
    np.testing.assert_array_equal(
        gx, TP.Gelu.backward(ctx32, g.astype(np.float32)).astype(np.float16))
    value, slope = _gelu_exact(x.astype(np.float64))  # and near the exact values
    np.testing.assert_allclose(y, value, rtol=2 ** -10, atol=4e-7)
    np.testing.assert_allclose(gx, slope * g, rtol=2 ** -10, atol=4e-7)


# torch.nn.functional.gelu on these float32 values, and the gradient of (gelu(x) * g).sum()
_GELU_X = [-7.0, -5.0, -3.5, -1.0, -1e-3, 0.3, 1.7, 4.2, 6.0]
_GELU_G = [1.0, -2.0, 0.5, 1.5, 3.0, -1.0, 2.0, 0.25, 1.0]
_TORCH_GELU = [-0.0, -1.1920928955078125e-06, -0.0008143335580825806, -0.15865525603294373,
               -0.0004996010684408247, 0.1853734403848648, 1.6242387294769287, 4.199943542480469,
               6.0]
_TORCH_GELU_GRAD = [0.0, 1.424551010131836e-05, -0.00141085684299469, -0.12497314810752869,
                    1.4976065158843994, -0.7323277592658997, 2.23063588142395,
                    0.25005853176116943, 1.0]


def _gelu_run(lib: Any, functional: Any) -> tuple[np.ndarray, np.ndarray]:
    x = lib.tensor(np.array(_GELU_X, np.float32), requires_grad=True)
    (functional.gelu(x) * lib.tensor(np.array(_GELU_G, np.float32))).sum().backward()
    return np.asarray(functional.gelu(x).detach().numpy()), x.grad.numpy()


def test_float32_gelu_matches_pytorchs_numbers():
    y, gx = _gelu_run(am, F)
    # atol: at -5 and -3.5, 1 + erf(x / sqrt 2) cancels in float32 in both libraries (both are
    # within 3e-7 of the exact values; test_float32_gelu_and_its_vjp_are_within_two_ulps...)
    np.testing.assert_allclose(y, _TORCH_GELU, rtol=1e-6, atol=4e-7)
    np.testing.assert_allclose(gx, _TORCH_GELU_GRAD, rtol=1e-6, atol=3e-7)


def test_float32_gelu_agrees_with_torch_live():
    torch = pytest.importorskip("torch")
    y, gx = _gelu_run(am, F)
    ty, tgx = _gelu_run(torch, torch.nn.functional)
    np.testing.assert_allclose(y, ty, rtol=1e-6, atol=4e-7)
    np.testing.assert_allclose(gx, tgx, rtol=1e-6, atol=3e-7)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((32, 16, 256)).astype(np.float32) * 2  # the small GPT's MLP input
    g = rng.standard_normal(x.shape).astype(np.float32)
    a, t = am.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (F.gelu(a) * am.tensor(g)).sum().backward()
    (torch.nn.functional.gelu(t) * torch.tensor(g)).sum().backward()
    # (atol: near x = -3.5, where 1 + erf cancels, PyTorch's float32 GELU is up to 1.2e-6 off the
    # exact value; autograd_mini's within 5e-7)
    np.testing.assert_allclose(F.gelu(a).detach().numpy(),
                               torch.nn.functional.gelu(t).detach().numpy(), rtol=1e-6, atol=2e-6)
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=2e-6)


def _layer_norm_grads(dtype: Any, x: np.ndarray, g: np.ndarray, shape: tuple, weight: Any,
                      bias: Any, needs_x: bool = True) -> list:
    """[out, x.grad, weight.grad, bias.grad] (None where absent) of (layer_norm * g).sum()."""
    a = am.tensor(x.astype(dtype), requires_grad=needs_x)
    w = None if weight is None else am.tensor(weight.astype(dtype), requires_grad=True)
    b = None if bias is None else am.tensor(bias.astype(dtype), requires_grad=True)
    out = F.layer_norm(a, shape, w, b)
    (out * am.tensor(g.astype(dtype))).sum().backward()
    return [out.detach().numpy()] + [None if t is None or t.grad is None else t.grad.numpy()
                                     for t in (a, w, b)]


@pytest.mark.parametrize("lead, shape, affine, needs_x", [
    ((32, 16), (64,), "wb", True),  # the small GPT's
    ((3, 4), (5, 6), "wb", True),
    ((7,), (9,), "w", True),
    ((7,), (9,), "b", True),
    ((2, 3), (4,), "", True),
    ((5,), (8,), "wb", False),  # only weight's and bias's gradients
])
def test_float32_layer_norm_matches_the_float64_path(lead, shape, affine, needs_x):
    rng = np.random.default_rng(len(lead) * 10 + len(shape))
    x = rng.standard_normal(lead + shape) * 3 + 2
    g = rng.standard_normal(lead + shape)
    weight = rng.standard_normal(shape) if "w" in affine else None
    bias = rng.standard_normal(shape) if "b" in affine else None
    fast = _layer_norm_grads(np.float32, x, g, shape, weight, bias, needs_x)
    exact = _layer_norm_grads(np.float64, x, g, shape, weight, bias, needs_x)
    for got, want in zip(fast, exact):
        assert (got is None) == (want is None)
        if got is not None:
            assert got.dtype == np.float32 and got.shape == want.shape
            # a few float32 ulps of the largest entry: sums over up to 512 rows
            np.testing.assert_allclose(got, want, rtol=0, atol=8 * _ULP1 * np.abs(want).max())


def test_float16_layer_norm_computes_in_float32():
    rng = np.random.default_rng(5)
    x, g = rng.standard_normal((6, 10)) * 2, rng.standard_normal((6, 10))
    weight, bias = rng.standard_normal(10), rng.standard_normal(10)
    half = _layer_norm_grads(np.float16, x, g, (10,), weight, bias)
    wide = _layer_norm_grads(np.float32, x.astype(np.float16), g.astype(np.float16), (10,),
                             weight.astype(np.float16), bias.astype(np.float16))
    for got, want in zip(half, wide):
        assert got.dtype == np.float16
        np.testing.assert_array_equal(got, want.astype(np.float16))


def test_float32_layer_norm_saves_what_the_float64_path_saves():
    # x, mean and 1/std (kept dims, float32), weight: as PyTorch; not the normalised input
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    weight = rng.standard_normal((3, 5)).astype(np.float32)
    ctx = _Ctx(ndim=2, eps=1e-5)
    TP.LayerNorm.forward(ctx, x, weight, None, ndim=2, eps=1e-5)
    saved_x, mean, rstd, saved_w = ctx.saved_tensors
    assert saved_x is x and saved_w is weight
    assert mean.shape == rstd.shape == (4, 1, 1) and mean.dtype == rstd.dtype == np.float32
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(mean.reshape(-1), x64.mean(axis=(1, 2)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(rstd.reshape(-1), 1 / np.sqrt(x64.var(axis=(1, 2)) + 1e-5),
                               rtol=1e-6)


# torch.nn.functional.layer_norm on these float32 values, and the gradients of (out * G).sum()
_LN_H = [[[1.0, 2.0, 4.0], [-1.0, 0.0, 3.0]], [[0.5, 0.25, -2.0], [10.0, 10.5, 9.0]]]
_LN_G = [[[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], [[-1.0, 0.0, 1.0], [2.0, 2.0, -3.0]]]
_TORCH_LN_2D = [-0.29276952147483826, 0.29276952147483826, 1.4638476371765137,
                -1.4638476371765137, -0.8783085346221924, 0.8783085346221924, -0.8085173964500427,
                -0.8565481901168823, -1.2888247966766357, 1.0166507959365845, 1.1127122640609741,
                0.8245278000831604]
_TORCH_LN_2D_GRAD = [0.041823551058769226, 0.25094592571258545, 0.08365161716938019,
                     0.501887321472168, -0.7528378963470459, -0.12547071278095245,
                     -0.19036240875720978, 0.003767347661778331, 0.2139514684677124,
                     0.30974826216697693, 0.30573469400405884, -0.6428394317626953]
_LN_BIAS = [0.5, -1.0, 2.0]
_TORCH_LN_BIASED = [-0.56904137134552, -1.2672603130340576, 3.336301803588867,
                    -0.4805789291858673, -1.3922315835952759, 3.3728106021881104,
                    1.315371036529541, -0.40700286626815796, 0.5916319489479065,
                    0.76725834608078, 0.06903190910816193, 0.6637112498283386]
_TORCH_LN_BIASED_GRAD = [-0.11454463005065918, 0.17180907726287842, -0.05726468563079834,
                         0.5091450214385986, -0.6788630485534668, 0.16971802711486816,
                         -0.3518925905227661, 0.39098405838012695, -0.039091452956199646,
                         1.718109130859375, -1.1452980041503906, -0.5728187561035156]
_TORCH_LN_BIAS_GRAD = [2.5, 3.0, 3.0]


def _layer_norm_run(lib: Any, functional: Any) -> list:
    """Two layer norms of _LN_H (over (2, 3) without weight; over (3,) with a bias only)."""
    results = []
    for shape, bias in (((2, 3), None), ((3,), _LN_BIAS)):
        h = lib.tensor(np.array(_LN_H, np.float32), requires_grad=True)
        b = None if bias is None else lib.tensor(np.array(bias, np.float32), requires_grad=True)
        out = functional.layer_norm(h, shape, None, b)
        (out * lib.tensor(np.array(_LN_G, np.float32))).sum().backward()
        results += [out.detach().numpy().reshape(-1), h.grad.numpy().reshape(-1)]
        if b is not None:
            results.append(b.grad.numpy())
    return results


def test_float32_layer_norm_matches_pytorchs_numbers():
    want = [_TORCH_LN_2D, _TORCH_LN_2D_GRAD, _TORCH_LN_BIASED, _TORCH_LN_BIASED_GRAD,
            _TORCH_LN_BIAS_GRAD]
    # (atol: the row [10, 10.5, 9] has a mean 16 times its spread, so centring it in float32
    # loses 4 bits: there both libraries' float32 results are up to 6e-6 off the exact ones, in
    # opposite directions)
    for got, expected in zip(_layer_norm_run(am, F), want, strict=True):
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1.2e-5)


def test_float32_layer_norm_agrees_with_torch_live():
    torch = pytest.importorskip("torch")
    for got, theirs in zip(_layer_norm_run(am, F), _layer_norm_run(torch, torch.nn.functional),
                           strict=True):
        np.testing.assert_allclose(got, theirs, rtol=2e-6, atol=1.2e-5)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((64, 64, 192)).astype(np.float32)  # the large GPT's
    g = rng.standard_normal(x.shape).astype(np.float32)
    wb = rng.standard_normal((2, 192)).astype(np.float32)
    a, t = am.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    wa, ba = (am.tensor(v, requires_grad=True) for v in wb)
    wt, bt = (torch.tensor(v, requires_grad=True) for v in wb)
    ya, yt = F.layer_norm(a, (192,), wa, ba), torch.nn.functional.layer_norm(t, (192,), wt, bt)
    (ya * am.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-5)
    for mine, theirs in ((wa.grad, wt.grad), (ba.grad, bt.grad)):  # sums over 4096 rows
        scale = np.abs(theirs.numpy()).max()
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=0, atol=2e-6 * scale)


def test_layer_norm_variance_without_vecdot_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """NumPy before 2.0 has no np.vecdot: the row sums of squares come from einsum instead."""
    rows = np.random.default_rng(3).standard_normal((300, 48)).astype(np.float32)
    with_vecdot = TP._row_sums_of_squares(rows)
    monkeypatch.delattr(np, "vecdot", raising=False)
    without = TP._row_sums_of_squares(rows)
    want = (rows.astype(np.float64) ** 2).sum(axis=1)
    np.testing.assert_allclose(with_vecdot, want, rtol=2e-6)
    np.testing.assert_allclose(without, want, rtol=2e-6)
