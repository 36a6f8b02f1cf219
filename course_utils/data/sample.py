"""Generate the course's small *synthetic* sentiment treebank.

The real data (Rotten Tomatoes phrases from the Stanford Sentiment Treebank) may not be
committed, yet every notebook must run on a fresh clone and in CI. So the course ships a
thousand made-up movie-review sentences, written by this module in exactly the SST's
labelled-tree format: one sentence per line, a strictly binary bracketed tree, a 0-4 label
on every node::

    (3 (3 (2 The) (3 (2 film) (3 (2 is) (3 (2 quite) (3 decent))))) (2 .))

Labels: 0 negative, 1 somewhat negative, 2 neutral, 3 somewhat positive, 4 positive.
Tokens follow the Penn Treebank's conventions, as the real trees do: punctuation is split
off, contractions are split (``is n't``, ``ca n't``, ``it 's``, ``the director 's``),
parentheses are ``-LRB-``/``-RRB-`` and quotes are ``\\`\\``/``''``. A few words carry
accents (``clichés``, ``naïve``, ``café``) because the course's table builder folds them to
ASCII, as Kaggle did, and a learner should see that happen.

Why a scoring model rather than random labels: a treebank only teaches something if its
labels *compose*. Every word has a prior score in [-1, 1]; every inner node's score is a
fixed function of its two children (see :func:`_combine`), and a node's label is its score
cut at fixed thresholds (see :func:`_label`). So the labels are consistent, a bag of words
gets part of the way, and word order (negation, ``but``, intensifiers) decides the rest --
the same lesson the real data teaches. The rules, in short:

* content words carry a prior polarity; film nouns and function words are neutral;
* an intensifier (``very``, ``utterly`` ...) pushes a polar phrase away from neutral, a
  downtoner (``somewhat``, ``a bit`` ...) pulls it toward neutral;
* a negator (``not``, ``n't``, ``never`` ...) flips *and dampens*, asymmetrically:
  "not good" is 1, "not bad" is 3, "not terrible" is only 2 -- negation never yields 0 or 4;
* "X but Y" (and "although X, Y") takes its sentiment mostly from Y, and always Y's side;
* "X and Y" is about as strong as the stronger item (a list of mild faults is a mild review);
* other pairs add their scores in tanh space (so two positives make a stronger positive
  but never exceed the scale);
* punctuation is neutral and attaching it keeps the label, except ``!`` which intensifies.

The numbers a model reaches on this sample say nothing about the real data.

Everything comes from one :class:`random.Random`, and the code never iterates over a set or
a hash-ordered structure, so a seed gives byte-identical files on every platform.
Run ``python -m course_utils.data.sample`` to (re)write ``data/sample/``.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from course_utils.files import FileSet, read_text_lines, sha256_of

DEFAULT_SEED = 2019
# Sentences per split. Sized so that train holds about 6,600 distinct phrases: enough for an
# LSTM to learn negation in quick mode, small enough to commit (~180 KB) and train in seconds.
SPLITS = {"train": 720, "dev": 90, "test": 180}
CHECKSUM_FILE = "SHA256SUMS"

# --------------------------------------------------------------------------------------------
# The scoring model
# --------------------------------------------------------------------------------------------

# A score s maps to a label by these cut points: |s| < 0.2 is neutral, 0.2 <= |s| < 0.6 is
# "somewhat", |s| >= 0.6 is strong. Fixed numbers, so the mapping is the same everywhere.
NEUTRAL_BAND = 0.2
STRONG_BAND = 0.6
# Scores stay strictly inside (-1, 1) so that tanh-space addition never meets atanh(+-1).
_LIMIT = 0.99


def _label(score: float) -> int:
    """The 0-4 label of a score: symmetric bands around 0 so positive and negative mirror."""
    if score <= -STRONG_BAND:
        return 0
    if score <= -NEUTRAL_BAND:
        return 1
    if score < NEUTRAL_BAND:
        return 2
    if score < STRONG_BAND:
        return 3
    return 4


def _clip(score: float) -> float:
    return max(-_LIMIT, min(_LIMIT, score))


def _add(left: float, right: float) -> float:
    """Combine two ordinary constituents: add in tanh space, tanh(atanh(l) + atanh(r)).

    Two mildly positive phrases give a clearly positive one, opposite ones cancel, and the
    sum can never leave the scale -- unlike a plain clipped sum, which saturates quickly.
    Written as (l + r) / (1 + l r), the same value, because +, * and / are rounded
    identically on every platform while libm's tanh and atanh need not be: a label must
    not flip between machines.
    """
    return _clip((left + right) / (1.0 + left * right))


def _intensify(score: float, factor: float) -> float:
    """Push a score away from neutral by ``factor`` (> 1); a neutral phrase stays neutral."""
    return _clip(score * factor)


def _downtone(score: float, factor: float) -> float:
    """Pull a score toward neutral by ``factor`` (< 1)."""
    return score * factor


def _negate(score: float, on_neutral: float) -> float:
    """Negation flips the sign but also dampens, and not symmetrically.

    * positive -> somewhat negative at most: "not good" (0.5) -> -0.4, "not great" -> -0.5;
    * mildly negative -> somewhat positive: "not bad" (-0.55) -> 0.33;
    * strongly negative -> barely positive: "not terrible" (-0.85) -> 0.15, neutral.
    A neutral scope takes the negator's own lean (``on_neutral``): "lacks a plot" is negative,
    "not a movie" stays neutral.
    """
    if score > 0:
        return -min(0.5, 0.8 * score)
    if score < 0:
        size = -score
        if size <= 0.55:
            return 0.6 * size
        return max(0.1, 0.33 - 0.6 * (size - 0.55))
    return on_neutral


def _contrast(first: float, second: float) -> float:
    """"X but Y": three quarters Y, and never on the other side of neutral from a polar Y."""
    score = 0.75 * second + 0.25 * first
    if second >= NEUTRAL_BAND:
        score = max(score, NEUTRAL_BAND)
    elif second <= -NEUTRAL_BAND:
        score = min(score, -NEUTRAL_BAND)
    return score


def _coordinate(first: float, second: float) -> float:
    """"X and Y": like-minded items reinforce a little, not add up.

    "silly and weak" is about as negative as its stronger word, plus a fifth of the other:
    a list of mild faults is still only a mild review. Opposed items cancel as in :func:`_add`.
    """
    if first * second > 0:
        size = max(abs(first), abs(second)) + 0.2 * min(abs(first), abs(second))
        return math.copysign(min(_LIMIT, size), first)
    return _add(first, second)


@dataclass(frozen=True)
class _Node:
    """A scored constituent: a leaf (``word`` set) or a pair of children.

    ``kind`` says how the node behaves when combined: an operator word (negator,
    intensifier, downtoner, contrast, concession, punctuation) or an ordinary ``phrase``.
    ``param`` is the operator's strength (or a negator's lean on a neutral scope).
    """

    score: float
    kind: str
    param: float = 0.0
    word: str | None = None
    left: _Node | None = None
    right: _Node | None = None

    @property
    def label(self) -> int:
        return _label(self.score)

    def tokens(self) -> list[str]:
        if self.word is not None:
            return [self.word]
        assert self.left is not None and self.right is not None
        return self.left.tokens() + self.right.tokens()

    def ptb(self, capitalize: bool = False) -> str:
        """The SST bracketed form; ``capitalize`` upper-cases the first letter of the first word."""
        if self.word is not None:
            word = self.word
            if capitalize and word[:1].isalpha():
                word = word[0].upper() + word[1:]
            return f"({self.label} {word})"
        assert self.left is not None and self.right is not None
        return f"({self.label} {self.left.ptb(capitalize)} {self.right.ptb(False)})"


def _combine(left: _Node, right: _Node) -> _Node:
    """The score of a parent from its two children: the whole composition model in one place."""
    if right.kind == "punct":  # "X ," / "X ." / "X ''": punctuation keeps the label and the role
        return _Node(left.score, left.kind, left.param, left=left, right=right)
    if left.kind == "punct":  # "`` X" / "-LRB- X"
        return _Node(right.score, right.kind, right.param, left=left, right=right)
    if right.kind == "exclaim":  # "X !" shouts: a little further from neutral
        return _Node(_intensify(left.score, right.param), "phrase", left=left, right=right)
    if left.kind == "article" and right.kind == "bit":  # "a bit" is one downtoner
        return _Node(0.0, "down", right.param, left=left, right=right)
    if left.kind == "negator":
        return _Node(_negate(right.score, left.param), "phrase", left=left, right=right)
    if left.kind == "intensifier":
        return _Node(_intensify(right.score, left.param), "phrase", left=left, right=right)
    if left.kind == "down":
        return _Node(_downtone(right.score, left.param), "phrase", left=left, right=right)
    if left.kind == "conjunction":  # "and Y" carries Y until it meets its X
        return _Node(right.score, "coordinated", left=left, right=right)
    if right.kind == "coordinated":
        return _Node(_coordinate(left.score, right.score), "phrase", left=left, right=right)
    if left.kind == "contrast":  # "but Y" carries Y until it meets its X
        return _Node(right.score, "but", left=left, right=right)
    if right.kind == "but":
        return _Node(_contrast(left.score, right.score), "phrase", left=left, right=right)
    if left.kind == "concession":  # "although X" keeps X, half strength, until it meets Y
        return _Node(0.5 * right.score, "conceded", left=left, right=right)
    if left.kind == "conceded":
        return _Node(_contrast(left.score, right.score), "phrase", left=left, right=right)
    return _Node(_add(left.score, right.score), "phrase", left=left, right=right)


# --------------------------------------------------------------------------------------------
# The lexicon
# --------------------------------------------------------------------------------------------

# Polar adjectives by strength. Scores: strong ~0.7-0.9, plain ~0.4-0.55, mild ~0.15-0.35.
# The mildest (0.15: "long", "watchable") are neutral alone and tip over only when
# intensified ("very long" is 1), as in the real treebank.
_ADJECTIVES: dict[int, tuple[tuple[str, float], ...]] = {
    3: (("brilliant", 0.85), ("superb", 0.85), ("wonderful", 0.8), ("terrific", 0.8),
        ("excellent", 0.85), ("stunning", 0.8), ("masterful", 0.85), ("extraordinary", 0.8),
        ("magnificent", 0.85), ("exhilarating", 0.75), ("gorgeous", 0.7), ("remarkable", 0.7),
        ("great", 0.7), ("beautiful", 0.65), ("dazzling", 0.75)),
    2: (("good", 0.5), ("moving", 0.5), ("funny", 0.5), ("charming", 0.5), ("engaging", 0.45),
        ("lovely", 0.55), ("smart", 0.45), ("clever", 0.45), ("touching", 0.45),
        ("entertaining", 0.45), ("enjoyable", 0.45), ("compelling", 0.5), ("affecting", 0.45),
        ("fresh", 0.4), ("witty", 0.45), ("heartfelt", 0.45), ("solid", 0.4), ("poignant", 0.45),
        ("delightful", 0.55), ("powerful", 0.55), ("thoughtful", 0.4), ("memorable", 0.5),
        ("original", 0.4), ("lively", 0.4), ("vivid", 0.4), ("intelligent", 0.45),
        ("inventive", 0.5), ("absorbing", 0.45), ("sharp", 0.4), ("fun", 0.45), ("tender", 0.4)),
    1: (("decent", 0.25), ("watchable", 0.15), ("pleasant", 0.25), ("competent", 0.15),
        ("likable", 0.3), ("interesting", 0.3), ("nice", 0.3), ("amusing", 0.3),
        ("respectable", 0.25), ("sincere", 0.3), ("ambitious", 0.25), ("appealing", 0.3),
        ("warm", 0.3), ("earnest", 0.15)),
    -1: (("predictable", -0.3), ("uneven", -0.3), ("slow", -0.25), ("thin", -0.3),
         ("familiar", -0.15), ("overlong", -0.35), ("forgettable", -0.4), ("mediocre", -0.4),
         ("flat", -0.35), ("routine", -0.3), ("bland", -0.4), ("conventional", -0.15),
         ("sluggish", -0.4), ("muddled", -0.4), ("messy", -0.35), ("long", -0.15),
         ("generic", -0.4), ("derivative", -0.4), ("silly", -0.35), ("naïve", -0.3)),
    -2: (("bad", -0.55), ("dull", -0.5), ("boring", -0.55), ("tedious", -0.55), ("lame", -0.5),
         ("wooden", -0.5), ("stale", -0.45), ("pointless", -0.55), ("lifeless", -0.55),
         ("shallow", -0.45), ("tiresome", -0.5), ("clumsy", -0.45), ("incoherent", -0.55),
         ("pretentious", -0.5), ("hollow", -0.45), ("empty", -0.45), ("weak", -0.45),
         ("annoying", -0.5), ("contrived", -0.45), ("awkward", -0.4)),
    -3: (("terrible", -0.85), ("awful", -0.85), ("dreadful", -0.85), ("unwatchable", -0.9),
         ("painful", -0.7), ("horrible", -0.85), ("atrocious", -0.9), ("excruciating", -0.8),
         ("insufferable", -0.8), ("abysmal", -0.9), ("embarrassing", -0.7), ("laughable", -0.65),
         ("dire", -0.75)),
}

# Evaluative nouns ("a mess", "a triumph"), by sign.
_EVAL_NOUNS: dict[int, tuple[tuple[str, float], ...]] = {
    1: (("masterpiece", 0.9), ("gem", 0.65), ("triumph", 0.8), ("delight", 0.55),
        ("treat", 0.5), ("joy", 0.55), ("pleasure", 0.5), ("winner", 0.5)),
    -1: (("mess", -0.55), ("disaster", -0.85), ("bore", -0.5), ("chore", -0.45),
         ("failure", -0.55), ("disappointment", -0.5), ("letdown", -0.45), ("dud", -0.5),
         ("misfire", -0.45), ("slog", -0.5)),
}
# Qualities a film can have or lack ("lacks charm", "full of wit").
_VIRTUES = (("charm", 0.5), ("wit", 0.5), ("heart", 0.4), ("energy", 0.35), ("humor", 0.35),
            ("imagination", 0.45), ("suspense", 0.35), ("tension", 0.3), ("depth", 0.4),
            ("warmth", 0.4), ("surprises", 0.3))
_FLAWS = (("clichés", -0.4), ("padding", -0.35), ("plot holes", -0.45), ("false notes", -0.35))

# Polar verbs as (third person singular, plural, score).
_VERBS: dict[int, tuple[tuple[str, str, float], ...]] = {
    1: (("works", "work", 0.3), ("succeeds", "succeed", 0.45), ("shines", "shine", 0.6),
        ("sparkles", "sparkle", 0.6), ("soars", "soar", 0.7), ("delivers", "deliver", 0.35),
        ("charms", "charm", 0.5), ("impresses", "impress", 0.5)),
    -1: (("fails", "fail", -0.5), ("drags", "drag", -0.45), ("stumbles", "stumble", -0.4),
         ("falters", "falter", -0.4), ("disappoints", "disappoint", -0.55),
         ("bores", "bore", -0.5)),
}

# Intensifiers: factor by which they push a score away from neutral.
_INTENSIFIERS = (("very", 1.5), ("really", 1.5), ("extremely", 1.7), ("quite", 1.3),
                 ("so", 1.5), ("utterly", 1.7), ("truly", 1.5), ("incredibly", 1.7),
                 ("genuinely", 1.4), ("deeply", 1.5), ("thoroughly", 1.6),
                 ("surprisingly", 1.3), ("simply", 1.4), ("too", 1.4), ("most", 1.6),
                 ("real", 1.3), ("utter", 1.6), ("well", 1.4), ("genuine", 1.3), ("total", 1.5))
# Downtoners: factor by which they pull a score toward neutral ("a bit" is built from "a" + "bit").
_DOWNTONERS = (("somewhat", 0.5), ("slightly", 0.4), ("fairly", 0.6), ("mildly", 0.45),
               ("rather", 0.7), ("occasionally", 0.5), ("mostly", 0.8), ("minor", 0.6))
# Negators, with the lean they give a neutral scope ("lacks a plot" is negative).
_NEGATORS = (("not", 0.0), ("n't", 0.0), ("never", 0.0), ("hardly", -0.1), ("barely", -0.1),
             ("no", -0.1), ("without", -0.1), ("lacks", -0.35), ("lack", -0.35),
             ("wastes", -0.4), ("waste", -0.4))
_PUNCTUATION = (",", ".", ";", ":", "--", "?", "``", "''", "-LRB-", "-RRB-")

# Every other word the templates use: neutral, label 2. Listing them (instead of treating any
# unknown word as neutral) makes a typo in a polar word an error rather than a silent 2.
_NEUTRAL_WORDS = """
the a an this that these those its it his her their your you we they i one two three
of in with or to for by as on at from than about into like after before over through
who which whose what there here then when while if just even still also ever enough all
some more much many every any both only own other another first new second last whole
same such something anything everything nothing anyone everyone kind sort lot plenty bit
is are was were be been being 's 're 'll 'd do does did ca wo will can could would might should
has have had feels feel seems seem looks look remains remain becomes become plays play
makes make gives give offers offer tells tell follows follow stars star runs run takes take
tries try wants want needs need gets get keeps keep turns turn comes come goes go sets set
find see watch leave know care expect sit help stay
film movie picture story plot script screenplay acting performances performance cast
characters character dialogue ending director score soundtrack cinematography pacing editing
premise sequel remake comedy drama thriller documentary romance satire adaptation debut
effects camera scenes scene moments jokes twist finale tone material subject genre
narrative villain hero heroine actors actor actress ensemble filmmaker filmmakers screenwriter
studio audience audiences viewers fans kids parents critics year decade summer season hour
hours minutes time thing things way idea world life love family war town city café sound
visuals images production design costumes music songs voice career festival
half start finish end minute middle act stretch reason price admission ticket popcorn
sisters brothers woman man girl boy cop teacher detective boxer couple friends friendship
home village childhood marriage grief revenge memory small young old true based
retired lonely central lead supporting opening closing final latest earlier previous next
long-awaited big-budget low-budget indie animated french two-hour
especially including mainly largely
Hollywood Chicago Paris Lisbon Brooklyn
Abernathy Sato Mbeki Fontaine Gallagher Petrov Reyes Holloway Iversen Dublin New Orleans suburbs
rural Texas fishing Marseille postwar Berlin boarding school Montana widowed farmer struggling
musician night nurse former soldier small-time crook teenage jazz pianist single mother
leads rivals veteran quiet chemistry between open British Korean Italian black-and-white
period central lead supporting main young whole international orchestral jazz piano
electronic pop handheld widescreen improvised rapid-fire sparse secondary adult visual
special digital surprise slapstick adapted rapid folk
twenty feature effort starring far part times paper compared study fans direction full running despite presence places
stretches false recent predecessor made
seeing knew growing up returns during films movies comedies thrillers dramas
Varga Okafor Lindqvist Moreau Castellanos Brennan Nakamura Dupré Marchetti Haddad Whitaker Kowalski
Midnight Harbor Paper Moons Glass Houses Static Orchard
"""

_NAMES = ("Varga", "Okafor", "Lindqvist", "Moreau", "Castellanos", "Brennan", "Nakamura",
          "Marchetti", "Haddad", "Whitaker", "Kowalski", "Abernathy", "Sato", "Mbeki", "Fontaine",
          "Gallagher", "Petrov", "Reyes", "Holloway", "Iversen")
_TITLES = (("Midnight", "Harbor"), ("Paper", "Moons"), ("Glass", "Houses"), ("Last", "Summer"),
           ("Static",), ("The", "Orchard"))
# Neutral modifiers that fit a film part: "the supporting cast", "the handheld cinematography".
_ASPECT_DESCRIPTORS = {
    "performances": ("central", "lead", "supporting", "main"),
    "cast": ("supporting", "young", "whole", "international"),
    "score": ("orchestral", "jazz", "piano", "electronic"),
    "soundtrack": ("jazz", "pop", "electronic"),
    "cinematography": ("handheld", "black-and-white", "widescreen"),
    "dialogue": ("improvised", "rapid-fire", "sparse"),
    "characters": ("central", "main", "secondary", "adult"),
    "effects": ("visual", "special", "digital"),
    "ending": ("closing", "surprise", "open"),
    "jokes": ("running", "visual", "slapstick"),
    "screenplay": ("adapted", "final"),
    "editing": ("rapid", "final"),
    "songs": ("new", "pop", "folk"),
    "plot": ("central", "main"),
}
_PLACES = ("Chicago", "Paris", "Lisbon", "Brooklyn", "a small town", "a village", "Dublin",
           "a café in Paris", "New Orleans", "the suburbs", "rural Texas", "a fishing village",
           "Marseille", "postwar Berlin", "a boarding school", "Montana")


def _build_lexicon() -> dict[str, tuple[float, str, float]]:
    """word (lower case) -> (prior score, kind, param), built in a fixed order."""
    lexicon: dict[str, tuple[float, str, float]] = {}

    def put(word: str, entry: tuple[float, str, float]) -> None:
        key = word.lower()
        if key in lexicon and lexicon[key] != entry:
            raise ValueError(f"word {word!r} has two different lexicon entries")
        lexicon[key] = entry

    for word in _NEUTRAL_WORDS.split():
        put(word, (0.0, "phrase", 0.0))
    for table in (_ADJECTIVES, _EVAL_NOUNS):
        for entries in table.values():
            for word, score in entries:
                put(word, (score, "phrase", 0.0))
    for word, score in _VIRTUES + _FLAWS:
        for part in word.split()[-1:]:  # "plot holes": the noun carries the polarity
            put(part, (score, "phrase", 0.0))
    for entries in _VERBS.values():
        for singular, plural, score in entries:
            put(singular, (score, "phrase", 0.0))
            put(plural, (score, "phrase", 0.0))
    # Words used directly by the templates with a polarity of their own.
    for word, score in (("best", 0.85), ("worst", -0.9), ("better", 0.45), ("worse", -0.5),
                        ("worth", 0.4), ("wrong", -0.4), ("talented", 0.45), ("promising", 0.35),
                        ("recommend", 0.45)):
        put(word, (score, "phrase", 0.0))
    for word, factor in _INTENSIFIERS:
        put(word, (0.0, "intensifier", factor))
    for word, factor in _DOWNTONERS:
        put(word, (0.0, "down", factor))
    lexicon["bit"] = (0.0, "bit", 0.5)
    lexicon["a"] = (0.0, "article", 0.0)
    for word, lean in _NEGATORS:
        put(word, (0.0, "negator", lean))
    put("and", (0.0, "conjunction", 0.0))
    put("but", (0.0, "contrast", 0.0))
    put("yet", (0.0, "contrast", 0.0))
    for word in ("although", "though"):
        put(word, (0.0, "concession", 0.0))
    for word in _PUNCTUATION:
        lexicon[word.lower()] = (0.0, "punct", 0.0)
    lexicon["!"] = (0.0, "exclaim", 1.15)
    return lexicon


_LEXICON = _build_lexicon()

# --------------------------------------------------------------------------------------------
# Building trees
# --------------------------------------------------------------------------------------------

def _leaf(word: str) -> _Node:
    try:
        score, kind, param = _LEXICON[word.lower()]
    except KeyError:
        raise KeyError(f"{word!r} is not in the sample's lexicon; add it to course_utils/sample.py") from None
    return _Node(score, kind, param, word=word)


def _as_node(part: str | _Node) -> _Node:
    if isinstance(part, _Node):
        return part
    words = part.split()
    if len(words) == 1:
        return _leaf(words[0])
    return _seq(*words)


def _join(left: str | _Node, right: str | _Node) -> _Node:
    """One binary node. A string of several words becomes a right-branching phrase."""
    return _combine(_as_node(left), _as_node(right))


def _seq(*parts: str | _Node) -> _Node:
    """Right-branching join of parts: ``_seq(a, b, c)`` is ``(a (b c))``, as SST mostly is."""
    nodes = [_as_node(p) for p in parts]
    tree = nodes[-1]
    for node in reversed(nodes[:-1]):
        tree = _combine(node, tree)
    return tree


def _pick(rng: random.Random, items: Sequence):
    return items[rng.randrange(len(items))]


def _weighted(rng: random.Random, options: Sequence[tuple[float, Callable[[], _Node]]]) -> _Node:
    """Call one of the builders, chosen with the given weights (a fixed-order list)."""
    total = sum(weight for weight, _ in options)
    point = rng.random() * total
    for weight, build in options:
        point -= weight
        if point < 0:
            return build()
    return options[-1][1]()


def _article(node: _Node) -> str:
    return "an" if node.tokens()[0][:1].lower() in "aeiou" else "a"


def _with_article(node: _Node) -> _Node:
    return _join(_article(node), node)


class _Grammar:
    """Templates of review sentences. Each builder returns a scored :class:`_Node`.

    ``sign`` is the sentiment the builder aims for (+1 or -1); the *labels* never come from it,
    only from composing the words the builder chose.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # ---- words --------------------------------------------------------------------------
    def adjective(self, sign: int, strengths: Sequence[int] = (1, 2, 3)) -> str:
        rng = self.rng
        weights = {1: 0.4, 2: 0.5, 3: 0.1}
        options = [(weights[s], s) for s in strengths]
        total = sum(w for w, _ in options)
        point = rng.random() * total
        strength = options[-1][1]
        for weight, s in options:
            point -= weight
            if point < 0:
                strength = s
                break
        return _pick(rng, _ADJECTIVES[sign * strength])[0]

    def intensifier(self, sign: int, attributive: bool = False) -> str:
        """An intensifier that reads naturally with the sign ("too" only before a fault,
        and neither "too" nor "so" before a noun: "a so dull film" is not English)."""
        words: tuple[str, ...] = ("very", "really", "extremely", "quite", "utterly", "truly",
                                  "incredibly", "deeply", "thoroughly", "surprisingly")
        if sign > 0:
            words += ("genuinely", "simply")
        if not attributive:
            words += ("so", "too", "too") if sign < 0 else ("so",)
        return _pick(self.rng, words)

    def downtoner(self, attributive: bool = False) -> str:
        words: tuple[str, ...] = ("somewhat", "slightly", "fairly", "mildly", "rather", "occasionally", "mostly")
        if not attributive:
            words += ("a bit", "a bit")
        return _pick(self.rng, words)

    def name(self) -> str:
        # "Dupré" is rare on purpose: accents should be seen, not be everywhere.
        if self.rng.random() < 0.015:
            return "Dupré"
        return _pick(self.rng, _NAMES)

    def film_noun(self) -> str:
        return _pick(self.rng, ("film", "movie", "picture", "comedy", "drama", "thriller",
                                "documentary", "romance", "satire", "adaptation", "sequel",
                                "remake", "debut", "film", "movie"))

    def aspect(self) -> tuple[str, bool]:
        """A part of a film that reviews judge, and whether it is plural."""
        return _pick(self.rng, (
            ("plot", False), ("acting", False), ("script", False), ("screenplay", False),
            ("dialogue", False), ("ending", False), ("cast", False), ("cinematography", False),
            ("score", False), ("soundtrack", False), ("pacing", False), ("editing", False),
            ("premise", False), ("performances", True), ("characters", True), ("jokes", True),
            ("effects", True), ("visuals", True), ("costumes", True), ("songs", True),
            ("tone", False), ("finale", False), ("twist", False), ("ensemble", False)))

    # ---- noun phrases --------------------------------------------------------------------
    def film_np(self, story: bool = True) -> tuple[_Node, bool]:
        """The film under review as a subject: "the film", "Varga 's latest", a quoted title,
        often with neutral facts: "the new drama from director Varga".

        ``story=False`` keeps to credits (director, stars), for sentences that go on to
        describe the story themselves.
        """
        node, plural = self._film_np_head()
        words = node.tokens()
        if words != ["it"] and self.rng.random() < 0.55:
            node = _join(node, self.film_postmodifier(story, credited="'s" not in words))
        return node, plural

    def film_postmodifier(self, story: bool, credited: bool) -> _Node:
        """Neutral facts about a film; they make the long, label-2 phrases real data is full of."""
        rng = self.rng
        options: list[tuple[float, Callable[[], _Node]]] = [
            (1, lambda: _join("starring", _join(self.name(), _seq("and", self.name())))),
        ]
        if credited:  # not after "Varga 's latest": that already names the director
            options.append((1, lambda: _join("from", _join("director", self.name()))))
        if story:
            options += [
                (1, lambda: _join("about", _join(self.character_np(), _seq("in", self.place())))),
                (1, lambda: _join("set", _join(_seq("in", self.place()), _seq("during", "the", "war")))),
                (0.5, lambda: _seq("based", "on", "a", "true", "story")),
                (1, lambda: _join("about", _seq("two", _pick(rng, ("sisters", "brothers", "friends"))))),
            ]
        return _weighted(rng, options)

    def _film_np_head(self) -> tuple[_Node, bool]:
        rng = self.rng
        choice = rng.random()
        if choice < 0.35:
            head = _leaf(self.film_noun())
            if rng.random() < 0.5:
                head = _join(self.film_descriptor(), head)
                if rng.random() < 0.3:
                    head = _join(self.film_descriptor(), head)
            return _join(_pick(rng, ("the", "this", "this")), head), False
        if choice < 0.5:
            owner = _join(_join("director", self.name()), "'s") if rng.random() < 0.5 else _join(self.name(), "'s")
            head = _pick(rng, ("latest", "new film", "latest effort", "debut", "new thriller",
                               "long-awaited sequel", "first feature"))
            return _join(owner, head), False
        if choice < 0.62:
            return self.title(), False
        if choice < 0.72:
            return _seq("the", _join(self.film_descriptor(), self.film_noun())), False
        if choice < 0.8:
            return _join(_join(_join("the", "director"), "'s"), _pick(rng, ("latest", "new film"))), False
        return _leaf("it"), False

    def film_descriptor(self) -> str:
        return _pick(self.rng, ("new", "big-budget", "low-budget", "two-hour", "animated", "French",
                                "indie", "long-awaited", "British", "Korean", "Italian",
                                "black-and-white", "period", "first"))

    def title(self) -> _Node:
        words = _pick(self.rng, _TITLES)
        return _join("``", _join(_seq(*words), "''"))

    def aspect_postmodifier(self) -> _Node:
        """Neutral detail after a film part: "by Haddad", "in the Lisbon scenes", "between the two leads"."""
        rng = self.rng
        return _weighted(rng, [
            (1, lambda: _join("by", self.name())),
            (1, lambda: _join("in", _join(_seq("the", "scenes"), _seq("set", "in", self.place())))),
            (1, lambda: _join("between", _seq("the", "two", _pick(rng, ("leads", "sisters", "brothers", "rivals"))))),
            (1, lambda: _join("from", _seq("the", _pick(rng, ("supporting", "young", "veteran")), "cast"))),
            (1, lambda: _join("of", _join(_seq("this", _pick(rng, ("small", "quiet", "two-hour"))), self.film_noun()))),
        ])

    def aspect_np(self) -> tuple[_Node, bool]:
        """A part of the film as a subject: "the plot", "the film 's pacing", "Okafor 's performance"."""
        rng = self.rng
        noun, plural = self.aspect()
        choice = rng.random()
        if choice < 0.55:
            head = _leaf(noun)
            if noun in _ASPECT_DESCRIPTORS and rng.random() < 0.4:
                head = _join(_pick(rng, _ASPECT_DESCRIPTORS[noun]), head)
            if rng.random() < 0.35:
                return _join(_join("the", head), self.aspect_postmodifier()), plural
            return _join("the", head), plural
        if choice < 0.7:
            owner = _join(_seq("the", _pick(rng, ("film", "movie", "picture"))), "'s")
            return _join(owner, noun), plural
        if choice < 0.8:
            return _join(_join(self.name(), "'s"), _pick(rng, ("performance", "direction", "screenplay"))), False
        if choice < 0.88:
            part = _pick(rng, ("first hour", "second half", "last twenty minutes", "opening scene",
                               "final act", "middle stretch"))
            return _seq("the", part), part.endswith("minutes")
        if choice < 0.94:
            return _join(_join("the", noun), _seq("of", _pick(rng, ("the", "this")), self.film_noun())), plural
        # A parenthesis, PTB-style: "the cast -LRB- especially Okafor -RRB-".
        noun, plural = _pick(rng, (("cast", False), ("ensemble", False), ("performances", True), ("acting", False)))
        inner = _seq(_pick(rng, ("especially", "including", "mainly")), self.name())
        return _join(_join("the", noun), _join("-LRB-", _join(inner, "-RRB-"))), plural

    # ---- predicates ----------------------------------------------------------------------
    def adjp(self, sign: int, attributive: bool = False, plain: bool = False) -> _Node:
        """An adjective phrase aimed at ``sign``: bare, intensified, toned down, or coordinated.

        ``attributive``: it will stand before a noun, which rules out "too", "so" and "a bit".
        ``plain``: no coordination, for the scope of a negation ("is n't funny and touching"
        would read as two claims).
        """
        rng = self.rng
        if plain:
            return _weighted(rng, [
                (0.6, lambda: _leaf(self.adjective(sign))),
                (0.25, lambda: _join(self.intensifier(sign, attributive), self.adjective(sign))),
                (0.15, lambda: _join(self.downtoner(attributive), self.adjective(sign, (1, 2)))),
            ])

        def simple() -> _Node:
            if rng.random() < 0.3:
                return _join(self.intensifier(sign, attributive), self.adjective(sign))
            return _leaf(self.adjective(sign))

        return _weighted(rng, [
            (0.48, lambda: _leaf(self.adjective(sign))),
            (0.16, lambda: _join(self.intensifier(sign, attributive), self.adjective(sign))),
            (0.12, lambda: _join(self.downtoner(attributive), self.adjective(sign, (1, 2)))),
            (0.12, lambda: _join(self.adjective(sign), _join("and", simple()))),
            (0.06, lambda: _join(_join(self.adjective(sign), ","),
                                 _join(self.adjective(sign), _join("and", simple())))),
            (0.06, lambda: _join(self.adjective(-sign), _join("but", self.adjective(sign)))),
        ])

    def nominal(self, sign: int, about_film: bool = True, plain: bool = False) -> _Node:
        """"a gorgeous , moving film", "a mess", "an utterly tedious drama" (with its article)."""
        rng = self.rng

        def adjective_noun() -> _Node:
            if plain:
                return _with_article(_join(self.adjp(sign, attributive=True, plain=True), self.film_noun()))
            modifier = self.adjp(sign, attributive=True) if rng.random() < 0.8 else _join(
                _join(self.adjective(sign), ","), self.adjective(sign))
            return _with_article(_join(modifier, self.film_noun()))

        def evaluative() -> _Node:
            noun = _pick(rng, _EVAL_NOUNS[sign])[0]
            if rng.random() < 0.3:
                return _with_article(_join(_pick(rng, ("real", "utter", "total")) if sign < 0
                                           else _pick(rng, ("real", "genuine", "minor")), noun))
            return _with_article(_leaf(noun))

        if not about_film:  # "the cast is a delight", not "the cast is a moving drama"
            return evaluative()
        return _weighted(rng, [(0.6, adjective_noun), (0.4, evaluative)])

    def copula(self, plural: bool) -> str:
        singular = ("is", "is", "is", "was", "feels", "seems", "remains", "looks")
        many = ("are", "are", "were", "feel", "seem", "remain", "look")
        return _pick(self.rng, many if plural else singular)

    def negated_copula(self, plural: bool) -> tuple[str, str]:
        """(verb, negator): "is n't", "is not", "is never", "is hardly"."""
        verb = _pick(self.rng, ("are", "were") if plural else ("is", "is", "was"))
        return verb, _pick(self.rng, ("n't", "n't", "not", "never", "hardly"))

    def vp(self, sign: int, plural: bool, subject_is_film: bool) -> _Node:
        """A predicate aimed at ``sign``: copula + adjective/nominal, polar verb, or a negation."""
        rng = self.rng

        def copula_adjp() -> _Node:
            return _join(self.copula(plural), self.adjp(sign))

        def copula_nominal() -> _Node:
            verb = "is" if not plural else "are"
            if plural:
                return _join(verb, _seq("all", self.adjp(sign)))
            return _join(verb, self.nominal(sign, subject_is_film))

        def negated_adjp() -> _Node:
            verb, negator = self.negated_copula(plural)
            return _join(verb, _join(negator, self.adjp(-sign, plain=True)))

        def negated_nominal() -> _Node:
            if plural:
                return negated_adjp()
            return _join("is", _join(_pick(rng, ("not", "n't", "hardly")),
                                     self.nominal(-sign, subject_is_film, plain=True)))

        def verb() -> _Node:
            singular, many, _ = _pick(rng, _VERBS[sign])
            head = _leaf(many if plural else singular)
            extra = rng.random()
            if extra < 0.2:
                head = _join(_pick(rng, ("really", "truly", "genuinely")), head)
            elif extra > 0.7:
                head = _join(head, _pick(rng, ("from start to finish", "in the end", "at every turn",
                                               "for most of its running time", "in the second half")))
            return head

        def negated_verb() -> _Node:
            singular, many, _ = _pick(rng, _VERBS[-sign])
            if rng.random() < 0.5:
                return _join("do" if plural else "does", _join("n't", _leaf(many)))
            head = _leaf(many if plural else singular)
            if rng.random() < 0.4:
                head = _join("quite", head)
            return _join("never", head)

        def lacks() -> _Node:
            """A fault stated as a missing virtue: the negation sits in the verb or determiner."""
            virtue = _pick(rng, _VIRTUES)[0]
            choice = rng.random()
            if choice < 0.2:  # "has no charm"
                return _join("have" if plural else "has", _join("no", virtue))
            if choice < 0.35:  # "is without any wit"
                return _join("are" if plural else "is", _join("without", _join("any", virtue)))
            if choice < 0.5:  # "wastes a talented cast"
                obj = _join(_pick(rng, ("a", "its")), _join(_pick(rng, ("talented", "promising")),
                                                              _pick(rng, ("cast", "premise", "ensemble"))))
                return _join("waste" if plural else "wastes", obj)
            quant = _pick(rng, ("", "", "any", "real"))
            obj = _leaf(virtue) if not quant else _join(quant, virtue)
            return _join("lack" if plural else "lacks", obj)

        def full_of() -> _Node:
            if sign > 0:
                obj = _leaf(_pick(rng, _VIRTUES)[0])
            else:
                obj = _as_node(_pick(rng, _FLAWS)[0])
            return _join(_pick(rng, ("is", "is", "feels")) if not plural else "are",
                         _join("full", _join("of", obj)))

        options: list[tuple[float, Callable[[], _Node]]] = [
            (0.34, copula_adjp), (0.16, copula_nominal), (0.15, negated_adjp),
            (0.05, negated_nominal), (0.12, verb), (0.08, negated_verb),
        ]
        if sign < 0:
            options.append((0.06, lacks))
        options.append((0.04, full_of))
        return _weighted(rng, options)

    # ---- clauses ---------------------------------------------------------------------------
    def subject(self) -> tuple[_Node, bool, bool]:
        """(noun phrase, plural, is-the-whole-film)."""
        if self.rng.random() < 0.5:
            node, plural = self.film_np()
            return node, plural, True
        node, plural = self.aspect_np()
        return node, plural, False

    def clause(self, sign: int) -> _Node:
        rng = self.rng
        subject, plural, whole = self.subject()
        if rng.random() < 0.2 and whole:
            # A neutral relative clause lengthens the subject: "the film , which stars Okafor ,".
            rel = self.neutral_relative()
            subject = _join(_join(subject, _join(",", rel)), ",")
        predicate = self.vp(sign, plural, whole)
        if rng.random() < 0.3:
            predicate = _join(predicate, self.adjunct())
        return _join(subject, predicate)

    def adjunct(self) -> _Node:
        """A neutral phrase closing a predicate: "for most of its running time", "in places"."""
        rng = self.rng
        return _weighted(rng, [
            (3, lambda: _as_node(_pick(rng, ("for most of its running time", "in the second half",
                                             "from start to finish", "in places", "at times",
                                             "in the end", "for long stretches", "by the end")))),
            (1, lambda: _join("despite", _join(_seq("the", "presence"), _seq("of", self.name())))),
        ])

    def topic(self) -> str:
        return _pick(self.rng, ("family", "friendship", "grief", "love", "revenge", "growing up",
                                "marriage", "memory", "childhood", "war", "a small town"))

    def neutral_relative(self) -> _Node:
        rng = self.rng
        return _join("which", _weighted(rng, [
            (1, lambda: _join("stars", _join(self.name(), _join("as", self.character_np())))),
            (1, lambda: _join("follows", self.character_np())),
            (1, lambda: _join("is", _seq("set", "in", self.place()))),
            (1, lambda: _join("runs", _seq("two", "hours"))),
        ]))

    def opener(self) -> _Node:
        """A neutral fronted phrase: "in the end", "like Varga 's earlier films", "on paper"."""
        rng = self.rng
        return _weighted(rng, [
            (4, lambda: _as_node(_pick(rng, ("in the end", "at times", "for the most part", "on the whole",
                                             "by the end", "in the second half", "on paper",
                                             "in its first hour", "as a character study",
                                             "for fans of the genre", "as an adaptation of a true story",
                                             "compared with its predecessor")))),
            (1, lambda: _join("like", _join(_join(self.name(), "'s"), _seq("earlier", "films")))),
        ])

    def relative(self, sign: int) -> _Node:
        """An opinionated relative clause: "that never quite delivers", "whose jokes are stale"."""
        rng = self.rng
        if rng.random() < 0.35:
            noun, plural = self.aspect()
            return _join("whose", _join(_leaf(noun), self.vp(sign, plural, False)))
        return _join("that", self.vp(sign, False, True))

    def character(self) -> str:
        return _pick(self.rng, ("retired boxer", "lonely teacher", "young cop", "detective",
                                "young woman", "old man", "couple", "boy", "widowed farmer",
                                "struggling musician", "night nurse", "former soldier",
                                "small-time crook", "teenage girl", "jazz pianist", "single mother"))

    def character_np(self) -> _Node:
        return _with_article(_as_node(self.character()))

    def place(self) -> str:
        return _pick(self.rng, _PLACES)

    def description(self) -> _Node:
        """A plot summary with no opinion in it: the neutral sentences every review set has."""
        rng = self.rng
        subject, _ = self.film_np(story=False)
        if subject.tokens() == ["it"]:
            subject = _seq("the", self.film_noun())
        what = _weighted(rng, [
            (1, lambda: _join("follows", _join(self.character_np(),
                                               _seq("who", "returns", "home", "to", self.place())))),
            (1, lambda: _join("tells", _join(_seq("the", "story", "of", "two",
                                                  _pick(rng, ("sisters", "brothers", "friends"))),
                                             _seq("in", self.place())))),
            (1, lambda: _join("stars", _join(self.name(), _join("as", self.character_np())))),
            (1, lambda: _join("is", _join(_seq("set", "in", self.place()),
                                          _seq("during", "the", _pick(rng, ("war", "summer", "festival")))))),
            (1, lambda: _join("is", _seq("based", "on", "a", "true", "story"))),
            (1, lambda: _join("is", _join(_seq("about", "a", _pick(rng, ("family", "marriage", "friendship"))),
                                          _seq("in", self.place())))),
        ])
        clause = _join(subject, what)
        if rng.random() < 0.3:
            clause = _join(_join(_join("like", _join(_join(self.name(), "'s"), _seq("earlier", "films"))), ","), clause)
        return clause

    # ---- sentences -------------------------------------------------------------------------
    def sentence(self) -> _Node:
        """One review sentence, final punctuation included."""
        rng = self.rng
        sign = 1 if rng.random() < 0.5 else -1

        def period(node: _Node) -> _Node:
            return _join(node, ".")

        def simple() -> _Node:
            node = self.clause(sign)
            if rng.random() < 0.4:
                node = _join(_join(self.opener(), ","), node)
            return period(node)

        def contrast() -> _Node:
            first = self.clause(-sign if rng.random() < 0.75 else sign)
            second = self.clause(sign)
            word = "but" if rng.random() < 0.85 else "yet"
            if rng.random() < 0.6:
                first = _join(first, ",")
            return period(_join(first, _join(word, second)))

        def concession() -> _Node:
            first = self.clause(-sign)
            second = self.clause(sign)
            word = _pick(rng, ("although", "though"))
            return period(_join(_join(_join(word, first), ","), second))

        def fragment() -> _Node:
            node = self.nominal(sign)
            extra = rng.random()
            if extra < 0.25:
                rel = self.relative(sign)
                node = _join(node, rel)
            elif extra < 0.4:
                node = _join(node, _seq("about", self.topic()))
            return period(node) if rng.random() < 0.85 else _join(node, "!")

        def its() -> _Node:
            head = _join("it", "'s")
            if rng.random() < 0.45:
                body = _join("not", self.nominal(-sign, plain=True))
            else:
                body = self.nominal(sign)
            return period(_join(head, body))

        def superlative() -> _Node:
            word = "best" if sign > 0 else "worst"
            if rng.random() < 0.3:
                # "most" only before long adjectives: "the most tedious", never "the most bad".
                adjective = self.adjective(sign, (2,))
                while len(adjective) < 7:
                    adjective = self.adjective(sign, (2,))
                word_node = _join("most", adjective)
            else:
                word_node = _leaf(word)
            noun = _pick(rng, ("films", "movies", "comedies", "thrillers", "dramas"))
            span = _pick(rng, ("the year", "the summer", "the decade", "the season", "recent memory"))
            node = _join("one", _join(_join("of", _join("the", _join(word_node, noun))), _seq("of", *span.split())))
            return period(node)

        def listing() -> _Node:
            nouns = []
            for _ in range(3):
                noun, _plural = self.aspect()
                while noun in nouns:
                    noun, _plural = self.aspect()
                nouns.append(noun)
            subject = _join(_join(_join("the", nouns[0]), ","),
                            _join(_join("the", nouns[1]), _join("and", _join("the", nouns[2]))))
            predicate = _join("are", _join("all", self.adjp(sign)))
            return period(_join(subject, predicate))

        def exclaim() -> _Node:
            choice = rng.random()
            if choice < 0.4:
                node = _join("what", self.nominal(sign))
            elif choice < 0.7:
                node = _join(_pick(rng, ("simply", "utterly", "truly")), self.adjective(sign, (2, 3)))
            else:
                node = _join("not", self.adjective(-sign, (2, 3)))
            return _join(node, "!" if rng.random() < 0.6 else ".")

        def comparison() -> _Node:
            subject, plural, _ = self.subject()
            word = "better" if sign > 0 else "worse"
            verb = "are" if plural else "is"
            target = _pick(rng, ("the first film", "its predecessor", "you might expect",
                                 "anything Varga has made"))
            target = target.replace("Varga", self.name())
            mod = _pick(rng, ("", "much", "far", "a lot"))
            comp = _leaf(word) if not mod else _join(mod, word)
            return period(_join(subject, _join(verb, _join(comp, _join("than", target)))))

        def worth() -> _Node:
            base = _seq("worth", "the", "price", "of", "admission") if rng.random() < 0.5 else _seq("worth", "seeing")
            if sign > 0:
                node = _join("well", base) if rng.random() < 0.5 else base
                node = _join(_join("it", "'s"), node)
            else:
                node = _join(_join("it", "'s"), _join("not", base))
            return period(node)

        def recommend() -> _Node:
            if sign > 0:
                node = _join("you", _join("ca", _join("n't", _seq("go", "wrong", "with", "this", "one"))))
            else:
                node = _join("I", _join("ca", _join("n't", _join("recommend", "it"))))
            return period(node)

        def surprise() -> _Node:
            noun = self.film_noun()
            return _join(_join("who", _join("knew", _join(
                _with_article(_leaf(noun)),
                _join("could", _join("be", _join("so", self.adjective(sign, (1, 2))))),
            ))), "?")

        def neutral() -> _Node:
            return period(self.description())

        def long() -> _Node:
            first = self.clause(sign)
            second = self.clause(sign if rng.random() < 0.7 else -sign)
            return period(_join(_join(first, ","), _join("and", second)))

        return _weighted(rng, [
            (0.22, simple), (0.16, contrast), (0.07, concession), (0.11, fragment),
            (0.05, its), (0.03, superlative), (0.03, listing), (0.03, exclaim),
            (0.03, comparison), (0.02, worth), (0.02, recommend), (0.01, surprise),
            (0.18, neutral), (0.10, long),
        ])


