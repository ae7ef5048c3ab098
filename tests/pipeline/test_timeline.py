"""The timeline picture is written, is a real PNG, and marks events where they happen."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vidfoley.pipeline.records import (
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
from vidfoley.pipeline.timeline import draw_timeline, place_labels


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


def test_each_object_keeps_one_colour_from_track_to_layer(tmp_path: Path) -> None:
    """The second object has no track and no event of its own in the scene: the only place
    its colour can show is its layer's row, so finding it there ties row to object."""
    from vidfoley.pipeline.timeline import OBJECT_COLOURS, layer_colour, object_colours

    track = [TrackPoint(t_s=t, x=0.5, y=0.5, w=0.1, h=0.1) for t in np.arange(0, 2, 0.1)]
    scene = SceneAnalysis(duration_s=2.0, objects=[
        SceneObject(id="obj0", label="ball", sound="impact/rubber", track=track),
        SceneObject(id="obj1", label="bell", sound="impact/metal")],
        events=[VisualEvent(t_s=0.5, kind="impact", object_id="obj0", x=0.5)])
    layers = [Layer(id="obj0", object_id="obj0", sound="impact/rubber",
                    events=[LayerEvent(t_s=0.5)]),
              Layer(id="obj1", object_id="obj1", sound="impact/metal",
                    events=[LayerEvent(t_s=t) for t in (0.3, 0.9, 1.4)])]
    colours = object_colours(scene)
    assert colours == {"obj0": OBJECT_COLOURS[0], "obj1": OBJECT_COLOURS[1]}
    assert [layer_colour(la, colours) for la in layers] == list(OBJECT_COLOURS[:2])
    muted = Layer(id="obj1", object_id="obj1", sound="impact/metal", mute=True)
    assert layer_colour(muted, colours) not in OBJECT_COLOURS
    out = draw_timeline(scene, SoundPlan(duration_s=2.0, layers=layers), tmp_path / "t.png")
    image = cv2.imread(str(out)).astype(int)
    r, g, b = (int(OBJECT_COLOURS[1][i:i + 2], 16) for i in (1, 3, 5))
    near = np.abs(image - np.array([b, g, r])).sum(axis=2) < 30
    assert near.sum() > 20  # obj1's three triggers, drawn in obj1's colour


def test_the_legend_keys_every_kind_drawn_once_cuts_too() -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from vidfoley.pipeline.timeline import _draw_tracks

    scene = SceneAnalysis(duration_s=4.0, objects=[], events=[
        VisualEvent(t_s=t, kind=kind, x=0.5)
        for t, kind in ((0.5, "impact"), (1.0, "cut"), (1.5, "impact"), (3.0, "cut"))])
    fig, ax = plt.subplots()
    _draw_tracks(ax, scene, {})
    assert sorted(ax.get_legend_handles_labels()[1]) == ["cut", "impact"]
    plt.close(fig)
