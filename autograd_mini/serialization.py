"""`am.save` / `am.load`: state dicts as a NumPy .npz archive with a JSON index, never pickle.

The archive holds one member per array (`a0.npy`, `a1.npy`, ...) and `index.npy`, a uint8 array
of UTF-8 JSON that describes the saved object: nested dicts (str, int, float, bool or None keys),
lists and tuples of Tensors, ndarrays, NumPy scalars, Python numbers, strings, bools and None.

Loading never unpickles and never runs code from the file. It opens the file once; the zip
directory and every array header are checked first, against the file's own size, before any array
is allocated: member names, only the layout `save` writes (stored, uncompressed members, so no
decompression bombs), numeric dtypes only, declared shapes whose size matches the member's size.
The JSON index is then read, each member referenced once, and the arrays are read in chunks with
`allow_pickle=False`, converted to native byte order. A truncated, malformed or hostile file
raises `SerializationError` (a ValueError) that says what is wrong.

A path ending in `.safetensors` selects the safetensors format instead (state dicts only; the
optional `safetensors` package), with the same promises: see `_load_safetensors`.
"""

from __future__ import annotations

import io
import math
import os
import re
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from .tensor import Tensor

if TYPE_CHECKING:
    import zipfile

# json, tempfile and zipfile are imported where they are used: `import autograd_mini` stays fast.

__all__ = ["save", "load", "SerializationError"]

_FORMAT = "autograd_mini.save"
_VERSION = 1
_INDEX = "index"
_ARRAY_NAME = re.compile(r"a(0|[1-9][0-9]{0,8})")
_MAX_DEPTH = 100
_MAX_INDEX_BYTES = 64 * 2**20


class SerializationError(ValueError):
    """The file is not a valid autograd_mini archive (truncated, malformed or hostile)."""


def _unreadable() -> tuple[type[BaseException], ...]:
    """What the zip and .npy readers raise for a corrupt file: besides BadZipFile, a corrupted
    directory entry gives NotImplementedError (an unknown zip version, compression method or
    flag), RuntimeError (an 'encrypted' flag), zlib or struct errors, or a ValueError."""
    import struct
    import zlib

    return (EOFError, OSError, ValueError, NotImplementedError, RuntimeError, OverflowError,
            struct.error, zlib.error)


