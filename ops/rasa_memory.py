"""Rasa gives back the memory it freed while loading the model.

Unpacking the model archive and building the pipeline allocate and free some 40 MiB that glibc keeps on
its free lists, counted in the server's resident memory for as long as it runs. Trimming once the server
is up returns those pages to the system. Registered by the REST channel (ops/rasa_rest_channel.py) to
run after Rasa's own start-up, which loads the model.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

logger = logging.getLogger(__name__)


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the system; False where the C library cannot (not glibc)."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError):
        logger.info("this C library has no malloc_trim; the memory freed at start stays reserved")
        return False
    trim(0)
    return True
