"""Persian names of a report's figures, steps and values, shared by the summary, the charts and the exports."""

from __future__ import annotations

from karyar.db.models import DeliveryStatus, FollowUpAnswer, HandoffOutcome
from karyar.reports.activity import Activity

FIGURES: dict[str, str] = {
    Activity.NEW_CLIENTS: "مددجویان تازه",
    Activity.CONSENTS: "رضایت‌های ثبت‌شده",
    Activity.ELIGIBILITY_CHECKS: "بررسی‌های شرایط",
    Activity.INTERESTS: "اعلام علاقه به دوره یا شغل",
    Activity.HANDOFFS: "ارجاع به مشاور",
    Activity.TRAINING_STARTS: "آغاز آموزش",
    Activity.PLACEMENTS: "اشتغال ثبت‌شده",
}
FUNNEL: dict[str, str] = {
    "started": "آغاز گفتگو",
    "consented": "رضایت",
    "checked": "بررسی شرایط",
    "interested": "اعلام علاقه",
    "handed_off": "ارجاع به مشاور",
    "placed": "اشتغال",
}
STATUSES: dict[str, str] = {
    "eligible": "واجد شرایط",
    "not_eligible": "فاقد شرایط",
    "needs_info": "نیازمند اطلاعات بیشتر",
}
INTEREST_KINDS: dict[str, str] = {"course": "دوره‌ی آموزشی", "job": "فرصت شغلی", "unknown": "نامشخص"}
OUTCOMES: dict[str, str] = {
    HandoffOutcome.REFERRED_TRAINING: "معرفی به آموزش",
    HandoffOutcome.REFERRED_JOB: "معرفی به کار",
    HandoffOutcome.LOAN_FILE: "تشکیل پرونده‌ی تسهیلات",
    HandoffOutcome.INFORMATION: "راهنمایی و اطلاع‌رسانی",
    HandoffOutcome.NOT_REACHABLE: "دسترسی نشد",
    HandoffOutcome.OTHER: "دیگر",
}
ANSWERS: dict[str, str] = {
    FollowUpAnswer.WORKING: "هنوز سر کار",
    FollowUpAnswer.STOPPED: "کار را رها کرده",
    FollowUpAnswer.PROBLEM: "مشکل دارد",
}
DELIVERIES: dict[str, str] = {
    DeliveryStatus.SENT: "رسیده",
    DeliveryStatus.BLOCKED: "ربات را مسدود کرده",
    DeliveryStatus.CHAT_MISSING: "گفتگو در دسترس نیست",
    DeliveryStatus.FAILED: "ناموفق",
    DeliveryStatus.SKIPPED: "کنار گذاشته",
    DeliveryStatus.CANCELLED: "لغوشده",
    DeliveryStatus.PENDING: "در صف",
    DeliveryStatus.SENDING: "در حال ارسال",
}
DIRECTIONS: dict[str, str] = {"in": "پیام‌های مددجویان", "out": "پاسخ‌های کاریار"}
TREND_SERIES: dict[Activity, str] = {
    Activity.NEW_CLIENTS: "مددجویان تازه",
    Activity.HANDOFFS: "ارجاع به مشاور",
    Activity.PLACEMENTS: "اشتغال",
}
