"""`am.func` transforms never confuse perturbations, nest to any depth, and return results with
no graph for plain inputs.

Each transform differentiates with respect to a fresh alias of each argument, so an argument
that already requires grad (or a closure over it) gives the mathematically right answer. The
expected values are closed forms, or PyTorch's answers (torch.func 2.13.0, float64) written into
the table below and, where torch is importable, also compared live.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_mini as am

F = am.func


def scalar(v: float, requires_grad: bool = False) -> am.Tensor:
    return am.tensor(np.array(v, dtype=np.float64), requires_grad=requires_grad)


def vector(values, requires_grad: bool = False) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


# ---- perturbation confusion -------------------------------------------------------------------
@pytest.mark.parametrize("x0, y0", [(0.3, 1.7), (-2.0, 5.0), (4.0, 0.0), (1.0, 1.0)])
def test_classic_perturbation_confusion_is_one(x0, y0):
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1, wherever the inner derivative is evaluated
    x, y = scalar(x0), scalar(y0)
    at_y = F.grad(lambda x: x * F.grad(lambda y: x + y)(y))(x)
    at_x = F.grad(lambda x: x * F.grad(lambda y: x + y)(x))(x)  # the confusing case: y is x
    assert at_y.item() == 1.0
    assert at_x.item() == 1.0  # confusing the perturbations gives 2


@given(finite, finite)
def test_perturbation_confusion_property(x0, y0):
    x, y = scalar(x0), scalar(y0)
    assert F.grad(lambda x: x * F.grad(lambda y: x + y)(y))(x).item() == 1.0
    assert F.grad(lambda x: x * F.grad(lambda y: x + y)(x))(x).item() == 1.0
    # the same with an argument that already requires grad
    xr = scalar(x0, requires_grad=True)
    assert F.grad(lambda x: x * F.grad(lambda y: x + y)(x))(xr).item() == 1.0


def test_perturbation_confusion_on_arrays_summed():
    x = vector([0.5, -1.0, 2.0])
    y = vector([1.0, 2.0, 3.0])
    at_y = F.grad(lambda x: (x * F.grad(lambda y: (x + y).sum())(y)).sum())(x)
    at_x = F.grad(lambda x: (x * F.grad(lambda y: (x + y).sum())(x)).sum())(x)
    np.testing.assert_array_equal(at_y.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(at_x.numpy(), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("requires_grad", [True, False])
def test_grad_of_w_times_y_at_w_is_w(requires_grad):
    w = scalar(3.0, requires_grad)
    g = F.grad(lambda y: w * y)(w)
    assert g.item() == 3.0
    assert g.item() != 2 * 3.0  # the old behaviour (w used as is when it requires grad) gave 2w
    assert g.requires_grad == requires_grad  # it is w itself: differentiable iff w is
    assert w.grad is None  # the caller's tensor is left alone


@pytest.mark.parametrize("requires_grad", [True, False])
def test_value_and_grad_vjp_jacobian_do_not_confuse_perturbations(requires_grad):
    w = vector([1.5, -2.0, 0.25], requires_grad)
    value, g = F.value_and_grad(lambda y: (w * y).sum())(w)
    np.testing.assert_array_equal(g.detach().numpy(), w.data)
    assert value.item() == np.sum(w.data ** 2)
    out, vjp_fn = F.vjp(lambda y: w * y, w)
    np.testing.assert_array_equal(out.detach().numpy(), w.data ** 2)
    (v,) = vjp_fn(am.ones(3, dtype=am.float64))
    np.testing.assert_array_equal(v.detach().numpy(), w.data)
    jac = F.jacobian(lambda y: w * y)(w)
    np.testing.assert_array_equal(jac.detach().numpy(), np.diag(w.data))
    for r in (value, g, out, v, jac):
        assert r.requires_grad == requires_grad


def test_nested_vjp_and_jacobian_do_not_confuse_perturbations():
    x = vector([0.5, -1.0, 2.0])
    # d/dx [x * (J_y (x + y) at y = x) 1] = d/dx [x] = I, not 2I
    jac = F.jacobian(lambda x: x * F.jacobian(lambda y: x + y)(x).sum(1))(x)
    np.testing.assert_array_equal(jac.numpy(), np.eye(3))

    def inner_vjp(x):
        _, fn = F.vjp(lambda y: x + y, x)
        return (x * fn(am.ones(3, dtype=am.float64))[0]).sum()

    np.testing.assert_array_equal(F.grad(inner_vjp)(x).numpy(), [1.0, 1.0, 1.0])

    def inner_value_and_grad(x):
        _, g = F.value_and_grad(lambda y: (x + y).sum())(x)
        return (x * g).sum()

    np.testing.assert_array_equal(F.grad(inner_value_and_grad)(x).numpy(), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("x0", [0.7, -1.3, 2.0])
def test_inner_gradient_through_a_closure(x0):
    # d/dx [d/dy (x y^2) at y = x] = d/dx [2 x^2] = 4x (confusion gives d/dx 3x^2 = 6x)
    x = scalar(x0)
    got = F.grad(lambda x: F.grad(lambda y: x * y ** 2)(x))(x)
    np.testing.assert_allclose(got.item(), 4 * x0, rtol=1e-15)


def test_closure_that_requires_grad_keeps_the_graph():
    # grad_y (w y^2) at c = 2 w c: depends on w, so it can be backpropagated to w (d/dw = 2c)
    w, c = scalar(1.5, requires_grad=True), scalar(-0.5)
    g = F.grad(lambda y: w * y ** 2)(c)
    assert g.requires_grad and g.item() == 2 * 1.5 * -0.5
    g.backward()
    assert w.grad.item() == 2 * -0.5
    # a closure over a plain tensor gives a result with no graph
    g = F.grad(lambda y: scalar(1.5) * y ** 2)(c)
    assert not g.requires_grad and g.grad_fn is None


# ---- nesting ----------------------------------------------------------------------------------
@pytest.mark.parametrize("x0", [0.7, -1.5, 3.0])
def test_grad_of_grad_of_cube(x0):
    x = scalar(x0)
    d2 = F.grad(F.grad(lambda t: t ** 3))(x)
    np.testing.assert_allclose(d2.numpy(), 6 * x0, rtol=1e-15)
    d2r = F.grad(F.grad(lambda t: t ** 3))(scalar(x0, requires_grad=True))
    np.testing.assert_allclose(d2r.item(), 6 * x0, rtol=1e-15)


@pytest.mark.parametrize("x0", [0.7, -1.5, 3.0])
def test_third_derivative_of_sin_is_minus_cos(x0):
    for requires_grad in (False, True):
        d3 = F.grad(F.grad(F.grad(am.sin)))(scalar(x0, requires_grad))
        np.testing.assert_allclose(d3.item(), -np.cos(x0), rtol=1e-14)


def f1(t):
    return t[0] * t[1] ** 2 + am.sin(t[2]) * t[0] + am.exp(t[1] * t[2])


def f1_hessian(p):
    a, b, c = p
    e = np.exp(b * c)
    return np.array([[0.0, 2 * b, np.cos(c)],
                     [2 * b, 2 * a + c * c * e, e + b * c * e],
                     [np.cos(c), e + b * c * e, -np.sin(c) * a + b * b * e]])


def rosen(t):
    return (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2


def rosen_hessian(p):
    a, b = p
    return np.array([[2 - 400 * (b - a ** 2) + 800 * a ** 2, -400 * a], [-400 * a, 200.0]])


@pytest.mark.parametrize("f, expected, point", [
    (f1, f1_hessian, [0.3, -1.1, 0.8]),
    (rosen, rosen_hessian, [0.5, -0.3]),
    (lambda t: (t ** 3).sum(), lambda p: np.diag(6 * np.asarray(p)), [1.0, -2.0, 0.5]),
    (lambda t: (am.sin(t) * t).sum(),
     lambda p: np.diag(2 * np.cos(p) - np.asarray(p) * np.sin(p)), [0.2, 1.4]),
])
def test_hessian_against_analytic(f, expected, point):
    for requires_grad in (False, True):
        hess = F.hessian(f)(vector(point, requires_grad))
        np.testing.assert_allclose(hess.detach().numpy(), expected(np.asarray(point)), rtol=1e-12,
                                   atol=1e-14)


def test_jacobian_of_a_vector_function():
    a = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
    x = vector([0.4, -0.6])
    jac = F.jacobian(lambda t: am.tanh(am.tensor(a) @ t))(x)
    np.testing.assert_allclose(jac.numpy(), (1 - np.tanh(a @ x.data) ** 2)[:, None] * a, rtol=1e-14)


# ---- graphs: none for plain inputs, a correct one otherwise -----------------------------------
def test_results_for_plain_inputs_carry_no_graph():
    x = vector([1.0, 2.0])
    f = lambda t: (t ** 3).sum()  # noqa: E731
    hess = F.hessian(f)(x)
    np.testing.assert_array_equal(hess.numpy(), np.diag([6.0, 12.0]))
    value, g = F.value_and_grad(f)(x)
    out, vjp_fn = F.vjp(lambda t: t ** 3, x)
    (v,) = vjp_fn(am.ones(2, dtype=am.float64))
    results = [hess, value, g, F.grad(F.grad(lambda t: t ** 3))(scalar(0.5)), out, v,
               F.jacobian(lambda t: t ** 3)(x)]
    for r in results:
        assert not r.requires_grad and r.grad_fn is None
        r.numpy()  # refused while a tensor requires grad
    assert not x.requires_grad and x.grad is None


def test_results_for_inputs_that_require_grad_backpropagate_to_them():
    x = scalar(2.0, requires_grad=True)
    g = F.grad(lambda t: t ** 3)(x)  # 3 x^2
    assert g.requires_grad and g.item() == 12.0
    assert x.grad is None  # the transform itself leaves x.grad alone
    g.backward()
    assert x.grad.item() == 6 * 2.0
    xs = vector([1.0, 2.0], requires_grad=True)
    hess = F.hessian(lambda t: (t ** 3).sum())(xs)  # diag(6x)
    assert hess.requires_grad
    hess.sum().backward()
    np.testing.assert_array_equal(xs.grad.numpy(), [6.0, 6.0])


def test_vjp_with_a_cotangent_that_requires_grad_stays_differentiable():
    x = vector([1.0, -2.0])
    _, vjp_fn = F.vjp(lambda t: t ** 2, x)
    v = vector([0.5, 3.0], requires_grad=True)
    (got,) = vjp_fn(v)  # 2 x v
    np.testing.assert_array_equal(got.detach().numpy(), [1.0, -12.0])
    got.sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), 2 * x.data)


# ---- PyTorch's answers --------------------------------------------------------------------------
# Computed with torch.func (2.13.0, float64): grad, hessian, jacrev, vjp, grad_and_value.
A = [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]


def _am_cases() -> dict:
    w = vector([1.5, -2.0, 0.25], requires_grad=True)
    x, p = scalar(0.7), vector([0.3, -1.1, 0.8])
    return {
        "confusion at y": lambda: F.grad(lambda x: x * F.grad(lambda y: x + y)(scalar(1.7)))(
            scalar(0.3)),
        "confusion at x": lambda: F.grad(lambda x: x * F.grad(lambda y: x + y)(x))(scalar(-2.0)),
        "w * y at w": lambda: F.grad(lambda y: (w * y).sum())(w),
        "value_and_grad w": lambda: F.value_and_grad(lambda y: (w * y).sum())(w)[1],
        "vjp w": lambda: F.vjp(lambda y: w * y, w)[1](am.ones(3, dtype=am.float64))[0],
        "jacobian w": lambda: F.jacobian(lambda y: w * y)(w),
        "closure nest": lambda: F.grad(lambda x: F.grad(lambda y: x * y ** 2)(x))(x),
        "d2 cube": lambda: F.grad(F.grad(lambda t: t ** 3))(x),
        "d3 sin": lambda: F.grad(F.grad(F.grad(am.sin)))(x),
        "hessian f1": lambda: F.hessian(f1)(p),
        "hessian rosen": lambda: F.hessian(rosen)(vector([0.5, -0.3])),
        "jacobian tanh": lambda: F.jacobian(lambda t: am.tanh(am.tensor(np.array(A)) @ t))(
            vector([0.4, -0.6])),
    }


TORCH_TABLE = {
    "confusion at y": 1.0,
    "confusion at x": 1.0,
    "w * y at w": [1.5, -2.0, 0.25],
    "value_and_grad w": [1.5, -2.0, 0.25],
    "vjp w": [1.5, -2.0, 0.25],
    "jacobian w": [[1.5, 0.0, 0.0], [0.0, -2.0, 0.0], [0.0, 0.0, 0.25]],
    "closure nest": 2.8,
    "d2 cube": 4.199999999999999,
    "d3 sin": -0.7648421872844885,
    "hessian f1": [[0.0, -2.2, 0.6967067093471654],
                   [-2.2, 0.8654610634762121, 0.0497739494017897],
                   [0.6967067093471654, 0.0497739494017897, 0.28668049586485667]],
    "hessian rosen": [[422.0, -200.0], [-200.0, 200.0]],
    "jacobian tanh": [[0.279527583866122, -0.559055167732244],
                      [1.346386899752482, 0.16829836246906024],
                      [-0.2287649971555568, 0.4575299943111136]],
}


def _torch_cases(torch) -> dict:
    from torch.func import grad, grad_and_value, hessian, jacrev, vjp

    def t(v, requires_grad=False):
        return torch.tensor(v, dtype=torch.float64, requires_grad=requires_grad)

    w = t([1.5, -2.0, 0.25], True)
    x, p = t(0.7), t([0.3, -1.1, 0.8])

    def tf1(q):
        return q[0] * q[1] ** 2 + torch.sin(q[2]) * q[0] + torch.exp(q[1] * q[2])

    return {
        "confusion at y": lambda: grad(lambda x: x * grad(lambda y: x + y)(t(1.7)))(t(0.3)),
        "confusion at x": lambda: grad(lambda x: x * grad(lambda y: x + y)(x))(t(-2.0)),
        "w * y at w": lambda: grad(lambda y: (w * y).sum())(w),
        "value_and_grad w": lambda: grad_and_value(lambda y: (w * y).sum())(w)[0],
        "vjp w": lambda: vjp(lambda y: w * y, w)[1](torch.ones(3, dtype=torch.float64))[0],
        "jacobian w": lambda: jacrev(lambda y: w * y)(w),
        "closure nest": lambda: grad(lambda x: grad(lambda y: x * y ** 2)(x))(x),
        "d2 cube": lambda: grad(grad(lambda q: q ** 3))(x),
        "d3 sin": lambda: grad(grad(grad(torch.sin)))(x),
        "hessian f1": lambda: hessian(tf1)(p),
        "hessian rosen": lambda: hessian(lambda q: (1 - q[0]) ** 2 + 100 * (q[1] - q[0] ** 2) ** 2)(
            t([0.5, -0.3])),
        "jacobian tanh": lambda: jacrev(lambda q: torch.tanh(t(A) @ q))(t([0.4, -0.6])),
    }


@pytest.mark.parametrize("name", sorted(TORCH_TABLE))
def test_matches_pytorch_table(name):
    got = _am_cases()[name]().detach().numpy()
    np.testing.assert_allclose(got, TORCH_TABLE[name], rtol=1e-13, atol=1e-15)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", sorted(TORCH_TABLE))
def test_matches_pytorch_live(name):
    torch = pytest.importorskip("torch")
    expected = _torch_cases(torch)[name]().detach().numpy()
    np.testing.assert_allclose(expected, TORCH_TABLE[name], rtol=1e-13, atol=1e-15)  # the table
    got = _am_cases()[name]().detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
