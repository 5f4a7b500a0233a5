"""The texts as one Markdown document a Persian-speaking reviewer reads from top to bottom."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from karyar.data_files import read_data_file
from ops.texts_document.sources import Audience, DomainFile, Entry, Group, PolicyFile, Response, Variation

CATALOGUE_PATH = "karyar/locales/fa/LC_MESSAGES/messages.po"
WORDING = Path(__file__).with_name("wording.yml")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|])")
BLOCK_START = re.compile(r"^([#=+-]|\d+[.)])")


@cache
def _wording() -> dict[str, Any]:
    wording: dict[str, Any] = read_data_file(WORDING)
    return wording


def _words(key: str, **values: object) -> str:
    return str(_wording()[key]).format(catalogue=CATALOGUE_PATH, **values)


def render(domain: list[DomainFile], catalogue: list[Group], policies: list[PolicyFile]) -> str:
    parts = [
        _words("intro"),
        _contents(domain, catalogue, policies),
        _domain_part(domain),
        _catalogue_part(catalogue),
        _policy_part(policies),
    ]
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def _contents(domain: list[DomainFile], catalogue: list[Group], policies: list[PolicyFile]) -> str:
    lines = [f"## {_words('contents')}", "", f"- [{_words('conversation')}](#conversation)"]
    lines += [f"  - [{file.path}](#{_domain_anchor(file)}) ({len(file.responses)})" for file in domain]
    lines.append(f"- [{_words('catalogue')}](#catalogue)")
    for group in catalogue:
        readers = f", {_wording()['audience_short'][group.audience.value]}" if group.audience else ""
        lines.append(f"  - [{_group_title(group)}](#{_group_anchor(group)}) ({len(group.entries)}{readers})")
    lines.append(f"- [{_words('policies')}](#policies)")
    lines += [f"  - [{file.path}](#{_policy_anchor(file)}) ({len(file.texts)})" for file in policies]
    return "\n".join(lines)


def _domain_part(domain: list[DomainFile]) -> str:
    lines = [f'## <a id="conversation"></a>{_words("conversation")}', "", _words("conversation_about")]
    for file in domain:
        lines += [
            "",
            f'### <a id="{_domain_anchor(file)}"></a>{file.path}',
            "",
            _audience_line(Audience.CLIENTS),
        ]
        for response in file.responses:
            lines += _response(response)
    return "\n".join(lines)


def _response(response: Response) -> list[str]:
    lines = []
    count = len(response.variations)
    for number, variation in enumerate(response.variations, start=1):
        heading = f"**`{response.name}`**"
        if count > 1:
            heading += " — " + _words("variation", number=number, count=count)
        lines += ["", heading, ""]
        lines += _variation(variation)
    return lines


def _variation(variation: Variation) -> list[str]:
    lines = []
    if variation.conditions:
        lines += [_words("only_when") + " " + ", ".join(f"`{c}`" for c in variation.conditions), ""]
    if variation.text:
        lines += _quote(variation.text)
    if variation.custom is not None:
        lines.append(f"{_words('custom')} (`{variation.custom}`)")
    if variation.buttons:
        titles = " · ".join(f"«{_escape(title)}»" for title in variation.buttons)
        lines += ["", f"{_words('buttons')} {titles}"]
    return lines


def _catalogue_part(catalogue: list[Group]) -> str:
    lines = [f'## <a id="catalogue"></a>{_words("catalogue")}', "", _words("catalogue_about")]
    for group in catalogue:
        lines += ["", f'### <a id="{_group_anchor(group)}"></a>{_escape(_group_title(group))}']
        if group.audience is not None:
            lines += ["", _audience_line(group.audience)]
        for entry in group.entries:
            lines += _entry(entry)
    return "\n".join(lines)


def _entry(entry: Entry) -> list[str]:
    lines = ["", f"**{_code(entry.description)}**"]
    if entry.locations:
        lines[-1] += "\\"  # the places on the next line, not run into the description
        lines.append(_words("used_in") + " " + ", ".join(_code(place) for place in entry.locations))
    lines.append("")
    if entry.draft:
        lines += [_words("draft"), ""]
    lines += _quote(entry.text) if entry.text else [_words("missing")]
    return lines


def _policy_part(policies: list[PolicyFile]) -> str:
    lines = [f'## <a id="policies"></a>{_words("policies")}', "", _words("policies_about")]
    for file in policies:
        lines += [
            "",
            f'### <a id="{_policy_anchor(file)}"></a>{file.path}',
            "",
            _audience_line(Audience.CLIENTS),
        ]
        for text in file.texts:
            lines += ["", f"**{_code(text.where)}**", "", *_quote(text.text)]
    return "\n".join(lines)


def _audience_line(audience: Audience) -> str:
    return f"*{_wording()['audience'][audience.value]}*"


def _quote(text: str) -> list[str]:
    """A blockquote that keeps the text's line breaks (a backslash ends a line without ending the paragraph)."""
    lines = text.split("\n")
    quoted = []
    for index, line in enumerate(lines):
        if not line.strip():
            quoted.append(">")
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        quoted.append(f"> {_escape_line(line)}" + ("\\" if following.strip() else ""))
    return quoted


def _escape_line(line: str) -> str:
    """A line of text shown as itself: no Markdown emphasis, links, HTML, headings, lists or code blocks."""
    text = line.lstrip(" ")
    return "&nbsp;" * (len(line) - len(text)) + BLOCK_START.sub(r"\\\1", _escape(text))


def _escape(text: str) -> str:
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _group_title(group: Group) -> str:
    return group.name or str(_wording()["unnamed_group"])


def _policy_anchor(file: PolicyFile) -> str:
    return "policy-" + _slug(Path(file.path).stem)


def _domain_anchor(file: DomainFile) -> str:
    return "domain-" + _slug(Path(file.path).stem)


def _group_anchor(group: Group) -> str:
    return "texts-" + _slug(_group_title(group))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
