"""The next case number is one above every folder of the series, found without a regular
expression or a Path per folder (10,000 folders at a street office): the same answer as the
series' pattern for any folder names."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from xsk.workspace import numbering

_names = st.lists(
    st.one_of(
        st.from_regex(r"20(25|26)-[AB]?[0-9０-９٣]{1,5}", fullmatch=True),
        st.text(max_size=12),
    ),
    max_size=30,
)


@given(_names, st.sampled_from([2025, 2026]), st.sampled_from(["", "A", "B"]))
def test_the_top_number_is_what_the_pattern_finds(names, year, letter):
    pat = numbering.pattern(year, letter)
    expected = max((int(m.group(1)) for n in names if (m := pat.fullmatch(n))), default=0)
    assert numbering._top(names, year, letter) == expected


def test_next_id_over_folders(tmp_path: Path):
    cases = tmp_path / "cases"
    assert numbering.next_id(cases, 2026, "") == "2026-001"  # no folder yet
    for name in ("2026-001", "2026-009", "2026-B120", "2025-300", "2026-0012", "notes"):
        (cases / name).mkdir(parents=True)
    assert numbering.next_id(cases, 2026, "") == "2026-013"
    assert numbering.next_id(cases, 2026, "B") == "2026-B121"
    assert numbering.allocate(cases, [2026, 2025, 2026], "", {"2026-040"}) == [
        "2026-041",
        "2025-301",
        "2026-042",
    ]
