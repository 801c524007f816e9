"""The README's pictures: each one it names exists, is a page-sized PNG of modest size, and
none lies unused in docs/img (they are made by tools/make_readme_images.py)."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_readme_pictures_exist_and_are_modest() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    named = re.findall(r"!\[([^\]]+)\]\((docs/img/[^)]+\.png)\)", readme)
    assert len(named) >= 4
    for caption, rel in named:
        path = ROOT / rel
        assert path.is_file(), rel
        assert path.stat().st_size <= 250_000, (rel, path.stat().st_size)
        with Image.open(path) as img:
            width, height = img.size
        # a whole A4 page at a readable resolution (about 110 dpi)
        assert width >= 800 and abs(height / width - 297 / 210) < 0.02, (rel, img.size)
        assert caption.strip(), rel
    unused = {p.name for p in (ROOT / "docs" / "img").glob("*.png")} - {
        Path(rel).name for _, rel in named
    }
    assert not unused, unused
