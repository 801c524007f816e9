"""Templates read once per process, and .docx packages assembled from their parts.

docxtpl opens the template with python-docx for every document: the whole package is unzipped
and about ten XML parts parsed, then all of them serialised and compressed again on save, although
only the body, the headers and footers and the core properties can change. Here a template is
read once per process (``prepare``): its parts are kept, the parts that never change are
compressed once, and docxtpl's preprocessing of each templated part is done once. Each document
then renders only the templated parts (``render``), with docxtpl's own steps in docxtpl's
order (``patch_xml``, Jinja, ``resolve_listing``, ``fix_tables``, ``fix_docpr_ids``), and writes
the package with ``write_zip``.

Documents with pictures (the report's charts) still go through docxtpl, which adds the media
parts; ``tests/test_render_fast.py`` checks that both ways give the same XML for every kind.
"""

from __future__ import annotations

import copy
import posixpath
import re
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_HEADER = _RT + "header"
RT_FOOTER = _RT + "footer"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# python-docx parses parts with this parser; docxtpl hands the result to Jinja, so the same
# settings give the same template source.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

ZIP_LEVEL = 1  # fast deflate: parts are small, and speed matters more than a few kilobytes


# --------------------------------------------------------------------------------------
# Zip writing
# --------------------------------------------------------------------------------------

# 1980-01-01 00:00:00, the earliest time a zip entry can carry: every entry gets it.
_DOS_TIME = 0
_DOS_DATE = (0 << 9) | (1 << 5) | 1
# What zipfile.writestr records (rw-------): keeps the committed templates byte-identical to
# those written with zipfile before.
_EXTERNAL_ATTR = 0o600 << 16


@dataclass(frozen=True)
class Compressed:
    """A zip entry's data, deflated once and reusable in any number of archives."""

    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, raw: bytes) -> Compressed:
        c = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
        return cls(zlib.crc32(raw), len(raw), c.compress(raw) + c.flush())


def entry_order(names: Sequence[str]) -> list[str]:
    """[Content_Types].xml and the package relationships first, the rest by name."""
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    return first + sorted(n for n in names if n not in first)


def write_zip(entries: Sequence[tuple[str, bytes | Compressed]]) -> bytes:
    """A deflated zip of ``entries`` in the given order, with constant timestamps and
    attributes, so that the same entries always give the same bytes."""
    out = bytearray()
    central = bytearray()
    for name, value in entries:
        comp = value if isinstance(value, Compressed) else Compressed.of(value)
        raw_name = name.encode("utf-8")
        flags = 0 if raw_name.isascii() else 0x800
        # flags, method, time, date, crc, compressed size, size, name length
        common = (flags, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, comp.crc, len(comp.data))
        common += (comp.size, len(raw_name))
        offset = len(out)
        # local header: version needed, the common fields, no extra field
        out += struct.pack("<4sH4H3LHH", b"PK\x03\x04", 20, *common, 0)
        out += raw_name
        out += comp.data
        # central directory: version made by and needed, the common fields, no extra field,
        # comment, disk or internal attributes; external attributes; offset of the header
        central += struct.pack(
            "<4s2H4H3LH4H2L", b"PK\x01\x02", 20, 20, *common, 0, 0, 0, 0, _EXTERNAL_ATTR, offset
        )
        central += raw_name
    start = len(out)
    out += central
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0
    )
    return bytes(out)


# --------------------------------------------------------------------------------------
# Templates read once
# --------------------------------------------------------------------------------------


@dataclass
class Part:
    """A templated XML part: its name and docxtpl's preprocessed source (one paragraph per
    line, as Jinja sees it)."""

    name: str
    source: str
    templated: bool


@dataclass
class PreparedTemplate:
    path: Path
    raw: dict[str, bytes]
    document: str  # the main part, e.g. word/document.xml
    core: str  # the core properties part, e.g. docProps/core.xml
    shell: Any  # the document element without its body
    body: Part
    others: list[Part]  # headers, footers and footnotes
    styles_root: Any
    compressed: dict[str, Compressed] = field(default_factory=dict)
    fixed: dict[tuple[str, bool], tuple[Compressed, Any]] = field(default_factory=dict)

    def compressed_raw(self, name: str) -> Compressed:
        found = self.compressed.get(name)
        if found is None:
            found = self.compressed[name] = Compressed.of(self.raw[name])
        return found


