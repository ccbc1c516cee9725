"""The ONNX graph under construction: values, initializers, nodes, and dynamic dimensions.

Each traced array is an ONNX value. Its shape is known from two traces (the example inputs and
inputs resized along the dynamic axes), so a dimension is dynamic exactly when the two traces
differ there, and named after the input axis it comes from (`batch`, `2*batch`, ...). A shape an
op needs (Reshape, Expand, ...) is built from constants for static dimensions and from
`Shape` of a value holding each dynamic one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._errors import ExportError

# NumPy dtype -> onnx.TensorProto data type (the numbers of onnx.proto3: no import needed)
ONNX_DTYPES = {np.dtype(k): v for k, v in {
    "float32": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "int32": 6, "int64": 7,
    "bool": 9, "float16": 10, "float64": 11, "uint32": 12, "uint64": 13}.items()}


def onnx_dtype(dtype: Any, what: str) -> int:
    dtype = np.dtype(dtype)
    if dtype not in ONNX_DTYPES:
        raise ExportError(f"{what} has dtype {dtype}, which ONNX export does not support")
    return ONNX_DTYPES[dtype]


class Value:
    """An ONNX value: its name, dtype and shape in both traces."""

    __slots__ = ("name", "dtype", "shape", "shape2")

    def __init__(self, name: str, dtype: np.dtype, shape: tuple, shape2: tuple) -> None:
        self.name, self.dtype, self.shape, self.shape2 = name, np.dtype(dtype), shape, shape2

    def dynamic(self, axis: int) -> bool:
        return self.shape[axis] != self.shape2[axis]


class Graph:
    """Nodes, initializers and named values of the model being written."""

    def __init__(self, opset: int) -> None:
        import onnx

        self.onnx = onnx
        self.helper = onnx.helper
        self.opset = opset
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.value_info: dict[str, Value] = {}
        self.dims: dict[tuple[int, int], str] = {}  # (size, size in trace 2) -> dim name
        self.dim_sources: dict[tuple[int, int], tuple[str, int]] = {}  # -> (value, axis)
        self._counter = 0
        self._constants: dict[tuple, str] = {}

    # -- names and nodes -------------------------------------------------------------------------
    def fresh(self, hint: str) -> str:
        self._counter += 1
        return f"{hint}_{self._counter}"

    def node(self, op: str, inputs: list, outputs: int | list = 1, **attrs: Any) -> Any:
        """Add a node; returns its output name (or names when `outputs` is a list or > 1)."""
        names = outputs if isinstance(outputs, list) else [self.fresh(op) for _ in
                                                                range(outputs)]
        ins = ["" if i is None else i for i in inputs]
        self.nodes.append(self.helper.make_node(op, ins, names, name=self.fresh(f"n_{op}"),
                                                **attrs))
        return names[0] if len(names) == 1 else names

    def initializer(self, name: str, array: np.ndarray) -> str:
        onnx_dtype(array.dtype, f"the constant {name!r}")
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    def const(self, value: Any, dtype: Any = None) -> str:
        """A constant initializer (small ones shared by value)."""
        array = np.asarray(value, dtype=dtype)
        if array.dtype.kind not in "biuf":
            raise ExportError(f"a constant of dtype {array.dtype} cannot be exported")
        if array.size <= 16:
            key = (array.dtype.str, array.shape, array.tobytes())
            if key not in self._constants:
                self._constants[key] = self.initializer(self.fresh("const"), array)
            return self._constants[key]
        return self.initializer(self.fresh("const"), array)

    def ints(self, values: Any) -> str:
        return self.const(np.asarray(list(values), dtype=np.int64))

    # -- dynamic dimensions ----------------------------------------------------------------------
    def register_dims(self, value: Value, names: dict[int, str] | None = None) -> None:
        """Note where each dynamic dimension of `value` can be read (and its name)."""
        for axis, pair in enumerate(zip(value.shape, value.shape2)):
            if pair[0] == pair[1]:
                continue
            if pair not in self.dims:
                self.dims[pair] = (names or {}).get(axis) or self._derived_name(pair)
            self.dim_sources.setdefault(pair, (value.name, axis))

    def _derived_name(self, pair: tuple[int, int]) -> str:
        for (a, b), name in list(self.dims.items()):
            for k in range(2, 4097):
                if (a * k, b * k) == pair:
                    return f"{k}*{name}"
        return f"dim_{pair[0]}_{pair[1]}"

    def dim_param(self, value: Value, axis: int) -> int | str:
        pair = (value.shape[axis], value.shape2[axis])
        if pair[0] == pair[1]:
            return pair[0]
        return self.dims.get(pair) or self._derived_name(pair)

    def dim_tensor(self, pair: tuple[int, int], op: str) -> str:
        """A 1-element int64 tensor holding the dynamic dimension `pair` at run time."""
        source = self.dim_sources.get(pair)
        if source is not None:
            return self._gather_dim(*source)
        for known, (name, axis) in list(self.dim_sources.items()):
            for k in range(2, 4097):
                if (known[0] * k, known[1] * k) == pair:
                    return self.node("Mul", [self._gather_dim(name, axis), self.ints([k])])
        raise ExportError(f"{op}: a dimension of size {pair[0]} depends on the dynamic axes in a "
                          "way the exporter cannot express; declare fewer dynamic axes")

    def _gather_dim(self, name: str, axis: int) -> str:
        shape = self.node("Shape", [name], start=axis, end=axis + 1)
        return shape

    def shape_tensor(self, shape: tuple, shape2: tuple, op: str, allow_infer: bool) -> str:
        """An int64 shape tensor for (shape, shape2): constants where static; with
        `allow_infer` (Reshape) one dynamic dimension becomes -1, others read at run time."""
        dynamic = [i for i, (a, b) in enumerate(zip(shape, shape2)) if a != b]
        if not dynamic:
            return self.ints(shape)
        if allow_infer and len(dynamic) == 1:
            return self.ints([-1 if i == dynamic[0] else d for i, d in enumerate(shape)])
        pieces = []
        static: list[int] = []
        for a, b in zip(shape, shape2):
            if a == b:
                static.append(a)
                continue
            if static:
                pieces.append(self.ints(static))
                static = []
            pieces.append(self.dim_tensor((a, b), op))
        if static:
            pieces.append(self.ints(static))
        return pieces[0] if len(pieces) == 1 else self.node("Concat", pieces, axis=0)

    # -- annotation ------------------------------------------------------------------------------
    def value_info_proto(self, value: Value) -> Any:
        dims = [self.dim_param(value, axis) for axis in range(len(value.shape))]
        return self.helper.make_tensor_value_info(value.name, onnx_dtype(value.dtype,
                                                                          value.name), dims)
