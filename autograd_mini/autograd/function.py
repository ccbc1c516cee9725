"""`Function` and its graph node: the one mechanism every differentiable operation goes through.

A `Function` subclass pairs a forward with a hand-written backward (a vector-Jacobian product).
`Function.apply` runs the forward and, when a gradient is needed, records a node (an instance of
the subclass's `<Name>Backward` class, which doubles as the `ctx` the user saves into). The
project's own primitives (`autograd_mini.primitives`) are Functions too: they only differ in taking
NumPy arrays in `forward` (`array_forward = True`), which keeps the per-op path lean.

A node keeps edges to its inputs' nodes (or to leaf tensors) and the tensors it saved, never its
own outputs: after `loss.backward(); del loss` a graph is freed by reference counting alone.
"""

from __future__ import annotations

import itertools
import sys
import threading
import types
import weakref
from typing import Any

import numpy as np

from .. import _grad_mode
from .._grad_mode import _state, no_grad

Tensor: Any = None  # set by tensor.py once the class exists (avoids a per-call import)
_seq = itertools.count()  # creation order: deterministic traversal and node ids for drawing


class _NoGradContext:
    """The ctx passed to a forward that records nothing: saving is a no-op."""

    needs_input_grad: Any = None
    params: dict = {}

    def save_for_backward(self, *items: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass  # attributes set on the throwaway context are never read


_NO_CTX = _NoGradContext()


class _SavedOutput(weakref.ref):
    """Stands in for an output a node saved: holding the output itself would make a cycle.

    A weak reference to the output (calling it gives the live tensor, to check its version)
    that carries the array itself: one object per saved output for the cyclic GC, not two."""

    __slots__ = ("data", "version", "output_nr")  # version: None once written in place

    @classmethod
    def of(cls, tensor: Any, output_nr: int) -> _SavedOutput:
        marker = cls(tensor)
        marker.data, marker.version, marker.output_nr = tensor.data, tensor._version, output_nr
        return marker


class ConstantInput:
    """An op input that takes no gradient, described for drawing: a weak reference to it (when it
    is a Tensor), its shape and dtype, and its value when it has one element. Holding the input
    itself would keep a data batch alive as long as the graph."""

    __slots__ = ("ref", "shape", "dtype", "value")

    def __init__(self, a: Any) -> None:
        self.ref = weakref.ref(a) if isinstance(a, Tensor) else None
        data = a.data if isinstance(a, Tensor) else a
        if isinstance(data, np.ndarray | np.generic):
            self.shape, self.dtype = data.shape, data.dtype
            self.value = data.item() if data.size == 1 else None
        else:  # a Python number (or another non-tensor argument of a custom Function)
            self.shape, self.dtype = None, None
            self.value = data if isinstance(data, int | float | complex | str | None) else None


_FREED = ("freed",)  # Node._saved once a backward has released it

# The creation number (see _seq) taken by the latest in-place write into any tensor: a node
# numbered after it has nothing to check (Node.saved_tensors).
_last_write = -1


def _note_write() -> None:
    """Record that some tensor was changed in place (Tensor._bump_version calls this)."""
    global _last_write
    _last_write = next(_seq)


class Node:
    """A recorded operation in the graph; also the `ctx` a Function's forward and backward see.

    The project's primitives all record plain `Node`s (`fn` says which primitive): one class,
    so the interpreter's attribute caches stay hit on the per-op path. A user's Function records
    an instance of its own subclass (`<Name>Backward`), which takes any attribute the user sets.

    Attributes:
        fn: the Function whose backward this node runs.
        next_edges: one entry per forward input: None (no gradient flows there), a leaf Tensor,
            or the node that computed the input: the node itself for its output 0 (nearly
            always: one object less per edge for the cyclic GC), else a `(node, output_nr)`
            pair. `next_functions` gives them as PyTorch's pairs.
        input_shapes / input_dtypes: what the forward saw, to check and un-broadcast gradients.
        needs_input_grad: per input, whether a gradient is wanted.
        params: the non-tensor arguments of the op (shown when drawing the graph).
        seq: creation counter.
    """

    __slots__ = (
        "fn", "next_edges", "needs_input_grad", "seq", "_meta", "_saved", "_saved_versions",
        "_arrays", "__dict__", "__weakref__",
    )
    # Rarely set, so class-level defaults rather than slots: the per-op path never stores them,
    # and a node that does get one (a hook, anomaly mode, a module scope, a constant input, a
    # keyword argument) keeps it in its instance dict.
    params: Any = types.MappingProxyType({})
    scope: str | None = None
    _const_inputs: tuple | None = None
    _hooks: dict[int, list] | None = None
    _retained: dict[int, Any] | None = None
    _observed = False  # True once either of the two above is set: one check per backward step
    _any_observed = False  # (on the class) whether any node ever was: else the check is skipped
    trace: Any = None
    retained_grads: tuple | None = None
    _multi = False  # True for a node of several outputs (the engine keeps a list of gradients)

    # (No __init__: a primitive's node is made by calling the class, which then costs no Python
    # call, and apply1/apply2/_finish set its slots. A user's Function's node: see _FunctionNode.)

    # The shapes and dtypes live in one tuple, `_meta`, often shared between nodes (see
    # _METADATA): one store per recorded op instead of four. Each a tuple, one entry per input
    # (None where no gradient flows) or per output; then whether nothing was broadcast.
    input_shapes = property(lambda node: node._meta[0])
    input_dtypes = property(lambda node: node._meta[1])
    out_shapes = property(lambda node: node._meta[2])
    out_dtypes = property(lambda node: node._meta[3])

    def _mark_observed(self) -> None:
        """Make backward look for this node's output hooks and retained outputs."""
        self._observed = True
        Node._any_observed = True

    @property
    def _freed(self) -> bool:
        """Whether a backward without retain_graph has dropped the saved tensors."""
        return self._saved is _FREED

    def name(self) -> str:
        """The op's readable name, as in PyTorch: `MulBackward`, `<YourFunction>Backward`."""
        return self.fn.__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"

    @property
    def next_functions(self) -> tuple:
        """PyTorch-style view of the edges: `(node_or_leaf, output_nr)` pairs or `(None, 0)`."""
        return tuple((None, 0) if e is None else (e if isinstance(e, tuple) else (e, 0))
                     for e in self.next_edges)

    # -- saving for backward ---------------------------------------------------------------
    def save_for_backward(self, *items: Any) -> None:
        """Save tensors (or, inside a primitive's array forward, the input/output arrays).
        They are resolved (inputs to their Tensors, outputs to markers) once forward returns."""
        self._saved = items

    @property
    def saved_tensors(self) -> tuple:
        """The saved items as Tensors, checked against in-place modification since the forward.
        (While the engine runs an `array_backward` in array mode: their ndarrays.)"""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time, but "
                "its saved tensors were already freed by the first backward. Pass "
                "retain_graph=True to the first .backward() (or autograd.grad) to keep them.")
        if saved is None:
            return ()
        try:
            arrays = self._arrays  # (set by the engine for each backward call)
        except AttributeError:  # (a primitive's node outside a backward: never set)
            arrays = False
        if arrays and self.seq > _last_write:
            # Nothing was written in place since this node was recorded (it got its number
            # before its versions were taken), so no version can differ: the arrays as they are.
            # (one or two items nearly always: written out, a fifth of tuple(map(...))'s cost)
            if len(saved) == 1:
                return (saved[0].data,)
            if len(saved) == 2:
                return (saved[0].data, saved[1].data)
            return tuple([item.data for item in saved])
        out = []
        for item, version in zip(saved, self._saved_versions):
            if version is None:  # an output, saved as its marker
                live = item()
                if item.version is None:  # (see _output_written: its tensor may be gone)
                    self._raise_modified(item.data, "its array was written in place")
                if live is not None and live._version != item.version:
                    self._raise_modified(live, f"version {item.version} -> {live._version}")
                out.append(item.data if arrays else
                           Tensor._make(item.data, True, self, item.output_nr))
            elif item._version != version:
                self._raise_modified(item, f"version {version} -> {item._version}")
            else:
                out.append(item.data if arrays else item)
        return tuple(out)

    def _output_written(self, output_nr: int) -> None:
        """Output `output_nr`'s array was written in place. A saved output is held weakly (a
        strong reference would be a cycle), so its version could not be checked once that tensor
        is gone: the marker forgets its version instead, which saved_tensors refuses."""
        if type(self._saved) is tuple:
            for item in self._saved:
                if type(item) is _SavedOutput and item.output_nr == output_nr:
                    item.version = None

    def _raise_modified(self, tensor: Any, change: str) -> None:
        where = f" (created at {self.trace})" if self.trace else ""
        raise RuntimeError(
            f"{self.name()}{where}: a tensor of shape {tuple(tensor.shape)} that this op "
            f"saved for backward was modified in place after the forward ({change}). Compute "
            "the in-place update out of place (x = x + y), or .clone() the tensor before "
            "modifying it." + ("" if self.trace else " To see the line that created this op, "
                               "run the forward under am.autograd.detect_anomaly()."))

    @property
    def saved_arrays(self) -> list[np.ndarray]:
        """The arrays held for backward (for drawing a memory picture); empty once freed."""
        if not self._saved or self._saved is _FREED:
            return []
        return [s.data for s in self._saved]


