"""The backward engine: the only graph traversal that computes gradients.

1. Start from the outputs' nodes and find the others as gradients flow into them, running them
   consumers first: by decreasing creation number, from a heap (no recursion, so a 100,000-op
   chain needs no raised recursion limit).
2. Each node's output gradients are complete when it is reached: run its backward (under
   no_grad unless create_graph), then, for each input, sum the gradient back to the input's
   shape if it was broadcast, cast it to the input's dtype, check it, and add it to that
   input's pending gradient. Contributions are summed into new arrays, never
   with += into an array some backward returned.
3. Leaves (and tensors that asked with retain_grad) get `.grad`; leaves accumulate across calls.

Without create_graph nothing is recorded, so the gradients in flight are plain ndarrays
("array mode"): a primitive whose backward is written only with operators and NumPy ufuncs
(`array_backward = True`) runs that same backward on the arrays, with no Tensor built per VJP
operation; any other backward gets its gradients wrapped in Tensors and unwrapped again. With
create_graph the gradients are Tensors throughout, so the VJPs are recorded.
"""

from __future__ import annotations

import gc
import operator
import threading
import warnings
from collections.abc import Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from .. import _dtypes
from .._grad_mode import _set_enabled, thread_state
from .._shapes import broadcasts_to, sum_to_shape
from ..tensor import Tensor
from . import anomaly
from .node import FREED, Node


def _retain_all_grads() -> bool:
    return _retain_state.depth > 0


class _RetainState(threading.local):
    depth = 0  # per thread, like grad mode: another thread's retain_grads block is not ours


_retain_state = _RetainState()


class retain_grads:
    """Context manager: every backward inside keeps interior gradients on the graph's nodes
    (`node.retained_grads`), so `am.viz.draw(..., show_grads=True)` can show them."""

    def __enter__(self) -> None:
        _retain_state.depth += 1

    def __exit__(self, *exc: object) -> None:
        _retain_state.depth -= 1


def _topological_order(roots: list[Node]) -> list[Node]:
    """Nodes reachable from `roots`, each after every node that consumes its output (used to
    find the nodes worth running when only some gradients are wanted).

    A node is always created after the nodes of its inputs, so decreasing creation number
    (`seq`) is such an order: one traversal to find the nodes, then a sort in C."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        for parent, _ in stack.pop().next_functions:
            if isinstance(parent, Node):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    return sorted(seen, key=_creation_number, reverse=True)


_creation_number = operator.attrgetter("seq")


def _check_root_gradient(root: Tensor, grad: Any) -> Tensor:
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: the output has shape {root.shape}, so its gradient is ambiguous. "
                "Reduce it to one element first (e.g. .sum() or .mean()), pass gradient= with "
                "the output's shape, or use am.func.jacobian for the full Jacobian")
        return Tensor._make(np.ones(root.shape, dtype=root.dtype))
    if not isinstance(grad, Tensor):  # numbers only: no strings, objects, complex or dates
        grad = Tensor._make(np.asarray(_dtypes.numeric_value(grad, "backward: gradient"),
                                       dtype=root.dtype))
    if grad.shape != root.shape:
        raise _dtypes.ShapeError(f"backward: gradient has shape {grad.shape} but the output "
                                 f"has shape {root.shape}")
    if grad.dtype != root.dtype:
        grad = grad.to(root.dtype)
    return grad


def _fit(g: Any, node: Node, i: int, arrays: bool) -> Any:
    """Bring one gradient returned by `node`'s backward to input i's shape and dtype (summing a
    broadcast away, casting), or fail. In array mode the result is an ndarray, else a Tensor."""
    shape = node.input_shapes[i]
    if arrays:
        g = g.data if isinstance(g, Tensor) else np.asarray(g)
    elif not isinstance(g, Tensor):
        g = Tensor._make(np.asarray(g))
    got = g.shape
    if got != shape:
        if not broadcasts_to(shape, got):
            raise RuntimeError(
                f"{node.name()}: the gradient for input {i} has shape {got}, "
                f"but the input had shape {shape} (and {got} does not reduce to it)")
        g = sum_to_shape(g, shape) if arrays else g.sum_to_size(shape)
    dtype = node.input_dtypes[i]
    if g.dtype != dtype:
        g = g.astype(dtype) if arrays else g.to(dtype)
    return g


def _add(a: Tensor | None, b: Tensor) -> Tensor:
    return b if a is None else a + b


def run_backward(roots: Sequence[Tensor], grads: Sequence[Tensor], retain_graph: bool,
                 create_graph: bool, capture: Sequence[Tensor] | None = None,
                 accumulate: bool = True, retain_grads: bool = False) -> list[Tensor | None]:
    """Propagate `grads` from `roots` through the graph, with the cyclic GC paused.

    A backward pass makes no reference cycles (the graph is freed by reference counting), but its
    short-lived containers trigger collections that traverse the graph still alive: on a
    10,000-op chain the pause saves about 5% of the backward (none on a 100-op one). Objects a
    pause leaves uncollected are collected by the first collection after it. (Nested and
    concurrent backward passes: only the one that paused the collector turns it back on.)
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _propagate(roots, grads, retain_graph, create_graph, capture, accumulate,
                          retain_grads)
    finally:
        if paused:
            gc.enable()


