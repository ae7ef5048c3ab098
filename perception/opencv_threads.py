"""OpenCV's thread pool limited while perception runs, and put back afterwards.

Perception works on small pictures (256 px wide): OpenCV's pool splits few of its calls,
and after each one its worker keeps polling for the next (``sched_yield``), a core's worth
of spinning that the decoding thread needed. OpenCV has one pool per process, so the
limit is set when the first call comes in and put back when the last one leaves: while
a call runs, all OpenCV work in the process shares the limit. The numbers OpenCV
computes do not depend on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0  # calls inside the limit now
_saved = 0  # the pool size before the first of them came in


@contextmanager
def opencv_threads(threads: int | None) -> Iterator[None]:
    """Run the body with OpenCV's pool at ``threads`` (``None``: leave it as it is).

    Concurrent and nested callers share the first caller's limit; the last one to leave
    puts back the size the pool had before the first came in.

    Raises:
        ValueError: ``threads`` is below 1.

    Example:
        >>> import cv2
        >>> before = cv2.getNumThreads()
        >>> with opencv_threads(1):
        ...     cv2.getNumThreads()
        1
        >>> cv2.getNumThreads() == before
        True
    """
    if threads is None:
        yield
        return
    if threads < 1:
        raise ValueError(f"`threads` must be >= 1 or None, got {threads}")
    import cv2

    global _inside, _saved
    with _lock:
        if _inside == 0:
            _saved = cv2.getNumThreads()
            cv2.setNumThreads(threads)
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                cv2.setNumThreads(_saved)
