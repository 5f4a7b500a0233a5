"""How a client's alerts read to her: «دوره خیاطی در مشهد», and the list she can change."""

from __future__ import annotations

from karyar.alerts.store import Added, AlertRequest, AlertView
from karyar.db.alert_models import AlertKind
from karyar.texts import _

_KINDS = {
    AlertKind.COURSE: "Alert: kind course",
    AlertKind.JOB: "Alert: kind job",
    AlertKind.ANY: "Alert: kind any",
}


def describe(alert: AlertView | AlertRequest) -> str:
    parts = [_(_KINDS[alert.kind])]
    if alert.field:
        parts.append(_("Alert: of field").format(field=alert.field))
    place = alert.city or alert.province
    parts.append(_("Alert: in place").format(place=place) if place else _("Alert: near you"))
    return " ".join(parts)


def added_text(outcome: Added, request: AlertRequest, *, per_week: int, most: int) -> str:
    if outcome is Added.ADDED:
        return _("Alert: added").format(what=describe(request), count=per_week)
    if outcome is Added.ALREADY:
        return _("Alert: already").format(what=describe(request))
    if outcome is Added.TOO_MANY:
        return _("Alert: too many").format(count=most)
    return _("Alert: not subscribed")


def list_text(alerts: list[AlertView]) -> str:
    if not alerts:
        return _("Alert: list empty")
    lines = [_("Alert: list heading"), *[f"• {describe(alert)}" for alert in alerts], _("Alert: list hint")]
    return "\n".join(lines)
