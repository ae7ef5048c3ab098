"""The sound taxonomy as data: every ``family/variant`` key and the parameters it renders with.

Adding a sound is adding a row here. ``kind`` picks the renderer (``modal``, ``transient``,
``swish``, ``footsteps``, ``texture``, ``engine``, ``tyres``, ``rotor``, ``rail``, ``bed``);
the other fields are that renderer's parameters. Every row says whether it is
``continuous`` (plays over the whole clip, following its object) or event-driven (one sound
per ``LayerEvent``): a row may state it, else its kind decides (:data:`CONTINUOUS_KINDS`).
:func:`is_continuous` is the one place the planner, the CLI and the neural prompts ask.
"""

from __future__ import annotations

import difflib
from typing import Any

from vidfoley.pipeline.errors import PlanError

# Kinds that sound over time (a texture, a motor, a bed); a row's own "continuous" wins.
CONTINUOUS_KINDS = ("texture", "engine", "tyres", "rotor", "rail", "bed")

_M = "modal"
TAXONOMY: dict[str, dict[str, Any]] = {
    # ---------------------------------------------------------------- modal impacts
    "impact/generic": {"kind": _M, "material": "generic", "shape": "plate",
                       "description": "a generic knock on a medium-hard object"},
    "impact/metal": {"kind": _M, "material": "metal", "shape": "plate",
                     "description": "steel/iron object struck: long inharmonic ring"},
    "impact/aluminium": {"kind": _M, "material": "aluminium", "shape": "bar",
                         "description": "aluminium bar or can struck: bright, ringing"},
    "impact/wood": {"kind": _M, "material": "wood", "shape": "bar",
                    "description": "hardwood struck: short, warm knock"},
    "impact/softwood": {"kind": _M, "material": "softwood", "shape": "bar",
                        "description": "softwood or plywood struck: dull, short knock"},
    "impact/glass": {"kind": _M, "material": "glass", "shape": "shell",
                     "description": "glass (cup, bottle) struck without breaking: clear ring"},
    "impact/ceramic": {"kind": _M, "material": "ceramic", "shape": "shell",
                       "description": "ceramic or porcelain struck: bright clink"},
    "impact/stone": {"kind": _M, "material": "stone", "shape": "plate",
                     "description": "stone or concrete struck: hard, short click-thud"},
    "impact/plastic": {"kind": _M, "material": "plastic", "shape": "shell",
                       "description": "hard plastic struck: hollow tock"},
    "impact/rubber": {"kind": _M, "material": "rubber", "shape": "plate",
                      "description": "rubber struck: soft, heavily damped thud"},
    "impact/cardboard": {"kind": _M, "material": "cardboard", "shape": "plate",
                         "description": "cardboard box hit: papery, hollow thump"},
    "impact/drum": {"kind": _M, "material": "drum_skin", "shape": "membrane",
                    "description": "a tuned drum head struck"},
    "impact/drum/kick": {"kind": _M, "material": "drum_skin", "shape": "membrane",
                         "f_ref_hz": 55.0, "alpha": 14.0,
                         "description": "bass drum: deep membrane thump"},
    "impact/drum/snare": {"kind": _M, "material": "drum_skin", "shape": "membrane",
                          "f_ref_hz": 190.0,
                          "noise": {"lo_hz": 1500.0, "hi_hz": 9000.0, "decay_s": 0.09,
                                    "mix": 0.7},
                          "description": "snare: membrane plus rattling snare wires"},
    "impact/drum/tom": {"kind": _M, "material": "drum_skin", "shape": "membrane",
                        "f_ref_hz": 110.0, "description": "tom: pitched membrane boom"},
    "impact/cymbal": {"kind": _M, "material": "metal", "shape": "plate", "f_ref_hz": 420.0,
                      "n_modes": 48, "noise": {"lo_hz": 3000.0, "hi_hz": 14000.0,
                                               "decay_s": 0.6, "mix": 0.5},
                      "description": "cymbal crash: dense shimmering metal plate"},
    "impact/cymbal/hihat": {"kind": _M, "material": "metal", "shape": "plate",
                            "f_ref_hz": 900.0, "n_modes": 40, "alpha": 60.0,
                            "noise": {"lo_hz": 6000.0, "hi_hz": 16000.0, "decay_s": 0.04,
                                      "mix": 0.8},
                            "description": "closed hi-hat: short bright metal tick"},
    "impact/ball": {"kind": _M, "material": "ball", "shape": "sphere",
                    "description": "a hollow ball bouncing: short pock"},
    "impact/ball/tennis": {"kind": _M, "material": "ball", "shape": "sphere", "size_m": 0.067,
                           "description": "tennis ball bounce: felt-covered pock"},
    "impact/ball/squash": {"kind": _M, "material": "ball", "shape": "sphere", "size_m": 0.04,
                           "alpha": 900.0, "description": "squash ball: small dead thock"},
    "impact/ball/badminton": {"kind": _M, "material": "cardboard", "shape": "shell",
                              "size_m": 0.03, "description": "shuttlecock hit: light tick"},
    "impact/ball/basketball": {"kind": _M, "material": "ball", "shape": "sphere",
                               "size_m": 0.24, "alpha": 160.0,
                               "description": "basketball bounce: boomy ringing pong"},
    "impact/ball/football": {"kind": _M, "material": "ball", "shape": "sphere", "size_m": 0.22,
                             "description": "football kick or bounce: thud"},
    "impact/racket": {"kind": _M, "material": "drum_skin", "shape": "membrane", "size_m": 0.25,
                      "f_ref_hz": 520.0, "alpha": 120.0,
                      "description": "ball on racket strings: taut twang"},
    # ---------------------------------------------------------------- transients
    "gunshot/rifle": {"kind": "transient", "recipe": "gunshot", "crack": 1.0,
                      "blast_ms": 3.0, "tail_s": 0.9,
                      "description": "rifle shot: supersonic crack, muzzle blast, echo"},
    "gunshot/pistol": {"kind": "transient", "recipe": "gunshot", "crack": 0.0,
                       "blast_ms": 1.8, "tail_s": 0.6,
                       "description": "pistol shot: muzzle blast and short tail"},
    "explosion/generic": {"kind": "transient", "recipe": "explosion", "blast_ms": 30.0,
                          "tail_s": 2.5, "description": "explosion: blast wave, rumble, debris"},
    "thunder/rumble": {"kind": "transient", "recipe": "thunder", "tail_s": 5.0,
                       "description": "thunder: a crack then a rolling rumble, heard "
                       "distance_m/343 s after its flash (params.distance_m, 700 m)"},
    "door/slam": {"kind": "transient", "recipe": "door", "size_m": 2.0, "material": "wood",
                  "description": "door slam: big panel (wood, or the layer's material) plus "
                                 "latch click"},
    "glass/break": {"kind": "transient", "recipe": "glass_break", "shards": 60,
                    "tail_s": 0.7, "description": "glass breaking: hit then a shower of shards"},
    "click/generic": {"kind": "transient", "recipe": "click",
                      "description": "small mechanical click (switch, latch, button)"},
    "squeak/shoe": {"kind": "transient", "recipe": "squeak", "f_lo_hz": 900.0,
                    "f_hi_hz": 1800.0, "min_s": 0.06, "max_s": 0.22,
                    "description": "sports shoe squeaking on a polished floor as a player "
                    "stops or turns: a short stick-slip chirp"},
    # ---------------------------------------------------------------- swishes, steps
    "swish/racket": {"kind": "swish", "speed_m_s": 25.0, "width_m": 0.012,
                     "duration_s": 0.18, "description": "racket swung through the air"},
    "swish/bat": {"kind": "swish", "speed_m_s": 30.0, "width_m": 0.06, "duration_s": 0.22,
                  "description": "bat or club swung: deeper whoosh"},
    "swish/generic": {"kind": "swish", "speed_m_s": 12.0, "width_m": 0.03,
                      "duration_s": 0.3, "description": "something passing fast: whoosh"},
    "footsteps/wood": {"kind": "footsteps", "surface": "wood",
                       "description": "footsteps on a wooden floor"},
    "footsteps/concrete": {"kind": "footsteps", "surface": "concrete",
                           "description": "footsteps on concrete or tiles"},
    "footsteps/gravel": {"kind": "footsteps", "surface": "gravel",
                         "description": "footsteps crunching on gravel"},
    "footsteps/grass": {"kind": "footsteps", "surface": "grass",
                        "description": "footsteps on grass"},
    "footsteps/snow": {"kind": "footsteps", "surface": "snow",
                       "description": "footsteps squeaking and crunching on snow"},
    # ---------------------------------------------------------------- contact textures
    "scrape/generic": {"kind": "texture", "mode": "scrape", "material": "generic",
                       "speed_m_s": 0.8, "description": "sliding or scraping contact"},
    "scrape/metal": {"kind": "texture", "mode": "scrape", "material": "metal",
                     "speed_m_s": 0.8, "description": "metal scraping: bright, ringing grind"},
    "scrape/wood": {"kind": "texture", "mode": "scrape", "material": "wood",
                    "speed_m_s": 0.8, "description": "wood scraping or sliding"},
    "roll/generic": {"kind": "texture", "mode": "roll", "material": "generic",
                     "speed_m_s": 1.0, "size_m": 0.1, "description": "an object rolling"},
    "roll/ball": {"kind": "texture", "mode": "roll", "material": "ball", "speed_m_s": 2.0,
                  "size_m": 0.22, "description": "a ball rolling on the ground"},
    # ---------------------------------------------------------------- motors
    "engine/car": {"kind": "engine", "cylinders": 4, "idle_rpm": 850.0, "shift_rpm": 3200.0,
                   "gears": [3.6, 2.1, 1.4, 1.0, 0.8], "final_drive": 3.9,
                   "wheel_m": 0.65, "speed_m_s": 15.0,
                   "description": "car engine: 4-cylinder, RPM from speed with gear shifts"},
    "engine/motorbike": {"kind": "engine", "cylinders": 2, "idle_rpm": 1200.0,
                         "shift_rpm": 7000.0, "gears": [2.8, 2.0, 1.6, 1.3, 1.1, 0.95],
                         "final_drive": 5.5, "wheel_m": 0.6, "speed_m_s": 15.0,
                         "description": "motorbike: twin cylinder, revving, gear shifts"},
    "engine/truck": {"kind": "engine", "cylinders": 6, "idle_rpm": 600.0, "shift_rpm": 1900.0,
                     "gears": [6.0, 4.0, 2.6, 1.7, 1.2, 1.0, 0.8], "final_drive": 3.4,
                     "wheel_m": 1.0, "speed_m_s": 12.0,
                     "description": "truck diesel: low heavy rumble, many gears"},
    "motor/generic": {"kind": "engine", "cylinders": 2, "idle_rpm": 600.0,
                      "gears": [], "rpm_per_m_s": 1200.0, "speed_m_s": 2.0, "electric": 1.0,
                      "description": "electric motor or drone: whine that follows speed"},
    "engine/helicopter": {"kind": "rotor", "blade_hz": 11.0, "tail_hz": 85.0,
                          "speed_m_s": 20.0,
                          "description": "helicopter: main rotor's blade slap (11 Hz), tail "
                          "rotor buzz and turbine whine"},
    "engine/train": {"kind": "rail", "car_m": 20.0, "bogie_inset_m": 2.5, "bogie_m": 2.5,
                     "speed_m_s": 20.0,
                     "description": "train passing: rolling noise rising with speed and the "
                     "clack of each axle on a rail joint"},
    "tyres/roar": {"kind": "tyres", "speed_m_s": 15.0,
                   "description": "tyre roar on asphalt, rising with speed"},
    # ---------------------------------------------------------------- beds
    "bed/rain": {"kind": "bed", "recipe": "rain", "description": "steady rain: hiss and drops"},
    "bed/wind": {"kind": "bed", "recipe": "wind", "description": "gusty outdoor wind"},
    "bed/water": {"kind": "bed", "recipe": "water",
                  "description": "stream or brook: bubbling water"},
    "bed/waves": {"kind": "bed", "recipe": "waves", "description": "sea waves on a shore"},
    "bed/fire": {"kind": "bed", "recipe": "fire",
                 "description": "fire: crackle, hiss and low roar"},
    "bed/crowd": {"kind": "bed", "recipe": "crowd", "description": "crowd murmur, indistinct"},
    "bed/traffic": {"kind": "bed", "recipe": "traffic",
                    "description": "distant city traffic rumble with passing cars"},
    "bed/birds": {"kind": "bed", "recipe": "birds", "description": "birdsong in the open air"},
    "bed/room_tone": {"kind": "bed", "recipe": "room_tone",
                      "description": "quiet indoor room tone with faint hum"},
    "bed/insects": {"kind": "bed", "recipe": "insects",
                    "description": "night insects: crickets chirping"},
}

