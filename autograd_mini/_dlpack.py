"""DLPack, both ways, zero-copy through NumPy: `Tensor.__dlpack__` / `__dlpack_device__` and
`am.from_dlpack(obj)` (here; the export side is `Tensor.__dlpack__` in tensor.py).

    t = am.arange(6.0)
    pt = torch.from_dlpack(t)            # shares t's memory
    back = am.from_dlpack(pt)            # shares it again

Tensors here are NumPy arrays on the CPU, so exporting is the array's own `__dlpack__`, and
importing is `np.from_dlpack`. As in PyTorch, a tensor that requires grad is not exported
(BufferError: detach it first), since the other side would write into it without autograd
knowing. Writes made through the other side bypass the version counter that backward checks,
as writes through `.numpy()` do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = ["from_dlpack"]


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A Tensor sharing the memory of `ext_tensor` (a PyTorch or JAX CPU tensor, a NumPy array,
    anything with `__dlpack__`), zero-copy, with its dtype and shape, as `torch.from_dlpack`.

    Args:
        ext_tensor: an object with `__dlpack__` (a PyTorch or JAX CPU tensor, a NumPy array).

    Returns:
        A Tensor sharing ext_tensor's memory, of its shape and dtype.

    Raises:
        TypeError: `ext_tensor` does not support DLPack, or has a dtype autograd_mini lacks
            (bfloat16, complex).
        BufferError: the producer refused (a PyTorch tensor that requires grad, a GPU tensor).
    """
    if not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack: expected an object with __dlpack__ (a tensor or array), "
                        f"got {type(ext_tensor).__name__}")
    try:
        array = np.from_dlpack(ext_tensor)
    except RuntimeError as exc:  # NumPy's "Unsupported dtype in DLTensor.", device errors
        dtype = getattr(ext_tensor, "dtype", "?")
        device = getattr(ext_tensor, "device", "?")
        raise TypeError(f"from_dlpack: NumPy cannot take this {type(ext_tensor).__name__} "
                        f"(dtype {dtype}, device {device}): {exc}; autograd_mini has bool, "
                        "integer and float16/32/64 tensors on the CPU") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_dlpack: dtype {array.dtype} is not supported; autograd_mini has "
                        "bool, integer and floating-point tensors")
    if isinstance(ext_tensor, Tensor):
        return Tensor._make(array)._alias_of(ext_tensor)
    return Tensor._make(array)
