"""nn.LSTM(proj_size=P) against PyTorch 2.13: parameter names and shapes (weight_hr_l{k}),
values, gradients and errors. Literal values (torch 2.13.0, float64) run without torch; the live
comparisons skip without it. The primitive (`LSTMProjSequence`) is gradchecked and
gradgradchecked by the registry test (rule in tests/op_rules_linalg.py).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn

OUT = [[[0.200189537163996, -0.061271304993373]], [[0.238062431084536, -0.069211638371095]],
       [[0.213388913810966, -0.043618244866037]]]
H_N = [[[0.213388913810966]], [[-0.061271304993373]]]
C_N = [[[-0.717399063868109, -0.054909167742289, 1.205975995252664]],
       [[-0.036147934086416, -0.318038105332143, 0.173902069242783]]]
GRAD_X = [[[0.428475711378528, -0.386249270604046]], [[0.174494068846605, -0.270305982560729]],
          [[0.222006311491167, -0.250703520224972]]]
GRAD_HR_REVERSE = [[0.342353317414658, -0.779409998411786, 0.552546897388262]]


def _fixed_lstm() -> nn.LSTM:
    """LSTM(2, 3, proj_size=1, bidirectional=True) with the deterministic weights the literal
    values were computed with."""
    m = nn.LSTM(2, 3, proj_size=1, bidirectional=True, dtype=np.float64)
    state = {}
    for k, v in m.state_dict().items():
        n = v.data.size
        w = np.round(np.sin(np.arange(1, n + 1) * (1.3 + 0.1 * len(k))) * 0.6, 3)
        state[k] = am.tensor(w.reshape(v.shape))
    m.load_state_dict(state)
    return m


def test_parameter_names_and_shapes_are_torchs() -> None:
    m = nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True)
    shapes = {k: tuple(v.shape) for k, v in m.state_dict().items()}
    assert list(shapes)[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                "weight_hr_l0"]
    assert shapes["weight_hh_l0"] == (20, 2) and shapes["weight_hr_l0"] == (2, 5)
    assert shapes["weight_ih_l1"] == (20, 4) and shapes["weight_hr_l1_reverse"] == (2, 5)
    assert len(shapes) == 20
    assert repr(m) == "LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True)"


def test_literal_values_and_gradients() -> None:
    m = _fixed_lstm()
    x = am.tensor(np.array([[[0.5, -1.0]], [[0.3, 0.8]], [[-0.7, 0.2]]]), requires_grad=True)
    out, (h, c) = m(x)
    assert out.shape == (3, 1, 2) and h.shape == (2, 1, 1) and c.shape == (2, 1, 3)
    (out.sum() + 2 * h.sum() - c.sum()).backward()
    for got, want in [(out, OUT), (h, H_N), (c, C_N), (x.grad, GRAD_X),
                      (m.weight_hr_l0_reverse.grad, GRAD_HR_REVERSE)]:
        np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-13)


def test_errors() -> None:
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="positive integer or zero"):
        nn.LSTM(3, 4, proj_size=-1)
    with pytest.raises(ValueError, match="only supported for LSTM"):
        nn.RNNBase("GRU", 3, 4, proj_size=2)
    m = nn.LSTM(3, 4, proj_size=2)
    x = am.zeros(5, 2, 3)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 2\)"):
        m(x, (am.zeros(1, 2, 4), am.zeros(1, 2, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\)"):
        m(x, (am.zeros(1, 2, 2), am.zeros(1, 2, 2)))


def test_second_order() -> None:
    m = _fixed_lstm()
    x = am.tensor(np.linspace(-1, 1, 6).reshape(3, 1, 2), requires_grad=True)
    assert am.gradcheck(lambda x: m(x)[0], (x,))
    assert am.gradgradcheck(lambda x: m(x)[1][1], (x,))


@pytest.mark.parametrize("kw", [{}, {"num_layers": 2, "bidirectional": True},
                                {"num_layers": 2, "bias": False, "batch_first": True},
                                {"num_layers": 3, "dropout": 0.0}])
@pytest.mark.parametrize("unbatched", [False, True])
def test_matches_torch(kw: dict, unbatched: bool) -> None:
    torch = pytest.importorskip("torch")
    warnings.filterwarnings("ignore", "LSTM with projections")
    tm = torch.nn.LSTM(3, 5, proj_size=2, **kw).double()
    m = nn.LSTM(3, 5, proj_size=2, dtype=np.float64, **kw)
    assert list(m.state_dict()) == list(tm.state_dict())
    m.load_state_dict({k: am.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    rng = np.random.default_rng(len(kw) + unbatched)
    layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    shape = (4, 3) if unbatched else (4, 2, 3)
    state = (layers,) if unbatched else (layers, 4 if kw.get("batch_first") else 2)
    x_np = rng.standard_normal(shape)
    h0, c0 = rng.standard_normal(state + (2,)), rng.standard_normal(state + (5,))
    x, tx = am.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    ours: Any = m(x, (am.tensor(h0), am.tensor(c0)))
    theirs: Any = tm(tx, (torch.tensor(h0), torch.tensor(c0)))
    ours, theirs = [ours[0], *ours[1]], [theirs[0], *theirs[1]]
    weights = [rng.standard_normal(tuple(t.shape)) for t in theirs]
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    sum((a * am.tensor(w)).sum() for a, w in zip(ours, weights)).backward()
    sum((t * torch.tensor(w)).sum() for t, w in zip(theirs, weights)).backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    for (name, p), tp in zip(m.named_parameters(), tm.parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=name)
