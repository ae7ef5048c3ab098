"""Maps the ``progress(step, total, label)`` callback to a rich progress bar on stderr."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from vidfoley.pipeline.progress import Progress, no_progress


@contextlib.contextmanager
def progress_display(enabled: bool, description: str) -> Iterator[Progress]:
    """Yield a progress callback drawing one bar on stderr (a no-op when ``enabled`` is off)."""
    if not enabled:
        yield no_progress
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

        yield update