class _FunctionNode(Node):
    """The base of a user's Function's node class (`<Name>Backward`): its forward may save
    anything, and the node is completed by _connect once forward returns."""

    __slots__ = ()

    def __init__(self) -> None:
        self._saved: tuple | None = None
        self._saved_versions: tuple = ()
        self.params: dict = {}
        scope = _scope.current
        if scope is not None:
            self.scope = scope
        self._arrays = False


class Function:
    """Base class for differentiable operations, used like PyTorch's `torch.autograd.Function`.

    Subclasses define two static methods::

        class Cube(am.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.data ** 3          # an ndarray or a Tensor
            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * 3 * x ** 2    # one gradient (or None) per forward input

        y = Cube.apply(x)

    `forward` runs without recording a graph; `backward` is written with Tensor operations, so it is
    itself differentiable when the backward pass runs with `create_graph=True`. Non-tensor arguments
    get a `None` gradient. `ctx.needs_input_grad` says which inputs want a gradient.
    """

    # Primitives set this: forward receives ndarrays (Tensors unwrapped), not Tensors.
    array_forward = False
    # Set on a primitive whose backward uses only operators, NumPy ufuncs and methods that
    # ndarrays and Tensors share, so the engine can run it on ndarrays when it records nothing.
    array_backward = False
    # A primitive may declare what its backward needs instead of calling save_for_backward:
    # SAVES_INPUTS (all its positional inputs, in order) or SAVES_OUTPUT (its result). The same
    # saved_tensors come back; the record path stores them without looking the arrays up.
    saves: str | None = None

    @classmethod
    def _node_class(cls) -> type[Node]:
        """The class of this Function's nodes, `<Name>Backward`: made on first use (the
        primitives, whose nodes are plain Nodes, never need one: fewer classes made at import)."""
        node_cls = cls.__dict__.get("_node_cls")  # (this class's own, not a base Function's)
        if node_cls is None:
            node_cls = type(f"{cls.__name__}Backward", (_FunctionNode,),
                            {"__slots__": (), "fn": cls})
            cls._node_cls = node_cls
        return node_cls

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.array_forward:
            return _apply_tensor_forward(cls, args, kwargs)
        if len(args) == 2:  # nearly every op: one or two inputs, the flat path
            return apply2(cls, args[0], args[1], kwargs)
        if len(args) == 1:
            return apply1(cls, args[0], kwargs)
        inputs = _arrays_of(args)
        if _state.enabled and any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return _record_primitive(cls, args, inputs, kwargs)
        return _run_unrecorded(cls, inputs, kwargs)


