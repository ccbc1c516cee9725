"""F.ctc_loss / nn.CTCLoss against PyTorch 2.13.

Literal expected values (torch 2.13.0, float64) run without torch; the live comparisons skip
without it. The gradient with respect to log_probs is PyTorch's (exp(log_probs) - posterior,
the logits' gradient under a log_softmax; see autograd_mini/nn/_ctc.py), checked both through a
log_softmax and on a log_probs leaf. Second order (which PyTorch does not implement) is checked
by gradgradcheck here and in the registry test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn
from autograd_mini.nn import functional as F

X = np.array([[[0.5, -1.0, 0.2, 1.1], [0.3, 0.8, -0.4, 0.0]],
              [[-0.2, 0.4, 1.3, -0.7], [1.0, -0.6, 0.2, 0.9]],
              [[0.9, 0.1, -0.5, 0.3], [-1.2, 0.7, 0.5, 0.2]],
              [[0.0, 1.2, 0.6, -0.3], [0.4, 0.1, -0.8, 1.5]],
              [[-0.6, 0.2, 0.8, 0.5], [0.6, -0.3, 1.1, -0.1]]])
TG = np.array([[1, 2, 2], [3, 1, 0]])
IL = np.array([5, 4])
TL = np.array([3, 2])

# ---- expected values from torch 2.13.0 (loss, gradient) -------------------------------------
CTC_NONE = ([5.651329349160067, 3.11490352324393],
            [[[0.155136149149692, -0.832075278435273, 0.195669592012594, 0.481269537272987],
              [0.369165054210335, -0.848516894129554, -0.25556837722154, 0.734920217140759]],
             [[0.113070292655268, 0.09703733300951, -0.286783315002034, 0.076675689337256],
              [-0.14663018401743, -0.059254158552566, -0.351578956911611, 0.557463299481607]],
             [[-0.348042834900163, 0.200169931350881, -0.096615202703417, 0.244488106252698],
              [-0.018767865457592, 0.721837494497309, -0.635949358131278, -0.06712027090844]],
             [[-0.303748533697427, 0.482361020244938, -0.286241778244125, 0.107629291696613],
              [0.472323839249787, 0.837721084577494, -0.119375172521624, -1.190669751305657]],
             [[-0.011760318824946, 0.216389019945306, -0.49672332555627, 0.292094624435911],
              [0.0, 0.0, 0.0, 0.0]]])
CTC_SUM = (8.766232872403997,
           [[[0.155136149149692, -0.832075278435273, 0.195669592012594, 0.481269537272987],
             [-0.184582527105167, 0.424258447064777, 0.12778418861077, -0.36746010857038]],
            [[0.113070292655268, 0.09703733300951, -0.286783315002034, 0.076675689337256],
             [0.073315092008715, 0.029627079276283, 0.175789478455806, -0.278731649740803]],
            [[-0.348042834900163, 0.200169931350881, -0.096615202703417, 0.244488106252698],
             [0.009383932728796, -0.360918747248655, 0.317974679065639, 0.03356013545422]],
            [[-0.303748533697427, 0.482361020244938, -0.286241778244125, 0.107629291696613],
             [-0.236161919624893, -0.418860542288747, 0.059687586260812, 0.595334875652828]],
            [[-0.011760318824946, 0.216389019945306, -0.49672332555627, 0.292094624435911],
             [0.0, 0.0, 0.0, 0.0]]])
CTC_MEAN = (1.720614105670994,
            [[[0.025856024858282, -0.138679213072545, 0.032611598668766, 0.080211589545498],
              [-0.046145631776292, 0.106064611766194, 0.031946047152693, -0.091865027142595]],
             [[0.018845048775878, 0.016172888834918, -0.047797219167006, 0.012779281556209],
              [0.018328773002179, 0.007406769819071, 0.043947369613951, -0.069682912435201]],
             [[-0.058007139150027, 0.033361655225147, -0.016102533783903, 0.040748017708783],
              [0.002345983182199, -0.090229686812164, 0.07949366976641, 0.008390033863555]],
             [[-0.050624755616238, 0.080393503374156, -0.047706963040687, 0.017938215282769],
              [-0.059040479906223, -0.104715135572187, 0.014921896565203, 0.148833718913207]],
             [[-0.001960053137491, 0.036064836657551, -0.082787220926045, 0.048682437405985],
              [0.0, 0.0, 0.0, 0.0]]])
CTC_BLANK3_LOGPROBS_GRAD = (8.49818831197325,
                            [[[0.264126322153003, -0.741259539666003, 0.195669592012594,
                               0.281463625500405],
                              [0.257325755786856, 0.424258447064777, 0.12778418861077,
                               -0.809368391462403]],
                             [[0.126416839955928, 0.006073070697572, -0.201021070659,
                               0.068531160005498],
                              [0.39122667910174, -0.002880432511412, 0.175789478455805,
                               -0.564135725046133]],
                             [[0.445486374874914, 0.200169931350881, -0.182742756014076,
                               -0.46291355021172],
                              [0.058088734931248, -0.407148483613333, 0.317974679065639,
                               0.031085069616446]],
                             [[0.14528434734984, 0.482361020244938, -0.30874240777822,
                               -0.318902959816559],
                              [0.198169765221818, -0.188240587162285, 0.059687586260812,
                               -0.069616764320345]],
                             [[0.097229854178365, 0.216389019945306, -0.361670006823843,
                               0.048051132700172],
                              [0.0, 0.0, 0.0, 0.0]]])


def _close(got: Any, want: Any, tol: float = 1e-12) -> None:
    got = got.data if isinstance(got, am.Tensor) else np.asarray(got)
    np.testing.assert_allclose(got, np.asarray(want), rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction, want", [("none", CTC_NONE), ("sum", CTC_SUM),
                                             ("mean", CTC_MEAN)])
def test_ctc_loss_literal(reduction: str, want: tuple) -> None:
    """Loss and the logits' gradient through log_softmax (the 'none' loss weighted by
    [1, -2]); the second sample's last step is past its input length (gradient 0)."""
    x = am.tensor(X, requires_grad=True)
    loss = F.ctc_loss(x.log_softmax(2), TG, IL, TL, reduction=reduction)
    weights = am.tensor([1.0, -2.0]) if reduction == "none" else am.tensor(1.0)
    (loss * weights).sum().backward()
    assert loss.dtype == np.float64 and loss.shape == (() if reduction != "none" else (2,))
    _close(loss, want[0])
    _close(x.grad, want[1])


