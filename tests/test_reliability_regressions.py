"""Regression tests for core bugs found by the random-program fuzzer and the hostile-input table
(tests/test_random_programs.py, benchmarks/stress/deep_random_programs.py,
tests/test_hostile.py)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am


def test_pad_of_a_zero_dimensional_tensor_is_the_tensor() -> None:
    """np.pad rejected the empty width list built for a 0-d tensor (a TypeError from NumPy)."""
    x = am.tensor(np.array(1.5), requires_grad=True)
    for width in (1, (1, 2)):
        out = am.pad(x, width)
        assert out.shape == () and out.item() == 1.5
    (am.pad(x, 2) * 3.0).backward()
    assert x.grad.item() == 3.0


# ---- found by the hostile-input table (tests/test_hostile.py) ---------------------------------
def test_sigmoid_and_softmax_of_integers_are_not_rounded_to_integers() -> None:
    """Both fused primitives cast their result back to the input dtype: int64 gave zeros."""
    x = am.tensor(np.array([0, 1, 2, 3]))
    np.testing.assert_allclose(am.sigmoid(x).data, 1 / (1 + np.exp(-np.arange(4.0))))
    e = np.exp(np.arange(4.0) - 3)
    np.testing.assert_allclose(am.softmax(x, 0).data, e / e.sum())
    np.testing.assert_allclose(am.log_softmax(x, 0).data, np.log(e / e.sum()))
    assert am.softmax(x, 0).dtype == np.float32  # the default float dtype, as exp(int) in PyTorch


def test_copy_from_an_object_array_changes_nothing() -> None:
    """np.copyto converted element by element and failed half-way, leaving a corrupted tensor."""
    x = am.tensor(np.zeros(3))
    with pytest.raises(TypeError, match=r"copy_: expected a Tensor, a real number or an array of "
                                        r"numbers, got ndarray .*dtype object"):
        x.copy_(np.array([1.0, None, "x"], dtype=object))
    assert np.array_equal(x.data, np.zeros(3)) and x._version == 0


@pytest.mark.parametrize("value", ["abc", None, object(), {"a": 1}, [[1.0], [2.0, 3.0]],
                                   np.array(["a", "b", "c"])])
def test_in_place_ops_refuse_non_numbers_before_touching_the_tensor(value) -> None:
    x = am.tensor(np.ones(3))
    for update in (lambda: x.__iadd__(value), lambda: x.__setitem__(0, value),
                   lambda: x.copy_(value)):
        with pytest.raises(TypeError, match=r"(in-place add|setitem|copy_)"):
            update()
    assert np.array_equal(x.data, np.ones(3)) and x._version == 0


def test_ops_name_themselves_for_arguments_that_are_not_tensors() -> None:
    with pytest.raises(TypeError, match=r"exp: expected a Tensor, got NoneType"):
        am.exp(None)
    with pytest.raises(TypeError, match=r"sum: expected a Tensor, got str"):
        am.sum("abc")
    with pytest.raises(TypeError, match=r"add: cannot make a tensor from list .* different "
                                        r"lengths"):
        am.add(am.tensor([1.0, 2.0]), [[1.0], [2.0, 3.0]])
    assert am.exp([0.0, 1.0]).dtype == np.float32  # numbers follow the dtype policy


def test_numpy_refusing_a_dtype_is_reported_by_the_op() -> None:
    b = am.tensor(np.array([True, False]))
    with pytest.raises(TypeError, match=r"^Neg: .*boolean negative.*inputs: array of shape "
                                        r"\(2,\) and dtype bool"):
        am.neg(b)


def test_zero_dimensional_axis_edge_cases() -> None:
    s = am.tensor(2.0)
    assert am.transpose(s, 0, -1) is s  # PyTorch's answer
    with pytest.raises(ValueError, match="split: a 0-d tensor has no axis to split"):
        am.split(s, 1)
    with pytest.raises(IndexError, match="size: dimension 0 is out of range: a 0-d tensor"):
        s.size(0)


def test_constructors_name_bad_sizes_seeds_and_dtypes() -> None:
    with pytest.raises(MemoryError, match=r"zeros: a tensor of shape \(1000000000000,\) and "
                                          r"dtype float32 needs 3.73e\+03 GiB"):
        am.zeros(10**12)
    with pytest.raises(ValueError, match=r"randn: shape \(100000000000000000000,\) has"):
        am.randn(10**20)
    with pytest.raises(TypeError, match="manual_seed: the seed must be a non-negative int"):
        am.manual_seed(0.5)
    with pytest.raises(TypeError, match="arange: start, end and step must be finite real"):
        am.arange(float("inf"))
    with pytest.raises(TypeError, match="ones: 'nonsense' is not a dtype"):
        am.ones(2, dtype="nonsense")
    with pytest.raises(ValueError, match="eye: sizes must be non-negative ints"):
        am.eye(2.5)


def test_pad_widths_must_be_integers() -> None:
    """NumPy truncated (1.5, 4) to (1, 4) silently."""
    x = am.tensor(np.ones(3))
    with pytest.raises(ValueError, match=r"pad: pad_width \(1.5, 4\) does not fit"):
        am.pad(x, (1.5, 4))
    with pytest.raises(ValueError, match="pad: pad_width"):
        am.pad(x, 10**20)


def test_backward_refuses_a_gradient_that_is_not_numbers() -> None:
    x = am.tensor(np.ones(2), requires_grad=True)
    for bad in (np.ones(2, dtype=complex), np.array(["a", "b"]), np.array(
            ["2020-01-01", "2020-01-02"], dtype="datetime64[D]")):
        with pytest.raises(TypeError, match="backward: gradient: expected a Tensor, a real "
                                            "number or an array of numbers"):
            (x * 2).backward(bad)
    assert x.grad is None
    (g,) = am.autograd.grad((x * 3).sum(), x, 2.0)  # a number is one gradient for one output
    np.testing.assert_array_equal(g.data, [6.0, 6.0])


# ---- found by the deep random-program run (benchmarks/stress/deep_random_programs.py) --------
@pytest.mark.parametrize("x_shape, w_shape", [((1, 1, 3, 1), (0, 1)), ((2, 3, 0), (4, 0)),
                                              ((0, 3, 2), (5, 2)), ((2, 0), (3, 0))])
def test_linear_with_a_zero_size_dimension(x_shape, w_shape) -> None:
    """Linear reshaped with -1, which NumPy cannot resolve when another dimension is 0."""
    from autograd_mini.nn import functional as F
    from autograd_mini.testing import assert_grads_match

    x = am.tensor(np.ones(x_shape), requires_grad=True)
    w = am.tensor(np.ones(w_shape), requires_grad=True)
    y = F.linear(x, w)
    assert y.shape == x_shape[:-1] + w_shape[:1]
    y.sum().backward()
    assert x.grad.shape == x_shape and w.grad.shape == w_shape
    assert_grads_match(F.linear, x, w)


def test_batch_norm_with_zero_channels() -> None:
    """The count of values per channel was size // channels: a ZeroDivisionError for C = 0
    (found by the deep random-program run)."""
    from autograd_mini.nn import functional as F

    x = am.tensor(np.zeros((4, 0, 3)), requires_grad=True)
    for training in (True, False):
        stats = (None, None) if training else (am.zeros(0), am.ones(0))
        out = F.batch_norm(x, *stats, training=training)
        assert out.shape == (4, 0, 3)
        out.sum().backward()
        assert x.grad.shape == (4, 0, 3)


def test_pow_mixed_second_derivative_at_a_zero_exponent() -> None:
    """Pow's backward replaced the exponent b - 1 by a constant 1 wherever b == 0 (to dodge
    0 * inf at a == 0), which cut the dependence on b: d2(a**b)/da db at b = 0 came out as a
    instead of 1/a (found by the deep random-program run, at second order)."""
    from autograd_mini.testing import assert_grads_match

    a = am.tensor(np.array([0.75, 0.6, 0.5]), requires_grad=True)
    b = am.tensor(np.array([0.3, -0.4, 0.0]), requires_grad=True)
    assert_grads_match(lambda x, y: x ** y, a, b)
    (_, gb) = am.autograd.grad((a ** b).sum(), (a, b), create_graph=True)
    (mixed,) = am.autograd.grad(gb[2], a, allow_unused=True)
    assert mixed.data[2] == 1 / 0.5  # d/da (a**b log a) at b = 0 is 1/a
    z = am.tensor(np.array([0.0, 2.0]), requires_grad=True)  # the convention still holds
    e = am.tensor(np.array([0.0, 0.0]), requires_grad=True)
    (z ** e).sum().backward()
    assert z.grad.tolist() == [0.0, 0.0] and e.grad.tolist() == [0.0, np.log(2.0)]
