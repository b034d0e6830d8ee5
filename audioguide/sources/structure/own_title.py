"""A page titled by its item's label ("Crate std") and its documentation's own title below it.

API documentation generators (rustdoc, javadoc, Doxygen) head a page with
the kind and the name of the item it documents: "Crate std", "Class
Parser", "Module io", "Engine Class Reference". That label is no title a
listener can use. When the documentation itself opens, before any text,
with a heading at the top level ("The Rust Standard Library"), that heading
is the document's own title: the guide's title, and its text the
introduction, not a section of its own.
"""

from __future__ import annotations

import re

from audioguide.model.document import Dropped
from audioguide.sources.headings import clean_heading
from audioguide.sources.structure.state import Block

_KINDS = (
    "crate|module|package|namespace|class|struct|enum|trait|interface|union|macro|function|method|"
    "type|constant|static|keyword|primitive type|attribute|derive"
)
_IDENTIFIER = r"[A-Za-z_][\w:.<>$@-]*"
ITEM_LABEL_RE = re.compile(
    rf"^(?:(?:{_KINDS})\s+{_IDENTIFIER}|{_IDENTIFIER}\s+(?:class|struct|namespace|file|module|interface|union)"
    r"\s+reference)$",
    re.IGNORECASE,
)
MAX_TEXT_WORDS_BEFORE = 7  # a version or a "source" link beside the label is no text


def own_title(
    blocks: list[Block], title: str, chapter_level: int | None
) -> tuple[str, list[Block], list[Dropped]] | None:
    """(the document's own title, the blocks without its heading, the drops to record), or None.

    The title must be an item's label alone, and its heading the document's
    first heading at the chapter level, with no sentence before it. A label
    without a level above it (a disclosure's "Expand description") goes too.
    """
    if not ITEM_LABEL_RE.match(clean_heading(title)):
        return None
    for index, block in enumerate(blocks):
        if block.kind in ("paragraph", "item") and len(block.text.split()) > MAX_TEXT_WORDS_BEFORE:
            return None
        if block.kind == "heading" and block.level is not None:
            if block.level != chapter_level:
                return None
            labels = [b for b in blocks[:index] if b.kind == "heading"]
            drops = [
                Dropped(b.text, "a control's label above the documentation's title", b.line, kind="furniture")
                for b in labels
            ]
            drops.append(
                Dropped(
                    block.text,
                    f"the documentation's own title, under the page's label {title!r}: the guide's title",
                    block.line,
                    kind="furniture",
                )
            )
            kept = [b for b in blocks[:index] if b.kind != "heading"] + blocks[index + 1 :]
            return clean_heading(block.text), kept, drops
    return None
