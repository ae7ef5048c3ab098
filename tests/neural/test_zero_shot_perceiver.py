"""ZeroShotPerceiver on tiny OWLv2 + CLIP + Depth Anything: well-formed, repeatable analysis;
box-restricted motion finds a bounce; a ball that lands and rolls rolls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.perception.synth import RADIUS, Bounce, bounce_clip
from tests.perception.synth import H as SYNTH_H
from tests.perception.synth import W as SYNTH_W
from vidfoley.perception.glides import silent_glides_note
from vidfoley.perception.neural_tracks import Detection, Track
from vidfoley.perception.neural_vocabulary import MATERIALS, PLACES, detector_queries
from vidfoley.perception.zero_shot_perceiver import ZeroShotPerceiver
from vidfoley.pipeline.media import open_video
from vidfoley.pipeline.records import Frame, SceneAnalysis, Video

FPS, N = 25, 50  # a ball touching the floor at t = 0, 1, 2 s


def _ball_y(t: float) -> float:
    return 120 - 100 * abs(np.sin(np.pi * t))


def _reader(width: int, max_fps: float | None) -> Iterator[Frame]:
    for i in range(N):
        img = np.full((144, 256, 3), 40, np.uint8)
        cv2.circle(img, (128, int(_ball_y(i / FPS))), 12, (230, 200, 50), -1)
        yield Frame(i, i / FPS, img)


def _video() -> Video:
    return Video(path="synthetic", width=256, height=144, duration_s=N / FPS, fps_num=FPS,
                 fps_den=1, frame_count=N, frame_reader=_reader)


def test_well_formed_and_repeatable(tiny_models: dict[str, Path]) -> None:
    perceiver = ZeroShotPerceiver.from_pretrained(
        tiny_models["owlv2"], clip=tiny_models["clip"], depth=tiny_models["depth"],
        threshold=0.0)
    scene = perceiver(_video(), prompt="a rubber ball bounces on the floor")
    assert scene.objects, "random tiny detector still returns boxes above threshold 0"
    assert len({o.id for o in scene.objects}) == len(scene.objects)
    queries = detector_queries("a rubber ball bounces on the floor")
    assert queries[:3] == ["rubber", "ball", "floor"]
    for obj in scene.objects:
        assert obj.label in queries and obj.material in MATERIALS
        assert 0.0 <= obj.confidence <= 1.0
        times = [p.t_s for p in obj.track]
        assert times == sorted(times) and times[0] >= 0.0 and times[-1] <= scene.duration_s
        for p in obj.track:
            assert 0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 and 0 < p.w <= 1 and 0 < p.h <= 1
            assert 0.3 <= p.depth_m <= 50.0
    assert scene.environment.label in {p.label for p in PLACES}
    assert SceneAnalysis.from_json(scene.to_json()).to_dict() == scene.to_dict()
    again = perceiver(_video(), prompt="a rubber ball bounces on the floor")
    assert again.to_dict() == scene.to_dict()
    perceiver.release()


def test_motion_inside_a_box_finds_the_bounce() -> None:
    from vidfoley.perception.neural_motion import background, centroids, object_events

    frames = list(_reader(256, None))
    gray = [cv2.cvtColor(f.image, cv2.COLOR_RGB2GRAY).astype(np.float32) for f in frames]
    times = [f.t_s for f in frames]
    box = Detection(0.0, 0, (0.35, 0.0, 0.65, 1.0), 0.9, "ball")
    cents, amount = centroids(gray, times, Track([box]), background(gray))
    found = object_events(cents, amount, times, "obj0", width=256, height=144)
    impacts = [e.t_s for e in found if e.kind == "impact"]
    # The one contact inside the clip (0 to 1.96 s) is at 1 s: found within 10 ms.
    assert len(impacts) == 1 and abs(impacts[0] - 1.0) <= 0.01, impacts


def _two_shot_video(kind: str) -> tuple[Video, float, float]:
    """A ball bouncing over one backdrop, then another: cut at 1.0 s, or dissolved from
    0.8 to 1.4 s."""
    from tests.perception.synth import background as backdrop

    first = cv2.resize(backdrop(11), (256, 144), interpolation=cv2.INTER_AREA)
    second = (255 - cv2.resize(backdrop(12), (256, 144), interpolation=cv2.INTER_AREA))
    start, end = (1.0, 1.0) if kind == "cut" else (0.8, 1.4)

    def reader(width: int, max_fps: float | None) -> Iterator[Frame]:
        for i in range(N):
            t = i / FPS
            mix = float(np.clip((t - start) / max(end - start, 1e-9), 0, 1))
            if kind == "cut":
                mix = float(t >= start)
            img = (first * (1 - mix) + second * mix).round().astype(np.uint8)
            cv2.circle(img, (128, int(_ball_y(t))), 12, (230, 200, 50), -1)
            yield Frame(i, t, img)

    video = Video(path="synthetic", width=256, height=144, duration_s=N / FPS, fps_num=FPS,
                  fps_den=1, frame_count=N, frame_reader=reader)
    return video, start, end


def test_a_cut_or_a_dissolve_is_one_cut_and_no_motion_events_during_it(
        tiny_models: dict[str, Path]) -> None:
    perceiver = ZeroShotPerceiver.from_pretrained(
        tiny_models["owlv2"], clip=tiny_models["clip"], depth=tiny_models["depth"],
        threshold=0.0)
    for kind in ("cut", "dissolve"):
        video, start, end = _two_shot_video(kind)
        scene = perceiver(video, prompt="a rubber ball bounces on the floor")
        cuts = [e.t_s for e in scene.events if e.kind == "cut"]
        assert len(cuts) == 1 and abs(cuts[0] - (start + end) / 2) <= 1 / FPS, (kind, cuts)
        if kind == "dissolve":
            assert not [e for e in scene.events if e.kind != "cut"
                        and start - 1 / FPS <= e.t_s <= end + 1 / FPS]
    perceiver.release()


def test_a_cut_to_another_place_gives_each_shot_its_place(tiny_models: dict[str, Path]) -> None:
    class BrightIsOutdoors(ZeroShotPerceiver):
        """CLIP stood in by brightness, so the two shots' places are known."""

        def classify(self, images: list[np.ndarray], labels: list[str],
                     template: str) -> list[int]:
            if "kitchen" not in labels:  # materials: any
                return [0] * len(images)
            return [labels.index("street" if image.mean() > 128 else "kitchen")
                    for image in images]

    perceiver = BrightIsOutdoors.from_pretrained(
        tiny_models["owlv2"], clip=tiny_models["clip"], depth=tiny_models["depth"],
        threshold=0.0)
    video, cut, _ = _two_shot_video("cut")  # a dark backdrop, then a bright one
    scene = perceiver(video, prompt="a ball")
    assert [(s.start_s, s.end_s, s.environment.label) for s in scene.shots] == [
        (0.0, cut, "kitchen"), (cut, N / FPS, "street")]
    assert scene.environment == scene.shots[0].environment  # the longest (here: a tie)
    # Two shots in one place are one place: no shots listed.
    same = BrightIsOutdoors.from_pretrained(
        tiny_models["owlv2"], clip=tiny_models["clip"], depth=tiny_models["depth"],
        threshold=0.0)
    same.classify = lambda images, labels, template: [  # type: ignore[method-assign]
        labels.index("park") if "park" in labels else 0] * len(images)
    assert same(video, prompt="a ball").shots == []


