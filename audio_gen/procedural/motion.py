"""Speed over time for object-bound continuous layers, from the track or a fixed value."""

from __future__ import annotations

import numpy as np

from vidfoley.pipeline.records import Layer

CONTROL_RATE_HZ = 200.0  # control signals (speed, RPM) are smooth: 5 ms steps are plenty


def speed_curve(layer: Layer, n_control: int, default_m_s: float) -> np.ndarray:
    """Speed in m/s at ``CONTROL_RATE_HZ`` for ``n_control`` steps.

    ``params["speed_m_s"]`` wins; otherwise the track's normalised x/y velocity times
    ``params["scene_width_m"]`` (default 10 m); with neither, ``default_m_s`` throughout.
    """
    if "speed_m_s" in layer.params:
        return np.full(n_control, max(float(layer.params["speed_m_s"]), 0.0))
    points = sorted(layer.track, key=lambda p: p.t_s)
    if len(points) < 2:
        return np.full(n_control, default_m_s)
    width = float(layer.params.get("scene_width_m", 10.0))
    t = np.array([p.t_s for p in points])
    xy = np.array([[p.x, p.y] for p in points])
    dt = np.maximum(np.diff(t), 1e-6)
    v = np.hypot(*(np.diff(xy, axis=0) / dt[:, None]).T) * width
    mids = (t[:-1] + t[1:]) / 2
    tc = np.arange(n_control) / CONTROL_RATE_HZ
    curve = np.interp(tc, mids, v) if len(mids) > 1 else np.full(n_control, v[0])
    # A 0.1 s moving average: tracks jitter frame to frame, physical speed does not.
    k = max(1, int(0.1 * CONTROL_RATE_HZ))
    if n_control > k:
        curve = np.convolve(np.pad(curve, (k // 2, k - 1 - k // 2), mode="edge"),
                            np.ones(k) / k, mode="valid")
    return np.maximum(curve, 0.0)


def to_audio_rate(control: np.ndarray, n: int, sample_rate: int) -> np.ndarray:
    """Linear interpolation of a control-rate signal to ``n`` audio samples (float32)."""
    hop = sample_rate / CONTROL_RATE_HZ
    steps = -(-n // int(hop)) if hop.is_integer() else 0
    if steps and control.size > steps:
        # Linear ramps between control points, hop samples each (no per-sample search).
        c = control[: steps + 1].astype(np.float32)
        ramp = np.arange(int(hop), dtype=np.float32) / np.float32(hop)
        return (c[:-1, None] + (c[1:] - c[:-1])[:, None] * ramp).ravel()[:n]
    tc = np.arange(control.size) / CONTROL_RATE_HZ
    ta = np.arange(n, dtype=np.float64) / sample_rate
    return np.interp(ta, tc, control).astype(np.float32)


def control_steps(duration_s: float) -> int:
    """How many control steps cover ``duration_s`` (with one to spare)."""
    return int(np.ceil(duration_s * CONTROL_RATE_HZ)) + 2
