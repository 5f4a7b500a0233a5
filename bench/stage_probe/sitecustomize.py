"""Timing points for bench/stages.py, loaded into every process the benchmark starts (bot, Rasa, actions).

Python imports `sitecustomize` at start-up from PYTHONPATH; the benchmark puts this directory there and
sets KARYAR_STAGE_PROBE to a directory. Nothing happens unless that variable is set. Each process appends
one JSON line per timed call to <directory>/<pid>.jsonl: {"s": stage, "t": wall-clock start, "ms": length}.
The product's code is untouched: functions are wrapped after their module is first imported.
"""

from __future__ import annotations

import os

if os.environ.get("KARYAR_STAGE_PROBE"):
    from stage_probe_hooks import install

    install(os.environ["KARYAR_STAGE_PROBE"])
