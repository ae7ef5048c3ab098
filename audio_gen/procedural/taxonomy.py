"""The sound taxonomy as data: every ``family/variant`` key and the parameters it renders with.

Adding a sound is adding a row here. ``kind`` picks the renderer (``modal``, ``transient``,
``swish``, ``syrinx``, ``crackle``, ``footsteps``, ``texture``, ``engine``, ``tyres``,
``rotor``, ``rail``, ``bed``);
the other fields are that renderer's parameters. ``recorded`` rows (animals, paper, bells, …)
are sounds only the recorded library has; they name a procedural ``fallback``. Every row says
whether it is ``continuous`` (plays over the whole clip, following its object) or event-driven
(one sound per ``LayerEvent``): a row may state it, else its kind decides
(:data:`CONTINUOUS_KINDS`). :func:`is_continuous` is the one place the planner, the CLI and
the neural prompts ask.
"""

from __future__ import annotations

import difflib
from typing import Any

from vidfoley.pipeline.errors import PlanError

# Kinds that sound over time (a texture, a motor, a bed); a row's own "continuous" wins.
CONTINUOUS_KINDS = ("texture", "engine", "tyres", "rotor", "rail", "bed")
RECORDED = "recorded"  # a row only the sound library plays (see ``_rec``)

_M = "modal"


