"""From recorded nodes to a drawable graph: which vertices exist, of which kind, joined how.

The walk is breadth-first from the outputs with an explicit queue (a 100,000-op chain needs no
recursion), so with `max_nodes` the part nearest the outputs is kept. Vertex order, and with it
every node id in the DOT text, follows creation order (`Node.seq`), never memory addresses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from ..autograd.node import Node
from ..tensor import Tensor

OP, PARAM, INPUT, CONST, OUTPUT, MODULE, MORE = (
    "op", "param", "input", "const", "output", "module", "more")
_EMPTY: tuple = ()  # shared by the vertices that are not collapsed modules (most of them)


class Vertex:
    """One drawn node: an op, a leaf tensor, a constant, an output, a collapsed module, or the
    "... N more nodes" marker."""

    __slots__ = ("kind", "obj", "name", "scope", "cluster", "order", "id", "members", "ins", "outs",
                 "output")

    def __init__(self, kind: str, obj: Any, name: str | None = None) -> None:
        self.kind = kind
        self.obj = obj  # Node (op), Tensor (leaf, output), ConstantInput (const), or None
        self.name = name
        self.scope: str | None = None  # module path of an op (node.scope)
        self.cluster: str | None = None  # module path of the cluster the vertex is drawn in
        self.order = 0  # sort key: creation order
        self.id = ""
        # A collapsed module (only): its ops and absorbed leaves, and the shapes flowing in and out.
        self.members: list[Vertex] = _EMPTY  # type: ignore[assignment]
        self.ins: list[tuple | None] = _EMPTY  # type: ignore[assignment]
        self.outs: list[tuple[Any, int]] = _EMPTY  # type: ignore[assignment]  # (node, nr)
        # An op (or the module box holding it) whose result is one of the drawn outputs: that
        # Tensor. The op is drawn as the output, so the result does not appear twice.
        self.output: Tensor | None = None


class Edge:
    """src feeds dst: `nr` is which output of a multi-output op, `shape` what flowed."""

    __slots__ = ("src", "dst", "nr", "shape")

    def __init__(self, src: Vertex, dst: Vertex, nr: int, shape: tuple | None) -> None:
        self.src, self.dst, self.nr, self.shape = src, dst, nr, shape


class Graph:
    """What `build` found: vertices in drawing order, edges, and how many vertices were cut."""

    def __init__(self) -> None:
        self.vertices: list[Vertex] = []
        self.edges: list[Edge] = []
        self.outputs: list[Vertex] = []  # one per output tensor (a leaf output is its leaf vertex)
        self.hidden = 0  # vertices cut by max_nodes
        self.keep_alive: list[Tensor] = []


def _param_names(params: Any) -> dict[int, str]:
    """id(tensor) -> name, from a Module (named_parameters) or a mapping of name -> Tensor."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items: Iterable = params.named_parameters()
    elif hasattr(params, "items"):
        items = params.items()
    else:
        raise TypeError(f"draw: params must be a Module or a dict of name -> Tensor, got "
                        f"{type(params).__name__}")
    names: dict[int, str] = {}
    for name, t in items:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw: params[{name!r}] is a {type(t).__name__}, not a Tensor")
        names.setdefault(id(t), str(name))  # a shared weight keeps its first name
    return names


def _is_parameter(t: Tensor) -> bool:
    return any(c.__name__ == "Parameter" for c in type(t).__mro__)


