"""The API reference: every public name has a docstring, the site builds in strict mode, and the
docstrings' examples run (doctest)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pathlib
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The namespaces the API reference documents (docs/api/*.md). Each lists its public names in
# __all__; a module without one contributes the public functions and classes it defines.
NAMESPACES = [
    "autograd_mini",
    "autograd_mini.autograd",
    "autograd_mini.autograd.functional",
    "autograd_mini.func",
    "autograd_mini.cuda",
    "autograd_mini.nn",
    "autograd_mini.nn.functional",
    "autograd_mini.nn.init",
    "autograd_mini.nn.utils",
    "autograd_mini.optim",
    "autograd_mini.optim.lr_scheduler",
    "autograd_mini.utils.data",
    "autograd_mini.testing",
    "autograd_mini.viz",
    "autograd_mini.linalg",
    "autograd_mini.onnx",
]


def _modules_with_examples() -> list[str]:
    """The package's modules whose source holds a `>>>` example (found without importing)."""
    package = ROOT / "autograd_mini"
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py") if ">>>" in path.read_text(encoding="utf-8"))


# The modules whose docstrings hold `>>>` examples that doctest runs.
DOCTEST_MODULES = _modules_with_examples()


def _ours(obj: object) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith("autograd_mini")


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [n for n, v in vars(module).items() if not n.startswith("_")
            and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == module.__name__]


def _public_objects(module: types.ModuleType) -> list[tuple[str, object]]:
    """(name, object) of the module's public names, leaving out the submodules it imports on
    first use and the names whose optional dependency is missing (am.testing's hypothesis
    strategies)."""
    lazy = getattr(module, "_LAZY_SUBMODULES", ())
    found = []
    for name in _public_names(module):
        if name in lazy:
            continue  # a submodule imported on first use: a namespace of its own
        try:
            found.append((name, getattr(module, name)))
        except ImportError:
            continue
    return found


def _member_doc(value: object) -> tuple[bool, str | None]:
    """(is a documentable member, its own docstring) for a class attribute."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        return True, value.__doc__ or (value.fget.__doc__ if value.fget else None)
    if inspect.isfunction(value):
        return True, value.__doc__
    return False, None


def _class_members(cls: type) -> list[tuple[str, str | None]]:
    """(qualified name, own docstring) of the public methods and properties of `cls` and of its
    bases defined in autograd_mini; an override needs its own docstring (no inheriting)."""
    found = []
    for klass in cls.__mro__:
        if not _ours(klass):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            member, doc = _member_doc(value)
            if member:
                found.append((f"{klass.__module__}.{klass.__qualname__}.{name}", doc))
    return found


def missing_docstrings() -> list[str]:
    """'qualified.name' of every public function, class, method and property without a
    docstring, in the documented namespaces."""
    import autograd_mini  # noqa: F401

    seen: dict[str, str | None] = {}
    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        for _name, obj in _public_objects(module):
            if isinstance(obj, types.ModuleType) or not _ours(obj):
                continue  # submodules are namespaces of their own; dtypes, constants are NumPy's
            if inspect.isclass(obj):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj.__doc__
                seen.update(_class_members(obj))
            elif callable(obj) and hasattr(obj, "__qualname__"):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj.__doc__
    return sorted(name for name, doc in seen.items() if not (doc and doc.strip()))


def test_every_public_name_has_a_docstring():
    missing = missing_docstrings()
    assert not missing, f"{len(missing)} public names have no docstring:\n  " + "\n  ".join(missing)


def test_the_check_sees_a_missing_docstring(monkeypatch):
    """The coverage check can fail: a public method without a docstring is reported."""
    from autograd_mini.optim import Optimizer

    monkeypatch.setattr(Optimizer.zero_grad, "__doc__", None)
    assert "autograd_mini.optim.optimizer.Optimizer.zero_grad" in missing_docstrings()


@pytest.mark.parametrize("module_name", DOCTEST_MODULES)
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # (detect_anomaly's example)
def test_docstring_examples_run(module_name):
    import autograd_mini as am

    try:
        module = importlib.import_module(module_name)
    except ImportError as err:  # an optional dependency (hypothesis, graphviz) is missing
        pytest.skip(f"{module_name} cannot be imported here: {err}")
    default_dtype = am.get_default_dtype()
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    try:
        for test in finder.find(module, module_name, globs={"am": am}):
            am.manual_seed(0)  # (examples that draw random numbers start from the same seed)
            runner.run(test, out=report.append)
    finally:
        am.set_default_dtype(default_dtype)
    assert runner.tries > 0, f"{module_name}: no example found"
    assert runner.failures == 0, "".join(report)


def test_doctests_can_fail():
    """A wrong expected output in an example is reported as a failure."""
    import autograd_mini as am

    def wrong():
        """>>> am.tensor([1.0, 2.0]).sum()
        tensor(4.)
        """

    test = doctest.DocTestFinder().find(wrong, globs={"am": am})[0]
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _: None)
    assert runner.failures == 1


def _documented_paths() -> set[str]:
    """The `::: path` directives of the API pages."""
    return {line.split(":::", 1)[1].strip() for page in (ROOT / "docs" / "api").glob("*.md")
            for line in page.read_text(encoding="utf-8").splitlines() if line.startswith(":::")}


def test_api_pages_cover_every_public_name():
    """Each public function and class of the namespaces has an entry in docs/api/*.md (by its
    public path, its defining module's path, or its whole module's)."""
    documented = _documented_paths()
    missing = []
    for module_name in NAMESPACES:
        module = importlib.import_module(module_name)
        for name, obj in _public_objects(module):
            if isinstance(obj, types.ModuleType) or not _ours(obj) or not (
                    inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            paths = {f"{module_name}.{name}", f"{obj.__module__}.{obj.__qualname__}"}
            if module_name != "autograd_mini":
                paths.add(module_name)
            if not paths & documented:
                missing.append(f"{module_name}.{name}")
    assert not missing, "not in the API reference (docs/api/*.md):\n  " + "\n  ".join(missing)


def test_mkdocs_build_is_strict_and_clean(tmp_path):
    for module in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python", "material"):
        pytest.importorskip(module, reason=f"{module} is not installed: pip install "
                            "'autograd_mini[docs]' to build the API reference")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, "mkdocs build warned:\n" + "\n".join(warnings)
    assert (tmp_path / "site" / "api" / "tensor" / "index.html").is_file()
