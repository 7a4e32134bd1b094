"""An assertive alternative built from what the user actually said.

Keep the topic, the request and any feeling the user named; change the framing: drop the
cue words that made the line passive, aggressive or passive-aggressive, turn blame ("you
never X") into an I-statement about X, and end with one specific request. Candidates are
checked with the style scorer and the first one it rates assertive is used; the share of
first candidates that pass is reported by ``python -m bot.feedback.evaluate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from bot.results import Analysis, Cue, plain_quotes

# Cue types whose words must not survive into the alternative.
DROP_TYPES = {
    "hedge", "over_apology", "self_deprecation", "deferring", "minimising", "hinting",
    "you_blame", "absolute", "insult", "threat", "bare_command", "contempt", "profanity",
    "shouting", "sarcasm", "denied_feelings", "martyrdom", "veiled_reminder", "backhanded",
    "non_apology", "pointed_hint",
}
FEELINGS = ("frustrated", "hurt", "upset", "worried", "sad", "angry", "anxious", "disappointed",
            "overwhelmed", "stressed", "exhausted", "lonely", "tired", "ignored", "left out",
            "undervalued", "embarrassed", "uncomfortable", "scared", "nervous", "annoyed",
            "drained", "taken for granted", "unheard")
DEFAULT_FEELING = {"aggressive": "frustrated", "passive": "a bit stuck",
                   "passive_aggressive": "hurt", "assertive": "strongly"}
_REQUEST = re.compile(
    r"\b(?:could|can|would|will) you(?: please)?(?: maybe| possibly| just)? (?P<act>[^.?!]+)"
    r"|\bif you could(?: maybe| possibly| just)? (?P<act2>[^.?!,]+)"
    r"|\b(?P<help>(?:help|a hand) (?:me )?with [^.?!,]+)"
    r"|\b(?:while|whilst|and|but) i (?:always |still |have to |end up |get stuck |am left to )?(?P<mine>(?:do|doing|cook|cooking|clean|cleaning|pay|paying|look after|sort|sorting|handle|handling|take care of|pick up|drive|carry|organise|organize|plan|cover|covering)\b[^.?!,]*)"
    r"|\b(?:leave|leaving|left) me (?:to |with )?(?P<left>[^.?!,]+)"
    r"|\b(?:i need you to|i want you to|you need to|you have to|you should) (?P<need>[^.?!]+)"
    r"|\bif (?:someone|somebody|anyone) (?:could|would) (?P<someone>[^.?!,]+)",
    re.IGNORECASE,
)
_NEVER = re.compile(r"\byou(?: just)? (?:never|don't ever|do not ever|won't ever|can't even|didn't even|don't even) (?P<act>[^.?!,]+)", re.IGNORECASE)
_ALWAYS = re.compile(r"\byou(?:'re| are)? (?:always|constantly|keep|(?P<only>only)(?: ever)?) (?P<act>[^.?!,]+)", re.IGNORECASE)
# When the only cues are of one of these types, there is no request to keep: say the feeling.
CUE_TEMPLATES = {
    "non_apology": "I see this differently, and I'd like to explain why. Could you hear my side first?",
    "denied_feelings": "Actually, I'm not fine. I feel {feeling} about this, and I'd like to talk about it. Could we?",
    "deferring": "I have a view on this too. I'd like to say what I'd prefer, and then hear yours. Is that okay?",
    "minimising": "This matters to me more than I've been saying. I'd like us to talk about it properly. Could we?",
}

_FIRST_PERSON = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself"}
_SECOND_PERSON = {"your": "your", "you": "you"}
_TRAILING = re.compile(r"\b(?:then|again|anyway|or something|for once|as usual|like always|"
                       r"at all|ever|please|now|already|sometime|at some point|or not|"
                       r"if that's ok|if that's okay|if you don't mind|if you have time)\s*$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Rewrite:
    text: str
    kept: list[str]  # the user's own phrases carried over
    first_candidate_ok: bool


def _strip_cues(text: str, cues: list[Cue]) -> str:
    spans = sorted((c.start, c.end) for c in cues if c.cue_type in DROP_TYPES)
    out, pos = [], 0
    for start, end in spans:
        if start >= pos:
            out.append(text[pos:start])
            pos = end
        else:
            pos = max(pos, end)
    out.append(text[pos:])
    cleaned = re.sub(r"\s+([,.!?])", r"\1", " ".join("".join(out).split()))
    cleaned = re.sub(r"([,.!?])\1+", r"\1", cleaned)
    return re.sub(r"^[,.!?\s]+", "", cleaned)


def _tidy(phrase: str) -> str:
    phrase = re.sub(r"[\"“”]", "", phrase).strip(" ,;:-")
    phrase = re.sub(r"\s+", " ", phrase)
    for _ in range(3):
        phrase = _TRAILING.sub("", phrase).strip(" ,;:-")
    words = phrase.split()
    return " ".join(words[:14])


def _base(gerund_stem: str) -> str:
    """'cook' from 'cook'+'ing', 'take' from 'tak'+'ing', 'shop' from 'shopp'+'ing'."""
    stem = gerund_stem.lower()
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    if stem in ("mak", "tak", "hav", "giv", "driv", "writ", "com", "leav", "serv", "car", "us", "handl", "tidy"):
        return {"tidy": "tidy"}.get(stem, stem + "e")
    return stem


_PRAISE = re.compile(r"\b(love|loved|honou?r|great|nice|thoughtful|wonderful|perfect|kind|lucky|"
                     r"thrilled|delighted|glad|happy|lovely|brilliant|amazing|fantastic|generous|"
                     r"impressed|favourite|favorite|thanks|thank)\b", re.IGNORECASE)
_FILLER_START = re.compile(r"^(?:(?:oh|ugh|lol|well|look|listen|right|so|um|uh|honestly|seriously|"
                           r"wow|yeah|yes|no|ok|okay|fine|sure|hey|god|great|perfect|wonderful|"
                           r"lovely|really|and|but|then|anyway|also)\b[\s,.!?]*)+", re.IGNORECASE)
_IMPERATIVE = re.compile(
    r"^(?P<act>(?:turn|give|get|put|take|come|go|move|bring|pick|clean|wash|pay|call|ring|text|"
    r"tell|let|leave|sit|answer|hand|keep|make|try|wait|send|return|fix|finish|sort|tidy|"
    r"switch|clear|check|book|ask|help|stay|hurry|do|show|explain|share|split|cover|drive|"
    r"walk|feed|cook|empty|lower|stop|quit|listen)\b[^.?!]*)", re.IGNORECASE)
_NEGATED_YOU = re.compile(r"^you (?:just |even |still )?(?:did ?n['o]?t|didnt|do ?n['o]?t|dont|never|won['o]?t|wont|can['o]?t|cant|could ?n't|couldnt|wouldn't|wouldnt|haven't|havent|hasn't)\s+(?:even |ever |once |bother to |bothered to )*(?P<act>[^.?!,]+)", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:you|i|we|it|this|that|they|he|she|everyone|nobody|no one|someone|the|my|your|our|there)\b", re.IGNORECASE)
_CONTRACTIONS = {"didnt": "didn't", "dont": "don't", "wont": "won't", "cant": "can't", "ur": "your",
                 "u": "you", "im": "I'm", "ive": "I've", "ill": "I'll", "doesnt": "doesn't",
                 "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't", "couldnt": "couldn't",
                 "wouldnt": "wouldn't", "youre": "you're", "thats": "that's", "its": "it's", "i": "I"}


def _normalise(text: str) -> str:
    """Chat spellings to standard ones, so the alternative reads as a model sentence."""
    return re.sub(r"\b[A-Za-z]+\b", lambda m: _CONTRACTIONS.get(m.group(0).lower(), m.group(0)), text)


def _clauses(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\s*[;:]\s*|\s+-+\s+|,\s+(?=(?:and|but|so|because|while)\b)", text)
    out = []
    for part in parts:
        part = _FILLER_START.sub("", part.strip()).strip(" ,.!?;:-")
        part = re.sub(r"^(?:and|but|so|because)\s+", "", part, flags=re.IGNORECASE)
        if len(part.split()) >= 2:
            out.append(part)
    return out


def _content_words(text: str) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w for w in re.findall(r"[a-z']+", text.lower())
            if len(w) > 2 and w not in STOP_WORDS and w not in _CONTRACTIONS}


def _feeling(text: str, label: str) -> str:
    lowered = text.casefold()
    for feeling in FEELINGS:
        if re.search(rf"\b{re.escape(feeling)}\b", lowered):
            return feeling
    return DEFAULT_FEELING.get(label, "strongly about this")


def _content(text: str, cues: list[Cue]) -> tuple[Optional[str], Optional[str]]:
    """(the thing to ask for, the behaviour that bothered the user), from the user's words."""
    plain = plain_quotes(text)
    request = None
    for match in _REQUEST.finditer(plain):
        name, act = next((k, v) for k, v in match.groupdict().items() if v)
        if name in ("mine", "left"):
            act = "help me " + re.sub(r"^(\w+)ing\b", lambda m: _base(m.group(1)), act.strip())
        request = _tidy(act)
        if request:
            break
    never = _NEVER.search(plain)
    always = _ALWAYS.search(plain)
    behaviour = None
    if never and not request:
        request = _tidy(never.group("act"))
    if request and not _content_words(request):  # "you never do anything": nothing to ask for
        request = None
    if always:
        behaviour = _tidy(("only " if always.group("only") else "") + always.group("act"))
        if not _content_words(behaviour):  # "you always have such..." carries no content
            behaviour = None
    return request or None, behaviour or None


