"""PyTorch's math ops (elementwise functions, scans, statistics, norms, small integer powers)
against PyTorch: values and gradients on fixed inputs, special points included (0, +-inf, NaN,
ties, zeros in products, zero norms).

`EXPECTED` holds PyTorch 2.13's answers as literals, so the comparison runs without torch;
`test_matches_pytorch_live` recomputes them with torch when it is installed. Regenerate the
literals with `python tests/test_ops_math.py > /tmp/expected.py` (needs torch) and paste them.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

nan, inf = math.nan, math.inf

# name: (fn(m, *tensors), inputs): m is `autograd_mini` or `torch`, inputs float64 leaves.
X = [[-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5], [-0.3, 0.7, 1.2, -1.7, 0.49, -0.51, 3.0]]
SPECIAL = [0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 0.25]
UNIT = [-0.999, -0.5, 0.0, 0.3, 0.75, 1.0, -1.0, 1.5, nan]
POS = [0.0, 0.1, 1.0, 4.0, 1e-3, inf, nan, -1.0]
CASES: dict[str, tuple[Any, list]] = {
    "square": (lambda m, x: m.square(x), [SPECIAL]),
    "rsqrt": (lambda m, x: m.rsqrt(x), [POS]),
    "reciprocal": (lambda m, x: x.reciprocal(), [SPECIAL]),
    "exp2": (lambda m, x: m.exp2(x), [SPECIAL]),
    "expm1": (lambda m, x: x.expm1(), [SPECIAL + [1e-10]]),
    "log2": (lambda m, x: m.log2(x), [POS]),
    "log10": (lambda m, x: x.log10(), [POS]),
    "tan": (lambda m, x: m.tan(x), [SPECIAL + [1.5]]),
    "asin": (lambda m, x: m.asin(x), [UNIT]),
    "acos": (lambda m, x: x.acos(), [UNIT]),
    "atan": (lambda m, x: m.atan(x), [SPECIAL]),
    "sinh": (lambda m, x: x.sinh(), [SPECIAL]),
    "cosh": (lambda m, x: m.cosh(x), [SPECIAL]),
    "asinh": (lambda m, x: m.asinh(x), [SPECIAL]),
    "acosh": (lambda m, x: x.acosh(), [[1.0, 1.5, 10.0, inf, 0.5, nan]]),
    "atanh": (lambda m, x: m.atanh(x), [UNIT]),
    "erf": (lambda m, x: m.erf(x), [SPECIAL + [3.0, -6.0]]),
    "erfc": (lambda m, x: x.erfc(), [SPECIAL + [3.0, 10.0, -6.0]]),
    "floor": (lambda m, x: m.floor(x), [X[0] + SPECIAL]),
    "ceil": (lambda m, x: x.ceil(), [X[0] + SPECIAL]),
    "trunc": (lambda m, x: m.trunc(x), [X[0] + SPECIAL]),
    "round": (lambda m, x: m.round(x), [X[0] + SPECIAL]),
    "round decimals": (lambda m, x: x.round(decimals=1), [[0.25, 0.35, -1.05, 2.449, 1e300]]),
    "frac": (lambda m, x: m.frac(x), [X[0] + SPECIAL]),
    "pow 2": (lambda m, x: x ** 2, [SPECIAL + [-3.0]]),
    "pow 3": (lambda m, x: x ** 3, [SPECIAL + [-3.0]]),
    "pow 4": (lambda m, x: m.pow(x, 4), [SPECIAL + [-3.0]]),
    "pow -1": (lambda m, x: x ** -1, [SPECIAL + [-3.0]]),
    "pow -2": (lambda m, x: x.pow(-2), [SPECIAL + [-3.0]]),
    "pow 0.5": (lambda m, x: x ** 0.5, [POS]),
    "pow 2.0": (lambda m, x: x ** 2.0, [[-1.5, 0.0, 3.0]]),
    "atan2": (lambda m, a, b: m.atan2(a, b),
              [[0.0, 0.0, -0.0, 1.0, -1.0, inf, nan, 2.0], [0.0, -1.0, -1.0, 0.0, -2.0, inf, 1.0,
                                                             -inf]]),
    "atan2 broadcast": (lambda m, a, b: a.atan2(b), [[[1.0], [-2.0]], [0.5, -0.5, 3.0]]),
    "hypot": (lambda m, a, b: m.hypot(a, b),
              [[3.0, 0.0, -0.0, inf, nan, 1e300, -2.0], [4.0, 0.0, 2.0, nan, inf, 1e300, 0.0]]),
    "logaddexp": (lambda m, a, b: m.logaddexp(a, b),
                  [[0.0, -inf, inf, 1000.0, -1000.0, nan, 2.0, -inf],
                   [0.0, 1.0, 1.0, 999.0, -1001.0, 0.0, 2.0, -inf]]),
    "copysign": (lambda m, a, b: m.copysign(a, b),
                 [[1.0, -2.0, 0.0, 3.0, nan, -0.0, inf], [-1.0, 2.0, -1.0, -0.0, -1.0, 1.0, -1.0]]),
    "fmax": (lambda m, a, b: m.fmax(a, b),
             [[1.0, 2.0, nan, nan, -1.0, 3.0], [2.0, 2.0, 1.0, nan, nan, -inf]]),
    "fmin": (lambda m, a, b: a.fmin(b),
             [[1.0, 2.0, nan, nan, -1.0, 3.0], [2.0, 2.0, 1.0, nan, nan, -inf]]),
    "xlogy": (lambda m, a, b: m.xlogy(a, b),
              [[0.0, 0.0, 0.0, 2.0, -1.0, 1.0, 0.0, 3.0], [0.0, 2.0, nan, 0.0, 3.0, inf, -1.0,
                                                            -2.0]]),
    "xlogy broadcast": (lambda m, a, b: a.xlogy(b), [[[0.0], [2.0]], [0.5, 1.0, 4.0]]),
    "lerp number": (lambda m, a, b: m.lerp(a, b, 0.3), [X[0], X[1]]),
    "lerp tensor": (lambda m, a, b, w: a.lerp(b, w),
                    [X[0], X[1], [0.0, 0.5, 1.0, -1.0, 2.0, 0.49, 0.51]]),
    "nan_to_num": (lambda m, x: m.nan_to_num(x), [SPECIAL]),
    "nan_to_num values": (lambda m, x: x.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0),
                          [SPECIAL]),
    "isnan": (lambda m, x: (m.isnan(x), m.isinf(x), x.isfinite()), [SPECIAL]),
    "clamp_min": (lambda m, x: m.clamp_min(x, 0.5), [X[0] + [nan, inf]]),
    "clamp_max": (lambda m, x: x.clamp_max(-0.5), [X[0] + [nan, -inf]]),
    "clamp_min tensor": (lambda m, x, lo: m.clamp_min(x, lo), [X[0], X[1]]),
    "cumsum": (lambda m, x: m.cumsum(x, 1), [X]),
    "cumsum dim 0": (lambda m, x: x.cumsum(dim=0), [X]),
    "cumprod": (lambda m, x: m.cumprod(x, 1), [X]),
    "cumprod zeros": (lambda m, x: x.cumprod(1),
                      [[[2.0, 0.0, 3.0, 0.0, 4.0], [0.0, 1.5, 2.0, -1.0, 0.5],
                        [1.0, 2.0, 3.0, 4.0, 0.0]]]),
    "cummax": (lambda m, x: m.cummax(x, 1), [[[1.0, 3.0, 3.0, 2.0, 5.0, 5.0],
                                             [2.0, nan, 1.0, 4.0, nan, 0.0]]]),
    "cummin": (lambda m, x: x.cummin(0), [[[1.0, 3.0], [1.0, 2.0], [0.0, 2.0], [0.5, nan]]]),
    "logcumsumexp": (lambda m, x: m.logcumsumexp(x, 1),
                     [[[0.0, 1.0, -2.0, 1000.0, 1000.0], [0.5, -inf, 0.0, -inf, 3.0]]]),
    "amax": (lambda m, x: m.amax(x), [X]),
    "amax ties": (lambda m, x: m.amax(x, 1), [[[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 0.0]]]),
    "amin keepdim": (lambda m, x: x.amin((0, 1), keepdim=True), [[[1.0, -3.0], [-3.0, 2.0]]]),
    "aminmax": (lambda m, x: tuple(m.aminmax(x)), [[[1.0, -3.0, 4.0], [-3.0, 2.0, 4.0]]]),
    "aminmax dim": (lambda m, x: tuple(m.aminmax(x, dim=1)), [[[1.0, -3.0, 4.0],
                                                              [-3.0, 2.0, 4.0]]]),
    "median": (lambda m, x: m.median(x), [[[3.0, 1.0, 2.0], [5.0, 4.0, 1.5]]]),
    "median ties": (lambda m, x: x.median(), [[1.0, 2.0, 2.0, 2.0, 7.0]]),
    "median nan": (lambda m, x: m.median(x), [[1.0, nan, 2.0]]),
    "median dim": (lambda m, x: tuple(m.median(x, 1)), [[[3.0, 1.0, 2.0, 4.0],
                                                         [5.0, 4.0, 1.5, 0.0]]]),
    "median dim keepdim": (lambda m, x: tuple(x.median(0, keepdim=True)),
                           [[[3.0, 1.0], [5.0, nan], [4.0, 2.0]]]),
    "count_nonzero": (lambda m, x: (m.count_nonzero(x), m.count_nonzero(x, 1)),
                      [[[0.0, 1.0, nan], [0.0, 0.0, -2.0]]]),
    "var_mean": (lambda m, x: tuple(m.var_mean(x, 1)), [X]),
    "std_mean": (lambda m, x: tuple(m.std_mean(x, 0, correction=0)), [X]),
    "std_mean zero spread": (lambda m, x: tuple(m.std_mean(x, 1)), [[[1.0, 1.0], [2.0, 3.0]]]),
    "norm": (lambda m, x: m.norm(x), [X]),
    "norm 1": (lambda m, x: x.norm(1), [X]),
    "norm inf": (lambda m, x: m.norm(x, inf), [[[1.0, -3.0], [3.0, 2.0]]]),
    "norm 3 dim": (lambda m, x: m.norm(x, 3, dim=1, keepdim=True), [X]),
    "norm fro dim": (lambda m, x: x.norm("fro", dim=0), [X]),
    "norm zero row": (lambda m, x: m.norm(x, dim=1), [[[0.0, 0.0], [3.0, 4.0]]]),
    "vector_norm 1.5 zeros": (lambda m, x: m.linalg.vector_norm(x, 1.5, dim=1),
                              [[[0.0, 0.0], [0.0, 2.0], [-1.0, 1.0]]]),
    "vector_norm 0.5": (lambda m, x: m.linalg.vector_norm(x, 0.5),
                        [[0.0, 1.0, -4.0]]),
    "vector_norm 0": (lambda m, x: m.linalg.vector_norm(x, 0), [[0.0, 1.0, -4.0]]),
    "vector_norm -inf": (lambda m, x: m.linalg.vector_norm(x, -inf, dim=0),
                         [[[1.0, -3.0], [-1.0, 2.0]]]),
    "matrix_norm fro": (lambda m, x: m.linalg.matrix_norm(x), [X]),
    "matrix_norm 1": (lambda m, x: m.linalg.matrix_norm(x, 1), [X]),
    "matrix_norm -inf": (lambda m, x: m.linalg.matrix_norm(x, -inf, keepdim=True), [X]),
    "linalg.norm": (lambda m, x: m.linalg.norm(x), [X]),
    "linalg.norm dim": (lambda m, x: m.linalg.norm(x, 1, dim=1), [X]),
    "linalg.norm matrix": (lambda m, x: m.linalg.norm(x, inf), [X]),
    "sum dtype": (lambda m, x: m.sum(x.float(), dtype=m.float64), [X]),
    "mean dtype": (lambda m, x: x.float().mean(1, dtype=m.float64), [X]),
    "prod dtype": (lambda m, x: m.prod(x.float(), 1, dtype=m.float64), [X]),
    "nansum": (lambda m, x: m.nansum(x, 1), [[[1.0, nan, 2.0], [nan, nan, nan]]]),
    "nanmean": (lambda m, x: x.nanmean(1), [[[1.0, nan, 2.0], [nan, 3.0, nan]]]),
    "nanmean all nan": (lambda m, x: m.nanmean(x, 1), [[[1.0, 2.0], [nan, nan]]]),
}


def _weights(shape: tuple) -> np.ndarray:
    return np.cos(np.arange(int(np.prod(shape)), dtype=np.float64) + 0.5).reshape(shape)


def run(m: Any, name: str) -> dict:
    """Values and gradients (of sum(out * weights) over the float outputs) of a case."""
    fn, inputs = CASES[name]
    leaves = [m.tensor(np.array(v, dtype=np.float64), requires_grad=True) for v in inputs]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        outs = fn(m, *leaves)
        outs = tuple(outs) if isinstance(outs, (tuple, list)) else (outs,)
        values = [o.detach().numpy().tolist() for o in outs]
        floats = [o for o in outs if o.requires_grad]
        grads: list = [None] * len(leaves)
        if floats:
            loss = None
            for o in floats:
                term = (o * m.tensor(_weights(tuple(o.shape)))).sum()
                loss = term if loss is None else loss + term
            got = m.autograd.grad(loss, leaves, allow_unused=True)
            grads = [None if g is None else g.detach().numpy().tolist() for g in got]
    dtypes = [str(o.dtype).removeprefix("torch.") for o in outs]
    return {"values": values, "grads": grads, "dtypes": dtypes}


def _same(got: Any, want: Any, what: str, signs: bool = True) -> None:
    if want is None or got is None:
        assert got is None or want is None or not np.any(got), what
        return
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape, f"{what}: shape {g.shape} != {w.shape}"
    if w.dtype.kind in "fc":
        np.testing.assert_allclose(g.astype(np.float64), w, rtol=1e-12, atol=1e-14,
                                   equal_nan=True, err_msg=what)
        if signs:  # the sign of a zero counts too (in values; a zero gradient may be -0.0)
            zeros = (w == 0) & (g == 0)
            np.testing.assert_array_equal(np.signbit(g.astype(np.float64))[zeros],
                                          np.signbit(w)[zeros], err_msg=f"{what}: signs")
    else:
        np.testing.assert_array_equal(g, w, err_msg=what)


def _check(name: str, got: dict, want: dict) -> None:
    assert len(got["values"]) == len(want["values"]), name
    for k, (g, w) in enumerate(zip(got["values"], want["values"])):
        _same(g, w, f"{name}: output {k}")
    assert got["dtypes"] == want["dtypes"], name
    for k, (g, w) in enumerate(zip(got["grads"], want["grads"])):
        _same(g, w, f"{name}: gradient of input {k}", signs=False)


# Where autograd_mini differs from PyTorch on purpose: the gradient of a NaN-free place is 0, not
# NaN (see test_documented_differences).
DIFFERENCES: dict[str, str] = {
    "nanmean all nan": "PyTorch's gradient is NaN for a group of NaNs only (0 / 0); ours is 0",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch_literals(name: str) -> None:
    if name in DIFFERENCES:
        pytest.skip(DIFFERENCES[name])
    _check(name, run(am, name), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch_live(name: str) -> None:
    torch = pytest.importorskip("torch")
    if name in DIFFERENCES:
        pytest.skip(DIFFERENCES[name])
    _check(name, run(am, name), run(torch, name))


def test_every_case_has_literals() -> None:
    assert sorted(EXPECTED) == sorted(CASES)


def test_documented_differences() -> None:
    """Where PyTorch's gradient is NaN but the function has a plain derivative, ours is that
    derivative: logcumsumexp at leading -inf inputs (their weights are 0), and nanmean over a
    group of NaNs only (which carries no gradient at all)."""
    x = am.tensor(np.array([-inf, -inf, 0.0, 1.0]), requires_grad=True)
    am.logcumsumexp(x, 0).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())) and x.grad.numpy()[:2].tolist() == [0.0, 0.0]
    y = am.tensor(np.array([[nan, nan], [1.0, 3.0]]), requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # (1 / 0 on the way, as PyTorch)
        am.nanmean(y, 1).sum().backward()
    assert y.grad.numpy().tolist() == [[0.0, 0.0], [0.5, 0.5]]


def test_dtypes_and_spellings() -> None:
    """Integers give the default float dtype for float functions, PyTorch's int64 for cumsum and
    cumprod; NumPy's axis/keepdims spellings work; np.<ufunc>(tensor) dispatches."""
    i = am.tensor([1, 2, 3])
    with np.errstate(invalid="ignore", divide="ignore"):  # (asin(2) is NaN, as PyTorch)
        for name in ("rsqrt", "reciprocal", "exp2", "expm1", "log2", "log10", "tan", "asin",
                     "acos", "atan", "sinh", "cosh", "asinh", "atanh", "erf", "erfc"):
            assert getattr(am, name)(i).dtype == np.float32, name
    assert am.atan2(i, i).dtype == np.float32 and am.xlogy(i, 2).dtype == np.float32
    assert am.floor(i).dtype == np.int64 and am.square(i).dtype == np.int64
    assert am.acosh(i).dtype == np.float32
    assert am.cumsum(am.tensor([1, 2], dtype=np.int32), 0).dtype == np.int64
    assert am.cumsum(i, 0, dtype=np.float64).dtype == np.float64
    assert am.fmax(i, 2).dtype == np.int64
    assert am.sum(i, dtype=np.float32).dtype == np.float32
    x = am.tensor(np.array([[1.0, -2.0], [3.0, 0.5]]), requires_grad=True)
    assert am.amax(x, axis=0, keepdims=True).shape == (1, 2)
    assert am.cumsum(x, axis=1).shape == (2, 2)
    assert am.nansum(x, axis=(0, 1)).item() == 2.5
    assert isinstance(np.tan(x), am.Tensor) and np.hypot(x, x).requires_grad
    assert np.isnan(x).dtype == np.bool_ and not np.isfinite(x).requires_grad
    values, indices = x.cummax(1)
    assert indices.dtype == np.int64 and values.requires_grad
    assert am.median(x, dim=0).indices.tolist() == [0, 0]
    assert am.count_nonzero(x).dtype == np.int64


