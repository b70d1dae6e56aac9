"""Run allocation-heavy work without Python's cyclic garbage collector.

Loading a million edges or walking hub symptoms allocates millions of small
containers; each allocation burst triggers collections that re-scan the whole
(growing) heap — on a 1M-edge graph a single trace paused for seconds.  Nothing
here creates reference cycles, so pausing the collector loses nothing; it is
restored to its previous state afterwards (a caller that disabled it keeps it off).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
