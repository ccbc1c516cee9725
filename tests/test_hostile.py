"""Hostile and broken input: every public function x a table of bad arguments.

Each case substitutes one argument of a valid call with a hostile value: wrong types, shapes and
dtypes, NaN/inf, empty arrays and zero-size dimensions, huge and malformed axes and shapes,
non-contiguous, read-only and broadcast (zero-stride) arrays. The contract:

- a result, which must match NumPy's where there is a NumPy reference (NaN propagating), and
  whose backward (when it requires grad) gives gradients of the inputs' shapes; or
- an error raised by autograd_mini itself (the innermost traceback frame is a `raise` statement in
  the package, not NumPy's internals), with a message that names the problem;
- never a changed argument: data, dtype, shape, version, grad and graph of every tensor argument
  (and every ndarray argument) are the same after the call, unless the call succeeded in place.

`CASES_RUN` counts the cases; `python tests/test_hostile.py` prints the table of outcomes.
"""

from __future__ import annotations

import atexit
import datetime
import dis
import io
import math
import os
import shutil
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini.nn import functional as F

PACKAGE = os.path.dirname(os.path.abspath(am.__file__))
CASES_RUN: dict[str, int] = {}
OUTCOMES: list[tuple[str, str, str, str]] = []  # (function, case, outcome, detail)


# ---- hostile values ---------------------------------------------------------------------------
def _base(shape: tuple = (2, 3), dtype: Any = np.float64) -> np.ndarray:
    return (np.arange(math.prod(shape), dtype=np.float64).reshape(shape) * 0.37 - 0.9).astype(dtype)


def _with(value: float) -> np.ndarray:
    a = _base()
    a[0, 1] = value
    return a


def _readonly() -> np.ndarray:
    a = _base()
    a.setflags(write=False)
    return a


def _grad(a: np.ndarray) -> am.Tensor:
    return am.Tensor(a, requires_grad=True)


# name -> factory of a fresh value (tensors are rebuilt for every case)
TENSORS: dict[str, Callable[[], Any]] = {
    "valid": lambda: _grad(_base()),
    "no grad": lambda: am.Tensor(_base()),
    "nan": lambda: _grad(_with(np.nan)),
    "inf": lambda: _grad(_with(np.inf)),
    "-inf": lambda: _grad(_with(-np.inf)),
    "empty (0,)": lambda: _grad(np.zeros(0)),
    "empty (2, 0)": lambda: _grad(np.zeros((2, 0))),
    "empty (0, 3)": lambda: _grad(np.zeros((0, 3))),
    "0-d": lambda: _grad(np.array(0.7)),
    "non-contiguous": lambda: _grad(_base((2, 6))[:, ::2]),
    "transposed": lambda: _grad(_base((3, 2)).T),
    "read-only": lambda: _grad(_readonly()),
    "broadcast view": lambda: _grad(np.broadcast_to(np.array([0.5, -1.0, 2.0]), (2, 3))),
    "float32": lambda: _grad(_base(dtype=np.float32)),
    "float16": lambda: _grad(_base(dtype=np.float16)),
    "int64": lambda: am.Tensor(np.arange(6).reshape(2, 3)),
    "bool": lambda: am.Tensor(np.array([[True, False, True], [False, True, True]])),
    "many dims": lambda: _grad(np.ones((1,) * 20 + (2,))),
    "list": lambda: [[0.5, 1.0, 2.0], [3.0, -1.0, 0.25]],
    "python float": lambda: 1.5,
    "ndarray": lambda: _base(),
    "None": lambda: None,
    "str": lambda: "abc",
    "object": lambda: object(),
    "dict": lambda: {"a": 1},
    "complex ndarray": lambda: np.ones((2, 3), dtype=complex),
    "object ndarray": lambda: np.array([[1.0, None, "x"]] * 2, dtype=object),
    "str ndarray": lambda: np.array([["a", "b", "c"]] * 2),
    "datetime ndarray": lambda: np.array([[datetime.datetime(2020, 1, 1)] * 3] * 2,
                                         dtype="datetime64[s]"),
    "ragged list": lambda: [[1.0, 2.0], [3.0]],
}