# The per-op path. Every op of every model comes through here, and on small arrays this
# bookkeeping, not NumPy, is the cost of an op; so it is written flat. `ops` calls apply1 and
# apply2 directly for its most used primitives (a classmethod with *args and **kwargs costs a
# bound method, a tuple and a dict per call), and Function.apply uses them for every one- and
# two-input primitive. Each unwraps the inputs and sees whether any wants a gradient; without
# one (every VJP of a plain backward, all of no_grad) nothing is called but the forward and the
# Tensor constructor. With one, grad mode is checked (the thread-local flag
# is read only while some thread has it off: _grad_mode.threads_off), the node begun inline
# (edges and the metadata key built as tuples directly, without per-input lists; only the
# attributes every node needs are stored, the rare ones being class defaults, see Node) and
# _finish completes it.

_NO_PARAMS: dict = {}  # (never written to: a node stores params only when there are some)


def apply1(cls: type[Function], a: Any, params: dict = _NO_PARAMS) -> Any:
    """`cls.apply(a, **params)` for a primitive of one input."""
    if isinstance(a, Tensor):
        x = a.data
        if a.requires_grad and (not _grad_mode.threads_off or _state.enabled):  # record
            ctx = Node()
            ctx.fn = cls
            ctx.needs_input_grad = _NEEDS_1
            ctx._saved = None
            try:
                if params:
                    ctx.params = params
                    out = cls.forward(ctx, x, **params)
                else:
                    out = cls.forward(ctx, x)
            except _NUMPY_ERRORS as exc:
                raise _forward_error(cls, (x,), exc) from None
            fn = a.grad_fn
            edge = a if fn is None else fn if a._output_nr == 0 else (fn, a._output_nr)
            return _finish(ctx, (a,), out, (edge,), (x.shape, x.dtype), False)
    else:
        x = a
    try:
        out = cls.forward(_NO_CTX, x, **params) if params else cls.forward(_NO_CTX, x)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, (x,), exc) from None
    if type(out) is np.ndarray:
        return Tensor._make(out)
    return _wrap(out, None)


