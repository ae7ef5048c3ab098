"""Environment guess from frame statistics (sky, greenery, brightness) and prompt hints."""

from __future__ import annotations

import cv2
import numpy as np

from perception.vocabulary import VocabularyMatch
from pipeline.records import Environment


class EnvironmentEstimator:
    """Accumulates simple colour statistics over sampled frames and guesses the setting.

    Sky is bright, low-texture, blue-ish or grey-white pixels in the upper third;
    vegetation is saturated green. A scene with visible sky or much greenery is
    outdoors; a scene with neither is indoors. The prompt, when it says, wins.
    """

    def __init__(self) -> None:
        self._brightness: list[float] = []
        self._sky: list[float] = []
        self._green: list[float] = []

    def add(self, image: np.ndarray) -> None:
        """Add one RGB uint8 frame's statistics."""
        hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
        h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        self._brightness.append(float(v.mean()) / 255.0)
        top = slice(0, max(1, image.shape[0] // 3))
        gray = cv2.cvtColor(image[top], cv2.COLOR_RGB2GRAY)
        texture = np.abs(cv2.Laplacian(gray, cv2.CV_16S, ksize=3))
        blue = (h[top] >= 90) & (h[top] <= 130) & (s[top] > 40) & (v[top] > 120)
        white = (s[top] < 30) & (v[top] > 200)
        smooth = texture < 12
        self._sky.append(float(np.mean((blue | white) & smooth)))
        green = (h >= 35) & (h <= 85) & (s > 60) & (v > 50)
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
            indoor = sky < 0.08 and green < 0.15
            notes.append(f"setting from the picture: {'indoor' if indoor else 'outdoor'} "
                         f"(sky {sky:.2f}, greenery {green:.2f})")
        label = str(hints.get("label", "room" if indoor else "outdoors"))
        room_size = float(hints.get("room_size_m", 8.0 if indoor else 100.0))
        rt60 = float(hints.get("rt60_s", 0.6 if indoor else 0.2))
        weather = str(hints.get("weather", "clear"))
        ambience = list(vocab.ambience)
        if not ambience:
            if indoor:
                ambience = ["bed/room_tone"]
            elif green > 0.15:
                ambience = ["bed/birds", "bed/wind"]
            else:
                ambience = ["bed/wind"]
            notes.append(f"ambience from the picture: {', '.join(ambience)}")
        env = Environment(indoor=indoor, label=label, room_size_m=room_size, rt60_s=rt60,
                          weather=weather, brightness=round(brightness, 3), ambience=ambience)
        return env, notes