AXES: dict[str, Any] = {
    "None": None, "0": 0, "-1": -1, "2 (out of range)": 2, "-3": -3, "10**9": 10**9,
    "-10**9": -10**9, "2**63": 2**63, "2**70": 2**70, "1.5": 1.5, "'0'": "0", "True": True,
    "np.int64(1)": np.int64(1), "(0, 0)": (0, 0), "(0, 5)": (0, 5), "[0, 1]": [0, 1], "()": (),
    "array([0])": np.array([0]), "slice": slice(0, 1), "(0, None)": (0, None), "{}": {},
}

SHAPES: dict[str, Any] = {
    "valid (3, 2)": (3, 2), "(-1,)": (-1,), "(-2, -3)": (-2, -3), "(2, -1, -1)": (2, -1, -1),
    "(10**12,)": (10**12,), "(10**20,)": (10**20,), "(2**63, 1)": (2**63, 1), "(1.5, 4)": (1.5, 4),
    "('3', 2)": ("3", 2), "None": None, "'abc'": "abc", "()": (), "(0,)": (0,),
    "np.int64(6)": np.int64(6), "[3, 2]": [3, 2], "(True, 6)": (True, 6), "(7,)": (7,),
    "(2, 3, 1)": (2, 3, 1), "((2, 3),)": ((2, 3),), "array((3, 2))": np.array([3, 2]),
}

SCALARS: dict[str, Any] = {
    "valid 0.5": 0.5, "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"),
    "None": None, "'a'": "a", "1+1j": 1 + 1j, "1e308": 1e308, "True": True, "np.float32(2)":
    np.float32(2.0), "tensor 2.0": am.tensor(2.0), "[1, 2]": [1.0, 2.0], "0": 0, "-0.0": -0.0,
    "10**400": 10**400, "object": object(),
}

INDICES: dict[str, Any] = {
    "1": 1, "-1": -1, "10": 10, "-10": -10, "(0, 0, 0)": (0, 0, 0), "1.5": 1.5, "'a'": "a",
    "None": None, "[5]": [5], "[[0]]": [[0]], "array([1.5])": np.array([1.5]),
    "bad mask": np.array([True, False, True]), "mask (2, 3)": np.ones((2, 3), dtype=bool),
    "(..., ...)": (Ellipsis, Ellipsis), "step 0": slice(None, None, 0), "tensor 1":
    am.tensor(np.array(1)), "float tensor": am.tensor(1.0), "object": object(), "{}": {},
    "empty int array": np.array([], dtype=np.int64), "2**64": 2**64, "[1, -2]": [1, -2],
    "[[0, 1], [1, 0]]": [[0, 1], [1, 0]], "(slice, [0, 0])": (slice(None), [0, 0]),
    "(array, array)": (np.array([0, 1]), np.array([2, 2])), "[True, False]": [True, False],
    "[]": [],
}

DTYPES: dict[str, Any] = {
    "float32": np.float32, "int64": np.int64, "bool": bool, "'float64'": "float64",
    "complex": complex, "object": object, "'nonsense'": "nonsense", "None": None, "str": str,
    "float16": np.float16, "datetime64": "datetime64[s]", "np.dtype('f8')": np.dtype("f8"),
}

# Tensor-slot values that are not Tensors (a method cannot be called on them)
NOT_TENSORS = {"list", "python float", "ndarray", "None", "str", "object", "dict", "complex ndarray",
               "object ndarray", "str ndarray", "datetime ndarray", "ragged list"}

_FILES_DIR = tempfile.mkdtemp(prefix="am_hostile_")
atexit.register(shutil.rmtree, _FILES_DIR, True)


def _file(name: str, content: bytes) -> str:
    path = os.path.join(_FILES_DIR, name)
    with open(path, "wb") as fh:
        fh.write(content)
    return path


def _saved() -> bytes:
    buffer = io.BytesIO()
    am.save({"w": am.tensor(np.arange(6.0).reshape(2, 3)), "step": 3}, buffer)
    return buffer.getvalue()


def _pickled_npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def _cyclic() -> dict:
    d: dict = {}
    d["self"] = d
    return d


def _deep() -> dict:
    d: dict = {}
    for _ in range(5000):
        d = {"x": d}
    return d


# am.load's argument: paths and file objects (crafted archives are tested in test_serialization)
FILES: dict[str, Callable[[], Any]] = {
    "valid file": lambda: _file("valid.npz", _saved()),
    "valid BytesIO": lambda: io.BytesIO(_saved()),
    "missing path": lambda: os.path.join(_FILES_DIR, "missing.npz"),
    "directory": lambda: _FILES_DIR,
    "None": lambda: None, "int": lambda: 5, "object": lambda: object(),
    "empty file": lambda: _file("empty.npz", b""),
    "garbage": lambda: _file("garbage.npz", b"\x00\xff" * 100),
    "truncated": lambda: _file("truncated.npz", _saved()[:200]),
    "pickle .npy": lambda: _file("pickle.npy", _pickled_npy()),
    "text handle": lambda: io.StringIO("not bytes"),
    "closed handle": lambda: _closed(),
}

