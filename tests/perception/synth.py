"""Synthetic clips with known ground truth: bouncing balls, pans, flashes, cuts, crossings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

W, H = 640, 360
FLOOR_Y = 300.0
RADIUS = 14


@dataclass
class Bounce:
    """A ball dropped at ``t=0`` that bounces on the floor; times of contact are exact."""

    x0: float = 120.0
    y0: float = 60.0
    vx: float = 90.0
    g: float = 1500.0
    restitution: float = 0.8
    contacts: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        t, y, v = 0.0, self.y0, 0.0
        self._segments: list[tuple[float, float, float]] = []
        while t < 30 and abs(v) < 1e6:
            self._segments.append((t, y, v))
            # Solve y + v dt + g dt^2 / 2 = floor for the positive root.
            disc = v * v + 2 * self.g * (FLOOR_Y - y)
            dt = (-v + np.sqrt(disc)) / self.g
            t += dt
            v_hit = v + self.g * dt
            self.contacts.append(t)
            y, v = FLOOR_Y, -self.restitution * v_hit
            if abs(v) < 50:
                break

    def position(self, t: float) -> tuple[float, float]:
        """Ball centre (x, y) in world pixels at time ``t``; it rests on the floor at y=300."""
        seg = next((s for s in reversed(self._segments) if s[0] <= t), self._segments[0])
        ts, ys, vs = seg
        dt = t - ts
        y = min(FLOOR_Y, ys + vs * dt + 0.5 * self.g * dt * dt)
        return self.x0 + self.vx * t, y - RADIUS


def background(seed: int, width: int = W, height: int = H) -> np.ndarray:
    """A textured, deterministic backdrop (smoothed noise) with a floor band."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (height // 8 + 1, width // 8 + 1), dtype=np.uint8)
    img = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
    img = cv2.GaussianBlur(img, (0, 0), 2.0)
    base = np.stack([img // 3 + 40, img // 3 + 60, img // 3 + 50], axis=-1).astype(np.uint8)
    floor = int(FLOOR_Y) + 1
    base[floor:] = (base[floor:] // 2 + 20).astype(np.uint8)
    return base


def frame_times(fps: float, duration_s: float, *, vfr: bool = False, seed: int = 0) -> list[float]:
    """Frame times: regular at ``fps``, or jittered between 0.6 and 1.4 frame periods."""
    if not vfr:
        return [k / fps for k in range(round(duration_s * fps))]
    rng = np.random.default_rng(seed)
    times, t = [], 0.0
    while t < duration_s:
        times.append(round(t, 3))
        t += rng.uniform(0.6, 1.4) / fps
    return times


def encode(path: Path, frames: list[np.ndarray], times: list[float], fps: float) -> Path:
    """Encode RGB frames with libx264 at exact presentation times (ms time base for VFR)."""
    import av

    with av.open(str(path), "w") as container:
        rate = Fraction(fps).limit_denominator(1001)
        stream = container.add_stream("libx264", rate=rate)
        # 1/60000 s ticks hold 24, 25, 30, 60 fps and millisecond VFR times exactly.
        tick = Fraction(1, 60_000)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "18", "preset": "ultrafast", "bf": "0"}
        stream.codec_context.time_base = tick
        stream.time_base = tick
        for img, t in zip(frames, times, strict=True):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = round(t / tick)
            frame.time_base = tick
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def render(path: Path, times: list[float], draw: Callable[[float, int], np.ndarray],
           fps: float) -> Path:
    """Render ``draw(t, k)`` at every time and encode it."""
    return encode(path, [draw(t, k) for k, t in enumerate(times)], times, fps)


def bounce_clip(path: Path, *, fps: float, duration_s: float = 3.4, pan_px_s: float = 0.0,
                noise: float = 0.0, vfr: bool = False, seed: int = 0,
                content_fps: float | None = None,
                restitution: float = 0.8) -> tuple[Path, Bounce, list[float]]:
    """A ball bouncing in front of a textured wall, optionally panned and noisy.

    The ball rolls on along the floor once its bounces die out (``restitution=0``: it
    lands and rolls, its only contact the landing).

    ``content_fps`` below ``fps`` renders a frame-rate conversion: the scene is shot at
    ``content_fps`` and each display frame repeats the latest shot frame (noise and all).
    """
    ball = Bounce(restitution=restitution)
    wide = background(seed, W + int(abs(pan_px_s) * duration_s) + 8, H)
    rng = np.random.default_rng(seed + 1)
    times = frame_times(fps, duration_s, vfr=vfr, seed=seed)
    shot: dict[float, np.ndarray] = {}

    def draw(t: float, k: int) -> np.ndarray:
        if content_fps is not None:
            t = np.floor(t * content_fps + 1e-9) / content_fps
            if t in shot:
                return shot[t]
        off = round(pan_px_s * t)
        img = wide[:, off:off + W].copy()
        x, y = ball.position(t)
        cv2.circle(img, (round(x - off), round(y)), RADIUS, (235, 90, 40), -1, cv2.LINE_AA)
        if noise:
            img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
        shot.clear()  # only the latest shot frame is ever repeated
        shot[t] = img
        return img

    return render(path, times, draw, fps), ball, times


def flash_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
               flash_frames: tuple[int, ...] = (20, 45), seed: int = 3) -> tuple[Path, list[float]]:
    """A still, dim scene where a small bright burst (a muzzle flash) lights single frames."""
    base = (background(seed) // 2).astype(np.uint8)
    times = frame_times(fps, duration_s)

    def draw(t: float, k: int) -> np.ndarray:
        img = base.copy()
        if k in flash_frames:
            cv2.circle(img, (420, 150), 22, (255, 250, 220), -1, cv2.LINE_AA)
        return img

    return render(path, times, draw, fps), [times[k] for k in flash_frames]


def pan_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0, pan_px_s: float = 150.0,
             noise: float = 4.0, seed: int = 5) -> Path:
    """A textured backdrop panned left to right (accelerating, then steady); nothing moves."""
    wide = background(seed, W + int(abs(pan_px_s) * duration_s * 1.5) + 8, H)
    rng = np.random.default_rng(seed + 1)
    times = frame_times(fps, duration_s)

    def draw(t: float, k: int) -> np.ndarray:
        ramp = 0.5 * t * t / 1.0 if t < 1.0 else t - 0.5   # ease in over the first second
        off = round(pan_px_s * ramp)
        img = wide[:, off:off + W].copy()
        return np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)

    return render(path, times, draw, fps)


