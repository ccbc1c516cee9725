"""The Tensor: an ndarray plus what reverse-mode differentiation needs to know about it.

Operators and methods are thin: each calls the public function of the same name in `ops`, which
validates arguments and applies a primitive from `primitives`. That call is the package's one
upward edge: `ops` is imported at the bottom of this file, because everything below `ops` (the
recording layer, the engine, the primitives) needs the Tensor class first. The backward pass
lives in `autograd/engine.py`; `backward()` only starts it.
"""

from __future__ import annotations

import builtins
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import _clock, _dtypes, _tensor_str

Shape = tuple[int, ...]

# PyTorch's warning for `.grad` of a non-leaf tensor, word for word
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    Args:
        data: array-like. Python numbers and lists become the default float dtype (float32; see
            `am.set_default_dtype`), lists of bools stay bool; NumPy arrays keep their dtype and
            are not copied (use `am.tensor` for a copy).
        requires_grad: record operations on this tensor so `.backward()` can fill `.grad`.
            Only floating-point tensors can require grad.
        dtype: optional dtype to convert to.
        name: an optional label, shown in the repr and in drawn graphs (`am.viz`).

    Examples:
        >>> import autograd_mini as am
        >>> x = am.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> x.shape, x.dtype, x.requires_grad
        ((2, 2), dtype('float32'), True)
        >>> y = (x * x).sum()
        >>> y
        tensor(30., grad_fn=<SumBackward>)
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
    """

    # What every tensor sets is a slot; the rest are class defaults, which a tensor stores (in
    # its __dict__, made when first needed) only when it changes one: a tensor an op makes is
    # three stores, not eight. `requires_grad` and `grad` are properties that check what is
    # assigned, over `_requires_grad` and `_grad`.
    __slots__ = ("data", "_requires_grad", "grad_fn", "__dict__", "__weakref__")
    __hash__ = object.__hash__  # identity hash: == is elementwise, as in NumPy and PyTorch
    _grad: Tensor | None = None
    _output_nr = 0  # which output of grad_fn this is
    _version = 0  # bumped by every in-place write (_bump_version)
    # The tensors that share this one's memory (views, detach(), Tensor(t)), when there are any:
    # a list shared by all of them of (tensor, node) weak references, output number and kind (see
    # _alias_of).
    _aliases: list | None = None
    _hooks: list | None = None
    name: str | None = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None,
                 name: str | None = None) -> None:
        array = _dtypes.as_array(data.data if isinstance(data, Tensor) else data, dtype,
                                 legacy=True)
        if requires_grad:
            _dtypes.check_can_require_grad(array.dtype)
        self.data: np.ndarray = array
        self._requires_grad = bool(requires_grad)
        self.grad_fn: Any = None
        if name is not None:
            self.name = name
        if isinstance(data, Tensor) and array is data.data:
            self._alias_of(data)  # Tensor(t) shares t's memory, as in PyTorch

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool = False, grad_fn: Any = None,
              output_nr: int = 0) -> Tensor:
        """Wrap an ndarray without any checks: how ops make their results. (A staticmethod:
        calling a classmethod builds a bound method on every call.)"""
        t = _new_object(Tensor)
        t.data = data
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        return t

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass (nn.Parameter, a user's) gets `data` as a property whose setter stores a
        Tensor's array (`p.data = p.data - lr * p.grad` assigns a Tensor: its array is stored,
        as PyTorch shares its storage) and refuses anything but an ndarray or a Tensor. Tensor
        itself keeps `data` a bare slot: every op reads it several times, and in CPython 3.11 a
        property read costs about five times a slot read (8% of a chain of small ops,
        measured), so `t.data = <Tensor>` on a plain Tensor is not converted (see README)."""
        super().__init_subclass__(**kwargs)
        if "data" not in cls.__dict__:
            cls.data = _DATA_PROPERTY  # type: ignore[assignment]

    # -- attributes -------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded so that backward reaches it. Only a
        leaf's flag can be assigned (a result's follows from its inputs: `.detach()` cuts it),
        and only a floating-point tensor can require grad."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables" + (
                    "" if requires_grad else ". If you want to use a computed variable in a "
                    "subgraph that doesn't require differentiation use var_no_grad = "
                    "var.detach()") + f" (a tensor of shape {self.data.shape} made by "
                f"{self.grad_fn.name()})")
        if requires_grad:
            _dtypes.check_can_require_grad(self.data.dtype)
        self._requires_grad = bool(requires_grad)

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward accumulated into this leaf (or retained non-leaf), or None.
        Reading it on a non-leaf that does not retain its gradient (and has none) warns, as in
        PyTorch: backward never fills it (call `.retain_grad()` before backward)."""
        grad = self._grad
        if grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return grad

    @grad.setter
    def grad(self, grad: Tensor | None) -> None:
        if grad is not None:
            if not isinstance(grad, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(grad).__name__}")
            if grad.data.shape != self.data.shape:
                raise RuntimeError(f"attempting to assign a gradient of shape {grad.data.shape} "
                                   f"to a tensor of shape {self.data.shape}: they must match")
            if grad.data.dtype != self.data.dtype:
                raise RuntimeError(f"attempting to assign a gradient of dtype {grad.data.dtype} "
                                   f"to a tensor of dtype {self.data.dtype}: they must match")
        self._grad = grad

    @property
    def shape(self) -> Shape:
        """The size of each dimension: a tuple of ints (PyTorch's `torch.Size`)."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The element type (a NumPy dtype, equal to `am.float32` and the like)."""
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user created (not the result of a recorded op)."""
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        """All axes reversed, as NumPy's `.T`."""
        return ops.permute(self, tuple(range(self.data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two axes swapped (batched matrix transpose)."""
        return ops.transpose(self, -2, -1)

    def size(self, dim: int | None = None) -> Shape | int:
        """The shape, or the length of one dimension."""
        if dim is None:
            return self.data.shape
        axis = ops.normalize_axis(dim, self.data.ndim, "size")
        if self.data.ndim == 0:
            raise IndexError(f"size: dimension {dim} is out of range: a 0-d tensor has no "
                             "dimensions")
        return self.data.shape[axis]

    def numel(self) -> int:
        """The number of elements."""
        return int(self.data.size)

    def dim(self) -> int:
        """The number of dimensions (as `ndim`)."""
        return self.data.ndim

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied). Refused while the tensor requires grad."""
        if self.requires_grad:
            raise RuntimeError("numpy(): this tensor requires grad; call .detach().numpy() "
                               "to get its values without the graph")
        return self.data

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number.

        Raises:
            ValueError: when the tensor has more than one element.

        Examples:
            >>> import autograd_mini as am
            >>> am.tensor([2.5]).item()
            2.5
        """
        if self.data.size != 1:
            raise ValueError(f"item(): only a tensor with one element can be converted to a "
                             f"Python number, got shape {self.data.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers; a 0-d tensor gives a number.

        Examples:
            >>> import autograd_mini as am
            >>> am.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
        """
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only a one-element integer tensor can be used as an index, got "
                            f"shape {self.data.shape} and dtype {self.data.dtype}")
        return int(self.data.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor with {self.data.size} elements "
                             f"(shape {self.data.shape}) is ambiguous; use .any() or .all()")
        return bool(self.data.item())

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self.requires_grad:
            raise TypeError(
                "a tensor that requires grad cannot be converted to a NumPy array implicitly "
                "(the gradient would be lost); use .detach().numpy(), or the am./Tensor op "
                "of the same name")
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return ops.dispatch_ufunc(ufunc, method, inputs, kwargs)

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: Any = None) -> Any:
        """A DLPack capsule sharing this tensor's memory (`torch.from_dlpack(t)`): the array's own.
        A tensor that requires grad is refused, as in PyTorch (the other side would write into it
        without autograd knowing). `am.from_dlpack` is the way in (autograd_mini/_dlpack.py)."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        if stream is not None and stream != -1:
            raise BufferError(f"__dlpack__: stream must be None on the CPU, got {stream!r}")
        options = {"max_version": max_version, "dl_device": dl_device, "copy": copy}
        return self.data.__dlpack__(**{k: v for k, v in options.items() if v is not None})

    def __dlpack_device__(self) -> tuple[builtins.int, builtins.int]:
        """(1, 0): DLPack's code for the CPU, device 0."""
        device_type, device_id = self.data.__dlpack_device__()
        return builtins.int(device_type), builtins.int(device_id)

    def __repr__(self) -> str:
        """PyTorch's print: `tensor([0.1000, 2.0000])`, `tensor(3.)`, `tensor([1, 2, 3])`,
        `tensor([], size=(0, 3))`, then `dtype=` (unless the default float dtype, int64 or bool),
        `grad_fn=<...>` or `requires_grad=True`, and `name=` when set. Large tensors (over 1000
        elements) are summarised; see `_tensor_str`."""
        extras = []
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return _tensor_str.tensor_repr(self.data, _dtypes.get_default_dtype(), extras)

    def __str__(self) -> str:
        """The same as repr, as in PyTorch."""
        return self.__repr__()

    def __format__(self, format_spec: str) -> str:
        """`f"{loss:.3f}"`: a 0-d tensor formats as its Python number (as in PyTorch), and so
        does any one-element tensor given a non-empty spec; otherwise an empty spec gives
        `str(t)` and a non-empty one on a tensor of several elements is a TypeError."""
        if self.data.ndim == 0 or (format_spec and self.data.size == 1):
            return format(self.data.item(), format_spec)
        if format_spec:
            raise TypeError(f"unsupported format string passed to {type(self).__name__}."
                            f"__format__ (a tensor of shape {self.data.shape}: only a "
                            "one-element tensor formats as a number)")
        return str(self)

    # -- autograd ---------------------------------------------------------------------------
    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Sequence[Tensor] | Tensor | None = None,
                 retain_grads: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the `.grad` of every leaf that requires grad.

        Args:
            gradient: the upstream gradient, same shape as self; may be omitted only when the
                tensor has one element.
            retain_graph: keep the saved tensors so backward can run through the graph again
                (defaults to `create_graph`).
            create_graph: record the backward pass itself, for higher-order derivatives.
            inputs: a Tensor or a sequence of Tensors: accumulate only into these.
            retain_grads: keep every interior gradient on its graph node, for drawing the graph
                with `am.viz.draw(..., show_grads=True)`.

        Examples:
            >>> import autograd_mini as am
            >>> x = am.tensor([2.0, 3.0], requires_grad=True)
            >>> y = (x ** 2).sum()
            >>> y.backward()  # dy/dx = 2 x
            >>> x.grad
            tensor([4., 6.])
            >>> (x ** 2).backward(am.tensor([1.0, 0.5]))  # a non-scalar needs its upstream gradient
            >>> x.grad  # gradients accumulate
            tensor([8., 9.])
        """
        ops.backward([self], None if gradient is None else [gradient],
                     retain_graph, create_graph, inputs, retain_grads)

    def detach(self) -> Tensor:
        """A tensor sharing this one's memory (a view: writes in place through either are seen by
        both, and by backward), cut from the graph."""
        return Tensor._make(self.data)._alias_of(self)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place: it becomes a leaf that does not require grad."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` on a leaf in place (refused on a non-float dtype). On a result
        that requires grad, requires_grad_(True) changes nothing, as in PyTorch."""
        if self.grad_fn is None or not requires_grad:
            self.requires_grad = requires_grad
        return self

    def _reset_grad(self, set_to_none: bool) -> None:
        """`zero_grad` for this tensor (Module's and Optimizer's): `.grad` to None, or the same
        Tensor cut from any graph (a gradient built with create_graph=True would otherwise chain
        every later gradient onto it, and keep its graph alive) and zeroed, as PyTorch's
        `grad.detach_()` (or `requires_grad_(False)`) and `grad.zero_()`."""
        grad = self._grad
        if grad is None:
            return
        if set_to_none:
            self._grad = None
            return
        grad.detach_()
        if grad.data.flags.writeable and grad.data.base is None:
            grad.zero_()
        else:  # a read-only or borrowed array (a broadcast or a view from a backward)
            grad.data = np.zeros_like(grad.data)
            grad._bump_version()

    @property
    def retains_grad(self) -> bool:
        """Whether backward fills `.grad` on this non-leaf tensor (see `retain_grad`)."""
        node = self.grad_fn
        return node is not None and self._output_nr in (node._retained or ())

    def retain_grad(self) -> None:
        """Ask backward to fill `.grad` on this non-leaf tensor too."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is None:
            return  # leaves keep their grad anyway
        node = self.grad_fn
        if node._retained is None:
            node._retained = {}
            node._mark_observed()
        node._retained[self._output_nr] = weakref.ref(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Callable[[], None]:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces it.

        Returns:
            a function that removes the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook() on a tensor that does not require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node._hooks is None:
                node._hooks = {}
                node._mark_observed()
            hooks = node._hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return lambda: hooks.remove(hook) if hook in hooks else None

    def _alias_of(self, base: Tensor, kind: str = "detach") -> Tensor:
        """Record that this tensor shares `base`'s memory: from now on a write in place through
        any of them counts as a write of each (one version per memory, as PyTorch's one version
        counter per storage). `kind`: "view" for a view op's result (its history derives from
        its base's: a differentiable view), "detach" for detach() and Tensor(t)."""
        aliases = base._aliases
        if aliases is None:
            aliases = base._aliases = [_alias_entry(base, "base")]
        elif len(aliases) >= 16 and not len(aliases) & (len(aliases) - 1):
            # views taken again and again of one base: forget the dead, at lengths 16, 32, 64,
            # ... so that many live views cost O(1) each, amortised
            aliases[:] = [e for e in aliases if e[0]() is not None or (e[1] and e[1]())]
        aliases.append(_alias_entry(self, kind))
        self._aliases = aliases
        return self

    def _bump_version(self) -> None:
        """Count a write in place into this tensor's array (every one must come through here:
        backward trusts the saved tensors of nodes recorded after the latest one without
        checking their versions). Every tensor sharing the memory is bumped too, and the nodes
        that made them are told: they may have saved those outputs, holding them only weakly
        (see Node._output_written)."""
        _clock.note_write()
        aliases = self._aliases
        if aliases is None:
            self._version += 1
            if self.grad_fn is not None:
                self.grad_fn._output_written(self._output_nr)
            return
        live = []
        for entry in aliases:
            ref, node_ref, output_nr, _ = entry
            node = node_ref() if node_ref is not None else None
            if node is not None:  # (the node that made it may have saved it: even if it is gone)
                node._output_written(output_nr)
            t = ref()
            if t is not None:
                t._version += 1
                if t.grad_fn is not None and t.grad_fn is not node:
                    t.grad_fn._output_written(t._output_nr)
            if t is not None or node is not None:
                live.append(entry)
        aliases[:] = live  # (forget the tensors that are gone with their nodes)

    def _tied_aliases(self) -> list[Tensor]:
        """The live tensors sharing this one's memory whose history a recorded write into it
        would have to change too: the ones tied to it by a view op (its views, or the tensor it
        is a view of), and any that requires grad."""
        entries = self._aliases or ()
        mine = next((kind for ref, _, _, kind in entries if ref() is self), "base")
        tied = []
        for ref, _, _, kind in entries:
            t = ref()
            if t is not None and t is not self and (
                    mine == "view" or kind == "view" or t.requires_grad):
                tied.append(t)
        return tied

    # -- conversion ---------------------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """This tensor converted, as PyTorch's `to`: `to(dtype)`, `to(device, dtype=None)`,
        `to(other)` (other's dtype), with `non_blocking=` (ignored) and `copy=` keywords. The
        device can only be the CPU ("cpu", am.device("cpu")); a GPU device is a DeviceError.
        Returns self when nothing changes (unless copy=True); a cast is differentiable between
        float dtypes."""
        if not kwargs and len(args) == 1 and isinstance(args[0], (np.dtype, type)):
            return ops.cast(self, args[0])  # to(dtype), the common case (the engine's too)
        from ._device import parse_to

        dtype, copy = parse_to(args, kwargs, Tensor, "to")
        if dtype is None or dtype == self.data.dtype:
            return ops.clone(self) if copy else self
        return ops.cast(self, dtype)

    astype = to
    type = to

    def float(self) -> Tensor:
        """This tensor in float32, `self.to(am.float32)` (differentiable; self when already float32)."""
        return ops.cast(self, np.float32)

    def double(self) -> Tensor:
        """This tensor in float64, `self.to(am.float64)` (differentiable; self when already float64)."""
        return ops.cast(self, np.float64)

    def half(self) -> Tensor:
        """This tensor in float16, `self.to(am.float16)` (differentiable; self when already float16)."""
        return ops.cast(self, np.float16)

    def long(self) -> Tensor:
        """This tensor in int64, `self.to(am.int64)` (no gradient; self when already int64)."""
        return ops.cast(self, np.int64)

    def int(self) -> Tensor:
        """This tensor in int32, `self.to(am.int32)` (no gradient; self when already int32)."""
        return ops.cast(self, np.int32)

    def bool(self) -> Tensor:
        """This tensor in bool, `self.to(am.bool)` (no gradient; self when already bool)."""
        return ops.cast(self, np.bool_)

    def clone(self, memory_format: Any = None) -> Tensor:
        """A copy with its own memory, connected to the graph. `memory_format`: None or
        "preserve_format" keeps the layout; "contiguous_format" gives a C-contiguous copy."""
        if _memory_format(memory_format, "clone") == "contiguous_format":
            copy = self.contiguous()
            return copy if copy is not self else ops.clone(self)
        return ops.clone(self)

    def copy_(self, src: Any) -> Tensor:
        """Copy values into this tensor in place (see in-place rules on `__iadd__`)."""
        return ops.inplace(self, "copy_", src)

    def zero_(self) -> Tensor:
        """Fill the tensor with zeros, in place; returns self."""
        return ops.inplace(self, "copy_", 0.0)

    def add_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self += alpha * other, in place (see `__iadd__`). PyTorch's deprecated overload
        `add_(alpha, other)` (a number, then a tensor: `p.add_(-lr, grad)` in old optimizer code)
        works too, with PyTorch's deprecation warning."""
        other, alpha = _alpha_overload("add_", other, alpha)
        return ops.inplace(self, "add", other if alpha == 1 else ops.mul(other, alpha))

    def sub_(self, other: Any, alpha: Any = 1) -> Tensor:
        """self -= alpha * other, in place (and the deprecated `sub_(alpha, other)`, as add_)."""
        other, alpha = _alpha_overload("sub_", other, alpha)
        return ops.inplace(self, "sub", other if alpha == 1 else ops.mul(other, alpha))

    def pow_(self, exponent: Any) -> Tensor:
        """self **= exponent, in place (a number or a tensor that broadcasts to self's shape)."""
        return ops.pow_(self, exponent)

    def exp_(self) -> Tensor:
        """exp in place (refused on an integer tensor, which cannot hold the result)."""
        return ops.exp_(self)

    def neg_(self) -> Tensor:
        """-self, in place (refused on a bool tensor, as PyTorch)."""
        return ops.neg_(self)

    def mul_(self, other: Any) -> Tensor:
        """self *= other, in place."""
        return ops.inplace(self, "mul", other)

    def div_(self, other: Any) -> Tensor:
        """self /= other, in place."""
        return ops.inplace(self, "div", other)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        """clamp in place."""
        return ops.clamp_(self, min, max)

    def relu_(self) -> Tensor:
        """relu in place."""
        return ops.relu_(self)

    def fill_(self, value: float) -> Tensor:
        """Fill the tensor with `value`, in place; returns self."""
        return ops.inplace(self, "copy_", value)

    def sum_to_size(self, *shape: Any) -> Tensor:
        """Sum this tensor down to `shape`, a shape it was broadcast from."""
        return ops.sum_to(self, shape[0] if len(shape) == 1 and isinstance(shape[0], tuple | list)
                          else shape)

    # -- device and random numbers ------------------------------------------------------------
    @property
    def device(self) -> Any:
        """The device the tensor is on: always `am.device("cpu")` (NumPy computes on the CPU)."""
        from ._device import CPU

        return CPU

    def cpu(self, memory_format: Any = None) -> Tensor:
        """This tensor (it is on the CPU already), as PyTorch's `cpu()` of a CPU tensor."""
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False, **kwargs: Any) -> Tensor:
        """Refused: autograd_mini computes on the CPU with NumPy (a DeviceError, a RuntimeError)."""
        from ._device import check_device

        check_device("cuda" if device is None or isinstance(device, int) else device, "cuda")
        raise TypeError(f"cuda: {device!r} is not a CUDA device")

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill in place with samples from U(a, b) (from `generator`, an am.Generator, or the
        global stream). A leaf that requires grad refuses outside `am.no_grad()`, as PyTorch."""
        from . import _random

        _random.check_float_dtype(self.data.dtype, "uniform_")
        draw = _random.uniform_values(self.data.shape, a, b, generator, "uniform_")
        return self._fill_random("uniform_", draw)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill in place with samples from N(mean, std**2) (from `generator` or the global
        stream). A leaf that requires grad refuses outside `am.no_grad()`, as PyTorch."""
        from . import _random

        _random.check_float_dtype(self.data.dtype, "normal_")
        draw = _random.normal_values(self.data.shape, mean, std, generator, "normal_")
        return self._fill_random("normal_", draw)

    def _fill_random(self, what: str, draw: Callable[[], np.ndarray]) -> Tensor:
        """Write draw()'s values in place through the in-place machinery (checked first, so a
        refused write draws nothing; recorded on a result that requires grad, whose gradient
        then is zero, as PyTorch's)."""
        def write(array: np.ndarray) -> None:
            np.copyto(array, draw(), casting="unsafe")

        def compute(old: Tensor) -> Tensor:
            new = Tensor._make(draw().astype(old.data.dtype))
            return ops.where(np.ones(old.data.shape, dtype=bool), new, old)

        return ops.elementwise_in_place(self, what, compute, write)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """See `am.multinomial`."""
        from . import _random

        return Tensor._make(_random.multinomial(self.data, num_samples, replacement, generator))

    # -- operators ----------------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return ops._add(self, other)

    def __sub__(self, other: Any) -> Tensor:
        return ops._sub(self, other)

    def __mul__(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def __radd__(self, other: Any) -> Tensor:
        return ops._add(other, self)

    def __rsub__(self, other: Any) -> Tensor:
        return ops._sub(other, self)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.mul(other, self)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __pos__(self) -> Tensor:
        return self

    def __iadd__(self, other: Any) -> Tensor:
        """In place, into this tensor's array: every tensor sharing its memory (views, detach())
        sees the new values, and backward sees the write. On a leaf that requires grad only under
        `no_grad` (an optimizer update); on a result it is recorded and the result is rebased
        onto the op, as in PyTorch (see `ops.inplace`)."""
        return ops.inplace(self, "add", other)

    def __isub__(self, other: Any) -> Tensor:
        return ops.inplace(self, "sub", other)

    def __imul__(self, other: Any) -> Tensor:
        return ops.inplace(self, "mul", other)

    def __itruediv__(self, other: Any) -> Tensor:
        return ops.inplace(self, "div", other)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem(self, index, value)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # Comparisons give bool tensors and carry no gradient.
    def __lt__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.less, self, other)

    def __le__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.greater_equal, self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.compare(np.not_equal, self, other)

    # `& | ^ ~` are bitwise on integer tensors and logical on bool tensors (the same thing
    # there), an error on floats; `%` and `//` keep integers integers, as in PyTorch.
    def __invert__(self) -> Tensor:
        return ops._invert(self)

    def __and__(self, other: Any) -> Tensor:
        return ops.bitwise_and(self, other)

    def __or__(self, other: Any) -> Tensor:
        return ops.bitwise_or(self, other)

    def __xor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(self, other)

    def __rand__(self, other: Any) -> Tensor:
        return ops.bitwise_and(other, self)

    def __ror__(self, other: Any) -> Tensor:
        return ops.bitwise_or(other, self)

    def __rxor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return ops.remainder(other, self)

    def __floordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(other, self)

    # -- methods: each is the `am.` function of the same name ---------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The sum over `dim` (all elements when None). See [am.sum][autograd_mini.sum]."""
        return ops.sum(self, dim, keepdim, **kw)

    def mean(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The mean over `dim` (all elements when None). See [am.mean][autograd_mini.mean]."""
        return ops.mean(self, dim, keepdim, **kw)

    def var(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The variance over `dim` (Bessel-corrected by default). See [am.var][autograd_mini.var]."""
        return ops.var(self, dim, keepdim, **kw)

    def std(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The standard deviation over `dim` (Bessel-corrected by default). See
        [am.std][autograd_mini.std].
        """
        return ops.std(self, dim, keepdim, **kw)

    def prod(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The product over `dim` (all elements when None). See [am.prod][autograd_mini.prod]."""
        return ops.prod(self, dim, keepdim, **kw)

    def max(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The maximum of all elements, or (values, indices) along `dim`. See
        [am.max][autograd_mini.max].
        """
        return ops.max(self, dim, keepdim, **kw)

    def min(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The minimum of all elements, or (values, indices) along `dim`. See
        [am.min][autograd_mini.min].
        """
        return ops.min(self, dim, keepdim, **kw)

    def argmax(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The index of the first maximum (of the flattened tensor, or along `dim`). See
        [am.argmax][autograd_mini.argmax].
        """
        return ops.argmax(self, dim, keepdim, **kw)

    def argmin(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """The index of the first minimum (of the flattened tensor, or along `dim`). See
        [am.argmin][autograd_mini.argmin].
        """
        return ops.argmin(self, dim, keepdim, **kw)

    def logsumexp(self, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
        """log(sum(exp(self))) over `dim`, computed stably. See [am.logsumexp][autograd_mini.logsumexp].
        """
        return ops.logsumexp(self, dim, keepdim, **kw)

    def softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        """Softmax along `dim`: exp(self) normalised to sum to one. See
        [am.softmax][autograd_mini.softmax].
        """
        return ops.softmax(self, dim, **kw)

    def log_softmax(self, dim: Any = -1, **kw: Any) -> Tensor:
        """The logarithm of softmax along `dim`, computed stably. See
        [am.log_softmax][autograd_mini.log_softmax].
        """
        return ops.log_softmax(self, dim, **kw)

    def any(self, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """Whether some element is true: a bool tensor (0-d without dim), as PyTorch's."""
        return ops.any(self, dim, keepdim, **kw)

    def all(self, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """Whether every element is true: a bool tensor (0-d without dim), as PyTorch's."""
        return ops.all(self, dim, keepdim, **kw)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """Elementwise true division (`/`), or rounded with `rounding_mode`. See
        [am.div][autograd_mini.div].
        """
        return ops.div(self, other, rounding_mode=rounding_mode)

    def remainder(self, other: Any) -> Tensor:
        """Elementwise remainder with the sign of the divisor (Python's %). See
        [am.remainder][autograd_mini.remainder].
        """
        return ops.remainder(self, other)

    def fmod(self, other: Any) -> Tensor:
        """Elementwise remainder with the sign of the dividend (C's fmod). See
        [am.fmod][autograd_mini.fmod].
        """
        return ops.fmod(self, other)

    def bitwise_and(self, other: Any) -> Tensor:
        """Elementwise bitwise AND (`&`). See [am.bitwise_and][autograd_mini.bitwise_and]."""
        return ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        """Elementwise bitwise OR (`|`). See [am.bitwise_or][autograd_mini.bitwise_or]."""
        return ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        """Elementwise bitwise XOR (`^`). See [am.bitwise_xor][autograd_mini.bitwise_xor]."""
        return ops.bitwise_xor(self, other)

    def bitwise_not(self) -> Tensor:
        """Elementwise bitwise NOT (`~`). See [am.bitwise_not][autograd_mini.bitwise_not]."""
        return ops.bitwise_not(self)

    def logical_and(self, other: Any) -> Tensor:
        """Elementwise logical AND: a bool tensor. See [am.logical_and][autograd_mini.logical_and]."""
        return ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        """Elementwise logical OR: a bool tensor. See [am.logical_or][autograd_mini.logical_or]."""
        return ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        """Elementwise logical XOR: a bool tensor. See [am.logical_xor][autograd_mini.logical_xor]."""
        return ops.logical_xor(self, other)

    def logical_not(self) -> Tensor:
        """Elementwise logical NOT: a bool tensor. See [am.logical_not][autograd_mini.logical_not]."""
        return ops.logical_not(self)

    def isclose(self, other: Any, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08,
                equal_nan: builtins.bool = False) -> Tensor:
        """Elementwise |self - other| <= atol + rtol * |other|: a bool tensor. See
        [am.isclose][autograd_mini.isclose].
        """
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08,
                 equal_nan: builtins.bool = False) -> builtins.bool:
        """Whether every element is close to `other`'s: a Python bool. See
        [am.allclose][autograd_mini.allclose].
        """
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Any) -> builtins.bool:
        """Whether `other` has the same shape and values: a Python bool. See
        [am.equal][autograd_mini.equal].
        """
        return ops.equal(self, other)

    def exp(self) -> Tensor:
        """Elementwise exponential. See [am.exp][autograd_mini.exp]."""
        return ops.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm. See [am.log][autograd_mini.log]."""
        return ops.log(self)

    def log1p(self) -> Tensor:
        """Elementwise log(1 + self), accurate for small values. See [am.log1p][autograd_mini.log1p]."""
        return ops.log1p(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root. See [am.sqrt][autograd_mini.sqrt]."""
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value. See [am.abs][autograd_mini.abs]."""
        return ops.abs(self)

    def sin(self) -> Tensor:
        """Elementwise sine. See [am.sin][autograd_mini.sin]."""
        return ops.sin(self)

    def cos(self) -> Tensor:
        """Elementwise cosine. See [am.cos][autograd_mini.cos]."""
        return ops.cos(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent. See [am.tanh][autograd_mini.tanh]."""
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        """Elementwise logistic sigmoid, 1 / (1 + exp(-self)). See [am.sigmoid][autograd_mini.sigmoid].
        """
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        """Elementwise max(self, 0). See [am.relu][autograd_mini.relu]."""
        return ops.relu(self)

    def sign(self) -> Tensor:
        """Elementwise sign: -1, 0 or 1. See [am.sign][autograd_mini.sign]."""
        return ops.sign(self)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp each element into [min, max] (`clamp` is the same method). See
        [am.clip][autograd_mini.clip].
        """
        return ops.clip(self, min, max)

    clamp = clip

    def pow(self, exponent: Any) -> Tensor:
        """Elementwise self ** exponent. See [am.pow][autograd_mini.pow]."""
        return ops.pow(self, exponent)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise maximum with `other`. See [am.maximum][autograd_mini.maximum]."""
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise minimum with `other`. See [am.minimum][autograd_mini.minimum]."""
        return ops.minimum(self, other)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product (`@`), with NumPy's broadcasting rules. See [am.matmul][autograd_mini.matmul].
        """
        return ops.matmul(self, other)

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one entry may be -1). See
        [am.reshape][autograd_mini.reshape].
        """
        return ops.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one entry may be -1), sharing memory. See
        [am.view][autograd_mini.view].
        """
        return ops.reshape(self, *shape)

    def transpose(self, dim0: int = 0, dim1: int = 1) -> Tensor:
        """Swap dimensions `dim0` and `dim1` (a view). See [am.transpose][autograd_mini.transpose]."""
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> Tensor:
        """The dimensions reordered as `dims` (a view). See [am.permute][autograd_mini.permute]."""
        return ops.permute(self, *dims)

    def squeeze(self, dim: Any = None, **kw: Any) -> Tensor:
        """Remove dimensions of size 1 (all, or those in `dim`). See [am.squeeze][autograd_mini.squeeze].
        """
        return ops.squeeze(self, dim, **kw)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dimension of size 1 at `dim` (a view). See [am.unsqueeze][autograd_mini.unsqueeze].
        """
        return ops.unsqueeze(self, dim)

    def expand(self, *shape: Any) -> Tensor:
        """A read-only view broadcast to `shape` (-1 keeps a dimension's size). See
        [am.expand][autograd_mini.expand].
        """
        return ops.expand(self, *shape)

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """A read-only view broadcast to `shape`. See [am.broadcast_to][autograd_mini.broadcast_to]."""
        return ops.broadcast_to(self, shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge the dimensions start_dim..end_dim into one. See [am.flatten][autograd_mini.flatten]."""
        return ops.flatten(self, start_dim, end_dim)

    def pad(self, pad_width: Any, value: float = 0.0) -> Tensor:
        """Constant padding, with NumPy's `pad_width`. See [am.pad][autograd_mini.pad]."""
        return ops.pad(self, pad_width, value)

    def split(self, split_size_or_sections: Any, dim: int = 0, **kw: Any) -> list[Tensor]:
        """Split into pieces of `split_size_or_sections` along `dim` (views). See
        [am.split][autograd_mini.split].
        """
        return ops.split(self, split_size_or_sections, dim, **kw)

    # -- PyTorch's small conveniences: sizes, 2-D/3-D products, layout, shapes of others -------
    def nelement(self) -> builtins.int:
        """The number of elements (the same as `numel()`)."""
        return int(self.data.size)

    def ndimension(self) -> builtins.int:
        """The number of dimensions (the same as `dim()` and `ndim`)."""
        return self.data.ndim

    def element_size(self) -> builtins.int:
        """The size of one element in bytes (4 for float32)."""
        return int(self.data.itemsize)

    def is_floating_point(self) -> builtins.bool:
        """Whether the dtype is a floating-point one (float16/32/64)."""
        return self.data.dtype.kind == "f"

    @property
    def nbytes(self) -> builtins.int:
        """The bytes the elements take: `numel() * element_size()`."""
        return int(self.data.size * self.data.itemsize)

    def t(self) -> Tensor:
        """The transpose of a 2-D tensor (a view, differentiable); a 0-D or 1-D tensor is
        returned as is. More than two dimensions is an error, as in PyTorch: use
        `transpose(dim0, dim1)`, `mT` or `T`."""
        if self.data.ndim < 2:
            return self
        if self.data.ndim > 2:
            raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is "
                             f"{self.data.ndim}D (shape {self.data.shape}); use "
                             "transpose(dim0, dim1) or .mT")
        return ops.transpose(self, 0, 1)

    def mm(self, mat2: Any) -> Tensor:
        """The matrix product of two 2-D tensors, (n, k) @ (k, m) -> (n, m), differentiable.
        No broadcasting and no 1-D operands: `matmul` (or `@`) takes those."""
        sb = ops.shape_of(mat2, "mm")
        for what, shape in (("self", self.data.shape), ("mat2", sb)):
            if len(shape) != 2:
                raise ValueError(f"mm: {what} must be a matrix (2-D), got shape {shape}; use "
                                 "matmul (or @) for other shapes")
        if self.data.shape[1] != sb[0]:
            (n, k), (k2, m) = self.data.shape, sb
            raise ValueError(f"mm: mat1 and mat2 shapes cannot be multiplied ({n}x{k} and "
                             f"{k2}x{m})")
        return ops.matmul(self, mat2)

    def bmm(self, mat2: Any) -> Tensor:
        """Batched matrix product of two 3-D tensors, (b, n, k) @ (b, k, m) -> (b, n, m),
        differentiable. The batch sizes must be equal (no broadcasting: `matmul` broadcasts)."""
        sa, sb = self.data.shape, ops.shape_of(mat2, "bmm")
        for what, shape in (("batch1", sa), ("batch2", sb)):
            if len(shape) != 3:
                raise ValueError(f"bmm: {what} must be a 3-D tensor, got shape {shape}; use "
                                 "matmul (or @) for other shapes")
        if sb[:2] != (sa[0], sa[2]):
            raise ValueError(f"bmm: batch1 of shape {sa} and batch2 of shape {sb} cannot be "
                             f"multiplied: expected batch2's first two dimensions to be "
                             f"({sa[0]}, {sa[2]})")
        return ops.matmul(self, mat2)

    def is_contiguous(self, memory_format: Any = None) -> builtins.bool:
        """Whether the elements lie in memory in row-major (C) order without gaps."""
        _memory_format(memory_format, "is_contiguous")
        return bool(self.data.flags.c_contiguous)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        """This tensor when it is contiguous (`is_contiguous()`), else a C-contiguous copy of it,
        connected to the graph (a transposed or strided view becomes a compact array)."""
        if _memory_format(memory_format, "contiguous") == "preserve_format":
            raise ValueError("contiguous: memory_format preserve_format is not supported by "
                             "contiguous (use clone)")
        if self.data.flags.c_contiguous:
            return self
        flat = ops.reshape(self, -1)  # (a copy in C order, unless NumPy could give a view)
        if not flat.data.flags.c_contiguous or np.may_share_memory(flat.data, self.data):
            flat = ops.clone(flat)  # (a 1-D copy is compact)
        return ops.reshape(flat, self.data.shape)

    def type_as(self, other: Any) -> Tensor:
        """This tensor converted to `other`'s dtype (differentiable between float dtypes)."""
        return ops.cast(self, _other_attr(other, "dtype", "type_as"))

    def view_as(self, other: Any) -> Tensor:
        """`view(other.shape)`: the same elements in `other`'s shape."""
        return ops.reshape(self, tuple(_other_attr(other, "shape", "view_as")))

    def reshape_as(self, other: Any) -> Tensor:
        """`reshape(other.shape)`: the same elements in `other`'s shape."""
        return ops.reshape(self, tuple(_other_attr(other, "shape", "reshape_as")))

    def expand_as(self, other: Any) -> Tensor:
        """`expand(other.shape)`: this tensor broadcast to `other`'s shape (a read-only view)."""
        return ops.expand(self, tuple(_other_attr(other, "shape", "expand_as")))

    # ---- selection, ordering and rearranging (see ops) ----------------------------------------
    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """A copy with `value` where the boolean `mask` is True. See
        [am.masked_fill][autograd_mini.masked_fill].
        """
        return ops.masked_fill(self, mask, value)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """In-place [masked_fill][autograd_mini.Tensor.masked_fill]: writes into this tensor and returns
        it.
        """
        return ops.masked_fill_(self, mask, value)

    def tril(self, diagonal: builtins.int = 0) -> Tensor:
        """The lower triangle of the last two dimensions, zeros above. See [am.tril][autograd_mini.tril].
        """
        return ops.tril(self, diagonal)

    def triu(self, diagonal: builtins.int = 0) -> Tensor:
        """The upper triangle of the last two dimensions, zeros below. See [am.triu][autograd_mini.triu].
        """
        return ops.triu(self, diagonal)

    def gather(self, dim: builtins.int, index: Any, **kw: Any) -> Tensor:
        """Values along `dim` at the positions in `index`. See [am.gather][autograd_mini.gather]."""
        return ops.gather(self, dim, index, **kw)

    def scatter(self, dim: builtins.int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        """A copy with `src` (or `value`) written at `index` along `dim`. See
        [am.scatter][autograd_mini.scatter].
        """
        return ops.scatter(self, dim, index, src, **kw)

    def scatter_(self, dim: builtins.int, index: Any, src: Any = None, **kw: Any) -> Tensor:
        """In-place [scatter][autograd_mini.Tensor.scatter]: writes into this tensor and returns it."""
        return ops.scatter_(self, dim, index, src, **kw)

    def scatter_add(self, dim: builtins.int, index: Any, src: Any) -> Tensor:
        """A copy with `src` added at `index` along `dim` (repeats add up). See
        [am.scatter_add][autograd_mini.scatter_add].
        """
        return ops.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: builtins.int, index: Any, src: Any) -> Tensor:
        """In-place [scatter_add][autograd_mini.Tensor.scatter_add]: writes into this tensor and returns
        it.
        """
        return ops.scatter_add_(self, dim, index, src)

    def scatter_reduce(self, dim: builtins.int, index: Any, src: Any, reduce: str,
                       **kw: Any) -> Tensor:
        """A copy with `src` reduced into the positions `index` along `dim`. See
        [am.scatter_reduce][autograd_mini.scatter_reduce].
        """
        return ops.scatter_reduce(self, dim, index, src, reduce, **kw)

    def index_select(self, dim: builtins.int, index: Any) -> Tensor:
        """The slices at `index` along `dim` (a copy). See [am.index_select][autograd_mini.index_select].
        """
        return ops.index_select(self, dim, index)

    def take_along_dim(self, indices: Any, dim: Any = None) -> Tensor:
        """Values at `indices` along `dim`, after broadcasting. See
        [am.take_along_dim][autograd_mini.take_along_dim].
        """
        return ops.take_along_dim(self, indices, dim)

    def sort(self, dim: builtins.int = -1, descending: builtins.bool = False, **kw: Any) -> Any:
        """(values, indices) sorted along `dim` (stable). See [am.sort][autograd_mini.sort]."""
        return ops.sort(self, dim, descending, **kw)

    def argsort(self, dim: builtins.int = -1, descending: builtins.bool = False,
                **kw: Any) -> Tensor:
        """The indices that sort the tensor along `dim` (stable). See
        [am.argsort][autograd_mini.argsort].
        """
        return ops.argsort(self, dim, descending, **kw)

    def topk(self, k: builtins.int, dim: builtins.int = -1, largest: builtins.bool = True,
             sorted: builtins.bool = True, **kw: Any) -> Any:
        """(values, indices) of the k largest (or smallest) elements along `dim`. See
        [am.topk][autograd_mini.topk].
        """
        return ops.topk(self, k, dim, largest, sorted, **kw)

    def kthvalue(self, k: builtins.int, dim: builtins.int = -1, keepdim: builtins.bool = False,
                 **kw: Any) -> Any:
        """(values, indices) of the k-th smallest element along `dim`. See
        [am.kthvalue][autograd_mini.kthvalue].
        """
        return ops.kthvalue(self, k, dim, keepdim, **kw)

    def flip(self, *dims: Any) -> Tensor:
        """The elements in reverse order along `dims` (a copy). See [am.flip][autograd_mini.flip]."""
        return ops.flip(self, *dims)

    def fliplr(self) -> Tensor:
        """Reverse the order along dimension 1. See [am.fliplr][autograd_mini.fliplr]."""
        return ops.fliplr(self)

    def flipud(self) -> Tensor:
        """Reverse the order along dimension 0. See [am.flipud][autograd_mini.flipud]."""
        return ops.flipud(self)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Shift the elements cyclically along `dims`. See [am.roll][autograd_mini.roll]."""
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes: Any) -> Tensor:
        """The tensor tiled `sizes` times along each dimension (a copy), as PyTorch's `Tensor.repeat`."""
        return ops.repeat(self, *sizes)

    def tile(self, *dims: Any) -> Tensor:
        """Repeat the tensor `dims` times along each dimension. See [am.tile][autograd_mini.tile]."""
        return ops.tile(self, dims[0] if len(dims) == 1 else dims)

    def repeat_interleave(self, repeats: Any, dim: Any = None, **kw: Any) -> Tensor:
        """Each element (or slice along `dim`) repeated `repeats` times. See
        [am.repeat_interleave][autograd_mini.repeat_interleave].
        """
        return ops.repeat_interleave(self, repeats, dim, **kw)

    def chunk(self, chunks: builtins.int, dim: builtins.int = 0) -> tuple:
        """Split into `chunks` views of (nearly) equal size along `dim`. See
        [am.chunk][autograd_mini.chunk].
        """
        return ops.chunk(self, chunks, dim)

    def unbind(self, dim: builtins.int = 0) -> tuple:
        """The slices along `dim`, each without that dimension. See [am.unbind][autograd_mini.unbind]."""
        return ops.unbind(self, dim)

    def narrow(self, dim: builtins.int, start: Any, length: builtins.int) -> Tensor:
        """The slice start:start + length along `dim` (a view). See [am.narrow][autograd_mini.narrow]."""
        return ops.narrow(self, dim, start, length)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """Move the dimensions `source` to `destination` (a view). See
        [am.movedim][autograd_mini.movedim].
        """
        return ops.movedim(self, source, destination)

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        """Move the dimensions `source` to `destination` (a view). See
        [am.moveaxis][autograd_mini.moveaxis].
        """
        return ops.movedim(self, source, destination)

    def swapaxes(self, axis0: builtins.int, axis1: builtins.int) -> Tensor:
        """Swap two dimensions (a view). See [am.swapaxes][autograd_mini.swapaxes]."""
        return ops.swapaxes(self, axis0, axis1)

    def swapdims(self, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """Swap two dimensions (a view). See [am.swapdims][autograd_mini.swapdims]."""
        return ops.swapaxes(self, dim0, dim1)

    def unflatten(self, dim: builtins.int, sizes: Any) -> Tensor:
        """Split dimension `dim` into `sizes`. See [am.unflatten][autograd_mini.unflatten]."""
        return ops.unflatten(self, dim, sizes)

    def index_add(self, dim: builtins.int, index: Any, source: Any, **kw: Any) -> Tensor:
        """A copy with `source`'s slices added at `index` along `dim`. See
        [am.index_add][autograd_mini.index_add].
        """
        return ops.index_add(self, dim, index, source, **kw)

    def index_add_(self, dim: builtins.int, index: Any, source: Any, **kw: Any) -> Tensor:
        """In-place [index_add][autograd_mini.Tensor.index_add]: writes into this tensor and returns it.
        """
        return ops.index_add_(self, dim, index, source, **kw)

    def index_copy(self, dim: builtins.int, index: Any, source: Any) -> Tensor:
        """A copy with `source`'s slices written at `index` along `dim`. See
        [am.index_copy][autograd_mini.index_copy].
        """
        return ops.index_copy(self, dim, index, source)

    def index_copy_(self, dim: builtins.int, index: Any, source: Any) -> Tensor:
        """In-place [index_copy][autograd_mini.Tensor.index_copy]: writes into this tensor and returns
        it.
        """
        return ops.index_copy_(self, dim, index, source)

    def index_fill(self, dim: builtins.int, index: Any, value: Any) -> Tensor:
        """A copy with `value` written in the slices at `index` along `dim`. See
        [am.index_fill][autograd_mini.index_fill].
        """
        return ops.index_fill(self, dim, index, value)

    def index_fill_(self, dim: builtins.int, index: Any, value: Any) -> Tensor:
        """In-place [index_fill][autograd_mini.Tensor.index_fill]: writes into this tensor and returns
        it.
        """
        return ops.index_fill_(self, dim, index, value)

    def scatter_reduce_(self, dim: builtins.int, index: Any, src: Any, reduce: str,
                        **kw: Any) -> Tensor:
        """In-place [scatter_reduce][autograd_mini.Tensor.scatter_reduce]: writes into this tensor and
        returns it.
        """
        return ops.scatter_reduce_(self, dim, index, src, reduce, **kw)

    def take(self, index: Any) -> Tensor:
        """The elements of the flattened tensor at `index`. See [am.take][autograd_mini.take]."""
        return ops.take(self, index)

    def masked_select(self, mask: Any) -> Tensor:
        """The elements where `mask` is True, as a 1-D tensor. See
        [am.masked_select][autograd_mini.masked_select].
        """
        return ops.masked_select(self, mask)

    def masked_scatter(self, mask: Any, source: Any) -> Tensor:
        """A copy with `source`'s elements written, in order, where `mask` is True. See
        [am.masked_scatter][autograd_mini.masked_scatter].
        """
        return ops.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask: Any, source: Any) -> Tensor:
        """In-place [masked_scatter][autograd_mini.Tensor.masked_scatter]: writes into this tensor and
        returns it.
        """
        return ops.masked_scatter_(self, mask, source)

    def nonzero(self, *, as_tuple: builtins.bool = False) -> Any:
        """The indices of the nonzero elements. See [am.nonzero][autograd_mini.nonzero]."""
        return ops.nonzero(self, as_tuple=as_tuple)

    def argwhere(self) -> Tensor:
        """The indices of the nonzero elements, shape (count, ndim). See
        [am.argwhere][autograd_mini.argwhere].
        """
        return ops.argwhere(self)

    def unique(self, sorted: builtins.bool = True, return_inverse: builtins.bool = False,
               return_counts: builtins.bool = False, dim: Any = None) -> Any:
        """The distinct elements, sorted, with optional inverse indices and counts. See
        [am.unique][autograd_mini.unique].
        """
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    def where(self, condition: Any, other: Any) -> Tensor:
        """Elementwise `self` where `condition` is True, else `other`. See
        [am.where][autograd_mini.where].
        """
        return ops.where(condition, self, other)

    def diagonal(self, offset: builtins.int = 0, dim1: builtins.int = 0,
                 dim2: builtins.int = 1) -> Tensor:
        """The diagonal `offset` of the planes (dim1, dim2), as a view. See
        [am.diagonal][autograd_mini.diagonal].
        """
        return ops.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: builtins.int = 0) -> Tensor:
        """A 1-D tensor as a diagonal matrix, or a matrix's diagonal. See [am.diag][autograd_mini.diag].
        """
        return ops.diag(self, diagonal)

    def diag_embed(self, offset: builtins.int = 0, dim1: builtins.int = -2,
                   dim2: builtins.int = -1) -> Tensor:
        """A tensor whose (dim1, dim2) diagonals hold the last dimension of self. See
        [am.diag_embed][autograd_mini.diag_embed].
        """
        return ops.diag_embed(self, offset, dim1, dim2)

    def trace(self) -> Tensor:
        """The sum of a matrix's main diagonal. See [am.trace][autograd_mini.trace]."""
        return ops.trace(self)

    def det(self) -> Tensor:
        """The determinant of each square matrix (torch.Tensor.det, as am.linalg.det)."""
        return ops.det(self)

    def inverse(self) -> Tensor:
        """The inverse of each square matrix (torch.Tensor.inverse, as am.linalg.inv)."""
        return ops.inverse(self)

    def outer(self, vec2: Any) -> Tensor:
        """The outer product with the 1-D tensor `vec2`. See [am.outer][autograd_mini.outer]."""
        return ops.outer(self, vec2)

    def inner(self, other: Any) -> Tensor:
        """The inner product over the last dimensions. See [am.inner][autograd_mini.inner]."""
        return ops.inner(self, other)

    def kron(self, other: Any) -> Tensor:
        """The Kronecker product with `other`. See [am.kron][autograd_mini.kron]."""
        return ops.kron(self, other)

    def cross(self, other: Any, dim: Any = None) -> Tensor:
        """The cross product of 3-vectors along `dim`. See [am.cross][autograd_mini.cross]."""
        return ops.cross(self, other, dim)

    def addmm(self, mat1: Any, mat2: Any, **kw: Any) -> Tensor:
        """beta * self + alpha * (mat1 @ mat2), for matrices. See [am.addmm][autograd_mini.addmm]."""
        return ops.addmm(self, mat1, mat2, **kw)

    def baddbmm(self, batch1: Any, batch2: Any, **kw: Any) -> Tensor:
        """beta * self + alpha * (batch1 @ batch2), for batches of matrices. See
        [am.baddbmm][autograd_mini.baddbmm].
        """
        return ops.baddbmm(self, batch1, batch2, **kw)

    # -- PyTorch's math ops: more elementwise functions, scans, statistics, norms ---------
    def square(self) -> Tensor:
        """Elementwise self * self. See [am.square][autograd_mini.square]."""
        return ops.square(self)

    def rsqrt(self) -> Tensor:
        """Elementwise 1 / sqrt(self). See [am.rsqrt][autograd_mini.rsqrt]."""
        return ops.rsqrt(self)

    def reciprocal(self) -> Tensor:
        """Elementwise 1 / self. See [am.reciprocal][autograd_mini.reciprocal]."""
        return ops.reciprocal(self)

    def exp2(self) -> Tensor:
        """Elementwise 2 ** self. See [am.exp2][autograd_mini.exp2]."""
        return ops.exp2(self)

    def expm1(self) -> Tensor:
        """Elementwise exp(self) - 1, accurate for small values. See [am.expm1][autograd_mini.expm1]."""
        return ops.expm1(self)

    def log2(self) -> Tensor:
        """Elementwise base-2 logarithm. See [am.log2][autograd_mini.log2]."""
        return ops.log2(self)

    def log10(self) -> Tensor:
        """Elementwise base-10 logarithm. See [am.log10][autograd_mini.log10]."""
        return ops.log10(self)

    def tan(self) -> Tensor:
        """Elementwise tangent. See [am.tan][autograd_mini.tan]."""
        return ops.tan(self)

    def asin(self) -> Tensor:
        """Elementwise inverse sine. See [am.asin][autograd_mini.asin]."""
        return ops.asin(self)

    def acos(self) -> Tensor:
        """Elementwise inverse cosine. See [am.acos][autograd_mini.acos]."""
        return ops.acos(self)

    def atan(self) -> Tensor:
        """Elementwise inverse tangent. See [am.atan][autograd_mini.atan]."""
        return ops.atan(self)

    def sinh(self) -> Tensor:
        """Elementwise hyperbolic sine. See [am.sinh][autograd_mini.sinh]."""
        return ops.sinh(self)

    def cosh(self) -> Tensor:
        """Elementwise hyperbolic cosine. See [am.cosh][autograd_mini.cosh]."""
        return ops.cosh(self)

    def asinh(self) -> Tensor:
        """Elementwise inverse hyperbolic sine. See [am.asinh][autograd_mini.asinh]."""
        return ops.asinh(self)

    def acosh(self) -> Tensor:
        """Elementwise inverse hyperbolic cosine. See [am.acosh][autograd_mini.acosh]."""
        return ops.acosh(self)

    def atanh(self) -> Tensor:
        """Elementwise inverse hyperbolic tangent. See [am.atanh][autograd_mini.atanh]."""
        return ops.atanh(self)

    def erf(self) -> Tensor:
        """Elementwise error function. See [am.erf][autograd_mini.erf]."""
        return ops.erf(self)

    def erfc(self) -> Tensor:
        """Elementwise complementary error function, 1 - erf. See [am.erfc][autograd_mini.erfc]."""
        return ops.erfc(self)

    def floor(self) -> Tensor:
        """Elementwise rounding toward -inf. See [am.floor][autograd_mini.floor]."""
        return ops.floor(self)

    def ceil(self) -> Tensor:
        """Elementwise rounding toward +inf. See [am.ceil][autograd_mini.ceil]."""
        return ops.ceil(self)

    def trunc(self) -> Tensor:
        """Elementwise rounding toward zero. See [am.trunc][autograd_mini.trunc]."""
        return ops.trunc(self)

    def frac(self) -> Tensor:
        """Elementwise fractional part, self - trunc(self). See [am.frac][autograd_mini.frac]."""
        return ops.frac(self)

    def isnan(self) -> Tensor:
        """Where the elements are NaN: a bool tensor. See [am.isnan][autograd_mini.isnan]."""
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        """Where the elements are +-inf: a bool tensor. See [am.isinf][autograd_mini.isinf]."""
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        """Where the elements are finite: a bool tensor. See [am.isfinite][autograd_mini.isfinite]."""
        return ops.isfinite(self)

    def atan2(self, other: Any) -> Tensor:
        """Elementwise angle of the point (other, self), in (-pi, pi]. See
        [am.atan2][autograd_mini.atan2].
        """
        return ops.atan2(self, other)

    def arctan2(self, other: Any) -> Tensor:
        """Elementwise angle of the point (other, self), in (-pi, pi]. See
        [am.arctan2][autograd_mini.arctan2].
        """
        return ops.arctan2(self, other)

    def hypot(self, other: Any) -> Tensor:
        """Elementwise sqrt(self**2 + other**2), without overflow. See [am.hypot][autograd_mini.hypot].
        """
        return ops.hypot(self, other)

    def logaddexp(self, other: Any) -> Tensor:
        """Elementwise log(exp(self) + exp(other)), without overflow. See
        [am.logaddexp][autograd_mini.logaddexp].
        """
        return ops.logaddexp(self, other)

    def copysign(self, other: Any) -> Tensor:
        """Elementwise |self| with the sign of `other`. See [am.copysign][autograd_mini.copysign]."""
        return ops.copysign(self, other)

    def fmax(self, other: Any) -> Tensor:
        """Elementwise maximum, ignoring NaN. See [am.fmax][autograd_mini.fmax]."""
        return ops.fmax(self, other)

    def fmin(self, other: Any) -> Tensor:
        """Elementwise minimum, ignoring NaN. See [am.fmin][autograd_mini.fmin]."""
        return ops.fmin(self, other)

    def xlogy(self, other: Any) -> Tensor:
        """Elementwise self * log(other), 0 where self is 0. See [am.xlogy][autograd_mini.xlogy]."""
        return ops.xlogy(self, other)

    def round(self, decimals: builtins.int = 0) -> Tensor:
        """Elementwise rounding, half to even, at `decimals` decimal places. See
        [am.round][autograd_mini.round].
        """
        return ops.round(self, decimals)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        """Linear interpolation: self + weight * (end - self). See [am.lerp][autograd_mini.lerp]."""
        return ops.lerp(self, end, weight)

    def nan_to_num(self, nan: builtins.float = 0.0, posinf: Any = None,
                   neginf: Any = None) -> Tensor:
        """Replace NaN, +inf and -inf by finite numbers. See [am.nan_to_num][autograd_mini.nan_to_num].
        """
        return ops.nan_to_num(self, nan, posinf, neginf)

    def clamp_min(self, min: Any) -> Tensor:
        """Elementwise max(self, min). See [am.clamp_min][autograd_mini.clamp_min]."""
        return ops.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Tensor:
        """Elementwise min(self, max). See [am.clamp_max][autograd_mini.clamp_max]."""
        return ops.clamp_max(self, max)

    def cumsum(self, dim: Any = None, *, dtype: Any = None, **kw: Any) -> Tensor:
        """The running sum along `dim`. See [am.cumsum][autograd_mini.cumsum]."""
        return ops.cumsum(self, dim, dtype=dtype, **kw)

    def cumprod(self, dim: Any = None, *, dtype: Any = None, **kw: Any) -> Tensor:
        """The running product along `dim`. See [am.cumprod][autograd_mini.cumprod]."""
        return ops.cumprod(self, dim, dtype=dtype, **kw)

    def cummax(self, dim: Any = None, **kw: Any) -> Any:
        """(values, indices) of the running maximum along `dim`. See [am.cummax][autograd_mini.cummax].
        """
        return ops.cummax(self, dim, **kw)

    def cummin(self, dim: Any = None, **kw: Any) -> Any:
        """(values, indices) of the running minimum along `dim`. See [am.cummin][autograd_mini.cummin].
        """
        return ops.cummin(self, dim, **kw)

    def logcumsumexp(self, dim: Any = None, **kw: Any) -> Tensor:
        """log(cumsum(exp(self))) along `dim`, without overflow. See
        [am.logcumsumexp][autograd_mini.logcumsumexp].
        """
        return ops.logcumsumexp(self, dim, **kw)

    def amax(self, dim: Any = (), keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """The maximum over `dim` (all dimensions by default). See [am.amax][autograd_mini.amax]."""
        return ops.amax(self, dim, keepdim, **kw)

    def amin(self, dim: Any = (), keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """The minimum over `dim` (all dimensions by default). See [am.amin][autograd_mini.amin]."""
        return ops.amin(self, dim, keepdim, **kw)

    def aminmax(self, *, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Any:
        """(min, max) over `dim` (all dimensions when None). See [am.aminmax][autograd_mini.aminmax]."""
        return ops.aminmax(self, dim=dim, keepdim=keepdim, **kw)

    def median(self, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Any:
        """The lower median of all elements, or (values, indices) along `dim`. See
        [am.median][autograd_mini.median].
        """
        return ops.median(self, dim, keepdim, **kw)

    def count_nonzero(self, dim: Any = None, **kw: Any) -> Tensor:
        """The number of nonzero elements over `dim` (all when None). See
        [am.count_nonzero][autograd_mini.count_nonzero].
        """
        return ops.count_nonzero(self, dim, **kw)

    def nansum(self, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """The sum over `dim`, with NaN counted as zero. See [am.nansum][autograd_mini.nansum]."""
        return ops.nansum(self, dim, keepdim, **kw)

    def nanmean(self, dim: Any = None, keepdim: builtins.bool = False, **kw: Any) -> Tensor:
        """The mean over `dim` of the elements that are not NaN. See [am.nanmean][autograd_mini.nanmean].
        """
        return ops.nanmean(self, dim, keepdim, **kw)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False,
             dtype: Any = None) -> Tensor:
        """A vector or matrix norm (as torch.norm). See [am.norm][autograd_mini.norm]."""
        return ops.norm(self, p, dim, keepdim, dtype)


_new_object = object.__new__  # (an instance without running __init__)
_DATA_SLOT: Any = Tensor.__dict__["data"]  # the slot itself (its member descriptor)


def _set_data(t: Tensor, value: Any) -> None:
    """`t.data = value` on a Tensor subclass (see Tensor.__init_subclass__), as PyTorch: a
    Tensor's array is stored (shared, not copied; its shape and dtype may differ from t's), an
    ndarray as it is; a tensor that requires grad keeps a floating-point dtype. Outside autograd:
    no version is bumped, as PyTorch's `.data`."""
    if isinstance(value, Tensor):
        value = _DATA_SLOT.__get__(value)
    elif not isinstance(value, np.ndarray):
        raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__} (a "
                        "Tensor or an ndarray)")
    if getattr(t, "_requires_grad", False) and value.dtype.kind != "f":  # (unset in __init__)
        raise RuntimeError(f"data set to a tensor that requires gradients must be floating "
                           f"point, got dtype {value.dtype}")
    _DATA_SLOT.__set__(t, value)


_DATA_PROPERTY = property(_DATA_SLOT.__get__, _set_data, doc="The tensor's ndarray (shared).")


def _alpha_overload(name: str, other: Any, alpha: Any) -> tuple[Any, Any]:
    """(other, alpha) of add_/sub_, accepting PyTorch's deprecated `add_(Number alpha, Tensor
    other)` order (swapped back, with PyTorch's warning)."""
    if isinstance(alpha, Tensor) and isinstance(other, (int, float, np.number)) \
            and not isinstance(other, (bool, np.bool_)):
        warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Number alpha, Tensor "
                      f"other)\nConsider using one of the following signatures instead:\n\t"
                      f"{name}(Tensor other, *, Number alpha = 1)", UserWarning, stacklevel=3)
        return alpha, other
    return other, alpha


_MEMORY_FORMATS = ("preserve_format", "contiguous_format")


def _memory_format(memory_format: Any, name: str) -> str:
    """A `memory_format` argument's name ("preserve_format" for None); PyTorch's objects
    (`torch.contiguous_format`) and their names as strings are accepted. Only strided NumPy
    layouts exist here, so channels_last and the like are an error."""
    if memory_format is None:
        return "preserve_format" if name == "clone" else "contiguous_format"
    text = str(memory_format).removeprefix("torch.")
    if text not in _MEMORY_FORMATS:
        raise ValueError(f"{name}: memory_format {memory_format!r} is not supported; tensors "
                         "here are NumPy arrays: use contiguous_format or preserve_format")
    return text


def _other_attr(other: Any, attr: str, name: str) -> Any:
    """`other.shape` or `other.dtype` for the `*_as(other)` methods (a Tensor or an ndarray)."""
    if not isinstance(other, Tensor | np.ndarray):
        raise TypeError(f"{name}: expected a Tensor, got {type(other).__name__}")
    return getattr(other, attr)


def _alias_entry(t: Tensor, kind: str) -> tuple:
    """An entry of a memory's alias list: weak references to the tensor and to the node that made
    it (neither kept alive by the list), its output number, and how it came to share the memory."""
    node = t.grad_fn
    return (weakref.ref(t), None if node is None else weakref.ref(node), t._output_nr, kind)

# The one upward edge (see the module's docstring): ops needs the Tensor class defined first.
from . import ops  # noqa: E402
