"""From planned tracks to clips: sentences, normalized for the engine.

Each passage of a track is split into sentences; each sentence becomes one
clip whose speech text is the normalized sentence. The pause after a clip is
the sentence pause inside a passage and the passage's own pause at its end.
"""

from __future__ import annotations

from dataclasses import dataclass

from audioguide.model.settings import Pauses
from audioguide.model.plan import Passage, PlannedTrack, Role, TrackPlan
from audioguide.speech import Lexicon, SpeechWarning, find_warnings, normalize, split_sentences


@dataclass(frozen=True)
class ClipSpec:
    """One unit of synthesis: a sentence as written and as it will be said."""

    written: str
    speech: str
    pause_after_ms: int
    role: Role
    passage: int  # index of the passage in its track


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


def passage_clips(passage: Passage, index: int, pauses: Pauses, lexicon: Lexicon) -> list[ClipSpec]:
    """The clips of one passage: its sentences, normalized; the passage's pause after the last."""
    clips: list[ClipSpec] = []
    sentences = [s for s in split_sentences(passage.text) if s.strip()] or [passage.text]
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
        clips.extend(passage_clips(Passage("paragraph", paragraph, pauses.paragraph_ms), index, pauses, lexicon))
    if clips:
        final = clips[-1]
        clips[-1] = ClipSpec(final.written, final.speech, 0, final.role, final.passage)
    return clips


def speak_track(track: PlannedTrack, pauses: Pauses, lexicon: Lexicon) -> SpokenTrack:
    clips: list[ClipSpec] = []
    for index, passage in enumerate(track.passages):
        clips.extend(passage_clips(passage, index, pauses, lexicon))
    if clips:
        # The end of a track is the tail, added when assembling.
        final = clips[-1]
        clips[-1] = ClipSpec(final.written, final.speech, 0, final.role, final.passage)
    return SpokenTrack(track=track, clips=tuple(clips))


def speak_plan(plan: TrackPlan, pauses: Pauses, lexicon: Lexicon) -> list[SpokenTrack]:
    """Clips for every track of the plan."""
    return [speak_track(track, pauses, lexicon) for track in plan.tracks]


def plan_warnings(plan: TrackPlan) -> list[tuple[int, SpeechWarning]]:
    """Unsafe abbreviations ("Do Not Use" list) per track number."""
    found: list[tuple[int, SpeechWarning]] = []
    for track in plan.tracks:
        for passage in track.passages:
            found.extend((track.number, warning) for warning in find_warnings(passage.text))
    return found