def _resolve(base_part: str, target: str) -> str:
    """Zip entry name of a relationship target, relative to the part that holds it."""
    if not target.startswith("/"):
        target = posixpath.join("/", posixpath.dirname(base_part), target)
    return posixpath.normpath(target).lstrip("/")


def _rels(raw: Mapping[str, bytes], part: str) -> list[tuple[str, str]]:
    """(type, target part) of the internal relationships of ``part`` ("" = the package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
    data = raw.get(rels_name)
    if data is None:
        return []
    out = []
    for rel in etree.fromstring(data, _PARSER).iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        out.append((rel.get("Type", ""), _resolve(part, rel.get("Target", ""))))
    return out


def _is_templated(xml: str) -> bool:
    return any(tag in xml for tag in ("{{", "{%", "{#"))


def prepare(path: Path, raw: Mapping[str, bytes], patch_xml: Callable[[str], str]) -> Any:
    """Read a template's parts once. None when the package is not one this fast path handles
    (no core properties part, say); the caller then uses docxtpl."""
    rels = _rels(raw, "")
    document = next((t for k, t in rels if k == RT_OFFICE_DOCUMENT), None)
    core = next((t for k, t in rels if k == RT_CORE), None)
    if document is None or core is None or document not in raw or core not in raw:
        return None
    root = etree.fromstring(raw[document], _PARSER)
    body = root.find(f"{{{W_NS}}}body")
    if body is None:
        return None
    source = etree.tostring(body, encoding="unicode")
    body_part = Part(document, with_lines(patch_xml(source)), True)
    shell = copy.deepcopy(root)
    shell.remove(shell.find(f"{{{W_NS}}}body"))

    doc_rels = _rels(raw, document)
    others: list[Part] = []
    names = [t for k, t in doc_rels if k in (RT_HEADER, RT_FOOTER)]
    ct = etree.fromstring(raw["[Content_Types].xml"], _PARSER)
    for o in ct.iter(f"{{{CT_NS}}}Override"):
        if o.get("ContentType") == CT_FOOTNOTES:
            names.append(o.get("PartName", "").lstrip("/"))
    for name in dict.fromkeys(names):
        if not raw.get(name):
            continue
        xml = etree.tostring(etree.fromstring(raw[name], _PARSER), encoding="unicode")
        patched = patch_xml(xml)
        others.append(Part(name, with_lines(patched), _is_templated(patched)))

    styles_name = next((t for k, t in doc_rels if k == _RT + "styles" and t in raw), None)
    styles_root = etree.fromstring(raw[styles_name], _PARSER) if styles_name else None
    return PreparedTemplate(
        path=path,
        raw=dict(raw),
        document=document,
        core=core,
        shell=shell,
        body=body_part,
        others=others,
        styles_root=styles_root,
    )


def with_lines(xml: str) -> str:
    """docxtpl's render_xml_part: one paragraph per line, so Jinja's line numbers say which
    paragraph has the error."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


# --------------------------------------------------------------------------------------
# Rendering one document
# --------------------------------------------------------------------------------------


class PartError(Exception):
    """Jinja failed on a part: carries the part and its source for the error message."""

    def __init__(self, part: Part, cause: Exception) -> None:
        super().__init__(str(cause))
        self.part = part
        self.cause = cause


def _render_part(
    part: Part, env: Any, context: Mapping[str, Any], resolve_listing: Callable[[str], str]
) -> str:
    try:
        xml = env.from_string(part.source).render(context)
    except Exception as exc:
        raise PartError(part, exc) from exc
    # with_lines undone (re.sub(r"\n<w:p([ >])", r"<w:p\1") in two plain replaces)
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return resolve_listing(xml)


