"""The prompt vocabulary as data: words and phrases mapped to sound-taxonomy keys.

Rows are ``(words, kind, payload)``. ``kind`` is ``object`` (a sounding thing:
``sound``, ``material``, ``role`` in impact | flash | continuous | contact, ``size_m``),
``material`` (a material word: the material of the object it stands right before, "a
steel ball", or after with "of" or "made of", "a ball of steel", and of generic impacts;
with a ``noun``, the object it names alone, "a glass of water"), ``bed`` (an ambience key,
optionally with ``weather``) or ``place`` (environment hints: ``indoor``, ``label``,
``room_size_m``, ``rt60_s`` and default ``ambience``). Words are matched singular.
"""

from __future__ import annotations

from typing import Any


def _o(sound: str, material: str = "generic", role: str = "impact",
       size_m: float = 0.3, label: str = "", weak: str | None = None,
       in_time: bool = False, needs: tuple[str, ...] = ()) -> dict[str, Any]:
    # ``weak``: a sound-key prefix; the row is dropped when a stronger row with a sound
    # under that prefix also matched ("rifle shots" is a rifle, not a rifle and a pistol).
    # ``in_time``: played to a beat (an instrument): its hits may be put on their grid.
    # ``needs``: materials of which the prompt must name something for the row to hold
    # ("breaking" is glass breaking only where a glass or a plate is named).
    # A row may add ``ambience`` (and ``weather``): a word that names both ("thunderstorm").
    return {"sound": sound, "material": material, "role": role, "size_m": size_m,
            "label": label, "weak": weak, "in_time": in_time, "needs": needs}


def _p(label: str, indoor: bool, room_size_m: float, rt60_s: float,
       ambience: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"label": label, "indoor": indoor, "room_size_m": room_size_m, "rt60_s": rt60_s,
            "ambience": list(ambience)}