def _propagate(roots: Sequence[Tensor], grads: Sequence[Tensor], retain_graph: bool,
               create_graph: bool, capture: Sequence[Tensor] | None, accumulate: bool,
               retain_grads: bool) -> list[Tensor | None]:
    """Propagate `grads` from `roots` through the graph.

    Args:
        capture: tensors whose total gradient should be returned (autograd.grad); when given
            with accumulate=False, no `.grad` is written and only nodes that lead to them run.
        accumulate: write `.grad` on leaves (and retained non-leaves).
        retain_grads: keep every node's output gradients on the node (`node.retained_grads`),
            for drawing the graph with its gradients.

    Returns:
        The gradients of the `capture` tensors (None where no gradient reached them).
    """
    arrays = not create_graph  # the gradients in flight are ndarrays (see the module's doc)
    pending: dict[Node, Any] = {}  # node -> its output's gradient (a list if it has several)
    # leaf -> [leaf, summed grad]. (Keyed by the Tensor itself, cheaper than by id(): its hash is
    # its address, so a dict never gets to Tensor's elementwise == for two distinct tensors.)
    leaf_grads: dict[Tensor, list] = {}
    root_nodes = []
    for root, g in zip(roots, grads):
        if arrays:
            g = g.data
        if root.grad_fn is None:
            _add_leaf(leaf_grads, root, g)
            continue
        node = root.grad_fn
        if node._multi:
            _deposit_several(pending, node, root._output_nr, g)
        else:
            pending[node] = _add(pending.get(node), g)
        root_nodes.append(node)

    captured: dict[int, Tensor | None] = {}
    wanted_nodes: dict[tuple, int] = {}
    wanted_leaves: set[int] = set()
    for k, t in enumerate(capture or ()):
        if t.grad_fn is None:
            wanted_leaves.add(id(t))
        else:
            wanted_nodes[(id(t.grad_fn), t._output_nr)] = k
    allowed = None  # every node runs, unless only the captured tensors' gradients are wanted
    if capture is not None and not accumulate:
        allowed = set(_prune(_topological_order(root_nodes), wanted_nodes, wanted_leaves))

    keep_grads = retain_grads or _retain_all_grads()

    def observe(node: Node, grad: Any) -> None:  # the rarely used extras, out of the hot loop
        slots = grad if node._multi else [grad]
        for nr, g in enumerate(slots):
            k = wanted_nodes.get((id(node), nr))
            if k is not None:
                captured[k] = g
        if keep_grads:
            node.retained_grads = tuple(None if g is None else _as_tensor(g, arrays).detach()
                                        for g in slots)

    saved_mode = thread_state.grad_enabled
    _set_enabled(create_graph)
    try:
        _sweep(root_nodes, allowed, pending, leaf_grads, arrays, retain_graph, accumulate,
               observe if wanted_nodes or keep_grads else None)
        _run_leaf_hooks(leaf_grads, arrays)  # before capture: autograd.grad sees hooked ones too
    finally:
        _set_enabled(saved_mode)

    for k, t in enumerate(capture or ()):
        if id(t) in wanted_leaves:
            entry = leaf_grads.get(t)
            captured[k] = None if entry is None else entry[1]
    if accumulate:
        _write_leaf_grads(leaf_grads, create_graph)
    return [None if k not in captured or captured[k] is None else _as_tensor(captured[k], arrays)
            for k in range(len(capture or ()))]


