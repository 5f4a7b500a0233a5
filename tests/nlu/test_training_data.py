"""Contract checks on the Rasa domain and training data, without Rasa (YAML is read with ruamel.yaml).

These guard the names other code relies on (intents, entities, slots, actions, responses), the
canonical entity values, the lookup tables' shape, and the rules for the text people see.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from karyar.facts import ASKING_ORDER, FACT_BY_NAME, FACTS, FactKind
from persian.text import normalize, search_key

ROOT = Path(__file__).resolve().parents[2]

INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "help",
    "out_of_scope",
    "stop",
    "ask_eligibility",
    "ask_training",
    "ask_jobs",
    "ask_loan",
    "ask_insurance",
    "request_counsellor",
    "inform",
    "ask_documents",
    "ask_status",
    "ask_contact",
    "subscribe_news",
    "unsubscribe_news",
    "complain",
    "ask_my_data",
    "delete_my_data",
    "ask_why",
    "skip",
    "next_page",
    "show_details",
    "express_interest",
    "i_am_employer",
}
# the entities of the first profile questions: each has a text slot filled from it (the domain's contract)
PROFILE_ENTITIES = {
    "age",
    "gender",
    "province",
    "city",
    "organisation",
    "education",
    "target_group",
    "employment_status",
    "field",
}
# the eligibility facts; their slots belong to the eligibility questions
ELIGIBILITY_ENTITIES = {"household_role", "emdad_support", "school_grade", "work_ability", "work_experience"}
# set only by buttons (/show_details{"item":"course:12"}): no training examples, no lookup table
BUTTON_ENTITIES = {"item", "handoff_reason"}
# Who a message's facts are about («برای پسرم کار میخوام»): an entity of the message, not a client fact, so no
# slot and no intake question; the dialogue reads it to know whose facts it was given. Closed set of codes.
MESSAGE_ENTITIES = {"subject"}
MESSAGE_CODE_VALUES = {"subject": {"self", "spouse", "son", "daughter", "mother", "father", "other"}}
ENTITIES = PROFILE_ENTITIES | ELIGIBILITY_ENTITIES | BUTTON_ENTITIES | MESSAGE_ENTITIES
NLU_ENTITIES = ENTITIES - BUTTON_ENTITIES
SCHOOL_GRADES = FACT_BY_NAME["school_grade"].answers - set(FACT_BY_NAME["school_grade"].button_only)
CODE_VALUES = {
    **{fact.name.value: set(fact.values) for fact in FACTS if fact.kind is FactKind.CHOICE},
    **MESSAGE_CODE_VALUES,
}
# Answers only a button gives: «هیچ‌کدام» of the target groups, and a student past school.
BUTTON_ONLY_VALUES = {fact.name.value: set(fact.button_only) for fact in FACTS if fact.button_only}
# Asked facts without a lookup table, and why.
NO_LOOKUP = {"age": "a number: the NLU reads digits and number words (nlu/components.py)"}
PROVINCES = {
    "آذربایجان شرقی",
    "آذربایجان غربی",
    "اردبیل",
    "اصفهان",
    "البرز",
    "ایلام",
    "بوشهر",
    "تهران",
    "چهارمحال و بختیاری",
    "خراسان جنوبی",
    "خراسان رضوی",
    "خراسان شمالی",
    "خوزستان",
    "زنجان",
    "سمنان",
    "سیستان و بلوچستان",
    "فارس",
    "قزوین",
    "قم",
    "کردستان",
    "کرمان",
    "کرمانشاه",
    "کهگیلویه و بویراحمد",
    "گلستان",
    "گیلان",
    "لرستان",
    "مازندران",
    "مرکزی",
    "هرمزگان",
    "همدان",
    "یزد",
}
FIELDS = {
    "خیاطی",
    "قالی‌بافی",
    "آرایشگری",
    "آشپزی",
    "شیرینی‌پزی",
    "کامپیوتر",
    "حسابداری",
    "برق‌کاری",
    "لوله‌کشی",
    "جوشکاری",
    "مکانیک خودرو",
    "کشاورزی",
    "دامپروری",
    "زنبورداری",
    "پرورش قارچ",
    "گیاهان دارویی",
    "صنایع دستی",
    "کمک‌پرستاری",
    "رانندگی",
    "فروشندگی",
    "نجاری",
    "بنایی",
    "نقاشی ساختمان",
    "عکاسی",
}
MENU_PAYLOADS = ["/ask_training", "/ask_jobs", "/ask_loan", "/ask_eligibility", "/request_counsellor"]
REQUIRED_RESPONSES = {
    "utter_greet",
    "utter_goodbye",
    "utter_you_are_welcome",
    "utter_iamabot",
    "utter_help",
    "utter_default",
    "utter_out_of_scope",
    "utter_stop_ok",
    "utter_profile_recorded",
    "utter_profile_needs_consent",
    "utter_profile_nothing_understood",
    "utter_ask_documents",
    "utter_ask_status",
    "utter_handoff_unavailable",
    "utter_subscribe_news",
    "utter_unsubscribe_news",
    "utter_ask_my_data",
    "utter_delete_my_data",
    "utter_ask_why",
}
# the answer each intent must get from a rule (first action after the intent)
RULE_ANSWERS = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "help": "utter_help",
    "i_am_employer": "utter_employer_start",
    "out_of_scope": "action_fallback",
    "stop": "utter_stop_ok",
    "nlu_fallback": "action_fallback",
    "inform": "action_record_profile_facts",
    "ask_eligibility": "action_start_intake",
    "ask_training": "action_start_intake",
    "ask_jobs": "action_start_intake",
    "ask_loan": "action_explain_loans",
    "ask_insurance": "action_insurance",
    "ask_documents": "action_documents",
    "ask_status": "utter_ask_status",
    "ask_contact": "action_contact",
    "request_counsellor": "action_request_counsellor",
    "subscribe_news": "action_subscribe_news",
    "unsubscribe_news": "action_unsubscribe_news",
    "complain": "action_take_complaint",
    "ask_my_data": "utter_ask_my_data",
    "delete_my_data": "utter_delete_my_data",
    "ask_why": "utter_ask_why",
    "skip": "utter_anything_else",
    "next_page": "action_next_page",
    "show_details": "action_show_details",
    "express_interest": "action_express_interest",
}


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@cache
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "intents": [],
        "entities": [],
        "slots": {},
        "responses": {},
        "forms": {},
        "actions": [],
    }
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = _load(path) or {}
        for key in ("intents", "entities", "actions"):
            merged[key] += part.get(key, [])
        for key in ("slots", "responses", "forms"):
            duplicated = set(merged[key]) & set(part.get(key, {}))
            assert not duplicated, f"{path.name} defines {key} twice: {duplicated}"
            merged[key].update(part.get(key, {}))
        if "session_config" in part:
            merged["session_config"] = part["session_config"]
    return merged


def _items(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


@cache
def nlu_data() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for item in (_load(path) or {}).get("nlu", []):
            for kind in ("intent", "lookup", "synonym", "regex"):
                if kind in item:
                    data[kind].append({"name": item[kind], "examples": _items(item["examples"])})
    return data


_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")


def parse_example(example: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities (entity, value, start, end) of an annotated Rasa example."""
    entities = []
    plain = ""
    last = 0
    for match in _ANNOTATION.finditer(example):
        plain += example[last : match.start()]
        start = len(plain)
        plain += match["text"]
        if match["json"]:
            spec = json.loads(match["json"])
            entity, value = spec["entity"], spec.get("value", match["text"])
        else:
            entity, value = match["entity"], match["text"]
        entities.append({"entity": entity, "value": value, "start": start, "end": len(plain)})
        last = match.end()
    plain += example[last:]
    return plain, entities


