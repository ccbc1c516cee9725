"""The package as an index would see it: wheel and sdist built with `python -m build`, their file
lists and metadata, and the sdist's own test suite collecting from an unpacked copy.

Skipped, with the reason, where `build` or setuptools >= 77 is missing (both are in the `dev` extra,
so `make test` has them)."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

import autograd_mini as am

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("build", reason="python -m build is in the 'dev' extra")
setuptools = pytest.importorskip("setuptools")
if int(setuptools.__version__.split(".")[0]) < 77:
    pytest.skip(f"setuptools {setuptools.__version__} < 77 cannot build a license expression",
                allow_module_level=True)


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the dev extra's setuptools builds offline. Building the wheel from the sdist
    # (build's default) also proves the sdist is complete enough to build.
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "-o", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _sdist_names(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as tar:
        return {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}


def _tracked(pattern: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern))


def test_version_has_one_source(dists) -> None:
    assert f"autograd_mini-{am.__version__}-" in dists["wheel"].name
    assert dists["sdist"].name == f"autograd_mini-{am.__version__}.tar.gz"
    assert installed_version("autograd_mini") == am.__version__
    # The [project] table (tomllib is 3.11+): no static version, a dynamic one.
    project = (ROOT / "pyproject.toml").read_text().split("[project]\n")[1].split("\n[")[0]
    assert not re.search(r"^version\s*=", project, re.M)
    assert re.search(r'^dynamic = \["version"\]', project, re.M)


def test_wheel_holds_the_package_license_and_typing_marker_only(dists) -> None:
    with zipfile.ZipFile(dists["wheel"]) as whl:
        names = set(whl.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = whl.read(info).decode()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"autograd_mini", f"autograd_mini-{am.__version__}.dist-info"}, tops
    assert "autograd_mini/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    # The pytest plugin is opt-in: no pytest11 entry point that would load it into every run.
    assert not any(n.endswith("entry_points.txt") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    for line in ("License-Expression: MIT", "Requires-Python: >=3.10", "Requires-Dist: numpy",
                 "Project-URL: Issues", "Classifier: Programming Language :: Python :: 3.10",
                 "Provides-Extra: viz", "Provides-Extra: testing", "Provides-Extra: demo",
                 "Provides-Extra: dev", "Author: The autograd_mini developers"):
        assert line in metadata, line


def test_sdist_holds_what_its_tests_and_readme_need(dists) -> None:
    names = _sdist_names(dists["sdist"])
    needed = ["LICENSE", "README.md", "Makefile", "pyproject.toml", "MANIFEST.in", "mkdocs.yml",
              ".ci/run", *_tracked("docs/*.md"), *_tracked("docs/api/*.md"),
              *_tracked("notebooks/*.ipynb"),
              "scripts/ensure-graphviz.sh", "tests/conftest.py", "tests/README.md",
              *_tracked("tests/test_*.py"), *_tracked("tests/op_rules*.py"),
              *_tracked("examples/*.py"), *_tracked("examples/gradcheck_suite/*.py"),
              *_tracked("benchmarks/*.py")]
    readme_images = re.findall(r"\]\((docs/[^)\s]+)\)", (ROOT / "README.md").read_text())
    assert readme_images, "README shows no docs/ image: update this test"
    missing = [name for name in [*needed, *readme_images] if name not in names]
    assert not missing, f"the sdist lacks {missing}"
    junk = [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith(
        (".venv/", "out/", "benchmarks/results/", ".git/"))]
    assert not junk, f"the sdist carries generated files: {junk[:10]}"


def _collected(folder: Path) -> dict[str, str]:
    """{test module: number of tests} that pytest collects in `folder` (-q twice, with addopts:
    one "file: count" line per module; modules skipped whole, e.g. without torch, are absent)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider"], cwd=folder, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dict(re.findall(r"^(tests/test_\w+\.py): (\d+)$", done.stdout, re.M))


def test_unpacked_sdist_collects_its_whole_test_suite(dists, tmp_path) -> None:
    with tarfile.open(dists["sdist"]) as tar:
        tar.extractall(tmp_path, filter="data")
    (src,) = tmp_path.iterdir()
    from_sdist = _collected(src)
    assert from_sdist and all(int(n) > 0 for n in from_sdist.values())
    assert from_sdist == _collected(ROOT)  # the same tests as the checkout, module by module
