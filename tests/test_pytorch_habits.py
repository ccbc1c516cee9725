"""Habits from PyTorch tutorials, micrograd and makemore that must work (or fail) as in PyTorch.

1. `.data`: `p.data -= lr * p.grad` and friends update the parameter in place, and `.data` stays
   an ndarray (never a Tensor); `param.data = tensor` stores the tensor's array.
2. In-place methods (`pow_`, `exp_`, `neg_`, `add_`/`sub_` with `alpha=`, ...), with PyTorch's
   gradients on a result they rebase.
3. PyTorch's warnings: `.grad` of a non-leaf, `scheduler.step()` before `optimizer.step()`; and
   the project's own code never triggers them.
4. `clip_grad_norm_`: error_if_nonfinite=False by default, scaling as PyTorch; `foreach=`.
5. Double backward through masks: relu, abs and leaky_relu connect their VJP to the masked
   tensor (a zero gradient, not None), clamp/max/min/maximum/minimum/where do not, as in
   PyTorch; a WGAN-GP-style gradient-penalty loop updates the same parameters as PyTorch.
6. Errors PyTorch raises as RuntimeError are RuntimeErrors here too (am.ShapeError and
   am.DTypeError keep ValueError and TypeError).

PyTorch 2.13's results are written here as literals, so everything runs without torch; the tests
named `*_against_torch` recompute them with torch when it is installed (skipped otherwise).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.nn import functional as F
from autograd_mini.nn.utils import clip_grad_norm_, clip_grad_value_

NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")
STEP_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value "
    "of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")


def _torch() -> Any:
    return pytest.importorskip("torch")


def _f64(values: Any, requires_grad: bool = False) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


@pytest.fixture
def strict_warnings() -> Any:
    """PyTorch's two warnings become errors: code run under this fixture must not trigger them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="The .grad attribute", category=UserWarning)
        warnings.filterwarnings("error", message="Detected call of", category=UserWarning)
        yield


# ---- 1. .data -----------------------------------------------------------------------------------
def test_augmented_assignment_through_data_updates_the_parameter_in_place() -> None:
    p = _f64([1.0, 2.0, 3.0], requires_grad=True)
    (p * p).sum().backward()
    array = p.data
    p.data -= 0.1 * p.grad  # ndarray -= Tensor: written into the array, which stays an ndarray
    assert p.data is array and type(p.data) is np.ndarray
    np.testing.assert_allclose(p.data, [0.8, 1.6, 2.4])
    p.data += p.grad
    p.data *= am.tensor(0.5, dtype=am.float64)
    p.data /= _f64([1.0, 2.0, 4.0])
    assert p.data is array and p.is_leaf and p.requires_grad
    np.testing.assert_allclose(p.data, [1.4, 1.4, 1.05])
    p.data.fill(0)  # what an ndarray has instead of zero_()
    p.data[...] = 7
    np.testing.assert_array_equal(p.data, [7.0, 7.0, 7.0])


def test_data_update_with_a_gradient_that_requires_grad() -> None:
    """backward(create_graph=True) gives a p.grad that requires grad: `p.data -= lr * p.grad`
    still just writes the values (outside autograd, as PyTorch's .data)."""
    p = _f64([1.0, 2.0], requires_grad=True)
    (p ** 3).sum().backward(create_graph=True)
    assert p.grad.requires_grad
    p.data -= 0.1 * p.grad
    assert type(p.data) is np.ndarray and p.is_leaf
    np.testing.assert_allclose(p.data, [0.7, 0.8])


def test_numpy_out_arguments_with_tensors() -> None:
    """A plain ndarray `out=` takes Tensor operands; an out= Tensor, or a tensor that requires grad
    written into another array (not `array op= t`), is refused with advice."""
    out = np.empty(2)
    assert np.add(_f64([1.0, 2.0]), 1.0, out=out) is out
    np.testing.assert_array_equal(out, [2.0, 3.0])
    with pytest.raises(TypeError, match="out= a Tensor is not supported"):
        np.add(np.ones(2), np.ones(2), out=am.zeros(2))
    with pytest.raises(TypeError, match="use am.exp"):
        np.exp(_f64([1.0], requires_grad=True), out=np.empty(1))


