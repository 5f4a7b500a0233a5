"""A greeting in front of a request is looked past (nlu/greetings.py, run in Rasa's environment); a greeting
alone, or with a word or two, stays a greeting."""

from __future__ import annotations

from tests.nlu.in_rasa import needs_rasa, run_in_rasa

CASES = {
    "salam vam mikham": "vam mikham",
    "سلام، دوره خیاطی تو مشهد میخوام": "دوره خیاطی تو مشهد میخوام",
    "با سلام و احترام، میخواستم یه دوره کامپیوتر یاد بگیرم": "میخواستم یه دوره کامپیوتر یاد بگیرم",
    "Salam khaste nabashid, kar mikham": "kar mikham",
    "سلام وقتتون بخیر. کلاس آرایشگری دارین؟": "کلاس آرایشگری دارین؟",
    "سلام": None,
    "سلام، خوبین؟": None,  # one word after the greeting: still a greeting
    "سلامتی خودم رو میخوام": None,  # «سلامتی» is not «سلام»
    "دوره خیاطی میخوام": None,  # no greeting
}


@needs_rasa
def test_what_follows_an_opening_greeting_is_what_the_client_asks() -> None:
    script = (
        "import json, sys; from nlu.greetings import after_greeting; "
        "print(json.dumps({t: after_greeting(t) for t in json.load(sys.stdin)}, ensure_ascii=False))"
    )
    assert run_in_rasa(["-c", script], list(CASES)) == CASES
