"""Containers that register what they hold: Sequential, ModuleList, ModuleDict, ParameterList."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


def _index(name: str, idx: Any, length: int) -> int:
    if not isinstance(idx, int) or isinstance(idx, bool):
        raise TypeError(f"{name} indices must be integers or slices, got {type(idx).__name__}")
    if not -length <= idx < length:
        raise IndexError(f"{name} index {idx} is out of range for length {length}")
    return idx % length


class Sequential(Module):
    """Modules applied one after another: `Sequential(a, b, c)(x) == c(b(a(x)))`.

    Built from modules (named '0', '1', ...) or from an OrderedDict of name -> module.

    Args:
        *modules: the modules, in order, or one OrderedDict of name -> module.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini import nn
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> model(am.randn(3, 4)).shape
        (3, 2)
        >>> model
        Sequential(
          (0): Linear(in_features=4, out_features=8, bias=True)
          (1): ReLU()
          (2): Linear(in_features=8, out_features=2, bias=True)
        )
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        """Call each module in turn on the output of the one before; return the last output."""
        for module in self._modules.values():
            input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index("Sequential", idx, len(self))]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index("Sequential", idx, len(self))]
        self.add_module(key, module)

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        for key in (keys[idx] if isinstance(idx, slice) else [keys[_index("Sequential", idx,
                                                                           len(keys))]]):
            del self._modules[key]

    def append(self, module: Module) -> Sequential:
        """Add `module` at the end (named by its index); returns self."""
        self.add_module(str(len(self)), module)
        return self


class _PrefixedContainer(Module):
    """A container that is never called itself: its items are called by the parent's forward,
    so their graph scope is `<parent>.<container name>.<key>`."""

    def __init__(self) -> None:
        super().__init__()
        object.__setattr__(self, "_prefix", "")

    def _set_scope_name(self, name: str) -> None:
        super()._set_scope_name(name)
        object.__setattr__(self, "_prefix", name + ".")
        for key, module in self._modules.items():
            if module is not None:
                module._set_scope_name(self._child_scope_name(key))

    def _child_scope_name(self, key: str) -> str:
        return self._prefix + key

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Not callable: a container's items are called by the parent's forward (NotImplementedError)."""
        raise NotImplementedError(f"{type(self).__name__} is not callable: iterate over it and "
                                  "call its items in the parent's forward")


class ModuleList(_PrefixedContainer):
    """A list of sub-modules, registered under '0', '1', ... (use it instead of a plain list).

    A plain list hides its modules from `parameters()`, `to()`, `state_dict()` and `train()`;
    a ModuleList registers them. It is not callable: the parent's forward calls its items.

    Args:
        modules: an iterable of modules to start with.

    Examples:
        >>> from autograd_mini import nn
        >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        >>> len(layers), len(list(layers.parameters()))
        (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _renumber(self, modules: list[Module]) -> None:
        self._modules.clear()
        for module in modules:
            self.append(module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: int | slice) -> Any:
        values = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(values[idx])
        return values[_index("ModuleList", idx, len(values))]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index("ModuleList", idx, len(self))), module)

    def __delitem__(self, idx: int | slice) -> None:
        values = list(self._modules.values())
        if isinstance(idx, slice):
            del values[idx]
        else:
            del values[_index("ModuleList", idx, len(values))]
        self._renumber(values)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end (named by its index); returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each module of `modules` at the end; returns self."""
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError("ModuleList.extend expects an iterable of Modules, got a Module; use "
                            "append")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert `module` before position `index`, renumbering the modules after it."""
        values = list(self._modules.values())
        values.insert(index, module)
        self._renumber(values)


class ModuleDict(_PrefixedContainer):
    """An ordered dict of sub-modules, registered under their keys.

    Args:
        modules: a mapping of name -> module, or an iterable of (name, module) pairs.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Any:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> Any:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Any:
        """(key, module) pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Remove the module under `key` and return it."""
        return self._modules.pop(key)

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def update(self, modules: Mapping[str, Module] | Iterable) -> None:
        """Add or replace modules from a mapping or an iterable of (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module


class ParameterList(Module):
    """A list of Parameters, registered under '0', '1', ...; plain Tensors are wrapped.

    Args:
        values: an iterable of Parameters (or Tensors) to start with.
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    @staticmethod
    def _as_parameter(value: Any) -> Parameter:
        if isinstance(value, Parameter):
            return value
        if isinstance(value, Tensor):
            return Parameter(value)
        raise TypeError(f"ParameterList holds Parameters (or Tensors to wrap), got "
                        f"{type(value).__name__}")

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __getitem__(self, idx: int | slice) -> Any:
        values = list(self._parameters.values())
        if isinstance(idx, slice):
            return ParameterList(values[idx])
        return values[_index("ParameterList", idx, len(values))]

    def __setitem__(self, idx: int, value: Any) -> None:
        self.register_parameter(str(_index("ParameterList", idx, len(self))),
                                self._as_parameter(value))

    def append(self, value: Any) -> ParameterList:
        """Add `value` (a Parameter, or a Tensor wrapped into one) at the end; returns self."""
        self.register_parameter(str(len(self)), self._as_parameter(value))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each value of `values`; returns self."""
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        """One line per parameter: its index, shape and dtype."""
        return "\n".join(f"({i}): Parameter of shape {tuple(p.shape)} and dtype {p.dtype}"
                         for i, p in enumerate(self))