MAKEMORE_X = np.random.default_rng(3).standard_normal((4, 3))
# torch: for 3 steps of `loss = tanh(X @ W + b).pow(2).sum(); backward; p.data += -0.1 * p.grad`
MAKEMORE_TORCH = {
    "losses": [4.968470521538638, 3.8768152559612687, 2.641751919267559],
    "W": [[0.03602299211316784, 0.03976589657941634],
          [-0.9523266639650962, -0.3213609118691374],
          [0.6926440131377233, -0.10543563132143666]],
    "b": [0.5820792638333033, -0.3584943540585461],
}


def _makemore_loop(m: Any) -> dict[str, Any]:
    """makemore's update, `p.data += -lr * p.grad`, on plain leaf tensors (m: am or torch)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3))
    w0, b0 = rng.standard_normal((3, 2)), rng.standard_normal(2)
    W = m.tensor(w0, requires_grad=True)
    b = m.tensor(b0, requires_grad=True)
    losses = []
    for _ in range(3):
        loss = m.tanh(m.tensor(x) @ W + b).pow(2).sum()
        losses.append(loss.item())
        for p in (W, b):
            p.grad = None
        loss.backward()
        for p in (W, b):
            p.data += -0.1 * p.grad
    return {"losses": losses, "W": W.detach().numpy().tolist(), "b": b.detach().numpy().tolist()}


def test_makemore_update_loop() -> None:
    got = _makemore_loop(am)
    for key, want in MAKEMORE_TORCH.items():
        np.testing.assert_allclose(got[key], want, rtol=1e-12, err_msg=key)


def test_makemore_update_loop_against_torch() -> None:
    torch = _torch()
    got, want = _makemore_loop(am), _makemore_loop(torch)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, err_msg=key)


def test_assigning_a_tensor_to_a_parameters_data_stores_its_array() -> None:
    """`param.data = param.data - lr * param.grad` (a Tensor: ndarray - Tensor gives one) stores
    its array, shared as PyTorch shares the storage; shape and dtype may change, as PyTorch."""
    model = nn.Linear(3, 2)
    model(am.ones(4, 3)).sum().backward()
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    for p in model.parameters():
        p.data = p.data - 0.1 * p.grad
        assert type(p.data) is np.ndarray
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.data, before[name] - 0.1 * p.grad.data, rtol=1e-6)
    p = nn.Parameter(am.ones(3))
    t = am.zeros(5, dtype=am.float64)
    p.data = t
    assert p.data is t.data and p.shape == (5,) and p.dtype == np.float64
    t[0] = 5.0  # the memory is shared
    assert p.data[0] == 5.0
    p.data = np.full(2, 3.0)
    assert p.shape == (2,) and p.requires_grad and p.is_leaf
    with pytest.raises(TypeError, match="has to be a tensor"):
        p.data = [1.0, 2.0]
    with pytest.raises(RuntimeError, match="must be floating point"):
        p.data = am.tensor([1, 2])


def test_parameter_data_assignment_against_torch() -> None:
    torch = _torch()
    p = torch.nn.Parameter(torch.ones(3))
    p.data = torch.zeros(5, dtype=torch.float64)
    assert p.shape == (5,) and p.dtype == torch.float64
    with pytest.raises(TypeError, match="has to be a tensor"):
        p.data = [1.0, 2.0]
    with pytest.raises(RuntimeError, match="must be floating point"):
        p.data = torch.tensor([1, 2])


def test_data_is_an_ndarray_without_torchs_methods() -> None:
    """The documented difference: `.data` is the NumPy array, so `p.data.zero_()` and
    `p.grad.data.add_(...)` do not exist; `p.grad.zero_()`, `p.data.fill(0)` and in-place
    operators on `p.data` do the same."""
    p = _f64([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    assert type(p.data) is np.ndarray and type(p.grad.data) is np.ndarray
    for name in ("zero_", "add_", "mul_", "sub_"):
        assert not hasattr(p.data, name)
    p.grad.zero_()
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])


# ---- 2. in-place methods ------------------------------------------------------------------------
X0, E0, W0 = [0.5, 1.5, -2.0], [2.0, 0.5, 3.0], [1.0, 2.0, 3.0]

INPLACE: dict[str, Callable[[Any, Any, Any], Any]] = {
    "pow_3": lambda m, y, e: y.pow_(3),
    "pow_tensor": lambda m, y, e: y.abs().pow_(e),
    "exp_": lambda m, y, e: y.exp_(),
    "neg_": lambda m, y, e: y.neg_(),
    "add_alpha": lambda m, y, e: y.add_(e, alpha=3),
    "sub_alpha": lambda m, y, e: y.sub_(e, alpha=0.5),
    "mul_": lambda m, y, e: y.mul_(e),
    "div_": lambda m, y, e: y.div_(e),
    "clamp_": lambda m, y, e: y.clamp_(-1.0, 2.0),
    "zero_": lambda m, y, e: y.zero_(),
    "fill_": lambda m, y, e: y.fill_(e[0]),
}
# torch: (y after the op, x.grad, e.grad) for y = x * 2; op; (y * W0).sum().backward()
INPLACE_TORCH = {
    "pow_3": ([1.0, 27.0, -64.0], [6.0, 108.0, 288.0], None),
    "pow_tensor": ([1.0, 1.7320508075688772, 64.0], [4.0, 1.1547005383792515, -288.0],
                   [0.0, 3.805704603585384, 266.168517335019]),
    "exp_": ([2.718281828459045, 20.085536923187668, 0.01831563888873418],
             [5.43656365691809, 80.34214769275067, 0.10989383333240507], None),
    "neg_": ([-1.0, -3.0, 4.0], [-2.0, -4.0, -6.0], None),
    "add_alpha": ([7.0, 4.5, 5.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]),
    "sub_alpha": ([0.0, 2.75, -5.5], [2.0, 4.0, 6.0], [-0.5, -1.0, -1.5]),
    "mul_": ([2.0, 1.5, -12.0], [4.0, 2.0, 18.0], [1.0, 6.0, -12.0]),
    "div_": ([0.5, 6.0, -1.3333333333333333], [1.0, 8.0, 2.0],
             [-0.25, -24.0, 1.3333333333333333]),
    "clamp_": ([1.0, 2.0, -1.0], [2.0, 0.0, 0.0], None),
    "zero_": ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], None),
    "fill_": ([2.0, 2.0, 2.0], [0.0, 0.0, 0.0], [6.0, 0.0, 0.0]),
}


def _run_inplace(m: Any, name: str) -> tuple:
    x = m.tensor(np.array(X0), requires_grad=True)
    e = m.tensor(np.array(E0), requires_grad=True)
    y = INPLACE[name](m, x * 2, e)  # every in-place method returns its tensor
    (y * m.tensor(np.array(W0))).sum().backward()
    return (y.detach().numpy().tolist(), x.grad.numpy().tolist(),
            None if e.grad is None else e.grad.numpy().tolist())


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_methods_rebase_with_pytorchs_gradients(name: str) -> None:
    got = _run_inplace(am, name)
    for what, g, w in zip(("value", "x.grad", "e.grad"), got, INPLACE_TORCH[name]):
        assert (g is None) == (w is None), what
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-12, err_msg=what)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_methods_against_torch(name: str) -> None:
    torch = _torch()
    for what, g, w in zip(("value", "x.grad", "e.grad"), _run_inplace(am, name),
                          _run_inplace(torch, name)):
        assert (g is None) == (w is None), what
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-12, err_msg=what)


def test_inplace_methods_are_written_in_place_outside_the_graph() -> None:
    t = _f64([1.0, 2.0])
    array = t.data
    assert t.pow_(2) is t and t.exp_() is t and t.neg_() is t and t.data is array
    np.testing.assert_allclose(t.data, -np.exp([1.0, 4.0]))
    view = t[:1]
    t.neg_()  # a view sees the write
    assert view.item() == pytest.approx(np.e)
    with am.no_grad():  # an optimizer-style update of a leaf that requires grad
        p = _f64([1.0, 2.0], requires_grad=True)
        p.pow_(2).neg_()
        p.exp_()
    np.testing.assert_allclose(p.data, np.exp([-1.0, -4.0]))


def test_deprecated_alpha_first_overload_warns_and_works() -> None:
    """Old optimizers wrote `p.data.add_(-lr, d_p)` (on a tensor: add_(Number alpha, Tensor
    other)); PyTorch 2.13 still accepts it with a deprecation warning."""
    with am.no_grad():
        p = _f64([1.0, 1.0], requires_grad=True)
        with pytest.warns(UserWarning, match=r"This overload of add_ is deprecated"):
            p.add_(-0.1, _f64([1.0, 2.0]))
        with pytest.warns(UserWarning, match=r"This overload of sub_ is deprecated"):
            p.sub_(0.1, _f64([1.0, 2.0]))
    np.testing.assert_allclose(p.data, [0.8, 0.6])


INPLACE_ERRORS: dict[str, Callable[[Any], Any]] = {
    "leaf that requires grad: pow_": lambda m: m.ones(2, requires_grad=True).pow_(2),
    "leaf that requires grad: exp_": lambda m: m.ones(2, requires_grad=True).exp_(),
    "leaf that requires grad: neg_": lambda m: m.ones(2, requires_grad=True).neg_(),
    "exp_ of an int tensor": lambda m: m.tensor([1, 2]).exp_(),
    "pow_ of an int tensor by a float": lambda m: m.tensor([1, 2]).pow_(2.0),
    "neg_ of a bool tensor": lambda m: m.tensor([True]).neg_(),
    "pow_ by a tensor of a larger shape": lambda m: m.ones(2).pow_(m.ones(3, 2)),
}


@pytest.mark.parametrize("case", sorted(INPLACE_ERRORS))
def test_inplace_method_errors_are_runtime_errors(case: str) -> None:
    with pytest.raises(RuntimeError):
        INPLACE_ERRORS[case](am)


@pytest.mark.parametrize("case", sorted(INPLACE_ERRORS))
def test_inplace_method_errors_against_torch(case: str) -> None:
    torch = _torch()
    with pytest.raises(RuntimeError):
        INPLACE_ERRORS[case](torch)


def test_inplace_methods_exist_with_pytorchs_arguments() -> None:
    t = _f64([1.0, -2.0])
    assert t.add_(t, alpha=2) is t and t.sub_(1.0, alpha=0.5) is t
    assert t.mul_(2) is t and t.div_(2) is t and t.clamp_(min=0.0) is t
    assert t.fill_(3.0) is t and t.zero_() is t
    np.testing.assert_array_equal(t.data, [0.0, 0.0])
    y = _f64([1.0, 2.0], requires_grad=True) * 1.0
    z = y ** 2  # saves y
    y.exp_()  # then y is written in place: backward refuses, as PyTorch
    with pytest.raises(RuntimeError, match="modified in place"):
        z.sum().backward()


# ---- 3. warnings --------------------------------------------------------------------------------
def test_reading_grad_of_a_non_leaf_warns_as_pytorch() -> None:
    x = _f64([1.0, 2.0], requires_grad=True)
    y = x * 2
    kept = x * 3
    kept.retain_grad()
    (y + kept).sum().backward()
    with pytest.warns(UserWarning) as record:
        assert y.grad is None
    assert [str(w.message) for w in record] == [NON_LEAF_GRAD]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is not None and kept.grad is not None  # a leaf, a retained non-leaf
        assert am.ones(2).grad is None  # a leaf that does not require grad
        y.grad = am.ones(2, dtype=am.float64)  # a non-leaf whose grad was set: no warning
        assert y.grad is not None


def test_non_leaf_grad_warning_against_torch() -> None:
    torch = _torch()
    y = torch.ones(2, requires_grad=True) * 2
    with pytest.warns(UserWarning) as record:
        assert y.grad is None
    assert str(record[0].message).startswith(NON_LEAF_GRAD)  # torch adds where it was raised


def test_scheduler_step_before_optimizer_step_warns_once() -> None:
    p = nn.Parameter(am.ones(2))
    opt = optim.SGD([p], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with pytest.warns(UserWarning) as record:
        sched.step()
    assert [str(w.message) for w in record] == [STEP_ORDER]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()  # once only, as PyTorch
    assert sched.get_last_lr() == [0.025]


def test_scheduler_after_optimizer_step_does_not_warn(strict_warnings: Any) -> None:
    p = nn.Parameter(am.ones(2))
    opt = optim.Adam([p], lr=0.1)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3)
    for _ in range(3):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        sched.step()

    class Custom(optim.Optimizer):
        """An optimizer that overrides step() itself: its calls count too."""

        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": 0.1})

        def step(self, closure: Any = None) -> None:
            with am.no_grad():
                for group in self.param_groups:
                    for q in group["params"]:
                        if q.grad is not None:
                            q -= group["lr"] * q.grad

    custom = Custom([p])
    sched = optim.lr_scheduler.StepLR(custom, 1)
    custom.step()
    sched.step()


def test_scheduler_warning_against_torch() -> None:
    torch = _torch()
    p = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with pytest.warns(UserWarning) as record:
        sched.step()
    assert [str(w.message) for w in record] == [STEP_ORDER]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()
    assert sched.get_last_lr() == [0.025]


def test_the_projects_own_code_never_triggers_these_warnings(strict_warnings: Any) -> None:
    """A training loop with a scheduler, zero_grad both ways, clipping, retained and drawn
    interior gradients, func transforms and gradcheck: none reads a non-leaf's .grad."""
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, 2)
    x = am.randn(5, 3)
    for step in range(3):
        opt.zero_grad(set_to_none=bool(step % 2))
        hidden = model[0](x)
        loss = model[2](model[1](hidden)).pow(2).mean()
        loss.backward(retain_graph=True)
        clip_grad_norm_(model.parameters(), 1.0)
        clip_grad_value_(model.parameters(), 0.5)
        opt.step()
        sched.step()
    am.viz.to_dot(loss, params=dict(model.named_parameters()), show_grads=True)
    with am.autograd.retain_grads():
        model(x).sum().backward()
    am.func.grad(lambda t: (t * t).sum())(am.ones(2))
    assert am.gradcheck(lambda t: F.relu(t).sum(), (_f64([0.5, -1.0], requires_grad=True),))


