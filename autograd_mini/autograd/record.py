"""Recording: how applying a Function to tensors becomes a Node in the graph.

`apply` is the general path: any Function (a primitive, whose forward takes ndarrays, or a user's,
whose forward takes Tensors and runs under no_grad), any number of inputs and outputs. Read it
first: make a node, run the forward, wrap the outputs, complete the node (edges, metadata, the
stamp, what it saved).

`apply1` and `apply2` are the fast paths for primitives of one and two inputs. Every op of every
model comes through them, and on small arrays this bookkeeping, not NumPy, is the cost of an op.
They do what `apply` does with the helpers' work written inline (a Python call costs about 1% of
an op), and record exactly the node `apply` records: tests/test_record.py records every primitive
both ways and compares the nodes. They rely on these invariants:

1. `cls` is a primitive (`array_forward`): its forward takes its inputs' ndarrays, returns an
   ndarray (NumPy scalars and tuples take the general completion) and saves arrays.
2. A forward result that is one ndarray is the op's only output: the node's metadata is then
   found by the inputs' and that array's shapes and dtypes alone (METADATA). Only floating-point
   results have metadata there, so the result's dtype kind is checked once per key, on a miss.
3. Grad mode is read only when an input requires grad: without one nothing is recorded anyway.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .._clock import ticks
from .._grad_mode import no_grad, thread_state
from ..tensor import Tensor
from .node import (
    METADATA,
    ConstantInput,
    Node,
    NodeMeta,
    SavedOutput,
    metadata_key,
    new_metadata,
)

# A primitive may declare what its backward needs (`Function.saves`) instead of calling
# ctx.save_for_backward (compared with `is`):
SAVES_INPUTS = "inputs"  # all its positional inputs
SAVES_OUTPUT = "output"  # its result
# Of its first two inputs, each only when the other needs a gradient, as d(a*b)/da needs only b
# (PyTorch saves no more: writing in place into an input whose value backward does not need is
# then no error). The other one reads as NOT_SAVED, which its VJP must not use.
SAVES_OTHER_INPUT = "other input"
NOT_SAVED = Tensor._make(np.empty(0))

# What NumPy raises for inputs it cannot handle: a dtype without a loop, a value it cannot
# convert, a result too large to allocate.
_NUMPY_ERRORS = (TypeError, ValueError, OverflowError, MemoryError)


class _NoGradContext:
    """The ctx passed to a primitive's forward that records nothing: saving is a no-op."""

    needs_input_grad: Any = None
    params: dict = {}

    def save_for_backward(self, *items: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass  # attributes set on the throwaway context are never read


_NO_CTX = _NoGradContext()
_NO_PARAMS: dict = {}  # (never written to: a node stores params only when there are some)


# ---- the general path ----------------------------------------------------------------------
def apply(cls: Any, args: tuple, params: dict) -> Any:
    """Run `cls.forward` on `args` and, when some input needs a gradient, record its node."""
    needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    record = True in needs and thread_state.grad_enabled
    if cls.array_forward:
        inputs = tuple(a.data if isinstance(a, Tensor) else a for a in args)
        ctx = _new_node(cls, needs, params) if record else _NO_CTX
    else:  # a user's Function: its forward gets a real ctx even when nothing is recorded
        inputs = args
        ctx = _new_node(cls, needs if record else (False,) * len(args), params)
    out = _forward(cls, ctx, inputs, params)
    if not record:
        return _wrap(out, None)
    return _complete(ctx, args, out)


def _new_node(cls: Any, needs: tuple, params: dict) -> Node:
    """A node for `cls` with the attributes its forward may read: a plain Node for a primitive,
    an instance of `<Name>Backward` for a user's Function."""
    ctx = Node() if cls.array_forward else cls._node_class()()
    ctx.fn = cls
    ctx.needs_input_grad = needs
    ctx._saved = None
    if params:
        ctx.params = params
    return ctx


def _forward(cls: Any, ctx: Any, inputs: tuple, params: dict) -> Any:
    if not cls.array_forward:
        with no_grad():
            return cls.forward(ctx, *inputs, **params)
    try:
        return cls.forward(ctx, *inputs, **params)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, inputs, exc) from None


