"""What a library holds: its guides' sources, from the command line or a ``library.yaml``.

A SOURCE of ``audioguide library`` is an article file (``.txt``, ``.md``,
``.html``), a guide script (``.yaml``), an ``http(s)://`` URL, a folder (its
article files and guide scripts, not its subfolders, in name order), or a
``library.yaml``::

    title: Riverside Clinic audio guides
    publisher: Riverside Clinic
    base_url: https://clinic.example/audio/    # where site/ is published
    formats: [tracks, single, captions, web, phone, podcast, qr]
    hold: {gap_ms: 2000, max_seconds: 600, repeat_opening: true}
    guides:
      - knee-care.txt                 # relative to library.yaml
      - source: https://clinic.example/blog/back-pain
        slug: back-pain               # its folder: site/back-pain/ (default: from the title)
        faq: single                   # per-guide settings: faq, announce, rate, formats
        rate: 0.9

Every problem is one line naming the file and the guide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audioguide.errors import AudioguideError
from audioguide.library.state import RESERVED
from audioguide.model.settings import FaqMode, HoldProgramme, check_base_url, number_problem
from audioguide.sources.load import DOCUMENT_SUFFIXES, GUIDE_SUFFIXES, is_url
from audioguide.text import slug as text_slug
from audioguide.text import strip_controls

LIBRARY_FILE_NAMES = {"library.yaml", "library.yml"}
ARTICLE_SUFFIXES = DOCUMENT_SUFFIXES | GUIDE_SUFFIXES
TOP_KEYS = ("title", "publisher", "base_url", "formats", "hold", "guides")
GUIDE_KEYS = ("source", "slug", "faq", "announce", "rate", "formats")
HOLD_KEYS = ("gap_ms", "max_seconds", "max_bytes", "repeat_opening")


class LibraryError(AudioguideError):
    """A library source or library.yaml is unusable."""


@dataclass(frozen=True)
class GuideEntry:
    """One guide of the library: where its text comes from, and its own settings."""

    source: str  # a path (absolute) or a URL: the guide's identity in library.json
    slug: str | None = None  # asked-for folder name
    overrides: dict[str, Any] = field(default_factory=dict)  # by setting name: faq_mode, announce, rate
    formats: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Catalog:
    """Every guide asked for, and the library's own settings (None: not said)."""

    guides: tuple[GuideEntry, ...]
    title: str | None = None
    publisher: str | None = None
    base_url: str | None = None
    formats: tuple[str, ...] | None = None
    hold: HoldProgramme = HoldProgramme()


def _folder_sources(folder: Path) -> list[GuideEntry]:
    found = [
        path
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path.suffix.lower() in ARTICLE_SUFFIXES
        and path.name.lower() not in LIBRARY_FILE_NAMES
        and not path.name.startswith(".")
    ]
    if not found:
        raise LibraryError(f"{folder}: no article files (.txt, .md, .html, .yaml) in this folder")
    return [GuideEntry(str(path.resolve())) for path in found]


def _formats(value: Any, where: str) -> tuple[str, ...]:
    from audioguide.exporters.registry import parse_formats

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LibraryError(f"{where}: formats must be a list of format names")
    try:
        return parse_formats(",".join(value), published=True)
    except AudioguideError as exc:
        raise LibraryError(f"{where}: {exc}") from None


def _guide(item: Any, folder: Path, name: str, number: int) -> GuideEntry:
    where = f"{name}: guide {number}"
    if isinstance(item, str):
        item = {"source": item}
    if not isinstance(item, dict):
        raise LibraryError(f"{where}: must be a source (file, folder or URL) or a mapping with source:")
    _refuse_unknown_keys(item, GUIDE_KEYS, where)
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise LibraryError(f"{where}: source: must be a file or a URL")
    source = source.strip()
    if not is_url(source):
        path = Path(source).expanduser()
        path = path if path.is_absolute() else folder / path
        source = str(path.resolve())  # a missing file fails that guide alone, when it is built
    where = f"{where} ({source})"
    slug = item.get("slug")
    if slug is not None and (not isinstance(slug, str) or text_slug(slug, 60) != slug):
        raise LibraryError(f"{where}: slug must be lower-case letters, digits and hyphens, like 'knee-care'")
    if slug in RESERVED:
        raise LibraryError(f"{where}: slug '{slug}' is the site's own ({', '.join(sorted(RESERVED))})")
    overrides: dict[str, Any] = {}
    if "faq" in item:
        try:
            overrides["faq_mode"] = FaqMode(str(item["faq"]).lower()).value
        except ValueError:
            raise LibraryError(f"{where}: faq must be each or single") from None
    if "announce" in item:
        if not isinstance(item["announce"], bool):
            raise LibraryError(f"{where}: announce must be true or false")
        overrides["announce"] = item["announce"]
    if "rate" in item:
        problem = number_problem("voice.rate", item["rate"])
        if problem:
            raise LibraryError(f"{where}: rate {problem}")
        overrides["rate"] = float(item["rate"])
    formats = _formats(item["formats"], where) if "formats" in item else None
    return GuideEntry(source, slug, overrides, formats)


