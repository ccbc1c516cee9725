"""Function transforms in the style of `torch.func`: f takes and returns Tensors.

    df = am.func.grad(f)          # df(x) = d f(x) / dx for scalar-valued f
    H = am.func.hessian(f)(x)

Each call differentiates f with respect to a fresh alias of each differentiated argument, as
torch.func and JAX do, so perturbations are never confused: `grad(lambda y: w * y)(w)` is w
even when w requires grad, and d/dx [x * d/dy (x + y)] = 1. The alias of an argument that does
not require grad is a new leaf sharing its data; that of one that does (an input of an outer
`.backward()`, or an argument some outer transform is differentiating) is `x.clone()`, a new
node still connected to x's graph, so an outer derivative sees the result's dependence on x and
nested transforms (`grad(grad(f))`, `hessian`) work at any depth. A gradient is taken only along
the paths through the alias, never through a closure over the outer x.

A result requires grad exactly when it depends on a tensor that required grad before the
transform was entered (an argument, or a tensor f closes over); otherwise it is returned
detached, with no graph, so `am.func.hessian(f)(x).numpy()` works for a plain x.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ._grad_mode import enable_grad
from .autograd.engine import grad as _grad
from .tensor import Tensor

Argnums = int | Sequence[int]


def _prepare_args(args: tuple, argnums: Argnums) -> tuple[list, tuple[int, ...], set[int]]:
    """The arguments with each differentiated one replaced by a fresh alias, the argument
    numbers, and the ids of the aliases that are new leaves (the ones this call made)."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    new = list(args)
    own: set[int] = set()
    for i in nums:
        if i >= len(args) or not isinstance(args[i], Tensor):
            raise TypeError(f"argnums: argument {i} must be a Tensor")
        x = args[i]
        if x.requires_grad:  # a new node of x's graph: outer derivatives flow through it to x
            new[i] = x.clone()
        else:  # a new leaf sharing x's data
            new[i] = Tensor._make(x.data, True)
            own.add(id(new[i]))
    return new, nums, own


def _depends_on_outer(tensors: Iterable[Any], own: set[int]) -> bool:
    """Whether any of `tensors` depends on a tensor that required grad before this transform
    was entered: whether its graph reaches a leaf other than the aliases in `own` (ids)."""
    stack: list[Any] = []
    for t in tensors:
        if isinstance(t, Tensor) and t.requires_grad:
            if t.grad_fn is None:
                if id(t) not in own:
                    return True
            else:
                stack.append(t.grad_fn)
    seen = {id(n) for n in stack}
    while stack:
        for edge in stack.pop().next_edges:
            if edge is None:
                continue
            if isinstance(edge, tuple):
                edge = edge[0]
            if isinstance(edge, Tensor):  # a leaf
                if id(edge) not in own:
                    return True
            elif id(edge) not in seen:
                seen.add(id(edge))
                stack.append(edge)
    return False


def _finish(t: Tensor, outer: bool, own: set[int]) -> Tensor:
    """A result as returned: detached unless it depends on a tensor from outside this call."""
    if t.requires_grad and not (outer and _depends_on_outer([t], own)):
        return t.detach()
    return t


def _zeros_like(x: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(x.data))


def _scalar_output(out: Any, name: str) -> Tensor:
    if not isinstance(out, Tensor) or out.data.size != 1:
        shape = out.shape if isinstance(out, Tensor) else type(out).__name__
        raise ValueError(f"{name}: f must return a one-element Tensor, got {shape}; use "
                         "am.func.jacobian or am.func.vjp for other outputs")
    return out


def value_and_grad(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., tuple]:
    """A function returning `(f(*args), gradient)`; the gradient is a tuple when argnums is.

    The gradient is taken with respect to a fresh alias of each differentiated argument (see the
    module's doc): only along f's use of that argument, never through closures over it. The
    value and the gradient require grad only when they depend on a tensor that required grad
    before the call (so an outer transform or `.backward()` can differentiate them); otherwise
    they are detached.

    Args:
        f: a function of tensors returning a one-element tensor.
        argnums: the index of the argument to differentiate, or a tuple of indices.

    Returns:
        A function of the same arguments as f, returning `(value, gradient)`; each gradient is
        shaped like its argument.

    Examples:
        >>> import autograd_mini as am
        >>> am.func.value_and_grad(lambda x: (x ** 3).sum())(am.tensor([1.0, 2.0]))
        (tensor(9.), tensor([ 3., 12.]))
    """

    def wrapper(*args: Any) -> tuple:
        with enable_grad():
            new, nums, own = _prepare_args(args, argnums)
            out = _scalar_output(f(*new), "grad")
            outer = out.requires_grad and _depends_on_outer([out], own)
            if not out.requires_grad:  # f does not depend on its inputs: gradient 0
                grads = tuple(_zeros_like(new[i]) for i in nums)
            else:
                got = _grad(out, [new[i] for i in nums], create_graph=outer, allow_unused=True)
                grads = tuple(_zeros_like(new[i]) if g is None else _finish(g, outer, own)
                              for i, g in zip(nums, got))
            out = _finish(out, outer, own)
        return out, grads[0] if isinstance(argnums, int) else grads

    return wrapper


