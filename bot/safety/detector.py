"""The crisis screen's engine: spaCy Matcher patterns from ``patterns.yml`` plus context rules.

How a message is decided
------------------------
1. The text is cleaned character for character (so cue offsets still point into the caller's
   string), cut into chunks of at most ``CHUNK_CHARS`` on line or sentence boundaries, and
   tokenised by the project's blank English pipeline (tokenizer + sentencizer, ``bot.nlp``).
2. Risk cues (``cues:`` in patterns.yml) and context markers (``context:``) are matched.
3. Each risk cue is judged in its sentence:

   * negated ("I would never hurt myself")            -> dropped, or check_in when the negation
     reports a past that is over ("I haven't cut since 2019", "I no longer self-harm");
   * about someone else (subject inference: "my son keeps cutting", "she wants to die"),
     hypothetical or informational ("what if", "someone who", "what are the signs"),
     reported speech ("my brother said ..."), or past ("years ago", "used to") without a
     recency marker ("last night", "again")                  -> check_in, not crisis;
   * an accident ("cut myself shaving")                      -> dropped (self-harm cues);
   * a mention in talk about a topic (training, a charity, research, a film) -> dropped;
   * someone's past death by suicide told as grief ("Danny died by suicide two years ago")
                                                             -> dropped (mentions only);
   * hyperbole ("I'll kill you if you eat my chips")        -> dropped or check_in, unless the
     message also carries a serious marker (a weapon, a plan, "I'm not bluffing"). Markers
     of effect ``hyperbole`` ("than go to that party", "of embarrassment") apply to every cue
     that allows it; ``banter`` markers ("lol", "if you ...", "when she sees ...") only to
     threats to others and "X will kill me", never to the writer's own suicide or self-harm
     talk.
   * a past marker ("years ago", "used to") in the same clause makes it check_in, unless a
     recency marker ("again", "last night") is there too and the message says nothing like
     "I'm in a good place now".
4. The cues that stand are scored per category: a ``crisis`` cue weighs 1, a ``check_in`` cue
   0.5, a ``signal`` its own weight (signals never flag a message by themselves unless they
   add up to 1). A category reaching 1 makes the message a crisis; any remaining cue makes it
   a check-in.

Cue guards in patterns.yml: ``unless_prev`` / ``unless_next`` reject a hit by its neighbours
(in ``unless_next``, ``^name`` stands for a capitalised word: "ending it with Marcus", and
the text's dashes are read past: "logging off for good - from socials"),
``next_in`` requires one of the listed followers (``$``: end of text or of the sentence),
``guard_her`` rejects "hurt her feelings", ``requires`` needs a context effect somewhere in
the message (e.g. grief for "I just want to be with him"), ``unless_context`` drops the cue when
one is there (a flight or a move for "I won't be here for Christmas").

Speed: risk cues are matched only in windows around their anchor words (exact, see
``_match``); sentence context only in sentences that hold a cue.

Nothing here raises on odd input: the public ``screen`` wraps it all.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.nlp import pipeline  # first: it imports spaCy without the TensorFlow probe
from bot.results import Cue
from spacy.matcher import Matcher, PhraseMatcher  # noqa: I001
from spacy.tokens import Doc, Token

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")

LEVELS = ("crisis", "check_in", "none")
CATEGORIES = ("suicide", "self_harm", "harm_others", "danger_abuse", "none")
CUE_LEVELS = ("crisis", "check_in", "signal")
EFFECTS = ("hypothetical", "report", "past", "recent", "resolved", "accident", "intentional",
           "hyperbole", "banter", "grief", "disclosure", "bereavement", "topic", "asked",
           "denial", "departure", "unmasked")
BANTER_CATEGORIES = ("harm_others", "danger_abuse")
"""'banter' markers (lol, "if you ...", "when she sees ...") soften threats to others and
"X will kill me" only, never the writer's own talk of suicide or self-harm."""
DEFAULT_WEIGHT = {"crisis": 1.0, "check_in": 0.5, "signal": 0.3}

CHUNK_CHARS = 20_000
"""Long pastes are screened in chunks of about this size, cut on line or sentence ends."""
MAX_CHARS = 2_000_000
"""Beyond this the head and the tail are screened (the result says it was truncated)."""

_OP_CHARS = "?*+"
_SIMPLE_ITEM = re.compile(r"^[^\s~{}%^!_?*+][^\s~{}?*+]*$")  # a word or @SET, no operator
_NOMINATIVE_FIRST = frozenset({"i", "we", "im", "ive", "id"})
_NOMINATIVE_OTHER = frozenset({"he", "she", "they", "you", "u", "hes", "shes", "theyre", "youre"})
_EPS = 1e-9
DASHES = frozenset({"-", "--", "---", "\u2013", "\u2014", "\u2015", "\u2010", "\u2011"})

# ---------------------------------------------------------------------------- clean text
# Every replacement is one character for one character, so offsets into the cleaned text are
# offsets into the caller's text.
_TRANSLATE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\uff07": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\r": "\n", "\u2028": "\n", "\u2029": "\n",
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
})
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                   "\u2060-\u2064\ufeff\ufffd\ud800-\udfff]")


