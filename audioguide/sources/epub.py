"""EPUB 2 and 3 books (.epub): the spine's chapters as one HTML page, read by the HTML reader.

An EPUB is a zip of XHTML chapters with a package document (OPF) saying
their order. The book is read as a reader's app shows it:

* ``META-INF/container.xml`` names the OPF; its ``dc:title`` is the title
  (the ``main`` title of an EPUB 3 with several; not a file name or slug such
  as "developers-reference", where the first heading says it better), given to the HTML reader
  as a web page gives it (``<title>`` and an ``<h1>`` above the text), with
  ``dc:language`` and the first ``dc:creator``;
* the spine gives the reading order; each chapter's ``<body>`` becomes one
  ``<section>`` of a single HTML page, read by
  :func:`audioguide.sources.html.parse_html_text` (the same rules as any web
  page), so the book's own headings make its tracks;
* the navigation (the EPUB 3 nav document's ``toc``, else the EPUB 2 NCX)
  names the chapters: a chapter without a heading of its own gets its
  navigation label as one, and a navigation entry pointing at a paragraph
  that carries its label (a bold "1.1 For the impatient") makes that
  paragraph the heading it is; levels follow the navigation's nesting;
* the navigation also says where a reader can jump to: in a chapter it
  points inside (by ``#fragment``), a heading it leaves out (a story's
  "CHAPTER I" under the story it lists, a Sphinx book's fourth-level
  headings below its ``tocdepth``) is a sub-heading, spoken in its chapter
  and a place a long one is split, never a track of its own;
* links between chapters become links inside the one page (``#id``), so a
  contents page in the spine is what it is, a list of links to the page's
  own headings, for the reader's contents rule; a page the guide or the
  landmarks call the contents, and that is links and little else, is given
  to the reader as a table of contents (listed, not read);
* not read: the navigation documents themselves, the cover (the guide's or
  landmarks' cover, or a chapter that is only an image), items marked
  ``linear="no"``, page lists and the page-break numbers they point at, note
  reference numbers, and anything that is not XHTML; a title page
  (marked as one, or a short page before the first chapter that the
  navigation names with the book's title) is read as the introduction's
  text, its headings not tracks.

Only the standard library's zipfile (through :mod:`audioguide.sources.container`,
with its zip-bomb limits) and lxml are used: ebooklib is AGPL.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from lxml.html import builder as E

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.sources.container import (
    ZipContainer,
    member_path,
    metadata_title,
    open_container,
    read_converted,
    with_article,
)

logger = logging.getLogger(__name__)

KIND = "EPUB book"
MIMETYPE = "application/epub+zip"

_CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_OPS = "{http://www.idpf.org/2007/ops}"
_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}
_HEADINGS = {f"h{n}" for n in range(1, 7)}
_WORD_RE = re.compile(r"\w+")
TITLE_PAGE_MAX_WORDS = 150  # a title page is a few lines; a chapter named like the book is not one
CONTENTS_OWN_WORDS = 20  # a contents page says little besides its links ("Table of Contents")


@dataclass
class _NavEntry:
    label: str
    path: str
    fragment: str
    depth: int
    level: int | None = None  # the heading level it resolved to


@dataclass
class _Item:
    path: str
    body: Any  # the chapter's <body>, namespace-free, as lxml.html elements
    section_id: str
    title_page: bool = False
    headings: list[Any] = field(default_factory=list)
    ids: dict[str, Any] | None = None  # id -> element, made when the navigation first points inside


@dataclass
class _Package:
    """What the OPF, the navigation and the guide say about the book."""

    opf: str
    title: str | None
    language: str | None
    author: str | None
    spine: list[tuple[str, str]]  # (member path, manifest properties) in reading order
    navigation: list[_NavEntry]
    skip: set[str]  # cover, nav and contents documents named as such
    contents: set[str]  # pages the guide or landmarks call the contents: dropped (listed) if only links
    title_pages: set[str]
    titles: set[str]  # the book's title as the package and the NCX give it (keys), to know a title page


def parse_epub(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a .epub file into a :class:`Document` (its spine as one HTML page, through the HTML reader)."""
    return parse_epub_container(open_container(path, kind=KIND), keep_furniture=keep_furniture)