def _clean_insults(phrase: str, cues: list[Cue], text: str, tidy: bool = True) -> str:
    """Remove any insult, profanity or contempt words that sit inside a kept phrase."""
    for cue in cues:
        if cue.cue_type in ("insult", "profanity", "contempt", "shouting", "absolute"):
            phrase = re.sub(rf"(?i)\b{re.escape(cue.text)}\b", "", phrase)
    phrase = re.sub(r"(?i)\b(you|your)\s+(,|$)", r"\2", phrase)
    return _tidy(phrase) if tidy else " ".join(phrase.split())


def candidates(text: str, style: Analysis, topic_hint: Optional[str] = None) -> tuple[list[str], list[str]]:
    """Assertive rewrites in order of preference, and the user's phrases they keep."""
    cues = style.cues
    text = plain_quotes(text)
    request, behaviour = _content(text, cues)
    request = _normalise(_clean_insults(request, cues, text)) if request else None
    behaviour = _normalise(_clean_insults(behaviour, cues, text)) if behaviour else None
    feeling = _feeling(text, style.label)
    remainder = _clean_insults(_strip_cues(text, cues), cues, text, tidy=False)
    clauses = [_normalise(_clean_insults(c, cues, text, tidy=False)) for c in _clauses(remainder)]
    clauses = [c for c in clauses if 2 <= len(c.split()) <= 20]
    if style.label == "passive_aggressive":  # sarcastic praise means its opposite: don't quote it
        clauses = [c for c in clauses if not _PRAISE.search(c)]
    kept = [p for p in (request, behaviour) if p]
    out: list[str] = []
    if behaviour and request:
        out.append(f"When you {behaviour}, I feel {feeling}. Could you {request}?")
    if behaviour:
        out.append(f"When you {behaviour}, I feel {feeling}. I'd like us to find a way to change that. "
                   "Could we talk about it?")
    if request:
        out.append(f"I feel {feeling} about this, and it matters to me. Could you {request}?")
        out.append(f"I'd like you to {request}. Would that work for you?")
    for clause in clauses:  # what happened, in the user's words
        negated = _NEGATED_YOU.match(clause)
        imperative = _IMPERATIVE.match(clause)
        act = _tidy((negated or imperative).group("act")) if (negated or imperative) else ""
        if (negated or imperative) and not _content_words(act):
            continue  # "do anything", "help": nothing specific to ask for
        if negated:
            kept.append(clause)
            out.append(f"When {clause[0].lower() + clause[1:]}, I felt {feeling}. Next time, could you {act}?")
        elif imperative and not request:
            act = act.rstrip(", ").removesuffix(", you").strip(" ,")
            kept.append(act)
            out.append(f"I feel {feeling} about this. Could you please {act[0].lower() + act[1:]}?")
        elif _SUBJECT.match(clause) and len(clause.split()) >= 3:
            kept.append(clause)
            if re.match(r"(?i)^(?:i|i'm|i've|i'd|my)\b", clause):
                out.append(f"I'll be honest: {clause[0].upper() + clause[1:]}. I feel {feeling} about "
                           "that, and I'd like us to talk about what would help. Could we?")
            else:
                out.append(f"When {clause[0].lower() + clause[1:]}, I feel {feeling}. I'd like us to "
                           "agree on one specific change. Could we talk about it?")
        if len(out) >= 4:
            break
    if not kept:
        cue_types = {c.cue_type for c in cues}
        order = list(CUE_TEMPLATES)
        if style.label == "passive":  # "whatever you want" is deferring, not a resentful denial
            order = ["deferring", "minimising", "non_apology", "denied_feelings"]
        for cue_type in order:
            if cue_type in cue_types:
                out.append(CUE_TEMPLATES[cue_type].format(feeling=feeling))
                break
    topic = topic_hint or "this"
    out.append(f"I feel {feeling} about {topic}, and I'd like us to sort it out together. "
               "Could we agree on one specific change?")
    return out, kept


def rewrite(text: str, style: Analysis, score: Callable[[str], Analysis],
            topic_hint: Optional[str] = None) -> Rewrite:
    """The first candidate the scorer rates assertive (or the last, most generic one)."""
    options, kept = candidates(text, style, topic_hint)
    for index, option in enumerate(options):
        option = option[0].upper() + option[1:]
        if score(option).label == "assertive":
            return Rewrite(option, kept, index == 0)
    return Rewrite(options[-1], kept, False)