def test_small_integer_powers_are_products() -> None:
    """x ** n for small integer n multiplies (as PyTorch's pow kernels), also at negative bases,
    and agrees with NumPy's power to rounding."""
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        a = rng.uniform(-3, 3, 1000).astype(dtype)
        for n in (2, 3, 4, -1, -2, -3, -4, 0.5, -0.5, 2.0):
            base = np.abs(a) if n in (0.5, -0.5) else a
            got = (am.tensor(base) ** n).numpy()
            assert got.dtype == dtype
            np.testing.assert_allclose(got, base.astype(np.float64) ** n, rtol=4e-7 if
                                       dtype == np.float32 else 1e-15)
    z = am.tensor(np.array([0.0, -0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 1 / 0 is inf silently, as PyTorch
        assert (z ** -1).numpy().tolist() == [inf, -inf]
        assert (z ** -2).numpy().tolist() == [inf, inf]


def _literal(x: Any) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_literal(v) for v in x) + "]"
    if isinstance(x, float):
        return "nan" if x != x else ("inf" if x == inf else "-inf" if x == -inf else repr(x))
    return repr(x)


def _wrapped(line: str, width: int = 100) -> str:
    """A long literal broken after commas, continued 12 spaces in."""
    out, rest = [], line
    while len(rest) > width:
        cut = rest.rfind(", ", 0, width) + 1
        out.append(rest[:cut])
        rest = " " * 12 + rest[cut + 1:]
    return "\n".join(out + [rest])


def _print_expected() -> None:
    import torch

    torch.set_default_dtype(torch.float32)
    print("EXPECTED: dict[str, dict] = {")
    for name in sorted(CASES):
        r = run(torch, name)
        print(f"    {name!r}: {{")
        for key in ("values", "grads", "dtypes"):
            print(_wrapped(f"        {key!r}: {_literal(r[key])},"))
        print("    },")
    print("}")


if __name__ == "__main__":
    _print_expected()


EXPECTED: dict[str, dict] = {
    'acos': {
        'values': [[3.09686756642106, 2.0943951023931957, 1.5707963267948966, 1.2661036727794992,
            0.7227342478134156, 0.0, 3.141592653589793, nan, nan]],
        'grads': [[-19.62825031866891, -0.08168028484913825, 0.8011436155469337,
            0.9816733455337808, 0.3186932929776536, -inf, -inf, nan, nan]],
        'dtypes': ['float64'],
    },
    'acosh': {
        'values': [[0.0, 0.9624236501192069, 2.993222846126381, inf, nan, nan]],
        'grads': [[inf, 0.06326927658683808, -0.08051796290781564, -0.0, nan, nan]],
        'dtypes': ['float64'],
    },
    'amax': {
        'values': [3.0],
        'grads': [[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
            0.8775825618903728]]],
        'dtypes': ['float64'],
    },
    'amax ties': {
        'values': [[3.0, 5.0]],
        'grads': [[[0.0, 0.4387912809451864, 0.4387912809451864, 0.0], [0.023579067222567637,
            0.023579067222567637, 0.023579067222567637, 0.0]]],
        'dtypes': ['float64'],
    },
    'amin keepdim': {
        'values': [[[-3.0]]],
        'grads': [[[0.0, 0.4387912809451864], [0.4387912809451864, 0.0]]],
        'dtypes': ['float64'],
    },
    'aminmax': {
        'values': [-3.0, 4.0],
        'grads': [[[0.0, 0.4387912809451864, 0.4387912809451864], [0.4387912809451864, 0.0,
            0.4387912809451864]]],
        'dtypes': ['float64', 'float64'],
    },
    'aminmax dim': {
        'values': [[-3.0, -3.0], [4.0, 4.0]],
        'grads': [[[0.0, 0.8775825618903728, 0.8775825618903728], [0.0707372016677029, 0.0,
            0.0707372016677029]]],
        'dtypes': ['float64', 'float64'],
    },
    'asin': {
        'values': [[-1.526071239626163, -0.5235987755982989, 0.0, 0.30469265401539747,
            0.848062078981481, 1.5707963267948966, -1.5707963267948966, nan, nan]],
        'grads': [[19.62825031866891, 0.08168028484913825, -0.8011436155469337,
            -0.9816733455337808, -0.3186932929776536, inf, inf, nan, nan]],
        'dtypes': ['float64'],
    },
    'asinh': {
        'values': [[0.0, -0.0, 0.881373587019543, -0.881373587019543, inf, -inf, nan,
            0.24746646154726346]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.5664940832575451,
            -0.6621748738708122, -0.0, 0.0, nan, 0.3362856538831437]],
        'dtypes': ['float64'],
    },
    'atan': {
        'values': [[0.0, -0.0, 0.7853981633974483, -0.7853981633974483, 1.5707963267948966,
            -1.5707963267948966, nan, 0.24497866312686414]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.40057180777346685,
            -0.46822834364539817, -0.0, 0.0, nan, 0.3262450050212008]],
        'dtypes': ['float64'],
    },
    'atan2': {
        'values': [[0.0, 3.141592653589793, -3.141592653589793, 1.5707963267948966,
            -2.677945044588987, 0.7853981633974483, nan, 3.141592653589793]],
        'grads': [[0.0, -0.0707372016677029, 0.8011436155469337, -0.0, 0.08431831977231188, nan,
            nan, nan], [-0.0, -0.0, -0.0, 0.9364566872907963, -0.04215915988615594, nan, nan,
            -0.0]],
        'dtypes': ['float64'],
    },
    'atan2 broadcast': {
        'values': [[[1.1071487177940904, 2.0344439357957027, 0.3217505543966422],
            [-1.3258176636680326, -1.8157749899217608, -0.5880026035475675]]],
        'grads': [[[0.08239505942498784], [0.0781673095225965]], [-1.1427515494138494,
            -0.1557877845957057, 0.1891404806764257]],
        'dtypes': ['float64'],
    },
    'atanh': {
        'values': [[-3.8002011672501994, -0.5493061443340549, 0.0, 0.3095196042031117,
            0.9729550745276566, inf, -inf, nan, nan]],
        'grads': [[439.01078633836147, 0.09431626889027055, -0.8011436155469337,
            -1.0290732827371387, -0.48181897012749647, inf, inf, -0.27730825426802064, nan]],
        'dtypes': ['float64'],
    },
    'ceil': {
        'values': [[-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, 3.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan,
            1.0]],
        'grads': [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'clamp_max': {
        'values': [[-2.5, -1.5, -0.5, -0.5, -0.5, -0.5, -0.5, nan, -inf]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.8011436155469337, 0.0, 0.0, 0.0, 0.0,
            0.0, -0.6020119026848236]],
        'dtypes': ['float64'],
    },
    'clamp_min': {
        'values': [[0.5, 0.5, 0.5, 0.5, 0.5, 1.5, 2.5, nan, inf]],
        'grads': [[0.0, 0.0, 0.0, 0.0, -0.2107957994307797, 0.70866977429126, 0.9765876257280235,
            0.0, -0.6020119026848236]],
        'dtypes': ['float64'],
    },
    'clamp_min tensor': {
        'values': [[-0.3, 0.7, 1.2, 0.0, 0.5, 1.5, 3.0]],
        'grads': [[0.0, 0.0, 0.0, -0.9364566872907963, -0.2107957994307797, 0.70866977429126, 0.0],
            [0.8775825618903728, 0.0707372016677029, -0.8011436155469337, 0.0, 0.0, 0.0,
            0.9765876257280235]],
        'dtypes': ['float64'],
    },
    'copysign': {
        'values': [[-1.0, 2.0, -0.0, -3.0, nan, 0.0, -inf]],
        'grads': [[-0.8775825618903728, -0.0707372016677029, -0.0, 0.9364566872907963, nan, 0.0,
            nan], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'cosh': {
        'values': [[1.0, 1.0, 1.5430806348152437, 1.5430806348152437, inf, inf, nan,
            1.0314130998795732]],
        'grads': [[0.0, -0.0, -0.9415049332708672, 1.100525016699864, -inf, -inf, nan,
            0.08756435072584166]],
        'dtypes': ['float64'],
    },
    'count_nonzero': {
        'values': [3, [2, 1]],
        'grads': [None],
        'dtypes': ['int64', 'int64'],
    },
    'cummax': {
        'values': [[[1.0, 3.0, 3.0, 3.0, 5.0, 5.0], [2.0, nan, nan, nan, nan, nan]], [[0, 1, 2, 2,
            4, 5], [0, 1, 1, 1, 4, 4]]],
        'grads': [[[0.8775825618903728, 0.0707372016677029, -1.73760030283773, 0.0,
            -0.2107957994307797, 0.70866977429126], [0.9765876257280235, -1.2525487410461762, 0.0,
            0.0, 0.007767830757013372, 0.0]]],
        'dtypes': ['float64', 'int64'],
    },
    'cummin': {
        'values': [[[1.0, 3.0], [1.0, 2.0], [0.0, 2.0], [0.0, nan]], [[0, 0], [1, 1], [2, 2], [2,
            3]]],
        'grads': [[[0.8775825618903728, 0.0707372016677029], [-0.8011436155469337,
            -0.9364566872907963], [0.7657918262972438, 0.70866977429126], [0.0,
            0.3466353178350258]]],
        'dtypes': ['float64', 'int64'],
    },
    'cumprod': {
        'values': [[[-2.5, 3.75, -1.875, -0.0, -0.0, -0.0, -0.0], [-0.3, -0.21, -0.252, 0.4284,
            0.209916, -0.10705716, -0.32117148]]],
        'grads': [[[0.17061904772861816, -1.1782725236029243, -3.0042885583010013,
            -2.4764053911605677, 0.0, 0.0, 0.0], [0.4214677685995344, -0.03207105032764652,
            -0.12406019566097128, 0.2353880106792076, -0.4008971391860606, 0.5841039214501288,
            -0.06369051663927323]]],
        'dtypes': ['float64'],
    },
    'cumprod zeros': {
        'values': [[[2.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -0.0, -0.0], [1.0, 2.0, 6.0, 24.0,
            0.0]]],
        'grads': [[[0.8775825618903728, -4.665387289946197, 0.0, 0.0, 0.0], [6.515251108737411,
            0.0, 0.0, 0.0, 0.0], [20.755958184018912, 10.615747556007452, 6.7549618648362975,
            3.569523979859352, -8.51818240292892]]],
        'dtypes': ['float64'],
    },
    'cumsum': {
        'values': [[[-2.5, -4.0, -4.5, -4.5, -4.0, -2.5, 0.0], [-0.3, 0.39999999999999997,
            1.5999999999999999, -0.10000000000000009, 0.3899999999999999, -0.1200000000000001,
            2.88]]],
        'grads': [[[0.6851810613088495, -0.19240150058152328, -0.2631387022492262,
            0.5380049132977075, 1.4744616005885038, 1.6852574000192835, 0.9765876257280235],
            [0.3479380321993097, 0.0013027143642838634, 0.6033146170491075, 1.600486773245486,
            2.0760237012414784, 1.5927189424884727, 0.594920663309892]]],
        'dtypes': ['float64'],
    },
    'cumsum dim 0': {
        'values': [[[-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5], [-2.8, -0.8, 0.7, -1.7, 0.99, 0.99,
            5.5]]],
        'grads': [[[1.2242178797253986, -0.5312747010171207, -1.798315771743312,
            -1.411993615286789, 0.2725089593222262, 1.7064680534698407, 1.5715082890379155],
            [0.3466353178350258, -0.6020119026848236, -0.9971721561963784, -0.4755369279959925,
            0.4833047587530059, 0.9977982791785807, 0.594920663309892]]],
        'dtypes': ['float64'],
    },
    'erf': {
        'values': [[0.0, -0.0, 0.8427007929497149, -0.8427007929497149, 1.0, -1.0, nan,
            0.27632639016823696, 0.9999779095030014, -1.0]],
        'grads': [[0.9902458802434049, 0.07981838470046991, -0.3325607213241747,
            -0.38873019190406294, -0.0, 0.0, nan, 0.3674383346459076, -8.383199475713027e-05,
            -2.6098999201576427e-16]],
        'dtypes': ['float64'],
    },
    'erfc': {
        'values': [[1.0, 1.0, 0.15729920705028513, 1.8427007929497148, 0.0, 2.0, nan,
            0.7236736098317631, 2.209049699858544e-05, 2.088487583762545e-45, 2.0]],
        'grads': [[-0.9902458802434049, -0.07981838470046991, 0.3325607213241747,
            0.38873019190406294, 0.0, -0.0, nan, -0.3674383346459076, 8.383199475713027e-05,
            4.185785915190848e-44, 1.2446233909526998e-16]],
        'dtypes': ['float64'],
    },
    'exp2': {
        'values': [[1.0, 1.0, 2.0, 0.5, inf, 0.0, nan, 1.189207115002721]],
        'grads': [[0.6082938784828855, 0.04903129189666853, -1.1106208766799157,
            -0.3245511562560609, -inf, 0.0, nan, 0.2857299530375032]],
        'dtypes': ['float64'],
    },
    'expm1': {
        'values': [[0.0, -0.0, 1.7182818284590453, -0.6321205588285577, inf, -1.0, nan,
            0.2840254166877415, 1.00000000005e-10]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -2.1777341321272097,
            -0.34450316280179827, -inf, 0.0, nan, 0.4450885584218067, -0.6020119027450248]],
        'dtypes': ['float64'],
    },
    'floor': {
        'values': [[-3.0, -2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan,
            0.0]],
        'grads': [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'fmax': {
        'values': [[2.0, 2.0, 1.0, nan, -1.0, 3.0]],
        'grads': [[0.0, 0.0707372016677029, 0.0, -0.9364566872907963, -0.2107957994307797,
            0.70866977429126], [0.8775825618903728, 0.0, -0.8011436155469337, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'fmin': {
        'values': [[1.0, 2.0, 1.0, nan, -1.0, -inf]],
        'grads': [[0.8775825618903728, 0.0707372016677029, 0.0, -0.9364566872907963,
            -0.2107957994307797, 0.0], [0.0, 0.0, -0.8011436155469337, 0.0, 0.0, 0.70866977429126]],
        'dtypes': ['float64'],
    },
    'frac': {
        'values': [[-0.5, -0.5, -0.5, 0.0, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, nan, nan, nan, 0.25]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.8011436155469337,
            -0.9364566872907963, -0.2107957994307797, 0.70866977429126, 0.9765876257280235,
            0.3466353178350258, -0.6020119026848236, -0.9971721561963784, -0.4755369279959925,
            0.4833047587530059, 0.9977982791785807, 0.594920663309892, -0.354924266788705]],
        'dtypes': ['float64'],
    },
    'hypot': {
        'values': [[5.0, 0.0, 2.0, inf, inf, 1.4142135623730952e+300, 2.0]],
        'grads': [[0.5265495371342237, nan, 0.0, nan, nan, 0.50110520302329, -0.9765876257280235],
            [0.7020660495122982, nan, -0.8011436155469337, nan, nan, 0.50110520302329, 0.0]],
        'dtypes': ['float64'],
    },
    'isnan': {
        'values': [[False, False, False, False, False, False, True, False], [False, False, False,
            False, True, True, False, False], [True, True, True, True, False, False, False, True]],
        'grads': [None],
        'dtypes': ['bool', 'bool', 'bool'],
    },
    'lerp number': {
        'values': [[-1.84, -0.84, 0.009999999999999967, -0.51, 0.497, 0.8970000000000001, 2.65]],
        'grads': [[0.6143077933232609, 0.049516041167392034, -0.5608005308828535,
            -0.6555196811035574, -0.14755705960154578, 0.49606884200388196, 0.6836113380096164],
            [0.2632747685671118, 0.021221160500310872, -0.2403430846640801, -0.2809370061872389,
            -0.0632387398292339, 0.212600932287378, 0.29297628771840706]],
        'dtypes': ['float64'],
    },
    'lerp tensor': {
        'values': [[-2.5, -0.40000000000000013, 1.2, 1.7, 0.48, 0.5151000000000001, 2.755]],
        'grads': [[0.8775825618903728, 0.03536860083385145, -0.0, -1.8729133745815927,
            0.2107957994307797, 0.3614215848885426, 0.4785279366067315], [0.0, 0.03536860083385145,
            -0.8011436155469337, 0.9364566872907963, -0.4215915988615594, 0.3472481894027174,
            0.498059689121292], [1.9306816361588202, 0.1556218436689464, -1.3619441464297872,
            1.5919763683943537, 0.002107957994307799, -1.4244262463254325, 0.48829381286401174]],
        'dtypes': ['float64'],
    },
    'linalg.norm': {
        'values': [5.648911399553015],
        'grads': [[[-0.38838569939325557, -0.23303141963595334, -0.07767713987865112, 0.0,
            0.07767713987865112, 0.23303141963595334, 0.38838569939325557], [-0.04660628392719067,
            0.10874799583011156, 0.18642513570876268, -0.2641022755874138, 0.0761235970810781,
            -0.07923068267622414, 0.46606283927190667]]],
        'dtypes': ['float64'],
    },
    'linalg.norm dim': {
        'values': [[9.0, 7.9]],
        'grads': [[[-0.8775825618903728, -0.8775825618903728, -0.8775825618903728, 0.0,
            0.8775825618903728, 0.8775825618903728, 0.8775825618903728], [-0.0707372016677029,
            0.0707372016677029, 0.0707372016677029, -0.0707372016677029, 0.0707372016677029,
            -0.0707372016677029, 0.0707372016677029]]],
        'dtypes': ['float64'],
    },
    'linalg.norm matrix': {
        'values': [9.0],
        'grads': [[[-0.8775825618903728, -0.8775825618903728, -0.8775825618903728, 0.0,
            0.8775825618903728, 0.8775825618903728, 0.8775825618903728], [-0.0, 0.0, 0.0, -0.0,
            0.0, -0.0, 0.0]]],
        'dtypes': ['float64'],
    },
    'log10': {
        'values': [[-inf, -1.0, 0.0, 0.6020599913279624, -3.0, inf, nan, nan]],
        'grads': [[inf, 0.30720776349560874, -0.3479322514440536, -0.10167449295794799,
            -91.54745250117226, 0.0, nan, -0.15054180576853157]],
        'dtypes': ['float64'],
    },
    'log2': {
        'values': [[-inf, -3.321928094887362, 0.0, 2.0, -9.965784284662087, inf, nan, nan]],
        'grads': [[inf, 1.020522100523575, -1.1558059211894156, -0.33775535469043466,
            -304.1140544790104, 0.0, nan, -0.5000890540375614]],
        'dtypes': ['float64'],
    },
    'logaddexp': {
        'values': [[0.6931471805599453, 1.0, inf, 1000.3132616875182, -999.6867383124818, nan,
            2.6931471805599454, -inf]],
        'grads': [[0.4387912809451864, 0.0, -0.8011436155469337, -0.6846046947593725,
            -0.1541040775130414, nan, 0.48829381286401174, nan], [0.4387912809451864,
            0.0707372016677029, -0.0, -0.2518519925314238, -0.0566917219177383, nan,
            0.48829381286401174, nan]],
        'dtypes': ['float64'],
    },
    'logcumsumexp': {
        'values': [[[0.0, 1.3132616875182228, 1.3490122167681864, 1000.0, 1000.6931471805599],
            [0.5, 0.5, 0.9740769841801067, 0.9740769841801067, 3.1238729583693674]]],
        'grads': [[[0.6887127929902637, -0.513401260746426, -0.02813538423269566,
            -1.0418545870062088, -0.10539789971539801], [1.453979495449115, 0.0,
            -0.14027714003589983, 0.0, -0.8809936964401079]]],
        'dtypes': ['float64'],
    },
    'matrix_norm -inf': {
        'values': [[[7.9]]],
        'grads': [[[-0.0, -0.0, -0.0, 0.0, 0.0, 0.0, 0.0], [-0.8775825618903728,
            0.8775825618903728, 0.8775825618903728, -0.8775825618903728, 0.8775825618903728,
            -0.8775825618903728, 0.8775825618903728]]],
        'dtypes': ['float64'],
    },
    'matrix_norm 1': {
        'values': [5.5],
        'grads': [[[-0.0, -0.0, -0.0, 0.0, 0.0, 0.0, 0.8775825618903728], [-0.0, 0.0, 0.0, -0.0,
            0.0, -0.0, 0.8775825618903728]]],
        'dtypes': ['float64'],
    },
    'matrix_norm fro': {
        'values': [5.648911399553015],
        'grads': [[[-0.38838569939325557, -0.23303141963595334, -0.07767713987865112, 0.0,
            0.07767713987865112, 0.23303141963595334, 0.38838569939325557], [-0.04660628392719067,
            0.10874799583011156, 0.18642513570876268, -0.2641022755874138, 0.0761235970810781,
            -0.07923068267622414, 0.46606283927190667]]],
        'dtypes': ['float64'],
    },
    'mean dtype': {
        'values': [[0.0, 0.4114285707473755]],
        'grads': [[[0.12536893784999847, 0.12536893784999847, 0.12536893784999847,
            0.12536893784999847, 0.12536893784999847, 0.12536893784999847, 0.12536893784999847],
            [0.010105314664542675, 0.010105314664542675, 0.010105314664542675,
            0.010105314664542675, 0.010105314664542675, 0.010105314664542675,
            0.010105314664542675]]],
        'dtypes': ['float64'],
    },
    'median': {
        'values': [2.0],
        'grads': [[[0.0, 0.0, 0.8775825618903728], [0.0, 0.0, 0.0]]],
        'dtypes': ['float64'],
    },
    'median dim': {
        'values': [[2.0, 1.5], [2, 2]],
        'grads': [[[0.0, 0.0, 0.8775825618903728, 0.0], [0.0, 0.0, 0.0707372016677029, 0.0]]],
        'dtypes': ['float64', 'int64'],
    },
    'median dim keepdim': {
        'values': [[[4.0, nan]], [[2, 1]]],
        'grads': [[[0.0, 0.0], [0.0, 0.0707372016677029], [0.8775825618903728, 0.0]]],
        'dtypes': ['float64', 'int64'],
    },
    'median nan': {
        'values': [nan],
        'grads': [[0.0, 0.8775825618903728, 0.0]],
        'dtypes': ['float64'],
    },
    'median ties': {
        'values': [2.0],
        'grads': [[0.0, 0.29252752063012427, 0.29252752063012427, 0.29252752063012427, 0.0]],
        'dtypes': ['float64'],
    },
    'nan_to_num': {
        'values': [[0.0, -0.0, 1.0, -1.0, 1.7976931348623157e+308, -1.7976931348623157e+308, 0.0,
            0.25]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.8011436155469337,
            -0.9364566872907963, -0.0, 0.0, 0.0, 0.3466353178350258]],
        'dtypes': ['float64'],
    },
    'nan_to_num values': {
        'values': [[0.0, -0.0, 1.0, -1.0, 2.0, -3.0, 1.0, 0.25]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -0.8011436155469337,
            -0.9364566872907963, -0.0, 0.0, 0.0, 0.3466353178350258]],
        'dtypes': ['float64'],
    },
    'nanmean': {
        'values': [[1.5, 3.0]],
        'grads': [[[0.4387912809451864, 0.0, 0.4387912809451864], [0.0, 0.0707372016677029, 0.0]]],
        'dtypes': ['float64'],
    },
    'nanmean all nan': {
        'values': [[1.5, nan]],
        'grads': [[[0.4387912809451864, 0.4387912809451864], [nan, nan]]],
        'dtypes': ['float64'],
    },
    'nansum': {
        'values': [[3.0, 0.0]],
        'grads': [[[0.8775825618903728, 0.0, 0.8775825618903728], [0.0, 0.0, 0.0]]],
        'dtypes': ['float64'],
    },
    'norm': {
        'values': [5.648911399553015],
        'grads': [[[-0.38838569939325557, -0.23303141963595334, -0.07767713987865112, 0.0,
            0.07767713987865112, 0.23303141963595334, 0.38838569939325557], [-0.04660628392719067,
            0.10874799583011156, 0.18642513570876268, -0.2641022755874138, 0.0761235970810781,
            -0.07923068267622414, 0.46606283927190667]]],
        'dtypes': ['float64'],
    },
    'norm 1': {
        'values': [16.9],
        'grads': [[[-0.8775825618903728, -0.8775825618903728, -0.8775825618903728, 0.0,
            0.8775825618903728, 0.8775825618903728, 0.8775825618903728], [-0.8775825618903728,
            0.8775825618903728, 0.8775825618903728, -0.8775825618903728, 0.8775825618903728,
            -0.8775825618903728, 0.8775825618903728]]],
        'dtypes': ['float64'],
    },
    'norm 3 dim': {
        'values': [[[3.3693320504026665], [3.2478897543610192]]],
        'grads': [[[-0.48314821121760043, -0.17393335603833615, -0.019325928448704018, 0.0,
            0.019325928448704018, 0.17393335603833615, 0.48314821121760043],
            [-0.0006035146631734096, 0.00328580205505523, 0.009656234610774554,
            -0.019379526406346152, 0.0016100430069770626, -0.001744157376571154,
            0.060351466317340965]]],
        'dtypes': ['float64'],
    },
    'norm fro dim': {
        'values': [[2.5179356624028344, 1.6552945357246849, 1.3, 1.7, 0.7000714249274855,
            1.5843295111813072, 3.905124837953327]],
        'grads': [[[-0.8713313995609668, -0.06410085952171735, 0.3081321598257437, -0.0,
            -0.15055306639077165, 0.6709492273765025, 0.6251961628964545], [-0.10455976794731602,
            0.02991373444346809, -0.7395171835817849, 0.9364566872907963, -0.14754200506295623,
            -0.22812273730801086, 0.7502353954757454]]],
        'dtypes': ['float64'],
    },
    'norm inf': {
        'values': [3.0],
        'grads': [[[0.0, -0.4387912809451864], [0.4387912809451864, 0.0]]],
        'dtypes': ['float64'],
    },
    'norm zero row': {
        'values': [[0.0, 5.0]],
        'grads': [[[0.0, 0.0], [0.042442321000621744, 0.056589761334162325]]],
        'dtypes': ['float64'],
    },
    'pow -1': {
        'values': [[inf, -inf, 1.0, -1.0, 0.0, -0.0, nan, 4.0, -0.3333333333333333]],
        'grads': [[-inf, -inf, 0.8011436155469337, 0.9364566872907963, 0.0, -0.0, nan,
            -5.546165085360413, 0.06689021140942485]],
        'dtypes': ['float64'],
    },
    'pow -2': {
        'values': [[inf, inf, 1.0, 1.0, 0.0, 0.0, nan, 16.0, 0.1111111111111111]],
        'grads': [[-inf, inf, 1.6022872310938674, -1.8729133745815927, 0.0, 0.0, nan,
            -44.369320682883306, -0.04459347427294989]],
        'dtypes': ['float64'],
    },
    'pow 0.5': {
        'values': [[0.0, 0.31622776601683794, 1.0, 2.0, 0.03162277660168379, inf, nan, nan]],
        'grads': [[inf, 0.11184533628830115, -0.40057180777346685, -0.23411417182269909,
            -3.3329742369864452, 0.0, nan, nan]],
        'dtypes': ['float64'],
    },
    'pow 2': {
        'values': [[0.0, 0.0, 1.0, 1.0, inf, inf, nan, 0.0625, 9.0]],
        'grads': [[0.0, -0.0, -1.6022872310938674, 1.8729133745815927, -inf, -inf, nan,
            0.1733176589175129, 3.612071416108942]],
        'dtypes': ['float64'],
    },
    'pow 2.0': {
        'values': [[2.25, 0.0, 9.0]],
        'grads': [[-2.6327476856711183, 0.0, -4.806861693281602]],
        'dtypes': ['float64'],
    },
    'pow 3': {
        'values': [[0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 0.015625, -27.0]],
        'grads': [[0.0, 0.0, -2.403430846640801, -2.809370061872389, -inf, inf, nan,
            0.06499412209406734, -16.25432137249024]],
        'dtypes': ['float64'],
    },
    'pow 4': {
        'values': [[0.0, 0.0, 1.0, 1.0, inf, inf, nan, 0.00390625, 81.0]],
        'grads': [[0.0, -0.0, -3.204574462187735, 3.7458267491631854, -inf, -inf, nan,
            0.021664707364689114, 65.01728548996095]],
        'dtypes': ['float64'],
    },
    'prod dtype': {
        'values': [[-0.0, -0.3211715093086487]],
        'grads': [[[0.0, 0.0, 0.0, -3.0852510929107666, -0.0, -0.0, -0.0], [0.07572924345731735,
            -0.03245539218187332, -0.018932310864329338, 0.013363984413444996,
            -0.04636484384536743, 0.044546615332365036, -0.007572924718260765]]],
        'dtypes': ['float64'],
    },
    'reciprocal': {
        'values': [[inf, -inf, 1.0, -1.0, 0.0, -0.0, nan, 4.0]],
        'grads': [[-inf, -inf, 0.8011436155469337, 0.9364566872907963, 0.0, -0.0, nan,
            -5.546165085360413]],
        'dtypes': ['float64'],
    },
    'round': {
        'values': [[-2.0, -2.0, -0.0, 0.0, 0.0, 2.0, 2.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan,
            0.0]],
        'grads': [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'round decimals': {
        'values': [[0.2, 0.4, -1.0, 2.4, 1e+300]],
        'grads': [[0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'rsqrt': {
        'values': [[inf, 3.162277660168379, 1.0, 0.5, 31.622776601683796, 0.0, nan, nan]],
        'grads': [[-inf, -1.1184533628830113, 0.40057180777346685, 0.05852854295567477,
            3332.974236986446, -0.0, nan, nan]],
        'dtypes': ['float64'],
    },
    'sinh': {
        'values': [[0.0, -0.0, 1.1752011936438014, -1.1752011936438014, inf, -inf, nan,
            0.2526123168081683]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -1.236229198856342, -1.4450281795016622,
            -inf, inf, nan, 0.3575242076959651]],
        'dtypes': ['float64'],
    },
    'square': {
        'values': [[0.0, 0.0, 1.0, 1.0, inf, inf, nan, 0.0625]],
        'grads': [[0.0, -0.0, -1.6022872310938674, 1.8729133745815927, -inf, -inf, nan,
            0.1733176589175129]],
        'dtypes': ['float64'],
    },
    'std_mean': {
        'values': [[1.1, 1.1, 0.85, 0.85, 0.0050000000000000044, 1.005, 0.25], [-1.4,
            -0.3999999999999999, 0.35, -0.85, 0.495, 0.4950000000000001, 2.75]],
        'grads': [[[0.0, 0.0, 0.0, -0.9364566872907963, -0.2107957994307797, 0.70866977429126,
            0.0], [0.8775825618903728, 0.0707372016677029, -0.8011436155469337, 0.0,
            1.3877787807814457e-17, 0.0, 0.9765876257280235]]],
        'dtypes': ['float64', 'float64'],
    },
    'std_mean zero spread': {
        'values': [[0.0, 0.7071067811865476], [1.0, 2.5]],
        'grads': [[[0.4387912809451864, 0.4387912809451864], [-0.01465015414754163,
            0.08538735581524454]]],
        'dtypes': ['float64', 'float64'],
    },
    'sum dtype': {
        'values': [2.8799999952316284],
        'grads': [[[0.8775825500488281, 0.8775825500488281, 0.8775825500488281, 0.8775825500488281,
            0.8775825500488281, 0.8775825500488281, 0.8775825500488281], [0.8775825500488281,
            0.8775825500488281, 0.8775825500488281, 0.8775825500488281, 0.8775825500488281,
            0.8775825500488281, 0.8775825500488281]]],
        'dtypes': ['float64'],
    },
    'tan': {
        'values': [[0.0, -0.0, 1.5574077246549023, -1.5574077246549023, nan, nan, nan,
            0.25534192122103627, 14.101419947171719]],
        'grads': [[0.8775825618903728, 0.0707372016677029, -2.7443325332316055, -3.207850007192465,
            nan, nan, nan, 0.369235766107701, -120.31210555704044]],
        'dtypes': ['float64'],
    },
    'trunc': {
        'values': [[-2.0, -1.0, -0.0, 0.0, 0.0, 1.0, 2.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan,
            0.0]],
        'grads': [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
        'dtypes': ['float64'],
    },
    'var_mean': {
        'values': [[2.9166666666666665, 2.204214285714286], [-5.551115123125783e-17,
            0.4114285714285714]],
        'grads': [[[-0.6059498641624002, -0.31342234353227594, -0.020894822902151722,
            0.1253689374129104, 0.2716326977279725, 0.5641602183580967, 0.8566877389882208],
            [-0.006669507585811987, 0.016909559636755646, 0.028699093248039462,
            -0.03968020169740667, 0.011957955520016444, -0.01162111170255119, 0.0711414142486612]]],
        'dtypes': ['float64', 'float64'],
    },
    'vector_norm -inf': {
        'values': [[1.0, 2.0]],
        'grads': [[[0.4387912809451864, -0.0], [-0.4387912809451864, 0.0707372016677029]]],
        'dtypes': ['float64'],
    },
    'vector_norm 0': {
        'values': [2.0],
        'grads': [None],
        'dtypes': ['float64'],
    },
    'vector_norm 0.5': {
        'values': [9.0],
        'grads': [[0.0, 2.6327476856711183, -1.3163738428355591]],
        'dtypes': ['float64'],
    },
    'vector_norm 1.5 zeros': {
        'values': [[0.0, 2.0, 1.5874010519681994]],
        'grads': [[[0.0, 0.0], [0.0, 0.0707372016677029], [0.6358681090484046,
            -0.6358681090484046]]],
        'dtypes': ['float64'],
    },
    'xlogy': {
        'values': [[0.0, 0.0, nan, -inf, -1.0986122886681098, inf, 0.0, nan]],
        'grads': [[0.0, 0.04903129189666853, nan, inf, -0.23158285565427272, inf, 0.0, nan], [nan,
            0.0, nan, -inf, 0.07026526647692656, 0.0, -0.0, -0.5199529767525387]],
        'dtypes': ['float64'],
    },
    'xlogy broadcast': {
        'values': [[[0.0, 0.0, 0.0], [-1.3862943611198906, 0.0, 2.772588722239781]]],
        'grads': [[[-1.7189147551628012], [1.631527224508201]], [-3.7458267491631854,
            -0.4215915988615594, 0.35433488714563]],
        'dtypes': ['float64'],
    },
}


def test_float32_erf_is_within_three_ulps_of_the_exact_erf_everywhere():
    # float32 (and float16) erf is a polynomial in a tanh (primitives._erf): its worst relative
    # error over a dense grid, the tails and the special values, against the standard library's.
    import math

    xs = np.concatenate([np.linspace(-6, 6, 200_001), np.geomspace(1e-30, 1e-3, 200),
                         -np.geomspace(1e-30, 1e-3, 200)]).astype(np.float32)
    exact = np.array([math.erf(float(v)) for v in xs])
    got = am.erf(am.tensor(xs)).numpy().astype(np.float64)
    nonzero = exact != 0
    ulps = np.abs(got - exact)[nonzero] / np.abs(exact[nonzero]) / np.finfo(np.float32).eps
    assert (got[~nonzero] == 0).all()
    assert ulps.max() < 3.0, (ulps.max(), xs[nonzero][ulps.argmax()])
    special = am.erf(am.tensor(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], np.float32))).numpy()
    np.testing.assert_array_equal(special[1:], [1.0, -1.0, 0.0, -0.0])
    assert np.isnan(special[0]) and np.signbit(special[4])
    half = am.erf(am.tensor(np.array([0.5, -2.0], np.float16)))
    assert half.dtype == am.float16
    np.testing.assert_allclose(half.numpy(), [math.erf(0.5), math.erf(-2.0)], rtol=1e-3)


def test_gelu_and_layer_norm_are_one_node_each_and_match_torchs_numbers():
    # Fused primitives (nn/_transformer_primitives.py); PyTorch 2.13's values, written in:
    # torch.nn.functional.gelu(torch.tensor([-3., -0.5, 0., 0.7, 2.5])) and its gradient of sum.
    import autograd_mini.nn.functional as F

    x = am.tensor([-3.0, -0.5, 0.0, 0.7, 2.5], requires_grad=True)
    y = F.gelu(x)
    assert y.grad_fn.name() == "GeluBackward"
    np.testing.assert_allclose(y.detach().numpy(),
                               [-0.004050225019454956, -0.1542687714099884, 0.0,
                                0.5306254625320435, 2.48447585105896], rtol=2e-4, atol=1e-7)
    # (rtol 2e-4: at -3, 1 + erf cancels in float32 in both libraries; the exact value is
    # -0.00404969, which autograd_mini is nearer to than PyTorch's -0.00405023)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(),
                               [-0.011945605278015137, 0.1325049102306366, 0.5,
                                0.9766141176223755, 1.0376110076904297], rtol=2e-4, atol=1e-7)
    h = am.tensor([[1.0, 2.0, 4.0], [-1.0, 0.0, 3.0]], requires_grad=True)
    w = am.tensor([1.0, -2.0, 0.5], requires_grad=True)
    out = F.layer_norm(h, (3,), w, am.tensor([0.0, 1.0, 2.0]))
    assert out.grad_fn.name() == "LayerNormBackward"
    (out * am.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(),
                               [[-1.06904137134552, 1.5345206260681152, 2.6681509017944336],
                                [-0.9805789589881897, 1.7844631671905518, 2.6864051818847656]],
                               rtol=1e-6)
    np.testing.assert_allclose(h.grad.numpy(),
                               [[1.7753684520721436, -2.663059711456299, 0.8876907825469971],
                                [-0.3733743727207184, 0.49783235788345337, -0.12445807456970215]],
                               rtol=1e-5)
    np.testing.assert_allclose(w.grad.numpy(),
                               [-1.5593308210372925, -0.14228907227516174, 6.754526615142822],
                               rtol=1e-5)
    with pytest.raises(am.ShapeError, match=r"weight of shape \(3,\)"):
        F.layer_norm(h, (3,), am.ones(2))


def test_gelu_and_layer_norm_agree_with_torch_live():
    torch = pytest.importorskip("torch")
    import autograd_mini.nn.functional as F

    rng = np.random.default_rng(3)
    for dtype in (np.float32, np.float64):
        xs = rng.standard_normal((4, 5, 6)).astype(dtype) * 3
        g = rng.standard_normal((4, 5, 6)).astype(dtype)
        wb = rng.standard_normal((2, 5, 6)).astype(dtype)
        a = am.tensor(xs, requires_grad=True)
        wa, ba = am.tensor(wb[0], requires_grad=True), am.tensor(wb[1], requires_grad=True)
        t = torch.tensor(xs, requires_grad=True)
        wt, bt = torch.tensor(wb[0], requires_grad=True), torch.tensor(wb[1], requires_grad=True)
        (F.gelu(a) * am.tensor(g)).sum().backward()
        (torch.nn.functional.gelu(t) * torch.tensor(g)).sum().backward()
        (F.layer_norm(a, (5, 6), wa, ba) * am.tensor(g)).sum().backward()
        (torch.nn.functional.layer_norm(t, (5, 6), wt, bt) * torch.tensor(g)).sum().backward()
        tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
        for mine, theirs in ((a.grad, t.grad), (wa.grad, wt.grad), (ba.grad, bt.grad)):
            np.testing.assert_allclose(mine.numpy(), theirs.numpy(), **tol)
