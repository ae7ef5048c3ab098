"""``opencv_threads``: the pool limited inside, put back by the last caller out."""

from __future__ import annotations

import threading

import cv2
import pytest

from vidfoley.perception.opencv_threads import opencv_threads


@pytest.fixture
def three_threads():
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    yield
    cv2.setNumThreads(before)


def test_the_limit_holds_inside_and_is_put_back(three_threads) -> None:
    with opencv_threads(1):
        assert cv2.getNumThreads() == 1
    assert cv2.getNumThreads() == 3


def test_none_leaves_the_pool_alone(three_threads) -> None:
    with opencv_threads(None):
        assert cv2.getNumThreads() == 3


def test_put_back_after_an_error(three_threads) -> None:
    with pytest.raises(RuntimeError), opencv_threads(1):
        raise RuntimeError("boom")
    assert cv2.getNumThreads() == 3


def test_overlapping_callers_put_back_the_first_callers_setting(three_threads) -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def second() -> None:
        first_in.wait()
        with opencv_threads(2):
            second_in.set()
            first_out.wait()
            seen.append(cv2.getNumThreads())

    worker = threading.Thread(target=second)
    worker.start()
    with opencv_threads(1):
        first_in.set()
        second_in.wait()
    first_out.set()
    worker.join()
    assert seen == [1]  # the first caller's limit, still in force after it left
    assert cv2.getNumThreads() == 3


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="threads"), opencv_threads(0):
        pass
