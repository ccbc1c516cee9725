"""The Tensor API: constructors, the dtype policy, attributes, operators with NumPy and Python
operands, NumPy interoperation, comparisons, axis spellings, method values, and in-place rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_mini as am


@pytest.fixture
def default_dtype():
    """Restore the default dtype after a test that changes it."""
    saved = am.get_default_dtype()
    yield
    am.set_default_dtype(saved)


def leaf(values, dtype=np.float64) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# ---- constructors -------------------------------------------------------------------------
def test_tensor_copies_and_Tensor_wraps():
    a = np.array([1.0, 2.0])
    copied, wrapped = am.tensor(a), am.Tensor(a)
    a[0] = 9.0
    assert copied.data[0] == 1.0 and wrapped.data[0] == 9.0


@pytest.mark.parametrize("make, shape", [
    (lambda: am.zeros(2, 3), (2, 3)),
    (lambda: am.zeros((2, 3)), (2, 3)),
    (lambda: am.ones([4]), (4,)),
    (lambda: am.empty(0, 2), (0, 2)),
    (lambda: am.full((2, 2), 1.5), (2, 2)),
    (lambda: am.eye(3), (3, 3)),
    (lambda: am.eye(2, 4), (2, 4)),
    (lambda: am.rand(3, 1), (3, 1)),
    (lambda: am.randn(2), (2,)),
    (lambda: am.zeros(()), ()),
])
def test_constructor_shapes_and_default_dtype(make, shape):
    t = make()
    assert t.shape == shape and t.dtype == np.float32
    assert not t.requires_grad and t.is_leaf


def test_constructor_values():
    np.testing.assert_array_equal(am.full((2,), 1.5).data, [1.5, 1.5])
    np.testing.assert_array_equal(am.eye(2).data, np.eye(2))
    np.testing.assert_array_equal(am.ones_like(np.zeros((2, 1), np.float64)).data, [[1.0], [1.0]])
    assert am.zeros_like(am.tensor(np.ones(3, np.float64))).dtype == np.float64
    r = am.rand(1000)
    assert 0.0 <= r.data.min() and r.data.max() < 1.0


def test_arange_follows_pytorch_dtypes():
    assert am.arange(4).dtype == np.int64
    np.testing.assert_array_equal(am.arange(4).data, [0, 1, 2, 3])
    assert am.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_array_equal(am.arange(1, 7, 2).data, [1, 3, 5])


def test_requires_grad_in_constructors():
    for t in (am.zeros(2, requires_grad=True), am.randn(2, requires_grad=True),
              am.tensor([1.0], requires_grad=True), am.ones_like(np.ones(2), requires_grad=True)):
        assert t.requires_grad and t.is_leaf and t.grad is None


def test_manual_seed_reproduces_draws():
    am.manual_seed(7)
    a, b = am.randn(5), am.rand(3)
    am.manual_seed(7)
    np.testing.assert_array_equal(am.randn(5).data, a.data)
    np.testing.assert_array_equal(am.rand(3).data, b.data)
    am.manual_seed(8)
    assert not np.array_equal(am.randn(5).data, a.data)


# ---- dtype policy -------------------------------------------------------------------------
def test_python_numbers_and_lists_infer_dtypes_as_torch_tensor():
    # torch.tensor: ints -> int64, floats and mixed lists -> the default float, bools -> bool
    assert am.tensor(3).dtype == np.int64
    assert am.tensor([1, 2, 3]).dtype == np.int64
    assert am.tensor(2.5).dtype == np.float32
    assert am.tensor([[1.0, 2.0]]).dtype == np.float32
    assert am.tensor([1, 2.5]).dtype == np.float32
    assert am.tensor([True, False]).dtype == np.bool_
    assert am.tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32  # arrays keep theirs
    assert am.tensor([1, 2], dtype=np.float64).dtype == np.float64


def test_the_legacy_constructor_gives_the_default_float_dtype_for_python_numbers():
    # torch.Tensor([1, 2]) is float32; an ndarray keeps its dtype here (torch.Tensor would cast
    # it to float32: a documented difference)
    assert am.Tensor([1, 2]).dtype == np.float32
    assert am.Tensor([True]).dtype == np.float32
    assert am.Tensor(np.array([1, 2])).dtype == np.int64


def test_set_default_dtype(default_dtype):
    am.set_default_dtype(np.float64)
    assert am.get_default_dtype() == np.float64
    assert am.tensor([1.0]).dtype == np.float64 and am.zeros(2).dtype == np.float64
    with pytest.raises(TypeError, match="floating dtype.*int64"):
        am.set_default_dtype(np.int64)
    assert am.get_default_dtype() == np.float64  # unchanged by the refused call


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64,
                                   np.uint8, np.bool_])
def test_numpy_arrays_keep_their_dtype(dtype):
    assert am.tensor(np.zeros(3, dtype=dtype)).dtype == dtype
    assert am.Tensor(np.zeros(3, dtype=dtype)).dtype == dtype


def test_dtype_argument_converts():
    assert am.tensor([1, 2], dtype=np.int64).dtype == np.int64
    assert am.tensor(np.ones(2), dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("data", [np.array([1, 2]), np.array([True]), np.arange(3, dtype=np.int8)])
def test_requires_grad_on_integer_or_bool_names_the_dtype(data):
    with pytest.raises(TypeError, match=f"floating-point.*{data.dtype}"):
        am.tensor(data, requires_grad=True)
    t = am.tensor(data)
    with pytest.raises(TypeError, match=str(data.dtype)):
        t.requires_grad_()
    assert not t.requires_grad


def test_integer_tensors_compute_without_grad():
    i = am.tensor(np.array([1, 2, 3]))
    assert (i * 2).dtype == np.int64
    np.testing.assert_array_equal((i + i).data, [2, 4, 6])
    x = leaf([0.5, 0.5, 0.5])
    y = x * i  # int operand: NumPy promotion gives float64, the gradient flows only to x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])


def test_results_follow_numpy_promotion():
    f32, f64 = am.tensor(np.ones(2, np.float32)), am.tensor(np.ones(2, np.float64))
    assert (f32 + f64).dtype == np.float64
    assert (f32 * 2.0).dtype == np.float32  # a Python scalar does not promote
    assert (f32 + np.ones(2)).dtype == np.float64


# ---- gradients have their tensor's dtype and shape ------------------------------------------
def test_float32_tensor_mixed_with_float64_ndarray_gets_a_float32_gradient():
    x = am.tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    y = x * np.array([3.0, 4.0], dtype=np.float64)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (2,)
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_mixed_precision_tensors_each_get_their_dtype():
    a = am.tensor(np.ones((3, 1), np.float32), requires_grad=True)
    b = am.tensor(np.full(4, 2.0, np.float64), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and a.grad.shape == (3, 1)
    assert b.grad.dtype == np.float64 and b.grad.shape == (4,)
    np.testing.assert_array_equal(a.grad.data, np.full((3, 1), 8.0))
    np.testing.assert_array_equal(b.grad.data, np.full(4, 3.0))


@settings(max_examples=25, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       dtypes=st.tuples(st.sampled_from([np.float32, np.float64]),
                        st.sampled_from([np.float32, np.float64])))
def test_gradient_shape_and_dtype_match_under_broadcasting(shapes, dtypes):
    (sa, sb), (da, db) = shapes.input_shapes, dtypes
    a = am.tensor(np.ones(sa, da), requires_grad=True)
    b = am.tensor(np.full(sb, 2.0, db), requires_grad=True)
    (a * b + a).sum().backward()
    assert a.grad.shape == sa and a.grad.dtype == da
    assert b.grad.shape == sb and b.grad.dtype == db
    # each element of a meets (size of the result / size of a) elements of b (all equal 2)
    n = int(np.prod(shapes.result_shape))
    np.testing.assert_allclose(a.grad.data, np.full(sa, 3.0 * n / max(int(np.prod(sa)), 1)))


# ---- attributes -------------------------------------------------------------------------------
def test_attributes():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = x * 2.0
    assert isinstance(x.data, np.ndarray) and x.grad is None and x.requires_grad
    assert x.is_leaf and not y.is_leaf
    assert x.grad_fn is None and y.grad_fn.name() == "MulBackward"
    assert x.shape == (2, 3) and x.ndim == 2 and x.dtype == np.float64
    assert x.size() == (2, 3) and x.size(0) == 2 and x.size(-1) == 3
    assert x.T.shape == (3, 2) and len(x) == 2
    np.testing.assert_array_equal(x.T.data, x.data.T)
    assert x.detach().numpy() is x.data
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    s = am.tensor(np.array(2.5))
    assert s.item() == 2.5 and float(s) == 2.5 and isinstance(s.item(), float)
    assert am.tensor(np.array([7])).item() == 7


def test_requires_grad_and_retain_grad_methods():
    x = am.tensor(np.ones(2))
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    x.requires_grad_()
    h = x * 2.0
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [4.0, 4.0])


def test_register_hook_returns_a_remover():
    x = leaf([1.0])
    remove = x.register_hook(lambda g: g * 10.0)
    (x * 1.0).sum().backward()
    remove()
    (x * 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [11.0])


def test_repr_is_readable():
    assert repr(am.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    x = leaf([1.0, 2.0])
    assert repr(x) == "tensor([1., 2.], dtype=float64, requires_grad=True)"
    assert repr(x * 2.0) == "tensor([2., 4.], dtype=float64, grad_fn=<MulBackward>)"
    # PyTorch's format: int64 (like bool and the default float dtype) shows no dtype; 4 decimals
    assert repr(am.tensor(np.array([1, 2]))) == "tensor([1, 2])"
    assert repr(am.tensor(np.array([1, 2], np.int32))) == "tensor([1, 2], dtype=int32)"
    assert repr(am.tensor(np.array(0.5, np.float32))) == "tensor(0.5000)"
    assert "..." not in repr(am.zeros(1000))  # up to 1000 elements print in full, as PyTorch
    assert "..." in repr(am.zeros(1001))  # larger tensors are summarised


# ---- operators ------------------------------------------------------------------------------
_BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": lambda a, b: a ** b,
}


@pytest.mark.parametrize("op", sorted(_BINARY))
@pytest.mark.parametrize("other_kind", ["int", "float", "ndarray", "numpy scalar", "tensor"])
@pytest.mark.parametrize("tensor_left", [True, False])
def test_operators_with_numbers_and_arrays_on_either_side(op, other_kind, tensor_left):
    x_values = np.array([0.5, 1.5, 2.0])
    other = {"int": 2, "float": 1.5, "ndarray": np.array([1.5, 0.5, 2.5]),
             "numpy scalar": np.float64(1.5), "tensor": am.tensor(np.array([1.5, 0.5, 2.5]))
             }[other_kind]
    raw_other = other.data if isinstance(other, am.Tensor) else other
    x = leaf(x_values)
    fn = _BINARY[op]
    result = fn(x, other) if tensor_left else fn(other, x)
    expected = fn(x_values, raw_other) if tensor_left else fn(raw_other, x_values)
    assert isinstance(result, am.Tensor) and result.grad_fn is not None
    np.testing.assert_allclose(result.data, expected, rtol=1e-12)
    result.sum().backward()
    assert x.grad.shape == (3,) and x.grad.dtype == np.float64
    assert am.gradcheck(lambda t: fn(t, other) if tensor_left else fn(other, t), (leaf(x_values),))


def test_ndarray_on_the_left_gives_a_tensor_not_an_object_array():
    x = leaf([1.0, 2.0])
    for result in (np.ones(2) + x, np.ones(2) - x, np.ones(2) * x, np.ones(2) / x,
                   np.full(2, 2.0) ** x, np.eye(2) @ x, np.float64(3.0) * x):
        assert type(result) is am.Tensor and result.dtype == np.float64
        assert result.grad_fn is not None
    r = np.ones(2) - x
    np.testing.assert_array_equal(r.data, [0.0, -1.0])
    r.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [-1.0, -1.0])


def test_ndarray_on_the_left_calls_the_tensors_reflected_operator():
    calls = []

    class Recording(am.Tensor):
        __slots__ = ()

        def __radd__(self, other):
            calls.append(("radd", type(other).__name__))
            return super().__radd__(other)

        def __rmatmul__(self, other):
            calls.append(("rmatmul", type(other).__name__))
            return super().__rmatmul__(other)

    t = Recording(np.array([1.0, 2.0]), requires_grad=True)
    y = np.ones(2) + t
    z = np.eye(2) @ t
    assert calls == [("radd", "ndarray"), ("rmatmul", "ndarray")]
    (y + z).sum().backward()
    np.testing.assert_array_equal(t.grad.data, [2.0, 2.0])


def test_matmul_and_unary_operators():
    a = leaf([[1.0, 2.0], [3.0, 4.0]])
    v = np.array([1.0, -1.0])
    np.testing.assert_array_equal((a @ v).data, a.data @ v)
    np.testing.assert_array_equal((v @ a).data, v @ a.data)
    np.testing.assert_array_equal((-a).data, -a.data)
    np.testing.assert_array_equal(abs(-a).data, a.data)
    assert (+a) is a


# ---- NumPy interoperation ---------------------------------------------------------------------
@pytest.mark.parametrize("ufunc, node", [(np.exp, "ExpBackward"), (np.log, "LogBackward"),
                                         (np.sqrt, "SqrtBackward"), (np.tanh, "TanhBackward"),
                                         (np.sin, "SinBackward"), (np.negative, "NegBackward"),
                                         (np.abs, "AbsBackward")])
def test_numpy_ufuncs_dispatch_to_the_matching_op(ufunc, node):
    x = leaf([0.5, 2.0])
    y = ufunc(x)
    assert type(y) is am.Tensor and y.grad_fn.name() == node
    np.testing.assert_allclose(y.data, ufunc(x.data))


def test_numpy_binary_ufuncs_dispatch():
    x = leaf([0.5, 2.0])
    y = np.maximum(x, 1.0)
    assert y.grad_fn.name() == "MaximumBackward"
    y = np.add(np.ones(2), x)
    assert y.grad_fn.name() == "AddBackward"


def test_numpy_ufunc_without_an_op_names_it():
    x = leaf([0.5, 2.0])
    with pytest.raises(TypeError, match=r"numpy\.cbrt.*requires grad.*detach"):
        np.cbrt(x)  # (np.arctan has an op now: am.atan)
    with pytest.raises(TypeError, match=r"numpy\.add.*reduce.*am\.sum"):
        np.add.reduce(x)


def test_numpy_ufunc_on_a_tensor_without_grad_computes():
    t = am.tensor(np.array([0.5, 2.0]))
    y = np.arctan(t)
    assert type(y) is am.Tensor
    np.testing.assert_allclose(y.data, np.arctan(t.data))


def test_numpy_functions_call_tensor_methods():
    x = leaf([[1.0, 5.0], [3.0, 2.0]])
    assert np.sum(x).grad_fn.name() == "SumBackward"
    np.testing.assert_allclose(np.mean(x, axis=0).data, [2.0, 3.5])
    np.testing.assert_allclose(np.max(x).item(), 5.0)


def test_implicit_conversion_of_a_requires_grad_tensor_is_refused():
    x = leaf([1.0])
    with pytest.raises(TypeError, match=r"requires grad.*detach\(\)\.numpy\(\)"):
        np.asarray(x)
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.0])
    with pytest.raises(RuntimeError, match=r"requires grad.*detach\(\)\.numpy\(\)"):
        x.numpy()


# ---- comparisons --------------------------------------------------------------------------
def test_comparisons_are_bool_and_carry_no_gradient():
    x = leaf([1.0, 2.0, 3.0])
    other = np.array([2.0, 2.0, 2.0])
    cases = [(x < 2, [True, False, False]), (x <= 2, [True, True, False]),
             (x > other, [False, False, True]), (x >= 2.0, [False, True, True]),
             (x == 2, [False, True, False]), (x != x, [False, False, False]),
             (2 < x, [False, False, True]), (other > x, [True, False, False]),
             (~(x > 1), [True, False, False]), ((x > 1) & (x < 3), [False, True, False]),
             ((x < 2) | (x > 2), [True, False, True])]
    for got, expected in cases:
        assert type(got) is am.Tensor and got.dtype == np.bool_
        assert not got.requires_grad and got.grad_fn is None
        np.testing.assert_array_equal(got.data, expected)


def test_argmax_carries_no_gradient():
    x = leaf([[1.0, 3.0], [4.0, 2.0]])
    for got in (x.argmax(), x.argmax(1), am.argmin(x, dim=0), x.max(1).indices):
        assert not got.requires_grad and got.dtype.kind == "i"
    assert x.argmax().item() == 2
    np.testing.assert_array_equal(x.argmax(dim=1, keepdim=True).data, [[1], [0]])
    np.testing.assert_array_equal(am.argmin(x, axis=0).data, [0, 1])


# ---- axis spellings -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "logsumexp", "var", "std"])
def test_dim_keepdim_and_axis_keepdims_agree(name):
    values = np.arange(1.0, 25.0).reshape(2, 3, 4) / 7.0
    x = am.tensor(values)
    reference = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
                 "var": lambda a, **k: np.var(a, ddof=1, **k),
                 "std": lambda a, **k: np.std(a, ddof=1, **k),
                 "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis,
                                                                      keepdims=keepdims))}[name]
    for ax in [1, -1, (0, 2), (-1, 0)]:
        for keep in (False, True):
            torch_style = getattr(x, name)(dim=ax, keepdim=keep)
            numpy_style = getattr(am, name)(x, axis=ax, keepdims=keep)
            if isinstance(torch_style, tuple):  # x.max(dim=int) -> (values, indices)
                torch_style = torch_style[0]
            expected = reference(values, axis=ax, keepdims=keep)
            np.testing.assert_allclose(torch_style.data, expected, rtol=1e-12)
            np.testing.assert_allclose(numpy_style.data, expected, rtol=1e-12)


def test_empty_axis_tuple_reduces_nothing():
    x = am.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(x.sum(()).data, x.data)
    np.testing.assert_array_equal(am.max(x, axis=()).data, x.data)


def test_giving_both_spellings_is_an_error():
    x = am.tensor(np.ones((2, 2)))
    with pytest.raises(TypeError, match="dim or axis, not both"):
        x.sum(dim=0, axis=1)


# ---- method values against NumPy -------------------------------------------------------------
_X = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
_POS = np.abs(_X) + 0.5


@pytest.mark.parametrize("name, call, expected", [
    ("sum", lambda t: t.sum(), _X.sum()),
    ("mean", lambda t: t.mean(0), _X.mean(0)),
    ("var", lambda t: t.var(1), _X.var(1, ddof=1)),
    ("var unbiased=False", lambda t: t.var(1, unbiased=False), _X.var(1)),
    ("std", lambda t: t.std(), _X.std(ddof=1)),
    ("prod", lambda t: t.prod(1), _X.prod(1)),
    ("max", lambda t: t.max(), _X.max()),
    ("min", lambda t: t.min(axis=1), _X.min(1)),
    ("exp", lambda t: t.exp(), np.exp(_X)),
    ("log", lambda t: am.tensor(_POS).log(), np.log(_POS)),
    ("log1p", lambda t: am.tensor(_POS).log1p(), np.log1p(_POS)),
    ("sqrt", lambda t: am.tensor(_POS).sqrt(), np.sqrt(_POS)),
    ("abs", lambda t: t.abs(), np.abs(_X)),
    ("sin", lambda t: t.sin(), np.sin(_X)),
    ("cos", lambda t: t.cos(), np.cos(_X)),
    ("tanh", lambda t: t.tanh(), np.tanh(_X)),
    ("sigmoid", lambda t: t.sigmoid(), 1 / (1 + np.exp(-_X))),
    ("relu", lambda t: t.relu(), np.maximum(_X, 0)),
    ("clip", lambda t: t.clip(-1, 1), np.clip(_X, -1, 1)),
    ("clamp", lambda t: t.clamp(min=0.0), np.clip(_X, 0, None)),
    ("pow", lambda t: t.pow(2), _X ** 2),
    ("maximum", lambda t: t.maximum(am.tensor(np.zeros(3))), np.maximum(_X, 0)),
    ("minimum", lambda t: am.minimum(t, 0.5), np.minimum(_X, 0.5)),
    ("where", lambda t: am.where(t > 0, t, -t), np.abs(_X)),
    ("reshape", lambda t: t.reshape(3, 2), _X.reshape(3, 2)),
    ("view", lambda t: t.view(-1), _X.reshape(-1)),
    ("transpose", lambda t: t.transpose(0, 1), _X.T),
    ("permute", lambda t: t.permute(1, 0), _X.T),
    ("squeeze", lambda t: t.reshape(1, 2, 1, 3).squeeze(), _X),
    ("unsqueeze", lambda t: t.unsqueeze(1), _X[:, None]),
    ("expand", lambda t: t.expand(4, 2, 3), np.broadcast_to(_X, (4, 2, 3))),
    ("broadcast_to", lambda t: t.broadcast_to((4, 2, 3)), np.broadcast_to(_X, (4, 2, 3))),
    ("flatten", lambda t: t.flatten(), _X.reshape(-1)),
    ("matmul", lambda t: t.matmul(am.tensor(_X.T)), _X @ _X.T),
    ("softmax", lambda t: t.softmax(1), np.exp(_X) / np.exp(_X).sum(1, keepdims=True)),
    ("log_softmax", lambda t: t.log_softmax(dim=0),
     _X - np.log(np.exp(_X).sum(0, keepdims=True))),
    ("logsumexp", lambda t: t.logsumexp(1), np.log(np.exp(_X).sum(1))),
    ("cat", lambda t: am.cat([t, t], dim=1), np.concatenate([_X, _X], 1)),
    ("concatenate", lambda t: am.concatenate([t, t]), np.concatenate([_X, _X])),
    ("stack", lambda t: am.stack([t, t], dim=-1), np.stack([_X, _X], -1)),
    ("split", lambda t: t.split([1, 2], dim=1)[1], _X[:, 1:]),
    ("am.split", lambda t: am.split(t, 2, dim=1)[1], _X[:, 2:]),
    ("pad", lambda t: t.pad(((0, 1), (2, 0))), np.pad(_X, ((0, 1), (2, 0)))),
    ("getitem", lambda t: t[[1, 1, 0], ::-1], _X[[1, 1, 0], ::-1]),
    ("getitem mask", lambda t: t[t > 0], _X[_X > 0]),
    ("getitem None Ellipsis", lambda t: t[None, ..., 1], _X[None, ..., 1]),
])
def test_method_values_match_numpy(name, call, expected):
    got = call(am.tensor(_X))
    np.testing.assert_allclose(got.data, expected, rtol=1e-12, err_msg=name)
    assert got.shape == np.shape(expected)


def test_every_listed_method_exists_on_tensor_and_am():
    methods = ("sum mean var std prod max min argmax argmin exp log log1p sqrt abs sin cos tanh "
               "sigmoid relu clip clamp pow maximum minimum reshape view transpose permute squeeze "
               "unsqueeze expand broadcast_to flatten matmul softmax log_softmax logsumexp split "
               "pad").split()
    missing = [m for m in methods if not callable(getattr(am.Tensor, m, None))
               or not callable(getattr(am, m, None))]
    missing += [f for f in ("where", "cat", "concatenate", "stack") if not hasattr(am, f)]
    assert not missing


# ---- in-place rules -----------------------------------------------------------------------------
def test_in_place_outside_a_graph_updates_the_array():
    t = am.tensor(np.array([1.0, 2.0]))
    data = t.data
    t += 1.0
    t *= np.array([2.0, 3.0])
    t -= am.tensor(np.array([1.0, 1.0]))
    t /= 2.0
    np.testing.assert_array_equal(t.data, [1.5, 4.0])
    assert t.data is data and t._version == 4


def test_in_place_on_a_leaf_that_requires_grad_is_refused_with_the_fixes():
    w = leaf(np.ones((2, 3)))
    for update in (lambda: w.__iadd__(1.0), lambda: w.__imul__(2.0),
                   lambda: w.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match=r"leaf tensor of shape \(2, 3\) that requires "
                                               r"grad.*no_grad.*out of place.*detach"):
            update()
    np.testing.assert_array_equal(w.data, np.ones((2, 3)))  # nothing changed
    assert w._version == 0


def test_in_place_on_a_leaf_under_no_grad_is_allowed():
    w = leaf(np.ones(2))
    with am.no_grad():
        w += 1.0
        w[0] = 7.0
    np.testing.assert_array_equal(w.data, [7.0, 2.0])
    assert w.requires_grad and w.is_leaf


def test_setitem_outside_a_graph():
    t = am.tensor(np.zeros((2, 3)))
    t[0, 1:] = 1.0
    t[np.array([True, False])] += 2.0
    t[:, 0] = am.tensor(np.array([5.0, 6.0]))
    np.testing.assert_array_equal(t.data, [[5.0, 3.0, 3.0], [6.0, 0.0, 0.0]])


def test_in_place_on_a_non_leaf_in_a_graph_is_recorded():
    x = leaf([1.0, 2.0])
    h = x * 2.0  # MulBackward saved x, not its output: h may change in place
    node_before = h.grad_fn
    h *= x  # h = 2 x^2
    assert h.grad_fn is not node_before and not h.is_leaf
    h.sum().backward()
    np.testing.assert_allclose(x.grad.data, 4 * x.data)


def test_in_place_with_a_tensor_that_requires_grad_records_into_a_plain_tensor():
    acc = am.tensor(np.zeros(2))
    x = leaf([1.0, 2.0])
    acc += x * 2.0
    assert acc.requires_grad
    acc.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_retains_grad_says_whether_backward_fills_grad_of_a_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 2.0
    z = y.sum()
    assert not x.retains_grad and not y.retains_grad
    y.retain_grad()
    assert y.retains_grad and not z.retains_grad
    z.backward()
    np.testing.assert_array_equal(y.grad.data, [1.0, 1.0])
