"""`Function`: how every differentiable operation is defined, the project's and a user's alike.

A `Function` subclass pairs a forward with a hand-written backward (a vector-Jacobian product).
`Function.apply` runs the forward and, when a gradient is needed, records a node (see
`record.py`): for a user's Function an instance of its `<Name>Backward` class, which doubles as
the `ctx` the user saves into. The project's own primitives (`autograd_mini.primitives`) are
Functions too: they only differ in taking NumPy arrays in `forward` (`array_forward = True`),
which keeps the per-op path lean.
"""

from __future__ import annotations

from typing import Any

from . import record
from .node import Node


class _FunctionNode(Node):
    """The base of a user's Function's node class (`<Name>Backward`): takes any attribute the
    user's forward sets on its ctx."""

    __slots__ = ()


class Function:
    """Base class for differentiable operations, used like PyTorch's `torch.autograd.Function`.

    Subclasses define two static methods, `forward` and `backward`, and are called through
    `apply`. `forward` runs without recording a graph; `backward` is written with Tensor
    operations, so it is itself differentiable when the backward pass runs with
    `create_graph=True`. Non-tensor arguments get a `None` gradient. `ctx.needs_input_grad` says
    which inputs want a gradient.

    Examples:
        >>> import autograd_mini as am
        >>> class Cube(am.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x.data ** 3  # an ndarray or a Tensor
        ...
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2  # one gradient (or None) per input of forward
        >>> x = am.tensor([1.0, 2.0], requires_grad=True)
        >>> y = Cube.apply(x)
        >>> y
        tensor([1., 8.], grad_fn=<CubeBackward>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
        >>> am.gradcheck(Cube.apply, (am.tensor([1.0, 2.0], dtype=am.float64, requires_grad=True),))
        True
    """

    # Primitives set this: forward receives ndarrays (Tensors unwrapped), not Tensors.
    array_forward = False
    # Set on a primitive whose backward uses only operators, NumPy ufuncs and methods that
    # ndarrays and Tensors share, so the engine can run it on ndarrays when it records nothing.
    array_backward = False
    # A primitive may declare what its backward needs instead of calling save_for_backward:
    # record.SAVES_INPUTS (all its positional inputs, in order) or record.SAVES_OUTPUT (its
    # result). The same saved_tensors come back; recording stores them without a lookup.
    saves: str | None = None

    @classmethod
    def _node_class(cls) -> type[Node]:
        """The class of this Function's nodes, `<Name>Backward`: made on first use (the
        primitives, whose nodes are plain Nodes, never need one: fewer classes made at import)."""
        node_cls = cls.__dict__.get("_node_cls")  # (this class's own, not a base Function's)
        if node_cls is None:
            node_cls = type(f"{cls.__name__}Backward", (_FunctionNode,), {"__slots__": ()})
            cls._node_cls = node_cls
        return node_cls

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the outputs from the inputs; subclasses define it (a staticmethod).

        Args:
            ctx: the context: `ctx.save_for_backward(*tensors)`, `ctx.needs_input_grad`, and any
                attribute set on it are available in `backward`.
            *args: the inputs given to `apply`.

        Returns:
            An ndarray or Tensor, or a tuple of them.
        """
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any, **kwargs: Any) -> Any:
        """Compute the gradients of the inputs from those of the outputs (a staticmethod).

        Written with Tensor operations, so that it is differentiable again (double backward).

        Args:
            ctx: the context filled by `forward` (`ctx.saved_tensors`, ...).
            *grads: one gradient per output of `forward`, each shaped like that output.

        Returns:
            One gradient (a Tensor, shaped like the input) or None per input of `forward`.
        """
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the forward on `args` and record the op when some input needs a gradient."""
        if cls.array_forward:  # a primitive: nearly always one or two inputs (the fast paths)
            if len(args) == 2:
                return record.apply2(cls, args[0], args[1], kwargs)
            if len(args) == 1:
                return record.apply1(cls, args[0], kwargs)
        return record.apply(cls, args, kwargs)
