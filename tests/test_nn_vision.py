"""Vision ops against PyTorch: conv2d's groups and padding, transposed convolutions,
interpolate/Upsample, pixel (un)shuffle, adaptive max pooling, max pooling with dilation and
Embedding(max_norm=).

Literal expected numbers (from torch 2.13, small integer inputs) run without torch; the live
comparisons over many configurations skip without it. gradcheck/gradgradcheck of each composite
runs in the registry test (rules in tests/op_rules_vision.py).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn


def leaf(values, dtype=np.float64):
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def weighted_sum(out):
    """sum(out * arange): an upstream gradient that tells positions apart."""
    return (out * am.tensor(np.arange(out.data.size, dtype=out.dtype).reshape(out.shape))).sum()


def assert_equal(ours, expected, rtol=1e-12):
    np.testing.assert_allclose(ours.data if isinstance(ours, am.Tensor) else ours,
                               np.asarray(expected, dtype=np.float64), rtol=rtol, atol=1e-12)


# ---- literal values from torch 2.13 ---------------------------------------------------------
def test_conv2d_depthwise_same_with_an_even_kernel_pads_more_after():
    x = leaf(np.arange(18.0).reshape(1, 2, 3, 3))
    w = leaf([[[[1, -1], [2, 0]]], [[[0, 1], [1, 1]]]])
    out = F.conv2d(x, w, None, 1, "same", 1, 2)
    weighted_sum(out).backward()
    assert_equal(out, [[[[5, 7, 12], [11, 13, 21], [-1, -1, 8]],
                        [[35, 38, 14], [44, 47, 17], [16, 17, 0]]]])
    assert_equal(x.grad, [[[[0, 1, 1], [3, 3, 5], [12, 9, 11]],
                           [[0, 9, 10], [9, 31, 34], [12, 40, 43]]]])
    assert_equal(w.grad, [[[[204, 132], [100, 58]]], [[[1581, 1050], [1018, 670]]]])


def test_conv_transpose2d_literal():
    x = leaf([[[[1, 2], [3, 4]], [[0, -1], [2, 1]]]])
    w = leaf(np.arange(36.0).reshape(2, 2, 3, 3) - 10)
    b = leaf([0.5, -1.0])
    out = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    weighted_sum(out).backward()
    assert_equal(out, [[[[-5.5, -29.5, -23.5, -22.5], [-11.5, -59.5, -47.5, -41.5],
                         [6.5, -5.5, -11.5, -6.5], [21.5, 24.5, 3.5, 8.5]],
                        [[2, -13, -16, -15], [41, 47, 5, 11], [50, 83, 32, 37],
                         [65, 113, 47, 52]]]])
    assert_equal(x.grad, [[[[356, 476], [333, 318]], [[1868, 3068], [3897, 6150]]]])
    assert_equal(w.grad, [[[[20, 36, 43], [38, 68, 78], [62, 108, 118]],
                           [[84, 148, 155], [134, 228, 238], [158, 268, 278]]],
                          [[[5, 14, 17], [8, 24, 26], [8, 32, 34]],
                           [[21, 62, 65], [8, 56, 58], [8, 64, 66]]]])
    assert_equal(b.grad, [120, 376])


def test_conv_transpose1d_literal_with_groups():
    x = leaf([[[1, 2, 3], [-1, 0, 2]]])
    w = leaf([[[1, 2, 3]], [[0, -1, 1]]])
    out = F.conv_transpose1d(x, w, None, stride=2, padding=1, output_padding=1, groups=2)
    weighted_sum(out).backward()
    assert_equal(out, [[[2, 5, 4, 9, 6, 9], [1, -1, 0, 0, -2, 2]]])
    assert_equal(x.grad, [[[3, 14, 26], [1, 1, 1]]])
    assert_equal(w.grad, [[[11, 16, 22]], [[18, 14, 15]]])


IMAGE = [[[[0, 1, 5], [2, 7, 3]]]]


def test_interpolate_nearest_literal():
    x = leaf(IMAGE)
    out = F.interpolate(x, scale_factor=1.5)
    weighted_sum(out).backward()
    assert_equal(out, [[[[0, 0, 1, 5], [0, 0, 1, 5], [2, 2, 7, 3]]]])
    assert_equal(x.grad, [[[[10, 8, 10], [17, 10, 11]]]])


@pytest.mark.parametrize("align_corners, values, grad", [
    (False, [[0, 0.625, 2.5, 5], [1, 2.875, 4, 4], [2, 5.125, 5.5, 3]],
     [[3.3125, 5.3125, 8.375], [14.3125, 15.3125, 19.375]]),
    (True, [[0, 2 / 3, 7 / 3, 5], [1, 3, 4, 4], [2, 16 / 3, 17 / 3, 3]],
     [[19 / 6, 17 / 3, 49 / 6], [83 / 6, 49 / 3, 113 / 6]]),
])
def test_interpolate_bilinear_literal(align_corners, values, grad):
    x = leaf(IMAGE)
    out = F.interpolate(x, size=(3, 4), mode="bilinear", align_corners=align_corners)
    weighted_sum(out).backward()
    assert_equal(out, [[values]])
    assert_equal(x.grad, [[grad]])


def test_interpolate_linear_literal():
    out = F.interpolate(am.tensor(np.asarray(IMAGE[0], dtype=np.float64)), scale_factor=2,
                        mode="linear")
    assert_equal(out, [[[0, 0.25, 0.75, 2, 4, 5], [2, 3.25, 5.75, 6, 4, 3]]])


def test_pixel_shuffle_and_unshuffle_literal():
    shuffled = F.pixel_shuffle(am.tensor(np.arange(8.0).reshape(1, 4, 1, 2)), 2)
    assert_equal(shuffled, [[[[0, 2, 1, 3], [4, 6, 5, 7]]]])
    unshuffled = F.pixel_unshuffle(am.tensor(np.arange(8.0).reshape(1, 1, 2, 4)), 2)
    assert_equal(unshuffled, [[[[0, 2]], [[1, 3]], [[4, 6]], [[5, 7]]]])


def test_adaptive_max_pool_literal():
    x = leaf([[[[3, 1, 4, 1, 5], [9, 2, 6, 2, 3], [5, 8, 9, 7, 0]]]])
    out, indices = F.adaptive_max_pool2d(x, (2, 3), return_indices=True)
    weighted_sum(out).backward()
    assert_equal(out, [[[[9, 6, 5], [9, 9, 7]]]])
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.data, [[[[5, 7, 4], [5, 12, 13]]]])
    assert_equal(x.grad, [[[[0, 0, 0, 0, 2], [3, 0, 1, 0, 0], [0, 0, 4, 5, 0]]]])
    out, indices = F.adaptive_max_pool1d(x[0, 0, :2], 3, return_indices=True)
    assert_equal(out, [[3, 4, 5], [9, 6, 3]])
    np.testing.assert_array_equal(indices.data, [[0, 2, 4], [0, 2, 4]])


def test_adaptive_max_pool_ties_share_the_gradient_evenly():
    """The project's convention for max (as max_pool2d here and torch.max/amax): tied maxima in a
    window share its gradient evenly. PyTorch's pooling gives it all to the first maximum (its
    index); `return_indices` reports that first one."""
    x = leaf([[[[1, 5], [5, 0]]]])
    out, indices = F.adaptive_max_pool2d(x, 1, return_indices=True)
    out.sum().backward()
    assert_equal(x.grad, [[[[0, 0.5], [0.5, 0]]]])  # PyTorch: [[0, 1], [0, 0]]
    assert int(indices.data.item()) == 1


def test_max_pool_with_dilation_padding_and_ceil_mode_literal():
    x = am.tensor(np.arange(30.0).reshape(1, 1, 5, 6))
    out, indices = F.max_pool2d(x, (2, 3), (2, 1), (1, 1), (2, 2), True, True)
    assert_equal(out, [[[[9, 10, 11, 10], [21, 22, 23, 22], [21, 22, 23, 22]]]])
    np.testing.assert_array_equal(indices.data, out.data.astype(np.int64))
    out, indices = F.max_pool1d(x[0, :, 0], 3, 2, 1, 2, True, True)
    assert_equal(out, [[3, 5, 5]])
    np.testing.assert_array_equal(indices.data, [[3, 5, 5]])


def test_embedding_max_norm_renormalises_looked_up_rows_in_place():
    weight = leaf([[3, 4], [0.3, 0.4], [1, 1], [6, 8]])
    version = weight._version
    out = F.embedding(am.tensor([[0, 2], [0, 1]]), weight, max_norm=1.0)
    s = 1 / (5 + 1e-7)  # PyTorch's max_norm / (norm + 1e-7)
    r = 1 / (math.sqrt(2) + 1e-7)
    expected_weight = [[3 * s, 4 * s], [0.3, 0.4], [r, r], [6, 8]]  # row 3 not looked up
    assert_equal(weight, expected_weight)
    assert_equal(out, [[[3 * s, 4 * s], [r, r]], [[3 * s, 4 * s], [0.3, 0.4]]])
    assert weight._version > version and weight.is_leaf and weight.grad_fn is None
    out.sum().backward()  # the gradient flows to the (renormalised) rows looked up
    assert_equal(weight.grad, [[2, 2], [1, 1], [1, 1], [0, 0]])


def test_embedding_max_norm_with_norm_type_1():
    weight = leaf([[3, 4], [0.3, 0.4], [1, 1], [6, 8]])
    out = F.embedding(am.tensor([3, 2]), weight, max_norm=2.0, norm_type=1.0)
    s = 2 / (14 + 1e-7)
    assert_equal(out, [[6 * s, 8 * s], [1, 1]])
    assert_equal(weight[3], [6 * s, 8 * s])


def test_embedding_module_max_norm_keeps_rows_within_the_norm():
    am.manual_seed(0)
    layer = nn.Embedding(10, 4, max_norm=0.5).double()
    ids = am.tensor([1, 3, 3, 7])
    layer(ids)
    norms = np.linalg.norm(layer.weight.data, axis=1)
    assert (norms[[1, 3, 7]] <= 0.5).all()
    assert (norms[[0, 2]] > 0.5).any()  # rows not looked up keep their N(0, 1) values
    assert "max_norm=0.5" in repr(layer)


def test_embedding_max_norm_after_a_use_of_weight_is_an_in_place_error():
    """As PyTorch: the renormalisation writes into weight, which an earlier op saved."""
    weight = leaf([[3.0, 4.0], [0.3, 0.4]])
    y = (weight * weight).sum()
    F.embedding(am.tensor([0]), weight, max_norm=1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


# ---- structure: adjoints, VJPs that are convolutions, inverses ------------------------------
@pytest.mark.parametrize("stride, padding, dilation, groups", [
    (1, 0, 1, 1), (2, 1, 1, 2), ((2, 1), (0, 2), (1, 2), 1), (3, 2, 2, 4), ((1, 3), (1, 0), 1, 2)])
def test_conv_transpose2d_is_the_adjoint_of_conv2d(stride, padding, dilation, groups):
    """<conv2d(x, w), y> = <x, conv_transpose2d(y, w)>, with output_padding restoring x's size."""
    rng = np.random.default_rng(0)
    x = am.tensor(rng.standard_normal((2, 4, 9, 8)))
    w = am.tensor(rng.standard_normal((8, 4 // groups, 3, 2)))
    y_shape = F.conv2d(x, w, None, stride, padding, dilation, groups).shape
    y = am.tensor(rng.standard_normal(y_shape))
    s, p, d = ((v, v) if isinstance(v, int) else v for v in (stride, padding, dilation))
    full = [(o - 1) * si - 2 * pi + di * (k - 1) + 1
            for o, si, pi, di, k in zip(y_shape[2:], s, p, d, (3, 2))]
    output_padding = tuple(n - f for n, f in zip((9, 8), full))
    back = F.conv_transpose2d(y, w, None, stride, padding, output_padding, groups, dilation)
    assert back.shape == x.shape
    lhs = float((F.conv2d(x, w, None, stride, padding, dilation, groups) * y).sum().item())
    rhs = float((x * back).sum().item())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def _graph_functions(t):
    seen, stack, names = set(), [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(node.fn.__name__)
        stack.extend(fn for fn, _ in node.next_functions if isinstance(fn, am.autograd.Node))
    return names


def test_the_vjps_of_conv2d_and_conv_transpose2d_are_each_other():
    """conv2d's input gradient is folded columns (a transposed convolution) and the transposed
    convolution's is unfolded columns (a convolution); both differentiable again."""
    rng = np.random.default_rng(1)
    x = leaf(rng.standard_normal((1, 2, 5, 5)))
    w = leaf(rng.standard_normal((3, 2, 3, 3)))
    (gx,) = am.autograd.grad(F.conv2d(x, w, stride=2).sum(), [x], create_graph=True)
    assert "Fold" in _graph_functions(gx)
    z = leaf(rng.standard_normal((1, 3, 2, 2)))
    out = F.conv_transpose2d(z, w, stride=2)
    v = leaf(rng.standard_normal(out.shape))  # an upstream gradient that is itself a variable
    (gz,) = am.autograd.grad([out], [z], [v], create_graph=True)
    assert "Unfold" in _graph_functions(gz)
    assert am.gradgradcheck(lambda a, b: F.conv_transpose2d(a, b, stride=2, output_padding=1),
                            (z, w))


@pytest.mark.parametrize("index", [
    np.arange(12) // 3, np.arange(7) // 2, np.array([0, 0, 0, 1, 1, 2, 4, 4]),
    np.array([3, 0, 3, 1, 0, 4, 4, 4, 2]), np.array([2]), np.array([], dtype=np.int64)])
@pytest.mark.parametrize("axis", [0, 1, 2])
def test_axis_scatter_add_equals_numpy_add_at(index, axis):
    """The run-wise sums of AxisScatterAdd (strided, padded-take and sorting paths) give
    np.add.at's result bit for bit; AxisTake is np.take."""
    from autograd_mini.nn import _primitives as P
    rng = np.random.default_rng(17)
    shape = [3, 4, 5]
    shape[axis] = index.size
    g = rng.standard_normal(shape)
    out = P.AxisScatterAdd.apply(am.tensor(g), index=index, axis=axis, size=5)
    expected_shape = list(shape)
    expected_shape[axis] = 5
    expected = np.zeros(expected_shape)
    np.add.at(expected, (slice(None),) * axis + (index,), g)
    np.testing.assert_array_equal(out.data, expected)
    x = rng.standard_normal(expected_shape)
    np.testing.assert_array_equal(P.AxisTake.apply(am.tensor(x), index=index, axis=axis).data,
                                  np.take(x, index, axis=axis))


def test_pixel_unshuffle_inverts_pixel_shuffle_with_batch_axes():
    x = am.tensor(np.random.default_rng(2).standard_normal((2, 3, 18, 2, 4)))
    shuffled = F.pixel_shuffle(x, 3)
    assert shuffled.shape == (2, 3, 2, 6, 12)
    np.testing.assert_array_equal(F.pixel_unshuffle(shuffled, 3).data, x.data)


def test_interpolate_keeps_float32_and_unbatched_conv_transpose():
    x = am.tensor(np.ones((1, 1, 2, 2), dtype=np.float32))
    assert F.interpolate(x, scale_factor=2, mode="bilinear").dtype == np.float32
    w = am.tensor(np.ones((3, 2, 2, 2)))
    assert F.conv_transpose2d(am.tensor(np.ones((3, 4, 4))), w, stride=2).shape == (2, 8, 8)
    assert F.conv_transpose1d(am.tensor(np.ones((3, 4))), am.tensor(np.ones((3, 2, 2)))).shape \
        == (2, 5)


# ---- modules --------------------------------------------------------------------------------
def test_conv_transpose_modules_weights_init_and_repr():
    am.manual_seed(0)
    layer = nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2,
                               bias=True, dilation=2)
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert layer.weight.shape == (4, 3, 3, 2) and layer.bias.shape == (6,)
    bound = 1 / math.sqrt(3 * 3 * 2)  # fan_in = out_channels / groups * kh * kw, as PyTorch
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    big = nn.ConvTranspose2d(64, 32, 3)
    assert np.abs(big.weight.data).max() == pytest.approx(1 / math.sqrt(32 * 9), rel=0.01)
    assert repr(layer) == ("ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 2), "
                           "padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2)")
    one = nn.ConvTranspose1d(4, 6, 3, bias=False)
    assert list(one.state_dict()) == ["weight"] and one.weight.shape == (4, 6, 3)
    assert repr(one) == "ConvTranspose1d(4, 6, kernel_size=(3,), stride=(1,), bias=False)"
    assert layer.transposed and layer.padding_mode == "zeros"


def test_conv_transpose_output_size_picks_the_output_padding():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = am.tensor(np.ones((1, 2, 4, 5), dtype=np.float32))
    assert layer(x).shape == (1, 3, 7, 9)
    assert layer(x, output_size=(8, 10)).shape == (1, 3, 8, 10)
    assert layer(x, output_size=(1, 3, 8, 9)).shape == (1, 3, 8, 9)
    with pytest.raises(ValueError, match=r"valid sizes range from \[7, 9\] to \[8, 10\]"):
        layer(x, output_size=(9, 9))
    one = nn.ConvTranspose1d(2, 3, 3, stride=3)
    assert one(am.tensor(np.ones((2, 4), dtype=np.float32)), output_size=[12]).shape == (3, 12)


def test_upsample_and_pixel_shuffle_modules():
    up = nn.Upsample(scale_factor=(2, 3), mode="bilinear")
    assert repr(up) == "Upsample(scale_factor=(2.0, 3.0), mode='bilinear')"
    assert repr(nn.Upsample(size=4)) == "Upsample(size=4, mode='nearest')"
    x = am.tensor(np.random.default_rng(3).standard_normal((1, 2, 3, 3)))
    assert up(x).shape == (1, 2, 6, 9)
    np.testing.assert_array_equal(nn.UpsamplingBilinear2d(size=5)(x).data,
                                  F.interpolate(x, size=5, mode="bilinear",
                                                align_corners=True).data)
    np.testing.assert_array_equal(nn.UpsamplingNearest2d(scale_factor=2)(x).data,
                                  F.interpolate(x, scale_factor=2).data)
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.PixelUnshuffle(3)) == "PixelUnshuffle(downscale_factor=3)"
    assert nn.PixelShuffle(2)(am.tensor(np.ones((4, 2, 3)))).shape == (1, 4, 6)
    assert list(up.state_dict()) == []


def test_adaptive_max_pool_modules():
    x = am.tensor(np.random.default_rng(4).standard_normal((2, 3, 7, 5)))
    pool = nn.AdaptiveMaxPool2d((3, None), return_indices=True)
    out, indices = pool(x)
    assert out.shape == indices.shape == (2, 3, 3, 5)
    assert repr(pool) == "AdaptiveMaxPool2d(output_size=(3, None))"
    assert nn.AdaptiveMaxPool1d(2)(x[0]).shape == (3, 7, 2)


# ---- errors ---------------------------------------------------------------------------------
ERRORS = [
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((3, 2, 3, 3))),
     RuntimeError, r"expected 3 input channels"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3, 3)), groups=3),
     RuntimeError, r"groups=3"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3, 3)), stride=2,
                                output_padding=2),
     ValueError, "output padding must be smaller than either stride or dilation"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3))), RuntimeError,
     r"weight must have shape \(C_in, C_out / groups, kh, kw\), got \(4, 2, 3\)"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3, 3)), am.zeros(3)),
     RuntimeError, "does not fit 2 output channels"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 1, 1)), am.zeros((4, 2, 1, 1)), padding=1),
     RuntimeError, "non-positive output size"),
    (lambda: F.conv_transpose2d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3, 3)), padding="same"),
     TypeError, "padding must be an int"),
    (lambda: F.conv_transpose1d(am.zeros((1, 4, 5, 5)), am.zeros((4, 2, 3))), RuntimeError,
     r"expected input of shape \(N, C, L\) or \(C, L\)"),
    (lambda: F.conv2d(am.zeros((1, 5, 5, 5)), am.zeros((6, 2, 3, 3)), groups=2), RuntimeError,
     "with groups=2"),
    (lambda: nn.ConvTranspose2d(5, 6, 3, groups=2), ValueError,
     "in_channels .5. must be divisible by groups"),
    (lambda: nn.ConvTranspose2d(4, 6, 3, groups=4), ValueError,
     "out_channels .6. must be divisible by groups"),
    (lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), size=3, scale_factor=2), ValueError,
     "only one of size or scale_factor"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4))), ValueError,
     "either size or scale_factor should be defined"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), size=(3, 3, 3)), ValueError,
     "same number of spatial dimensions"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), size=3, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), size=3, mode="linear"), NotImplementedError,
     "got 4D input, but linear mode needs 3D input"),
    (lambda: F.interpolate(am.zeros((1, 4, 4)), size=3, mode="bilinear"), NotImplementedError,
     "got 3D input, but bilinear mode needs 4D input"),
    (lambda: F.interpolate(am.zeros((4, 4)), size=3), NotImplementedError,
     "only 3D, 4D and 5D input"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), scale_factor=0.1), RuntimeError,
     "sizes should be greater than 0"),
    (lambda: F.interpolate(am.zeros((1, 1, 4, 4)), size=3, recompute_scale_factor=True),
     ValueError, "recompute_scale_factor is not meaningful with an explicit size"),
    (lambda: F.pixel_shuffle(am.zeros((1, 5, 2, 2)), 2), RuntimeError,
     r"input.size\(-3\)=5 is not divisible by 4"),
    (lambda: F.pixel_shuffle(am.zeros((4, 2)), 2), RuntimeError,
     "at least 3 dimensions"),
    (lambda: F.pixel_shuffle(am.zeros((1, 4, 2, 2)), 0), RuntimeError,
     "upscale_factor must be greater than 0"),
    (lambda: F.pixel_unshuffle(am.zeros((1, 1, 3, 4)), 2), RuntimeError,
     r"input.size\(-2\)=3"),
    (lambda: F.adaptive_max_pool2d(am.zeros((5, 5)), 2), RuntimeError,
     r"\(N, C, H, W\) or \(C, H, W\)"),
    (lambda: F.adaptive_max_pool2d(am.zeros((1, 1, 0, 5)), 2), RuntimeError,
     "non-zero size"),
    (lambda: F.adaptive_max_pool1d(am.zeros(5), 2), RuntimeError, r"\(N, C, L\) or \(C, L\)"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_name_the_problem(index):
    make, kind, message = ERRORS[index]
    with pytest.raises(kind, match=message):
        make()


def test_errors_come_before_any_state_change():
    weight = leaf([[3.0, 4.0], [1.0, 0.0]])
    with pytest.raises(IndexError):
        F.embedding(am.tensor([0, 5]), weight, max_norm=1.0)
    assert_equal(weight, [[3, 4], [1, 0]])


# ---- live comparisons with torch ------------------------------------------------------------
def _torch():
    return pytest.importorskip("torch")


def _compare(am_fn, torch_fn, arrays, rtol=1e-10, atol=1e-12, seed=0):
    torch = _torch()
    ours = [am.tensor(np.array(a), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(np.array(a), requires_grad=True) for a in arrays]
    out, expected = am_fn(*ours), torch_fn(*theirs)
    assert out.shape == tuple(expected.shape) and out.dtype == np.dtype(str(expected.dtype)[6:])
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=rtol, atol=atol)
    upstream = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
    out.backward(am.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=rtol, atol=atol)


CONV2D_CASES = [  # (C_in, C_out, groups, kernel, stride, padding, dilation)
    (4, 6, 2, (3, 2), 1, (1, 0), (1, 2)), (4, 4, 4, (3, 3), 2, (2, 1), 1),
    (3, 6, 3, (4, 2), 1, "same", (2, 1)), (2, 3, 1, (2, 4), 1, "same", 1),
    (2, 3, 1, 3, 2, "valid", 1), (6, 6, 3, (1, 3), (2, 3), (0, 2), (1, 1)),
]


@pytest.mark.parametrize("case", CONV2D_CASES)
def test_conv2d_groups_padding_dilation_vs_torch(case):
    torch = _torch()
    c_in, c_out, groups, kernel, stride, padding, dilation = case
    kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((2, c_in, 7, 8)),
              rng.standard_normal((c_out, c_in // groups) + kernel), rng.standard_normal(c_out)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note on 'same' with even kernels
        _compare(lambda *t: F.conv2d(*t, stride, padding, dilation, groups),
                 lambda *t: torch.nn.functional.conv2d(*t, stride, padding, dilation, groups),
                 arrays)


TRANSPOSE_CASES = [  # (C_in, C_out, groups, kernel, stride, padding, output_padding, dilation)
    (4, 6, 2, (3, 2), (2, 1), (1, 0), (1, 0), (1, 2)), (3, 3, 3, 3, 2, 0, 1, 1),
    (2, 4, 1, (2, 3), 3, (2, 1), (2, 0), 1), (2, 2, 1, 1, 1, 0, 0, 1),
    (4, 2, 2, 3, 2, 2, 1, 3), (1, 5, 1, (4, 1), (1, 2), 0, (0, 1), (2, 1)),
    (6, 6, 6, 2, 2, 1, 0, 2),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
@pytest.mark.parametrize("bias", [False, True])
def test_conv_transpose2d_vs_torch(case, bias):
    torch = _torch()
    c_in, c_out, groups, kernel, stride, padding, output_padding, dilation = case
    kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal((2, c_in, 5, 4)),
              rng.standard_normal((c_in, c_out // groups) + kernel)]
    if bias:
        arrays.append(rng.standard_normal(c_out))
    _compare(
        lambda *t: F.conv_transpose2d(*t[:2], t[2] if bias else None, stride, padding,
                                      output_padding, groups, dilation),
        lambda *t: torch.nn.functional.conv_transpose2d(*t[:2], t[2] if bias else None, stride,
                                                        padding, output_padding, groups,
                                                        dilation),
        arrays)


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_conv_transpose1d_vs_torch(case):
    torch = _torch()
    c_in, c_out, groups, kernel, stride, padding, output_padding, dilation = case
    first = (lambda v: v if isinstance(v, int) else v[0])
    k, s, p, op, d = map(first, (kernel, stride, padding, output_padding, dilation))
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((2, c_in, 6)), rng.standard_normal((c_in, c_out // groups, k)),
              rng.standard_normal(c_out)]
    _compare(lambda *t: F.conv_transpose1d(*t, s, p, op, groups, d),
             lambda *t: torch.nn.functional.conv_transpose1d(*t, s, p, op, groups, d), arrays)


def test_conv_transpose_modules_vs_torch():
    torch = _torch()
    for ours, theirs, shape in [
            (nn.ConvTranspose2d(4, 6, (3, 2), 2, 1, 1, 2, True, 2).double(),
             torch.nn.ConvTranspose2d(4, 6, (3, 2), 2, 1, 1, 2, True, 2).double(), (2, 4, 5, 5)),
            (nn.ConvTranspose1d(2, 4, 3, 2, bias=False).double(),
             torch.nn.ConvTranspose1d(2, 4, 3, 2, bias=False).double(), (3, 2, 5))]:
        state = theirs.state_dict()
        assert list(ours.state_dict()) == list(state)
        assert [v.shape for v in ours.state_dict().values()] == \
            [tuple(v.shape) for v in state.values()]
        assert repr(ours) == repr(theirs)
        ours.load_state_dict({k: am.tensor(v.numpy()) for k, v in state.items()})
        x = np.random.default_rng(8).standard_normal(shape)
        np.testing.assert_allclose(ours(am.tensor(x)).data,
                                   theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12,
                                   atol=1e-12)
        size = [n - op for n, op in zip(theirs(torch.tensor(x)).shape[2:],
                                        theirs.output_padding)]
        assert ours(am.tensor(x), output_size=size).shape == \
            tuple(theirs(torch.tensor(x), output_size=size).shape)


INTERPOLATE_SIZES = [{"size": (7, 5)}, {"scale_factor": 2}, {"scale_factor": 1.7},
                     {"scale_factor": (0.6, 2.3)}, {"size": 3}, {"size": (5, 6)},
                     {"scale_factor": 1.7, "recompute_scale_factor": True},
                     {"scale_factor": (3, 0.5)}]


@pytest.mark.parametrize("mode, align_corners", [
    ("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True),
    ("area", None)])
@pytest.mark.parametrize("sizes", range(len(INTERPOLATE_SIZES)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_interpolate_vs_torch(mode, align_corners, sizes, dtype):
    torch = _torch()
    kw = INTERPOLATE_SIZES[sizes]
    x = np.random.default_rng(9).standard_normal((2, 3, 5, 6)).astype(dtype)
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {}
    _compare(lambda t: F.interpolate(t, mode=mode, align_corners=align_corners, **kw),
             lambda t: torch.nn.functional.interpolate(t, mode=mode,
                                                       align_corners=align_corners, **kw),
             [x], **tol)


@pytest.mark.parametrize("mode, shape, kw", [
    ("linear", (2, 3, 5), {"scale_factor": 2.5}), ("linear", (2, 3, 5), {"size": 3}),
    ("nearest", (2, 3, 5), {"scale_factor": 1.5}), ("nearest", (1, 2, 3, 4, 2), {"size": 5}),
    ("trilinear", (1, 2, 3, 4, 5), {"size": (4, 2, 7)}),
    ("nearest-exact", (2, 1, 7), {"size": 3})])
@pytest.mark.parametrize("align_corners", [False, True])
def test_interpolate_1d_and_3d_vs_torch(mode, shape, kw, align_corners):
    torch = _torch()
    ac = align_corners if mode in ("linear", "trilinear") else None
    x = np.random.default_rng(10).standard_normal(shape)
    _compare(lambda t: F.interpolate(t, mode=mode, align_corners=ac, **kw),
             lambda t: torch.nn.functional.interpolate(t, mode=mode, align_corners=ac, **kw),
             [x])


def test_pixel_shuffle_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(11)
    _compare(lambda t: F.pixel_shuffle(t, 2), lambda t: torch.nn.functional.pixel_shuffle(t, 2),
             [rng.standard_normal((2, 3, 8, 3, 5))])
    _compare(lambda t: F.pixel_unshuffle(t, 3),
             lambda t: torch.nn.functional.pixel_unshuffle(t, 3),
             [rng.standard_normal((2, 3, 6, 9))])


@pytest.mark.parametrize("output_size", [(3, 4), 2, (None, 3), (5, 6), (7, 9), 1, (4, 1)])
def test_adaptive_max_pool2d_vs_torch(output_size):
    torch = _torch()
    x = np.random.default_rng(12).standard_normal((2, 3, 5, 6))
    _compare(lambda t: F.adaptive_max_pool2d(t, output_size),
             lambda t: torch.nn.functional.adaptive_max_pool2d(t, output_size), [x])
    ours = F.adaptive_max_pool2d(am.tensor(x[0]), output_size, return_indices=True)[1]
    theirs = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x[0]), output_size, True)[1]
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("output_size", [3, 4, 7, 1, 2])
def test_adaptive_max_pool1d_vs_torch(output_size):
    torch = _torch()
    x = np.random.default_rng(13).standard_normal((2, 3, 5))
    _compare(lambda t: F.adaptive_max_pool1d(t, output_size),
             lambda t: torch.nn.functional.adaptive_max_pool1d(t, output_size), [x])
    ours = F.adaptive_max_pool1d(am.tensor(x), output_size, return_indices=True)[1]
    theirs = torch.nn.functional.adaptive_max_pool1d(torch.tensor(x), output_size, True)[1]
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("k, s, p, d, ceil_mode", [
    c for c in itertools.product([2, 3], [1, 2, 3], [0, 1], [1, 2, 3], [False, True])])
def test_max_pool2d_with_dilation_vs_torch(k, s, p, d, ceil_mode):
    torch = _torch()
    x = np.random.default_rng(14).standard_normal((2, 2, 8, 9))
    _compare(lambda t: F.max_pool2d(t, k, s, p, d, ceil_mode),
             lambda t: torch.nn.functional.max_pool2d(t, k, s, p, d, ceil_mode), [x])
    ours = F.max_pool2d(am.tensor(x), (k, 2), s, (p, 1), (d, 1), ceil_mode, True)[1]
    theirs = torch.nn.functional.max_pool2d(torch.tensor(x), (k, 2), s, (p, 1), (d, 1),
                                            ceil_mode, True)[1]
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("k, s, p, d, ceil_mode", [
    c for c in itertools.product([2, 3], [1, 2, 3], [0, 1], [1, 2, 3], [False, True])])
def test_max_pool1d_with_dilation_vs_torch(k, s, p, d, ceil_mode):
    torch = _torch()
    x = np.random.default_rng(15).standard_normal((2, 3, 9))
    _compare(lambda t: F.max_pool1d(t, k, s, p, d, ceil_mode),
             lambda t: torch.nn.functional.max_pool1d(t, k, s, p, d, ceil_mode), [x])
    ours = F.max_pool1d(am.tensor(x), k, s, p, d, ceil_mode, True)[1]
    theirs = torch.nn.functional.max_pool1d(torch.tensor(x), k, s, p, d, ceil_mode, True)[1]
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.5, 1.0), (2.0, 3.0),
                                                 (1.0, math.inf)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_embedding_max_norm_vs_torch(max_norm, norm_type, dtype):
    torch = _torch()
    weight = np.random.default_rng(16).standard_normal((6, 3)).astype(dtype)
    ids = np.array([[0, 2, 2], [5, 0, 1]])
    ours = am.tensor(weight.copy(), requires_grad=True)
    theirs = torch.tensor(weight.copy(), requires_grad=True)
    out = F.embedding(am.tensor(ids), ours, max_norm=max_norm, norm_type=norm_type)
    expected = torch.nn.functional.embedding(torch.tensor(ids), theirs, max_norm=max_norm,
                                             norm_type=norm_type)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=tol)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=tol)
    (out * am.tensor(np.arange(18.0).reshape(2, 3, 3).astype(dtype))).sum().backward()
    (expected * torch.tensor(np.arange(18.0).reshape(2, 3, 3).astype(dtype))).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=tol)


def test_modules_state_dicts_and_reprs_vs_torch():
    torch = _torch()
    pairs = [
        (nn.Upsample(scale_factor=(2, 3), mode="bilinear"),
         torch.nn.Upsample(scale_factor=(2, 3), mode="bilinear")),
        (nn.Upsample(size=4), torch.nn.Upsample(size=4)),
        (nn.UpsamplingBilinear2d(scale_factor=2), torch.nn.UpsamplingBilinear2d(scale_factor=2)),
        (nn.PixelShuffle(2), torch.nn.PixelShuffle(2)),
        (nn.PixelUnshuffle(3), torch.nn.PixelUnshuffle(3)),
        (nn.AdaptiveMaxPool2d((2, None)), torch.nn.AdaptiveMaxPool2d((2, None))),
        (nn.AdaptiveMaxPool1d(3), torch.nn.AdaptiveMaxPool1d(3)),
        (nn.Embedding(4, 3, max_norm=1.0, norm_type=1.0),
         torch.nn.Embedding(4, 3, max_norm=1.0, norm_type=1.0)),
        (nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2,
                            bias=False, dilation=2),
         torch.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2,
                                  bias=False, dilation=2)),
        (nn.ConvTranspose1d(4, 6, 3), torch.nn.ConvTranspose1d(4, 6, 3)),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert [tuple(v.shape) for v in ours.state_dict().values()] == \
            [tuple(v.shape) for v in theirs.state_dict().values()]


def test_errors_are_raised_where_torch_raises():
    torch = _torch()
    TF = torch.nn.functional
    cases = [
        (lambda m, f: f.conv_transpose2d(m.zeros((1, 4, 5, 5)), m.zeros((3, 2, 3, 3)))),
        (lambda m, f: f.conv_transpose2d(m.zeros((1, 4, 5, 5)), m.zeros((4, 2, 3, 3)),
                                         stride=2, output_padding=2)),
        (lambda m, f: f.conv_transpose2d(m.zeros((1, 4, 1, 1)), m.zeros((4, 2, 1, 1)),
                                         padding=1)),
        (lambda m, f: f.conv2d(m.zeros((1, 4, 5, 5)), m.zeros((6, 2, 3, 3)), groups=4)),
        (lambda m, f: f.interpolate(m.zeros((1, 1, 4, 4)), scale_factor=0.1)),
        (lambda m, f: f.pixel_shuffle(m.zeros((1, 5, 2, 2)), 2)),
        (lambda m, f: f.adaptive_max_pool2d(m.zeros((5, 5)), 2)),
        (lambda m, f: f.max_pool2d(m.zeros((1, 1, 9, 9)), 3, padding=2, dilation=2)),
    ]
    for make in cases:
        with pytest.raises(Exception) as theirs:
            make(torch, TF)
        with pytest.raises(Exception) as ours:
            make(am, F)
        assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
