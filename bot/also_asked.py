"""The questions the client asked in passing that the answer does not cover, each with a way on (a button
to its answer, or a counsellor), so nothing the client asked is silently dropped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from karyar.asked import Topic
from karyar.texts import _
from persian.format import join_list


def _label(topic: Topic) -> str:
    labels = {
        "course": _("Asked topic: course"),
        "documents": _("Asked topic: documents"),
        "insurance": _("Asked topic: insurance"),
        "loan": _("Asked topic: loan"),
        "guarantor": _("Asked topic: guarantor"),
        "promissory_note": _("Asked topic: promissory note"),
        "repayment": _("Asked topic: repayment"),
        "class_hours": _("Asked topic: class hours"),
        "wage": _("Asked topic: wage"),
    }
    return labels[topic.name]


def message(topics: Sequence[Topic]) -> tuple[str, list[dict[str, Any]]]:
    """The text naming the topics and its buttons."""
    answered = [topic for topic in topics if topic.intent is not None]
    for_counsellor = [topic for topic in topics if topic.intent is None]
    lines: list[str] = []
    buttons: list[dict[str, Any]] = []
    if answered:
        lines.append(_("Also asked: see the answer").format(topics=join_list([_label(t) for t in answered])))
        buttons += [
            {"title": _("Also asked: button").format(topic=_label(t)), "payload": f"/{t.intent}"}
            for t in answered
        ]
    if for_counsellor:
        lines.append(
            _("Also asked: a counsellor answers").format(
                topics=join_list([_label(t) for t in for_counsellor])
            )
        )
        buttons.append({"title": _("Menu: counsellor"), "payload": "/request_counsellor"})
    return "\n".join(lines), buttons