def cut_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
             cut_s: float = 1.52) -> tuple[Path, float]:
    """Two unrelated still shots joined at the first frame at or after ``cut_s``."""
    first = background(11)
    second = (255 - background(12)).astype(np.uint8)
    second[:, :, 2] = np.clip(second[:, :, 2].astype(int) + 60, 0, 255).astype(np.uint8)
    times = frame_times(fps, duration_s)
    k_cut = next(k for k, t in enumerate(times) if t >= cut_s - 1e-9)
    return render(path, times, lambda t, k: (first if k < k_cut else second).copy(),
                  fps), times[k_cut]


def same_light_cut_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
                        cut_s: float = 1.52) -> tuple[Path, float]:
    """A cut between two shots of one room in the same light: a bright window on the left
    then on the right of a textured wall (the grey-level histogram barely moves)."""
    wall = background(21)
    first, second = wall.copy(), wall[:, ::-1].copy()
    cv2.rectangle(first, (40, 60), (260, 300), (235, 235, 225), -1)
    cv2.rectangle(second, (W - 260, 60), (W - 40, 300), (235, 235, 225), -1)
    times = frame_times(fps, duration_s)
    k_cut = next(k for k, t in enumerate(times) if t >= cut_s - 1e-9)
    return render(path, times, lambda t, k: (first if k < k_cut else second).copy(),
                  fps), times[k_cut]


