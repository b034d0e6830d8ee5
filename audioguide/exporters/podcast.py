"""feed.xml: the guide as a podcast (RSS 2.0 with the iTunes and Podcasting 2.0 namespaces).

A patient subscribes once in any podcast app and gets every track as an
episode, in chapter order (``itunes:type serial``, ``itunes:episode`` = the
track number), with its transcript, and the whole guide as one chaptered
episode when the single file is made. Every URL is absolute, under the
guide's published folder (``settings.base_url``; the format is refused
without one, before any synthesis).

Identity and dates, so that apps neither lose nor repeat episodes:

* the channel's ``podcast:guid`` is the Podcasting 2.0 UUIDv5 of the feed's
  URL (scheme and trailing slash removed); an episode's ``guid`` is a UUIDv5
  of the channel's and the track's number and title. Rebuilding, re-encoding
  or editing a track's text keeps its guid; renumbering or retitling it makes
  it a new episode.
* an episode's ``pubDate`` is when its content (what is heard: ``heard_hash``) was first
  published: the dates are kept with the format in manifest.json
  (:class:`~audioguide.model.guide.ExportResult` state) and only a changed
  track gets a new one. "Now" is ``$SOURCE_DATE_EPOCH`` when set (reproducible
  builds), plus one second per track number so date-sorting apps keep order.

The XML is built with lxml (escaping is lxml's); the chapters of the whole
guide (``guide.chapters.json``, Podcasting 2.0 JSON chapters 1.2.0) are read
back from the single file's own ID3 CHAP frames, so they are exactly what
chapter-aware players see. The channel image is the guide's cover image
(copied next to the feed), or else a generated 1400 px square PNG with the
title (Pillow), the smallest size Apple Podcasts accepts.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import shutil
import textwrap
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from audioguide.exporters.published import (
    CHAPTERS_NAME,
    COVER_STEM,
    FEED_NAME,
    PLAYER_NAME,
    SINGLE_NAME,
    absolute_url,
    caption_file,
)
from audioguide.model.guide import ExportResult, FinishedGuide, FinishedTrack
from audioguide.model.manifest import heard_hash

logger = logging.getLogger(__name__)

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
# Podcasting 2.0 <podcast:guid>: UUIDv5 of the feed URL without scheme, in this namespace.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_VERSION = "1.2.0"
CHAPTERS_TYPE = "application/json+chapters"
CATEGORY = ("Health & Fitness", "Medicine")  # Apple Podcasts category and subcategory
COVER_PX = 1400
WHOLE_GUIDE_KEY = "whole-guide"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Transcript:
    url: str
    type: str
    rel: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Episode:
    """One ``<item>``: what the feed says about an episode."""

    guid: str
    title: str
    description: str
    url: str
    length: int
    duration_s: float
    published: float  # POSIX seconds
    number: int | None = None
    episode_type: str = "full"  # full | bonus | trailer
    link: str | None = None
    transcripts: tuple[Transcript, ...] = ()
    chapters_url: str | None = None
    mime: str = "audio/mpeg"


@dataclass(frozen=True)
class Channel:
    """The ``<channel>``'s own elements."""

    title: str
    description: str
    language: str
    link: str
    feed_url: str
    image_url: str
    author: str
    publisher: str | None = None
    kind: str = "serial"  # itunes:type: serial (in order) or episodic (newest first)
    generator: str = "audioguide"
    extra: dict[str, Any] = field(default_factory=dict)


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 channel GUID: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def episode_guid(channel_guid: str, key: str) -> str:
    """An episode's GUID: UUIDv5 of the channel's and the episode's own stable key."""
    return str(uuid.uuid5(uuid.UUID(channel_guid), key))


def rfc822(seconds: float) -> str:
    return email.utils.format_datetime(datetime.fromtimestamp(int(seconds), tz=UTC), usegmt=True)


