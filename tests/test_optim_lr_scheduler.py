"""Learning-rate schedulers: each epoch's rate against its closed form, state dicts, validation."""

from __future__ import annotations

import io
import math

import pytest

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.optim import lr_scheduler as S


def make_optimizer(lrs=(0.1, 0.02)):
    groups = [{"params": [nn.Parameter(am.ones(1))], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=lrs[0], momentum=0.9)


SCHEDULES = [
    (lambda o: S.StepLR(o, step_size=3, gamma=0.5), lambda b, t: b * 0.5 ** (t // 3)),
    (lambda o: S.MultiStepLR(o, [2, 5, 5], gamma=0.1),
     lambda b, t: b * 0.1 ** sum(m <= t for m in [2, 5, 5])),
    (lambda o: S.ExponentialLR(o, gamma=0.9), lambda b, t: b * 0.9**t),
    (lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.001),
     lambda b, t: 0.001 + (b - 0.001) * (1 + math.cos(math.pi * t / 4)) / 2),
    (lambda o: S.LambdaLR(o, lambda t: 1 / (t + 1)), lambda b, t: b / (t + 1)),
    (lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4),
     lambda b, t: b * (0.25 + 0.75 * min(t, 4) / 4)),
]
IDS = ["step", "multistep", "exponential", "cosine", "lambda", "linear"]


@pytest.mark.parametrize("make, formula", SCHEDULES, ids=IDS)
def test_rates_follow_the_closed_form(make, formula):
    opt = make_optimizer()
    scheduler = make(opt)
    for epoch in range(12):  # past T_max / total_iters / the milestones too
        expected = [formula(b, epoch) for b in (0.1, 0.02)]
        assert scheduler.get_last_lr() == pytest.approx(expected, rel=1e-12)
        assert [g["lr"] for g in opt.param_groups] == pytest.approx(expected, rel=1e-12)
        opt.step()
        scheduler.step()
    assert scheduler.last_epoch == 12
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02]


@pytest.mark.parametrize("make, formula", SCHEDULES, ids=IDS)
def test_state_dict_resumes_the_schedule(make, formula):
    opt = make_optimizer()
    scheduler = make(opt)
    for _ in range(5):
        opt.step()  # (no gradients: changes nothing, but scheduler.step() before it warns)
        scheduler.step()
    buffer = io.BytesIO()
    am.save({"optim": opt.state_dict(), "sched": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    saved = am.load(buffer)
    opt2 = make_optimizer()
    opt2.load_state_dict(saved["optim"])
    scheduler2 = make(opt2)
    scheduler2.load_state_dict(saved["sched"])
    for _ in range(4):
        scheduler.step()
        scheduler2.step()
        assert scheduler2.get_last_lr() == scheduler.get_last_lr()
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]


def test_lambda_lr_per_group_and_state_dict_without_functions():
    opt = make_optimizer()
    scheduler = S.LambdaLR(opt, [lambda t: 1.0, lambda t: 2.0**t])
    opt.step()  # (no gradients: changes nothing, but scheduler.step() before it warns)
    scheduler.step()
    scheduler.step()
    assert scheduler.get_last_lr() == [0.1, 0.08]
    assert "lr_lambdas" not in scheduler.state_dict()
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        S.LambdaLR(opt, [lambda t: 1.0])


def test_validation_and_resume_needs_initial_lr():
    opt = make_optimizer()
    with pytest.raises(ValueError, match="step_size"):
        S.StepLR(opt, 0)
    with pytest.raises(ValueError, match="T_max"):
        S.CosineAnnealingLR(opt, 0)
    with pytest.raises(ValueError, match="start_factor"):
        S.LinearLR(opt, start_factor=0.0)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(opt, 2, last_epoch=3)
    with pytest.raises(TypeError, match="Optimizer"):
        S.StepLR(object(), 2)
    scheduler = S.StepLR(opt, 2)
    with pytest.raises(ValueError, match="unexpected keys"):
        scheduler.load_state_dict({"bogus": 1})


def test_resuming_with_last_epoch():
    opt = make_optimizer()
    S.StepLR(opt, 2, gamma=0.5)  # records initial_lr
    resumed = S.StepLR(opt, 2, gamma=0.5, last_epoch=3)
    assert resumed.last_epoch == 4 and resumed.get_last_lr() == [0.025, 0.005]
