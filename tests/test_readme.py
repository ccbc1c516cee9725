"""Every Python code block in README.md and in the docs pages (docs/*.md) runs, so neither can
drift from the code. Each page runs its blocks in order, in one namespace of its own. Blocks
fenced as ```py are shown only (fragments of the library's source)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(), flags=re.S | re.M)


def test_readme_starts_with_the_two_commands():
    text = README.read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands[:2] == ["make demo", "make test"]
    ci = (README.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_readme_and_docs_have_python_blocks():
    assert _python_blocks(README)
    assert sum(len(_python_blocks(page)) for page in PAGES) >= 10


def test_readme_links_to_files_that_exist():
    links = re.findall(r"\]\(((?:docs|notebooks|examples)/[^)#\s]+|LICENSE)[)#]", README.read_text())
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_python_blocks_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files (am.save)
    namespace: dict = {"__name__": "docs"}
    for number, block in enumerate(_python_blocks(page)):
        try:
            exec(compile(block, f"{page.name} python block {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{page.name} python block {number} failed: {exc!r}\n{block}")
