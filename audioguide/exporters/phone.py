"""phone/: the guide for telephone hold lines (Asterisk, FreePBX, Cisco CUCM).

For every track and for the hold programme (``hold-programme.*``):

* ``.ulaw`` / ``.alaw``: raw G.711 μ-law / A-law, 8 kHz mono, no header
  (as Asterisk reads them; one byte per sample, 8000 bytes a second);
* ``.wav``: 8 kHz 16-bit mono PCM WAV (Asterisk's ``.wav``, FreePBX and
  Cisco CUCM uploads);
* ``.sln16``: raw signed linear, 16 kHz 16-bit little-endian mono, for
  wideband (G.722) calls.

File names are ASCII-safe for PBX uploads: ``NN-title-slug`` (lower case,
letters, digits and hyphens; ``01-introduction.ulaw``), numbered like the
MP3 tracks so ``sort=alpha`` keeps chapter order. ``musiconhold.conf`` (an
Asterisk class) and ``README.txt`` (Asterisk, FreePBX, CUCM) go alongside.

The telephone mastering (band limit, P.56 level, peak limit) and the files'
formats are :mod:`audioguide.audio.telephone`'s.

The hold programme: the chosen tracks (``settings.hold.tracks``; by default
all but the conclusion) in guide order, each followed by ``gap_ms`` of
silence (the last one too, so the loop restarts after the same gap); the
opening line (``settings.hold.opening``, which the build synthesizes like
every clip and hands over as ``guide.opening``), followed by ``pauses.after_announcement_ms``,
comes before the first track and, with ``repeat_opening``, before every
track. Its length bounds (``max_seconds``, and ``max_bytes`` of the 8 kHz
G.711 file) are met by leaving out whole tracks, first fit in guide order: a
track is taken when it still fits, otherwise left out (a track that cannot
fit even alone is skipped with a warning); nothing is ever cut.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioguide.audio.pcm import from_int16
from audioguide.audio.telephone import (
    NARROWBAND,
    WIDEBAND,
    active_speech_dbov,
    read_wav_pcm,
    silence,
    telephone_master,
    write_set,
)
from audioguide.errors import AudioguideError
from audioguide.exporters import templates
from audioguide.model.guide import FinishedGuide
from audioguide.model.manifest import TrackRecord
from audioguide.model.settings import HoldProgramme
from audioguide.text import as_sentence, minutes_seconds, one_line, slug

logger = logging.getLogger(__name__)

PHONE_DIR = "phone"
PROGRAMME_STEM = "hold-programme"
PROGRAMME_LEAD_S = 0.3  # silence kept before a track's title in the hold programme
CONF_NAME = "musiconhold.conf"
README_NAME = "README.txt"
EXTENSIONS = (".ulaw", ".alaw", ".wav", ".sln16")
MOH_ROOT = "/var/lib/asterisk/moh"
_SLUG_CHARS = 40


# --------------------------------------------------------------------------- names


def track_stem(number: int, total: int, title: str) -> str:
    """``NN-title-slug``, zero-padded like the MP3 tracks."""
    width = max(2, len(str(total)))
    name = slug(title, _SLUG_CHARS)
    return f"{number:0{width}d}-{name}" if name else f"{number:0{width}d}-track"


def class_slug(title: str) -> str:
    """The Asterisk class/folder name part for a guide title."""
    return slug(title, _SLUG_CHARS) or "guide"


# --------------------------------------------------------------------------- hold programme


@dataclass(frozen=True)
class Candidate:
    """A track that may go into the hold programme, and its length at 8 kHz."""

    number: int
    title: str
    samples_8k: int


@dataclass(frozen=True)
class ProgrammeLayout:
    """Lengths (8 kHz samples) of the programme's fixed parts."""

    opening: int | None  # the opening line with its pause after; None = no opening
    gap: int
    repeat_opening: bool


def programme_bound(hold: HoldProgramme) -> int | None:
    """The most 8 kHz samples (= bytes of the G.711 file) the programme may have."""
    bounds = []
    if hold.max_seconds is not None:
        bounds.append(math.floor(hold.max_seconds * NARROWBAND.rate))
    if hold.max_bytes is not None:
        bounds.append(int(hold.max_bytes))
    return min(bounds) if bounds else None


