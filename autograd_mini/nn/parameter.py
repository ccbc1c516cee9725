"""`Parameter`: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtypes
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default and is registered when assigned to a Module.

    Args:
        data: a Tensor (its array is shared, not copied, as in PyTorch), an ndarray, or
            array-like data (converted with the default dtype policy). None gives an empty tensor.
        requires_grad: whether the parameter is trained (False freezes it).
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty((0,), dtype=_dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            array = data.data
        else:
            array = _dtypes.as_array(data)
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
