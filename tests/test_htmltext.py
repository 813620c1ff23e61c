"""One notion of "HTML text that shows nothing" (``xzufi_toolkit.htmltext``).

The oracle is a real HTML parser: nh3 (html5ever) with every tag stripped
leaves the text a browser would show; unescaped, it is blank when it is only
white space. On markup built from whole tokens the regex definition agrees with
it exactly; on hostile markup it may call blank text "not blank" (a ``>`` in a
comment, ``&nbsp`` without ``;``…) but never visible text blank.

Before this module the reader (XZ-N002) and the validator (XZ-TXT-001) had a
definition each. The reader's knew only ``<br>``, ``<p>``, ``<div>``,
``<span>`` and no ``&#xa0;``; the validator's, now the one definition, took
``<>``, ``< br>``, ``<<p>`` and ``&NBSP;`` (all shown as text) for blank.
``CASES`` lists what changed, with the old answers.
"""

from __future__ import annotations

import html

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.htmltext import EMBEDDED, is_blank_html
from xzufi_toolkit.validate import context


def shows_nothing(text: str) -> bool:
    """What a browser shows of ``text`` is only white space (``str.strip`` and the
    regex ``\\s`` both take Unicode white space, U+00A0 included) and no embedded
    content (an image shows without text): nh3 keeps only the embedded elements."""
    if nh3.clean(text, tags=set(EMBEDDED), attributes={}, strip_comments=True).count("<"):
        return False
    return not html.unescape(nh3.clean(text, tags=set(), strip_comments=True)).strip()


# (text, blank, the reader's old answer, the validator's old answer)
CASES = [
    ("", True, True, True),
    ("   \n\t", True, True, True),
    ("<br>", True, True, True),
    ('<p>&nbsp;<br /></p>   <div class="x"></div><span></span>', True, True, True),
    ("&#160;\xa0\u2003", True, True, True),
    ("Name", False, False, False),
    ("<p>&amp;</p>", False, False, False),
    # the reader kept these (tags other than br/p/div/span, &#xa0;, comments)
    ("<b></b>", True, False, True),
    ("<ul><li> </li></ul>", True, False, True),
    ("<hr>", True, False, True),
    # an image is content: neither the reader nor the validator may take it for empty
    ('<img src="logo.png">', False, False, True),
    ("<p><IMG src='a.png'/></p>", False, False, True),
    ("<svg></svg>", False, False, True),
    ("<!-- entwurf -->", True, False, True),
    ("&#xa0;&#XA0;", True, False, True),
    # both took these for text, though they show nothing
    ("&#0160;&#x00a0;", True, False, False),
    # both took this for blank, though it shows "&NBSP;"
    ("&NBSP;", False, True, True),
    # the validator took these for blank: '<' opens no tag before '>', ' ', '<', '&'
    ("<>", False, False, True),
    ("< br>", False, False, True),
    ("<<p>", False, False, True),
    ("<&>", False, False, True),
]


@pytest.mark.parametrize(("text", "blank"), [c[:2] for c in CASES], ids=repr)
def test_cases(text: str, blank: bool) -> None:
    assert is_blank_html(text) is blank
    assert shows_nothing(text) is blank


def test_the_validator_uses_the_one_definition() -> None:
    """(The reader's use is tested in test_xzufi_io: what it drops.)"""
    assert context.is_blank_html is is_blank_html


# Whole tokens: tags (any name, attributes without '>'), comments, references,
# white space, text and a '<' that opens no tag.
TOKENS = st.sampled_from(
    [
        *("<br>", "<br/>", "<br />", "<BR>", "<p>", "</p>", '<p class="x">', "<div>", "</div>"),
        *("<span>", "</span>", "<b>", "</b>", "<ul>", "<li>", "</li>", "</ul>", "<hr>"),
        *('<img src="x.png">', '<a href="https://example.org">', "</a>", "<!-- note -->"),
        *("&nbsp;", "&#160;", "&#xa0;", "&#XA0;", "&#0160;", "&#x00A0;", "&NBSP;"),
        *("&amp;", "&lt;", "&gt;", " ", "\n", "\t", "\xa0", "\u2003", "x", "Antrag"),
        *("<>", "< br>", "<3", "<&>", "<video>", "</video>", "<imgx>"),
    ]
)
# Hostile additions where a regex cannot follow the HTML tokenizer exactly
# (a '<' before a letter opens a tag that may run to the end of the text).
HOSTILE = st.one_of(
    TOKENS,
    st.sampled_from(
        [
            *("<", ">", "&", "&nbsp", "&#32;", "<p", "<!-- a > b -->", '<p title="a>b">', "--"),
            *("<script>", "</script>", "<!", "<?", "</", "/", '"', "'", "=", "p"),
        ]
    ),
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(TOKENS, max_size=8).map("".join))
def test_agrees_with_an_html_parser_on_whole_tokens(text: str) -> None:
    assert is_blank_html(text) is shows_nothing(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(HOSTILE, max_size=10).map("".join))
def test_never_calls_visible_text_blank(text: str) -> None:
    if is_blank_html(text):
        assert shows_nothing(text)
