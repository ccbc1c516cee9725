"""Strip outputs and execution counts from notebooks, so git stores only what was written.

    python notebooks/strip_outputs.py              # every notebook in notebooks/
    python notebooks/strip_outputs.py a.ipynb ...  # the ones named
    python notebooks/strip_outputs.py --check      # list unstripped notebooks, exit 1 if any

Run it before committing a notebook you executed. Needs only the standard library (notebooks are
JSON); the result is written the way Jupyter writes notebooks (indent 1, a final newline).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Cell metadata that Jupyter and nbclient add when running a cell: timings, scroll state.
RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove outputs, execution counts and run metadata from a notebook (a dict, in place).

    Args:
        nb: the notebook as parsed JSON (nbformat 4).

    Returns:
        The same dict, for chaining.
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        metadata = cell.get("metadata", {})
        for key in RUN_METADATA:
            metadata.pop(key, None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def _dumps(nb: dict[str, Any]) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Strip the notebooks named in argv (default: all in notebooks/); 1 if --check finds work."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list the notebooks that need stripping, exit 1 if any")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(HERE.glob("*.ipynb"))
    unstripped = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        stripped = _dumps(strip(json.loads(text)))
        if stripped == text:
            continue
        unstripped.append(path)
        if not args.check:
            path.write_text(stripped, encoding="utf-8")
    verb = "needs stripping" if args.check else "stripped"
    for path in unstripped:
        print(f"{path}: {verb}")
    return 1 if args.check and unstripped else 0


if __name__ == "__main__":
    sys.exit(main())
