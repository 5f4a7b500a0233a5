"""Labels of the catalogue's coded values, and the words staff may write for them in a spreadsheet."""

from __future__ import annotations

from karyar.catalogue import words
from karyar.db.models import CatalogueMode, CourseLevel, EmploymentType, SuitableGender
from karyar.facts import ProfileFactName
from karyar.texts import _
from karyar.vocabulary import VALUE_LABELS

MODE: dict[str, str] = {
    CatalogueMode.IN_PERSON: _("Catalogue: mode in person"),
    CatalogueMode.ONLINE: _("Catalogue: mode online"),
}
LEVEL: dict[str, str] = {
    CourseLevel.SKILL: _("Catalogue: level skill"),
    CourseLevel.SUSTAINING: _("Catalogue: level sustaining"),
    CourseLevel.ENTREPRENEURSHIP: _("Catalogue: level entrepreneurship"),
    CourseLevel.STUDENT: _("Catalogue: level student"),
}
EMPLOYMENT_TYPE: dict[str, str] = {
    EmploymentType.FULL_TIME: _("Catalogue: employment full time"),
    EmploymentType.PART_TIME: _("Catalogue: employment part time"),
    EmploymentType.HOME_BASED: _("Catalogue: employment home based"),
    EmploymentType.SEASONAL: _("Catalogue: employment seasonal"),
}
GENDER: dict[str, str] = {
    SuitableGender.ANY: _("Catalogue: gender any"),
    SuitableGender.FEMALE: _("Catalogue: gender female"),
    SuitableGender.MALE: _("Catalogue: gender male"),
}
ORGANISATION = dict(VALUE_LABELS[ProfileFactName.ORGANISATION])
TARGET_GROUP = dict(VALUE_LABELS[ProfileFactName.TARGET_GROUP])

# Other words staff write for a value, beyond its code and its label above.
ALIASES: dict[str, list[str]] = words.aliases()
