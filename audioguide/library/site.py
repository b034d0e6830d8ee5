"""``audioguide library SOURCES -o site/``: every guide of a clinic, built, indexed and published.

Each guide is built into ``site/<slug>/`` by the ordinary incremental build
(:func:`audioguide.pipeline.build_guide`), all with one clip cache and every
core, so an unchanged article costs a manifest check and an edited one
rebuilds that guide only. A guide that fails (a missing file, an unreadable
page) is reported and the others go on; its previous folder stays.

``site/library.json`` (:mod:`audioguide.library.state`) records what the
library made: per source its slug (kept for good once given, so a guide's URLs
and feed never move), its title, the hash of its tracks and when they last
changed. Every change to the site is written there first
(:mod:`audioguide.library.journal`), under a lock on the site, so a run
killed at any point is finished by the next. Only what the library made is
ever removed (when a source leaves the library, the files audioguide wrote in
its folder); a folder the library did not make is never touched.

Then the site's own files, each written to a temporary name and renamed:
``index.html`` (every guide: title, length, tracks, formats, last change,
links; Jinja2 with autoescape), ``feed.xml`` (one episode per guide, its
chaptered single file, newest change first; with a base URL) and ``phone/``
(:mod:`audioguide.library.hold`).
"""

from __future__ import annotations

import logging
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
from audioguide.library.cluster import ClusterError
from audioguide.library.journal import SiteJournal
from audioguide.library.state import RESERVED, STATE_NAME, GuideRecord, LibraryState, read_state
from audioguide.model.manifest import MANIFEST_NAME, Manifest, load_manifest
from audioguide.model.settings import GuideSettings, with_overrides
from audioguide.pipeline import BuildOptions, BuildReport, ProgressEvent, build_guide
from audioguide.pipeline.execute import is_cold, slugify
from audioguide.pipeline.guide import ClipSource
from audioguide.pipeline.output_folder import OutputFolder, checkpoint
from audioguide.pipeline.watch import warm_voices
from audioguide.sources.load import load_source
from audioguide.speech import with_lexicon_files
from audioguide.synth.cache import ClipCache, default_cache_dir
from audioguide.text import strip_controls

logger = logging.getLogger(__name__)

COVER_NAME = "cover.png"
INDEX_NAME = "index.html"
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
    scheduler: str | None = None  # build the guides on a Dask cluster: tcp://HOST:8786 or local:N
    worker_cache_dir: Path | None = None  # the clip cache on each worker (None: the worker's default)


@dataclass(frozen=True)
class LibraryEvent:
    """Progress: a guide starts, its build advances, it ends (built, unchanged or failed)."""

    kind: Literal["start", "progress", "built", "unchanged", "failed", "removed", "moved", "site"]
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
    moved: list[dict[str, str]] = field(default_factory=list)  # {source, from, to}: slug: changed
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
            "moved": self.moved,
            "phone": self.phone,
            "feed": self.feed,
            "failed": len(self.failed),
            "seconds": round(self.seconds, 2),
        }


# --------------------------------------------------------------------------- the site


