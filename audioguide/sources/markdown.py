"""Markdown articles, parsed with markdown-it-py (CommonMark) rather than regexes.

Headings keep their levels: the first ``#`` heading is the title (without
one, the first heading of any level), the highest level below it makes
chapters, deeper headings stay inside their chapter (FAQ questions
excepted). Lists become list items, one per item, each read with a short
pause (an ordered item keeps its number: "1. Draw blood"); a GitHub table is
read row by row, each row's cells separated by commas (as a web page's data
table is), never its pipes and rules; emphasis, links and images are read as
their text. HTML blocks are read as HTML (``<h2
align="center">`` is a heading; tags are never read); a paragraph of only
images (a logo, badges) is dropped, listed. Code (fences, indented blocks) is
a code block: the guide says a short note in its place and lists the code.

MyST (Sphinx's Markdown) is read as its text: roles (``{ref}`text <target>```
reads "text"), admonition directives (```` ```{note} ```` reads "Note:" and
its text), while ``{contents}``/``{toctree}`` directives, ``(label)=``
targets and ``%`` comments are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from audioguide.model.document import Document, Dropped
from audioguide.sources.code import INLINE_CODE_NOTE, is_code_statement
from audioguide.sources.decode import read_text
from audioguide.sources.structure import Block, asks, build_document

# A MyST role just before inline code: {ref}`Installing <install>`.
_ROLE_RE = re.compile(r"\{([a-z][\w:+-]*)\}$")
_ROLE_TARGET_RE = re.compile(r"^(.*?)\s*<[^<>]+>$", re.S)
_ADMONITIONS = {
    "note",
    "warning",
    "tip",
    "important",
    "hint",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
    "versionadded",
    "versionchanged",
    "deprecated",
    "margin",
    "sidebar",
    "topic",
    "epigraph",
}
_DROPPED_DIRECTIVES = {"contents": "table of contents", "toctree": "table of contents"}
_DIRECTIVE_RE = re.compile(r"^\{([a-z][\w:-]*)\}\s*(.*)$")
_OPTION_RE = re.compile(r"^:[\w-]+:.*$")
_LABEL_RE = re.compile(r"^\([\w:./-]+\)=$")
# A raw LaTeX command on a line of its own ("\setmainfont{Calibri Light}") and pandoc citations
# ("[@cdc:2006]"): markup for a typesetter, not text.
_LATEX_LINE_RE = re.compile(r"^\\[A-Za-z]+\*?(?:\[[^\]]*\])?(?:\{[^}]*\})+$")
_CITATION_RE = re.compile(r"\s*\[-?@[\w:.#$%&+?<>~/-]+(?:;\s*-?@[\w:.#$%&+?<>~/-]+)*\]")
# R Markdown and Quarto chunks ("```{r}", "```{python}") are code, not MyST directives.
_CHUNK_LANGUAGES = {"r", "python", "julia", "sql", "bash", "sh", "js", "ojs", "stan", "cpp", "rcpp"}
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# "[![alt][ref]][ref]" or "![alt][ref]" whose reference Markdown could not resolve.
_UNRESOLVED_IMAGE_RE = re.compile(r"^\s*(?:\[?!\[[^\]]*\]\[[^\]]*\]\]?(?:\[[^\]]*\])?\s*)+$")


def _inline_text(
    token: Token, statements: list[str] | None = None, badges: frozenset[int] = frozenset()
) -> str:
    """The readable text of an inline token: link and emphasis text, image alt text.

    Inline HTML tags are not read (their text is); a MyST role reads as its
    text ("{ref}`the guide <guide>`" -> "the guide"). Given ``statements``
    (text, not a heading), inline code that is a statement is said briefly
    and added to it. The children at ``badges`` (:func:`_linked_images`) are not read.
    """
    parts: list[str] = []
    for position, child in enumerate(token.children or []):
        if position in badges:
            continue
        if child.type == "code_inline" and parts and _ROLE_RE.search(parts[-1]):
            role = _ROLE_RE.search(parts[-1])
            parts[-1] = parts[-1][: role.start()]
            parts.append(_role_text(role.group(1), child.content))
        elif child.type == "code_inline" and statements is not None and is_code_statement(child.content):
            statements.append(" ".join(child.content.split()))
            parts.append(INLINE_CODE_NOTE)
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or [])
            if alt:
                parts.append(alt)
    return " ".join("".join(parts).split())


def _linked_images(children: list[Token]) -> frozenset[int]:
    """Positions of images that are a link's whole content: badges and buttons ("[![npm](...)](...)").

    Beside words of its own (a heading "dotenv [![NPM version](...)](...)"), such an image is the
    page's chrome, not its text: its alt text is not read. An image alone in its line is dropped
    as a whole (:func:`_only_images`).
    """
    found: set[int] = set()
    for position in range(1, len(children) - 1):
        if (
            children[position].type == "image"
            and children[position - 1].type == "link_open"
            and children[position + 1].type == "link_close"
        ):
            found.add(position)
    return frozenset(found)


def _role_text(role: str, content: str) -> str:
    """What a MyST role says: its text, else its target in words ("{doc}`usage/faq`" -> "faq")."""
    match = _ROLE_TARGET_RE.match(content.strip())
    if match and match.group(1):
        return match.group(1)
    if role in ("ref", "doc", "numref", "download", "any", "term") or ":" in role:
        target = content.strip().rstrip("/").rsplit("/", 1)[-1]
        return re.sub(r"[_-]+", " ", target.split("#")[0].removesuffix(".md")) or content
    return content


def _only_images(token: Token) -> bool:
    """An inline token of images (and links around them) and nothing else: a logo, badges.

    A badge whose reference is not defined ("[![Coverage Status][coverage-image]][coverage-url]"
    left as text) is an image too.
    """
    children = token.children or []
    if not any(
        c.type == "image" or (c.type == "text" and _UNRESOLVED_IMAGE_RE.match(c.content)) for c in children
    ):
        return False
    return all(
        c.type in ("image", "link_open", "link_close", "softbreak", "hardbreak")
        or (c.type == "text" and (not c.content.strip() or _UNRESOLVED_IMAGE_RE.match(c.content)))
        for c in children
    )


def _emphasized_question(token: Token, content: str) -> bool:
    """A paragraph that is all emphasis and asks ("_Why the MIT license?_"): an FAQ question."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) < 3 or not asks(content):
        return False
    return children[0].type in ("em_open", "strong_open") and children[-1].type in (
        "em_close",
        "strong_close",
    )


