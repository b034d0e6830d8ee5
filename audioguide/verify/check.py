"""``audioguide verify``: listen to a built guide and compare it with what it should say.

1. Every track's MP3 is decoded at 16 kHz; its speech is packed into full
   30-second windows (:mod:`audioguide.verify.windows`) and recognized with
   word timestamps, tracks batched together.
2. Each track's heard words are aligned with the words of the clips it was
   built from (the manifest: each clip's speech text and time), giving the
   WER and every mismatch with its time (:mod:`audioguide.verify.align`).
3. A clip with a critical mismatch (a number, unit, dosing word, negation, a
   lexicon word, or a sentence mostly not heard) is cut out of the track on
   its own, where the manifest puts it (moved by as much as the audio of the
   clips heard well around it has moved, out to its pauses: see
   :meth:`_Track.recheck_span`), and recognized again with a wider beam. If a
   critical mismatch remains, the clip's text is scored against that audio
   (:meth:`Recognizer.score`, the decoder's log-probability of the text)
   beside what was heard: within ``FITS_MARGIN`` nats, the audio fits the
   text and the doubt is the recognizer's. Only what survives both is
   reported as critical; what does not is counted as a false alarm of the
   first pass (and listed as a minor finding).

The guide is read from its folder only (``manifest.json`` and the MP3s):
verify needs neither the source nor the clip cache.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from audioguide.audio.ffmpeg import decode
from audioguide.errors import AudioguideError
from audioguide.hashing import sha256_file
from audioguide.model.manifest import ClipRecord, Manifest, TrackRecord, require_manifest, tracks_seal
from audioguide.model.settings import GuideSettings, settings_from_dict
from audioguide.speech import Lexicon, build_lexicon
from audioguide.verify.align import Alignment, HeardToken, align
from audioguide.verify.asr import RATE, Recognizer, Word, check_available, model_name, shared_recognizer
from audioguide.verify.heap import freed_memory_kept
from audioguide.verify.reuse import TrackPlan, heard_record, old_clips, plan_track
from audioguide.verify.text import CRITICAL, HeardText, categories, lexicon_words, tokens
from audioguide.verify.windows import MAX_WINDOW_S, pack, speech_spans, split_long

DEFAULT_MAX_WER = 0.10
RECHECK_BEAM = 5
RECHECK_PAD_S = 0.15
MIN_RECHECK_S = 0.1  # a re-check span shorter than this holds nothing to recognize
DRIFT_CLIPS = 3  # clips heard well on each side that say where a re-checked clip is
# A re-checked clip whose text scores within this many nats of what the recognizer heard
# fits the audio: the recognizer's own doubt, not the guide's (see the module docstring). On the
# example, "Long-term" heard as "One term" scored 3.2 nats below it; "Short-term" or an added
# "not" in the same audio, 11 and 20 nats.
FITS_MARGIN = 6.0
GROUP_AUDIO_S = 480.0  # tracks recognized together (memory: 16 kHz float32, ~2 MB a minute)
_JOINS_NEXT = set("0123456789$£€%/:#")


@dataclass
class Finding:
    """One mismatch between what a clip should say and what was heard."""

    track: int
    file: str
    clip: int  # index of the clip in its track (manifest order)
    time_s: float  # where it was heard in the track (or should have been)
    expected: str  # the words that should have been heard (comparable form)
    heard: str  # what the recognizer wrote there
    speech: str  # the clip's whole speech text
    written: str  # the clip's sentence as written
    role: str
    categories: list[str] = field(default_factory=list)
    rechecked: bool = False
    note: str = ""

    @property
    def critical(self) -> bool:
        return bool(self.categories)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "critical": self.critical}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{k: v for k, v in data.items() if k != "critical"})


@dataclass
class TrackResult:
    number: int
    title: str
    file: str
    duration_s: float
    words: int
    errors: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "file": self.file,
            "duration_s": self.duration_s,
            "words": self.words,
            "errors": self.errors,
            "wer": round(self.wer, 4),
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackResult:
        fields = ("number", "title", "file", "duration_s", "words", "errors")
        return cls(**{k: data[k] for k in fields}, findings=[Finding.from_dict(f) for f in data["findings"]])


@dataclass
class VerifyReport:
    folder: Path
    title: str
    model: str
    max_wer: float
    tracks: list[TrackResult]
    rechecked_clips: int
    false_alarms: int  # critical first-pass mismatches the re-check did not confirm
    seconds: float
    audio_seconds: float
    seal: str = ""  # the tracks checked (model.manifest.tracks_seal), written into verify.html
    report_error: str | None = None  # verify.html could not be written (the findings still stand)
    listened_tracks: int = 0  # tracks whose result was made in this run
    kept_tracks: int = 0  # tracks whose kept result (same audio, same verifier) was used
    listened_seconds: float = 0.0  # audio recognized in this run (a changed track's unchanged clips are not)

    @property
    def critical(self) -> list[Finding]:
        return [f for t in self.tracks for f in t.findings if f.critical]

    @property
    def over_wer(self) -> list[TrackResult]:
        return [t for t in self.tracks if t.wer > self.max_wer]

    @property
    def words(self) -> int:
        return sum(t.words for t in self.tracks)

    @property
    def wer(self) -> float:
        return sum(t.errors for t in self.tracks) / self.words if self.words else 0.0

    @property
    def passed(self) -> bool:
        return not self.critical and not self.over_wer

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "title": self.title,
            "model": self.model,
            "max_wer": self.max_wer,
            "passed": self.passed,
            "wer": round(self.wer, 4),
            "words": self.words,
            "critical": len(self.critical),
            "findings": sum(len(t.findings) for t in self.tracks),
            "rechecked_clips": self.rechecked_clips,
            "false_alarms": self.false_alarms,
            "seconds": round(self.seconds, 2),
            "audio_seconds": round(self.audio_seconds, 2),
            "report_error": self.report_error,
            "listened_tracks": self.listened_tracks,
            "kept_tracks": self.kept_tracks,
            "listened_seconds": round(self.listened_seconds, 2),
            "tracks": [t.to_dict() for t in self.tracks],
        }


Progress = Callable[[int, int], None]


# Whisper repeats a long number it has just written, in a loop, more often than anyone says one twice.
_REPEATED_ID = re.compile(r"\d{6,}[.,]?")


def _continues(previous: str, word: str) -> bool:
    """Whether a recognized word is read together with the one before ("1" ",476"; "15" "mg"; "20" "%")."""
    if not word.startswith(" "):
        return True  # glued to it in the recognizer's own text
    before = previous.strip()
    if set(before) & _JOINS_NEXT and before[-1:] not in ".,;:!?":
        return True
    return not word.strip()[:1].isalnum()


def _number_and(before: list[Word], word: str) -> bool:
    """Whether ``word`` is a number after "<number> and" ("2000" "and" "3"): one number said with
    "and", which the normalizer reads together (apart, "3 March" would be a date)."""
    return (
        len(before) >= 2
        and before[-1].text.strip() == "and"
        and before[-2].text.strip().isdigit()
        and word.strip()[:1].isdigit()
    )


def heard_tokens(words: list[Word], heard: HeardText, offset: float = 0.0) -> list[HeardToken]:
    """Recognized words -> comparable tokens with times; "15" "mg" are normalized together."""
    out: list[HeardToken] = []
    i = 0
    previous = ""
    while i < len(words):
        j = i + 1
        while j < len(words) and (
            _continues(words[j - 1].text, words[j].text) or _number_and(words[i:j], words[j].text)
        ):
            j += 1
        text = "".join(w.text if k else w.text.lstrip() for k, w in enumerate(words[i:j])).strip()
        if text == previous and _REPEATED_ID.fullmatch(text):
            i = j  # the recognizer looping on a long number ("15460701 15460701 15460701"), not speech
            continue
        previous = text
        start, end = words[i].start + offset, words[j - 1].end + offset
        found = heard.tokens(text)
        step = (end - start) / max(1, len(found))
        out.extend(
            HeardToken(tok, start + k * step, start + (k + 1) * step, text) for k, tok in enumerate(found)
        )
        i = j
    return out


class _Track:
    """A track being verified: its record, reference words and what was heard."""

    def __init__(self, record: TrackRecord, folder: Path, lexicon: Lexicon) -> None:
        self.record = record
        self.path = folder / record.file
        self.clips: list[ClipRecord] = list(record.clips)
        self.ref = [tokens(clip.text) for clip in self.clips]
        self.lexicon_tokens = [lexicon_words(clip.written, lexicon) for clip in self.clips]
        self.samples: np.ndarray | None = None
        self.plan: TrackPlan | None = None  # what is moved from a kept result, what is listened to
        self.words: list[Word] = []  # the first listening's words (moved and heard), times in the track
        self.heard: list[HeardToken] = []
        self.alignment: Alignment | None = None
        self.recheck: dict[int, Alignment] = {}
        self.fits: dict[int, bool] = {}
        self.stretches: list[tuple[float, float]] | None = None  # speech between pauses, for re-checks

    def critical_clips(self, alignment: Alignment | None = None, only: int | None = None) -> list[int]:
        alignment = alignment or self.alignment
        assert alignment is not None
        found = set()
        for m in alignment.mismatches:
            if categories(m.expected, [t.token for t in m.heard], self.lexicon_tokens[m.clip]):
                found.add(m.clip)
        if only is None:
            found.update(c for c in range(len(self.clips)) if alignment.not_heard(c))
        elif alignment.not_heard(0):
            found.add(only)
        return sorted(found)

    def drift(self, clip: int, step: int) -> float | None:
        """How far the audio has moved from the manifest's times beside ``clip``, looking one way (``step``).

        The median, over the nearest ``DRIFT_CLIPS`` clips heard without an error,
        of where their words were heard less where the manifest put them: 0 in
        an untouched track (give or take the recognizer's word times), the
        length of what was cut or added in a damaged one. None: no such clip.
        """
        assert self.alignment is not None
        alignment = self.alignment
        found: list[float] = []
        index = clip + step
        while 0 <= index < len(self.clips) and len(found) < DRIFT_CLIPS:
            start, end = alignment.heard_at[index]
            if (
                start is not None
                and end is not None
                and alignment.words[index]
                and not alignment.errors[index]
            ):
                record = self.clips[index]
                found.append((start - record.start_s + end - record.end_s) / 2)
            index += step
        return statistics.median(found) if found else None

    def recheck_span(self, clip: int) -> tuple[float, float]:
        """Where the clip is in the track: its manifest time, moved by the drift on each side, out to its pauses.

        Not the gap between the words matched around it: the first pass can
        miss several clips in a row (Whisper stops early in a window, or skips
        a track's announcement), and then that gap holds all of them; or a
        word matched beside it can carry a time seconds off. The clips heard
        well nearby say how far the audio has moved (a clip cut out or added:
        the drift differs before and after it), and the track's own pauses
        say where the clip's speech begins and ends. An interval with no room
        left (a clip cut out) is empty: nothing to hear.
        """
        assert self.alignment is not None and self.samples is not None
        duration = len(self.samples) / RATE
        record = self.clips[clip]
        before, after = self.drift(clip, -1), self.drift(clip, 1)
        if before is None:
            before = after if after is not None else 0.0
        if after is None:
            after = before
        start = min(max(record.start_s + before, 0.0), duration)
        end = min(max(record.end_s + after, 0.0), duration)
        if end - start <= 0.0:
            return start, start
        if self.stretches is None:
            self.stretches = speech_spans(self.samples, RATE)
        inside = [k for k, (s, e) in enumerate(self.stretches) if min(e, end) - max(s, start) > (e - s) / 2]
        if not inside:
            return max(0.0, start - RECHECK_PAD_S), min(duration, end + RECHECK_PAD_S)
        first, last = inside[0], inside[-1]
        lowest = self.stretches[first - 1][1] if first > 0 else 0.0  # never into the speech beside it
        highest = self.stretches[last + 1][0] if last + 1 < len(self.stretches) else duration
        return (
            max(lowest, self.stretches[first][0] - RECHECK_PAD_S),
            min(highest, self.stretches[last][1] + RECHECK_PAD_S),
        )


def _decode(track: _Track) -> np.ndarray:
    if not track.path.is_file():
        raise AudioguideError(f"{track.path}: track file missing (build the guide again)")
    try:
        samples, _ = decode(track.path, sample_rate=RATE)
    except AudioguideError as exc:  # a damaged file: say which, not only what ffmpeg said
        raise AudioguideError(
            f"{track.path}: cannot decode this track ({exc}); build the guide again"
        ) from None
    if not samples.size:
        raise AudioguideError(f"{track.path}: the track holds no audio; build the guide again")
    return samples


def _recognize_group(
    group: list[_Track], loaded: Callable[[], Recognizer], heard: HeardText, language: str
) -> None:
    """The first listening: each track's stretches to hear (all of it, unless a kept result had some of
    its clips: :mod:`audioguide.verify.reuse`), packed together and recognized, then aligned."""
    stretches = [(n, low, high) for n, t in enumerate(group) if t.plan for low, high in t.plan.listen]
    per_track: list[list[Word]] = [list(t.plan.words) if t.plan else [] for t in group]
    if stretches:
        pieces = [
            group[n].samples[int(round(low * RATE)) : int(round(high * RATE))] for n, low, high in stretches
        ]
        packed = pack(pieces, RATE)
        for word in loaded().transcribe(packed.audio, packed.windows, language=language):
            index, start, end = packed.locate(word.start, word.end)
            number, low, _high = stretches[index]
            per_track[number].append(Word(word.text, start + low, end + low))
    for track, found in zip(group, per_track):
        found.sort(key=lambda w: w.start)
        track.words = found
        track.heard = heard_tokens(found, heard)
        track.alignment = align(track.ref, track.heard)


def _recheck_group(
    group: list[_Track], loaded: Callable[[], Recognizer], heard: HeardText, language: str
) -> None:
    todo = [(track, clip) for track in group for clip in track.critical_clips()]
    if not todo:
        return
    gap = np.zeros(int(RATE * 1.0), np.float32)
    chunks: list[np.ndarray] = []
    windows: list[tuple[float, float]] = []
    owners: list[tuple[int, float]] = []  # per window: which clip of todo, where it starts in its track
    pieces: list[np.ndarray | None] = []  # per clip: its audio when it fits one window (for the fit score)
    spans: list[tuple[float, float]] = []
    position = 0.0
    for number, (track, clip) in enumerate(todo):
        assert track.samples is not None
        span = track.recheck_span(clip)
        spans.append(span)
        if (
            span[1] - span[0] < MIN_RECHECK_S
        ):  # no room left for it (cut out, or past the end): nothing to hear
            pieces.append(None)
            continue
        parts = split_long(span, track.samples, RATE, MAX_WINDOW_S)  # a clip longer than a window: several
        for start, end in parts:
            piece = track.samples[int(start * RATE) : int(end * RATE)]
            windows.append((position, position + len(piece) / RATE))
            owners.append((number, start))
            chunks += [piece, gap]
            position += (len(piece) + len(gap)) / RATE
        pieces.append(chunks[-2] if len(parts) == 1 else None)
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    recognizer = loaded()
    words = recognizer.transcribe(audio, windows, beam_size=RECHECK_BEAM, language=language)
    starts = [s for s, _e in windows]
    per_clip: list[list[Word]] = [[] for _ in todo]
    for word in words:
        index = max(0, bisect.bisect_right(starts, (word.start + word.end) / 2 + 1e-6) - 1)
        number, origin = owners[index]
        shift = origin - windows[index][0]  # packed time -> track time
        per_clip[number].append(Word(word.text, word.start + shift, word.end + shift))
    for (track, clip), found, piece, span in zip(todo, per_clip, pieces, spans):
        found.sort(key=lambda w: w.start)
        result = align([track.ref[clip]], heard_tokens(found, heard), origin=span[0])
        for m in result.mismatches:
            m.clip = clip
        track.recheck[clip] = result
        if piece is not None and track.critical_clips(result, only=clip):
            record = track.clips[clip]
            said = "".join(w.text for w in found).strip()
            expected, fallback, got = recognizer.score(piece, [record.written, record.text, said])
            track.fits[clip] = (
                bool(said) and math.isfinite(got) and max(expected, fallback) >= got - FITS_MARGIN
            )


def _finding(
    track: _Track,
    clip: int,
    time_s: float,
    expected: list[str],
    heard_text: str,
    kinds: list[str],
    rechecked: bool,
    note: str = "",
) -> Finding:
    record = track.clips[clip]
    return Finding(
        track=track.record.number,
        file=track.record.file,
        clip=clip,
        time_s=round(time_s, 2),
        expected=" ".join(expected),
        heard=heard_text,
        speech=record.text,
        written=record.written,
        role=record.role,
        categories=kinds,
        rechecked=rechecked,
        note=note,
    )


def _results(track: _Track) -> tuple[TrackResult, int]:
    """The track's result after re-checks, and how many critical first-pass mismatches they dismissed."""
    assert track.alignment is not None
    first = track.alignment
    findings: list[Finding] = []
    errors = 0
    false_alarms = 0
    for clip in range(len(track.clips)):
        rechecked = clip in track.recheck
        result = track.recheck[clip] if rechecked else first
        local = 0 if rechecked else clip
        mismatches = [m for m in result.mismatches if m.clip == clip]
        clip_errors = result.errors[local]
        errors += clip_errors
        lex = track.lexicon_tokens[clip]
        kinds_of = [categories(m.expected, [t.token for t in m.heard], lex) for m in mismatches]
        fits = track.fits.get(clip, False)
        if rechecked:
            first_critical = [
                m
                for m in first.mismatches
                if m.clip == clip and categories(m.expected, [t.token for t in m.heard], lex)
            ] or ([None] if first.not_heard(clip) else [])
            if fits or (not any(kinds_of) and not result.not_heard(local)):
                false_alarms += len(first_critical)
        if fits:
            for m in mismatches:
                findings.append(
                    _finding(
                        track,
                        clip,
                        m.time_s,
                        m.expected,
                        m.heard_text,
                        [],
                        True,
                        note="heard differently, but the audio fits the text (re-check)",
                    )
                )
            continue
        if result.not_heard(local):
            kinds = ["sentence"] + sorted({k for ks in kinds_of for k in ks}, key=CRITICAL.index)
            heard_text = " ".join(m.heard_text for m in mismatches if m.heard)
            time_s = mismatches[0].time_s if mismatches else track.clips[clip].start_s
            findings.append(_finding(track, clip, time_s, track.ref[clip], heard_text, kinds, rechecked))
            continue
        for m, kinds in zip(mismatches, kinds_of):
            findings.append(_finding(track, clip, m.time_s, m.expected, m.heard_text, kinds, rechecked))
    record = track.record
    return TrackResult(
        number=record.number,
        title=record.title,
        file=record.file,
        duration_s=record.duration_s,
        words=first.total_words,
        errors=errors,
        findings=findings,
    ), false_alarms


def _listen(
    todo: list[_Track],
    keys: dict[str, str],
    hashes: dict[str, str],
    store: dict[str, dict[str, Any]],
    recognizer: Recognizer | None,
    loading: Future[Recognizer] | None,
    lexicon: Lexicon,
    language: str,
    recheck: bool,
    progress: Progress | None,
    total: int,
    verifier: str,
) -> tuple[dict[str, dict[str, Any]], float]:
    """Recognize ``todo`` in groups, with what ``store`` (the kept results) heard of their unchanged
    clips; the new kept-result entries by key, and the seconds of audio recognized. ``loading``: the
    recognizer still being loaded in a thread, waited for once there is something to hear."""
    from audioguide.verify import kept as kept_results

    def loaded() -> Recognizer:
        nonlocal recognizer
        if recognizer is None:
            assert loading is not None
            recognizer = loading.result()
        return recognizer

    old = old_clips(store.values(), verifier)
    listened = 0.0
    heard = HeardText(lexicon)
    fresh: dict[str, dict[str, Any]] = {}
    done = total - len(todo)
    if progress and done:
        progress(done, total)
    index = 0
    while index < len(todo):
        group: list[_Track] = []
        length = 0.0
        while index < len(todo) and (not group or length < GROUP_AUDIO_S):
            track = todo[index]
            track.samples = _decode(track)
            track.plan = plan_track(track.clips, track.samples, old)
            listened += sum(high - low for low, high in track.plan.listen)
            length += len(track.samples) / RATE
            group.append(track)
            index += 1
        _recognize_group(group, loaded, heard, language)
        if recheck:
            _recheck_group(group, loaded, heard, language)
        for track in group:
            result, dismissed = _results(track)
            fresh[keys[track.record.file]] = kept_results.entry(
                result,
                len(track.recheck),
                dismissed,
                len(track.samples) / RATE,
                hashes[track.record.file],
                heard_record(track.clips, track.samples, track.words, verifier),
            )
            track.samples = None
            done += 1
            if progress:
                progress(done, total)
    return fresh, listened


def guide_lexicon(manifest: Manifest) -> tuple[GuideSettings, Lexicon]:
    settings = settings_from_dict(manifest.settings) if manifest.settings else GuideSettings()
    return settings, build_lexicon(settings)


def verify_guide(
    folder: Path,
    *,
    model_dir: Path | None = None,
    max_wer: float = DEFAULT_MAX_WER,
    recheck: bool = True,
    recognizer: Recognizer | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Listen to the guide in ``folder`` and report what does not match (see the module docstring).

    Each track's result is kept (:mod:`audioguide.verify.kept`), keyed by the
    track's audio (its file's SHA-256), what it should say and the
    verifier (model, settings, audioguide version): a track whose key has a
    kept result is not listened to again, and of a changed track only the
    clips whose audio changed are (:mod:`audioguide.verify.reuse`), so
    verifying after a one-paragraph edit recognizes that paragraph. A track listened to alone may be heard a
    little differently than among its neighbours (tracks share recognition
    windows); either result is a verification of that audio.
    """
    from audioguide.verify import kept as kept_results

    began = time.perf_counter()
    model_folder = check_available(model_dir) if recognizer is None else recognizer.model_dir
    manifest = require_manifest(folder)
    store = kept_results.load(folder)
    # one heap for the recognizer's buffers, set before the loader thread first allocates
    with (
        freed_memory_kept(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="audioguide-asr-load") as loader,
    ):
        # The model loads (~1 s, mostly outside the GIL) while the lexicon is built, the keys
        # worked out and the first tracks decoded: at once when a track's file was never heard.
        heard_before = kept_results.heard_audio(store)
        loading = None
        if recognizer is None and any(r.file_sha256 not in heard_before for r in manifest.tracks):
            loading = loader.submit(shared_recognizer, model_dir)
        _settings, lexicon = guide_lexicon(manifest)
        identity = kept_results.verifier_identity(model_folder, recheck=recheck, lexicon=lexicon)
        language = (manifest.language or "en").split("-")[0].split("_")[0]
        tracks = [_Track(record, folder, lexicon) for record in manifest.tracks]
        hashes = {t.record.file: sha256_file(t.path) for t in tracks if t.path.is_file()}  # once each
        seal = tracks_seal(hashes.items())
        keys = {
            r.file: kept_results.track_key(identity, r, hashes.get(r.file), language) or r.file
            for r in manifest.tracks
        }
        todo = [track for track in tracks if keys[track.record.file] not in store]
        if todo and recognizer is None and loading is None:
            loading = loader.submit(shared_recognizer, model_dir)
        verifier = hashlib.sha256(json.dumps([identity, language]).encode()).hexdigest()
        fresh, listened = _listen(
            todo,
            keys,
            hashes,
            store,
            recognizer,
            loading,
            lexicon,
            language,
            recheck,
            progress,
            len(tracks),
            verifier,
        )
    entries = {
        keys[t.record.file]: fresh.get(keys[t.record.file]) or store[keys[t.record.file]] for t in tracks
    }
    kept_results.save(folder, entries)
    ordered = [entries[keys[t.record.file]] for t in tracks]
    return VerifyReport(
        folder=folder,
        title=manifest.title,
        model=model_name(
            model_folder, bundled=model_dir is None and (recognizer is None or recognizer.bundled)
        ),
        max_wer=max_wer,
        tracks=[TrackResult.from_dict(e["result"]) for e in ordered],
        rechecked_clips=sum(e["rechecked_clips"] for e in ordered),
        false_alarms=sum(e["false_alarms"] for e in ordered),
        seconds=time.perf_counter() - began,
        audio_seconds=sum(e["audio_seconds"] for e in ordered),
        seal=seal,
        listened_tracks=len(todo),
        kept_tracks=len(tracks) - len(todo),
        listened_seconds=listened,
    )
