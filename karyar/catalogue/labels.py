"""Persian labels of the catalogue's coded values, and the words staff may write for them in a spreadsheet."""

from __future__ import annotations

from karyar.db.models import CatalogueMode, CourseLevel, EmploymentType, SuitableGender
from karyar.facts import ProfileFactName
from karyar.vocabulary import VALUE_LABELS

MODE: dict[str, str] = {CatalogueMode.IN_PERSON: "حضوری", CatalogueMode.ONLINE: "آنلاین"}
LEVEL: dict[str, str] = {
    CourseLevel.SKILL: "مهارت‌آموزی",
    CourseLevel.SUSTAINING: "پایدارسازی و توسعه",
    CourseLevel.ENTREPRENEURSHIP: "کارآفرینی",
    CourseLevel.STUDENT: "حرفه‌آموزی دانش‌آموزان",
}
EMPLOYMENT_TYPE: dict[str, str] = {
    EmploymentType.FULL_TIME: "تمام‌وقت",
    EmploymentType.PART_TIME: "پاره‌وقت",
    EmploymentType.HOME_BASED: "کار در منزل",
    EmploymentType.SEASONAL: "فصلی",
}
GENDER: dict[str, str] = {
    SuitableGender.ANY: "همه",
    SuitableGender.FEMALE: "زنان",
    SuitableGender.MALE: "مردان",
}
ORGANISATION = dict(VALUE_LABELS[ProfileFactName.ORGANISATION])
TARGET_GROUP = dict(VALUE_LABELS[ProfileFactName.TARGET_GROUP])

# Other words staff write for a value, beyond its code and its label above.
ALIASES: dict[str, list[str]] = {
    CatalogueMode.ONLINE: ["مجازی", "غیرحضوری", "انلاین"],
    CourseLevel.SKILL: ["مهارت آموزی", "مهارتی"],
    CourseLevel.SUSTAINING: ["پایدارسازی", "توسعه"],
    CourseLevel.STUDENT: ["دانش‌آموزی", "حرفه‌آموزی"],
    EmploymentType.FULL_TIME: ["تمام وقت"],
    EmploymentType.PART_TIME: ["پاره وقت", "نیمه‌وقت", "نیمه وقت"],
    EmploymentType.HOME_BASED: ["خانگی", "در منزل", "دورکاری"],
    SuitableGender.ANY: ["هر دو", "فرقی ندارد"],
    SuitableGender.FEMALE: ["زن", "خانم", "بانوان"],
    SuitableGender.MALE: ["مرد", "آقا", "آقایان"],
    "emdad": ["امداد", "کمیته"],
}