def _as_tensor(g: Any, arrays: bool) -> Tensor:
    """A gradient in flight as a Tensor (in array mode it is an ndarray)."""
    return Tensor._make(g) if arrays else g


def _sweep(roots: list[Node], allowed: set | None, pending: dict, leaf_grads: dict,
           arrays: bool, retain_graph: bool, accumulate: bool, observe: Any) -> None:
    """Run every node's backward, consumers first, and pass each input's gradient on.

    One loop of three parts: pick the next node, run its backward, route the gradients it
    returns. Written flat (no call per node but the backward itself): on small arrays this loop,
    not NumPy, is the cost of a backward pass.

    Args:
        allowed: the nodes that may run (None: all); gradients for others are dropped.
        observe: None, or a function that sees each node's output gradients before it runs.
    """
    check = anomaly.enabled()
    observed = Node._any_observed  # (whether any node has hooks or retained outputs)
    kind = np.ndarray if arrays else Tensor
    heap = [(-node.seq, node) for node in set(roots) if allowed is None or node in allowed]
    heapify(heap)
    alone = None
    while True:
        # 1. Pick the next node. A node is created after the nodes of its inputs, so the reached
        # node with the highest creation number (`seq`) has every consumer behind it: a heap of
        # the reached nodes gives it, and the graph is walked once, as gradients find it. While
        # only one node waits (a chain of ops), it is held in `alone` and skips the heap.
        if alone is not None:
            node, alone = alone, None
        elif heap:
            node = heappop(heap)[1]
        else:
            break
        grad = pending.pop(node)  # (for a node of several outputs, a list: see _deposit_several)
        if observed and node._observed:
            grad = _apply_output_hooks(node, grad, accumulate, arrays)
        if observe is not None:
            observe(node, grad)

        # 2. Run its backward: on the ndarrays themselves when the VJP allows it (array mode),
        # else on Tensors.
        fn = node.fn
        on_arrays = arrays and fn.array_backward
        node._arrays = on_arrays  # ctx.saved_tensors hands the backward arrays too
        try:
            if type(grad) is list:
                result = fn.backward(node, *_all_output_grads(node, grad, arrays, on_arrays))
            else:
                result = fn.backward(node, grad if on_arrays or not arrays else Tensor._make(grad))
        finally:
            node._arrays = False
        if not retain_graph and node._saved is not None:
            node._saved = FREED  # drop what it saved (Node._freed is now True)
        if type(result) is not tuple:
            result = (result,)
        edges = node.next_edges
        if len(result) != len(edges):
            raise RuntimeError(f"{node.name()}: backward returned {len(result)} "
                               f"gradient(s) for {len(edges)} input(s)")
        meta = node.meta
        # A primitive's array VJP on inputs of its output's shape and dtype returns ndarrays of
        # that shape and dtype (tests/test_registry_gradcheck.py holds every primitive to it).
        trusted = on_arrays and meta.inputs_like_output and not check

        # 3. Route each input's gradient (checked and fitted to the input's shape and dtype)
        # into the pending gradient of the node that made the input, reaching that node if it
        # was not yet, or into a leaf's sum; always into a new array, never with += into one a
        # backward returned.
        i = -1
        for edge in edges:  # (a zip or enumerate of the tuples costs twice this loop)
            i += 1
            g = result[i]
            if edge is None or g is None:
                continue
            # (NumPy's dtypes of one kind are one object, so `is` is the quick test)
            if not trusted and (type(g) is not kind or g.shape != meta.input_shapes[i]
                                or g.dtype is not meta.input_dtypes[i] or check):
                g = _fit(g, node, i, arrays)
                if check:
                    anomaly.check_gradient(node, i, g)
            if isinstance(edge, Node):  # output 0 of the node that computed this input
                parent, nr = edge, 0
            elif type(edge) is tuple:  # another output of a node of several outputs
                parent, nr = edge
            else:  # a leaf
                entry = leaf_grads.get(edge)
                if entry is None:
                    leaf_grads[edge] = [edge, g]
                else:
                    entry[1] = entry[1] + g
                continue
            old = pending.get(parent)
            if old is None:  # reached now: schedule it
                if allowed is not None and parent not in allowed:
                    continue
                if alone is None and not heap:
                    alone = parent
                else:
                    if alone is not None:
                        heappush(heap, (-alone.seq, alone))
                        alone = None
                    heappush(heap, (-parent.seq, parent))
                if not parent._multi:
                    pending[parent] = g
                    continue
            if type(old) is list or old is None:  # (a node of several outputs)
                _deposit_several(pending, parent, nr, g)
            else:
                pending[parent] = old + g