def _links_here(token: Token) -> bool:
    """An inline token that is (nearly) all links to anchors of this document: a contents entry."""
    inside = 0
    linked = total = 0
    links = 0
    for child in token.children or []:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if href.startswith("#") and len(href) > 1:
                inside += 1
                links += 1
        elif child.type == "link_close" and inside:
            inside -= 1
        elif child.type in ("text", "code_inline"):
            size = len("".join(child.content.split()))
            total += size
            linked += size if inside else 0
    return links > 0 and total > 0 and linked >= CONTENTS_SHARE * total


CONTENTS_SHARE = 0.75  # of an item's text in links to this document's anchors
MIN_CONTENTS_LINKS = 3


def _without_contents(blocks: list[Block], linked: set[int], dropped: list[Dropped]) -> list[Block]:
    """Runs of list items that link to this document's own headings are its table of contents."""
    out: list[Block] = []
    run: list[Block] = []
    for index, block in enumerate([*blocks, Block("paragraph", "")]):
        if index in linked and block.kind == "item":
            run.append(block)
            continue
        if len(run) >= MIN_CONTENTS_LINKS:
            text = " ".join(b.text for b in run)
            dropped.append(Dropped(text, "table of contents", run[0].line, kind="furniture"))
        else:
            out.extend(run)
        run = []
        if index < len(blocks):
            out.append(block)
    return out


