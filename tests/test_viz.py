"""am.viz: the DOT text of small graphs (nodes, edges, labels, names, colours, escaping, clusters,
truncation), determinism across processes, a 100,000-op graph, and real renders through `dot`."""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import warnings
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini.autograd.record import current_scope, set_scope
from autograd_mini.viz import _labels

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAS_DOT, reason="Graphviz 'dot' is not installed (make graphviz, or apt/brew/conda install "
                        "graphviz); the DOT-text tests above still run")

try:
    from autograd_mini import nn
except ImportError:  # nn is optional for these tests
    nn = None
needs_nn = pytest.mark.skipif(nn is None, reason="autograd_mini.nn is not available")

PARAM_FILL = {"param": "#d0ebff", "input": "#fff3bf", "output": "#d3f9d8"}
HIGHLIGHT = "#e03131"
SVG = "{http://www.w3.org/2000/svg}"


# ---- reading DOT text back -------------------------------------------------------------------
NODE_RE = re.compile(r"^\t+(n\d+|more) \[(.*)\]$")
EDGE_RE = re.compile(r"^\t+(\S+) -> (\S+)(?: \[(.*)\])?$")


class Dot:
    """The nodes (id -> attribute text) and edges (src, dst, attributes) of a DOT text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes: dict[str, str] = {}
        self.edges: list[tuple[str, str, str]] = []
        for line in text.splitlines():
            m = NODE_RE.match(line)
            if m:
                self.nodes[m.group(1)] = m.group(2)
                continue
            m = EDGE_RE.match(line)
            if m:
                self.edges.append((m.group(1), m.group(2), m.group(3) or ""))

    def label(self, node_id: str) -> list[str]:
        """The text lines of a node's HTML-like label, markup removed and entities decoded."""
        raw = re.search(r"label=<(.*)> shape=", self.nodes[node_id]).group(1)
        parts = re.split(r"<br/>", raw)
        return [html.unescape(re.sub(r"<[^>]+>", "", p)).replace("\\\\", "\\") for p in parts]

    def title(self, node_id: str) -> str:
        return self.label(node_id)[0]

    def find(self, title: str) -> list[str]:
        """Ids of the nodes whose first label line is `title`."""
        return [n for n in self.nodes if self.title(n) == title]

    def one(self, title: str) -> str:
        found = self.find(title)
        assert len(found) == 1, (title, [self.title(n) for n in self.nodes])
        return found[0]

    def attr(self, node_id: str, name: str) -> str | None:
        after_label = "shape=" + self.nodes[node_id].split("> shape=")[-1]
        m = re.search(rf'(?:^| ){name}=("[^"]*"|\S+)', " " + after_label)
        return None if m is None else m.group(1).strip('"')

    def inputs_of(self, node_id: str) -> list[str]:
        return [s for s, d, _ in self.edges if d == node_id]


@contextmanager
def module_scope(path: str | None):
    """What Module.__call__ does: record the module path on the nodes created inside."""
    saved = current_scope()
    set_scope(path)
    try:
        yield
    finally:
        set_scope(saved)


def small_graph():
    a = am.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = am.tensor([4.0, 5.0, 6.0], requires_grad=True)
    loss = (a * b + 2.0).sum()
    return a, b, loss


# ---- structure ---------------------------------------------------------------------------------
def test_small_graph_has_one_node_per_op_leaf_and_constant():
    a, b, loss = small_graph()
    d = Dot(am.viz.to_dot(loss, params={"a": a, "b": b}))
    titles = sorted(d.title(n) for n in d.nodes)
    assert titles == sorted(["a", "b", "mul", "2", "add", "sum"])  # the output is its op
    assert len(d.edges) == 5
    mul, add, total = d.one("mul"), d.one("add"), d.one("sum")
    assert d.inputs_of(mul) == [d.one("a"), d.one("b")]  # argument order
    assert d.inputs_of(add) == [mul, d.one("2")]
    assert d.inputs_of(total) == [add]
    assert d.attr(total, "peripheries") == "2"  # drawn as the output: double border, its value
    assert d.label(total) == ["sum", "output = 38", "scalar float32"]


def test_output_is_drawn_once_as_the_op_that_made_it():
    # The demo's loss appeared twice (a cross_entropy op, then an "output" box with the value).
    x = am.randn(4, 3, requires_grad=True)
    y = am.tensor(np.array([0, 2, 1, 1]))
    loss = am.nn.functional.cross_entropy(x * 2.0, y)
    loss.name = "loss"
    loss.backward(retain_grads=True)
    d = Dot(am.viz.to_dot(loss, show_grads=True))
    titles = [d.title(n) for n in d.nodes]
    assert titles.count("cross_entropy") == 1 and "output" not in titles and "loss" not in titles
    ce = d.one("cross_entropy")
    assert d.label(ce) == ["cross_entropy", f"output: loss = {loss.item():.4g}", "scalar float32",
                           "grad 1"]
    assert d.attr(ce, "peripheries") == "2" and d.attr(ce, "color") == "#2b8a3e"
    assert not [s for s, _, _ in d.edges if s == ce]  # nothing below it
    # Two outputs of one graph: each op drawn once, both marked
    h = x * 2.0
    out = h.sum()
    d = Dot(am.viz.to_dot([out, h]))
    assert sorted(d.title(n) for n in d.nodes) == ["2", "input", "mul", "sum"]
    assert d.attr(d.one("mul"), "peripheries") == d.attr(d.one("sum"), "peripheries") == "2"


