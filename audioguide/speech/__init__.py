"""The speech-text stage: sentences, and what the engine should say for each.

Pure text processing, fast and deterministic::

    from audioguide.speech import split_sentences, normalize, Lexicon, find_warnings

    lexicon = Lexicon.builtin().with_entries({"Toradol": "TOR-a-dol"})
    for sentence in split_sentences(paragraph):
        say = normalize(sentence, lexicon)
"""

from __future__ import annotations

from audioguide.speech.donotuse import SpeechWarning, find_warnings
from audioguide.speech.lexicon import Lexicon, build_lexicon, merge_layers, with_lexicon_files
from audioguide.speech.normalize import RULES, normalize
from audioguide.speech.sentences import Memo, split_sentences

__all__ = [
    "Lexicon",
    "RULES",
    "SpeechWarning",
    "build_lexicon",
    "find_warnings",
    "merge_layers",
    "normalize",
    "Memo",
    "split_sentences",
    "with_lexicon_files",
]
