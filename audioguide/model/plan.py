"""The track plan: which tracks, in which order, with what is said in each.

Pure: a :class:`Document` and :class:`GuideSettings` in, a :class:`TrackPlan`
out. Text here is still *written* text; the speech stage makes it speakable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pathvalidate import sanitize_filename

from audioguide.model.checks import check_template, template_fields
from audioguide.model.document import (
    DROPPED_WARN_SHARE,
    Chapter,
    ChapterKind,
    Document,
    Dropped,
    DroppedSummary,
    is_code_example,
    is_item,
)
from audioguide.model.settings import FaqMode, GuideSettings
from audioguide.text import as_sentence, minutes_seconds, shorten, strip_controls

WORDS_PER_MINUTE = 155  # typical comfortable rate of synthetic speech
MAX_TITLE_CHARS_IN_FILENAME = 100
LONG_TRACK_S = 600.0  # outline flags a track longer than this: too long to find one's way in
MAX_TITLE_BYTES_IN_FILENAME = 180  # "NN - " + title + ".mp3", with room for a ".name.part" while writing

_MARKS = re.compile(r"[`*~]+|(?<!\w)_+|_+(?!\w)")  # Markdown's code, emphasis and strike marks
_WORD_SLASH = re.compile(r"(?<=\w)\s*[/\\]\s*(?=\w)")
_SLASH = re.compile(r"[/\\]")

Role = Literal["announcement", "heading", "lead", "question", "paragraph", "item"]


@dataclass(frozen=True)
class Passage:
    """A run of text spoken as a unit, and the pause after it (ms)."""

    role: Role
    text: str
    pause_after_ms: int


@dataclass(frozen=True)
class PlannedTrack:
    """One output track."""

    number: int
    total: int
    kind: ChapterKind
    title: str
    passages: tuple[Passage, ...]
    stem: str  # file name without extension: "03 - Why Not Take Medication"
    group: str | None = None  # the topic the track sits under (level-1 navigation point), if any

    @property
    def words(self) -> int:
        return sum(len(p.text.split()) for p in self.passages)

    @property
    def estimated_seconds(self) -> float:
        pauses = sum(p.pause_after_ms for p in self.passages) / 1000
        return self.words / WORDS_PER_MINUTE * 60 + pauses

    @property
    def written_text(self) -> str:
        """The track's text as written, one passage per paragraph."""
        return "\n\n".join(p.text for p in self.passages)


@dataclass(frozen=True)
class TrackPlan:
    """The whole guide: title, tracks in order, and what the source lost as furniture."""

    title: str
    tracks: tuple[PlannedTrack, ...]
    dropped: tuple[Dropped, ...]
    document: Document


def title_words(title: str) -> str:
    """The words of a title as a file name shows them: without Markdown's marks (code spans,
    emphasis, strike-through: ``Should I commit my `.env` file?``), a slash between two words
    as a dash ("customize/write": "customize-write") and any other slash as a space, so that
    no word is glued to the next when the file system's forbidden characters are taken out."""
    text = _MARKS.sub("", title)
    text = _WORD_SLASH.sub("-", text)
    return _SLASH.sub(" ", text)


def file_stem(number: int, total: int, title: str) -> str:
    """ "NN - Title": zero-padded so every player sorts tracks in chapter order.

    The title part is the title's words (:func:`title_words`), cut at a word
    boundary to at most 100 characters and :data:`MAX_TITLE_BYTES_IN_FILENAME`
    bytes of UTF-8 (150 CJK characters are 450 bytes; file systems allow 255),
    and carries no control or bidi override character (U+202E would make the
    name list reversed).
    """
    width = max(2, len(str(total)))
    words = title_words(strip_controls(title, keep_layout=False))
    safe = sanitize_filename(words, replacement_text="").strip()
    safe = " ".join(safe.split())
    if len(safe) > MAX_TITLE_CHARS_IN_FILENAME:  # cut at a word boundary
        safe = safe[: MAX_TITLE_CHARS_IN_FILENAME + 1].rsplit(" ", 1)[0]
    safe = _cut_to_bytes(safe.rstrip(" ."), MAX_TITLE_BYTES_IN_FILENAME).rstrip(" .")
    return f"{number:0{width}d} - {safe or 'Track'}"


def _cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes: at a space when one is near, else between
    characters (never inside one)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")  # drops a character cut in two
    head, space, _ = cut.rpartition(" ")
    return head if space and len(head) >= len(cut) // 2 else cut


@dataclass(frozen=True)
class _TrackSource:
    kind: ChapterKind
    title: str
    chapters: tuple[Chapter, ...]
    group: str | None = None


def _group_chapters(document: Document, faq_mode: FaqMode) -> list[_TrackSource]:
    groups: list[_TrackSource] = []
    for chapter in document.chapters:
        if faq_mode is FaqMode.SINGLE and chapter.kind is ChapterKind.FAQ:
            if groups and groups[-1].kind is ChapterKind.FAQ:
                last = groups[-1]
                groups[-1] = _TrackSource(last.kind, last.title, last.chapters + (chapter,))
                continue
            groups.append(_TrackSource(ChapterKind.FAQ, document.faq_title, (chapter,)))
        else:
            groups.append(_TrackSource(chapter.kind, chapter.title, (chapter,), chapter.group))
    return groups


