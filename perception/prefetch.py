"""Decoding ahead in a background thread, so it overlaps the analysis of earlier frames.

The decoder (FFmpeg through PyAV) and the OpenCV/numpy analysis both release the GIL,
so on two cores the frames of a clip are decoded while the previous ones are analysed;
the items come out in their original order, so results do not change.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    """An exception raised by the source, carried to the consumer."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetched(items: Iterable[T], *, depth: int = 8) -> Iterator[T]:
    """Yield ``items`` in order while a thread produces up to ``depth`` of them ahead.

    Args:
        items: any iterable (a frame generator); it is iterated in the background thread
            only, and closed there if the consumer stops early.
        depth: items buffered ahead at most (bounds memory to ``depth`` frames).

    Raises:
        ValueError: ``depth`` is below 1.
        Exception: whatever ``items`` raised, re-raised in the consumer's thread.

    Example:
        >>> list(prefetched(range(3)))
        [0, 1, 2]
    """
    if depth < 1:
        raise ValueError(f"`depth` must be >= 1, got {depth}")
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not put(item):
                    break
            else:
                put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(_Failed(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="vidfoley-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