def parse_epub_container(container: ZipContainer, *, keep_furniture: bool = False) -> Document:
    return read_converted(epub_html(container), container, keep_furniture=keep_furniture)


def epub_html(container: ZipContainer) -> str:
    """The book's reading order as one HTML page (``<title>`` dc:title, one ``<section>`` per chapter)."""
    package = _package(container)
    items = _items(container, package)
    if not items:
        raise SourceError(f"{container.name}: the book's spine holds no chapter with text")
    _link_inside(items)
    _name_chapters(items, package.navigation)
    _mark_unlisted(items, package.navigation)
    head = E.HEAD(E.META(charset="utf-8"))
    main = E.MAIN()
    if package.title:  # as a web page gives its title: <title>, and an <h1> above the text
        head.append(E.TITLE(package.title))
        main.append(E.H1(package.title))
    if package.author:
        head.append(E.META(name="author", content=package.author))
    html = E.HTML(head, E.BODY(main))
    if package.language:
        html.set("lang", package.language)
    for item in items:
        section = item.body
        section.tag = "section"
        section.attrib.clear()
        section.set("id", item.section_id)
        if item.path in package.contents and _only_links(section):
            section.tag = "nav"
            section.set("class", "toc")
        if item.title_page:  # its lines are the introduction's text, not tracks
            for heading in section.iter(*_HEADINGS):
                heading.tag = "p"
        main.append(section)
    return "<!DOCTYPE html>" + lxml.html.tostring(html, encoding="unicode")


# --------------------------------------------------------------------------- package


def _package(container: ZipContainer) -> _Package:
    """What the OPF, the navigation and the guide say about the book."""
    name = container.name
    opf_path = _opf_path(container)
    opf = _xml(container.read(opf_path, what=f"the package document ({opf_path})"), name, opf_path)
    metadata = opf.find(f"{_OPF}metadata")
    if metadata is None:
        metadata = opf.find(".//{*}metadata")
    title = metadata_title(_title(metadata))
    manifest, outside = _manifest(opf, opf_path)
    spine_element = opf.find(f"{_OPF}spine")
    if spine_element is None:
        raise SourceError(f"{name}: damaged {KIND} (its package document {opf_path} has no spine)")
    package = _Package(
        opf=opf_path,
        title=title,
        language=_first_text(metadata, f"{_DC}language"),
        author=_first_text(metadata, f"{_DC}creator"),
        spine=_spine(spine_element, manifest, outside, name),
        navigation=[],
        skip=set(),
        contents=set(),
        title_pages=set(),
        titles={_key(title or "")},
    )
    for reference in opf.iter(f"{_OPF}reference"):  # EPUB 2's guide
        _mark(
            package, (reference.get("type") or "").lower(), member_path(opf_path, reference.get("href", ""))
        )
    nav_doc = next((path for path, _, props in manifest.values() if "nav" in props), None)
    if nav_doc:
        package.skip.add(nav_doc)
        package.navigation, landmarks = _nav_document(container, nav_doc)
        for kind, path in landmarks:
            if path != nav_doc:
                _mark(package, kind.replace("titlepage", "title-page"), path)
    ncx = manifest.get(spine_element.get("toc", ""))
    ncx_path = ncx[0] if ncx else next((p for p, m, _ in manifest.values() if m.endswith("dtbncx+xml")), None)
    if ncx_path and container.has(ncx_path):
        entries, ncx_title = _ncx(container, ncx_path)
        package.navigation = package.navigation or entries
        package.titles.add(_key(ncx_title))
    package.titles.discard("")
    return package


