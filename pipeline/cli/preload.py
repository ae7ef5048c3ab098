"""Start importing the numeric libraries a dub needs on a background thread, so that their
import (SciPy's ``optimize`` and ``signal``: about a second each on a laptop) overlaps
reading and analysing the clip instead of preceding it. The modules that use them import
them where they are used, and wait for this import if it is still running."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence

DUB_MODULES = ("scipy.optimize", "scipy.signal")


def preload(modules: Sequence[str] = DUB_MODULES) -> threading.Thread:
    """Import ``modules`` on a daemon thread (started, returned); a failure is left to the
    code that imports the module itself, which reports it where it happens."""
    thread = threading.Thread(target=_import_all, args=(tuple(modules),),
                              name="vidfoley-preload", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # reported by the real import, in the thread that needs it
            return