def _all_output_grads(node: Node, grads: list, arrays: bool, on_arrays: bool) -> list:
    """The gradients of every output of a node of several outputs, for its backward: zeros for
    an output nobody used; Tensors unless the backward runs on arrays."""
    meta = node.meta
    zero = (lambda s, d: np.zeros(s, dtype=d)) if arrays else \
        (lambda s, d: Tensor._make(np.zeros(s, dtype=d)))
    grads = [zero(s, d) if g is None else g
             for g, s, d in zip(grads, meta.out_shapes, meta.out_dtypes)]
    return grads if on_arrays or not arrays else [Tensor._make(g) for g in grads]


def _deposit_several(pending: dict, node: Node, nr: int, g: Any) -> None:
    """Add g to the pending gradient of output `nr` of a node with several outputs, whose entry in
    `pending` is a list with one gradient per output (a node of one output has its gradient
    there itself: no list per node on the common path)."""
    slots = pending.get(node)
    if slots is None:
        slots = pending[node] = [None] * len(node.meta.out_shapes)
    old = slots[nr]
    slots[nr] = g if old is None else old + g


def _add_leaf(leaf_grads: dict, leaf: Tensor, g: Any) -> None:
    entry = leaf_grads.get(leaf)
    if entry is None:
        leaf_grads[leaf] = [leaf, g]
    else:
        entry[1] = entry[1] + g  # Tensors with create_graph (recorded), else ndarrays


def _apply_output_hooks(node: Node, grad: Any, accumulate: bool, arrays: bool) -> Any:
    """Run hooks registered on non-leaf outputs, and fill `.grad` of retained ones. `grad` is
    the node's pending entry (a list for a node of several outputs), returned updated."""
    slots = grad if node._multi else [grad]
    if node._hooks:
        for nr, hooks in node._hooks.items():
            for hook in list(hooks):
                if slots[nr] is not None:
                    old = _as_tensor(slots[nr], arrays)
                    new = hook(old)
                    if new is not None:
                        new = _check_hook_result(new, old, node.name())
                        slots[nr] = new.data if arrays else new
    if node._retained and accumulate:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and slots[nr] is not None:
                _accumulate(t, slots[nr], thread_state.grad_enabled)
    return slots if node._multi else slots[0]


def _check_hook_result(new: Any, old: Tensor, where: str) -> Tensor:
    new = new if isinstance(new, Tensor) else Tensor(np.asarray(new))
    if new.shape != old.shape:
        raise RuntimeError(f"a hook on the output of {where} returned a gradient of shape "
                           f"{new.shape}, expected {old.shape}")
    if new.dtype != old.dtype:  # (cast, as every gradient is cast to its input's dtype)
        new = new.to(old.dtype)
    return new


def _run_leaf_hooks(leaf_grads: dict, arrays: bool) -> None:
    """Let each leaf's hooks see (and replace) its summed gradient, once per backward."""
    for entry in leaf_grads.values():
        leaf = entry[0]
        if leaf._hooks:
            for hook in list(leaf._hooks):
                old = _as_tensor(entry[1], arrays)
                new = hook(old)
                if new is not None:
                    new = _check_hook_result(new, old, "a leaf")
                    entry[1] = new.data if arrays else new


