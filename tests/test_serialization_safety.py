"""am.load against decompression bombs and size lies, big-endian checkpoints, am.save's file
handling (modes, symlinks, non-regular paths, failed saves) and a small fuzz of am.load."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn.functional as F
from autograd_mini import nn, optim
from autograd_mini.serialization import SerializationError

_INDEX = {"format": "autograd_mini.save", "version": 1,
          "root": {"t": "dict", "items": [[{"t": "value", "v": "w"},
                                           {"t": "ndarray", "member": "a0"}]]}}


def _npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _archive(a0: bytes, compress: int = zipfile.ZIP_STORED) -> bytes:
    """An archive with a valid index naming one array member, a0.npy, whose bytes are given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("index.npy", _npy(np.frombuffer(json.dumps(_INDEX).encode(), np.uint8)))
        zf.writestr("a0.npy", a0, compress_type=compress)
    return out.getvalue()


def _deflate_bomb(n_bytes: int) -> bytes:
    """a0.npy declares (and really holds, once inflated) n_bytes of uint8 zeros, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("index.npy", _npy(np.frombuffer(json.dumps(_INDEX).encode(), np.uint8)))
        info = zipfile.ZipInfo("a0.npy")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            member.write(_npy_header((n_bytes,), "|u1"))
            chunk = bytes(2**22)
            for _ in range(n_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def _patch_sizes(archive: bytes, name: bytes, compressed: int, uncompressed: int) -> bytes:
    """The archive with the central-directory sizes of member `name` replaced."""
    start = archive.index(b"PK\x01\x02")
    while archive[start + 46:start + 46 + len(name)] != name:
        start = archive.index(b"PK\x01\x02", start + 4)
    sizes = struct.pack("<II", compressed, uncompressed)
    return archive[:start + 20] + sizes + archive[start + 28:]


def _bombs() -> dict[str, bytes]:
    return {
        "deflate bomb": _deflate_bomb(2**27),
        "deflated member": _archive(_npy(np.ones(4)), zipfile.ZIP_DEFLATED),
        "shape far larger than the member": _archive(_npy_header((10**12,)) + bytes(16)),
        "shape overflows": _archive(_npy_header((2**62, 2**62)) + bytes(16)),
        "member smaller than its header says": _archive(_npy_header((4,)) + bytes(16)),
        "member larger than its header says": _archive(_npy_header((1,)) + bytes(64)),
        "directory sizes beyond the file": _patch_sizes(
            _archive(_npy(np.ones(4))), b"a0.npy", 2**31, 2**31),
        "stored size differs from declared size": _patch_sizes(
            _archive(_npy(np.ones(4))), b"a0.npy", 160, 2**31),
    }


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return _bombs()


@pytest.mark.parametrize("name", [
    "deflate bomb", "deflated member", "shape far larger than the member", "shape overflows",
    "member smaller than its header says", "member larger than its header says",
    "directory sizes beyond the file", "stored size differs from declared size"])
@pytest.mark.parametrize("as_path", [False, True])
def test_bombs_and_size_lies_are_refused_fast_without_allocating(bombs, name, as_path, tmp_path):
    content = bombs[name]
    assert len(content) < 2**20
    source = tmp_path / "bomb.pt"
    source.write_bytes(content)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(SerializationError, match="not a valid autograd_mini file"):
            am.load(source if as_path else io.BytesIO(content))
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"
    assert peak < 2 * len(content) + 2**20, f"{name}: peak {peak} bytes"


def test_bomb_error_messages(bombs):
    with pytest.raises(SerializationError, match="compressed"):
        am.load(io.BytesIO(bombs["deflate bomb"]))
    with pytest.raises(SerializationError, match="declares shape"):
        am.load(io.BytesIO(bombs["member smaller than its header says"]))
    with pytest.raises(SerializationError, match="more than the file holds|stored with"):
        am.load(io.BytesIO(bombs["directory sizes beyond the file"]))


def test_overlapping_members_are_refused():
    """Many directory entries for the same stored bytes: quadratic memory from a small file."""
    valid = _archive(_npy(np.ones(64)))
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        a0 = zf.getinfo("a0.npy")
    cd = valid.index(b"PK\x01\x02")
    entries, end = valid[cd:valid.index(b"PK\x05\x06")], valid[valid.index(b"PK\x05\x06"):]
    a0_entry = entries[entries.index(b"PK\x01\x02", 4):]
    copies = [a0_entry.replace(b"a0.npy", f"a{i}.npy".encode()) for i in range(1, 8)]
    new_cd = entries + b"".join(copies)
    n = 2 + len(copies)
    end = end[:8] + struct.pack("<HHII", n, n, len(new_cd), cd) + end[20:]
    crafted = valid[:cd] + new_cd + end
    assert a0.compress_size * 8 > len(crafted)
    with pytest.raises(SerializationError, match="overlapping|File name|unreadable|zip"):
        am.load(io.BytesIO(crafted))


def test_load_opens_the_path_once(tmp_path, monkeypatch):
    """The checks and the load read one open file: nothing can swap the file in between."""
    import builtins

    path = tmp_path / "ckpt.pt"
    am.save({"w": am.ones(2, 3)}, path)
    opened = []
    real_open, real_io_open = builtins.open, io.open

    def counting(opener):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and os.fspath(file) == os.fspath(path):
                opened.append(file)
            return opener(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", counting(real_open))
    monkeypatch.setattr(io, "open", counting(real_io_open))
    np.testing.assert_array_equal(am.load(path)["w"].data, np.ones((2, 3)))
    assert len(opened) == 1


# ---- byte order ----------------------------------------------------------------------------
def _big_endian(archive: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            array = np.load(io.BytesIO(src.read(name)), allow_pickle=False)
            if array.dtype.itemsize > 1:
                array = array.astype(array.dtype.newbyteorder(">"))
            dst.writestr(name, _npy(array))
    return out.getvalue()


def test_big_endian_checkpoint_loads_native_and_trains():
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    buffer = io.BytesIO()
    am.save({"model": model.state_dict(), "step": np.int64(5)}, buffer)
    big = _big_endian(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(big)) as zf:
        assert np.load(io.BytesIO(zf.read("a0.npy"))).dtype.byteorder == ">"
    native = am.load(io.BytesIO(buffer.getvalue()))
    loaded = am.load(io.BytesIO(big))
    assert loaded["step"] == 5 and loaded["step"].dtype.isnative
    for key, tensor in loaded["model"].items():
        assert tensor.dtype == native["model"][key].dtype and tensor.dtype.isnative, key
        assert tensor.data.dtype.byteorder in "=|", key
        np.testing.assert_array_equal(tensor.data, native["model"][key].data)

    results = []
    for state in (native, loaded):
        am.manual_seed(0)
        fresh = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        fresh.load_state_dict(state["model"])
        opt = optim.SGD(fresh.parameters(), lr=0.1)
        rng = np.random.default_rng(1)
        for _ in range(3):
            x = am.Tensor(rng.standard_normal((5, 4)).astype(np.float32))
            loss = F.cross_entropy(fresh(x), am.Tensor(rng.integers(0, 3, 5)))
            opt.zero_grad()
            loss.backward()
            opt.step()
        results.append({k: v.data.copy() for k, v in fresh.state_dict().items()})
    for key in results[0]:
        assert results[1][key].dtype.isnative
        np.testing.assert_array_equal(results[0][key], results[1][key], err_msg=key)


# ---- am.save and the file system ------------------------------------------------------------
@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_file_gets_umask_mode_and_existing_file_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "new.pt"
    am.save({"w": am.ones(2)}, path)
    assert _mode(path) == 0o644
    os.umask(0o077)
    am.save({"w": am.ones(2)}, tmp_path / "private.pt")
    assert _mode(tmp_path / "private.pt") == 0o600
    os.umask(0o022)
    os.chmod(path, 0o640)
    am.save({"w": am.zeros(2)}, path)
    assert _mode(path) == 0o640
    np.testing.assert_array_equal(am.load(path)["w"].data, [0.0, 0.0])
    assert sorted(os.listdir(tmp_path)) == ["new.pt", "private.pt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks")
def test_symlink_is_followed_and_stays_a_link(tmp_path, umask_022):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "ckpt.pt"
    am.save({"w": am.ones(2)}, target)
    os.chmod(target, 0o600)
    link = tmp_path / "latest.pt"
    link.symlink_to(target)
    am.save({"w": am.zeros(3)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _mode(target) == 0o600
    np.testing.assert_array_equal(am.load(target)["w"].data, np.zeros(3))
    dangling = tmp_path / "dangling.pt"
    dangling.symlink_to(tmp_path / "real" / "future.pt")
    am.save({"w": am.ones(1)}, dangling)
    assert dangling.is_symlink() and (tmp_path / "real" / "future.pt").is_file()
    assert sorted(os.listdir(tmp_path / "real")) == ["ckpt.pt", "future.pt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_directory_are_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        am.save({"w": am.ones(2)}, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    link = tmp_path / "to-pipe"
    link.symlink_to(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        am.save({"w": am.ones(2)}, link)
    directory = tmp_path / "dir"
    directory.mkdir()
    with pytest.raises(IsADirectoryError, match="directory"):
        am.save({"w": am.ones(2)}, directory)
    assert directory.is_dir() and os.listdir(directory) == []
    assert sorted(os.listdir(tmp_path)) == ["dir", "pipe", "to-pipe"]


def test_failed_save_leaves_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    am.save({"w": am.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        am.save({"w": am.zeros(2), "bad": object()}, path)

    def broken_savez(file, **members):
        file.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        am.save({"w": am.zeros(2)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


def test_weights_only_keyword():
    buffer = io.BytesIO()
    am.save({"w": am.ones(2)}, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(am.load(buffer, weights_only=True)["w"].data, [1.0, 1.0])
    with pytest.raises(ValueError, match="weights_only"):
        am.load(io.BytesIO(buffer.getvalue()), weights_only=False)


# ---- fuzzing --------------------------------------------------------------------------------
def _same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, am.Tensor):
        return (isinstance(b, am.Tensor) and a.dtype == b.dtype and a.requires_grad == b.requires_grad
                and np.array_equal(a.data, b.data))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _leaves(obj) -> list[np.ndarray]:
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _leaves(v)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in _leaves(v)]
    if isinstance(obj, am.Tensor):
        return [obj.data]
    return [obj] if isinstance(obj, (np.ndarray, np.generic)) else []


def _fuzz_cases(data: bytes, rng: np.random.Generator) -> list[tuple[str, bytes, bool]]:
    cases = [(f"truncated to {n}", data[:n], True) for n in range(0, len(data), 3)]
    for _ in range(1500):
        broken = bytearray(data)
        for offset in rng.integers(0, len(data), rng.integers(1, 4)):
            broken[offset] = int(rng.integers(0, 256))
        cases.append(("flipped bytes", bytes(broken), True))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    for name, content in members.items():
        header_end = content.index(b"\n") + 1
        for shape in ("(0,)", "(1,)", "(10**9,)", "(2**40, 2**40)", "(-1,)", "()", "(3, 'x')"):
            for descr in ("<f4", ">f8", "|b1", "<c8", "|O", "<U3", "<M8"):
                header = (f"{{'descr': '{descr}', 'fortran_order': False, 'shape': "
                          f"{shape}, }}").encode().ljust(header_end - 11) + b"\n"
                crafted = content[:10] + header + content[header_end:]
                for compress in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    out = io.BytesIO()
                    with zipfile.ZipFile(out, "w") as zf:
                        for other, body in members.items():
                            zf.writestr(other, crafted if other == name else body,
                                        compress_type=compress)
                    cases.append((f"{name} header {shape} {descr} {compress}", out.getvalue(),
                                  False))
    return cases


def test_fuzz_load_refuses_or_loads_exactly():
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters())
    model(am.randn(5, 3)).sum().backward()
    opt.step()
    state = {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}
    buffer = io.BytesIO()
    am.save(state, buffer)
    data = buffer.getvalue()
    outcomes = {"refused": 0, "loaded": 0}
    slowest = 0.0
    for label, broken, exact in _fuzz_cases(data, np.random.default_rng(0)):
        start = time.perf_counter()
        try:
            got = am.load(io.BytesIO(broken))
        except SerializationError:
            outcomes["refused"] += 1
        else:
            if exact:
                assert _same(state, got), f"{label}: loaded different values"
            else:  # a crafted header that is valid: the arrays it declares, in native order
                assert _leaves(got) and all(a.dtype.isnative and a.dtype.kind in "biuf"
                                            for a in _leaves(got)), label
            outcomes["loaded"] += 1
        slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 1.0
    assert outcomes["refused"] > 1000 and outcomes["loaded"] > 0
