"""The words and colours of a drawing: op names with their arguments, tensor summaries, gradient
colours (normal, vanishing, exploding), and escaping for Graphviz's HTML-like labels.

Every word the drawing adds is plain ASCII ("|grad|", "->", "..."), so labels render in any font
at any dpi; only names and values the user chose can bring other characters."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ..ops import format_index

# Primitive class names whose snake_case spelling is not the public op's name.
_OP_NAMES = {
    "MatMul": "matmul", "LogSumExp": "logsumexp", "GetItem": "getitem", "IndexPut": "setitem",
    "PowConst": "pow", "Concat": "cat", "Log1p": "log1p", "ScatterAdd": "scatter_add",
}
_MAX_LABEL = 48  # characters of an op's arguments before they are cut with an ellipsis
FEW = 4  # tensors with at most this many elements show their values, not a summary


_NAMES: dict[type, str] = {}  # Function -> op name (computed once per Function)


def op_name(node: Any) -> str:
    """`SumBackward` -> `sum`; a user's own Function keeps its class name (`Cube`)."""
    name = _NAMES.get(node.fn)
    if name is None:
        name = _NAMES[node.fn] = _op_name(node)
    return name


def _op_name(node: Any) -> str:
    base = node.fn.__name__
    if not node.fn.array_forward:
        return base  # a custom autograd.Function: the name its author chose
    return _OP_NAMES.get(base) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def op_label(node: Any) -> str:
    """The op with its non-tensor arguments as a user would write them: `sum(axis=1)`."""
    name = op_name(node)
    params = dict(getattr(node, "params", None) or {})
    if "index" in params:  # getitem[:, 0], setitem[mask]
        name += format_index(params.pop("index"))
        params.pop("shape", None)  # scatter_add's target shape is the input's shape
    args = []
    if name == "pow" and "exponent" in params:
        args.append(format_value(params.pop("exponent")))
    for key in ("shape", "axes"):  # reshape(4, 3), permute(1, 0): written as positional
        if key in params and isinstance(params[key], tuple):
            args.extend(format_value(v) for v in params.pop(key))
    if name == "cast" and "dtype" in params:
        args.append(format_value(params.pop("dtype")))
    defaults = _defaults(getattr(node, "fn", None))
    for key, value in params.items():
        if value is None or (key in defaults and _same(value, defaults[key])):
            continue  # defaults say nothing
        if key == "axis" and isinstance(value, tuple) and len(value) == 1:
            value = value[0]
        args.append(f"{key}={format_value(value)}")
    text = ", ".join(args)
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 3] + "..."
    return f"{name}({text})" if args else name


_DEFAULTS: dict[Any, dict[str, Any]] = {}


def _defaults(fn: Any) -> dict[str, Any]:
    """The keyword defaults of an op's forward (cached per Function class)."""
    found = _DEFAULTS.get(fn)
    if found is None:
        import inspect

        try:
            sig = inspect.signature(fn.forward)
        except (AttributeError, TypeError, ValueError):
            found = {}
        else:
            found = {k: p.default for k, p in sig.parameters.items() if p.default is not p.empty}
        _DEFAULTS[fn] = found
    return found


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return False
    numbers = (int, float, np.integer, np.floating)
    if isinstance(value, numbers) and isinstance(default, numbers):  # 0 and 0.0 alike
        return isinstance(value, bool) == isinstance(default, bool) and value == default
    try:
        return bool(type(value) is type(default) and value == default)
    except Exception:  # an argument with an unusual __eq__: show it
        return False


