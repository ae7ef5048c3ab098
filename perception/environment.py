"""Environment guess from frame statistics (sky, greenery, brightness) and prompt hints."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from vidfoley.perception.vocabulary import VocabularyMatch
from vidfoley.pipeline.records import Environment, ShotSetting


class EnvironmentEstimator:
    """Accumulates simple colour statistics over sampled frames and guesses the setting.

    Sky is smooth picture that is blue, or white near clipping (a sky is the brightest
    thing in a picture exposed for the ground; walls lit indoors stay dimmer), and that
    reaches the top edge: a white wall, ceiling or banner is framed by the room, so only
    the sky-coloured pixels connected to the top row count (black letterbox rows above
    the picture are skipped). Vegetation is saturated green in the upper half of the
    picture (trees, hedges, hills on the skyline), where a painted court or a lawn seen
    from above is not. A scene with sky or much vegetation is outdoors, one with neither
    is indoors; an outdoor sky that is mostly white or grey is overcast. A picture too
    dark to show a sky (median brightness under ``max_dark``) cannot tell: there the
    prompt's night word or a source only heard outdoors (fireworks) says outdoors, since a
    room at night is lit. The prompt, when it names the place, wins.

    Args:
        min_sky: fraction of the top third that is sky for an outdoor scene.
        min_greenery: fraction of the upper half that is vegetation for an outdoor scene.
        min_blue: fraction of the sky that is blue for a clear sky (less: overcast).
        max_dark: median frame brightness (HSV value, 0-1) under which the picture is
            too dark to show a sky (a daylight sky is brighter than 0.47, the blue test's
            value floor).
    """

    def __init__(self, *, min_sky: float = 0.1, min_greenery: float = 0.2,
                 min_blue: float = 0.25, max_dark: float = 0.3) -> None:
        self.max_dark = max_dark
        self.min_sky = min_sky
        self.min_greenery = min_greenery
        self.min_blue = min_blue
        self._samples: list[_Sample] = []

    @property
    def times(self) -> list[float]:
        """The times of the frames added so far."""
        return [sample.t_s for sample in self._samples]

    def add(self, image: np.ndarray, t_s: float = 0.0) -> None:
        """Add the statistics of one RGB uint8 frame shown at ``t_s``."""
        hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
        h, s, v = cv2.split(hsv)
        brightness = float(v.mean()) / 255.0
        first = _first_picture_row(v)
        height = image.shape[0] - first
        top = slice(first, first + max(1, height // 3))
        gray = cv2.cvtColor(image[top], cv2.COLOR_RGB2GRAY)
        smooth = np.abs(cv2.Laplacian(gray, cv2.CV_16S, ksize=3)) < 12
        blue = (h[top] >= 90) & (h[top] <= 130) & (s[top] > 40) & (v[top] > 120)
        white = (s[top] < 30) & (v[top] > 230)  # near clipping: lit walls are dimmer
        sky = _touching_top((blue | white) & smooth)
        upper = slice(first, first + max(1, height // 2))
        green = (h[upper] >= 35) & (h[upper] <= 85) & (s[upper] > 40) & (v[upper] > 30)
        self._samples.append(_Sample(t_s, brightness, float(np.mean(sky)),
                                     float(np.mean(blue[sky])) if sky.any() else None,
                                     float(np.mean(green))))

    def estimate(self, vocab: VocabularyMatch, *, start_s: float = -np.inf,
                 end_s: float = np.inf) -> tuple[Environment, list[str]]:
        """The environment and notes explaining where each field came from, from the
        frames added between ``start_s`` (included) and ``end_s`` (default: all)."""
        notes: list[str] = []
        samples = [x for x in self._samples if start_s <= x.t_s < end_s]
        brightness, sky, green = _medians(samples)
        blues = [x.blue for x in samples if x.blue is not None]
        hints = vocab.environment
        if "indoor" in hints:
            indoor = bool(hints["indoor"])
            notes.append(f"setting from the prompt: {hints['label']}")
        elif brightness < self.max_dark and "outdoor_cue" in hints:
            indoor = False
            notes.append(f"setting from the prompt: outdoor (picture too dark to tell, "
                         f"brightness {brightness:.2f}; '{hints['outdoor_cue']}')")
        else:
            indoor = sky < self.min_sky and green < self.min_greenery
            notes.append(f"setting from the picture: {'indoor' if indoor else 'outdoor'} "
                         f"(sky {sky:.2f}, greenery {green:.2f})")
        label = str(hints.get("label", "room" if indoor else "outdoors"))
        room_size = float(hints.get("room_size_m", 8.0 if indoor else 100.0))
        rt60 = float(hints.get("rt60_s", 0.6 if indoor else 0.2))
        weather = str(hints.get("weather", "clear"))
        if "weather" not in hints and not indoor and sky >= self.min_sky:
            blue = float(np.median(blues)) if blues else 0.0
            weather = "clear" if blue >= self.min_blue else "overcast"
            notes.append(f"weather from the picture: {weather} ({blue:.0%} of the sky blue)")
        ambience = list(vocab.ambience)
        if not ambience:
            if indoor:
                ambience = ["bed/room_tone"]
            elif green >= self.min_greenery:
                ambience = ["bed/birds", "bed/wind"]
            else:
                ambience = ["bed/wind"]
            notes.append(f"ambience from the picture: {', '.join(ambience)}")
        env = Environment(indoor=indoor, label=label, room_size_m=room_size, rt60_s=rt60,
                          weather=weather, brightness=round(brightness, 3), ambience=ambience)
        return env, notes

    def estimate_shots(self, vocab: VocabularyMatch, cuts: list[float], duration_s: float
                       ) -> tuple[Environment, list[ShotSetting], list[str]]:
        """The clip's environment, and each shot's own where a cut changes the place.

        Shots between ``cuts`` are estimated from their own frames (one too short to have
        a sampled frame goes with the shot before it; neighbours in the same place are
        joined). A shot changes the place only on clear evidence (:meth:`_decisive`): a
        few frames of a white ceiling are not enough to take a room outdoors. When every
        shot is in the same place the list is empty and the environment is the whole
        clip's; otherwise the environment is the longest shot's.
        """
        whole, whole_notes = self.estimate(vocab)
        spans: list[tuple[float, float, Environment, list[str]]] = []
        for start, end in shot_spans(self.times, cuts, duration_s):
            env, notes = self.estimate(vocab, start_s=start, end_s=end)
            if not self._decisive([x for x in self._samples if start <= x.t_s < end]):
                env, notes = whole, whole_notes  # unclear: the clip's place goes on
            spans.append((start, end, env, notes))
        spans = join_same_places(spans)
        if len(spans) < 2:
            return whole, [], whole_notes
        longest = max(spans, key=lambda sp: sp[1] - sp[0])
        shots = [ShotSetting(start_s=a, end_s=b, environment=env) for a, b, env, _ in spans]
        notes = ["a place per shot: " + "; ".join(
            f"{a:.2f}-{b:.2f} s {'indoor' if env.indoor else 'outdoor'} "
            f"({', '.join(env.ambience) or 'no ambience'})" for a, b, env, _ in spans)]
        return longest[2], shots, notes + [n for n in longest[3] if "setting" in n]

    def _decisive(self, samples: list[_Sample], margin: float = 2.0) -> bool:
        """Whether ``samples`` say outdoors or indoors clearly: sky or greenery ``margin``
        times their thresholds, or both under them by as much."""
        _, sky, green = _medians(samples)
        if sky >= self.min_sky or green >= self.min_greenery:
            return sky >= margin * self.min_sky or green >= margin * self.min_greenery
        return sky <= self.min_sky / margin and green <= self.min_greenery / margin


def _medians(samples: list[_Sample]) -> tuple[float, float, float]:
    """Median brightness, sky and greenery of ``samples`` (0.5, 0, 0 with none)."""
    if not samples:
        return 0.5, 0.0, 0.0
    return (float(np.median([x.brightness for x in samples])),
            float(np.median([x.sky for x in samples])),
            float(np.median([x.green for x in samples])))


def shot_spans(times: list[float], cuts: list[float], duration_s: float
               ) -> list[tuple[float, float]]:
    """The shots between ``cuts`` that hold a sampled frame (one of ``times``), tiling
    ``0 .. duration_s``: a shot too short to hold one goes with the shot before it (the
    first with the one after)."""
    bounds = [0.0, *sorted(c for c in cuts if 0.0 < c < duration_s), duration_s]
    spans: list[tuple[float, float]] = []
    for start, end in pairwise(bounds):
        if any(start <= t < end for t in times):
            spans.append((start if spans else 0.0, end))
        elif spans:
            spans[-1] = (spans[-1][0], end)
    return spans


def join_same_places(spans: list[tuple[float, float, Environment, list[str]]]
                     ) -> list[tuple[float, float, Environment, list[str]]]:
    """Neighbouring shots ``(start, end, environment, notes)`` in the same place (setting
    and ambience) joined into one."""
    merged = spans[:1]
    for start, end, env, notes in spans[1:]:
        if _same_place(merged[-1][2], env):
            merged[-1] = (merged[-1][0], end, merged[-1][2], merged[-1][3])
        else:
            merged.append((start, end, env, notes))
    return merged


def _same_place(a: Environment, b: Environment) -> bool:
    return (a.indoor, a.label, a.ambience) == (b.indoor, b.label, b.ambience)


@dataclass(frozen=True)
class _Sample:
    """One frame's statistics: when, mean brightness, sky, how blue the sky, greenery."""

    t_s: float
    brightness: float
    sky: float
    blue: float | None
    green: float


def _first_picture_row(value: np.ndarray, *, black: float = 24.0) -> int:
    """The first row below a black letterbox bar (0 when there is none or all is dark)."""
    rows = np.flatnonzero(value.mean(axis=1) > black)
    return int(rows[0]) if rows.size and rows[0] < value.shape[0] // 3 else 0


def _touching_top(mask: np.ndarray) -> np.ndarray:
    """The pixels of ``mask`` connected (4-neighbours) to its top row."""
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=4)
    if count <= 1:
        return np.zeros(mask.shape, bool)
    top = np.unique(labels[0])
    keep = np.zeros(count, bool)
    keep[top[top > 0]] = True
    return keep[labels]