def _rec(fallback: str | None, continuous: bool, description: str) -> dict[str, Any]:
    """A row the library plays from recordings: ``fallback`` is the procedural key that
    stands in where no recording is there (None: silence), ``continuous`` whether it plays
    over the clip instead of once per event."""
    return {"kind": RECORDED, "fallback": fallback, "continuous": continuous,
            "description": description}


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
                            "level_db": -10.0,
                            "description": "closed hi-hat: short bright metal tick"},
    "impact/ball": {"kind": _M, "material": "ball", "shape": "sphere",
                    "description": "a hollow ball bouncing: short pock"},
    "impact/ball/tennis": {"kind": _M, "material": "ball", "shape": "sphere", "size_m": 0.067,
                           "description": "tennis ball bounce: felt-covered pock"},
    "impact/ball/squash": {"kind": _M, "material": "ball", "shape": "sphere", "size_m": 0.04,
                           "alpha": 900.0, "description": "squash ball: small dead thock"},
    # Its own damping (a cork head in a feather or plastic skirt: a dead tick), whatever
    # material the prompt gives the skirt; plastic's would ring it for half a second.
    "impact/ball/badminton": {"kind": _M, "material": "cardboard", "shape": "shell",
                              "size_m": 0.03, "alpha": 220.0,
                              "description": "shuttlecock hit: light tick"},
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
    # ---------------------------------------------------------------- recorded sounds
    # Sounds the procedural engine cannot make: the library plays a recording; without
    # one the engine renders ``fallback`` (a procedural key, or nothing where None).
    # animals
    "animal/dog/bark": _rec("impact/generic", False, "a dog barking"),
    "animal/dog/yap": _rec("impact/generic", False, "a small dog or puppy yapping: high, short"),
    "animal/dog/growl": _rec(None, False, "a dog or wolf growling and snarling"),
    "animal/dog/howl": _rec(None, False, "a dog howling"),
    "animal/wolf/howl": _rec(None, False, "a wolf or coyote howling"),
    "animal/cat/meow": _rec(None, False, "a cat meowing"),
    "animal/cow/moo": _rec(None, False, "a cow mooing"),
    "animal/sheep/bleat": _rec(None, False, "a sheep or lamb bleating: baa"),
    "animal/goat/bleat": _rec(None, False, "a goat bleating"),
    "animal/horse/neigh": _rec(None, False, "a horse neighing"),
    "animal/horse/snort": _rec(None, False, "a horse snorting"),
    "animal/horse/gallop": _rec("footsteps/gravel", True, "hooves of a galloping horse"),
    "animal/pig/oink": _rec(None, False, "a pig grunting: oink"),
    "animal/pig/squeal": _rec(None, False, "a pig squealing"),
    "animal/chicken/cluck": _rec(None, False, "a hen clucking"),
    "animal/chicken/rooster": _rec(None, False, "a rooster crowing: cock-a-doodle-doo"),
    "animal/duck/quack": _rec(None, False, "a duck quacking"),
    "animal/duck/goose": _rec(None, False, "a goose honking"),
    "animal/bird/song": _rec("bed/birds", False, "a songbird singing or chirping"),
    # A parrot's squawk is a harmonic call swept upward (procedural/syrinx.py): the library's
    # squawks are broadband noise, 13 dB short at 1-2 kHz on the shared parrot.
    "animal/bird/squawk": {"kind": "syrinx", "size_m": 0.4, "call_s": 0.3, "rise": 1.35,
                           "tilt": 2.0, "noise_mix": 0.1, "formant_q": 2.0,
                           "description": "a parrot or large bird squawking"},
    "animal/bird/crow": _rec(None, False, "a crow or raven cawing"),
    "animal/bird/owl": _rec(None, False, "an owl hooting"),
    "animal/bird/seagull": _rec(None, False, "seagulls crying"),
    "animal/bird/pigeon": _rec(None, False, "a pigeon or dove cooing"),
    "animal/bird/turkey": _rec(None, False, "a turkey gobbling"),
    "animal/bird/woodpecker": _rec("impact/wood", False, "a woodpecker drumming on wood"),
    "animal/frog/croak": _rec(None, False, "a frog croaking"),
    "animal/insect/buzz": _rec("bed/insects", True, "a bee, bumblebee or mosquito buzzing"),
    "animal/big_cat/roar": _rec(None, False, "a lion or tiger roaring"),
    "animal/bear/growl": _rec(None, False, "a bear growling"),
    "animal/elephant/trumpet": _rec(None, False, "an elephant trumpeting"),
    "animal/camel/grunt": _rec(None, False, "a camel grunting"),
    "animal/gorilla/roar": _rec(None, False, "a gorilla roaring"),
    "animal/snake/rattle": _rec(None, False, "a rattlesnake's rattle"),
    "animal/snake/hiss": _rec(None, False, "a snake hissing"),
    "animal/sea_lion/bark": _rec(None, False, "a sea lion or seal barking"),
    "animal/squirrel/chatter": _rec(None, False, "a squirrel chattering"),
    "animal/bat/squeak": _rec(None, False, "a bat squeaking"),
    "animal/penguin/call": _rec(None, False, "a penguin calling"),
    # impacts and materials the modal tables do not hold
    "impact/soft": _rec("impact/rubber", False, "a soft or padded thing hit: cushion, bag, "
                        "mattress"),
    "impact/punch": _rec("impact/rubber", False, "a punch or blow on a body"),
    "impact/ice": _rec("impact/glass", False, "ice struck or chipped: glassy crack"),
    "impact/drum/hand": _rec("impact/drum", False, "a hand drum (tabla, bongo) struck"),
    "impact/drum/roll": _rec("impact/drum/snare", False, "a snare drum roll"),
    "impact/drum/cowbell": _rec("impact/metal", False, "a cowbell struck"),
    "wood/creak": _rec(None, False, "wood creaking under strain: floorboard, tree, ship"),
    "wood/crack": _rec("impact/wood", False, "wood cracking or snapping: a trunk giving way"),
    "debris/rock": _rec("impact/stone", False, "rocks falling and tumbling: rockfall, rubble"),
    "break/tool": _rec("impact/metal", False, "a tool or metal part snapping"),
    "chop/axe": _rec("impact/wood", False, "an axe chopping into a log"),
    # What radiates a chop is the board under the blade, a kitchen board of about 40 x 30 cm
    # (0.39 m across as a disc of its area), not the block or log the recordings were made on.
    "knife/chop": {**_rec("impact/wood", False, "a blade chopping on a board"),
                   "radiator_m": 0.39},
    "saw/cut": _rec("motor/generic", False, "a saw cutting through wood"),
    "scissors/cut": _rec("click/generic", False, "scissors or shears snipping"),
    "dig/gravel": _rec("footsteps/gravel", False, "a shovel digging into gravel or earth"),
    # doors, lids, locks
    "door/open": _rec("door/slam", False, "a door opening: latch and swing"),
    "door/close": _rec("door/slam", False, "a door closing: swing and latch"),
    "door/creak": _rec(None, False, "a door's hinges creaking"),
    "door/knock": _rec("impact/wood", False, "knuckles knocking on a door"),
    "lid/open": _rec("door/slam", False, "a chest or box lid opening"),
    "lid/close": _rec("door/slam", False, "a chest or box lid closing"),
    "lock/click": _rec("click/generic", False, "a lock or latch turning"),
    "lever/pull": _rec("click/generic", False, "a lever or switch thrown"),
    # steps on grounds the footsteps model does not have
    "footsteps/metal": _rec("footsteps/concrete", False, "footsteps on a metal floor or grate"),
    "footsteps/sand": _rec("footsteps/gravel", False, "footsteps on sand"),
    "footsteps/ice": _rec("footsteps/concrete", False, "footsteps on ice"),
    "footsteps/water": _rec(None, False, "footsteps wading through shallow water"),
    # weapons, blasts
    "gunshot/shotgun": _rec("gunshot/rifle", False, "a shotgun or musket shot: big blast"),
    "gunshot/automatic": _rec("gunshot/rifle", False, "an automatic weapon's burst"),
    "gunshot/ricochet": _rec(None, False, "a bullet ricocheting or hitting the ground"),
    "gun/cock": _rec("click/generic", False, "a gun cocked, pumped or reloaded"),
    "bow/shoot": _rec("swish/generic", False, "a bow released: string twang and arrow"),
    "explosion/fireworks": _rec("explosion/generic", False, "fireworks: launch, bang and "
                                "crackle"),
    "explosion/distant": _rec("explosion/generic", False, "a distant explosion: low boom"),
    "rumble/earthquake": _rec("thunder/rumble", False, "an earthquake's deep rumble"),
    # water, fire, air
    "water/splash": _rec(None, False, "something splashing into water"),
    "water/pour": _rec("bed/water", True, "water pouring or flowing: a tap, a spout, a brook"),
    "water/drip": _rec(None, False, "a water drop falling"),
    "water/bubble": _rec(None, False, "bubbles rising in water"),
    "water/boil": _rec("bed/water", True, "water boiling in a pot"),
    "bed/waterfall": _rec("bed/water", True, "a waterfall's roar"),
    "bed/underwater": _rec("bed/water", True, "underwater: muffled bubbling"),
    "bed/furnace": _rec("bed/fire", True, "a furnace or kiln roaring"),
    "fire/ignite": _rec(None, False, "a match struck or a fire flaring up"),
    "fire/fuse": _rec(None, True, "a burning fuse or sparkler fizzing"),
    "fire/sizzle": _rec(None, False, "a hiss of steam or a sizzle"),
    "wind/gust": _rec("swish/generic", False, "a single gust or puff of air"),
    "air/spray": _rec(None, False, "a spray can or steam valve hissing"),
    "air/inflate": _rec(None, False, "air pumped into a balloon"),
    "pop/balloon": _rec("click/generic", False, "a balloon popping"),
    # cloth, paper, writing
    "cloth/rustle": _rec("scrape/generic", False, "clothes or fabric rustling"),
    "cloth/zipper": _rec("scrape/generic", False, "a zipper pulled"),
    "rustle/leaves": _rec("scrape/generic", False, "leaves or a bush rustling"),
    # Paper is a crackle of fibre breaks (procedural/crackle.py); no free source holds a
    # recording of paper, and the cloth and leaf rustles filed under these keys are not it.
    # A tear running at ~0.3 m/s breaks the fibres it crosses, a bundle every ~50 µm (two
    # fibre widths): 6000 breaks a second, a dense crackle; a crumple buckles slower,
    # sparser (a ridge every 2 mm at 0.1 m/s: 50 a second) and weaker (energies to 100).
    "paper/rustle": {"kind": "crackle", "size_m": 0.3, "stroke_s": 0.4, "tear_speed_m_s": 0.1,
                     "break_spacing_m": 2e-3, "energy_exponent": 1.3, "energy_span": 100.0,
                     "level": 0.04, "description": "paper rustling or crumpled"},
    "paper/tear": {"kind": "crackle", "size_m": 0.3, "stroke_s": 0.25, "tear_speed_m_s": 0.3,
                   "break_spacing_m": 5e-5, "energy_exponent": 1.3, "energy_span": 1000.0,
                   "level": 0.006, "description": "a sheet of paper torn"},
    "writing/pencil": _rec("scrape/generic", False, "a pencil writing or an eraser rubbing"),
    "writing/chalk": _rec("scrape/generic", False, "chalk on a blackboard"),
    "squeak/screech": _rec("squeak/shoe", False, "a high screech (chalk, a rusty part)"),
    "squeak/toy": _rec("squeak/shoe", False, "a squeaky rubber toy"),
    # small things
    "snap/finger": _rec("click/generic", False, "fingers snapping"),
    "snap/rope": _rec("click/generic", False, "a rope or string snapping"),
    "clock/tick": _rec("click/generic", True, "a clock or watch ticking"),
    "coin/drop": _rec("impact/metal", False, "coins dropping or clinking"),
    "chain/rattle": _rec("scrape/metal", False, "a chain rattling"),
    "eat/bite": _rec(None, False, "a bite into something crunchy; chewing"),
    "eat/crack": _rec(None, False, "an egg or shell cracking"),
    "whistle/referee": _rec(None, False, "a referee's whistle blown"),
    # bells, horns, instruments
    "bell/small": _rec("impact/metal", False, "a small bell or chime ringing"),
    "bell/church": _rec("impact/metal", False, "church bells tolling"),
    "bell/doorbell": _rec(None, False, "a doorbell: ding-dong or buzz"),
    "bell/bicycle": _rec("impact/metal", False, "a bicycle bell ringing"),
    "horn/car": _rec(None, False, "a car or bicycle horn honking"),
    "horn/train": _rec(None, False, "a train's whistle"),
    "instrument/guitar": _rec(None, False, "a guitar plucked or strummed"),
    "instrument/piano": _rec(None, False, "a piano played"),
    # Tuned bars struck with mallets: the modal model's bar of the material is the sound
    # meant; a recorded knock or clang of the material is not (untuned, another shape).
    "instrument/marimba": {"kind": _M, "material": "wood", "shape": "tuned_bar",
                           "notes": 12,
                           "description": "a marimba or xylophone: tuned wooden bars under "
                           "mallets"},
    # A plucked bass string: the modal model's ideal string (harmonics n·f₁). Nominal D2
    # (73 Hz) for a 1.9 m double bass, a note per hit within a fifth of it (its lower two
    # octaves, where pizzicato lines sit). Damping: the fundamental rings about 2 s, the
    # tenth harmonic 0.3 s (a pizzicato's bright onset dies first); a fingertip's soft pluck
    # (about 1 ms on a 1.9 m string) rolls the harmonics off above ~500 Hz. The library's
    # guitar chords are another instrument, an octave or two higher.
    "instrument/bass": {"kind": _M, "material": "wood", "shape": "string", "notes": 7,
                        "size_m": 1.9, "f_ref_hz": 73.4, "alpha": 6.0, "beta": 2e-6,
                        "tau_ref_s": 1.6e-4, "detune": 0.001,
                        "description": "a double bass or bass guitar plucked: low string "
                        "notes"},
    "instrument/glockenspiel": _rec("impact/metal", False,
                                    "a glockenspiel or vibraphone: tuned metal bars"),
    # engines and machines
    "engine/airplane": _rec("engine/helicopter", True, "a propeller aircraft's engine"),
    "engine/jet": _rec("engine/helicopter", True, "a jet engine: roar and whine"),
    "engine/steam": _rec("engine/train", True, "a steam engine's chuffing pistons"),
    "machine/lift": _rec("motor/generic", True, "a lift or hoist running"),
    "machine/pump": _rec("motor/generic", True, "a pump jack or pumping machine"),
    "machine/wheels": _rec("motor/generic", True, "wooden wheels and gears turning"),
    "machine/drill": _rec("motor/generic", False, "a drill grinding into rock"),
}

