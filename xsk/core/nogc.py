"""Pausing the cyclic garbage collector around work that allocates many small containers.

Decoding a few megabytes of JSON, or taking the signatures of 10,000 case folders, creates
hundreds of thousands of tuples, lists and dicts and no reference cycles. Each allocation
threshold crossed starts a collection that walks every live container (in a CLI process, all
of typer and rich too): in a no-change ``docs build`` that was a third of the run."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
