"""One track from its clips' samples to a finished MP3: assembly, mastering, encoding, tags.

Runs in a worker process or in the main one. It is given the clips' samples
(the build reads them from the clip cache) and a folder to write into; it
knows nothing of engines or caches.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from audioguide.audio.assemble import ClipSpan, assemble
from audioguide.audio.jobs import TrackJob
from audioguide.audio.mp3 import (
    ENCODER_GAIN_DB,
    MAX_PEAK_PASSES,
    MP3_LOUDNESS_TOLERANCE_LU,
    MP3_PEAK_MARGIN_DB,
    PEAK_STEP_DB,
    encode_mp3,
    write_tags,
)
from audioguide.hashing import sha256_file
from audioguide.model.settings import GuideSettings, Loudness

if TYPE_CHECKING:
    from audioguide.audio.mastering import MasteredTrack

logger = logging.getLogger(__name__)

FADE_MS = 10.0
DECODER_SLACK_DB = 0.001  # 20 log10(1 + 5e-6 / 0.89): two decoders' difference at the ceiling, rounded up


@dataclass(frozen=True)
class RenderedTrack:
    """A finished file and what was measured on it."""

    file: str
    duration_s: float
    spans: tuple[ClipSpan, ...]
    lufs: float
    true_peak_dbtp: float
    peak_margin_db: float  # the limiter headroom the MP3 pass settled on
    sha256: str
    loudness_offset_db: float = 0.0  # and the loudness offset it learned (usually none)


@dataclass(frozen=True)
class Levels:
    """Loudness and true peak of an encoded file, measured by decoding it."""

    lufs: float
    true_peak_dbtp: float
    margin_db: float
    offset_db: float = 0.0  # decoded minus predicted loudness the pass settled on


def _mastered(
    samples: np.ndarray, rate: int, settings: GuideSettings, margin_db: float, offset_db: float = 0.0
) -> MasteredTrack:
    """The samples exactly as they go to the encoder, mastered and faded, rendered block by block.

    Mastering's own measurement of its output is skipped: :func:`master_to_mp3`
    measures the decoded file, which is what the listener gets."""
    from audioguide.audio.mastering import master_in_blocks  # numpy: loaded only when there is work

    return master_in_blocks(
        samples,
        rate,
        _aim(settings),
        peak_margin_db=margin_db,
        fade_ms=FADE_MS,
        measure_output=False,
        loudness_offset_db=offset_db,
    )


def _aim(settings: GuideSettings) -> Loudness:
    """What mastering aims at: above the target by what LAME takes away."""
    offset = -ENCODER_GAIN_DB
    return Loudness(settings.loudness.target_lufs + offset, settings.loudness.true_peak_dbtp + offset)


def master_to_mp3(
    samples: np.ndarray,
    rate: int,
    settings: GuideSettings,
    path: Path,
    *,
    margin_db: float = MP3_PEAK_MARGIN_DB,
) -> Levels:
    """Master, encode, then measure the decoded MP3; re-master if it overshot or missed the loudness.

    MP3 encoding raises true peaks by an amount that depends on the content
    (2.5 dB on one click in the seed at 64 kbps), so the file itself is
    measured rather than trusted: decoded in this process
    (:class:`~audioguide.audio.decode.DecodedMp3`), its loudness and its exact
    true peak (both interpolators, computed where the samples could reach
    it) in one pass. ``margin_db``: the first pass's headroom. Mastering
    predicts the loudness it reaches (within 0.05 LU on 147 of the book's 148
    tracks); a file further than :data:`MP3_LOUDNESS_TOLERANCE_LU` from the
    target is mastered again with the difference learned.

    Only ``samples`` is held whole: each pass masters it block by block
    straight into the encoder, and the decoded file is measured a chunk at a
    time; a re-mastering pass starts again from ``samples``.
    """
    from audioguide.audio.decode import DecodedMp3
    from audioguide.audio.mastering import MAX_GAIN_DB, measure_conservative

    target = settings.loudness.target_lufs
    margin, offset = margin_db, 0.0
    for attempt in range(MAX_PEAK_PASSES):
        track = _mastered(samples, rate, settings, margin, offset)
        encode_mp3(track.blocks(), rate, path, bitrate_kbps=settings.encoding.bitrate_kbps)
        with DecodedMp3(path, rate) as decoded:
            lufs, peak = measure_conservative(decoded, rate)  # one pass: loudness and true peak
        # decoders round differently (libsndfile's and ffmpeg's differ by a few 1e-6): a file
        # within DECODER_SLACK_DB of the ceiling is not trusted to be under it in every player
        excess = peak + DECODER_SLACK_DB - settings.loudness.true_peak_dbtp
        missed = lufs - target if math.isfinite(lufs) else 0.0  # silence: nothing to reach
        if missed < 0 and track.report.gain_db >= MAX_GAIN_DB:
            missed = 0.0  # raised by the most allowed: as loud as it may get
        if (excess <= 0 and abs(missed) <= MP3_LOUDNESS_TOLERANCE_LU) or attempt == MAX_PEAK_PASSES - 1:
            return Levels(lufs, peak, margin, offset)
        logger.info(
            "%s: encoded at %.2f LUFS, %.2f dBTP; mastering again%s",
            path.name,
            lufs,
            peak,
            f" with {excess + PEAK_STEP_DB:.2f} dB more headroom" if excess > 0 else "",
        )
        if excess > 0:
            margin += excess + PEAK_STEP_DB
        offset += missed
    raise AssertionError("unreachable: the last pass returns")


def assembled(job: TrackJob, clips: Sequence[np.ndarray]) -> tuple[np.ndarray, list[ClipSpan]]:
    """The track's clips with our pauses, before mastering; several voices level-matched.

    Voices differ in level and in how peaky they are (at one loudness, Piper's
    joe peaks ~2 dB higher than hibari's heart), and a track is mastered as a
    whole, so a change of voice would be heard as a change of loudness; giving
    the voices one loudness before mastering is not enough, because the
    limiter then takes more off the peakier one (measured: 1.2-2.2 LU). So
    each voice's clips are first mastered together, as one track, to the
    track's loudness and peak ceiling (:func:`_voice_mastered`): every voice
    then arrives at the track's level with its peaks already in hand, and the
    track's own mastering has next to nothing left to do. Within a voice,
    sentences keep their natural differences. With one voice the clips are
    assembled as they are. Deterministic, so :func:`mastered_samples`
    reproduces it.
    """
    if len(set(job.voices)) > 1:
        clips = _voice_mastered(job, clips)
    return assemble(
        list(clips),
        list(job.pauses_ms),
        job.rate,
        head_ms=job.settings.pauses.head_ms,
        tail_ms=job.settings.pauses.tail_ms,
    )


def _voice_mastered(job: TrackJob, clips: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each voice's clips, mastered together (joined end to end) as the track will be."""
    from audioguide.audio.mastering import master  # numpy: loaded only when there is work

    aim = _aim(job.settings)
    out: list[np.ndarray] = [np.asarray(clip, dtype=np.float32) for clip in clips]
    for voice in dict.fromkeys(job.voices):
        members = [i for i, v in enumerate(job.voices) if v == voice]
        joined = np.concatenate([out[i] for i in members])
        mastered, _ = master(joined, job.rate, aim, peak_margin_db=MP3_PEAK_MARGIN_DB)
        position = 0
        for i in members:
            size = out[i].size
            out[i] = mastered[position : position + size]
            position += size
    return out


def mastered_samples(
    job: TrackJob, clips: Sequence[np.ndarray], margin_db: float, offset_db: float = 0.0
) -> np.ndarray:
    """A finished track's audio again, bit for bit as it was encoded (for other formats).

    Every stage is deterministic, so assembling and mastering with the margin
    and loudness offset the MP3 pass settled on reproduces the encoder's input exactly.
    """
    samples, _ = assembled(job, clips)
    del clips  # the caller's list, if it keeps none, is freed: a long track is not held twice
    return _mastered(samples, job.rate, job.settings, margin_db, offset_db).samples()


def render_track(job: TrackJob, clips: Sequence[np.ndarray], folder: Path) -> RenderedTrack:
    """Assemble, master, encode and tag ``job`` (from its ``clips``) into ``folder / job.file``."""
    samples, spans = assembled(job, clips)
    del clips  # the caller's list, if it keeps none, is freed: a long track is not held twice
    path = folder / job.file
    levels = master_to_mp3(samples, job.rate, job.settings, path)
    write_tags(path, job.tags)
    return RenderedTrack(
        file=job.file,
        duration_s=round(len(samples) / job.rate, 3),
        spans=tuple(spans),
        lufs=round(levels.lufs, 2),
        true_peak_dbtp=round(levels.true_peak_dbtp, 2),
        peak_margin_db=levels.margin_db,
        loudness_offset_db=levels.offset_db,
        sha256=sha256_file(path),
    )


def write_clip_file(
    clips: Sequence[np.ndarray], pauses_ms: Sequence[float], rate: int, settings: GuideSettings, output: Path
) -> float:
    """Assemble ``clips`` with the guide's pauses, master and encode them to ``output`` as a
    track would be (``audioguide say``); returns the seconds written.

    ``output`` is replaced only once the MP3 is whole; a failed write leaves it as it was.
    """
    from audioguide.errors import AudioguideError
    from audioguide.files import atomic_path, normal_mode

    samples, _ = assemble(
        list(clips), list(pauses_ms), rate, head_ms=settings.pauses.head_ms, tail_ms=settings.pauses.tail_ms
    )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(output, mode=normal_mode(), suffix=".mp3") as tmp:
            try:
                master_to_mp3(samples, rate, settings, tmp)
            except AudioguideError as exc:  # the user knows the output's name, not the temporary one's
                raise type(exc)(str(exc).replace(str(tmp), str(output))) from None
    except OSError as exc:
        raise AudioguideError(f"{output}: cannot write ({exc.strerror or exc})") from None
    return len(samples) / rate
