"""The exception tree users see as one line; the CLI maps each class to an exit code."""

from __future__ import annotations


class VidfoleyError(Exception):
    """Base of every error vidfoley raises on purpose; ``exit_code`` is what the CLI returns."""

    exit_code = 2


class UsageError(VidfoleyError):
    """A bad argument or option combination (the fix is in the message)."""


class MediaError(VidfoleyError):
    """A file that cannot be read, probed, decoded or written as media."""


class PlanError(VidfoleyError):
    """A sound plan that does not validate or refers to something unknown."""


class ModelUnavailableError(VidfoleyError):
    """A neural model that is neither cached, nor in a local folder, nor reachable."""


class RenderError(VidfoleyError):
    """Rendering failed as a whole (a single failing layer is reported, not raised)."""

    exit_code = 1


class LimitError(VidfoleyError):
    """An input beyond a resource guard (duration, resolution, layer count)."""


def one_line(exc: BaseException, *, typed: bool = False) -> str:
    """An exception as the one line a user reads: whitespace folded, our errors as they are
    (their message says the fix), any other (or every one, ``typed``) with its type first."""
    text = " ".join(str(exc).split())
    if isinstance(exc, VidfoleyError) and not typed:
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C or comes from it: an extension module that is loading when
    Ctrl-C comes reports ``ImportError: initialization failed`` with the interrupt as cause."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False