# am.save's object
SAVEABLE: dict[str, Callable[[], Any]] = {
    "valid dict": lambda: {"w": am.tensor(np.ones(2))}, "object ndarray": lambda: {
        "a": np.array([1, None], dtype=object)}, "lambda": lambda: {"f": lambda: 0},
    "cyclic dict": _cyclic, "deep nesting": _deep, "int key": lambda: {1: am.tensor(1.0)},
    "complex ndarray": lambda: {"c": np.ones(2, dtype=complex)}, "set": lambda: {"s": {1, 2}},
    "bytes": lambda: {"b": b"abc"}, "tensor requiring grad": lambda: {
        "w": am.tensor(np.ones(2), requires_grad=True)}, "None": lambda: None,
    "nan and inf": lambda: {"x": am.tensor(np.array([np.nan, np.inf, -np.inf]))},
    "empty and 0-d": lambda: {"e": am.tensor(np.zeros((2, 0))), "s": am.tensor(np.array(1.5))},
}


def _closed() -> io.BytesIO:
    f = io.BytesIO(_saved())
    f.close()
    return f


KINDS = {"tensor": TENSORS, "axis": AXES, "shape": SHAPES, "scalar": SCALARS, "index": INDICES,
         "dtype": DTYPES, "file": FILES, "saveable": SAVEABLE}
FACTORIES = {"tensor", "file", "saveable"}  # kinds whose values are built fresh for each case


def _fresh(kind: str, name: str) -> Any:
    value = KINDS[kind][name]
    return value() if kind in FACTORIES else value


# ---- the functions --------------------------------------------------------------------------
@dataclass
class Spec:
    """How to call one public function: argument kinds and their valid defaults."""

    call: Callable[..., Any]
    kinds: tuple[str, ...]
    defaults: tuple[str, ...]
    reference: Callable[..., Any] | None = None  # NumPy's answer, from the same arguments
    no_reference: set[str] = field(default_factory=set)  # cases where NumPy's answer is not ours
    inplace: bool = False  # mutating its first argument is the point
    method: bool = False  # called on its first argument (x.f(...)): that one is always a Tensor
    skip: dict[int, set[str]] = field(default_factory=dict)  # (slot -> case names) not applicable


def _np(x: Any) -> Any:
    return x.data if isinstance(x, am.Tensor) else x


def _unary(fn: Callable, ref: Callable | None) -> Spec:
    return Spec(fn, ("tensor",), ("valid",), None if ref is None else lambda x: ref(_np(x)))


def _binary(fn: Callable, ref: Callable) -> Spec:
    return Spec(fn, ("tensor", "tensor"), ("valid", "valid"),
                lambda a, b: ref(_np(a), _np(b)))


def _reduction(fn: Callable, ref: Callable | None) -> Spec:
    return Spec(lambda x, axis: fn(x, axis=axis), ("tensor", "axis"), ("valid", "None"),
                None if ref is None else lambda x, axis: ref(_np(x), axis=axis))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def _softmax(x: np.ndarray, axis: Any) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _logsumexp(x: np.ndarray, axis: Any) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return np.squeeze(np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m, axis=axis)


# A row holding +inf: the naive NumPy softmax is NaN everywhere in it; ours keeps the exact 0 (or
# -inf for log_softmax) off the inf entry and NaN on it. Neither is "the" answer: not compared.
INF_ROWS = {"arg 0 (tensor) = inf"}

