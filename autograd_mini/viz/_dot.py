"""Writing a walked graph as DOT text: one statement per vertex and edge, labels in Graphviz's
HTML-like syntax (bold op names, grey shape lines), module clusters, legend and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import _labels as L
from ._walk import CONST, INPUT, MODULE, MORE, OP, OUTPUT, PARAM, Graph, Vertex

GRAPH_NAME = "autograd_mini"
FONT = "Helvetica"

# kind -> (node attributes, fill colour, border colour). Shapes and borders keep kinds apart even
# when show_grads fills every node with its gradient's colour.
_STYLE = {
    OP: ('shape=box style="rounded,filled"', "#f1f3f5", "#868e96"),
    PARAM: ('shape=box style="filled"', "#d0ebff", "#1971c2"),
    INPUT: ('shape=box style="filled"', "#fff3bf", "#e67700"),
    CONST: ('shape=box style="filled,dashed" fontsize=9', "#ffffff", "#adb5bd"),
    OUTPUT: ('shape=box style="filled" peripheries=2', "#d3f9d8", "#2b8a3e"),
    MODULE: ('shape=box3d style="filled"', "#ffe8cc", "#d9480f"),
    MORE: ('shape=box style="dashed"', "#ffffff", "#868e96"),
}
_SUBTLE = "#495057"  # secondary label lines
_HIGHLIGHT = "#e03131"
_TITLES = {PARAM: "parameter", INPUT: "input", CONST: "constant", OUTPUT: "output"}


class Options:
    """How to draw: the user's switches, resolved."""

    def __init__(self, show_shapes: bool = True, show_grads: bool = False,
                 show_saved: bool = False, rankdir: str = "TB",
                 highlight: Callable[[Vertex], bool] | None = None,
                 module_classes: dict[str, str] | None = None) -> None:
        self.show_shapes = show_shapes
        self.show_grads = show_grads
        self.show_saved = show_saved
        self.rankdir = rankdir
        self.highlight = highlight
        self.module_classes = module_classes or {}  # module path -> class name, for titles


def emit(graph: Graph, opts: Options) -> list[str]:
    """The DOT statements of the graph (each a line ending in a newline, indented by a tab)."""
    _assign_ids(graph)
    writer = _Writer(graph, opts)
    return writer.statements()


def source(statements: list[str]) -> str:
    """The whole DOT text: the same bytes graphviz.Digraph(name=GRAPH_NAME, body=...) produces."""
    return f"digraph {GRAPH_NAME} {{\n" + "".join(statements) + "}\n"


def _assign_ids(graph: Graph) -> None:
    k = 0
    for v in graph.vertices:
        if v.kind == MORE:
            v.id = "more"
        else:
            v.id = f"n{k}"
            k += 1