# ---- 4. clip_grad_norm_ -------------------------------------------------------------------------
# torch: (grads, norm_type) -> (total norm, clipped grads), max_norm 1.0, float32 gradients
CLIP_TORCH = [
    ([[1.0, np.inf], [2.0]], 2.0, np.inf, [[0.0, np.nan], [0.0]]),
    ([[1.0, np.nan], [2.0]], 2.0, np.nan, [[np.nan, np.nan], [np.nan]]),
    ([[3.0, 4.0], [12.0]], 2.0, 13.0,
     [[0.23076921701431274, 0.307692289352417], [0.923076868057251]]),
    ([[3.0, 4.0], [12.0]], np.inf, 12.0,
     [[0.2499999850988388, 0.3333333134651184], [0.9999999403953552]]),
    ([[1.0, np.inf], [2.0]], np.inf, np.inf, [[0.0, np.nan], [0.0]]),
    ([[0.1, 0.2]], 2.0, 0.22360680997371674, [[0.10000000149011612, 0.20000000298023224]]),
]


def _clip(m: Any, grads: list, norm_type: float, **kw: Any) -> tuple[float, Any, list]:
    params = []
    for g in grads:
        p = m.zeros(len(g), requires_grad=True)
        p.grad = m.tensor(np.array(g, dtype=np.float32))
        params.append(p)
    total = (m.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type, **kw))
    return total.item(), total.dtype, [p.grad.numpy().tolist() for p in params]


