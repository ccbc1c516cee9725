"""Every layer of am.nn: values against a hand-written NumPy formula, and gradcheck (float64, shapes
drawn by hypothesis) through the Module itself, parameters included."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn

SETTINGS = settings(max_examples=12, deadline=None)
_erf = np.vectorize(math.erf)


def leaf(array) -> am.Tensor:
    return am.Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def gradcheck_module(module: nn.Module, *inputs, second_order: bool = True) -> None:
    """gradcheck (and gradgradcheck) of module(*inputs) with respect to the inputs that require grad
    and every parameter: the checked float64 leaves are put in the parameters' places."""
    module.double()
    slots = [(m, name) for _, m in module.named_modules() for name, p in m._parameters.items()
             if p is not None and p.requires_grad]
    params = [m._parameters[name] for m, name in slots]
    n = len(inputs)

    def fn(*args):
        for (m, name), value in zip(slots, args[n:]):
            m._parameters[name] = value
        return module(*args[:n])

    args = tuple(inputs) + tuple(leaf(p.data) for p in params)
    try:
        assert am.gradcheck(fn, args)
        if second_order:
            assert am.gradgradcheck(fn, args)
    finally:
        for (m, name), p in zip(slots, params):
            m._parameters[name] = p


def shapes(draw, min_dims=1, max_dims=3, max_side=4):
    return tuple(draw(st.integers(1, max_side)) for _ in range(draw(st.integers(min_dims, max_dims))))


def rng_of(draw):
    return np.random.default_rng(draw(st.integers(0, 2**31)))


# ---- Linear -------------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_linear_values_and_gradients(data):
    rng = rng_of(data.draw)
    lead = shapes(data.draw, 0, 2, 3)
    n_in, n_out = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    bias = data.draw(st.booleans())
    layer = nn.Linear(n_in, n_out, bias=bias).double()
    x = leaf(rng.standard_normal(lead + (n_in,)))
    expected = x.data @ layer.weight.data.T + (layer.bias.data if bias else 0)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-12, atol=1e-12)
    gradcheck_module(layer, x)


def test_linear_init_is_pytorch_default_and_seeded():
    am.manual_seed(3)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.dtype == np.float32 and p.requires_grad
        assert np.abs(p.data).max() <= bound
    w = layer.weight.data.astype(np.float64)
    assert w.max() > 0.99 * bound and w.min() < -0.99 * bound  # fills the whole interval
    assert abs(w.var() - bound**2 / 3) < 0.02 * bound**2 / 3  # variance of U(-a, a)
    assert abs(w.mean()) < 0.01 * bound
    am.manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(400, 300).weight.data, layer.weight.data)
    assert layer.bias.data.std() > 0.5 * bound / math.sqrt(3)  # the bias is drawn too, not zeros


def test_linear_errors_name_shapes_and_dtypes():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"\(4, 5\).*\(2, 3\)"):
        layer(am.zeros(4, 5))
    with pytest.raises(TypeError, match="float64.*float32"):
        layer(am.Tensor(np.zeros((4, 3))))


def test_linear_one_dimensional_input_and_no_bias():
    layer = nn.Linear(3, 2, bias=False).double()
    x = leaf([1.0, -2.0, 0.5])
    np.testing.assert_allclose(layer(x).data, layer.weight.data @ x.data)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    gradcheck_module(layer, x)


# ---- activations --------------------------------------------------------------------------
def _away_from_zero(rng, shape):
    x = rng.uniform(0.1, 2.0, shape)
    return x * rng.choice([-1.0, 1.0], shape)


