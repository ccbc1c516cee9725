"""BatchNorm2d, GroupNorm, InstanceNorm1d/2d, RMSNorm, Dropout2d, Unflatten, ZeroPad2d and F.pad's
modes: literals from PyTorch 2.13 (run without it), gradcheck/gradgradcheck, and, when torch is
installed, outputs, gradients and running statistics against it with the weights copied."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

RTOL = 1e-6


def _torch():
    return pytest.importorskip("torch")


# ---- literals from PyTorch 2.13 (no torch needed) -------------------------------------------
X = np.sin(np.arange(24.0) * 1.3).reshape(2, 3, 2, 2) * 2 + 0.5
C = np.cos(np.arange(100.0))
W = np.array([1.5, -0.5, 2.0])
B = np.array([0.1, 0.2, -0.3])

LITERAL_FNS = {
    "batch_norm": lambda t: F.batch_norm(t, None, None, am.Tensor(W), am.Tensor(B), True),
    "group_norm": lambda t: F.group_norm(t.reshape(2, 6, 2), 3, am.Tensor(np.r_[W, W]),
                                         am.Tensor(np.r_[B, B])),
    "instance_norm": lambda t: F.instance_norm(t, weight=am.Tensor(W), bias=am.Tensor(B)),
    "rms_norm": lambda t: F.rms_norm(t, (2, 2)),
    "reflect": lambda t: F.pad(t, (1, 1, 1, 0), "reflect"),
    "replicate": lambda t: F.pad(t, (2, 0, 0, 1), "replicate"),
    "circular": lambda t: F.pad(t, (1, 2, -1, 1), "circular"),
    "constant": lambda t: F.pad(t, (1, -1, 0, 1), value=0.5),
}

# (first six outputs, first six input gradients of sum(out * cos(arange))), from torch 2.13
LITERALS = {
    'batch_norm': (
        [0.10860748330991843, 2.3677385649529237, 1.3172373194077203, -1.503909467539309,
         0.8342962387368845, 0.052539151370264915],
        [0.9876811659118904, 0.553416673431555, -0.6164694271197004, -1.419843076760178,
         0.3190468132116487, -0.024541766175834142]),
    'group_norm': (
        [-0.382850044223055, 1.969016474991991, -0.05846434457325517, 0.9205198214962338,
         -3.4004908332312995, -0.14348075304470606],
        [0.602295727940615, 0.06639712306494483, -0.4353828657597776, -0.23330998524578178,
         -0.12500292678520852, 0.021455351676766377]),
    'instance_norm': (
        [-0.382850044223055, 1.9690164749919905, 0.8753930337197654, -2.061559464488701,
         0.9751227083078249, 0.16087018826117647],
        [1.3329621216569145, 0.024332449626937154, -0.7952838597103186, -0.5620107115735332,
         0.02192411486753199, 0.03681288083320647]),
    'rms_norm': (
        [0.3287727379332651, 1.5959393890437423, 1.0067039276216527, -0.5757023149177789,
         -0.801210149684773, 0.5882960238938576],
        [0.5850124609453764, 0.0031812009416349873, -0.4957319593657019, -0.5239550898571645,
         -0.06507746542550952, -0.07634742310464632]),
    'reflect': (
        [-0.8755323183679482, 1.5310027436429283, -0.8755323183679482, 1.5310027436429283,
         2.427116370834386, 0.5],
        [1.037564439806531, 0.306526665786754, -1.3563947546289317, -0.4007183994322083,
         0.7135412801350722, -0.2973427720793045]),
    'replicate': (
        [0.5, 0.5, 0.5, 2.427116370834386, 1.5310027436429283, 1.5310027436429283],
        [1.1241554693209974, -0.9899924966004454, -1.3055129735197628, 0.7583279523313554,
         1.888037958390522, -0.7596879128588213]),
    'circular': (
        [-0.8755323183679482, 1.5310027436429283, -0.8755323183679482, 1.5310027436429283,
         -0.8755323183679482, -0.8755323183679482],
        [0.0, 0.0, 0.36498006210944656, 0.05664372051109945, 0.0, 0.0]),
    'constant': (
        [0.5, 0.5, 0.5, 1.5310027436429283, 0.5, 0.5],
        [0.5403023058681398, 0.0, -0.9899924966004454, 0.0, 0.7539022543433046, 0.0]),
}


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_literals_from_torch(name):
    x = am.Tensor(X.copy(), requires_grad=True)
    out = LITERAL_FNS[name](x)
    (out * am.Tensor(C[:out.numel()].reshape(out.shape))).sum().backward()
    expected_out, expected_grad = LITERALS[name]
    np.testing.assert_allclose(out.data.ravel()[:6], expected_out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(x.grad.data.ravel()[:6], expected_grad, rtol=1e-12, atol=1e-14)


def test_rms_norm_default_eps_is_finfo_eps():
    x = np.full((2, 3), 1e-9)
    out = F.rms_norm(am.Tensor(x), 3)
    expected = 1e-9 / np.sqrt(1e-18 + np.finfo(np.float64).eps)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    out32 = F.rms_norm(am.Tensor(x.astype(np.float32)), 3)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32.data, 1e-9 / np.sqrt(np.finfo(np.float32).eps), rtol=1e-4)


# ---- gradcheck and gradgradcheck ------------------------------------------------------------
def _p(shape, seed, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    return am.Tensor(rng.standard_normal(shape) * scale + shift, requires_grad=True)


GRADCHECK_CASES = {
    "batch_norm_4d": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
                      [(3, 2, 2, 2), (2,), (2,)]),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                      [(2, 2, 2, 3), (2,), (2,)]),
    "rms_norm": (lambda x, w: F.rms_norm(x, (3,), w, eps=1e-3), [(2, 2, 3), (3,)]),
    "pad_reflect": (lambda x: F.pad(x, (2, 1, 1, -1), "reflect"), [(1, 2, 3, 4)]),
    "pad_replicate": (lambda x: F.pad(x, (2, 1, 1, 2, 1, 0), "replicate"), [(1, 2, 2, 3)]),
    "pad_circular": (lambda x: F.pad(x, (3, -1), "circular"), [(2, 4)]),
    "pad_constant": (lambda x: F.pad(x, (1, -2, 2, 0), value=1.5), [(2, 3, 4)]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK_CASES))
def test_gradcheck_and_gradgradcheck(name):
    fn, shapes = GRADCHECK_CASES[name]
    inputs = [_p(s, i, shift=1.0 if i else 0.0) for i, s in enumerate(shapes)]
    assert am.gradcheck(fn, inputs)
    assert am.gradgradcheck(fn, inputs)


def test_instance_norm_with_running_stats_gradcheck():
    rm, rv = am.Tensor(np.zeros(2)), am.Tensor(np.ones(2))
    assert am.gradcheck(lambda x: F.instance_norm(x, rm, rv, use_input_stats=False),
                        [_p((2, 2, 3), 3)])


# ---- against torch --------------------------------------------------------------------------
def _compare(am_fn, torch_fn, arrays):
    torch = _torch()
    ours = [am.Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    o, t = am_fn(*ours), torch_fn(*theirs)
    np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=RTOL, atol=1e-12)
    up = np.random.default_rng(9).standard_normal(o.shape)
    o.backward(am.Tensor(up))
    t.backward(torch.tensor(up))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=RTOL, atol=1e-12)


def _torch_call(name):
    torch = _torch()
    TF = torch.nn.functional
    return {
        "group_norm": lambda x, w, b: TF.group_norm(x, 3, w, b, 1e-3),
        "instance_norm": lambda x, w, b: TF.instance_norm(x, weight=w, bias=b),
        "rms_norm": lambda x, w: TF.rms_norm(x, (2, 3), w),
        "rms_norm_eps": lambda x, w: TF.rms_norm(x, (3,), w, 0.5),
        "batch_norm": lambda x, w, b: TF.batch_norm(x, None, None, w, b, True),
    }[name]


FUNCTIONAL = {
    "group_norm": (lambda x, w, b: F.group_norm(x, 3, w, b, 1e-3), [(2, 6, 2, 3), (6,), (6,)]),
    "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                      [(3, 2, 4), (2,), (2,)]),
    "rms_norm": (lambda x, w: F.rms_norm(x, (2, 3), w), [(4, 2, 3), (2, 3)]),
    "rms_norm_eps": (lambda x, w: F.rms_norm(x, (3,), w, 0.5), [(4, 3), (3,)]),
    "batch_norm": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
                   [(3, 2, 2, 3), (2,), (2,)]),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_vs_torch(name):
    fn, shapes = FUNCTIONAL[name]
    rng = np.random.default_rng(4)
    _compare(fn, _torch_call(name), [rng.standard_normal(s) * 2 + 1 for s in shapes])


@pytest.mark.parametrize("mode, widths, shape", [
    ("reflect", (2, 3), (2, 3, 5)), ("reflect", (1, 2, 2, 0), (1, 2, 3, 4)),
    ("reflect", (1, 1, 2, 1, 1, 0), (1, 2, 3, 4, 3)), ("reflect", (-1, 2), (1, 4)),
    ("replicate", (3, 1, 0, 2), (2, 3, 4)), ("replicate", (2, 2, 1, 1, 1, 1), (2, 1, 2, 2, 2)),
    ("replicate", (-1, 2, 1, -1), (1, 1, 3, 3)), ("circular", (2, 4), (1, 2, 4)),
    ("circular", (1, 2, 3, 0), (1, 2, 3, 4)), ("circular", (-1, 2, 2, -1), (1, 1, 3, 4)),
    ("constant", (1, 2), (3,)), ("constant", (-1, 2, 0, -2, 1, 1), (2, 3, 4, 5)),
    ("constant", (0, 0, 1, 0), (2, 2)),
])
def test_pad_vs_torch(mode, widths, shape):
    torch = _torch()
    x = np.random.default_rng(2).standard_normal(shape)
    kw = {"value": 0.25} if mode == "constant" else {}
    _compare(lambda t: F.pad(t, widths, mode, **kw),
             lambda t: torch.nn.functional.pad(t, widths, mode, **kw), [x])


def test_pad_errors():
    x = am.Tensor(np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="less than"):
        F.pad(x, (3, 0), "reflect")
    with pytest.raises(ValueError, match="circular"):
        F.pad(x, (4, 0), "circular")
    with pytest.raises(NotImplementedError):
        F.pad(x, (1, 1, 1, 1, 1, 1), "reflect")  # 3 dims padded of a 3-D input
    with pytest.raises(NotImplementedError):
        F.pad(x, (1, 1), "wrap")
    with pytest.raises(ValueError, match="divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(ValueError, match="negative"):
        F.pad(x, (-2, -2))


def _copy_params(ours, theirs):
    torch = _torch()
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            rng = np.random.default_rng(abs(hash(name)) % 1000)
            value = rng.standard_normal(tuple(p.shape)) + 1
            p.copy_(torch.tensor(value))
            getattr(ours, name).data[...] = value


def _state(module):
    return {k: tuple(np.shape(v.data if isinstance(v, am.Tensor) else v.detach().numpy()))
            for k, v in module.state_dict().items()}


MODULES = [
    ("BatchNorm2d", (3,), {}, (4, 3, 2, 3)),
    ("BatchNorm2d", (3,), {"momentum": None}, (4, 3, 2, 3)),
    ("BatchNorm2d", (3,), {"affine": False, "momentum": 0.3}, (2, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"track_running_stats": False, "bias": False}, (2, 3, 2, 2)),
    ("GroupNorm", (2, 4), {}, (3, 4, 2, 3)),
    ("GroupNorm", (1, 4), {"affine": False, "eps": 1e-3}, (3, 4, 5)),
    ("InstanceNorm1d", (3,), {}, (2, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True, "track_running_stats": True}, (3, 5)),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True, "momentum": 0.4},
     (2, 3, 2, 3)),
    ("InstanceNorm2d", (3,), {"track_running_stats": True}, (3, 4, 2)),
    ("RMSNorm", ((2, 3),), {}, (4, 2, 3)),
    ("RMSNorm", (3,), {"eps": 1e-2, "elementwise_affine": False}, (4, 3)),
]


@pytest.mark.parametrize("cls, args, kwargs, shape", MODULES)
def test_modules_train_and_eval_vs_torch(cls, args, kwargs, shape):
    torch = _torch()
    ours = getattr(nn, cls)(*args, **kwargs).double()
    theirs = getattr(torch.nn, cls)(*args, **kwargs).double()
    assert _state(ours) == _state(theirs)
    assert repr(ours) == repr(theirs)
    _copy_params(ours, theirs)
    rng = np.random.default_rng(5)
    for mode in ("train", "train", "train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        x = rng.standard_normal(shape) * 3 + 2
        a, t = am.Tensor(x.copy(), requires_grad=True), torch.tensor(x, requires_grad=True)
        ours.zero_grad()
        theirs.zero_grad()
        oa, ot = ours(a), theirs(t)
        np.testing.assert_allclose(oa.data, ot.detach().numpy(), rtol=RTOL, atol=1e-12)
        up = rng.standard_normal(oa.shape)
        oa.backward(am.Tensor(up))
        ot.backward(torch.tensor(up))
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=RTOL, atol=1e-12)
        for name, p in theirs.named_parameters():
            np.testing.assert_allclose(getattr(ours, name).grad.data, p.grad.numpy(),
                                       rtol=RTOL, atol=1e-12)
        for name, buf in theirs.named_buffers():
            np.testing.assert_allclose(getattr(ours, name).data, buf.numpy(), rtol=RTOL)


def test_running_stats_by_hand():
    bn = nn.BatchNorm2d(2, momentum=0.5).double()
    x = np.random.default_rng(0).standard_normal((3, 2, 2, 2))
    bn(am.Tensor(x))
    per_channel = x.transpose(1, 0, 2, 3).reshape(2, -1)
    np.testing.assert_allclose(bn.running_mean.data, 0.5 * per_channel.mean(1))
    np.testing.assert_allclose(bn.running_var.data, 0.5 + 0.5 * per_channel.var(1, ddof=1))
    assert int(bn.num_batches_tracked.data) == 1
    bn.eval()
    out = bn(am.Tensor(x))
    expected = (x - bn.running_mean.data[:, None, None]) / np.sqrt(
        bn.running_var.data[:, None, None] + 1e-5)
    np.testing.assert_allclose(out.data, expected)
    assert int(bn.num_batches_tracked.data) == 1

    inorm = nn.InstanceNorm1d(2, track_running_stats=True, momentum=1.0).double()
    y = np.random.default_rng(1).standard_normal((4, 2, 5))
    inorm(am.Tensor(y))
    np.testing.assert_allclose(inorm.running_mean.data, y.mean(2).mean(0))
    np.testing.assert_allclose(inorm.running_var.data, y.var(2, ddof=1).mean(0))
    assert int(inorm.num_batches_tracked.data) == 0  # as PyTorch: never counted


def test_state_dict_names_without_torch():
    assert set(nn.BatchNorm2d(3).state_dict()) == {
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"}
    assert set(nn.GroupNorm(2, 4).state_dict()) == {"weight", "bias"}
    assert set(nn.InstanceNorm2d(3).state_dict()) == set()
    assert set(nn.InstanceNorm2d(3, affine=True).state_dict()) == {"weight", "bias"}
    assert set(nn.RMSNorm([2, 3]).state_dict()) == {"weight"}
    assert nn.RMSNorm([2, 3]).weight.shape == (2, 3)
    assert nn.RMSNorm(3).eps is None


def test_module_errors():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(am.Tensor(np.zeros((2, 3, 4))))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm2d(3)(am.Tensor(np.zeros((1, 3, 1, 1))))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        F.group_norm(am.Tensor(np.zeros((2, 4, 3))), 3)
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.InstanceNorm1d(3)(am.Tensor(np.zeros((2, 3, 4, 5))))
    with pytest.raises(ValueError, match="match num_features"):
        nn.InstanceNorm2d(3, affine=True)(am.Tensor(np.zeros((2, 4, 3, 3))))
    with pytest.warns(UserWarning, match="num_features"):
        nn.InstanceNorm2d(3)(am.Tensor(np.ones((2, 4, 3, 3))))
    with pytest.raises(ValueError, match="spatial element"):
        F.instance_norm(am.Tensor(np.zeros((2, 3, 1))))
    with pytest.raises(ValueError):
        F.rms_norm(am.Tensor(np.zeros((2, 3))), (2,))
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout2d(1.5)


def test_dropout2d_zeros_whole_channels():
    am.manual_seed(0)
    x = am.Tensor(np.ones((8, 16, 3, 3)), requires_grad=True)
    layer = nn.Dropout2d(0.25)
    out = layer(x)
    per_channel = out.data.reshape(8, 16, 9)
    assert np.all(per_channel.min(2) == per_channel.max(2))  # one value per channel
    assert set(np.unique(per_channel)) <= {0.0, 1 / 0.75}
    assert 0 < np.mean(per_channel == 0) < 0.5
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)
    layer.eval()
    assert layer(x) is x
    with pytest.warns(UserWarning, match="3D input"):
        out3 = F.dropout2d(am.Tensor(np.ones((4, 5, 6))), 0.5)
    assert np.all(out3.data.min(2) == out3.data.max(2))  # taken as (N, C, L)
    assert np.all(F.dropout2d(x, 1.0).data == 0)


def test_unflatten_and_zero_pad2d():
    x = am.Tensor(np.arange(24.0).reshape(2, 12), requires_grad=True)
    out = nn.Unflatten(1, (3, -1))(x)
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out.data, x.data.reshape(2, 3, 4))
    with pytest.raises(TypeError):
        nn.Unflatten(1, 3)
    img = am.Tensor(np.arange(12.0).reshape(1, 3, 4), requires_grad=True)
    padded = nn.ZeroPad2d((1, -1, 2, 0))(img)
    assert padded.shape == (1, 5, 4)
    np.testing.assert_array_equal(padded.data[0, 2:, 1:], img.data[0, :, :3])
    assert padded.data[0, :2].sum() == 0 and padded.data[0, :, 0].sum() == 0
    padded.sum().backward()
    np.testing.assert_array_equal(img.grad.data[0], np.r_[[1.0, 1, 1, 0]][None].repeat(3, 0))
    assert nn.ZeroPad2d(2)(img).shape == (1, 7, 8)


def test_unflatten_and_zero_pad2d_vs_torch():
    torch = _torch()
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    _compare(nn.ZeroPad2d((2, -1, 1, 3)), torch.nn.ZeroPad2d((2, -1, 1, 3)), [x])
    _compare(nn.Unflatten(-1, (5, 1)), torch.nn.Unflatten(-1, (5, 1)), [x])
    assert repr(nn.ZeroPad2d((2, -1, 1, 3))) == repr(torch.nn.ZeroPad2d((2, -1, 1, 3)))
    assert repr(nn.Unflatten(1, (2, 2))) == repr(torch.nn.Unflatten(1, (2, 2)))


def test_dropout2d_in_place_and_class_hierarchy():
    am.manual_seed(1)
    x = am.Tensor(np.ones((4, 6, 2, 2)))
    out = F.dropout2d(x, 0.5, inplace=True)
    assert out is x or np.shares_memory(out.data, x.data)
    assert np.all(out.data.reshape(4, 6, 4).min(2) == out.data.reshape(4, 6, 4).max(2))
    # as PyTorch: instance norm is not a batch norm, and BatchNorm2d is not a BatchNorm1d
    assert not isinstance(nn.InstanceNorm1d(3), nn.BatchNorm1d)
    assert not isinstance(nn.BatchNorm2d(3), nn.BatchNorm1d)
    bn = nn.BatchNorm2d(2)
    bn(am.Tensor(np.random.default_rng(0).standard_normal((2, 2, 2, 2))))
    bn.reset_running_stats()
    assert np.all(bn.running_mean.data == 0) and np.all(bn.running_var.data == 1)
    assert int(bn.num_batches_tracked.data) == 0
