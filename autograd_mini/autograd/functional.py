"""Higher-level differentiation of whole functions, as `torch.autograd.functional`.

    J = am.autograd.functional.jacobian(f, x)            # out.shape + x.shape
    out, g = am.autograd.functional.vjp(f, x, v)         # v^T J
    out, jv = am.autograd.functional.jvp(f, x, v)        # J v (the double-backward trick)
    H = am.autograd.functional.hessian(f, (x, y))        # H[i][j]: d2 f / dx_i dx_j

`func` takes Tensors and returns a Tensor or a tuple of Tensors; `inputs` is a Tensor or a tuple
of Tensors. The results follow PyTorch's structure: a single Tensor where the inputs (outputs)
were a single Tensor, a tuple where they were a tuple; the Jacobian of tuple outputs with respect
to tuple inputs is a tuple of tuples, `J[i][j]` of shape `outputs[i].shape + inputs[j].shape`.

Everything here is `am.autograd.grad` (the engine that `am.func` and `.backward()` use) called
on the graph of `func`: no second differentiation mechanism. As in PyTorch, each input is
replaced by a fresh tensor before `func` is called (a detached leaf, or with `create_graph=True`
and an input that requires grad, a differentiable copy of it), so `func` is differentiated only
along its use of its arguments, never through closures over the same tensors.

Results (and the returned `func` outputs) are detached unless `create_graph=True`; then they
carry the graph, and can be differentiated again, with respect to the inputs that required grad.
An input that `func` does not depend on gets a zero block, or with `strict=True` the error
PyTorch raises. `vectorize=True` is accepted and computes the same result (one backward pass
per output element); `strategy="forward-mode"` is not available (there is no forward-mode AD
here): it raises NotImplementedError naming the alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ..tensor import Tensor
from .engine import grad as _engine_grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Inputs = Tensor | tuple[Tensor, ...]


# ---- helpers (PyTorch's, one for one) ------------------------------------------------------
def _as_tuple(inp: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """Whether `inp` was a tuple, and `inp` as a tuple of Tensors (or a TypeError)."""
    is_tuple = isinstance(inp, tuple)
    items = inp if is_tuple else (inp,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = (f"the value at index {i} has type {type(el)}" if is_tuple
                     else f"the given {arg_name} has type {type(el)}")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where}.")
    return is_tuple, items


def _tuple_postprocess(res: Any, to_unpack: bool | tuple[bool, bool]) -> Any:
    """Undo `_as_tuple`: unwrap the one element where the original was not a tuple (for a
    nested result, `to_unpack` is (outer was a tuple, inner was a tuple))."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _fresh(x: Tensor, create_graph: bool, need_graph: bool) -> Tensor:
    """A new tensor object for `x`: with create_graph and an x that requires grad, a
    differentiable copy (so derivatives of the result reach x), else a detached alias that
    requires grad when `need_graph`. A new object in every case, so `func`'s use of its argument
    is told apart from a closure over x."""
    if create_graph and x.requires_grad:
        return x.clone()
    return x.detach().requires_grad_(need_graph)


def _grad_preprocess(inputs: tuple[Tensor, ...], create_graph: bool,
                     need_graph: bool) -> tuple[Tensor, ...]:
    return tuple(_fresh(x, create_graph, need_graph) for x in inputs)


def _grad_postprocess(res: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    """Detach every Tensor of a (possibly nested) tuple unless create_graph."""
    if create_graph:
        return res
    return tuple(r.detach() if isinstance(r, Tensor) else _grad_postprocess(r, False)
                 for r in res)


def _validate_v(v: tuple[Tensor, ...], other: tuple[Tensor, ...], is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.shape} but "
                               f"got {el_v.shape}.")