class _Walk:
    """State of one breadth-first walk: vertices found so far and the edges between them."""

    def __init__(self, names: dict[int, str], max_nodes: int | None) -> None:
        self.names = names
        self.budget = max_nodes
        self.found = 0  # every op, leaf and constant reached, drawn or not
        self.ops: dict[int, Vertex] = {}  # id(node) -> vertex
        self.leaves: dict[int, Vertex] = {}  # id(tensor) -> vertex
        self.drawn: list[Vertex] = []
        self.queue: deque = deque()
        self.keep_alive: list[Tensor] = []  # tensors fetched through weak refs, held while drawing
        # (src, dst, input position, output nr, shape) for every edge found
        self.edges: list[tuple[Vertex, Vertex, int, int, tuple | None]] = []

    def _admit(self, v: Vertex) -> bool:
        """Count a new vertex; draw it unless max_nodes is reached (then it is hidden)."""
        self.found += 1
        if self.budget is None or self.found <= self.budget:
            self.drawn.append(v)
            return True
        v.kind = MORE
        return False

    def op(self, node: Any) -> Vertex:
        v = self.ops.get(id(node))
        if v is None:
            v = self.ops[id(node)] = Vertex(OP, node)
            v.scope, v.order = node.scope, node.seq
            self._admit(v)
            self.queue.append(node)  # hidden ops are walked too, to count what was cut
        return v

    def leaf(self, t: Tensor, kind: str) -> Vertex:
        v = self.leaves.get(id(t))
        if v is None:
            if kind == INPUT and (id(t) in self.names and t.requires_grad or _is_parameter(t)):
                kind = PARAM
            v = self.leaves[id(t)] = Vertex(kind, t, t.name or self.names.get(id(t)))
            self._admit(v)
        return v

    def constant(self, c: Any) -> Vertex:
        live = c.ref() if c.ref is not None else None
        if live is not None:  # a tensor the program still holds: an input like a data batch
            self.keep_alive.append(live)
            return self.leaf(live, INPUT)
        # A number or a temporary (a dropout mask): drawn once per use, under the name the code
        # that made it gave it (Tensor.name, kept by ConstantInput), if any.
        v = Vertex(CONST, c, getattr(c, "name", None))
        self._admit(v)
        return v

    def expand(self, node: Any) -> None:
        """Add the inputs of one op (only counted when the op itself is hidden)."""
        consumer = self.ops[id(node)]
        consts = getattr(node, "_const_inputs", None)
        for i, (edge, nr) in enumerate(node.next_functions):
            if isinstance(edge, Node):
                src, shape = self.op(edge), edge.out_shapes[nr]
            elif edge is not None:  # a leaf tensor that requires grad
                src, shape = self.leaf(edge, INPUT), edge.shape
            elif consts is not None and consts[i] is not None:
                src, nr, shape = self.constant(consts[i]), 0, consts[i].shape
            else:
                continue
            if consumer.kind != MORE:
                self.edges.append((src, consumer, i, nr, shape))

    def count_rest(self) -> None:
        """Count the vertices beyond max_nodes without building anything for them."""
        seen_ops = set(self.ops)
        seen_leaves = set(self.leaves)
        queue = self.queue
        found = self.found
        while queue:
            node = queue.popleft()
            consts = getattr(node, "_const_inputs", None)
            for i, (edge, _) in enumerate(node.next_functions):
                if isinstance(edge, Node):
                    if id(edge) not in seen_ops:
                        seen_ops.add(id(edge))
                        queue.append(edge)
                        found += 1
                elif edge is not None:
                    if id(edge) not in seen_leaves:
                        seen_leaves.add(id(edge))
                        found += 1
                elif consts is not None and consts[i] is not None:
                    live = consts[i].ref() if consts[i].ref is not None else None
                    if live is None or id(live) not in seen_leaves:
                        if live is not None:
                            seen_leaves.add(id(live))
                            self.keep_alive.append(live)  # its id must stay unique meanwhile
                        found += 1
        self.found = found


