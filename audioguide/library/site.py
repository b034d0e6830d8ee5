"""``audioguide library SOURCES -o site/``: every guide of a clinic, built, indexed and published.

Each guide is built into ``site/<slug>/`` by the ordinary incremental build
(:func:`audioguide.pipeline.build_guide`), all with one clip cache and every
core, so an unchanged article costs a manifest check and an edited one
rebuilds that guide only. A guide that fails (a missing file, an unreadable
page) is reported and the others go on; its previous folder stays.

``site/library.json`` records what the library made: per source its slug
(kept for good once given, so a guide's URLs and feed never move), the
hash of its tracks and when they last changed. Only folders recorded there
are ever removed (when their source leaves the library); a folder the
library did not make is never touched, and a new guide whose slug is taken
gets another one.

Then the site's own files, each written to a temporary name and renamed:
``index.html`` (every guide: title, length, tracks, formats, last change,
links; Jinja2 with autoescape), ``feed.xml`` (one episode per guide, its
chaptered single file, newest change first; with a base URL) and ``phone/``
(:mod:`audioguide.library.hold`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from audioguide.errors import AudioguideError
from audioguide.exporters import podcast
from audioguide.exporters.published import (
    CHAPTERS_NAME,
    FEED_NAME,
    M4B_NAME,
    PLAYER_NAME,
    PLAYLIST_NAME,
    QR_SVG_NAME,
    SINGLE_NAME,
    SINGLE_VTT_NAME,
    absolute_url,
    relative_url,
)
from audioguide.files import atomic_path, write_atomic
from audioguide.library import hold as library_hold
from audioguide.library.catalog import Catalog, GuideEntry, read_sources
from audioguide.model.manifest import MANIFEST_NAME, Manifest, load_manifest
from audioguide.model.settings import GuideSettings, with_overrides
from audioguide.pipeline import BuildOptions, BuildReport, ProgressEvent, build_guide
from audioguide.pipeline.execute import slugify
from audioguide.sources.load import load_source
from audioguide.speech import with_lexicon_files

logger = logging.getLogger(__name__)

STATE_NAME = "library.json"
COVER_NAME = "cover.png"
STATE_FORMAT = "audioguide-library"
STATE_VERSION = 1
INDEX_NAME = "index.html"
RESERVED = {"phone", "index", "feed", "library", "assets"}
BASE_FORMATS = ("tracks", "single", "captions", "web", "phone")
PUBLISHED_FORMATS = ("podcast", "qr")
DEFAULT_TITLE = "Audio guides"


@dataclass(frozen=True)
class LibraryOptions:
    site: Path
    cache_dir: Path | None = None
    jobs: int | None = None
    force: bool = False
    formats: tuple[str, ...] | None = (
        None  # every guide's formats (default: BASE_FORMATS, + podcast, qr with a URL)
    )
    base_url: str | None = None  # where site/ is published (wins over library.yaml)
    title: str | None = None


@dataclass(frozen=True)
class LibraryEvent:
    """Progress: a guide starts, its build advances, it ends (built, unchanged or failed)."""

    kind: Literal["start", "progress", "built", "unchanged", "failed", "removed", "site"]
    index: int
    total: int
    source: str
    slug: str | None = None
    progress: ProgressEvent | None = None
    message: str = ""


@dataclass
class GuideOutcome:
    source: str
    slug: str | None
    status: Literal["built", "unchanged", "failed"]
    message: str = ""
    report: BuildReport | None = None


@dataclass
class LibraryReport:
    site: Path
    guides: list[GuideOutcome] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # slugs
    phone: str = "none"  # built | unchanged | none | failed: <why>
    feed: bool = False
    seconds: float = 0.0
    audio_seconds_built: float = 0.0

    @property
    def failed(self) -> list[GuideOutcome]:
        return [g for g in self.guides if g.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": str(self.site),
            "guides": [
                {
                    "source": g.source,
                    "slug": g.slug,
                    "status": g.status,
                    "message": g.message,
                    "tracks_rebuilt": len(g.report.rebuilt) if g.report else 0,
                }
                for g in self.guides
            ],
            "removed": self.removed,
            "phone": self.phone,
            "feed": self.feed,
            "failed": len(self.failed),
            "seconds": round(self.seconds, 2),
        }


# --------------------------------------------------------------------------- state


def _read_state(site: Path) -> dict[str, Any]:
    try:
        data = json.loads((site / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"guides": {}}
    if data.get("format") != STATE_FORMAT or data.get("version") != STATE_VERSION:
        return {"guides": {}}
    data.setdefault("guides", {})
    return data


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, data, mode=0o644)  # a site's files are read by the web server


def _content(manifest: Manifest) -> str:
    return hashlib.sha256("|".join(t.hash for t in manifest.tracks).encode()).hexdigest()


def _check_site(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise AudioguideError(f"{site}: exists and is not a folder")
    if site.is_dir() and any(site.iterdir()) and not (site / STATE_NAME).is_file():
        raise AudioguideError(
            f"{site}: folder is not empty and holds no {STATE_NAME}; choose a new or empty folder"
        )


# --------------------------------------------------------------------------- one guide


def _settings(
    base: GuideSettings | None, entry: GuideEntry, base_url: str | None, slug: str
) -> GuideSettings:
    settings = with_overrides(base, entry.overrides)
    if base_url:
        settings = replace(settings, base_url=f"{base_url}/{slug}")
    return settings


def _slug(entry: GuideEntry, title: str, state: dict, site: Path) -> str:
    known = state["guides"].get(entry.source)
    if known and known.get("slug"):
        return known["slug"]
    taken = {g.get("slug") for g in state["guides"].values()} | RESERVED
    wanted = entry.slug or slugify(title)
    candidate, n = wanted, 1
    while candidate in taken or (site / candidate).exists():  # never a folder the library did not make
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _unchanged(report: BuildReport) -> bool:
    return (
        not report.rebuilt and not report.removed and all(v == "unchanged" for v in report.formats.values())
    )


# --------------------------------------------------------------------------- the library


def build_library(
    sources: list[str] | Catalog,
    options: LibraryOptions,
    on_event: Callable[[LibraryEvent], None] | None = None,
) -> LibraryReport:
    """Build every guide of ``sources`` into ``options.site`` and write the site's index, feed and phone programme."""
    started = time.perf_counter()
    catalog = sources if isinstance(sources, Catalog) else read_sources(sources)
    site = options.site
    _check_site(site)
    site.mkdir(parents=True, exist_ok=True)
    state = _read_state(site)
    base_url = options.base_url or catalog.base_url
    title = options.title or catalog.title or DEFAULT_TITLE
    default_formats = (
        options.formats or catalog.formats or (BASE_FORMATS + (PUBLISHED_FORMATS if base_url else ()))
    )
    report = LibraryReport(site=site)
    emit = on_event or (lambda event: None)
    total = len(catalog.guides)
    now = podcast.now()

    for index, entry in enumerate(catalog.guides, 1):
        emit(LibraryEvent("start", index, total, entry.source))
        slug = None
        try:
            loaded = load_source(entry.source)
            slug = _slug(entry, loaded.document.title, state, site)
            settings = with_lexicon_files(
                _settings(loaded.settings, entry, base_url, slug), loaded.lexicon_files
            )
            formats = entry.formats or default_formats
            outdir = site / slug
            build_options = BuildOptions(
                outdir=outdir,
                cache_dir=options.cache_dir,
                jobs=options.jobs,
                force=options.force,
                formats=formats,
            )

            def progress(event: ProgressEvent, index=index, entry=entry, slug=slug) -> None:
                emit(LibraryEvent("progress", index, total, entry.source, slug, event))

            built = build_guide(loaded.document, settings, build_options, progress)
        except AudioguideError as exc:
            report.guides.append(GuideOutcome(entry.source, slug, "failed", str(exc)))
            emit(LibraryEvent("failed", index, total, entry.source, slug, message=str(exc)))
            continue
        except Exception as exc:  # a bug: its traceback goes to the log, and the other guides still get built
            logger.exception("%s: internal error", entry.source)
            message = f"{entry.source}: internal error ({type(exc).__name__}: {exc}); please report it"
            report.guides.append(GuideOutcome(entry.source, slug, "failed", message))
            emit(LibraryEvent("failed", index, total, entry.source, slug, message=message))
            continue
        manifest = load_manifest(outdir)
        content = _content(manifest) if manifest else ""
        previous = state["guides"].get(entry.source) or {}
        changed = previous.get("changed") if previous.get("content") == content else now
        state["guides"][entry.source] = {"slug": slug, "content": content, "changed": changed}
        status = "unchanged" if _unchanged(built) else "built"
        if status == "built":
            report.audio_seconds_built += built.audio_seconds
        report.guides.append(GuideOutcome(entry.source, slug, status, report=built))
        emit(LibraryEvent(status, index, total, entry.source, slug))

    listed = {entry.source for entry in catalog.guides}
    for source in [s for s in state["guides"] if s not in listed]:
        slug = state["guides"].pop(source).get("slug")
        folder = site / slug if slug else None
        if folder is not None and (folder / MANIFEST_NAME).is_file():  # ours: recorded and built by us
            shutil.rmtree(folder)
            report.removed.append(slug)
            emit(LibraryEvent("removed", 0, total, source, slug))

    guides = []
    for entry in catalog.guides:
        record = state["guides"].get(entry.source)
        manifest = load_manifest(site / record["slug"]) if record else None
        if manifest is not None:
            guides.append((record["slug"], site / record["slug"], manifest, record))
    emit(LibraryEvent("site", total, total, "", message="index, feed, phone"))
    state["phone"] = _phone(site, guides, catalog, title, options, state.get("phone"), report)
    page = render_index(
        title,
        catalog.publisher,
        guides,
        base_url,
        feed=bool(base_url),
        phone=(site / library_hold.phone.PHONE_DIR / "README.txt").is_file(),
    )
    _write_atomic(site / INDEX_NAME, page.encode("utf-8"))
    if base_url:
        if state.get("title") != title or not (site / COVER_NAME).is_file():
            _library_cover(site, title)
        _write_atomic(site / FEED_NAME, library_feed(title, catalog.publisher, guides, base_url))
        report.feed = True
    elif (site / FEED_NAME).is_file():
        (site / FEED_NAME).unlink()
    state.update({"format": STATE_FORMAT, "version": STATE_VERSION, "title": title, "base_url": base_url})
    _write_atomic(site / STATE_NAME, (json.dumps(state, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    report.seconds = time.perf_counter() - started
    return report


def _library_cover(site: Path, title: str) -> None:
    with atomic_path(site / COVER_NAME, mode=0o644, suffix=".png") as tmp:
        podcast.generated_cover(title, tmp)


def _phone(
    site: Path,
    guides: list,
    catalog: Catalog,
    title: str,
    options: LibraryOptions,
    previous: dict | None,
    report: LibraryReport,
) -> dict | None:
    with_phone = [
        (slug, folder, manifest) for slug, folder, manifest, _ in guides if "phone" in manifest.formats
    ]
    if not with_phone:
        library_hold.remove_programme(site)
        return None
    digest = library_hold.programme_hash(with_phone, catalog.hold, title)
    if (
        previous
        and previous.get("hash") == digest
        and not options.force
        and all((site / f).is_file() for f in previous.get("files", []))
    ):
        report.phone = "unchanged"
        return previous
    try:
        files = library_hold.write_programme(site, with_phone, catalog.hold, title, options.cache_dir)
    except AudioguideError as exc:
        report.phone = f"failed: {exc}"
        return previous
    report.phone = "built"
    return {"hash": digest, "files": files}


# --------------------------------------------------------------------------- index page and feed


def _date(seconds: float | None) -> tuple[str, str]:
    """(ISO date, "1 December 2026") in UTC."""
    if not seconds:
        return "", "unknown"
    when = datetime.fromtimestamp(seconds, tz=UTC)
    return when.strftime("%Y-%m-%d"), f"{when.day} {when.strftime('%B %Y')}"


def spoken_length(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n) or "0 seconds"


FORMAT_LINKS = (  # (format, file in the guide folder, link text)
    ("web", PLAYER_NAME, "Player"),
    ("podcast", FEED_NAME, "Podcast feed"),
    ("single", SINGLE_NAME, "Whole guide (MP3)"),
    ("m4b", M4B_NAME, "Audiobook (M4B)"),
    ("tracks", PLAYLIST_NAME, "Playlist (M3U)"),
    ("epub", "guide.epub", "EPUB with audio"),
    ("daisy", "daisy/ncc.html", "DAISY book"),
    ("phone", "phone/README.txt", "Phone hold files"),
    ("qr", QR_SVG_NAME, "QR code (SVG)"),
)


def index_entries(guides: list) -> list[dict[str, Any]]:
    rows = []
    for slug, folder, manifest, record in sorted(guides, key=lambda g: -(g[3].get("changed") or 0)):
        made = {"tracks", *manifest.formats}
        iso, human = _date(record.get("changed"))
        links = [
            {"href": relative_url(f"{slug}/{file}"), "text": text}
            for name, file, text in FORMAT_LINKS
            if name in made and (folder / file).is_file()
        ]
        rows.append(
            {
                "slug": slug,
                "title": manifest.title,
                "language": manifest.language,
                "tracks": len(manifest.tracks),
                "length": spoken_length(sum(t.duration_s for t in manifest.tracks)),
                "formats": sorted(
                    made,
                    key=lambda n: (
                        [f for f, _, _ in FORMAT_LINKS].index(n)
                        if n in [f for f, _, _ in FORMAT_LINKS]
                        else 99
                    ),
                ),
                "changed_iso": iso,
                "changed": human,
                "links": links,
                "main": links[0]["href"] if links else relative_url(f"{slug}/{PLAYLIST_NAME}"),
            }
        )
    return rows


def render_index(
    title: str, publisher: str | None, guides: list, base_url: str | None, *, feed: bool, phone: bool
) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("audioguide.library", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    rows = index_entries(guides)
    return env.get_template("index.html").render(
        title=title,
        publisher=publisher,
        guides=rows,
        feed=FEED_NAME if feed else None,
        phone="phone/README.txt" if phone else None,
        total_tracks=sum(r["tracks"] for r in rows),
    )


def library_feed(title: str, publisher: str | None, guides: list, base_url: str) -> bytes:
    """One episode per guide with a single file: that file, newest change first (an episodic channel)."""
    feed_url = absolute_url(base_url, FEED_NAME)
    channel_guid = podcast.podcast_guid(feed_url)
    episodes = []
    for slug, folder, manifest, record in guides:
        single = folder / SINGLE_NAME
        if "single" not in manifest.formats or not single.is_file():
            continue
        transcripts = []
        if (folder / SINGLE_VTT_NAME).is_file():
            transcripts.append(
                podcast.Transcript(
                    absolute_url(base_url, f"{slug}/{SINGLE_VTT_NAME}"),
                    "text/vtt",
                    "captions",
                    manifest.language,
                )
            )
        chapters = (
            absolute_url(base_url, f"{slug}/{CHAPTERS_NAME}") if (folder / CHAPTERS_NAME).is_file() else None
        )
        parts = len(manifest.tracks)
        episodes.append(
            podcast.Episode(
                guid=podcast.episode_guid(channel_guid, slug),
                title=manifest.title,
                description=(
                    f"“{manifest.title}”: {parts} part{'s' if parts != 1 else ''}, "
                    + ", ".join(t.title for t in manifest.tracks)
                    + "."
                ),
                url=absolute_url(base_url, f"{slug}/{SINGLE_NAME}"),
                length=single.stat().st_size,
                duration_s=sum(t.duration_s for t in manifest.tracks),
                published=float(record.get("changed") or 0),
                link=absolute_url(base_url, f"{slug}/{PLAYER_NAME}") if "web" in manifest.formats else None,
                transcripts=tuple(transcripts),
                chapters_url=chapters,
            )
        )
    episodes.sort(key=lambda e: (-e.published, e.title))
    channel = podcast.Channel(
        title=title,
        description=f"{title}: {len(episodes)} audio guide{'s' if len(episodes) != 1 else ''}.",
        language=guides[0][2].language if guides else "en",
        link=absolute_url(base_url, INDEX_NAME),
        feed_url=feed_url,
        image_url=absolute_url(base_url, COVER_NAME),
        author=publisher or title,
        publisher=publisher,
        kind="episodic",
    )
    return podcast.render_feed(channel, episodes)
