"""Build an ONNX ModelProto from two traces of a forward (see the package's docstring)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._errors import ExportError, UnsupportedOperatorError
from ._graph import Graph, Value, onnx_dtype
from ._ops import HANDLERS, OpContext
from ._trace import Trace, run_traced


# ---- arguments --------------------------------------------------------------------------------
def _inputs(args: Any) -> tuple[Tensor, ...]:
    items = args if isinstance(args, (tuple, list)) else (args,)
    out = []
    for i, a in enumerate(items):
        if isinstance(a, np.ndarray):
            a = Tensor._make(a)
        if not isinstance(a, Tensor):
            raise TypeError(f"export: example input {i} is a {type(a).__name__}; pass Tensors")
        out.append(a)
    return tuple(out)


def _names(given: list[str] | None, count: int, prefix: str) -> list[str]:
    names = list(given) if given is not None else [f"{prefix}_{i}" for i in range(count)]
    if len(names) != count:
        raise ValueError(f"export: {len(names)} {prefix} names for {count} {prefix}s")
    if len(set(names)) != len(names):
        raise ValueError(f"export: duplicate {prefix} names {names}")
    return names


def _dynamic(dynamic_axes: dict, known: set[str]) -> dict[str, dict[int, str]]:
    """{name: {axis: dim name}} from torch's two spellings (a dict or a list of axes)."""
    out = {}
    for name, axes in dynamic_axes.items():
        if name not in known:
            raise ValueError(f"export: dynamic_axes names {name!r}, which is not an input or "
                             f"output name ({sorted(known)})")
        if isinstance(axes, dict):
            out[name] = {int(a): str(d) for a, d in axes.items()}
        else:
            out[name] = {int(a): f"{name}_dynamic_axes_{int(a)}" for a in axes}
    return out


def _second_inputs(inputs: tuple, names: list[str], dyn: dict) -> tuple:
    """The inputs of the second trace: one longer along each dynamic axis, other values."""
    out = []
    for t, name in zip(inputs, names):
        a = t.data
        for axis in dyn.get(name, {}):
            if not -a.ndim <= axis < a.ndim:
                raise ValueError(f"export: dynamic axis {axis} of input {name!r} is out of "
                                 f"range for its shape {a.shape}")
            a = np.concatenate([a, np.take(a, [0] if a.shape[axis] else [], axis=axis)],
                               axis=axis)
        if a.ndim:  # other positions hold other values (a threshold then sees a change)
            a = np.roll(a.reshape(-1), 1).reshape(a.shape)
        if a.dtype.kind == "f":
            a = (a * 0.75 + 0.125).astype(a.dtype)
        else:
            a = a.copy()
        out.append(Tensor._make(a, t.requires_grad))
    return tuple(out)


# ---- tracing ----------------------------------------------------------------------------------
def _run(model: Any, inputs: tuple) -> tuple[Trace, list]:
    trace, result = run_traced(model, inputs)
    outs = _flatten(result)
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise ExportError(f"export: output {i} of the forward is a {type(o).__name__}; "
                              "the forward must return a Tensor or a tuple of Tensors")
    return trace, list(outs)


def _flatten(result: Any) -> list:
    """The forward's outputs, nested tuples and lists flattened in order (LSTM's (out, (h, c)))."""
    if isinstance(result, (tuple, list)):
        return [o for r in result for o in _flatten(r)]
    return [result]


def _traces(model: Any, inputs: tuple, inputs2: tuple) -> tuple:
    from ..nn.module import Module

    modes = [(m, m.training) for m in model.modules()] if isinstance(model, Module) else []
    if modes:
        model.eval()
    try:
        trace, outs = _run(model, inputs)
        trace2, outs2 = _run(model, inputs2)
    finally:
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
    ops1 = [c.name for c in trace.calls]
    ops2 = [c.name for c in trace2.calls]
    if ops1 != ops2 or len(outs) != len(outs2):
        first = next((i for i, (a, b) in enumerate(zip(ops1, ops2)) if a != b),
                     min(len(ops1), len(ops2)))
        raise ExportError(
            f"export: the forward ran different ops for inputs of other values or sizes (op "
            f"{first}: {ops1[first:first + 1]} vs {ops2[first:first + 1]}); control flow that "
            "depends on the inputs cannot be traced")
    return trace, outs, trace2, outs2


# ---- the graph --------------------------------------------------------------------------------
class _Builder:
    def __init__(self, g: Graph, params: dict[int, tuple[str, np.ndarray]]) -> None:
        self.g = g
        self.params = params
        self.produced: dict[int, tuple[np.ndarray, Value]] = {}
        self.used_params: dict[str, Value] = {}

    def add(self, array: np.ndarray, value: Value) -> None:
        self.produced[id(array)] = (array, value)
        self.g.register_dims(value)

    def resolve(self, a: Any, a2: Any, op: str | None, where: str) -> Value:
        """The value an argument array stands for: made earlier, a parameter, or a constant."""
        hit = self.produced.get(id(a))
        if hit is not None and hit[0] is a:
            return hit[1]
        hit = self.params.get(id(a))
        if hit is not None and hit[1] is a:
            name = hit[0]
            if name not in self.used_params:
                self.g.initializer(name, a)
                self.used_params[name] = Value(name, a.dtype, a.shape, a.shape)
            return self.used_params[name]
        a = np.asarray(a)
        a2 = np.asarray(a2)
        if op in _BROADCASTING and a.shape != a2.shape and a.ndim == a2.ndim:
            # a mask broadcast to the batch: size 1 along the axes that differ
            axes = [i for i, (m, n) in enumerate(zip(a.shape, a2.shape)) if m != n]
            a, a2 = _unbroadcast(a, axes), _unbroadcast(a2, axes)
        if a.shape != a2.shape or a.dtype != a2.dtype or not np.array_equal(a, a2,
                                                                          equal_nan=True):
            raise ExportError(
                f"export: a constant of shape {a.shape} ({a.dtype}) used by {where} "
                f"changed with the inputs (shape {a2.shape} in the second trace): it was "
                "computed from the inputs outside the recorded primitives (a comparison, an "
                "integer op, .numpy()) or sized from a dynamic axis; that cannot be exported")
        name = self.g.const(a)
        return Value(name, a.dtype, a.shape, a.shape)


