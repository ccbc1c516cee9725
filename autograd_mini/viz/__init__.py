"""Drawing computation graphs: `draw` (a graphviz.Digraph), `to_dot` (DOT text) and `render` (a file).

    loss = model(x).log_softmax(dim=1).mean()
    loss.backward(retain_grads=True)
    am.viz.draw(loss, params=model, show_grads=True)         # displays inline in Jupyter
    am.viz.render(loss, "graph.svg", params=model)           # or .png (dpi=), .pdf, .dot

One box per op, labelled as the op was called (`sum(axis=1)`, `getitem[:, 0]`); one per leaf
tensor: parameters (blue border), inputs (yellow), constants (dashed, named by the code that made
them: "dropout mask"). The op that made an output is drawn once, as the output: a green double
border, with the output's name and value. The graph reads top to bottom (rankdir="TB"): inputs at
the top, the loss at the bottom, the main line of ops one straight column, each op's parameters
beside it. Labels are plain ASCII ("|grad|", "->"), legible at any dpi.

The walk is iterative and the DOT text deterministic: node ids follow creation order, so the same
program draws byte-identical text. Only `draw` needs the `graphviz` Python package, and only
rendering to an image needs Graphviz's `dot` program.
"""

from __future__ import annotations

import gc
import math
import os
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..autograd.node import Node
from ..tensor import Tensor
from . import _dot, _walk

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw", "to_dot", "render", "Rendered", "GraphvizNotFoundError"]

_RANKDIRS = ("TB", "BT", "LR", "RL")
_FORMATS = ("svg", "png", "pdf", "dot")
LARGE = 2000  # drawings with more nodes than this take Graphviz a long time to lay out

