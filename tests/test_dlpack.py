"""DLPack both ways: `torch.from_dlpack(t)` and `am.from_dlpack(torch_tensor)` share memory.

Checked against NumPy's DLPack (always there) and PyTorch's (skipped without torch): a write
through one side is seen on the other, dtypes and shapes (and strides) are kept, and a tensor
that requires grad is refused as PyTorch refuses it (BufferError "Can't export tensors that
require gradient, use tensor.detach()")."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def test_device_is_the_cpu():
    assert am.ones(2).__dlpack_device__() == (1, 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_shares_memory_both_ways(dtype):
    t = am.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    array = np.from_dlpack(t)
    assert array.dtype == np.dtype(dtype) and array.shape == (2, 3)
    assert np.shares_memory(array, t.data)
    back = am.from_dlpack(np.arange(4).astype(dtype))
    assert back.dtype == np.dtype(dtype) and back.shape == (4,)


def test_writes_are_seen_through_numpy():
    t = am.zeros(3)
    array = np.from_dlpack(t)
    array[1] = 5.0
    assert t.tolist() == [0.0, 5.0, 0.0]
    source = np.zeros(3, dtype=np.float32)
    u = am.from_dlpack(source)
    u.add_(1.0)
    assert source.tolist() == [1.0, 1.0, 1.0]


def test_from_an_autograd_mini_tensor_is_an_alias():
    t = am.zeros(3)
    u = am.from_dlpack(t)
    u.add_(2.0)
    assert t.tolist() == [2.0, 2.0, 2.0]
    assert t._version == u._version  # one version per memory, as for views


def test_requires_grad_is_refused_as_in_pytorch():
    t = am.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match="Can't export tensors that require gradient, use "
                                          r"tensor.detach\(\)"):
        t.__dlpack__()
    with pytest.raises(BufferError, match="require gradient"):
        am.from_dlpack(t)
    assert np.from_dlpack(t.detach()).tolist() == [1.0, 1.0]


def test_bad_arguments():
    with pytest.raises(TypeError, match="expected an object with __dlpack__ .*got list"):
        am.from_dlpack([1.0, 2.0])
    with pytest.raises(TypeError, match="complex"):
        am.from_dlpack(np.ones(2, dtype=np.complex64))
    with pytest.raises(BufferError, match="stream must be None"):
        am.ones(2).__dlpack__(stream=1)


# ---- with PyTorch -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_shares_memory_both_ways(dtype):
    torch = pytest.importorskip("torch")
    t = am.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    pt = torch.from_dlpack(t)
    assert str(pt.dtype) == f"torch.{dtype}" and tuple(pt.shape) == (2, 3)
    assert pt.data_ptr() == t.data.ctypes.data
    back = am.from_dlpack(pt)
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3)
    assert back.data.ctypes.data == pt.data_ptr()


def test_torch_writes_and_ours_are_seen_on_the_other_side():
    torch = pytest.importorskip("torch")
    t = am.zeros(2, 3)
    pt = torch.from_dlpack(t)
    pt[0, 1] = 7.0  # torch writes, autograd_mini sees it
    assert t.data[0, 1] == 7.0
    t.mul_(2.0)  # autograd_mini writes, torch sees it
    assert pt[0, 1].item() == 14.0

    source = torch.arange(6.0).reshape(2, 3)
    ours = am.from_dlpack(source)
    source.add_(1.0)
    assert ours.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    ours.data[1, 2] = -1.0
    assert source[1, 2].item() == -1.0


def test_strided_views_keep_their_layout():
    torch = pytest.importorskip("torch")
    t = am.arange(12.0).reshape(3, 4).T  # a transposed view
    pt = torch.from_dlpack(t)
    assert tuple(pt.shape) == (4, 3)
    assert pt.stride() == tuple(s // 4 for s in t.data.strides)
    assert np.array_equal(pt.numpy(), t.data)
    back = am.from_dlpack(torch.arange(12.0).reshape(3, 4).t())
    assert back.shape == (4, 3) and back.data.strides == (4, 16)


def test_torch_refuses_requires_grad_the_same_way():
    torch = pytest.importorskip("torch")
    theirs = torch.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match="require gradient"):
        am.from_dlpack(theirs)
    ours = am.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match="require gradient"):
        torch.from_dlpack(ours)


def test_torch_bfloat16_is_a_clear_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="bfloat16"):
        am.from_dlpack(torch.ones(2, dtype=torch.bfloat16))
