"""The package's modules import downward only: no import cycle, except the one late-bound edge.

Layers, bottom up: dtypes, grad mode, the clock and shape helpers -> tensor (the class) -> node
and recording -> engine -> primitives (the registry) -> ops (argument checking, composites) ->
nn, optim, viz, testing. The one upward edge is Tensor's methods calling `ops` (tensor.py imports
ops at its bottom), as PyTorch's Tensor methods call into torch. Every import statement counts,
inside functions too (an import moved into a function is still a cycle); imports under
`if TYPE_CHECKING:` do not, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autograd_mini"
ALLOWED_LATE_EDGE = ("autograd_mini.tensor", "autograd_mini.ops")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if _is_type_checking_block(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom,
             modules: dict[str, Path]) -> set[str]:
    """The package modules an import statement loads explicitly (not their parent packages)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    out = set()
    for alias in node.names:  # `from pkg import submodule` loads the submodule itself
        if f"{source}.{alias.name}" in modules:
            out.add(f"{source}.{alias.name}")
        elif source in modules:
            out.add(source)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _imports(tree):
            edges |= _targets(name, is_package, node, modules)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        iters = [iter(sorted(graph[start]))]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_the_package_has_no_import_cycle_beyond_the_allowed_late_edge() -> None:
    graph = import_graph()
    source, target = ALLOWED_LATE_EDGE
    assert target in graph[source], "the late edge moved: update ALLOWED_LATE_EDGE and the docs"
    graph[source] = graph[source] - {target}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_layers_below_ops_never_import_it() -> None:
    """Recording, the engine and the primitives are below the checking layer: VJPs call
    primitives, ufuncs and Tensor operations, never `ops` directly."""
    graph = import_graph()
    for low in ("autograd_mini.autograd.node", "autograd_mini.autograd.record",
                "autograd_mini.autograd.function", "autograd_mini.autograd.engine",
                "autograd_mini.primitives", "autograd_mini._dtypes", "autograd_mini._grad_mode"):
        assert "autograd_mini.ops" not in graph[low], f"{low} imports ops"


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": set(), "c": {"c2"}, "c2": {"c"}}, ["c", "c2", "c"]),
    ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
])
def test_the_cycle_finder_finds_cycles(graph: dict, cycle: list | None) -> None:
    assert find_cycle(graph) == cycle


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    tree = ast.parse("def f():\n    from . import ops\nif TYPE_CHECKING:\n    from . import nn\n")
    modules = {"autograd_mini.ops": Path(), "autograd_mini.nn": Path()}
    found = set()
    for node in _imports(tree):
        found |= _targets("autograd_mini.tensor", False, node, modules)
    assert found == {"autograd_mini.ops"}
