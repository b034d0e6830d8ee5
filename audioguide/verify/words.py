"""Pronunciation review: the words an editor should listen to before a guide goes out.

From each sentence as written and its speech text (what the normalizer and
the lexicons made of it) this lists, grouped and counted, most frequent first:

* ``guessed``: words of the speech text the voice reads by spelling rules:
  not in its pronouncing dictionary (the engine's :meth:`Engine.pronunciation`),
  not in our lexicons, and not common English (a word under ``RARE_ZIPF`` on
  wordfreq's Zipf scale, under about one in a million words of text). Without
  the frequency test every regular word would be listed: espeak-ng's English
  dictionary holds only its ~7,000 exceptions, and its rules read common
  words well; rare ones (drug and procedure names) are where it guesses;
* ``acronym``: words in capitals (or dotted, "b.i.d.") as written, and how
  they are said;
* ``lexicon``: words a lexicon (built-in or the guide's) rewrote;
* ``rule``: written text the reading rules rewrote ("2-3 mg" -> "two to three
  milligrams").

:func:`review_document` also says what it checked (so an empty list reads
"nothing to review", not silence) and, on request, every token the
normalizer's classifier rewrote, with its class and reading
(:class:`Reading`): an editor reviews a whole document's readings at once.

:func:`lexicon_stub` writes the reviewable entries as a YAML lexicon
(``word: reading``, the format :mod:`audioguide.speech.lexicon` reads).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from audioguide.errors import AudioguideError
from audioguide.model.settings import DEFAULT_VOICE, GuideSettings
from audioguide.speech import Lexicon, build_lexicon
from audioguide.speech.normalize import CLASSES, classify
from audioguide.verify.common_words import common_words, is_rare

RARE_ZIPF = 3.0
KINDS = ("guessed", "acronym", "lexicon", "rule")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
_ACRONYM = re.compile(r"^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*s?|(?:[A-Za-z]\.){2,})$")
_SPLIT = re.compile(r"\S+")


@dataclass(frozen=True)
class ReviewWord:
    written: str
    kind: str  # guessed, acronym, lexicon, rule
    count: int
    speech: str  # how it is said (speech text)
    phonemes: str | None  # the voice's phonemes, where the engine can tell
    known: bool | None  # in the voice's dictionary (None: the engine cannot tell)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Reading:
    """A token the classifier rewrote, as written and as said, with its class and count."""

    cls: str
    written: str
    reading: str
    count: int

    def to_dict(self) -> dict:
        return {"class": self.cls, "written": self.written, "reading": self.reading, "count": self.count}


@dataclass(frozen=True)
class Review:
    """What ``audioguide words`` found in a document, and what it checked."""

    words: list[ReviewWord]
    sentences: int  # sentences checked (announcements aside)
    word_count: int  # their words, as written
    voice: str
    readings: list[Reading]  # filled only when asked for

    def nothing_to_review(self) -> str:
        """The line that says an empty word list was checked, and against what."""
        return (
            f"nothing to review: {self.sentences} sentences ({self.word_count} words) checked against the "
            f"{self.voice} voice's dictionary, the lexicons and the reading rules: no word the voice "
            "guesses at, no acronym, nothing a lexicon or a rule rewrote"
        )

    def readings_by_class(self) -> dict[str, list[Reading]]:
        """The readings grouped by class, in the classifier's class order."""
        groups: dict[str, list[Reading]] = {}
        for item in self.readings:
            groups.setdefault(item.cls, []).append(item)
        return {cls: groups[cls] for cls in sorted(groups, key=_class_rank)}


def _class_rank(cls: str) -> int:
    return CLASSES.index(cls) if cls in CLASSES else len(CLASSES)


