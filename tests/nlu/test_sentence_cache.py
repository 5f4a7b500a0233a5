"""The sentence embedder's cache stays within its bound, so a long-running Rasa server does not grow with
every distinct message it reads (nlu/intents.py)."""

from __future__ import annotations

from typing import Any

from tests.nlu.in_rasa import needs_rasa, run_in_rasa

CHECK = """
import json, sys
import numpy as np
from nlu.intents import SentenceEmbedder

SentenceEmbedder._cache.clear()
embedder = SentenceEmbedder(threads=1, cache_size=40)
texts = [f"پیام شماره {i} درباره کار و آموزش" for i in range(100)]
first = embedder.embed(texts[:1])
vectors = embedder.embed(texts)
again = embedder.embed(texts[-1:])
print(json.dumps({
    "cached": len(SentenceEmbedder._cache),
    "shape": list(vectors.shape),
    "same_again": bool(np.allclose(again[0], vectors[-1])),
    "unit": bool(abs(float(np.linalg.norm(first[0])) - 1.0) < 1e-3),
}))
"""


@needs_rasa
def test_the_cache_keeps_at_most_its_bound_and_answers_the_same() -> None:
    result: dict[str, Any] = run_in_rasa(["-c", CHECK], {}, timeout=300)
    assert result["cached"] <= 40
    assert result["shape"] == [100, 384]
    assert result["same_again"] and result["unit"]
