"""Collation: samples into a batch (`default_collate`) and, without batching, NumPy data into
tensors (`default_convert`), as `torch.utils.data._utils.collate`.

`default_collate(batch)` looks at the first sample's type:

- `am.Tensor`: stacked along a new first axis (`am.stack`; a tensor that requires grad keeps
  its graph, as in PyTorch);
- NumPy array: converted to a tensor and stacked (string and object arrays are refused);
- NumPy scalar: a tensor of its dtype; Python int (or bool): an int64 (bool) tensor; Python
  float: a float64 tensor (as PyTorch, which does not use the default dtype here);
- str and bytes: kept as a list;
- Mapping: the same mapping type with each key collated; namedtuple: the same namedtuple
  collated field by field; tuple: a *list* of the collated positions (PyTorch's backwards-
  compatible choice: `TensorDataset` batches are lists); other sequences: the same type.

Other types are a TypeError. New types are handled by adding a function to
`default_collate_fn_map` (called as `fn(batch, collate_fn_map=...)`) or by calling `collate`
with a map of one's own.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import creation, ops
from ..._grad_mode import is_grad_enabled
from ...tensor import Tensor

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map",
           "collate_tensor_fn", "collate_numpy_array_fn", "collate_numpy_scalar_fn",
           "collate_float_fn", "collate_int_fn", "collate_str_fn"]

CollateFnMap = dict[type | tuple[type, ...], Callable[..., Any]]

_NP_STR_OBJ = re.compile(r"[SaUO]")  # dtype codes of byte strings, strings and objects

_ERR_FORMAT = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
               "lists; found {}")


def collate(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Collate a batch (a sequence of samples), dispatching on the first sample's type: an
    exact match in `collate_fn_map` first, then its keys in order by isinstance, then mappings,
    namedtuples and sequences element-wise (see the module's docstring).

    Args:
        batch: a sequence of samples of one structure.
        collate_fn_map: type -> function(batch, *, collate_fn_map) (see
            `default_collate_fn_map`).
    """
    if len(batch) == 0:
        raise IndexError("collate: the batch is empty (a batch needs at least one sample)")
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        values = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                  for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(values)
                return clone
            return elem_type(values)
        except TypeError:  # a mapping type that cannot be built from a dict
            return values
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        for i, other in enumerate(batch):
            if len(other) != size:
                raise RuntimeError("each element in list of batch should be of equal size "
                                   f"(sample 0 has {size} elements, sample {i} {len(other)})")
        columns = [collate(list(samples), collate_fn_map=collate_fn_map)
                   for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # a list, as PyTorch (backwards compatibility)
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                seq_clone = copy.copy(elem)
                for i, column in enumerate(columns):
                    seq_clone[i] = column
                return seq_clone
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(_ERR_FORMAT.format(elem_type))


def collate_tensor_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Tensors of one shape stacked along a new first axis (`am.stack`)."""
    first = batch[0]
    shape, dtype = first.shape, first.dtype
    plain = all(isinstance(t, Tensor) and t.shape == shape and t.dtype == dtype for t in batch)
    if plain and not (is_grad_enabled() and any(t.requires_grad for t in batch)):
        # what am.stack gives (a new array, no graph), in one NumPy call
        return Tensor._make(np.stack([t.data for t in batch]))
    return ops.stack(list(batch), 0)


def collate_numpy_array_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """NumPy arrays converted to tensors (no copy) and collated as tensors."""
    elem = batch[0]
    if _NP_STR_OBJ.search(elem.dtype.str) is not None:
        raise TypeError(_ERR_FORMAT.format(elem.dtype))
    return collate([creation.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """NumPy scalars into a 1-D tensor of their dtype (NumPy's promotion if they differ)."""
    return creation.as_tensor(np.array(batch))


def collate_float_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Python floats into a float64 tensor (PyTorch's choice, whatever the default dtype)."""
    return creation.tensor(batch, dtype=np.float64)


def collate_int_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Python ints into an int64 tensor (bools into a bool tensor), as `am.tensor(batch)`."""
    return creation.tensor(batch)


def collate_str_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Strings and bytes: the batch itself, a list."""
    return batch


default_collate_fn_map: CollateFnMap = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}
"""The types `default_collate` knows, in the order they are tried: add a type here (a function
`fn(batch, *, collate_fn_map)`) to teach `default_collate` (and DataLoader) about it."""


def default_collate(batch: Any) -> Any:
    """A list of samples into a batch, as `torch.utils.data.default_collate`: tensors stacked
    into one tensor with a new first axis, NumPy arrays converted and stacked, Python ints into
    an int64 tensor, floats into a float64 tensor, strings kept as a list, and tuples, lists,
    namedtuples and dicts collated element-wise (a tuple gives a list). The DataLoader's
    `collate_fn` when batching.

    Args:
        batch: a sequence of samples of one structure.

    Returns:
        The batch, with the samples' structure and a new first axis of size len(batch).

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.utils.data import default_collate
        >>> default_collate([(am.zeros(3), 0), (am.ones(3), 1)])
        [tensor([[0., 0., 0.],
                [1., 1., 1.]]), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data: Any) -> Any:
    """NumPy arrays and scalars in `data` (also inside mappings, namedtuples and sequences)
    converted to tensors (arrays without a copy), everything else left as it is; a tuple
    becomes a list, as in PyTorch. The DataLoader's `collate_fn` with `batch_size=None`.

    Args:
        data: one sample (any structure).
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_", "string_"):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return creation.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        values = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(values)
                return clone
            return elem_type(values)
        except TypeError:
            return values
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                seq_clone = copy.copy(data)
                for i, d in enumerate(converted):
                    seq_clone[i] = d
                return seq_clone
            return elem_type(converted)
        except TypeError:
            return converted
    return data