def _check_site(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise AudioguideError(f"{site}: exists and is not a folder")
    own = OutputFolder(site).is_own  # a mounted site holds its lock inside
    if site.is_dir() and any(not own(p.name) for p in site.iterdir()) and not (site / STATE_NAME).is_file():
        raise AudioguideError(
            f"{site}: folder is not empty and holds no {STATE_NAME}; choose a new or empty folder"
        )


def _plain(value: str | None, what: str) -> None:
    """A title or publisher goes into HTML, XML and file names: a control character is refused."""
    if value is not None and strip_controls(value, keep_layout=False) != value:
        bad = next(ch for ch in value if strip_controls(ch, keep_layout=False) != ch)
        raise AudioguideError(f"{what} contains the control character U+{ord(bad):04X}; remove it")


@dataclass(frozen=True)
class SitePages:
    """What the index and the feed say besides the guides: the library's own title and address."""

    site: Path
    title: str
    publisher: str | None
    base_url: str | None
    order: tuple[str, ...]  # the sources in the library's order
    _manifests: dict[Path, tuple[tuple[int, int, int], Manifest | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def guides(self, state: LibraryState) -> list[tuple[str, Path, Manifest, GuideRecord]]:
        """Every complete guide the state records: the listed ones in order, then any others."""
        known = [s for s in self.order if s in state.guides]
        known += sorted(s for s in state.guides if s not in set(self.order))
        found = []
        for source in known:
            record = state.guides[source]
            manifest = self._manifest(self.site / record.slug)
            if manifest is not None:
                found.append((record.slug, self.site / record.slug, manifest, record))
        return found

    def _manifest(self, folder: Path) -> Manifest | None:
        """A guide's manifest, read again only when its file changed (the pages are written after
        every guide: a library of a hundred would otherwise read ten thousand)."""
        try:
            info = (folder / MANIFEST_NAME).stat()
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            return None
        cached = self._manifests.get(folder)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_manifest(folder))
            self._manifests[folder] = cached
        return cached[1]

    def write(self, state: LibraryState) -> None:
        """``index.html`` and (with a base URL) ``feed.xml`` for the guides ``state`` records."""
        guides = self.guides(state)
        page = render_index(
            self.title,
            self.publisher,
            guides,
            self.base_url,
            feed=bool(self.base_url),
            phone=(self.site / library_hold.phone.PHONE_DIR / "README.txt").is_file(),
        )
        _write_atomic(self.site / INDEX_NAME, page.encode("utf-8"))
        if self.base_url:
            feed = library_feed(self.title, self.publisher, guides, self.base_url)
            _write_atomic(self.site / FEED_NAME, feed)


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data, mode=0o644)  # a site's files are read by the web server
    except OSError as exc:
        raise AudioguideError(f"{path}: cannot write ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------- one guide


def _settings(
    base: GuideSettings | None, entry: GuideEntry, base_url: str | None, slug: str
) -> GuideSettings:
    settings = with_overrides(base, entry.overrides)
    if base_url:
        settings = replace(settings, base_url=f"{base_url}/{slug}")
    return settings


@dataclass(frozen=True)
class Placement:
    """Where a guide goes: its slug; the source whose guide it continues (a rename); its old slug."""

    slug: str
    adopt: str | None = None  # a source that left the library, whose guide this is
    moved_from: str | None = None  # the guide's slug until slug: in library.yaml changed it
    replace: bool = False  # the folder may hold another guide (slug: names it explicitly)


def _recorded_title(site: Path, record: GuideRecord) -> str:
    if record.title:
        return record.title
    manifest = load_manifest(site / record.slug)
    return manifest.title if manifest is not None else ""


def place(entry: GuideEntry, title: str, state: LibraryState, listed: set[str], site: Path) -> Placement:
    """The slug of ``entry``'s guide (see the README's "how a guide is known across runs").

    A source the state knows keeps its slug, unless ``slug:`` asks for
    another (the guide moves). A new source continues the guide of a source
    that left the library when ``slug:`` names that guide's folder, or when
    that guide had the same title (a renamed file); else it gets the slug it
    asks for (one line when that is taken), or one from its title that is free
    (``-2``, ``-3``, ...: never a folder the library did not make).
    """
    source, asked = entry.source, entry.slug
    known = state.guides.get(source)
    if known is not None and (asked is None or asked == known.slug):
        return Placement(known.slug)
    if asked is not None:
        holder = state.holder(asked)
        if holder is not None and holder != source:
            if holder in listed:
                raise AudioguideError(f"{source}: slug '{asked}' is the folder of another guide, {holder}")
            if known is None and holder in state.guides:  # slug: names a departed guide's folder
                return Placement(asked, adopt=holder, replace=True)
            raise AudioguideError(
                f"{source}: slug '{asked}' is still the folder of {holder}, which left the library; "
                "its folder is removed by this run: run again to move this guide there"
            )
        if holder is None and ((site / asked).exists() or (site / asked).is_symlink()):
            raise AudioguideError(
                f"{source}: slug '{asked}': {site / asked} is a folder the library did not make; "
                "choose another slug, or move that folder away"
            )
        return Placement(asked, moved_from=known.slug if known is not None else None)
    reserved = state.pending.get(source)
    if reserved is not None:
        return Placement(reserved)
    renamed = [
        s for s, r in state.guides.items() if s not in listed and title and _recorded_title(site, r) == title
    ]
    if len(renamed) == 1:
        return Placement(state.guides[renamed[0]].slug, adopt=renamed[0])
    wanted = slugify(title)
    taken = state.slugs() | RESERVED
    candidate, n = wanted, 1
    while candidate in taken or (site / candidate).exists() or (site / candidate).is_symlink():
        n += 1
        candidate = f"{wanted}-{n}"
    return Placement(candidate)


def _unchanged(report: BuildReport) -> bool:
    return (
        not report.rebuilt and not report.removed and all(v == "unchanged" for v in report.formats.values())
    )


# --------------------------------------------------------------------------- the library


@dataclass
class _Prepared:
    """One guide, read and placed, with the options of its build."""

    index: int
    entry: GuideEntry
    document: Any
    settings: GuideSettings
    build_options: BuildOptions
    placement: Placement


@dataclass
class _Run:
    """What every guide of one library run shares, and the steps of one guide."""

    site: Path
    state: LibraryState
    journal: SiteJournal
    listed: set[str]
    base_url: str | None
    default_formats: tuple[str, ...]
    options: LibraryOptions
    report: LibraryReport
    emit: Callable[[LibraryEvent], None]
    total: int
    now: float
    # The voices loaded in this process once a new guide has synthesized, for the guides after it
    # (closed by build_library): their workers inherit them, a small guide is made here.
    warm: ClipSource | None = None

    def guide(self, index: int, entry: GuideEntry, build: Callable[[_Prepared], BuildReport | None]) -> None:
        """Read, place and build one guide (``build`` returns None when the guide went elsewhere to be
        built); a failure is reported and the run goes on."""
        self.emit(LibraryEvent("start", index, self.total, entry.source))
        prepared = None
        try:
            prepared = self.prepare(index, entry)
            built = build(prepared)
            if built is not None:
                self.finish(prepared, built)
        except ClusterError:
            raise  # the cluster itself cannot be used: no guide can be built there
        except Exception as exc:
            self.failed(index, entry, prepared.placement.slug if prepared else None, exc)

    def prepare(self, index: int, entry: GuideEntry) -> _Prepared:
        cache = ClipCache(self.options.cache_dir or default_cache_dir())
        loaded = load_source(entry.source, memo=cache.documents_dir)  # a PDF unchanged is not read again
        placement = place(entry, loaded.document.title, self.state, self.listed, self.site)
        slug = placement.slug
        if placement.adopt is not None:
            self.journal.adopt(placement.adopt, entry.source)
        if self.state.holder(slug) != entry.source:
            self.journal.reserve(entry.source, slug)
        settings = with_lexicon_files(
            _settings(loaded.settings, entry, self.base_url, slug), loaded.lexicon_files
        )
        build_options = BuildOptions(
            outdir=self.site / slug,
            cache_dir=self.options.cache_dir,
            jobs=self.options.jobs,
            force=self.options.force,
            formats=entry.formats or self.default_formats,
            replace=placement.replace,
        )
        return _Prepared(index, entry, loaded.document, settings, build_options, placement)

    def build_here(self, prepared: _Prepared) -> BuildReport:
        index, source, slug = prepared.index, prepared.entry.source, prepared.placement.slug

        def progress(event: ProgressEvent) -> None:
            self.emit(LibraryEvent("progress", index, self.total, source, slug, event))

        options = prepared.build_options
        new = is_cold(options)
        built = build_guide(prepared.document, prepared.settings, options, progress, warm=self.warm)
        if new and built.clips_synthesized and index < self.total:
            # A new guide's voices, kept for the guides after it (a cold library's: new ones too).
            # Without it each guide's workers load the voice again (~0.8 CPU s each, about the
            # whole of a small guide's synthesis). An edited guide is not followed by another
            # as a rule, and a run that synthesizes nothing never loads it here.
            self.warm = warm_voices(self.warm, prepared.settings, options)
        return built

    def finish(self, prepared: _Prepared, built: BuildReport) -> None:
        """Commit a built guide into the site (its folder already holds it) and report it."""
        entry, slug, index = prepared.entry, prepared.placement.slug, prepared.index
        checkpoint("library-guide-built")
        status = "unchanged" if _unchanged(built) else "built"
        self.journal.commit_guide(entry.source, slug, self.now, touched=status == "built")
        moved_from = prepared.placement.moved_from
        if moved_from is not None:
            self.report.moved.append({"source": entry.source, "from": moved_from, "to": slug})
            self.emit(LibraryEvent("moved", index, self.total, entry.source, slug, message=moved_from))
        if status == "built":
            self.report.audio_seconds_built += built.audio_seconds
        self.report.guides.append(GuideOutcome(entry.source, slug, status, report=built))
        self.emit(LibraryEvent(status, index, self.total, entry.source, slug))

    def failed(self, index: int, entry: GuideEntry, slug: str | None, exc: Exception) -> None:
        if isinstance(exc, AudioguideError):
            self.journal.release(entry.source)
            message = str(exc)
        else:  # a bug: its traceback goes to the log, and the other guides still get built
            logger.error("%s: internal error", entry.source, exc_info=exc)
            message = f"{entry.source}: internal error ({type(exc).__name__}: {exc}); please report it"
        self.report.guides.append(GuideOutcome(entry.source, slug, "failed", message))
        self.emit(LibraryEvent("failed", index, self.total, entry.source, slug, message=message))


def _needs_work(prepared: _Prepared) -> bool:
    """Whether building this guide would change its folder (a dry run: planning only)."""
    dry = build_guide(prepared.document, prepared.settings, replace(prepared.build_options, dry_run=True))
    formats = dry.plan.get("formats", []) if dry.plan else []
    return bool(
        dry.rebuilt or dry.removed or dry.formats_removed or any(f.get("action") != "keep" for f in formats)
    )


def _build_on_cluster(run: _Run, entries: list[GuideEntry]) -> None:
    """Every guide that needs work is one task on the cluster; each is committed as it comes back.

    Guides with nothing to do are checked here, as a local run does. A task
    whose worker dies is run again on another (Dask's retries); one that fails
    is reported like a local failure. Ctrl-C cancels what is still running and
    leaves the site as the guides committed so far made it.
    """
    from audioguide.library import cluster
    from audioguide.pipeline.install import install_guide
    from audioguide.synth.engines.registry import resolve_voice

    sent: dict[Any, _Prepared] = {}
    with cluster.connect(run.options.scheduler or "") as client:
        checked: set[str] = set()  # voices every worker was found to speak exactly as this machine

        def send(prepared: _Prepared) -> BuildReport | None:
            if not _needs_work(prepared):
                return run.build_here(prepared)  # nothing to do: the same check as a local run
            voices = [resolve_voice(v) for v in _voices(prepared.settings)]
            if not {repr(v) for v in voices} <= checked:
                cluster.check_workers(client, voices)  # before any task runs
                checked.update(repr(v) for v in voices)
            outdir = prepared.build_options.outdir
            previous = outdir / MANIFEST_NAME
            cover = prepared.settings.cover_image
            task = cluster.GuideTask(
                document=prepared.document,
                settings=prepared.settings,
                formats=prepared.build_options.formats or (),
                previous_manifest=previous.read_bytes() if previous.is_file() else None,
                cover=Path(cover).expanduser().read_bytes() if cover else None,
                cache_dir=str(run.options.worker_cache_dir) if run.options.worker_cache_dir else None,
                force=run.options.force,
            )
            future = client.submit(cluster.build_on_worker, task, retries=cluster.TASK_RETRIES, pure=False)
            sent[future] = prepared
            return None

        for index, entry in enumerate(entries, 1):
            run.guide(index, entry, send)
        try:
            for future in cluster.as_completed(list(sent)):
                prepared = sent.pop(future)
                try:
                    result = future.result()
                    install_guide(
                        prepared.build_options.outdir, result.files, replace=prepared.placement.replace
                    )
                    run.finish(prepared, result.report)
                except Exception as exc:
                    run.failed(
                        prepared.index, prepared.entry, prepared.placement.slug, cluster.task_error(exc)
                    )
        except BaseException:
            client.cancel(list(sent))
            raise
    run.report.guides.sort(key=lambda g: [e.source for e in entries].index(g.source))


def _voices(settings: GuideSettings) -> list[Any]:
    from audioguide.pipeline.guide import guide_voices

    return list(guide_voices(settings).settings.values())


def build_library(
    sources: list[str] | Catalog,
    options: LibraryOptions,
    on_event: Callable[[LibraryEvent], None] | None = None,
) -> LibraryReport:
    """Build every guide of ``sources`` into ``options.site`` and write the site's index, feed and phone
    programme; every change is journalled (:mod:`audioguide.library.journal`), under a lock on the site."""
    started = time.perf_counter()
    catalog = sources if isinstance(sources, Catalog) else read_sources(sources)
    site = options.site
    base_url = options.base_url or catalog.base_url
    title = options.title or catalog.title or DEFAULT_TITLE
    _plain(title, "--title" if options.title else "the library's title")
    _plain(catalog.publisher, "the library's publisher")
    default_formats = (
        options.formats or catalog.formats or (BASE_FORMATS + (PUBLISHED_FORMATS if base_url else ()))
    )
    report = LibraryReport(site=site)
    emit = on_event or (lambda event: None)
    total = len(catalog.guides)
    now = podcast.now()
    listed = {entry.source for entry in catalog.guides}

    with OutputFolder(site).lock("library run"):
        _check_site(site)
        try:
            site.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AudioguideError(f"{site}: cannot make the site folder ({exc.strerror or exc})") from None
        state = read_state(site)
        pages = SitePages(site, title, catalog.publisher, base_url, tuple(e.source for e in catalog.guides))
        journal = SiteJournal(site, state, pages.write)
        if not (site / STATE_NAME).is_file():
            journal.save()  # from its first moment the site says it is a library's
        journal.recover()
        OutputFolder(site / library_hold.phone.PHONE_DIR).recover()

        run = _Run(site, state, journal, listed, base_url, default_formats, options, report, emit, total, now)
        try:
            if options.scheduler is None:
                for index, entry in enumerate(catalog.guides, 1):
                    run.guide(index, entry, run.build_here)
            else:
                _build_on_cluster(run, catalog.guides)
        finally:
            if run.warm is not None:
                run.warm.close()
                run.warm = None

        departed = [s for s in [*state.guides, *state.pending] if s not in listed]
        for source, slug in journal.remove(departed):
            report.removed.append(slug)
            emit(LibraryEvent("removed", 0, total, source, slug))

        emit(LibraryEvent("site", total, total, "", message="index, feed, phone"))
        guides = pages.guides(state)
        state.phone = _phone(site, guides, catalog, title, options, state.phone, report)
        checkpoint("library-phone-written")
        if base_url:
            if state.title != title or not (site / COVER_NAME).is_file():
                _library_cover(site, title)
            report.feed = True
        elif (site / FEED_NAME).is_file():
            (site / FEED_NAME).unlink()
        pages.write(state)
        checkpoint("library-site-written")
        state.title, state.base_url = title, base_url
        journal.save()
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
    for slug, folder, manifest, record in sorted(guides, key=lambda g: -(g[3].changed or 0)):
        made = {"tracks", *manifest.formats}
        iso, human = _date(record.changed)
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
                published=float(record.changed or 0),
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
