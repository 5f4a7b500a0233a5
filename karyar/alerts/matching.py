"""Which subscribed clients a batch of new courses and job openings is for, in one set-based query.

An item matches a client when one of her alerts asks for its kind, its field (or, with no field in the
alert, one of the fields in her facts, or any when she named none) and its place (the alert's province or
her own, its neighbours, or online), and when her facts leave the item open to her by the catalogue's own
fit rules (karyar.catalogue.fit.item_fits). At most `room` matches per client are kept: the weekly cap less
the alerts she already had this week.

The clients' facts are read in one pass over profile_facts (one row per client), so the cost grows with
clients plus matches, not clients times items: no Python loop over clients.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union,
)
from sqlalchemy.orm import aliased

from karyar.broadcast.audience import reachable
from karyar.catalogue.fit import ALL_GROUPS, ClientColumns, item_fits
from karyar.catalogue.reference import places
from karyar.db.alert_models import Alert, AlertItem, AlertKind
from karyar.db.models import BroadcastDelivery, CatalogueMode, Client, Course, DeliveryStatus, JobOpening
from karyar.db.models import ProfileFact as F
from karyar.facts import SKIPPED, ProfileFactName

MODELS: dict[str, type[Course] | type[JobOpening]] = {"course": Course, "job": JobOpening}
WEEK = timedelta(days=7)
# Deliveries that reached the client or will: they count towards the weekly cap.
COUNTED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT)
_TEXT_FACTS = ("gender", "household_role", "organisation", "province")


def _group_column(group: str) -> str:
    return f"in_{group}"


def client_facts() -> Subquery:
    """One row per client with facts: her own facts in force (declined ones as NULL) as columns."""
    current = and_(F.superseded_at.is_(None), F.member.is_(None), F.value != SKIPPED)

    def value_of(name: str) -> ColumnElement[Any]:
        return func.max(case((F.name == name, F.value), else_=null()))

    def said(value: str | None) -> ColumnElement[int]:
        named = F.name == ProfileFactName.TARGET_GROUP
        return func.max(case((and_(named, F.value == value) if value else named, 1), else_=0))

    return (
        select(
            F.client_id,
            *[value_of(name).label(name) for name in _TEXT_FACTS],
            value_of("age").label("age_text"),
            said(None).label("groups_known"),
            *[said(group).label(_group_column(group)) for group in sorted(ALL_GROUPS)],
        )
        .where(current, F.name.in_([*_TEXT_FACTS, "age", ProfileFactName.TARGET_GROUP]))
        .group_by(F.client_id)
        .subquery("client_facts")
    )


def _columns(facts: Subquery) -> ClientColumns:
    return ClientColumns(
        facts={
            **{name: facts.c[name] for name in _TEXT_FACTS},
            "age": cast(facts.c.age_text, Integer),
        },
        said_group=lambda group: func.coalesce(facts.c[_group_column(group)], 0) == 1,
        groups_known=func.coalesce(facts.c.groups_known, 0) == 1,
    )


def _near(
    model: type[Course] | type[JobOpening], province: ColumnElement[Any], item_provinces: set[str]
) -> ColumnElement[bool]:
    """The item is online, or in the province, or in a neighbouring one; no province known: anywhere."""
    neighbours = places().neighbours
    by_item_province = [
        and_(model.province == name, province.in_(sorted(neighbours[name])))
        for name in sorted(item_provinces)
        if neighbours.get(name)
    ]
    return or_(
        province.is_(None), model.mode == CatalogueMode.ONLINE, model.province == province, *by_item_province
    )


def _matches_of(
    kind: str, item_ids: Sequence[int], item_provinces: set[str], now: datetime
) -> list[Select[Any]]:
    """(kind, item id, client id, chat id) for every alert of a reachable client an item of `kind` meets.

    Three branches by where the field comes from, each an equality PostgreSQL joins by hashing rather than
    an OR it could only test pair by pair: the alert's field; a field in her facts; no field anywhere.
    """
    model = MODELS[kind]
    open_now = (
        model.starts_at >= now
        if model is Course
        else or_(JobOpening.closes_at.is_(None), JobOpening.closes_at >= now)
    )
    kinds = Alert.kind.in_([kind, AlertKind.ANY])
    field_fact = aliased(F, name="field_fact")
    any_field = exists().where(
        F.client_id == Alert.client_id,
        F.member.is_(None),
        F.superseded_at.is_(None),
        F.name == ProfileFactName.FIELD,
    )
    by_field = [
        select(model.id, Alert.client_id, Alert.province).join(
            Alert, and_(kinds, Alert.field_key == model.field_key)
        ),
        select(model.id, Alert.client_id, Alert.province)
        .join(
            field_fact,
            and_(
                field_fact.value == model.field,
                field_fact.name == ProfileFactName.FIELD,
                field_fact.member.is_(None),
                field_fact.superseded_at.is_(None),
            ),
        )
        .join(Alert, and_(kinds, Alert.client_id == field_fact.client_id, Alert.field_key.is_(None))),
        select(model.id, Alert.client_id, Alert.province)
        .join(Alert, and_(kinds, Alert.field_key.is_(None)))
        .where(~any_field),
    ]
    branches = []
    for branch in by_field:
        pairs = branch.where(model.id.in_(list(item_ids)), model.active.is_(True), open_now)
        found = pairs.subquery("pairs")
        facts = client_facts()
        item = aliased(model, name="item")
        province = func.coalesce(found.c.province, facts.c.province)
        branches.append(
            select(
                literal(kind).label("kind"),
                item.id.label("item_id"),
                Client.id.label("client_id"),
                Client.telegram_user_id.label("chat_id"),
            )
            .select_from(found)
            .join(item, item.id == found.c.id)
            .join(Client, Client.id == found.c.client_id)
            .outerjoin(facts, facts.c.client_id == Client.id)
            .where(*reachable(), _near(item, province, item_provinces), *item_fits(item, _columns(facts)))
        )
    return branches


def alerts_this_week(now: datetime) -> Subquery:
    """Per client, the alerts sent or waiting to be sent that were planned in the last seven days."""
    return (
        select(BroadcastDelivery.client_id, func.count().label("had"))
        .join(AlertItem, AlertItem.broadcast_id == BroadcastDelivery.broadcast_id)
        .where(AlertItem.created_at > now - WEEK, BroadcastDelivery.status.in_(COUNTED))
        .group_by(BroadcastDelivery.client_id)
        .subquery("this_week")
    )


def capped_matches(
    items: Mapping[str, Sequence[int]], item_provinces: set[str], *, per_week: int, now: datetime
) -> Select[Any]:
    """(kind, item id, client id, chat id) of the matches each client still has room for this week.

    Within a client, job openings come before courses and older items before newer ones.
    """
    parts = [
        part for kind, ids in items.items() if ids for part in _matches_of(kind, ids, item_provinces, now)
    ]
    # UNION, not UNION ALL: two alerts of one client may match the same item.
    matched = union(*parts).subquery("matched")
    week = alerts_this_week(now)
    ranked = select(
        matched,
        func.row_number()
        .over(
            partition_by=matched.c.client_id,
            order_by=(case((matched.c.kind == "job", 0), else_=1), matched.c.item_id),
        )
        .label("rank"),
        func.coalesce(week.c.had, 0).label("had"),
    ).select_from(matched.outerjoin(week, week.c.client_id == matched.c.client_id))
    ranked_sq = ranked.subquery("ranked")
    return select(ranked_sq.c.kind, ranked_sq.c.item_id, ranked_sq.c.client_id, ranked_sq.c.chat_id).where(
        ranked_sq.c.rank + ranked_sq.c.had <= per_week
    )