_INSTALL_HINT = ("Install Graphviz: 'sudo apt install graphviz' (Debian/Ubuntu), "
                 "'brew install graphviz' (macOS) or 'conda install -c conda-forge graphviz'. ")


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` program, and it is not installed.

    What `draw(...)`'s `.render()`, `.pipe()` and `.view()` raise (also a
    `graphviz.ExecutableNotFound`, so code written for graphviz still catches it), and what
    `render` raises for an image format.
    """


def _missing_dot(action: str) -> str:
    """The message for a missing `dot`: what failed, how to install Graphviz, what works without."""
    return (f"{action} needs Graphviz's 'dot' program, which is not on the PATH. {_INSTALL_HINT}"
            "Without it, am.viz.to_dot() (or the drawing's .source, or a path ending in .dot) "
            "gives the DOT text, which any Graphviz viewer can show.")


def to_dot(outputs: Tensor | Iterable[Tensor], params: Any = None, show_shapes: bool = True,
           show_grads: bool = False, show_saved: bool = False, collapse: str | None = None,
           depth: int | None = None, max_nodes: int | None = None, rankdir: str = "TB",
           highlight: Any = None) -> str:
    """The graph behind `outputs` as DOT text. Needs neither the graphviz package nor `dot`.

    Args: as `draw`.

    Returns:
        The DOT source, identical to `draw(...).source`.
    """
    statements, _ = _statements(outputs, params, show_shapes, show_grads, show_saved, collapse,
                                depth, max_nodes, rankdir, highlight)
    return _dot.source(statements)


def draw(outputs: Tensor | Iterable[Tensor], params: Any = None, show_shapes: bool = True,
         show_grads: bool = False, show_saved: bool = False, collapse: str | None = None,
         depth: int | None = None, max_nodes: int | None = None, rankdir: str = "TB",
         highlight: Any = None) -> graphviz.Digraph:
    """Draw the computation graph that produced `outputs`.

    Args:
        outputs: a Tensor or a list of Tensors (the graph is walked back from their `grad_fn`).
        params: a Module (its `named_parameters()` name the leaves) or a dict of name -> Tensor.
            Tensors found there are drawn with their name; others by `Tensor.name`, or unnamed.
            Leaves that require grad and are found there are drawn as parameters, others as inputs.
        show_shapes: label tensors with shape and dtype, and ops with their output shape.
        show_grads: show gradients after a backward pass: values for a few elements, otherwise
            norm, min and max; every node is coloured by its gradient's norm: "normal" from 1e-6
            to 1e3, "vanishing" below, "exploding" above, and 0 and NaN/inf apart (the legend
            says so). Interior gradients need `backward(retain_grads=True)` or a backward pass
            inside `am.autograd.retain_grads()`.
        show_saved: list the arrays each op saved for backward (shape and bytes), with the total.
        collapse: None, or "module" to draw each module `depth` levels below the outermost
            (default 1: the model's children) as one box with its input and output shapes.
        depth: with collapse="module", which level of modules becomes boxes; otherwise how many
            levels of module clusters to draw (default: all).
        max_nodes: draw at most this many nodes (ops, leaves, constants), those nearest the
            outputs; the rest is summarised by one "... N more nodes" node.
        rankdir: layout direction: "TB" (the default: inputs at the top, outputs at the
            bottom), "BT" (the reverse), "LR" or "RL".
        highlight: what to mark in red: a Tensor, a graph node (`t.grad_fn`), a name, a
            predicate called with each Node or Tensor, or a list of these.

    Returns:
        A `graphviz.Digraph` (a subclass): it displays inline in Jupyter, `.source` is the DOT
        text and `.render()` writes a file. Showing or rendering it needs the `dot` program:
        without it the notebook shows how to install Graphviz instead of the picture, and
        `.render()`/`.pipe()` raise `GraphvizNotFoundError` with the same hint.

    Raises:
        ImportError: the graphviz Python package is missing (`to_dot` works without it).
    """
    try:
        drawing = _drawing_class()
    except ImportError:
        raise ImportError("am.viz.draw needs the graphviz Python package: pip install graphviz "
                          "(or pip install 'autograd_mini[viz]'). am.viz.to_dot() returns the "
                          "same graph as DOT text without it.") from None
    statements, count = _statements(outputs, params, show_shapes, show_grads, show_saved,
                                    collapse, depth, max_nodes, rankdir, highlight)
    _warn_if_large(count)
    return drawing(name=_dot.GRAPH_NAME, body=statements)


def render(outputs: Tensor | Iterable[Tensor], path: str | os.PathLike, *, dpi: float | None = None,
           **options: Any) -> Rendered:
    """Draw the graph of `outputs` into a file; the format comes from the extension.

    Args:
        outputs: as `draw`.
        path: where to write: `.svg`, `.png`, `.pdf`, or `.dot` (the text, no Graphviz needed).
        dpi: resolution of a PNG (Graphviz's default is 96).
        **options: any option of `draw` (params, show_grads, collapse, max_nodes, ...).

    Returns:
        A `Rendered` (a path-like object) that displays the picture inline in Jupyter.

    Raises:
        GraphvizNotFoundError: an image format was asked for and `dot` is not installed.
        ValueError: an unknown extension, or dpi for a format other than PNG.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ValueError(f"render: cannot tell the format from {str(path)!r}; use one of the "
                         f"extensions {', '.join('.' + f for f in _FORMATS)}")
    if dpi is not None and not _valid_dpi(dpi, fmt):
        raise ValueError(f"render: dpi={dpi!r} applies to PNG files only and must be a finite "
                         f"number in (0, {_MAX_DPI}] (the path is {str(path)!r})")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"render: the folder {str(path.parent)!r} does not exist")
    unknown = set(options) - set(_OPTION_NAMES)
    if unknown:
        raise TypeError(f"render: unknown option(s) {', '.join(sorted(unknown))}; the options "
                        f"are {', '.join(_OPTION_NAMES)} and dpi")
    exe = None if fmt == "dot" else _find_dot(fmt)
    statements, count = _statements(outputs, **{**_DEFAULTS, **options})
    text = _dot.source(statements)
    if exe is None:
        path.write_text(text, encoding="utf-8")
        return Rendered(path, fmt)
    _warn_if_large(count)
    _run_dot(exe, text, fmt, path, dpi)
    return Rendered(path, fmt)


# Beyond this a graph of a few hundred nodes is a PNG of gigapixels (Graphviz caps the bitmap
# silently and writes a cropped picture).
_MAX_DPI = 1200


def _valid_dpi(dpi: Any, fmt: str) -> bool:
    if fmt != "png" or isinstance(dpi, bool) or not isinstance(dpi, int | float):
        return False
    return math.isfinite(dpi) and 0 < dpi <= _MAX_DPI


class Rendered(os.PathLike):
    """The file `render` wrote: usable as a path, and shown inline by Jupyter (SVG and PNG).

    Args:
        path: the file written.
        fmt: its format ('svg', 'png', 'pdf', ...).
    """

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"Rendered({str(self.path)!r})"

    def _repr_svg_(self) -> str | None:
        return self.path.read_text(encoding="utf-8") if self.format == "svg" else None

    def _repr_png_(self) -> bytes | None:
        return self.path.read_bytes() if self.format == "png" else None


# ---- what draw returns ---------------------------------------------------------------------------
_DRAWING: list[type] = []  # the class, made on first use (graphviz is an optional dependency)


def _drawing_class() -> type:
    """graphviz.Digraph, answering a missing `dot` with the install hint instead of a traceback.

    Jupyter shows a Digraph through `_repr_mimebundle_`, which pipes the source through `dot`;
    when `dot` is missing graphviz raises ExecutableNotFound there, and the notebook prints that
    traceback. The subclass shows the hint as text and HTML instead, and its `pipe`, `render`
    and `view` raise an error that carries it.
    """
    if _DRAWING:
        return _DRAWING[0]
    import html

    import graphviz

    class DotNotFound(GraphvizNotFoundError, graphviz.ExecutableNotFound):
        def __init__(self, message: str) -> None:
            RuntimeError.__init__(self, message)  # (not ExecutableNotFound's formatting)

    class Drawing(graphviz.Digraph):
        """A graphviz.Digraph made by am.viz.draw (see `draw`)."""

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                              **kwargs: Any) -> dict[str, Any]:
            try:
                return super()._repr_mimebundle_(include, exclude, **kwargs)
            except graphviz.ExecutableNotFound:
                hint = _missing_dot("Showing this graph")
                return {"text/plain": hint,
                        "text/html": f'<pre style="white-space: pre-wrap">{html.escape(hint)}</pre>'}

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as error:
                if isinstance(error, GraphvizNotFoundError):
                    raise
                raise DotNotFound(_missing_dot("Drawing.pipe()")) from None

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as error:
                if isinstance(error, GraphvizNotFoundError):
                    raise
                raise DotNotFound(_missing_dot("Drawing.render()")) from None

    for cls in (Drawing, DotNotFound):  # printed as am.viz's own classes
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    _DRAWING.append(Drawing)
    return Drawing


# ---- internals ----------------------------------------------------------------------------------
_DEFAULTS: dict[str, Any] = dict(params=None, show_shapes=True, show_grads=False, show_saved=False,
                                 collapse=None, depth=None, max_nodes=None, rankdir="TB",
                                 highlight=None)
_OPTION_NAMES = tuple(_DEFAULTS)


def _statements(outputs: Any, params: Any, show_shapes: bool, show_grads: bool,
                show_saved: bool, collapse: str | None, depth: int | None,
                max_nodes: int | None, rankdir: str, highlight: Any) -> tuple[list[str], int]:
    """The DOT statements, and how many nodes they draw."""
    outs = _check_outputs(outputs)
    _check_options(collapse, depth, max_nodes, rankdir)
    opts = _dot.Options(show_shapes=bool(show_shapes), show_grads=bool(show_grads),
                        show_saved=bool(show_saved), rankdir=rankdir,
                        highlight=_highlighter(highlight), module_classes=_module_classes(params))
    # The walk allocates a little per node of a graph that may hold 100,000 nodes: each cyclic
    # collection would traverse all of them, halving the speed. It makes no cycles; pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        graph = _walk.build(outs, params, max_nodes)
        if collapse == "module":
            _walk.collapse_modules(graph, 1 if depth is None else depth)
            _walk.assign_clusters(graph, None)
        else:
            _walk.assign_clusters(graph, depth)
        return _dot.emit(graph, opts), len(graph.vertices)
    finally:
        if collecting:
            gc.enable()


def _check_outputs(outputs: Any) -> list[Tensor]:
    if isinstance(outputs, Tensor):
        return [outputs]
    if isinstance(outputs, str | bytes) or not isinstance(outputs, Iterable):
        raise TypeError(f"draw: outputs must be a Tensor or a list of Tensors, got "
                        f"{type(outputs).__name__}")
    outs = list(outputs)
    if not outs:
        raise ValueError("draw: outputs is empty; pass the Tensor(s) whose graph to draw")
    unique: list[Tensor] = []
    for k, t in enumerate(outs):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw: outputs[{k}] is a {type(t).__name__}, not a Tensor")
        if not any(t is u for u in unique):
            unique.append(t)
    return unique


def _check_options(collapse: Any, depth: Any, max_nodes: Any, rankdir: Any) -> None:
    if collapse not in (None, "module"):
        raise ValueError(f"draw: collapse must be None or 'module', got {collapse!r}")
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 0):
        raise ValueError(f"draw: depth must be a non-negative int or None, got {depth!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or isinstance(max_nodes, bool)
                                  or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive int or None, got {max_nodes!r}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")


def _highlighter(highlight: Any) -> Callable[[_walk.Vertex], bool] | None:
    """A predicate on vertices from what the user named: tensors, nodes, names, predicates."""
    if highlight is None:
        return None
    items = (list(highlight) if isinstance(highlight, list | tuple | set | frozenset)
             else [highlight])
    ids: set[int] = set()
    names: set[str] = set()
    tests: list[Callable] = []
    for item in items:
        if isinstance(item, Tensor):
            ids.add(id(item))
            if item.grad_fn is not None:
                ids.add(id(item.grad_fn))
        elif isinstance(item, Node):
            ids.add(id(item))
        elif isinstance(item, str):
            names.add(item)
        elif callable(item):
            tests.append(item)
        else:
            raise TypeError(f"draw: highlight takes Tensors, graph nodes, names or predicates, "
                            f"got {type(item).__name__}")

    def matches(v: _walk.Vertex) -> bool:
        if v.kind == _walk.MODULE:
            return v.scope in names or v.name in names or any(matches(m) for m in v.members)
        obj = v.obj
        if v.kind == _walk.CONST or obj is None:
            return False
        if id(obj) in ids or (v.name is not None and v.name in names):
            return True
        return any(bool(test(obj)) for test in tests)

    return matches


def _module_classes(params: Any) -> dict[str, str]:
    """Module path (as Module.__call__ records it) -> class name, when params is a Module."""
    named = getattr(params, "named_modules", None)
    if not callable(named) or not hasattr(params, "named_parameters"):
        return {}
    root = type(params).__name__
    try:
        return {(root + "." + name if name else root): type(m).__name__ for name, m in named()}
    except Exception:  # a user's Module with an unusual named_modules: titles are optional
        return {}


def _warn_if_large(nodes: int) -> None:
    if nodes > LARGE:
        warnings.warn(f"drawing {nodes:,} nodes: Graphviz may take minutes to lay this out. "
                      "Pass max_nodes= (e.g. 200) or collapse='module'.", stacklevel=3)


def _find_dot(fmt: str) -> str:
    import shutil

    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(_missing_dot(f"render: writing a .{fmt} file"))
    return exe


def _run_dot(exe: str, text: str, fmt: str, path: Path, dpi: float | None) -> None:
    import subprocess

    cmd = [exe, f"-T{fmt}", "-o", str(path)]
    if dpi is not None:
        cmd.insert(1, f"-Gdpi={dpi:g}")
    done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"render: Graphviz 'dot' failed (exit {done.returncode}) writing "
                           f"{str(path)!r}: {message}")
    if not path.is_file() or path.stat().st_size == 0:
        raise RuntimeError(f"render: Graphviz 'dot' wrote nothing to {str(path)!r} (exit 0): "
                           f"{done.stderr.decode('utf-8', 'replace').strip() or 'no message'}")