class _Writer:
    def __init__(self, graph: Graph, opts: Options) -> None:
        self.graph = graph
        self.opts = opts
        self.found_leaf_grad = False
        self.found_interior_grad = False
        self.found_freed = False
        self.saved: dict[int, int] = {}  # id(array) -> bytes, each saved array counted once
        self.saved_entries = 0  # arrays listed, counting an array saved by two ops twice
        self.layout = _Layout(graph)

    def statements(self) -> list[str]:
        o = self.opts
        lines = [
            # ordering=in: an op's inputs left to right in argument order (weight, then bias)
            f'\tgraph [rankdir={o.rankdir} ordering=in fontname="{FONT}" fontsize=10 '
            f'nodesep=0.25 ranksep=0.35 labelloc=b labeljust=l]\n',
            f'\tnode [fontname="{FONT}" fontsize=11 margin="0.1,0.04" height=0.3 penwidth=1.2]\n',
            f'\tedge [fontname="{FONT}" fontsize=9 fontcolor="{_SUBTLE}" color="#868e96" '
            f'arrowsize=0.6]\n',
        ]
        nodes = {id(v): self._node(v) for v in self.graph.vertices}
        lines += self._clustered(nodes)
        lines += [self._edge(e) for e in self.graph.edges]
        rows = [self._legend()] if o.show_grads else []
        rows += [L.esc(n) for n in self._notes()]
        if rows:  # legend and notes go in the graph's label, under the drawing
            cells = "".join(f'<tr><td align="left">{r}</td></tr>' for r in rows)
            lines.append(f'\tlabel=<<table border="0" cellspacing="4">{cells}</table>> '
                         "fontsize=9\n")
        return lines

    # -- vertices -----------------------------------------------------------------------------
    def _node(self, v: Vertex) -> str:
        attrs, fill, border = _STYLE[v.kind]
        title, lines, norm, tooltip = self._describe(v)
        font = _SUBTLE
        penwidth = ""
        gradable = v.kind in (OP, MODULE) or (v.kind in (PARAM, INPUT, OUTPUT)
                                               and v.obj.requires_grad)
        if self.opts.show_grads and gradable:
            fill, font = ("#ffffff", _SUBTLE) if norm is None else L.grad_colour(norm)
            penwidth = " penwidth=2"
        label = f"<b>{L.esc(title)}</b>"
        if font == "#ffffff":  # on a dark fill every line is white
            label = f'<font color="{font}">{label}</font>'
        for line in lines:
            label += f'<br/><font point-size="9" color="{font}">{L.esc(line)}</font>'
        extra = f" tooltip={L.quote(tooltip)}" if tooltip else ""
        if v.kind != OUTPUT and any(v is o for o in self.graph.outputs):
            extra += " peripheries=2"  # an op, module or leaf that is also an output
            if v.kind in (OP, MODULE):
                border = _STYLE[OUTPUT][2]
        if id(v) in self.layout.trunk:
            extra += " group=trunk"  # Graphviz keeps the edges between them straight
        if self.opts.highlight is not None and self.opts.highlight(v):
            border, penwidth = _HIGHLIGHT, " penwidth=3"
        return (f'\t{v.id} [label=<{label}> {attrs} fillcolor="{fill}" color="{border}"'
                f"{penwidth}{extra}]\n")

    def _describe(self, v: Vertex) -> tuple[str, list[str], float | None, str]:
        """(title, further lines, gradient norm or None, tooltip) for one vertex."""
        if v.kind == OP:
            return self._describe_op(v)
        if v.kind in (PARAM, INPUT, OUTPUT):
            return self._describe_tensor(v)
        if v.kind == CONST:
            return self._describe_constant(v)
        if v.kind == MODULE:
            return self._describe_module(v)
        n = self.graph.hidden
        return f"... {n:,} more node{'s' if n != 1 else ''}", [], None, "cut by max_nodes"

    def _describe_constant(self, v: Vertex) -> tuple[str, list[str], float | None, str]:
        """A number by its value; an array by the name its maker gave it, or "constant"."""
        c = v.obj
        if c.value is not None and v.name is None:
            return L.format_value(c.value), [], None, ""
        lines = [self._shape_dtype(c.shape, c.dtype)] if self.opts.show_shapes else []
        if c.value is not None:
            lines.append("= " + L.format_value(c.value))
        return v.name or "constant", [x for x in lines if x], None, "a constant: no gradient"

    def _shape_dtype(self, shape: tuple | None, dtype: Any) -> str:
        parts = []
        if shape is not None:
            parts.append(L.format_shape(shape))
        if dtype is not None:
            parts.append(np.dtype(dtype).name)
        return " ".join(parts)

    def _describe_tensor(self, v: Vertex) -> tuple[str, list[str], float | None, str]:
        t: Tensor = v.obj
        is_output = v.kind == OUTPUT or any(v is o for o in self.graph.outputs)
        title = v.name or _TITLES[OUTPUT if is_output else v.kind]
        lines = []
        if self.opts.show_shapes:
            lines.append(self._shape_dtype(t.shape, t.dtype))
        if t.data.size <= L.FEW:
            lines.append(("= " if v.name or is_output else "") + L.format_array(t.data))
        norm = None
        if self.opts.show_grads and t.requires_grad:
            g = self._tensor_grad(v)
            if g is None:
                lines.append("grad None")
            else:
                lines.extend(L.grad_summary(g, not self.opts.show_shapes))
                norm = L.grad_norm([g])
        return title, lines, norm, ""

    def _tensor_grad(self, v: Vertex) -> np.ndarray | None:
        t: Tensor = v.obj
        if t._grad is not None:  # (not .grad: a non-leaf's would warn, as PyTorch's)
            if t.grad_fn is None:
                self.found_leaf_grad = True
            return t._grad.data
        node = t.grad_fn
        kept = getattr(node, "retained_grads", None) if node is not None else None
        if kept is not None and kept[t._output_nr] is not None:
            return kept[t._output_nr].data
        return None

    def _describe_op(self, v: Vertex) -> tuple[str, list[str], float | None, str]:
        node = v.obj
        lines = []
        if v.output is not None:  # the op is drawn as the output: its result's value and dtype
            lines.extend(self._output_lines(v))
        elif self.opts.show_shapes:
            lines.append(", ".join(L.format_shape(s) for s in node.out_shapes))
        norm = None
        if self.opts.show_grads:
            kept = getattr(node, "retained_grads", None)
            grads = [g.data for g in kept or () if g is not None]
            if not grads and v.output is not None and v.output._grad is not None:
                grads = [v.output._grad.data]  # out.retain_grad() without retain_grads
            if grads:
                self.found_interior_grad = True
                norm = L.grad_norm(grads)
                if len(grads) == 1:
                    lines.extend(L.grad_summary(grads[0], not self.opts.show_shapes))
                else:
                    lines.append(f"|grad| {L.format_value(norm)}")
        if self.opts.show_saved:
            lines.extend(self._saved_lines(node))
        tooltip = node.name()
        if node.scope:
            tooltip += f" in {node.scope}"
        if node.trace:
            tooltip += f"\ncreated at {node.trace}"
        return L.op_label(node), lines, norm, tooltip

    def _output_lines(self, v: Vertex) -> list[str]:
        """What an op or module drawn as an output says about its result: "output: loss = 2.3"."""
        t: Tensor = v.output  # type: ignore[assignment]
        name = v.name if v.kind == OP else next(
            (m.name for m in v.members if m.output is t), None)  # a module box: its op's name
        head = "output" + (f": {name}" if name else "")
        if t.data.size <= L.FEW:
            head += " = " + L.format_array(t.data)
        return [head, self._shape_dtype(t.shape, t.dtype)] if self.opts.show_shapes else [head]

    def _saved_lines(self, node: Any) -> list[str]:
        arrays = node.saved_arrays
        if not arrays:
            if getattr(node, "_freed", False):
                self.found_freed = True
                return ["saved: freed by backward"]
            return []
        lines = []
        for a in arrays[:3]:
            lines.append(f"saved {self._shape_dtype(a.shape, a.dtype)}, {L.format_bytes(a.nbytes)}")
        if len(arrays) > 3:
            rest = sum(a.nbytes for a in arrays[3:])
            lines.append(f"+ {len(arrays) - 3} more, {L.format_bytes(rest)}")
        for a in arrays:
            self.saved[id(a)] = a.nbytes
        self.saved_entries += len(arrays)
        return lines

    def _describe_module(self, v: Vertex) -> tuple[str, list[str], float | None, str]:
        classes = self.opts.module_classes or {}
        cls = classes.get(v.scope or "")
        name = v.name or ""
        title = name if cls is None or cls == name else f"{name}: {cls}"
        lines = []
        if self.opts.show_shapes:
            ins = ", ".join(L.format_shape(s) for s in v.ins) or "-"
            outs = ", ".join(L.format_shape(node.out_shapes[nr]) for node, nr in v.outs) or "-"
            lines.append(f"{ins} -> {outs}")
        if v.output is not None:
            lines.extend(self._output_lines(v)[:1])
        params = [m.obj for m in v.members if m.kind == PARAM]
        if params:
            count = sum(p.data.size for p in params)
            lines.append(f"{len(params)} parameter{'s' if len(params) > 1 else ''}, {count:,} values")
        ops = [m for m in v.members if m.kind == OP]
        lines.append(f"{len(ops)} op{'s' if len(ops) > 1 else ''}")
        norm = None
        if self.opts.show_grads:
            grads = [p.grad.data for p in params if p.grad is not None]
            if grads:  # what the optimizer sees
                self.found_leaf_grad = True
                norm = L.grad_norm(grads)
                lines.append(f"|param grad| {L.format_value(norm)}")
            else:  # a module without parameters: the gradient of its output
                grads = [node.retained_grads[nr].data for node, nr in v.outs
                         if node.retained_grads is not None and node.retained_grads[nr] is not None]
                if grads:
                    self.found_interior_grad = True
                    norm = L.grad_norm(grads)
                    lines.append(f"|grad| {L.format_value(norm)}")
        if self.opts.show_saved:
            arrays = [a for m in ops for a in m.obj.saved_arrays]
            for a in arrays:
                self.saved[id(a)] = a.nbytes
            self.saved_entries += len(arrays)
            if arrays:
                lines.append(f"saved {len(arrays)} array{'s' if len(arrays) > 1 else ''}, "
                             f"{L.format_bytes(sum(a.nbytes for a in arrays))}")
        return title, lines, norm, v.scope or ""

    # -- clusters, edges, legend ----------------------------------------------------------------
    def _clustered(self, nodes: dict[int, str]) -> list[str]:
        """Node statements, nested in one cluster per module path (in order of first use)."""
        children: dict[str | None, list[Any]] = {None: []}  # path -> vertices and sub-paths
        for v in self.graph.vertices:
            path = v.cluster
            if path not in children:
                self._open(path, children)  # type: ignore[arg-type]  # (None is always there)
            children[path].append(v)
        lines: list[str] = []
        stack: list[tuple[Any, int]] = [(item, 1) for item in reversed(children[None])]
        ids = {path: k for k, path in enumerate(p for p in children if p is not None)}
        while stack:  # an explicit stack: the nesting of modules, not of the graph
            item, depth = stack.pop()
            tab = "\t" * depth
            if isinstance(item, Vertex):
                lines.append(tab + nodes[id(item)].lstrip("\t"))
            elif isinstance(item, tuple):  # ("end", path)
                lines.append(tab + "}\n")
            else:
                lines.append(f"{tab}subgraph cluster_{ids[item]} {{\n")
                lines.append(f"{tab}\t{self._cluster_attrs(item, depth)}\n")
                stack.append((("end", item), depth))
                stack.extend((child, depth + 1) for child in reversed(children[item]))
        return lines

    def _open(self, path: str, children: dict) -> None:
        parts = path.split(".")
        parent = ".".join(parts[:-1]) or None
        if parent not in children:
            self._open(parent, children)  # type: ignore[arg-type]
        children[path] = []
        children[parent].append(path)

    def _cluster_attrs(self, path: str, depth: int) -> str:
        name = path.split(".")[-1]
        cls = (self.opts.module_classes or {}).get(path)
        title = L.esc(name) if cls is None or cls == name else f"{L.esc(name)}: {L.esc(cls)}"
        fill = "#f8f9fa" if depth % 2 else "#e9ecef"
        return (f'graph [label=<<b>{title}</b>> style="rounded,filled" fillcolor="{fill}" '
                f'color="#adb5bd" fontsize=10 labeljust=l tooltip={L.quote(path)}]')

    def _edge(self, e: Any) -> str:
        attrs = []
        src_outputs = e.src.obj.out_shapes if e.src.kind == OP else ()
        if len(src_outputs) > 1:
            text = f"[{e.nr}]"
            if self.opts.show_shapes:
                text += " " + L.format_shape(e.shape)
            attrs.append(f"label=<{L.esc(text)}>")
        elif e.src.kind == MODULE and self.opts.show_shapes:
            attrs.append(f"label=<{L.esc(L.format_shape(e.shape))}>")
        if e.src.kind == MORE:
            attrs.append('style=dashed')
        attrs.extend(self.layout.edge_attrs(e))
        hl = self.opts.highlight
        if hl is not None and hl(e.src) and hl(e.dst):
            attrs.append(f'color="{_HIGHLIGHT}" penwidth=2')
        tail = f" [{' '.join(attrs)}]" if attrs else ""
        return f"\t{e.src.id} -> {e.dst.id}{tail}\n"

    def _legend(self) -> str:
        """One row of colour swatches: what each fill says about the gradient's norm."""
        cells = ['<td><b>grad norm</b></td>']
        for fill, font, text in L.LEGEND:
            cells.append(f'<td bgcolor="{fill}"><font color="{font}">{L.esc(text)}</font></td>')
        return ('<table border="0" cellborder="1" cellspacing="0" cellpadding="3"><tr>'
                + "".join(cells) + "</tr></table>")

    def _notes(self) -> list[str]:
        notes = []
        if self.opts.show_grads:
            if not (self.found_leaf_grad or self.found_interior_grad):
                notes.append("show_grads: no gradients yet; call backward() first.")
            elif not self.found_interior_grad and any(v.kind == OP for v in self.graph.vertices):
                notes.append("Interior gradients were not kept: run backward(retain_grads=True), "
                             "or the backward pass inside am.autograd.retain_grads().")
        if self.opts.show_saved:
            total = sum(self.saved.values())
            shared = " (each array counted once)" if self.saved_entries > len(self.saved) else ""
            notes.append(f"Saved for backward: {L.format_bytes(total)} in {len(self.saved)} "
                         f"array{'s' if len(self.saved) != 1 else ''}{shared}.")
            if self.found_freed:
                notes.append("Some saved arrays were freed by backward(): draw before it, or "
                             "pass retain_graph=True, to see them.")
        return notes