# ---- saving ---------------------------------------------------------------------------------
class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _array(self, array: np.ndarray, where: str) -> str:
        if array.dtype.kind not in "biuf":
            raise TypeError(f"save: {where} has dtype {array.dtype}; only bool, integer and "
                            "floating-point arrays can be saved")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = np.asarray(array, order="C")  # (ascontiguousarray makes 0-d 1-d)
        return name

    def encode(self, obj: Any, where: str, depth: int = 0) -> dict[str, Any]:
        if depth > _MAX_DEPTH:
            raise ValueError(f"save: {where} is nested more than {_MAX_DEPTH} levels deep")
        if isinstance(obj, Tensor):
            return {"t": "tensor", "member": self._array(obj.data, where),
                    "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray):
            return {"t": "ndarray", "member": self._array(obj, where)}
        if isinstance(obj, np.generic):
            return {"t": "npscalar", "member": self._array(np.asarray(obj), where)}
        if obj is None or isinstance(obj, (bool, str)):
            return {"t": "value", "v": obj}
        if isinstance(obj, int):
            return {"t": "int", "v": str(obj)}  # as text: JSON readers may round big ints
        if isinstance(obj, float):
            return {"t": "float", "v": float.hex(obj)}  # exact, and inf/nan without JSON extensions
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                if not (key is None or isinstance(key, (str, int, float, bool))):
                    raise TypeError(f"save: {where} has a key of type {type(key).__name__}; "
                                    "keys must be str, int, float, bool or None")
                items.append([self.encode(key, f"{where} key", depth + 1),
                              self.encode(value, f"{where}[{key!r}]", depth + 1)])
            return {"t": "dict", "items": items}
        if isinstance(obj, (list, tuple)):
            return {"t": type(obj).__name__,
                    "items": [self.encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(obj)]}
        raise TypeError(f"save: {where} is a {type(obj).__name__}; only Tensors, ndarrays, numbers, "
                        "strings, bools, None and dicts/lists/tuples of them can be saved (no "
                        "pickling)")


def _umask() -> int:
    """The process's umask: from /proc on Linux, else by setting it and setting it back (there
    is no getter; another thread creating a file in that instant would see umask 022)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target(path: str) -> tuple[str, int]:
    """The file to replace (a symlink's final target) and the mode the new file gets: the old
    file's mode, or what the umask gives a new file. Refuses anything but a regular file."""
    import stat

    real = os.path.realpath(path) if os.path.islink(path) else path
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real, 0o666 & ~_umask()
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"save: {path!r} is a directory; give a file path")
    if not stat.S_ISREG(st.st_mode):
        raise OSError(f"save: {path!r} exists and is not a regular file (a FIFO, socket or "
                      "device?); refusing to replace it")
    return real, stat.S_IMODE(st.st_mode)


def save(obj: Any, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save a state dict (nested dicts/lists of Tensors, arrays, numbers and strings).

    A path ending in `.safetensors` is written in the safetensors format (Hugging Face's; it
    needs the optional `safetensors` package): then `obj` must be a state dict, a flat dict of
    str to Tensors/ndarrays, and the file loads with `safetensors.torch.load_file` into the
    matching PyTorch model.

    Args:
        obj: e.g. `{"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": 3}`.
        f: a path or a binary file object. A path is written atomically: to a temporary file in
            the same directory, then renamed over the target, so a failed save never leaves half
            a file and keeps the old one. No extension is added. A new file gets the mode the
            umask gives, an existing one keeps its mode; a symlink is followed and its target
            replaced (the link stays). A path that is a directory, FIFO or other non-regular
            file is refused.

    Raises:
        TypeError: obj holds something that cannot be saved without pickling.
        OSError: the path is not a regular file (IsADirectoryError for a directory), or
            writing failed.

    Examples:
        >>> import os, tempfile
        >>> import autograd_mini as am
        >>> model = am.nn.Linear(3, 2)
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = os.path.join(d, "model.amt")
        ...     am.save(model.state_dict(), path)
        ...     state = am.load(path)
        >>> sorted(state)
        ['bias', 'weight']
        >>> model.load_state_dict(state)
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
    """
    import json

    if _is_safetensors(f):
        _save_safetensors(obj, os.fspath(f))  # type: ignore[arg-type]
        return
    encoder = _Encoder()
    root = encoder.encode(obj, "the object")
    index = json.dumps({"format": _FORMAT, "version": _VERSION, "root": root},
                       separators=(",", ":")).encode("utf-8")
    members = {_INDEX: np.frombuffer(index, dtype=np.uint8), **encoder.arrays}
    if hasattr(f, "write"):
        np.savez(f, **members)
        return
    _write_atomic(os.fspath(f), lambda out: np.savez(out, **members))


def _write_atomic(path: str, write: Any) -> None:
    """Call `write(file)` on a temporary file beside `path`, then rename it over `path`: a
    failed save never leaves half a file and keeps the old one."""
    import tempfile

    path, mode = _target(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".am-save-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ---- loading --------------------------------------------------------------------------------
def _fail(source: str, message: str) -> SerializationError:
    return SerializationError(f"load: {source} is not a valid autograd_mini file: {message}")


_ALLOWED_FLAGS = 0x08 | 0x800  # a data descriptor follows the member; UTF-8 member name


class _Member:
    """One checked .npy member: its zip entry and the array its header declares."""

    def __init__(self, info: zipfile.ZipInfo, shape: tuple[int, ...], dtype: np.dtype,
                 fortran: bool) -> None:
        self.info, self.shape, self.dtype, self.fortran = info, shape, dtype, fortran


def _read_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> _Member:
    """Check one .npy member's header: a numeric dtype, and a size that matches the member."""
    with zf.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except ValueError as exc:
            raise _fail(source, f"member {info.filename!r} has a bad array header ({exc})") \
                from None
        header_size = member.tell()
    if dtype.hasobject or dtype.kind not in "biuf" or dtype.subdtype is not None:
        raise _fail(source, f"member {info.filename!r} has dtype {dtype}; only numeric arrays are "
                            "allowed (object arrays would need pickle)")
    expected = math.prod(shape) * dtype.itemsize
    if info.file_size - header_size != expected:
        raise _fail(source, f"member {info.filename!r} declares shape {shape} and dtype {dtype} "
                            f"({expected} bytes) but holds {info.file_size - header_size} bytes")
    return _Member(info, shape, dtype, fortran)


def _check_entry(info: zipfile.ZipInfo, file_size: int, source: str) -> None:
    """Only the layout am.save writes: stored (uncompressed) members that fit in the file."""
    import zipfile

    if info.compress_type != zipfile.ZIP_STORED:
        raise _fail(source, f"member {info.filename!r} is compressed (method "
                            f"{info.compress_type}); am.save writes stored members only")
    if info.flag_bits & ~_ALLOWED_FLAGS:
        raise _fail(source, f"member {info.filename!r} has unsupported zip flags "
                            f"{info.flag_bits:#x}")
    if info.compress_size != info.file_size:
        raise _fail(source, f"member {info.filename!r} is stored with {info.compress_size} bytes "
                            f"but declares {info.file_size}")
    if info.header_offset < 0 or info.header_offset + 30 + info.compress_size > file_size:
        raise _fail(source, f"member {info.filename!r} declares {info.file_size} bytes, more "
                            f"than the file holds; truncated?")


def _check_archive(zf: zipfile.ZipFile, file_size: int, source: str) -> dict[str, _Member]:
    """The members by name (without .npy), after checking the zip directory and array headers.

    Nothing but the small .npy headers is read here, and every size is checked against the file's
    own size, so a small hostile file cannot make `load` allocate or decompress much."""
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _fail(source, "the archive has duplicate member names")
    total = 0
    for info in infos:
        stem = info.filename[:-4] if info.filename.endswith(".npy") else None
        if stem is None or not (stem == _INDEX or _ARRAY_NAME.fullmatch(stem)):
            raise _fail(source, f"unexpected member {info.filename!r} (expected "
                                "index.npy and a<N>.npy)")
        _check_entry(info, file_size, source)
        total += info.compress_size
    if total > file_size:
        raise _fail(source, f"the members declare {total} bytes in all, more than the file's "
                            f"{file_size} (overlapping members?)")
    members = {info.filename[:-4]: _read_header(zf, info, source) for info in infos}
    if _INDEX not in members:
        raise _fail(source, "the archive has no index.npy")
    return members


def _read_member(zf: zipfile.ZipFile, member: _Member, source: str) -> np.ndarray:
    """The member's array, read in chunks into an array of its checked size, in native order."""
    with zf.open(member.info) as stream:
        array = np.lib.format.read_array(stream, allow_pickle=False)
        if stream.read(1):  # also makes the zip reader check the CRC of a 0-size array
            raise _fail(source, f"member {member.info.filename!r} has trailing bytes")
    if array.shape != member.shape or array.dtype != member.dtype:
        raise _fail(source, f"member {member.info.filename!r} changed while it was read")
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array


class _Decoder:
    def __init__(self, zf: zipfile.ZipFile, members: dict[str, _Member], source: str) -> None:
        self.zf = zf
        self.members = members
        self.unused = set(members) - {_INDEX}
        self.source = source

    def _array(self, node: dict, where: str) -> np.ndarray:
        name = node.get("member")
        if not isinstance(name, str) or name not in self.unused:
            raise _fail(self.source, f"{where} refers to member {name!r}, which is missing or "
                                     "used twice")
        self.unused.discard(name)
        return _read_member(self.zf, self.members[name], self.source)

    def decode(self, node: Any, where: str, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise _fail(self.source, f"the index is nested more than {_MAX_DEPTH} levels deep")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise _fail(self.source, f"{where}: malformed index entry {str(node)[:80]!r}")
        kind = node["t"]
        if kind == "tensor":
            array = self._array(node, where)
            requires_grad = node.get("requires_grad") is True
            if requires_grad and array.dtype.kind != "f":
                raise _fail(self.source, f"{where}: a {array.dtype} tensor cannot require grad")
            return Tensor(array, requires_grad=requires_grad)
        if kind == "ndarray":
            return self._array(node, where)
        if kind == "npscalar":
            array = self._array(node, where)
            if array.ndim != 0:
                raise _fail(self.source, f"{where}: a NumPy scalar must be 0-d, got {array.shape}")
            return array[()]
        if kind == "value":
            value = node.get("v")
            if not (value is None or isinstance(value, (bool, str))):
                raise _fail(self.source, f"{where}: bad value {value!r}")
            return value
        if kind in ("int", "float"):
            return self._number(kind, node.get("v"), where)
        items = node.get("items")
        if kind in ("list", "tuple") and isinstance(items, list):
            values = [self.decode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(items)]
            return values if kind == "list" else tuple(values)
        if kind == "dict" and isinstance(items, list):
            out = {}
            for pair in items:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise _fail(self.source, f"{where}: a dict entry must be a [key, value] pair")
                key = self.decode(pair[0], f"{where} key", depth + 1)
                if not (key is None or isinstance(key, (str, int, float, bool))):
                    raise _fail(self.source, f"{where}: bad dict key {key!r}")
                out[key] = self.decode(pair[1], f"{where}[{key!r}]", depth + 1)
            return out
        raise _fail(self.source, f"{where}: unknown entry type {kind!r}")

    def _number(self, kind: str, text: Any, where: str) -> int | float:
        if not isinstance(text, str) or len(text) > 4300:
            raise _fail(self.source, f"{where}: bad {kind} {str(text)[:40]!r}")
        try:
            return int(text) if kind == "int" else float.fromhex(text)
        except ValueError:
            raise _fail(self.source, f"{where}: bad {kind} {text[:40]!r}") from None


def _read_index(zf: zipfile.ZipFile, members: dict[str, _Member], source: str) -> dict:
    import json

    member = members[_INDEX]
    if member.dtype != np.uint8 or len(member.shape) != 1 or member.shape[0] > _MAX_INDEX_BYTES:
        raise _fail(source, f"index.npy must be a 1-d uint8 array of JSON text, got shape "
                            f"{member.shape} and dtype {member.dtype}")
    raw = _read_member(zf, member, source)
    try:
        index = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _fail(source, f"the index is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(index, dict) or index.get("format") != _FORMAT:
        raise _fail(source, "the index does not declare the autograd_mini format")
    if index.get("version") != _VERSION:
        raise _fail(source, f"format version {index.get('version')!r} is not supported (this "
                            f"autograd_mini reads version {_VERSION})")
    return index


def _load_stream(stream: BinaryIO, source: str) -> Any:
    """Check and load the archive in `stream` (seekable, at its start); one pass of zip reads."""
    import zipfile

    head = stream.read(4)
    if not head.startswith(b"PK"):
        hint = " (it looks like a pickle)" if head[:1] == b"\x80" else ""
        raise _fail(source, f"not a zip archive{hint}; am.save writes an .npz (zip) archive and "
                            "load never reads pickles")
    file_size = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as zf:
            members = _check_archive(zf, file_size, source)
            index = _read_index(zf, members, source)
            decoder = _Decoder(zf, members, source)
            obj = decoder.decode(index.get("root"), "the saved object")
    except SerializationError:
        raise
    except zipfile.BadZipFile as exc:
        raise _fail(source, f"not a readable zip archive ({exc}); truncated or not an .npz "
                            "file?") from None
    except (KeyError, *_unreadable()) as exc:
        raise _fail(source, f"the archive is truncated or unreadable ({type(exc).__name__}: "
                            f"{exc})") from None
    if decoder.unused:
        raise _fail(source, f"members {sorted(decoder.unused)} are not referenced by the index")
    return obj


def load(f: str | os.PathLike[str] | BinaryIO, *, weights_only: bool = True) -> Any:
    """Load an object saved by `save`. Nothing in the file is executed or unpickled.

    The file is opened once; its zip directory and every array header are checked against the
    file's size before any array is allocated or read. Only the layout `save` writes is accepted
    (stored, uncompressed .npy members whose sizes match their headers), so a small file cannot
    make `load` allocate or decompress much more than its own size. Arrays saved in non-native
    byte order are returned in native order.

    A path ending in `.safetensors` is read in the safetensors format (the optional
    `safetensors` package): its header is checked against the file's size first (known dtypes,
    shapes matching their byte ranges, ranges tiling the data), and a dict of str to Tensors
    comes back, in the file's order. bfloat16 tensors are refused: NumPy has no such dtype.

    Args:
        f: a path or a binary file object.
        weights_only: accepted for compatibility with `torch.load`; loading is always
            weights-only (no pickle), and False is refused.

    Returns:
        The saved object, with Tensors, ndarrays and numbers as they were saved.

    Raises:
        SerializationError: the file is truncated, malformed, or not an autograd_mini archive
            (including pickled data, object arrays, compressed or unexpected members).
        FileNotFoundError: the path does not exist.

    Examples:
        >>> import io
        >>> import autograd_mini as am
        >>> buffer = io.BytesIO()
        >>> am.save({"w": am.tensor([1.0, 2.0]), "epoch": 3}, buffer)
        >>> _ = buffer.seek(0)
        >>> am.load(buffer)
        {'w': tensor([1., 2.]), 'epoch': 3}
    """
    if weights_only is not True:
        raise ValueError("load: weights_only=False is not supported; autograd_mini files never "
                         "hold pickled objects")
    if hasattr(f, "read"):
        data = f.read()
        if not isinstance(data, bytes):
            raise TypeError(f"load: expected a binary file object, got {type(data).__name__} data")
        return _load_stream(io.BytesIO(data), "the file object")
    try:
        path = os.fspath(f)
    except TypeError:
        raise TypeError(f"load: expected a path or a binary file object, got "
                        f"{type(f).__name__}") from None
    if _is_safetensors(path):
        return _load_safetensors(path)
    with open(path, "rb") as handle:
        return _load_stream(handle, repr(path))


def _is_safetensors(f: Any) -> bool:
    """Whether `f` is a path whose extension asks for the safetensors format."""
    if hasattr(f, "write") or hasattr(f, "read"):
        return False
    try:
        path = os.fspath(f)
    except TypeError:
        return False
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return path.lower().endswith(".safetensors")



# ---- the safetensors format (a path ending in .safetensors) ----------------------------------
# The layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header size N,
# N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}},
# then the tensors' bytes. The header is checked here, against the file's size, before anything
# is allocated; the `safetensors` package's NumPy API (an optional extra) then reads the data.
_ST_MAX_HEADER = 100 * 2**20  # the safetensors library's own limit
_ST_DTYPES = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "I32": "<i4",
              "U32": "<u4", "I64": "<i8", "U64": "<u8", "F16": "<f2", "F32": "<f4", "F64": "<f8"}


def _safetensors_numpy() -> Any:
    """`safetensors.numpy`, or an ImportError naming the optional extra."""
    try:
        import safetensors.numpy as st_numpy
    except ImportError:
        raise ImportError("the .safetensors format needs the optional `safetensors` package: "
                          "pip install 'autograd_mini[safetensors]' (or pip install "
                          "safetensors), or save to a .npz path") from None
    return st_numpy


def _state_arrays(obj: Any) -> dict[str, np.ndarray]:
    """A flat {str: Tensor or ndarray} state dict as C-contiguous arrays, or a TypeError."""
    if not isinstance(obj, dict):
        raise TypeError(f"save: a .safetensors file holds a state dict (a flat dict of str to "
                        f"tensors), got {type(obj).__name__}; save other objects to a .npz path")
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save: a .safetensors state dict needs str keys, got the "
                            f"{type(key).__name__} key {key!r}")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: a .safetensors file holds only tensors, but {key!r} is a "
                            f"{type(value).__name__} (nested dicts, numbers and strings need "
                            "a .npz path)")
        array = value.data if isinstance(value, Tensor) else value
        if array.dtype.kind not in "biuf":
            raise TypeError(f"save: {key!r} has dtype {array.dtype}; only bool, integer and "
                            "floating-point tensors can be saved")
        # little-endian and C-ordered (np.ascontiguousarray would make a 0-d array 1-d)
        arrays[key] = array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)
    return arrays