# Room sizes and RT60s are typical values (sports halls 1.5-2.5 s, studios 0.2-0.4 s).
ROWS: tuple[tuple[tuple[str, ...], str, dict[str, Any]], ...] = (
    # ---- balls and rackets
    (("squash", "squash ball"), "object", _o("impact/ball/squash", "rubber", size_m=0.04,
                                             label="squash ball")),
    (("tennis", "tennis ball"), "object", _o("impact/ball/tennis", "ball", size_m=0.07,
                                             label="tennis ball")),
    (("badminton", "shuttle", "shuttlecock", "birdie"), "object",
     _o("impact/ball/badminton", "plastic", size_m=0.07, label="shuttlecock")),
    (("basketball",), "object", _o("impact/ball/basketball", "ball", size_m=0.24,
                                   label="basketball")),
    (("football", "soccer", "soccer ball"), "object",
     _o("impact/ball/football", "ball", size_m=0.22, label="football")),
    # Hard balls: a billiard ball's click, a golf ball's, the knock of a cork-and-leather ball.
    (("ping pong", "ping pong ball", "table tennis"), "object",
     _o("impact/ball", "plastic", size_m=0.04, label="ping pong ball")),
    (("pool ball", "billiard", "billiard ball", "snooker", "snooker ball", "cue ball"),
     "object", _o("impact/ball", "plastic", size_m=0.057, label="pool ball")),
    (("golf", "golf ball"), "object", _o("impact/ball", "plastic", size_m=0.043,
                                         label="golf ball")),
    (("golf club",), "object", _o("impact/metal", "metal", size_m=0.1, label="golf club")),
    (("baseball",), "object", _o("impact/ball", "wood", size_m=0.073, label="baseball")),
    (("cricket ball", "cricket match", "cricket game"), "object",
     _o("impact/ball", "wood", size_m=0.072, label="cricket ball")),
    (("puck", "hockey puck", "hockey", "ice hockey"), "object",
     _o("impact/rubber", "rubber", size_m=0.076, label="puck")),
    (("volleyball", "ball", "bounce", "bouncing"), "object",
     _o("impact/ball", "ball", size_m=0.1, label="ball", weak="impact/ball")),
    (("racket", "racquet", "paddle"), "object", _o("impact/racket", "plastic", size_m=0.6,
                                                   label="racket")),
    (("bat", "baseball bat", "cricket bat"), "object", _o("impact/wood", "wood", size_m=0.9,
                                                          label="bat")),
    (("swing", "swish", "whoosh"), "object", _o("swish/generic", role="contact", label="swish")),
    # ---- drums and percussion
    (("kick", "kick drum", "bass drum"), "object",
     _o("impact/drum/kick", "drum_skin", size_m=0.55, label="kick drum", in_time=True)),
    (("snare", "snare drum"), "object", _o("impact/drum/snare", "drum_skin", size_m=0.35,
                                           label="snare drum", in_time=True)),
    (("tom", "toms", "tom tom"), "object", _o("impact/drum/tom", "drum_skin", size_m=0.3,
                                              label="tom", in_time=True)),
    (("cymbal", "ride", "ride cymbal"), "object",
     _o("impact/cymbal", "metal", size_m=0.4, label="cymbal", in_time=True)),
    (("crash cymbal",), "object",
     _o("impact/cymbal", "metal", size_m=0.45, label="crash cymbal", in_time=True)),
    (("hi hat", "hihat", "hi-hat"), "object",
     _o("impact/cymbal/hihat", "metal", size_m=0.35, label="hi-hat", in_time=True)),
    (("drum", "drum kit", "drums", "drummer", "percussion", "drumstick"), "object",
     _o("impact/drum", "drum_skin", size_m=0.4, label="drum", weak="impact/",
        in_time=True)),
    # ---- weapons and blasts
    (("rifle", "shotgun", "sniper"), "object", _o("gunshot/rifle", "metal", "flash", 1.0,
                                                  "rifle")),
    (("pistol", "handgun", "revolver"), "object", _o("gunshot/pistol", "metal", "flash", 0.25,
                                                    "pistol")),
    (("gun", "gunshot", "shot", "shooting", "firing", "gunfire"), "object",
     _o("gunshot/pistol", "metal", "flash", 0.25, "gun", weak="gunshot")),
    (("explosion", "blast", "bomb", "firework", "fireworks", "detonation"), "object",
     _o("explosion/generic", role="flash", size_m=3.0, label="explosion")),
    (("lightning", "thunder"), "object",
     _o("thunder/rumble", role="flash", size_m=50.0, label="thunder")),
    (("thunderstorm",), "object", {**_o("thunder/rumble", role="flash", size_m=50.0,
                                        label="thunder"), "ambience": "bed/rain",
                                   "weather": "rain"}),
    # ---- tools and hits
    (("hammer", "hammering", "anvil", "forge", "blacksmith"), "object",
     _o("impact/metal", "metal", size_m=0.3, label="hammer")),
    (("axe", "chop", "chopping", "log"), "object", _o("impact/wood", "wood", size_m=0.5,
                                                      label="axe")),
    (("knock", "knocking", "punch", "punching", "slap", "slapping", "clap", "clapping",
      "tap", "tapping", "boxing", "boxer"), "object",
     _o("impact/generic", label="knock")),
    (("hit", "hitting", "strike", "impact", "bang"), "object",
     _o("impact/generic", label="hit", weak="")),
    (("bottle", "window", "wine glass"), "object", _o("impact/glass", "glass", size_m=0.25,
                                                      label="glass")),
    (("shatter", "shattering", "smash", "smashing", "break", "breaking"), "object",
     _o("glass/break", "glass", size_m=0.3, label="breaking", needs=("glass", "ceramic"))),
    (("plate", "cup", "mug", "bowl", "dish"), "object", _o("impact/ceramic", "ceramic",
                                                           size_m=0.2, label="dish")),
    (("rock", "stone", "brick", "pebble"), "object", _o("impact/stone", "stone", size_m=0.2,
                                                        label="stone")),
    (("can", "tin can", "pan", "pot", "bell"), "object", _o("impact/metal", "metal",
                                                            size_m=0.2, label="metal")),
    (("box", "cardboard", "parcel", "package"), "object", _o("impact/cardboard", "cardboard",
                                                             size_m=0.4, label="box")),
    (("table", "desk", "chair", "crate", "plank"), "object", _o("impact/wood", "wood",
                                                                size_m=0.8, label="wood")),
    (("door",), "object", _o("door/slam", "wood", size_m=2.0, label="door")),
    (("click", "switch", "button", "keyboard", "typing"), "object",
     _o("click/generic", "plastic", size_m=0.05, label="click")),
    (("dice", "toy", "lego"), "object", _o("impact/plastic", "plastic", size_m=0.05,
                                           label="plastic")),
    (("tyre", "tire", "skid", "screech", "burnout"), "object",
     _o("tyres/roar", "rubber", "continuous", 0.6, "tyres")),
    (("scrape", "scraping", "drag", "dragging", "slide", "sliding"), "object",
     _o("scrape/generic", role="contact", label="scrape")),
    (("roll", "rolling", "marble", "bowling"), "object", _o("roll/generic", role="contact",
                                                            label="rolling")),
    # ---- vehicles and motors
    (("car", "race car", "racecar", "dragster", "drag race", "rally car"), "object",
     _o("engine/car", "metal", "continuous", 4.5, "car")),
    # Words any vehicle may go with: a car's engine unless the prompt names the vehicle.
    (("vehicle", "engine", "accelerating", "driving"), "object",
     _o("engine/car", "metal", "continuous", 4.5, "car", weak="engine/")),
    (("helicopter", "chopper", "helicopter engine"), "object",
     _o("engine/helicopter", "metal", "continuous", 12.0, "helicopter")),
    (("train", "railway", "locomotive", "tram", "subway", "metro", "freight train",
      "train track", "railway track", "rail track", "train engine"), "object",
     _o("engine/train", "metal", "continuous", 60.0, "train")),
    (("motorbike", "motorcycle", "scooter", "moped"), "object",
     _o("engine/motorbike", "metal", "continuous", 2.0, "motorbike")),
    (("truck", "lorry", "bus", "tractor"), "object", _o("engine/truck", "metal", "continuous",
                                                        8.0, "truck")),
    (("drill", "fan", "motor", "drone", "blender", "saw", "chainsaw"), "object",
     _o("motor/generic", "metal", "continuous", 0.4, "motor")),
    # ---- footsteps
    # Steps on no named ground are on concrete, or on wood where the prompt names wood.
    (("footstep", "walking", "running", "step", "jogging", "stomp"), "object",
     _o("footsteps/concrete", "stone", size_m=0.3, label="footsteps", weak="footsteps/")),
    (("gravel",), "object", _o("footsteps/gravel", "stone", size_m=0.3, label="footsteps")),
    (("snow",), "object", _o("footsteps/snow", role="impact", size_m=0.3, label="footsteps")),
    (("walking on wood", "footsteps on wood", "steps on wood"), "object",
     _o("footsteps/wood", "wood", size_m=0.3, label="footsteps")),
    # A sole squeaks where the player plants it to stop or turn: at its track's impacts.
    (("shoe", "squeak", "squeaking", "squeaky", "sneaker"), "object",
     _o("squeak/shoe", "rubber", size_m=0.3, label="shoes")),
    # ---- materials
    (("metal", "metallic", "steel", "iron", "brass", "copper", "tin"), "material",
     {"material": "metal"}),
    (("aluminium", "aluminum"), "material", {"material": "aluminium"}),
    (("wood", "wooden", "oak"), "material", {"material": "wood"}),
    (("pine", "softwood", "balsa"), "material", {"material": "softwood"}),
    # A material word that is also a thing: the thing, unless an object follows it.
    (("glass",), "material", {"material": "glass", "noun": _o("impact/glass", "glass",
                                                              size_m=0.1, label="glass")}),
    (("ceramic", "porcelain", "china"), "material", {"material": "ceramic"}),
    (("concrete", "marble slab", "granite", "asphalt"), "material", {"material": "stone"}),
    (("plastic",), "material", {"material": "plastic"}),
    (("rubber",), "material", {"material": "rubber"}),
    # ---- ambience beds
    (("rain", "raining", "rainy", "drizzle", "storm"), "bed",
     {"ambience": "bed/rain", "weather": "rain"}),
    (("wind", "windy", "breeze", "gust"), "bed", {"ambience": "bed/wind", "weather": "windy"}),
    (("river", "stream", "water", "fountain", "waterfall", "splash"), "bed",
     {"ambience": "bed/water"}),
    (("wave", "ocean", "sea", "surf"), "bed", {"ambience": "bed/waves"}),
    (("fire", "campfire", "fireplace", "flame", "bonfire"), "bed", {"ambience": "bed/fire"}),
    (("crowd", "audience", "spectator", "fan club", "cheering", "people"), "bed",
     {"ambience": "bed/crowd"}),
    (("traffic",), "bed", {"ambience": "bed/traffic"}),
    (("bird", "birdsong"), "bed", {"ambience": "bed/birds"}),
    (("insect", "cricket", "cicada", "bee", "night"), "bed", {"ambience": "bed/insects"}),
    (("room tone", "quiet", "silence", "silent"), "bed", {"ambience": "bed/room_tone"}),
    # ---- places
    (("sports hall", "gym", "gymnasium", "arena", "court", "indoor court", "hall"), "place",
     _p("sports hall", True, 25.0, 1.8, ("bed/room_tone",))),
    (("studio", "recording studio", "rehearsal room"), "place",
     _p("studio", True, 6.0, 0.3, ("bed/room_tone",))),
    # A struck surface sets the setting, never a sounding object of its own.
    (("room", "kitchen", "bedroom", "living room", "office", "house", "indoor", "indoors",
      "inside", "floor", "floorboard", "wooden floor"), "place",
     _p("room", True, 5.0, 0.5, ("bed/room_tone",))),
    (("warehouse", "factory", "garage", "workshop", "church", "cathedral"), "place",
     _p("large hall", True, 30.0, 2.5, ("bed/room_tone",))),
    (("field", "open field", "meadow", "countryside", "outdoor", "outdoors", "outside",
      "range", "desert", "mountain"), "place", _p("open field", False, 100.0, 0.2,
                                                  ("bed/wind",))),
    (("strip", "drag strip", "track", "race track", "racetrack", "stadium"), "place",
     _p("race track", False, 100.0, 0.3, ("bed/crowd", "bed/wind"))),
    (("cave", "tunnel"), "place", _p("cave", True, 20.0, 3.0, ("bed/water",))),
    # Outdoor places that name their ambience too: the prompt says outdoors where the
    # picture may not (a park seen under a tree's canopy).
    (("park", "garden", "forest", "wood land", "woodland", "backyard", "lawn", "jungle"),
     "place", _p("park", False, 100.0, 0.2, ("bed/birds",))),
    (("beach", "shore", "coast", "seaside"), "place", _p("beach", False, 100.0, 0.1,
                                                         ("bed/waves",))),
    (("street", "road", "city", "highway", "sidewalk", "pavement"), "place",
     _p("street", False, 50.0, 0.5, ("bed/traffic",))),
)