def is_checked_coded_value(name: str, value: str, example: str) -> bool:
    """Assert the entity is known and, for ages and coded entities, that the value is canonical.

    Returns False for free-text entities (province, city, field), which each caller checks its own way.
    """
    assert name in NLU_ENTITIES, example
    if name == "age":
        assert value.isascii() and value.isdigit(), example
        return True
    if name == "school_grade":
        assert value in SCHOOL_GRADES, example
        return True
    if name in CODE_VALUES:
        assert value in CODE_VALUES[name], example
        return True
    return False


def intent_examples() -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for item in nlu_data()["intent"]:
        result[item["name"]] += item["examples"]
    return result


def synonyms() -> dict[str, str]:
    """surface form -> canonical value"""
    return {form: item["name"] for item in nlu_data()["synonym"] for form in item["examples"]}


def lookups() -> dict[str, list[str]]:
    return {item["name"]: item["examples"] for item in nlu_data()["lookup"]}


# --- domain -----------------------------------------------------------------------------------------------


def test_domain_intents_are_exactly_the_contract() -> None:
    assert set(domain()["intents"]) == INTENTS
    assert len(domain()["intents"]) == len(INTENTS), "an intent is listed twice"


def test_domain_entities_are_exactly_the_contract() -> None:
    assert set(domain()["entities"]) == ENTITIES