def transition_clip(path: Path, *, kind: str, fps: float = 25.0, duration_s: float = 4.0,
                    start_s: float = 1.5, length_s: float = 0.6) -> tuple[Path, float, float]:
    """Two still shots joined by a gradual change from ``start_s`` lasting ``length_s``:
    ``"dissolve"`` (one blended into the other), ``"fade"`` (out to black and in again) or
    ``"light"`` (no new shot: the first one brightening, as a light comes on). Returns the
    path and the change's start and end."""
    first = background(11)
    second = (255 - background(12)).astype(np.uint8)
    second[:, :, 2] = np.clip(second[:, :, 2].astype(int) + 60, 0, 255).astype(np.uint8)
    lit = np.clip(first.astype(int) * 1.6 + 30, 0, 255).astype(np.uint8)

    def draw(t: float, k: int) -> np.ndarray:
        mix = float(np.clip((t - start_s) / length_s, 0.0, 1.0))
        if kind == "dissolve":
            return (first * (1 - mix) + second * mix).round().astype(np.uint8)
        if kind == "light":
            return (first * (1 - mix) + lit * mix).round().astype(np.uint8)
        gain = abs(1 - 2 * mix)  # down to black half-way, then up
        return ((first if mix < 0.5 else second) * gain).round().astype(np.uint8)

    times = frame_times(fps, duration_s)
    return render(path, times, draw, fps), start_s, start_s + length_s


def place_cut_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
                   cut_s: float = 1.52) -> tuple[Path, float]:
    """A cut from outdoors (blue sky over rough ground) to a room (a white wall under a
    dark ceiling, a wooden floor), both still."""
    rng = np.random.default_rng(3)
    outdoors = np.clip(np.array([150, 120, 90]) + rng.integers(-40, 41, (H, W, 1)), 0,
                       255).astype(np.uint8)
    outdoors[: H // 3] = (110, 160, 230)
    room = np.empty((H, W, 3), np.uint8)
    room[:25], room[25:260], room[260:] = (90, 90, 95), (235, 235, 230), (170, 130, 90)
    times = frame_times(fps, duration_s)
    k_cut = next(k for k, t in enumerate(times) if t >= cut_s - 1e-9)
    return render(path, times, lambda t, k: (outdoors if k < k_cut else room).copy(),
                  fps), times[k_cut]


def lightning_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
                   flash_frames: tuple[int, ...] = (30,), seed: int = 4
                   ) -> tuple[Path, list[float]]:
    """A dim still scene that lightning lights whole for single frames."""
    base = (background(seed) // 2).astype(np.uint8)
    lit = np.clip(base.astype(int) * 2 + 90, 0, 255).astype(np.uint8)
    times = frame_times(fps, duration_s)
    return render(path, times, lambda t, k: (lit if k in flash_frames else base).copy(),
                  fps), [times[k] for k in flash_frames]


def crossing_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
                  seed: int = 7) -> tuple[Path, Callable[[float], tuple[float, float]],
                                         Callable[[float], tuple[float, float]]]:
    """A blue ball moving right and a yellow ball moving left cross mid-picture at t=1.5 s."""
    base = background(seed)
    times = frame_times(fps, duration_s)

    def blue(t: float) -> tuple[float, float]:
        return 80.0 + 160.0 * t, 170.0

    def yellow(t: float) -> tuple[float, float]:
        return 560.0 - 160.0 * t, 196.0

    def draw(t: float, k: int) -> np.ndarray:
        img = base.copy()
        for where, colour in ((blue(t), (40, 70, 230)), (yellow(t), (240, 220, 40))):
            cv2.circle(img, (round(where[0]), round(where[1])), RADIUS, colour, -1,
                       cv2.LINE_AA)
        return img

    return render(path, times, draw, fps), blue, yellow


