"""Page furniture: text scraped with an article that is not part of it.

Comment prompts, share and subscribe lines, author boxes. Each rule is a
whole-block pattern and applies only to short blocks, so a sentence of real
content that merely mentions "comments" is never dropped.
"""

from __future__ import annotations

import re

MAX_FURNITURE_WORDS = 14

_FURNITURE = [
    (r"leave a (comment|reply)|post a comment|add a comment", "comment prompt"),
    (r"cancel reply|\d+ (comments?|responses?)|no comments( yet)?|comments?( \(\d+\))?", "comment prompt"),
    (r"your email address will not be published.*|required fields are marked.*", "comment form"),
    (r"share( this( (post|article|page))?)?( on [\w ,]+)?:?|share via .*", "share line"),
    (r"(tweet|pin it|email|print)( this( (post|article|page))?)?", "share line"),
    (
        r"(facebook|twitter|x|linkedin|pinterest|reddit|whatsapp)"
        r"([ ,|/]+(facebook|twitter|x|linkedin|pinterest|reddit|whatsapp|email))*",
        "share line",
    ),
    (
        r"(subscribe|sign up)( (now|today|here))?( (to|for) .*)?|join our (newsletter|mailing list).*",
        "subscribe line",
    ),
    (r"follow us( on .*)?", "subscribe line"),
    (r"(posted|published|filed|written) (in|on|under|by) .*", "byline"),
    (r"tags?:.*|categor(y|ies):.*", "tags"),
    (
        r"related (posts|articles|reading)|you (may|might) also like.*|read more|continue reading",
        "navigation",
    ),
    (r"(previous|next|older|newer) (post|article|entry).*", "navigation"),
    (r"(previous|next|up)( (topic|page|chapter|section))?: .{1,80}", "navigation"),
    (
        r"(help )?translate this( (page|article|topic))?( in(to)? .*)?|(read|view) this (page|article) in .*",
        "language switcher",
    ),
    (r"table of contents|contents|skip to (main )?content", "navigation"),
]
_FURNITURE_RE = [
    (re.compile(rf"^(?:{pattern})[.!:]?$", re.IGNORECASE), reason) for pattern, reason in _FURNITURE
]

_BIO_RE = re.compile(
    r"^(about the author|about me|author bio(graphy)?|meet the author|written by\b.*)[.:]?$",
    re.IGNORECASE,
)


def furniture_reason(text: str) -> str | None:
    """Why this block is page furniture, or None when it is content."""
    stripped = " ".join(text.split())
    if len(stripped.split()) > MAX_FURNITURE_WORDS:
        return None
    for pattern, reason in _FURNITURE_RE:
        if pattern.match(stripped):
            return reason
    return None


def starts_author_bio(text: str) -> bool:
    """A heading such as "About the author": it and what follows are a bio."""
    return bool(_BIO_RE.match(" ".join(text.split())))
