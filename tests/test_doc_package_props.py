"""Package parts of every built-in template (and so of every document): app.xml names xsk and
carries no page count; settings.xml's w:zoom has the w:percent ISO 29500 requires."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from xsk.documents.docx import builtin_templates_dir

TEMPLATES = sorted(builtin_templates_dir().glob("*.docx"))
EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_app_and_settings_parts(path) -> None:
    with zipfile.ZipFile(path) as z:
        app = etree.fromstring(z.read("docProps/app.xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
    assert app.findtext(f"{EP}Application") == "xsk"
    assert app.find(f"{EP}Pages") is None and app.find(f"{EP}Words") is None
    assert b"Macintosh" not in etree.tostring(app)
    zooms = list(settings.iter(f"{W}zoom"))
    assert zooms and all(z.get(f"{W}percent") == "100" for z in zooms)


def test_every_kind_has_a_template() -> None:
    assert {p.stem for p in TEMPLATES} >= {
        "registration", "notice", "signin", "minutes", "result",
        "responsibility", "reply", "visit", "report",
    }  # fmt: skip
