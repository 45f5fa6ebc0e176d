"""Anki field HTML to plain text."""

from __future__ import annotations

import pytest

from briefing_quiz.authoring.htmltext import html_to_text


@pytest.mark.parametrize(("html", "text"), [
    ("a<br>b", "a\nb"),
    ("<div>one</div><div>two</div>", "one\ntwo"),
    ("x&nbsp;&amp;&lt;y&gt; &quot;q&quot; &#8212;", 'x &<y> "q" —'),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
    ("<style>.c{}</style>kept<script>x()</script>", "kept"),
    ("spaces   \n  collapse", "spaces collapse"),
    ('pic <img src="a.png" alt="a map"> [sound:x.mp3]end', "pic a map end"),
    ("<b>{{c1::bold}}</b>", "{{c1::bold}}"),
    ("<p>para</p><p>graph</p><br><br><br><br>", "para\ngraph"),
])
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