def _check_requires_grad(tensors: tuple[Tensor | None, ...], kind: str, strict: bool) -> None:
    """In strict mode, PyTorch's errors for a result that does not depend on the inputs."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if t.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {i} is "
                "independent of the input. This is not allowed in strict mode. You should "
                "ensure that your function is thrice differentiable and that the hessian "
                "depends on the inputs.")
        if kind == "jacobian":
            raise RuntimeError(
                "While computing the hessian, found that the jacobian of the user-provided "
                f"function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).")
        if kind == "grad_inputs":
            raise RuntimeError(
                f"The gradient with respect to input {i} is independent of the inputs of the "
                "user-provided function. This is not allowed in strict mode.")
        raise RuntimeError(
            f"Output {i} of the user-provided function does not require gradients. The "
            "outputs must be computed in a differentiable manner from the input when running "
            "in strict mode.")


def _autograd_grad(outputs: tuple[Tensor | None, ...], inputs: tuple[Tensor, ...],
                   grad_outputs: tuple[Any, ...] | None = None, create_graph: bool = False,
                   retain_graph: bool | None = None) -> tuple[Tensor | None, ...]:
    """`am.autograd.grad` with allow_unused=True that skips the outputs (and their
    grad_outputs) that are None or do not require grad: None for every input if none is left."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    outs: list[Tensor] = []
    gos: list[Any] = []
    for out, go in zip(outputs, grad_outputs):
        if out is not None and out.requires_grad:
            outs.append(out)
            gos.append(go)
    if not outs:
        return (None,) * len(inputs)
    return _engine_grad(outs, list(inputs), gos, retain_graph=retain_graph,
                        create_graph=create_graph, allow_unused=True)


_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _zeros_like(x: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(x.data))


def _fill_in_zeros(grads: tuple[Tensor | None, ...], refs: tuple[Tensor, ...], strict: bool,
                   create_graph: bool, stage: str) -> tuple[Tensor, ...]:
    """Each None of `grads` replaced by zeros shaped as `refs` (or, when strict, an error)."""
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_NONE[stage].format(i=i))
            g = _zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        res.append(g)
    return tuple(res)


def _v_or_default(v: Any, refs: tuple[Tensor, ...], is_refs_tuple: bool, create_graph: bool,
                  fn_name: str, message: str) -> tuple[Tensor, ...] | None:
    if v is None:
        if len(refs) != 1 or refs[0].data.size != 1:
            raise RuntimeError(message)
        return None
    _, vs = _as_tuple(v, "v", fn_name)
    vs = _grad_preprocess(vs, create_graph, need_graph=False)
    _validate_v(vs, refs, is_refs_tuple)
    return vs


def _grad_output_seed(out: Tensor) -> Tensor:
    """A zero leaf that requires grad, standing for the gradient of `out` (the double-backward
    trick: the backward pass is linear in it, so its value never matters)."""
    data = out.data if out.data.dtype.kind == "f" else out.data.astype(np.float64)
    return Tensor._make(np.zeros_like(data), True)


_V_NONE_OUTPUT = ("The vector v can only be None if the user-provided function returns a "
                  "single Tensor with a single element.")
_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function is "
                 "a single Tensor with a single element.")