def clean(text: object) -> str:
    """A str safe to tokenise with the same length as the caller's text (bytes are decoded)."""
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        try:
            text = str(text)
        except Exception:  # noqa: BLE001 - an object whose __str__ fails is just empty
            return ""
    return _JUNK.sub(" ", text.translate(_TRANSLATE))


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering ``text``; pieces end at a newline or sentence end."""
    out: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            window = text[start:end]
            cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("! "), window.rfind("? "))
            if cut < size // 2:
                cut = window.rfind(" ")
            if cut >= size // 4:
                end = start + cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


# ---------------------------------------------------------------------------- pattern data
@dataclass
class CueSpec:
    id: str
    category: str
    level: str
    weight: float
    pool: str = "self"            # self: the writer's own risk; other: a mention / third person
    negation: str = "check"       # check | inherent (the negation is the meaning)
    hyperbole: str = "none"       # none | drop | downgrade
    tense: str = "present"        # present | past (a past act a 'resolved' message can settle)
    subject: str = "fixed"        # fixed | infer | strict (strict: first person must be found)
    serious: bool = False         # signals only: blocks the hyperbole rule for the message
    requires: tuple[str, ...] = ()
    unless_context: tuple[str, ...] = ()
    unless_next: tuple[tuple[str, ...], ...] = ()
    unless_prev: frozenset[str] = frozenset()
    guard_her: bool = False       # reject "... her <noun>" ("hurt her feelings")
    next_in: tuple[tuple[str, ...], ...] = ()  # if set, the hit must be followed by one of
    #                                 these ("$": end of text, a line break or punctuation)


@dataclass
class ContextSpec:
    id: str
    effect: str
    scope: str  # sentence | message


@dataclass
class Words:
    negators: frozenset[str]
    negation_exempt_next: frozenset[str]
    negation_exempt_phrases: tuple[tuple[str, ...], ...]
    negation_history: frozenset[str]
    negation_history_phrases: tuple[tuple[str, ...], ...]
    negation_window: int
    clause_breaks: frozenset[str]
    explanation_openers: frozenset[str]
    report_breaks: frozenset[str]
    first: frozenset[str]
    third: frozenset[str]
    second: frozenset[str]
    thing: frozenset[str]
    person_nouns: frozenset[str]
    aux_after_s: frozenset[str]
    after_her_ok: frozenset[str]
    contrast: frozenset[str]
    pro_drop_skip: frozenset[str]
    pro_drop_verbs: frozenset[str]


def _as_words(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of words")
    out = []
    for w in value:
        if not isinstance(w, str):
            raise ValueError(f"{where}: {w!r} is not a string (quote yes/no/on/off in YAML)")
        out.append(w.lower())
    return out


class PatternCompiler:
    """Turns the compact pattern notation of patterns.yml into spaCy Matcher patterns.

    A pattern is a list of spaCy token dicts (used as is) or a string of space-separated items:

    ``word``           the lower-cased token is ``word``
    ``a|b|c``          ... one of these
    ``!a|b`` ``!@SET``  ... none of these
    ``@SET``           ... one of the word set ``words: SET``
    ``~SEQ``           one of the alternatives in ``sequences: SEQ`` (each may span tokens;
                       the pattern is expanded into one Matcher pattern per alternative);
                       ``~SEQ?`` also allows none of them; ``~SEQ|word|~SEQ2`` is any of
                       the sequences' alternatives or one of the plain words
    ``{a b|c|~SEQ d}``  one of these token sequences (a trailing ``?``: or nothing)
    ``_``              any token
    ``^item``          the token also starts a sentence
    ``%regex``         the lower-cased token matches the regular expression
    a trailing ``?`` ``*`` ``+`` on any item is the spaCy operator.
    """

    def __init__(self, words: dict[str, list[str]], sequences: dict[str, list[str]]) -> None:
        self.words = words
        self.sequences = sequences

    def token(self, item: str) -> dict:
        op = None
        if len(item) > 1 and item[-1] in _OP_CHARS:
            item, op = item[:-1], item[-1]
        spec: dict[str, Any] = {}
        if item.startswith("^") and len(item) > 1:
            spec["IS_SENT_START"] = True
            item = item[1:]
        negate = item.startswith("!") and len(item) > 1
        if negate:
            item = item[1:]
        if item == "_":
            pass
        elif item.startswith("%"):
            spec["LOWER"] = {"REGEX": item[1:]}
        else:
            choices: list[str] = []
            for part in item.split("|"):
                if part.startswith("@"):
                    name = part[1:]
                    if name not in self.words:
                        raise ValueError(f"unknown word set @{name}")
                    choices.extend(self.words[name])
                else:
                    choices.append(part.lower())
            if negate:
                spec["LOWER"] = {"NOT_IN": choices}
            elif len(choices) == 1:
                spec["LOWER"] = choices[0]
            else:
                spec["LOWER"] = {"IN": choices}
        if op:
            spec["OP"] = op
        return spec

    @staticmethod
    def split(pattern: str) -> list[str]:
        """Items of a pattern string; a ``{...}`` group (with its operator) is one item."""
        items: list[str] = []
        buf, depth = "", 0
        for ch in pattern:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    raise ValueError(f"unbalanced braces in {pattern!r}")
            if ch.isspace() and depth == 0:
                if buf:
                    items.append(buf)
                buf = ""
            else:
                buf += ch
        if depth:
            raise ValueError(f"unbalanced braces in {pattern!r}")
        if buf:
            items.append(buf)
        return items

    def expand(self, pattern: str, depth: int = 0) -> list[list[str]]:
        """The item lists a pattern string stands for, with every ~SEQ and {group} spelled out."""
        if depth > 5:
            raise ValueError(f"sequences nested too deep in {pattern!r}")
        options: list[list[list[str]]] = []
        for item in self.split(pattern):
            if item.startswith("{"):
                body, optional = item, False
                if body.endswith("?"):
                    body, optional = body[:-1], True
                if not body.endswith("}"):
                    raise ValueError(f"bad group {item!r} in {pattern!r}")
                alts = [[]] if optional else []
                inner, level, part = [], 0, ""
                for ch in body[1:-1]:  # split on top-level |
                    if ch == "{":
                        level += 1
                    elif ch == "}":
                        level -= 1
                    if ch == "|" and level == 0:
                        inner.append(part)
                        part = ""
                    else:
                        part += ch
                inner.append(part)
                simple: list[str] = []  # one-token alternatives merge into one item
                for alt in inner:
                    if not alt.strip():
                        alts.append([])
                    elif _SIMPLE_ITEM.match(alt.strip()):
                        simple.append(alt.strip())
                    else:
                        alts.extend(self.expand(alt, depth + 1))
                if simple:
                    alts.append(["|".join(simple)])
                options.append(_merge(alts))
            elif item.startswith("~"):
                body, optional = item, False
                if body.endswith("?"):  # ~SEQ? : the sequence or nothing
                    body, optional = body[:-1], True
                alts: list[list[str]] = [[]] if optional else []
                words: list[str] = []
                for part in body.split("|"):  # ~SEQ|word|~OTHER: any of them
                    if not part.startswith("~"):
                        words.append(part)
                        continue
                    name = part[1:]
                    if name not in self.sequences:
                        raise ValueError(f"unknown sequence ~{name}")
                    for alt in self.sequences[name]:
                        alts.extend(self.expand(alt, depth + 1))
                if words:
                    alts.append(["|".join(words)])
                options.append(_merge(alts))
            else:
                options.append([[item]])
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*options)]

    def compile(self, pattern: Any) -> list[list[dict]]:
        if isinstance(pattern, list):
            return [pattern]
        if not isinstance(pattern, str) or not pattern.strip():
            raise ValueError(f"bad pattern {pattern!r}")
        return [[self.token(i) for i in items] for items in self.expand(pattern)]


_COMMON = frozenset("""i me my you your he she it we they him her them his their the a an and or
but to of in on at for with is was are be been 's 'm m s 're 've ve 'd d 'll ll not n't nt do
did does that this so just have has had will would can could what when if then""".split())


def _anchor_cost(choices: list[str]) -> int:
    """Prefer anchoring a pattern on a rare word: common words would open windows everywhere."""
    return len(choices) + 10_000 * sum(c in _COMMON for c in choices)


def _merge(alts: list[list[str]]) -> list[list[str]]:
    """Merge alternatives that differ in one plain item ("i 'm" + "i am" -> "i 'm|am").

    Exact (it never lets through a sequence that was not listed) and keeps the number of
    Matcher patterns down, which is what load time and matching speed depend on.
    """
    alts = [list(a) for a in alts]
    changed = True
    while changed:
        changed = False
        for i in range(len(alts)):
            for j in range(i + 1, len(alts)):
                a, b = alts[i], alts[j]
                if len(a) != len(b) or not a:
                    continue
                diff = [k for k in range(len(a)) if a[k] != b[k]]
                if len(diff) != 1:
                    continue
                k = diff[0]
                if not (_SIMPLE_ITEM.match(a[k]) and _SIMPLE_ITEM.match(b[k])):
                    continue
                merged = list(dict.fromkeys(a[k].split("|") + b[k].split("|")))
                alts[i] = a[:k] + ["|".join(merged)] + a[k + 1:]
                del alts[j]
                changed = True
                break
            if changed:
                break
    return alts


@dataclass
class Hit:
    spec: CueSpec
    start: int            # token index in the chunk's doc
    end: int
    sent: int             # index into the chunk's sentence list
    chunk: int
    char_start: int       # in the whole text
    char_end: int
    text: str
    status: str = "self"  # self | other | dropped
    why: str = ""


@dataclass
class Judged:
    hits: list[Hit] = field(default_factory=list)
    message_effects: set[str] = field(default_factory=set)


class Detector:
    def __init__(self, patterns_file: Path = PATTERNS_FILE) -> None:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster
        data = yaml.load(patterns_file.read_text(encoding="utf-8"), Loader=loader)
        self.nlp = pipeline()
        words = {k: _as_words(v, f"words.{k}") for k, v in (data.get("words") or {}).items()}
        sequences = {k: [str(a) for a in v] for k, v in (data.get("sequences") or {}).items()}
        self.compiler = PatternCompiler(words, sequences)
        self.words = self._load_words(data.get("rules") or {}, words)
        # the compiler builds well-formed token dicts; spaCy's schema check costs ~1 s here
        self.matcher = Matcher(self.nlp.vocab, validate=False)      # risk cues
        self.ctx_matcher = Matcher(self.nlp.vocab, validate=False)  # sentence-scope context
        self.msg_matcher = Matcher(self.nlp.vocab, validate=False)  # message-scope context
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.cues: dict[str, CueSpec] = {}
        self.contexts: dict[str, ContextSpec] = {}
        self.pattern_count = 0
        self.anchors: set[str] = set()   # a token outside this set can start no match window
        self.unanchored = False          # some pattern has no required literal token
        self.max_len = 1                 # the longest pattern, in tokens
        for entry in data.get("cues") or []:
            self._add_cue(entry)
        for entry in data.get("context") or []:
            self._add_context(entry)

    # -------------------------------------------------------------- loading
    @staticmethod
    def _load_words(rules: dict, words: dict[str, list[str]]) -> Words:
        def w(name: str) -> frozenset[str]:
            return frozenset(_as_words(rules.get(name, []), f"rules.{name}"))

        def phrases(name: str) -> tuple[tuple[str, ...], ...]:
            return tuple(tuple(p.lower().split()) for p in _as_words(rules.get(name, []), name))

        return Words(
            negators=w("negators"),
            negation_exempt_next=w("negation_exempt_next"),
            negation_exempt_phrases=phrases("negation_exempt_phrases"),
            negation_history=w("negation_history"),
            negation_history_phrases=phrases("negation_history_phrases"),
            negation_window=int(rules.get("negation_window", 4)),
            clause_breaks=w("clause_breaks"),
            explanation_openers=w("explanation_openers"),
            report_breaks=w("report_breaks"),
            first=w("subject_first"),
            third=w("subject_third"),
            second=w("subject_second"),
            thing=w("subject_thing"),
            person_nouns=frozenset(words.get("PERSON_N", [])),
            aux_after_s=w("aux_after_s"),
            after_her_ok=w("after_her_ok"),
            contrast=w("contrast"),
            pro_drop_skip=w("pro_drop_skip"),
            pro_drop_verbs=w("pro_drop_verbs"),
        )

    def _add_patterns(self, key: str, entry: dict, matcher: Optional[Matcher] = None) -> None:
        compiled: list[list[dict]] = []
        for p in entry.get("patterns") or []:
            compiled.extend(self.compiler.compile(p))
        if compiled:
            (self.matcher if matcher is None else matcher).add(key, compiled)
            self.pattern_count += len(compiled)
            if matcher is None:
                for pat in compiled:
                    self._note_anchor(pat)
        if entry.get("phrases"):
            self.phrases.add(key, [self.nlp.make_doc(str(p)) for p in entry["phrases"]])
            self.pattern_count += len(entry["phrases"])
        if not compiled and not entry.get("phrases"):
            raise ValueError(f"{key}: no patterns")

    def _add_cue(self, e: dict) -> None:
        cid = e["id"]
        if cid in self.cues or cid in self.contexts:
            raise ValueError(f"duplicate pattern id {cid!r}")
        level = e["level"]
        if level not in CUE_LEVELS:
            raise ValueError(f"{cid}: level must be one of {CUE_LEVELS}")
        category = e["category"]
        if category not in CATEGORIES[:-1] and not (level == "signal" and category == "any"):
            raise ValueError(f"{cid}: unknown category {category!r}")
        spec = CueSpec(
            id=cid, category=category, level=level,
            weight=float(e.get("weight", DEFAULT_WEIGHT[level])),
            pool=e.get("pool", "self"), negation=e.get("negation", "check"),
            hyperbole=e.get("hyperbole", "none"), tense=e.get("tense", "present"),
            subject=e.get("subject", "fixed"), serious=bool(e.get("serious", False)),
            requires=tuple(e.get("requires", ())),
            unless_context=tuple(e.get("unless_context", ())),
            unless_next=self._sequences(e.get("unless_next", ()), drop_dashes=True),
            unless_prev=frozenset(w for seq in self._sequences(e.get("unless_prev", ())) for w in seq),
            guard_her=bool(e.get("guard_her", False)),
            next_in=self._sequences(e.get("next_in", ())),
        )
        for attr, allowed in (("pool", ("self", "other")), ("negation", ("check", "inherent")),
                              ("hyperbole", ("none", "drop", "downgrade")),
                              ("tense", ("present", "past")),
                              ("subject", ("fixed", "infer", "strict"))):
            if getattr(spec, attr) not in allowed:
                raise ValueError(f"{cid}: {attr} must be one of {allowed}")
        for r in (*spec.requires, *spec.unless_context):
            if r not in EFFECTS:
                raise ValueError(f"{cid}: requires or unless_context names unknown effect {r!r}")
        self.cues[cid] = spec
        self._add_patterns(cid, e)

    def _sequences(self, items: Iterable[Any], drop_dashes: bool = False) -> tuple[tuple[str, ...], ...]:
        """Lower-cased token sequences, a hyphenated word split as in the text (self, -, defence);
        an ``@NAME`` token stands for each word of that set ("my @PERSON_N out": "my dad out",
        "my sister out", ...). ``drop_dashes`` for guards that read past the text's dashes."""
        words = self.compiler.words
        out: list[tuple[str, ...]] = []
        for item in items:
            options: list[list[tuple[str, ...]]] = []
            for t in str(item).split():
                if t.startswith("@") and t[1:] in words:
                    options.append([(w,) for w in words[t[1:]]])
                elif t == "^name":
                    options.append([(t,)])
                else:  # "self-defence" is three tokens in the text: self, -, defence
                    parts = [w for w in re.split(r"(?<=\w)(-+)(?=\w)", t.lower()) if w]
                    options.append([tuple(w for w in parts if not (drop_dashes and w in DASHES))])
            out.extend(seq for seq in (tuple(w for part in combo for w in part)
                                       for combo in itertools.product(*options)) if seq)
        return tuple(dict.fromkeys(out))

    def _add_context(self, e: dict) -> None:
        cid = e["id"]
        if cid in self.cues or cid in self.contexts:
            raise ValueError(f"duplicate pattern id {cid!r}")
        if e["effect"] not in EFFECTS:
            raise ValueError(f"{cid}: unknown effect {e['effect']!r}")
        scope = e.get("scope", "sentence")
        if scope not in ("sentence", "message"):
            raise ValueError(f"{cid}: scope must be sentence or message")
        self.contexts[cid] = ContextSpec(cid, e["effect"], scope)
        if e.get("phrases"):
            raise ValueError(f"{cid}: context entries take patterns only")
        self._add_patterns(cid, e, self.msg_matcher if scope == "message" else self.ctx_matcher)

    def _note_anchor(self, pattern: list[dict]) -> None:
        """Record one required literal token of a pattern (the one with fewest choices)."""
        if any(tok.get("OP") in ("*", "+") for tok in pattern):
            self.unanchored = True
            return
        self.max_len = max(self.max_len, len(pattern))
        best: Optional[list[str]] = None
        for tok in pattern:
            if tok.get("OP") == "?" or set(tok) - {"LOWER", "OP"}:
                continue
            low = tok.get("LOWER")
            if isinstance(low, str):
                choices = [low]
            elif isinstance(low, dict) and "IN" in low:
                choices = list(low["IN"])
            else:
                continue
            if best is None or _anchor_cost(choices) < _anchor_cost(best):
                best = choices
        if best is None:
            self.unanchored = True
        else:
            self.anchors.update(best)

    def _windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges that can hold a match: around every anchor token, merged."""
        if self.unanchored or len(doc) <= 4 * self.max_len:
            return [(0, len(doc))]
        reach = self.max_len
        out: list[tuple[int, int]] = []
        for tok in doc:
            if tok.lower_ not in self.anchors:
                continue
            lo, hi = max(0, tok.i - reach), min(len(doc), tok.i + reach + 1)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        return out

    @property
    def ids(self) -> list[str]:
        return list(self.cues)

    # -------------------------------------------------------------- matching
    def _sentences(self, doc: Doc) -> list[int]:
        """Sentence index per token; a line break also ends a sentence."""
        sent_of = [0] * len(doc)
        idx = -1
        prev_break = True
        for tok in doc:
            if tok.is_sent_start or prev_break:
                idx += 1
            sent_of[tok.i] = max(idx, 0)
            prev_break = tok.is_space and "\n" in tok.text
        return sent_of

    def _match(self, doc: Doc, sent_of: list[int]) -> list[tuple[str, int, int]]:
        """Matches in the doc.

        Risk cues are matched only in windows around anchor tokens: a match is at most
        ``max_len`` tokens long and holds its pattern's anchor, so this finds the same matches
        as matching the whole doc, at a fraction of the cost on long pastes. Sentence-scope
        context markers only matter in a sentence with a cue, so they are matched there;
        message-scope markers (few patterns) over the whole doc.
        """
        seen: set[tuple[int, int, int]] = set()
        for lo, hi in self._windows(doc):
            span = doc if (lo, hi) == (0, len(doc)) else doc[lo:hi]
            for m, s, e in self.matcher(span):
                seen.add((m, s + lo, e + lo))
        for m, s, e in self.phrases(doc):
            seen.add((m, s, e))
        if seen:
            wanted = {sent_of[s] for _, s, _ in seen}
            bounds: dict[int, list[int]] = {}
            for i, sid in enumerate(sent_of):
                if sid in wanted:
                    b = bounds.setdefault(sid, [i, i + 1])
                    b[1] = i + 1
            for lo, hi in bounds.values():
                span = doc if (lo, hi) == (0, len(doc)) else doc[lo:hi]
                for m, s, e in self.ctx_matcher(span):
                    seen.add((m, s + lo, e + lo))
            for m, s, e in self.msg_matcher(doc):
                seen.add((m, s, e))
        return [(self.nlp.vocab.strings[m], s, e)
                for m, s, e in sorted(seen, key=lambda x: (x[1], x[2]))]

    def _guards_ok(self, spec: CueSpec, doc: Doc, start: int, end: int) -> bool:
        if spec.unless_prev and start > 0 and doc[start - 1].lower_ in spec.unless_prev:
            return False
        if spec.unless_next:  # dashes are read past: "done with it all - from socials I mean"
            reach = max(map(len, spec.unless_next))
            following = [t for t in doc[end:end + 2 * reach + 2]
                         if not t.is_space and t.text not in DASHES][:reach]
            for seq in spec.unless_next:
                if len(following) >= len(seq) and all(
                        _token_is(t, want) for t, want in zip(following, seq)):
                    return False
        if spec.guard_her and doc[end - 1].lower_ == "her" and end < len(doc):
            nxt = doc[end]
            if nxt.is_alpha and nxt.lower_ not in self.words.after_her_ok:
                return False
        if spec.next_in:
            following = [t for t in doc[end:end + 4] if not (t.is_space and "\n" not in t.text)]
            lows = [t.lower_ for t in following]
            at_end = not following or "\n" in following[0].text or (
                following[0].is_punct and following[0].text not in (",", ";", ":", "-", "'", '"'))
            if not any((seq == ("$",) and at_end) or tuple(lows[:len(seq)]) == seq
                       for seq in spec.next_in):
                return False
        return True

    def scan(self, text: str, context: Iterable[str] = ()) -> tuple[
            list[Hit], dict[str, list[tuple[int, int, int, int]]], list[tuple[Doc, list[int]]]]:
        """Risk hits, context markers (effect -> [(chunk, sent, start_tok, end_tok)]), docs."""
        hits: list[Hit] = []
        marks: dict[str, list[tuple[int, int, int, int]]] = {}
        docs: list[tuple[Doc, list[int]]] = []
        for ci, (offset, piece) in enumerate(chunks(text)):
            doc = self.nlp(piece)
            sent_of = self._sentences(doc)
            docs.append((doc, sent_of))
            raw = self._match(doc, sent_of)
            for key, s, e in raw:
                if key in self.contexts:
                    c = self.contexts[key]
                    sent = -1 if c.scope == "message" else sent_of[s]
                    marks.setdefault(c.effect, []).append((ci, sent, s, e))
                    continue
                spec = self.cues[key]
                if not self._guards_ok(spec, doc, s, e):
                    continue
                span = doc[s:e]
                hits.append(Hit(spec, s, e, sent_of[s], ci, offset + span.start_char,
                                offset + span.end_char, span.text))
        # a cue that needs a context the message lacks never stood: drop it before it can
        # shadow a shorter cue in the dedupe
        present = {eff for eff, spots in marks.items() if spots} | set(context)
        hits = [h for h in hits if all(r in present for r in h.spec.requires)]
        return self._dedupe(hits), marks, docs

    @staticmethod
    def _dedupe(hits: list[Hit]) -> list[Hit]:
        """Longest span per id; a span inside a longer one of the same category goes."""
        hits.sort(key=lambda h: (h.chunk, h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        for h in hits:
            clash = False
            for k in kept:
                if k.chunk != h.chunk or not (h.start < k.end and k.start < h.end):
                    continue
                if k.spec.id == h.spec.id:
                    clash = True
                    break
                same_cat = k.spec.category == h.spec.category
                if same_cat and k.start <= h.start and h.end <= k.end and _covers(k, h):
                    clash = True
                    break
            if not clash:
                kept.append(h)
        # a later, longer hit can contain an earlier one that started at the same token
        final: list[Hit] = []
        for h in kept:
            inside = any(
                k is not h and k.chunk == h.chunk and k.spec.category == h.spec.category
                and k.start <= h.start and h.end <= k.end and (k.end - k.start) > (h.end - h.start)
                and _covers(k, h)
                for k in kept)
            if not inside:
                final.append(h)
        return final

    # -------------------------------------------------------------- judging
    def _clause_start(self, doc: Doc, sent_of: list[int], i: int, breaks: frozenset[str]) -> int:
        j = i
        while j > 0 and sent_of[j - 1] == sent_of[i] and doc[j - 1].lower_ not in breaks:
            j -= 1
        return j

    def _negated(self, doc: Doc, sent_of: list[int], hit: Hit) -> Optional[int]:
        """Index of the negator governing the hit, if any. A negator inside the hit that
        negates being or living is the risk itself, not a denial of it ("I'd rather not be
        here", "the thought of not existing", "I don't want to live without her")."""
        w = self.words
        lo = self._clause_start(doc, sent_of, hit.start, w.clause_breaks)
        lo = max(lo, hit.start - w.negation_window)
        for j in range(hit.end - 1, lo - 1, -1):
            tok = doc[j]
            if tok.lower_ not in w.negators:
                continue
            if j >= hit.start and any(t.lower_ in _NEGATED_BEING for t in doc[j + 1:min(j + 4, hit.end)]):
                continue
            if tok.lower_ == "no" and j + 1 < len(doc) and doc[j + 1].lower_ in ("one", "-", "body"):
                continue
            nxt = [t.lower_ for t in doc[j + 1:j + 5]]
            if nxt and nxt[0] in w.negation_exempt_next:
                continue
            if any(tuple(nxt[:len(p)]) == p for p in w.negation_exempt_phrases):
                continue
            return j
        return None

    def _negation_is_history(self, doc: Doc, sent_of: list[int], hit: Hit, neg: int) -> bool:
        w = self.words
        sent = _sentence_of(doc, sent_of, hit.start)
        # an explanation after the denial is about something else (words: explanation_openers)
        for k, t in enumerate(sent):
            if t.i >= hit.end and t.lower_ in w.explanation_openers and k > 0 \
                    and sent[k - 1].lower_ in w.clause_breaks:
                sent = sent[:k]
                break
        lowers = [t.lower_ for t in sent]
        if doc[neg].lower_ in w.negation_history or (
                neg > 0 and doc[neg - 1].lower_ in w.negation_history):
            return True
        if any(x in w.negation_history for x in lowers):
            return True
        for p in w.negation_history_phrases:
            n = len(p)
            if any(tuple(lowers[k:k + n]) == p for k in range(len(lowers) - n + 1)):
                return True
        return False

    def _subject(self, doc: Doc, sent_of: list[int], hit: Hit) -> str:
        """first | third | second | thing | none: the nearest subject before the hit."""
        w = self.words
        # a subject at the head of the hit: "wish I was dead", "if he didn't wake up" (the
        # last token is left out: it is an object in "'ll hurt you")
        for tok in doc[hit.start:min(hit.start + 2, hit.end - 1)]:
            low = tok.lower_
            if low in _NOMINATIVE_FIRST:
                return "first"
            if low in _NOMINATIVE_OTHER:
                return "second" if low in w.second else "third"
        j = hit.start - 1
        steps = 0
        sent = sent_of[hit.start]
        while j >= 0 and sent_of[j] == sent and steps < 12:
            tok = doc[j]
            low = tok.lower_
            if low in (";", "but"):
                break
            if low in w.first:
                return "first"
            if low in w.third:
                return "third"
            if low in w.second:
                return "second"
            if low in w.thing and steps <= 2 and not (  # "it would hurt him", not "is it
                    j > 0 and doc[j - 1].lower_ in _PREPOSITIONS):  # normal", "out of it, took"
                return "thing"
            nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
            possessive = nxt in ("'s", "s", "'") and (
                j + 2 >= len(doc) or doc[j + 2].lower_ not in w.aux_after_s)
            if low in w.person_nouns and not possessive:
                return "third"
            # the hit is someone's own: "Dad's suicide attempt", "Danny's overdose"
            if possessive and j + 2 == hit.start and (low in w.person_nouns or tok.is_title):
                return "third"
            j -= 1
            steps += 1
        return "first" if self._pro_drop(doc, sent_of, hit) else "none"

    @staticmethod
    def _asks(doc: Doc, sent_of: list[int], hit: Hit) -> bool:
        """The hit's sentence is a question or a what-if ("what if I just stabbed him?")."""
        sent = [t.lower_ for t in _sentence_of(doc, sent_of, hit.start)]
        return "?" in sent or any(a == "what" and b == "if" for a, b in zip(sent, sent[1:]))

    def _pro_drop(self, doc: Doc, sent_of: list[int], hit: Hit) -> bool:
        """A sentence that opens on a verb with its "I" left out, as chat does ("Started
        self-harming again", "relapsed last night"): the writer is the subject."""
        w = self.words
        j = _sentence_of(doc, sent_of, hit.start)[0].i
        while j < hit.start and doc[j].lower_ in w.pro_drop_skip:
            j += 1
        return j <= hit.start and doc[j].lower_ in w.pro_drop_verbs

    def _first_person_in_sentence(self, doc: Doc, sent_of: list[int], hit: Hit) -> bool:
        return any(t.lower_ in self.words.first for t in _sentence_of(doc, sent_of, hit.start))

    def _in_sentence(self, marks: dict, effect: str, hit: Hit) -> bool:
        return any(s == -1 or (c == hit.chunk and s == hit.sent)
                   for c, s, _, _ in marks.get(effect, ()))

    def _in_clause(self, doc: Doc, marks: dict, effect: str, hit: Hit) -> bool:
        """Like _in_sentence, but a contrast ("but", "now", ";") between marker and hit ends it."""
        for c, s, a, b in marks.get(effect, ()):
            if s == -1:
                return True
            if c != hit.chunk or s != hit.sent:
                continue
            lo, hi = (b, hit.start) if b <= hit.start else (hit.end, a)
            if not {t.lower_ for t in doc[lo:hi]} & self.words.contrast:
                return True
        return False

    def _report_before(self, doc: Doc, marks: dict, hit: Hit) -> bool:
        for c, s, a, b in marks.get("report", ()):
            if c != hit.chunk or s != hit.sent or b > hit.start:
                continue
            between = {t.lower_ for t in doc[b:hit.start]}
            if not between & self.words.report_breaks:
                return True
        return False

    def judge(self, text: str, context: Iterable[str] = ()) -> Judged:
        """Judge every hit. ``context``: effects known from outside the message (the scene
        is about a death: ``grief``), which cues that ``require`` them may rely on."""
        context = {c for c in context if c in EFFECTS}
        hits, marks, docs = self.scan(text, context)
        contexts_in_message = {eff for eff, spots in marks.items() if spots} | context
        serious = {h.spec.category for h in hits if h.spec.serious}
        any_serious = bool(serious)
        judged = Judged(message_effects=contexts_in_message)
        for h in hits:
            doc, sent_of = docs[h.chunk]
            spec = h.spec
            if any(r not in contexts_in_message for r in spec.requires):
                continue
            unless = [c for c in spec.unless_context if c in contexts_in_message]
            if unless:
                h.status, h.why = "dropped", f"context: {unless[0]}"
                judged.hits.append(h)
                continue
            # the writer reports a screening question and answers no ("my GP asked if I'd
            # thought of ending my life and I said no"): not a disclosure
            if spec.category != "danger_abuse" and self._in_sentence(marks, "asked", h) \
                    and "denial" in contexts_in_message:
                h.status, h.why = "dropped", "a screening question answered no"
                judged.hits.append(h)
                continue
            status, why = ("other" if spec.pool == "other" else "self"), ""
            # who is it about
            if spec.subject in ("infer", "strict"):
                who = self._subject(doc, sent_of, h)
                if who == "thing":
                    h.status, h.why = "dropped", "not about a person"
                    judged.hits.append(h)
                    continue
                if who in ("third", "second") or (spec.subject == "strict" and who == "none"):
                    status, why = "other", f"subject is {who if who != 'none' else 'unclear'}"
                    if "unmasked" in contexts_in_message and spec.pool != "other":
                        status, why = "self", "the writer says it is them"
            # negation
            if spec.negation == "check":
                neg = self._negated(doc, sent_of, h)
                if neg is not None:
                    if self._negation_is_history(doc, sent_of, h, neg) and spec.level != "signal":
                        status, why = "other", f"negated past ({doc[neg].text!r})"
                    else:
                        h.status, h.why = "dropped", f"negated ({doc[neg].text!r})"
                        judged.hits.append(h)
                        continue
            # someone's death by suicide, told as grief ("my brother died by suicide two years
            # ago"): a mention, not a risk; the writer's own cues are judged on their own
            if spec.pool == "other" and spec.category == "suicide" \
                    and self._in_sentence(marks, "bereavement", h):
                h.status, h.why = "dropped", "someone's past death"
                judged.hits.append(h)
                continue
            # a mention in talk about a topic (a course, a charity, a film): not a person; in a
            # sentence with no first-person word at all, not even a danger or a threat ("reading
            # a book where the stepdad is abusive")
            if self._in_sentence(marks, "topic", h) and (
                    status == "other" or not self._first_person_in_sentence(doc, sent_of, h)):
                h.status, h.why = "dropped", "a topic, not a person"
                judged.hits.append(h)
                continue
            # accidents
            if spec.category == "self_harm" and self._in_sentence(marks, "accident", h) \
                    and not self._in_sentence(marks, "intentional", h):
                h.status, h.why = "dropped", "accident"
                judged.hits.append(h)
                continue
            # hyperbole
            joking = self._in_sentence(marks, "hyperbole", h) or (
                spec.category in BANTER_CATEGORIES and self._in_sentence(marks, "banter", h))
            if spec.hyperbole != "none" and joking and not any_serious:
                if spec.hyperbole == "drop":
                    h.status, h.why = "dropped", "hyperbole"
                    judged.hits.append(h)
                    continue
                status, why = "other", "hyperbole"
            if status == "self":
                # a conditional threat with a serious marker ("if he touches her again I'll
                # stab him. I'm not exaggerating") is a threat, not a what-if
                if self._in_sentence(marks, "hypothetical", h) and not self._in_sentence(
                        marks, "disclosure", h) and "unmasked" not in contexts_in_message \
                        and not (spec.category == "harm_others" and any_serious
                                 and not self._asks(doc, sent_of, h)):
                    status, why = "other", "hypothetical or a question"
                elif spec.category != "danger_abuse" and self._report_before(doc, marks, h) \
                        and "unmasked" not in contexts_in_message:
                    status, why = "other", "reported speech"
                elif self._in_clause(doc, marks, "past", h) and (
                        "resolved" in contexts_in_message
                        or not self._in_clause(doc, marks, "recent", h)):
                    status, why = "other", "past"
                elif spec.tense == "past" and "resolved" in contexts_in_message and \
                        not self._in_clause(doc, marks, "recent", h):
                    status, why = "other", "past and resolved"
            if spec.level == "signal" and status == "other":
                h.status, h.why = "dropped", why or "signal about someone else"
                judged.hits.append(h)
                continue
            h.status, h.why = status, why
            judged.hits.append(h)
        return judged

    # -------------------------------------------------------------- deciding
    def decide(self, text: str, context: Iterable[str] = ()) -> dict[str, Any]:
        judged = self.judge(text, context)
        live = [h for h in judged.hits if h.status != "dropped"]
        by_cat: dict[str, dict[str, float]] = {}
        any_signals: dict[str, float] = {}
        has_core: dict[str, bool] = {}
        for h in live:
            if h.status != "self":
                continue
            if h.spec.category == "any":
                any_signals[h.spec.id] = max(any_signals.get(h.spec.id, 0.0), h.spec.weight)
                continue
            bucket = by_cat.setdefault(h.spec.category, {})
            bucket[h.spec.id] = max(bucket.get(h.spec.id, 0.0), h.spec.weight)
            if h.spec.level != "signal":
                has_core[h.spec.category] = True
        scores: dict[str, float] = {}
        for cat, ids in by_cat.items():
            s = sum(ids.values())
            if has_core.get(cat):
                s += sum(any_signals.values())
            scores[cat] = s
        crisis_cats = [c for c, s in scores.items() if s >= 1.0 - _EPS]
        order = {h.spec.category: i for i, h in reversed(list(enumerate(live)))}
        if crisis_cats:
            category = max(crisis_cats, key=lambda c: (scores[c], -order.get(c, 0)))
            label = "crisis"
        else:
            candidates = [h for h in live if h.spec.level != "signal" or
                          (h.status == "self" and has_core.get(h.spec.category))]
            candidates = [h for h in candidates if h.spec.category != "any"]
            if candidates:
                label = "check_in"
                best = max(candidates, key=lambda h: (h.status == "self", h.spec.weight,
                                                      -h.char_start))
                category = best.spec.category
            else:
                label, category = "none", "none"
        cues: list[Cue] = []
        for h in live:
            if h.spec.category == "any":
                cat_ok = label == "crisis" and has_core.get(category, False)
                points = "crisis" if cat_ok else None
            elif label == "crisis" and h.status == "self" and h.spec.category in crisis_cats:
                points = "crisis"
            elif h.spec.level == "signal":
                points = "check_in" if label != "none" and has_core.get(h.spec.category) else None
            else:
                points = "check_in"
            if points is None:
                continue
            cues.append(Cue(h.char_start, h.char_end, h.text, h.spec.id,
                            h.spec.category if h.spec.category != "any" else category, points))
        cues.sort(key=lambda c: (c.start, c.end))
        notes = [f"{h.spec.id} {h.text!r}: {h.why}" for h in judged.hits if h.why]
        return {"label": label, "category": category, "cues": cues, "scores": scores,
                "notes": notes, "dropped": sum(1 for h in judged.hits if h.status == "dropped"),
                "judged": judged}


_PREPOSITIONS = frozenset({"of", "for", "with", "about", "on", "in", "at", "to", "from", "by",
                          "over", "under", "into", "onto", "without"})
# "not be / exist / live / wake" inside a hit: the wish not to be, see ``_negated``
_NEGATED_BEING = frozenset({"be", "being", "exist", "existing", "alive", "live", "living",
                            "wake", "waking"})


def _sentence_of(doc: Doc, sent_of: list[int], i: int) -> list[Token]:
    """The tokens of the sentence that holds token ``i``."""
    return [t for t in doc if sent_of[t.i] == sent_of[i]]


def _token_is(token: Token, want: str) -> bool:
    """A guard's token: a word (lower-cased), or ``^name`` for a capitalised word other than
    "I" ("ending it with Marcus")."""
    if want == "^name":
        return token.is_alpha and token.text[:1].isupper() and token.text != "I"
    return token.lower_ == want


def _covers(outer: Hit, inner: Hit) -> bool:
    """A longer hit stands for a shorter one inside it unless the shorter one weighs more
    (or the longer one is a mere signal and the shorter one is not)."""
    if outer.spec.level == "signal" and inner.spec.level != "signal":
        return False
    return outer.spec.weight >= inner.spec.weight and outer.spec.pool == inner.spec.pool


def route_of(decided: dict[str, Any]) -> str:
    """How the trained classifier may follow up a pattern decision: 'crisis' (the patterns
    decided; nothing to add), 'open' (no cue matched at all) or 'guarded' (cues matched but
    were set aside or only asked for a check-in)."""
    if decided["label"] == "crisis":
        return "crisis"
    if decided["label"] == "none" and not decided["dropped"] and not decided["cues"]:
        return "open"
    return "guarded"


@functools.lru_cache(maxsize=1)
def detector() -> Detector:
    return Detector()


def iter_hits(text: str) -> Iterable[Hit]:
    """Every judged hit (for debugging and tests)."""
    return detector().judge(clean(text)).hits