def build(outputs: list[Tensor], params: Any, max_nodes: int | None) -> Graph:
    """Walk the graph behind `outputs`: vertices in creation order, edges, and the hidden count."""
    walk = _Walk(_param_names(params), max_nodes)
    out_vertices = []
    for k, out in enumerate(outputs):
        if out.grad_fn is None:  # an output that is itself a leaf: drawn as a leaf, marked output
            out_vertices.append(walk.leaf(out, INPUT))
            continue
        op = walk.op(out.grad_fn)
        if len(out.grad_fn.out_shapes) == 1 and op.output is None and op.kind == OP:
            op.output = out  # the op that made the output is drawn as the output
            op.name = out.name or walk.names.get(id(out))
            out_vertices.append(op)
            continue
        # One output of a multi-output op (or a second view of the same result): its own vertex
        ov = Vertex(OUTPUT, out, out.name or walk.names.get(id(out)))
        ov.order = k
        out_vertices.append(ov)
        walk.edges.append((op, ov, 0, out._output_nr, out.shape))
    while walk.queue:
        node = walk.queue.popleft()
        if walk.ops[id(node)].kind == MORE:  # FIFO: every drawn op is expanded by now
            walk.queue.appendleft(node)
            walk.count_rest()
            break
        walk.expand(node)

    graph = Graph()
    graph.hidden = walk.found - len(walk.drawn)
    graph.keep_alive = walk.keep_alive
    graph.vertices = _creation_order(walk.drawn, walk.edges)
    graph.outputs = out_vertices
    more = Vertex(MORE, None) if graph.hidden else None
    position = {id(v): k for k, v in enumerate(graph.vertices)}
    for k, ov in enumerate(out_vertices):
        if ov.kind == OUTPUT:
            position[id(ov)] = len(position) + k
            graph.vertices.append(ov)
    if more is not None:
        graph.vertices.insert(0, more)
        position[id(more)] = -1
    cut: set[int] = set()
    edges = sorted(walk.edges, key=lambda e: (position.get(id(e[1]), -1), e[2]))
    for src, dst, _i, nr, shape in edges:
        if src.kind == MORE:
            if more is None or id(dst) in cut or dst.kind == MORE:
                continue
            cut.add(id(dst))  # one dashed edge into each op whose inputs were cut
            src, nr, shape = more, 0, None
        elif dst.kind == MORE:
            continue
        graph.edges.append(Edge(src, dst, nr, shape))
    return graph


def _creation_order(drawn: list[Vertex], edges: list) -> list[Vertex]:
    """Ops by creation; each leaf or constant just before its first consumer, by argument order."""
    first_use: dict[int, tuple] = {}
    for src, dst, i, _nr, _shape in edges:
        if src.kind in (PARAM, INPUT, CONST) and dst.kind == OP:
            use = (dst.order, 0, i)
            if id(src) not in first_use or use < first_use[id(src)]:
                first_use[id(src)] = use
    fallback = (float("inf"), 0, 0)  # a leaf only an output uses

    def key(v: Vertex) -> tuple:
        return (v.order, 1, 0) if v.kind == OP else first_use.get(id(v), fallback)

    return sorted(drawn, key=key)


# ---- module structure ------------------------------------------------------------------------
def _truncate(scope: str | None, levels: int | None) -> str | None:
    """The first `levels` components of a dotted module path (all of them when levels is None)."""
    if scope is None or levels is None:
        return scope
    return ".".join(scope.split(".")[:levels]) or None


def _common_scope(scopes: list[str | None]) -> str | None:
    """The innermost module containing every one of `scopes` (None: outside every module)."""
    if not scopes or any(s is None for s in scopes):
        return None
    parts = [s.split(".") for s in scopes]  # type: ignore[union-attr]
    common = []
    for level in zip(*parts):
        if any(p != level[0] for p in level):
            break
        common.append(level[0])
    return ".".join(common) or None


def _consumers(graph: Graph) -> dict[int, list[Vertex]]:
    users: dict[int, list[Vertex]] = {}
    for e in graph.edges:
        users.setdefault(id(e.src), []).append(e.dst)
    return users


def assign_clusters(graph: Graph, depth: int | None) -> None:
    """Group ops by the module that made them; a parameter or constant joins its users' module.

    `depth` limits nesting: clusters show modules down to `depth` levels below the outermost.
    """
    levels = None if depth is None else depth + 1
    for v in graph.vertices:
        if v.kind == OP:
            v.cluster = _truncate(v.scope, levels)
        elif v.kind == MODULE:
            v.cluster = _truncate(v.scope, len(v.scope.split(".")) - 1) if v.scope else None
    users = _consumers(graph)
    for v in graph.vertices:
        if v.kind in (PARAM, CONST):
            v.cluster = _common_scope([u.cluster if u.kind in (OP, MODULE) else None
                                       for u in users.get(id(v), [])])