for _row in TAXONOMY.values():
    _row.setdefault("continuous", _row["kind"] in CONTINUOUS_KINDS)

# An animal's calls come from one voice: a call cannot start while the last one sounds, and
# between calls the animal breathes in. Inhaling takes at least about as long as the call it
# feeds (vocalising spends breath at roughly the rate quiet inhalation refills it), and never
# less than BREATH_S, the shortest breath of a calling dog or bird in a bout. So a voice's
# onsets are at least ``call + max(call, BREATH_S)`` apart.
VOICE_FAMILIES = ("animal",)
BREATH_S = 0.4

# Materials (SceneObject.material) → the impact key that sounds like them.
MATERIAL_IMPACT = {
    "generic": "impact/generic", "metal": "impact/metal", "aluminium": "impact/aluminium",
    "wood": "impact/wood", "softwood": "impact/softwood", "glass": "impact/glass",
    "ceramic": "impact/ceramic", "stone": "impact/stone", "plastic": "impact/plastic",
    "rubber": "impact/rubber", "cardboard": "impact/cardboard", "drum_skin": "impact/drum",
    "ball": "impact/ball",
}


def known(key: object) -> dict[str, Any] | None:
    """The row of ``key`` (case and surrounding spaces ignored), or ``None`` for free text
    or a key not in the taxonomy."""
    return TAXONOMY.get(key.strip().lower()) if isinstance(key, str) else None