MIN_TOKENS = 3
MAX_TOKENS = 30


def generate_sentence_tree(rng: random.Random) -> str:
    """One synthetic review sentence as an SST tree line (no newline).

    Sentences outside :data:`MIN_TOKENS`..:data:`MAX_TOKENS` tokens are redrawn, so length
    lessons (padding, bucketing) see a realistic but bounded spread.
    """
    grammar = _Grammar(rng)
    while True:
        tree = grammar.sentence()
        if MIN_TOKENS <= len(tree.tokens()) <= MAX_TOKENS:
            return tree.ptb(capitalize=True)


def _sentence_text(line: str) -> str:
    """The words of a tree line, space separated: what "the same sentence" means."""
    tokens = line.replace("(", " ( ").replace(")", " ) ").split()
    words = [token for previous, token in zip(["("] + tokens, tokens)
             if token not in ("(", ")") and previous != "("]  # a token right after "(" is a label
    return " ".join(words)


def generate_treebank(n_sentences: int, seed: int) -> list[str]:
    """``n_sentences`` distinct tree lines (no two with the same words), all from ``seed``.

    Duplicates are skipped rather than kept so that slicing one list into splits can never
    leak a test sentence into train.
    """
    rng = random.Random(seed)
    lines: list[str] = []
    seen: set[str] = set()  # membership only; never iterated, so hash order cannot matter
    attempts = 0
    while len(lines) < n_sentences:
        attempts += 1
        if attempts > 50 * n_sentences + 1000:
            raise RuntimeError(f"could not draw {n_sentences} distinct sentences; the grammar is too small")
        line = generate_sentence_tree(rng)
        text = _sentence_text(line)
        if text in seen:
            continue
        seen.add(text)
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

