"""Named breeds and species as vocabulary rows: each is a known size of its kind of animal.

A user who names a Pomeranian or a great Dane says how big the dog is, and a dog's size
sets the pitch of its voice and which recordings fit it (``audio_gen.sounding_size``).
Rows are ``(words, "breed", payload)`` with ``of`` (the sound-key prefix of the animals it
sizes), ``adult`` (the sound of its kind's adult row), ``size_m`` (the breed standard's
typical adult, in the measure of its kind below), ``scale`` (that size over the kind's
typical adult: an animal of the kind that the prompt names is its adult row's size times
it, a young one's too, since how far a named breed's puppy has grown no word says) and
``names`` (the sound key a breed named alone sounds as, or ``None`` where the word alone
says nothing sounds: "a beagle" may only be running).
"""

from __future__ import annotations

from typing import Any

# A kind: the sound-key prefix of its animals, the sound of its adult's vocabulary row
# (whose size_m the breed scales) and its typical adult in the measure its breeds are
# given in.
DOG = ("animal/dog/", "animal/dog/bark", 0.6)  # height at the withers (AKC, FCI standards)
CAT = ("animal/cat/", "animal/cat/meow", 0.46)  # head and body length, tail excluded
PARROT = ("animal/bird/squawk", "animal/bird/squawk", 0.4)  # total length, beak to tail
SQUAWK = "animal/bird/squawk"
YAP = "animal/dog/yap"


def _names(*words: str) -> tuple[str, ...]:
    """``words`` and, for each ending in -ie, its -y form: the vocabulary matches words
    singular and "collies" singularises to "colly"."""
    return words + tuple(w[:-2] + "y" for w in words if w.endswith("ie"))


def _b(kind: tuple[str, str, float], size_m: float,
       names: str | None = None) -> dict[str, Any]:
    return {"of": kind[0], "adult": kind[1], "size_m": size_m,
            "scale": round(size_m / kind[2], 4), "names": names}


# Dogs: height at the withers, the middle of the breed standard's range.
_DOGS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("chihuahua",), 0.16),
    (("pomeranian", "pom"), 0.17),
    (("yorkshire terrier", "yorkie"), 0.19),
    (("pekingese",), 0.19),
    (("maltese",), 0.21),
    (("dachshund", "sausage dog", "wiener dog", "doxie"), 0.22),
    (("papillon",), 0.24),
    (("toy poodle",), 0.24),
    (("shih tzu", "shih-tzu"), 0.25),
    (("havanese",), 0.25),
    (("cairn terrier",), 0.25),
    (("lhasa apso",), 0.26),
    (("bichon frise", "bichon"), 0.27),
    (("west highland terrier", "westie"), 0.27),
    (("corgi", "pembroke welsh corgi", "cardigan welsh corgi"), 0.28),
    (("pug",), 0.29),
    (("french bulldog", "frenchie"), 0.3),
    (("jack russell", "jack russell terrier", "parson russell terrier"), 0.3),
    (("cavalier king charles spaniel", "king charles spaniel", "cavalier"), 0.31),
    (("miniature schnauzer",), 0.33),
    (("border terrier",), 0.33),
    (("basset hound", "basset"), 0.35),
    (("beagle",), 0.36),
    (("italian greyhound",), 0.36),
    (("cocker spaniel",), 0.37),
    (("bulldog", "english bulldog"), 0.37),
    (("shetland sheepdog", "sheltie"), 0.37),
    (("shiba inu", "shiba"), 0.38),
    (("staffordshire bull terrier", "staffy", "staffie"), 0.38),
    (("boston terrier",), 0.4),
    (("chow chow",), 0.47),
    (("standard schnauzer",), 0.47),
    (("pit bull", "pitbull", "pit bull terrier"), 0.48),
    (("springer spaniel", "english springer spaniel"), 0.5),
    (("border collie",), 0.51),
    (("whippet",), 0.51),
    (("australian shepherd", "aussie"), 0.53),
    (("bull terrier",), 0.53),
    (("samoyed",), 0.54),
    (("siberian husky", "husky"), 0.55),
    (("dalmatian",), 0.55),
    (("standard poodle", "poodle"), 0.55),
    (("labrador", "labrador retriever"), 0.58),
    (("golden retriever", "retriever"), 0.58),
    (("vizsla",), 0.57),
    (("boxer dog",), 0.59),
    (("german shepherd", "alsatian"), 0.61),
    (("rough collie", "collie"), 0.61),
    (("alaskan malamute", "malamute"), 0.61),
    (("rottweiler",), 0.62),
    (("bernese mountain dog",), 0.64),
    (("weimaraner",), 0.64),
    (("dogue de bordeaux",), 0.64),
    (("giant schnauzer",), 0.65),
    (("cane corso",), 0.65),
    (("doberman", "dobermann", "doberman pinscher"), 0.66),
    (("akita",), 0.66),
    (("newfoundland",), 0.69),
    (("saint bernard", "st bernard"), 0.71),
    (("greyhound",), 0.72),
    (("great pyrenees",), 0.72),
    (("great dane",), 0.76),
    (("mastiff", "english mastiff"), 0.76),
    (("irish wolfhound", "wolfhound"), 0.81),
)
# Cats: head and body length.
_CATS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("singapura",), 0.33),
    (("munchkin",), 0.38),
    (("devon rex", "cornish rex"), 0.38),
    (("sphynx",), 0.4),
    (("burmese",), 0.4),
    (("abyssinian",), 0.4),
    (("siamese",), 0.42),
    (("oriental shorthair",), 0.42),
    (("russian blue",), 0.42),
    (("scottish fold",), 0.42),
    (("persian", "exotic shorthair"), 0.43),
    (("british shorthair", "american shorthair"), 0.45),
    (("bengal cat",), 0.45),
    (("birman",), 0.45),
    (("ragdoll",), 0.5),
    (("norwegian forest cat",), 0.5),
    (("siberian cat",), 0.5),
    (("savannah cat",), 0.55),
    (("maine coon",), 0.6),
)
# Parrots: total length. Each named alone squawks, as "parrot" does.
_PARROTS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("lovebird",), 0.15),
    (("budgie", "budgerigar", "parakeet"), 0.18),
    (("lorikeet",), 0.28),
    (("quaker parrot", "monk parakeet"), 0.29),
    (("cockatiel",), 0.31),
    (("conure",), 0.3),
    (("african grey", "african gray", "grey parrot"), 0.33),
    (("galah",), 0.35),
    (("amazon parrot",), 0.38),
    (("eclectus",), 0.42),
    (("ringneck", "ring-necked parakeet"), 0.4),
    (("cockatoo",), 0.45),
    (("sulphur-crested cockatoo",), 0.48),
    (("kea",), 0.48),
    (("macaw", "scarlet macaw", "blue and gold macaw"), 0.85),
    (("hyacinth macaw",), 1.0),
)
# The toy breed a prompt most often names alone where it yaps (an older row said so).
_NAMED_ALONE = {"chihuahua": YAP}

BREED_ROWS: tuple[tuple[tuple[str, ...], str, dict[str, Any]], ...] = (
    tuple((_names(*words), "breed", _b(DOG, size, _NAMED_ALONE.get(words[0])))
          for words, size in _DOGS)
    + tuple((_names(*words), "breed", _b(CAT, size)) for words, size in _CATS)
    + tuple((_names(*words), "breed", _b(PARROT, size, SQUAWK)) for words, size in _PARROTS)
)