def readings(written: Iterable[str], lexicon: Lexicon) -> list[Reading]:
    """Every token the classifier rewrote in the sentences ``written``, counted, most frequent first
    within a class (:meth:`Review.readings_by_class` groups them)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for sentence in written:
        for token in classify(sentence, lexicon).tokens:
            said = " ".join(token.reading.split())
            counts[(token.cls, token.written, said)] += 1
    out = [Reading(cls, w, r, n) for (cls, w, r), n in counts.items()]
    out.sort(key=lambda r: (_class_rank(r.cls), -r.count, r.written.lower()))
    return out


def _strip(token: str) -> str:
    return token.strip(".,;:!?\"'()[]{}“”‘’")


def _rewrites(written: str, speech: str) -> list[tuple[str, str]]:
    """(written, said) pieces where the speech text differs from the sentence as written."""
    a = _SPLIT.findall(written)
    b = _SPLIT.findall(speech)
    matcher = difflib.SequenceMatcher(
        a=[_strip(t).lower() for t in a], b=[_strip(t).lower() for t in b], autojunk=False
    )
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or i1 == i2:
            continue
        w = _strip(" ".join(a[i1:i2]))
        s = _strip(" ".join(b[j1:j2]))
        if w and w.lower().replace("’", "'") != s.lower().replace("’", "'"):
            out.append((w, s))
    return out


def review(
    pairs: Iterable[tuple[str, str]],
    lexicon: Lexicon,
    engine=None,
    memo: dict | None = None,
    models: Path | None = None,
) -> list[ReviewWord]:
    """The review list for (written, speech) sentence pairs (see the module docstring).

    ``memo`` (``{"rare": {word: bool}, "said": {text: [phonemes, known] or None}}``, for one
    engine) holds what was looked up before and takes what is looked up now: with it, a guide
    whose words were all seen loads neither the voice's dictionary nor the word frequencies.
    ``models``: a folder where the common words are kept (:mod:`.common_words`), so that new
    words are looked up without loading wordfreq.
    """
    memo = memo if memo is not None else {}
    rare_memo: dict[str, bool] = memo.setdefault("rare", {})
    said_memo: dict[str, list | None] = memo.setdefault("said", {})
    counts: Counter[tuple[str, str]] = Counter()
    said: dict[tuple[str, str], str] = {}
    lexicon_keys = {key.lower() for key in lexicon}
    lexicon_readings = {w.lower() for value in lexicon.values() for w in _WORD.findall(value)}
    for written, speech in pairs:
        hits = lexicon.find(written)
        lexicon_hits = {w for w, _r in hits}
        for w, reading in hits:
            counts[("lexicon", w)] += 1
            said.setdefault(("lexicon", w), reading)
        # what the rules rewrote: the sentence with its lexicon readings against the speech text
        rewrites = _rewrites(lexicon.apply(written), speech)
        rewritten = {part for w, _s in rewrites for part in [w, *(_strip(t) for t in w.split())]}
        for w, s in rewrites:
            kind = "acronym" if _ACRONYM.match(w) else "rule"
            counts[(kind, w)] += 1
            said.setdefault((kind, w), s)
        for token in _SPLIT.findall(written):
            w = _strip(token)
            if _ACRONYM.match(w) and not any(w in hit for hit in lexicon_hits) and w not in rewritten:
                counts[("acronym", w)] += 1
                said.setdefault(("acronym", w), w)
        for word in _WORD.findall(speech):
            lower = word.lower().replace("’", "'")
            if word.isupper() or lower in lexicon_keys or lower in lexicon_readings or "'" in lower:
                continue
            counts[("guessed?", lower)] += 1
    phonemes: dict[str, tuple[str, bool] | None] = {}

    def pronounce(text: str) -> tuple[str, bool] | None:
        if engine is None:
            return None
        if text not in phonemes:
            if text not in said_memo:
                found = engine.pronunciation(text)
                said_memo[text] = list(found) if found is not None else None
            kept = said_memo[text]
            phonemes[text] = (kept[0], bool(kept[1])) if kept is not None else None
        return phonemes[text]

    common: list[frozenset[str] | None] = []  # loaded for the first word not looked up before

    def rare(word: str) -> bool:
        if word not in rare_memo:
            if not common:
                common.append(common_words(models, RARE_ZIPF) if models is not None else None)
            rare_memo[word] = is_rare(word, RARE_ZIPF, common[0])
        return rare_memo[word]

    out: list[ReviewWord] = []
    for (kind, w), count in counts.items():
        if kind == "guessed?":
            if not rare(w):
                continue
            found = pronounce(w)
            if found is not None and found[1]:
                continue  # the voice's dictionary knows it
            out.append(
                ReviewWord(w, "guessed", count, w, found[0] if found else None, found[1] if found else None)
            )
            continue
        speech = said[(kind, w)]
        found = pronounce(speech)
        out.append(
            ReviewWord(w, kind, count, speech, found[0] if found else None, found[1] if found else None)
        )
    out.sort(key=lambda r: (-r.count, KINDS.index(r.kind), r.written.lower()))
    return out


def _engine(settings: GuideSettings):
    from audioguide.pipeline.guide import build_engine
    from audioguide.synth.cache import ClipCache, default_cache_dir

    try:  # as a build's engine: its pronunciation tables load from the cache's faster copy
        return build_engine(settings.voice, ClipCache(default_cache_dir()))
    except AudioguideError:
        return None


def _models() -> Path:
    """Where the build's prepared tables are kept: the common words go there too."""
    from audioguide.synth.cache import ClipCache, default_cache_dir

    return ClipCache(default_cache_dir()).models_dir


