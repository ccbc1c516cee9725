"""ONNX mappings of the registry primitives: one handler per primitive name.

A handler gets an `OpContext` (the traced call in both traces, its inputs resolved to ONNX
values) and adds nodes computing the primitive's result with NumPy's dtype (operands are cast to
the traced result's dtype where NumPy promoted them). It returns the output value names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._errors import ExportError
from ._graph import Graph, Value

HANDLERS: dict[str, Callable[[OpContext], Any]] = {}


def handles(*names: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for name in names:
            HANDLERS[name] = fn
        return fn
    return register


class OpContext:
    """What a handler needs: the graph, the call (both traces) and its resolved inputs."""

    def __init__(self, g: Graph, call: Any, call2: Any, resolve: Callable) -> None:
        self.g, self.call, self.call2 = g, call, call2
        self._resolve = resolve
        outs, outs2 = call.outputs, call2.outputs
        self.out_dtype = outs[0].dtype
        self.out_shape, self.out_shape2 = outs[0].shape, outs2[0].shape
        self.params = call.params

    @property
    def name(self) -> str:
        where = f" (in module {self.call.scope!r})" if self.call.scope else ""
        return self.call.name + where

    def value(self, i: int) -> Value | None:
        """The ONNX value of positional argument i (None for None or a Python number)."""
        if i >= len(self.call.args) or self.call.args[i] is None:
            return None
        return self._resolve(self.call.args[i], self.call2.args[i], None)

    def arg(self, i: int, dtype: Any = None) -> str | None:
        """Positional argument i as a value name, cast to `dtype` when given."""
        if i >= len(self.call.args) or self.call.args[i] is None:
            return None
        return self.operand(self.call.args[i], self.call2.args[i], dtype)

    def operand(self, a: Any, a2: Any, dtype: Any = None) -> str:
        if not isinstance(a, np.ndarray | np.generic):  # a Python number: a typed constant
            return self.g.const(a, dtype if dtype is not None else self.out_dtype)
        value = self._resolve(a, a2, None)
        return self.cast(value.name, value.dtype, dtype)

    def cast(self, name: str, have: Any, want: Any) -> str:
        from ._graph import onnx_dtype

        if want is None or np.dtype(have) == np.dtype(want):
            return name
        return self.g.node("Cast", [name], to=onnx_dtype(want, self.name))

    def unsupported(self, why: str) -> ExportError:
        return ExportError(f"{self.name}: {why}")

    def axes(self, axes: Any, ndim: int) -> list[int]:
        if axes is None:
            return list(range(ndim))
        axes = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
        return [int(a) % ndim if ndim else 0 for a in axes]

    def reduce(self, op: str, x: str, axes: list[int], keepdims: bool) -> str:
        """A Reduce* node: axes an input from opset 18 (13 for ReduceSum), else an attribute."""
        if op == "ReduceSum" or self.g.opset >= 18:
            return self.g.node(op, [x, self.g.ints(axes)], keepdims=int(keepdims))
        return self.g.node(op, [x], axes=axes, keepdims=int(keepdims))


# ---- elementwise ------------------------------------------------------------------------------
_BINARY = {"Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Pow": "Pow",
           "Maximum": "Max", "Minimum": "Min", "Fmax": "Max", "Fmin": "Min"}


@handles(*_BINARY)
def _binary(c: OpContext) -> str:
    if c.call.name == "Div" and c.out_dtype.kind != "f":
        raise c.unsupported("integer division is not exported")
    return c.g.node(_BINARY[c.call.name], [c.arg(0, c.out_dtype), c.arg(1, c.out_dtype)])


_UNARY = {"Neg": "Neg", "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt", "Abs": "Abs", "Sin": "Sin",
          "Cos": "Cos", "Tanh": "Tanh", "Sigmoid": "Sigmoid", "Relu": "Relu", "Erf": "Erf",
          "Reciprocal": "Reciprocal", "Tan": "Tan", "Asin": "Asin", "Acos": "Acos",
          "Atan": "Atan", "Sinh": "Sinh", "Cosh": "Cosh", "Asinh": "Asinh", "Acosh": "Acosh",
          "Atanh": "Atanh", "Softplus": "Softplus"}


@handles(*_UNARY)
def _unary(c: OpContext) -> str:
    return c.g.node(_UNARY[c.call.name], [c.arg(0, c.out_dtype)])


@handles("Floor", "Ceil", "Round")
def _rounding(c: OpContext) -> str:
    if c.params.get("decimals", 0):
        raise c.unsupported("rounding to decimals is not exported")
    return c.g.node(c.call.name, [c.arg(0)])


@handles("Log1p", "Expm1", "Erfc", "Rsqrt", "Exp2", "Log2", "Log10")
def _unary_composite(c: OpContext) -> str:
    g, x, name, dt = c.g, c.arg(0, c.out_dtype), c.call.name, c.out_dtype
    one = g.const(1.0, dt)
    if name == "Log1p":
        return g.node("Log", [g.node("Add", [x, one])])
    if name == "Expm1":
        return g.node("Sub", [g.node("Exp", [x]), one])
    if name == "Erfc":
        return g.node("Sub", [one, g.node("Erf", [x])])
    if name == "Rsqrt":
        return g.node("Reciprocal", [g.node("Sqrt", [x])])
    if name == "Exp2":
        return g.node("Pow", [g.const(2.0, dt), x])
    base = 2.0 if name == "Log2" else 10.0
    return g.node("Div", [g.node("Log", [x]), g.const(np.log(base), dt)])


@handles("PowConst")
def _pow_const(c: OpContext) -> str:
    exponent = c.params["exponent"]
    x = c.arg(0, c.out_dtype)
    if exponent == 2:
        return c.g.node("Mul", [x, x])
    if exponent == 0.5:
        return c.g.node("Sqrt", [x])
    if exponent == -0.5:
        return c.g.node("Reciprocal", [c.g.node("Sqrt", [x])])
    return c.g.node("Pow", [x, c.g.const(exponent, c.out_dtype)])


@handles("LeakyRelu")
def _leaky_relu(c: OpContext) -> str:
    return c.g.node("LeakyRelu", [c.arg(0)], alpha=float(c.params.get("negative_slope", 0.01)))


@handles("Where")
def _where(c: OpContext) -> str:
    return c.g.node("Where", [c.arg(0, np.bool_), c.arg(1, c.out_dtype), c.arg(2, c.out_dtype)])


@handles("Clip")
def _clip(c: OpContext) -> str:
    x = c.arg(0, c.out_dtype)
    lo, hi = c.arg(1, c.out_dtype), c.arg(2, c.out_dtype)
    for key in ("lo", "hi"):  # the bounds come as keyword parameters too
        if c.params.get(key) is not None:
            bound = c.operand(c.params[key], c.call2.params[key], c.out_dtype)
            lo, hi = (bound, hi) if key == "lo" else (lo, bound)
    if lo is not None:
        x = c.g.node("Max", [x, lo])
    if hi is not None:
        x = c.g.node("Min", [x, hi])
    return x


@handles("Cast")
def _cast(c: OpContext) -> str:
    v = c.value(0)
    return c.g.node("Identity", [v.name]) if v.dtype == c.out_dtype else \
        c.cast(v.name, v.dtype, c.out_dtype)


# ---- reductions and normalisations ------------------------------------------------------------
_REDUCE = {"Sum": "ReduceSum", "Prod": "ReduceProd", "Max": "ReduceMax", "Min": "ReduceMin"}


@handles(*_REDUCE)
def _reduce(c: OpContext) -> str:
    v = c.value(0)
    x = c.cast(v.name, v.dtype, c.out_dtype)
    axes = c.axes(c.params.get("axis"), len(v.shape))
    if not axes:
        return c.g.node("Identity", [x])
    return c.reduce(_REDUCE[c.call.name], x, axes, c.params.get("keepdims", False))


@handles("LogSumExp")
def _logsumexp(c: OpContext) -> str:
    v = c.value(0)
    axes = c.axes(c.params.get("axis"), len(v.shape))
    keep = c.params.get("keepdims", False)
    g = c.g
    m = c.reduce("ReduceMax", v.name, axes, True)
    # a row of -inf: shift by 0 instead (exp(-inf - -inf) would be nan)
    finite = g.node("Where", [g.node("IsInf", [m]), g.const(0.0, v.dtype), m])
    total = c.reduce("ReduceSum", g.node("Exp", [g.node("Sub", [v.name, finite])]), axes, keep)
    shift = finite if keep else g.node("Squeeze", [finite, g.ints(axes)])
    return g.node("Add", [g.node("Log", [total]), shift])


@handles("Softmax", "LogSoftmax")
def _softmax(c: OpContext) -> str:
    v = c.value(0)
    axes = c.axes(c.params.get("axis", -1), len(v.shape))
    if len(axes) != 1:
        raise c.unsupported(f"a softmax over several axes {axes} is not exported")
    return c.g.node(c.call.name, [v.name], axis=axes[0])


@handles("Cumsum")
def _cumsum(c: OpContext) -> str:
    v = c.value(0)
    axis = c.axes(c.params.get("axis", 0), len(v.shape))[0]
    return c.g.node("CumSum", [c.cast(v.name, v.dtype, c.out_dtype),
                               c.g.const(np.int64(axis))])


# ---- shapes -----------------------------------------------------------------------------------
@handles("Reshape")
def _reshape(c: OpContext) -> str:
    shape = c.g.shape_tensor(c.out_shape, c.out_shape2, c.name, allow_infer=True)
    return c.g.node("Reshape", [c.arg(0), shape])


@handles("Permute")
def _permute(c: OpContext) -> str:
    v = c.value(0)
    perm = [int(a) % len(v.shape) for a in c.params["axes"]] if v.shape else []
    return c.g.node("Transpose", [v.name], perm=perm)


@handles("BroadcastTo")
def _broadcast_to(c: OpContext) -> str:
    shape = c.g.shape_tensor(c.out_shape, c.out_shape2, c.name, allow_infer=False)
    return c.g.node("Expand", [c.arg(0), shape])


@handles("Concat")
def _concat(c: OpContext) -> str:
    names = [c.operand(a, b, c.out_dtype) for a, b in zip(c.call.args, c.call2.args)]
    axis = int(c.params.get("axis", 0)) % len(c.out_shape)
    return c.g.node("Concat", names, axis=axis)


@handles("Pad")
def _pad(c: OpContext) -> str:
    width = np.asarray(c.params["pad_width"], dtype=np.int64).reshape(-1, 2)
    pads = c.g.ints(list(width[:, 0]) + list(width[:, 1]))
    value = c.g.const(c.params.get("value", 0.0), c.out_dtype)
    return c.g.node("Pad", [c.arg(0), pads, value], mode="constant")


@handles("Flip")
def _flip(c: OpContext) -> str:
    v = c.value(0)
    axes = c.axes(c.params["axes"], len(v.shape))
    big = np.iinfo(np.int64).max
    return c.g.node("Slice", [v.name, c.g.ints([-1] * len(axes)), c.g.ints([-big] * len(axes)),
                              c.g.ints(axes), c.g.ints([-1] * len(axes))])


@handles("GetItem")
def _getitem(c: OpContext) -> str:
    index = c.params["index"]
    if isinstance(index, np.ndarray):
        if index.dtype.kind not in "iu":
            raise c.unsupported(f"indexing with a {index.dtype} array is not exported")
        idx = c.operand(index, c.call2.params["index"], np.int64)
        return c.g.node("Gather", [c.arg(0), idx], axis=0)
    parts = index if isinstance(index, tuple) else (index,)
    v = c.value(0)
    ndim = len(v.shape)
    if sum(p is Ellipsis for p in parts) > 1:
        raise c.unsupported("an index with two Ellipses")
    used = sum(1 for p in parts if p is not None and p is not Ellipsis)
    expanded: list = []
    for p in parts:
        expanded.extend([slice(None)] * (ndim - used) if p is Ellipsis else [p])
    return _basic_index(c, v.name, expanded)


def _basic_index(c: OpContext, x: str, parts: list) -> str:
    """Slices (step > 0), integers and None, applied axis by axis."""
    g = c.g
    starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
    axis = out_axis = 0
    for p in parts:
        if p is None:
            unsqueeze.append(out_axis)
            out_axis += 1
            continue
        if isinstance(p, (int, np.integer)):
            p = int(p)
            starts.append(p)
            ends.append(p + 1 if p != -1 else np.iinfo(np.int64).max)
            axes.append(axis)
            steps.append(1)
            squeeze.append(axis)
        elif isinstance(p, slice):
            if p != slice(None):
                step = 1 if p.step is None else int(p.step)
                if step <= 0:
                    raise c.unsupported("slices with a negative step are not exported")
                starts.append(0 if p.start is None else int(p.start))
                ends.append(np.iinfo(np.int64).max if p.stop is None else int(p.stop))
                axes.append(axis)
                steps.append(step)
            out_axis += 1
        else:
            raise c.unsupported(f"index entries of type {type(p).__name__} are not exported")
        axis += 1
    if axes:
        x = g.node("Slice", [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    if squeeze:
        x = g.node("Squeeze", [x, g.ints(squeeze)])
    if unsqueeze:
        x = g.node("Unsqueeze", [x, g.ints(unsqueeze)])
    return x if (axes or squeeze or unsqueeze) else g.node("Identity", [x])


# ---- linear algebra and layers ----------------------------------------------------------------
@handles("MatMul")
def _matmul(c: OpContext) -> str:
    return c.g.node("MatMul", [c.arg(0, c.out_dtype), c.arg(1, c.out_dtype)])


@handles("Linear")
def _linear(c: OpContext) -> str:
    x, w, b = c.arg(0), c.arg(1), c.arg(2)
    if len(c.value(0).shape) == 2:
        return c.g.node("Gemm", [x, w] + ([b] if b else []), transB=1)
    y = c.g.node("MatMul", [x, c.g.node("Transpose", [w], perm=[1, 0])])
    return c.g.node("Add", [y, b]) if b else y


@handles("Unfold")
def _unfold(c: OpContext) -> str:
    """im2col: (N, C, H, W) -> (N, oh, ow, C, kh, kw), one strided Slice per kernel offset."""
    g, p = c.g, c.params
    v = c.value(0)
    (kh, kw), (sh, sw), (dh, dw) = p["kernel"], p["stride"], p["dilation"]
    top, bottom, left, right = p["padding"]
    x = v.name
    if any(p["padding"]):
        pads = g.ints([0, 0, top, left, 0, 0, bottom, right])
        x = g.node("Pad", [x, pads, g.const(p.get("pad_value", 0.0), v.dtype)], mode="constant")
    _, oh, ow, _, _, _ = c.out_shape
    if c.out_shape[1:] != c.out_shape2[1:] or v.shape[1:] != v.shape2[1:]:
        raise c.unsupported("only the batch axis of a convolution or pooling may be dynamic")
    windows = []
    for i in range(kh):
        for j in range(kw):
            starts = [i * dh, j * dw]
            ends = [i * dh + sh * (oh - 1) + 1, j * dw + sw * (ow - 1) + 1]
            piece = g.node("Slice", [x, g.ints(starts), g.ints(ends), g.ints([2, 3]),
                                     g.ints([sh, sw])])
            windows.append(g.node("Unsqueeze", [piece, g.ints([4])]))
    stacked = g.node("Concat", windows, axis=4)  # (N, C, oh, ow, kh*kw)
    shape = g.ints([0, v.shape[1], oh, ow, kh, kw])  # 0: N, copied
    return g.node("Transpose", [g.node("Reshape", [stacked, shape])], perm=[0, 2, 3, 1, 4, 5])


@handles("ScaledDotProductAttention")
def _attention(c: OpContext) -> Any:
    """softmax(q k^T * scale + bias, masked) @ v; rows with nothing to attend to give 0."""
    g, p = c.g, c.params
    if p.get("dropout_p", 0.0) > 0.0:
        raise c.unsupported("attention dropout is not exported (call it with dropout_p=0.0, or "
                            "put the model in eval mode)")
    q, k, v = c.arg(0), c.arg(1), c.arg(2)
    nk = len(c.value(1).shape)
    kt = g.node("Transpose", [k], perm=list(range(nk - 2)) + [nk - 1, nk - 2])
    dtype = c.value(0).dtype
    s = g.node("Mul", [g.node("MatMul", [q, kt]), g.const(p.get("scale", 1.0), dtype)])
    if c.arg(3) is not None:
        s = g.node("Add", [s, c.arg(3, dtype)])
    mask = p.get("mask")
    empty_rows = None
    if mask is not None:
        if not isinstance(mask, np.ndarray) or not np.array_equal(mask, c.call2.params["mask"]):
            raise c.unsupported("the attention mask depends on the inputs")
        m = g.const(mask.astype(bool))
        s = g.node("Where", [m, s, g.const(-np.inf, dtype)])
        if not mask.any(axis=-1).all():
            empty_rows = g.const(mask.any(axis=-1, keepdims=True))
    w = g.node("Softmax", [s], axis=-1)
    if empty_rows is not None:  # softmax of all -inf is nan: 0 there, as autograd_mini
        w = g.node("Where", [empty_rows, w, g.const(0.0, dtype)])
    out = g.node("MatMul", [w, v])
    return [out, w] if p.get("need_weights", False) else out


@handles("Gelu")
def _gelu(c: OpContext) -> str:
    """x * (1 + erf(x / sqrt 2)) / 2 (ONNX's Gelu needs opset 20)."""
    g, dt = c.g, c.out_dtype
    x = c.arg(0, dt)
    cdf = g.node("Add", [g.node("Erf", [g.node("Mul", [x, g.const(1 / np.sqrt(2.0), dt)])]),
                         g.const(1.0, dt)])
    return g.node("Mul", [g.node("Mul", [x, cdf]), g.const(0.5, dt)])


@handles("LayerNorm")
def _layer_norm(c: OpContext) -> str:
    v = c.value(0)
    ndim = int(c.params.get("ndim", 1))
    normalized = v.shape[len(v.shape) - ndim:]
    weight = c.arg(1, v.dtype) or c.g.const(np.ones(normalized, v.dtype))
    bias = c.arg(2, v.dtype)
    return c.g.node("LayerNormalization", [v.name, weight] + ([bias] if bias else []),
                    axis=-ndim, epsilon=float(c.params.get("eps", 1e-5)))


@handles("AxisTake")
def _axis_take(c: OpContext) -> str:
    v = c.value(0)
    index = c.operand(c.params["index"], c.call2.params["index"], np.int64)
    return c.g.node("Gather", [v.name, index], axis=int(c.params["axis"]) % len(v.shape))
