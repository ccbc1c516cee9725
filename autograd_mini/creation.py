"""Tensor constructors, random numbers and generators.

Every constructor takes PyTorch's `device=` (None or "cpu": autograd_mini computes on the CPU with
NumPy; a GPU device is a `DeviceError`), and, where PyTorch's does, `layout=` (None or strided)
and `pin_memory=` (False). Every random function takes `generator=`: an `am.Generator`, a stream
of its own, or None for the global stream (`am.manual_seed`). The streams are NumPy's PCG64
(see `_random`): the same seed gives the same numbers every time, but not PyTorch's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _device, _dtypes, _random, ops
from ._device import CPU, check_creation, check_device
from ._grad_mode import is_grad_enabled
from .tensor import Tensor

if TYPE_CHECKING:
    from numpy.random import Generator as NumpyGenerator

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "generator", "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty",
    "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "logspace",
    "eye", "rand", "randn", "rand_like", "randn_like", "randint", "randperm", "multinomial",
    "normal", "bernoulli",
]


# ---- generators -------------------------------------------------------------------------------
class Generator:
    """An independent random stream, as `torch.Generator`: pass it as `generator=` to a random
    function (rand, randn, randint, randperm, multinomial, normal, bernoulli, rand_like,
    randn_like, Tensor.uniform_/normal_, nn.init) to draw from it instead of the global stream.

    A new Generator starts from PyTorch's default seed (67280421310721), so two new ones give the
    same numbers until seeded differently. The numbers are NumPy's (PCG64), not PyTorch's.

    Args:
        device: only the CPU ("cpu").

    Examples:
        >>> import autograd_mini as am
        >>> g = am.Generator().manual_seed(42)
        >>> a = am.rand(2, generator=g)
        >>> b = am.rand(2, generator=am.Generator().manual_seed(42))
        >>> am.equal(a, b)
        True
    """

    __slots__ = ("_stream",)

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device, "Generator")
        self._stream = _random.Stream(_random.DEFAULT_SEED)

    @staticmethod
    def _wrap(stream: _random.Stream) -> Generator:
        g = object.__new__(Generator)
        g._stream = stream
        return g

    @property
    def device(self) -> _device.device:
        """The generator's device: always the CPU."""
        return CPU

    def manual_seed(self, seed: int) -> Generator:
        """Seed this stream (negative seeds wrap modulo 2**64, as in PyTorch); returns self."""
        self._stream.manual_seed(_random.check_seed(seed, "manual_seed"))
        return self

    def seed(self) -> int:
        """Seed this stream from a non-deterministic source; returns the seed."""
        value = _random.fresh_seed()
        self._stream.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed this stream was last seeded with."""
        return self._stream.initial_seed()

    def get_state(self) -> Tensor:
        """The stream's state, a uint8 tensor: `set_state` with it replays the same numbers."""
        return Tensor._make(self._stream.get_state())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from `get_state` (or `am.get_rng_state`); returns self."""
        self._stream.set_state(_state_array(new_state, "set_state"), "set_state")
        return self

    def __repr__(self) -> str:
        return f"<autograd_mini.Generator object at {id(self):#x}>"


def _state_array(state: Any, name: str) -> np.ndarray:
    array = state.data if isinstance(state, Tensor) else state
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
        what = f"dtype {array.dtype}" if isinstance(array, np.ndarray) else type(state).__name__
        raise TypeError(f"{name}: the RNG state must be a uint8 tensor (from get_state() or "
                        f"get_rng_state()), got {what}")
    return array


default_generator = Generator._wrap(_random.DEFAULT)
"""The global stream, as `torch.default_generator` (what `manual_seed` seeds)."""


def manual_seed(seed: int) -> Generator:
    """Seed the global stream, behind every random draw given no `generator=` (rand, randn,
    nn.init, dropout, ...); returns `default_generator`, as PyTorch does. Negative seeds wrap
    modulo 2**64, as in PyTorch.

    Args:
        seed: an int.

    Returns:
        `am.default_generator`, the global stream.
    """
    return default_generator.manual_seed(_random.check_seed(seed, "manual_seed"))


def seed() -> int:
    """Seed the global stream from a non-deterministic source; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global stream was last seeded with (a non-deterministic one until
    `manual_seed`, as in PyTorch)."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The global stream's state (a uint8 tensor); `set_rng_state` with it replays the numbers."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the global stream's state from `get_rng_state`.

    Args:
        new_state: a state returned by `get_rng_state`.
    """
    default_generator.set_state(new_state)


def generator() -> NumpyGenerator:
    """The NumPy generator behind the global stream (reseeded by `manual_seed`)."""
    return _random.DEFAULT.numpy()


# ---- helpers ----------------------------------------------------------------------------------
def _shape(size: tuple, name: str = "") -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{name or 'shape'}: sizes must be non-negative ints, got {size}")
    return tuple(int(n) for n in size)


def _dtype(dtype: Any, name: str = "tensor") -> np.dtype:
    return _dtypes.get_default_dtype() if dtype is None else _dtypes.as_dtype(dtype, name)


def _allocate(name: str, shape: tuple, dtype: np.dtype, make: Callable[[], np.ndarray]) -> Any:
    """make(), with NumPy's refusals of a huge shape turned into errors that name the call."""
    count = math.prod(shape)
    if count > np.iinfo(np.intp).max:
        raise ValueError(f"{name}: shape {shape} has {count} elements, more than an array can "
                         "hold")
    try:
        return make()
    except (MemoryError, ValueError):
        raise MemoryError(f"{name}: a tensor of shape {shape} and dtype {dtype} needs "
                          f"{count * dtype.itemsize / 2**30:.3g} GiB, more than can be "
                          "allocated") from None


