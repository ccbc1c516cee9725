"""The graph's node: one recorded operation, what it saved for backward, and its metadata.

A node keeps edges to its inputs' nodes (or to leaf tensors) and the tensors it saved, never its
own outputs: after `loss.backward(); del loss` a graph is freed by reference counting alone.
`record.py` makes nodes, `engine.py` runs them.
"""

from __future__ import annotations

import types
import weakref
from typing import Any

import numpy as np

from .. import _clock
from ..tensor import Tensor


class NodeMeta:
    """What a node's forward saw, to check and un-broadcast the gradients its backward returns.

    One entry per input (None where no gradient flows) or per output. Nodes of the same shapes and
    dtypes share one NodeMeta (see METADATA). (A class with slots, not a NamedTuple: the engine
    reads these attributes for every node, and slot reads are the fastest.)"""

    __slots__ = ("input_shapes", "input_dtypes", "out_shapes", "out_dtypes", "inputs_like_output")

    def __init__(self, input_shapes: tuple, input_dtypes: tuple, out_shapes: tuple,
                 out_dtypes: tuple, inputs_like_output: bool) -> None:
        self.input_shapes = input_shapes
        self.input_dtypes = input_dtypes
        self.out_shapes = out_shapes
        self.out_dtypes = out_dtypes
        # Every input needs a gradient and has the (single, not 0-d) output's shape and dtype:
        # a primitive's array VJP then returns gradients that need no fitting (the engine
        # trusts them).
        self.inputs_like_output = inputs_like_output


# Shared metadata, keyed by `metadata_key`: a deep graph then holds a few objects per node for
# the cyclic GC to scan, not about a dozen (a quarter less GC time in a 10,000-op chain's forward).
# Bounded: cleared when full (nodes keep the metadata they hold). Nodes of several outputs (rare)
# have their own.
METADATA: dict[tuple, NodeMeta] = {}
_METADATA_MAX = 4096


def metadata_key(input_shapes: tuple, input_dtypes: tuple, out: np.ndarray) -> tuple:
    """The key of METADATA for a node of one output `out`: (every input's shape, then every
    input's dtype (None where no gradient flows), then the output's shape and dtype)."""
    return (input_shapes + input_dtypes, out.shape, out.dtype)


def new_metadata(key: tuple) -> NodeMeta:
    """The NodeMeta for a METADATA key, made and stored (look it up first: METADATA.get)."""
    inputs_key, out_shape, out_dtype = key
    half = len(inputs_key) // 2
    shapes, dtypes = inputs_key[:half], inputs_key[half:]
    like = (out_shape != () and all(s == out_shape for s in shapes)
            and all(d == out_dtype for d in dtypes))
    if len(METADATA) >= _METADATA_MAX:
        METADATA.clear()
    meta = METADATA[key] = NodeMeta(shapes, dtypes, (out_shape,), (out_dtype,), like)
    return meta


class SavedOutput(weakref.ref):
    """Stands in for an output a node saved: holding the output itself would make a cycle.

    A weak reference to the output (calling it gives the live tensor, to check its version)
    that carries the array itself: one object per saved output for the cyclic GC, not two."""

    __slots__ = ("data", "version", "output_nr")  # version: None once written in place

    @classmethod
    def of(cls, tensor: Tensor, output_nr: int) -> SavedOutput:
        marker = cls(tensor)
        marker.data, marker.version, marker.output_nr = tensor.data, tensor._version, output_nr
        return marker


