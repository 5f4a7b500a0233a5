"""parse_mode handling: the text and entities Telegram would store, and its error texts."""

from __future__ import annotations

import pytest

from localapi.errors import ApiError
from localapi.formatting import auto_entities, format_text, utf16_len


def kinds(entities: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["type"], e["offset"], e["length"]) for e in entities]


def test_html_nesting_pre_language_and_entities() -> None:
    text, entities = format_text(
        '<b>a <i>b</i></b> &lt;x&gt; <pre><code class="language-python">print(1)</code></pre>'
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>',
        "HTML",
        detect=False,
    )
    assert text == "a b <x> print(1)sq"
    assert kinds(entities) == [
        ("bold", 0, 3),
        ("italic", 2, 1),
        ("pre", 8, 8),
        ("spoiler", 16, 1),
        ("expandable_blockquote", 17, 1),
    ]
    assert entities[2]["language"] == "python"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("سلام <div>x</div>", 'Unsupported start tag "div" at byte offset 9'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_html_errors(source: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        format_text(source, "HTML")
    assert caught.value.error_code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert message in caught.value.description


def test_markdown_v2() -> None:
    text, entities = format_text(
        r"*bold _italic_* __under__ ~del~ ||spoiler|| [link](https://x.org/a\)b) `co\`de` 1\.5\!",
        "MarkdownV2",
        detect=False,
    )
    assert text == "bold italic under del spoiler link co`de 1.5!"
    assert kinds(entities) == [
        ("bold", 0, 11),
        ("italic", 5, 6),
        ("underline", 12, 5),
        ("strikethrough", 18, 3),
        ("spoiler", 22, 7),
        ("text_link", 30, 4),
        ("code", 35, 5),
    ]
    assert entities[5]["url"] == "https://x.org/a)b"


def test_markdown_v2_pre_and_blockquote() -> None:
    text, entities = format_text("```python\nx = 1\n```\n>quoted\n>lines\nafter", "MarkdownV2", detect=False)
    assert text == "x = 1\n\nquoted\nlines\nafter"
    assert kinds(entities) == [("pre", 0, 6), ("blockquote", 7, 12)]
    assert entities[0]["language"] == "python"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("سلام!", "Character '!' is reserved"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("ok `code", "Can't find end of Code entity at byte offset 3"),
    ],
)
def test_markdown_v2_errors(source: str, message: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as caught:
        format_text(source, "MarkdownV2")
    assert message in caught.value.description


def test_legacy_markdown_and_unsupported_mode() -> None:
    assert format_text("*a* _b_ `c` [d](http://e.f)", "Markdown", detect=False)[0] == "a b c d"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 2"):
        format_text("a *b", "Markdown")
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


def test_offsets_are_utf16_and_trimming_shifts_entities() -> None:
    assert utf16_len("👍a") == 3
    text, entities = format_text("\n  😀 <b>کار</b>  ", "HTML")
    assert text == "😀 کار"
    assert kinds(entities) == [("bold", 3, 3)]


def test_explicit_entities_win_over_parse_mode() -> None:
    text, entities = format_text(
        "<b>x</b>", "HTML", [{"type": "italic", "offset": 0, "length": 3}], detect=False
    )
    assert text == "<b>x</b>" and kinds(entities) == [("italic", 0, 3)]
    with pytest.raises(ApiError, match="can't parse entities JSON object"):
        format_text("x", None, [{"type": "shiny", "offset": 0, "length": 1}])


def test_auto_entities() -> None:
    found = auto_entities("/start@karyar_bot hi @someone #کاریابی https://kar.ir/x. mail a@b.ir")
    assert kinds(found) == [
        ("bot_command", 0, 17),
        ("mention", 21, 8),
        ("hashtag", 30, 8),
        ("url", 39, 16),
        ("email", 62, 6),
    ]
    assert auto_entities("a/b and 12/3 #123") == []  # not commands, not hashtags
