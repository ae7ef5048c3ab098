"""``prefetched``: order kept, errors re-raised in the caller, the source closed on early stop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vidfoley.perception.prefetch import prefetched


def test_items_come_out_in_order() -> None:
    assert list(prefetched(range(100), depth=3)) == list(range(100))


def test_a_source_error_is_raised_in_the_caller_after_the_good_items() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("broken tail")

    seen: list[int] = []
    with pytest.raises(OSError, match="broken tail"):
        for item in prefetched(source()):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_closes_the_source() -> None:
    closed: list[bool] = []

    def source() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    items = prefetched(source(), depth=2)
    assert next(items) == 0
    items.close()
    assert closed == [True]


def test_depth_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="depth"):
        list(prefetched(range(3), depth=0))
