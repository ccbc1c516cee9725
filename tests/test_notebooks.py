"""The notebook course in notebooks/: every notebook runs top to bottom, and is stored clean.

- Each notebook is executed with nbclient in a fresh kernel running *this* Python
  (`sys.executable`, whatever kernel specs the user has installed) with the checkout's
  `autograd_mini` first on the path, in a temporary working directory, one BLAS thread. Any cell
  error fails the test, and so does anything written to stderr (a warning a student would see).
- The pictures the course promises are there: the plots (PNG) in 01 and 03, the drawn graph (SVG)
  in 02; and 02 also runs without Graphviz's `dot` program, showing the install hint instead.
- The stored notebooks have no outputs and no execution counts (`notebooks/strip_outputs.py`
  strips them), so git diffs show only what was written.

Running needs the `dev` extra's nbclient, nbformat and ipykernel (skipped with a message without
them), plus the `demo` extra's matplotlib, scikit-learn and graphviz that the notebooks use.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import autograd_mini as am

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COURSE = ["01_derivatives", "02_graphs", "03_mlp_digits", "04_custom_function"]
# What each notebook imports beyond autograd_mini and NumPy (the `demo` extra).
NEEDS = {"01_derivatives": ["matplotlib"], "02_graphs": ["graphviz"],
         "03_mlp_digits": ["matplotlib", "sklearn"], "04_custom_function": []}
DOT_HINT = "install graphviz"  # in am.viz's hint for a missing `dot`, compared in lower case


def _load_strip_outputs() -> Any:
    spec = importlib.util.spec_from_file_location("strip_outputs", NOTEBOOKS / "strip_outputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


# ---- the stored notebooks (no Jupyter needed) ---------------------------------------------------

def test_the_course_is_the_four_notebooks():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == COURSE


@pytest.mark.parametrize("name", COURSE)
def test_stored_without_outputs(name):
    nb = _read(name)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{name} has no code cells"
    dirty = [k for k, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{name}.ipynb is stored with outputs or execution counts in cells "
                       f"{dirty}; run: python notebooks/strip_outputs.py")
    # explanations between the code: a course, not a script
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= len(code) // 2


@pytest.mark.parametrize("name", COURSE)
def test_strip_outputs_leaves_stored_notebooks_unchanged(name):
    stripper = _load_strip_outputs()
    nb = _read(name)
    assert stripper.strip(json.loads(json.dumps(nb))) == nb


def test_strip_outputs_removes_outputs_and_counts(tmp_path):
    stripper = _load_strip_outputs()
    nb = _read("01_derivatives")
    for k, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = k + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
        cell["metadata"]["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert stripper.main(["--check", str(path)]) == 1        # reports it, changes nothing
    assert json.loads(path.read_text(encoding="utf-8")) == nb
    assert stripper.main([str(path)]) == 0                   # strips it
    assert stripper.main(["--check", str(path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == _read("01_derivatives")


# ---- running them ---------------------------------------------------------------------------------

def _need_jupyter() -> None:
    for module in ("nbclient", "nbformat", "ipykernel"):
        pytest.importorskip(module, reason=f"running the notebooks needs {module} (the 'dev' "
                                           "extra: pip install nbclient nbformat ipykernel)")


def _this_python_kernel() -> type:
    """A kernel manager that starts ipykernel on sys.executable, not on whichever interpreter a
    user-level 'python3' kernel spec names: the notebooks test the Python the tests run on."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name=f"Python {sys.version_info[0]}.{sys.version_info[1]} "
                                           "(the tests' interpreter)", language="python")

    return ThisPythonKernelManager


def _kernel_env(without_dot: bool) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    env.pop("MPLBACKEND", None)  # ipykernel then picks matplotlib's inline backend
    package_root = str(Path(am.__file__).resolve().parents[1])  # the autograd_mini under test
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    if without_dot:  # only the interpreter's own folder: no Graphviz `dot` to be found
        env["PATH"] = str(Path(sys.executable).parent)
    return env


def _execute(name: str, workdir: Path, without_dot: bool = False) -> Any:
    """Run the notebook in a fresh kernel; nbclient raises CellExecutionError on a cell's error."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=600, startup_timeout=180,
                            kernel_manager_class=_this_python_kernel(),
                            resources={"metadata": {"path": str(workdir)}})
    client.execute(env=_kernel_env(without_dot), cwd=str(workdir))
    return nb


def _outputs(nb: Any) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def _mime_types(nb: Any) -> set[str]:
    return {mime for out in _outputs(nb) for mime in out.get("data", {})}


def _stderr(nb: Any) -> str:
    return "".join(out.get("text", "") for out in _outputs(nb)
                   if out.output_type == "stream" and out.name == "stderr")


def _text(nb: Any) -> str:
    parts = []
    for out in _outputs(nb):
        parts.append(out.get("text", ""))
        parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "".join(parts)


@pytest.mark.parametrize("name", COURSE)
def test_notebook_runs(name, tmp_path):
    _need_jupyter()
    for module in NEEDS[name]:
        pytest.importorskip(module, reason=f"{name} needs {module} (the 'demo' extra)")
    if name == "02_graphs" and shutil.which("dot") is None:
        pytest.skip("02_graphs draws with Graphviz's `dot`, which is not installed "
                    "(test_graph_notebook_without_dot covers that case)")
    nb = _execute(name, tmp_path)
    assert not _stderr(nb), f"{name} wrote to stderr (a warning the student sees):\n{_stderr(nb)}"
    images = _mime_types(nb)
    if name in ("01_derivatives", "03_mlp_digits"):
        assert "image/png" in images, f"{name} showed no plot (outputs: {sorted(images)})"
    if name == "02_graphs":
        assert "image/svg+xml" in images, f"02_graphs drew no graph (outputs: {sorted(images)})"
        assert DOT_HINT not in _text(nb).lower()
    if name == "03_mlp_digits":
        assert "validation accuracy" in _text(nb)


def test_graph_notebook_without_dot(tmp_path):
    """Without Graphviz installed, every cell of 02 still runs and shows how to install it."""
    _need_jupyter()
    pytest.importorskip("graphviz", reason="02_graphs needs the graphviz package (the 'viz' extra)")
    nb = _execute("02_graphs", tmp_path, without_dot=True)
    assert DOT_HINT in _text(nb).lower(), "the missing `dot` program was not explained"
    assert "image/svg+xml" not in _mime_types(nb)
    assert "ExecutableNotFound" not in _text(nb) + _stderr(nb)