def test_to_dot_is_exactly_draws_source_and_draw_displays_inline():
    graphviz = pytest.importorskip("graphviz")
    a, b, loss = small_graph()
    g = am.viz.draw(loss, params={"a": a, "b": b}, show_grads=True)
    assert isinstance(g, graphviz.Digraph)
    assert g.source == am.viz.to_dot(loss, params={"a": a, "b": b}, show_grads=True)
    assert hasattr(g, "_repr_mimebundle_") or hasattr(g, "_repr_svg_")


@pytest.mark.parametrize("make, label", [
    (lambda x: x.sum(dim=1), "sum(axis=1)"),
    (lambda x: x.sum(), "sum"),
    (lambda x: x.sum(axis=(0, 1), keepdims=True), "sum(axis=(0, 1), keepdims=True)"),
    (lambda x: x.mean(dim=0), "sum(axis=0)"),
    (lambda x: x @ x.T, "matmul"),
    (lambda x: x[:, 0], "getitem[:, 0]"),
    (lambda x: x[1:, ::2], "getitem[1:, ::2]"),
    (lambda x: x ** 2, "pow(2)"),
    (lambda x: x.reshape(6), "reshape(6)"),
    (lambda x: x.permute(1, 0), "permute(1, 0)"),
    (lambda x: x.log_softmax(dim=1), "log_softmax(axis=1)"),
    (lambda x: x.softmax(dim=-1), "softmax(axis=1)"),
    (lambda x: x.max(dim=1), "max(axis=1)"),
    (lambda x: am.cat([x, x], dim=1), "cat(axis=1)"),
    (lambda x: x.relu(), "relu"),
    (lambda x: x.logsumexp(dim=0), "logsumexp(axis=0)"),
])
def test_op_labels_read_like_the_call(make, label):
    x = am.randn(2, 3, requires_grad=True)
    d = Dot(am.viz.to_dot(make(x)))
    assert d.find(label), [d.title(n) for n in d.nodes]