class BallDetector(ZeroShotPerceiver):
    """The detector stood in by the synthetic ball's true box on each key frame (a tiny
    random OWLv2 finds nothing meaningful), so its motion path is known."""

    def __init__(self, *args: object, ball: Bounce, margin_px: float = 2.0,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.ball, self.margin_px = ball, margin_px  # margin: px of the 640 x 360 frame

    def detect(self, keys: list[Frame], queries: list[str]) -> list[list[Detection]]:
        side = RADIUS + self.margin_px
        found = []
        for frame in keys:
            x, y = self.ball.position(frame.t_s)
            box = ((x - side) / SYNTH_W, (y - side) / SYNTH_H, (x + side) / SYNTH_W,
                   (y + side) / SYNTH_H)
            found.append([Detection(frame.t_s, frame.index, box, 0.9, "ball")])
        return found


def _ball_scene(tmp_path: Path, tiny_models: dict[str, Path], *, restitution: float,
                prompt: str, key_fps: float = 2.0) -> tuple[SceneAnalysis, Bounce, list[float]]:
    """The zero-shot scene of a synthetic ball clip (3 s at 25 fps, the ball's true box
    as its detection on ``key_fps`` key frames a second)."""
    path, ball, times = bounce_clip(tmp_path / f"ball{restitution}.mp4", fps=FPS,
                                    duration_s=3.0, restitution=restitution)
    perceiver = BallDetector(str(tiny_models["owlv2"]), clip=str(tiny_models["clip"]),
                             depth=str(tiny_models["depth"]), ball=ball, key_fps=key_fps)
    scene = perceiver(open_video(path), prompt=prompt)
    perceiver.release()
    return scene, ball, times


def test_a_ball_that_lands_and_rolls_rolls_from_its_landing_to_the_end(
        tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    scene, ball, times = _ball_scene(tmp_path, tiny_models, restitution=0.0,
                                     prompt="a ball rolling on a wooden floor")
    rolls = [e for e in scene.events if e.kind in ("roll", "scrape")]
    landing = ball.contacts[0]  # 0.566 s; it rolls on at 90 px/s to the clip's end
    assert len(rolls) == 1, scene.events
    roll = rolls[0]
    assert roll.kind == "roll"
    assert abs(roll.t_s - landing) <= 2 / FPS
    assert abs(roll.t_s + roll.duration_s - times[-1]) <= 3 / FPS
    # The rolling is an object of its own, on the track of the ball that lands (the key
    # frames, 0.5 s apart, lose the ball falling: it lands as a second track).
    by_id = {o.id: o for o in scene.objects}
    rolling = by_id[roll.object_id]
    assert (rolling.label, rolling.sound) == ("rolling", "roll/generic")
    landed = [e for e in scene.events if e.kind == "impact" and abs(e.t_s - landing) <= 1 / FPS]
    assert len(landed) == 1 and by_id[landed[0].object_id].label == "ball"
    assert rolling.track == by_id[landed[0].object_id].track
    # Where it rolls: the ball's centre as it lands, within 2 pixels of the 128 x 72
    # motion frames and the frame it moves on (90 px/s of the 640 px wide picture).
    x, y = ball.position(landing)
    assert abs(roll.x - x / SYNTH_W) <= 2 / 128 + ball.vx / FPS / SYNTH_W
    assert abs(roll.y - y / SYNTH_H) <= 2 / 72
    assert not any("left silent" in note for note in scene.notes)


def test_a_roll_between_and_past_sparse_key_frames_lasts_from_landing_to_end(
        tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    # One key frame a second: the ball lands 0.57 s after the first and rolls on 0.96 s
    # past the last (at 2 s); its path is looked for where it can be between key frames
    # and where it moves on to after the last.
    scene, ball, times = _ball_scene(tmp_path, tiny_models, restitution=0.0, key_fps=1.0,
                                     prompt="a ball rolling on a wooden floor")
    rolls = [e for e in scene.events if e.kind in ("roll", "scrape")]
    assert len(rolls) == 1, scene.events
    assert abs(rolls[0].t_s - ball.contacts[0]) <= 2 / FPS
    assert abs(rolls[0].t_s + rolls[0].duration_s - times[-1]) <= 3 / FPS


def test_a_ball_that_only_bounces_does_not_roll(tmp_path: Path,
                                                tiny_models: dict[str, Path]) -> None:
    scene, ball, _ = _ball_scene(tmp_path, tiny_models, restitution=0.8,
                                 prompt="a ball bouncing and rolling")
    assert [e for e in scene.events if e.kind in ("roll", "scrape")] == []
    assert sum(c < 3.0 for c in ball.contacts) == 4  # bouncing all along the clip
    assert "nothing seen sliding or rolling: 'rolling' left silent" in scene.notes


def test_a_roll_the_prompt_does_not_name_is_left_silent_with_a_note(
        tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    scene, _, _ = _ball_scene(tmp_path, tiny_models, restitution=0.0, prompt="a ball")
    assert [e for e in scene.events if e.kind in ("roll", "scrape")] == []
    assert {o.label for o in scene.objects} == {"ball"}  # no object for the roll
    assert silent_glides_note(1) in scene.notes


@pytest.mark.parametrize(("fps", "noise"), [(24, 3.0), (25, 0.0), (30, 3.0), (60, 3.0)])
def test_a_bouncing_ball_s_contacts_are_fitted_between_frames(
        tmp_path: Path, tiny_models: dict[str, Path], fps: int, noise: float) -> None:
    # Two key frames a second: the ball's five contacts in 3.4 s, each found within one
    # analysed frame (at most 30 a second), and at most one impact that is none (the
    # velocity-spike test this replaces found 2-3 of them and 2 false impacts here).
    path, ball, times = bounce_clip(tmp_path / f"bounce{fps}.mp4", fps=fps, duration_s=3.4,
                                    noise=noise)
    perceiver = BallDetector(str(tiny_models["owlv2"]), clip=str(tiny_models["clip"]),
                             depth=str(tiny_models["depth"]), ball=ball, key_fps=2.0)
    scene = perceiver(open_video(path), prompt="a ball bouncing")
    perceiver.release()
    impacts = np.sort([e.t_s for e in scene.events if e.kind == "impact"])
    contacts = np.array([c for c in ball.contacts if c < times[-1]])
    error = np.abs(impacts[None, :] - contacts[:, None])  # contact x impact
    assert len(contacts) == 5 and np.all(error.min(axis=1) <= 1 / min(fps, 30)), impacts
    assert len(impacts) <= len(contacts) + 1, impacts
