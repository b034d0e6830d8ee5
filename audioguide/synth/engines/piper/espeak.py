"""The words of espeak-ng's compiled dictionary, which Piper speaks through."""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def espeak_dictionary(path: Path) -> frozenset[str]:
    """The words of a compiled espeak-ng dictionary (its exceptions list; ``en_dict`` has ~7,000).

    The file (espeak-ng's dictionary.c) is two little-endian int32 (1024
    hash buckets, the offset of the rules), then per bucket a list of entries
    ending in a zero byte; an entry is its length, a byte of flags and word
    length, then the word: 6 bits a letter (a=1) when flag 0x40 is set, else
    UTF-8. An unreadable file gives an empty set (every word counts as guessed).
    """
    try:
        data = path.read_bytes()
        buckets, _rules = struct.unpack_from("<ii", data, 0)
        words: set[str] = set()
        pos = 8
        for _ in range(buckets):
            while data[pos] != 0:
                size, flags = data[pos], data[pos + 1]
                raw = data[pos + 2 : pos + 2 + (flags & 0x3F)]
                if flags & 0x40:
                    bits = "".join(f"{b:08b}" for b in raw)
                    letters = [int(bits[i : i + 6], 2) for i in range(0, len(bits) - 5, 6)]
                    words.add("".join(chr(0x60 + c) for c in letters if 0 < c <= 26))
                else:
                    words.add(raw.decode("utf-8", "replace"))
                pos += size
            pos += 1
        return frozenset(words)
    except (OSError, struct.error, IndexError):
        return frozenset()