@pytest.mark.parametrize("case", range(len(CLIP_TORCH)))
def test_clip_grad_norm_as_pytorch(case: int) -> None:
    grads, norm_type, want_total, want = CLIP_TORCH[case]
    total, dtype, got = _clip(am, grads, norm_type, foreach=True)
    np.testing.assert_allclose(total, want_total, rtol=1e-6)
    assert dtype == np.float32
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("case", range(len(CLIP_TORCH)))
def test_clip_grad_norm_against_torch(case: int) -> None:
    torch = _torch()
    grads, norm_type = CLIP_TORCH[case][:2]
    total, _, got = _clip(am, grads, norm_type)
    want_total, _, want = _clip(torch, grads, norm_type)
    np.testing.assert_allclose(total, want_total, rtol=1e-6)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_clip_grad_norm_error_if_nonfinite_and_foreach() -> None:
    p = am.zeros(2, requires_grad=True)
    p.grad = am.tensor([1.0, np.inf])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True, foreach=False)
    np.testing.assert_array_equal(p.grad.data, [1.0, np.inf])  # checked before any change
    clip_grad_value_([p], 0.5, foreach=True)
    np.testing.assert_array_equal(p.grad.data, [0.5, 0.5])
    assert clip_grad_norm_([], 1.0).dtype == am.get_default_dtype()