def test_one_text_slot_per_entity_filled_from_that_entity() -> None:
    slots = domain()["slots"]
    for entity in PROFILE_ENTITIES:
        slot = slots[entity]
        assert slot["type"] == "text"
        assert slot["influence_conversation"] is False
        assert slot["mappings"] == [{"type": "from_entity", "entity": entity}]


def test_the_message_entities_fill_no_slot() -> None:
    slots = domain()["slots"]
    assert not MESSAGE_ENTITIES & set(slots)
    for slot in slots.values():
        for mapping in slot.get("mappings", []):
            assert mapping.get("entity") not in MESSAGE_ENTITIES


def test_consent_slot_is_a_custom_boolean() -> None:
    slot = domain()["slots"]["consent_given"]
    assert slot["type"] == "bool"
    assert slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "custom"}]


def test_custom_actions_are_listed() -> None:
    assert {"action_session_start", "action_record_profile_facts"} <= set(domain()["actions"])


def test_session_config() -> None:
    assert domain()["session_config"] == {
        "session_expiration_time": 60,
        "carry_over_slots_to_new_session": True,
    }


def test_required_responses_exist() -> None:
    assert set(domain()["responses"]) >= REQUIRED_RESPONSES


def _all_response_variants() -> list[tuple[str, dict[str, Any]]]:
    return [(name, variant) for name, variants in domain()["responses"].items() for variant in variants]


def test_responses_are_persian_without_latin_letters() -> None:
    for name, variant in _all_response_variants():
        # template variables such as {facts}; a response that is only a custom payload has no text
        text = re.sub(r"\{[a-z_]+\}", "", variant.get("text", ""))
        assert not re.search(r"[A-Za-z]", text), f"{name} has Latin letters: {text!r}"
        # A response that is only a variable (its text written by an action) still has Persian buttons.
        assert re.search(r"[\u0600-\u06FF]", text) or not text.strip(), f"{name} is not Persian"
        for button in variant.get("buttons", []):
            assert not re.search(r"[A-Za-z]", button["title"]), f"{name}: {button['title']!r}"


def test_responses_use_persian_letters_and_digits_only() -> None:
    for name, variant in _all_response_variants():
        texts = [variant.get("text", "")] + [b["title"] for b in variant.get("buttons", [])]
        for text in texts:
            assert not re.search(r"[يكة٠-٩]", text), f"{name} uses Arabic letters or digits"
            assert not re.search(r"[0-9]", text), f"{name} uses ASCII digits; use Persian digits"


def test_button_payloads_are_short_known_intents() -> None:
    for name, variant in _all_response_variants():
        for button in variant.get("buttons", []):
            # Rasa fills response templates, so a literal brace is written doubled («{{»)
            payload = button["payload"].replace("{{", "{").replace("}}", "}")
            assert len(payload.encode("utf-8")) <= 60, f"{name}: payload too long"
            # "/intent" or "/intent{...}" with entities and canonical values («/inform{"gender": "female"}»)
            intent, brace, entities = payload.partition("{")
            assert intent.startswith("/") and intent[1:] in INTENTS, f"{name}: {payload}"
            if brace:
                for entity, value in json.loads(brace + entities).items():
                    assert entity in ENTITIES, f"{name}: {payload}"
                    if str(value) in BUTTON_ONLY_VALUES.get(entity, set()):
                        continue
                    if entity == "handoff_reason":
                        assert value in {"judgement", "interest", "not_understood"}, f"{name}: {payload}"
                    elif entity != "item":
                        is_checked_coded_value(entity, str(value), payload)


@pytest.mark.parametrize("response", ["utter_greet", "utter_help", "utter_default"])
def test_menu_buttons(response: str) -> None:
    payloads = [b["payload"] for b in domain()["responses"][response][0]["buttons"]]
    assert payloads == MENU_PAYLOADS


def test_profile_recorded_uses_the_facts_variable() -> None:
    assert "{facts}" in domain()["responses"]["utter_profile_recorded"][0]["text"]


@pytest.mark.parametrize(
    ("response", "phrase"),
    [
        ("utter_why_age", "۱۵ سال تمام"),
        ("utter_why_school_grade", "سه سال آخر دبیرستان"),
    ],
)
def test_seed_facts_and_no_promises(response: str, phrase: str) -> None:
    assert phrase in domain()["responses"][response][0]["text"]


# --- rules --------------------------------------------------------------------------------------------------


def _rules() -> list[dict[str, Any]]:
    rules = []
    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        rules += (_load(path) or {}).get("rules", [])
    return rules


@pytest.mark.parametrize(("intent", "answer"), sorted(RULE_ANSWERS.items()))
def test_each_intent_has_its_rule(intent: str, answer: str) -> None:
    for rule in _rules():
        steps = rule["steps"]
        if steps[0].get("intent") == intent and steps[1].get("action") == answer:
            return
    pytest.fail(f"no rule answers {intent} with {answer}")