class ConstantInput:
    """An op input that takes no gradient, described for drawing: a weak reference to it (when it
    is a Tensor), its name (`Tensor.name`: "dropout mask" for the mask F.dropout makes), its
    shape and dtype, and its value when it has one element. Holding the input itself would keep
    a data batch alive as long as the graph."""

    __slots__ = ("ref", "name", "shape", "dtype", "value")

    def __init__(self, a: Any) -> None:
        self.ref = weakref.ref(a) if isinstance(a, Tensor) else None
        self.name = a.name if isinstance(a, Tensor) else None
        data = a.data if isinstance(a, Tensor) else a
        if isinstance(data, np.ndarray | np.generic):
            self.shape, self.dtype = data.shape, data.dtype
            self.value = data.item() if data.size == 1 else None
        else:  # a Python number (or another non-tensor argument of a custom Function)
            self.shape, self.dtype = None, None
            self.value = data if isinstance(data, int | float | complex | str | None) else None


FREED = ("freed",)  # Node._saved once a backward has released it


class Node:
    """A recorded operation in the graph; also the `ctx` a Function's forward and backward see.

    The project's primitives all record plain `Node`s (`fn` says which primitive): one class,
    so the interpreter's attribute caches stay hit on the per-op path. A user's Function records
    an instance of its own subclass (`<Name>Backward`), which takes any attribute the user sets.

    Attributes:
        fn: the Function whose backward this node runs.
        next_edges: one entry per forward input: None (no gradient flows there), a leaf Tensor,
            or the node that computed the input: the node itself for its output 0 (nearly
            always), else a `(node, output_nr)` pair. `next_functions` gives them as PyTorch's
            pairs.
        needs_input_grad: per input, whether a gradient is wanted.
        seq: creation number (see `_clock`).
        meta: a NodeMeta (input_shapes, input_dtypes and out_shapes read through to it).
        params: the non-tensor arguments of the op (shown when drawing the graph).
    """

    __slots__ = (
        "fn", "next_edges", "needs_input_grad", "seq", "meta", "_saved", "_saved_versions",
        "_arrays", "__dict__", "__weakref__",
    )
    # Rarely set, so class-level defaults rather than slots: a node that does get one (a hook,
    # anomaly mode, a module scope, a constant input, a keyword argument) keeps it in its dict.
    params: Any = types.MappingProxyType({})
    scope: str | None = None
    _const_inputs: tuple | None = None
    _hooks: dict[int, list] | None = None
    _retained: dict[int, Any] | None = None
    _observed = False  # True once either of the two above is set: one check per backward step
    _any_observed = False  # (on the class) whether any node ever was: else the check is skipped
    trace: Any = None
    retained_grads: tuple | None = None
    _multi = False  # a node of several outputs (the engine keeps a list of their gradients)

    # (No __init__: record.py sets the slots; calling a class without one costs no Python call.)

    @property
    def input_shapes(self) -> tuple:
        """The shapes of the op's inputs, as recorded in the forward."""
        return self.meta.input_shapes

    @property
    def input_dtypes(self) -> tuple:
        """The dtypes of the op's inputs, as recorded in the forward."""
        return self.meta.input_dtypes

    @property
    def out_shapes(self) -> tuple:
        """The shapes of the op's outputs."""
        return self.meta.out_shapes

    def _mark_observed(self) -> None:
        """Make backward look for this node's output hooks and retained outputs."""
        self._observed = True
        Node._any_observed = True

    @property
    def _freed(self) -> bool:
        """Whether a backward without retain_graph has dropped the saved tensors."""
        return self._saved is FREED

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
        if saved is FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time, but "
                "its saved tensors were already freed by the first backward. Pass "
                "retain_graph=True to the first .backward() (or autograd.grad) to keep them.")
        if saved is None:
            return ()
        try:
            arrays = self._arrays  # (set by the engine for each backward step)
        except AttributeError:  # (outside a backward)
            arrays = False
        if arrays and self.seq > _clock.last_write:
            # Nothing was written in place since this node was recorded: no version can differ.
            if len(saved) == 1:  # (one or two items nearly always: a fifth of a generic loop)
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
                if type(item) is SavedOutput and item.output_nr == output_nr:
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
        if not self._saved or self._saved is FREED:
            return []
        return [s.data for s in self._saved]