def apply2(cls: type[Function], a: Any, b: Any, params: dict = _NO_PARAMS) -> Any:
    """`cls.apply(a, b, **params)` for a primitive of two inputs."""
    if isinstance(a, Tensor):
        xa = a.data
        need_a = a.requires_grad
    else:
        xa, need_a = a, False
    if isinstance(b, Tensor):
        xb = b.data
        need_b = b.requires_grad
    else:
        xb, need_b = b, False
    if (need_a or need_b) and (not _grad_mode.threads_off or _state.enabled):  # record
        ctx = Node()
        ctx.fn = cls
        # (a constant tuple when both need a gradient: one object less for the GC to track)
        ctx.needs_input_grad = _NEEDS_2 if need_a and need_b else (need_a, need_b)
        ctx._saved = None
        try:
            if params:
                ctx.params = params
                out = cls.forward(ctx, xa, xb, **params)
            else:
                out = cls.forward(ctx, xa, xb)
        except _NUMPY_ERRORS as exc:
            raise _forward_error(cls, (xa, xb), exc) from None
        if need_a:
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
        return _finish(ctx, (a, b), out, (edge_a, edge_b),
                       (shape_a, shape_b, dtype_a, dtype_b), not (need_a and need_b))
    try:
        out = cls.forward(_NO_CTX, xa, xb, **params) if params else cls.forward(_NO_CTX, xa, xb)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, (xa, xb), exc) from None
    if type(out) is np.ndarray:
        return Tensor._make(out)
    return _wrap(out, None)


def _run_unrecorded(cls: type[Function], inputs: tuple, params: dict) -> Any:
    try:
        out = cls.forward(_NO_CTX, *inputs, **params)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, inputs, exc) from None
    if type(out) is np.ndarray:
        return Tensor._make(out)
    return _wrap(out, None)


def _forward_error(cls: type[Function], inputs: tuple, exc: Exception) -> Exception:
    """NumPy refused a primitive's inputs (a dtype it has no loop for, a value it cannot convert):
    the same error, raised here with the op and every input described, not from NumPy's depths."""
    def describe(x: Any) -> str:
        if isinstance(x, np.ndarray):
            return f"array of shape {x.shape} and dtype {x.dtype}"
        return type(x).__name__
    kind = next(k for k in _NUMPY_ERRORS if isinstance(exc, k))  # NumPy's subclasses need more
    return kind(f"{cls.__name__}: {exc} (inputs: {', '.join(describe(x) for x in inputs)})")


# What NumPy raises for inputs it cannot handle: a dtype without a loop, a value it cannot
# convert, a result too large to allocate.
_NUMPY_ERRORS = (TypeError, ValueError, OverflowError, MemoryError)