# --- training examples ------------------------------------------------------------------------------------


def test_every_intent_has_enough_varied_examples() -> None:
    examples = intent_examples()
    assert set(examples) == INTENTS
    for intent in INTENTS:
        assert len(examples[intent]) >= 45, f"{intent} has {len(examples[intent])} examples"
        # spelling variants («بله» / «بلههه», «ی» / «ي») are welcome; the same text twice is not
        keys = [parse_example(example)[0].strip() for example in examples[intent]]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        assert not duplicated, f"{intent} repeats {duplicated}"
    for intent in ("out_of_scope", "ask_eligibility", "ask_training", "ask_jobs", "ask_loan"):
        assert len(examples[intent]) >= 60, f"{intent} has {len(examples[intent])} examples"
    assert len(examples["inform"]) >= 300


@pytest.mark.parametrize("name", sorted(CODE_VALUES))
def test_every_code_value_is_annotated_with_several_surface_forms(name: str) -> None:
    forms: dict[str, set[str]] = defaultdict(set)
    for examples in intent_examples().values():
        for example in examples:
            plain, entities = parse_example(example)
            for entity in entities:
                if entity["entity"] == name:
                    forms[entity["value"]].add(search_key(plain[entity["start"] : entity["end"]]))
    for value in CODE_VALUES[name]:
        assert len(forms[value]) >= 3, f"{name}={value} is annotated with {sorted(forms[value])} only"


def test_school_grades_of_secondary_school_are_annotated_with_several_surface_forms() -> None:
    """Grades 7-12 (the trainees' ages); lower grades are reachable through the lookup table."""
    forms: dict[str, set[str]] = defaultdict(set)
    for examples in intent_examples().values():
        for example in examples:
            plain, entities = parse_example(example)
            for entity in entities:
                if entity["entity"] == "school_grade":
                    forms[entity["value"]].add(search_key(plain[entity["start"] : entity["end"]]))
    for grade in range(7, 13):
        assert len(forms[str(grade)]) >= 2, f"school_grade={grade}: {sorted(forms[str(grade)])}"


def test_every_contract_field_is_annotated_with_several_surface_forms() -> None:
    forms: dict[str, set[str]] = defaultdict(set)
    for examples in intent_examples().values():
        for example in examples:
            plain, entities = parse_example(example)
            for entity in entities:
                if entity["entity"] == "field":
                    forms[entity["value"]].add(search_key(plain[entity["start"] : entity["end"]]))
    for field in FIELDS:
        assert len(forms[field]) >= 2, f"{field} is annotated with {sorted(forms[field])} only"


def test_ages_are_written_in_every_script_and_in_words() -> None:
    surfaces = [
        parse_example(example)[0][entity["start"] : entity["end"]]
        for examples in intent_examples().values()
        for example in examples
        for entity in parse_example(example)[1]
        if entity["entity"] == "age"
    ]
    for pattern in (r"^[0-9]+$", r"^[۰-۹]+$", r"^[٠-٩]+$", r"^[^\d]+$"):
        assert sum(1 for s in surfaces if re.match(pattern, s)) >= 5, pattern


def test_no_example_belongs_to_two_intents_even_after_normalising() -> None:
    owner: dict[str, str] = {}
    for intent, examples in intent_examples().items():
        for example in examples:
            key = search_key(parse_example(example)[0])
            assert owner.setdefault(key, intent) == intent, f"{example!r}: {owner[key]} and {intent}"


def test_examples_use_all_three_digit_scripts_and_arabic_letters() -> None:
    text = "\n".join(e for examples in intent_examples().values() for e in examples)
    for pattern in (r"[0-9]", r"[۰-۹]", r"[٠-٩]", r"[يك]", r"[a-z]"):
        assert re.search(pattern, text), pattern


def test_annotated_values_are_canonical() -> None:
    seen = set()
    for examples in intent_examples().values():
        for example in examples:
            _, entities = parse_example(example)
            for entity in entities:
                name, value = entity["entity"], entity["value"]
                seen.add(name)
                if not is_checked_coded_value(name, value, example):
                    assert normalize(value) == value, f"{example}: value not normalised"
    assert seen == NLU_ENTITIES, "every entity needs annotated examples (RegexEntityExtractor needs them)"


# --- lookups and synonyms ---------------------------------------------------------------------------------


def test_lookup_tables_exist_for_the_rule_based_entities() -> None:
    assert set(lookups()) == NLU_ENTITIES - {"age"}


