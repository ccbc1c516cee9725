"""Cross-checks against PyTorch itself, when it is installed (it is never a dependency; these tests
skip without it). The same inputs and options go through am.nn and torch.nn, and the values and
gradients must agree to float64 rounding: a PyTorch script ported by changing the import gets
the same numbers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn, optim

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def both(array, requires_grad=True):
    array = np.asarray(array, dtype=np.float64)
    return (am.Tensor(array.copy(), requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def assert_same(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(ours.data if isinstance(ours, am.Tensor) else ours,
                               theirs.detach().numpy(), rtol=rtol, atol=atol)


def check_values_and_grads(am_fn, torch_fn, arrays, rtol=1e-10, atol=1e-12):
    pairs = [both(a) for a in arrays]
    ours = am_fn(*[p[0] for p in pairs])
    theirs = torch_fn(*[p[1] for p in pairs])
    assert_same(ours, theirs, rtol, atol)
    upstream = np.random.default_rng(0).standard_normal(ours.shape)
    ours.backward(am.Tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    for (a, t) in pairs:
        assert_same(a.grad, t.grad, rtol, atol)


@pytest.mark.parametrize("weighted, ignore, eps, reduction, spatial", list(itertools.product(
    [False, True], [None, -100, 1], [0.0, 0.25], ["none", "mean", "sum"], [False, True])))
def test_cross_entropy_class_indices(weighted, ignore, eps, reduction, spatial):
    rng = np.random.default_rng(1)
    shape = (5, 4, 3, 2) if spatial else (6, 4)
    z = rng.standard_normal(shape) * 3
    t = rng.integers(0, 4, (shape[0],) + shape[2:])
    ignore_index = -100 if ignore is None else ignore
    if ignore == -100:
        t[rng.random(t.shape) < 0.3] = -100
    w = rng.uniform(0.2, 3, 4) if weighted else None
    kw = {"ignore_index": ignore_index, "reduction": reduction, "label_smoothing": eps}
    check_values_and_grads(
        lambda a: F.cross_entropy(a, am.Tensor(t), w, **kw),
        lambda a: TF.cross_entropy(a, torch.tensor(t), None if w is None else torch.tensor(w), **kw),
        [z])


@pytest.mark.parametrize("weighted, eps, reduction", list(itertools.product(
    [False, True], [0.0, 0.3], ["none", "mean", "sum"])))
def test_cross_entropy_probability_targets(weighted, eps, reduction):
    rng = np.random.default_rng(2)
    z = rng.standard_normal((4, 3, 2))
    y = rng.random((4, 3, 2))
    y /= y.sum(1, keepdims=True)
    w = rng.uniform(0.2, 3, 3) if weighted else None
    kw = {"reduction": reduction, "label_smoothing": eps}
    check_values_and_grads(
        lambda a, b: F.cross_entropy(a, b, w, **kw),
        lambda a, b: TF.cross_entropy(a, b, None if w is None else torch.tensor(w), **kw),
        [z, y])


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_other_losses(reduction):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    p, q = rng.uniform(0.01, 0.99, (3, 4)), rng.random((3, 4))
    w, pw = rng.uniform(0.5, 2, (3, 4)), rng.uniform(0.5, 2, 4)
    t = rng.integers(0, 4, 3)
    check_values_and_grads(lambda a, b: F.mse_loss(a, b, reduction),
                           lambda a, b: TF.mse_loss(a, b, reduction=reduction), [x, y])
    check_values_and_grads(lambda a, b: F.l1_loss(a, b, reduction),
                           lambda a, b: TF.l1_loss(a, b, reduction=reduction), [x, y])
    check_values_and_grads(
        lambda a, b: F.binary_cross_entropy(a, b, w, reduction),
        lambda a, b: TF.binary_cross_entropy(a, b, torch.tensor(w), reduction=reduction), [p, q])
    check_values_and_grads(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, w, reduction, pw),
        lambda a, b: TF.binary_cross_entropy_with_logits(
            a, b, torch.tensor(w), reduction=reduction, pos_weight=torch.tensor(pw)), [x * 3, q])
    check_values_and_grads(
        lambda a: F.nll_loss(a, am.Tensor(t), w[0], ignore_index=2, reduction=reduction),
        lambda a: TF.nll_loss(a, torch.tensor(t), torch.tensor(w[0]), ignore_index=2,
                              reduction=reduction), [x])


def test_activations_and_normalisation():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5)) * 3
    w, b = rng.standard_normal(5), rng.standard_normal(5)
    cases = [
        (F.gelu, TF.gelu), (lambda a: F.gelu(a, "tanh"), lambda a: TF.gelu(a, approximate="tanh")),
        (lambda a: F.leaky_relu(a, 0.2), lambda a: TF.leaky_relu(a, 0.2)),
        (lambda a: F.softplus(a, 2.0, 3.0), lambda a: TF.softplus(a, 2.0, 3.0)),
        (F.silu, TF.silu), (lambda a: F.log_softmax(a, 1), lambda a: TF.log_softmax(a, 1)),
        (lambda a: F.layer_norm(a, (5,), am.Tensor(w), am.Tensor(b)),
         lambda a: TF.layer_norm(a, (5,), torch.tensor(w), torch.tensor(b))),
    ]
    for ours, theirs in cases:
        check_values_and_grads(ours, theirs, [x])


def test_batch_norm_running_statistics():
    rng = np.random.default_rng(5)
    ours = nn.BatchNorm1d(3, momentum=0.3).double()
    theirs = torch.nn.BatchNorm1d(3, momentum=0.3).double()
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2))
        check_values_and_grads(ours, theirs, [x])
    assert_same(ours.running_mean, theirs.running_mean)
    assert_same(ours.running_var, theirs.running_var)
    ours.eval()
    theirs.eval()
    check_values_and_grads(ours, theirs, [rng.standard_normal((2, 3, 2))])


@pytest.mark.parametrize("stride, padding, dilation, groups", [
    (1, 0, 1, 1), (2, 1, 1, 1), (1, "same", 2, 1), (2, (1, 0), (1, 2), 2), (1, "valid", 1, 2)])
def test_conv2d(stride, padding, dilation, groups):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 4, 7, 6))
    w = rng.standard_normal((6, 4 // groups, 3, 2))
    b = rng.standard_normal(6)
    check_values_and_grads(
        lambda a, k, c: F.conv2d(a, k, c, stride, padding, dilation, groups),
        lambda a, k, c: TF.conv2d(a, k, c, stride, padding, dilation, groups), [x, w, b])


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", [
    (2, None, 0, 1, False), (3, 2, 1, 1, True), ((2, 3), 1, (1, 1), 2, False), (3, 2, 0, 1, True)])
def test_max_pool2d(kernel, stride, padding, dilation, ceil_mode):
    rng = np.random.default_rng(7)
    x = rng.permutation(2 * 3 * 7 * 8).reshape(2, 3, 7, 8) / 10.0
    check_values_and_grads(
        lambda a: F.max_pool2d(a, kernel, stride, padding, dilation, ceil_mode),
        lambda a: TF.max_pool2d(a, kernel, stride, padding, dilation, ceil_mode), [x])
    _, ours = F.max_pool2d(am.Tensor(x), kernel, stride, padding, dilation, ceil_mode, True)
    _, theirs = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation, ceil_mode, True)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_unfold_fold_and_embedding():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 5, 6))
    check_values_and_grads(lambda a: F.unfold(a, (2, 3), 2, 1, (1, 2)),
                           lambda a: TF.unfold(a, (2, 3), 2, 1, (1, 2)), [x])
    cols = rng.standard_normal((2, 3 * 6, 9))
    check_values_and_grads(lambda a: F.fold(a, (5, 6), (2, 3), 1, 1, 2),
                           lambda a: TF.fold(a, (5, 6), (2, 3), 1, 1, 2), [cols])
    ids = rng.integers(0, 5, (3, 4))
    check_values_and_grads(lambda w: F.embedding(am.Tensor(ids), w, padding_idx=2),
                           lambda w: TF.embedding(torch.tensor(ids), w, padding_idx=2),
                           [rng.standard_normal((5, 3))])


OPTIMIZERS = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS)
def test_optimizers(name, kwargs):
    rng = np.random.default_rng(9)
    start = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    ours = [nn.Parameter(am.Tensor(s.copy())) for s in start]
    theirs = [torch.tensor(s, requires_grad=True) for s in start]
    opt_a = getattr(optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    for step in range(6):
        for k, (a, t) in enumerate(zip(ours, theirs)):
            if k == 1 and step == 0:
                continue  # the second parameter first gets a gradient at step 2
            g = rng.standard_normal(a.shape)
            a.grad = am.Tensor(g.copy())
            t.grad = torch.tensor(g)
        opt_a.step()
        opt_t.step()
        opt_a.zero_grad()
        opt_t.zero_grad()
    for a, t in zip(ours, theirs):
        assert_same(a, t, rtol=1e-12, atol=1e-14)


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}), ("MultiStepLR", {"milestones": [2, 4, 4]}),
    ("ExponentialLR", {"gamma": 0.9}), ("CosineAnnealingLR", {"T_max": 5, "eta_min": 0.01}),
    ("LinearLR", {"start_factor": 0.2, "total_iters": 4}),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULERS)
def test_schedulers(name, kwargs):
    opt_a = optim.SGD([nn.Parameter(am.ones(1))], lr=0.5)
    opt_t = torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=0.5)
    sched_a = getattr(optim.lr_scheduler, name)(opt_a, **kwargs)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kwargs)
    for _ in range(14):
        assert sched_a.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-12, abs=1e-15)
        opt_a.step()
        opt_t.step()
        sched_a.step()
        sched_t.step()


def test_init_and_clipping():
    am.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = nn.Linear(50, 40), torch.nn.Linear(50, 40)
    assert np.abs(ours.weight.data).max() <= 1 / np.sqrt(50)
    assert theirs.weight.abs().max().item() <= 1 / np.sqrt(50)
    for nonlinearity, param in [("tanh", None), ("relu", None), ("leaky_relu", 0.2),
                                ("selu", None)]:
        assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(
            torch.nn.init.calculate_gain(nonlinearity, param))
    rng = np.random.default_rng(10)
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    ps = [nn.Parameter(am.zeros(*g.shape, dtype=np.float64)) for g in grads]
    ts = [torch.zeros(*g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, t, g in zip(ps, ts, grads):
        p.grad, t.grad = am.Tensor(g.copy()), torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ps, 0.5)
    total_t = torch.nn.utils.clip_grad_norm_(ts, 0.5)
    assert total.item() == pytest.approx(total_t.item(), rel=1e-12)
    for p, t in zip(ps, ts):
        assert_same(p.grad, t.grad, rtol=1e-12)
