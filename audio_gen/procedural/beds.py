"""Environment beds (rain, wind, water, fire, crowd, traffic, birds, room tone, insects).

Each bed is a recipe (data below) of noise bands with slow random modulation, grains
(bubbles, crackles, chirps) and tones, rendered in 1 s blocks by :class:`BedStream`.
Filter states, modulation states and grain tails carry across blocks, so any length is
seamless (no loop, no seam) and memory stays flat; each block's randomness is seeded from
(seed, block index), so the same seed gives the same bed bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy.signal import butter, lfilter, sosfilt, sosfilt_zi

from vidfoley.audio_gen.procedural.request import RenderRequest

CONTROL_HZ = 100.0
MINNAERT_HZ_M = 3.26  # f·r for an air bubble in water at 1 atm (Minnaert 1933)

# Levels are dBFS RMS of each component; a bed sums to roughly −30…−20 dBFS RMS.
RECIPES: dict[str, dict[str, Any]] = {
    "rain": {"noise": [{"lo": 500, "hi": 10000, "db": -31, "depth": 0.1, "rate_hz": 0.5}],
             "bubbles": {"rate_hz": 240, "r_mm": (0.6, 1.8), "decay_s": 0.005, "db": -27,
                         "classes": 3}},
    "wind": {"noise": [{"lo": 40, "hi": 420, "db": -24, "depth": 0.22, "rate_hz": 0.5},
                       {"lo": 420, "hi": 2200, "db": -34, "depth": 0.3, "rate_hz": 0.7}]},
    "water": {"noise": [{"lo": 150, "hi": 2500, "db": -31, "depth": 0.15, "rate_hz": 1.0},
                        {"lo": 2500, "hi": 9000, "db": -41, "depth": 0.15, "rate_hz": 1.0}],
              "bubbles": {"rate_hz": 90, "r_mm": (1.5, 9.0), "decay_s": 0.012, "db": -26,
                          "classes": 4}},
    "waves": {"noise": [{"lo": 60, "hi": 1800, "db": -25, "depth": 0.12, "rate_hz": 0.4,
                         "swell": 0.45, "swell_hz": 0.18},
                        {"lo": 1800, "hi": 9000, "db": -35, "depth": 0.12, "rate_hz": 0.4,
                         "swell": 0.6, "swell_hz": 0.18}]},
    "fire": {"noise": [{"lo": 30, "hi": 220, "db": -28, "depth": 0.25, "rate_hz": 0.8},
                       {"lo": 1500, "hi": 9000, "db": -42, "depth": 0.2, "rate_hz": 1.5}],
             "crackle": {"rate_hz": 30, "lo": 1500, "hi": 7000, "db": -40}},
    "crowd": {"noise": [{"lo": 250, "hi": 700, "db": -29, "depth": 0.35, "rate_hz": 4.0},
                        {"lo": 800, "hi": 2600, "db": -32, "depth": 0.35, "rate_hz": 5.0},
                        {"lo": 120, "hi": 400, "db": -34, "depth": 0.3, "rate_hz": 3.0}]},
    "traffic": {"noise": [{"lo": 25, "hi": 250, "db": -25, "depth": 0.2, "rate_hz": 0.4},
                          {"lo": 250, "hi": 2500, "db": -33, "depth": 0.25, "rate_hz": 0.5}]},
    "birds": {"noise": [{"lo": 200, "hi": 2500, "db": -38, "depth": 0.1, "rate_hz": 0.5}],
              "chirps": {"rate_hz": 14.0, "f_lo": 2200, "f_hi": 6500, "db": -24}},
    "room_tone": {"noise": [{"lo": 25, "hi": 300, "db": -42, "depth": 0.05, "rate_hz": 0.2},
                            {"lo": 300, "hi": 6000, "db": -54, "depth": 0.05, "rate_hz": 0.2}],
                  "tones": {"freqs": [50.0, 100.0, 150.0], "db": -60}},
    "insects": {"noise": [{"lo": 800, "hi": 8000, "db": -50, "depth": 0.1, "rate_hz": 0.5}],
                "tones": {"freqs": [4400.0, 4520.0], "db": -27, "pulse_hz": 32.0,
                          "chirp_hz": 2.2, "duty": 0.4}},
}


def _db(level_db: float) -> float:
    return float(10 ** (level_db / 20))


class _Band:
    """White noise through a 2nd-order band-pass, normalised to unit RMS, slowly modulated."""

    def __init__(self, spec: dict[str, float], sample_rate: int) -> None:
        hi = min(spec["hi"], 0.45 * sample_rate)
        self.b, self.a = butter(1, [spec["lo"], hi], btype="band", fs=sample_rate)
        impulse = np.zeros(sample_rate)
        impulse[0] = 1.0
        energy = float(np.sum(lfilter(self.b, self.a, impulse) ** 2))
        self.gain = _db(spec["db"]) / np.sqrt(energy)
        self.zi = np.zeros(len(self.a) - 1)
        self.depth = float(spec.get("depth", 0.0))
        a = np.exp(-2 * np.pi * float(spec.get("rate_hz", 0.5)) / CONTROL_HZ)
        self.pole = a
        self.z_state = 0.0
        self.z_norm = np.sqrt((1 + a) / (1 - a))  # one-pole output std → 1
        self.swell = float(spec.get("swell", 0.0))
        self.swell_hz = float(spec.get("swell_hz", 0.1))

    def block(self, rng: np.random.Generator, t0_s: float, size: int,
              sample_rate: int) -> np.ndarray:
        white = (rng.random(size, dtype=np.float32) - np.float32(0.5)) * np.float32(3.4641)
        y, self.zi = lfilter(self.b, self.a, white, zi=self.zi)
        env = self._envelope(rng, t0_s, size, sample_rate)
        return (y * env).astype(np.float32)

    def _envelope(self, rng: np.random.Generator, t0_s: float, size: int,
                  sample_rate: int) -> np.ndarray | float:
        if self.depth == 0 and self.swell == 0:
            return self.gain
        m = max(1, -(-size * int(CONTROL_HZ) // sample_rate))
        drive = rng.standard_normal(m) * (1 - self.pole)
        ctrl = np.empty(m + 1)
        ctrl[0] = self.z_state
        ctrl[1:], _ = lfilter([1.0], [1.0, -self.pole], drive, zi=[self.pole * self.z_state])
        self.z_state = float(ctrl[-1])
        z = ctrl * self.z_norm * self.depth
        log_env = z - self.depth**2  # E[exp(2z)] = exp(2σ²): keep the mean power at 1
        t_ctrl = t0_s + np.arange(m + 1) / CONTROL_HZ
        if self.swell:
            swell = 1 + self.swell * np.sin(2 * np.pi * self.swell_hz * t_ctrl)
            log_env = log_env + np.log(np.maximum(swell, 0.05)) - np.log1p(self.swell**2 / 2) / 2
        env = (np.exp(log_env) * self.gain).astype(np.float32)
        hop = sample_rate / CONTROL_HZ
        if hop.is_integer() and size == m * int(hop):
            # Linear ramps between control points, hop samples each (no search needed).
            ramp = np.arange(int(hop), dtype=np.float32) / np.float32(hop)
            return (env[:-1, None] + (env[1:] - env[:-1])[:, None] * ramp).ravel()
        pos = np.arange(size) * (CONTROL_HZ / sample_rate)
        return np.interp(pos, np.arange(m + 1), env).astype(np.float32)


class BedStream:
    """Yields a bed recipe block by block; state carries over so blocks join seamlessly.

    Block ``k`` (second ``k`` of the bed) draws from its own seeded stream, so a bed started
    at ``start_sample`` (a window of a long clip) is the same bed from there on, once the
    few filter states that carry over have settled (well under a second).
    """

    def __init__(self, recipe: str, sample_rate: int, seed: int, *,
                 start_sample: int = 0) -> None:
        self.spec = RECIPES[recipe]
        self.sr = sample_rate
        self.seed = seed
        self.bands = [_Band(s, sample_rate) for s in self.spec.get("noise", [])]
        rng = np.random.default_rng([seed, 31337])
        self.resonators: list[tuple[float, np.ndarray, np.ndarray]] = []
        if "bubbles" in self.spec:
            b = self.spec["bubbles"]
            radii = np.exp(rng.uniform(*np.log(np.array(b["r_mm"]) * 1e-3), b["classes"]))
            for r in radii:
                f = min(MINNAERT_HZ_M / r, 0.4 * sample_rate)
                pole = np.exp(-1 / (b["decay_s"] * sample_rate))
                a = np.array([1.0, -2 * pole * np.cos(2 * np.pi * f / sample_rate), pole**2])
                # Normalise the resonator to a unit-energy impulse response.
                h = lfilter([1.0], a, np.r_[1.0, np.zeros(int(sample_rate * 0.2))])
                self.resonators.append((1 / float(np.sqrt(np.sum(h**2))), a, np.zeros(2)))
        self.crackle_sos = None
        if "crackle" in self.spec:
            c = self.spec["crackle"]
            self.crackle_sos = butter(2, [c["lo"], c["hi"]], btype="band", fs=sample_rate,
                                      output="sos")
            self.crackle_zi = sosfilt_zi(self.crackle_sos) * 0.0
            impulse = np.r_[1.0, np.zeros(sample_rate // 5)]
            self.crackle_energy = float(np.sum(sosfilt(self.crackle_sos, impulse) ** 2))
        self.tail = np.zeros(0, dtype=np.float32)
        self.block_index, self.skip = divmod(max(start_sample, 0), sample_rate)
        self.chirp_bank = self._chirp_bank(rng) if "chirps" in self.spec else []

    def _chirp_bank(self, rng: np.random.Generator, count: int = 24) -> list[np.ndarray]:
        """This bed's birds: ``count`` seeded FM chirps (sweep plus warble), reused at random."""
        spec = self.spec["chirps"]
        bank = []
        for _ in range(count):
            dur = rng.uniform(0.04, 0.2)
            t = np.arange(int(dur * self.sr)) / self.sr
            f0 = rng.uniform(spec["f_lo"], spec["f_hi"])
            sweep = f0 * (1 + rng.uniform(-0.4, 0.4) * t / dur
                          + 0.08 * np.sin(2 * np.pi * rng.uniform(15, 40) * t))
            phase = 2 * np.pi * np.cumsum(sweep) / self.sr
            bank.append((np.sin(np.pi * t / dur) ** 2 * np.sin(phase)).astype(np.float32))
        return bank

    def blocks(self, n: int) -> Iterator[np.ndarray]:
        """Yield ``n`` samples in blocks of at most one second. Whole seconds are always
        made (then cut), so second ``k`` is the same whichever part of it is asked for."""
        done = 0
        while done < n:
            block = self._next(self.sr)[self.skip:]
            self.skip = 0
            block = block[: n - done]
            yield block
            done += block.size

    def _next(self, size: int) -> np.ndarray:
        rng = np.random.default_rng([self.seed, 271828, self.block_index])
        t0 = float(self.block_index)  # blocks are one second long
        self.block_index += 1
        out = np.zeros(size, dtype=np.float32)
        for band in self.bands:
            out += band.block(rng, float(t0), size, self.sr)
        if self.resonators:
            b = self.spec["bubbles"]
            rate = b["rate_hz"] / len(self.resonators)
            for i, (norm, a, zi) in enumerate(self.resonators):
                train = self._train(rng, rate, size)
                # Poisson grains of unit energy: output power = total grain rate per sample.
                gain = norm * _db(b["db"]) / np.sqrt(b["rate_hz"] / self.sr)
                y, zi_new = lfilter([gain], a, train, zi=zi)
                self.resonators[i] = (norm, a, zi_new)
                out += y.astype(np.float32)
        if self.crackle_sos is not None:
            c = self.spec["crackle"]
            train = self._train(rng, c["rate_hz"], size)
            y, self.crackle_zi = sosfilt(self.crackle_sos, train, zi=self.crackle_zi)
            gain = _db(c["db"]) / np.sqrt(c["rate_hz"] / self.sr * self.crackle_energy)
            out += (y * gain).astype(np.float32)
        if "tones" in self.spec:
            out += self._tones(t0, size)
        if "chirps" in self.spec:
            out += self._chirps(rng, size)
        return out

    def _train(self, rng: np.random.Generator, rate_hz: float, size: int) -> np.ndarray:
        """A Poisson impulse train, random signs, log-normal sizes (unit power per event)."""
        train = np.zeros(size)
        count = rng.poisson(rate_hz * size / self.sr)
        amps = np.exp(0.5 * rng.standard_normal(count) - 0.25) * rng.choice([-1.0, 1.0], count)
        np.add.at(train, rng.integers(0, size, count), amps)
        return train

    def _tones(self, t0: float, size: int) -> np.ndarray:
        spec = self.spec["tones"]
        t = t0 + np.arange(size) / self.sr
        sig = sum(np.sin(2 * np.pi * f * t) for f in spec["freqs"]) / np.sqrt(
            len(spec["freqs"]) / 2)
        if "pulse_hz" in spec:  # crickets: pulses inside chirps (stridulation)
            pulse = np.sin(np.pi * spec["pulse_hz"] * t) ** 2
            phase = (t * spec["chirp_hz"]) % 1.0
            gate = np.where(phase < spec["duty"], np.sin(np.pi * phase / spec["duty"]), 0.0)
            sig = sig * pulse * gate / np.sqrt(0.375 * spec["duty"] * 0.5)
        return (sig * _db(spec["db"])).astype(np.float32)

    def _chirps(self, rng: np.random.Generator, size: int) -> np.ndarray:
        spec = self.spec["chirps"]
        longest = int(0.25 * self.sr)
        buf = np.zeros(size + longest, dtype=np.float32)
        buf[: self.tail.size] += self.tail
        count = rng.poisson(spec["rate_hz"] * size / self.sr)
        starts = rng.integers(0, size, count)
        which = rng.integers(0, len(self.chirp_bank), count)
        gains = np.exp(0.3 * rng.standard_normal(count)).astype(np.float32)
        for start, k, g in zip(starts, which, gains, strict=True):
            chirp = self.chirp_bank[k]
            buf[start:start + chirp.size] += g * chirp
        self.tail = buf[size:].copy()
        mean_energy = spec["rate_hz"] * 0.12 * 0.375 * 0.5 * np.exp(0.18)
        return buf[:size] * np.float32(_db(spec["db"]) / np.sqrt(mean_energy))


def stream(req: RenderRequest, block_s: float = 1.0) -> Iterator[np.ndarray]:
    """Yield the bed of ``req`` block by block (1 s blocks)."""
    recipe = req.row["recipe"]
    yield from BedStream(recipe, req.sample_rate, req.seed,
                         start_sample=req.origin).blocks(req.n)


def render(req: RenderRequest) -> np.ndarray:
    """The whole bed of ``req``: blocks written into one preallocated array."""
    out = np.empty(req.n, dtype=np.float32)
    pos = 0
    for block in stream(req):
        out[pos:pos + block.size] = block
        pos += block.size
    return out