def markdown_blocks(text: str) -> tuple[list[Block], list[Dropped]]:
    """Blocks (with heading levels and 1-based lines) and dropped code/HTML.

    A list of links to the document's own headings is its table of
    contents: dropped and listed, as are images alone (logos, badges).
    """
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    linked: set[int] = set()  # indices of blocks that link to this document's anchors
    heading_level: int | None = None
    items: list[str | None] = []  # open list items: the number to say ("1."), or None
    row: list[str] | None = None  # the cells of the table row being read
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else None
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            # a row as the HTML reader reads a data table's: its cells, separated by commas
            said = ", ".join(cell for cell in row if cell)
            if said:
                blocks.append(Block("item", said, line or _line_of(tokens, index)))
            row = None
        elif token.type == "inline" and row is not None:
            badges = _linked_images(token.children or [])
            row.append(_inline_text(token, badges=badges))  # names in a cell are read, as in HTML's
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "list_item_open":
            ordered = token.markup in (".", ")") and token.info
            items.append(f"{token.info}{token.markup}" if ordered else None)
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "inline":
            statements: list[str] | None = [] if heading_level is None else None
            only_images = _only_images(token)
            badges = frozenset() if only_images else _linked_images(token.children or [])
            content = _inline_text(token, statements, badges)
            where = line or _line_of(tokens, index)
            for position in sorted(badges):
                alt = "".join(c.content for c in token.children[position].children or [])
                if alt.strip():
                    dropped.append(Dropped(alt, "badge (a linked image)", where, kind="furniture"))
            if statements and not _emphasized_question(token, content):
                dropped.extend(Dropped(code, "code", where, kind="code") for code in statements)
            elif statements:
                content = _inline_text(token, badges=badges)  # a question keeps its words
            if heading_level is None and only_images:
                if content:
                    dropped.append(
                        Dropped(content, "Markdown image (a logo or badges)", where, kind="furniture")
                    )
                continue
            if heading_level is None and (_LABEL_RE.match(content) or content.startswith("% ")):
                dropped.append(Dropped(content, "MyST target or comment", where, kind="furniture"))
                continue
            if heading_level is None and _LATEX_LINE_RE.match(content):
                dropped.append(Dropped(content, "LaTeX command", where, kind="furniture"))
                continue
            if _CITATION_RE.search(content):
                for citation in _CITATION_RE.findall(content):
                    dropped.append(Dropped(citation.strip(), "citation key", where, kind="furniture"))
                content = _CITATION_RE.sub("", content)
            if heading_level is not None:
                blocks.append(Block("heading", content, where, heading_level))
            elif content and items:
                number, items[-1] = items[-1], None  # the number goes with the item's first line
                if _links_here(token):
                    linked.add(len(blocks))
                blocks.append(Block("item", f"{number} {content}" if number else content, where))
            elif content and _emphasized_question(token, content):
                blocks.append(Block("question", content, where))
            elif content:
                blocks.append(Block("paragraph", content, where))
        elif token.type == "heading_close":
            heading_level = None
        elif token.type == "fence":
            _fence(token, line, blocks, dropped)
        elif token.type == "html_block":
            _html_block(token, line, blocks, dropped)
        elif token.type == "code_block":
            if token.content.strip():
                blocks.append(Block("code", token.content.strip("\n"), line))
    return _without_contents(blocks, linked, dropped), dropped