# ---- 5. double backward through masks -----------------------------------------------------------
MASKED: dict[str, Callable[[Any, Any], Any]] = {
    "relu": lambda m, z: m.relu(z),
    "relu_": lambda m, z: (z * 1).relu_(),
    "F.relu": lambda m, z: m.nn.functional.relu(z),
    "abs": lambda m, z: z.abs(),
    "leaky_relu": lambda m, z: m.nn.functional.leaky_relu(z, 0.1),
    "clamp": lambda m, z: z.clamp(-0.5, 0.5),
    "clamp_min": lambda m, z: z.clamp(min=0.0),
    "max": lambda m, z: z.max(),
    "max_dim": lambda m, z: z.max(dim=0)[0],
    "min": lambda m, z: z.min(),
    "maximum": lambda m, z: m.maximum(z, m.zeros_like(z)),
    "minimum": lambda m, z: m.minimum(z, m.zeros_like(z)),
    "where": lambda m, z: m.where(z > 0, z, m.zeros_like(z)),
}
# torch 2.13: does g = grad(op(x + b).sum(), x, create_graph=True) reach x and b (with zero
# gradients)? relu's threshold_backward, abs's sgn and leaky_relu_backward are connected to the
# tensor their mask comes from; the others take their masks from comparisons.
CONNECTED_TORCH = {"relu": True, "relu_": True, "F.relu": True, "abs": True, "leaky_relu": True,
                   "clamp": False, "clamp_min": False, "max": False, "max_dim": False,
                   "min": False, "maximum": False, "minimum": False, "where": False}