def review_document(
    source: str | Path,
    settings: GuideSettings | None = None,
    *,
    keep_furniture: bool = False,
    loaded=None,
    with_readings: bool = False,
) -> Review:
    """The review of a source (file, URL or guide script), as the guide would say it: the word
    list, what was checked, and (``with_readings``) every token the classifier rewrote."""
    from audioguide.model.plan import plan_tracks
    from audioguide.sources.load import load_source
    from audioguide.speech.clips import speak_plan

    loaded = loaded or load_source(source, keep_furniture=keep_furniture)
    settings = settings or loaded.settings or GuideSettings()
    lexicon = build_lexicon(settings)
    plan = plan_tracks(loaded.document, settings)
    pairs = [
        (clip.written, clip.speech)
        for track in speak_plan(plan, settings.pauses, lexicon)
        for clip in track.clips
        if clip.role != "announcement"
    ]
    return Review(
        words=review(pairs, lexicon, _engine(settings), models=_models()),
        sentences=len(pairs),
        word_count=sum(len(_SPLIT.findall(written)) for written, _speech in pairs),
        voice=settings.voice.voice or settings.voice.engine or DEFAULT_VOICE,
        readings=readings((written for written, _speech in pairs), lexicon) if with_readings else [],
    )


def review_source(
    source: str | Path, settings: GuideSettings | None = None, *, keep_furniture: bool = False, loaded=None
) -> list[ReviewWord]:
    """The review list of a source (file, URL or guide script), as the guide would say it."""
    return review_document(source, settings, keep_furniture=keep_furniture, loaded=loaded).words


def review_guide(folder: Path, memo: dict | None = None) -> list[ReviewWord]:
    """The review list of a built guide, from its manifest's clips (what was actually said);
    ``memo``: see :func:`review` (its ``"engine"`` entry says for which voice it holds)."""
    from audioguide.model.manifest import require_manifest
    from audioguide.model.settings import settings_from_dict

    manifest = require_manifest(folder)
    settings = settings_from_dict(manifest.settings) if manifest.settings else GuideSettings()
    pairs = [
        (clip.written, clip.text)
        for track in manifest.tracks
        for clip in track.clips
        if clip.role != "announcement"
    ]
    engine = _engine(settings)
    if memo is not None:
        identity = json.dumps([engine.identity() if engine else None, RARE_ZIPF], sort_keys=True, default=str)
        if memo.get("engine") != identity:
            memo.clear()
            memo["engine"] = identity
    return review(pairs, build_lexicon(settings), engine, memo, _models())


def lexicon_stub(words: Sequence[ReviewWord]) -> str:
    """A YAML lexicon of the reviewable words (no numbers), each with its current reading, to edit."""
    lines = [
        "# Pronunciation lexicon stub written by 'audioguide words'.",
        "# Each entry: written word: how to say it. Edit the readings (a respelling such as",
        '# "a-SEE-ta-MIN-o-fen", or [[phonemes]] for Piper), delete what is fine, then',
        "# build with --lexicon THIS_FILE (or list it under lexicon: in the guide script).",
    ]
    seen = set()
    for word in words:
        if any(ch.isdigit() for ch in word.written) or word.written in seen:
            continue
        seen.add(word.written)
        comment = f"{word.kind}, {word.count}x" + (f", phonemes {word.phonemes}" if word.phonemes else "")
        entry = yaml.safe_dump(
            {word.written: word.speech}, allow_unicode=True, default_flow_style=False, width=1000
        ).strip()
        lines.append(f"{entry}  # {comment}")
    return "\n".join(lines) + "\n"


def write_lexicon_stub(found: Sequence[ReviewWord], path: Path) -> None:
    """Write ``found`` as a YAML lexicon to fill in, whole or not at all."""
    from audioguide.errors import AudioguideError
    from audioguide.files import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lexicon_stub(found))
    except OSError as exc:
        raise AudioguideError(f"{path}: cannot write ({exc.strerror})") from None
