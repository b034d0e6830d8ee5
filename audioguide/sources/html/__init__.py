"""Web pages (.html files and fetched URLs): the article, not the page around it.

The main content is found by trafilatura, a maintained main-content extractor
(it removes navigation, cookie banners, share buttons, comment forms, author
boxes, sidebars and footers); it only parses the HTML we hand it and fetches
nothing. Its output keeps the structure we need: headings with their levels,
paragraphs, lists and tables. From there:

* the title is the page's ``<h1>`` (or, without one, the page metadata);
  ``h2``-``h4`` make chapters and spoken sub-headings, as in Markdown;
* list items (``<ul>``/``<ol>``, nested too) and table rows are list items,
  read with a short pause each; ordered items keep their number ("1. ...");
* FAQs come from the markup when the page has it: schema.org ``FAQPage``
  JSON-LD (``Question``/``acceptedAnswer``) and ``<details><summary>Question?``
  blocks; question headings under an "FAQ" heading work as for Markdown. A
  question the JSON-LD has but the visible text lacks is added to the FAQ part;
  one the page shows is read from the page, once;
* nothing disappears silently: every visible block of the page that is not in
  the article is listed in ``Document.dropped``, with a reason taken from the
  page landmark it sits in (navigation, cookie banner, share buttons, comment
  form, author box, sidebar, site header or footer) where the markup tells,
  else "page boilerplate".

If trafilatura finds no article, or the page is so short (under 250
characters outside its landmarks) that it would only dump the whole page's
text, the page is read by its HTML5 landmarks instead: everything outside ``nav``, ``header``, ``footer``,
``aside``, ``form`` and the landmarks above. ``keep_furniture`` reads every
visible block of the page.

The reader is split by concern: :mod:`.parse` (bytes and text to a tree),
:mod:`.page` (the visible blocks in reading order), :mod:`.landmarks` (why a
block is furniture), :mod:`.faq_markup` (questions the markup marks, JSON-LD
FAQs), :mod:`.article` (where the article is; title, language, metadata),
:mod:`.accounting` (what is left unread) and :mod:`.reader` (all of it, in order).
"""

from __future__ import annotations

from audioguide.sources.html.page import html_fragment_blocks
from audioguide.sources.html.reader import parse_html, parse_html_bytes, parse_html_text

__all__ = ["html_fragment_blocks", "parse_html", "parse_html_bytes", "parse_html_text"]