def read_library_file(path: Path) -> Catalog:
    """A ``library.yaml``, checked."""
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise LibraryError(f"{name}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise LibraryError(f"{name}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LibraryError(
            f"{name}{line}: invalid YAML: {' '.join(str(getattr(exc, 'problem', exc)).split())}"
        ) from None
    if not isinstance(data, dict):
        raise LibraryError(f"{name}: must be a mapping with guides: (a list of sources)")
    _refuse_unknown_keys(data, TOP_KEYS, name)
    guides = data.get("guides")
    if not isinstance(guides, list) or not guides:
        raise LibraryError(f"{name}: guides: must be a list of sources, one at least")
    folder = path.resolve().parent
    entries = []
    for number, item in enumerate(guides, 1):
        if isinstance(item, str) and not is_url(item) and (folder / item).is_dir():
            entries += _folder_sources(folder / item)
        else:
            entries.append(_guide(item, folder, name, number))
    slugs: dict[str, str] = {}
    for entry in entries:
        if entry.slug is not None and slugs.setdefault(entry.slug, entry.source) != entry.source:
            raise LibraryError(
                f"{name}: slug '{entry.slug}' is given twice ({slugs[entry.slug]} and {entry.source}); "
                "every guide needs a folder of its own"
            )
    for key in ("title", "publisher"):
        if key in data and not isinstance(data[key], str):
            raise LibraryError(f"{name}: {key} must be text")
        if key in data and strip_controls(data[key], keep_layout=False) != data[key]:
            raise LibraryError(f"{name}: {key} contains a control character; remove it")
    base_url = None
    if data.get("base_url") is not None:
        try:
            base_url = check_base_url(str(data["base_url"]), "base_url")
        except AudioguideError as exc:
            raise LibraryError(f"{name}: {exc}") from None
    hold = HoldProgramme()
    if data.get("hold") is not None:
        raw = data["hold"]
        if not isinstance(raw, dict) or set(raw) - set(HOLD_KEYS):
            raise LibraryError(f"{name}: hold must be a mapping of {', '.join(HOLD_KEYS)}")
        for key, value in raw.items():
            if key == "repeat_opening":
                if not isinstance(value, bool):
                    raise LibraryError(f"{name}: hold.{key} must be true or false")
                continue
            problem = number_problem(f"hold.{key}", value)
            if problem:
                raise LibraryError(f"{name}: hold.{key} {problem}")
            raw[key] = int(value) if key != "max_seconds" else float(value)
        hold = HoldProgramme(**raw)
    return Catalog(
        guides=tuple(entries),
        title=data.get("title"),
        publisher=data.get("publisher"),
        base_url=base_url,
        formats=_formats(data["formats"], name) if "formats" in data else None,
        hold=hold,
    )


def read_sources(sources: tuple[str, ...] | list[str]) -> Catalog:
    """The guides that SOURCES name (files, folders, URLs, library.yaml files), in order, each once."""
    if not sources:
        raise LibraryError("no sources: give article files, folders, URLs or a library.yaml")
    guides: list[GuideEntry] = []
    settings: Catalog | None = None
    for source in sources:
        if is_url(source):
            guides.append(GuideEntry(source.strip()))
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            guides += _folder_sources(path)
        elif path.name.lower() in LIBRARY_FILE_NAMES:
            catalog = read_library_file(path)
            if settings is not None:
                raise LibraryError(f"{path}: only one library.yaml at a time")
            settings = catalog
            guides += catalog.guides
        elif path.is_file() and path.suffix.lower() not in ARTICLE_SUFFIXES:
            raise LibraryError(
                f"{path}: not an article (.txt, .md, .html), a guide script (.yaml) or a library.yaml"
            )
        else:  # a missing file fails that guide alone, when it is built
            guides.append(GuideEntry(str(path.resolve())))
    seen: set[str] = set()
    unique = []
    for entry in guides:
        if entry.source not in seen:
            seen.add(entry.source)
            unique.append(entry)
    base = settings or Catalog(guides=())
    return Catalog(tuple(unique), base.title, base.publisher, base.base_url, base.formats, base.hold)


def _refuse_unknown_keys(mapping: dict, known: tuple[str, ...], where: str) -> None:
    """One line naming the first key of ``mapping`` that is not one of ``known`` (a typo, usually)."""
    unknown = sorted(set(mapping) - set(known))
    if unknown:
        raise LibraryError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(known)})")