def test_custom_function_keeps_its_class_name():
    class Cube(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    x = am.randn(3, requires_grad=True)
    d = Dot(am.viz.to_dot(Cube.apply(x)))
    assert d.find("Cube")


def test_multi_output_op_labels_its_edges_with_the_output_index():
    class Halves(am.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.data[:2], x.data[2:]

        @staticmethod
        def backward(ctx, g0, g1):
            return am.cat([g0, g1])

    x = am.randn(5, requires_grad=True)
    lo, hi = Halves.apply(x)
    d = Dot(am.viz.to_dot([lo.sum(), (hi * 2.0).sum()]))
    halves = d.one("Halves")
    labels = sorted(re.search(r"label=<[^>]*>", attrs).group() for s, _, attrs in d.edges
                    if s == halves)
    assert labels == ["label=<[0] (2,)>", "label=<[1] (3,)>"]
    # An output that is one result of a multi-output op keeps its own box
    d = Dot(am.viz.to_dot(lo))
    assert d.inputs_of(d.one("output")) == [d.one("Halves")]
    assert d.attr(d.one("Halves"), "peripheries") is None


# ---- names and kinds -----------------------------------------------------------------------------
def test_params_dict_names_leaves_and_unknown_tensors_draw_without_a_name():
    w = am.randn(3, 2, requires_grad=True)
    v = am.randn(2, requires_grad=True)
    x = am.randn(4, 3)
    out = (x @ w + v).sum()
    d = Dot(am.viz.to_dot(out, params={"weight": w, "unused": am.randn(1)}))
    assert d.attr(d.one("weight"), "fillcolor") == PARAM_FILL["param"]
    # v and x are not in params: drawn unnamed, as inputs, no error
    unnamed = d.find("input")
    assert len(unnamed) == 2
    assert {d.label(n)[1] for n in unnamed} == {"(4, 3) float32", "(2,) float32"}
    assert all(d.attr(n, "fillcolor") == PARAM_FILL["input"] for n in unnamed)


def test_tensor_name_is_used_and_params_name_wins():
    x = am.randn(2, 2)
    x.name = "batch"
    w = am.randn(2, 2, requires_grad=True)
    w.name = "own name"
    y = (x @ w).sum()
    y.name = "loss"
    d = Dot(am.viz.to_dot(y))
    assert d.find("batch") and d.find("own name")
    assert d.label(d.one("sum"))[1].startswith("output: loss = ")
    d = Dot(am.viz.to_dot(y, params={"W": w}))
    assert d.find("own name")  # an explicit Tensor.name is the tensor's own
    w.name = None
    assert Dot(am.viz.to_dot(y, params={"W": w})).find("W")


def test_kinds_have_distinct_looks():
    w = am.randn(3, requires_grad=True)
    x = am.randn(3)
    out = (w * x * 0.5).sum()
    d = Dot(am.viz.to_dot(out, params={"w": w}))
    param, inp, const, op, output = (d.one("w"), d.one("input"), d.one("0.5"), d.find("mul")[0],
                                     d.one("sum"))
    looks = {(d.attr(n, "shape"), d.attr(n, "style"), d.attr(n, "fillcolor"),
              d.attr(n, "peripheries"), d.attr(n, "color"))
             for n in (param, inp, const, op, output)}
    assert len(looks) == 5
    assert d.attr(output, "peripheries") == "2"
    assert "dashed" in d.attr(const, "style")
    assert "rounded" in d.attr(op, "style")


def test_leaves_show_shape_dtype_and_small_values():
    w = am.tensor(np.array([[1.5, -2.0]], dtype=np.float64), requires_grad=True)
    big = am.randn(10, 20, requires_grad=True)
    out = (w.sum() + big.sum())
    d = Dot(am.viz.to_dot(out, params={"w": w, "big": big}))
    assert d.label(d.one("w")) == ["w", "(1, 2) float64", "= [[1.5, -2]]"]
    assert d.label(d.one("big")) == ["big", "(10, 20) float32"]
    d = Dot(am.viz.to_dot(out, params={"w": w}, show_shapes=False))
    assert d.label(d.one("w")) == ["w", "= [[1.5, -2]]"]
    assert all(d.label(n) == ["sum"] for n in d.find("sum"))


def test_output_that_is_a_leaf_and_output_without_graph():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    d = Dot(am.viz.to_dot(x))
    assert len(d.nodes) == 1 and not d.edges
    assert d.attr("n0", "fillcolor") == PARAM_FILL["input"]
    assert d.attr("n0", "peripheries") == "2" and d.title("n0") == "output"
    c = am.tensor([1.0]) * 3
    d = Dot(am.viz.to_dot(c))
    assert len(d.nodes) == 1
    assert d.attr("n0", "peripheries") == "2" and d.title("n0") == "output"


# ---- escaping ------------------------------------------------------------------------------------
WEIRD = 'w<1>{a|b}"q" \\N\\G\\l & λ→∑ 😀'


def test_every_label_is_escaped():
    w = am.randn(2, requires_grad=True)
    loss = (w * 2.0).sum()
    loss.name = "out\\put\n2nd line\x01"
    text = am.viz.to_dot(loss, params={WEIRD: w})
    d = Dot(text)
    assert d.find(WEIRD)
    node = d.nodes[d.one(WEIRD)]
    assert "&lt;1&gt;" in node and "&quot;q&quot;" in node and "&amp;" in node
    assert "\\\\N\\\\G" in node  # doubled, so Graphviz does not expand \N and \G
    assert "λ→∑ 😀" in node
    value = f"{loss.item():.4g}"
    assert d.label(d.one("sum"))[1:3] == ["output: out\\put", f"2nd line\\x01 = {value}"]
    out = d.nodes[d.one("sum")]
    assert "2nd line\\\\x01" in out  # the control character is shown, not emitted
    assert "\x01" not in text
    # Outside labels no raw markup character can break the statement
    for line in text.splitlines():
        assert line.count("label=<") <= 1


def test_escape_function():
    assert _labels.esc('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert _labels.esc("a\\Nb") == "a\\\\Nb"
    assert _labels.esc("one\ntwo") == "one<br/>two"
    assert _labels.quote('say "hi" \\ there') == '"say \\"hi\\" \\\\ there"'


@needs_dot
def test_escaped_labels_render_verbatim(tmp_path):
    w = am.randn(2, requires_grad=True)
    loss = (w * 2.0).sum()
    loss.name = "back\\slash {x|y}"
    am.viz.render(loss, tmp_path / "g.svg", params={WEIRD: w})
    texts = svg_texts(tmp_path / "g.svg")
    assert WEIRD in texts
    assert any(t.startswith("output: back\\slash {x|y} = ") for t in texts), texts


# ---- gradients -------------------------------------------------------------------------------
def test_leaf_grads_show_values_or_summary():
    small = am.tensor([1.0, -2.0], requires_grad=True)
    big = am.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    (small * small).sum().backward()
    (big * 2.0).sum().backward()
    d = Dot(am.viz.to_dot((small * small).sum(), params={"small": small}, show_grads=True))
    assert "grad [2, -4]" in d.label(d.one("small"))
    d = Dot(am.viz.to_dot((big * 2.0).sum(), params={"big": big}, show_grads=True))
    lines = d.label(d.one("big"))
    norm = np.sqrt(12 * 4.0)
    assert f"|grad| {norm:.4g}" in lines
    assert "min 2  max 2" in lines


NORMAL, VANISHING, EXPLODING = (_labels.NORMAL_COLOUR[0], _labels.VANISHING_COLOUR[0],
                                 _labels.EXPLODING_COLOUR[0])


def test_grad_colour_says_normal_and_warns_only_for_vanishing_or_exploding():
    tiny = am.ones(10, requires_grad=True)
    huge = am.ones(10, requires_grad=True)
    one = am.ones(1, requires_grad=True)
    small = am.ones(10, requires_grad=True)
    big = am.ones(10, requires_grad=True)
    loss = ((tiny * 1e-10).sum() + (huge * 1e6).sum() + (one * 1.0).sum() + (small * 1e-5).sum()
            + (big * 100.0).sum())
    loss.backward()
    names = {"tiny": tiny, "huge": huge, "one": one, "small": small, "big": big}
    d = Dot(am.viz.to_dot(loss, params=names, show_grads=True))
    fill = {name: d.attr(d.one(name), "fillcolor") for name in names}
    # A norm of 1 (the example), 3e-5 or 316 is ordinary: one quiet "normal" colour
    assert fill == {"tiny": VANISHING, "huge": EXPLODING, "one": NORMAL, "small": NORMAL,
                    "big": NORMAL}
    # The legend names each colour and states the thresholds
    legend = re.search(r"<b>grad norm</b>(.*)</table>", d.text).group(1)
    cells = [html.unescape(t) for t in re.findall(r'<font color="[^"]*">([^<]*)</font>', legend)]
    assert cells == ["0", "vanishing < 1e-6", "normal 1e-6 to 1e3", "exploding > 1e3", "NaN, inf"]
    for colour in (NORMAL, VANISHING, EXPLODING):
        assert f'bgcolor="{colour}"' in legend
    # Without retain_grads the ops have no gradient: white, and a note says how to keep them
    assert all(d.attr(n, "fillcolor") == "#ffffff" for n in d.find("mul"))
    assert "retain_grads" in d.text


def test_grad_colour_thresholds():
    colour = _labels.grad_colour
    assert colour(0.0)[0] == _labels.ZERO_COLOUR[0]
    assert colour(float("nan"))[0] == colour(float("inf"))[0] == _labels.NONFINITE_COLOUR[0]
    assert colour(9.99e-7)[0] == VANISHING and colour(1e-300)[0] == VANISHING
    assert colour(1e-6)[0] == colour(1.0)[0] == colour(1e3)[0] == NORMAL  # bounds are normal
    assert colour(1.001e3)[0] == EXPLODING and colour(1e30)[0] == EXPLODING
    assert len({NORMAL, VANISHING, EXPLODING, _labels.ZERO_COLOUR[0],
                _labels.NONFINITE_COLOUR[0]}) == 5


@pytest.mark.parametrize("how", ["argument", "context"])
def test_interior_grads_with_retain_grads(how):
    x = am.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 3.0
    loss = (h * h).sum()
    if how == "argument":
        loss.backward(retain_grads=True)
    else:
        with am.autograd.retain_grads():
            loss.backward()
    d = Dot(am.viz.to_dot(loss, show_grads=True))
    muls = d.find("mul")
    grads = sorted(next(line for line in d.label(n) if line.startswith("grad")) for n in muls)
    # d loss / d h = 2h = [6, 12, 18]; d loss / d (h*h) = [1, 1, 1]
    assert grads == ["grad [1, 1, 1]", "grad [6, 12, 18]"]
    assert "retain_grads" not in d.text  # no note asking for them
    for n in muls:
        assert d.attr(n, "fillcolor") != "#ffffff"


def test_show_grads_before_backward_says_so():
    x = am.tensor([1.0], requires_grad=True)
    d = Dot(am.viz.to_dot((x * 2).sum(), show_grads=True))
    assert "no gradients yet" in d.text


def test_nan_gradient_is_black():
    x = am.tensor([0.0, 1.0], requires_grad=True)
    loss = x.sqrt().sum()
    with np.errstate(all="ignore"):
        loss.backward()
    d = Dot(am.viz.to_dot(loss, params={"x": x}, show_grads=True))
    assert d.attr(d.one("x"), "fillcolor") == _labels.NONFINITE_COLOUR[0]


# ---- saved arrays --------------------------------------------------------------------------------
def test_show_saved_lists_arrays_and_total_then_freed():
    a = am.randn(4, 3, requires_grad=True)
    b = am.randn(3, 5, requires_grad=True)
    out = (a @ b).sum()
    d = Dot(am.viz.to_dot(out, show_saved=True))
    lines = d.label(d.one("matmul"))
    assert "saved (4, 3) float32, 48 B" in lines and "saved (3, 5) float32, 60 B" in lines
    assert "Saved for backward: 108 B in 2 arrays." in d.text
    h = a.relu()
    shared = (h * h.exp()).sum()  # relu's output is saved by relu and by both multiplications
    d = Dot(am.viz.to_dot(shared, show_saved=True))
    assert "each array counted once" in d.text
    out.backward()
    d = Dot(am.viz.to_dot(out, show_saved=True))
    assert "saved: freed by backward" in d.label(d.one("matmul"))
    assert "freed by backward()" in d.text


# ---- modules: clusters and collapse ----------------------------------------------------------------
def scoped_mlp():
    """An MLP whose nodes carry module paths, as Module.__call__ records them."""
    x = am.randn(8, 2)
    x.name = "x"
    p = {"fc1.weight": am.randn(2, 16, requires_grad=True), "fc1.bias": am.zeros(16, requires_grad=True),
         "fc2.weight": am.randn(16, 3, requires_grad=True), "fc2.bias": am.zeros(3, requires_grad=True)}
    with module_scope("MLP.fc1"):
        h = x @ p["fc1.weight"] + p["fc1.bias"]
    with module_scope("MLP.act"):
        h = h.relu()
    with module_scope("MLP.fc2"):
        logits = h @ p["fc2.weight"] + p["fc2.bias"]
    loss = logits.log_softmax(dim=1)[:, 0].mean()
    return loss, p


def clusters(text: str) -> dict[str, tuple[str, list[str], int]]:
    """cluster label -> (parent label, titles of the nodes directly inside, nesting depth)."""
    found = {}
    stack: list[str] = []
    d = Dot(text)
    for line in text.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            stack.append("?")
        elif line.strip().startswith("graph [label=<") and stack:
            name = re.search(r"label=<<b>(.*?)</b>>", line).group(1)
            stack[-1] = name
            found[name] = (stack[-2] if len(stack) > 1 else None, [], len(stack))
        elif line.strip() == "}" and stack:
            stack.pop()
        else:
            m = NODE_RE.match(line)
            if m and stack:
                found[stack[-1]][1].append(d.title(m.group(1)))
    return found


def test_module_clusters_nest_and_hold_their_ops_and_parameters():
    loss, p = scoped_mlp()
    c = clusters(am.viz.to_dot(loss, params=p))
    assert set(c) == {"MLP", "fc1", "act", "fc2"}
    assert c["MLP"][0] is None and c["fc1"][0] == "MLP" and c["fc2"][0] == "MLP"
    assert sorted(c["fc1"][1]) == ["add", "fc1.bias", "fc1.weight", "matmul"]
    assert c["act"][1] == ["relu"]
    assert c["MLP"][1] == []  # the input x stays outside, like the loss ops


def test_depth_limits_cluster_nesting():
    loss, p = scoped_mlp()
    c = clusters(am.viz.to_dot(loss, params=p, depth=0))
    assert set(c) == {"MLP"}
    assert sorted(c["MLP"][1]) == sorted(["add", "add", "fc1.bias", "fc1.weight", "fc2.bias",
                                          "fc2.weight", "matmul", "matmul", "relu"])


def test_collapse_module_draws_one_box_per_submodule():
    loss, p = scoped_mlp()
    d = Dot(am.viz.to_dot(loss, params=p, collapse="module", depth=1))
    boxes = [n for n in d.nodes if d.attr(n, "shape") == "box3d"]
    assert sorted(d.title(n) for n in boxes) == ["act", "fc1", "fc2"]
    fc1, act, fc2 = d.one("fc1"), d.one("act"), d.one("fc2")
    assert d.label(fc1)[1:] == ["(8, 2) -> (8, 16)", "2 parameters, 48 values", "2 ops"]
    assert d.label(fc2)[1:] == ["(8, 16) -> (8, 3)", "2 parameters, 51 values", "2 ops"]
    assert not any(t.startswith("fc") and "." in t for t in map(d.title, d.nodes))  # absorbed
    assert d.inputs_of(fc1) == [d.one("x")]
    assert d.inputs_of(act) == [fc1] and d.inputs_of(fc2) == [act]
    edge_labels = [re.search(r"label=<[^>]*>", attrs).group() for s, _, attrs in d.edges if s == fc1]
    assert edge_labels == ["label=<(8, 16)>"]
    assert d.find("log_softmax(axis=1)")  # outside every module: still drawn as ops


def test_collapse_boxes_modules_without_submodules_above_the_depth():
    x = am.randn(4, 3, requires_grad=True)
    with module_scope("Net.blocks.0.fc"):
        h = x * 2.0
    with module_scope("Net"):  # an op of Net's own forward: Net has sub-modules, stays expanded
        h = h.relu()
    with module_scope("Net.head"):  # a module without sub-modules, above depth 2: one box
        h = h.sum(dim=1)
    with module_scope("MSELoss"):  # a loss module called on its own: one box
        loss = (h * h).mean()
    d = Dot(am.viz.to_dot(loss, collapse="module", depth=2))
    boxes = sorted(d.title(n) for n in d.nodes if d.attr(n, "shape") == "box3d")
    assert boxes == ["0", "MSELoss", "head"]
    assert d.find("relu")
    assert d.label(d.one("MSELoss"))[1:3] == ["(4,) -> scalar", f"output = {loss.item():.4g}"]
    assert d.attr(d.one("MSELoss"), "peripheries") == "2"  # the box holding the output is it


def test_collapse_depth_zero_is_one_box_for_the_model():
    loss, p = scoped_mlp()
    d = Dot(am.viz.to_dot(loss, params=p, collapse="module", depth=0, show_grads=True))
    boxes = [n for n in d.nodes if d.attr(n, "shape") == "box3d"]
    assert [d.title(n) for n in boxes] == ["MLP"]
    assert "4 parameters, 99 values" in d.label(boxes[0])


@needs_nn
def test_real_modules_record_scopes_clusters_and_collapse():
    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 16)
            self.act = nn.ReLU()
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    am.manual_seed(0)
    model = MLP()
    x = am.randn(8, 2)
    y = am.tensor(np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    loss = nn.CrossEntropyLoss()(model(x), y)
    c = clusters(am.viz.to_dot(loss, params=model))
    assert set(c) == {"MLP", "fc1: Linear", "act: ReLU", "fc2: Linear", "CrossEntropyLoss"}
    assert {"fc1.weight", "fc1.bias"} <= set(c["fc1: Linear"][1])
    assert c["fc1: Linear"][0] == "MLP"
    d = Dot(am.viz.to_dot(loss, params=model, collapse="module"))
    boxes = sorted(d.title(n) for n in d.nodes if d.attr(n, "shape") == "box3d")
    assert boxes == ["CrossEntropyLoss", "act: ReLU", "fc1: Linear", "fc2: Linear"]
    assert "(8, 2) -> (8, 16)" in d.label(d.one("fc1: Linear"))
    assert "2 parameters, 51 values" in d.label(d.one("fc2: Linear"))


# ---- truncation and size ---------------------------------------------------------------------------
def chain(n: int, x: am.Tensor) -> am.Tensor:
    y = x
    for _ in range(n):
        y = -y
    return y


def test_max_nodes_cuts_with_a_visible_node_that_counts_the_rest():
    x = am.tensor([1.0], requires_grad=True)
    y = chain(30, x) * 2.0  # 31 ops, 1 leaf, 1 constant
    d = Dot(am.viz.to_dot(y, max_nodes=10))
    assert "more" in d.nodes
    assert d.title("more") == f"... {33 - 10} more nodes"
    assert len(d.nodes) == 10 + 1  # drawn + the "more" node
    assert sum(1 for s, _, _ in d.edges if s == "more") == 1
    assert d.nodes["more"].count("dashed") == 1
    full = Dot(am.viz.to_dot(y))
    assert "more" not in full.nodes and len(full.nodes) == 33


def test_a_100000_op_graph_draws_without_recursion():
    x = am.tensor([1.0], requires_grad=True)
    y = chain(100_000, x)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len_stack() + 200)  # any recursion over the graph would fail
    try:
        text = am.viz.to_dot(y, max_nodes=200)
    finally:
        sys.setrecursionlimit(limit)
    d = Dot(text)
    assert d.title("more") == f"... {100_001 - 200:,} more nodes"
    assert len(d.nodes) == 201


def len_stack() -> int:
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1
    return n


def test_drawing_a_large_graph_without_max_nodes_warns():
    pytest.importorskip("graphviz")
    y = chain(am.viz.LARGE + 10, am.tensor([1.0], requires_grad=True))
    with pytest.warns(UserWarning, match="max_nodes"):
        am.viz.draw(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        am.viz.draw(y, max_nodes=100)


# ---- options ---------------------------------------------------------------------------------------
def test_rankdir_and_bad_options():
    a, b, loss = small_graph()
    assert "rankdir=LR" in am.viz.to_dot(loss, rankdir="LR")
    with pytest.raises(ValueError, match="rankdir"):
        am.viz.to_dot(loss, rankdir="sideways")
    with pytest.raises(ValueError, match="collapse"):
        am.viz.to_dot(loss, collapse="layers")
    with pytest.raises(ValueError, match="max_nodes"):
        am.viz.to_dot(loss, max_nodes=0)
    with pytest.raises(ValueError, match="depth"):
        am.viz.to_dot(loss, depth=-1)
    with pytest.raises(TypeError, match="outputs"):
        am.viz.to_dot(np.ones(3))
    with pytest.raises(TypeError, match=r"outputs\[1\]"):
        am.viz.to_dot([loss, 3.0])
    with pytest.raises(ValueError, match="empty"):
        am.viz.to_dot([])
    with pytest.raises(TypeError, match="params"):
        am.viz.to_dot(loss, params=[a, b])
    with pytest.raises(TypeError, match="highlight"):
        am.viz.to_dot(loss, highlight=3.5)


def test_highlight_by_tensor_node_name_and_predicate():
    a, b, loss = small_graph()
    h = a * b
    out = (h + 2.0).sum()
    p = {"a": a, "b": b}

    def red(text):
        d = Dot(text)
        return sorted(d.title(n) for n in d.nodes if d.attr(n, "color") == HIGHLIGHT)

    assert red(am.viz.to_dot(out, params=p, highlight=h)) == ["mul"]
    assert red(am.viz.to_dot(out, params=p, highlight=[h.grad_fn, "b"])) == ["b", "mul"]
    assert red(am.viz.to_dot(out, params=p, highlight=out)) == ["sum"]
    out.name = "total"
    assert red(am.viz.to_dot(out, params=p, highlight="total")) == ["sum"]
    by_type = am.viz.to_dot(
        out, params=p, highlight=lambda o: isinstance(o, am.autograd.Node) and o.name() == "AddBackward")
    assert red(by_type) == ["add"]
    d = Dot(am.viz.to_dot(out, params=p, highlight=[a, h]))
    assert [attrs for s, t, attrs in d.edges if s == d.one("a")] == [
        f'weight=4 color="{HIGHLIGHT}" penwidth=2']


# ---- determinism -----------------------------------------------------------------------------------
PROGRAM = textwrap.dedent("""
    import sys
    import numpy as np
    import autograd_mini as am
    from autograd_mini.autograd.record import set_scope
    am.manual_seed(0)
    _ = [am.ones(3, requires_grad=True) * 2 for _ in range(int(sys.argv[1]))]  # shifts counters
    x = am.randn(8, 2); x.name = "x"
    w1 = am.randn(2, 16, requires_grad=True); b1 = am.zeros(16, requires_grad=True)
    w2 = am.randn(16, 3, requires_grad=True)
    set_scope("MLP.fc1"); h = (x @ w1 + b1).relu()
    set_scope("MLP.fc2"); logits = h @ w2
    set_scope(None)
    loss = logits.log_softmax(dim=1)[:, 0].mean() + (w1 ** 2).sum() * 1e-3
    loss.name = "loss"
    p = {"w1": w1, "b1": b1, "w2": w2}
    parts = [am.viz.to_dot(loss, params=p, show_saved=True)]
    loss.backward(retain_grads=True)
    for kw in ({}, {"collapse": "module"}, {"max_nodes": 5}, {"rankdir": "LR"}):
        parts.append(am.viz.to_dot([loss, logits], params=p, show_grads=True, **kw))
    sys.stdout.buffer.write("\\n".join(parts).encode("utf-8"))
""")


def run_program(tmp_path: Path, warmup: int, hashseed: str) -> bytes:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, str(script), str(warmup)], capture_output=True,
                          env=env, check=True, timeout=300)
    return done.stdout


def test_same_program_draws_byte_identical_dot_in_fresh_processes(tmp_path):
    first = run_program(tmp_path, 0, "1")
    second = run_program(tmp_path, 0, "2")
    shifted = run_program(tmp_path, 7, "3")  # other nodes created first: same drawing
    assert first == second == shifted
    assert b"loss" in first and b"cluster_" in first and b"grad norm" in first


# ---- rendering -------------------------------------------------------------------------------------
def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()  # the SVG must parse
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@needs_dot
def test_render_svg_parses_and_contains_labels(tmp_path):
    loss, p = scoped_mlp()
    loss.backward(retain_grads=True)
    result = am.viz.render(loss, tmp_path / "mlp.svg", params=p, show_grads=True)
    assert os.fspath(result) == str(tmp_path / "mlp.svg")
    texts = svg_texts(tmp_path / "mlp.svg")
    for label in ("fc1.weight", "matmul", "relu", "log_softmax(axis=1)", "getitem[:, 0]",
                  "(8, 16)", "fc1", "grad norm", "vanishing < 1e-6", "exploding > 1e3"):
        assert label in texts, label
    assert result._repr_svg_().lstrip().startswith("<?xml")


@needs_dot
def test_draw_displays_inline_as_svg():
    pytest.importorskip("graphviz")
    a, b, loss = small_graph()
    bundle = am.viz.draw(loss, params={"a": a})._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg.encode()).iter(f"{SVG}text")]
    assert "a" in texts and "mul" in texts


