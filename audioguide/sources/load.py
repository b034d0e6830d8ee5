"""Pick the parser for a source: a file by its extension, or a web page by its URL.

A SOURCE is a path (``article.txt``, ``article.md``, ``page.html``,
``leaflet.docx``, ``leaflet.odt``, ``leaflet.pdf``, ``book.epub``, ``guide.yaml``) or an
``http://``/``https://`` URL. A URL is fetched once with :mod:`requests`
(timeout, User-Agent, size cap) and parsed by what the server says it is:
HTML, plain text or Markdown. Every failure is one
:class:`SourceError` line naming the file or URL.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audioguide import __version__
from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.model.settings import GuideSettings
from audioguide.sources.memo import KEPT_SUFFIXES, memo_key, read_memo, write_memo

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
BY_CONTENT_SUFFIXES = {
    ".gz",
    "",
}  # FAQ.gz, notes.txt.gz, README: read by inner name or content (sources.sniff)
MARKDOWN_SUFFIXES = {".md", ".markdown", ".rmd", ".qmd"}  # R Markdown, Quarto: Markdown with code chunks
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
GUIDE_SUFFIXES = {".yaml", ".yml"}
DOCX_SUFFIXES = {".docx"}  # Word (sources.docx)
ODT_SUFFIXES = {".odt"}  # OpenDocument text (sources.odt)
EPUB_SUFFIXES = {".epub"}  # EPUB 2 and 3 (sources.epub)
PDF_SUFFIXES = {".pdf"}  # sources.pdf
# Every suffix of an article (what a folder of sources is scanned for); guide scripts apart.
DOCUMENT_SUFFIXES = (
    TEXT_SUFFIXES
    | MARKDOWN_SUFFIXES
    | HTML_SUFFIXES
    | DOCX_SUFFIXES
    | ODT_SUFFIXES
    | EPUB_SUFFIXES
    | PDF_SUFFIXES
)

FETCH_TIMEOUT_S = 20.0  # connect, each read, and the whole download
MAX_PAGE_BYTES = 10 * 1024 * 1024  # no article page is larger; a file download might be
USER_AGENT = f"audioguide/{__version__} (narrated audio guides for visually impaired listeners)"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
MARKDOWN_TYPES = {"text/markdown", "text/x-markdown"}

_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
# A file name's last part that is an extension; "README.Debian", "libsdl1.2-README" have none.
_EXTENSION_RE = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass(frozen=True)
class LoadedSource:
    """A parsed source, the settings a guide script carries (None for articles),
    and the lexicon files it names (resolved against the guide script's folder)."""

    document: Document
    settings: GuideSettings | None = None
    lexicon_files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded web page: its bytes and what the server said about them."""

    url: str  # after redirects
    content_type: str  # "text/html", lower case, without parameters
    charset: str | None
    data: bytes


def is_url(source: str | Path) -> bool:
    """True for an http:// or https:// SOURCE."""
    return isinstance(source, str) and bool(_URL_RE.match(source.strip()))


def load_source(
    source: str | Path,
    *,
    keep_furniture: bool = False,
    timeout: float = FETCH_TIMEOUT_S,
    memo: Path | None = None,
) -> LoadedSource:
    """Parse ``source``: a URL, or a plain-text, Markdown, HTML, Word, OpenDocument, PDF, EPUB or
    YAML guide-script file.

    Whatever the parser, the document's text is cleaned of control characters
    (:func:`~audioguide.sources.decode.clean_document`). ``memo``: a folder
    where the documents of PDF, Word, OpenDocument and EPUB files are kept by
    their bytes (:mod:`~audioguide.sources.memo`), so an unchanged file is not read again.
    """
    from audioguide.sources.decode import clean_document

    if memo is not None and not is_url(source) and Path(source).suffix.lower() in KEPT_SUFFIXES:
        return LoadedSource(clean_document(_kept_document(Path(source), keep_furniture, memo)))
    loaded = _parse_source(source, keep_furniture=keep_furniture, timeout=timeout)
    return dataclasses.replace(loaded, document=clean_document(loaded.document))


def _kept_document(path: Path, keep_furniture: bool, memo: Path) -> Document:
    from audioguide.sources.decode import read_source_bytes

    key = memo_key(read_source_bytes(path), str(path), keep_furniture)  # a regular file, not too large
    kept = read_memo(memo, key)
    if kept is not None:
        return kept
    document = _parse_source(path, keep_furniture=keep_furniture, timeout=FETCH_TIMEOUT_S).document
    write_memo(memo, key, document)
    return document


def _parse_source(source: str | Path, *, keep_furniture: bool, timeout: float) -> LoadedSource:
    if is_url(source):
        return LoadedSource(load_url(str(source).strip(), keep_furniture=keep_furniture, timeout=timeout))
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in GUIDE_SUFFIXES:
        from audioguide.sources.guide_script import load_guide_script

        script = load_guide_script(path)
        return LoadedSource(script.document, script.settings, script.lexicon_files)
    if suffix in MARKDOWN_SUFFIXES:
        from audioguide.sources.markdown import parse_markdown

        return LoadedSource(parse_markdown(path, keep_furniture=keep_furniture))
    if suffix in HTML_SUFFIXES:
        from audioguide.sources.html import parse_html

        return LoadedSource(parse_html(path, keep_furniture=keep_furniture))
    if suffix in PDF_SUFFIXES:
        from audioguide.sources.pdf import parse_pdf

        return LoadedSource(parse_pdf(path, keep_furniture=keep_furniture))
    if suffix in TEXT_SUFFIXES:
        from audioguide.sources.plain import parse_text

        return LoadedSource(parse_text(path, keep_furniture=keep_furniture))
    if suffix in DOCX_SUFFIXES:
        from audioguide.sources.docx import parse_docx

        return LoadedSource(parse_docx(path, keep_furniture=keep_furniture))
    if suffix in ODT_SUFFIXES:
        from audioguide.sources.odt import parse_odt

        return LoadedSource(parse_odt(path, keep_furniture=keep_furniture))
    if suffix in EPUB_SUFFIXES:
        from audioguide.sources.epub import parse_epub

        return LoadedSource(parse_epub(path, keep_furniture=keep_furniture))
    if suffix in BY_CONTENT_SUFFIXES or not _EXTENSION_RE.match(suffix):
        # FAQ.gz, README, README.Debian: what they are is in their content
        from audioguide.sources.sniff import load_by_content

        return LoadedSource(load_by_content(path, keep_furniture=keep_furniture))
    known = ", ".join(
        sorted(
            s
            for s in TEXT_SUFFIXES
            | MARKDOWN_SUFFIXES
            | HTML_SUFFIXES
            | DOCX_SUFFIXES
            | ODT_SUFFIXES
            | EPUB_SUFFIXES
            | GUIDE_SUFFIXES
            | PDF_SUFFIXES
            | BY_CONTENT_SUFFIXES
            if s
        )
    )
    raise SourceError(f"{path}: unsupported file type '{suffix}' (use {known}, or an http(s) URL)")


def load_url(url: str, *, keep_furniture: bool = False, timeout: float = FETCH_TIMEOUT_S) -> Document:
    """Fetch ``url`` and parse it by its content type (HTML, plain text, Markdown)."""
    page = fetch_url(url, timeout=timeout)
    if page.content_type in HTML_TYPES:
        from audioguide.sources.html import parse_html_bytes

        return parse_html_bytes(
            page.data, source=url, declared_charset=page.charset, keep_furniture=keep_furniture
        )
    from audioguide.sources.decode import clean_text, decode_bytes

    text = clean_text(decode_bytes(page.data, url, page.charset))
    if not text.strip():
        raise SourceError(f"{url}: the page holds no text")
    if page.content_type in MARKDOWN_TYPES:
        from audioguide.sources.markdown import parse_markdown_text

        return parse_markdown_text(text, source=url, keep_furniture=keep_furniture)
    from audioguide.sources.plain import parse_plain_text

    return parse_plain_text(text, source=url, keep_furniture=keep_furniture)


def fetch_url(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_PAGE_BYTES) -> FetchedPage:
    """Download one page within one deadline: ``timeout`` for connect, each read and the whole
    download (a server that drips a byte a second is cut off at it); a size cap.

    Timeouts, DNS failures, refused connections, TLS failures, HTTP errors,
    an oversized body and a content type that is not a page are one-line
    SourceErrors, each with its own words (:mod:`audioguide.net`).
    """
    import threading

    outcome: list[FetchedPage | BaseException] = []
    cancelled = threading.Event()
    responses: list[Any] = []

    def run() -> None:
        try:
            outcome.append(_download(url, timeout, max_bytes, cancelled, responses))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, name="audioguide-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancelled.set()
        for response in responses:  # wake the blocked read; the thread then ends on its own
            _abort(response)
        raise SourceError(f"{url}: timed out after {timeout:g} s (the download took too long)")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _abort(response: Any) -> None:
    """Shut the socket under a streaming response (closing alone does not wake a blocked read)."""
    import socket

    try:
        sock = response.raw._fp.fp.raw._sock  # requests -> urllib3 -> http.client -> socket
        sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
    try:
        response.close()
    except Exception:  # noqa: BLE001 - best effort from another thread
        pass


def _download(url: str, timeout: float, max_bytes: int, cancelled: Any, responses: list[Any]) -> FetchedPage:
    import requests  # installed with gTTS; imported here so file sources never load it

    from audioguide.net import TIMEOUT, connection_problem, http_problem

    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    try:
        with requests.get(
            url, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=True
        ) as response:
            responses.append(response)
            if response.status_code >= 400:
                raise SourceError(f"{url}: {http_problem(response.status_code, response.reason)}")
            content_type, charset = _content_type(response.headers.get("Content-Type", ""))
            if content_type and content_type not in HTML_TYPES | TEXT_TYPES | MARKDOWN_TYPES:
                raise SourceError(
                    f"{url}: not a web page (content type {content_type}); give an HTML, text or Markdown page"
                )
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise SourceError(f"{url}: page too large ({int(length)} bytes; limit {max_bytes})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(chunk_size=65536):
                if cancelled.is_set():
                    raise SourceError(f"{url}: timed out after {timeout:g} s (the download took too long)")
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"{url}: page too large (over {max_bytes} bytes)")
                chunks.append(chunk)
            final_url = response.url or url
    except SourceError:
        raise
    except requests.exceptions.TooManyRedirects:
        raise SourceError(f"{url}: too many redirects") from None
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ):
        raise SourceError(f"{url}: not a valid web address") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        problem = connection_problem(exc)
        if problem == TIMEOUT:
            problem = f"timed out after {timeout:g} s (no answer from the server)"
        raise SourceError(f"{url}: {problem}") from None
    except requests.exceptions.RequestException as exc:
        raise SourceError(f"{url}: download failed ({type(exc).__name__})") from None
    data = b"".join(chunks)
    if not data.strip():
        raise SourceError(f"{url}: the page is empty")
    logger.info("fetched %s: %d bytes, %s", final_url, len(data), content_type or "no content type")
    return FetchedPage(url=final_url, content_type=content_type or "text/html", charset=charset, data=data)


def _content_type(header: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from "text/html; charset=UTF-8"."""
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset
