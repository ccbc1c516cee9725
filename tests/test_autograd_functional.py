"""am.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against PyTorch's
torch.autograd.functional: return structures (Tensor vs tuple vs tuple of tuples), values,
create_graph, strict mode and the errors; and `am.autograd.grad`'s PyTorch-only arguments
(only_inputs, is_grads_batched, materialize_grads).

The values PyTorch 2.13 gives are written below as literals (float64, rounded to 12 digits), so
these tests run without torch; `test_*_matches_torch` recompute them with torch when it is
installed and skip otherwise."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am

F = am.autograd.functional

X = [0.5, -1.0, 2.0]
Y = [0.3, 0.7, 1.1]
V = [1.0, -2.0, 0.5]


def cube(x):
    return (x ** 3).sum()


def expsin(x):
    return x.exp() * x.sin()


def pair(x, y):
    return x * y.sin(), x.exp().sum() * y


def two(x, y):
    return (x * y).tanh().sum() + (x ** 2).sum() * y.sum()


# Generated with torch.autograd.functional (torch 2.13, float64): each entry flattened.
TORCH = {
    'jac_cube': [0.75, 3.0, 12.0],
    'hess_cube': [3.0, -0.0, 0.0, 0.0, -6.0, 0.0, 0.0, -0.0, 12.0],
    'jac_expsin': [2.237328119798, 0.0, 0.0, 0.0, -0.110793765307, 0.0, 0.0, 0.0,
                   3.643917376789],
    'vjp_expsin': ([0.790439083214, -0.309559875653, 6.718849697428],
                   [2.237328119798, 0.221587530613, 1.821958688394]),
    'jvp_expsin': ([0.790439083214, -0.309559875653, 6.718849697428],
                   [2.237328119798, 0.221587530613, 1.821958688394]),
    'jac_pair': (([0.295520206661, 0.0, 0.0, 0.0, 0.644217687238, 0.0, 0.0, 0.0,
                   0.891207360061],
                  [0.477668244563, -0.0, 0.0, 0.0, -0.764842187284, 0.0, 0.0, -0.0,
                   0.907192242851]),
                 ([0.49461638121, 0.110363832351, 2.216716829679, 1.15410488949, 0.25751560882,
                   5.172339269251, 1.81359339777, 0.404667385289, 8.127961708824],
                  [9.405656810802, 0.0, 0.0, 0.0, 9.405656810802, 0.0, 0.0, 0.0,
                   9.405656810802])),
    'vjp_pair': (([0.147760103331, -0.644217687238, 1.782414720123],
                  [2.821697043241, 6.583959767562, 10.346222491882]),
                 ([3.246731281215, -0.629931174779, 13.672014097117],
                  [3.299365287803, 8.113644142131, 10.799818613308])),
    'jvp_pair': (([0.147760103331, -0.644217687238, 1.782414720123],
                  [2.821697043241, 6.583959767562, 10.346222491882]),
                 ([0.43882068003, -1.823824905575, 1.443515147167],
                  [4.203944174587, 9.809203074037, 15.414461973487])),
    'hess_two': (([4.173794747552, 0.0, 0.0, 0.0, 4.575943831945, 0.0, 0.0, 0.0,
                   4.086833962643],
                  [1.934157826016, 1.0, 1.0, -2.0, -1.902323027082, -2.0, 4.0, 4.0,
                   3.842168912639]),
                 ([1.934157826016, -2.0, 4.0, 1.0, -1.902323027082, 4.0, 1.0, -2.0,
                   3.842168912639],
                  [-0.072792367911, 0.0, -0.0, -0.0, 0.767232310092, -0.0, -0.0, 0.0,
                   -0.374102602832])),
    'vhp_two': (11.545260386538, ([6.554042095357, -13.283513782847, 10.269802785224],
                                  [7.912320115643, 7.341708671228, 6.509571593204])),
    'hvp_two': (11.545260386538, ([6.554042095357, -13.283513782847, 10.269802785224],
                                  [7.912320115643, 7.341708671228, 6.509571593204])),
    'cg_jac_grad': [2.893778073168, 0.397532220693, -6.149864641279],
    'cg_hess_grad': [36.0, -72.0, 144.0],
}


def t64(values, requires_grad=False) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def _am_inputs():
    return t64(X), t64(Y), t64(V)


def run_am(name: str, create_graph: bool = False) -> Any:
    """The am result for a TORCH key (the same calls as the generator, in am)."""
    x, y, v = _am_inputs()
    kw = {"create_graph": create_graph}
    return {
        "jac_cube": lambda: F.jacobian(cube, x, **kw),
        "hess_cube": lambda: F.hessian(cube, x, **kw),
        "jac_expsin": lambda: F.jacobian(expsin, x, **kw),
        "vjp_expsin": lambda: F.vjp(expsin, x, v, **kw),
        "jvp_expsin": lambda: F.jvp(expsin, x, v, **kw),
        "jac_pair": lambda: F.jacobian(pair, (x, y), **kw),
        "vjp_pair": lambda: F.vjp(pair, (x, y), (v, y), **kw),
        "jvp_pair": lambda: F.jvp(pair, (x, y), (v, y), **kw),
        "hess_two": lambda: F.hessian(two, (x, y), **kw),
        "vhp_two": lambda: F.vhp(two, (x, y), (v, y), **kw),
        "hvp_two": lambda: F.hvp(two, (x, y), (v, y), **kw),
    }[name]()


def flat(res: Any) -> Any:
    """A result as nested tuples of flat lists (a 0-d tensor as a float)."""
    if isinstance(res, tuple):
        return tuple(flat(r) for r in res)
    data = res.detach().numpy()
    return float(data) if data.ndim == 0 else data.reshape(-1).tolist()


def assert_same(got: Any, want: Any, path: str = "result") -> None:
    assert type(got) is type(want), f"{path}: {type(got).__name__} != {type(want).__name__}"
    if isinstance(want, tuple):
        assert len(got) == len(want), f"{path}: length {len(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{path}[{i}]")
    else:
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-11, err_msg=path)


@pytest.mark.parametrize("name", [k for k in TORCH if not k.startswith("cg_")])
def test_values_and_structure_match_torch_literals(name):
    assert_same(flat(run_am(name)), TORCH[name])


@pytest.mark.parametrize("name", [k for k in TORCH if not k.startswith("cg_")])
def test_results_are_detached_without_create_graph(name):
    x = t64(X, requires_grad=True)
    res = run_am(name)
    flat_res: list[am.Tensor] = []
    stack = [res]
    while stack:
        r = stack.pop()
        if isinstance(r, tuple):
            stack.extend(r)
        else:
            flat_res.append(r)
    assert all(not r.requires_grad and r.grad_fn is None for r in flat_res)
    # even when the inputs require grad
    out, g = F.vjp(expsin, x, t64(V))
    assert not out.requires_grad and not g.requires_grad


def test_shapes_follow_outputs_then_inputs():
    x = am.tensor(np.ones((2, 3)))
    y = am.tensor(np.ones(4))

    def f(a, b):
        return a.sum(1), (a.sum() * b).reshape(2, 2), a.sum()

    jac = F.jacobian(f, (x, y))
    assert [[j.shape for j in row] for row in jac] == [
        [(2, 2, 3), (2, 4)], [(2, 2, 2, 3), (2, 2, 4)], [(2, 3), (4,)]]
    assert F.jacobian(lambda a: a * 2, x).shape == (2, 3, 2, 3)
    assert [j.shape for j in F.jacobian(lambda a, b: a.sum() * b, (x, y))] == [(4, 2, 3),
                                                                              (4, 4)]
    assert [j.shape for j in F.jacobian(lambda a: (a, a.sum()), x)] == [(2, 3, 2, 3), (2, 3)]
    h = F.hessian(lambda a, b: (a.sum() * b).sum(), (x, y))
    assert [[e.shape for e in row] for row in h] == [[(2, 3, 2, 3), (2, 3, 4)],
                                                     [(4, 2, 3), (4, 4)]]


def test_create_graph_results_can_be_differentiated_again():
    x = t64(X, requires_grad=True)
    jac = F.jacobian(expsin, x, create_graph=True)
    assert jac.requires_grad and jac.grad_fn is not None
    jac.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), TORCH["cg_jac_grad"], rtol=1e-10)
    x = t64(X, requires_grad=True)
    F.hessian(cube, x, create_graph=True).pow(2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), TORCH["cg_hess_grad"], rtol=1e-10)
    # vjp / jvp / hvp / vhp outputs and results carry the graph too
    for fn in (F.vjp, F.jvp):
        x = t64(X, requires_grad=True)
        out, res = fn(expsin, x, t64(V), create_graph=True)
        assert out.requires_grad and res.requires_grad
        (res * res).sum().backward()
        assert x.grad is not None
    for fn in (F.hvp, F.vhp):
        x = t64(X, requires_grad=True)
        out, res = fn(cube, x, t64(V), create_graph=True)
        assert out.requires_grad and res.requires_grad
        res.sum().backward()  # d/dx sum(6 x * v) = 6 v
        np.testing.assert_allclose(x.grad.numpy(), 6 * np.array(V))


def test_create_graph_with_a_plain_input_still_gives_graph_results_as_torch():
    out, res = F.vjp(expsin, t64(X), t64(V), create_graph=True)
    assert out.requires_grad and res.requires_grad


def test_closures_over_an_input_are_not_differentiated():
    w = t64(X, requires_grad=True)
    jac = F.jacobian(lambda a: a * w, w)  # d(a * w)/da = diag(w), not diag(2 w)
    np.testing.assert_allclose(jac.numpy(), np.diag(X))


def test_v_defaults_to_one_for_one_element_outputs_and_inputs():
    out, g = F.vjp(cube, t64(X))
    assert_same(flat(g), TORCH["jac_cube"])
    _, jv = F.jvp(lambda a: a * 3, t64([2.0]))
    assert flat(jv) == [3.0]
    with pytest.raises(RuntimeError, match="v can only be None if the user-provided function "
                                           "returns a single Tensor with a single element"):
        F.vjp(expsin, t64(X))
    with pytest.raises(RuntimeError, match="v can only be None if the input"):
        F.jvp(expsin, t64(X))
    with pytest.raises(RuntimeError, match="v can only be None if the input"):
        F.hvp(cube, t64(X))


def test_independent_inputs_give_zeros_or_strict_errors():
    x, y, _ = _am_inputs()
    jac = F.jacobian(lambda a, b: a ** 2, (x, y))
    np.testing.assert_array_equal(jac[1].numpy(), np.zeros((3, 3)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is "
                                           "independent of input 1"):
        F.jacobian(lambda a, b: a ** 2, (x, y), strict=True)
    _, g = F.vjp(lambda a, b: a ** 2, (x, y), t64(V))
    np.testing.assert_array_equal(g[1].numpy(), np.zeros(3))
    with pytest.raises(RuntimeError, match="independent of input 1. This is not allowed in "
                                           "strict mode"):
        F.vjp(lambda a, b: a ** 2, (x, y), t64(V), strict=True)
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not "
                                           "require gradients"):
        F.vjp(lambda a: t64(V), x, t64(V), strict=True)
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect "
                                           "to input 0 is independent of the input"):
        F.hessian(lambda a: (a * 2).sum(), x, strict=True)
    np.testing.assert_array_equal(F.hessian(lambda a: (a * 2).sum(), x).numpy(),
                                  np.zeros((3, 3)))
    with pytest.raises(RuntimeError, match="independent of input 0. This is not allowed in "
                                           "strict mode when create_graph=True"):
        F.jacobian(lambda a: a * 2, t64(X, True), create_graph=True, strict=True)


def test_constant_outputs_give_zero_jacobians():
    x = t64(X)
    jac = F.jacobian(lambda a: t64(V), x)
    np.testing.assert_array_equal(jac.numpy(), np.zeros((3, 3)))
    _, jv = F.jvp(lambda a: t64(V), x, t64(V))
    np.testing.assert_array_equal(jv.numpy(), np.zeros(3))


def test_argument_errors():
    x = t64(X)
    with pytest.raises(TypeError, match="inputs given to jacobian must be either a Tensor or a "
                                        "tuple of Tensors"):
        F.jacobian(cube, [x])
    with pytest.raises(TypeError, match="outputs of the user-provided function given to vjp"):
        F.vjp(lambda a: 3.0, x)
    with pytest.raises(RuntimeError, match="v has invalid size: should be"):
        F.vjp(expsin, x, t64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length"):
        F.jvp(pair, (x, x), (x,))
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        F.hessian(lambda a: (a.sum(), a.sum()), x)
    with pytest.raises(RuntimeError, match="should contain a single element"):
        F.vhp(expsin, x, x)
    with pytest.raises(NotImplementedError, match="forward-mode.*reverse-mode"):
        F.jacobian(expsin, x, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match="reverse-mode"):
        F.hessian(cube, x, outer_jacobian_strategy="forward-mode")
    with pytest.raises(ValueError, match="strategy"):
        F.jacobian(expsin, x, strategy="sideways")
    with pytest.raises(RuntimeError, match="strict=True.*vectorize"):
        F.jacobian(expsin, x, vectorize=True, strict=True)


def test_vectorize_is_accepted_and_gives_the_same_result():
    x = t64(X)
    np.testing.assert_array_equal(F.jacobian(expsin, x, vectorize=True).numpy(),
                                  F.jacobian(expsin, x).numpy())
    np.testing.assert_array_equal(F.hessian(cube, x, vectorize=True).numpy(),
                                  F.hessian(cube, x).numpy())


def test_grad_mode_is_left_as_it_was():
    with am.no_grad():
        jac = F.jacobian(expsin, t64(X))
        assert not am.is_grad_enabled()
    assert_same(flat(jac), TORCH["jac_expsin"])


def test_empty_output_gives_an_empty_jacobian():
    jac = F.jacobian(lambda a: a[:0], t64(X))
    assert jac.shape == (0, 3)


# ---- am.autograd.grad's PyTorch-only arguments -------------------------------------------------
def test_grad_accepts_only_inputs_and_warns_when_false_as_torch():
    x = t64(X, requires_grad=True)
    (g,) = am.autograd.grad(cube(x), x, only_inputs=True)
    assert_same(flat(g), TORCH["jac_cube"])
    with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
        am.autograd.grad(cube(x), x, only_inputs=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        am.autograd.grad(cube(x), [x], None, None, False, True)  # PyTorch's positional order


def test_grad_is_grads_batched_is_a_clear_error():
    x = t64(X, requires_grad=True)
    (g,) = am.autograd.grad(cube(x), x, is_grads_batched=False)
    assert g is not None
    with pytest.raises(NotImplementedError, match="is_grads_batched=True.*once per row"):
        am.autograd.grad(expsin(x), x, t64(np.eye(3)), is_grads_batched=True)


def test_grad_materialize_grads_gives_zeros_for_unused_inputs():
    x, y = t64(X, requires_grad=True), t64(Y, requires_grad=True)
    gx, gy = am.autograd.grad(cube(x), (x, y), materialize_grads=True)
    np.testing.assert_array_equal(gy.numpy(), np.zeros(3))
    assert am.autograd.grad(cube(x), (x, y), allow_unused=True)[1] is None
    with pytest.raises(ValueError, match="allow_unused"):
        am.autograd.grad(cube(x), (x, y), allow_unused=False, materialize_grads=True)


# ---- against torch itself ---------------------------------------------------------------------
def _torch_flat(res: Any) -> Any:
    if isinstance(res, tuple):
        return tuple(_torch_flat(r) for r in res)
    data = res.detach().numpy()
    return float(data) if data.ndim == 0 else data.reshape(-1).tolist()


def _grad_flags(res: Any) -> Any:
    return tuple(_grad_flags(r) for r in res) if isinstance(res, tuple) else res.requires_grad


CALLS = {  # name: (function name, func, input names, v names or None)
    "jac_cube": ("jacobian", cube, "x", None),
    "hess_cube": ("hessian", cube, "x", None),
    "jac_expsin": ("jacobian", expsin, "x", None),
    "vjp_expsin": ("vjp", expsin, "x", "v"),
    "jvp_expsin": ("jvp", expsin, "x", "v"),
    "jac_pair": ("jacobian", pair, "xy", None),
    "vjp_pair": ("vjp", pair, "xy", "vy"),
    "jvp_pair": ("jvp", pair, "xy", "vy"),
    "hess_two": ("hessian", two, "xy", None),
    "vhp_two": ("vhp", two, "xy", "vy"),
    "hvp_two": ("hvp", two, "xy", "vy"),
    "vjp_cube_default_v": ("vjp", cube, "x", ""),
    "jac_independent": ("jacobian", lambda a, b: a * a, "xy", None),
    "hvp_independent": ("hvp", lambda a, b: (a * a).sum(), "xy", "vy"),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_torch(name, create_graph, requires_grad):
    torch = pytest.importorskip("torch")
    fn_name, func, in_names, v_names = CALLS[name]
    values = {"x": X, "y": Y, "v": V}

    def args(make):
        ins = tuple(make(values[n], requires_grad) for n in in_names)
        inputs = ins if len(in_names) > 1 else ins[0]
        call: list[Any] = [inputs]
        if v_names:
            vs = tuple(make(values[n], False) for n in v_names)
            call.append(vs if len(v_names) > 1 else vs[0])
        return call

    got = getattr(F, fn_name)(func, *args(t64), create_graph=create_graph)
    want = getattr(torch.autograd.functional, fn_name)(
        func, *args(lambda d, rg: torch.tensor(d, dtype=torch.float64, requires_grad=rg)),
        create_graph=create_graph)
    assert_same(flat(got), _torch_flat(want))
    assert _grad_flags(got) == _grad_flags(want)


@pytest.mark.parametrize("fn_name", ["jacobian", "vjp", "jvp", "hessian", "hvp", "vhp"])
def test_strict_errors_match_torch(fn_name):
    torch = pytest.importorskip("torch")
    linear = (lambda a, b: (a * 2).sum()) if fn_name in ("hessian", "hvp", "vhp") else \
        (lambda a, b: a * 2)
    needs_v = fn_name not in ("jacobian", "hessian")

    def call(module, make):
        ins = (make(X), make(Y))
        extra = (ins,) if needs_v else ()
        try:
            getattr(module, fn_name)(linear, ins, *extra, strict=True)
        except RuntimeError as exc:
            return str(exc)
        return None

    want = call(torch.autograd.functional, lambda d: torch.tensor(d, dtype=torch.float64))
    got = call(F, t64)
    assert want is not None and got == want
