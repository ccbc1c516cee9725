"""Write names.txt from the first-name lists of the `names` package (1990 US Census data).

    pip download names==0.3.0 --no-deps -d /tmp/names_pkg
    tar xzf /tmp/names_pkg/names-0.3.0.tar.gz -C /tmp/names_pkg
    python examples/data/make_names.py /tmp/names_pkg/names-0.3.0/names

Each list line is "NAME frequency cumulative rank"; the names are lower-cased, kept only when
they are made of the letters a-z, de-duplicated (a name on both lists is kept once, where it first
appears: female list first, then male), in the lists' order (most frequent first).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LISTS = ("dist.female.first", "dist.male.first")


def read_names(folder: Path) -> list[str]:
    """The first names of both census lists, lower-case a-z only, de-duplicated, in order."""
    seen: dict[str, None] = {}
    for list_name in LISTS:
        for line in (folder / list_name).read_text(encoding="ascii").splitlines():
            if not line.strip():
                continue
            name = line.split()[0].lower()
            if re.fullmatch(r"[a-z]+", name):
                seen.setdefault(name, None)
    return list(seen)


def main(argv: list[str]) -> None:
    folder = Path(argv[0])
    names = read_names(folder)
    out = Path(__file__).with_name("names.txt")
    out.write_text("\n".join(names) + "\n", encoding="ascii")
    print(f"wrote {len(names)} names to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