def _new(array: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad:
        _dtypes.check_can_require_grad(array.dtype)
    return Tensor._make(array, bool(requires_grad))


def _like_base(t: Any, name: str) -> np.ndarray:
    """The array a *_like function copies the shape (and default dtype) of."""
    if isinstance(t, Tensor):
        return t.data
    try:
        return _dtypes.as_array(t)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected a Tensor, got {type(t).__name__}: {exc}") from None


def _like_dtype(base: np.ndarray, dtype: Any, name: str) -> np.dtype:
    return base.dtype if dtype is None else _dtypes.as_dtype(dtype, name)


def _real(x: Any, name: str, what: str) -> Any:
    """A real-number argument (a 0-d tensor's value too)."""
    if isinstance(x, Tensor):
        if x.data.ndim != 0:
            raise RuntimeError(f"{name} only supports 0-dimensional {what} tensors, but got "
                               f"{what} with {x.data.ndim} dimension(s)")
        x = x.data.item()
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: {what} must be a real number, got {type(x).__name__} {x!r}")
    return x


def _int(x: Any, name: str, what: str) -> int:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name}: {what} must be an int, got {type(x).__name__} {x!r}")
    return int(x)


def _sampled(sample: np.ndarray, params: Sequence[Any], requires_grad: bool = False) -> Tensor:
    """A sample drawn with parameters `params`: when some require grad (and grad mode is on), a
    result connected to them with a zero gradient, as PyTorch's NormalBackward and
    BernoulliBackward (the sample is not reparameterised); else a new leaf."""
    live = [p for p in params if isinstance(p, Tensor) and p.requires_grad]
    if not live or not is_grad_enabled():
        return _new(sample, requires_grad)
    mask = np.ones(sample.shape, dtype=bool)
    out = Tensor._make(sample)
    for p in live:
        out = ops.where(mask, out, p)  # (the parameter's gradient: zero)
    return ops.cast(out, sample.dtype)


