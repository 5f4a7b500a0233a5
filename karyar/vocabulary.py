"""Labels of the client facts of karyar.facts and their canonical values (shown to clients and counsellors),
from the Babel catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TypeVar

from karyar.facts import (
    FACT_BY_NAME,
    NO_TARGET_GROUP,
    SCHOOL_GRADES,
    SKIPPED,
    UNIVERSITY,
    ProfileFactName,
)
from karyar.identity.identifiers import IdentifierKind
from karyar.texts import N_, _

_Label = TypeVar("_Label")


class _LabelTable(Mapping[str, _Label]):
    """A table of labels built from the catalogue when it is first read, not at import."""

    def __init__(self, build: Callable[[], dict[str, _Label]]) -> None:
        self._build = build

    @cached_property
    def _labels(self) -> dict[str, _Label]:
        return self._build()

    def __getitem__(self, key: str) -> _Label:
        return self._labels[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


# The label key of each fact in karyar.facts, marked for the catalogue.
_FACT_LABEL_IDS = frozenset(
    {
        N_("Fact: age"),
        N_("Fact: gender"),
        N_("Fact: province"),
        N_("Fact: city"),
        N_("Fact: education"),
        N_("Fact: organisation"),
        N_("Fact: target_group"),
        N_("Fact: field"),
        N_("Fact: employment_status"),
        N_("Fact: household_role"),
        N_("Fact: emdad_support"),
        N_("Fact: school_grade"),
        N_("Fact: work_ability"),
        N_("Fact: work_experience"),
        N_("Fact: location"),
    }
)
# A fact without a label fails here, at import.
_UNLABELLED = sorted(name for name in ProfileFactName if FACT_BY_NAME[name].label_key not in _FACT_LABEL_IDS)
if _UNLABELLED:
    raise LookupError(f"facts without a label in the catalogue: {_UNLABELLED}")

# Every fact's label, by its name.
FACT_LABELS: Mapping[str, str] = _LabelTable(
    lambda: {name: _(FACT_BY_NAME[name].label_key) for name in ProfileFactName}
)

IDENTIFIER_LABELS: Mapping[str, str] = _LabelTable(
    lambda: {
        IdentifierKind.NATIONAL_ID: _("Identifier: national_id"),
        IdentifierKind.PHONE: _("Identifier: phone"),
    }
)


def _value_labels() -> dict[str, Mapping[str, str]]:
    return {
        ProfileFactName.GENDER: {"female": _("Value: gender female"), "male": _("Value: gender male")},
        ProfileFactName.ORGANISATION: {
            "emdad": _("Value: organisation emdad"),
            "behzisti": _("Value: organisation behzisti"),
            "none": _("Value: organisation none"),
        },
        ProfileFactName.EDUCATION: {
            "none": _("Value: education none"),
            "primary": _("Value: education primary"),
            "middle": _("Value: education middle"),
            "diploma": _("Value: education diploma"),
            "associate": _("Value: education associate"),
            "bachelor": _("Value: education bachelor"),
            "master": _("Value: education master"),
            "doctorate": _("Value: education doctorate"),
        },
        ProfileFactName.TARGET_GROUP: {
            "female_head_of_household": _("Value: target_group female_head_of_household"),
            "self_supporting_girl": _("Value: target_group self_supporting_girl"),
            "person_with_disability": _("Value: target_group person_with_disability"),
            "recovered_addict": _("Value: target_group recovered_addict"),
            "care_leaver": _("Value: target_group care_leaver"),
            "orphan": _("Value: target_group orphan"),
            "deprived_area_resident": _("Value: target_group deprived_area_resident"),
            "referred_by_official": _("Value: target_group referred_by_official"),
            NO_TARGET_GROUP: _("Value: target_group none"),
        },
        ProfileFactName.HOUSEHOLD_ROLE: {
            "head": _("Value: household_role head"),
            "spouse": _("Value: household_role spouse"),
            "child": _("Value: household_role child"),
            "other": _("Value: household_role other"),
        },
        ProfileFactName.EMDAD_SUPPORT: {
            "living_allowance": _("Value: emdad_support living_allowance"),
            "single_multi_service": _("Value: emdad_support single_multi_service"),
        },
        ProfileFactName.SCHOOL_GRADE: {
            **{
                str(grade): _("Value: school_grade {grade}").format(grade=grade)
                for grade in range(SCHOOL_GRADES.low, SCHOOL_GRADES.high + 1)
            },
            UNIVERSITY: _("Value: school_grade university"),
        },
        ProfileFactName.WORK_ABILITY: {
            "full": _("Value: work_ability full"),
            "limited": _("Value: work_ability limited"),
        },
        ProfileFactName.WORK_EXPERIENCE: {
            "none": _("Value: work_experience none"),
            "some": _("Value: work_experience some"),
            "experienced": _("Value: work_experience experienced"),
        },
        ProfileFactName.EMPLOYMENT_STATUS: {
            "unemployed": _("Value: employment_status unemployed"),
            "employed": _("Value: employment_status employed"),
            "self_employed": _("Value: employment_status self_employed"),
            "student": _("Value: employment_status student"),
        },
    }


VALUE_LABELS: Mapping[str, Mapping[str, str]] = _LabelTable(_value_labels)


def value_label(name: str, value: str) -> str:
    """The Persian way to show a canonical value; free-text values (cities, fields) show as they are."""
    if value == SKIPPED:
        # A question the client chose not to answer.
        return _("Value: skipped")
    return VALUE_LABELS.get(name, {}).get(value, value)
