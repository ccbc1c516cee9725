"""`am.save` / `am.load`: state dicts as a NumPy .npz archive with a JSON index, never pickle.

The archive holds one member per array (`a0.npy`, `a1.npy`, ...) and `index.npy`, a uint8 array
of UTF-8 JSON that describes the saved object: nested dicts (str, int, float, bool or None keys),
lists and tuples of Tensors, ndarrays, NumPy scalars, Python numbers, strings, bools and None.

Loading never unpickles and never runs code from the file: the zip directory, the JSON index and
every array header are checked first (member names, referenced once each, numeric dtypes only,
sizes that match the bytes present), then the arrays are read with
`np.load(..., allow_pickle=False)`. A truncated, malformed or hostile file raises
`SerializationError` (a ValueError) that says what is wrong.
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


def save(obj: Any, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save a state dict (nested dicts/lists of Tensors, arrays, numbers and strings).

    Args:
        obj: e.g. `{"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": 3}`.
        f: a path (written to a temporary file, then renamed over the target, so a failed save
            never leaves half a file; no extension is added) or a binary file object.

    Raises:
        TypeError: obj holds something that cannot be saved without pickling.
    """
    import json
    import tempfile

    encoder = _Encoder()
    root = encoder.encode(obj, "the object")
    index = json.dumps({"format": _FORMAT, "version": _VERSION, "root": root},
                       separators=(",", ":")).encode("utf-8")
    members = {_INDEX: np.frombuffer(index, dtype=np.uint8), **encoder.arrays}
    if hasattr(f, "write"):
        np.savez(f, **members)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".am-save-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **members)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ---- loading --------------------------------------------------------------------------------
def _fail(source: str, message: str) -> SerializationError:
    return SerializationError(f"load: {source} is not a valid autograd_mini file: {message}")


def _read_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> None:
    """Check one .npy member's header: a numeric dtype, and a size the stored bytes can hold."""
    with zf.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except ValueError as exc:
            raise _fail(source, f"member {info.filename!r} has a bad array header ({exc})") \
                from None
        header_size = member.tell()
    if dtype.hasobject or dtype.kind not in "biuf":
        raise _fail(source, f"member {info.filename!r} has dtype {dtype}; only numeric arrays are "
                            "allowed (object arrays would need pickle)")
    expected = math.prod(shape) * dtype.itemsize
    if info.file_size - header_size != expected:
        raise _fail(source, f"member {info.filename!r} declares shape {shape} and dtype {dtype} "
                            f"({expected} bytes) but holds {info.file_size - header_size} bytes")


def _check_archive(raw: Any, source: str) -> set[str]:
    """The member names (without .npy), after checking the zip directory and array headers."""
    import zipfile

    try:
        with zipfile.ZipFile(raw) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise _fail(source, "the archive has duplicate member names")
            stems = set()
            for info in infos:
                stem = info.filename[:-4] if info.filename.endswith(".npy") else None
                if stem is None or not (stem == _INDEX or _ARRAY_NAME.fullmatch(stem)):
                    raise _fail(source, f"unexpected member {info.filename!r} (expected "
                                        "index.npy and a<N>.npy)")
                _read_header(zf, info, source)
                stems.add(stem)
            bad = zf.testzip()
            if bad is not None:
                raise _fail(source, f"member {bad!r} is corrupt (CRC mismatch)")
    except SerializationError:
        raise
    except zipfile.BadZipFile as exc:
        raise _fail(source, f"not a readable zip archive ({exc}); truncated or not an .npz "
                            "file?") from None
    except _unreadable() as exc:
        raise _fail(source, f"the archive is truncated or unreadable ({type(exc).__name__}: "
                            f"{exc})") from None
    if _INDEX not in stems:
        raise _fail(source, "the archive has no index.npy")
    return stems


class _Decoder:
    def __init__(self, archive: Any, members: set[str], source: str) -> None:
        self.archive = archive
        self.unused = set(members) - {_INDEX}
        self.source = source

    def _array(self, node: dict, where: str) -> np.ndarray:
        name = node.get("member")
        if not isinstance(name, str) or name not in self.unused:
            raise _fail(self.source, f"{where} refers to member {name!r}, which is missing or "
                                     "used twice")
        self.unused.discard(name)
        import zipfile

        try:
            return self.archive[name]
        except (zipfile.BadZipFile, *_unreadable()) as exc:
            raise _fail(self.source, f"cannot read member {name!r} ({exc})") from None

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


def _read_index(archive: Any, source: str) -> dict:
    import json

    raw = archive[_INDEX]
    if raw.dtype != np.uint8 or raw.ndim != 1 or raw.size > _MAX_INDEX_BYTES:
        raise _fail(source, f"index.npy must be a 1-d uint8 array of JSON text, got shape "
                            f"{raw.shape} and dtype {raw.dtype}")
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


def load(f: str | os.PathLike[str] | BinaryIO) -> Any:
    """Load an object saved by `save`. Nothing in the file is executed or unpickled.

    Args:
        f: a path or a binary file object.

    Returns:
        The saved object, with Tensors, ndarrays and numbers as they were saved.

    Raises:
        SerializationError: the file is truncated, malformed, or not an autograd_mini archive
            (including pickled data, object arrays and unexpected members).
        FileNotFoundError: the path does not exist.
    """
    if hasattr(f, "read"):
        source = "the file object"
        data = f.read()
        if not isinstance(data, bytes):
            raise TypeError(f"load: expected a binary file object, got {type(data).__name__} data")
        opened: Any = lambda: io.BytesIO(data)  # noqa: E731
    else:
        try:
            path = os.fspath(f)
        except TypeError:
            raise TypeError(f"load: expected a path or a binary file object, got "
                            f"{type(f).__name__}") from None
        source = repr(path)
        with open(path, "rb") as handle:
            data = handle.read(4)
        opened = lambda: path  # noqa: E731  (zipfile and np.load open the path themselves)
    if not data.startswith(b"PK"):
        hint = " (it looks like a pickle)" if data[:1] == b"\x80" else ""
        raise _fail(source, f"not a zip archive{hint}; am.save writes an .npz (zip) archive and "
                            "load never reads pickles")
    members = _check_archive(opened(), source)
    import zipfile

    try:
        with np.load(opened(), allow_pickle=False) as archive:
            index = _read_index(archive, source)
            decoder = _Decoder(archive, members, source)
            obj = decoder.decode(index.get("root"), "the saved object")
    except SerializationError:
        raise
    except (zipfile.BadZipFile, KeyError, *_unreadable()) as exc:
        raise _fail(source, f"{type(exc).__name__}: {exc}") from None
    if decoder.unused:
        raise _fail(source, f"members {sorted(decoder.unused)} are not referenced by the index")
    return obj