def title_as_announced(title: str, group: str | None, template: str) -> str:
    """The title as the announcement says it: with its topic first, unless the template places it."""
    if group and group != title and "group" not in template_fields(template):
        return f"{as_sentence(group)} {title}"
    return title


def _paragraph_passages(paragraphs: tuple[str, ...], settings: GuideSettings) -> list[Passage]:
    """One passage per paragraph; list items get the short item pause, except the last of a list.

    Code and web addresses the page shows are said as the guide's short note.
    """
    pauses = settings.pauses
    out: list[Passage] = []
    for index, text in enumerate(paragraphs):
        if is_code_example(text):
            note = settings.address_note if text.what == "address" else settings.code_note
            out.append(Passage("paragraph", note, pauses.paragraph_ms))
        elif is_item(text):
            more_items = index + 1 < len(paragraphs) and is_item(paragraphs[index + 1])
            out.append(Passage("item", text, pauses.item_ms if more_items else pauses.paragraph_ms))
        else:
            out.append(Passage("paragraph", text, pauses.paragraph_ms))
    return out


def _body(source: _TrackSource, settings: GuideSettings, announced_title: bool) -> list[Passage]:
    """Passages after the announcement."""
    pauses = settings.pauses
    out: list[Passage] = []
    single_faq = len(source.chapters) > 1 or (
        source.kind is ChapterKind.FAQ and source.title != source.chapters[0].title
    )
    if single_faq and not announced_title:
        out.append(Passage("heading", as_sentence(source.title), pauses.paragraph_ms))
    spoken_group = source.group if announced_title else None
    for chapter in source.chapters:
        if (
            chapter.group
            and chapter.group != spoken_group
            and chapter.group != chapter.title
            and (single_faq or not announced_title)
        ):
            out.append(Passage("heading", as_sentence(chapter.group), pauses.paragraph_ms))  # the topic
        spoken_group = chapter.group
        if chapter.lead:
            out.append(Passage("lead", as_sentence(chapter.lead), pauses.paragraph_ms))
        if chapter.kind is ChapterKind.FAQ:
            if single_faq or not announced_title:
                out.append(Passage("question", as_sentence(chapter.title), pauses.question_answer_ms))
        elif not announced_title and chapter.kind is not ChapterKind.INTRO:
            out.append(Passage("heading", as_sentence(chapter.title), pauses.paragraph_ms))
        out.extend(_paragraph_passages(chapter.paragraphs, settings))
    if out:
        last = out[-1]
        out[-1] = Passage(last.role, last.text, 0)  # the tail is added when mastering
    return out


def plan_tracks(document: Document, settings: GuideSettings) -> TrackPlan:
    """Turn a document into numbered, announced tracks in chapter order."""
    if settings.announce:
        check_template(settings.announce_template)
    groups = _group_chapters(document, settings.faq_mode)
    total = len(groups)
    announced_title = settings.announce and "title" in template_fields(settings.announce_template)
    tracks: list[PlannedTrack] = []
    for number, source in enumerate(groups, 1):
        passages: list[Passage] = []
        if settings.announce:
            text = settings.announce_template.format(
                number=number,
                total=total,
                kind=source.kind.value,
                group=source.group or "",
                title=title_as_announced(source.title, source.group, settings.announce_template),
            )
            answer_follows = source.kind is ChapterKind.FAQ and len(source.chapters) == 1 and announced_title
            pause = (
                settings.pauses.question_answer_ms
                if answer_follows
                else settings.pauses.after_announcement_ms
            )
            passages.append(Passage("announcement", as_sentence(text), pause))
        passages.extend(_body(source, settings, announced_title))
        tracks.append(
            PlannedTrack(
                number=number,
                total=total,
                kind=source.kind,
                title=source.title,
                passages=tuple(passages),
                stem=file_stem(number, total, source.title),
                group=source.group,
            )
        )
    return TrackPlan(title=document.title, tracks=tuple(tracks), dropped=document.dropped, document=document)


def structure_warnings(plan: TrackPlan, summary: DroppedSummary) -> list[str]:
    """Tracks too long to find one's way in, and a source that lost much of its text."""
    lines = [
        f"track {t.number} ({shorten(t.title, 50)}) is about {minutes_seconds(t.estimated_seconds)} long; "
        "over 10 minutes is hard to find one's way in (split it with sub-headings)"
        for t in plan.tracks
        if t.estimated_seconds > LONG_TRACK_S
    ]
    if summary.share > DROPPED_WARN_SHARE:
        largest = "; ".join(f"{d.words} words, {d.reason}: {shorten(d.text, 50)}" for d in summary.largest)
        lines.append(
            f"dropped {summary.words} words, {summary.share * 100:.0f} % of the text; check that nothing real was lost "
            f"(largest dropped blocks: {largest}); --keep-furniture keeps it"
        )
    return lines
