"""WordprocessingML names and the GB/T 9704-2012 page and font constants the renderer uses."""

from __future__ import annotations

# Fonts (GB/T 9704-2012).
FONT_BODY = "仿宋_GB2312"
FONT_LATIN = "Times New Roman"
BODY_SIZE_HALF_POINTS = 32  # 3号 = 16 pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Text block width in twips: 210 mm - 28 mm - 26 mm = 156 mm.
TEXT_WIDTH_TWIPS = 8844