def lookup(key: str) -> dict[str, Any]:
    """The row of ``key``; raises :class:`PlanError` with close matches if it is unknown."""
    row = known(key)
    if row is not None:
        return row
    close = difflib.get_close_matches(str(key), list(TAXONOMY), n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "run `vidfoley sounds list`."
    raise PlanError(f"sound {key!r} is not a procedural sound key; {hint}")


def is_continuous(key: str) -> bool:
    """Whether the sound ``key`` plays over the whole clip instead of once per event (its
    row's ``continuous``); free text or a key not in the taxonomy is event-driven."""
    row = known(key)
    return bool(row is not None and row["continuous"])


# A layer's ``params[LOAD_PARAM] == HIGH_LOAD``: its engine works hard (the prompt says it
# races, accelerates or revs), so it sounds at high rpm, not idling.
LOAD_PARAM, HIGH_LOAD = "load", "high"


def is_engine(key: str) -> bool:
    """Whether ``key`` is an engine or motor (its row's kind), whose sound follows rpm and
    load; free text or a key not in the taxonomy is not."""
    row = known(key)
    return bool(row is not None and row["kind"] == "engine")


def radiator_m(key: str) -> float | None:
    """Across how much (m) the thing that radiates ``key``'s hits is, where its row says
    (``radiator_m``: a chop's board): below ka = 1 of it, a recording's lows made on
    something bigger do not sound. ``None`` for other keys."""
    row = known(key)
    value = row.get("radiator_m") if row is not None else None
    return float(value) if value else None


BLAST_RECIPES = ("gunshot", "explosion")


def is_blast(key: str) -> bool:
    """Whether ``key`` is a blast, a gunshot's or an explosion's (its row's recipe, or for
    a recorded-only row its fallback's): loud enough that its echoes off the surroundings
    outdoors stand above any ambient sound. Free text or an unknown key is not."""
    if known(key) is None:
        return False
    _, row = synthesised(key)
    return bool(row is not None and row.get("recipe") in BLAST_RECIPES)


def source_level_db(key: str) -> float:
    """``key``'s typical peak level against a firm hit of another thing (its row's
    ``level_db``, 0 where it gives none): recordings are levelled to one peak, so this
    restores a mix's natural balance. A closed hi-hat peaks ~10 dB under a kick or a snare
    played as hard (close-miked kit peaks: kick and snare 125-135 dB SPL, hi-hat 110-120)."""
    row = known(key)
    return float(row.get("level_db", 0.0)) if row is not None else 0.0


# A layer's ``params[VOICES_PARAM]``: how many animals call on it, each breathing on its
# own (a group the prompt names); one when absent.
VOICES_PARAM = "voices"


def voice_gap_s(key: str, call_s: float) -> float | None:
    """The shortest onset-to-onset time of ``key``'s calls when one lasts ``call_s``: the
    call and the breath after it (see :data:`BREATH_S`); ``None`` for a key that is not a
    voice (hits of a struck thing may overlap). Only event-driven keys are voices."""
    row = known(key)
    if row is None or row["continuous"] or key.split("/", 1)[0] not in VOICE_FAMILIES:
        return None
    call = max(float(call_s), 0.0)
    return call + max(call, BREATH_S)


def synthesised(key: str) -> tuple[str, dict[str, Any] | None]:
    """The key and row the procedural engine renders ``key`` with: its own row, or for a
    recorded-only key (``"kind": "recorded"``) its ``fallback`` key's; ``None`` when that
    has no fallback (the engine then renders silence)."""
    row = lookup(key)
    if row["kind"] != RECORDED:
        return key, row
    fallback = row.get("fallback")
    return (fallback, lookup(fallback)) if fallback else (key, None)