def _apply_tensor_forward(cls: type[Function], args: tuple, kwargs: dict) -> Any:
    """`apply` of a user's Function, whose forward takes Tensors and runs under no_grad."""
    record = _state.enabled and any(isinstance(a, Tensor) and a.requires_grad for a in args)
    ctx = cls._node_class()()
    ctx.needs_input_grad = _needs(args) if record else (False,) * len(args)
    with no_grad():
        out = cls.forward(ctx, *args, **kwargs)
    if not record:
        return _wrap(out, None)
    outputs = _wrap(out, ctx)
    _connect(ctx, args, args, outputs, kwargs, out)
    return outputs


def _record_primitive(cls: type[Function], args: tuple, inputs: Any, params: dict) -> Any:
    """Run a primitive's forward and record its node (some input needs a gradient): the
    general path, for a primitive of no or three and more inputs."""
    ctx = Node()
    ctx.fn = cls
    edges, needs, inputs_key = _describe_inputs(args, inputs)
    ctx.needs_input_grad = needs
    ctx._saved = None
    if params:
        ctx.params = params
    try:
        out = cls.forward(ctx, *inputs, **params)
    except _NUMPY_ERRORS as exc:
        raise _forward_error(cls, inputs, exc) from None
    return _finish(ctx, args, out, edges, inputs_key, False in needs)


def _edge_to(node: Node, output_nr: int) -> Any:
    """The edge to output `output_nr` of `node` (see Node.next_edges)."""
    return node if output_nr == 0 else (node, output_nr)


_NEEDS_1 = (True,)
_NEEDS_2 = (True, True)


def _finish(ctx: Node, args: tuple, out: Any, edges: tuple, inputs_key: tuple,
            constant: bool) -> Any:
    """Wrap a primitive's forward result and complete its node: edges, metadata (shared, see
    _METADATA), creation number, scope, constant inputs and saved tensors. The common case is
    one floating-point array result; anything else takes the general path."""
    if _scopes_set:
        scope = _scope.current
        if scope is not None:
            ctx.scope = scope
    raw = out
    if type(out) is not np.ndarray:
        if not isinstance(out, np.floating):
            return _record_other(ctx, args, out)
        out = np.asarray(out)  # a full reduction's NumPy scalar, as a 0-d array
    key = (inputs_key, out.shape, out.dtype)
    meta = _METADATA.get(key)
    if meta is None:
        if out.dtype.kind != "f":  # (only floating-point results are cached: checked once)
            return _record_other(ctx, args, out)
        meta = _new_metadata(key)
    result = _new_object(Tensor)  # (Tensor._make, written out: one call less per op)
    result.data, result.requires_grad, result.grad_fn = out, True, ctx  # (the rest: defaults)
    ctx.next_edges = edges
    ctx._meta = meta
    ctx.seq = next(_seq)
    if constant:  # described for drawing the graph (am.viz)
        ctx._const_inputs = tuple(None if needed else ConstantInput(a)
                                  for a, needed in zip(args, ctx.needs_input_grad))
    saves = ctx.fn.saves
    if saves is None:
        to_save = ctx._saved
        if to_save is not None:
            _save(ctx, to_save, args, out, raw, result)
    elif saves == SAVES_OUTPUT:
        marker = _SavedOutput(result)  # (_SavedOutput.of, written out: a fresh output)
        marker.data, marker.version, marker.output_nr = out, 0, 0
        ctx._saved = (marker,)
        ctx._saved_versions = _OUTPUT_VERSION
    else:
        _save_inputs(ctx, args)
    if _creation_hook is not None:
        _creation_hook(ctx)
    return result


SAVES_INPUTS = "inputs"
SAVES_OUTPUT = "output"


def _save_inputs(ctx: Node, args: tuple) -> None:
    """SAVES_INPUTS: the input Tensors (a number or array input is saved as a new Tensor)."""
    if len(args) == 2:
        a, b = args
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            ctx._saved = args  # (the args tuple itself: one object less)
            version_a, version_b = a._version, b._version
            # (fresh tensors' versions are 0: then a shared tuple, one object less for the GC)
            ctx._saved_versions = (version_a, version_b) if version_a or version_b else _ZEROS_2
            return
    saved = []
    versions = []
    for a in args:
        if not isinstance(a, Tensor):
            a = Tensor._make(np.asarray(a))
        saved.append(a)
        versions.append(a._version)
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(versions)


