"""Anki field HTML to the plain text decks hold (html.parser; no third-party dependency).

Line breaks (`<br>`, block elements such as `<div>` and `<p>`) become newlines, list items
become "- " lines, entities are decoded, `&nbsp;` becomes a space, and markup such as `<b>` is
dropped with its text kept. Whitespace inside text collapses as a browser shows it. `<style>` and
`<script>` contents are dropped; an image becomes its `alt` text (media files are not imported).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["MEDIA", "html_to_text", "plain_to_html"]

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
})
_SKIP = frozenset({"style", "script", "head", "title"})
_SPACES = re.compile(r"[ \t\r\n\f]+")
#: Media references that plain text cannot carry: an `<img>` or Anki's `[sound:file]`.
MEDIA = re.compile(r"<img\b|\[sound:[^\]]*\]", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:[^\]]*\]")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)
        elif tag in _BLOCK:
            self._newline()
            if tag == "li":
                self.parts.append("- ")
            elif tag == "pre":
                self.pre_depth += 1
        elif tag in ("td", "th") and self.parts and not self.parts[-1].endswith(("\n", " ")):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        data = data.replace("\xa0", " ")
        if not self.pre_depth:
            data = _SPACES.sub(" ", data)
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text a reader sees in `html`, with line breaks kept and surrounding blanks trimmed."""
    parser = _TextExtractor()
    parser.feed(_SOUND.sub("", html))
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip(" ") for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def plain_to_html(text: str) -> str:
    """Plain text as Anki field HTML: special characters escaped, line breaks as `<br>`."""
    from html import escape

    return escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