def _complete(ctx: Node, args: tuple, out: Any) -> Any:
    """Wrap the forward's result `out` and complete the node: edges, metadata, stamp, saved."""
    outputs = _wrap(out, ctx)
    outs = outputs if isinstance(outputs, tuple) else (outputs,)
    needs = ctx.needs_input_grad
    ctx.next_edges = tuple(edge_to(a) if need else None for a, need in zip(args, needs))
    ctx.meta = _metadata(args, needs, outs)
    if len(outs) > 1:
        ctx._multi = True
    _stamp(ctx, args)
    _save(ctx, args, outs, out)
    return outputs


def _metadata(args: tuple, needs: tuple, outs: tuple) -> NodeMeta:
    """The node's metadata: shared (METADATA) for one floating-point output, else its own."""
    shapes = tuple(a.data.shape if need else None for a, need in zip(args, needs))
    dtypes = tuple(a.data.dtype if need else None for a, need in zip(args, needs))
    if len(outs) == 1 and outs[0].data.dtype.kind == "f":
        key = metadata_key(shapes, dtypes, outs[0].data)
        return METADATA.get(key) or new_metadata(key)
    return NodeMeta(shapes, dtypes, tuple(o.data.shape for o in outs),
                    tuple(o.data.dtype for o in outs), False)


def _wrap(out: Any, node: Node | None) -> Any:
    """A forward's result (an array, a Tensor, a NumPy scalar, or a tuple of them) as Tensors."""
    if isinstance(out, tuple):
        return tuple(_wrap_one(o, node, i) for i, o in enumerate(out))
    return _wrap_one(out, node, 0)


def _wrap_one(out: Any, node: Node | None, output_nr: int) -> Tensor:
    if isinstance(out, Tensor):
        out = out.data
    elif type(out) is not np.ndarray:
        out = np.asarray(out)  # reductions hand back NumPy scalars
    if node is not None and out.dtype.kind != "f":
        node = None  # integer/bool results carry no gradient
    return Tensor._make(out, node is not None, node, output_nr)


# ---- the fast paths (see the invariants in the module's docstring) ---------------------------
_NEEDS_1 = (True,)
_NEEDS_2 = (True, True)


def apply1(cls: Any, a: Any, params: dict = _NO_PARAMS) -> Any:
    """`apply(cls, (a,), params)` for a primitive of one input."""
    if isinstance(a, Tensor):
        x = a.data
        record = a._requires_grad and thread_state.grad_enabled
    else:
        x, record = a, False
    if record:  # (_new_node, inline)
        ctx = Node()
        ctx.fn, ctx.needs_input_grad, ctx._saved = cls, _NEEDS_1, None
        if params:
            ctx.params = params
    else:
        ctx = _NO_CTX
    try:
        out = cls.forward(ctx, x, **params) if params else cls.forward(ctx, x)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, (x,), exc) from None
    if not record:
        return Tensor._make(out) if type(out) is np.ndarray else _wrap(out, None)
    if type(out) is not np.ndarray:
        return _complete(ctx, (a,), out)
    fn = a.grad_fn  # (edge_to, inline)
    edge = a if fn is None else fn if a._output_nr == 0 else (fn, a._output_nr)
    return _complete_one(ctx, (a,), out, (edge,), ((x.shape, x.dtype), out.shape, out.dtype),
                         False)