_ZEROS_2 = (0, 0)
_OUTPUT_VERSION = (None,)  # the versions entry of a saved output (its marker holds the version)


def _record_other(ctx: Node, args: tuple, out: Any) -> Any:
    """A primitive whose result is not one floating-point array: the general path."""
    inputs = _arrays_of(args)
    if ctx.fn.saves == SAVES_INPUTS:
        ctx._saved = inputs
    elif ctx.fn.saves == SAVES_OUTPUT:
        ctx._saved = (out,)
    outputs = _wrap(out, ctx)
    _connect(ctx, args, inputs, outputs, ctx.params, out)
    return outputs


def _describe_inputs(args: tuple, inputs: Any) -> tuple[tuple, tuple, tuple]:
    """Edges, needs_input_grad and the metadata key of a primitive with 0 or 3+ inputs."""
    needs = []
    edges = []
    shapes = []
    dtypes = []
    for a, x in zip(args, inputs):
        if isinstance(a, Tensor) and a.requires_grad:
            fn = a.grad_fn
            needs.append(True)
            edges.append(a if fn is None else _edge_to(fn, a._output_nr))
            shapes.append(x.shape)
            dtypes.append(x.dtype)
        else:
            needs.append(False)
            edges.append(None)
            shapes.append(None)
            dtypes.append(None)
    return tuple(edges), tuple(needs), (*shapes, *dtypes)


def _save(ctx: Node, to_save: tuple, args: tuple, out: np.ndarray, raw: Any,
          result: Any) -> None:
    """What an array forward saved: its output (held as a marker, not a Tensor: that would be a
    cycle) or its input arrays (held as the input Tensors, so versions can be checked). `raw` is
    the forward's own result (a NumPy scalar that `out` wraps, for a full reduction)."""
    saved = []
    versions = []
    for item in to_save:
        if item is out or item is raw:
            saved.append(_SavedOutput.of(result, 0))
            versions.append(None)
            continue
        for a in args:
            if isinstance(a, Tensor) and item is a.data:
                break
        else:
            a = item if isinstance(item, Tensor) else Tensor._make(np.asarray(item))
        saved.append(a)
        versions.append(a._version)
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(versions)  # not shared: versions grow with every update


def _arrays_of(args: tuple) -> tuple:
    """A primitive's inputs as its forward sees them: Tensors unwrapped."""
    return tuple(a.data if isinstance(a, Tensor) else a for a in args)


_new_object = object.__new__  # (an instance without running __init__)

# Nodes share their metadata tuples (input and output shapes and dtypes): a deep graph then
# holds a few objects per node for the cyclic GC to scan instead of about a dozen (the GC's share
# of a 10,000-op chain's forward fell from ~38% to ~28%). Bounded: cleared when full (nodes keep
# the tuples they hold).
_METADATA: dict[tuple, tuple] = {}
_METADATA_MAX = 4096


def _new_metadata(key: tuple) -> tuple:
    """(input_shapes, input_dtypes, out_shapes, out_dtypes, unbroadcast) for a key (inputs,
    shape, dtype), whose inputs part is every input's shape, then every input's dtype (None: no
    gradient). `unbroadcast`: every input is a Tensor of the output's shape (not 0-d, where NumPy
    returns scalars) and dtype, so the primitive's gradients need no fitting (see _sweep)."""
    inputs_key, out_shape, out_dtype = key
    half = len(inputs_key) // 2
    shapes, dtypes = inputs_key[:half], inputs_key[half:]
    unbroadcast = (out_shape != () and all(s == out_shape for s in shapes)
                   and all(d == out_dtype for d in dtypes))
    if len(_METADATA) >= _METADATA_MAX:
        _METADATA.clear()
    meta = _METADATA[key] = (shapes, dtypes, (out_shape,), (out_dtype,), unbroadcast)
    return meta


def _needs(args: tuple) -> tuple:
    return tuple(isinstance(a, Tensor) and a.requires_grad for a in args)


