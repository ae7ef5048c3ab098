"""The timeline picture: tracks, visual events, sound layers and the original sound's onsets.

One glance shows whether the sound plan follows the picture: each object's horizontal
position over time, every visual event as a marker by kind, each layer as a row with its
triggers, and (when the clip had sound) the original onset envelope to compare against.
Each object has one colour: its track, the rim of its events' markers and its layer's row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vidfoley.pipeline.media.atomic import atomic_output
from vidfoley.pipeline.onsets import HOP_S, onset_envelope
from vidfoley.pipeline.records import Environment, SceneAnalysis, SoundPlan

EVENT_STYLE = {  # kind -> (marker, colour)
    "impact": ("v", "#d62728"), "flash": ("*", "#ff7f0e"), "contact": ("s", "#9467bd"),
    "scrape": ("s", "#8c564b"), "roll": ("o", "#8c564b"), "start": (">", "#2ca02c"),
    "stop": ("<", "#7f7f7f"), "cut": ("|", "#000000"),
}
# Object colours: none of the event kinds' colours, so a track is not read as a kind.
OBJECT_COLOURS = ("#1f77b4", "#17becf", "#e377c2", "#bcbd22", "#393b79", "#7b4173",
                  "#3182bd", "#636363")
AMBIENCE_COLOUR = "#2ca02c"
MUTED_COLOUR = "#bbbbbb"


def object_colours(scene: SceneAnalysis) -> dict[str, str]:
    """One colour per object of ``scene``, in order (the palette repeats after eight)."""
    return {obj.id: OBJECT_COLOURS[i % len(OBJECT_COLOURS)]
            for i, obj in enumerate(scene.objects)}


def draw_timeline(scene: SceneAnalysis, plan: SoundPlan | None, out_path: str | Path, *,
                  original_audio: np.ndarray | None = None,
                  sample_rate: int = 48_000) -> Path:
    """Draw the timeline of a dub to a PNG at ``out_path`` (written atomically).

    Args:
        scene: what perception saw (tracks and events).
        plan: the sound plan (its layers become rows); ``None`` to draw perception only.
        original_audio: the clip's own sound, mono, to overlay its onset envelope.
        sample_rate: rate of ``original_audio``.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    duration = max(scene.duration_s, plan.duration_s if plan else 0.0, 1e-3)
    layers = plan.layers if plan else []
    rows = 2 + (1 if original_audio is not None and original_audio.size else 0)
    heights = [3, max(1.2, 0.35 * len(layers) + 0.6)] + ([1.2] if rows == 3 else [])
    fig, axes = plt.subplots(rows, 1, figsize=(11, sum(heights) * 0.9 + 0.6), sharex=True,
                             gridspec_kw={"height_ratios": heights})
    colours = object_colours(scene)
    _draw_tracks(axes[0], scene, colours)
    _draw_places(axes[0], place_labels(scene, plan), duration)
    _draw_layers(axes[1], layers, colours)
    if rows == 3:
        _draw_original(axes[2], np.asarray(original_audio, np.float32), sample_rate)
    axes[-1].set_xlim(0, duration)
    axes[-1].set_xlabel("time (s)")
    title = (f"vidfoley timeline — {_count(len(scene.objects), 'object')}, "
             f"{_count(len(scene.events), 'event')}")
    if plan is not None:
        title += f", {_count(len(layers), 'layer')}"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return out_path


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def place_labels(scene: SceneAnalysis, plan: SoundPlan | None) -> list[tuple[float, str]]:
    """``(start_s, text)`` of each place the sound is set in: one per shot where a cut
    changes the place (the plan's shots, as edited, else perception's), else one at 0."""
    shots = plan.shots if plan is not None and plan.shots else scene.shots
    environment = plan.environment if plan is not None else scene.environment
    places = [(shot.start_s, shot.environment) for shot in shots] or [(0.0, environment)]
    return [(start, _place_text(env)) for start, env in places]


def _place_text(env: Environment) -> str:
    where = "indoors" if env.indoor else "outdoors"
    label = env.label if env.label not in ("", "generic", where) else ""
    room = f", reverb {env.rt60_s:.1f} s" if env.indoor else ""
    return f"{label + ': ' if label else ''}{where}{room}"


def _draw_places(ax, places: list[tuple[float, str]], duration: float) -> None:
    """Each place's name at its start, every other shot lightly shaded."""
    for i, (start, text) in enumerate(places):
        end = places[i + 1][0] if i + 1 < len(places) else duration
        if i % 2:
            ax.axvspan(start, end, color="#000000", alpha=0.05, lw=0, zorder=0)
        ax.text(start + 0.005 * duration, -0.02, text, fontsize=7, color="#444444",
                va="bottom", ha="left", zorder=4)