def format_value(v: Any) -> str:
    """A short, deterministic text for an op argument or a tensor element."""
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        return f"{float(v):.4g}"
    if isinstance(v, complex | np.complexfloating):
        return f"{complex(v):.4g}"
    if isinstance(v, tuple):
        inner = ", ".join(format_value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    if isinstance(v, np.ndarray):
        return format_array(v) if v.size <= FEW else f"array{format_shape(v.shape)}"
    if isinstance(v, np.dtype) or (isinstance(v, type) and issubclass(v, np.generic)):
        return np.dtype(v).name
    if isinstance(v, slice):
        return format_index(v)[1:-1]
    if isinstance(v, str):
        v = repr(v)
    text = str(v)
    return text if len(text) <= 30 else text[:27] + "..."


def format_array(a: np.ndarray) -> str:
    """Values of a small array, nested like NumPy prints them."""
    return format_value(a.item()) if a.ndim == 0 else format_value(a.tolist())


def format_shape(shape: tuple | None) -> str:
    if shape is None:
        return "?"
    if len(shape) == 0:
        return "scalar"
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def format_bytes(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def grad_norm(arrays: list[np.ndarray]) -> float | None:
    """The Euclidean norm of one or more gradient arrays together (None when there are none)."""
    if not arrays:
        return None
    total = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        if not np.isfinite(a).all():
            return math.nan
        total += float(np.vdot(a, a).real)
    return math.sqrt(total)


def grad_summary(g: np.ndarray, with_shape: bool) -> list[str]:
    """Lines describing a gradient: its values when small, else norm, min and max."""
    if g.size <= FEW:
        return [f"grad {format_array(g)}"]
    shape = f" of {format_shape(g.shape)}" if with_shape else ""
    gf = np.asarray(g, dtype=np.float64)
    return [f"|grad|{shape} {format_value(grad_norm([g]))}",
            f"min {format_value(gf.min())}  max {format_value(gf.max())}"]


# Gradient norm -> fill colour, in three bands. Most norms are unremarkable, and are drawn in one
# quiet colour; only the two failures of training stand out.
# - Vanishing, below 1e-6: an SGD step with lr 0.01 then moves the tensor by < 1e-8 in norm,
#   under float32's resolution (about 6e-8 at 1.0, 7e-9 at 0.1) for every element of typical
#   weights, so the weights stop changing.
# - Exploding, above 1e3: one SGD step with lr 1e-3 then moves the tensor by > 1 in norm, the
#   size of a whole layer's weights; gradient clipping's usual max_norm is 1 to 10.
# Everything between is normal, whatever its size; exact zeros and NaN/inf have their own colour.
VANISHING = 1e-6
EXPLODING = 1e3
NORMAL_COLOUR = ("#d3f9d8", "#000000", "normal")
VANISHING_COLOUR = ("#4575b4", "#ffffff", "vanishing")
EXPLODING_COLOUR = ("#c92a2a", "#ffffff", "exploding")  # darker than the highlight's red border
ZERO_COLOUR = ("#dee2e6", "#000000", "0")
NONFINITE_COLOUR = ("#000000", "#ffffff", "NaN, inf")
# (fill, text colour, legend text), as the legend shows them, left to right
def _decade(x: float) -> str:
    return f"1e{round(math.log10(x))}"


LEGEND = (
    ZERO_COLOUR,
    (*VANISHING_COLOUR[:2], f"vanishing < {_decade(VANISHING)}"),
    (*NORMAL_COLOUR[:2], f"normal {_decade(VANISHING)} to {_decade(EXPLODING)}"),
    (*EXPLODING_COLOUR[:2], f"exploding > {_decade(EXPLODING)}"),
    NONFINITE_COLOUR,
)


def grad_colour(norm: float) -> tuple[str, str]:
    """(fill, font colour) for a gradient of this norm: see VANISHING and EXPLODING."""
    if math.isnan(norm) or math.isinf(norm):
        return NONFINITE_COLOUR[:2]
    if norm == 0.0:
        return ZERO_COLOUR[:2]
    if norm < VANISHING:
        return VANISHING_COLOUR[:2]
    if norm > EXPLODING:
        return EXPLODING_COLOUR[:2]
    return NORMAL_COLOUR[:2]


# ---- escaping ---------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def esc(text: str) -> str:
    """Text made safe inside an HTML-like label: markup characters become entities, control
    characters become visible escapes (they are not allowed in XML), line breaks stay breaks."""
    text = str(text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text.translate(_HTML_ESCAPES)


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "'": "&#39;", "\n": "<br/>", "\t": " ",
                               # Graphviz expands \N, \G, \l ... even in HTML-like labels
                               # (after decoding entities): only a doubled backslash is one
                               "\\": "\\\\"})


def quote(text: str) -> str:
    """A double-quoted DOT string (for tooltips): backslashes and quotes escaped."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'
