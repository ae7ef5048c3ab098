"""Maps the ``progress(step, total, label)`` callback to a rich progress bar on stderr."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from vidfoley.pipeline.progress import Progress, no_progress


@contextlib.contextmanager
def progress_display(enabled: bool, description: str,
                     check: Callable[[], None] | None = None) -> Iterator[Progress]:
    """Yield a progress callback drawing one bar on stderr (a no-op when ``enabled`` is off);
    every step first calls ``check`` (which raises to stop the work: a Ctrl-C pressed)."""
    if not enabled:
        yield no_progress if check is None else _checked(no_progress, check)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.fields[label]}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(description, total=1, label="")

        def update(step: int, total: int, label: str) -> None:
            bar.update(task, completed=step, total=max(total, 1), label=label)

        yield update if check is None else _checked(update, check)


def _checked(progress: Progress, check: Callable[[], None]) -> Progress:
    """``progress`` that calls ``check`` before each step."""
    def step(done: int, total: int, label: str) -> None:
        check()
        progress(done, total, label)

    return step
