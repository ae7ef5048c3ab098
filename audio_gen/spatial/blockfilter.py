"""A low-order IIR filter run as matrix products over blocks: ``lfilter`` twice as fast.

``scipy.signal.lfilter`` walks the signal one sample at a time (≈ 3.5 ns a sample whatever
the order). Cut into blocks of ``L`` samples, the same recursion is exact as
``y_k = x_k·Tᵀ + z_k·O`` (T: the impulse response as a Toeplitz matrix; O: the response to
the block's initial state z_k) with ``z_{k+1} = Φ·z_k + x_k·Γ``. The per-block products are
one BLAS call for the whole signal; the state recursion runs over blocks and, for filters
whose poles are well inside the unit circle, Φ^j vanishes after a few blocks, so it is a
handful of small products too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

BLOCK = 32  # samples per block: the Toeplitz product is L² per block, the recursion 1/L
# Φ^j below this (max abs entry) is dropped: far under float32 resolution of the output.
NEGLIGIBLE = 1e-10
MAX_STATE_BLOCKS = 16  # slower decay than this (poles near z = 1): use lfilter instead


@dataclass(frozen=True)
class _BlockDesign:
    """Matrices of one filter at one block length (see the module docstring)."""

    toeplitz_t: np.ndarray  # (L, L) float32: y_k += x_k @ toeplitz_t
    gamma: np.ndarray  # (L, p) float32: state at the end of a block from its input
    response: np.ndarray  # (p, L) float32: output of a block from its initial state
    powers_t: tuple[np.ndarray, ...]  # (Φ^j)ᵀ, j = 0.. until negligible, float64


@functools.lru_cache(maxsize=32)
def _design(b: tuple[float, ...], a: tuple[float, ...], block: int) -> _BlockDesign | None:
    """The block matrices of ``lfilter(b, a)``, or None when its state decays too slowly."""
    from scipy.signal import lfilter

    bn = np.asarray(b, np.float64) / a[0]
    an = np.asarray(a, np.float64) / a[0]
    order = max(len(an), len(bn)) - 1
    if order == 0:
        return None
    eye = np.eye(block)
    _, gamma = lfilter(bn, an, eye, axis=1, zi=np.zeros((block, order)))
    toeplitz = lfilter(bn, an, eye, axis=0)  # column j: impulse at sample j
    response, phi = lfilter(bn, an, np.zeros((order, block)), axis=1, zi=np.eye(order))
    phi = phi.T  # column r: state after a block that started in state e_r
    powers = [np.eye(order)]
    while np.max(np.abs(powers[-1])) > NEGLIGIBLE:
        if len(powers) > MAX_STATE_BLOCKS:
            return None
        powers.append(phi @ powers[-1])
    return _BlockDesign(np.ascontiguousarray(toeplitz.T, np.float32),
                        gamma.astype(np.float32), response.astype(np.float32),
                        tuple(np.ascontiguousarray(p.T) for p in powers[:-1]))


def block_lfilter(b: np.ndarray, a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``scipy.signal.lfilter(b, a, x)`` from zero state for 1-D float32 ``x`` (float32 out).

    Falls back to ``lfilter`` for short signals and for filters with slowly decaying state.
    """
    from scipy.signal import lfilter

    x = np.asarray(x, np.float32)
    n = x.shape[0]
    design = _design(tuple(float(v) for v in b), tuple(float(v) for v in a), BLOCK)
    if design is None or n < 8 * BLOCK:
        return lfilter(np.asarray(b, np.float32), np.asarray(a, np.float32), x).astype(
            np.float32, copy=False)
    blocks, state = _blocks_and_state(x, design.gamma, design.powers_t)
    out = blocks @ design.toeplitz_t
    out += state.astype(np.float32) @ design.response
    return out.reshape(-1)[:n]