def now() -> float:
    """The publication time of anything new: ``$SOURCE_DATE_EPOCH`` if set, else the clock."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return float(int(fixed)) if fixed.isdigit() else float(int(time.time()))


def itunes_duration(seconds: float) -> str:
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- XML


def _sub(parent: etree._Element, tag: str, content: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if content is not None:
        element.text = content
    return element


def _it(name: str) -> str:
    return f"{{{ITUNES}}}{name}"


def _pc(name: str) -> str:
    return f"{{{PODCAST}}}{name}"


def render_feed(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The RSS 2.0 document (UTF-8 bytes with an XML declaration)."""
    rss = etree.Element("rss", nsmap=NSMAP)
    rss.set("version", "2.0")
    ch = _sub(rss, "channel")
    _sub(ch, "title", channel.title)
    _sub(ch, "link", channel.link)
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, "generator", channel.generator)
    if episodes:
        _sub(ch, "lastBuildDate", rfc822(max(e.published for e in episodes)))
    _sub(ch, f"{{{ATOM}}}link", href=channel.feed_url, rel="self", type="application/rss+xml")
    image = _sub(ch, "image")
    _sub(image, "url", channel.image_url)
    _sub(image, "title", channel.title)
    _sub(image, "link", channel.link)
    _sub(ch, _it("author"), channel.author)
    if channel.publisher:
        owner = _sub(ch, _it("owner"))
        _sub(owner, _it("name"), channel.publisher)
    _sub(ch, _it("summary"), channel.description)
    _sub(ch, _it("image"), href=channel.image_url)
    category = _sub(ch, _it("category"), text=CATEGORY[0])
    _sub(category, _it("category"), text=CATEGORY[1])
    _sub(ch, _it("type"), channel.kind)
    _sub(ch, _it("explicit"), "false")
    _sub(ch, _pc("guid"), podcast_guid(channel.feed_url))
    _sub(ch, _pc("medium"), "podcast")
    for episode in episodes:
        _item(ch, episode)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _item(channel: etree._Element, episode: Episode) -> None:
    item = _sub(channel, "item")
    _sub(item, "title", episode.title)
    _sub(item, _it("title"), episode.title)
    _sub(item, "description", episode.description)
    if episode.link:
        _sub(item, "link", episode.link)
    _sub(item, "guid", episode.guid, isPermaLink="false")
    _sub(item, "pubDate", rfc822(episode.published))
    _sub(item, "enclosure", url=episode.url, length=str(episode.length), type=episode.mime)
    _sub(item, _it("duration"), itunes_duration(episode.duration_s))
    if episode.number is not None:
        _sub(item, _it("episode"), str(episode.number))
    _sub(item, _it("episodeType"), episode.episode_type)
    _sub(item, _it("explicit"), "false")
    for transcript in episode.transcripts:
        attrs = {"url": transcript.url, "type": transcript.type}
        if transcript.language:
            attrs["language"] = transcript.language
        if transcript.rel:
            attrs["rel"] = transcript.rel
        _sub(item, _pc("transcript"), **attrs)
    if episode.chapters_url:
        _sub(item, _pc("chapters"), url=episode.chapters_url, type=CHAPTERS_TYPE)


# --------------------------------------------------------------------------- chapters


def chapters_json(
    title: str, marks: Sequence[tuple[float, float, str]], podcast_name: str | None = None
) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0) from (start s, end s, title)."""
    data: dict[str, Any] = {"version": CHAPTERS_VERSION, "title": title}
    if podcast_name:
        data["podcastName"] = podcast_name
    data["chapters"] = [
        {"startTime": round(start, 3), "endTime": round(end, 3), "title": name} for start, end, name in marks
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_chapter_marks(path: Path) -> list[tuple[float, float, str]]:
    """(start s, end s, title) of an MP3's ID3 CHAP frames, in time order."""
    from mutagen.id3 import ID3

    marks = []
    for frame in ID3(path).getall("CHAP"):
        title = frame.sub_frames.get("TIT2")
        marks.append((frame.start_time / 1000, frame.end_time / 1000, str(title.text[0]) if title else ""))
    return sorted(marks)


# --------------------------------------------------------------------------- cover


def generated_cover(title: str, path: Path) -> None:
    """A square PNG with the title in large type, light on dark (contrast above 12:1)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (COVER_PX, COVER_PX), (16, 42, 84))
    draw = ImageDraw.Draw(image)
    margin = 110
    size = 120
    while True:
        font = ImageFont.load_default(size=size)
        width = max(8, int((COVER_PX - 2 * margin) / (size * 0.55)))
        lines = textwrap.wrap(title, width=width) or [title]
        height = len(lines) * size * 1.2
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (height <= COVER_PX - 2 * margin - 160 and widest <= COVER_PX - 2 * margin) or size <= 40:
            break
        size -= 8
    y = (COVER_PX - 160 - height) / 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += size * 1.2
    small = ImageFont.load_default(size=64)
    draw.text((margin, COVER_PX - margin - 64), "Audio guide", font=small, fill=(255, 225, 77))
    image.save(path, format="PNG", optimize=True)


def place_cover(guide: FinishedGuide) -> Path:
    """The channel image in the guide folder: the cover image's bytes, or a generated one."""
    if guide.settings.cover_image:
        source = Path(guide.settings.cover_image).expanduser()
        suffix = source.suffix.lower() if source.suffix.lower() in (".jpg", ".jpeg", ".png") else ".jpg"
        target = guide.folder / f"{COVER_STEM}{suffix}"
        shutil.copyfile(source, target)
        return target
    target = guide.folder / f"{COVER_STEM}.png"
    generated_cover(guide.title, target)
    return target


# --------------------------------------------------------------------------- the guide's feed


