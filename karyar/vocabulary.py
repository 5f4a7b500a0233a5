"""Persian labels of the client facts of karyar.facts and their canonical values (shown to clients and
counsellors)."""

from __future__ import annotations

from karyar.facts import (
    FACT_BY_NAME,
    NO_TARGET_GROUP,
    SCHOOL_GRADES,
    SKIPPED,
    UNIVERSITY,
    ProfileFactName,
)
from karyar.privacy.identifiers import IdentifierKind

# By the label key of each fact in karyar.facts.
_FACT_LABEL_TEXTS: dict[str, str] = {
    "Fact: age": "سن",
    "Fact: gender": "جنسیت",
    "Fact: province": "استان",
    "Fact: city": "شهر",
    "Fact: education": "تحصیلات",
    "Fact: organisation": "نهاد حمایتی",
    "Fact: target_group": "گروه",
    "Fact: field": "رشته یا مهارت",
    "Fact: employment_status": "وضعیت شغلی",
    "Fact: household_role": "جایگاه در خانواده",
    "Fact: emdad_support": "نوع حمایت کمیته امداد",
    "Fact: school_grade": "پایه تحصیلی",
    "Fact: work_ability": "توان کار",
    "Fact: work_experience": "تجربه کار",
    "Fact: location": "موقعیت",
}

# Every fact's label, by its name; a fact without a label fails here, at import.
FACT_LABELS: dict[str, str] = {
    name: _FACT_LABEL_TEXTS[FACT_BY_NAME[name].label_key] for name in ProfileFactName
}

IDENTIFIER_LABELS: dict[str, str] = {
    IdentifierKind.NATIONAL_ID: "کد ملی",
    IdentifierKind.PHONE: "شماره تلفن",
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    ProfileFactName.GENDER: {"female": "زن", "male": "مرد"},
    ProfileFactName.ORGANISATION: {"emdad": "کمیته امداد", "behzisti": "بهزیستی", "none": "هیچ‌کدام"},
    ProfileFactName.EDUCATION: {
        "none": "بی‌سواد",
        "primary": "ابتدایی",
        "middle": "سیکل (راهنمایی)",
        "diploma": "دیپلم",
        "associate": "کاردانی",
        "bachelor": "کارشناسی",
        "master": "کارشناسی ارشد",
        "doctorate": "دکتری",
    },
    ProfileFactName.TARGET_GROUP: {
        "female_head_of_household": "بانوی سرپرست خانوار",
        "self_supporting_girl": "دختر خودسرپرست",
        "person_with_disability": "فرد دارای معلولیت",
        "recovered_addict": "بهبودیافته از اعتیاد",
        "care_leaver": "فرزند مستقل‌شده",
        "orphan": "یتیم",
        "deprived_area_resident": "ساکن منطقه محروم یا مرزی",
        "referred_by_official": "معرفی‌شده از سوی مسئولان",
        NO_TARGET_GROUP: "هیچ‌کدام",
    },
    ProfileFactName.HOUSEHOLD_ROLE: {
        "head": "سرپرست خانوار",
        "spouse": "همسر سرپرست",
        "child": "فرزند خانواده",
        "other": "دیگر",
    },
    ProfileFactName.EMDAD_SUPPORT: {
        "living_allowance": "مستمری‌بگیر (کمک‌معیشت)",
        "single_multi_service": "تک‌خدمتی یا چندخدمتی",
    },
    ProfileFactName.SCHOOL_GRADE: {
        **{str(grade): f"کلاس {grade}" for grade in range(SCHOOL_GRADES.low, SCHOOL_GRADES.high + 1)},
        UNIVERSITY: "دانشگاه",
    },
    ProfileFactName.WORK_ABILITY: {"full": "توان کامل", "limited": "بیماری یا محدودیت"},
    ProfileFactName.WORK_EXPERIENCE: {"none": "بدون تجربه", "some": "کمی تجربه", "experienced": "باتجربه"},
    ProfileFactName.EMPLOYMENT_STATUS: {
        "unemployed": "بیکار",
        "employed": "شاغل",
        "self_employed": "خوداشتغال",
        "student": "دانش‌آموز یا دانشجو",
    },
}


# A question the client chose not to answer.
SKIPPED_LABEL = "بی‌پاسخ"


def value_label(name: str, value: str) -> str:
    """The Persian way to show a canonical value; free-text values (cities, fields) show as they are."""
    if value == SKIPPED:
        return SKIPPED_LABEL
    return VALUE_LABELS.get(name, {}).get(value, value)