def _connectivity(m: Any, name: str) -> tuple[bool, Any]:
    """(whether the first gradient requires grad, the sums of |second gradient| w.r.t. x and
    b)."""
    rng = np.random.default_rng(5)
    x = m.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = m.tensor(rng.standard_normal(4), requires_grad=True)
    (g,) = m.autograd.grad(MASKED[name](m, x + b).sum(), x, create_graph=True)
    if not g.requires_grad:
        return False, None
    gx, gb = m.autograd.grad(g.sum(), [x, b])  # allow_unused=False: neither is "unused"
    return True, (gx.abs().sum().item(), gb.abs().sum().item())


@pytest.mark.parametrize("name", sorted(MASKED))
def test_second_derivatives_through_masks_are_connected_as_pytorch(name: str) -> None:
    connected, grads = _connectivity(am, name)
    assert connected == CONNECTED_TORCH[name]
    if connected:
        assert grads == (0.0, 0.0)


@pytest.mark.parametrize("name", sorted(MASKED))
def test_second_derivatives_through_masks_against_torch(name: str) -> None:
    torch = _torch()
    assert _connectivity(am, name) == _connectivity(torch, name)


def test_plain_backward_through_a_mask_is_unchanged() -> None:
    """Without create_graph nothing is recorded: relu's VJP stays the product with its mask."""
    x = _f64([-1.0, 0.0, 2.0], requires_grad=True)
    y = am.relu(x * 3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 3.0])
    (g,) = am.autograd.grad(am.relu(x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [0.0, 0.0, 1.0])
    assert g.grad_fn.name() == "MulPiecewiseConstantBackward"


GP_SIZES = [(3, 5), (5, 5), (5, 1)]
# torch 2.13, float64: the parameters after 3 AdamW steps on the penalty alone (sum, sum of |.|),
# and each one's optimizer step count (None: never updated, its grad stayed None)
GP_TORCH = {
    "0.weight": (-2.6766850085721843, 7.297136560785093, 3),
    "0.bias": (-0.04098381994505819, 0.9004481956977619, 3),
    "2.weight": (2.7669479383365787, 11.746732290040923, 3),
    "2.bias": (1.8384732606674632, 2.0240157470409352, 3),
    "4.weight": (-0.7877056399274689, 2.593690241682242, 3),
    "4.bias": (0.11853661805460247, 0.11853661805460247, None),
}
GP_FIRST = {"penalty": 0.2114350843419386, "none": ["4.bias"], "zero": ["0.bias", "2.bias"]}


def _gradient_penalty_loop(m: Any) -> dict[str, Any]:
    """A WGAN-GP critic step on the penalty ((|grad_x D(x_hat)| - 1)^2) alone, with weights and
    data from one seed: the biases of the first two layers reach the penalty only through the
    relu and leaky_relu masks (zero gradients), the last bias not at all (None)."""
    rng = np.random.default_rng(0)
    weights = [(rng.standard_normal((o, i)) * 0.7, rng.standard_normal(o) * 0.3)
               for i, o in GP_SIZES]
    batches = [(rng.standard_normal((6, 3)), rng.standard_normal((6, 3)),
                rng.uniform(size=(6, 1))) for _ in range(3)]
    layers = []
    for w, b in weights:
        layer = m.nn.Linear(w.shape[1], w.shape[0])
        layer.weight = m.nn.Parameter(m.tensor(w))
        layer.bias = m.nn.Parameter(m.tensor(b))
        layers.append(layer)
    critic = m.nn.Sequential(layers[0], m.nn.ReLU(), layers[1], m.nn.LeakyReLU(0.2), layers[2])
    opt = m.optim.AdamW(critic.parameters(), lr=0.05, weight_decay=0.1)
    first: dict[str, Any] = {}
    for step, (real, fake, eps) in enumerate(batches):
        x_hat = m.tensor(eps * real + (1 - eps) * fake, requires_grad=True)
        (g,) = m.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
        penalty = (g.pow(2).sum(1).sqrt() - 1).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        penalty.backward()
        if step == 0:
            named = list(critic.named_parameters())
            first = {"penalty": penalty.item(),
                     "none": [n for n, p in named if p.grad is None],
                     "zero": [n for n, p in named
                              if p.grad is not None and not p.grad.detach().numpy().any()]}
        opt.step()
    final = {}
    for name, p in critic.named_parameters():
        state = opt.state.get(p)
        values = p.detach().numpy()
        final[name] = (float(values.sum()), float(np.abs(values).sum()),
                       None if not state else int(state["step"]))
    return {"first": first, "final": final}


def test_gradient_penalty_loop_updates_what_pytorch_updates() -> None:
    got = _gradient_penalty_loop(am)
    assert got["first"]["none"] == GP_FIRST["none"] and got["first"]["zero"] == GP_FIRST["zero"]
    assert got["first"]["penalty"] == pytest.approx(GP_FIRST["penalty"], rel=1e-12)
    for name, (total, size, steps) in GP_TORCH.items():
        assert got["final"][name][2] == steps, name
        np.testing.assert_allclose(got["final"][name][:2], (total, size), rtol=1e-10,
                                   err_msg=name)


def test_gradient_penalty_loop_against_torch() -> None:
    torch = _torch()
    torch.set_default_dtype(torch.float64)  # m.nn.Linear's own init is replaced anyway
    try:
        want = _gradient_penalty_loop(torch)
    finally:
        torch.set_default_dtype(torch.float32)
    got = _gradient_penalty_loop(am)
    assert got["first"]["none"] == want["first"]["none"]
    assert got["first"]["zero"] == want["first"]["zero"]
    for name, (total, size, steps) in want["final"].items():
        assert got["final"][name][2] == steps, name
        np.testing.assert_allclose(got["final"][name][:2], (total, size), rtol=1e-10,
                                   err_msg=name)


# ---- 6. errors PyTorch raises as RuntimeError ---------------------------------------------------
def _freed(m: Any) -> None:
    y = m.ones(3, requires_grad=True).exp().sum()
    y.backward()
    y.backward()


def _version(m: Any) -> None:
    y = m.ones(3, requires_grad=True) * 1
    z = y.exp()
    z += 1  # exp saved its result
    z.sum().backward()


def _in_place_on_leaf(m: Any) -> None:
    x = m.ones(3, requires_grad=True)
    x += 1


RUNTIME_ERRORS: dict[str, Callable[[Any], Any]] = {
    "matmul": lambda m: m.ones(2, 3) @ m.ones(2, 3),
    "matmul 1-D": lambda m: m.ones(3) @ m.ones(2),
    "matmul batch": lambda m: m.ones(2, 2, 3) @ m.ones(3, 3, 4),
    "cat": lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)], 0),
    "cat 0-d": lambda m: m.cat([m.ones(()), m.ones(())]),
    "stack": lambda m: m.stack([m.ones(2, 3), m.ones(2, 4)]),
    "reshape": lambda m: m.ones(2, 3).reshape(4, 2),
    "view": lambda m: m.ones(2, 3).view(5),
    "view -1": lambda m: m.ones(2, 3).view(-1, 4),
    "add broadcast": lambda m: m.ones(2, 3) + m.ones(4),
    "mul broadcast": lambda m: m.ones(2, 3) * m.ones(2),
    "maximum broadcast": lambda m: m.maximum(m.ones(2, 3), m.ones(2)),
    "where broadcast": lambda m: m.where(m.ones(2, 3) > 0, m.ones(2, 3), m.ones(2)),
    "expand": lambda m: m.ones(2, 3).expand(4, 3),
    "broadcast_to": lambda m: m.ones(2, 3).broadcast_to((4, 3)),
    "sum_to_size": lambda m: m.ones(2, 3).sum_to_size(4, 3),
    "permute": lambda m: m.ones(2, 3).permute(0, 0),
    "split": lambda m: m.ones(4).split([1, 2]),
    "in-place shape": lambda m: m.ones(3).__iadd__(m.ones(2, 3)),
    "in-place broadcast": lambda m: m.ones(3).__iadd__(m.ones(2)),
    "in-place copy_": lambda m: m.ones(3).copy_(m.ones(2)),
    "in-place dtype": lambda m: m.tensor([1, 2]).add_(m.tensor([0.5, 0.5])),
    "in-place on a leaf": _in_place_on_leaf,
    "version counter": _version,
    "freed graph": _freed,
    "non-scalar backward": lambda m: (m.ones(3, requires_grad=True) * 2).backward(),
    "no grad_fn": lambda m: m.ones(3).sum().backward(),
    "backward gradient shape": lambda m: (m.ones(3, requires_grad=True) * 2).backward(m.ones(2)),
    "linear": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 5)),
    "linear bias": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(5)),
    "mse_loss": lambda m: m.nn.functional.mse_loss(m.ones(2, 3), m.ones(5, 3)),
    "conv2d channels": lambda m: m.nn.functional.conv2d(m.ones(1, 3, 5, 5), m.ones(2, 4, 3, 3)),
    "conv2d too small": lambda m: m.nn.functional.conv2d(m.ones(1, 3, 2, 2),
                                                         m.ones(2, 3, 3, 3)),
    "layer_norm": lambda m: m.nn.functional.layer_norm(m.ones(2, 3), (4,)),
    "embedding weight": lambda m: m.nn.functional.embedding(m.tensor([1]), m.ones(3)),
}
# Every case above raises a RuntimeError in torch 2.13 (checked live below); autograd_mini's
# class for the shape cases stays a ValueError too (am.ShapeError), the dtype case a TypeError
# (am.DTypeError).
STILL_VALUE_ERRORS = {"matmul", "cat", "stack", "reshape", "view", "add broadcast", "expand",
                      "in-place shape", "linear", "mse_loss", "layer_norm", "split",
                      "backward gradient shape"}