def _opf_path(container: ZipContainer) -> str:
    """The package document META-INF/container.xml names."""
    name = container.name
    if container.has("mimetype"):
        kind = container.read("mimetype", limit=256).decode("ascii", "replace").strip()
        if kind and kind != MIMETYPE:
            raise SourceError(f"{name}: not {with_article(KIND)} (its mimetype is {kind})")
    if not container.has("META-INF/container.xml"):
        raise SourceError(f"{name}: not {with_article(KIND)} (it has no META-INF/container.xml)")
    root = _xml(container.read("META-INF/container.xml"), name, "META-INF/container.xml")
    for rootfile in root.iter(f"{_CONTAINER_NS}rootfile"):
        media = rootfile.get("media-type", "application/oebps-package+xml")
        path = (
            member_path("", rootfile.get("full-path", "").lstrip("/")) if rootfile.get("full-path") else None
        )
        if media == "application/oebps-package+xml" and path:
            return path
    raise SourceError(f"{name}: not {with_article(KIND)} (META-INF/container.xml names no package document)")


def _manifest(opf: Any, opf_path: str) -> tuple[dict[str, tuple[str, str, set[str]]], set[str]]:
    """id -> (member path, media type, properties); and the ids whose href leaves the book
    (a URL, "../../etc/passwd"), which are never opened."""
    manifest: dict[str, tuple[str, str, set[str]]] = {}
    outside: set[str] = set()
    for item in opf.iter(f"{_OPF}item"):
        ident, href = item.get("id"), item.get("href", "")
        if not ident:
            continue
        path = member_path(opf_path, href) if href else None
        if path:
            manifest[ident] = (path, item.get("media-type", ""), set((item.get("properties") or "").split()))
        else:
            outside.add(ident)
    return manifest, outside


def _spine(
    spine: Any, manifest: dict[str, tuple[str, str, set[str]]], outside: set[str], name: str
) -> list[tuple[str, str]]:
    """The reading order: (member path, manifest properties) of each linear XHTML item."""
    order: list[tuple[str, str]] = []
    for itemref in spine.iter(f"{_OPF}itemref"):
        idref = itemref.get("idref", "")
        if idref in outside:
            raise SourceError(f"{name}: damaged {KIND} (the spine's {idref!r} points outside the book)")
        if idref not in manifest:
            raise SourceError(f"{name}: damaged {KIND} (the spine names {idref!r}, which the manifest lacks)")
        path, media, props = manifest[idref]
        if (itemref.get("linear") or "yes").lower() != "no" and media in _XHTML_TYPES:
            order.append((path, " ".join(sorted(props))))
    return order


def _mark(package: _Package, kind: str, path: str | None) -> None:
    """A guide reference or landmark: a cover is skipped, a contents page listed, a title page
    read as the introduction."""
    if not path:
        return
    if kind == "cover":
        package.skip.add(path)
    elif kind == "toc":
        package.contents.add(path)
    elif kind == "title-page":
        package.title_pages.add(path)


def _title(metadata: Any) -> str | None:
    """dc:title; of several (EPUB 3: main title, subtitle), the one refined as "main", else the first."""
    if metadata is None:
        return None
    titles = [(t.get("id"), " ".join("".join(t.itertext()).split())) for t in metadata.iter(f"{_DC}title")]
    titles = [(ident, text) for ident, text in titles if text]
    if not titles:
        return None
    for meta in metadata.iter(f"{_OPF}meta"):
        if meta.get("property") == "title-type" and (meta.text or "").strip() == "main":
            wanted = (meta.get("refines") or "").lstrip("#")
            for ident, text in titles:
                if ident == wanted:
                    return text
    return titles[0][1]


def _first_text(metadata: Any, tag: str) -> str | None:
    if metadata is None:
        return None
    for element in metadata.iter(tag):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return None


