"""Function transforms in the style of `torch.func`: f takes and returns Tensors.

    df = am.func.grad(f)          # df(x) = d f(x) / dx for scalar-valued f
    H = am.func.hessian(f)(x)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._grad_mode import enable_grad
from .autograd.engine import grad as _grad
from .tensor import Tensor

Argnums = int | Sequence[int]


def _prepare_args(args: tuple, argnums: Argnums) -> tuple[list, tuple[int, ...]]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    new = list(args)
    for i in nums:
        if i >= len(args) or not isinstance(args[i], Tensor):
            raise TypeError(f"argnums: argument {i} must be a Tensor")
        # a fresh leaf that shares the data but belongs to this call's graph
        # an input that already requires grad is used as is, so nested transforms connect
        new[i] = args[i] if args[i].requires_grad else Tensor._make(args[i].data, True)
    return new, nums


def _scalar_output(out: Any, name: str) -> Tensor:
    if not isinstance(out, Tensor) or out.data.size != 1:
        shape = out.shape if isinstance(out, Tensor) else type(out).__name__
        raise ValueError(f"{name}: f must return a one-element Tensor, got {shape}; use "
                         "am.func.jacobian or am.func.vjp for other outputs")
    return out


def value_and_grad(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., tuple]:
    """A function returning `(f(*args), gradient)`; the gradient is a tuple when argnums is."""

    def wrapper(*args: Any) -> tuple:
        with enable_grad():
            new, nums = _prepare_args(args, argnums)
            out = _scalar_output(f(*new), "grad")
            if not out.requires_grad:  # f does not depend on its inputs: gradient 0
                grads = tuple(Tensor._make(np.zeros_like(new[i].data)) for i in nums)
            else:
                got = _grad(out, [new[i] for i in nums], create_graph=True, allow_unused=True)
                grads = tuple(Tensor._make(np.zeros_like(new[i].data)) if g is None else g
                              for i, g in zip(nums, got))
        return out, grads[0] if isinstance(argnums, int) else grads

    return wrapper


def grad(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., Any]:
    """The gradient of scalar-valued f. The result stays differentiable, so `grad(grad(f))` works;
    a constant first derivative gives a zero second derivative, not an error."""
    vg = value_and_grad(f, argnums)
    return lambda *args: vg(*args)[1]


def vjp(f: Callable[..., Tensor], *primals: Tensor) -> tuple[Tensor, Callable[[Tensor], tuple]]:
    """`(f(*primals), vjp_fn)` where `vjp_fn(v)` returns v^T J for each primal."""
    with enable_grad():
        new, nums = _prepare_args(primals, tuple(range(len(primals))))
        out = f(*new)

    def vjp_fn(v: Any) -> tuple:
        if not out.requires_grad:
            return tuple(Tensor._make(np.zeros_like(p.data)) for p in new)
        with enable_grad():
            got = _grad(out, new, grad_outputs=[v], retain_graph=True, create_graph=True,
                        allow_unused=True)
        return tuple(Tensor._make(np.zeros_like(p.data)) if g is None else g
                     for p, g in zip(new, got))

    return out, vjp_fn


def jacobian(f: Callable[..., Tensor], argnums: Argnums = 0) -> Callable[..., Any]:
    """The full Jacobian, of shape `out.shape + x.shape`, one backward pass per output element."""

    def wrapper(*args: Any) -> Any:
        with enable_grad():
            new, nums = _prepare_args(args, argnums)
            out = f(*new)
            if not isinstance(out, Tensor):
                raise TypeError("jacobian: f must return a Tensor")
            rows: list[list[Tensor]] = [[] for _ in nums]
            for k in range(out.data.size):
                seed = np.zeros(out.data.size, dtype=out.dtype)
                seed[k] = 1.0
                if out.requires_grad:
                    got = _grad(out, [new[i] for i in nums],
                                grad_outputs=[Tensor._make(seed.reshape(out.shape))],
                                retain_graph=True, create_graph=True, allow_unused=True)
                else:
                    got = (None,) * len(nums)
                for j, (i, g) in enumerate(zip(nums, got)):
                    rows[j].append(Tensor._make(np.zeros_like(new[i].data)) if g is None else g)
            from .ops import reshape, stack

            jacs = tuple(
                reshape(stack(r), out.shape + new[i].shape) if r else
                Tensor._make(np.zeros(out.shape + new[i].shape, dtype=new[i].dtype))
                for r, i in zip(rows, nums))
        return jacs[0] if isinstance(argnums, int) else jacs

    return wrapper


def hessian(f: Callable[..., Tensor], argnums: int = 0) -> Callable[..., Tensor]:
    """The Hessian of scalar-valued f: the Jacobian of its gradient."""
    return jacobian(grad(f, argnums), argnums)