def _draw_tracks(ax, scene: SceneAnalysis, colours: dict[str, str]) -> None:
    for obj in scene.objects:
        if obj.track:
            t = [p.t_s for p in obj.track]
            x = [p.x for p in obj.track]
            ax.plot(t, x, color=colours[obj.id], lw=1.5,
                    label=f"{obj.id}: {obj.label} ({obj.sound})")
    seen: set[str] = set()
    for event in scene.events:
        marker, colour = EVENT_STYLE.get(event.kind, ("o", "#333333"))
        if event.kind == "cut":
            ax.axvline(event.t_s, color=colour, lw=1, ls="--",
                       label="cut" if "cut" not in seen else None)
            seen.add("cut")
            continue
        if event.duration_s > 0:  # a contact that lasts: a band along it, start to end
            t, x = _span_path(scene, event)
            ax.plot(t, x, color=colour, lw=5, alpha=0.45, solid_capstyle="butt", zorder=2)
        # The rim says whose event it is (black: nobody's).
        owner = colours.get(event.object_id or "")
        ax.scatter([event.t_s], [event.x], marker=marker, s=30 + 50 * event.strength,
                   color=colour, edgecolors=owner or "black",
                   linewidths=1.4 if owner else 0.4, zorder=3,
                   label=event.kind if event.kind not in seen else None)
        seen.add(event.kind)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("x (left → right)")
    ax.set_title("what perception saw: tracks and visual events", fontsize=9, loc="left")
    if ax.get_legend_handles_labels()[0]:  # no empty legend box for an empty scene
        from matplotlib.collections import PathCollection

        # Above the panel, right of its title: inside it would hide the tracks at the top.
        legend = ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3,
                           frameon=False, borderaxespad=0.2)
        for handle in legend.legend_handles:  # a kind's key (a marker) belongs to no object
            if isinstance(handle, PathCollection):
                handle.set_edgecolor("black")
                handle.set_linewidth(0.4)


def _span_path(scene: SceneAnalysis, event) -> tuple[list[float], list[float]]:
    """Times and x of ``event``'s object over the event's span (flat at the event's x
    where the object has no track there)."""
    end = event.t_s + event.duration_s
    obj = next((o for o in scene.objects if o.id == event.object_id), None)
    inside = [p for p in (obj.track if obj else []) if event.t_s <= p.t_s <= end]
    if len(inside) < 2:
        return [event.t_s, end], [event.x, event.x]
    return [event.t_s] + [p.t_s for p in inside], [event.x] + [p.x for p in inside]


def _draw_layers(ax, layers, colours: dict[str, str]) -> None:
    for row, layer in enumerate(layers):
        y = len(layers) - 1 - row
        colour = layer_colour(layer, colours)
        for e in layer.events:
            if e.duration_s > 0:
                ax.hlines(y, e.t_s, e.t_s + e.duration_s, color=colour, lw=6, alpha=0.4)
        if layer.events:
            ax.vlines([e.t_s for e in layer.events], y - 0.35, y - 0.35 +
                      0.7 * np.array([max(e.strength, 0.15) for e in layer.events]),
                      color=colour, lw=1.5)
        else:
            ax.axhspan(y - 0.3, y + 0.3, color=colour, alpha=0.25)
        muted = " (muted)" if layer.mute else ""
        ax.text(0.002, y + 0.38, f"{layer.id}: {layer.sound} {layer.gain_db:+.0f} dB{muted}",
                transform=ax.get_yaxis_transform(), fontsize=7, va="top")
    ax.set_ylim(-0.6, max(len(layers), 1) - 0.2)
    ax.set_yticks([])
    ax.set_title("sound layers", fontsize=9, loc="left")


def layer_colour(layer, colours: dict[str, str]) -> str:
    """A layer's row colour: its object's, green for ambience, grey when muted."""
    if layer.mute:
        return MUTED_COLOUR
    if layer.kind != "object":
        return AMBIENCE_COLOUR
    return colours.get(layer.object_id or layer.id, OBJECT_COLOURS[0])


def _draw_original(ax, audio: np.ndarray, sample_rate: int) -> None:
    envelope = onset_envelope(audio, sample_rate)
    if envelope.size and envelope.max() > 0:
        envelope = envelope / envelope.max()
    ax.fill_between(np.arange(envelope.size) * HOP_S, envelope, color="#555555", alpha=0.6)
    ax.set_ylim(0, 1.05)
    ax.set_yticks([])
    ax.set_title("original sound: onset envelope", fontsize=9, loc="left")