ACTIVATIONS = [
    (lambda: nn.ReLU(), lambda x: np.maximum(x, 0)),
    (lambda: nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (lambda: nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (lambda: nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (lambda: nn.Tanh(), np.tanh),
    (lambda: nn.GELU(), lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    (lambda: nn.GELU("tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    (lambda: nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (lambda: nn.Softplus(), lambda x: np.log1p(np.exp(x))),
    (lambda: nn.Softplus(beta=2.0, threshold=1.0),
     lambda x: np.where(2 * x > 1.0, x, np.log1p(np.exp(2 * x)) / 2)),
    (lambda: nn.Identity(), lambda x: x),
]


@pytest.mark.parametrize("make, formula", ACTIVATIONS,
                         ids=["relu", "leaky", "leaky0.2", "sigmoid", "tanh", "gelu", "gelu_tanh",
                              "silu", "softplus", "softplus_beta", "identity"])
@SETTINGS
@given(data=st.data())
def test_activation_values_and_gradients(make, formula, data):
    rng = rng_of(data.draw)
    x = leaf(_away_from_zero(rng, shapes(data.draw)))
    layer = make()
    np.testing.assert_allclose(layer(x).data, formula(x.data), rtol=1e-10, atol=1e-12)
    if isinstance(layer, nn.Softplus) and layer.threshold == 1.0:
        x = leaf(np.where(np.abs(2 * x.data - 1.0) < 0.05, 0.2, x.data))  # off the switch point
    if not isinstance(layer, nn.Identity):
        gradcheck_module(layer, x)


def test_activation_conventions_at_kinks():
    x = leaf([0.0])
    nn.LeakyReLU(0.1)(x).sum().backward()
    assert x.grad.item() == 0.1  # PyTorch: x > 0 ? 1 : slope
    x = leaf([0.0])
    nn.ReLU()(x).sum().backward()
    assert x.grad.item() == 0.0


def test_softplus_and_sigmoid_extremes():
    x = leaf([-1000.0, 1000.0, -np.inf, np.inf])
    out = F.softplus(x)
    np.testing.assert_array_equal(out.data, [0.0, 1000.0, 0.0, np.inf])
    out = F.softplus(leaf([-1000.0, 0.0, 1000.0]), beta=1.0, threshold=np.inf)
    out.sum().backward()
    assert np.isfinite(out.data).all()


@pytest.mark.parametrize("dim", [0, 1, -1])
@SETTINGS
@given(data=st.data())
def test_softmax_and_log_softmax_layers(dim, data):
    rng = rng_of(data.draw)
    x = leaf(rng.standard_normal(shapes(data.draw, 2, 3)))
    e = np.exp(x.data - x.data.max(dim, keepdims=True))
    expected = e / e.sum(dim, keepdims=True)
    np.testing.assert_allclose(nn.Softmax(dim)(x).data, expected, rtol=1e-12)
    np.testing.assert_allclose(nn.LogSoftmax(dim)(x).data, np.log(expected), rtol=1e-10, atol=1e-12)
    gradcheck_module(nn.Softmax(dim), x)
    gradcheck_module(nn.LogSoftmax(dim), x)


def test_softmax_without_dim_warns_and_uses_pytorch_legacy_choice():
    x = am.randn(2, 3)
    with pytest.warns(UserWarning, match="dim"):
        out = nn.Softmax()(x)
    np.testing.assert_allclose(out.data.sum(1), 1.0, rtol=1e-6)


# ---- dropout, flatten ---------------------------------------------------------------------
def test_dropout_inverted_scaling_train_and_eval():
    am.manual_seed(0)
    x = am.ones(200, 500)
    layer = nn.Dropout(0.3)
    out = layer(x).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.3) < 0.01
    assert abs(out.mean() - 1.0) < 0.02  # expectation unchanged
    layer.eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, 0.0)
    with pytest.raises(ValueError, match="p must be in"):
        nn.Dropout(1.5)


def test_dropout_is_seeded_and_gradient_is_the_mask():
    am.manual_seed(5)
    a = F.dropout(am.ones(10, 10), 0.5).data
    am.manual_seed(5)
    b = F.dropout(am.ones(10, 10), 0.5).data
    np.testing.assert_array_equal(a, b)
    x = leaf(np.random.default_rng(0).standard_normal((3, 4)))

    def fn(t):
        am.manual_seed(7)  # the same mask at every evaluation
        return F.dropout(t, 0.4)

    assert am.gradcheck(fn, (x,)) and am.gradgradcheck(fn, (x,))
    fn(x).sum().backward()
    am.manual_seed(7)
    mask = F.dropout(am.ones(3, 4, dtype=np.float64), 0.4).data
    np.testing.assert_allclose(x.grad.data, mask)


@SETTINGS
@given(st.data())
def test_flatten(data):
    shape = shapes(data.draw, 2, 4)
    x = leaf(np.arange(np.prod(shape), dtype=float).reshape(shape))
    out = nn.Flatten()(x)
    assert out.shape == (shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(out.data, x.data.reshape(shape[0], -1))
    assert nn.Flatten(0, -1)(x).shape == (x.data.size,)
    gradcheck_module(nn.Flatten(), x)


# ---- embedding ----------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_embedding_values_and_repeated_ids_accumulate(data):
    rng = rng_of(data.draw)
    num, dim = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3))
    ids = rng.integers(0, num, shapes(data.draw, 1, 2))
    layer = nn.Embedding(num, dim).double()
    out = layer(ids)
    np.testing.assert_array_equal(out.data, layer.weight.data[ids])
    upstream = rng.standard_normal(out.shape)
    out.backward(am.Tensor(upstream))
    expected = np.zeros((num, dim))
    np.add.at(expected, ids, upstream)
    np.testing.assert_allclose(layer.weight.grad.data, expected, rtol=1e-12)
    gradcheck_module(layer, am.Tensor(ids))


def test_embedding_padding_idx_and_errors():
    am.manual_seed(0)
    layer = nn.Embedding(4, 3, padding_idx=-1).double()
    assert layer.padding_idx == 3
    np.testing.assert_array_equal(layer.weight.data[3], 0.0)
    layer.weight.data[3] = 5.0  # the row still reads its (changed) value
    ids = np.array([[3, 1, 3], [0, 1, 2]])
    out = layer(ids)
    np.testing.assert_array_equal(out.data[0, 0], 5.0)
    out.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.data[3], 0.0)
    np.testing.assert_array_equal(layer.weight.grad.data[1], 2.0)
    with pytest.raises(IndexError, match="out of range"):
        layer(np.array([4]))
    with pytest.raises(TypeError, match="integers"):
        layer(am.tensor([0.0, 1.0]))


# ---- normalisation ------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_layer_norm(data):
    rng = rng_of(data.draw)
    shape = shapes(data.draw, 2, 3)
    k = data.draw(st.integers(1, len(shape) - 1))
    normalized = shape[-k:]
    affine = data.draw(st.booleans())
    layer = nn.LayerNorm(normalized, elementwise_affine=affine).double()
    if affine:
        layer.weight.data[...] = rng.standard_normal(normalized)
        layer.bias.data[...] = rng.standard_normal(normalized)
    x = leaf(rng.standard_normal(shape) * 3 + 1)
    axes = tuple(range(len(shape) - k, len(shape)))
    mean = x.data.mean(axes, keepdims=True)
    var = x.data.var(axes, keepdims=True)
    expected = (x.data - mean) / np.sqrt(var + 1e-5)
    if affine:
        expected = expected * layer.weight.data + layer.bias.data
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-10, atol=1e-12)
    if int(np.prod(normalized)) > 1:  # one element: the output is constant (0 or the bias)
        gradcheck_module(layer, x)


def test_layer_norm_shape_error():
    with pytest.raises(ValueError, match=r"\(4,\).*\(2, 3\)"):
        nn.LayerNorm(4)(am.zeros(2, 3))


def _batch_norm_reference(x, weight, bias, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight.reshape(shape) + bias.reshape(shape)


@pytest.mark.parametrize("three_d", [False, True])
def test_batch_norm_train_running_stats_and_eval(three_d):
    rng = np.random.default_rng(1)
    layer = nn.BatchNorm1d(3, momentum=0.2).double()
    layer.weight.data[...] = [1.0, 2.0, -1.0]
    layer.bias.data[...] = [0.0, 0.5, 1.0]
    shape = (5, 3, 4) if three_d else (5, 3)
    axes = (0, 2) if three_d else (0,)
    running_mean, running_var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        out = layer(am.Tensor(x))
        np.testing.assert_allclose(out.data, _batch_norm_reference(x, layer.weight.data,
                                                                   layer.bias.data), rtol=1e-10)
        running_mean = 0.8 * running_mean + 0.2 * x.mean(axes)
        running_var = 0.8 * running_var + 0.2 * x.var(axes, ddof=1)  # unbiased
    np.testing.assert_allclose(layer.running_mean.data, running_mean, rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.data, running_var, rtol=1e-12)
    assert int(layer.num_batches_tracked.data) == 3
    layer.eval()
    x = rng.standard_normal(shape)
    shape_b = (1, -1) + (1,) * (x.ndim - 2)
    expected = (x - running_mean.reshape(shape_b)) / np.sqrt(running_var.reshape(shape_b) + 1e-5)
    expected = expected * layer.weight.data.reshape(shape_b) + layer.bias.data.reshape(shape_b)
    np.testing.assert_allclose(layer(am.Tensor(x)).data, expected, rtol=1e-10)
    assert int(layer.num_batches_tracked.data) == 3  # eval does not count batches


def test_batch_norm_cumulative_average_and_no_tracking():
    rng = np.random.default_rng(2)
    layer = nn.BatchNorm1d(2, momentum=None).double()
    xs = [rng.standard_normal((4, 2)) for _ in range(3)]
    for x in xs:
        layer(am.Tensor(x))
    np.testing.assert_allclose(layer.running_mean.data, np.mean([x.mean(0) for x in xs], 0),
                               rtol=1e-12)
    free = nn.BatchNorm1d(2, track_running_stats=False, affine=False).double().eval()
    x = xs[0]
    np.testing.assert_allclose(free(am.Tensor(x)).data, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5),
                               rtol=1e-10)
    assert list(free.state_dict()) == []
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                        "num_batches_tracked"]