def write_sample(directory: Path, seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Write ``train.txt``, ``dev.txt``, ``test.txt`` and ``SHA256SUMS`` into ``directory``, as one set.

    The splits are consecutive slices of *one* :func:`generate_treebank` list, so no sentence
    can appear in two splits. Files are written as bytes (UTF-8, ``\\n`` endings) so that the
    checksums are the same on Windows. The four files replace the old ones together, after the
    new set passes :func:`verify_sample`, or not at all. Returns ``{filename: sha256}``.
    """
    directory = Path(directory)
    lines = generate_treebank(sum(SPLITS.values()), seed)
    sums: dict[str, str] = {}
    with FileSet() as staged:
        start = 0
        temporaries = {}
        for split, count in SPLITS.items():
            name = f"{split}.txt"
            data = "".join(line + "\n" for line in lines[start:start + count]).encode("utf-8")
            temporaries[name] = staged.stage(directory / name, data)
            sums[name] = hashlib.sha256(data).hexdigest()
            start += count
        listing = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums))
        temporaries[CHECKSUM_FILE] = staged.stage(directory / CHECKSUM_FILE, listing)
        _verify(temporaries, shown=directory)
    return sums


def verify_sample(directory: Path) -> None:
    """Check the sample files against ``SHA256SUMS``; raise :class:`ValueError` if any differs.

    A notebook trained on a silently edited sample would print numbers nobody can reproduce,
    so a mismatch stops it, naming the file and the command that rewrites it.
    """
    directory = Path(directory)
    _verify({name: directory / name for name in [*(f"{split}.txt" for split in SPLITS), CHECKSUM_FILE]}, directory)


def _verify(paths: dict[str, Path], shown: Path) -> None:
    """The check behind :func:`verify_sample`, on ``paths`` (file name -> where it is now; temporaries while
    writing)."""
    fix = "Run `python -m course_utils.data.sample` to regenerate it (or restore it with git)."
    listing_path = shown / CHECKSUM_FILE
    if not paths[CHECKSUM_FILE].is_file():
        raise ValueError(f"{listing_path} is missing. {fix}")
    expected: dict[str, str] = {}
    for number, line in enumerate(read_text_lines(paths[CHECKSUM_FILE], ValueError, fix=fix, shown=listing_path), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ValueError(f"{listing_path}, line {number}, is not '<sha256>  <filename>'. {fix}")
        expected[name] = digest
    for split in SPLITS:
        name = f"{split}.txt"
        if name not in expected:
            raise ValueError(f"{listing_path} has no checksum for {name}. {fix}")
        if not paths[name].is_file():
            raise ValueError(f"{shown / name} is missing. {fix}")
        if sha256_of(paths[name]) != expected[name]:
            raise ValueError(
                f"{shown / name} does not match its checksum in {CHECKSUM_FILE}: the file was changed. {fix}"
            )


def _main(argv: Sequence[str] | None = None) -> None:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m course_utils.data.sample",
                                     description="Write the course's synthetic sentiment treebank sample.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=repo / "data" / "sample",
                        help="output folder (default: data/sample in the repository)")
    args = parser.parse_args(argv)
    sums = write_sample(args.out, args.seed)
    verify_sample(args.out)
    for name in sorted(sums):
        print(f"{sums[name]}  {args.out / name}")


if __name__ == "__main__":
    _main()