# ---- layout ---------------------------------------------------------------------------------
_LEAVES = (PARAM, INPUT, CONST)
_MAIN_WEIGHT = 4  # how much more Graphviz should keep a main edge short and straight


class _Layout:
    """What makes the drawing read from the inputs down to the outputs in one straight line.

    Each op continues one of its inputs, its *main* input: the first input made by an op (or a
    module), else its first input. Main edges weigh more, so each chain of ops is drawn as a
    straight column; the chain from the first output back to where it starts (the *trunk*) is
    one Graphviz group, so it is a single vertical line. Parameters and constants go beside the
    op that uses them, one rank above it; where an op is in another module than the op it
    continues, its main edge spans two ranks, so the module's box (holding those parameters)
    starts below the previous module's instead of beside it, which would push the chain sideways.
    """

    def __init__(self, graph: Graph) -> None:
        self.main: dict[int, Any] = {}  # id(dst) -> its main input edge
        for e in graph.edges:
            best = self.main.get(id(e.dst))
            if best is None or _preference(e.src) < _preference(best.src):
                self.main[id(e.dst)] = e
        sides: set[int] = set()  # vertices with a leaf input besides their main one
        for e in graph.edges:
            if e.src.kind in _LEAVES and self.main[id(e.dst)] is not e:
                sides.add(id(e.dst))
        self.long = {id(e) for e in self.main.values()
                     if id(e.dst) in sides and e.src.cluster != e.dst.cluster}
        self.trunk: set[int] = set()
        v: Vertex | None = graph.outputs[0] if graph.outputs else None
        while v is not None and id(v) not in self.trunk:
            self.trunk.add(id(v))
            main = self.main.get(id(v))
            v = None if main is None or main.src.kind == MORE else main.src

    def edge_attrs(self, e: Any) -> list[str]:
        attrs = []
        if self.main.get(id(e.dst)) is e:
            attrs.append(f"weight={_MAIN_WEIGHT}")
            if id(e) in self.long:
                attrs.append("minlen=2")
        return attrs


def _preference(v: Vertex) -> int:
    """Which input an op continues: one an op or module made, else an input, else the rest."""
    return 0 if v.kind in (OP, MODULE, MORE, OUTPUT) else 1 if v.kind == INPUT else 2