def _save_safetensors(obj: Any, path: str) -> None:
    """`save` to a .safetensors path: a flat state dict, written atomically."""
    arrays = _state_arrays(obj)
    st_numpy = _safetensors_numpy()
    # "pt": the tensors are PyTorch-shaped state dict entries (transformers checks this field)
    data = st_numpy.save(arrays, metadata={"format": "pt"})
    _write_atomic(path, lambda out: out.write(data))


def _st_header(raw: bytes, file_size: int, source: str) -> tuple[int, dict]:
    """The header's size and its tensor entries, every one checked against the file's size."""
    import json

    if file_size < 8:
        raise _fail(source, f"a .safetensors file starts with an 8-byte header size, but the "
                            f"file has {file_size} bytes")
    size = int.from_bytes(raw[:8], "little")
    if size > _ST_MAX_HEADER or 8 + size > file_size:
        raise _fail(source, f"the header declares {size} bytes, more than the file's "
                            f"{file_size - 8} (or the {_ST_MAX_HEADER}-byte limit); truncated?")
    try:
        header = json.loads(raw[8:8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _fail(source, f"the safetensors header is not valid JSON "
                            f"({type(exc).__name__})") from None
    if not isinstance(header, dict):
        raise _fail(source, "the safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _fail(source, "__metadata__ must map strings to strings")
    _st_check_entries(header, file_size - 8 - size, source)
    return size, header


def _st_check_entries(header: dict, data_size: int, source: str) -> None:
    """Known dtypes, shapes whose size matches the byte range, ranges that tile the data."""
    spans = []
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise _fail(source, f"tensor {name!r}: a malformed header entry")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype == "BF16":
            raise _fail(source, f"tensor {name!r} is bfloat16, which autograd_mini (NumPy) has "
                                "no dtype for; convert it first (in PyTorch: .float())")
        if dtype not in _ST_DTYPES:
            raise _fail(source, f"tensor {name!r} has dtype {dtype!r}; autograd_mini reads "
                                f"{sorted(_ST_DTYPES)}")
        if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)
                and len(shape) <= 64):
            raise _fail(source, f"tensor {name!r} has a bad shape {str(shape)[:80]}")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(type(o) is int for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= data_size):
            raise _fail(source, f"tensor {name!r} has data offsets {str(offsets)[:80]} outside "
                                f"the file's {data_size} data bytes; truncated?")
        expected = math.prod(shape) * np.dtype(_ST_DTYPES[dtype]).itemsize
        if offsets[1] - offsets[0] != expected:
            raise _fail(source, f"tensor {name!r} declares shape {tuple(shape)} and dtype "
                                f"{dtype} ({expected} bytes) but spans "
                                f"{offsets[1] - offsets[0]} bytes")
        spans.append((offsets[0], offsets[1], name))
    end = 0
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise _fail(source, f"tensor {name!r} starts at byte {begin}, expected {end} "
                                "(overlapping tensors or a gap)")
        end = stop
    if end != data_size:
        raise _fail(source, f"the tensors span {end} bytes but the file holds {data_size} "
                            "data bytes")


def _load_safetensors(path: str) -> dict[str, Tensor]:
    """`load` of a .safetensors path: {name: Tensor} in the file's order."""
    source = repr(path)
    st_numpy = _safetensors_numpy()
    with open(path, "rb") as handle:
        file_size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        head = handle.read(min(file_size, 8 + _ST_MAX_HEADER))
        _, header = _st_header(head, file_size, source)
        handle.seek(0)
        raw = handle.read()  # (the sizes above were checked against this file's size)
    if len(raw) != file_size:
        raise _fail(source, "the file changed while it was read")
    try:
        arrays = st_numpy.load(raw)
    except Exception as exc:  # SafetensorError and what NumPy raises for a bad buffer
        raise _fail(source, f"the safetensors library refused it ({exc})") from None
    out = {}
    for name in sorted(header, key=lambda n: header[n]["data_offsets"][0]):
        array = arrays.get(name)
        entry = header[name]
        if array is None or list(array.shape) != entry["shape"]:
            raise _fail(source, f"tensor {name!r} changed while it was read")
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        out[name] = Tensor(array)
    return out
