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
    CTE,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from karyar.broadcast.audience import reachable
from karyar.catalogue.fit import ALL_GROUPS, ClientColumns, item_fits, known_gender
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
# The place, or the field, of an alert that names none whose client gave none either: every item is for
# it. Neither a province nor a field, so no real one is mistaken for it; as a value it lets the query
# join on equalities alone.
WILDCARD = "*"


def _group_column(group: str) -> str:
    return f"in_{group}"


def client_facts() -> Subquery:
    """One row per client with facts in force: her own facts as columns (declined ones as NULL), whether she
    declined to say her gender."""
    given = F.value != SKIPPED

    def value_of(name: str) -> ColumnElement[Any]:
        return func.max(case((and_(F.name == name, given), F.value), else_=null()))

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.max(case((condition, 1), else_=0))

    def said(group: str | None) -> ColumnElement[int]:
        named = and_(F.name == ProfileFactName.TARGET_GROUP, given)
        return flag(and_(named, F.value == group) if group else named)

    return (
        select(
            F.client_id,
            *[value_of(name).label(name) for name in _TEXT_FACTS],
            value_of("age").label("age_text"),
            flag(and_(F.name == ProfileFactName.GENDER, ~given)).label("gender_declined"),
            said(None).label("groups_known"),
            *[said(group).label(_group_column(group)) for group in sorted(ALL_GROUPS)],
        )
        .where(
            F.superseded_at.is_(None),
            F.member.is_(None),
            F.name.in_([*_TEXT_FACTS, "age", ProfileFactName.TARGET_GROUP]),
        )
        .group_by(F.client_id)
        .subquery("client_facts")
    )


def _columns(facts: Any) -> ClientColumns:
    """Her facts as `item_fits` reads them, from the columns of client_facts (or a relation carrying them)."""

    def said_group(group: str) -> ColumnElement[bool]:
        return func.coalesce(facts.c[_group_column(group)], 0) == 1

    gender = known_gender(facts.c.gender, func.coalesce(facts.c.gender_declined, 0) == 1, said_group)
    return ClientColumns(
        facts={
            **{name: facts.c[name] for name in _TEXT_FACTS},
            "gender": gender,
            "age": cast(facts.c.age_text, Integer),
        },
        said_group=said_group,
        groups_known=func.coalesce(facts.c.groups_known, 0) == 1,
    )


def _wants() -> CTE:
    """What each alert of a reachable client asks for, with her facts: the field (the alert's field key;
    with none, one row per field in her facts, by name, or WILDCARD when she has none) and the place (the
    alert's province, else hers, else WILDCARD). Computed once for every branch of the match."""
    facts = client_facts()
    her_field = aliased(F, name="her_field")
    return (
        select(
            Alert.client_id,
            Alert.kind,
            Alert.field_key,
            case((Alert.field_key.is_(None), func.coalesce(her_field.value, WILDCARD))).label("field"),
            Client.telegram_user_id.label("chat_id"),
            func.coalesce(Alert.province, facts.c.province, WILDCARD).label("place"),
            *[column for column in facts.c if column.name != "client_id"],
        )
        .join(Client, Client.id == Alert.client_id)
        .outerjoin(facts, facts.c.client_id == Client.id)
        .outerjoin(
            her_field,
            and_(
                Alert.field_key.is_(None),
                her_field.client_id == Alert.client_id,
                her_field.name == ProfileFactName.FIELD,
                her_field.member.is_(None),
                her_field.superseded_at.is_(None),
            ),
        )
        .where(*reachable())
        .cte("wants")
    )


def _near_pairs(item_provinces: set[str]) -> CTE:
    """(an item's province, a place it reaches): the province itself, its neighbours and WILDCARD; an item
    with no province reaches WILDCARD only."""
    neighbours = places().neighbours
    pairs = [(WILDCARD, WILDCARD)] + [
        (name, near)
        for name in sorted(item_provinces)
        for near in (name, WILDCARD, *sorted(neighbours.get(name, ())))
    ]
    return union_all(
        *[select(literal(name).label("province"), literal(near).label("place")) for name, near in pairs]
    ).cte("near")


def _reach(
    model: type[Course] | type[JobOpening], item_ids: Sequence[int], near: CTE, wants: CTE, now: datetime
) -> CTE:
    """Each new item open now (all its columns) with each place whose alerts it is for (an online item is
    for every place an alert wants, the others for the places near them) and WILDCARD as its `any_field`."""
    open_now = (
        model.starts_at >= now
        if model is Course
        else or_(JobOpening.closes_at.is_(None), JobOpening.closes_at >= now)
    )
    new = and_(model.id.in_(list(item_ids)), model.active.is_(True), open_now)
    wanted = select(wants.c.place).distinct().subquery("wanted")
    return union_all(
        select(model, near.c.place, literal(WILDCARD).label("any_field"))
        .join(near, near.c.province == func.coalesce(model.province, WILDCARD))
        .where(new, model.mode != CatalogueMode.ONLINE),
        select(model, wanted.c.place, literal(WILDCARD).label("any_field"))
        .join(wanted, true())
        .where(new, model.mode == CatalogueMode.ONLINE),
    ).cte(f"reach_{model.__tablename__}")


def _matches_of(
    kind: str, item_ids: Sequence[int], near: CTE, wants: CTE, now: datetime
) -> list[Select[Any]]:
    """(kind, item id, client id, chat id) for every alert of a reachable client an item of `kind` meets.

    Three branches by where the field comes from: the alert's field; a field in her facts; no field
    anywhere (WILDCARD: none in her facts either). Each joins alerts with items on equalities PostgreSQL can hash
    (the place, and the field), never on an OR it could only test pair by pair: a cross join of alerts and
    items narrowed afterwards would grow with their product.
    """
    reach = _reach(MODELS[kind], item_ids, near, wants, now)
    item = aliased(MODELS[kind], reach)  # the item's columns, read from its rows in `reach`
    matched = (
        select(literal(kind).label("kind"), item.id.label("item_id"), wants.c.client_id, wants.c.chat_id)
        .select_from(wants)
        .where(wants.c.kind.in_([kind, AlertKind.ANY]), *item_fits(item, _columns(wants)))
    )

    def joined(same_field: ColumnElement[bool]) -> Select[Any]:
        return matched.join(reach, and_(reach.c.place == wants.c.place, same_field))

    return [
        joined(item.field_key == wants.c.field_key),
        joined(item.field == wants.c.field),
        joined(reach.c.any_field == wants.c.field),
    ]


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
    wants, near = _wants(), _near_pairs(item_provinces)
    parts = [part for kind, ids in items.items() if ids for part in _matches_of(kind, ids, near, wants, now)]
    # Two alerts of one client may match the same item: the copies share a dense rank, and are made one
    # only among the few matches the cap keeps rather than among all of them.
    matched = union_all(*parts).subquery("matched")
    week = alerts_this_week(now)
    ranked = select(
        matched,
        func.dense_rank()
        .over(
            partition_by=matched.c.client_id,
            order_by=(case((matched.c.kind == "job", 0), else_=1), matched.c.item_id),
        )
        .label("rank"),
        func.coalesce(week.c.had, 0).label("had"),
    ).select_from(matched.outerjoin(week, week.c.client_id == matched.c.client_id))
    ranked_sq = ranked.subquery("ranked")
    return (
        select(ranked_sq.c.kind, ranked_sq.c.item_id, ranked_sq.c.client_id, ranked_sq.c.chat_id)
        .where(ranked_sq.c.rank + ranked_sq.c.had <= per_week)
        .distinct()
    )
