"""`am.save` / `am.load` with a `.safetensors` path: Hugging Face's format, state dicts only.

The format needs the optional `safetensors` package (these tests skip without it). A file written
here is byte-for-byte what `safetensors.torch.save` writes for the same tensors (a literal from
torch 2.13 / safetensors 0.8), loads into the matching PyTorch model, and a file written by
PyTorch loads here. Hostile headers are refused with a SerializationError before any tensor is
allocated."""

from __future__ import annotations

import json
import os
import struct
import sys

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import nn

pytest.importorskip("safetensors")

# safetensors.torch.save({"weight": torch.tensor([[1.5, -2.0]]), "step": torch.tensor(7)},
# metadata={"format": "pt"}) with torch 2.13 and safetensors 0.8
TORCH_BYTES = (
    b'\x98\x00\x00\x00\x00\x00\x00\x00{"__metadata__":{"format":"pt"},"step":{"dtype":"I64",'
    b'"shape":[],"data_offsets":[0,8]},"weight":{"dtype":"F32","shape":[1,2],"data_offsets":'
    b'[8,16]}}    \x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc0?\x00\x00\x00\xc0')


def test_writes_what_pytorch_writes(tmp_path):
    path = tmp_path / "m.safetensors"
    am.save({"weight": am.tensor([[1.5, -2.0]]), "step": am.tensor(7)}, path)
    assert path.read_bytes() == TORCH_BYTES


def test_reads_what_pytorch_writes(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(TORCH_BYTES)
    loaded = am.load(path)
    assert list(loaded) == ["step", "weight"]  # the file's order
    assert loaded["step"].dtype == np.int64 and loaded["step"].shape == ()
    assert loaded["step"].item() == 7
    assert loaded["weight"].dtype == np.float32
    np.testing.assert_array_equal(loaded["weight"].data, [[1.5, -2.0]])
    assert not loaded["weight"].requires_grad


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32",
                                   "int64", "uint8", "bool"])
@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 4)])
def test_round_trip_keeps_dtype_shape_values(tmp_path, dtype, shape):
    rng = np.random.default_rng(0)
    array = np.asarray(rng.standard_normal(shape) * 50).astype(dtype)
    path = tmp_path / "x.SafeTensors"  # the extension is matched without case
    am.save({"t": am.tensor(array), "a": array}, str(path))
    loaded = am.load(str(path))
    for key in ("t", "a"):
        assert isinstance(loaded[key], am.Tensor)
        assert loaded[key].dtype == array.dtype and loaded[key].shape == array.shape
        np.testing.assert_array_equal(loaded[key].data, array)


def test_non_contiguous_and_big_endian_arrays(tmp_path):
    base = np.arange(12, dtype=">f4").reshape(3, 4)
    path = tmp_path / "x.safetensors"
    am.save({"t": base.T, "u": am.tensor(np.arange(6.0)).reshape(2, 3).T}, path)
    loaded = am.load(path)
    np.testing.assert_array_equal(loaded["t"].data, base.T)
    assert loaded["t"].dtype == np.float32 and loaded["t"].data.dtype.isnative
    np.testing.assert_array_equal(loaded["u"].data, np.arange(6.0).reshape(2, 3).T)


@pytest.mark.parametrize("obj, message", [
    ([am.zeros(2)], "flat dict of str to tensors"),
    ({"a": {"b": am.zeros(2)}}, "'a' is a dict"),
    ({"a": 3}, "'a' is a int"),
    ({1: am.zeros(2)}, "str keys"),
    ({"a": np.array(["x"])}, "dtype <U1"),
])
def test_only_flat_state_dicts(tmp_path, obj, message):
    path = tmp_path / "x.safetensors"
    path.write_bytes(b"old")
    with pytest.raises(TypeError, match=message):
        am.save(obj, path)
    assert path.read_bytes() == b"old"  # nothing replaced
    assert os.listdir(tmp_path) == ["x.safetensors"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    import safetensors.numpy

    path = tmp_path / "x.safetensors"
    am.save({"a": am.ones(3)}, path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        am.save({"a": am.zeros(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["x.safetensors"]
    assert safetensors.numpy  # (the package was there: the failure came from the write)


def test_missing_package_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"autograd_mini\[safetensors\]"):
        am.save({"a": am.ones(2)}, tmp_path / "x.safetensors")
    (tmp_path / "y.safetensors").write_bytes(TORCH_BYTES)
    with pytest.raises(ImportError, match="safetensors"):
        am.load(tmp_path / "y.safetensors")


# ---- hostile and broken files -----------------------------------------------------------------
def file_with(header: dict, data: bytes = b"", size: int | None = None) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text) if size is None else size) + text + data


F32_2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}


@pytest.mark.parametrize("content, message", [
    (b"\x01\x02", "8-byte header size"),
    (file_with({"a": F32_2}, b"\0" * 8, size=2**40), "header declares"),
    (file_with({"a": F32_2}, b"\0" * 4), "outside the file"),  # truncated data
    (struct.pack("<Q", 5) + b"{nope", "not valid JSON"),
    (file_with([1, 2]), "not a JSON object"),
    (file_with({"a": {**F32_2, "dtype": "BF16", "data_offsets": [0, 4]}}, b"\0" * 4),
     "bfloat16"),
    (file_with({"a": {**F32_2, "dtype": "C64"}}, b"\0" * 8), "dtype 'C64'"),
    (file_with({"a": {**F32_2, "shape": [2**40, 2**40]}}, b"\0" * 8), "spans 8 bytes"),
    (file_with({"a": {**F32_2, "shape": [-2]}}, b"\0" * 8), "bad shape"),
    (file_with({"a": {**F32_2, "extra": 1}}, b"\0" * 8), "malformed"),
    (file_with({"a": F32_2, "b": F32_2}, b"\0" * 8), "overlapping"),
    (file_with({"a": F32_2}, b"\0" * 12), "file holds 12"),
    (file_with({"__metadata__": {"k": 1}, "a": F32_2}, b"\0" * 8), "__metadata__"),
])
def test_hostile_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(am.SerializationError, match=message):
        am.load(path)


# ---- with PyTorch -----------------------------------------------------------------------------
def am_model():
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.LayerNorm(8),
                         nn.Linear(8, 3))


def torch_model(torch):
    tnn = torch.nn
    return tnn.Sequential(tnn.Linear(4, 8), tnn.BatchNorm1d(8), tnn.ReLU(), tnn.LayerNorm(8),
                          tnn.Linear(8, 3))


def test_saved_here_loads_into_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    am.manual_seed(0)
    ours = am_model()
    ours(am.randn(5, 4))  # training mode: the running stats and num_batches_tracked move
    ours.eval()
    am.save(ours.state_dict(), tmp_path / "m.safetensors")
    theirs = torch_model(torch).eval()
    theirs.load_state_dict(load_file(tmp_path / "m.safetensors"), strict=True)
    assert theirs[1].num_batches_tracked.item() == 1
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(am.tensor(x)).data, want, rtol=1e-5, atol=1e-6)


def test_saved_by_pytorch_loads_here(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    theirs = torch_model(torch)
    theirs(torch.randn(5, 4))
    theirs.eval()
    save_file(theirs.state_dict(), tmp_path / "t.safetensors")
    ours = am_model().eval()
    ours.load_state_dict(am.load(tmp_path / "t.safetensors"), strict=True)
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(am.tensor(x)).data, want, rtol=1e-5, atol=1e-6)