@pytest.mark.parametrize("name", sorted(NLU_ENTITIES - {"age"}))
def test_lookup_is_longest_first_normalised_and_unique(name: str) -> None:
    elements = lookups()[name]
    assert len(elements) == len(set(elements)), "duplicate lookup elements"
    lengths = [len(e) for e in elements]
    assert lengths == sorted(lengths, reverse=True), "lookup must list longer forms first"
    for element in elements:
        assert normalize(element) == element, f"{element!r} is not normalised"


def test_no_form_is_in_two_lookups() -> None:
    owner: dict[str, str] = {}
    for name, elements in lookups().items():
        for element in elements:
            assert owner.setdefault(element, name) == name, f"{element!r} in {owner[element]} and {name}"


@pytest.mark.parametrize("name", sorted(CODE_VALUES))
def test_every_lookup_form_of_a_coded_entity_has_a_canonical_synonym(name: str) -> None:
    mapping = synonyms()
    for element in lookups()[name]:
        assert mapping.get(element, element) in CODE_VALUES[name], f"{element!r} has no {name} code"


@pytest.mark.parametrize("name", sorted(CODE_VALUES))
def test_every_code_value_is_reachable_from_the_lookup(name: str) -> None:
    mapping = synonyms()
    assert {mapping.get(element, element) for element in lookups()[name]} == CODE_VALUES[name]


def test_school_grade_lookup_reaches_every_grade_in_ascii_digits() -> None:
    mapping = synonyms()
    assert {mapping.get(element, element) for element in lookups()["school_grade"]} == SCHOOL_GRADES


def test_all_provinces_are_covered() -> None:
    mapping = synonyms()
    canonical = {mapping.get(e, e) for e in lookups()["province"]}
    assert canonical == PROVINCES


def test_contract_fields_are_covered() -> None:
    mapping = synonyms()
    canonical = {mapping.get(e, e) for e in lookups()["field"]}
    assert canonical >= FIELDS


def test_synonyms_point_to_one_canonical_value() -> None:
    forms: dict[str, str] = {}
    for item in nlu_data()["synonym"]:
        for form in item["examples"]:
            assert forms.setdefault(form, item["name"]) == item["name"], form


def test_regexes_compile() -> None:
    for item in nlu_data()["regex"]:
        assert item["name"] not in ENTITIES, "regex features must not compete with the entity extractors"
        for pattern in item["examples"]:
            re.compile(pattern)


# --- the client facts (karyar/facts.py) ---------------------------------------------------------------------


def test_the_intake_form_asks_the_client_facts_in_asking_order() -> None:
    assert domain()["forms"]["intake_form"]["required_slots"] == list(ASKING_ORDER)
    asked = NLU_ENTITIES - MESSAGE_ENTITIES
    assert set(ASKING_ORDER) == asked, (
        "every entity the NLU extracts but the message's own is a fact the intake asks"
    )


@pytest.mark.parametrize("name", ASKING_ORDER)
def test_every_asked_fact_has_its_entity_slot_question_and_reason(name: str) -> None:
    assert name in NLU_ENTITIES
    slot = domain()["slots"][name]
    assert slot["type"] == "text" and slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "from_entity", "entity": name}]
    assert f"utter_ask_{name}" in domain()["responses"]
    assert f"utter_why_{name}" in domain()["responses"]


@pytest.mark.parametrize("name", ASKING_ORDER)
def test_the_question_buttons_give_the_facts_answers(name: str) -> None:
    """Button answers are stored forms; an answer only a button gives must have its button."""
    fact = FACT_BY_NAME[name]
    given = set()
    for variant in domain()["responses"][f"utter_ask_{name}"]:
        for button in variant.get("buttons", []):
            payload = button["payload"].replace("{{", "{").replace("}}", "}")
            _, brace, entities = payload.partition("{")
            if brace:
                given |= {
                    str(value) for entity, value in json.loads(brace + entities).items() if entity == name
                }
    if fact.kind is not FactKind.TEXT:
        assert given <= fact.answers
    assert set(fact.button_only) <= given


@pytest.mark.parametrize("name", ASKING_ORDER)
def test_every_asked_fact_has_a_lookup_reaching_its_values_or_a_reason_not_to(name: str) -> None:
    fact = FACT_BY_NAME[name]
    if name in NO_LOOKUP:
        assert name not in lookups()
        return
    mapping = synonyms()
    reached = {mapping.get(element, element) for element in lookups()[name]}
    if fact.kind is not FactKind.TEXT:
        # Every stored form but those only a button gives (the NLU has no words for them).
        assert reached == fact.answers - set(fact.button_only)
