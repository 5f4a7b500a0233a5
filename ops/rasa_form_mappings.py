"""A form's unique entity mappings are worked out once per form and domain, not on every slot check.

Before filling a slot from an entity, Rasa 3.6 checks whether the mapping belongs to that slot alone. It
makes a new `FormAction` for the check, so the set of unique mappings, which depends only on the form and
the domain, is rebuilt from the whole domain for each slot of each message while a form runs. Here the set
is kept per form and domain object (a new model brings a new domain). Installed in the Rasa process by the
REST channel it loads (ops/rasa_rest_channel.py).
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.forms import FormAction

_rasa_create = FormAction._create_unique_entity_mappings
# By form and domain object; the domain is held too, so its id cannot pass to another domain.
_kept: dict[tuple[str, int], tuple[Any, set[str]]] = {}


def _unique_entity_mappings(self: FormAction, domain: Any) -> set[str]:
    key = (self.name(), id(domain))
    if key not in _kept:
        _kept[key] = (domain, _rasa_create(self, domain))
    return _kept[key][1]


def install() -> None:
    FormAction._create_unique_entity_mappings = _unique_entity_mappings