def _describe_bound(hold: HoldProgramme) -> str:
    parts = []
    if hold.max_seconds is not None:
        parts.append(f"{hold.max_seconds:g} s")
    if hold.max_bytes is not None:
        parts.append(f"{hold.max_bytes} bytes")
    return " and ".join(parts)


def choose_programme(
    candidates: Sequence[Candidate], layout: ProgrammeLayout, hold: HoldProgramme
) -> list[Candidate]:
    """The tracks that fit, first fit in guide order; whole tracks only.

    Raises :class:`AudioguideError` when none fits.
    """
    bound = programme_bound(hold)
    chosen: list[Candidate] = []
    used = 0
    for candidate in candidates:
        opening_here = layout.opening is not None and (not chosen or layout.repeat_opening)
        cost = candidate.samples_8k + layout.gap + (layout.opening if opening_here else 0)
        alone = candidate.samples_8k + layout.gap + (layout.opening or 0)
        if bound is None or used + cost <= bound:
            chosen.append(candidate)
            used += cost
        elif alone > bound:
            logger.warning(
                "hold programme: track %d (%s, %.1f s) is longer than the bound (%s) on its own: skipped",
                candidate.number,
                candidate.title,
                candidate.samples_8k / NARROWBAND.rate,
                _describe_bound(hold),
            )
        else:
            logger.info(
                "hold programme: track %d (%s, %.1f s) left out: it does not fit in %s",
                candidate.number,
                candidate.title,
                candidate.samples_8k / NARROWBAND.rate,
                _describe_bound(hold),
            )
    if not chosen:
        shortest = min(c.samples_8k for c in candidates) / NARROWBAND.rate if candidates else 0.0
        raise AudioguideError(
            f"hold programme: no track fits in {_describe_bound(hold)} "
            f"(the shortest chosen track is {shortest:.1f} s, plus gap and opening)"
        )
    return chosen


def hold_candidates(numbers: Sequence[tuple[int, str, str]], hold: HoldProgramme) -> list[tuple[int, str]]:
    """(number, title) of the tracks asked for, from (number, kind, title) of every track.

    ``hold.tracks`` None means all but the conclusion (all, if that leaves none).
    """
    if hold.tracks is None:
        picked = [(n, title) for n, kind, title in numbers if kind != "conclusion"]
        return picked or [(n, title) for n, _, title in numbers]
    known = {n: title for n, _, title in numbers}
    for number in hold.tracks:
        if number not in known:
            raise AudioguideError(
                f"hold programme: there is no track {number} (the guide has tracks 1-{len(numbers)})"
            )
    wanted = set(hold.tracks)
    picked = [(n, title) for n, _, title in numbers if n in wanted]
    if not picked:
        raise AudioguideError("hold programme: no tracks chosen (hold tracks is empty)")
    return picked


# --------------------------------------------------------------------------- export


