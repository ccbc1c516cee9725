"""Indexing laid out as PyTorch lays it out, bitwise and logical operators, remainders and rounded
division, and truth reductions (all, any, isclose, allclose, equal).

A. Indexing. PyTorch applies an int index first, as a selection (a view), so an int does not count
   as an index array: `x[0, :, [0, 1]]` of a (2, 3, 4) tensor has shape (3, 2) in PyTorch, (2, 3)
   in NumPy. Values, gradients and assignments follow PyTorch's layout; basic indexing stays a
   view, index arrays and masks copy; a 0-d integer tensor index is an int.
B. `& | ^ ~` are bitwise on integer tensors, logical on bool tensors, errors on floats; the
   `logical_*` functions take any dtype.
C. `%`, `//`, `remainder`, `fmod`, `floor_divide`, `div(rounding_mode=...)`: PyTorch's signs and
   dtypes, gradients where PyTorch defines them.
D. `all`/`any` give bool tensors (0-d without dim); `isclose`, `allclose`, `equal`.

Every table holds PyTorch 2.13's results as literals, so the file runs without torch; where torch is
installed the same expressions also run on torch, and random index expressions (hypothesis) are
compared with it: shapes, values, gradients and assignments. Without torch the random expressions
are checked against a NumPy reference of PyTorch's rule (the ints applied first, as a basic index).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_mini as am

NAN, INF = math.nan, math.inf


class _TorchAsAm:
    """`am.name` in a case string, run on torch: torch's function of the same name."""

    def __init__(self, torch: Any) -> None:
        self._torch = torch

    def __getattr__(self, name: str) -> Any:
        return getattr(self._torch, name)


def _namespace(lib: Any) -> dict[str, Any]:
    """The names the case strings use, made with `lib` (autograd_mini, or torch)."""
    def arr(values: Any, dtype: Any) -> Any:
        return lib.tensor(np.asarray(values, dtype=dtype))

    def T(values: Any) -> Any:  # noqa: N802 (torch.tensor's inference: ints int64, bools bool)
        return lib.tensor(values)

    def F(values: Any) -> Any:  # noqa: N802
        return arr(values, np.float32)

    def H(values: Any) -> Any:  # noqa: N802
        return arr(values, np.float16)

    i = arr([5, -5, 6, -6], np.int64)
    return {
        "am": am if lib is am else _TorchAsAm(lib), "T": T, "F": F, "H": H,
        "x": arr(np.arange(24).reshape(2, 3, 4), np.int64),
        "i": i, "j": arr([3, 3, -4, -4], np.int64),
        "i32": arr([5, -5, 6, -6], np.int32), "i8": arr([5, -5, 6, -6], np.int8),
        "u8": arr([5, 250, 6, 1], np.uint8),
        "b": T([True, False, True, False]), "c": T([True, True, False, False]),
        "f": F([5.5, -5.5, 6.0, -6.0]), "g": F([3.0, 3.0, -4.0, -4.0]),
        "m": T([[True, True, False], [True, True, True]]),
        "z": F([-0.0, 0.0, -6.0, 6.0]), "zd": F([3.0, -3.0, 3.0, -3.0]),
        "inf": F([INF, 1.0, 1.0, -1.0]), "infd": F([3.0, INF, -INF, INF]),
        "one": F([1.0, -1.0, 0.0, -0.0]), "min64": arr([-2**63], np.int64),
        "NAN": NAN, "INF": INF,
    }


def _run(case: str, lib: Any = am) -> Any:
    return eval(case, _namespace(lib))  # noqa: S307 (the case strings are this file's literals)


def _described(out: Any) -> Any:
    """A result as the tables write it: (values, dtype name) for a tensor; a bool as it is."""
    if isinstance(out, bool):
        return out
    return out.tolist(), str(out.dtype).removeprefix("torch.")


def _assert_same(got: Any, want: Any, what: str) -> None:
    """Equal results: the same Python bool, or the same dtype and values (NaN equal to NaN, and
    the sign of a float zero compared too)."""
    if isinstance(want, bool):
        assert type(got) is bool and got == want, f"{what}: {got!r} != {want!r}"
        return
    (got_values, got_dtype), (want_values, want_dtype) = got, want
    assert got_dtype == want_dtype, f"{what}: dtype {got_dtype} != {want_dtype}"
    a, b = np.array(got_values), np.array(want_values)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    np.testing.assert_array_equal(a, b, err_msg=what)
    if a.dtype.kind == "f":  # (the sign of a NaN is not specified)
        np.testing.assert_array_equal(np.signbit(a) & ~np.isnan(a), np.signbit(b) & ~np.isnan(b),
                                      err_msg=f"{what} (signs)")


def _torch() -> Any:
    return pytest.importorskip("torch")


