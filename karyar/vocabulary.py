"""Persian labels for the canonical values the NLU produces (shown to clients and counsellors)."""

from __future__ import annotations

from karyar.db.models import ProfileFactName

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
    ProfileFactName.PHONE: "شماره تلفن",
    ProfileFactName.LOCATION: "موقعیت",
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    ProfileFactName.GENDER: {"female": "زن", "male": "مرد"},
    ProfileFactName.ORGANISATION: {"emdad": "کمیته امداد", "behzisti": "بهزیستی"},
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
    },
    ProfileFactName.EMPLOYMENT_STATUS: {
        "unemployed": "بیکار",
        "employed": "شاغل",
        "self_employed": "خوداشتغال",
        "student": "دانش‌آموز یا دانشجو",
    },
}


def value_label(name: str, value: str) -> str:
    """The Persian way to show a canonical value; free-text values (cities, fields) show as they are."""
    return VALUE_LABELS.get(name, {}).get(value, value)
