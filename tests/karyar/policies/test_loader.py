"""Policy files: the shipped ones load; a broken copy is refused with file:line and the reason."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from karyar.facts import FACT_BY_NAME, FactKind
from karyar.policies import POLICY_DIR, Criterion, PolicyError, load_policies, policies
from karyar.policies.elsewhere import pointer
from karyar.policies.elsewhere_topics import topic_words
from karyar.policies.loader import ORGANISATIONS
from karyar.settings import ConfigurationError
from ops import cli

TODAY = date(2025, 6, 1)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(POLICY_DIR, tmp_path, dirs_exist_ok=True)
    return tmp_path


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old`; returns the 1-based line where the new text starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:start].count("\n") + 1


def refusal(directory: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policies(directory, today=TODAY)
    return str(caught.value)


def test_the_shipped_files_load() -> None:
    loaded = load_policies(today=TODAY)
    assert loaded.for_organisation("emdad").title == "کمیته امداد امام خمینی (ره)"
    assert loaded.for_organisation("behzisti").figures["work_capital_toman"] == 50_000_000
    assert loaded.for_organisation("none").organisation == "general"
    assert loaded.for_organisation(None).organisation == "general"
    assert loaded.for_organisation("emdad").min_age == 15


def test_the_runtime_policies_are_read_once() -> None:
    assert policies() is policies()


def test_figures_are_written_into_the_texts() -> None:
    placement = next(
        s for s in load_policies(today=TODAY).for_organisation("emdad").services if s.id == "placement"
    )
    assert any("سال اول ۱۰۰٪ و سال دوم ۵۰٪" in note and "۲۳٪" in note for note in placement.notes)


def test_a_policy_error_is_a_one_line_configuration_error(copy: Path) -> None:
    edit(copy / "emdad.yml", "min_age: 15", "min_age: fifteen")
    with pytest.raises(ConfigurationError) as caught:
        load_policies(copy, today=TODAY)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("emdad.yml", "min_age: 15", "min_age: fifteen", "min_age: Input should be a valid integer"),
        ("behzisti.yml", "work_capital_toman: 50000000", "work_capital_toman: 0",
         "figures.work_capital_toman: Input should be greater than 0"),
        ("emdad.yml", "min_age: 15", "min_age: 40", "min_age: Input should be less than or equal to 25"),
        ("emdad.yml", "age_max: 18", "age_max: 12",
         "consents.placement.required_for[2].age_max: Value error, age_max (12) is below age_min (15)"),
        ("emdad.yml", "- gender: [female]\n        household_role", "- gender: [woman]\n        household_role",
         "consents.training.required_for[0].gender[0]: Input should be 'female' or 'male'"),
        ("behzisti.yml", "- care_leaver", "- care_leavers",
         "requirements[0].must[0].target_group[2]: Input should be"),
        ("general.yml", "kind: placement", "colour: blue\n    kind: placement",
         "services[1].colour: Extra inputs are not permitted"),
        ("emdad.yml", "effective_from: 2025-03-21", "effective_from: soon",
         "effective_from: Input should be a valid date"),
    ],
    ids=["bad type", "amount not positive", "age not sane", "age range upside down", "unknown gender",
         "unknown target group", "unknown key", "bad date"],
)  # fmt: skip
def test_a_bad_value_names_the_file_line_and_reason(
    copy: Path, file: str, old: str, new: str, message: str
) -> None:
    line = edit(copy / file, old, new)  # the offending key is on the first line of `new`
    assert refusal(copy).startswith(f"{copy / file}:{line}: {message}")


def test_a_missing_field_names_the_mapping_that_lacks_it(copy: Path) -> None:
    item = edit(
        copy / "general.yml",
        "  - id: general.job_services\n    kind: placement\n",
        "  - id: general.job_services\n",
    )
    assert refusal(copy) == f"{copy / 'general.yml'}:{item}: services[1].kind: Field required"


def test_a_missing_top_level_field(copy: Path) -> None:
    first_key = edit(copy / "general.yml", "organisation: general\n", "organisation: general\n")
    edit(copy / "general.yml", "min_age: 15\n", "")
    assert refusal(copy) == f"{copy / 'general.yml'}:{first_key}: min_age: Field required"


@pytest.mark.parametrize(
    ("file", "old", "new", "marker", "message"),
    [
        ("emdad.yml", "- loan.entrepreneurship\n    applies_to", "- loan.entrepreneur\n    applies_to",
         "loan.entrepreneur\n", "requirements[0].services[4]: unknown service 'loan.entrepreneur'"),
        ("emdad.yml", "consent: placement", "consent: placment", "consent: placment",
         "services[4].consent: unknown consent 'placment' (defined: placement, training)"),
        ("emdad.yml", "default_sub_group: b", "default_sub_group: d", "default_sub_group",
         "priority[2].default_sub_group: unknown sub-group 'd'"),
        ("behzisti.yml", "amount: work_capital_toman", "amount: capital_toman", "amount: capital_toman",
         "services[6].amount: unknown figure 'capital_toman'"),
        ("behzisti.yml", "- id: loan.self_employment", "- id: placement\n", "- id: placement\n",
         "services[5].id: the service id 'placement' is used twice"),
        ("general.yml", "organisation: general", "organisation: emdad", "organisation: emdad",
         "organisation: 'emdad' does not match the file name general.yml"),
        # A folded text (>-) starts on its list item's line.
        ("behzisti.yml", "{work_capital_toman} تومان", "{work_capital} تومان", "سرمایه کار بلاعوض برای شروع",
         "services[6].notes[0]: unknown placeholder {work_capital} (known:"),
        ("general.yml", "topic: housing", "topic: housng", "topic: housng",
         "elsewhere[2].topic: unknown topic 'housng' (defined: health, housing,"),
    ],
    ids=["unknown service", "unknown consent", "unknown sub-group", "unknown figure", "duplicate id",
         "organisation mismatch", "unknown placeholder", "unknown outside topic"],
)  # fmt: skip
def test_a_bad_reference_names_the_file_line_and_reason(
    copy: Path, file: str, old: str, new: str, marker: str, message: str
) -> None:
    edit(copy / file, old, new)
    text = (copy / file).read_text(encoding="utf-8")
    line = text[: text.rindex(marker)].count("\n") + 1  # the last: where the edit put it
    if "placeholder" in message:
        line -= 1
    assert refusal(copy).startswith(f"{copy / file}:{line}: {message}")


def test_a_yaml_syntax_error_names_the_line(copy: Path) -> None:
    line = edit(copy / "behzisti.yml", "min_age: 15\n", "min_age: 15\nfigures: [1, 2\n")
    message = refusal(copy)
    assert message.startswith(f"{copy / 'behzisti.yml'}:")
    assert int(message.split(":")[1]) in (line + 1, line + 2)
    assert "YAML syntax" in message


def test_a_duplicate_key_is_refused_at_its_line(copy: Path) -> None:
    line = edit(copy / "general.yml", "min_age: 15\n", "min_age: 15\nmin_age: 16\n") + 1
    assert refusal(copy).startswith(f"{copy / 'general.yml'}:{line}: YAML syntax:")


def test_a_missing_file_is_named(copy: Path) -> None:
    (copy / "behzisti.yml").unlink()
    assert "behzisti.yml" in refusal(copy)


def _as_versions(path: Path, *versions: tuple[str, str]) -> None:
    """Rewrite a one-policy file as a list of versions, each (effective_from, replacement amount)."""
    body = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    policy = "\n".join(body).strip("\n")
    items = []
    for effective_from, amount in versions:
        version = policy.replace("2025-03-21", effective_from).replace("50000000", amount)
        lines = version.splitlines()
        items.append("\n".join(["- " + lines[0], *("  " + line if line else line for line in lines[1:])]))
    path.write_text("\n".join(items) + "\n", encoding="utf-8")


def test_the_latest_version_in_force_is_used(copy: Path) -> None:
    _as_versions(copy / "behzisti.yml", ("2025-03-21", "50000000"), ("2026-03-21", "70000000"))
    before = load_policies(copy, today=date(2026, 3, 20))
    after = load_policies(copy, today=date(2026, 3, 21))
    assert before.for_organisation("behzisti").figures["work_capital_toman"] == 50_000_000
    assert after.for_organisation("behzisti").figures["work_capital_toman"] == 70_000_000
    assert "scheduled: 2026-03-21" in before.summary()[1]
    assert "scheduled" not in after.summary()[1]


def test_an_error_in_a_later_version_names_its_line(copy: Path) -> None:
    _as_versions(copy / "behzisti.yml", ("2025-03-21", "50000000"), ("2026-03-21", "seventy"))
    lines = (copy / "behzisti.yml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "seventy" in text)
    assert refusal(copy) == (
        f"{copy / 'behzisti.yml'}:{line}: figures.work_capital_toman: Input should be a valid integer, "
        "unable to parse string as an integer"
    )


def test_two_versions_on_one_day_are_refused(copy: Path) -> None:
    _as_versions(copy / "behzisti.yml", ("2025-03-21", "50000000"), ("2025-03-21", "70000000"))
    lines = (copy / "behzisti.yml").read_text(encoding="utf-8").splitlines()
    line = [i for i, text in enumerate(lines, start=1) if "effective_from" in text][1]
    assert refusal(copy).startswith(f"{copy / 'behzisti.yml'}:{line}: effective_from: two versions start on")


def test_no_version_in_force_is_refused(copy: Path) -> None:
    with pytest.raises(
        PolicyError, match=r"emdad\.yml:\d+: effective_from: no version is in force on 2020-01-01"
    ):
        load_policies(copy, today=date(2020, 1, 1))


def test_cli_summarises_each_organisation(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["policies", "--date", "2025-06-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["emdad", "behzisti", "general"]
    assert "in force since 2025-03-21" in lines[0]


def test_cli_refuses_a_bad_file(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(copy / "emdad.yml", "min_age: 15", "min_age: fifteen")
    assert cli.main(["policies", "--directory", str(copy), "--date", "2025-06-01"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{copy / 'emdad.yml'}:{line}: min_age: Input should be a valid integer, unable to parse string as an integer"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("- gender: [female]\n        household_role", "- sex: [female]\n        household_role",
         "consents.training.required_for[0].sex: Extra inputs are not permitted"),
        ("- gender: [female]\n        household_role", "- gender: [female, girl]\n        household_role",
         "consents.training.required_for[0].gender[1]: Input should be 'female' or 'male'"),
        ("age_min: 15\n", "age_min: 5\n", "Input should be greater than or equal to 10"),
    ],
    ids=["unknown fact", "unknown value", "age below the fact's bounds"],
)  # fmt: skip
def test_a_criterion_names_only_the_client_facts_and_their_values(
    copy: Path, old: str, new: str, message: str
) -> None:
    line = edit(copy / "emdad.yml", old, new)
    assert refusal(copy).startswith(f"{copy / 'emdad.yml'}:{line}: ")
    assert message in refusal(copy)


def test_the_criteria_are_the_client_facts_with_their_values_and_bounds() -> None:
    for key in Criterion.model_fields:
        fact = FACT_BY_NAME[key.removesuffix("_min").removesuffix("_max")]
        wrap = (lambda value: value) if key.startswith("age_") else (lambda value: [value])
        if fact.kind is FactKind.CHOICE:
            accepted, refused = list(fact.values), ["no_such_value"]
        else:
            assert fact.bounds is not None, key
            accepted, refused = (
                [fact.bounds.low, fact.bounds.high],
                [fact.bounds.low - 1, fact.bounds.high + 1],
            )
        for value in accepted:
            Criterion.model_validate({key: wrap(value)})
        for value in refused:
            with pytest.raises(ValidationError):
                Criterion.model_validate({key: wrap(value)})


def test_every_organisation_says_who_answers_each_outside_topic() -> None:
    for organisation in ORGANISATIONS:
        named = {entry.topic for entry in policies().in_force[organisation].elsewhere}
        assert named == set(topic_words()), organisation


@pytest.mark.parametrize(
    ("organisation", "text", "expected"),
    [
        ("emdad", "یارانه‌ام کی واریز میشه؟", "دولت من"),
        ("emdad", "مستمریمو قطع کردن", "مددکار پرونده‌تان در اداره‌ی کمیته امداد"),
        ("behzisti", "مستمری این ماه کی میاد", "بهزیستی شهرستان"),
        ("general", "برای جهیزیه دخترم کمک میخوام", "اگر زیر پوشش کمیته امداد یا بهزیستی هستید"),
        ("emdad", "حقوق بازنشستگی پدرم", "تأمین اجتماعی"),
    ],
)
def test_a_client_asking_about_an_outside_topic_is_told_who_answers_it(
    organisation: str, text: str, expected: str
) -> None:
    told = pointer(policies().in_force[organisation], text)
    assert told is not None and expected in told


@pytest.mark.parametrize(
    "text", ["برای مغازه وام میخوام، کار در خانه هم خوبه", "۶۲ سالمه مستمری بگیر کمیته ام میتونم وام بگیرم؟"]
)
def test_a_message_about_work_gets_no_pointer_elsewhere(text: str) -> None:
    assert pointer(policies().in_force["emdad"], text) is None
