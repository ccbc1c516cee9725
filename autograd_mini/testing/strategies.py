"""Hypothesis strategies for gradient tests: shapes, broadcast-compatible shape sets, tensors whose
values keep away from kinks, and reduction axis arguments.

Finite differences are only meaningful where a function is smooth, so `tensors` keeps every value a
`margin` away from the points listed in `avoid` (0 by default: the kink of abs, relu, sign), and
`distinct=True` keeps values `margin` apart from each other (max, min, sort and pooling are not
differentiable at ties).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..tensor import Tensor

Shape = tuple[int, ...]


def _check_sizes(min_dims: int, max_dims: int, min_side: int, max_side: int, name: str) -> None:
    if not 0 <= min_dims <= max_dims:
        raise ValueError(f"{name}: need 0 <= min_dims <= max_dims, got {min_dims} and {max_dims}")
    if not 0 <= min_side <= max_side:
        raise ValueError(f"{name}: need 0 <= min_side <= max_side, got {min_side} and {max_side}")


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[Shape]:
    """Array shapes: tuples of `min_dims`..`max_dims` sides, each in `min_side`..`max_side`.

    `min_side=0` allows zero-size dimensions. Shrinks towards small, low-dimensional shapes.

    Args:
        min_dims: the fewest dimensions.
        max_dims: the most dimensions.
        min_side: the smallest size of a dimension (0 allows empty tensors).
        max_side: the largest size of a dimension.

    Returns:
        A hypothesis strategy of tuples of ints.
    """
    _check_sizes(min_dims, max_dims, min_side, max_side, "shapes")
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(n: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4) -> st.SearchStrategy[tuple[Shape, ...]]:
    """`n` shapes that broadcast together (dimensions of 1, missing leading dimensions).

    `np.broadcast_shapes(*shapes)` is the result's shape.

    Args:
        n: the number of shapes.
        min_dims: the fewest dimensions.
        max_dims: the most dimensions.
        min_side: the smallest size of a dimension (0 allows empty tensors).
        max_side: the largest size of a dimension.

    Returns:
        A hypothesis strategy of n-tuples of shapes.
    """
    if n < 1:
        raise ValueError(f"broadcastable_shapes: n must be at least 1, got {n}")
    _check_sizes(min_dims, max_dims, min_side, max_side, "broadcastable_shapes")
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: tuple(b.input_shapes))


def axes(ndim: int, allow_none: bool = True, allow_int: bool = True,
         allow_negative: bool = True) -> st.SearchStrategy[Any]:
    """Reduction axis arguments for a tensor of `ndim` dimensions.

    Draws None (all axes), a single int, or a tuple of distinct axes (possibly empty, which reduces
    nothing), with negative spellings mixed in. For ndim 0 only None and () are drawn: the spellings
    NumPy and PyTorch both accept.

    Args:
        ndim: the tensor's number of dimensions.
        allow_none: draw None (reduce over all dimensions).
        allow_int: draw single ints, not only tuples.
        allow_negative: mix in negative spellings of the axes.

    Returns:
        A hypothesis strategy of None, ints and tuples of ints.
    """
    if ndim < 0:
        raise ValueError(f"axes: ndim must be >= 0, got {ndim}")
    options: list[st.SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if ndim == 0:
        options.append(st.just(()))
        return st.one_of(options)
    low = -ndim if allow_negative else 0
    if allow_int:
        options.append(st.integers(low, ndim - 1))
    options.append(_axis_tuples(ndim, allow_negative))
    return st.one_of(options)


@st.composite  # at module level: see _draw_tensor
def _axis_tuples(draw: Any, ndim: int, allow_negative: bool) -> tuple[int, ...]:
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    if allow_negative:
        flips = draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
        chosen = [a - ndim if f else a for a, f in zip(chosen, flips)]
    return tuple(chosen)


def _check_kinks(avoid: Sequence[float], margin: float) -> tuple[float, ...]:
    kinks = tuple(sorted(float(k) for k in avoid))
    if margin < 0 or not math.isfinite(margin):
        raise ValueError(f"tensors: margin must be a finite number >= 0, got {margin}")
    for a, b in zip(kinks, kinks[1:]):
        if b - a < 2 * margin:
            raise ValueError(f"tensors: the kinks {a} and {b} in avoid are closer than 2 * margin "
                             f"({2 * margin}); no value can keep the margin to both between them")
    return kinks


def _push_away(value: float, kinks: tuple[float, ...], margin: float) -> float:
    """Move a value that lies within `margin` of a kink to exactly `margin` from it."""
    for k in kinks:
        if abs(value - k) < margin:
            return k + margin if value >= k else k - margin
    return value


def _distinct_grid(low: float, high: float, kinks: tuple[float, ...], margin: float) -> list[float]:
    """Points 2 * margin apart in [low, high], each at least 1.5 * margin from every kink."""
    spacing = 2 * margin
    count = int((high - low) // spacing) if spacing else 0
    grid = [low + (i + 0.5) * spacing for i in range(count)]
    return [g for g in grid if all(abs(g - k) >= 1.5 * margin for k in kinks)]


def _check_distinct(n: int, grid: list[float], low: float, high: float,
                    kinks: tuple[float, ...], margin: float) -> None:
    if len(grid) < n:
        raise ValueError(f"tensors: distinct=True needs {n} values at least {margin} apart in "
                         f"[{low}, {high}] away from {list(kinks)}, but only {len(grid)} fit; "
                         "widen min_value/max_value or lower margin")


def _distinct_values(n: int, grid: list[float], margin: float) -> st.SearchStrategy[list[float]]:
    """n values pairwise at least `margin` apart: distinct grid points, each jittered by up to
    margin / 2 (so they keep margin from each other and from the kinks)."""
    jitter = st.floats(-0.5 * margin, 0.5 * margin, allow_nan=False)
    return st.lists(st.sampled_from(grid), min_size=n, max_size=n, unique=True).flatmap(
        lambda picks: st.lists(jitter, min_size=n, max_size=n).map(
            lambda js: [p + j for p, j in zip(picks, js)]))


def tensors(shape: Shape | st.SearchStrategy[Shape] | None = None, dtype: Any = np.float64,
            elements: st.SearchStrategy[float] | None = None, requires_grad: bool = True,
            avoid: Sequence[float] = (0.0,), distinct: bool = False, min_value: float = -3.0,
            max_value: float = 3.0, margin: float = 1e-2) -> st.SearchStrategy[Tensor]:
    """Tensors for gradient tests.

    Args:
        shape: a tuple, or a strategy drawing one (default: `shapes()`).
        dtype: the tensor's dtype (float64 by default: the dtype finite differences need).
        elements: a strategy for the values (default: floats in [min_value, max_value]).
        requires_grad: whether the tensors require grad (only for floating dtypes).
        avoid: points the values keep `margin` away from (kinks of the function under test);
            pass `()` to allow any value.
        distinct: values pairwise at least `margin` apart (for max, min, sort and pooling).
        min_value: the lower end of the default elements' range.
        max_value: the upper end of the default elements' range.
        margin: the distance kept from kinks and, with distinct, between values. It should be
            much larger than gradcheck's step (1e-6).

    Returns:
        A strategy drawing `am.Tensor`s.

    Raises:
        ValueError: for an impossible request (kinks too close together, too many distinct
            values for the range, requires_grad on an integer dtype).
    """
    dt = np.dtype(dtype)
    if requires_grad and dt.kind != "f":
        raise ValueError(f"tensors: requires_grad=True needs a floating dtype, got {dt}")
    if dt.kind not in "biuf":
        raise ValueError(f"tensors: unsupported dtype {dt}")
    if not min_value <= max_value:
        raise ValueError(f"tensors: min_value {min_value} is greater than max_value {max_value}")
    if distinct and elements is not None:
        raise ValueError("tensors: give either elements or distinct=True, not both")
    kinks = _check_kinks(avoid, margin) if dt.kind == "f" else ()
    shape_strategy = shapes() if shape is None else shape
    grid = _distinct_grid(min_value, max_value, kinks, margin) if distinct else []
    if not isinstance(shape_strategy, st.SearchStrategy):
        fixed = tuple(int(n) for n in shape_strategy)
        if distinct:  # an impossible request fails here, not at the first draw
            _check_distinct(math.prod(fixed), grid, min_value, max_value, kinks, margin)
        shape_strategy = st.just(fixed)

    return _draw_tensor(shape_strategy, dt, elements, requires_grad, kinks, distinct, grid,
                        min_value, max_value, margin)


# Decorated once at module level: hypothesis inspects a composite's source when it is created,
# which cost the deep random-program run ~7% when `tensors` built a new one on every call.
@st.composite
def _draw_tensor(draw: Any, shape_strategy: st.SearchStrategy[Shape], dt: np.dtype,
                 elements: st.SearchStrategy[float] | None, requires_grad: bool,
                 kinks: tuple[float, ...], distinct: bool, grid: list[float], min_value: float,
                 max_value: float, margin: float) -> Tensor:
    shp = draw(shape_strategy)
    size = math.prod(shp)
    if dt.kind == "b":
        values: Any = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    elif dt.kind in "iu":
        ints = elements or st.integers(int(math.ceil(min_value)), int(math.floor(max_value)))
        values = draw(st.lists(ints, min_size=size, max_size=size))
    elif distinct:
        _check_distinct(size, grid, min_value, max_value, kinks, margin)
        values = draw(_distinct_values(size, grid, margin))
    else:
        floats = elements or st.floats(min_value, max_value, allow_nan=False,
                                       allow_infinity=False)
        values = draw(st.lists(floats.map(lambda v: _push_away(v, kinks, margin)),
                               min_size=size, max_size=size))
    array = np.array(values, dtype=dt).reshape(shp)
    return Tensor._make(array, requires_grad)
