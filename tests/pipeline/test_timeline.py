"""The timeline picture is written, is a real PNG, and marks events where they happen."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from pipeline.records import (
    Environment,
    Layer,
    LayerEvent,
    SceneAnalysis,
    SceneObject,
    ShotSetting,
    SoundPlan,
    TrackPoint,
    VisualEvent,
)
from pipeline.timeline import draw_timeline, place_labels


def test_timeline_png(tmp_path: Path) -> None:
    track = [TrackPoint(t_s=t, x=0.1 + 0.2 * t, y=0.5, w=0.1, h=0.1) for t in np.arange(0, 4, 0.1)]
    scene = SceneAnalysis(
        duration_s=4.0,
        objects=[SceneObject(id="ball", label="ball", sound="impact/rubber", track=track)],
        events=[VisualEvent(t_s=t, kind="impact", object_id="ball", x=0.1 + 0.2 * t)
                for t in (0.5, 1.5, 2.5)])
    plan = SoundPlan(duration_s=4.0, layers=[
        Layer(id="ball", sound="impact/rubber", events=[LayerEvent(t_s=t) for t in (0.5, 1.5)]),
        Layer(id="amb", kind="ambience", sound="bed/room_tone", mute=True)])
    sr = 16_000
    original = np.zeros(4 * sr, np.float32)
    original[[int(0.5 * sr), int(1.5 * sr)]] = 1.0
    out = draw_timeline(scene, plan, tmp_path / "t.png", original_audio=original, sample_rate=sr)
    image = cv2.imread(str(out))
    assert image is not None and image.shape[1] >= 800 and image.shape[0] >= 300
    # The impact markers are red: the picture must contain a clear patch of that red.
    red = (image[:, :, 2] > 180) & (image[:, :, 1] < 80) & (image[:, :, 0] < 80)
    assert red.sum() > 50
    assert not list(tmp_path.glob("*.partial*"))


def test_the_places_the_sound_is_set_in_are_named() -> None:
    hall = Environment(indoor=True, label="sports hall", rt60_s=1.8)
    field = Environment(indoor=False, label="outdoors")
    scene = SceneAnalysis(duration_s=6.0, environment=hall)
    assert place_labels(scene, None) == [(0.0, "sports hall: indoors, reverb 1.8 s")]
    plan = SoundPlan(duration_s=6.0, environment=hall,
                     shots=[ShotSetting(0.0, 3.0, hall), ShotSetting(3.0, 6.0, field)])
    # The plan's shots, as edited, name the places the dub is set in.
    assert place_labels(scene, plan) == [(0.0, "sports hall: indoors, reverb 1.8 s"),
                                         (3.0, "outdoors")]