def _write_leaf_grads(leaf_grads: dict, create_graph: bool) -> None:
    for leaf, g in leaf_grads.values():
        if leaf.requires_grad:
            _accumulate(leaf, g, create_graph)


# Backward passes in several threads may accumulate into one shared leaf (a parameter used by
# graphs built in different threads): the read-modify-write of .grad must not interleave.
_grad_lock = threading.Lock()


def _accumulate(t: Tensor, g: Any, create_graph: bool) -> None:
    """t.grad += g, as a new array: never aliasing an array a backward returned. g is a Tensor
    with create_graph, else a Tensor or an ndarray."""
    if create_graph:
        with _grad_lock:
            # (a clone, as PyTorch: g may be a tensor the caller holds, e.g. backward's gradient)
            t._grad = g.clone() if t._grad is None else t._grad + g
        return
    data = g.data if isinstance(g, Tensor) else g
    if data.dtype != t.data.dtype:
        data = data.astype(t.data.dtype)
    with _grad_lock:
        if t._grad is None:
            t._grad = Tensor._make(np.array(data, copy=True))
        else:
            t._grad = Tensor._make(t._grad.data + data)


def _prune(order: list[Node], wanted_nodes: dict, wanted_leaves: set) -> list[Node]:
    """Keep only nodes from which a wanted tensor can be reached (order is outputs first)."""
    wanted_ids = {key[0] for key in wanted_nodes}
    useful: set[int] = set()
    for node in reversed(order):  # inputs before their consumers
        if id(node) in wanted_ids or any(
                id(fn) in (useful if isinstance(fn, Node) else wanted_leaves)
                for fn, _ in node.next_functions if fn is not None):
            useful.add(id(node))
    return [n for n in order if id(n) in useful]


