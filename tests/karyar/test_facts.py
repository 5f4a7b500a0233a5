"""The client facts are defined once (karyar/facts.py); what is built from them agrees with them."""

from __future__ import annotations

import grimp
import pytest

from karyar.db import models
from karyar.eligibility.engine import fact
from karyar.eligibility.model import Profile
from karyar.facts import ASKING_ORDER, FACT_BY_NAME, FACTS, Fact, FactKind, ProfileFactName
from karyar.vocabulary import FACT_LABELS, VALUE_LABELS


def test_every_stored_name_is_defined_once() -> None:
    assert [fact.name for fact in FACTS] == list(FACT_BY_NAME)
    assert set(FACT_BY_NAME) == set(ProfileFactName)
    longest = max(len(name) for name in ProfileFactName)
    assert longest <= models.ProfileFact.__table__.c.name.type.length


@pytest.mark.parametrize("item", FACTS, ids=lambda item: item.name)
def test_each_kind_has_its_shape(item: Fact) -> None:
    if item.kind is FactKind.CHOICE:
        assert item.values and item.bounds is None and len(set(item.values)) == len(item.values)
    elif item.kind is FactKind.NUMBER:
        assert item.bounds is not None and item.bounds.low <= item.bounds.high and not item.values
    else:
        assert not item.values and item.bounds is None and not item.button_only
    assert not set(item.button_only) & set(item.values)


def test_the_location_arrives_on_its_own_and_is_never_asked() -> None:
    assert ProfileFactName.LOCATION not in ASKING_ORDER
    assert len(ASKING_ORDER) == len(FACTS) - 1


def test_every_fact_and_every_answer_has_a_label() -> None:
    assert set(FACT_LABELS) == set(ProfileFactName)
    for item in FACTS:
        if item.kind is FactKind.CHOICE or item.name == ProfileFactName.SCHOOL_GRADE:
            assert set(VALUE_LABELS[item.name]) == item.answers, item.name
    assert set(VALUE_LABELS) <= set(FACT_BY_NAME)


@pytest.mark.parametrize("name", ASKING_ORDER)
def test_the_engine_reads_every_asked_fact_from_a_profile(name: str) -> None:
    assert fact(Profile(), name) is None


def test_the_registry_is_below_the_eligibility_engine_and_the_policies() -> None:
    graph = grimp.build_graph("karyar")
    assert not {m for m in graph.find_modules_directly_imported_by("karyar.facts") if m.startswith("karyar")}
    assert not graph.chain_exists(importer="karyar.policies", imported="karyar.eligibility", as_packages=True)
