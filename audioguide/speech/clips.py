"""From planned tracks to clips: sentences, normalized for the engine.

Each passage of a track is split into sentences; each sentence becomes one
clip whose speech text is the normalized sentence. The pause after a clip is
the sentence pause inside a passage and the passage's own pause at its end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from audioguide.model.document import ChapterKind
from audioguide.model.plan import Passage, PlannedTrack, Role, TrackPlan
from audioguide.model.settings import Pauses
from audioguide.speech import Lexicon, Memo, SpeechWarning, find_warnings, normalize, split_sentences
from audioguide.text import as_sentence


@dataclass(frozen=True)
class ClipSpec:
    """One unit of synthesis: a sentence as written and as it will be said."""

    written: str
    speech: str
    pause_after_ms: int
    role: Role
    passage: int  # index of the passage in its track
    part: str = ""  # "question" or "answer" inside an FAQ (see model.settings.VOICE_ROLES); else ""

    @property
    def voice_roles(self) -> tuple[str, ...]:
        """The roles whose voice speaks this clip, most specific first (GuideSettings.voice_for)."""
        return (self.part, self.role) if self.part else (self.role,)


@dataclass(frozen=True)
class SpokenTrack:
    """A planned track with its clips."""

    track: PlannedTrack
    clips: tuple[ClipSpec, ...]

    @property
    def transcript(self) -> str:
        """Exactly the words spoken, one paragraph per passage."""
        paragraphs: list[list[str]] = []
        last = None
        for clip in self.clips:
            if clip.passage != last:
                paragraphs.append([])
                last = clip.passage
            paragraphs[-1].append(clip.speech)
        return "\n\n".join(" ".join(p) for p in paragraphs) + "\n"

    @property
    def speech_text(self) -> str:
        return " ".join(clip.speech for clip in self.clips)


def passage_clips(
    passage: Passage, index: int, pauses: Pauses, lexicon: Lexicon, memo: Memo | None = None
) -> list[ClipSpec]:
    """The clips of one passage: its sentences, normalized; the passage's pause after the last.
    ``memo``: sentence splits seen before (:func:`~audioguide.speech.split_sentences`)."""
    clips: list[ClipSpec] = []
    sentences = [s for s in split_sentences(passage.text, memo) if s.strip()] or [passage.text]
    for position, sentence in enumerate(sentences):
        last = position == len(sentences) - 1
        speech = normalize(sentence, lexicon).strip()
        if not any(ch.isalnum() for ch in speech):  # "!!!", "***": nothing to say
            continue
        clips.append(
            ClipSpec(
                written=sentence.strip(),
                speech=speech,
                pause_after_ms=passage.pause_after_ms if last else pauses.sentence_ms,
                role=passage.role,
                passage=index,
            )
        )
    return clips


def speak_text(text: str, pauses: Pauses, lexicon: Lexicon) -> list[ClipSpec]:
    """Clips for free text (``audioguide say``): one passage per paragraph (blank-line separated)."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    clips: list[ClipSpec] = []
    for index, paragraph in enumerate(p for p in paragraphs if p):
        clips.extend(
            passage_clips(Passage("paragraph", paragraph, pauses.paragraph_ms), index, pauses, lexicon)
        )
    if clips:
        final = clips[-1]
        clips[-1] = replace(final, pause_after_ms=0)
    return clips


def _faq_part(clip: ClipSpec, question: str | None) -> str:
    """In an FAQ track: "question" for a question (its own passage, or the sentence of the
    announcement that says it), "answer" for what answers it; "" for the rest of the announcement."""
    if clip.role == "question" or (clip.role == "announcement" and clip.written == question):
        return "question"
    return "" if clip.role in ("announcement", "heading") else "answer"


def speak_track(
    track: PlannedTrack, pauses: Pauses, lexicon: Lexicon, memo: Memo | None = None
) -> SpokenTrack:
    clips: list[ClipSpec] = []
    for index, passage in enumerate(track.passages):
        clips.extend(passage_clips(passage, index, pauses, lexicon, memo))
    if track.kind is ChapterKind.FAQ:
        # one question per track: its title, said by the announcement (else by a question passage)
        asked = any(clip.role == "question" for clip in clips)
        question = None if asked else as_sentence(track.title)
        clips = [replace(clip, part=_faq_part(clip, question)) for clip in clips]
    if clips:
        # The end of a track is the tail, added when assembling.
        clips[-1] = replace(clips[-1], pause_after_ms=0)
    return SpokenTrack(track=track, clips=tuple(clips))


def speak_plan(
    plan: TrackPlan, pauses: Pauses, lexicon: Lexicon, memo: Memo | None = None
) -> list[SpokenTrack]:
    """Clips for every track of the plan (``memo``: sentence splits seen before)."""
    return [speak_track(track, pauses, lexicon, memo) for track in plan.tracks]


def plan_warnings(plan: TrackPlan) -> list[tuple[int, SpeechWarning]]:
    """Unsafe abbreviations ("Do Not Use" list) per track number."""
    found: list[tuple[int, SpeechWarning]] = []
    for track in plan.tracks:
        for passage in track.passages:
            found.extend((track.number, warning) for warning in find_warnings(passage.text))
    return found