def smoke_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
               puff_frames: tuple[int, ...] = (20, 50), shake_px: float = 2.5,
               seed: int = 7, life_s: float = 0.25, wind_px_s: float = 0.0,
               puff_x: tuple[float, ...] | None = None) -> tuple[Path, list[float]]:
    """A handheld shot of a dark rifle that gives off a grey puff of smoke at each shot.

    The camera shakes (a random walk pulled back to the centre, ``shake_px`` per frame
    at most); each puff appears at its frame, grows and fades over ``life_s``, as a
    suppressed shot's smoke does in daylight (no flash), blown right at ``wind_px_s``.
    ``puff_x`` places each puff (default: all at the muzzle, x = 300).
    """
    wide = background(seed, W + 40, H + 40)
    cv2.rectangle(wide, (260, 170), (470, 186), (30, 30, 28), -1)  # the rifle
    rng = np.random.default_rng(seed + 1)
    times = frame_times(fps, duration_s)
    yy, xx = np.mgrid[0:H + 40, 0:W + 40].astype(np.float32)
    pos = np.zeros(2)
    frames = []
    for k in range(len(times)):
        pos = np.clip(0.7 * pos + rng.uniform(-shake_px, shake_px, 2), -18, 18)
        img = wide.astype(np.float32)
        for p, x0 in zip(puff_frames, puff_x or [300.0] * len(puff_frames), strict=True):
            age = k - p
            if 0 <= age < round(life_s * fps):
                r = 14.0 + 4.0 * age
                cx = x0 + wind_px_s * age / fps
                a = 0.8 * (1 - age / (life_s * fps)) * np.exp(
                    -((xx - cx) ** 2 + (yy - 170) ** 2) / (2 * r * r))
                img = img * (1 - a[..., None]) + 215.0 * a[..., None]
        ox, oy = 20 + round(pos[0]), 20 + round(pos[1])
        frames.append(np.clip(img[oy:oy + H, ox:ox + W], 0, 255).astype(np.uint8))
    return encode(path, frames, times, fps), [times[k] for k in puff_frames]


@dataclass
class Receding:
    """A car driving straight away from a shaking camera: it shrinks towards a far point.

    Its width is ``w0 / (1 + rate t)`` (distance grows linearly) and its centre closes
    in on ``far`` in proportion, as a perspective view draws it; ``drift`` (pixels a
    second) moves it on across the picture (a car changing lanes, a camera panning off).
    """

    start: tuple[float, float] = (200.0, 270.0)
    far: tuple[float, float] = (390.0, 150.0)
    w0: float = 150.0
    w1: float = 25.0
    duration_s: float = 4.0
    drift: tuple[float, float] = (0.0, 0.0)

    def width(self, t: float) -> float:
        """The car's width in pixels at ``t``."""
        rate = (self.w0 / self.w1 - 1) / self.duration_s
        return self.w0 / (1 + rate * t)

    def centre(self, t: float) -> tuple[float, float]:
        """The car's centre (x, y) in world pixels at ``t``."""
        k = self.width(t) / self.w0
        return (self.far[0] + k * (self.start[0] - self.far[0]) + self.drift[0] * t,
                self.far[1] + k * (self.start[1] - self.far[1]) + self.drift[1] * t)