# ---- from data --------------------------------------------------------------------------------
def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, *, device: Any = None,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`, as `torch.tensor`.

    Args:
        data: a number, a (nested) list or tuple, an ndarray or a Tensor. Python floats become
            the default dtype (float32), Python ints int64 and bools bool; an ndarray keeps its
            dtype.
        requires_grad: record operations on the result, so that `backward()` fills its `.grad`
            (floating-point dtypes only).
        dtype: the dtype of the result (e.g. `am.float64`), instead of the one inferred.
        device: only the CPU ("cpu", or None).
        pin_memory: accepted for PyTorch's signature; must be False.

    Returns:
        A leaf tensor of `data`'s shape, with its own copy of the values.

    Examples:
        >>> import autograd_mini as am
        >>> am.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> am.tensor([1.0, 2.0], requires_grad=True)
        tensor([1., 2.], requires_grad=True)
        >>> am.tensor([0.5], dtype=am.float64)
        tensor([0.5000], dtype=float64)
    """
    check_creation("tensor", device, None, pin_memory)
    if isinstance(data, (list, tuple)) and data:
        data, dtype = _unwrap_tensor_elements(data, dtype)
    array = _dtypes.as_array(data.data if isinstance(data, Tensor) else data, dtype)
    return Tensor(array.copy(), requires_grad=requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor without a copy when possible, as `torch.as_tensor`: a Tensor of that
    dtype is returned itself (another dtype: `data.to(dtype)`, differentiable), an ndarray of
    that dtype is shared (a write through either is seen in the other); anything else copied
    as `am.tensor` would.

    Args:
        data: a Tensor, an ndarray, a number or a (nested) list.
        dtype: the dtype (default: data's own, or the one `am.tensor` infers).
        device: only the CPU ("cpu", or None).
    """
    check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        return Tensor(data, dtype=dtype)  # (Tensor of an ndarray: no copy unless converted)
    return Tensor._make(_dtypes.as_array(data, dtype))


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing `ndarray`'s memory and dtype, as `torch.from_numpy`: a write through
    either is seen in the other (writes through the array bypass the version counter that
    backward checks, as `.data` does).

    Args:
        ndarray: a NumPy array of a bool, integer or floating dtype.

    Examples:
        >>> import numpy as np
        >>> import autograd_mini as am
        >>> a = np.zeros(3)
        >>> t = am.from_numpy(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 0., 0.], dtype=float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: can't convert np.ndarray of type {ndarray.dtype}; the "
                        "supported types are bool, signed and unsigned integers and floats")
    if not ndarray.dtype.isnative:
        raise ValueError("from_numpy: the given numpy array has byte order different from the "
                         "native byte order; convert it first (arr.astype(arr.dtype.newbyteorder("
                         "'=')))")
    return Tensor._make(ndarray)


# ---- filled -----------------------------------------------------------------------------------
def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
          layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor filled with zeros.

    Args:
        *size: the shape: ints, or one tuple or list of ints.
        dtype: the dtype (default: the default float dtype, `am.get_default_dtype()`).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Returns:
        A leaf tensor of shape `size`.

    Examples:
        >>> import autograd_mini as am
        >>> am.zeros(2, 3, dtype=am.int64)
        tensor([[0, 0, 0],
                [0, 0, 0]])
    """
    check_creation("zeros", device, layout, pin_memory)
    shape, dt = _shape(size, "zeros"), _dtype(dtype, "zeros")
    return _new(_allocate("zeros", shape, dt, lambda: np.zeros(shape, dtype=dt)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
         layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor filled with ones.

    Args:
        *size: the shape: ints, or one tuple or list of ints.
        dtype: the dtype (default: the default float dtype, `am.get_default_dtype()`).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Returns:
        A leaf tensor of shape `size`.

    Examples:
        >>> import autograd_mini as am
        >>> am.ones((2,))
        tensor([1., 1.])
    """
    check_creation("ones", device, layout, pin_memory)
    shape, dt = _shape(size, "ones"), _dtype(dtype, "ones")
    return _new(_allocate("ones", shape, dt, lambda: np.ones(shape, dtype=dt)), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None,
          layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor of uninitialised values (whatever the memory held).

    Args:
        *size: the shape: ints, or one tuple or list of ints.
        dtype: the dtype (default: the default float dtype, `am.get_default_dtype()`).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Returns:
        A leaf tensor of shape `size`.
    """
    check_creation("empty", device, layout, pin_memory)
    shape, dt = _shape(size, "empty"), _dtype(dtype, "empty")
    return _new(_allocate("empty", shape, dt, lambda: np.empty(shape, dtype=dt)), requires_grad)


def full(size: Sequence[int], fill_value: float, dtype: Any = None,
         requires_grad: bool = False, *, device: Any = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """A tensor of shape `size` filled with `fill_value`.

    Args:
        size: the shape, a tuple or list of ints.
        fill_value: the value; without `dtype` it sets the dtype, as in PyTorch (an int gives
            int64, a bool bool, a float the default float dtype).
        dtype: the dtype, instead of the one `fill_value` gives.
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        pin_memory: accepted for PyTorch's signature; must be False.

    Examples:
        >>> import autograd_mini as am
        >>> am.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> am.full((2,), 0.5)
        tensor([0.5000, 0.5000])
    """
    check_creation("full", device, layout, pin_memory)
    value = fill_value.data if isinstance(fill_value, Tensor) else \
        _dtypes.numeric_value(fill_value, "full")
    # as torch.full: the dtype follows the fill value (an int gives int64, a bool bool)
    shape = _shape((size,), "full")
    dt = _dtypes.result_type(value) if dtype is None else _dtype(dtype, "full")
    return _new(_allocate("full", shape, dt, lambda: np.full(shape, value, dtype=dt)),
                requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False, *, device: Any = None,
               layout: Any = None, memory_format: Any = None) -> Tensor:
    """Zeros of t's shape and (unless `dtype`) dtype.

    Args:
        t: a Tensor (or an array) whose shape, and dtype, the result takes.
        dtype: the dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.

    Examples:
        >>> import autograd_mini as am
        >>> am.zeros_like(am.tensor([1, 2, 3]))
        tensor([0, 0, 0])
    """
    check_creation("zeros_like", device, layout)
    base = _like_base(t, "zeros_like")
    return _new(np.zeros(base.shape, dtype=_like_dtype(base, dtype, "zeros_like")), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False, *, device: Any = None,
              layout: Any = None, memory_format: Any = None) -> Tensor:
    """Ones of t's shape and (unless `dtype`) dtype.

    Args:
        t: a Tensor (or an array) whose shape, and dtype, the result takes.
        dtype: the dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.
    """
    check_creation("ones_like", device, layout)
    base = _like_base(t, "ones_like")
    return _new(np.ones(base.shape, dtype=_like_dtype(base, dtype, "ones_like")), requires_grad)


def empty_like(input: Any, *, dtype: Any = None, requires_grad: bool = False,
               device: Any = None, layout: Any = None, memory_format: Any = None) -> Tensor:
    """Uninitialised values of input's shape and (unless `dtype`) dtype.

    Args:
        input: a Tensor (or an array) whose shape, and dtype, the result takes.
        dtype: the dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.
    """
    check_creation("empty_like", device, layout)
    base = _like_base(input, "empty_like")
    return _new(np.empty(base.shape, dtype=_like_dtype(base, dtype, "empty_like")), requires_grad)


def full_like(input: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False,
              device: Any = None, layout: Any = None, memory_format: Any = None) -> Tensor:
    """`fill_value` in input's shape and (unless `dtype`) dtype (converted as PyTorch does:
    2.7 in an int64 tensor is 2).

    Args:
        input: a Tensor (or an array) whose shape, and dtype, the result takes.
        fill_value: the value.
        dtype: the dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.
    """
    check_creation("full_like", device, layout)
    base = _like_base(input, "full_like")
    value = _real(fill_value, "full_like", "fill_value")
    dt = _like_dtype(base, dtype, "full_like")
    with np.errstate(invalid="ignore", over="ignore"):
        return _new(np.full(base.shape, value, dtype=dt), requires_grad)


# ---- ranges -----------------------------------------------------------------------------------
def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False, *, device: Any = None, layout: Any = None,
           pin_memory: bool = False) -> Tensor:
    """Evenly spaced values in [start, end): int64 for int arguments (as PyTorch), otherwise the
    default float dtype.

    `arange(end)` counts from 0.

    Args:
        start: the first value (or `end`, when `end` is left out).
        end: the bound, excluded.
        step: the spacing (negative counts down; not zero).
        dtype: the dtype, instead of the one the arguments give.
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        pin_memory: accepted for PyTorch's signature; must be False.

    Returns:
        A 1-D tensor of ceil((end - start) / step) values.

    Examples:
        >>> import autograd_mini as am
        >>> am.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> am.arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    check_creation("arange", device, layout, pin_memory)
    if end is None:
        start, end = 0, start
    for v in (start, end, step):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(float(v) if abs(v) < 1e308 else np.inf):
            raise TypeError(f"arange: start, end and step must be finite real numbers, got "
                            f"{start!r}, {end!r}, {step!r}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else _dtypes.get_default_dtype()
    dt = _dtype(dtype, "arange")
    length = max(0, math.ceil((end - start) / step))
    return _new(_allocate("arange", (length,), dt, lambda: np.arange(start, end, step, dtype=dt)),
                requires_grad)


def _steps(steps: Any, name: str) -> int:
    n = _int(steps, name, "steps")
    if n < 0:
        raise RuntimeError(f"{name}: number of steps must be non-negative, got {n}")
    return n


def _range_dtype(dtype: Any, name: str) -> np.dtype:
    dt = _dtype(dtype, name)
    if dt.kind not in "iuf":
        raise _random.UnsupportedDtypeError(f"{name}: dtype {dt} is not supported (PyTorch: "
                                            f'"{name}_cpu" not implemented); use a float or '
                                            "integer dtype")
    return dt


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             layout: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` values evenly spaced from start to end, both included, in the default float dtype
    unless `dtype`. Computed as PyTorch does: step = (end - start) / (steps - 1) in the dtype
    (in float64 for integer dtypes, then truncated), the first half counted up from start and
    the second half down from end, so both ends are exact.

    Args:
        start: the first value.
        end: the last value.
        steps: the number of values (>= 0).
        dtype: the dtype (default: the default float dtype).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        requires_grad: record operations on the result (floating-point dtypes only).

    Examples:
        >>> import autograd_mini as am
        >>> am.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    check_creation("linspace", device, layout)
    a, b = _real(start, "linspace", "start"), _real(end, "linspace", "end")
    n, dt = _steps(steps, "linspace"), _range_dtype(dtype, "linspace")

    def make() -> np.ndarray:
        if n == 1:
            return np.full(1, a, dtype=dt) if dt.kind == "f" else np.full(1, int(a), dtype=dt)
        work = np.dtype(np.float64) if dt.kind in "iu" else dt
        with np.errstate(all="ignore"):
            lo = work.type(int(a) if dt.kind in "iu" else a)
            hi = work.type(int(b) if dt.kind in "iu" else b)
            step = (hi - lo) / work.type(max(n - 1, 1))
            i = np.arange(n, dtype=work)
            values = np.where(np.arange(n) < n // 2, lo + step * i,
                              hi - step * (work.type(n - 1) - i))
            return values.astype(dt)

    return _new(_allocate("linspace", (n,), dt, make), requires_grad)


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, layout: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` values base**x for x evenly spaced from start to end (both included), in the
    default float dtype unless `dtype` (computed in float64 as PyTorch does, then converted;
    truncated for integer dtypes).

    Args:
        start: the first exponent.
        end: the last exponent.
        steps: the number of values (>= 0).
        base: the base of the powers.
        dtype: the dtype (default: the default float dtype).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        requires_grad: record operations on the result (floating-point dtypes only).
    """
    check_creation("logspace", device, layout)
    a, b = _real(start, "logspace", "start"), _real(end, "logspace", "end")
    n, dt = _steps(steps, "logspace"), _range_dtype(dtype, "logspace")
    radix = float(_real(base, "logspace", "base"))

    def make() -> np.ndarray:
        with np.errstate(all="ignore"):
            if n == 1:
                return np.array([radix ** float(a)]).astype(dt)
            lo = float(dt.type(int(a) if dt.kind in "iu" else a))
            hi = float(dt.type(int(b) if dt.kind in "iu" else b))
            step = (hi - lo) / (n - 1)
            i = np.arange(n)
            exponents = np.where(i < n // 2, lo + step * i.astype(dt).astype(np.float64),
                                 hi - step * (n - 1 - i))
            return np.power(radix, exponents).astype(dt)

    return _new(_allocate("logspace", (n,), dt, make), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, *,
        device: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """The n x m identity matrix (m = n by default).

    Args:
        n: the number of rows.
        m: the number of columns (default n).
        dtype: the dtype (default: the default float dtype, `am.get_default_dtype()`).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Examples:
        >>> import autograd_mini as am
        >>> am.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    check_creation("eye", device, layout, pin_memory)
    shape = _shape((n, n if m is None else m), "eye")
    dt = _dtype(dtype, "eye")
    return _new(_allocate("eye", shape, dt, lambda: np.eye(*shape, dtype=dt)), requires_grad)


# ---- random -----------------------------------------------------------------------------------
def rand(*size: Any, generator: Generator | None = None, dtype: Any = None,
         requires_grad: bool = False, device: Any = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """Uniform samples in [0, 1), from `generator` or the global stream (`manual_seed`).

    Args:
        *size: the shape: ints, or one tuple or list of ints.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: the dtype (default: the default float dtype; a floating dtype).
        requires_grad: record operations on the result.
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Examples:
        >>> import autograd_mini as am
        >>> _ = am.manual_seed(0)
        >>> a = am.rand(3)
        >>> _ = am.manual_seed(0)
        >>> am.equal(a, am.rand(3))  # the same seed gives the same numbers
        True
    """
    check_creation("rand", device, layout, pin_memory)
    shape, d = _shape(size, "rand"), _dtype(dtype, "rand")
    _random.check_float_dtype(d, "rand")
    rng = _random.numpy_generator(generator, "rand")
    return _new(_allocate("rand", shape, np.dtype(np.float64), lambda: rng.random(
        shape, dtype=np.float64).astype(d, copy=False)), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None,
          requires_grad: bool = False, device: Any = None, layout: Any = None,
          pin_memory: bool = False) -> Tensor:
    """Samples of the standard normal distribution (mean 0, variance 1).

    Args:
        *size: the shape: ints, or one tuple or list of ints.
        generator: the `am.Generator` to draw from (default: the global stream, seeded by
            `am.manual_seed`).
        dtype: the dtype (default: the default float dtype; a floating dtype).
        requires_grad: record operations on the result.
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature (None or strided).
        pin_memory: accepted for PyTorch's signature; must be False.

    Examples:
        >>> import autograd_mini as am
        >>> am.randn(2, 3).shape
        (2, 3)
    """
    check_creation("randn", device, layout, pin_memory)
    shape, d = _shape(size, "randn"), _dtype(dtype, "randn")
    _random.check_float_dtype(d, "randn")
    rng = _random.numpy_generator(generator, "randn")
    return _new(_allocate("randn", shape, np.dtype(np.float64), lambda: rng.standard_normal(
        shape).astype(d, copy=False)), requires_grad)


def rand_like(input: Any, *, generator: Generator | None = None, dtype: Any = None,
              requires_grad: bool = False, device: Any = None, layout: Any = None,
              memory_format: Any = None) -> Tensor:
    """Uniform samples in [0, 1) of input's shape and (unless `dtype`) dtype, a floating one.

    Args:
        input: a Tensor (or an array) whose shape, and dtype, the result takes.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: a floating dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.
    """
    check_creation("rand_like", device, layout)
    base = _like_base(input, "rand_like")
    return rand(base.shape, generator=generator, requires_grad=requires_grad,
                dtype=_like_dtype(base, dtype, "rand_like"))


def randn_like(input: Any, *, generator: Generator | None = None, dtype: Any = None,
               requires_grad: bool = False, device: Any = None, layout: Any = None,
               memory_format: Any = None) -> Tensor:
    """Standard normal samples of input's shape and (unless `dtype`) dtype, a floating one.

    Args:
        input: a Tensor (or an array) whose shape, and dtype, the result takes.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: a floating dtype (default: the input's).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        memory_format: accepted for PyTorch's signature.
    """
    check_creation("randn_like", device, layout)
    base = _like_base(input, "randn_like")
    return randn(base.shape, generator=generator, requires_grad=requires_grad,
                 dtype=_like_dtype(base, dtype, "randn_like"))


def _size_arg(size: Any, name: str) -> tuple[int, ...]:
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}: size must be a tuple of ints, not {type(size).__name__} "
                        f"(e.g. {name}(10, (3,)))")
    return _shape((tuple(size),), name)


def _check_int_bounds(lo: int, hi: int, dt: np.dtype, name: str) -> None:
    """[lo, hi) must hold in dtype `dt` (and, for the draw, in int64 or uint64)."""
    if dt.kind in "iu":
        info = np.iinfo(dt)
        low_ok, high_ok = lo >= info.min, hi - 1 <= info.max
    elif dt.kind == "b":
        low_ok, high_ok = lo >= 0, hi <= 2
    else:
        low_ok, high_ok = lo >= -2**63, hi - 1 < 2**63
    if not low_ok:
        raise RuntimeError(f"{name}: from={lo} is out of bounds for {dt}")
    if not high_ok:
        raise RuntimeError(f"{name}: to - 1 = {hi - 1} is out of bounds for {dt}")


def randint(low: int | None = None, high: Any = None, size: Sequence[int] | None = None, *,
            generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
            device: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high) (low = 0 when left out), int64 unless `dtype`:
    `randint(high, size)`, `randint(low, high, size)`, `randint(high=h, size=s)`.

    Args:
        low: the smallest value (default 0).
        high: the bound, excluded.
        size: the shape, a tuple of ints.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: the dtype (default int64).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        pin_memory: accepted for PyTorch's signature; must be False.

    Examples:
        >>> import autograd_mini as am
        >>> x = am.randint(0, 10, (2, 3))
        >>> x.shape, x.dtype
        ((2, 3), dtype('int64'))
    """
    check_creation("randint", device, layout, pin_memory)
    if size is None and high is not None:
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None and size is not None:
        low, high = 0, low  # randint(high, size=...)
    if size is None:
        raise TypeError("randint: size is required (a tuple of ints): randint(high, size) or "
                        "randint(low, high, size)")
    if high is None:
        raise TypeError("randint: high is required: randint(high, size) or "
                        "randint(low, high, size)")
    lo = _int(0 if low is None else low, "randint", "low")
    hi = _int(high, "randint", "high")
    shape = _size_arg(size, "randint")
    dt = np.dtype(np.int64) if dtype is None else _dtypes.as_dtype(dtype, "randint")
    if dt.kind not in "biuf":
        raise _random.UnsupportedDtypeError(f"randint: dtype {dt} is not supported")
    if lo >= hi:
        raise RuntimeError(f"randint: random_ expects 'from' to be less than 'to', but got "
                           f"from={lo} >= to={hi}")
    _check_int_bounds(lo, hi, dt, "randint")
    rng = _random.numpy_generator(generator, "randint")
    draw = np.uint64 if dt == np.uint64 else np.int64
    return _new(_allocate("randint", shape, dt, lambda: rng.integers(
        lo, hi, shape, dtype=draw).astype(dt, copy=False)), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             requires_grad: bool = False, device: Any = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:
    """A random permutation of 0, ..., n - 1 (int64 unless `dtype`).

    Args:
        n: the number of values.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: an integer or floating dtype (default int64).
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        pin_memory: accepted for PyTorch's signature; must be False.
    """
    check_creation("randperm", device, layout, pin_memory)
    count = _int(n, "randperm", "n")
    if count < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {count}")
    dt = np.dtype(np.int64) if dtype is None else _dtypes.as_dtype(dtype, "randperm")
    if dt.kind not in "iuf":
        raise _random.UnsupportedDtypeError(f"randperm: dtype {dt} is not supported (PyTorch: "
                                            "not implemented); use an integer or float dtype")
    if count and dt.kind in "iu" and count - 1 > np.iinfo(dt).max:
        raise RuntimeError(f"randperm: n = {count} is too large for dtype {dt}")
    if count and dt.kind == "f" and count - 1 > 2 ** (np.finfo(dt).nmant + 1):  # type: ignore[type-var]
        raise RuntimeError(f"randperm: n = {count} is too large for dtype {dt} (its integers "
                           "are not all exact)")
    rng = _random.numpy_generator(generator, "randperm")
    return _new(_allocate("randperm", (count,), dt, lambda: rng.permutation(count).astype(
        dt, copy=False)), requires_grad)


def multinomial(input: Any, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Category indices drawn with probabilities proportional to each row of `input` (1-D or 2-D
    non-negative float weights; rows need not sum to 1), int64 of shape (num_samples,) or
    (rows, num_samples). Without replacement an index appears at most once per row.

    Args:
        input: the weights, shape (K,) or (rows, K).
        num_samples: the number of draws per row.
        replacement: draw with replacement (without: num_samples <= the nonzero weights).
        generator: the `am.Generator` to draw from (default: the global stream).
    """
    x = ops.tensor_arg(input, "multinomial")
    return Tensor._make(_random.multinomial(x.data, num_samples, replacement, generator))


def _float_param(x: Any, name: str, what: str) -> Tensor | float:
    if isinstance(x, Tensor):
        return x
    return float(_real(x, name, what))


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
           device: Any = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """Normal samples with the given means and standard deviations, as `torch.normal`:

    - `normal(mean_tensor, std_tensor)`, `normal(mean_tensor, std=1.0)`,
      `normal(mean, std_tensor)`: one sample per element of the broadcast shape, in the
      tensor's dtype (a floating one);
    - `normal(mean, std, size)`: numbers, with `size` (the default float dtype unless `dtype`).

    A result of tensors that require grad is connected to them with a zero gradient (as
    PyTorch: the sample is not reparameterised; write mean + std * am.randn(...) for that).

    Args:
        mean: a number or a tensor of means.
        std: a number or a tensor of standard deviations (>= 0).
        size: the shape, when mean and std are numbers.
        generator: the `am.Generator` to draw from (default: the global stream).
        dtype: the dtype, when mean and std are numbers.
        requires_grad: record operations on the result (floating-point dtypes only).
        device: only the CPU ("cpu", or None).
        layout: accepted for PyTorch's signature.
        pin_memory: accepted for PyTorch's signature; must be False.
    """
    check_creation("normal", device, layout, pin_memory)
    m, s = _float_param(mean, "normal", "mean"), _float_param(std, "normal", "std")
    rng = _random.numpy_generator(generator, "normal")
    if isinstance(m, Tensor) or isinstance(s, Tensor):
        if size is not None:
            raise TypeError("normal: size is only for number mean and std; with a tensor mean or "
                            "std the shape is theirs (broadcast)")
        if dtype is not None or requires_grad:
            raise TypeError("normal: dtype and requires_grad are only for number mean and std; "
                            "with a tensor mean or std the result follows the tensors")
        dt = (m if isinstance(m, Tensor) else s).data.dtype  # type: ignore[union-attr]
        _random.check_float_dtype(dt, "normal")
        md = m.data if isinstance(m, Tensor) else m
        sd = s.data if isinstance(s, Tensor) else s
        if isinstance(s, Tensor):
            if s.data.dtype.kind not in "biuf" or not (np.asarray(sd) >= 0).all():
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif not s >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        try:
            shape = np.broadcast_shapes(np.shape(md), np.shape(sd))
        except ValueError:
            raise RuntimeError(f"normal: mean of shape {np.shape(md)} and std of shape "
                               f"{np.shape(sd)} cannot be broadcast together") from None
        sample = (rng.standard_normal(shape) * sd + md).astype(dt)
        return _sampled(sample, (m, s))
    if size is None:
        raise TypeError("normal: size is required when mean and std are numbers: "
                        "normal(mean, std, size)")
    if not s >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    shape, dt = _size_arg(size, "normal"), _dtype(dtype, "normal")
    _random.check_float_dtype(dt, "normal")
    return _new(_allocate("normal", shape, dt, lambda: (rng.standard_normal(shape) * s + m).astype(
        dt)), requires_grad)


def bernoulli(input: Any, p: float | None = None, *,
              generator: Generator | None = None) -> Tensor:
    """1 with probability `input` (elementwise, in [0, 1]), else 0, in input's dtype (a floating
    one); `bernoulli(input, p)`: with probability p everywhere, in input's shape and dtype. A
    result of an input that requires grad is connected to it with a zero gradient, as PyTorch.

    Args:
        input: the probabilities, a floating-point tensor with values in [0, 1].
        p: one probability for every element instead (then input gives only shape and dtype).
        generator: the `am.Generator` to draw from (default: the global stream).
    """
    x = ops.tensor_arg(input, "bernoulli")
    if p is None:
        if x.data.dtype.kind != "f":
            raise _random.UnsupportedDtypeError(
                f"bernoulli: the probabilities must be a floating-point tensor, got dtype "
                f"{x.data.dtype} (PyTorch: not implemented for it)")
        probs: Any = x.data
        if not ((probs >= 0) & (probs <= 1)).all():
            raise RuntimeError("bernoulli: expected every probability in [0, 1] "
                               "(Expected p_in >= 0 && p_in <= 1), got values outside it or NaN")
    else:
        probs = float(_real(p, "bernoulli", "p"))
        if not 0 <= probs <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    rng = _random.numpy_generator(generator, "bernoulli")
    sample = (rng.random(x.data.shape) < probs).astype(x.data.dtype)
    return _sampled(sample, (x,) if p is None else ())


# ---- am.tensor of a list holding tensors (appended) -------------------------------------------
def _unwrap_tensor_elements(data: Any, dtype: Any) -> tuple[Any, Any]:
    """A (nested) list holding Tensors, as torch.tensor reads it: each tensor must hold one
    element (else ValueError, as PyTorch) and becomes a number of its dtype, copied (no gradient
    flows: one that requires grad warns, as PyTorch); the dtype is the tensors' dtypes promoted
    with that of the plain numbers beside them, PyTorch's way."""
    found: list[np.dtype] = []
    plain: list[Any] = []

    def walk(item: Any) -> Any:
        if isinstance(item, Tensor):
            if item.data.size != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            if item.requires_grad:
                import warnings

                warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead "
                              "to unexpected behavior.\nConsider using tensor.detach() first.",
                              UserWarning, stacklevel=4)
            found.append(item.data.dtype)
            return item.data.reshape(())[()]
        if isinstance(item, (list, tuple)):
            return [walk(i) for i in item]
        plain.append(item)
        return item

    out = walk(data)
    if not found or dtype is not None:
        return (out if found else data), dtype
    result = found[0]
    for d in found[1:]:
        result = _dtypes.promote_types(result, d)
    if plain:
        result = _dtypes.promote_types(result, _dtypes.as_array(plain).dtype)
    return out, result