# ---- the public functions --------------------------------------------------------------------
def vjp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Jacobian product `v^T J` of `func` at `inputs`, as torch.autograd.functional.

    Args:
        func: takes Tensors (one per input), returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped as func's output(s); may be omitted when func returns one one-element Tensor.
        create_graph: return results that carry the graph (differentiable again).
        strict: raise when an input does not reach any output, instead of a zero result.

    Returns:
        `(func_output, vjp)`: vjp shaped as the inputs (a Tensor or a tuple, as `inputs`).

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.autograd.functional import vjp
        >>> vjp(lambda x: x ** 2, am.tensor([1.0, 2.0]), am.ones(2))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        is_inputs_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _grad_preprocess(ins, create_graph, need_graph=True)
        is_outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                           "vjp")
        _check_requires_grad(outs, "outputs", strict)
        vs = _v_or_default(v, outs, is_outputs_tuple, create_graph, "vjp", _V_NONE_OUTPUT)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        got = _autograd_grad(outs, ins, vs, create_graph=create_graph)
        res = _fill_in_zeros(got, ins, strict, create_graph, "back")
    return (_tuple_postprocess(_grad_postprocess(outs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(res, create_graph), is_inputs_tuple))


def jvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Jacobian-vector product `J v` of `func` at `inputs`, as torch.autograd.functional.

    Computed, as PyTorch's, by the double-backward trick: the vjp `u -> u^T J` is linear in u, so
    differentiating it with respect to u, seeded with v, gives `J v`.

    Args:
        func: takes Tensors (one per input), returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped as the inputs; may be omitted when the input is one one-element Tensor.
        create_graph: return results that carry the graph (differentiable again).
        strict: raise when an output does not depend on the inputs, instead of a zero result.

    Returns:
        `(func_output, jvp)`: jvp shaped as the output(s) (a Tensor or a tuple, as func's).
    """
    with enable_grad():
        is_inputs_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _grad_preprocess(ins, create_graph, need_graph=True)
        vs = _v_or_default(v, ins, is_inputs_tuple, create_graph, "jvp", _V_NONE_INPUT)
        is_outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                           "jvp")
        _check_requires_grad(outs, "outputs", strict)
        seeds = tuple(_grad_output_seed(o) for o in outs)
        grad_inputs = _autograd_grad(outs, ins, seeds, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        got = _autograd_grad(grad_inputs, seeds, vs, create_graph=create_graph)
        res = _fill_in_zeros(got, outs, strict, create_graph, "back_trick")
    return (_tuple_postprocess(_grad_postprocess(outs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(res, create_graph), is_outputs_tuple))


def _check_strategy(strategy: str, name: str = "strategy") -> None:
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(f'Expected {name} to be either "forward-mode" or "reverse-mode", got '
                         f"{strategy!r}.")
    if strategy == "forward-mode":
        raise NotImplementedError(
            f'{name}="forward-mode" is not available: autograd_mini has no forward-mode AD. '
            f'Use {name}="reverse-mode" (the default; same result), or am.autograd.functional.jvp '
            "for Jacobian-vector products.")


def jacobian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of `func` at `inputs`, as torch.autograd.functional.jacobian: one backward
    pass per output element.

    Args:
        func: takes Tensors (one per input), returns a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: return a Jacobian that carries the graph (differentiable again).
        strict: raise when an output does not depend on an input, instead of a zero block.
        vectorize: accepted for PyTorch compatibility (the result is the same); with
            strict=True it is an error, as in PyTorch.
        strategy: "reverse-mode"; "forward-mode" raises NotImplementedError.

    Returns:
        A Tensor of shape `out.shape + x.shape` for one input and one output; a tuple over
        the inputs (or the outputs) where that side is a tuple; a tuple of tuples
        `J[i][j]` (output i, input j) where both are.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.autograd.functional import jacobian
        >>> jacobian(lambda x: x ** 2, am.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    _check_strategy(strategy)
    with enable_grad():
        is_inputs_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _grad_preprocess(ins, create_graph, need_graph=True)
        is_outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                           "jacobian")
        _check_requires_grad(outs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                               "`vectorized=True` are not supported together. Please either "
                               "set `strict=False` or `vectorize=False`.")
        from ..ops import reshape, stack  # (ops is below this module only at run time)

        jac: list[tuple[Tensor, ...]] = []
        for i, out in enumerate(outs):
            rows: list[list[Tensor]] = [[] for _ in ins]
            flat = reshape(out, -1) if out.requires_grad else out
            for k in range(out.data.size):
                got = _autograd_grad((flat[k] if out.requires_grad else None,), ins,
                                     retain_graph=True, create_graph=create_graph)
                for j, (g, x) in enumerate(zip(got, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is "
                                               f"independent of input {j}. This is not "
                                               "allowed in strict mode.")
                        g = _zeros_like(x)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError("The jacobian of the user-provided function is "
                                           f"independent of input {i}. This is not allowed in "
                                           "strict mode when create_graph=True.")
                    rows[j].append(g)
            jac.append(tuple(
                reshape(stack(r), out.shape + x.shape) if r else
                Tensor._make(np.zeros(out.shape + x.shape, dtype=x.dtype))
                for r, x in zip(rows, ins)))
        res = _grad_postprocess(tuple(jac), create_graph)
    return _tuple_postprocess(res, (is_outputs_tuple, is_inputs_tuple))


def hessian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of scalar-valued `func` at `inputs`, as torch.autograd.functional.hessian:
    the Jacobian of its gradient.

    Args:
        func: takes Tensors (one per input), returns a one-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        create_graph: return a Hessian that carries the graph (differentiable again).
        strict: raise when the gradient (or the Hessian) does not depend on an input.
        vectorize: accepted for PyTorch compatibility (the result is the same).
        outer_jacobian_strategy: "reverse-mode"; "forward-mode" raises NotImplementedError.

    Returns:
        A Tensor of shape `x.shape + x.shape` for one input; for a tuple of inputs a tuple of
        tuples, `H[i][j]` of shape `inputs[i].shape + inputs[j].shape`.

    Examples:
        >>> import autograd_mini as am
        >>> from autograd_mini.autograd.functional import hessian
        >>> hessian(lambda x: (x ** 3).sum(), am.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    is_inputs_tuple, ins = _as_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy, "outer_jacobian_strategy")

    def ensure_single_output_function(*inp: Tensor) -> Tensor:
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.data.size != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jac_func(*inp: Tensor) -> Any:
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, ins, create_graph=create_graph, strict=strict, vectorize=vectorize)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def _single_scalar_output(outs: tuple[Tensor, ...], is_outputs_tuple: bool, name: str) -> None:
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outs[0].data.size != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should "
                           "contain a single element")


def _scalar_gradient(func: Callable[..., Any], inputs: Inputs, v: Any, create_graph: bool,
                     strict: bool, name: str) -> tuple[bool, tuple, tuple, bool, tuple, tuple]:
    """What vhp and hvp share (called with grad mode on): the inputs and v prepared, func run,
    its one scalar output checked, and its gradient with a graph. Returns (is_inputs_tuple,
    inputs, v, is_outputs_tuple, outputs, gradient)."""
    is_inputs_tuple, ins = _as_tuple(inputs, "inputs", name)
    ins = _grad_preprocess(ins, create_graph, need_graph=True)
    vs = _v_or_default(v, ins, is_inputs_tuple, create_graph, name, _V_NONE_INPUT)
    is_outputs_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", name)
    _check_requires_grad(outs, "outputs", strict)
    _single_scalar_output(outs, is_outputs_tuple, name)
    jac = _autograd_grad(outs, ins, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return is_inputs_tuple, ins, vs, is_outputs_tuple, outs, jac


def vhp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Hessian product `v^T H` of scalar-valued `func` at `inputs`, as
    torch.autograd.functional.vhp.

    Args:
        func: takes Tensors (one per input), returns a one-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped as the inputs; may be omitted when the input is one one-element Tensor.
        create_graph: return results that carry the graph (differentiable again).
        strict: raise when the gradient does not depend on an input, instead of zeros.

    Returns:
        `(func_output, vhp)`: vhp shaped as the inputs.
    """
    with enable_grad():
        is_inputs_tuple, ins, vs, is_outputs_tuple, outs, jac = _scalar_gradient(
            func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        got = _autograd_grad(jac, ins, vs, create_graph=create_graph)
        res = _fill_in_zeros(got, ins, strict, create_graph, "double_back")
    return (_tuple_postprocess(_grad_postprocess(outs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(res, create_graph), is_inputs_tuple))


def hvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Hessian-vector product `H v` of scalar-valued `func` at `inputs`, as
    torch.autograd.functional.hvp (by the double-backward trick, so slower than `vhp`; the two
    agree when func is twice continuously differentiable, H being symmetric).

    Args:
        func: takes Tensors (one per input), returns a one-element Tensor.
        inputs: a Tensor or a tuple of Tensors.
        v: shaped as the inputs; may be omitted when the input is one one-element Tensor.
        create_graph: return results that carry the graph (differentiable again).
        strict: raise when the gradient does not depend on an input, instead of zeros.

    Returns:
        `(func_output, hvp)`: hvp shaped as the inputs.
    """
    with enable_grad():
        is_inputs_tuple, ins, vs, is_outputs_tuple, outs, jac = _scalar_gradient(
            func, inputs, v, create_graph, strict, "hvp")
        seeds = tuple(_grad_output_seed(x) for x in ins)
        double_back = _autograd_grad(jac, ins, seeds, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        got = _autograd_grad(double_back, seeds, vs, create_graph=create_graph)
        res = _fill_in_zeros(got, ins, strict, create_graph, "double_back_trick")
    return (_tuple_postprocess(_grad_postprocess(outs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(res, create_graph), is_inputs_tuple))
