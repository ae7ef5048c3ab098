"""Ctrl-C that is never lost: a press is remembered as well as raised, so that one a library
swallowed where it landed is raised again at the command's next progress step.

An interrupted import of an extension module surfaces as an ``ImportError`` caused by the
``KeyboardInterrupt``, and libraries that probe optional modules catch ``ImportError``; one
raised inside the import system's own callbacks is printed as "Exception ignored" and
dropped. A press in the first second of a dub could then vanish and the dub run to the end.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType


class CtrlC:
    """While entered (on the main thread, where Python's own Ctrl-C handler is in force),
    SIGINT sets :attr:`pressed` and raises ``KeyboardInterrupt``; :meth:`check` raises it
    again for as long as the press is unanswered. Elsewhere it changes nothing."""

    def __init__(self) -> None:
        self.pressed = False
        self._installed = False

    def __enter__(self) -> CtrlC:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._installed = False

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed."""
        if self.pressed:
            raise KeyboardInterrupt

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        if frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
            return  # raised there it is dropped with a traceback: the next check raises it
        raise KeyboardInterrupt