def test_log_probs_leaf_gradient_is_torchs() -> None:
    """On a log_probs leaf the gradient is PyTorch's exp(log_probs) - posterior (blank=3)."""
    lp = am.tensor(am.tensor(X).log_softmax(2).data, requires_grad=True)
    loss = F.ctc_loss(lp, TG, IL, TL, blank=3, reduction="sum")
    loss.backward()
    _close(loss, CTC_BLANK3_LOGPROBS_GRAD[0])
    _close(lp.grad, CTC_BLANK3_LOGPROBS_GRAD[1])


def test_module_concatenated_targets_and_tensor_lengths() -> None:
    flat = am.tensor(np.array([1, 2, 2, 3, 1]))
    x = am.tensor(X, requires_grad=True)
    loss = nn.CTCLoss(reduction="sum")(x.log_softmax(2), flat, am.tensor(IL), am.tensor(TL))
    loss.backward()
    _close(loss, CTC_SUM[0])
    _close(x.grad, CTC_SUM[1])
    assert "reduction='sum'" in repr(nn.CTCLoss(reduction="sum"))


def test_impossible_alignment_is_inf_nan_or_zero_with_zero_infinity() -> None:
    """Target [1, 1, 1] needs 5 steps; with 4: loss inf and a NaN gradient (PyTorch's), or
    0 and 0 with zero_infinity=True. The other sample is unaffected."""
    lp = am.tensor(am.tensor(X[:4]).log_softmax(2).data, requires_grad=True)
    targets, il, tl = np.array([[1, 1, 1], [2, 0, 0]]), [4, 4], [3, 1]
    loss = F.ctc_loss(lp, targets, il, tl, reduction="none")
    assert np.isinf(loss.data[0]) and np.isfinite(loss.data[1])
    loss.sum().backward()
    assert np.isnan(lp.grad.data[:, 0]).all() and np.isfinite(lp.grad.data[:, 1]).all()
    lp.grad = None
    loss = F.ctc_loss(lp, targets, il, tl, reduction="none", zero_infinity=True)
    assert loss.data[0] == 0.0
    loss.sum().backward()
    assert (lp.grad.data[:, 0] == 0).all() and np.isfinite(lp.grad.data).all()


def test_unbatched_and_empty_targets() -> None:
    x = am.tensor(X[:, 0])  # (T, C)
    lp = x.log_softmax(1)
    loss = F.ctc_loss(lp, np.array([1, 2, 2]), 5, 3, reduction="none")
    assert loss.shape == ()
    _close(loss, CTC_NONE[0][0])
    empty = F.ctc_loss(am.tensor(X).log_softmax(2), np.zeros((2, 0), np.int64), IL, [0, 0],
                       reduction="none")  # only blanks: -sum_t log p(blank)
    lpd = am.tensor(X).log_softmax(2).data
    _close(empty, [-lpd[:5, 0, 0].sum(), -lpd[:4, 1, 0].sum()])


def test_second_order_is_differentiable() -> None:
    x = am.tensor(X, requires_grad=True)

    def fn(x: am.Tensor) -> am.Tensor:
        return F.ctc_loss(x.log_softmax(2), TG, IL, TL, reduction="mean")

    assert am.gradcheck(fn, (x,))
    assert am.gradgradcheck(fn, (x,))


