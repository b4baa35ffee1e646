"""The score of `make mutation`, module by module, from `mutmut results --all true` on stdin.

A surviving mutant is either a gap in the tests or a change nobody could observe; the second kind
is written down, with the reason, in tests/mutation_equivalents.md. This prints the score and
exits 1 when a mutant survives that the file does not explain, or one "no tests" mutant appears
that it does not list, so that neither kind is forgotten.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

EXPLAINED = Path(__file__).with_name("mutation_equivalents.md")
# "    kpis.rules.status.x_judge__mutmut_3: survived"
LINE = re.compile(r"^\s*(?P<name>[\w.ǁ]+__mutmut_\d+): (?P<status>.+)$")
COLUMNS = ["killed", "survived", "equivalent", "no tests", "timeout", "not checked", "other"]


def module_of(name: str) -> str:
    # kpis.rules.status.x_judge__mutmut_3 and kpis.reads.summary.xǁCountsǁadd__mutmut_1: the part before x_/xǁ.
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]


def explained_names() -> set[str]:
    """Names in backticks: one mutant (`..._mutmut_3`), or every mutant of a function
    (`..._mutmut_*`), for code that no test under mutmut can reach at all."""
    return set(re.findall(r"`([\w.ǁ]+__mutmut_(?:\d+|\*))`", EXPLAINED.read_text(encoding="utf-8")))


def is_explained(name: str, explained: set[str]) -> bool:
    return name in explained or name.rsplit("_", 1)[0] + "_*" in explained


def main() -> int:
    explained = explained_names()
    by_module: dict[str, Counter] = defaultdict(Counter)
    unexplained: list[str] = []
    for line in sys.stdin:
        match = LINE.match(line)
        if not match:
            continue
        name, status = match["name"], match["status"].strip()
        column = status if status in COLUMNS else "other"
        if status in ("survived", "no tests") and is_explained(name, explained):
            column = "equivalent" if status == "survived" else "no tests"
        elif status in ("survived", "no tests"):
            unexplained.append(f"{status}: {name}")
        by_module[module_of(name)][column] += 1
    width = max((len(m) for m in by_module), default=6)
    print(f"{'module':<{width}}  " + "  ".join(f"{c:>11}" for c in COLUMNS))
    total: Counter = Counter()
    for module in sorted(by_module):
        total.update(by_module[module])
        print(f"{module:<{width}}  " + "  ".join(f"{by_module[module][c]:>11}" for c in COLUMNS))
    print(f"{'total':<{width}}  " + "  ".join(f"{total[c]:>11}" for c in COLUMNS))
    if unexplained:
        print(f"\n{len(unexplained)} not explained in {EXPLAINED.name} (see `mutmut show NAME`):")
        print("\n".join(f"  {u}" for u in unexplained))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