def _spoken_text(track: FinishedTrack) -> str:
    """What the track says, as written, without its "Track n of N" announcement."""
    sentences = [clip.written or clip.text for clip in track.record.clips if clip.role != "announcement"]
    return " ".join(" ".join(sentences).split())


def _first_seen(previous: dict, key: str, content: str, fallback: float, legacy: str = "") -> float:
    """When ``content`` was first published under ``key``; ``legacy``: the same content as
    feeds recorded it before they kept what is heard (the track hashes, tags included)."""
    seen = previous.get(key)
    if (
        isinstance(seen, dict)
        and seen.get("content") in (content, legacy or content)
        and isinstance(seen.get("published"), (int, float))
    ):
        return float(seen["published"])
    return fallback


def export(guide: FinishedGuide) -> ExportResult:
    """Write ``feed.xml``, the channel image and (with the single file) ``guide.chapters.json``."""
    base = guide.settings.base_url
    if not base:  # the build refuses earlier; this guards a direct call
        raise ValueError("the podcast format needs settings.base_url")
    info = guide.info
    feed_url = absolute_url(base, FEED_NAME)
    channel_guid = podcast_guid(feed_url)
    previous = (guide.previous.get("podcast") or {}).get("episodes") or {}
    started = now()
    written: list[Path] = []
    cover = place_cover(guide)
    written.append(cover)
    has_web = "web" in guide.formats
    has_captions = "captions" in guide.formats

    kept: dict[str, dict] = {}
    episodes: list[Episode] = []
    for track in guide.tracks:
        record = track.record
        key = f"{record.number}:{record.title}"
        guid = episode_guid(channel_guid, key)
        content = heard_hash(record)
        published = _first_seen(previous, guid, content, started + record.number - 1, record.hash)
        kept[guid] = {"content": content, "published": published, "track": key}
        transcripts = []
        if has_captions:
            transcripts.append(
                Transcript(
                    absolute_url(base, caption_file(record.file)), "text/vtt", "captions", info.language
                )
            )
        transcripts.append(
            Transcript(absolute_url(base, record.transcript), "text/plain", None, info.language)
        )
        episodes.append(
            Episode(
                guid=guid,
                title=record.title,
                description=_spoken_text(track) or record.title,
                url=absolute_url(base, record.file),
                length=track.path.stat().st_size,
                duration_s=record.duration_s,
                published=published,
                number=record.number,
                link=absolute_url(base, f"{PLAYER_NAME}") + f"#chapter-{record.number}" if has_web else None,
                transcripts=tuple(transcripts),
            )
        )

    single = guide.folder / SINGLE_NAME
    if "single" in guide.formats and single.is_file():
        marks = read_chapter_marks(single)
        chapters = guide.folder / CHAPTERS_NAME
        chapters.write_text(chapters_json(info.title, marks, info.title), encoding="utf-8")
        written.append(chapters)
        content = "|".join(heard_hash(t.record) for t in guide.tracks)
        legacy = "|".join(t.record.hash for t in guide.tracks)
        guid = episode_guid(channel_guid, WHOLE_GUIDE_KEY)
        published = _first_seen(previous, guid, content, started + len(guide.tracks), legacy)
        kept[guid] = {"content": content, "published": published, "track": WHOLE_GUIDE_KEY}
        episodes.append(
            Episode(
                guid=guid,
                title=f"{info.title} (the whole guide)",
                description=f"All {len(guide.tracks)} parts of “{info.title}” in one episode, with chapters.",
                url=absolute_url(base, SINGLE_NAME),
                length=single.stat().st_size,
                duration_s=sum(t.record.duration_s for t in guide.tracks),
                published=published,
                episode_type="bonus",
                link=absolute_url(base, PLAYER_NAME) if has_web else None,
                chapters_url=absolute_url(base, CHAPTERS_NAME),
            )
        )

    minutes = max(1, round(sum(t.record.duration_s for t in guide.tracks) / 60))
    parts = len(guide.tracks)
    channel = Channel(
        title=info.title,
        description=(
            f"“{info.title}” as an audio guide: {parts} part{'s' if parts != 1 else ''}, about "
            f"{minutes} minute{'s' if minutes != 1 else ''}, each with its transcript."
        ),
        language=info.language,
        link=absolute_url(base, PLAYER_NAME) if has_web else absolute_url(base),
        feed_url=feed_url,
        image_url=absolute_url(base, cover.name),
        author=info.author or info.publisher or "audioguide",
        publisher=info.publisher or info.author,
    )
    feed = guide.folder / FEED_NAME
    feed.write_bytes(render_feed(channel, episodes))
    written.append(feed)
    logger.info("podcast feed: %s, %d episodes", feed.name, len(episodes))
    return ExportResult(files=written, state={"episodes": kept})