def apply2(cls: Any, a: Any, b: Any, params: dict = _NO_PARAMS) -> Any:
    """`apply(cls, (a, b), params)` for a primitive of two inputs."""
    if isinstance(a, Tensor):
        xa, need_a = a.data, a._requires_grad
    else:
        xa, need_a = a, False
    if isinstance(b, Tensor):
        xb, need_b = b.data, b._requires_grad
    else:
        xb, need_b = b, False
    record = (need_a or need_b) and thread_state.grad_enabled
    if record:  # (_new_node, inline; a shared needs tuple when both need one: one object less)
        ctx = Node()
        ctx.fn, ctx._saved = cls, None
        ctx.needs_input_grad = _NEEDS_2 if need_a and need_b else (need_a, need_b)
        if params:
            ctx.params = params
    else:
        ctx = _NO_CTX
    try:
        out = cls.forward(ctx, xa, xb, **params) if params else cls.forward(ctx, xa, xb)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, (xa, xb), exc) from None
    if not record:
        return Tensor._make(out) if type(out) is np.ndarray else _wrap(out, None)
    if type(out) is not np.ndarray:
        return _complete(ctx, (a, b), out)
    if need_a:  # (edge_to and metadata_key, inline)
        fn = a.grad_fn
        edge_a = a if fn is None else fn if a._output_nr == 0 else (fn, a._output_nr)
        shape_a, dtype_a = xa.shape, xa.dtype
    else:
        edge_a = shape_a = dtype_a = None
    if need_b:
        fn = b.grad_fn
        edge_b = b if fn is None else fn if b._output_nr == 0 else (fn, b._output_nr)
        shape_b, dtype_b = xb.shape, xb.dtype
    else:
        edge_b = shape_b = dtype_b = None
    return _complete_one(ctx, (a, b), out, (edge_a, edge_b),
                         ((shape_a, shape_b, dtype_a, dtype_b), out.shape, out.dtype),
                         not (need_a and need_b))


def _complete_one(ctx: Node, args: tuple, out: np.ndarray, edges: tuple, key: tuple,
                  constant: bool) -> Tensor:
    """`_complete` for a forward that returned one array; `key` is its metadata_key,
    `constant` whether some input takes no gradient."""
    meta = METADATA.get(key)
    if meta is None:
        if out.dtype.kind != "f":  # no gradient flows from an integer or bool result
            return _complete(ctx, args, out)
        meta = new_metadata(key)
    result = _new_object(Tensor)  # (Tensor._make, inline: its call would cost ~1% of an op)
    result.data, result._requires_grad, result.grad_fn = out, True, ctx
    ctx.next_edges = edges
    ctx.meta = meta
    ctx.seq = next(ticks)  # (_stamp, inline)
    if _threads_with_scope:
        scope = thread_state.scope
        if scope is not None:
            ctx.scope = scope
    if constant:
        ctx._const_inputs = tuple(None if needed else ConstantInput(a)
                                  for a, needed in zip(args, ctx.needs_input_grad))
    if _creation_hook is not None:
        _creation_hook(ctx)
    saves = ctx.fn.saves
    if saves is SAVES_OUTPUT:  # (_save's first case, inline: exp, tanh, sigmoid, relu, ...)
        marker = SavedOutput(result)  # (SavedOutput.of, inline: a fresh output is at version 0)
        marker.data, marker.version, marker.output_nr = out, 0, 0
        ctx._saved = (marker,)
        ctx._saved_versions = _OUTPUT_VERSION
    elif saves is not None:
        _save_inputs(ctx, args)
    elif ctx._saved is not None:
        _resolve_saved(ctx, args, (result,), (out,))
    return result


_new_object = object.__new__  # (an instance without running __init__)


# ---- completing a node: one helper each ------------------------------------------------------
def edge_to(t: Tensor) -> Any:
    """The edge along which `t`'s gradient flows (see Node.next_edges): t itself for a leaf,
    else the node that made it (with the output number when it is not output 0)."""
    fn = t.grad_fn
    if fn is None:
        return t
    return fn if t._output_nr == 0 else (fn, t._output_nr)


# Set by anomaly mode (to record where each node was created); None keeps recording short.
_creation_hook: Any = None


def set_creation_hook(hook: Any) -> None:
    """Call `hook(node)` for every node recorded from now on (None: stop)."""
    global _creation_hook
    _creation_hook = hook


def _stamp(ctx: Node, args: tuple) -> None:
    """Creation number, module scope, constant inputs (described for drawing) and, in anomaly
    mode, the line that recorded the node."""
    ctx.seq = next(ticks)
    if _threads_with_scope:
        scope = thread_state.scope
        if scope is not None:
            ctx.scope = scope
    if False in ctx.needs_input_grad:
        ctx._const_inputs = tuple(None if needed else ConstantInput(a)
                                  for a, needed in zip(args, ctx.needs_input_grad))
    if _creation_hook is not None:
        _creation_hook(ctx)


_ZEROS_2 = (0, 0)
_OUTPUT_VERSION = (None,)  # the versions entry of a saved output (its marker holds the version)