SPECS: dict[str, Spec] = {
    # elementwise
    "neg": _unary(am.neg if hasattr(am, "neg") else (lambda x: -x), np.negative),
    "exp": _unary(am.exp, np.exp), "log": _unary(am.log, np.log),
    "log1p": _unary(am.log1p, np.log1p), "sqrt": _unary(am.sqrt, np.sqrt),
    "abs": _unary(am.abs, np.abs), "sin": _unary(am.sin, np.sin), "cos": _unary(am.cos, np.cos),
    "tanh": _unary(am.tanh, np.tanh), "sigmoid": _unary(am.sigmoid, _sigmoid),
    "relu": _unary(am.relu, lambda x: np.maximum(x, 0)), "sign": _unary(am.sign, np.sign),
    "add": _binary(am.add, np.add), "sub": _binary(am.sub, np.subtract),
    "mul": _binary(am.mul, np.multiply), "div": _binary(am.div, np.true_divide),
    "pow": _binary(am.pow, np.power), "maximum": _binary(am.maximum, np.maximum),
    "minimum": _binary(am.minimum, np.minimum),
    "matmul": Spec(am.matmul, ("tensor", "tensor"), ("valid", "transposed"),
                   lambda a, b: np.matmul(_np(a), _np(b))),
    "where": Spec(lambda c, a, b: am.where(c, a, b), ("tensor", "tensor", "tensor"),
                  ("bool", "valid", "valid"), lambda c, a, b: np.where(_np(c), _np(a), _np(b))),
    "clip": Spec(lambda x, lo: am.clip(x, lo, 1.0), ("tensor", "scalar"), ("valid", "valid 0.5"),
                 lambda x, lo: np.clip(_np(x), lo, 1.0)),
    "pow scalar": Spec(lambda x, c: am.pow(x, c), ("tensor", "scalar"), ("valid", "valid 0.5"),
                       lambda x, c: np.power(_np(x), c)),
    "add scalar": Spec(lambda x, c: x + c, ("tensor", "scalar"), ("valid", "valid 0.5"), method=True),
    # reductions
    "sum": _reduction(am.sum, np.sum), "mean": _reduction(am.mean, np.mean),
    "prod": _reduction(am.prod, np.prod), "max": _reduction(am.max, np.max),
    "min": _reduction(am.min, np.min), "var": _reduction(am.var, lambda x, axis: np.var(
        x, axis=axis, ddof=1)), "std": _reduction(am.std, lambda x, axis: np.std(x, axis=axis,
                                                                                  ddof=1)),
    "logsumexp": _reduction(am.logsumexp, _logsumexp),
    "argmax": _reduction(am.argmax, None), "argmin": _reduction(am.argmin, None),
    "softmax": Spec(lambda x, axis: am.softmax(x, axis), ("tensor", "axis"), ("valid", "-1"),
                    lambda x, axis: _softmax(_np(x), axis), no_reference=INF_ROWS),
    "log_softmax": Spec(lambda x, axis: am.log_softmax(x, axis), ("tensor", "axis"),
                        ("valid", "-1"), lambda x, axis: np.log(_softmax(_np(x), axis)),
                        no_reference=INF_ROWS),
    "sum keepdim": Spec(lambda x, axis: x.sum(axis, keepdim=True), ("tensor", "axis"),
                        ("valid", "0"), lambda x, axis: np.sum(_np(x), axis, keepdims=True),
                        method=True),
    # shape
    "reshape": Spec(lambda x, s: am.reshape(x, s), ("tensor", "shape"), ("valid", "valid (3, 2)"),
                    lambda x, s: np.reshape(_np(x), s)),
    "view": Spec(lambda x, s: x.view(s), ("tensor", "shape"), ("valid", "valid (3, 2)"), method=True),
    "broadcast_to": Spec(lambda x, s: am.broadcast_to(x, s), ("tensor", "shape"),
                         ("0-d", "valid (3, 2)"), lambda x, s: np.broadcast_to(_np(x), s)),
    "expand": Spec(lambda x, s: x.expand(s), ("tensor", "shape"), ("0-d", "valid (3, 2)"), method=True),
    "permute": Spec(lambda x, axes: am.permute(x, axes), ("tensor", "axis"), ("valid", "[0, 1]"),
                    lambda x, axes: np.transpose(_np(x), axes)),
    "transpose": Spec(lambda x, d: am.transpose(x, d, 0), ("tensor", "axis"), ("valid", "-1"),
                      lambda x, d: np.swapaxes(_np(x), d, 0)),
    "squeeze": Spec(lambda x, d: am.squeeze(x, d), ("tensor", "axis"), ("valid", "None")),
    "unsqueeze": Spec(lambda x, d: am.unsqueeze(x, d), ("tensor", "axis"), ("valid", "0"),
                      lambda x, d: np.expand_dims(_np(x), d)),
    "flatten": Spec(lambda x, d: am.flatten(x, d), ("tensor", "axis"), ("valid", "0")),
    "cat": Spec(lambda a, b, d: am.cat([a, b], d), ("tensor", "tensor", "axis"),
                ("valid", "valid", "0"), lambda a, b, d: np.concatenate([_np(a), _np(b)], d)),
    "stack": Spec(lambda a, b, d: am.stack([a, b], d), ("tensor", "tensor", "axis"),
                  ("valid", "valid", "0"), lambda a, b, d: np.stack([_np(a), _np(b)], d)),
    "split": Spec(lambda x, d: am.split(x, 1, d), ("tensor", "axis"), ("valid", "0")),
    "split sizes": Spec(lambda x, s: am.split(x, s, 1), ("tensor", "shape"), ("valid", "[3, 2]")),
    "pad": Spec(lambda x, w: am.pad(x, w), ("tensor", "shape"), ("valid", "(0,)"),
                lambda x, w: np.pad(_np(x), w)),
    "pad value": Spec(lambda x, v: am.pad(x, 1, v), ("tensor", "scalar"), ("valid", "valid 0.5"),
                      lambda x, v: np.pad(_np(x), 1, constant_values=v)),
    "getitem": Spec(lambda x, i: x[i], ("tensor", "index"), ("valid", "1"),
                    lambda x, i: _np(x)[i], method=True),
    # in place
    "setitem": Spec(_setitem := (lambda x, i, v: x.__setitem__(i, v) or x), ("tensor", "index",
                                                                             "tensor"),
                    ("no grad", "1", "python float"), inplace=True, method=True),
    "iadd": Spec(lambda x, y: x.__iadd__(y), ("tensor", "tensor"), ("no grad", "valid"),
                 inplace=True, method=True),
    "imul": Spec(lambda x, y: x.__imul__(y), ("tensor", "scalar"), ("no grad", "valid 0.5"),
                 inplace=True, method=True),
    "copy_": Spec(lambda x, y: x.copy_(y), ("tensor", "tensor"), ("no grad", "valid"),
                  inplace=True, method=True),
    "fill_": Spec(lambda x, v: x.fill_(v), ("tensor", "scalar"), ("no grad", "valid 0.5"),
                  inplace=True, method=True),
    # conversion and autograd
    "to": Spec(lambda x, d: x.to(d), ("tensor", "dtype"), ("valid", "float32"),
               lambda x, d: _np(x).astype(d), method=True),
    "item": Spec(lambda x: x.item(), ("tensor",), ("0-d",), method=True),
    "float()": Spec(lambda x: float(x), ("tensor",), ("0-d",), method=True),
    "len": Spec(lambda x: len(x), ("tensor",), ("valid",), method=True),
    "size": Spec(lambda x, d: x.size(d), ("tensor", "axis"), ("valid", "0"), method=True),
    "backward(gradient)": Spec(lambda x, g: (x * 2.0).backward(g), ("tensor", "tensor"),
                               ("valid", "ndarray"), method=True, inplace=True),
    "autograd.grad": Spec(lambda x, g: am.autograd.grad((x * x).sum(), x, g),
                          ("tensor", "tensor"), ("valid", "0-d"), method=True),
    "requires_grad_": Spec(lambda x: x.requires_grad_(), ("tensor",), ("no grad",), method=True,
                           inplace=True),
    "register_hook": Spec(lambda x, h: x.register_hook(h), ("tensor", "scalar"),
                          ("valid", "valid 0.5"), method=True),
    "retain_grad": Spec(lambda x: x.retain_grad(), ("tensor",), ("valid",), method=True),
    "detach": Spec(lambda x: x.detach(), ("tensor",), ("valid",), method=True),
    "numpy": Spec(lambda x: x.numpy(), ("tensor",), ("no grad",), method=True),
    # constructors
    "Tensor": Spec(lambda x: am.Tensor(x), ("tensor",), ("ndarray",)),
    "tensor requires_grad": Spec(lambda x: am.tensor(x, requires_grad=True), ("tensor",),
                                 ("ndarray",)),
    "tensor dtype": Spec(lambda d: am.tensor([1.0, 2.0], dtype=d), ("dtype",), ("float32",)),
    "zeros": Spec(lambda s: am.zeros(s), ("shape",), ("valid (3, 2)",), lambda s: np.zeros(s)),
    "ones dtype": Spec(lambda d: am.ones(2, dtype=d), ("dtype",), ("float32",)),
    "full": Spec(lambda s, v: am.full(s, v), ("shape", "scalar"), ("valid (3, 2)", "valid 0.5"),
                 lambda s, v: np.full(s, v, dtype=np.float32)),
    "randn": Spec(lambda s: am.randn(s), ("shape",), ("valid (3, 2)",)),
    "rand": Spec(lambda s: am.rand(*s) if isinstance(s, tuple) else am.rand(s), ("shape",),
                 ("valid (3, 2)",)),
    "arange": Spec(lambda v: am.arange(v), ("scalar",), ("valid 0.5",)),
    "eye": Spec(lambda v: am.eye(v), ("scalar",), ("0",)),
    "zeros_like": Spec(lambda x: am.zeros_like(x), ("tensor",), ("valid",),
                       lambda x: np.zeros_like(_np(x))),
    "manual_seed": Spec(lambda v: am.manual_seed(v), ("scalar",), ("0",)),
    "set_default_dtype": Spec(lambda d: am.set_default_dtype(d), ("dtype",), ("float32",)),
    "gradcheck": Spec(lambda x: am.gradcheck(lambda t: t * 2, (x,)), ("tensor",), ("valid",)),
    "func.grad": Spec(lambda x: am.func.grad(lambda t: (t * t).sum())(x), ("tensor",),
                      ("valid",)),
    # nn.functional
    "F.relu": _unary(F.relu, lambda x: np.maximum(x, 0)),
    "F.gelu": _unary(F.gelu, None), "F.softplus": _unary(F.softplus, None),
    "F.linear": Spec(lambda x, w: F.linear(x, w), ("tensor", "tensor"), ("valid", "valid"),
                     lambda x, w: _np(x) @ _np(w).T),
    "F.mse_loss": Spec(lambda x, y: F.mse_loss(x, y), ("tensor", "tensor"), ("valid", "valid")),
    "F.cross_entropy": Spec(lambda x, t: F.cross_entropy(x, t), ("tensor", "tensor"),
                            ("valid", "int64")),
    "F.softmax": Spec(lambda x, d: F.softmax(x, d), ("tensor", "axis"), ("valid", "-1")),
    "F.one_hot": Spec(lambda x: F.one_hot(x), ("tensor",), ("int64",)),
    "F.conv2d": Spec(lambda x, w: F.conv2d(x, w), ("tensor", "tensor"), ("valid", "valid")),
    "F.dropout": Spec(lambda x, p: F.dropout(x, p), ("tensor", "scalar"), ("valid", "valid 0.5")),
    "F.layer_norm": Spec(lambda x, s: F.layer_norm(x, s), ("tensor", "shape"), ("valid", "(7,)")),
    "F.embedding": Spec(lambda i, w: F.embedding(i, w), ("tensor", "tensor"), ("int64", "valid")),
    "F.batch_norm": Spec(lambda x: F.batch_norm(x, None, None, training=True), ("tensor",),
                         ("valid",)),
    "F.batch_norm eval": Spec(lambda x, m: F.batch_norm(x, m, am.ones(3), training=False),
                              ("tensor", "tensor"), ("valid", "0-d")),
    # persistence
    "load": Spec(lambda f: am.load(f), ("file",), ("valid file",)),
    "save": Spec(lambda obj: am.save(obj, os.path.join(_FILES_DIR, "out.npz")), ("saveable",),
                 ("valid dict",)),
    "save round trip": Spec(lambda obj: _round_trip(obj), ("saveable",), ("valid dict",)),
}

