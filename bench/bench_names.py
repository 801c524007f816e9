"""Recall and precision of the name detector on ``bench/data/names.txt``.

Each line of the data file is a sentence in the style of the seed stories, with residents'
names marked ``[[张建国]]`` (they must be masked) and officials' or consenting people's names
marked ``{{王丽}}`` (they are the roster's allowed names and must stay). The markup is removed,
the sentence goes through the same scrubber public documents use (names only: the roster
gives the allowed names, no resident name is given to it), and:

* recall: the share of residents' names whose every character is inside a masked span;
* precision: the share of masked name spans that fall on a resident's name (a span on an
  official's name or on an ordinary word counts against it).

Usage: ``python bench/bench_names.py [--show]`` (``--show`` lists the misses and the false
alarms). Goal: recall >= 0.95, precision >= 0.8.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(__file__).resolve().parent / "data" / "names.txt"
_MARK = re.compile(r"\[\[(.+?)\]\]|\{\{(.+?)\}\}")


def parse(line: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]], set[str]]:
    """Plain sentence, residents' spans, officials' spans, officials' names."""
    out = []
    residents, officials = [], []
    names: set[str] = set()
    pos = 0
    last = 0
    for m in _MARK.finditer(line):
        out.append(line[last : m.start()])
        pos += m.start() - last
        name = m.group(1) or m.group(2)
        (residents if m.group(1) else officials).append((pos, pos + len(name)))
        if m.group(2):
            names.add(name)
        out.append(name)
        pos += len(name)
        last = m.end()
    out.append(line[last:])
    return "".join(out), residents, officials, names


def load(path: Path = DATA) -> list[tuple[str, list, list, set[str]]]:
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            rows.append(parse(line))
    return rows


def evaluate(rows, show: bool = False) -> dict[str, float]:
    from xsk.rules.scrub import Scrubber

    allowed = set().union(*(r[3] for r in rows))
    scrubber = Scrubber(allowed_names=allowed)
    gold = found = predicted = correct = 0
    for text, residents, _officials, _names in rows:
        spans = [(h.start, h.end) for h in scrubber.find(text) if h.kind == "name"]
        predicted += len(spans)
        gold += len(residents)
        for a, b in residents:
            if any(s <= a and b <= e for s, e in spans):
                found += 1
            elif show:
                print(f"漏检  {text[a:b]}\t{text}")
        for s, e in spans:
            if any(s < b and a < e for a, b in residents):
                correct += 1
            elif show:
                print(f"误检  {text[s:e]}\t{text}")
    return {
        "sentences": len(rows),
        "residents": gold,
        "recall": found / gold if gold else 1.0,
        "precision": correct / predicted if predicted else 1.0,
    }


def main(argv: list[str]) -> int:
    rows = load()
    t0 = time.perf_counter()
    from xsk.rules import names

    names.warm()
    t1 = time.perf_counter()
    result = evaluate(rows, show="--show" in argv)
    t2 = time.perf_counter()
    print(
        f"sentences {result['sentences']}, residents' names {result['residents']}: "
        f"recall {result['recall']:.3f}, precision {result['precision']:.3f} "
        f"(segmenter load {t1 - t0:.2f} s, scan {t2 - t1:.2f} s)"
    )
    ok = result["recall"] >= 0.95 and result["precision"] >= 0.8
    print("goal (recall >= 0.95, precision >= 0.8):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