def _box_path(scope: str | None, depth: int, parents: set[str]) -> str | None:
    """The module drawn as one box for an op made in `scope`: its ancestor `depth` levels below
    the outermost module, or, above that level, the module itself when it has no sub-modules
    (a Linear called by the model or a loss module: nothing to expand). None: draw the op."""
    if scope is None:
        return None
    parts = scope.split(".")
    if len(parts) > depth:
        return ".".join(parts[: depth + 1])
    return None if scope in parents else scope


def collapse_modules(graph: Graph, depth: int) -> None:
    """Replace the ops of each module `depth` levels below the outermost (and of modules without
    sub-modules above that level) by one box, which absorbs the parameters and constants used
    only inside it."""
    parents: set[str] = set()  # modules that contain a sub-module that made an op
    for v in graph.vertices:
        if v.kind == OP and v.scope is not None:
            parts = v.scope.split(".")
            parents.update(".".join(parts[:k]) for k in range(1, len(parts)))
    boxes: dict[str, Vertex] = {}
    rep: dict[int, Vertex] = {}  # id(vertex) -> the vertex drawn for it
    for v in graph.vertices:
        path = _box_path(v.scope, depth, parents) if v.kind == OP else None
        if path is None:
            continue
        box = boxes.get(path)
        if box is None:
            box = boxes[path] = Vertex(MODULE, None, path.split(".")[-1])
            box.scope, box.order = path, v.order
            box.members, box.ins, box.outs = [], [], []
        box.members.append(v)
        rep[id(v)] = box
    if not boxes:
        return
    users = _consumers(graph)
    for v in graph.vertices:
        if v.kind in (PARAM, CONST):
            homes = {id(rep.get(id(u), u)) for u in users.get(id(v), [])}
            if len(homes) == 1:
                box = rep.get(id(users[id(v)][0]))
                if box is not None:
                    box.members.append(v)
                    rep[id(v)] = box
    edges: list[Edge] = []
    seen: set[tuple] = set()
    for e in graph.edges:
        src, dst = rep.get(id(e.src), e.src), rep.get(id(e.dst), e.dst)
        if src is dst:
            continue  # inside one module
        if dst.kind == MODULE and ("in", id(dst), id(e.src), e.nr) not in seen:
            seen.add(("in", id(dst), id(e.src), e.nr))
            dst.ins.append(e.shape)
        if src.kind == MODULE and ("out", id(e.src), e.nr) not in seen:
            seen.add(("out", id(e.src), e.nr))
            src.outs.append((e.src.obj, e.nr))
        key = (id(src), id(dst), id(e.src), e.nr)
        if key not in seen:
            seen.add(key)
            edges.append(Edge(src, dst, 0 if src.kind == MODULE else e.nr, e.shape))
    vertices = []
    for v in graph.vertices:
        box = rep.get(id(v))
        if box is None:
            vertices.append(v)
        elif box.members[0] is v:
            vertices.append(box)  # the box takes the place of its first op
    _box_outputs(graph, rep, vertices, edges, seen)
    graph.vertices = vertices
    graph.edges = edges


def _box_outputs(graph: Graph, rep: dict[int, Vertex], vertices: list[Vertex], edges: list[Edge],
                 seen: set[tuple]) -> None:
    """A box holding an op drawn as an output becomes that output; a second output made inside
    the same box gets its own output vertex below it."""
    for k, v in enumerate(graph.outputs):
        box = rep.get(id(v))
        if box is None or v.output is None:
            continue
        if ("out", id(v), 0) not in seen:
            seen.add(("out", id(v), 0))
            box.outs.append((v.obj, 0))
        if box.output is None:
            box.output = v.output
            graph.outputs[k] = box
            continue
        ov = Vertex(OUTPUT, v.output, v.name)
        ov.order = v.order
        vertices.append(ov)
        edges.append(Edge(box, ov, 0, v.output.shape))
        graph.outputs[k] = ov
