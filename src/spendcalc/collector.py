"""The cyclic garbage collector held off while many acyclic objects are made at once."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside: for work that makes many objects which form no cycles (the tuples of a
    comparison, a dataset's validated records). Each collection walks every container alive (a large
    dataset's records included), and such work would trigger one every few hundred objects, for nothing:
    what it makes is freed by reference counting or kept. The collector is back as it was after (still
    off if the caller had turned it off); nesting is safe."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
