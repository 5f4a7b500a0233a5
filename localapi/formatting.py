"""Message formatting as Telegram does it: parse_mode → plain text + entities.

Telegram returns the *parsed* text and its entities (offsets in UTF-16 code units), trims the
message, and rejects malformed markup with "can't parse entities" errors. Reproducing that here
means a bot that works against this server also renders — and does not crash — on Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from localapi.errors import ApiError, bad_request

ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Builder:
    """Accumulates output text and entities, tracking the UTF-16 position."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict[str, Any]] = []

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def add(self, type_: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append({"type": type_, "offset": start, "length": self.pos - start, **extra})

    def text(self) -> str:
        return "".join(self.parts)


# --- HTML --------------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


@dataclass
class _OpenTag:
    tag: str
    start: int
    extra: dict[str, Any] = field(default_factory=dict)


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.out = _Builder()
        self.stack: list[_OpenTag] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        index = self._line_starts[line - 1] + col
        return len(self.source[:index].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        attributes = {k: v or "" for k, v in attrs}
        extra: dict[str, Any] = {}
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise _cant_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}')
        if tag == "a" and attributes.get("href"):
            extra["url"] = attributes["href"]
        if tag == "code" and attributes.get("class", "").startswith("language-"):
            extra["language"] = attributes["class"].removeprefix("language-")
        if tag == "tg-emoji":
            extra["custom_emoji_id"] = attributes.get("emoji-id", "")
        if tag == "blockquote" and "expandable" in attributes:
            extra["expandable"] = True
        self.stack.append(_OpenTag(tag, self.out.pos, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Telegram has no void tags: "<br/>" is as unsupported as "<br>".
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise _cant_parse(f"Unexpected end tag at byte offset {self._byte_offset()}")
        top = self.stack[-1]
        if top.tag != tag:
            raise _cant_parse(
                f'Unmatched end tag at byte offset {self._byte_offset()}, expected "</{top.tag}>", '
                f'found "</{tag}>"'
            )
        self.stack.pop()
        kind = _HTML_TAGS[tag]
        if kind == "text_link":
            if "url" in top.extra:
                self.out.add("text_link", top.start, url=top.extra["url"])
        elif kind == "code" and "language" in top.extra and self.stack and self.stack[-1].tag == "pre":
            self.stack[-1].extra["language"] = top.extra["language"]  # <pre><code class="language-x">
        elif kind == "pre":
            language = top.extra.get("language")
            self.out.add("pre", top.start, **({"language": language} if language else {}))
        elif kind == "blockquote":
            self.out.add("expandable_blockquote" if top.extra.get("expandable") else "blockquote", top.start)
        elif kind == "custom_emoji":
            self.out.add("custom_emoji", top.start, custom_emoji_id=top.extra["custom_emoji_id"])
        else:
            self.out.add(kind, top.start)

    def handle_data(self, data: str) -> None:
        self.out.emit(data)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        self.feed(self.source)
        self.close()
        if self.stack:
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        return self.out.text(), self.out.entities


# --- MarkdownV2 ---------------------------------------------------------------------------------

_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _OpenV2:
    kind: str
    start: int
    byte_offset: int
    language: str = ""


def _parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    stack: list[_OpenV2] = []
    quote: tuple[str, int] | None = None  # (entity type, start) of the open blockquote
    i, n = 0, len(src)

    def byte_at(index: int) -> int:
        return len(src[:index].encode())

    def toggle(kind: str, index: int) -> None:
        for pos in range(len(stack) - 1, -1, -1):
            if stack[pos].kind == kind:
                opened = stack.pop(pos)
                out.add(kind, opened.start)
                return
        stack.append(_OpenV2(kind, out.pos, byte_at(index)))

    while i < n:
        c = src[i]
        top = stack[-1] if stack else None
        if top is not None and top.kind in ("code", "pre"):
            # Inside code only '`' and '\' are special.
            if c == "\\" and i + 1 < n and src[i + 1] in "`\\":
                out.emit(src[i + 1])
                i += 2
            elif top.kind == "pre" and src.startswith("```", i):
                stack.pop()
                out.add("pre", top.start, **({"language": top.language} if top.language else {}))
                i += 3
            elif top.kind == "code" and c == "`":
                stack.pop()
                out.add("code", top.start)
                i += 1
            else:
                out.emit(c)
                i += 1
            continue
        at_line_start = i == 0 or src[i - 1] == "\n"
        if at_line_start and (c == ">" or src.startswith("**>", i)):
            expandable = c == "*"
            if quote is None:
                quote = ("expandable_blockquote" if expandable else "blockquote", out.pos)
            i += 3 if expandable else 1
            continue
        if (
            c == "\n"
            and quote is not None
            and not (src.startswith(">", i + 1) or src.startswith("**>", i + 1))
        ):
            out.add(quote[0], quote[1])
            quote = None
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) < 127:
            out.emit(src[i + 1])
            i += 2
        elif c == "*":
            toggle("bold", i)
            i += 1
        elif c == "_":
            if src.startswith("__", i):
                toggle("underline", i)
                i += 2
            else:
                toggle("italic", i)
                i += 1
        elif c == "~":
            toggle("strikethrough", i)
            i += 1
        elif src.startswith("||", i):
            if (
                quote is not None
                and quote[0] == "expandable_blockquote"
                and (i + 2 == n or src[i + 2] == "\n")
            ):
                out.add(quote[0], quote[1])
                quote = None
            else:
                toggle("spoiler", i)
            i += 2
        elif src.startswith("```", i):
            opened = _OpenV2("pre", 0, byte_at(i))
            i += 3
            newline = src.find("\n", i)
            closing = src.find("```", i)
            if newline != -1 and (closing == -1 or newline < closing):
                opened.language = src[i:newline].strip()
                i = newline + 1
            opened.start = out.pos
            stack.append(opened)
        elif c == "`":
            stack.append(_OpenV2("code", out.pos, byte_at(i)))
            i += 1
        elif c == "[" or src.startswith("![", i):
            kind = "custom_emoji" if c == "!" else "text_link"
            stack.append(_OpenV2(kind, out.pos, byte_at(i)))
            i += 2 if c == "!" else 1
        elif c == "]" and top is not None and top.kind in ("text_link", "custom_emoji"):
            stack.pop()
            i += 1
            if i < n and src[i] == "(":
                url_chars: list[str] = []
                i += 1
                while i < n and src[i] != ")":
                    if src[i] == "\\" and i + 1 < n:
                        i += 1
                    url_chars.append(src[i])
                    i += 1
                if i >= n:
                    raise _cant_parse(f"Can't find end of a url at byte offset {top.byte_offset}")
                i += 1
                url = "".join(url_chars)
                if top.kind == "custom_emoji":
                    out.add("custom_emoji", top.start, custom_emoji_id=url.removeprefix("tg://emoji?id="))
                else:
                    out.add("text_link", top.start, url=url)
        elif c in _V2_RESERVED:
            raise _cant_parse(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        else:
            out.emit(c)
            i += 1
    if stack:
        opened = stack[-1]
        raise _cant_parse(
            f"Can't find end of {_V2_NAMES[opened.kind]} entity at byte offset {opened.byte_offset}"
        )
    if quote is not None:
        out.add(quote[0], quote[1])
    return out.text(), out.entities


# --- legacy Markdown ----------------------------------------------------------------------------

_LEGACY = {"*": "bold", "_": "italic", "`": "code"}


def _parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Builder()
    i, n = 0, len(src)

    def unterminated(index: int) -> ApiError:
        offset = len(src[:index].encode())
        return _cant_parse(f"Can't find end of the entity starting at byte offset {offset}")

    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.emit(src[i + 1])
            i += 2
        elif src.startswith("```", i):
            end = src.find("```", i + 3)
            if end == -1:
                raise unterminated(i)
            body = src[i + 3 : end]
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and not first.isspace():
                    language, body = first.strip(), rest
            start = out.pos
            out.emit(body)
            out.add("pre", start, **({"language": language} if language else {}))
            i = end + 3
        elif c in _LEGACY:
            end = src.find(c, i + 1)
            if end == -1:
                raise unterminated(i)
            start = out.pos
            out.emit(src[i + 1 : end])
            out.add(_LEGACY[c], start)
            i = end + 1
        elif c == "[":
            close = src.find("]", i + 1)
            if close == -1 or not src.startswith("(", close + 1):
                out.emit(c)
                i += 1
                continue
            end = src.find(")", close + 2)
            if end == -1:
                raise unterminated(i)
            start = out.pos
            out.emit(src[i + 1 : close])
            out.add("text_link", start, url=src[close + 2 : end])
            i = end + 1
        else:
            out.emit(c)
            i += 1
    return out.text(), out.entities


# --- automatic entities -------------------------------------------------------------------------

_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'»]")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    ("bot_command", re.compile(r"(?<![^\s(])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d])\w+")),
]
_NO_AUTO_INSIDE = frozenset({"code", "pre", "text_link", "url", "email", "text_mention"})


def auto_entities(text: str, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Entities Telegram detects by itself (commands, mentions, hashtags, URLs, e-mails)."""
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in existing or [] if e["type"] in _NO_AUTO_INSIDE
    ]
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for type_, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(s < end and start < e for s, e in blocked + taken):
                continue
            taken.append((start, end))
            found.append({"type": type_, "offset": start, "length": end - start})
    return sort_entities(found)


# --- entry points -------------------------------------------------------------------------------


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims surrounding whitespace; entities are shifted and clipped to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def validate_entities(raw: Any, text: str) -> list[dict[str, Any]]:
    """Explicit ``entities``/``caption_entities``: checked and clipped like Telegram does."""
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    result = []
    for entity in raw:
        if not isinstance(entity, dict) or entity.get("type") not in ENTITY_TYPES:
            raise bad_request("can't parse entities JSON object")
        try:
            offset, length = int(entity["offset"]), int(entity["length"])
        except (KeyError, TypeError, ValueError):
            raise bad_request("can't parse entities JSON object") from None
        if entity["type"] == "text_link" and not entity.get("url"):
            raise bad_request("can't parse entities JSON object")
        end = min(offset + length, size)
        if offset >= 0 and end > offset:
            result.append({**entity, "offset": offset, "length": end - offset})
    return result


def format_text(
    text: str, parse_mode: str | None, entities: Any = None, *, detect: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Return the text Telegram would store and its entities (sorted, UTF-16 offsets)."""
    if entities is not None:
        plain, found = text, validate_entities(entities, text)
    elif not parse_mode:
        plain, found = text, []
    else:
        mode = parse_mode.lower()
        if mode == "html":
            plain, found = _TelegramHtml(text).parse()
        elif mode == "markdownv2":
            plain, found = _parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = _parse_markdown(text)
        else:
            raise bad_request("unsupported parse_mode")
    plain, found = _strip(plain, found)
    if detect:
        found = found + auto_entities(plain, found)
    return plain, sort_entities(found)