def _wrap(out: Any, node: Node | None) -> Any:
    """Turn a forward's result (array, Tensor, or a tuple of them) into output Tensor(s)."""
    if isinstance(out, tuple):
        return tuple(_wrap_one(o, node, i) for i, o in enumerate(out))
    return _wrap_one(out, node, 0)


def _wrap_one(out: Any, node: Node | None, nr: int) -> Any:
    if isinstance(out, Tensor):
        out = out.data
    elif type(out) is not np.ndarray:
        out = np.asarray(out)  # reductions hand back NumPy scalars
    if node is not None and out.dtype.kind != "f":
        node = None  # integer/bool results carry no gradient
    return Tensor._make(out, node is not None, node, nr)


def _connect(ctx: Node, args: tuple, inputs: Any, outputs: Any, params: dict, raw: Any) -> None:
    """Fill in a freshly recorded node: edges to inputs, metadata, and the resolved saved items."""
    edges = []
    shapes = []
    dtypes = []
    for a, needed in zip(args, ctx.needs_input_grad):
        if needed:
            fn = a.grad_fn
            edges.append(a if fn is None else _edge_to(fn, a._output_nr))
            shapes.append(a.data.shape)
            dtypes.append(a.data.dtype)
        else:
            edges.append(None)
            shapes.append(None)
            dtypes.append(None)
    if not all(ctx.needs_input_grad):  # described for drawing the graph (am.viz)
        ctx._const_inputs = tuple(None if needed else ConstantInput(a)
                                  for a, needed in zip(args, ctx.needs_input_grad))
    ctx.next_edges = tuple(edges)
    if params:
        ctx.params = params
    ctx.seq = next(_seq)
    outs = outputs if isinstance(outputs, tuple) else (outputs,)
    if len(outs) > 1:
        ctx._multi = True
    ctx._meta = (tuple(shapes), tuple(dtypes), tuple(o.data.shape for o in outs),
                 tuple(o.data.dtype for o in outs), False)
    if ctx._saved is not None:
        _resolve_saved(ctx, args, inputs, outs, raw if isinstance(raw, tuple) else (raw,))
    hook = _creation_hook
    if hook is not None:
        hook(ctx)


# Set by detect_anomaly (to record where each node was created); None keeps the hot path short.
_creation_hook: Any = None


class _Scope(threading.local):
    """The dotted path of the Module whose forward is running (set by Module.__call__), for
    drawing. Per thread: modules running in one thread must not label another thread's ops."""

    current: str | None = None


_scope = _Scope()
# How many threads have a scope set: while none has, recording skips the thread-local read
# (about as costly as a Python call). Changed under the lock, by the setter below only.
_scopes_set = 0
_scopes_lock = threading.Lock()


class _ThisModule(types.ModuleType):
    """This module, whose `current_scope` attribute reads and writes the calling thread's scope
    (Module.__call__ and tests set `function.current_scope`)."""

    @property
    def current_scope(self) -> str | None:
        return _scope.current

    @current_scope.setter
    def current_scope(self, value: str | None) -> None:
        global _scopes_set
        with _scopes_lock:
            _scopes_set += (value is not None) - (_scope.current is not None)
            _scope.current = value


sys.modules[__name__].__class__ = _ThisModule


def _resolve_saved(ctx: Node, args: tuple, inputs: Any, outs: tuple, raws: tuple) -> None:
    """Map what forward saved to Tensors: inputs stay graph-connected, outputs become markers.

    `raws` are the forward's results before wrapping: a 0-d result comes back from NumPy as a
    scalar that wrapping copies into a new array, so only the raw object identifies it."""
    saved = []
    versions = []
    for item in ctx._saved:
        resolved: Any = None
        for i, (o, r) in enumerate(zip(outs, raws)):
            if item is o or item is o.data or item is r:
                resolved = _SavedOutput.of(o, i)
                versions.append(None)
                break
        if resolved is None:
            for a, x in zip(args, inputs):
                if item is x and isinstance(a, Tensor):
                    resolved = a
                    break
            if resolved is None:
                resolved = item if isinstance(item, Tensor) else Tensor._make(np.asarray(item))
            versions.append(resolved._version)
        saved.append(resolved)
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(versions)