def test_batch_norm_errors():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        layer(am.zeros(1, 3))
    with pytest.raises(ValueError, match=r"\(N, 3\).*\(4, 2\)"):
        layer(am.zeros(4, 2))


@SETTINGS
@given(st.data())
def test_batch_norm_gradients(data):
    rng = rng_of(data.draw)
    c = data.draw(st.integers(1, 3))
    shape = (data.draw(st.integers(2, 4)), c) + ((data.draw(st.integers(1, 3)),)
                                                  if data.draw(st.booleans()) else ())
    layer = nn.BatchNorm1d(c).double()
    layer.weight.data[...] = rng.uniform(0.5, 2, c)
    gradcheck_module(layer, leaf(rng.standard_normal(shape)))
    layer.eval()
    gradcheck_module(layer, leaf(rng.standard_normal(shape)))


# ---- convolution and pooling --------------------------------------------------------------
def _conv_reference(x, w, b, stride, pads, dilation, groups):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    top, bottom, left, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    oh = (h + top + bottom - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + left + right - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    per_group_out = o // groups
    for oc in range(o):
        g = oc // per_group_out
        for i in range(oh):
            for j in range(ow):
                r, s = i * stride[0], j * stride[1]
                patch = xp[:, g * cg:(g + 1) * cg, r:r + dilation[0] * (kh - 1) + 1:dilation[0],
                           s:s + dilation[1] * (kw - 1) + 1:dilation[1]]
                out[:, oc, i, j] = (patch * w[oc]).sum((1, 2, 3)) + (0 if b is None else b[oc])
    return out


def _conv_case(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    cin = groups * draw(st.integers(1, 2))
    cout = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from([0, 1, (1, 0), "valid", "same"]))
    if padding == "same":
        stride = (1, 1)
    h = draw(st.integers(dilation[0] * (kernel[0] - 1) + 1, 6))
    w = draw(st.integers(dilation[1] * (kernel[1] - 1) + 1, 6))
    return groups, cin, cout, kernel, stride, dilation, padding, (h, w)


def _pads(padding, kernel, dilation):
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        t = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return (t[0] // 2, t[0] - t[0] // 2, t[1] // 2, t[1] - t[1] // 2)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return (ph, ph, pw, pw)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_conv2d_values_against_direct_loops(data):
    groups, cin, cout, kernel, stride, dilation, padding, hw = _conv_case(data.draw)
    bias = data.draw(st.booleans())
    rng = rng_of(data.draw)
    layer = nn.Conv2d(cin, cout, kernel, stride, padding, dilation, groups, bias=bias).double()
    x = rng.standard_normal((data.draw(st.integers(1, 3)), cin) + hw)
    expected = _conv_reference(x, layer.weight.data, layer.bias.data if bias else None, stride,
                               _pads(padding, kernel, dilation), dilation, groups)
    out = layer(am.Tensor(x))
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    if padding == "same":
        assert out.shape[2:] == hw
    unbatched = layer(am.Tensor(x[0]))
    np.testing.assert_allclose(unbatched.data, expected[0], rtol=1e-10, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_conv2d_gradients(data):
    groups, cin, cout, kernel, stride, dilation, padding, hw = _conv_case(data.draw)
    rng = rng_of(data.draw)
    layer = nn.Conv2d(cin, cout, kernel, stride, padding, dilation, groups,
                      bias=data.draw(st.booleans()))
    x = leaf(rng.standard_normal((1, cin) + hw))
    gradcheck_module(layer, x, second_order=data.draw(st.booleans()))


def test_conv2d_init_and_errors():
    am.manual_seed(0)
    layer = nn.Conv2d(3, 8, 3)
    bound = 1 / math.sqrt(3 * 9)
    assert layer.weight.shape == (8, 3, 3, 3)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    with pytest.raises(ValueError, match=r"\(1, 2, 5, 5\).*\(8, 3, 3, 3\)"):
        layer(am.zeros(1, 2, 5, 5))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        layer(am.zeros(1, 3, 2, 5))
    with pytest.raises(ValueError, match="stride 1"):
        nn.Conv2d(3, 8, 3, stride=2, padding="same")(am.zeros(1, 3, 5, 5))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 8, 3, groups=2)
    assert repr(nn.Conv2d(1, 2, 3, padding=1, bias=False)) == \
        "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)"


def _pool_reference(x, kernel, stride, padding, dilation, ceil_mode):
    n, c, h, w = x.shape
    sizes = []
    for size, k, s, p, d in zip((h, w), kernel, stride, padding, dilation):
        span = size + 2 * p - d * (k - 1) - 1
        out = (math.ceil(span / s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= size + p:
            out -= 1
        sizes.append(out)
    big = 20
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], big), (padding[1], big)),
                constant_values=-np.inf)
    out = np.empty((n, c) + tuple(sizes))
    idx = np.empty((n, c) + tuple(sizes), dtype=np.int64)
    for i in range(sizes[0]):
        for j in range(sizes[1]):
            r, s = i * stride[0], j * stride[1]
            win = xp[:, :, r:r + dilation[0] * (kernel[0] - 1) + 1:dilation[0],
                     s:s + dilation[1] * (kernel[1] - 1) + 1:dilation[1]].reshape(n, c, -1)
            out[:, :, i, j] = win.max(-1)
            a = win.argmax(-1)
            rows = r - padding[0] + (a // kernel[1]) * dilation[0]
            cols = s - padding[1] + (a % kernel[1]) * dilation[1]
            idx[:, :, i, j] = rows * w + cols
    return out, idx


def _pool_case(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    ceil_mode = draw(st.booleans())
    h = draw(st.integers(max(1, dilation[0] * (kernel[0] - 1) + 1 - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, dilation[1] * (kernel[1] - 1) + 1 - 2 * padding[1]), 7))
    return kernel, stride, dilation, padding, ceil_mode, (h, w)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_max_pool2d_values_and_indices(data):
    kernel, stride, dilation, padding, ceil_mode, hw = _pool_case(data.draw)
    rng = rng_of(data.draw)
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    x = rng.permutation(n * c * hw[0] * hw[1]).reshape((n, c) + hw).astype(float)  # no ties
    layer = nn.MaxPool2d(kernel, stride, padding, dilation, return_indices=True,
                         ceil_mode=ceil_mode)
    out, indices = layer(am.Tensor(x))
    expected, expected_idx = _pool_reference(x, kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(out.data, expected, err_msg=str((kernel, stride, dilation,
                                                                   padding, ceil_mode, hw)))
    np.testing.assert_array_equal(indices.data, expected_idx)
    inside = np.isfinite(expected.reshape(n, c, -1))  # a dilated window may be all padding
    # an all-padding window's index points into the padding: only look up the others
    flat_idx = np.where(inside, indices.data.reshape(n, c, -1), 0)
    picked = np.take_along_axis(x.reshape(n, c, -1), flat_idx, -1)
    np.testing.assert_array_equal(picked[inside], expected.reshape(n, c, -1)[inside])


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_max_pool2d_gradients(data):
    kernel, stride, dilation, padding, ceil_mode, hw = _pool_case(data.draw)
    rng = rng_of(data.draw)
    x = leaf(rng.permutation(2 * hw[0] * hw[1]).reshape((1, 2) + hw) * 0.1)  # spaced, no ties
    layer = nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    assume(np.isfinite(layer(x).data).all())  # a dilated window that is all padding gives -inf
    gradcheck_module(layer, x)


def test_max_pool2d_ties_share_the_gradient_and_errors():
    x = leaf(np.ones((1, 1, 2, 2)))
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 0.25)
    with pytest.raises(ValueError, match="at most half"):
        F.max_pool2d(am.zeros(1, 1, 4, 4), 2, padding=2)


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_unfold_fold_adjoint_and_pytorch_layout(data):
    rng = rng_of(data.draw)
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = data.draw(st.integers(1, 2))
    padding = data.draw(st.integers(0, 1))
    dilation = data.draw(st.integers(1, 2))
    hw = (data.draw(st.integers(dilation * (kernel[0] - 1) + 1, 6)),
          data.draw(st.integers(dilation * (kernel[1] - 1) + 1, 6)))
    x = rng.standard_normal((2, 3) + hw)
    cols = F.unfold(am.Tensor(x), kernel, dilation, padding, stride)
    # PyTorch's layout: column l = (i, j) holds the (c, ki, kj) window entries in that order
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (hw[0] + 2 * padding - dilation * (kernel[0] - 1) - 1) // stride + 1
    ow = (hw[1] + 2 * padding - dilation * (kernel[1] - 1) - 1) // stride + 1
    assert cols.shape == (2, 3 * kernel[0] * kernel[1], oh * ow)
    i, j = data.draw(st.integers(0, oh - 1)), data.draw(st.integers(0, ow - 1))
    window = xp[:, :, i * stride:i * stride + dilation * (kernel[0] - 1) + 1:dilation,
                j * stride:j * stride + dilation * (kernel[1] - 1) + 1:dilation]
    np.testing.assert_array_equal(cols.data[:, :, i * ow + j], window.reshape(2, -1))
    # fold is unfold's adjoint: <unfold(x), y> == <x, fold(y)>
    y = rng.standard_normal(cols.shape)
    folded = F.fold(am.Tensor(y), hw, kernel, dilation, padding, stride)
    np.testing.assert_allclose(np.sum(cols.data * y), np.sum(x * folded.data), rtol=1e-10)
    assert am.gradcheck(lambda t: F.unfold(t, kernel, dilation, padding, stride), (leaf(x),))
    assert am.gradcheck(lambda t: F.fold(t, hw, kernel, dilation, padding, stride), (leaf(y),))


def test_one_hot():
    out = F.one_hot(am.Tensor(np.array([2, 0, 1])))
    np.testing.assert_array_equal(out.data, np.eye(3, dtype=np.int64)[[2, 0, 1]])
    assert out.dtype == np.int64
    assert F.one_hot(np.array([[0], [1]]), 4).shape == (2, 1, 4)
    with pytest.raises(IndexError, match="out of range"):
        F.one_hot(np.array([3]), 2)
    with pytest.raises(TypeError, match="integer"):
        F.one_hot(am.tensor([1.0]))