# Primitives whose operands broadcast: a constant repeated along a dynamic axis can be stored
# with size 1 there.
_BROADCASTING = {"Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Where", "Clip"}


def _unbroadcast(a: np.ndarray, axes: list[int]) -> np.ndarray:
    """`a` with each of `axes` along which all its slices are equal reduced to size 1 (the
    other operand carries that dynamic axis)."""
    for axis in axes:
        if a.shape[axis] > 1:
            first = a.take([0], axis=axis)
            if np.array_equal(np.broadcast_to(first, a.shape), a, equal_nan=True):
                a = first
    return a


def _param_arrays(model: Any) -> dict[int, tuple[str, np.ndarray]]:
    from ..nn.module import Module

    if not isinstance(model, Module):
        return {}
    out = {}
    for name, t in model._state_items():
        out.setdefault(id(t.data), (name, t.data))
    return out


def build_model(model: Any, args: Any, input_names: list[str] | None,
                output_names: list[str] | None, dynamic_axes: dict, opset: int) -> Any:
    """Trace `model` twice and write the ONNX ModelProto."""
    import onnx

    from .. import __version__

    if not callable(model):
        raise TypeError(f"export: model must be a Module or a function, got "
                        f"{type(model).__name__}")
    inputs = _inputs(args)
    in_names = _names(input_names, len(inputs), "input")
    dyn = _dynamic(dynamic_axes, set(in_names) | set(output_names or []))
    inputs2 = _second_inputs(inputs, in_names, dyn)
    trace, outs, trace2, outs2 = _traces(model, inputs, inputs2)
    out_names = _names(output_names, len(outs), "output")
    unknown = set(dyn) - set(in_names) - set(out_names)
    if unknown:
        raise ValueError(f"export: dynamic_axes names {sorted(unknown)}, not an input or output")

    g = Graph(opset)
    b = _Builder(g, _param_arrays(model))
    graph_inputs = []
    for t, t2, name in zip(inputs, inputs2, in_names):
        value = Value(name, t.data.dtype, t.data.shape, t2.data.shape)
        names = {a % max(t.data.ndim, 1): d for a, d in dyn.get(name, {}).items()}
        g.register_dims(value, names)
        b.add(t.data, value)
        graph_inputs.append(g.value_info_proto(value))
    _convert_calls(g, b, trace, trace2)
    graph_outputs = _outputs(g, b, outs, outs2, out_names, dyn)
    internal = {v.name for v in g.value_info.values()} - set(in_names) - set(out_names)
    graph = onnx.helper.make_graph(
        g.nodes, "autograd_mini", graph_inputs, graph_outputs, g.initializers,
        value_info=[g.value_info_proto(g.value_info[n]) for n in sorted(internal)])
    model_proto = onnx.helper.make_model(
        graph, producer_name="autograd_mini", producer_version=__version__,
        opset_imports=[onnx.helper.make_opsetid("", opset)])
    return model_proto


def _convert_calls(g: Graph, b: _Builder, trace: Trace, trace2: Trace) -> None:
    for call, call2 in zip(trace.calls, trace2.calls):
        handler = HANDLERS.get(call.name)
        where = f" (in module {call.scope!r})" if call.scope else ""
        if handler is None:
            raise UnsupportedOperatorError(
                f"export: the primitive {call.name}{where} has no ONNX mapping; exportable "
                f"primitives: {', '.join(sorted(HANDLERS))}")
        ctx = OpContext(g, call, call2,
                        lambda a, a2, _w, c=call, w=where: b.resolve(a, a2, c.name, c.name + w))
        names = handler(ctx)
        names = names if isinstance(names, list) else [names]
        outs, outs2 = call.outputs, call2.outputs
        if len(names) != len(outs):
            raise ExportError(f"export: {call.name}{where} gave {len(names)} ONNX outputs for "
                              f"{len(outs)} results")
        for name, out, out2 in zip(names, outs, outs2):
            onnx_dtype(out.dtype, f"the result of {call.name}{where}")
            value = Value(name, out.dtype, out.shape, out2.shape)
            g.value_info[name] = value
            b.add(out, value)


def _outputs(g: Graph, b: _Builder, outs: list, outs2: list, names: list[str],
             dyn: dict) -> list:
    protos = []
    for t, t2, name in zip(outs, outs2, names):
        source = b.resolve(t.data, t2.data, None, f"output {name!r}")
        g.node("Identity", [source.name], [name])
        value = Value(name, t.data.dtype, t.data.shape, t2.data.shape)
        declared = {a % max(len(value.shape), 1): d for a, d in dyn.get(name, {}).items()}
        for axis in declared:
            if not value.dynamic(axis):
                raise ExportError(f"export: output {name!r} axis {axis} is declared dynamic, "
                                  "but its size does not follow the inputs' dynamic axes")
        g.register_dims(value, declared)
        dims = [declared.get(a, g.dim_param(value, a)) for a in range(len(value.shape))]
        protos.append(g.helper.make_tensor_value_info(name, onnx_dtype(value.dtype, name),
                                                      dims))
    return protos
