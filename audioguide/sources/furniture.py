"""Page furniture: text scraped with an article that is not part of it.

Comment prompts, share and subscribe lines, author boxes, navigation lines
("Previous | Contents | Index | Next", "Next: ..., Up: ..."), "Edit this
page", last-modified lines, a generator's colophon and version-control
keywords ("$Date$"). Each rule is a whole-block pattern and applies only to
short blocks, so a sentence of real content that merely mentions "comments"
is never dropped.
"""

from __future__ import annotations

import re

MAX_FURNITURE_WORDS = 14
_LINK_LABEL = (
    r"[^\W\d_][\w'’.]*(?: [^\W\d_][\w'’.]*){0,3}"  # one to four words: "Edit the docs", not "tar xf -"
)

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
    (r"back to (the )?(top|index|contents|home( ?page)?|.{1,40} home ?page)", "navigation"),
    # "Previous | Contents | Index | Next", "Read The Docs | Edit the docs": a line of short links.
    (rf"{_LINK_LABEL}(\s\|\s{_LINK_LABEL})+", "navigation"),
    (r"\[[^\]]{1,60}\]", "navigation"),  # "[Contents]", "[Top]": a link label in brackets
    (
        r"(edit|improve|view source of) (this|the) (page|docs?|file|article|section)( on [\w ]+)?"
        r"|edit on (github|gitlab|bitbucket)|suggest an edit|view (page )?source",
        "edit link",
    ),
    (r"(this page was |page )?last (edited|modified|updated|changed|revised)\b.{0,80}", "last-modified line"),
]
# Lines that may be longer than a sentence of furniture: a generator's colophon, a node's navigation.
_LONG_FURNITURE = [
    # "Generated on ... for DCMTK Version 3.6.7 by Doxygen 1.9.4", "Created using Sphinx 5.3.0."
    (
        r"(documentation |this page was )?(generated|built|created)( on .{1,60}?)?( for .{1,60}?)?"
        r" (by|with|using) [A-Z][\w.+-]*( v?\d[\w.]*)?",
        "generator line",
    ),
    (r"((next|previous|prev|up|home)\s*:\s*[^:]{1,120}?,?\s*){1,4}(\[[^\]]{1,20}\])?", "navigation"),
]
MAX_LONG_FURNITURE_WORDS = 60
_FURNITURE_RE = [
    (re.compile(rf"^(?:{pattern})[.!:]?$", re.IGNORECASE), reason) for pattern, reason in _FURNITURE
]
_LONG_FURNITURE_RE = [
    (re.compile(rf"^(?:{pattern})[.!:]?$", re.IGNORECASE), reason) for pattern, reason in _LONG_FURNITURE
]
# Version-control keywords a page shows unexpanded or expanded: "$Date$", "$Id: faq.html,v 1.2 ... $".
KEYWORD_RE = re.compile(
    r"\$(?:Date|Id|Revision|Rev|Author|Source|Header|Log|RCSfile|Locker|State|Name)(?::[^$\n]{0,200})?\$"
)

_BIO_RE = re.compile(
    r"^(about the author|about me|author bio(graphy)?|meet the author|written by\b.*)[.:]?$",
    re.IGNORECASE,
)


def furniture_reason(text: str) -> str | None:
    """Why this block is page furniture, or None when it is content."""
    if len(text.split(maxsplit=MAX_LONG_FURNITURE_WORDS)) > MAX_LONG_FURNITURE_WORDS:
        return None  # text, not furniture (and a long block is not split into words)
    stripped = " ".join(text.split())
    words = len(stripped.split())
    if words <= MAX_LONG_FURNITURE_WORDS:
        for pattern, reason in _LONG_FURNITURE_RE:
            if pattern.match(stripped):
                return reason
    if words > MAX_FURNITURE_WORDS:
        return None
    for pattern, reason in _FURNITURE_RE:
        if pattern.match(stripped):
            return reason
    return None


def starts_author_bio(text: str) -> bool:
    """A heading such as "About the author": it and what follows are a bio."""
    return bool(_BIO_RE.match(" ".join(text.split())))