def _nav_document(container: ZipContainer, path: str) -> tuple[list[_NavEntry], list[tuple[str, str]]]:
    """The EPUB 3 nav document's ``toc`` entries, and its landmarks (type, path)."""
    root = _xhtml(container.read(path, what=f"the navigation document ({path})"), container.name, path)
    entries: list[_NavEntry] = []
    landmarks: list[tuple[str, str]] = []
    for nav in root.iter("nav"):
        kind = (nav.get("epub-type") or "").split()
        if "toc" in kind and not entries:
            for ol in nav.findall("ol"):
                _nav_list(ol, path, 1, entries)
        elif "landmarks" in kind:
            for link in nav.iter("a"):
                target = member_path(path, link.get("href", ""))
                for landmark in (link.get("epub-type") or "").split():
                    if target:
                        landmarks.append((landmark.lower(), target))
    return entries, landmarks


def _nav_list(ol: Any, base: str, depth: int, out: list[_NavEntry]) -> None:
    for li in ol.findall("li"):
        link = li.find("a")
        if link is not None and link.get("href"):
            label = " ".join(link.text_content().split())
            target = member_path(base, link.get("href", ""))
            if label and target:
                out.append(_NavEntry(label, target, urlsplit(link.get("href", "")).fragment, depth))
        for sub in li.findall("ol"):
            _nav_list(sub, base, depth + 1, out)


def _ncx(container: ZipContainer, path: str) -> tuple[list[_NavEntry], str]:
    """The EPUB 2 NCX's navMap entries (page lists are not read), and its docTitle."""
    root = _xml(container.read(path, what=f"the table of contents ({path})"), container.name, path)
    doc_title = " ".join((root.findtext(f"{_NCX}docTitle/{_NCX}text") or "").split())
    nav_map = root.find(f"{_NCX}navMap")
    entries: list[_NavEntry] = []
    if nav_map is None:
        return entries, doc_title
    stack = [(point, 1) for point in reversed(nav_map.findall(f"{_NCX}navPoint"))]
    while stack:
        point, depth = stack.pop()
        label = " ".join("".join(point.findtext(f"{_NCX}navLabel/{_NCX}text") or "").split())
        content = point.find(f"{_NCX}content")
        src = content.get("src", "") if content is not None else ""
        target = member_path(path, src) if src else None
        if label and target:
            entries.append(_NavEntry(label, target, urlsplit(src).fragment, depth))
        stack.extend((child, depth + 1) for child in reversed(point.findall(f"{_NCX}navPoint")))
    return entries, doc_title


# --------------------------------------------------------------------------- chapters


def _items(container: ZipContainer, package: _Package) -> list[_Item]:
    """The chapters to read, in spine order, each once."""
    items: list[_Item] = []
    seen: set[str] = set()
    labels: dict[str, str] = {}
    for entry in package.navigation:
        labels.setdefault(entry.path, entry.label)
    front_matter = True  # no chapter longer than a title page read yet
    for path, props in package.spine:
        if path in seen or path in package.skip or "nav" in props.split():
            continue
        seen.add(path)
        if not container.has(path):
            raise SourceError(f"{container.name}: damaged {KIND} (the spine names {path}, which is missing)")
        root = _xhtml(container.read(path, what=f"the chapter {path}"), container.name, path)
        body = root.find("body")
        if body is None or _is_cover(body):
            continue
        _drop_markers(body)
        words = len(_WORD_RE.findall(body.text_content()))
        front_matter = front_matter and words <= TITLE_PAGE_MAX_WORDS
        title_page = path in package.title_pages or (
            front_matter and len(package.spine) > 1 and _names_book(labels.get(path, ""), package.titles)
        )
        item = _Item(path, body, f"epub-{len(items) + 1}", title_page)
        item.headings = list(body.iter(*_HEADINGS))
        items.append(item)
    return items


# Marks for the eye: printed page numbers (a page list's targets) and note reference numbers.
_MARKERS = {"pagebreak", "noteref", "doc-pagebreak", "doc-noteref"}


