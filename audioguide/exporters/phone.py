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

Telephone mastering, from the mastered track samples (numpy/scipy):

1. band limit, zero phase: a Kaiser-window FIR low-pass at the source rate
   (pass band to 3400 Hz, at least :data:`STOPBAND_DB` down from 3600 Hz;
   7000/7600 Hz for 16 kHz), its delay removed; then the high-pass. For the
   8 kHz files a linear-phase Kaiser FIR at the output rate: flat (within
   0.01 dB) from 300 Hz, at least :data:`STOPBAND_DB` down at 250 Hz and
   below (a 4th-order Butterworth left the 150-200 Hz band only 16 dB under
   the speech band, and 200-300 Hz hardly lower). For 16 kHz a Butterworth
   (order :data:`HIGHPASS_ORDER`, forward and backward, -3 dB at 50 Hz);
2. resample with ``scipy.signal.resample_poly`` to 8 or 16 kHz;
3. level the *active speech* to :data:`TARGET_DBOV` (-22 dBov, RMS 2600 of
   32767: RFC 7874 §4's -19 dBm0), measured as ITU-T P.56 method B does
   (:func:`active_speech_dbov`: the ITU-T STL ``actlev`` algorithm). dBov here
   is 10 log10 of the mean square with full scale 1.0 (a full-scale sine is
   -3.01 dBov);
4. a zero-overshoot look-ahead peak limiter holds every sample at or below
   :data:`PEAK_CEILING_DBFS` (-1 dBFS) before G.711 encoding; the gain is
   re-fitted so the limited speech still lands on the target.

No music bed is added (voice activity detection on low-bit-rate codecs can
turn sustained tones into comfort noise).

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
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioguide.audio import codec
from audioguide.audio.pcm import from_int16, to_int16
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


@dataclass(frozen=True)
class Band:
    """A telephone band: output rate, high-pass edge, low-pass pass/stop edges (Hz).

    With ``low_stop_hz`` the high-pass is a linear-phase FIR at the output
    rate, flat from ``low_hz`` and :data:`STOPBAND_DB` down at ``low_stop_hz``;
    without, a Butterworth with -3 dB at ``low_hz``.
    """

    rate: int
    low_hz: float
    high_hz: float
    stop_hz: float
    low_stop_hz: float | None = None


NARROWBAND = Band(8000, 300.0, 3400.0, 3600.0, 250.0)  # ITU-T P.48 telephone band, G.711
WIDEBAND = Band(16000, 50.0, 7000.0, 7600.0)  # G.722 band, .sln16
HIGHPASS_ORDER = 4  # Butterworth, run twice (forward and backward)
STOPBAND_DB = 60.0  # FIR low-pass attenuation from the stop edge up
TARGET_DBOV = -22.0  # active speech RMS (about -19 dBm0, RFC 7874 §4)
PEAK_CEILING_DBFS = -1.0  # sample peak before G.711 encoding
P56_TIME_CONSTANT_S = 0.03  # P.56 method B: envelope smoothing
P56_HANGOVER_S = 0.2  # ... activity kept this long after the envelope falls below a threshold
P56_MARGIN_DB = 15.9  # ... the active level is this far above its threshold
P56_THRESHOLDS = tuple(2.0 ** -(15 - j) for j in range(15))  # 2^-15 ... 2^-1 of full scale
LIMITER_HOLD_MS = 10.0  # gain reaches its minimum this long before a peak, holds, recovers
LEVEL_TOLERANCE_DB = 0.05
_FADE_MS = 10.0
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


# --------------------------------------------------------------------------- signal


@lru_cache(maxsize=8)
def _highpass_sos(rate: int, low_hz: float) -> np.ndarray:
    from scipy.signal import butter

    # |H|^2 of the forward-backward pair is -3 dB at low_hz: (fc/f)^(2n) = sqrt(2) - 1.
    cutoff = low_hz * (math.sqrt(2) - 1) ** (1 / (2 * HIGHPASS_ORDER))
    return butter(HIGHPASS_ORDER, cutoff, btype="highpass", fs=rate, output="sos")


@lru_cache(maxsize=8)
def _lowpass_fir(rate: int, high_hz: float, stop_hz: float) -> np.ndarray:
    from scipy.signal import firwin, kaiserord

    numtaps, beta = kaiserord(STOPBAND_DB, (stop_hz - high_hz) / (rate / 2))
    numtaps |= 1  # odd: a whole-sample delay, removed exactly
    return firwin(numtaps, (high_hz + stop_hz) / 2, window=("kaiser", beta), fs=rate)


@lru_cache(maxsize=8)
def _highpass_fir(rate: int, stop_hz: float, pass_hz: float) -> np.ndarray:
    from scipy.signal import firwin, kaiserord

    numtaps, beta = kaiserord(STOPBAND_DB, (pass_hz - stop_hz) / (rate / 2))
    numtaps |= 1  # odd (a high-pass FIR must be), a whole-sample delay
    return firwin(numtaps, (pass_hz + stop_hz) / 2, window=("kaiser", beta), pass_zero=False, fs=rate)


def _fir(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Linear-phase FIR with its delay removed (same length; float32 convolution, error far below 16-bit)."""
    from scipy.signal import oaconvolve

    delay = taps.size // 2
    return oaconvolve(np.asarray(x, dtype=np.float32), taps.astype(np.float32))[
        delay : delay + x.size
    ].astype(np.float64)


def band_limit(samples: np.ndarray, rate: int, band: Band) -> np.ndarray:
    """Low-pass at ``rate``, resample to ``band.rate``, high-pass (all zero phase); float64."""
    from scipy.signal import resample_poly, sosfiltfilt

    x = np.asarray(samples, dtype=np.float32)
    if x.size == 0:
        return x.astype(np.float64)
    y = _fir(x, _lowpass_fir(rate, band.high_hz, band.stop_hz))
    if band.low_stop_hz is None and y.size > 3 * 2 * HIGHPASS_ORDER:
        y = sosfiltfilt(_highpass_sos(rate, band.low_hz), y)
    g = math.gcd(band.rate, rate)
    y = resample_poly(y, band.rate // g, rate // g)
    if band.low_stop_hz is not None:
        y = _fir(y, _highpass_fir(band.rate, band.low_stop_hz, band.low_hz))
    return y


def active_speech_dbov(samples: np.ndarray, rate: int) -> float:
    """Active speech level in dBov (full scale 1.0), ITU-T P.56 method B; -inf when nothing is active.

    The rectified signal smoothed twice (time constant 0.03 s) is the
    envelope; at each of 15 thresholds (2^-15 ... 2^-1) a sample is active
    while the envelope is at or above the threshold and for 0.2 s after;
    the active level at a threshold is the mean square over its active
    samples. The level is where it lies 15.9 dB above its threshold,
    interpolated linearly (in dB) between the two thresholds that bracket
    that point (the STL's ``actlev`` bisects to 0.5 dB of margin instead).
    """
    from scipy.signal import lfilter

    x = np.asarray(samples, dtype=np.float64)
    energy = float(np.dot(x, x))
    if x.size == 0 or energy == 0.0:
        return float("-inf")
    g = math.exp(-1.0 / (rate * P56_TIME_CONSTANT_S))
    envelope = lfilter([1 - g], [1, -g], lfilter([1 - g], [1, -g], np.abs(x)))
    hangover = math.floor(P56_HANGOVER_S * rate + 0.5)
    positions = np.arange(x.size)
    levels: list[float] = []
    margins: list[float] = []
    for threshold in P56_THRESHOLDS:
        last_above = np.maximum.accumulate(np.where(envelope >= threshold, positions, -1))
        active = int(np.count_nonzero((last_above >= 0) & (positions - last_above <= hangover)))
        if active == 0:
            break
        level = 10 * math.log10(energy / active)
        margin = level - 20 * math.log10(threshold)
        if margin <= P56_MARGIN_DB:
            if not levels:
                return level
            # linear in dB between the previous threshold and this one: margin(t) = P56_MARGIN_DB
            t = (margins[-1] - P56_MARGIN_DB) / (margins[-1] - margin)
            return levels[-1] + t * (level - levels[-1])
        levels.append(level)
        margins.append(margin)
    return float("-inf")


def peak_limit(samples: np.ndarray, rate: int, ceiling_dbfs: float = PEAK_CEILING_DBFS) -> np.ndarray:
    """Every sample at or below ``ceiling_dbfs``, by a smooth look-ahead gain.

    The gain each sample needs is held over ±:data:`LIMITER_HOLD_MS` (a minimum
    filter) and then averaged over the same span: an average of values that
    are all at most the need at its centre, so no sample overshoots, and the
    gain moves in linear ramps of twice the hold time.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    x = np.asarray(samples, dtype=np.float64)
    ceiling = 10 ** (ceiling_dbfs / 20) * (1 - 1e-9)
    magnitude = np.abs(x)
    if x.size == 0 or float(magnitude.max()) <= ceiling:
        return x
    need = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    half = max(1, round(LIMITER_HOLD_MS / 1000 * rate))
    held = minimum_filter1d(need, size=2 * half + 1, mode="nearest")
    gain = np.minimum(uniform_filter1d(held, size=2 * half + 1, mode="nearest"), need)
    return x * gain


def telephone_master(samples: np.ndarray, rate: int, band: Band) -> np.ndarray:
    """Band-limited, resampled, levelled and peak-limited 16-bit samples at ``band.rate``."""
    y = band_limit(samples, rate, band)
    level = active_speech_dbov(y, band.rate)
    if not math.isfinite(level):
        logger.info("silent audio: left at its level")
        return to_int16(peak_limit(y, band.rate))
    gain_db = TARGET_DBOV - level
    out = y
    for _ in range(4):  # the limiter lowers the active level a little: correct for it
        out = peak_limit(y * 10 ** (gain_db / 20), band.rate)
        error = TARGET_DBOV - active_speech_dbov(out, band.rate)
        if abs(error) <= LEVEL_TOLERANCE_DB:
            break
        gain_db += error
    return to_int16(out)


# --------------------------------------------------------------------------- files


def write_wav(path: Path, pcm: np.ndarray | Iterable[bytes], rate: int) -> None:
    """A 16-bit mono PCM WAV from samples or from a stream of little-endian frames."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        if isinstance(pcm, np.ndarray):
            out.writeframes(pcm.astype("<i2").tobytes())
        else:
            for chunk in pcm:
                out.writeframes(chunk)


def read_wav_pcm(path: Path) -> bytes:
    """The frames of a 16-bit mono WAV written by :func:`write_wav`."""
    with wave.open(str(path), "rb") as source:
        return source.readframes(source.getnframes())


def encode_g711(wav: Path, ulaw: Path, alaw: Path) -> None:
    """Raw μ-law and A-law files from an 8 kHz 16-bit WAV (pydub, ffmpeg's G.711 encoders)."""
    audio = codec.load_wav(wav)
    for path, fmt in ((ulaw, "mulaw"), (alaw, "alaw")):
        codec.export_segment(
            audio, path, format=fmt, codec=f"pcm_{fmt}", parameters=["-ac", "1", "-ar", "8000"]
        )


def write_set(folder: Path, stem: str, narrow: Iterable[bytes], wide: Iterable[bytes]) -> list[Path]:
    """``stem``.wav, .sln16, .ulaw and .alaw from 8 kHz and 16 kHz 16-bit frames."""
    wav = folder / f"{stem}.wav"
    write_wav(wav, narrow, NARROWBAND.rate)
    sln16 = folder / f"{stem}.sln16"
    with open(sln16, "wb") as out:
        out.writelines(wide)
    ulaw, alaw = folder / f"{stem}.ulaw", folder / f"{stem}.alaw"
    encode_g711(wav, ulaw, alaw)
    return [ulaw, alaw, wav, sln16]


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


def silence(samples: int) -> bytes:
    return bytes(2 * samples)


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
