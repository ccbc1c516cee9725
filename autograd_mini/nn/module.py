"""`Module`: the base class of layers and models.

Assigning a `Parameter` or a `Module` to an attribute registers it, in assignment order, so that
`named_parameters()` and `state_dict()` have stable dotted names. Calling a module runs `forward`
with the recording scope (`autograd.record.set_scope`) set to its dotted path (the outermost
module's class name, then the names each sub-module was registered under), so every graph node
records which module made it, for `am.viz` to group and collapse.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..autograd.record import current_scope, set_scope
from ..tensor import Tensor
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])

_INIT_FIRST = ("call super().__init__() at the start of {cls}.__init__, before assigning "
               "parameters, buffers or sub-modules")


class Module:
    """Base class for all layers and models.

    Subclasses call `super().__init__()`, assign Parameters and sub-Modules as attributes, and
    define `forward`. Calling the module runs `forward`.

    Attributes:
        training: True in training mode (`train()`), False after `eval()`.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini import nn
        >>> class MLP(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(4, 8)
        ...         self.fc2 = nn.Linear(8, 2)
        ...
        ...     def forward(self, x):
        ...         return self.fc2(nn.functional.relu(self.fc1(x)))
        >>> model = MLP()
        >>> model(am.randn(5, 4)).shape
        (5, 2)
        >>> [name for name, _ in model.named_parameters()]
        ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
        >>> model.eval().training  # dropout and batch norm switch to inference
        False
    """

    training: bool

    def __init__(self) -> None:
        setter = object.__setattr__
        setter(self, "_parameters", OrderedDict())
        setter(self, "_buffers", OrderedDict())
        setter(self, "_non_persistent", set())
        setter(self, "_modules", OrderedDict())
        setter(self, "training", True)
        setter(self, "_scope_name", type(self).__name__)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module, called by `module(*args)`: subclasses define it.

        Call the module itself rather than `forward`, so that its hooks and graph scope apply.
        """
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define "
                                  "forward(self, ...) in the subclass")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outer = current_scope()
        name = self._scope_name  # also the clear error when super().__init__() was skipped
        set_scope(type(self).__name__ if outer is None else outer + "." + name)
        try:
            return self.forward(*args, **kwargs)
        finally:
            set_scope(outer)

    # -- registration -------------------------------------------------------------------------
    def _registries(self, what: str) -> tuple[OrderedDict, OrderedDict, OrderedDict]:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError(f"cannot assign {what} before Module.__init__() ran: "
                                 + _INIT_FIRST.format(cls=type(self).__name__))
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, (Parameter, Module)):
            self._registries("parameters" if isinstance(value, Parameter) else "sub-modules")
            self.__dict__.pop(name, None)  # a plain attribute of that name is replaced
            if isinstance(value, Parameter):
                self.register_parameter(name, value)
            else:
                self.add_module(name, value)
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} of "
                                f"{type(self).__name__}: a Parameter or None is expected "
                                "(wrap it: nn.Parameter(tensor))")
            self._parameters[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer {name!r} of "
                                f"{type(self).__name__}: a Tensor or None is expected")
            self._buffers[name] = value
        elif "_modules" in self.__dict__ and name in self._modules and value is None:
            self._modules[name] = None
        else:
            _warn_plain_container(self, name, value)
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}: "
                                 + _INIT_FIRST.format(cls=type(self).__name__))
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for registry in ("_parameters", "_buffers", "_modules"):
            table = self.__dict__.get(registry)
            if table is not None and name in table:
                del table[name]
                self.__dict__["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def _check_new_name(self, name: str, kind: str) -> None:
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{kind} name must be a non-empty string without '.', got {name!r}")
        if name in self.__dict__ and not any(name in t for t in self._registries(kind)):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}; cannot "
                           f"register a {kind} under that name")

    def _forget(self, name: str) -> None:
        for table in self._registries("an attribute"):
            table.pop(name, None)
        self.__dict__["_non_persistent"].discard(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (a Parameter, or None for an absent one) under `name`.

        Args:
            name: the attribute name (no dots).
            param: a Parameter, or None.
        """
        self._registries("parameters")
        self._check_new_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None, got "
                            f"{type(param).__name__}")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a Tensor that is state but not a parameter (e.g. running statistics).

        Persistent buffers are part of `state_dict()`.

        Args:
            name: the attribute name (no dots).
            tensor: the buffer, or None for an absent one.
            persistent: include it in `state_dict()`.
        """
        self._registries("buffers")
        self._check_new_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, got "
                            f"{type(tensor).__name__}")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a sub-module under `name` (the attribute assignment does the same).

        Args:
            name: the attribute name (no dots).
            module: a Module, or None.
        """
        self._registries("sub-modules")
        self._check_new_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None, got "
                            f"{type(module).__name__}")
        self._forget(name)
        self._modules[name] = module
        if module is not None:
            module._set_scope_name(self._child_scope_name(name))

    register_module = add_module

    def _set_scope_name(self, name: str) -> None:
        """Remember the name the parent registered this module under (for graph scopes)."""
        object.__setattr__(self, "_scope_name", name)

    def _child_scope_name(self, key: str) -> str:
        return key

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path such as 'layers.0'.

        Args:
            target: the dotted path ("" for the module itself).
        """
        module: Module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no sub-module {part!r} (looking "
                                     f"up {target!r})")
            module = child
        return module

    # -- traversal ----------------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module and every descendant, depth first; shared
        sub-modules once.

        Args:
            memo: the ids of modules already yielded (used by the recursion).
            prefix: prepended to every name.
            remove_duplicate: yield a shared module once.
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                               remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Iterate over this module and every descendant, depth first; shared ones once."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Iterate over (name, module) of the direct sub-modules; shared ones once."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """Iterate over the direct sub-modules; shared ones once."""
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, in registration order; a shared weight appears once,
        under the first name it was reached by.

        Args:
            prefix: prepended to every name.
            recurse: include the sub-modules' parameters.
            remove_duplicate: yield a shared parameter once.
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Iterate over the parameters of this module (and, with `recurse`, of its descendants).

        Args:
            recurse: include the sub-modules' parameters.

        Returns:
            An iterator of Parameters, in registration order; a shared weight appears once. Pass it
            to an optimizer: `am.optim.SGD(model.parameters(), lr=0.1)`.
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs: running statistics and other non-parameter state."""
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Iterate over the buffers (running statistics and other non-parameter state)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call fn on every sub-module (children first) and on self; returns self.

        Args:
            fn: a function of a module, e.g. one that re-initialises the Linear layers.
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch norm uses batch statistics) recursively.

        Args:
            mode: True for training, False for evaluation.

        Returns:
            self.
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode: `train(False)`."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze every parameter.

        Args:
            requires_grad: the flag to set on every parameter.

        Returns:
            self.
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (the default), or cut from any graph
        and zeroed in place (the same `.grad` Tensors stay), as `Optimizer.zero_grad`.

        Args:
            set_to_none: set each `.grad` to None instead of zeroing it.
        """
        for p in self.parameters():
            p._reset_grad(set_to_none)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert the floating-point parameters and buffers (and their gradients) to a dtype, in
        place, as PyTorch's `Module.to`: `to(dtype)`, `to(device, dtype=None)`, `to(tensor)`
        (its dtype), `non_blocking=` ignored. The Parameter objects stay the same, so an
        optimizer built before still holds them. The device can only be the CPU ("cpu"); a GPU
        device is a DeviceError. Returns self."""
        from .._device import parse_to

        target, _ = parse_to(args, kwargs, Tensor, "Module.to", allow_copy=False)
        if target is None:
            return self
        if target.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired "
                            f"dtype={target}")
        for t in list(self.parameters()) + list(self.buffers()):
            if t.data.dtype.kind == "f" and t.data.dtype != target:
                t.data = t.data.astype(target)
                if t.grad is not None:
                    t.grad = Tensor._make(t.grad.data.astype(target))
        return self

    def float(self) -> Module:
        """Cast every floating-point parameter and buffer to float32, in place; returns self."""
        return self.to(np.float32)

    def double(self) -> Module:
        """Cast every floating-point parameter and buffer to float64, in place; returns self."""
        return self.to(np.float64)

    # -- state --------------------------------------------------------------------------------
    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        """Every persistent entry (parameters and buffers) with its dotted name, duplicates kept."""
        for prefix, module in self.named_modules(remove_duplicate=False):
            for name, value in module._parameters.items():
                if value is not None:
                    yield (f"{prefix}.{name}" if prefix else name), value
            for name, value in module._buffers.items():
                if value is not None and name not in module._non_persistent:
                    yield (f"{prefix}.{name}" if prefix else name), value

    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Dotted name -> a copy of each parameter and persistent buffer.

        Unlike PyTorch (whose values alias the parameters), the values are copies, so a
        snapshot taken for "best model so far" does not change as training continues.
        """
        return OrderedDict((name, Tensor._make(t.data.copy())) for name, t in self._state_items())

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, in place.

        Every problem is found first: missing keys and unexpected keys (errors when `strict`),
        and entries whose shape or dtype kind does not fit (always errors). They are reported
        together in one error, before anything is changed.

        Args:
            state_dict: a mapping of dotted name -> Tensor or array, e.g. from `state_dict()`
                or `am.load`.
            strict: missing and unexpected keys are errors.

        Returns:
            (missing_keys, unexpected_keys).
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"load_state_dict: expected a mapping of names to tensors, got "
                            f"{type(state_dict).__name__}")
        own = OrderedDict(self._state_items())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        arrays = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            problem, array = _fit_entry(key, state_dict[key], target)
            if problem:
                problems.append(problem)
            else:
                arrays[key] = array
        if problems:
            raise RuntimeError(f"load_state_dict for {type(self).__name__}: nothing was loaded "
                               "because of\n  " + "\n  ".join(problems))
        for key, array in arrays.items():
            target = own[key]
            np.copyto(target.data, array, casting="unsafe")
            target._bump_version()
        return IncompatibleKeys(missing, unexpected)

    # -- representation -----------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The options shown between the parentheses of this module's repr."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, child in self._modules.items():
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))