@pytest.mark.parametrize("case", sorted(RUNTIME_ERRORS))
def test_errors_are_runtime_errors_as_pytorch(case: str) -> None:
    with pytest.raises(RuntimeError) as info:
        RUNTIME_ERRORS[case](am)
    if case in STILL_VALUE_ERRORS:
        assert isinstance(info.value, ValueError) and isinstance(info.value, am.ShapeError)
    if case == "in-place dtype":
        assert isinstance(info.value, TypeError) and isinstance(info.value, am.DTypeError)


@pytest.mark.parametrize("case", sorted(RUNTIME_ERRORS))
def test_errors_against_torch(case: str) -> None:
    torch = _torch()
    with pytest.raises(RuntimeError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (mse_loss warns about the sizes before it raises)
        RUNTIME_ERRORS[case](torch)


def test_error_classes_are_exported_and_keep_their_old_bases() -> None:
    assert issubclass(am.ShapeError, ValueError) and issubclass(am.ShapeError, RuntimeError)
    assert issubclass(am.DTypeError, TypeError) and issubclass(am.DTypeError, RuntimeError)
    assert {"ShapeError", "DTypeError"} <= set(am.__all__)
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\) are not aligned"):
        am.ones(2, 3) @ am.ones(2, 3)  # the message is unchanged