def _round_trip(obj: Any) -> None:
    """Save then load: what comes back equals what went in (NaN, inf and empty included)."""
    buffer = io.BytesIO()
    am.save(obj, buffer)
    buffer.seek(0)
    back = am.load(buffer)
    if not isinstance(obj, dict):
        assert back == obj
        return
    assert back.keys() == obj.keys()
    for key, value in obj.items():
        assert np.array_equal(back[key].data, value.data, equal_nan=True)
        assert back[key].dtype == value.dtype and back[key].requires_grad == value.requires_grad


# Valid defaults that are not in the tables above (a spec may name one of these instead).
EXTRA_DEFAULTS = {("shape", "(7,)"): (3,)}


def _default(kind: str, name: str) -> Any:
    if (kind, name) in EXTRA_DEFAULTS:
        return EXTRA_DEFAULTS[kind, name]
    return _fresh(kind, name)


# ---- checking one case ------------------------------------------------------------------------
@dataclass
class _Snapshot:
    obj: Any
    data: Any
    meta: tuple

    @classmethod
    def of(cls, obj: Any) -> _Snapshot | None:
        if isinstance(obj, am.Tensor):
            grad = None if obj.grad is None else np.array(obj.grad.data, copy=True)
            return cls(obj, np.array(obj.data, copy=True), (
                obj.data.dtype, obj.data.shape, obj._version, obj.requires_grad, obj.grad_fn,
                None if grad is None else grad.tobytes()))
        if isinstance(obj, np.ndarray) and obj.dtype.kind in "biufc":
            return cls(obj, np.array(obj, copy=True), (obj.dtype, obj.shape))
        return None

    def changed(self) -> str | None:
        obj = self.obj
        now = obj.data if isinstance(obj, am.Tensor) else obj
        if isinstance(obj, am.Tensor):
            grad = None if obj.grad is None else np.array(obj.grad.data).tobytes()
            meta = (obj.data.dtype, obj.data.shape, obj._version, obj.requires_grad, obj.grad_fn,
                    grad)
        else:
            meta = (obj.dtype, obj.shape)
        if meta != self.meta:
            return f"metadata {self.meta[:4]} -> {meta[:4]}"
        if not np.array_equal(now, self.data, equal_nan=True):
            return "values changed"
        return None


