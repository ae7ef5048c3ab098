"""Environment guess from frame statistics (sky, greenery, brightness) and prompt hints."""

from __future__ import annotations

import cv2
import numpy as np

from perception.vocabulary import VocabularyMatch
from pipeline.records import Environment


class EnvironmentEstimator:
    """Accumulates simple colour statistics over sampled frames and guesses the setting.

    Sky is bright, smooth, blue or grey-white picture that reaches the top edge: a white
    wall, ceiling or banner is as bright and smooth, but is framed by the room, so only
    the sky-coloured pixels connected to the top row count (black letterbox rows above
    the picture are skipped). Vegetation is saturated green in the upper half of the
    picture (trees, hedges, hills on the skyline), where a painted court or a lawn seen
    from above is not. A scene with sky or much vegetation is outdoors, one with neither
    is indoors; an outdoor sky that is mostly white or grey is overcast. The prompt,
    when it says, wins.

    Args:
        min_sky: fraction of the top third that is sky for an outdoor scene.
        min_greenery: fraction of the upper half that is vegetation for an outdoor scene.
        min_blue: fraction of the sky that is blue for a clear sky (less: overcast).
    """

    def __init__(self, *, min_sky: float = 0.1, min_greenery: float = 0.2,
                 min_blue: float = 0.25) -> None:
        self.min_sky = min_sky
        self.min_greenery = min_greenery
        self.min_blue = min_blue
        self._brightness: list[float] = []
        self._sky: list[float] = []
        self._blue: list[float] = []
        self._green: list[float] = []

    def add(self, image: np.ndarray) -> None:
        """Add one RGB uint8 frame's statistics."""
        hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
        h, s, v = cv2.split(hsv)
        self._brightness.append(float(v.mean()) / 255.0)
        first = _first_picture_row(v)
        height = image.shape[0] - first
        top = slice(first, first + max(1, height // 3))
        gray = cv2.cvtColor(image[top], cv2.COLOR_RGB2GRAY)
        smooth = np.abs(cv2.Laplacian(gray, cv2.CV_16S, ksize=3)) < 12
        blue = (h[top] >= 90) & (h[top] <= 130) & (s[top] > 40) & (v[top] > 120)
        white = (s[top] < 30) & (v[top] > 200)
        sky = _touching_top((blue | white) & smooth)
        self._sky.append(float(np.mean(sky)))
        if sky.any():
            self._blue.append(float(np.mean(blue[sky])))
        upper = slice(first, first + max(1, height // 2))
        green = (h[upper] >= 35) & (h[upper] <= 85) & (s[upper] > 40) & (v[upper] > 30)
        self._green.append(float(np.mean(green)))

    def estimate(self, vocab: VocabularyMatch) -> tuple[Environment, list[str]]:
        """The environment and notes explaining where each field came from."""
        notes: list[str] = []
        brightness = float(np.median(self._brightness)) if self._brightness else 0.5
        sky = float(np.median(self._sky)) if self._sky else 0.0
        green = float(np.median(self._green)) if self._green else 0.0
        hints = vocab.environment
        if "indoor" in hints:
            indoor = bool(hints["indoor"])
            notes.append(f"setting from the prompt: {hints['label']}")
        else:
            indoor = sky < self.min_sky and green < self.min_greenery
            notes.append(f"setting from the picture: {'indoor' if indoor else 'outdoor'} "
                         f"(sky {sky:.2f}, greenery {green:.2f})")
        label = str(hints.get("label", "room" if indoor else "outdoors"))
        room_size = float(hints.get("room_size_m", 8.0 if indoor else 100.0))
        rt60 = float(hints.get("rt60_s", 0.6 if indoor else 0.2))
        weather = str(hints.get("weather", "clear"))
        if "weather" not in hints and not indoor and sky >= self.min_sky:
            blue = float(np.median(self._blue)) if self._blue else 0.0
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
