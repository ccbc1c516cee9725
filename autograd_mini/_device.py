"""Devices: autograd_mini computes on the CPU with NumPy, so "cpu" is the one device there is.

`device` is PyTorch's `torch.device` in small: `device("cpu")`, `device("cpu:0")`,
`device("cpu", 0)`. Devices of other types ("cuda", "cuda:0", "mps", ...) can be named, as in
PyTorch, so that code written for them reads; using one (a `device=` argument, `Tensor.to`,
`Module.to`, `Generator(device=...)`) raises `DeviceError`, a RuntimeError that says to use "cpu".
Unlike `torch.device`, a device also compares equal to its string (`device("cpu") == "cpu"`).

This module sits at the bottom of the package (it imports nothing from it): `Tensor.to` and
`Module.to` pass the Tensor class to `parse_to`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ._dtypes import as_dtype

# PyTorch's device types (torch.device accepts these names; only "cpu" is available here).
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                 "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                 "privateuseone")
_DEVICE_STRING = re.compile(r"([A-Za-z_]+)(?::(\d+))?")


class DeviceError(RuntimeError):
    """A device other than the CPU was asked for: autograd_mini computes on the CPU with NumPy."""


def _unavailable(what: str, name: str | None = None) -> DeviceError:
    where = f"{name}: " if name else ""
    return DeviceError(f"{where}{what} is not available: autograd_mini computes on the CPU with "
                       "NumPy (there is no CUDA, MPS or other accelerator support); use "
                       "device='cpu' (or leave the device out)")


class device:  # (lowercase, as torch.device)
    """A device: `device("cpu")`, `device("cpu:0")` or `device("cpu", 0)`.

    Args:
        type: 'cpu', 'cpu:N', another device, or a device index.
        index: the device index, or None.

    Attributes:
        type: the device type ("cpu").
        index: the device index, or None when not given.

    Equal to another device of the same type and index, and to the string naming it
    (`device("cpu") == "cpu"`; PyTorch's `torch.device` is not equal to strings).
    """

    __slots__ = ("_type", "_index")
    _type: str
    _index: int | None

    def __init__(self, type: str | device | int | np.integer, index: int | None = None) -> None:
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(device, index): an index cannot be given with a device")
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, (int, np.integer)) and not isinstance(type, (bool, np.bool_)):
            # an integer device is an accelerator ordinal in PyTorch (torch.device(0) is cuda:0)
            raise _unavailable(f"device {int(type)} (an accelerator ordinal, as torch.device(0) "
                               "is cuda:0)")
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device string such as 'cpu', got "
                            f"{_type_name(type)} {type!r}")
        match = _DEVICE_STRING.fullmatch(type)
        if match is None:
            raise RuntimeError(f"Invalid device string: {type!r} (expected e.g. 'cpu' or "
                               "'cpu:0')")
        kind, number = match.group(1), match.group(2)
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start "
                               f"of device string: {type} (autograd_mini computes on 'cpu')")
        if number is not None:
            if index is not None:
                raise RuntimeError(f"device: type {type!r} already names an index; do not pass "
                                   f"index={index!r} too")
            index = int(number)
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
                raise TypeError(f"device: the index must be an int, got {_type_name(index)}")
            if index < 0:
                raise RuntimeError(f"Device index must not be negative, got {index}")
            index = int(index)
        self._type, self._index = kind, index

    @property
    def type(self) -> str:
        """The device type: "cpu", or an accelerator type such as "cuda" (which tensors cannot use)."""
        return self._type

    @property
    def index(self) -> int | None:
        """The device index, or None when none was given."""
        return self._index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except (RuntimeError, TypeError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self._type == other._type and self._index == other._index

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type={self._type!r})"
        return f"device(type={self._type!r}, index={self._index})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (self._type, self._index))


def _type_name(x: Any) -> str:
    return type(x).__name__


CPU = device("cpu")


def check_device(dev: Any, name: str) -> device:
    """A `device=` argument: None, "cpu", "cpu:N" or a cpu `device` -> the CPU device; a GPU or
    other device a `DeviceError` naming the call; anything else a TypeError."""
    if dev is None:
        return CPU
    if not isinstance(dev, device):
        if isinstance(dev, bool) or not isinstance(dev, (str, int, np.integer)):
            raise TypeError(f"{name}: device must be a string such as 'cpu' or an am.device, "
                            f"got {_type_name(dev)} {dev!r}")
        try:
            dev = device(dev)
        except DeviceError as exc:
            raise DeviceError(f"{name}: {exc}") from None
    if dev.type != "cpu":
        raise _unavailable(f"device {str(dev)!r}", name)
    return dev


def check_creation(name: str, device: Any = None, layout: Any = None,
                   pin_memory: bool = False) -> None:
    """The device-related keywords of a creation function: `device` (see `check_device`),
    `layout` (None or strided: tensors are dense NumPy arrays) and `pin_memory` (False: pinned
    memory is for copies to an accelerator)."""
    check_device(device, name)
    if layout is not None and str(layout) not in ("strided", "torch.strided"):
        raise ValueError(f"{name}: layout {layout!r} is not supported: autograd_mini tensors are "
                         "dense (strided) NumPy arrays; leave layout out")
    if pin_memory:
        raise _unavailable("pin_memory=True (pinned memory is for copies to an accelerator)",
                           name)


def _is_device_like(x: Any) -> bool:
    """Whether a positional argument of `to` names a device (rather than a dtype)."""
    if isinstance(x, device):
        return True
    if isinstance(x, int) and not isinstance(x, bool):
        return True  # an accelerator ordinal, as in PyTorch (refused by check_device)
    if isinstance(x, str):
        match = _DEVICE_STRING.fullmatch(x)
        return match is not None and match.group(1) in _DEVICE_TYPES
    return False


def parse_to(args: tuple, kwargs: dict, tensor_type: type, name: str = "to",
             allow_copy: bool = True) -> tuple[np.dtype | None, bool]:
    """The arguments of `Tensor.to` / `Module.to`, in PyTorch's forms:

        to(dtype, non_blocking=False, copy=False)
        to(device=None, dtype=None, non_blocking=False, copy=False)
        to(other_tensor, non_blocking=False, copy=False)

    (`memory_format=` accepted and ignored; `non_blocking` has nothing to wait for on the CPU).

    Returns:
        (the dtype asked for or None, copy).
    """
    allowed = {"device", "dtype", "non_blocking", "memory_format"} | (
        {"copy"} if allow_copy else set())
    for key in kwargs:
        if key not in allowed:
            raise TypeError(f"{name}() got an unexpected keyword argument {key!r} (it takes "
                            f"{', '.join(sorted(allowed))})")
    values: dict[str, Any] = {}
    rest = list(args)
    other = None
    if rest and isinstance(rest[0], tensor_type):
        other = rest.pop(0)
        slots = ["non_blocking", "copy"]
    elif rest and (rest[0] is None or _is_device_like(rest[0])):
        values["device"] = rest.pop(0)
        slots = ["dtype", "non_blocking", "copy"]
    elif rest:
        values["dtype"] = rest.pop(0)
        slots = ["non_blocking", "copy"]
    else:
        slots = []
    if not allow_copy:
        slots = [s for s in slots if s != "copy"]
    if len(rest) > len(slots):
        raise TypeError(f"{name}() takes (device, dtype, non_blocking{', copy' if allow_copy else ''})"
                        f", (dtype, non_blocking...) or (tensor, non_blocking...); got "
                        f"{len(args)} positional arguments: {', '.join(repr(a) for a in args)}")
    values.update(zip(slots, rest))
    for key, value in kwargs.items():
        if key in values:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        if other is not None and key in ("device", "dtype"):
            raise TypeError(f"{name}(tensor, ...) takes the dtype and device from that tensor; "
                            f"do not pass {key}= too")
        values[key] = value
    for key in ("non_blocking", "copy"):
        if not isinstance(values.get(key, False), (bool, np.bool_)):
            raise TypeError(f"{name}(): {key} must be a bool, got "
                            f"{_type_name(values[key])} {values[key]!r} (the forms are "
                            "to(dtype, non_blocking, copy), to(device, dtype, non_blocking, copy) "
                            "and to(tensor, non_blocking, copy))")
    check_device(values.get("device"), name)
    if other is not None:
        check_device(getattr(other, "device", None), name)
        dtype: np.dtype | None = np.dtype(other.dtype)
    elif values.get("dtype") is None:
        dtype = None
    else:
        raw = values["dtype"]
        if isinstance(raw, device) or (isinstance(raw, str) and _is_device_like(raw)):
            raise TypeError(f"{name}(): {raw!r} is a device, where a dtype was expected")
        dtype = as_dtype(raw, name)
    return dtype, bool(values.get("copy", False))