def _raised_by_package(exc: BaseException) -> bool:
    """True when the innermost frame is a `raise` statement in autograd_mini's own code (judged
    by the bytecode instruction, not by re-reading a source file that may have changed since)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return os.path.abspath(code.co_filename).startswith(PACKAGE) and \
        code.co_code[tb.tb_lasti] == dis.opmap["RAISE_VARARGS"]


def _compare(out: Any, expected: Any) -> str | None:
    values = out.values if isinstance(out, tuple) and hasattr(out, "values") else out
    got = values.data if isinstance(values, am.Tensor) else np.asarray(values)
    want = np.asarray(expected)
    if got.shape != want.shape:
        return f"shape {got.shape}, NumPy {want.shape}"
    if got.size > 10**6:  # a broadcast view of a huge shape: compare a corner
        got, want = got.reshape(-1)[:100], want.reshape(-1)[:100]
    if got.dtype.kind in "fc" or want.dtype.kind in "fc":
        # a float16 result (NumPy's choice for bool input, say) is only good to ~1e-3
        eps = [float(np.finfo(d).eps) for d in (got.dtype, want.dtype) if d.kind == "f"]
        tol = max([1e-6] + [8 * e for e in eps])
        if not np.allclose(got.astype(np.complex128), want.astype(np.complex128), rtol=tol,
                           atol=tol, equal_nan=True):
            return f"values {got.ravel()[:4]} differ from NumPy's {want.ravel()[:4]}"
    elif not np.array_equal(got, want):
        return f"values {got.ravel()[:4]} differ from NumPy's {want.ravel()[:4]}"
    return None


def _backward_problem(out: Any, args: tuple) -> str | None:
    values = out.values if isinstance(out, tuple) and hasattr(out, "values") else out
    if not (isinstance(values, am.Tensor) and values.requires_grad and values.grad_fn):
        return None
    if values.data.size > 10**6:
        return None  # a huge broadcast view: its gradient would not fit in memory
    leaves = [a for a in args if isinstance(a, am.Tensor) and a.requires_grad and a.is_leaf]
    try:
        values.backward(am.Tensor(np.ones(values.shape, dtype=values.dtype)))
    except Exception as exc:  # noqa: BLE001
        if not _raised_by_package(exc):
            return f"backward crashed outside the package: {type(exc).__name__}: {exc}"
        return None
    for leaf in leaves:
        if leaf.grad is not None and leaf.grad.shape != leaf.shape:
            return f"gradient of shape {leaf.grad.shape} for an input of shape {leaf.shape}"
    return None


def run_case(spec: Spec, args: tuple, case: str = "") -> tuple[str, str]:
    """Call, check, and classify: ('ok' | 'error' | 'BAD', detail)."""
    snapshots = [s for s in (_Snapshot.of(a) for a in args) if s is not None]
    dtype_before = am.get_default_dtype()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = spec.call(*args)
    except Exception as exc:  # noqa: BLE001 (classified below)
        outcome = ("error", f"{type(exc).__name__}: {exc}")
        if not _raised_by_package(exc) and not isinstance(exc, OSError) and \
                "closed file" not in str(exc):  # Python's own words for I/O on a closed file
            last = traceback.extract_tb(exc.__traceback__)[-1]
            outcome = ("BAD", f"{type(exc).__name__} from {os.path.basename(last.filename)}:"
                              f"{last.lineno} ({last.line}): {exc}")
        elif len(str(exc)) < 15:
            outcome = ("BAD", f"uninformative message: {type(exc).__name__}: {exc!r}")
        outcome = _unchanged(snapshots, outcome)  # an error must never change anything
    else:
        outcome = ("ok", type(out).__name__)
        if not spec.inplace:
            outcome = _unchanged(snapshots, outcome)
        if outcome[0] == "ok" and spec.reference is not None and case not in spec.no_reference:
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    expected = spec.reference(*args)
            except Exception:  # noqa: BLE001 (NumPy refuses: nothing to compare with)
                expected = None
            if expected is not None:
                problem = _compare(out, expected)
                if problem:
                    outcome = ("BAD", f"wrong answer: {problem}")
        if outcome[0] == "ok":
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                problem = _backward_problem(out, args)
            if problem:
                outcome = ("BAD", problem)
    finally:
        am.set_default_dtype(dtype_before)
    return outcome


def _unchanged(snapshots: list[_Snapshot], outcome: tuple[str, str]) -> tuple[str, str]:
    for snap in snapshots:
        change = snap.changed()
        if change:
            return ("BAD", f"argument changed ({change}) after {outcome[0]}: {outcome[1][:200]}")
    return outcome


def _cases(name: str) -> list[tuple[str, tuple]]:
    """(case label, arguments) for every slot of the spec x every hostile value of its kind."""
    spec = SPECS[name]
    out = []
    for slot, kind in enumerate(spec.kinds):
        for value_name in KINDS[kind]:
            if value_name in spec.skip.get(slot, set()):
                continue
            if spec.method and slot == 0 and value_name in NOT_TENSORS:
                continue

            def build(slot: int = slot, value_name: str = value_name) -> tuple:
                return tuple(_fresh(k, value_name) if i == slot else _default(k, spec.defaults[i])
                             for i, k in enumerate(spec.kinds))

            out.append((f"arg {slot} ({kind}) = {value_name}", build))
    return out


# ---- the tests ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SPECS))
def test_hostile_inputs(name: str) -> None:
    bad = []
    cases = _cases(name)
    for label, build in cases:
        kind, detail = run_case(SPECS[name], build(), label)
        OUTCOMES.append((name, label, kind, detail))
        if kind == "BAD":
            bad.append(f"{name}({label}): {detail}")
    CASES_RUN[name] = len(cases)
    assert not bad, "\n".join(bad)


def test_the_harness_can_fail() -> None:
    """A raw NumPy error, a wrong answer and a mutated argument are each reported."""
    raw = Spec(lambda x: np.reshape(_np(x), (7,)), ("tensor",), ("valid",))
    assert run_case(raw, (TENSORS["valid"](),))[0] == "BAD"
    wrong = Spec(lambda x: am.exp(x), ("tensor",), ("valid",), lambda x: np.exp(_np(x)) + 1)
    assert "wrong answer" in run_case(wrong, (TENSORS["valid"](),))[1]

    def mutate(x: am.Tensor) -> am.Tensor:
        x.data[0, 0] = 99.0
        raise ValueError("mutate: a clear message, but the tensor changed first")

    assert "argument changed" in run_case(Spec(mutate, ("tensor",), ("valid",)),
                                          (TENSORS["no grad"](),))[1]


def test_cases_ran() -> None:
    """Runs last in this file: the table of public functions x hostile inputs is not empty."""
    total = sum(len(_cases(name)) for name in SPECS)
    assert total >= 4000, total  # the table shrinking would be a regression of its own


if __name__ == "__main__":  # print the table: python tests/test_hostile.py [function ...]
    names = sys.argv[1:] or sorted(SPECS)
    counts: dict[str, int] = {"ok": 0, "error": 0, "BAD": 0}
    for fn_name in names:
        for label, build in _cases(fn_name):
            kind, detail = run_case(SPECS[fn_name], build(), label)
            counts[kind] += 1
            if kind == "BAD" or "-v" in os.environ.get("HOSTILE", ""):
                print(f"{kind:5} {fn_name}({label}): {detail[:300]}")
    print(f"\n{sum(counts.values())} cases over {len(names)} functions: {counts}")