def _drop_markers(body: Any) -> None:
    """Remove page-break and note-reference marks (their text is a number); what follows them stays."""
    marks = [
        e
        for e in body.iter()
        if isinstance(e.tag, str) and _MARKERS & {*(e.get("epub-type") or "").split(), e.get("role") or ""}
    ]
    for mark in marks:
        mark.drop_tree()


def _only_links(body: Any) -> bool:
    """Whether a page is links and little else: a contents page by what it is. A page the guide
    calls the contents may also be the title page with the copyright (Sphinx's index.xhtml): its
    own text is read, and the reader's rules find the contents in it."""
    linked = sum(len(_WORD_RE.findall(a.text_content())) for a in body.iter("a") if a.get("href"))
    words = len(_WORD_RE.findall(body.text_content()))
    return words - linked <= max(CONTENTS_OWN_WORDS, words // 10)


def _names_book(label: str, titles: set[str]) -> bool:
    """Whether a navigation label names the book ("Calibre Kurzanleitung" for "Kurzanleitung")."""
    key = f" {_key(label)} "
    return any(f" {title} " in key for title in titles)


def _is_cover(body: Any) -> bool:
    """A chapter that is only a picture (the cover), or that says it is the cover."""
    types = {t for e in (body, *body) for t in (e.get("epub-type") or "").split()}
    if "cover" in types:
        return True
    if " ".join(body.text_content().split()):
        return False
    return any(e.tag in ("img", "svg", "image", "object") for e in body.iter())


def _link_inside(items: list[_Item]) -> None:
    """Links between chapters become links inside the one page: "ch2.xhtml#s1" -> "#s1"."""
    sections = {item.path: item.section_id for item in items}
    for item in items:
        for link in item.body.iter("a"):
            href = link.get("href")
            if not href or href.startswith("#"):
                continue
            target = member_path(item.path, href)
            if target in sections:
                fragment = urlsplit(href).fragment
                link.set("href", f"#{fragment}" if fragment else f"#{sections[target]}")


def _name_chapters(items: list[_Item], navigation: list[_NavEntry]) -> None:
    """Headings from the navigation where a chapter lacks its own (see the module docstring)."""
    by_path = {item.path: item for item in items}
    levels = [int(h.tag[1]) for item in items for h in item.headings]
    top = min(levels) if levels else 1
    named: set[str] = set()
    parents: list[_NavEntry] = []  # the entries above the current one, by depth
    for entry in navigation:
        while parents and parents[-1].depth >= entry.depth:
            parents.pop()
        item = by_path.get(entry.path)
        if item is not None and not item.title_page:
            entry.level = _place(entry, item, parents, top, named)
        parents.append(entry)


def _place(entry: _NavEntry, item: _Item, parents: list[_NavEntry], top: int, named: set[str]) -> int | None:
    """Give ``entry``'s target its heading; the level of the heading it has or was given."""
    above = next((p for p in reversed(parents) if p.level is not None), None)
    level = (above.level + entry.depth - above.depth) if above else top + entry.depth - 1
    level = max(1, min(level, 6))
    if not entry.fragment:
        if item.headings:
            return int(item.headings[0].tag[1])
        if item.path in named:
            return None
        named.add(item.path)
        heading = lxml.html.Element(f"h{level}")
        heading.text = entry.label
        heading.tail = item.body.text
        item.body.text = None
        item.body.insert(0, heading)
        item.headings.insert(0, heading)
        return level
    if item.ids is None:
        item.ids = {e.get("id"): e for e in item.body.iter() if isinstance(e.tag, str) and e.get("id")}
    target = item.ids.get(entry.fragment)
    if target is None:
        return None
    if target.tag in _HEADINGS:
        return int(target.tag[1])
    inner = next(iter(target.iter(*_HEADINGS)), None)
    if inner is not None:
        return int(inner.tag[1])
    block = target
    if target.tag == "a" and not target.text_content().strip():
        block = target.getparent()  # an empty anchor: the paragraph it opens
    if block is None or block.tag not in ("p", "div") or _key(block.text_content()) != _key(entry.label):
        return None
    if any(
        child.tag in ("p", "div", "ul", "ol", "table", "section")
        for child in block.iter()
        if child is not block
    ):
        return None
    block.tag = f"h{level}"
    item.headings.append(block)
    return level


def _mark_unlisted(items: list[_Item], navigation: list[_NavEntry]) -> None:
    """Headings the navigation does not name, in chapters it points inside, become sub-headings.

    A heading is named when an entry points at it, at an element it opens
    (a ``<section>``'s first heading) or at an anchor just before it, or when
    its words are in an entry's label ("190" and "A FOUR-LEAVED CLOVER" for
    "190 A FOUR-LEAVED CLOVER"). A chapter the navigation names only as a
    whole says nothing about its headings: they stay as they are.
    """
    from audioguide.sources.headings import without_section_number
    from audioguide.sources.html.page import SUBHEADING_MARK

    entries: dict[str, list[_NavEntry]] = {}
    for entry in navigation:
        entries.setdefault(entry.path, []).append(entry)
    for item in items:
        listed = entries.get(item.path, [])
        if item.title_page or not any(e.fragment for e in listed) or not item.headings:
            continue
        if item.ids is None:
            item.ids = {e.get("id"): e for e in item.body.iter() if isinstance(e.tag, str) and e.get("id")}
        order = {element: n for n, element in enumerate(item.body.iter())}
        headings = sorted(item.headings, key=lambda h: order.get(h, -1))
        named: set[Any] = set()
        for entry in listed:
            target = item.ids.get(entry.fragment) if entry.fragment else item.body
            if target is None:
                continue
            at = order.get(target, -1)
            named.add(next((h for h in headings if order.get(h, -1) >= at), None))
        labels = [f" {_key(e.label)} " for e in listed]
        for heading in headings:
            words = _key(without_section_number(" ".join(heading.text_content().split())))
            if heading in named or not words or any(f" {words} " in label for label in labels):
                continue
            heading.set(SUBHEADING_MARK, "1")


# --------------------------------------------------------------------------- XML


def _xml(data: bytes, name: str, member: str) -> Any:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise SourceError(f"{name}: damaged {KIND} ({member}: {exc})") from None


def _xhtml(data: bytes, name: str, member: str) -> Any:
    """A chapter as an lxml.html tree without namespaces (``epub:type`` becomes ``epub-type``).

    Parsed as XML (self-closing ``<a/>`` and ``<div/>`` as written); a chapter that is not
    well-formed XML (HTML entities such as ``&nbsp;`` without a DTD) is parsed as HTML.
    """
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError:
        try:
            page = lxml.html.document_fromstring(data)
        except (lxml.etree.ParserError, ValueError) as exc:
            raise SourceError(f"{name}: damaged {KIND} ({member}: {exc})") from None
        for element in page.iter():  # the HTML parser keeps "epub:type" as written
            if isinstance(element.tag, str) and element.get("epub:type") is not None:
                element.set("epub-type", element.attrib.pop("epub:type"))
        return page
    return lxml.html.document_fromstring(_html_text(root))


def _html_text(root: Any) -> str:
    """An XHTML tree as HTML text: tags and attributes without namespaces."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = lxml.etree.QName(element).localname
        for key in list(element.attrib):
            if key.startswith("{"):
                value = element.attrib.pop(key)
                local = lxml.etree.QName(key).localname
                if key.startswith(_OPS):
                    element.set(f"epub-{local}", value)
                elif local == "lang":
                    element.set("lang", value)
    lxml.etree.cleanup_namespaces(root)
    return lxml.etree.tostring(root, method="html", encoding="unicode")


def _key(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.casefold()))