def grad(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., Any]:
    """The gradient of scalar-valued f, with respect to a fresh alias of each differentiated
    argument: `grad(lambda y: w * y)(w)` is w, whether or not w requires grad.

    The result requires grad when it depends on a tensor that required grad before the call,
    so `grad(grad(f))` and a `.backward()` through it work; for plain inputs it is detached. A
    constant first derivative gives a zero second derivative, not an error.

    Args:
        f: a function of tensors returning a one-element tensor.
        argnums: the index of the argument to differentiate, or a tuple of indices.

    Returns:
        A function of the same arguments as f returning the gradient, shaped like the argument
        (a tuple of gradients when argnums is a tuple).

    Examples:
        >>> import autograd_mini as am
        >>> am.func.grad(lambda x: (x ** 3).sum())(am.tensor([1.0, 2.0]))
        tensor([ 3., 12.])
        >>> am.func.grad(am.func.grad(lambda x: x ** 3))(am.tensor(2.0))  # 6 x
        tensor(12.)
    """
    vg = value_and_grad(f, argnums)
    return lambda *args: vg(*args)[1]


def vjp(f: Callable[..., Tensor], *primals: Tensor) -> tuple[Tensor, Callable[[Tensor], tuple]]:
    """`(f(*primals), vjp_fn)` where `vjp_fn(v)` returns v^T J for each primal.

    J is taken with respect to a fresh alias of each primal (see the module's doc). The output
    and the products require grad only when they depend on a tensor that required grad before
    the call (a primal, a closure of f, or v); otherwise they are detached. vjp_fn can be
    called several times.

    Args:
        f: a function of tensors returning a tensor.
        *primals: the arguments to evaluate f at.

    Returns:
        `(output, vjp_fn)`: `vjp_fn(v)`, with v shaped like the output, returns a tuple with
        one product per primal, shaped like it.

    Examples:
        >>> import autograd_mini as am
        >>> out, vjp_fn = am.func.vjp(lambda x: x ** 2, am.tensor([1.0, 2.0]))
        >>> vjp_fn(am.ones(2))
        (tensor([2., 4.]),)
    """
    with enable_grad():
        new, nums, own = _prepare_args(primals, tuple(range(len(primals))))
        out = f(*new)
        outer = isinstance(out, Tensor) and out.requires_grad and _depends_on_outer([out], own)

    def vjp_fn(v: Any) -> tuple:
        if not out.requires_grad:
            return tuple(_zeros_like(p) for p in new)
        graph = outer or (isinstance(v, Tensor) and v.requires_grad)
        with enable_grad():
            got = _grad(out, new, grad_outputs=[v], retain_graph=True, create_graph=graph,
                        allow_unused=True)
        return tuple(_zeros_like(p) if g is None else _finish(g, graph, own)
                     for p, g in zip(new, got))

    return (_finish(out, outer, own) if isinstance(out, Tensor) else out), vjp_fn


def jacobian(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., Any]:
    """The full Jacobian, of shape `out.shape + x.shape`, one backward pass per output element.

    Taken with respect to a fresh alias of each differentiated argument (see the module's doc);
    it requires grad only when it depends on a tensor that required grad before the call (so
    `jacobian(grad(f))`, which is `hessian`, nests), and is detached otherwise.

    Args:
        f: a function of tensors returning a tensor.
        argnums: the index of the argument to differentiate, or a tuple of indices.

    Returns:
        A function of the same arguments as f returning the Jacobian (a tuple of them when
        argnums is a tuple).

    Examples:
        >>> import autograd_mini as am
        >>> am.func.jacobian(lambda x: x ** 2)(am.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """

    def wrapper(*args: Any) -> Any:
        with enable_grad():
            new, nums, own = _prepare_args(args, argnums)
            out = f(*new)
            if not isinstance(out, Tensor):
                raise TypeError("jacobian: f must return a Tensor")
            outer = out.requires_grad and _depends_on_outer([out], own)
            rows: list[list[Tensor]] = [[] for _ in nums]
            for k in range(out.data.size):
                seed = np.zeros(out.data.size, dtype=out.dtype)
                seed[k] = 1.0
                if out.requires_grad:
                    got = _grad(out, [new[i] for i in nums],
                                grad_outputs=[Tensor._make(seed.reshape(out.shape))],
                                retain_graph=True, create_graph=outer, allow_unused=True)
                else:
                    got = (None,) * len(nums)
                for j, (i, g) in enumerate(zip(nums, got)):
                    rows[j].append(_zeros_like(new[i]) if g is None else g)
            from .ops import reshape, stack

            jacs = tuple(
                _finish(reshape(stack(r), out.shape + new[i].shape), outer, own) if r else
                Tensor._make(np.zeros(out.shape + new[i].shape, dtype=new[i].dtype))
                for r, i in zip(rows, nums))
        return jacs[0] if isinstance(argnums, int) else jacs

    return wrapper


def hessian(f: Callable[..., Tensor], argnums: int = 0) -> Callable[..., Tensor]:
    """The Hessian of scalar-valued f: the Jacobian of its gradient, each with respect to a fresh
    alias of the argument. It requires grad only when f depends on a tensor that required grad
    before the call (then it can be backpropagated to it); for plain inputs it has no graph.

    Args:
        f: a function of tensors returning a one-element tensor.
        argnums: the index of the argument to differentiate.

    Returns:
        A function of the same arguments as f returning the Hessian, of shape
        `x.shape + x.shape`.

    Examples:
        >>> import autograd_mini as am
        >>> am.func.hessian(lambda x: (x ** 3).sum())(am.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacobian(grad(f, argnums), argnums)