def _save(ctx: Node, args: tuple, outs: tuple, raw: Any) -> None:
    """Store what the node's backward needs, with the versions to check it against: what the
    Function declared (`saves`) or what its forward passed to save_for_backward. Inputs are held
    as their Tensors (a number as a new Tensor), outputs as SavedOutput markers (a Tensor would be
    a reference cycle)."""
    saves = ctx.fn.saves
    if saves is SAVES_OUTPUT:
        ctx._saved = (SavedOutput.of(outs[0], 0),)
        ctx._saved_versions = _OUTPUT_VERSION
    elif saves is not None:
        _save_inputs(ctx, args)
    elif ctx._saved is not None:
        _resolve_saved(ctx, args, outs, raw if isinstance(raw, tuple) else (raw,))


def _save_inputs(ctx: Node, args: tuple) -> None:
    """SAVES_INPUTS or SAVES_OTHER_INPUT: the input Tensors (a number as a new Tensor) and their
    versions."""
    if (ctx.needs_input_grad is _NEEDS_2 or ctx.fn.saves is SAVES_INPUTS) and len(args) == 2 \
            and isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
        ctx._saved = args  # (the common case: the args tuple itself)
        version_a, version_b = args[0]._version, args[1]._version
        ctx._saved_versions = (version_a, version_b) if version_a or version_b else _ZEROS_2
        return
    saved = [a if isinstance(a, Tensor) else Tensor._make(np.asarray(a)) for a in args]
    if ctx.fn.saves is SAVES_OTHER_INPUT:
        need = ctx.needs_input_grad
        saved[0:2] = [saved[0] if need[1] else NOT_SAVED, saved[1] if need[0] else NOT_SAVED]
        del saved[2:]
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(a._version for a in saved)


def _resolve_saved(ctx: Node, args: tuple, outs: tuple, raws: tuple) -> None:
    """Map what forward passed to save_for_backward to inputs' Tensors and output markers.

    An item is an output when it is an output Tensor, its array, or the forward's raw result (a
    0-d result comes back from NumPy as a scalar that wrapping copied into a new array); an
    input when it is an input Tensor or (in a primitive's array forward) its array."""
    saved = []
    versions = []
    for item in ctx._saved:
        resolved: Any = None
        for i, (o, r) in enumerate(zip(outs, raws)):
            if item is o or item is o.data or item is r:
                resolved = SavedOutput.of(o, i)
                versions.append(None)
                break
        if resolved is None:
            for a in args:
                if isinstance(a, Tensor) and (item is a or item is a.data):
                    resolved = a
                    break
            else:
                resolved = item if isinstance(item, Tensor) else Tensor._make(np.asarray(item))
            versions.append(resolved._version)
        saved.append(resolved)
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(versions)


# ---- module scope ---------------------------------------------------------------------------
# The dotted path of the Module whose forward is running (set by Module.__call__), stored on each
# node recorded meanwhile, for drawing. Per thread (thread_state.scope): modules running in one
# thread must not label another thread's ops. Recording reads it only while some thread has one
# set (a thread-local read costs about 1% of an op), counted by its one writer, set_scope.
_threads_with_scope = 0
_scope_lock = threading.Lock()


def current_scope() -> str | None:
    """The dotted path of the Module whose forward is running in this thread, or None."""
    return thread_state.scope


def set_scope(path: str | None) -> None:
    """Set the calling thread's module scope (Module.__call__ sets and restores it)."""
    global _threads_with_scope
    with _scope_lock:
        _threads_with_scope += (path is not None) - (thread_state.scope is not None)
        thread_state.scope = path


def _forward_error(cls: Any, inputs: tuple, exc: Exception) -> Exception:
    """NumPy refused a primitive's inputs (a dtype it has no loop for, a value it cannot convert):
    the same error, raised here with the op and every input described, not from NumPy's depths."""
    def describe(x: Any) -> str:
        if isinstance(x, np.ndarray):
            return f"array of shape {x.shape} and dtype {x.dtype}"
        return type(x).__name__
    kind = next(k for k in _NUMPY_ERRORS if isinstance(exc, k))  # NumPy's subclasses need more
    return kind(f"{cls.__name__}: {exc} (inputs: {', '.join(describe(x) for x in inputs)})")
