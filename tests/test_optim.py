"""Optimizers: 5 steps against each update rule written out here in float64, with a parameter whose
gradient first appears at step 2, two param groups with different learning rates, and a state-dict
round trip (through am.save/am.load) in the middle that must not change a bit."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn, optim

STEPS = 5


# ---- the update rules, as the docstrings (and PyTorch's documentation) write them ----------
def sgd_rule(p, g, state, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
             maximize=False):
    if maximize:
        g = -g
    if weight_decay:
        g = g + weight_decay * p
    if momentum:
        if "b" not in state:
            state["b"] = g.copy()
        else:
            state["b"] = momentum * state["b"] + (1 - dampening) * g
        g = g + momentum * state["b"] if nesterov else state["b"]
    return p - lr * g


def adam_rule(p, g, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
              amsgrad=False, maximize=False, decoupled=False):
    b1, b2 = betas
    t = state["t"] = state.get("t", 0) + 1
    if maximize:
        g = -g
    if decoupled:
        p = p * (1 - lr * weight_decay)
    elif weight_decay:
        g = g + weight_decay * p
    state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
    state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g * g
    m_hat = state["m"] / (1 - b1**t)
    v = state["v"]
    if amsgrad:
        v = state["v_max"] = np.maximum(state.get("v_max", 0.0), state["v"])
    v_hat = v / (1 - b2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


def adamw_rule(p, g, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
               amsgrad=False, maximize=False):
    return adam_rule(p, g, state, lr, betas, eps, weight_decay, amsgrad, maximize, decoupled=True)


def rmsprop_rule(p, g, state, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, maximize=False):
    if maximize:
        g = -g
    if weight_decay:
        g = g + weight_decay * p
    state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g * g
    v = state["v"]
    if centered:
        state["a"] = alpha * state.get("a", 0.0) + (1 - alpha) * g
        v = v - state["a"] ** 2
    d = np.sqrt(v) + eps
    if momentum > 0:
        state["b"] = momentum * state.get("b", 0.0) + g / d
        return p - lr * state["b"]
    return p - lr * g / d


CASES = [
    (optim.SGD, sgd_rule, {"lr": 0.1}),
    (optim.SGD, sgd_rule, {"lr": 0.1, "weight_decay": 0.3}),  # weight decay, momentum 0
    (optim.SGD, sgd_rule, {"lr": 0.1, "momentum": 0.9, "dampening": 0.2}),
    (optim.SGD, sgd_rule, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    (optim.SGD, sgd_rule, {"lr": 0.1, "momentum": 0.5, "maximize": True}),
    (optim.Adam, adam_rule, {}),
    (optim.Adam, adam_rule, {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3, "weight_decay": 0.2}),
    (optim.Adam, adam_rule, {"lr": 0.05, "amsgrad": True}),
    (optim.Adam, adam_rule, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (optim.AdamW, adamw_rule, {"lr": 0.05}),
    (optim.AdamW, adamw_rule, {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    (optim.RMSprop, rmsprop_rule, {}),
    (optim.RMSprop, rmsprop_rule, {"lr": 0.02, "alpha": 0.9, "weight_decay": 0.1}),
    (optim.RMSprop, rmsprop_rule, {"lr": 0.02, "momentum": 0.7, "centered": True}),
    (optim.RMSprop, rmsprop_rule, {"lr": 0.01, "centered": True, "eps": 0.1, "maximize": True}),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
       for cls, _, kw in CASES]

SHAPES = [(3,), (2, 2), (2,)]  # the last parameter gets its first gradient at step 2


def gradients(seed=0):
    """The gradient of every parameter at every step (None: no gradient that step)."""
    rng = np.random.default_rng(seed)
    return [[None if (i == 2 and step == 0) else rng.standard_normal(s)
             for i, s in enumerate(SHAPES)] for step in range(STEPS)]


def initial_values(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in SHAPES]


def make_params(values):
    return [nn.Parameter(am.Tensor(v.copy())) for v in values]


def run(opt, params, grads, steps):
    for step_grads in grads[:steps]:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else am.Tensor(g.copy())
        opt.step()


def reference(rule, kwargs_per_param, grads):
    values = initial_values()
    states = [{} for _ in values]
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            if g is not None:
                values[i] = rule(values[i], g, states[i], **kwargs_per_param[i])
    return values


@pytest.mark.parametrize("cls, rule, kwargs", CASES, ids=IDS)
def test_five_steps_match_the_update_rule(cls, rule, kwargs):
    grads = gradients()
    params = make_params(initial_values())
    opt = cls(params, **kwargs)
    run(opt, params, grads, 1)
    assert params[2] not in opt.state  # no gradient yet: no state, no weight decay
    np.testing.assert_array_equal(params[2].data, initial_values()[2])
    run(opt, params, grads[1:], STEPS - 1)
    expected = reference(rule, [kwargs] * 3, grads)
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p.data, e, rtol=1e-12, atol=1e-14)
    assert [opt.state[p]["step"] for p in params] == [5, 5, 4]  # a step count per parameter


@pytest.mark.parametrize("cls, rule, kwargs", CASES, ids=IDS)
def test_two_param_groups_with_different_learning_rates(cls, rule, kwargs):
    grads = gradients(3)
    params = make_params(initial_values())
    base = {k: v for k, v in kwargs.items() if k != "lr"}
    lr_a, lr_b = 0.03, 0.3
    opt = cls([{"params": [params[0], params[2]], "lr": lr_a}, {"params": [params[1]]}],
              lr=lr_b, **base)
    assert [g["lr"] for g in opt.param_groups] == [lr_a, lr_b]
    run(opt, params, grads, STEPS)
    per_param = [{**base, "lr": lr_a}, {**base, "lr": lr_b}, {**base, "lr": lr_a}]
    for p, e in zip(params, reference(rule, per_param, grads)):
        np.testing.assert_allclose(p.data, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cls, rule, kwargs", CASES, ids=IDS)
def test_state_dict_round_trip_in_the_middle_is_bit_exact(cls, rule, kwargs):
    grads = gradients(4)
    straight = make_params(initial_values())
    opt = cls([{"params": straight[:2]}, {"params": straight[2:], "lr": 0.07}], **kwargs)
    run(opt, straight, grads, STEPS)

    first = make_params(initial_values())
    opt1 = cls([{"params": first[:2]}, {"params": first[2:], "lr": 0.07}], **kwargs)
    run(opt1, first, grads, 2)
    buffer = io.BytesIO()
    am.save({"params": [p.data for p in first], "optim": opt1.state_dict()}, buffer)
    buffer.seek(0)
    saved = am.load(buffer)
    resumed = make_params(saved["params"])
    opt2 = cls([{"params": resumed[:2]}, {"params": resumed[2:], "lr": 123.0}], **kwargs)
    opt2.load_state_dict(saved["optim"])
    assert opt2.param_groups[1]["lr"] == 0.07  # hyperparameters come from the state dict
    run(opt2, resumed, grads[2:], STEPS - 2)
    for p, q in zip(straight, resumed):
        np.testing.assert_array_equal(p.data, q.data)


def test_float32_updates_in_place_and_stay_float32():
    p = nn.Parameter(am.ones(3))
    array = p.data
    opt = optim.Adam([p], lr=0.1)
    for _ in range(3):
        p.grad = am.ones(3)
        opt.step()
    assert p.data is array and p.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))
    assert p._version == 3


def test_zero_grad_and_closure():
    p = nn.Parameter(am.ones(2))
    opt = optim.SGD([p], lr=0.5)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    loss = opt.step(closure)
    assert calls == [2.0] and loss.item() == 2.0
    np.testing.assert_allclose(p.data, [0.0, 0.0])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize("make, pattern", [
    (lambda p: optim.SGD(p, lr=-0.1), "learning rate"),
    (lambda p: optim.SGD(p), "required optimization parameter 'lr'"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), r"betas\[0\]"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), r"betas\[1\]"),
    (lambda p: optim.Adam(p, eps=-1e-8), "eps"),
    (lambda p: optim.AdamW(p, weight_decay=-1), "weight_decay"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "alpha"),
    (lambda p: optim.Adam(p, lr=float("nan")), "learning rate"),
])
def test_hyperparameters_are_validated_by_name(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make([nn.Parameter(am.ones(1))])


def test_param_validation():
    p = nn.Parameter(am.ones(1))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    q = nn.Parameter(am.ones(2))
    opt.add_param_group({"params": q, "momentum": 0.9})
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.1
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [q]})
    assert "SGD (" in repr(opt) and "lr: 0.1" in repr(opt)


def test_a_gradient_of_the_wrong_shape_is_an_error():
    p = nn.Parameter(am.ones(3))
    with pytest.raises(RuntimeError, match=r"gradient of shape \(1,\) to a tensor of shape \(3,\)"):
        p.grad = am.ones(1)  # refused on assignment, as in PyTorch
    p.grad = am.ones(3)
    p.grad.data = np.ones(1, dtype=np.float32)  # (.data bypasses every check)
    with pytest.raises(ValueError, match=r"shape \(3,\) has a gradient of shape \(1,\)"):
        optim.SGD([p], lr=0.1).step()
    np.testing.assert_array_equal(p.data, 1.0)


def test_load_state_dict_checks_before_changing_anything():
    params = make_params(initial_values())
    opt = optim.Adam(params, lr=0.1)
    run(opt, params, gradients(), 2)
    good = opt.state_dict()
    other = optim.Adam(make_params(initial_values()), lr=0.5)
    before = other.state_dict()
    with pytest.raises(ValueError, match="parameter group"):
        other.load_state_dict({"state": good["state"],
                               "param_groups": good["param_groups"] * 2})
    bad_size = {"state": {}, "param_groups": [dict(good["param_groups"][0], params=[0, 1])]}
    with pytest.raises(ValueError, match="has 2 parameter"):
        other.load_state_dict(bad_size)
    wrong_shape = {"state": {0: dict(good["state"][0], exp_avg=np.zeros(7))},
                   "param_groups": good["param_groups"]}
    with pytest.raises(ValueError, match=r"exp_avg.*shape \(7,\)"):
        other.load_state_dict(wrong_shape)
    assert other.state == {} and other.param_groups[0]["lr"] == before["param_groups"][0]["lr"]
    # the state dict is a snapshot, not a view of the live state
    good["state"][0]["exp_avg"][...] = 99.0
    assert not np.any(opt.state[params[0]]["exp_avg"] == 99.0)


def test_training_loop_decreases_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])
    for cls, kw in [(optim.SGD, {"lr": 0.1, "momentum": 0.9}), (optim.Adam, {"lr": 0.1}),
                    (optim.AdamW, {"lr": 0.1, "weight_decay": 0.0}),
                    (optim.RMSprop, {"lr": 0.05})]:
        p = nn.Parameter(am.Tensor(np.zeros(3)))
        opt = cls([p], **kw)
        for _ in range(300):
            opt.zero_grad()
            ((p - am.Tensor(target)) ** 2).sum().backward()
            opt.step()
        assert math.dist(p.data, target) < 0.05, cls.__name__