# ---- A: indexing, PyTorch's layout ----------------------------------------------------------
# x = arange(24).reshape(2, 3, 4); T(...) is a tensor index. PyTorch 2.13's shapes and values.
INDEX: dict[str, tuple[tuple[int, ...], list[int]]] = {
    "x[0, :, [0, 1]]": ((3, 2), [0, 1, 4, 5, 8, 9]),
    "x[0, ..., [0, 1]]": ((3, 2), [0, 1, 4, 5, 8, 9]),
    "x[-1, :, [-1, 0]]": ((3, 2), [15, 12, 19, 16, 23, 20]),
    "x[..., 0, [0, 1]]": ((2, 2), [0, 1, 12, 13]),
    "x[:, 0, [0, 1]]": ((2, 2), [0, 1, 12, 13]),
    "x[[0, 1], :, 0]": ((2, 3), [0, 4, 8, 12, 16, 20]),
    "x[[0, 1], 0]": ((2, 4), [0, 1, 2, 3, 12, 13, 14, 15]),
    "x[[1, 0], 1, [0, 3]]": ((2,), [16, 7]),
    "x[[0, 1], :, [0, 1]]": ((2, 3), [0, 4, 8, 13, 17, 21]),
    "x[[0, 1], None, [0, 1]]": ((2, 1, 4), [0, 1, 2, 3, 16, 17, 18, 19]),
    "x[None, 0, :, [0, 1]]": ((1, 3, 2), [0, 1, 4, 5, 8, 9]),
    "x[None, 0, None, :, [0, 1]]": ((1, 1, 3, 2), [0, 1, 4, 5, 8, 9]),
    "x[0, None, :, [2, 1]]": ((1, 3, 2), [2, 1, 6, 5, 10, 9]),
    "x[0, :, [[0, 1], [2, 3]]]": ((3, 2, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    "x[1, :, [True, False, True, True]]": ((3, 3), [12, 14, 15, 16, 18, 19, 20, 22, 23]),
    "x[0, [True, False, True]]": ((2, 4), [0, 1, 2, 3, 8, 9, 10, 11]),
    "x[:, [True, False, True], 1]": ((2, 2), [1, 9, 13, 21]),
    "x[[True, False], :, 1]": ((1, 3), [1, 5, 9]),
    "x[0, :, True]": ((3, 1, 4), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    "x[0, :, False]": ((3, 0, 4), []),
    "x[True, 0]": ((1, 3, 4), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    "x[T(0), :, [0, 1]]": ((3, 2), [0, 1, 4, 5, 8, 9]),
    "x[:, T(1), [0, 1]]": ((2, 2), [4, 5, 16, 17]),
    "x[T([1, 0]), :, T(2)]": ((2, 3), [14, 18, 22, 2, 6, 10]),
    "x[1, 1:3, [2, 0]]": ((2, 2), [18, 16, 22, 20]),
    "x[1:, 0, [0, 1, 1]]": ((1, 3), [12, 13, 13]),
    "x[:, [0, 2], ..., [0, 1]]": ((2, 2), [0, 9, 12, 21]),
    "x[:, [0, 2], [0, 1]]": ((2, 2), [0, 9, 12, 21]),
    "x[[[0], [1]], :, [0, 1]]": ((2, 2, 3), [0, 4, 8, 1, 5, 9, 12, 16, 20, 13, 17, 21]),
    "x[[0, 0, 1]]": ((3, 3, 4), list(range(12)) * 2 + list(range(12, 24))),
    "x[T([[0, 1], [1, 1]])]": ((2, 2, 3, 4), list(range(24)) + list(range(12, 24)) * 2),
    "x[[]]": ((0, 3, 4), []),
    "x[0, :, []]": ((3, 0), []),
    "x[T(1)]": ((3, 4), list(range(12, 24))),
    "x[T(1), 1:]": ((2, 4), list(range(16, 24))),
    "x[0]": ((3, 4), list(range(12))),
    "x[:, 1:3]": ((2, 2, 4), [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]),
    "x[None, ..., 2]": ((1, 2, 3), [2, 6, 10, 14, 18, 22]),
    "x[1, -1, -1]": ((), [23]),
    "x[T([[True, False, True], [False, True, True]])]": (
        (4, 4), [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]),
    "x[:, T([[True, False, True, False]] * 3)]": (
        (2, 6), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]),
    "x[0, T([[True, False, True, False]] * 3)]": ((6,), [0, 2, 4, 6, 8, 10]),
    "x[1, None, [0, 2], None, 1:3]": ((1, 2, 1, 2), [13, 14, 21, 22]),
}
# Cases whose shape NumPy's own rule gets wrong (so the table tests the difference).
NUMPY_DIFFERS = {"x[0, :, [0, 1]]": (2, 3), "x[0, :, True]": (1, 3, 4),
                 "x[None, 0, None, :, [0, 1]]": (2, 1, 1, 3)}


@pytest.mark.parametrize("case", sorted(INDEX))
def test_index_layout_is_pytorchs(case: str) -> None:
    shape, values = INDEX[case]
    y = _run(case)
    assert y.shape == shape and y.dtype == np.int64
    assert y.flatten().tolist() == values


def test_the_table_holds_cases_numpy_lays_out_differently() -> None:
    x = np.arange(24).reshape(2, 3, 4)
    for case, numpy_shape in NUMPY_DIFFERS.items():
        assert eval(case, {"x": x}).shape == numpy_shape != INDEX[case][0]  # noqa: S307


@pytest.mark.parametrize("case", sorted(INDEX))
def test_index_table_against_torch(case: str) -> None:
    torch = _torch()
    y = _run(case, torch)
    assert (tuple(y.shape), y.flatten().tolist()) == INDEX[case]


def _leaf_and_weights(shape: tuple[int, ...], seed: int = 0) -> tuple[np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), rng


@pytest.mark.parametrize("case", sorted(INDEX))
def test_index_gradients_and_assignment_follow_the_layout(case: str) -> None:
    """The gradient of sum(w * x[index]) scatters w back in PyTorch's layout, and `x[index] = v`
    writes v in that layout, checked against the NumPy reference of PyTorch's rule."""
    values, rng = _leaf_and_weights((2, 3, 4))
    index = _index_of(case)
    first, second = _reference_steps(index, 3)
    x = am.tensor(values, requires_grad=True)
    y = x[index]
    w = rng.standard_normal(y.shape)
    (y * am.tensor(w)).sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), _reference_get(values, first, second))
    # (to rounding: repeated rows are summed by np.add.reduceat, whose order may differ from the
    # reference's np.add.at by an ulp)
    np.testing.assert_allclose(x.grad.numpy(), _reference_grad(values.shape, first, second, w),
                               rtol=1e-13, atol=1e-15)
    if _selects_each_once(values.shape, first, second):
        v = rng.standard_normal(y.shape)
        target = am.tensor(values.copy())
        target[index] = v
        np.testing.assert_array_equal(target.numpy(), _reference_set(values, first, second, v))


class _IndexCatcher:
    """`x[...]` returns the index it was given (to read a case string's index)."""

    def __getitem__(self, index: Any) -> Any:
        return index


def _index_of(case: str) -> Any:
    """The (autograd_mini) index of a case string `x[...]`."""
    return eval(case, {**_namespace(am), "x": _IndexCatcher()})  # noqa: S307


# ---- the NumPy reference of PyTorch's rule --------------------------------------------------
def _as_numpy_part(part: Any) -> Any:
    """An index part in NumPy's terms: Tensors and lists as arrays, a 0-d integer as an int."""
    if isinstance(part, am.Tensor) or type(part).__module__.startswith("torch"):
        part = np.asarray(part)
    if isinstance(part, list):
        part = np.asarray(part) if len(part) else np.zeros(0, dtype=np.int64)
    if isinstance(part, np.ndarray) and part.ndim == 0:
        return bool(part) if part.dtype == np.bool_ else int(part)
    return part


def _reference_steps(index: Any, ndim: int) -> tuple[tuple, tuple]:
    """PyTorch's indexing as two NumPy indices: first the ints as a basic index (with the slices
    and Nones), then the index arrays, masks and bools on what is left, where the slices and
    Nones already applied are full slices. With no ints left, NumPy's rule is PyTorch's."""
    parts = [_as_numpy_part(p) for p in (index if isinstance(index, tuple) else (index,))]

    def takes(p: Any) -> int:
        if isinstance(p, np.ndarray):
            return p.ndim if p.dtype == np.bool_ else 1
        return 0 if p is None or p is Ellipsis or isinstance(p, bool) else 1

    fill = ndim - sum(takes(p) for p in parts)
    first: list[Any] = []
    second: list[Any] = []
    for p in parts:
        if p is Ellipsis:
            first += [slice(None)] * fill
            second += [slice(None)] * fill
        elif isinstance(p, bool):
            second.append(p)
        elif isinstance(p, (int, np.integer)):
            first.append(p)
        elif isinstance(p, np.ndarray):
            first += [slice(None)] * takes(p)
            second.append(p)
        else:  # a slice or None
            first.append(p)
            second.append(slice(None))
    return tuple(first) + (Ellipsis,), tuple(second)


def _reference_get(a: np.ndarray, first: tuple, second: tuple) -> np.ndarray:
    return a[first][second]


def _reference_grad(shape: tuple, first: tuple, second: tuple, w: np.ndarray) -> np.ndarray:
    g = np.zeros(shape)
    np.add.at(g[first], second, w)
    return g


def _reference_set(a: np.ndarray, first: tuple, second: tuple, v: Any) -> np.ndarray:
    out = a.copy()
    out[first][second] = v
    return out


def _selects_each_once(shape: tuple, first: tuple, second: tuple) -> bool:
    picked = _reference_get(np.arange(math.prod(shape)).reshape(shape), first, second)
    return len(np.unique(picked)) == picked.size


# ---- random index expressions ----------------------------------------------------------------
@st.composite
def index_programs(draw: Any, layout: bool = False) -> tuple[tuple[int, ...], list[tuple]]:
    """A shape and an index for it, as a description that builds both the autograd_mini index and
    the torch one: ints (Python, NumPy, 0-d tensor), slices (positive steps: PyTorch has no
    negative ones), None, one Ellipsis, integer arrays broadcasting to a common shape (lists,
    arrays, tensors), masks over one or two dimensions, bools. Masks and bools may not
    broadcast with the arrays: then both libraries must refuse the index.

    `layout`: one part per dimension, ints, slices and index arrays mixed (at least one of each),
    Nones between them, maybe an Ellipsis for a run of slices: where the layouts of NumPy and
    PyTorch differ."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=2 if layout else 1, max_size=4)))
    block = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    plan = _layout_plan(draw, len(shape)) if layout else None
    parts: list[tuple] = []
    dim, ellipsis, nones = 0, False, 0
    while len(parts) < 7:
        left = len(shape) - dim
        if plan is not None:
            if not plan:
                break
            kind = plan.pop(0)
        else:
            kinds = (["int", "int", "slice", "ints", "ints", "mask", "bool"] if left else [])
            kinds += ["none"] if nones < 2 else []
            kinds += ["ellipsis"] if not ellipsis else []
            kinds += ["stop"] if not ellipsis or not left else []
            kind = draw(st.sampled_from(kinds))
        if kind == "stop":
            break
        n = shape[dim] if left else 0
        if kind == "int":
            parts.append(("int", draw(st.integers(-n, n - 1)),
                          draw(st.sampled_from(["python", "numpy", "tensor"]))))
            dim += 1
        elif kind == "slice":
            bound = st.none() | st.integers(-n - 1, n + 1)
            parts.append(("slice", draw(bound), draw(bound), draw(st.none() | st.integers(1, 3))))
            dim += 1
        elif kind == "none":
            parts.append(("none",))
            nones += 1
        elif kind.startswith("ellipsis"):  # ("ellipsis:k" in a plan: it stands for k dimensions)
            parts.append(("ellipsis",))
            ellipsis = True
            dim += int(kind[9:]) if plan is not None else draw(st.integers(0, left))
        elif kind == "ints":
            sub = block[draw(st.integers(0, len(block) - 1)):]
            sub = tuple(1 if draw(st.integers(0, 3)) == 0 else s for s in sub)
            parts.append(("ints", rng.integers(-n, n, sub),
                          draw(st.sampled_from(["list", "numpy", "tensor"]))))
            dim += 1
        elif kind == "mask":
            k = 1 if plan is not None else draw(st.integers(1, min(2, left)))
            parts.append(("mask", rng.random(shape[dim:dim + k]) < 0.6,
                          draw(st.sampled_from(["list", "numpy", "tensor"]))))
            dim += k
        else:
            parts.append(("bool", draw(st.booleans()), draw(st.booleans())))
    return shape, parts


def _layout_plan(draw: Any, ndim: int) -> list[str]:
    """The kinds of a `layout` program's parts: one per dimension (an int, an index array and a
    slice at least, of those that fit; masks of one dimension), maybe a bool, up to two Nones
    put in, a run of slices maybe written as an Ellipsis (of
    no dimension, even), and the trailing slices maybe left out."""
    kinds = ["int", "ints", "slice"][:ndim] + [
        draw(st.sampled_from(["int", "ints", "slice", "mask"])) for _ in range(ndim - 3)]
    plan = list(draw(st.permutations(kinds)))
    if draw(st.integers(0, 3)) == 0:
        plan.insert(draw(st.integers(0, len(plan))), "bool")
    for _ in range(draw(st.integers(1 if ndim < 3 else 0, 2))):  # (a None separates, too)
        plan.insert(draw(st.integers(0, len(plan))), "none")
    if draw(st.booleans()):
        start = draw(st.integers(0, len(plan)))
        stop = start
        while stop < len(plan) and plan[stop] == "slice":
            stop += 1
        stop = draw(st.integers(start, stop))
        plan[start:stop] = [f"ellipsis:{stop - start}"]
    while plan and plan[-1] == "slice" and draw(st.booleans()):
        plan.pop()
    return plan


def _build_index(parts: list[tuple], lib: Any) -> tuple:
    """The index a description stands for, made for `lib` (autograd_mini or torch). Torch gets
    tensors for arrays (a list of lists is a tuple of indices to PyTorch 2.13, deprecated)."""
    torch = lib is not am
    out: list[Any] = []
    for part in parts:
        kind = part[0]
        if kind == "int":
            _, v, form = part
            out.append(lib.tensor(v) if form == "tensor" else np.int64(v)
                       if form == "numpy" and not torch else v)
        elif kind == "slice":
            out.append(slice(*part[1:]))
        elif kind == "none":
            out.append(None)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind in ("ints", "mask"):
            _, a, form = part
            out.append(lib.tensor(a) if torch or form == "tensor"
                       else a.tolist() if form == "list" else a)
        else:
            _, v, as_tensor = part
            out.append(lib.tensor(v) if as_tensor else v)
    return tuple(out)


def _uses_only_basic(parts: list[tuple]) -> bool:
    return all(p[0] in ("int", "slice", "none", "ellipsis") for p in parts)


def _check_against_reference(shape: tuple[int, ...], parts: list[tuple]) -> None:
    index = _build_index(parts, am)
    values, rng = _leaf_and_weights(shape)
    try:
        first, second = _reference_steps(index, len(shape))
        expected = _reference_get(values, first, second)
    except IndexError:
        with pytest.raises(IndexError):
            am.tensor(values)[index]
        return
    x = am.tensor(values, requires_grad=True)
    y = x[index]
    np.testing.assert_array_equal(y.detach().numpy(), expected)
    w = rng.standard_normal(y.shape)
    (y * am.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), _reference_grad(shape, first, second, w))
    plain = am.tensor(values)
    view = plain[index]
    if _uses_only_basic(parts) and view.data.size:
        assert np.shares_memory(view.data, plain.data), "basic indexing must give a view"
    elif not _uses_only_basic(parts):
        assert not np.shares_memory(view.data, plain.data), "advanced indexing must copy"
    if _selects_each_once(shape, first, second):
        v = rng.standard_normal(y.shape[1:] if y.ndim and rng.random() < 0.3 else y.shape)
        plain[index] = v
        np.testing.assert_array_equal(plain.numpy(), _reference_set(values, first, second, v))


PROGRAMS = st.one_of(index_programs(), index_programs(layout=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROGRAMS)
def test_random_indices_follow_the_reference_of_pytorchs_rule(program: Any) -> None:
    _check_against_reference(*program)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROGRAMS)
def test_random_indices_against_torch(program: Any) -> None:
    """Shape, values, the gradient of sum(w * x[index]), and assignment (a recorded one too,
    with the gradients of the tensor and of the value), against torch."""
    torch = _torch()
    shape, parts = program
    values, rng = _leaf_and_weights(shape)
    tx = torch.tensor(values, requires_grad=True)
    x = am.tensor(values, requires_grad=True)
    try:
        ty = tx[_build_index(parts, torch)]
    except (IndexError, RuntimeError):
        with pytest.raises(IndexError):
            x[_build_index(parts, am)]
        return
    try:
        y = x[_build_index(parts, am)]
    except IndexError as exc:
        # PyTorch skips its bounds check when the selection is empty; autograd_mini (as NumPy)
        # still refuses an out-of-bounds index there: a documented difference
        if ty.numel() == 0 and "out of bounds" in str(exc):
            return
        raise
    assert y.shape == tuple(ty.shape)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    w = rng.standard_normal(y.shape)
    (ty * torch.tensor(w)).sum().backward()
    (y * am.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    first, second = _reference_steps(_build_index(parts, am), len(shape))
    if not _selects_each_once(shape, first, second):
        return  # (assigning twice to one element: the last write wins, in an unspecified order)
    value_shape = draw_value_shape(y.shape, rng)
    v = rng.standard_normal(value_shape)
    ta = torch.tensor(values, requires_grad=True)
    tv = torch.tensor(v, requires_grad=True)
    tb = ta * 1.0
    tb[_build_index(parts, torch)] = tv
    a = am.tensor(values, requires_grad=True)
    av = am.tensor(v, requires_grad=True)
    b = a * 1.0
    b[_build_index(parts, am)] = av
    np.testing.assert_array_equal(b.detach().numpy(), tb.detach().numpy())
    w2 = rng.standard_normal(shape)
    (tb * torch.tensor(w2)).sum().backward()
    (b * am.tensor(w2)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_allclose(av.grad.numpy(), tv.grad.numpy(), rtol=1e-12, atol=1e-12)


def draw_value_shape(target: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
    """A value shape that broadcasts to `target`: itself, a suffix, ones in places, or a leading
    1 (which PyTorch and NumPy drop)."""
    kind = rng.integers(0, 4)
    if kind == 1:
        return target[rng.integers(0, len(target) + 1):]
    if kind == 2:
        return tuple(1 if rng.random() < 0.5 else n for n in target)
    if kind == 3:
        return (1,) + target
    return target


def test_basic_indexing_gives_views_and_advanced_indexing_copies() -> None:
    x = am.tensor(np.arange(24.0).reshape(2, 3, 4))
    for view in (x[0], x[:, 1:3], x[0, ..., None], x[am.tensor(1)], x[am.tensor(1), 1:],
                 x[np.int64(1), -1]):
        assert np.shares_memory(view.data, x.data)
    for copy in (x[0, :, [0, 1]], x[[0, 1]], x[x > 3], x[0, :, True]):
        assert not np.shares_memory(copy.data, x.data)
    v = x[am.tensor(1)]
    v[0, 0] = 100.0  # a 0-d integer tensor index selects, as in PyTorch: x sees the write
    assert x[1, 0, 0].item() == 100.0


def test_a_view_from_a_tensor_index_is_tracked_like_any_view() -> None:
    """x[t] with a 0-d int tensor t is a view of a result: the same in-place rules as x[1]."""
    w = am.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = w * 2.0
    row = y[am.tensor(1)]
    with pytest.raises(RuntimeError, match="shares its memory"):
        row += 1.0


@pytest.mark.parametrize("case, value_shape", [
    ("x[0, :, [0, 1]]", (3, 2)), ("x[0, :, [0, 1]]", (2,)), ("x[0, :, [0, 1]]", (3, 1)),
    ("x[0, :, [0, 1]]", (1, 3, 2)), ("x[1, :, [True, False, True, True]]", (3, 3)),
    ("x[None, 0, None, :, [0, 1]]", (3, 2)), ("x[0, :, True]", (4,)),
    ("x[0]", (1, 4)), ("x[0]", (1, 1, 4)), ("x[T(1), 1:]", (4,)),
])
def test_assignment_broadcasts_to_pytorchs_layout(case: str, value_shape: tuple) -> None:
    """`x[index] = v` with v broadcast to PyTorch's selection (leading ones dropped), untracked
    and recorded (gradients of the tensor and the value)."""
    index = _index_of(case)
    values, rng = _leaf_and_weights((2, 3, 4), seed=1)
    v = rng.standard_normal(value_shape)
    first, second = _reference_steps(index, 3)
    plain = am.tensor(values.copy())
    plain[index] = v
    np.testing.assert_array_equal(plain.numpy(), _reference_set(values, first, second, v))
    a = am.tensor(values, requires_grad=True)
    av = am.tensor(v, requires_grad=True)
    b = a * 1.0
    b[index] = av
    np.testing.assert_array_equal(b.detach().numpy(), plain.numpy())
    w = rng.standard_normal((2, 3, 4))
    (b * am.tensor(w)).sum().backward()
    written = _reference_set(np.zeros((2, 3, 4)), first, second, 1.0) == 1.0
    np.testing.assert_array_equal(a.grad.numpy(), np.where(written, 0.0, w))
    expected = _sum_to(_reference_get(w, first, second), value_shape)
    np.testing.assert_allclose(av.grad.numpy(), expected, rtol=1e-12)


def _sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """g summed back to the shape of a value broadcast to it (leading ones dropped first)."""
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    stripped = shape[k:]
    g = g.sum(axis=tuple(range(g.ndim - len(stripped))))
    g = g.sum(axis=tuple(i for i, n in enumerate(stripped) if n == 1), keepdims=True)
    return g.reshape(shape)


def test_assignment_in_numpys_layout_is_refused() -> None:
    x = am.tensor(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"setitem: cannot assign a value of shape \(2, 3\)"):
        x[0, :, [0, 1]] = np.zeros((2, 3))  # PyTorch's selection is (3, 2)
    assert (x.numpy() == 0).all()


def test_index_errors_are_clear() -> None:
    x = am.tensor(np.arange(24).reshape(2, 3, 4))
    with pytest.raises(IndexError, match=r"index \[2, :, \[0\]\] is invalid .* shape \(2, 3, 4\)"):
        x[2, :, [0]]
    with pytest.raises(IndexError, match="index 4 is out of bounds"):
        x[0, :, [4]]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[[True, False, True]]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0, 0]
    with pytest.raises(IndexError, match="integer or boolean, got dtype float64"):
        x[[0.5]]  # (PyTorch 2.13 reads it as x[[0]], an accident of its sequence parsing)
    with pytest.raises(IndexError, match="a tuple, not x"):
        x[[0, slice(None)]]
    with pytest.raises(IndexError, match="nested lists of different lengths"):
        x[[[0, 1], [0]]]
    with pytest.raises(IndexError, match="only integers, slices"):
        x[0.5]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]


# ---- B: bitwise and logical operators -------------------------------------------------------
# i = [5, -5, 6, -6], j = [3, 3, -4, -4] (int64); b, c bool; f, g float32; i32, i8, u8 other
# integer dtypes. PyTorch 2.13's values and dtypes.
BITWISE: dict[str, Any] = {
    "i & j": ([1, 3, 4, -8], "int64"),
    "i | j": ([7, -5, -2, -2], "int64"),
    "i ^ j": ([6, -8, -6, 6], "int64"),
    "~i": ([-6, 4, -7, 5], "int64"),
    "b & c": ([True, False, False, False], "bool"),
    "b | c": ([True, True, True, False], "bool"),
    "b ^ c": ([False, True, True, False], "bool"),
    "~b": ([False, True, False, True], "bool"),
    "b & i": ([1, 0, 0, 0], "int64"),
    "b & 1": ([1, 0, 1, 0], "int64"),
    "b & True": ([True, False, True, False], "bool"),
    "i & True": ([1, 1, 0, 0], "int64"),
    "1 & i": ([1, 1, 0, 0], "int64"),
    "3 | b": ([3, 3, 3, 3], "int64"),
    "6 ^ i": ([3, -3, 0, -4], "int64"),
    "i & T(3)": ([1, 3, 2, 2], "int64"),
    "i32 & j": ([1, 3, 4, -8], "int64"),
    "i32 & T(3)": ([1, 3, 2, 2], "int32"),
    "u8 & j": ([1, 2, 4, 0], "int64"),
    "~u8": ([250, 5, 249, 254], "uint8"),
    "i8 | 1": ([5, -5, 7, -5], "int8"),
    "am.bitwise_and(i, j)": ([1, 3, 4, -8], "int64"),
    "am.bitwise_or(b, c)": ([True, True, True, False], "bool"),
    "am.bitwise_xor(i, 5)": ([0, -2, 3, -1], "int64"),
    "am.bitwise_not(i)": ([-6, 4, -7, 5], "int64"),
    "am.logical_and(f, i)": ([True, True, True, True], "bool"),
    "am.logical_or(f, z)": ([True, True, True, True], "bool"),
    "am.logical_xor(f, i)": ([False, False, False, False], "bool"),
    "am.logical_not(f)": ([False, False, False, False], "bool"),
    "i.bitwise_and(j)": ([1, 3, 4, -8], "int64"),
    "f.logical_not()": ([False, False, False, False], "bool"),
    "f.logical_and(g)": ([True, True, True, True], "bool"),
}

# ---- C: remainders and rounded division -----------------------------------------------------
# z, zd: signed zeros; inf, infd: infinities; one // infd rounds toward -inf; min64 = -2**63.
DIVISION: dict[str, Any] = {
    "i % j": ([2, 1, -2, -2], "int64"),
    "i // j": ([1, -2, -2, 1], "int64"),
    "f % g": ([2.5, 0.5, -2.0, -2.0], "float32"),
    "f // g": ([1.0, -2.0, -2.0, 1.0], "float32"),
    "am.fmod(i, j)": ([2, -2, 2, -2], "int64"),
    "am.remainder(i, j)": ([2, 1, -2, -2], "int64"),
    "am.fmod(f, g)": ([2.5, -2.5, 2.0, -2.0], "float32"),
    "am.remainder(f, g)": ([2.5, 0.5, -2.0, -2.0], "float32"),
    "i % 2.5": ([0.0, -0.0, 1.0, 1.5], "float32"),
    "5 % j": ([2, 2, -3, -3], "int64"),
    "5.5 % j": ([2.5, 2.5, -2.5, -2.5], "float32"),
    "5 // j": ([1, 1, -2, -2], "int64"),
    "i // 2.5": ([2.0, -2.0, 2.0, -3.0], "float32"),
    "f % 0.0": ([NAN, NAN, NAN, NAN], "float32"),
    "f // 0.0": ([INF, -INF, INF, -INF], "float32"),
    "am.fmod(f, 0.0)": ([NAN, NAN, NAN, NAN], "float32"),
    "am.div(i, j, rounding_mode='trunc')": ([1, -1, -1, 1], "int64"),
    "am.div(i, j, rounding_mode='floor')": ([1, -2, -2, 1], "int64"),
    "am.div(f, g, rounding_mode='trunc')": ([1.0, -1.0, -1.0, 1.0], "float32"),
    "am.div(f, g, rounding_mode='floor')": ([1.0, -2.0, -2.0, 1.0], "float32"),
    "am.div(i, j)": ([1.6666666269302368, -1.6666666269302368, -1.5, 1.5], "float32"),
    "am.div(f, 0.0, rounding_mode='trunc')": ([INF, -INF, INF, -INF], "float32"),
    "am.floor_divide(i, j)": ([1, -2, -2, 1], "int64"),
    "am.floor_divide(f, g)": ([1.0, -2.0, -2.0, 1.0], "float32"),
    "b % 2": ([1, 0, 1, 0], "int64"),
    "i32 % 3": ([2, 1, 0, 0], "int32"),
    "i32 // T(3)": ([1, -2, 2, -2], "int32"),
    "u8 % 3": ([2, 1, 0, 1], "uint8"),
    "am.remainder(z, zd)": ([-0.0, 0.0, -0.0, 0.0], "float32"),
    "am.fmod(z, zd)": ([-0.0, 0.0, -0.0, 0.0], "float32"),
    "am.remainder(inf, infd)": ([NAN, 1.0, -INF, INF], "float32"),
    "am.fmod(inf, infd)": ([NAN, 1.0, 1.0, -1.0], "float32"),
    "one // infd": ([0.0, -1.0, -0.0, -0.0], "float32"),
    "am.remainder(min64, T([-1]))": ([0], "int64"),
    "min64 // -1": ([-9223372036854775808], "int64"),
    "am.remainder(H([5.5, -5.5, 6.0, -6.0]), 3)": ([2.5, 0.5, 0.0, -0.0], "float16"),
    "f.remainder(g)": ([2.5, 0.5, -2.0, -2.0], "float32"),
    "f.fmod(2)": ([1.5, -1.5, 0.0, -0.0], "float32"),
    "f.div(g, rounding_mode='trunc')": ([1.0, -1.0, -1.0, 1.0], "float32"),
    "i.div(j, rounding_mode='floor')": ([1, -2, -2, 1], "int64"),
    "i.div(j)": ([1.6666666269302368, -1.6666666269302368, -1.5, 1.5], "float32"),
    "am.remainder(T(5), 3)": (2, "int64"),
    "am.remainder(5, j)": ([2, 2, -3, -3], "int64"),
    "am.remainder(i, g)": ([2.0, 1.0, -2.0, -2.0], "float32"),
}

# ---- D: truth reductions and closeness ------------------------------------------------------
# m = [[True, True, False], [True, True, True]].
LOGIC: dict[str, Any] = {
    "(i == i).all()": (True, "bool"),
    "(i == j).all()": (False, "bool"),
    "(i == j).any()": (False, "bool"),
    "(i == i).all(dim=0)": (True, "bool"),
    "m.all(dim=1)": ([False, True], "bool"),
    "m.all(1, keepdim=True)": ([[False], [True]], "bool"),
    "m.any(dim=0)": ([True, True, True], "bool"),
    "m.all(dim=(0, 1))": (False, "bool"),
    "m.any(-1)": ([True, True], "bool"),
    "i.any()": (True, "bool"),
    "f.all()": (True, "bool"),
    "u8.any()": (1, "uint8"),
    "T([]).all()": (True, "bool"),
    "T([]).any()": (False, "bool"),
    "am.all(m, 0)": ([True, True, False], "bool"),
    "am.any(m)": (True, "bool"),
    "T(1).any(dim=0)": (True, "bool"),
    "am.isclose(F([1., NAN, INF, 1.]), F([1.0000001, NAN, INF, -INF]))": (
        [True, False, True, False], "bool"),
    "am.isclose(F([1., NAN]), F([1., NAN]), equal_nan=True)": ([True, True], "bool"),
    "am.isclose(i, j)": ([False, False, False, False], "bool"),
    "am.isclose(i, j, atol=1)": ([False, False, False, False], "bool"),
    "am.isclose(F([[1.], [2.]]), F([1., 2.]))": ([[True, False], [False, True]], "bool"),
    "am.isclose(F([1.0, 1.1]), F([1.0, 1.0]), rtol=0.2)": ([True, True], "bool"),
    "am.allclose(F([1., 2.]), F([1., 2.0000001]))": True,
    "am.allclose(F([1., 2.]), F([1., 2.1]))": False,
    "am.allclose(F([[1.], [1.]]), F([1., 1.]))": True,
    "am.allclose(F([NAN]), F([NAN]), equal_nan=True)": True,
    "am.equal(i, i.clone())": True,
    "am.equal(i, j)": False,
    "am.equal(T([1, 1]), T([[1, 1]]))": False,
    "am.equal(T([1, 2]), F([1., 2.]))": True,
    "am.equal(F([NAN]), F([NAN]))": False,
    "am.equal(T([True]), T([1]))": True,
    "f.isclose(g)": ([False, False, False, False], "bool"),
    "f.allclose(f)": True,
    "f.equal(f)": True,
}

TABLES = {**{f"bitwise: {k}": v for k, v in BITWISE.items()},
          **{f"division: {k}": v for k, v in DIVISION.items()},
          **{f"logic: {k}": v for k, v in LOGIC.items()}}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_operator_tables(name: str) -> None:
    case = name.split(": ", 1)[1]
    _assert_same(_described(_run(case)), TABLES[name], case)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_operator_tables_against_torch(name: str) -> None:
    torch = _torch()
    case = name.split(": ", 1)[1]
    _assert_same(_described(_run(case, torch)), TABLES[name], f"torch: {case}")


def test_truth_reductions_work_as_conditions() -> None:
    a, b = am.tensor([[1, 2], [3, 4]]), am.tensor([[1, 2], [3, 4]])
    result = (a == b).all()
    assert type(result) is am.Tensor and result.shape == () and result.dtype == np.bool_
    assert result.item() is True and bool(result)
    if not (a == b).all():
        pytest.fail("a 0-d True tensor is true")
    assert not (a != b).any()
    assert np.all(a == b).item() is True  # NumPy's np.all calls the method
    assert type(am.allclose(a * 1.0, b * 1.0)) is bool
    assert type(am.equal(a, b)) is bool


def test_results_carry_no_gradient() -> None:
    f = am.tensor([0.5, -1.5], requires_grad=True)
    for out in (f.all(), f.any(dim=0), am.isclose(f, f), am.logical_not(f),
                am.logical_and(f, f)):
        assert out.dtype == np.bool_ and not out.requires_grad and out.grad_fn is None


# ---- gradients of the division ops ----------------------------------------------------------
def _division_operands() -> tuple[np.ndarray, np.ndarray]:
    return np.array([5.5, -5.5, 6.5, -6.5, 6.0]), np.array([3.0, 3.0, -4.0, -4.0, 3.0])


# d/da and d/db of sum(op(a, b)), PyTorch 2.13's (RemainderBackward, FmodBackward, DivBackward).
GRADIENTS: dict[str, tuple[list[float], list[float]]] = {
    "remainder": ([1.0] * 5, [-1.0, 2.0, 2.0, -1.0, -2.0]),
    "%": ([1.0] * 5, [-1.0, 2.0, 2.0, -1.0, -2.0]),
    "fmod": ([1.0] * 5, [-1.0, 1.0, 1.0, -1.0, -2.0]),
    "div trunc": ([0.0] * 5, [0.0] * 5),
    "div floor": ([0.0] * 5, [0.0] * 5),
}


def _grad_op(name: str, lib: Any) -> Any:
    ns = am if lib is am else lib
    return {"remainder": ns.remainder, "%": lambda a, b: a % b, "fmod": ns.fmod,
            "div trunc": lambda a, b: ns.div(a, b, rounding_mode="trunc"),
            "div floor": lambda a, b: ns.div(a, b, rounding_mode="floor")}[name]


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_division_gradients(name: str) -> None:
    va, vb = _division_operands()
    a, b = am.tensor(va, requires_grad=True), am.tensor(vb, requires_grad=True)
    _grad_op(name, am)(a, b).sum().backward()
    assert (a.grad.tolist(), b.grad.tolist()) == GRADIENTS[name]


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_division_gradients_against_torch(name: str) -> None:
    torch = _torch()
    va, vb = _division_operands()
    a, b = torch.tensor(va, requires_grad=True), torch.tensor(vb, requires_grad=True)
    _grad_op(name, torch)(a, b).sum().backward()
    assert (a.grad.tolist(), b.grad.tolist()) == GRADIENTS[name]


def test_division_gradients_are_differentiable_again() -> None:
    a = am.tensor([5.5, -6.5], requires_grad=True)
    b = am.tensor([3.0, -4.0], requires_grad=True)
    for op in (am.remainder, am.fmod):
        assert am.gradcheck(op, (a.double(), b.double()))
        assert am.gradgradcheck(op, (a.double().detach().requires_grad_(),
                                     b.double().detach().requires_grad_()))
    ga, gb = am.autograd.grad(am.remainder(a, b).sum(), (a, b), create_graph=True)
    assert gb.requires_grad and gb.tolist() == [-1.0, -1.0]  # -floor(a / b), recorded
    assert ga.tolist() == [1.0, 1.0]
    (gbb,) = am.autograd.grad(gb.sum(), (b,))  # the quotient's steps carry no gradient
    assert gbb.tolist() == [0.0, 0.0]


def test_floor_divide_has_no_derivative_as_in_pytorch() -> None:
    a = am.tensor([5.5, -5.5], requires_grad=True)
    y = a // 2.0
    assert y.requires_grad and y.tolist() == [2.0, -3.0]
    with pytest.raises(RuntimeError, match=r"derivative of floor_divide .* not implemented.*"
                                           r"rounding_mode='floor'"):
        y.sum().backward()
    with am.no_grad():
        assert not (a // 2.0).requires_grad
    (am.div(a, 2.0, rounding_mode="floor") * 3).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]


def test_floor_divide_backward_also_fails_in_torch() -> None:
    torch = _torch()
    a = torch.tensor([5.5, -5.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        (a // 2.0).sum().backward()


def test_rounded_division_gradient_stays_zero_for_an_infinite_upstream_gradient() -> None:
    a = am.tensor([5.5, -5.5], requires_grad=True)
    q = am.div(a, 2.0, rounding_mode="trunc")
    (ga,) = am.autograd.grad(q, (a,), am.tensor([math.inf, math.nan]))
    assert ga.tolist() == [0.0, 0.0]


# ---- errors ---------------------------------------------------------------------------------
# The class PyTorch 2.13 raises for each, and what our message says.
ERRORS: dict[str, tuple[type[Exception], str]] = {
    "f & g": (NotImplementedError, "bitwise_and is only implemented for integer and bool"),
    "f | i": (NotImplementedError, "bitwise_or is only implemented .* float32 and int64"),
    "i ^ 1.5": (NotImplementedError, "bitwise_xor .* use am.logical_and"),
    "~f": (TypeError, r"~ \(bitwise_not\) is only implemented on integer and bool .* float32"),
    "am.bitwise_not(f)": (NotImplementedError, "bitwise_not is only implemented"),
    "b % c": (NotImplementedError, "remainder: not implemented for bool tensors"),
    "b // c": (NotImplementedError, "floor_divide: not implemented for bool tensors"),
    "am.div(b, c, rounding_mode='trunc')": (NotImplementedError, "div: not implemented for bool"),
    "i % 0": (RuntimeError, "ZeroDivisionError: remainder of integer tensors by zero"),
    "i // 0": (RuntimeError, "ZeroDivisionError: floor_divide of integer tensors by zero"),
    "am.fmod(i, 0)": (RuntimeError, "ZeroDivisionError: fmod"),
    "am.div(i, 0, rounding_mode='floor')": (RuntimeError, "ZeroDivisionError: div"),
    "am.div(i, j, rounding_mode='round')": (RuntimeError, "rounding_mode .* found 'round'"),
    "am.isclose(i, f)": (RuntimeError, "same dtype, got int64 and float32"),
    "am.allclose(f, f.double())": (RuntimeError, "same dtype, got float32 and float64"),
    "am.isclose(f, f, rtol=-1)": (RuntimeError, "rtol must be greater than or equal to zero"),
    "x[2, :, [0]]": (IndexError, "index 2 is out of bounds"),
    "x[0, :, [4]]": (IndexError, "index 4 is out of bounds"),
    "x[[True, False, True]]": (IndexError, "boolean index did not match"),
    "x[0, 0, 0, 0]": (IndexError, "too many indices"),
    "x[0.5]": (IndexError, "only integers, slices"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors(case: str) -> None:
    error, message = ERRORS[case]
    with pytest.raises(error, match=message):
        _run(case)


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_torch_raises_the_same_class(case: str) -> None:
    torch = _torch()
    error, _ = ERRORS[case]
    with pytest.raises(error):
        _run(case, torch)


def test_a_refused_division_changes_nothing() -> None:
    i = am.tensor([5, -5])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        i //= am.tensor([1, 0])
    assert i.tolist() == [5, -5]
