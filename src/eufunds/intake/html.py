"""A saved web page to the text of the release it carries.

A release on a web site sits inside the site: menus, a cookie banner, share
buttons, "related articles", comments, a footer with the address. The reader
keeps the release's own text: it parses the page with selectolax (the Lexbor
HTML5 parser, MIT), drops what is never the release (scripts, navigation,
forms, and elements whose class, id or role name a menu, banner, share bar,
comment or footer), then picks the container that holds most paragraph text —
``<article>`` or ``<main>`` when the page marks one — and writes it out one
block to a paragraph, paragraphs separated by a blank line, as the plain-text
releases are. A headline outside that container (an ``<h1>`` in the page
header) is put back on top, since the extractor reads the title from the first
lines. The comparison with trafilatura that led here is in docs/intake.md.

Charset: the one the server declared, else the page's ``<meta>``, else the
detection every release goes through (``eufunds.text.detect_encoding``).
"""

from __future__ import annotations

import codecs
import contextlib
import re
from typing import Any

from ..text import collapse, detect_encoding, normalise_newlines

__all__ = ["declared_charset", "decode_html", "html_main_text"]

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The charset a page's ``<meta>`` declares in its first 4 KB, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    return _known(match.group(1).decode("ascii", "replace"))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Page bytes to text: declared charset first, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    encoding = _known(http_charset) or declared_charset(data)
    if encoding in {"ascii", "latin-1", "iso8859-1", "cp1252"}:
        # Servers and editors say "iso-8859-1" by default; WHATWG reads it as
        # windows-1252, and a Romanian page so labelled is usually really UTF-8
        # or windows-1250, which detection tells apart.
        encoding = None
    if encoding is None or encoding.startswith("utf-8"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            if encoding is not None and encoding.startswith("utf-8"):
                return data.decode("utf-8", "replace")
        encoding = detect_encoding(data)
    return data.decode(encoding, "replace")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements that never hold a release's words.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "form", "button", "input", "select", "textarea", "nav", "aside", "footer", "menu", "dialog",
    "head", "video", "audio", "map",
)  # fmt: skip
# Words in class, id or role that mark page furniture. Matched on whole tokens of
# the attribute (split at -, _, space), so "share" drops "share-buttons" but not "shareholders".
# Not "widget": page builders (Elementor, SiteOrigin) call every block of a page
# one, the post's text included; a sidebar's widgets go with the sidebar. A
# class that also names a layout ("content-sidebar-wrap") marks furniture only
# if the element holds at most half of the page's words (``_LAYOUT``).
_FURNITURE = _words(
    """
    cookie cookies consent gdpr cmplz cc-window share sharing sharer social socials addthis
    sharethis comment comments respond disqus related relatedposts sidebar
    menu navbar nav navigation breadcrumb breadcrumbs newsletter subscribe popup modal
    advert advertisement ads banner footer copyright pagination pager tags tagcloud
    author-box skip skiplink search searchform login print-button toolbar rating
    contentinfo complementary meta byline postmeta
    """
)
_SPLIT = re.compile(r"[\s_-]+")
_BLOCK_TAGS = _words(
    """
    p div section article main header h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody
    tfoot tr caption blockquote pre address figure figcaption hr center details summary
    """
)
_CELL_TAGS = frozenset({"td", "th"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_WS = re.compile(r"[ \t\r\f\v\u00a0\u200b]+|\n")
_SPACES = re.compile(r"[^\S\n]+")
_BULLET = re.compile(r"^\s*(?:[•▪●◦‣⁃∙·\-–—*]|\d{1,2}[.)]|[a-z][.)])\s")


# Words that make a class name a layout's rather than furniture's:
# "content-sidebar-wrap", "site no-sidebar", "has-sidebar" wrap the release.
_LAYOUT = _words("no has with wrap wrapper layout site page")


def _furniture_mark(attributes: dict[str, Any]) -> str | None:
    """Whether an element is page furniture: "layout" when a class that also
    names a layout says so (a wrapper, maybe), "furniture" when it surely is,
    None when it is not."""
    if attributes.get("aria-hidden") == "true" or "hidden" in attributes:
        return "furniture"
    for name in ("class", "id", "role", "aria-label"):
        value = attributes.get(name)
        if not value:
            continue
        tokens = {token.lower() for token in _SPLIT.split(value) if token}
        if tokens & _FURNITURE:
            return "layout" if tokens & _LAYOUT else "furniture"
    return None


def _inside(node: Any, tags: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _strip_furniture(body: Any) -> None:
    for tag in _DROP_TAGS:
        for node in body.css(tag):
            node.decompose()
    for node in body.css("header"):
        if not _inside(node, frozenset({"article", "main"})):
            # The site's header; an article's own <header> holds its headline.
            headings = node.css("h1")
            if not headings:
                node.decompose()
    doomed = []
    total: int | None = None
    for node in body.traverse():
        if node.tag in {"body", "html", "article", "main"}:
            continue
        mark = _furniture_mark(node.attributes)
        if mark == "layout":
            # Named for a layout with a sidebar: a wrapper if it holds most of the page.
            total = _words_in(body) if total is None else total
            if 2 * _words_in(node) > total:
                continue
        if mark is not None:
            doomed.append(node)
    for node in doomed:
        with contextlib.suppress(Exception):  # already gone with an ancestor
            node.decompose()


def _text_length(node: Any) -> int:
    return len(_SPACES.sub(" ", node.text(deep=True, separator=" ")).strip())


def _words_in(node: Any) -> int:
    return len(node.text(deep=True, separator=" ").split())


def _link_length(node: Any) -> int:
    return sum(_text_length(link) for link in node.css("a"))


def _main_container(body: Any) -> Any:
    """The element holding the release: a marked article, else the densest block."""
    for selector in ("[itemprop=articleBody]", "article", "main", "[role=main]"):
        found = [node for node in body.css(selector) if _text_length(node) >= 200]
        if found:
            return max(found, key=_text_length)
    scores: dict[int, float] = {}
    nodes: dict[int, Any] = {}
    for para in body.css("p, pre, td, li, h1, h2, h3"):
        length = _text_length(para)
        if length < 25:
            continue
        weight = length - 2 * _link_length(para)
        # A cell is a block of its own: in a page laid out as a table, the
        # release's cell, not the row that also holds the menu's.
        parent = para if para.tag == "td" else para.parent
        for share in (1.0, 0.5):
            if parent is None:
                break
            key = parent.mem_id
            nodes[key] = parent
            scores[key] = scores.get(key, 0.0) + share * weight
            parent = parent.parent
    if not scores:
        return body
    best = nodes[max(scores, key=lambda key: scores[key])]
    # A page whose paragraphs sit in sibling blocks: climb while an ancestor holds
    # clearly more release text than the block found. An ancestor that adds
    # next to nothing (the row and table around a cell) is looked past: the
    # release's other paragraphs may stand beside the table.
    node = best
    while node.parent is not None and node.parent.tag not in {"body", "html"}:
        parent = node.parent
        mine, theirs = _text_length(best), _text_length(parent)
        extra = theirs - mine
        if extra <= 0.1 * mine:
            node = parent
        elif extra > 0.25 * mine and _link_length(parent) - _link_length(best) < 0.5 * extra:
            best = node = parent
        else:
            break
    return best


def _render(root: Any) -> list[str]:
    """Blocks of text in document order; inline text flows, blocks break."""
    blocks: list[str] = []
    buffer: list[str] = []

    broken: int | None = None  # where in ``buffer`` the last line break is, if any

    def flush() -> None:
        nonlocal broken
        broken = None
        if buffer:
            text = "".join(buffer)
            buffer.clear()
            # A line holds no \n: every run of whitespace in it is collapsed.
            lines = [collapse(line) for line in text.split("\n")]
            block = "\n".join(line for line in lines if line)
            if block:
                blocks.append(block)

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in _BLOCK_TAGS:
                flush()
            elif tag in _CELL_TAGS:
                buffer.append(" ")
            continue
        if tag == "-text":
            text = node.text(deep=False)
            if text:
                buffer.append(_WS.sub(" ", text))
            continue
        if tag == "br":
            if broken is not None and not "".join(buffer[broken + 1 :]).strip():
                flush()  # a blank line: "<br><br>" parts paragraphs on pages without <p>
            else:
                broken = len(buffer)
                buffer.append("\n")
            continue
        if tag == "-comment" or tag in _DROP_TAGS:
            continue
        if tag in _BLOCK_TAGS:
            flush()
            if tag == "li":
                buffer.append("\x00")  # a bullet mark, resolved below
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, False))
    flush()
    out = []
    for block in blocks:
        if block.startswith("\x00"):
            rest = block[1:].lstrip()
            block = rest if _BULLET.match(rest) or not rest else f"• {rest}"
        block = block.replace("\x00", "")
        if block:
            out.append(block)
    return out


def html_main_text(page: str) -> str:
    """The release text of an HTML page: paragraphs one per line, blank lines between."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page)
    body = tree.body
    if body is None:
        return ""
    headline = None
    h1s = [node for node in body.css("h1") if _text_length(node) >= 10]
    if len(h1s) == 1:
        headline = _SPACES.sub(" ", h1s[0].text(deep=True, separator=" ")).strip()
    _strip_furniture(body)
    root = _main_container(body)
    blocks = _render(root)
    if headline and not any(headline in block for block in blocks[:3]):
        blocks.insert(0, headline)
    return normalise_newlines("\n\n".join(blocks)) + ("\n" if blocks else "")