def _serialize(root: Any) -> bytes:
    # python-docx's serialize_part_xml
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def render(
    prep: PreparedTemplate,
    context: Mapping[str, Any],
    *,
    env: Any,
    docxtpl_steps: Any,
    postprocess: Callable[[Any], None],
    core_xml: bytes,
    variant: bool,
    roots: dict[str, Any] | None = None,
) -> bytes:
    """The .docx bytes of one document. ``docxtpl_steps`` provides docxtpl's
    ``resolve_listing``, ``fix_tables`` and ``fix_docpr_ids``; ``postprocess`` normalises a
    part's XML root in place; ``variant`` keys the cache of parts without template tags (their
    output depends only on the post-processing). ``roots``, when given, receives the XML root
    of every part written from a tree (name -> root, as serialised: not to be changed)."""
    body_xml = _render_part(prep.body, env, context, docxtpl_steps.resolve_listing)
    body = docxtpl_steps.fix_tables(body_xml)
    docxtpl_steps.fix_docpr_ids(body)
    root = copy.deepcopy(prep.shell)
    root.append(body)
    postprocess(root)
    changed: dict[str, bytes | Compressed] = {
        prep.document: _serialize(root),
        prep.core: core_xml,
    }
    if roots is not None:
        roots[prep.document] = root
    for part in prep.others:
        key = (part.name, variant)
        if not part.templated and key in prep.fixed:
            changed[part.name], fixed_root = prep.fixed[key]
            if roots is not None:
                roots[part.name] = fixed_root
            continue
        xml = _render_part(part, env, context, docxtpl_steps.resolve_listing)
        part_root = etree.fromstring(xml.encode("utf-8"), _PARSER)
        postprocess(part_root)
        data = _serialize(part_root)
        if roots is not None:
            roots[part.name] = part_root
        if part.templated:
            changed[part.name] = data
        else:  # a part without tags comes out the same for every document: compressed once
            changed[part.name] = Compressed.of(data)
            prep.fixed[key] = (changed[part.name], part_root)
    entries: list[tuple[str, bytes | Compressed]] = []
    for name in entry_order(list(prep.raw)):
        new = changed.get(name)
        entries.append((name, new if new is not None else prep.compressed_raw(name)))
    return write_zip(entries)


# --------------------------------------------------------------------------------------
# Core properties
# --------------------------------------------------------------------------------------

_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

# (element, key in the values) in python-docx's order of writing them
_CORE_FIELDS = [
    ("dc:title", "title"),
    ("dc:subject", "subject"),
    ("dc:creator", "author"),
    ("cp:keywords", "keywords"),
    ("dc:description", "comments"),
    ("cp:lastModifiedBy", "last_modified_by"),
    ("cp:revision", "revision"),
    ("dcterms:created", "created"),
    ("dcterms:modified", "modified"),
    ("cp:category", "category"),
    ("dc:identifier", "identifier"),
    ("dc:language", "language"),
    ("cp:contentStatus", "content_status"),
    ("cp:version", "version"),
    ("cp:lastPrinted", "last_printed"),
]


_CORE_HEAD = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<cp:coreProperties"
    + b"".join(f' xmlns:{k}="{v}"'.encode() for k, v in _CORE_NS.items())
    + b">"
)
# text lxml writes as it is apart from & < > (anything else, \r say, goes through lxml)
_PLAIN_TEXT = re.compile("[\n\t\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


def core_properties_xml(values: Mapping[str, Any]) -> bytes:
    """docProps/core.xml with ``values`` (keys as python-docx's CoreProperties attributes;
    datetimes written as W3CDTF in UTC, like python-docx). Written as text, byte for byte
    what :func:`core_properties_tree_xml` serialises (that one is used for text with
    characters lxml escapes or refuses)."""
    out = [_CORE_HEAD]
    for tag, key in _CORE_FIELDS:
        value = values.get(key, "")
        attr = ""
        if hasattr(value, "strftime"):
            if tag.startswith("dcterms:"):
                attr = ' xsi:type="dcterms:W3CDTF"'
            text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            text = str(value)
        if not _PLAIN_TEXT.fullmatch(text):
            return core_properties_tree_xml(values)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(f"<{tag}{attr}>{text}</{tag}>".encode())
    out.append(b"</cp:coreProperties>")
    return b"".join(out)


def core_properties_tree_xml(values: Mapping[str, Any]) -> bytes:
    """:func:`core_properties_xml` built and serialised with lxml."""
    root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)
    for tag, key in _CORE_FIELDS:
        prefix, local = tag.split(":")
        el = etree.SubElement(root, f"{{{_CORE_NS[prefix]}}}{local}")
        value = values.get(key, "")
        if hasattr(value, "strftime"):
            if tag.startswith("dcterms:"):
                el.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
            el.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            el.text = str(value)
    return _serialize(root)
