"""Persian labels for the canonical values the NLU produces (shown to clients and counsellors)."""

from __future__ import annotations

from karyar.db.models import ProfileFactName
from karyar.privacy.identifiers import IdentifierKind

FACT_LABELS: dict[str, str] = {
    ProfileFactName.AGE: "سن",
    ProfileFactName.GENDER: "جنسیت",
    ProfileFactName.PROVINCE: "استان",
    ProfileFactName.CITY: "شهر",
    ProfileFactName.EDUCATION: "تحصیلات",
    ProfileFactName.ORGANISATION: "نهاد حمایتی",
    ProfileFactName.TARGET_GROUP: "گروه",
    ProfileFactName.FIELD: "رشته یا مهارت",
    ProfileFactName.EMPLOYMENT_STATUS: "وضعیت شغلی",
    ProfileFactName.HOUSEHOLD_ROLE: "جایگاه در خانواده",
    ProfileFactName.EMDAD_SUPPORT: "نوع حمایت کمیته امداد",
    ProfileFactName.SCHOOL_GRADE: "پایه تحصیلی",
    ProfileFactName.WORK_ABILITY: "توان کار",
    ProfileFactName.WORK_EXPERIENCE: "تجربه کار",
    ProfileFactName.LOCATION: "موقعیت",
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
        "none": "هیچ‌کدام",
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
        **{str(grade): f"کلاس {grade}" for grade in range(1, 13)},
        "university": "دانشگاه",
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
    if value == "skipped":
        return SKIPPED_LABEL
    return VALUE_LABELS.get(name, {}).get(value, value)