def programme_start_s(record: TrackRecord) -> float:
    """Where a track starts in the hold programme: at its title, after "Track n of N.".

    Callers on hold cannot skip between tracks, so the numbering means nothing
    to them, while the title (for an FAQ track: the question) introduces what
    follows. The cut falls in the pause before the title, keeping
    ``PROGRAMME_LEAD_S`` of it; the per-track files keep their announcement.
    """
    title = one_line(as_sentence(record.title))
    for index, clip in enumerate(record.clips):
        if clip.role != "announcement" or one_line(clip.written) == title:
            if index == 0:
                return 0.0
            return max(record.clips[index - 1].end_s, clip.start_s - PROGRAMME_LEAD_S)
    return 0.0


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``phone/``: per-track and hold-programme telephone files, musiconhold.conf, README.txt."""
    folder = guide.folder / PHONE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    settings = guide.settings
    hold = settings.hold
    total = len(guide.tracks)
    written: list[Path] = []
    asked = hold_candidates([(t.record.number, t.record.kind, t.record.title) for t in guide.tracks], hold)

    stems: dict[int, str] = {}
    lengths: dict[int, int] = {}
    starts = {t.record.number: programme_start_s(t.record) for t in guide.tracks}
    for track in guide.tracks:
        record = track.record
        samples = guide.samples(track)
        narrow = telephone_master(samples, guide.rate, NARROWBAND)
        wide = telephone_master(samples, guide.rate, WIDEBAND)
        stem = track_stem(record.number, total, record.title)
        written += write_set(folder, stem, [narrow.tobytes()], [wide.tobytes()])
        stems[record.number] = stem
        lengths[record.number] = narrow.size - round(starts[record.number] * NARROWBAND.rate)
        if logger.isEnabledFor(logging.DEBUG):  # the level costs a P.56 measurement: only when shown
            logger.debug(
                "phone %s: %.2f s, active speech %.2f dBov",
                stem,
                narrow.size / 8000,
                active_speech_dbov(from_int16(narrow), NARROWBAND.rate),
            )

    opening = guide.opening
    opening_pcm: tuple[np.ndarray, np.ndarray] | None = None
    pause_8k = round(settings.pauses.after_announcement_ms * NARROWBAND.rate / 1000)
    if opening is not None:
        opening_pcm = (
            telephone_master(opening, guide.rate, NARROWBAND),
            telephone_master(opening, guide.rate, WIDEBAND),
        )
    layout = ProgrammeLayout(
        opening=None if opening_pcm is None else opening_pcm[0].size + pause_8k,
        gap=round(hold.gap_ms * NARROWBAND.rate / 1000),
        repeat_opening=hold.repeat_opening,
    )
    chosen = choose_programme([Candidate(n, title, lengths[n]) for n, title in asked], layout, hold)

    def pieces(narrowband: bool) -> Iterable[bytes]:
        rate = NARROWBAND.rate if narrowband else WIDEBAND.rate
        ext = ".wav" if narrowband else ".sln16"
        for index, candidate in enumerate(chosen):
            if opening_pcm is not None and (index == 0 or hold.repeat_opening):
                yield opening_pcm[0 if narrowband else 1].tobytes()
                yield silence(round(settings.pauses.after_announcement_ms * rate / 1000))
            path = folder / f"{stems[candidate.number]}{ext}"
            skip = 2 * round(starts[candidate.number] * rate)  # 16-bit samples
            yield (read_wav_pcm(path) if narrowband else path.read_bytes())[skip:]
            yield silence(round(hold.gap_ms * rate / 1000))

    written += write_set(folder, PROGRAMME_STEM, pieces(True), pieces(False))
    programme_s = (folder / f"{PROGRAMME_STEM}.ulaw").stat().st_size / NARROWBAND.rate
    logger.info(
        "hold programme: %s, %.1f s (tracks %s)",
        f"{PROGRAMME_STEM}.*",
        programme_s,
        ", ".join(str(c.number) for c in chosen),
    )

    moh_class = class_slug(guide.title)
    conf = folder / CONF_NAME
    conf.write_text(
        render_musiconhold_conf(guide.title, moh_class, [stems[n] for n in sorted(stems)]), encoding="utf-8"
    )
    readme = folder / README_NAME
    readme.write_text(
        render_readme(guide.title, moh_class, chosen, stems, opening_pcm is not None, hold, programme_s),
        encoding="utf-8",
    )
    return [*written, conf, readme]


def render_musiconhold_conf(title: str, slug: str, track_stems: Sequence[str]) -> str:
    """An Asterisk musiconhold.conf snippet: the programme class and, commented out, a tracks class."""
    return templates.render(
        "phone/musiconhold.conf.j2",
        title=title,
        slug=slug,
        moh_root=MOH_ROOT,
        programme_files=[f"{PROGRAMME_STEM}{ext}" for ext in EXTENSIONS],
        first_stem=track_stems[0] if track_stems else "01-track",
    )


def render_readme(
    title: str,
    slug: str,
    chosen: Sequence[Candidate],
    stems: dict[int, str],
    has_opening: bool,
    hold: HoldProgramme,
    programme_s: float,
) -> str:
    """README.txt: what the files are and how to load them into Asterisk, FreePBX and Cisco CUCM."""
    programme = [
        {
            "opening": has_opening and (index == 0 or hold.repeat_opening),
            "stem": stems[candidate.number],
            "length": minutes_seconds(candidate.samples_8k / NARROWBAND.rate),
        }
        for index, candidate in enumerate(chosen)
    ]
    return templates.render(
        "phone/README.txt.j2",
        title=title,
        slug=slug,
        moh_root=MOH_ROOT,
        programme=programme,
        programme_length=minutes_seconds(programme_s),
        gap_s=hold.gap_ms / 1000,
        wav_mb=programme_s * 2 * NARROWBAND.rate / 1e6,
        ulaw_mb=programme_s * NARROWBAND.rate / 1e6,
    )