@needs_dot
def test_render_png_with_dpi(tmp_path):
    loss, p = scoped_mlp()
    small = am.viz.render(loss, tmp_path / "a.png", params=p, collapse="module")
    big = am.viz.render(loss, tmp_path / "b.png", params=p, collapse="module", dpi=192)
    sizes = []
    for path in (small, big):
        data = Path(path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(struct.unpack(">II", data[16:24]))  # IHDR width, height
    assert sizes[1][0] > 1.8 * sizes[0][0] and sizes[1][1] > 1.8 * sizes[0][1]
    assert small._repr_png_()[:4] == b"\x89PNG"


@needs_dot
def test_render_pdf(tmp_path):
    a, b, loss = small_graph()
    am.viz.render(loss, tmp_path / "g.pdf")
    assert (tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"


def test_render_dot_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    a, b, loss = small_graph()
    am.viz.render(loss, tmp_path / "g.dot", params={"a": a})
    assert (tmp_path / "g.dot").read_text(encoding="utf-8") == am.viz.to_dot(loss, params={"a": a})


def test_render_without_dot_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    a, b, loss = small_graph()
    with pytest.raises(am.viz.GraphvizNotFoundError) as info:
        am.viz.render(loss, tmp_path / "g.png")
    message = str(info.value)
    for hint in ("apt", "brew", "conda", "to_dot"):
        assert hint in message
    assert not (tmp_path / "g.png").exists()


def test_render_argument_errors(tmp_path):
    a, b, loss = small_graph()
    with pytest.raises(ValueError, match="extension"):
        am.viz.render(loss, tmp_path / "g.jpeg")
    with pytest.raises(ValueError, match="dpi"):
        am.viz.render(loss, tmp_path / "g.svg", dpi=300)
    for dpi in (float("nan"), float("inf"), 0, -96, True, "300", 10_000):
        with pytest.raises(ValueError, match="finite number in"):
            am.viz.render(loss, tmp_path / "g.png", dpi=dpi)
        assert not (tmp_path / "g.png").exists()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        am.viz.render(loss, tmp_path / "missing" / "g.dot")
    with pytest.raises(TypeError, match="unknown option"):
        am.viz.render(loss, tmp_path / "g.dot", show_grad=True)


# ---- labels in plain text ----------------------------------------------------------------------------
def test_every_word_the_drawing_adds_is_ascii():
    # "‖·‖", "→", "…", "≥" rendered as blocks at 96 dpi in fonts without those glyphs.
    loss, p = scoped_mlp()
    texts = [am.viz.to_dot(loss, params=p, show_saved=True)]
    loss.backward(retain_grads=True)
    big = am.randn(20, requires_grad=True)
    out = (big * 2.0).sum()
    out.backward(retain_grads=True)
    for kw in ({}, {"collapse": "module"}, {"max_nodes": 4}, {"show_shapes": False}):
        texts.append(am.viz.to_dot([loss, out], params=p, show_grads=True, **kw))
    for text in texts:
        assert text.isascii(), sorted({c for c in text if not c.isascii()})
    assert "|grad| " in texts[1] and "->" in texts[2] and "... " in texts[3]


# ---- constants made inside ops -------------------------------------------------------------------
@needs_nn
def test_dropout_mask_is_labelled_as_such():
    am.manual_seed(0)
    x = am.randn(4, 8, requires_grad=True)
    loss = nn.functional.dropout(x, p=0.5, training=True).sum()
    loss.backward()  # frees the graph's saved arrays: the mask is no longer alive anywhere
    d = Dot(am.viz.to_dot(loss))
    mask = d.one("dropout mask")
    assert d.label(mask) == ["dropout mask", "(4, 8) float32"]
    assert "dashed" in d.attr(mask, "style")  # drawn as a constant
    assert d.inputs_of(d.one("mul")) == [d.one("input"), mask]
    assert not d.find("constant")
    # An unnamed temporary is still "constant"; a named one of one element shows its value
    y = am.randn(3, requires_grad=True)
    t = am.tensor([2.0, 3.0, 4.0]) + 0.0
    named = am.tensor(5.0) + 0.0
    named.name = "scale"
    out = ((y * t).sum() * named).sum()
    del t, named  # temporaries: only the graph's description of them remains
    out.backward()
    d = Dot(am.viz.to_dot(out))
    assert d.find("constant") and d.label(d.one("scale")) == ["scale", "scalar float32", "= 5"]


@needs_nn
def test_nll_loss_target_weights_are_labelled():
    x = am.randn(3, 4, requires_grad=True)
    loss = nn.functional.nll_loss(x.log_softmax(dim=1), am.tensor(np.array([0, 3, 1])))
    loss.backward()
    d = Dot(am.viz.to_dot(loss))
    assert d.label(d.one("-weight[target]"))[1] == "(3,) float32"


# ---- layout --------------------------------------------------------------------------------------
def demo_like_step():
    """The demo's graph in miniature: Linear, ReLU, Dropout, Linear modules, then the loss."""
    am.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(0.3), nn.Linear(5, 3))
    model.train()
    x = am.randn(4, 6)
    x.name = "images"
    y = am.tensor(np.array([0, 2, 1, 1]))
    y.name = "labels"
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward(retain_grads=True)
    return loss, model, (x, y)  # the caller holds the inputs, as a training loop does


@needs_nn
def test_the_main_line_of_ops_is_one_straight_group_read_top_to_bottom():
    loss, model, _inputs = demo_like_step()
    d = Dot(am.viz.to_dot(loss, params=model, show_grads=True))
    assert "rankdir=TB" in d.text and "ordering=in" in d.text
    trunk = [n for n in d.nodes if d.attr(n, "group") == "trunk"]
    assert [d.title(n) for n in trunk] == ["images", "linear", "relu", "mul", "linear",
                                           "cross_entropy"]
    weighted = [(s, t) for s, t, attrs in d.edges if "weight=4" in attrs]
    assert list(zip(trunk, trunk[1:])) == weighted  # each op continues the one above it
    # Entering a module whose parameters sit above its op: the edge spans two ranks
    long = {(d.title(s), d.title(t)) for s, t, attrs in d.edges if "minlen=2" in attrs}
    assert long == {("images", "linear"), ("relu", "mul"), ("mul", "linear"),
                    ("linear", "cross_entropy")}
    # Leaves are not on the main line
    assert all("weight=" not in attrs for s, _, attrs in d.edges if d.title(s).endswith("bias"))


def svg_boxes(path: Path) -> dict[str, tuple[float, float]]:
    """Node title (first text line) -> centre (x, y) of its shape, from Graphviz's SVG."""
    centres = {}
    for g in ET.parse(path).getroot().iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        texts = ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
        points = [p for shape in g.iter() if shape.tag in (f"{SVG}polygon", f"{SVG}path")
                  for p in re.findall(r"(-?[\d.]+),(-?[\d.]+)", shape.get("points") or
                                      shape.get("d") or "")]
        xs, ys = [float(x) for x, _ in points], [float(y) for _, y in points]
        centres.setdefault(texts[0], []).append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    return centres


@needs_dot
@needs_nn
@pytest.mark.parametrize("collapse", [None, "module"])
def test_rendered_graph_reads_top_to_bottom_in_a_straight_line(tmp_path, collapse):
    # The demo's graph used to zig-zag: each module's box sat beside the previous one.
    loss, model, _inputs = demo_like_step()
    am.viz.render(loss, tmp_path / "g.svg", params=model, show_grads=True, collapse=collapse)
    boxes = svg_boxes(tmp_path / "g.svg")
    if collapse is None:
        line = ["images", "linear", "relu", "mul", "linear", "cross_entropy"]
        centres = boxes["images"] + sorted(boxes["linear"], key=lambda c: c[1])[:1] + \
            boxes["relu"] + boxes["mul"] + sorted(boxes["linear"], key=lambda c: c[1])[1:] + \
            boxes["cross_entropy"]
    else:
        line = ["images", "0: Linear", "1: ReLU", "2: Dropout", "3: Linear", "cross_entropy"]
        centres = [boxes[t][0] for t in line]
    assert len(centres) == len(line)
    xs, ys = [c[0] for c in centres], [c[1] for c in centres]
    assert max(xs) - min(xs) < 1.0, list(zip(line, xs))  # one vertical line (points)
    assert ys == sorted(ys) and len(set(ys)) == len(ys), list(zip(line, ys))  # inputs on top


# ---- without Graphviz's dot program ------------------------------------------------------------
@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """A PATH without Graphviz's programs, as on a machine where it is not installed."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_drawing_shows_the_install_hint_in_a_notebook_without_dot(no_dot):
    graphviz = pytest.importorskip("graphviz")
    a, b, loss = small_graph()
    g = am.viz.draw(loss)
    assert isinstance(g, graphviz.Digraph) and g.source == am.viz.to_dot(loss)
    bundle = g._repr_mimebundle_()  # what Jupyter calls to show the object
    assert set(bundle) == {"text/plain", "text/html"}
    for text in (bundle["text/plain"], html.unescape(bundle["text/html"])):
        for hint in ("Graphviz", "'dot'", "apt install graphviz", "brew install graphviz",
                     "conda install", "to_dot"):
            assert hint in text, (hint, text)
        assert "Traceback" not in text and "ExecutableNotFound" not in text
    assert bundle["text/html"].startswith("<pre")
    assert g._repr_mimebundle_(include=["image/png"])["text/plain"] == bundle["text/plain"]


def test_drawing_through_ipython_display_without_dot(no_dot):
    pytest.importorskip("graphviz")
    formatters = pytest.importorskip("IPython.core.formatters")
    a, b, loss = small_graph()
    shown, _ = formatters.DisplayFormatter().format(am.viz.draw(loss))
    assert "apt install graphviz" in shown["text/plain"] and "image/svg+xml" not in shown


@pytest.mark.parametrize("call", ["pipe", "render", "view"])
def test_drawing_pipe_and_render_without_dot_raise_the_hint(no_dot, tmp_path, call):
    graphviz = pytest.importorskip("graphviz")
    a, b, loss = small_graph()
    g = am.viz.draw(loss)
    run = {"pipe": lambda: g.pipe(format="svg"),
           "render": lambda: g.render(tmp_path / "g", format="png"),
           "view": lambda: g.view(tmp_path / "v")}[call]
    with pytest.raises(am.viz.GraphvizNotFoundError, match="apt install graphviz") as info:
        run()
    assert isinstance(info.value, graphviz.ExecutableNotFound)  # graphviz's own except works
    assert info.value.__cause__ is None and info.value.__suppress_context__


@needs_dot
def test_drawing_with_dot_is_a_plain_digraph_picture():
    pytest.importorskip("graphviz")
    a, b, loss = small_graph()
    g = am.viz.draw(loss)
    assert set(g._repr_mimebundle_()) == {"image/svg+xml"}
    assert g.pipe(format="png")[:4] == b"\x89PNG"