def _blocks_and_state(x: np.ndarray, gamma: np.ndarray,
                      powers_t: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as zero-padded rows of ``BLOCK`` samples, and the filter state at the start of
    each row: the state each row's input leaves, carried forward through the powers of the
    state transition (those still above the filter's decay floor)."""
    n = x.shape[0]
    rows = -(-n // BLOCK)
    if rows * BLOCK == n:
        blocks = x.reshape(rows, BLOCK)
    else:
        padded = np.zeros(rows * BLOCK, np.float32)
        padded[:n] = x
        blocks = padded.reshape(rows, BLOCK)
    gained = (blocks @ gamma).astype(np.float64)
    state = np.zeros_like(gained)
    for j, power_t in enumerate(powers_t):
        if j + 1 < rows:
            state[j + 1:] += gained[: rows - 1 - j] @ power_t
    return blocks, state


@dataclass(frozen=True)
class _BankDesign:
    """Several filters of one input side by side, plus the input itself as a last "filter"
    (identity, no state); their states stacked (P = Σ orders)."""

    toeplitz_t: np.ndarray  # (F + 1, L·L) float32: each filter's Toeplitz matrix, flattened
    gamma: np.ndarray  # (L, P) float32
    response: np.ndarray  # (F + 1, P·L) float32: filter f's rows of the state response
    powers_t: tuple[np.ndarray, ...]  # (P, P) block-diagonal, float64


@functools.lru_cache(maxsize=8)
def _bank(filters: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...],
          block: int) -> _BankDesign | None:
    """The block matrices of a filter bank, or None when one filter decays too slowly."""
    designs = [_design(b, a, block) for b, a in filters]
    if any(d is None for d in designs):
        return None
    orders = [d.gamma.shape[1] for d in designs]
    offsets = np.cumsum([0, *orders])
    response = np.zeros((len(designs) + 1, offsets[-1], block), np.float32)
    powers = np.zeros((max(len(d.powers_t) for d in designs), offsets[-1], offsets[-1]))
    for f, d in enumerate(designs):
        rows = slice(offsets[f], offsets[f + 1])
        response[f, rows] = d.response
        for j, power_t in enumerate(d.powers_t):
            powers[j, rows, rows] = power_t
    toeplitz = np.stack([*(d.toeplitz_t for d in designs), np.eye(block, dtype=np.float32)])
    return _BankDesign(toeplitz.reshape(len(designs) + 1, -1),
                       np.concatenate([d.gamma for d in designs], axis=1),
                       response.reshape(len(designs) + 1, -1), tuple(powers))


def mixed_lfilter(filters: tuple[tuple[np.ndarray, np.ndarray], ...], x: np.ndarray,
                  weights: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``Σ_f weights[s, f]·lfilter(*filters[f], x) + weights[s, -1]·x`` on segment ``s``.

    Segment ``s`` runs from sample ``starts[s]`` (rounded down to a whole ``BLOCK``;
    ``starts[0]`` is 0) to the next start. The filters run on ``x`` undisturbed, so a
    change of weights is a step in each filter's output gain, never a filter transient.
    The cost is about one :func:`block_lfilter` whatever the number of filters: per
    segment the weighted Toeplitz matrices are summed first, and one product filters and
    mixes at once.
    """
    from scipy.signal import lfilter

    x = np.asarray(x, np.float32)
    n = x.shape[0]
    weights = np.asarray(weights, np.float32)
    key = tuple((tuple(float(v) for v in b), tuple(float(v) for v in a)) for b, a in filters)
    bank = _bank(key, BLOCK)
    if bank is None or n < 8 * BLOCK:
        out = np.empty(n, np.float32)
        outs = [lfilter(np.asarray(b, np.float64), np.asarray(a, np.float64), x)
                for b, a in filters]
        bounds = [*(int(s) // BLOCK * BLOCK for s in starts), n]
        for w, lo, hi in zip(weights, bounds[:-1], bounds[1:], strict=True):
            seg = out[lo:hi]
            np.multiply(x[lo:hi], w[-1], out=seg)
            for f, y in enumerate(outs):
                seg += w[f] * y[lo:hi]
        return out
    blocks, state = _blocks_and_state(x, bank.gamma, bank.powers_t)
    rows = blocks.shape[0]
    state32 = state.astype(np.float32)
    out = np.empty((rows, BLOCK), np.float32)
    # Every segment's mixed Toeplitz and state-response matrices in two small products.
    mixes = (weights @ bank.toeplitz_t).reshape(-1, BLOCK, BLOCK)
    responses = (weights @ bank.response).reshape(weights.shape[0], -1, BLOCK)
    bounds = [*(min(int(s) // BLOCK, rows) for s in starts), rows]
    for mix, response, lo, hi in zip(mixes, responses, bounds[:-1], bounds[1:], strict=True):
        if hi > lo:
            np.matmul(blocks[lo:hi], mix, out=out[lo:hi])
            out[lo:hi] += state32[lo:hi] @ response
    return out.reshape(-1)[:n]
