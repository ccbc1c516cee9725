"""Tensor printing as PyTorch's (`repr`, `str`, `format`) and PyTorch's small Tensor methods
(nelement, ndimension, t, mm, bmm, contiguous, is_contiguous, clone(memory_format), type_as,
view_as, reshape_as, expand_as, element_size, nbytes).

The reprs PyTorch 2.13 prints for the same arrays are written below as literals (with its
`dtype=torch.float64` spelt `dtype=float64`, and its node names' version suffix dropped:
`MulBackward0` is `MulBackward` here), so these tests run without torch; the
`test_*_matches_torch` tests print with torch itself when it is installed and skip otherwise."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_mini as am

f32, f64 = np.float32, np.float64

# (case, the array (source text, evaluated), PyTorch's repr of torch.tensor(array))
REPRS = [
    ('two floats', 'np.array([0.1, 2.0], f32)',
     'tensor([0.1000, 2.0000])'),
    ('0-d float', 'np.array(3.0, f32)',
     'tensor(3.)'),
    ('0-d negative float64', 'np.array(-0.5, f64)',
     'tensor(-0.5000, dtype=float64)'),
    ('0-d int', 'np.array(5)',
     'tensor(5)'),
    ('0-d bool', 'np.array(True)',
     'tensor(True)'),
    ('int64 vector', 'np.array([1, 2, 3])',
     'tensor([1, 2, 3])'),
    ('int32 vector', 'np.array([1, 2], np.int32)',
     'tensor([1, 2], dtype=int32)'),
    ('wide ints', 'np.array([123456789, -5])',
     'tensor([123456789,        -5])'),
    ('uint8', 'np.array([0, 255], np.uint8)',
     'tensor([  0, 255], dtype=uint8)'),
    ('bool vector', 'np.array([True, False])',
     'tensor([ True, False])'),
    ('float16', 'np.array([0.5, 1.25], np.float16)',
     'tensor([0.5000, 1.2500], dtype=float16)'),
    ('mixed signs', 'np.array([1.5, -2.25, 100.125], f32)',
     'tensor([  1.5000,  -2.2500, 100.1250])'),
    ('negative zero', 'np.array([-0.0, 2.0], f32)',
     'tensor([-0., 2.])'),
    ('all zeros', 'np.zeros(2, f32)',
     'tensor([0., 0.])'),
    ('non-finite', 'np.array([np.nan, np.inf, -np.inf, -1.0, 0.0], f32)',
     'tensor([nan, inf, -inf, -1.,  0.])'),
    ('scientific small', 'np.array([1e-5, 1e3])',
     'tensor([1.0000e-05, 1.0000e+03], dtype=float64)'),
    ('scientific range', 'np.array([[1e-3, 1.0], [2.0, 3.0]], f32)',
     'tensor([[1.0000e-03, 1.0000e+00],\n'
     '        [2.0000e+00, 3.0000e+00]])'),
    ('scientific integers', 'np.array([1e10, 1.0], f32)',
     'tensor([1.0000e+10, 1.0000e+00])'),
    ('empty (0,)', 'np.zeros(0, f32)',
     'tensor([])'),
    ('empty int64', 'np.zeros(0, np.int64)',
     'tensor([], dtype=int64)'),
    ('empty (0, 3)', 'np.zeros((0, 3), f32)',
     'tensor([], size=(0, 3))'),
    ('empty (2, 0, 3) int32', 'np.zeros((2, 0, 3), np.int32)',
     'tensor([], size=(2, 0, 3), dtype=int32)'),
    ('wrapped vector', 'np.sin(np.arange(30)).astype(f32)',
     'tensor([ 0.0000,  0.8415,  0.9093,  0.1411, -0.7568, -0.9589, -0.2794,  0.6570,\n'
     '         0.9894,  0.4121, -0.5440, -1.0000, -0.5366,  0.4202,  0.9906,  0.6503,\n'
     '        -0.2879, -0.9614, -0.7510,  0.1499,  0.9129,  0.8367, -0.0089, -0.8462,\n'
     '        -0.9056, -0.1324,  0.7626,  0.9564,  0.2709, -0.6636])'),
    ('3-d', 'np.sin(np.arange(24)).reshape(2, 3, 4).astype(f32)',
     'tensor([[[ 0.0000,  0.8415,  0.9093,  0.1411],\n'
     '         [-0.7568, -0.9589, -0.2794,  0.6570],\n'
     '         [ 0.9894,  0.4121, -0.5440, -1.0000]],\n'
     '\n'
     '        [[-0.5366,  0.4202,  0.9906,  0.6503],\n'
     '         [-0.2879, -0.9614, -0.7510,  0.1499],\n'
     '         [ 0.9129,  0.8367, -0.0089, -0.8462]]])'),
    ('wrapped rows', '(np.arange(60) / 7).reshape(3, 20).astype(f32)',
     'tensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n'
     '         1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n'
     '         2.5714, 2.7143],\n'
     '        [2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143, 3.8571, 4.0000,\n'
     '         4.1429, 4.2857, 4.4286, 4.5714, 4.7143, 4.8571, 5.0000, 5.1429, 5.2857,\n'
     '         5.4286, 5.5714],\n'
     '        [5.7143, 5.8571, 6.0000, 6.1429, 6.2857, 6.4286, 6.5714, 6.7143, 6.8571,\n'
     '         7.0000, 7.1429, 7.2857, 7.4286, 7.5714, 7.7143, 7.8571, 8.0000, 8.1429,\n'
     '         8.2857, 8.4286]])'),
    ('summarised vector', 'np.arange(1001)',
     'tensor([   0,    1,    2,  ...,  998,  999, 1000])'),
    ('summarised matrix', '(np.arange(2000) / 7).reshape(40, 50).astype(f32)',
     'tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,\n'
     '         7.0000e+00],\n'
     '        [7.1429e+00, 7.2857e+00, 7.4286e+00,  ..., 1.3857e+01, 1.4000e+01,\n'
     '         1.4143e+01],\n'
     '        [1.4286e+01, 1.4429e+01, 1.4571e+01,  ..., 2.1000e+01, 2.1143e+01,\n'
     '         2.1286e+01],\n'
     '        ...,\n'
     '        [2.6429e+02, 2.6443e+02, 2.6457e+02,  ..., 2.7100e+02, 2.7114e+02,\n'
     '         2.7129e+02],\n'
     '        [2.7143e+02, 2.7157e+02, 2.7171e+02,  ..., 2.7814e+02, 2.7829e+02,\n'
     '         2.7843e+02],\n'
     '        [2.7857e+02, 2.7871e+02, 2.7886e+02,  ..., 2.8529e+02, 2.8543e+02,\n'
     '         2.8557e+02]])'),
]

# (case, the array, "leaf" (requires_grad=True) or "mul" (leaf * 2), PyTorch's repr)
GRAD_REPRS = [
    ('requires_grad', 'np.array([1.0, 2.0], f32)', 'leaf',
     'tensor([1., 2.], requires_grad=True)'),
    ('grad_fn', 'np.array([1.0, 2.0], f32)', 'mul',
     'tensor([2., 4.], grad_fn=<MulBackward>)'),
    ('suffix wraps', 'np.linspace(0.1, 0.9, 9).astype(f32)', 'leaf',
     'tensor([0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000, 0.9000],\n'
     '       requires_grad=True)'),
]

# Printed with torch only (their literals would be long): the same code paths at scale.
TORCH_ONLY = [
    "np.arange(1000) % 7",
    "np.cos(np.arange(1200)).reshape(10, 10, 12).astype(f32)",
    "np.cos(np.arange(1200)).reshape(10, 10, 12)",
    "np.arange(3000).reshape(3, 1000)",
    "(np.arange(1001) - 500.0) * 1e-6",
    "np.exp(np.arange(-20.0, 20.0)).astype(f32)",
    "np.ones((3, 40))",
    "np.array([[True, False, True]] * 4)",
    "np.array([1e-4, 1e-4 * 999])",
    "np.array([1e8, 1.5])",
    "np.array([0.5, np.nan], f32)",
    "np.full((2, 2), -7.0, f32)",
    "np.zeros((3, 0))",
    "np.arange(-5, 5, dtype=np.int16)",
]


def _array(src: str) -> np.ndarray:
    return np.asarray(eval(src))  # the table's own source text (no input from outside)


@pytest.mark.parametrize("case, src, want", REPRS, ids=[c[0] for c in REPRS])
def test_repr_matches_torch_literals(case, src, want):
    t = am.tensor(_array(src))
    assert repr(t) == want
    assert str(t) == want
    assert f"{t}" == (want if t.ndim else str(t.item()))


@pytest.mark.parametrize("case, src, kind, want", GRAD_REPRS, ids=[c[0] for c in GRAD_REPRS])
def test_repr_with_graph_matches_torch_literals(case, src, kind, want):
    t = am.tensor(_array(src), requires_grad=True)
    assert repr(t * 2.0 if kind == "mul" else t) == want


def _torch_repr(torch, a: np.ndarray, requires_grad: bool = False, mul: bool = False) -> str:
    t = torch.tensor(a, requires_grad=requires_grad)
    text = repr(t * 2.0 if mul else t)
    return re.sub(r"Backward\d+>", "Backward>", text.replace("torch.", ""))


@pytest.mark.parametrize("src", [c[1] for c in REPRS] + TORCH_ONLY)
def test_repr_matches_torch(src):
    torch = pytest.importorskip("torch")
    a = _array(src)
    assert repr(am.tensor(a)) == _torch_repr(torch, a)


@pytest.mark.parametrize("case, src, kind, want", GRAD_REPRS, ids=[c[0] for c in GRAD_REPRS])
def test_repr_with_graph_matches_torch(case, src, kind, want):
    torch = pytest.importorskip("torch")
    assert _torch_repr(torch, _array(src), True, kind == "mul") == want


def test_repr_with_another_default_dtype():
    am.set_default_dtype(np.float64)
    try:
        assert repr(am.tensor(np.array([1.0, 2.5]))) == "tensor([1.0000, 2.5000])"
        assert repr(am.tensor(np.array([1.0], f32))) == "tensor([1.], dtype=float32)"
        assert repr(am.tensor(np.zeros(0))) == "tensor([])"
    finally:
        am.set_default_dtype(np.float32)
    assert repr(am.tensor(np.array([1.0], f64))) == "tensor([1.], dtype=float64)"


def test_repr_keeps_the_name_and_parameters_print_as_torch():
    assert repr(am.Tensor([1.0], name="w")) == "tensor([1.], name='w')"
    nn = am.nn
    p = nn.Parameter(am.tensor(np.array([1.0, 2.0], f32)))
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == repr(p)


def test_repr_of_views_and_non_contiguous_tensors():
    x = am.tensor(np.arange(6.0, dtype=f32).reshape(2, 3))
    assert repr(x.t()) == "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])"
    assert repr(x[:, ::2]) == "tensor([[0., 2.],\n        [3., 5.]])"
    assert repr(am.tensor(np.array([1.0, 2.0], f32)).expand(2, 2)) == \
        "tensor([[1., 2.],\n        [1., 2.]])"


# ---- format ---------------------------------------------------------------------------------
def test_format_of_one_element_tensors_formats_the_number():
    loss = am.tensor(np.array(0.123456, f32), requires_grad=True) * 1.0
    assert f"{loss:.3f}" == "0.123"
    assert format(am.tensor(np.array(12345.678)), ".2e") == "1.23e+04"
    assert f"{am.tensor(np.array(7)):>4d}" == "   7"
    assert f"{am.tensor(np.array([2.5], f32)):.1f}" == "2.5"  # one element, any shape
    assert f"{am.tensor(np.array(2.5, f32))}" == "2.5"  # 0-d, empty spec: the number, as torch
    assert f"{am.tensor(np.array([2.5], f32))}" == "tensor([2.5000])"


def test_format_of_several_elements():
    t = am.tensor(np.array([1.0, 2.0], f32))
    assert f"{t}" == repr(t) == format(t, "")
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        f"{t:.2f}"
    with pytest.raises(TypeError, match="unsupported format string"):
        format(am.tensor(np.zeros((0,))), ".2f")


def test_format_matches_torch():
    torch = pytest.importorskip("torch")
    for value, spec in [(0.123456, ".3f"), (12345.678, ".2e"), (3.0, ""), (-1.5, "+.1f")]:
        assert format(am.tensor(np.array(value)), spec) == \
            format(torch.tensor(value, dtype=torch.float64), spec)
    assert f"{am.tensor(np.array([1.0, 2.0], f32))}" == f"{torch.tensor([1.0, 2.0])}"


# ---- small methods ----------------------------------------------------------------------------
def t64(values, requires_grad: bool = False) -> am.Tensor:
    return am.tensor(np.asarray(values, dtype=f64), requires_grad=requires_grad)


def test_sizes():
    x = am.tensor(np.zeros((2, 3, 4), f32))
    assert x.nelement() == x.numel() == 24
    assert x.ndimension() == x.dim() == 3
    assert x.element_size() == 4 and x.nbytes == 96
    assert t64([1.0]).element_size() == 8
    assert am.tensor(np.zeros(5, np.int16)).nbytes == 10
    assert am.tensor(np.zeros(3, np.bool_)).element_size() == 1
    assert am.tensor(np.array(1.0, f32)).nbytes == 4
    assert am.tensor(np.zeros(0, f32)).nbytes == 0


def test_t():
    x = t64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x.t()
    assert y.shape == (3, 2) and np.shares_memory(y.data, x.data)
    np.testing.assert_array_equal(y.detach().numpy(), np.arange(6.0).reshape(2, 3).T)
    assert am.gradcheck(lambda a: a.t(), [x])
    v = t64([1.0, 2.0])
    assert v.t() is v
    s = t64(3.0)
    assert s.t() is s
    with pytest.raises(ValueError, match=r"t\(\) expects a tensor with <= 2 dimensions, but "
                                         r"self is 3D"):
        am.tensor(np.zeros((2, 3, 4))).t()


def test_mm():
    a = t64(np.arange(6.0).reshape(2, 3) / 5, requires_grad=True)
    b = t64(np.arange(12.0).reshape(3, 4) / 7, requires_grad=True)
    np.testing.assert_allclose(a.mm(b).detach().numpy(), a.data @ b.data)
    assert am.gradcheck(lambda p, q: p.mm(q), [a, b])
    np.testing.assert_allclose(a.mm(np.ones((3, 1))).detach().numpy(), a.data.sum(1, keepdims=True))
    with pytest.raises(ValueError, match=r"mm: mat1 and mat2 shapes cannot be multiplied "
                                         r"\(2x3 and 4x5\)"):
        a.mm(t64(np.ones((4, 5))))
    with pytest.raises(ValueError, match="mm: self must be a matrix"):
        t64([1.0, 2.0, 3.0]).mm(b)
    with pytest.raises(ValueError, match=r"mm: mat2 must be a matrix \(2-D\), got shape \(3,\)"):
        a.mm(t64([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="mm: mat2 must be a matrix"):
        a.mm(t64(np.ones((1, 3, 4))))


def test_bmm():
    a = t64(np.arange(12.0).reshape(2, 2, 3) / 5, requires_grad=True)
    b = t64(np.arange(24.0).reshape(2, 3, 4) / 7, requires_grad=True)
    np.testing.assert_allclose(a.bmm(b).detach().numpy(), a.data @ b.data)
    assert am.gradcheck(lambda p, q: p.bmm(q), [a, b])
    with pytest.raises(ValueError, match="bmm: batch1 must be a 3-D tensor"):
        t64(np.ones((2, 3))).bmm(b)
    with pytest.raises(ValueError, match=r"bmm: batch2 must be a 3-D tensor, got shape \(3, 4\)"):
        a.bmm(t64(np.ones((3, 4))))
    with pytest.raises(ValueError, match=r"expected batch2's first two dimensions to be \(2, 3\)"):
        a.bmm(t64(np.ones((1, 3, 4))))  # no broadcasting, as torch.bmm
    with pytest.raises(ValueError, match=r"expected batch2's first two dimensions to be \(2, 3\)"):
        a.bmm(t64(np.ones((2, 4, 4))))


def test_contiguous_and_is_contiguous():
    x = t64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.is_contiguous() and x.contiguous() is x
    y = x.t()
    assert not y.is_contiguous()
    c = y.contiguous()
    assert c.is_contiguous() and c.data.flags.c_contiguous
    assert not np.shares_memory(c.data, x.data)
    np.testing.assert_array_equal(c.detach().numpy(), y.detach().numpy())
    assert c.requires_grad and c.grad_fn is not None
    assert am.gradcheck(lambda a: a.t().contiguous() * a.t(), [x])
    for view in (t64(np.arange(10.0))[::2], t64(np.arange(10.0))[::-1],
                 t64(np.arange(12.0).reshape(6, 2))[::2, :1],
                 t64(np.arange(24.0).reshape(2, 3, 4)).permute(2, 0, 1)):
        assert not view.is_contiguous()
        out = view.contiguous()
        assert out.is_contiguous()
        np.testing.assert_array_equal(out.numpy(), view.numpy())
    assert x.contiguous(memory_format="contiguous_format") is x
    assert x.is_contiguous(memory_format="contiguous_format")
    with pytest.raises(ValueError, match="memory_format"):
        x.contiguous(memory_format="channels_last")


def test_clone_memory_format():
    x = t64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x.t()
    kept = y.clone()
    assert not np.shares_memory(kept.data, x.data) and kept.grad_fn is not None
    assert not kept.is_contiguous()  # preserve_format keeps the layout, as torch's clone
    assert y.clone(memory_format="preserve_format").shape == (3, 2)
    made = y.clone(memory_format="contiguous_format")
    assert made.is_contiguous() and not np.shares_memory(made.data, x.data)
    c = x.clone(memory_format="contiguous_format")
    assert c is not x and not np.shares_memory(c.data, x.data) and c.grad_fn is not None
    assert am.gradcheck(lambda a: a.t().clone(memory_format="contiguous_format"), [x])
    with pytest.raises(ValueError, match="clone: memory_format 'channels_last'"):
        x.clone(memory_format="channels_last")


def test_as_methods():
    x = t64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    other = am.tensor(np.zeros((3, 2), f32))
    assert x.type_as(other).dtype == f32
    assert x.type_as(other).requires_grad
    assert x.type_as(x) is x
    assert x.type_as(am.tensor(np.zeros(1, np.int64))).dtype == np.int64
    assert x.view_as(other).shape == (3, 2)
    assert x.reshape_as(np.zeros(6)).shape == (6,)
    assert np.shares_memory(x.view_as(other).data, x.data)
    col = t64([[1.0], [2.0]], requires_grad=True)
    e = col.expand_as(x)
    assert e.shape == (2, 3)
    np.testing.assert_array_equal(e.detach().numpy(), [[1.0] * 3, [2.0] * 3])
    assert am.gradcheck(lambda a: a.expand_as(x), [col])
    assert am.gradcheck(lambda a: a.view_as(other) * 2, [x])
    assert am.gradcheck(lambda a: a.reshape_as(other), [x])
    with pytest.raises(TypeError, match="view_as: expected a Tensor, got tuple"):
        x.view_as((3, 2))
    with pytest.raises(ValueError):
        x.view_as(am.tensor(np.zeros(5)))


def test_methods_match_torch():
    torch = pytest.importorskip("torch")
    a = np.arange(6.0).reshape(2, 3) / 3
    b = np.arange(12.0).reshape(3, 4) / 5
    ab, tb = np.arange(24.0).reshape(2, 3, 4) / 7, np.arange(40.0).reshape(2, 4, 5) / 9
    for name, args in [("t", ()), ("nelement", ()), ("ndimension", ()), ("element_size", ()),
                       ("mm", (b,)), ("contiguous", ()), ("is_contiguous", ())]:
        got = getattr(t64(a), name)(*(t64(x) for x in args))
        want = getattr(torch.tensor(a), name)(*(torch.tensor(x) for x in args))
        if isinstance(want, torch.Tensor):
            np.testing.assert_allclose(got.numpy(), want.numpy())
        else:
            assert got == want
    np.testing.assert_allclose(t64(ab).bmm(t64(tb)).numpy(),
                               torch.tensor(ab).bmm(torch.tensor(tb)).numpy())
    assert t64(a).nbytes == torch.tensor(a).nbytes
    assert t64(a).t().is_contiguous() == torch.tensor(a).t().is_contiguous()
    # gradients of mm against torch's
    x, y = t64(a, True), t64(b, True)
    (x.mm(y) ** 2).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.tensor(b, requires_grad=True)
    (tx.mm(ty) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy())