def draw_car(img: np.ndarray, cx: float, cy: float, w: float) -> None:
    """A red car seen from behind, ``w`` pixels wide (body, dark window, lights, tyres)."""
    h = 0.6 * w

    def box(x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        cv2.rectangle(img, (round(cx + x0 * w), round(cy + y0 * h)),
                      (round(cx + x1 * w), round(cy + y1 * h)), colour, -1, cv2.LINE_AA)

    box(-0.5, -0.1, 0.5, 0.4, (190, 30, 30))      # body
    box(-0.35, -0.5, 0.35, -0.1, (160, 25, 25))   # cabin
    box(-0.28, -0.42, 0.28, -0.15, (35, 35, 45))  # rear window
    box(-0.45, 0.4, -0.3, 0.5, (20, 20, 20))      # tyres
    box(0.3, 0.4, 0.45, 0.5, (20, 20, 20))
    box(-0.45, 0.05, -0.3, 0.15, (250, 200, 120))  # lights
    box(0.3, 0.05, 0.45, 0.15, (250, 200, 120))


def receding_clip(path: Path, *, fps: float = 25.0, shake_px: float = 2.0, seed: int = 5,
                  car: Receding | None = None,
                  ) -> tuple[Path, Receding, list[float], list[tuple[float, float]]]:
    """A car driving away over a textured ground, the camera shaking by ``shake_px``.

    ``car``: its motion (``None``: :class:`Receding`'s defaults).

    Returns the clip, the car's motion, the frame times and the camera offset of each
    frame (the picture shows the world shifted by minus that offset).
    """
    car = car if car is not None else Receding()
    pad = int(np.ceil(3 * shake_px)) + 2
    world = background(seed, W + 2 * pad, H + 2 * pad)
    rng = np.random.default_rng(seed)
    times = frame_times(fps, car.duration_s)
    shake, offsets = np.zeros(2), []
    for _ in times:  # a jittery hand: a random walk pulled back to the middle
        shake = np.clip(0.6 * shake + rng.normal(0, shake_px, 2), -3 * shake_px, 3 * shake_px)
        offsets.append((float(round(shake[0])), float(round(shake[1]))))

    def draw(t: float, k: int) -> np.ndarray:
        img = world.copy()
        x, y = car.centre(t)
        draw_car(img, x + pad, y + pad, car.width(t))
        ox, oy = (round(v) for v in offsets[k])
        return img[pad + oy:pad + oy + H, pad + ox:pad + ox + W].copy()

    return render(path, times, draw, fps), car, times, offsets


@dataclass
class Strikes:
    """A stick swung down onto a table edge again and again, at irregular moments.

    The stick pivots at a hand (``PIVOT``); it lifts slowly (eased, ``lift_s``), waits,
    swings down at a steady angular speed (``swing_s``) and stops dead on the surface at
    each time in ``contacts``, where it rests ``rest_s`` before lifting again.
    """

    seed: int = 0
    duration_s: float = 4.0
    swing_s: float = 0.16
    rest_s: float = 0.12
    lift_s: float = 0.35
    contacts: list[float] = field(default_factory=list)

    PIVOT = (180.0, 150.0)
    LENGTH = 260.0
    DOWN = 0.5   # radians below horizontal: the tip on the surface (y = PIVOT + L sin)
    UP = -0.45   # radians: the top of the lift

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        t = 0.45
        while t < self.duration_s - 0.2:
            self.contacts.append(t)
            t += self.rest_s + self.lift_s + self.swing_s + float(rng.uniform(0.05, 0.3))

    @property
    def surface_y(self) -> float:
        """The table's top edge (where the tip lands)."""
        return self.PIVOT[1] + self.LENGTH * float(np.sin(self.DOWN))

    def angle(self, t: float) -> float:
        """The stick's angle below horizontal (radians) at time ``t``."""
        for c in self.contacts:
            if c - self.swing_s <= t <= c:  # the swing: steady speed down to the surface
                return self.UP + (self.DOWN - self.UP) * (t - c + self.swing_s) / self.swing_s
            if c < t <= c + self.rest_s:
                return self.DOWN
            if c + self.rest_s < t <= c + self.rest_s + self.lift_s:
                u = (t - c - self.rest_s) / self.lift_s
                return self.DOWN + (self.UP - self.DOWN) * 0.5 * (1 - np.cos(np.pi * u))
        before = [c for c in self.contacts if c < t]
        return self.UP if before or t < self.contacts[0] - self.swing_s else self.DOWN


def strike_clip(path: Path, *, fps: float, duration_s: float = 4.0, pan_px_s: float = 0.0,
                shake_px: float = 0.0, noise: float = 0.0,
                seed: int = 0) -> tuple[Path, Strikes]:
    """A stick striking a table edge (:class:`Strikes`), optionally panned, shaken
    (seeded jitter of ``shake_px``) and noisy."""
    strikes = Strikes(seed=seed, duration_s=duration_s)
    margin = int(abs(pan_px_s) * duration_s + 4 * shake_px) + 8
    wide = background(seed + 7, W + margin, H + int(4 * shake_px) + 2)
    s = 2 * shake_px  # world (x, y) is at (x + s, y + s) in ``wide``
    top = round(strikes.surface_y + 5 + s)  # the table: a light slab the tip lands on
    wide[top:top + 80] = (wide[top:top + 80] // 3 + 150).astype(np.uint8)
    rng = np.random.default_rng(seed + 1)
    times = frame_times(fps, duration_s)

    def draw(t: float, k: int) -> np.ndarray:
        jx, jy = np.clip(rng.normal(0, shake_px, 2), -s, s) if shake_px else (0.0, 0.0)
        ox, oy = round(float(pan_px_s * t + s + jx)), round(float(s + jy))
        img = wide[oy:oy + H, ox:ox + W].copy()
        a = strikes.angle(t)
        px, py = strikes.PIVOT
        tip = (px + strikes.LENGTH * np.cos(a), py + strikes.LENGTH * np.sin(a))
        cv2.line(img, (round(px + s - ox), round(py + s - oy)),
                 (round(tip[0] + s - ox), round(tip[1] + s - oy)), (200, 150, 80), 9,
                 cv2.LINE_AA)
        if noise:
            img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
        return img

    return render(path, times, draw, fps), strikes


def shake_clip(path: Path, *, fps: float = 25.0, duration_s: float = 3.0,
               shake_px: float = 3.0, seed: int = 9) -> Path:
    """A still, textured scene filmed by a shaking hand (seeded jitter); nothing moves."""
    wide = background(seed, W + 16 * round(shake_px) + 8, H + 16 * round(shake_px) + 8)
    rng = np.random.default_rng(seed + 1)
    c = 8 * round(shake_px)

    def draw(t: float, k: int) -> np.ndarray:
        jx, jy = np.clip(rng.normal(0, shake_px, 2), -3 * shake_px, 3 * shake_px)
        ox, oy = c + round(float(jx)), c + round(float(jy))
        return wide[oy:oy + H, ox:ox + W].copy()

    return render(path, frame_times(fps, duration_s), draw, fps)


@dataclass
class Calls:
    """An animal's head that calls at known times: at each call the jaw drops open
    (``jaw``) or the head jerks forward and up (``jerk``) within ``open_s``, then
    settles back over ``close_s``; ``still`` never moves. Call onsets are exact."""

    kind: str = "jaw"
    calls: tuple[float, ...] = (0.62, 1.43, 2.31, 3.17)
    open_s: float = 0.05
    close_s: float = 0.25

    def amount(self, t: float) -> float:
        """How far (0..1) the jaw is open or the head jerked at ``t``."""
        if self.kind == "still":
            return 0.0
        for c in self.calls:
            if c <= t < c + self.open_s:
                return (t - c) / self.open_s
            if c + self.open_s <= t < c + self.open_s + self.close_s:
                return 1.0 - (t - c - self.open_s) / self.close_s
        return 0.0

    @property
    def onsets(self) -> list[float]:
        """The calls' onset times (none for a still head)."""
        return [] if self.kind == "still" else list(self.calls)


def call_clip(path: Path, *, fps: float, kind: str = "jaw", duration_s: float = 4.0,
              noise: float = 0.0, seed: int = 0) -> tuple[Path, Calls]:
    """A furry head with eyes, a nose and a mouth over a textured floor (:class:`Calls`):
    the mouth opens 22 px, or the head jerks 12 px forward and 6 px up, at each call."""
    calls = Calls(kind=kind)
    base = background(seed + 11)
    rng = np.random.default_rng(seed + 3)
    fur = rng.integers(-25, 25, (140, 160, 1)).astype(np.int16)

    def draw(t: float, k: int) -> np.ndarray:
        img = base.copy()
        a = calls.amount(t)
        dx, dy = (12 * a, -6 * a) if kind == "jerk" else (0.0, 0.0)
        cx, cy = round(320 + dx), round(180 + dy)
        head = np.zeros(img.shape[:2], np.uint8)
        cv2.ellipse(head, (cx, cy), (70, 60), 0, 0, 360, 255, -1)
        y0, x0 = cy - 70, cx - 80
        patch = img[y0:y0 + 140, x0:x0 + 160].astype(np.int16)
        furry = np.clip(np.array([220, 140, 60], np.int16) + fur, 0, 255)
        mask = head[y0:y0 + 140, x0:x0 + 160, None] > 0
        img[y0:y0 + 140, x0:x0 + 160] = np.where(mask, furry, patch).astype(np.uint8)
        for ex in (-25, 25):
            cv2.circle(img, (cx + ex, cy - 15), 7, (20, 15, 10), -1)
        cv2.circle(img, (cx, cy + 8), 8, (30, 20, 20), -1)
        mouth = 2 + round(22 * a) if kind == "jaw" else 2
        cv2.ellipse(img, (cx, cy + 25 + mouth // 2), (18, mouth), 0, 0, 360, (90, 20, 30), -1)
        if noise:
            img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
        return img

    return render(path, frame_times(fps, duration_s), draw, fps), calls