def _fence(token: Token, line: int | None, blocks: list[Block], dropped: list[Dropped]) -> None:
    """A fenced block: a MyST directive (read as its text), or code."""
    body = token.content.strip()
    info = token.info.strip()
    directive = _DIRECTIVE_RE.match(info)
    if directive and directive.group(1).split(":")[-1].lower() not in _CHUNK_LANGUAGES:
        name, argument = directive.group(1).split(":")[-1], directive.group(2).strip()
        lines = [l for l in token.content.split("\n") if not _OPTION_RE.match(l.strip())]
        content = "\n".join(lines).strip()
        if name in _ADMONITIONS:
            label = (
                argument
                if name == "admonition" and argument
                else name.replace("seealso", "see also").capitalize()
            )
            if argument and name != "admonition":  # a note's first line may follow its name
                content = f"{argument}\n{content}"
            inner, inner_dropped = markdown_blocks(content)
            dropped.extend(inner_dropped)
            if inner and inner[0].kind == "paragraph":
                inner[0] = Block("paragraph", f"{label}: {inner[0].text}", line)
            elif label:
                inner.insert(0, Block("paragraph", f"{label}:", line))
            blocks.extend(Block(b.kind, b.text, line, b.level) for b in inner)
            return
        reason = _DROPPED_DIRECTIVES.get(name, f"MyST {name} directive")
        if body:
            dropped.append(Dropped(body, reason, line, kind="furniture"))
        return
    if body:
        blocks.append(Block("code", token.content.strip("\n"), line))


def _html_block(token: Token, line: int | None, blocks: list[Block], dropped: list[Dropped]) -> None:
    """Raw HTML in Markdown, read as HTML: its headings and text, never its tags."""
    from audioguide.sources.html import html_fragment_blocks

    html = token.content.strip()
    if not html or html.startswith("<!--"):
        return
    found = html_fragment_blocks(html)
    if not found:
        dropped.append(Dropped(html, "Markdown html block (no text)", line))
        return
    blocks.extend(Block(b.kind, b.text, line, b.level) for b in found)


def _line_of(tokens: list[Token], index: int) -> int | None:
    """Inline tokens carry the map of their parent block: look back for it."""
    for token in reversed(tokens[:index]):
        if token.map:
            return token.map[0] + 1
    return None


def parse_markdown(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a Markdown article file into a :class:`Document`."""
    return parse_markdown_text(read_text(path), source=str(path), keep_furniture=keep_furniture)


def front_matter(text: str) -> tuple[str | None, str, Dropped | None]:
    """A document's YAML front matter ("---" lines around ``title: ...``): its title, the text after
    it, and the front matter as dropped text (its keys are settings for a site or a vignette, not
    text)."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return None, text, None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None, text, None
    title = data.get("title") if isinstance(data, dict) else None
    title = " ".join(title.split()) if isinstance(title, str) and title.strip() else None
    lines = match.group(0).count("\n")
    rest = "\n" * lines + text[match.end() :]  # line numbers stay those of the file
    return title, rest, Dropped(match.group(1).strip(), "front matter", 1, kind="furniture")


def parse_markdown_text(text: str, *, source: str | None = None, keep_furniture: bool = False) -> Document:
    """Markdown text into a :class:`Document`.

    The title: the front matter's ``title``, else the ``#`` heading, else the
    first heading near the top.
    """
    title, text, matter = front_matter(text)
    blocks, dropped = markdown_blocks(text)
    if matter is not None:
        dropped.insert(0, matter)
    for index, block in enumerate(blocks if title is None else []):
        if block.kind == "heading" and block.level == 1:
            title = block.text
            blocks = blocks[:index] + blocks[index + 1 :]
            break
    if title is None and blocks:
        # No title and no "# Title": the first heading, if it comes before much text, else the first line.
        first_heading = next((i for i, b in enumerate(blocks[:3]) if b.kind == "heading"), 0)
        title = blocks[first_heading].text
        blocks = blocks[:first_heading] + blocks[first_heading + 1 :]
    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    return build_document(
        blocks,
        title=title or "Untitled",
        source=source,
        keep_furniture=keep_furniture,
        dropped=dropped,
        chapter_level=min(levels) if levels else None,
    )