def _fit_entry(key: str, value: Any, target: Tensor) -> tuple[str | None, Any]:
    """Check one state_dict entry against the tensor it would be copied into."""
    array = value.data if isinstance(value, Tensor) else value
    if not isinstance(array, (np.ndarray, np.generic, int, float, bool)):
        return f"{key}: expected a Tensor or ndarray, got {type(value).__name__}", None
    array = np.asarray(array)
    if array.shape != target.data.shape:
        return (f"{key}: shape {array.shape} in the state dict, but the module's tensor has shape "
                f"{target.data.shape}"), None
    kinds_fit = (array.dtype.kind == "f" and target.data.dtype.kind == "f") or (
        array.dtype.kind in "biu" and target.data.dtype.kind in "biu")
    if not kinds_fit:
        return (f"{key}: dtype {array.dtype} in the state dict cannot be loaded into the module's "
                f"tensor of dtype {target.data.dtype}"), None
    return None, array


def _warn_plain_container(module: Module, name: str, value: Any) -> None:
    """Warn when a plain list/tuple/dict hides Modules or Parameters from registration."""
    if isinstance(value, dict):
        items = value.values()
        hint = "nn.ModuleDict"
    elif isinstance(value, (list, tuple)):
        items = value
        hint = "nn.ModuleList (or nn.ParameterList for Parameters)"
    else:
        return
    if any(isinstance(v, (Module, Parameter)) for v in items):
        warnings.warn(f"{type(module).__name__}.{name} is a plain {type(value).__name__} holding "
                      f"Modules or Parameters: they are not registered, so parameters(), "
                      f"state_dict(), train()/eval() and optimizers will not see them. Use {hint}.",
                      UserWarning, stacklevel=3)
