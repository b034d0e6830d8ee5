"""``audioguide outline``: the track plan of a source, with what it drops and warns about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audioguide.model.document import Document, DroppedSummary, dropped_summary
from audioguide.model.plan import LONG_TRACK_S, TrackPlan, plan_tracks, structure_warnings
from audioguide.model.settings import GuideSettings
from audioguide.speech.clips import plan_warnings
from audioguide.speech.donotuse import SpeechWarning


@dataclass(frozen=True)
class Outline:
    """The plan of a guide before anything is synthesized."""

    plan: TrackPlan
    summary: DroppedSummary
    speech_warnings: tuple[tuple[int, SpeechWarning], ...]  # (track number, warning)
    structure_warnings: tuple[str, ...]
    pronunciations: int

    def tracks(self) -> list[dict[str, Any]]:
        return [
            {
                "number": t.number,
                "kind": t.kind.value,
                "title": t.title,
                "group": t.group,
                "file": f"{t.stem}.mp3",
                "words": t.words,
                "estimated_s": round(t.estimated_seconds, 1),
                "long": t.estimated_seconds > LONG_TRACK_S,
            }
            for t in self.plan.tracks
        ]

    def to_dict(self, source: str) -> dict[str, Any]:
        tracks = self.tracks()
        return {
            "title": self.plan.title,
            "source": source,
            "tracks": tracks,
            "total_words": sum(t["words"] for t in tracks),
            "estimated_s": round(sum(t["estimated_s"] for t in tracks), 1),
            "dropped": [
                {
                    "line": d.line,
                    "reason": d.reason,
                    "text": d.text,
                    "words": d.words,
                    "outside": d.outside,
                    "kind": d.kind,
                }
                for d in self.plan.dropped
            ],
            "dropped_words": self.summary.words,
            "dropped_share": round(self.summary.share, 4),
            "dropped_outside_words": self.summary.outside_words,
            "dropped_furniture_words": self.summary.furniture_words,
            "dropped_code_words": self.summary.code_words,
            "warnings": [
                {"track": n, "code": w.code, "text": w.text, "message": w.message}
                for n, w in self.speech_warnings
            ],
            "pronunciations": self.pronunciations,
            "notes": list(self.plan.document.notes),
        }


def outline(document: Document, settings: GuideSettings) -> Outline:
    """Plan ``document``'s tracks and collect what ``outline`` and ``build`` warn about."""
    plan = plan_tracks(document, settings)
    summary = dropped_summary(document)
    return Outline(
        plan=plan,
        summary=summary,
        speech_warnings=tuple(plan_warnings(plan)),
        structure_warnings=tuple(structure_warnings(plan, summary)),
        pronunciations=len(settings.pronunciations),
    )
