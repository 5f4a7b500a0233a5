"""The résumé PDF read back as an employer's viewer reads it (pdfium): one page, every part on the page and
in Persian reading order, with the phone kept even when every part is as long as it may be."""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from karyar.resume.pdf import resume_pdf
from karyar.resume.resume import Part, Resume

ZWNJ = "\u200c"  # viewers' text extraction drops it; the words are compared without it
PHONE = "۰۹۱۲۳۴۵۶۷۸۹"
# A client as she described herself: long names and fields, Persian digits among the words, Latin words.
PARTS = {
    Part.FIELD: "خیاطی، دوخت لباس زنانه و بچه‌گانه، تعمیر لباس",
    Part.SKILLS: "کار با چرخ راسته‌دوز صنعتی و سردوز پنج‌نخ، الگوسازی و برش به روش متریک، اتوکاری حرفه‌ای، "
    "دوخت مانتو و شلوار در تیراژ ۲۰۰ عدد در روز، آشنایی با Excel و Word برای ثبت سفارش‌ها",
    Part.EXPERIENCE: "۷ سال کار در تولیدی پوشاک نسیم به‌عنوان چرخ‌کار و سرپرست خط دوخت با ۱۲ نفر؛ "
    "۲ سال خیاطی در منزل برای مشتریان محله",
    Part.EDUCATION: "دیپلم",
    Part.COURSES: "دوره خیاطی مقدماتی فنی‌وحرفه‌ای ۲۱۰ ساعت، سال ۱۳۹۸؛ دوره الگوسازی پیشرفته ۱۲۰ ساعت",
    Part.LANGUAGES: "فارسی، ترکی آذربایجانی، کمی انگلیسی",
    Part.AVAILABILITY: "تمام‌وقت از شنبه تا چهارشنبه، ساعت ۸ تا ۱۶",
    Part.PLACE: "شهریار، استان تهران",
}
NAME = "فاطمه‌زهرا سادات حسینی‌نژاد قهفرخی"


def _read(document: bytes) -> tuple[int, str, list[tuple[float, float, float, float]], tuple[float, float]]:
    """Pages, the text as extracted (lines joined by spaces), each character's box, the page's size."""
    pdf = pdfium.PdfDocument(document)
    page = pdf[0]
    text_page = page.get_textpage()
    boxes = [text_page.get_charbox(i) for i in range(text_page.count_chars())]
    text = re.sub(r"\s+", " ", text_page.get_text_range())
    return len(pdf), text, boxes, page.get_size()


def _on_page(boxes: list[tuple[float, float, float, float]], width: float, height: float) -> bool:
    return all(
        min(left, bottom) >= 0 and right <= width and top <= height for left, bottom, right, top in boxes
    )


def _plain(text: str) -> str:
    return text.replace(ZWNJ, "")


def test_every_part_is_on_the_one_page_in_reading_order() -> None:
    resume = Resume(name=NAME, parts=PARTS, phone_shared=True, phone_masked=None)
    pages, text, boxes, (width, height) = _read(resume_pdf(resume, phone=PHONE))
    assert pages == 1
    for value in (NAME, *PARTS.values(), PHONE):
        assert _plain(value) in text, value
    assert text.index(_plain(NAME)) < text.index(_plain(PARTS[Part.FIELD])) < text.index(PHONE)
    # Nothing written off the page (a paragraph started at the right edge once hid every value).
    assert _on_page(boxes, width, height)


def test_the_longest_parts_are_shortened_and_the_phone_still_fits_above_the_footer() -> None:
    words = " ".join(f"مهارت {n}" for n in range(100))  # far past what a part may hold
    resume = Resume(name=NAME, parts=dict.fromkeys(PARTS, words), phone_shared=True, phone_masked=None)
    pages, text, boxes, (width, height) = _read(resume_pdf(resume, phone=PHONE))
    assert pages == 1 and PHONE in text
    # Each long part is cut at a word, and says so («…», which pdfium reads back as three dots).
    assert text.count("...") + text.count("…") == len(PARTS) and "مهارت 33..." in text
    assert _on_page(boxes, width, height)
