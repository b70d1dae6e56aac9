"""Run allocation-heavy work without Python's cyclic garbage collector.

Loading a million edges or walking hub symptoms allocates millions of small
containers; each allocation burst triggers collections that re-scan the whole
(growing) heap — on a 1M-edge graph a single trace paused for seconds.  Nothing
here creates reference cycles, so pausing the collector loses nothing; it is
restored to its previous state afterwards (a caller that disabled it keeps it off).

A big graph, once built, is then moved out of the collector's reach (:func:`settle`):
otherwise its first passes over millions of freshly built containers — about ten
seconds for a million edges — land inside whichever later call happens to trigger them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "settle", "SETTLE_OBJECTS"]

#: Structures built from more records than this are settled after building.
SETTLE_OBJECTS = 50_000


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


def settle(records: int) -> None:
    """After building a structure of *records* records, freeze it if it is big.

    ``gc.freeze()`` moves every object the collector tracks into a permanent
    generation it never scans.  painkg's graphs and indexes hold no reference
    cycles, so reference counting still frees them when they are dropped; the cost is
    that cyclic garbage created earlier by the program is not collected either (call
    ``gc.unfreeze()`` to undo).  Small KBs, like the bundled one, are never frozen.
    """
    if records > SETTLE_OBJECTS:
        gc.freeze()