for _row in TAXONOMY.values():
    _row.setdefault("continuous", _row["kind"] in CONTINUOUS_KINDS)

# Materials (SceneObject.material) → the impact key that sounds like them.
MATERIAL_IMPACT = {
    "generic": "impact/generic", "metal": "impact/metal", "aluminium": "impact/aluminium",
    "wood": "impact/wood", "softwood": "impact/softwood", "glass": "impact/glass",
    "ceramic": "impact/ceramic", "stone": "impact/stone", "plastic": "impact/plastic",
    "rubber": "impact/rubber", "cardboard": "impact/cardboard", "drum_skin": "impact/drum",
    "ball": "impact/ball",
}


def lookup(key: str) -> dict[str, Any]:
    """The row of ``key``; raises :class:`PlanError` with close matches if it is unknown."""
    row = TAXONOMY.get(key.strip().lower()) if isinstance(key, str) else None
    if row is not None:
        return row
    close = difflib.get_close_matches(str(key), list(TAXONOMY), n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "run `vidfoley sounds list`."
    raise PlanError(f"sound {key!r} is not a procedural sound key; {hint}")


def is_continuous(key: str) -> bool:
    """Whether the sound ``key`` plays over the whole clip instead of once per event (its
    row's ``continuous``); free text or a key not in the taxonomy is event-driven."""
    row = TAXONOMY.get(key.strip().lower()) if isinstance(key, str) else None
    return bool(row is not None and row["continuous"])