def backward(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Sequence[Tensor] | Tensor | None = None, retain_grads: bool = False) -> None:
    """Accumulate gradients of `tensors` into the `.grad` of the leaves they depend on.

    `am.autograd.backward([y])` is `y.backward()`; several outputs are differentiated together
    (their gradients summed into each leaf).

    Args:
        tensors: the outputs to differentiate: a Tensor or a sequence of Tensors.
        grad_tensors: one upstream gradient per output, shaped like it (None for a one-element
            output, which gets 1).
        retain_graph: keep the saved tensors so backward can run through the graph again
            (defaults to `create_graph`).
        create_graph: record the backward pass, for higher-order derivatives.
        retain_grads: keep every interior gradient on its graph node (for `am.viz.draw`).
        inputs: a Tensor or a sequence of Tensors: accumulate only into these (as in PyTorch, a
            non-leaf among them gets `.grad` too, and is marked to retain its gradient; one the
            outputs do not depend on keeps its `.grad`; one listed twice is counted once).
    """
    roots, grads = _prepare(tensors, grad_tensors, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        targets = list({id(t): t for t in _as_inputs(inputs, "backward")}.values())
        if not targets:
            raise RuntimeError("backward: `inputs` cannot be empty (pass None to accumulate "
                               "into every leaf)")
        for t in targets:
            t.retain_grad()  # (a no-op on a leaf)
        got = _gradients_of(roots, grads, retain_graph, create_graph, targets)
        for t, g in zip(targets, got):
            if g is not None:
                _accumulate(t, g, create_graph)
        return
    run_backward(roots, grads, retain_graph, create_graph, retain_grads=retain_grads)


def _as_inputs(inputs: Any, name: str) -> list[Tensor]:
    """`inputs` as a list: one Tensor is that tensor (never its rows), else each element, all of
    them Tensors that require grad."""
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            what = (f"a tensor of shape {t.shape} that does not require grad"
                    if isinstance(t, Tensor) else f"a {type(t).__name__}, not a Tensor")
            raise RuntimeError(f"{name}: input {i} is {what}; every input must be a Tensor that "
                               "requires grad")
    return ins


def _gradients_of(roots: list[Tensor], grads: list[Tensor], retain_graph: bool,
                  create_graph: bool, ins: list[Tensor]) -> list[Tensor | None]:
    """The gradients reaching each of `ins` (None where none does), one per entry of `ins`, with
    no `.grad` written. Inputs that are one gradient (a tensor listed twice, or two tensors for
    one output of one node) are asked for once and get that gradient in every place."""
    keys = [id(t) if t.grad_fn is None else (id(t.grad_fn), t._output_nr) for t in ins]
    first: dict[Any, int] = {}
    unique = []
    for t, key in zip(ins, keys):
        if key not in first:
            first[key] = len(unique)
            unique.append(t)
    got = run_backward(roots, grads, retain_graph, create_graph, unique, accumulate=False)
    return [got[first[key]] for key in keys]


def _prepare(tensors: Sequence[Tensor], grad_tensors: Sequence[Any] | None,
             name: str) -> tuple[list[Tensor], list[Tensor]]:
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"{name}: expected Tensors, got {type(r).__name__}")
        if not r.requires_grad:
            raise RuntimeError(
                f"{name}: a tensor of shape {r.shape} does not require grad and has no grad_fn: "
                "no operation on it was recorded (was it created under no_grad, or from inputs "
                "without requires_grad=True?)")
    if grad_tensors is None:
        grad_tensors = [None] * len(roots)
    elif not isinstance(grad_tensors, (list, tuple)):  # one gradient for one output
        grad_tensors = [grad_tensors]
    if len(grad_tensors) != len(roots):
        raise ValueError(f"{name}: {len(roots)} output(s) but {len(grad_tensors)} gradient(s)")
    return roots, [_check_root_gradient(r, g) for r, g in zip(roots, grad_tensors)]


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` with respect to `inputs`, returned instead of stored in .grad.

    Args:
        outputs: a Tensor or a sequence of Tensors.
        inputs: a Tensor or a sequence of Tensors (leaves or intermediate results).
        grad_outputs: upstream gradients, one per output (may be omitted for one-element outputs).
        retain_graph: keep saved tensors for another backward (defaults to create_graph).
        create_graph: record the computation so the result can be differentiated again.
        only_inputs: deprecated in PyTorch and ignored (only `inputs` ever get gradients);
            False warns (FutureWarning), as in PyTorch.
        allow_unused: return None for an input the outputs do not depend on, instead of raising
            (defaults to `materialize_grads`).
        is_grads_batched: PyTorch's vmapped grad_outputs; True is not supported here
            (NotImplementedError): call grad once per row of grad_outputs.
        materialize_grads: return zeros instead of None for an unused input (implies
            allow_unused).

    Returns:
        A tuple with one gradient per input, each shaped like that input (None for an unused
        input when `allow_unused`).

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> am.autograd.grad((x ** 2).sum(), x)
        (tensor([2., 4., 6.]),)

        A second derivative, through `create_graph=True`:

        >>> x = am.tensor(2.0, requires_grad=True)
        >>> (dy,) = am.autograd.grad(x ** 3, x, create_graph=True)
        >>> am.autograd.grad(dy, x)
        (tensor(12.),)
    """
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if is_grads_batched:
        raise NotImplementedError(
            "grad: is_grads_batched=True (vmap over the first dimension of grad_outputs) is not "
            "supported by autograd_mini; call grad once per row, with retain_graph=True, and "
            "stack the results (or use am.autograd.functional.jacobian / am.func.jacobian)")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to "
                      "True). To accumulate gradient for other parts of the graph, please use "
                      "am.autograd.backward.", FutureWarning, stacklevel=2)
    roots, grads = _prepare(outputs, grad_outputs, "grad")
    ins = _as_inputs(inputs, "grad")
    if retain_graph is None:
        retain_graph = create_graph
    got = _gradients_of(roots, grads, retain_graph, create_graph, ins)
    result = []
    for i, (t, g) in enumerate(zip(ins, got)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs; pass "
                "allow_unused=True to get None for it")
        if g is not None and not create_graph:
            g = g.detach()
        if g is None and materialize_grads:
            g = Tensor._make(np.zeros_like(t.data), create_graph)
        result.append(g)
    return tuple(result)
