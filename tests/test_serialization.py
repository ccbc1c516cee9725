"""am.save / am.load: exact round trips, bit-for-bit training resumption, and hostile or broken
files that must raise a clear error, execute nothing and change nothing."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import zipfile

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn, optim
from autograd_mini.serialization import SerializationError


def round_trip(obj):
    buffer = io.BytesIO()
    am.save(obj, buffer)
    buffer.seek(0)
    return am.load(buffer)


def test_round_trip_keeps_types_values_and_dtypes():
    obj = {
        "tensor": am.tensor([1.5, -2.0]),
        "param": nn.Parameter(am.ones(2, 2)),
        "ints": am.Tensor(np.arange(6, dtype=np.int32).reshape(2, 3)),
        "array": np.array([[True, False]]),
        "half": np.array([0.1, 65504.0], dtype=np.float16),
        "empty": np.zeros((0, 3)),
        "scalar": np.float32(0.25),
        "numbers": [1, 2**80, -0.0, 1e-310, math.inf, -math.inf, math.nan, 0.1],
        "tuple": (1, "two", None, True),
        3: "int key",
        None: {"nested": {"deeper": [np.int64(7)]}},
        "unicode": "naïve ✓",
    }
    back = round_trip(obj)
    assert list(back) == list(obj)
    assert isinstance(back["tensor"], am.Tensor) and back["tensor"].dtype == np.float32
    np.testing.assert_array_equal(back["tensor"].data, [1.5, -2.0])
    assert back["param"].requires_grad and not back["tensor"].requires_grad
    assert back["ints"].dtype == np.int32 and back["ints"].shape == (2, 3)
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == bool
    assert back["half"].dtype == np.float16 and back["empty"].shape == (0, 3)
    assert isinstance(back["scalar"], np.float32) and back["scalar"] == 0.25
    numbers = back["numbers"]
    assert numbers[:6] == [1, 2**80, -0.0, 1e-310, math.inf, -math.inf]
    assert math.copysign(1, numbers[2]) == -1 and math.isnan(numbers[6]) and numbers[7] == 0.1
    assert back["tuple"] == (1, "two", None, True) and isinstance(back["tuple"], tuple)
    assert back[3] == "int key"
    assert isinstance(back[None]["nested"]["deeper"][0], np.int64)
    assert back["unicode"] == "naïve ✓"


def test_path_is_used_as_given_and_written_atomically(tmp_path):
    path = tmp_path / "model.pt"
    am.save({"w": am.ones(2)}, path)
    assert os.listdir(tmp_path) == ["model.pt"]  # no .npz appended, no temporary file left
    np.testing.assert_array_equal(am.load(str(path))["w"].data, [1.0, 1.0])
    with pytest.raises(TypeError, match="lambda|function"):
        am.save({"w": am.zeros(2), "f": lambda: 0}, path)
    np.testing.assert_array_equal(am.load(path)["w"].data, [1.0, 1.0])  # old file intact
    assert os.listdir(tmp_path) == ["model.pt"]


@pytest.mark.parametrize("value, pattern", [
    (object(), "object"), ({1.5j: 1}, "key of type complex"), (np.array(["a"]), "dtype <U1"),
    (np.array([1, "x"], dtype=object), "dtype object"), ({"s": {1, 2}}, "set"),
])
def test_unsaveable_values_are_refused(value, pattern):
    with pytest.raises(TypeError, match=pattern):
        am.save(value, io.BytesIO())


def _train(model, opt, sched, steps, seed):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = am.Tensor(rng.standard_normal((8, 4)).astype(np.float32))
        y = am.Tensor(rng.integers(0, 3, 8))
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()


def _setup():
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    opt = optim.AdamW(model.parameters(), lr=0.01, amsgrad=True)
    sched = optim.lr_scheduler.StepLR(opt, 2, gamma=0.7)
    return model, opt, sched


def test_training_resumes_bit_for_bit(tmp_path):
    model, opt, sched = _setup()
    _train(model, opt, sched, 3, seed=1)
    am.save({"model": model.state_dict(), "optim": opt.state_dict(),
             "sched": sched.state_dict(), "epoch": 3}, tmp_path / "ckpt")
    _train(model, opt, sched, 4, seed=2)

    fresh, fresh_opt, fresh_sched = _setup()
    _train(fresh, fresh_opt, fresh_sched, 1, seed=9)  # different state, all overwritten
    checkpoint = am.load(tmp_path / "ckpt")
    fresh.load_state_dict(checkpoint["model"])
    fresh_opt.load_state_dict(checkpoint["optim"])
    fresh_sched.load_state_dict(checkpoint["sched"])
    assert checkpoint["epoch"] == 3
    _train(fresh, fresh_opt, fresh_sched, 4, seed=2)
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_loading_mismatched_shapes_changes_nothing(tmp_path):
    am.save(nn.Linear(3, 2).state_dict(), tmp_path / "small")
    model = nn.Linear(4, 2)
    before = model.weight.data.copy()
    with pytest.raises(RuntimeError, match=r"weight: shape \(2, 3\)"):
        model.load_state_dict(am.load(tmp_path / "small"))
    np.testing.assert_array_equal(model.weight.data, before)


# ---- hostile and broken files -------------------------------------------------------------
class _Exploit:
    """Unpickling this would create a marker file: loading must never get that far."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _valid_archive() -> bytes:
    buffer = io.BytesIO()
    am.save({"w": am.ones(2, 3), "b": np.zeros(2)}, buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, edit) -> bytes:
    """A copy of an archive with its members passed through edit(name, bytes) -> dict."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            members.update(edit(name, zf.read(name)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def _npy(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _index_bytes(index: dict) -> bytes:
    return _npy(np.frombuffer(json.dumps(index).encode(), dtype=np.uint8))


def _hostile_files(marker: str) -> dict[str, bytes]:
    _Exploit.marker = marker
    valid = _valid_archive()
    pickled_object_array = _npy(np.array([_Exploit()], dtype=object), allow_pickle=True)
    return {
        "raw pickle": pickle.dumps({"w": _Exploit()}),
        "pickle in npz member": _rewrite(valid, lambda n, b: {n: pickled_object_array
                                                             if n == "a0.npy" else b}),
        "extra member": _rewrite(valid, lambda n, b: {n: b, "evil.npy": pickled_object_array}),
        "path traversal name": _rewrite(valid, lambda n, b: {("../a0.npy" if n == "a0.npy"
                                                              else n): b}),
        "missing member": _rewrite(valid, lambda n, b: {} if n == "a1.npy" else {n: b}),
        "unreferenced member": _rewrite(valid, lambda n, b: {n: b, "a9.npy": _npy(np.ones(1))}),
        "no index": _rewrite(valid, lambda n, b: {} if n == "index.npy" else {n: b}),
        "index not json": _rewrite(valid, lambda n, b: {n: _npy(np.frombuffer(b"{oops", np.uint8))
                                                        if n == "index.npy" else b}),
        "index wrong format": _rewrite(valid, lambda n, b: {n: _index_bytes({"format": "x"})
                                                            if n == "index.npy" else b}),
        "index unknown type": _rewrite(valid, lambda n, b: {n: _index_bytes(
            {"format": "autograd_mini.save", "version": 1, "root": {"t": "pickle", "v": "x"}})
            if n == "index.npy" else b}),
        "index uses a member twice": _rewrite(valid, lambda n, b: {n: _index_bytes(
            {"format": "autograd_mini.save", "version": 1,
             "root": {"t": "list", "items": [{"t": "ndarray", "member": "a0"}] * 2}})
            if n == "index.npy" else b}),
        "deeply nested index": _rewrite(valid, lambda n, b: {n: _npy(np.frombuffer(
            (b'{"format":"autograd_mini.save","version":1,"root":' + b"[" * 100000
             + b"]" * 100000 + b"}"), np.uint8)) if n == "index.npy" else b}),
        "truncated": valid[: len(valid) // 2],
        "truncated member data": _rewrite(valid, lambda n, b: {n: b[:-8] if n == "a0.npy"
                                                               else b}),
        "huge declared shape": _rewrite(valid, lambda n, b: {n: _npy(np.ones(2))[:10]
                                                             + b"{'descr': '<f8', 'fortran_order': "
                                                               b"False, 'shape': (10000000000000,"
                                                               b"), }".ljust(118) + b"\n"
                                                             if n == "a1.npy" else b}),
        # corrupted central-directory fields, where zipfile raises NotImplementedError or
        # RuntimeError rather than BadZipFile (found by benchmarks/stress/fuzz_load.py)
        "unknown compression method": _patch_directory(valid, 10, b"\x63\x00"),
        "zip version too new": _patch_directory(valid, 6, b"\xff\x00"),
        "encrypted flag": _patch_directory(valid, 8, b"\x01\x00"),
        "patched-data flag": _patch_directory(valid, 8, b"\x20\x00"),
        "not a zip": b"hello world",
        "empty": b"",
        "plain npy": _npy(np.ones(3)),
    }


def _patch_directory(archive: bytes, offset: int, value: bytes) -> bytes:
    """The archive with bytes at `offset` into its first central-directory entry replaced."""
    start = archive.index(b"PK\x01\x02") + offset
    return archive[:start] + value + archive[start + len(value):]


def test_hostile_and_broken_files_raise_clear_errors_and_execute_nothing(tmp_path):
    marker = tmp_path / "pwned"
    model = nn.Linear(3, 2)
    before = model.weight.data.copy()
    for name, content in _hostile_files(str(marker)).items():
        path = tmp_path / "file.pt"
        path.write_bytes(content)
        with pytest.raises(SerializationError, match="not a valid autograd_mini file") as info:
            model.load_state_dict(am.load(path))
        assert isinstance(info.value, ValueError), name
        with pytest.raises(SerializationError):
            am.load(io.BytesIO(content))
        assert not marker.exists(), f"{name}: loading executed code"
    np.testing.assert_array_equal(model.weight.data, before)


def test_error_messages_say_what_is_wrong(tmp_path):
    files = _hostile_files(str(tmp_path / "marker"))
    cases = {"raw pickle": "looks like a pickle", "pickle in npz member": "dtype object",
             "extra member": "unexpected member 'evil.npy'", "missing member": "missing",
             "unreferenced member": "not referenced", "truncated": "truncated",
             "huge declared shape": "declares shape", "deeply nested index": "JSON|nested",
             "index unknown type": "unknown entry type 'pickle'"}
    for name, pattern in cases.items():
        with pytest.raises(SerializationError, match=pattern):
            am.load(io.BytesIO(files[name]))


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        am.load(tmp_path / "nope")