def test_float32_and_float16() -> None:
    lp32 = am.tensor(am.tensor(X).log_softmax(2).data.astype(np.float32), requires_grad=True)
    loss = F.ctc_loss(lp32, TG, IL, TL, reduction="sum")
    assert loss.dtype == np.float32
    _close(loss, CTC_SUM[0], 1e-5)
    lp16 = am.tensor(lp32.data.astype(np.float16), requires_grad=True)
    loss16 = F.ctc_loss(lp16, TG, IL, TL, reduction="sum")  # PyTorch's CPU refuses float16
    loss16.backward()
    assert loss16.dtype == np.float16 and lp16.grad.dtype == np.float16
    _close(loss16.data.astype(np.float64), CTC_SUM[0], 2e-2)


@pytest.mark.parametrize("call, message", [
    (lambda lp: F.ctc_loss(lp, TG, IL, TL, blank=4), "blank must be in label range"),
    (lambda lp: F.ctc_loss(lp, TG, IL, TL, reduction="x"), "not a valid value for reduction"),
    (lambda lp: F.ctc_loss(lp, TG, [5], TL), "input_lengths must be of size batch_size"),
    (lambda lp: F.ctc_loss(lp, TG, [6, 4], TL),
     "input_lengths to have value at most 5, but got value 6"),
    (lambda lp: F.ctc_loss(lp, TG, [5, -1], TL), "input_lengths to have value at least 0"),
    (lambda lp: F.ctc_loss(lp, TG, IL, [4, 2]), "size at least 4 at dimension 1, but got size 3"),
    (lambda lp: F.ctc_loss(lp, np.array([1, 2, 3]), IL, TL),
     "size 5 at dimension 0, but got size 3"),
    (lambda lp: F.ctc_loss(lp, TG, np.array([5.0, 4.0]), TL), "input_lengths must be integral"),
    (lambda lp: F.ctc_loss(lp, TG[:1], IL, TL), "size 2 at dimension 0, but got size 1"),
    (lambda lp: F.ctc_loss(lp, TG + 5, IL, TL), r"target labels must be in \[0, 4\)"),
])
def test_errors(call: Any, message: str) -> None:
    lp = am.tensor(X).log_softmax(2)
    with pytest.raises((RuntimeError, ValueError), match=message):
        call(lp)


# ---- live comparisons with torch -----------------------------------------------------------
def _random_case(rng: np.random.Generator, steps: int, n: int, classes: int, blank: int,
                 padded: bool) -> tuple:
    labels = [c for c in range(classes) if c != blank]
    il = rng.integers(steps // 2 + 1, steps + 1, n)
    tl = rng.integers(0, steps // 2 + 1, n)
    rows = [rng.choice(labels, size=k) for k in tl]
    if padded:
        width = max(int(tl.max()), 1)
        targets = np.stack([np.concatenate([r, np.full(width - len(r), labels[0])])
                            for r in rows]).astype(np.int64)
    else:
        targets = np.concatenate(rows).astype(np.int64)
    return targets, il, tl


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_matches_torch(seed: int, reduction: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    steps, n, classes = int(rng.integers(1, 12)), int(rng.integers(1, 5)), int(rng.integers(2, 7))
    blank = int(rng.integers(0, classes))
    targets, il, tl = _random_case(rng, steps, n, classes, blank, padded=bool(seed % 2))
    zero_inf = bool(seed % 3 == 0)
    x_np = rng.standard_normal((steps, n, classes)) * 2
    x, tx = am.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    loss = F.ctc_loss(x.log_softmax(2), targets, il, tl, blank, reduction, zero_inf)
    tloss = torch.nn.functional.ctc_loss(tx.log_softmax(2), torch.tensor(targets),
                                         torch.tensor(il), torch.tensor(tl), blank, reduction,
                                         zero_inf)
    np.testing.assert_allclose(loss.data, tloss.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(loss.shape)
    (loss * am.tensor(w)).sum().backward()
    (tloss * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_leaf_gradient_matches_torch_in_float32() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    targets, il, tl = _random_case(rng, 30, 4, 8, 0, padded=True)
    lp_np = torch.tensor(rng.standard_normal((30, 4, 8))).log_softmax(2).numpy()
    lp_np = lp_np.astype(np.float32)
    lp, tlp = am.tensor(lp_np, requires_grad=True), torch.tensor(lp_np, requires_grad=True)
    loss = nn.CTCLoss(zero_infinity=True)(lp, targets, il, tl)
    tloss = torch.nn.CTCLoss(zero_infinity=True)(tlp, torch.tensor(targets), torch.tensor(il),
                                                 torch.tensor(tl))
    loss.backward()
    tloss.backward()
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, tloss.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(lp.grad.data, tlp.grad.numpy(), rtol=1e-4, atol=1e-5)
