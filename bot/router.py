"""Inside a scene, is this message a request to the app or a line to the other person?

Rasa's NLU proposes an intent; during a scene anything can be a role-play line ("stop
leaving your dishes everywhere", "can we start over?"), so a meta command is only accepted
when it is short and plainly addressed to the app, or names the app's own words. Exits
("stop", "pause", "I need a break") get a lower bar: wrongly pausing costs one 'resume',
wrongly staying in a scene someone wants to leave costs far more.
"""

from __future__ import annotations

import re
from typing import Optional

APP_WORDS = re.compile(
    r"\b(scene|scenes|scenario|scenarios|role[- ]?play|roleplay|exercise|practi[cs]e|coach|"
    r"coaching|feedback|debrief|summary|app|bot|session|difficulty|tips?|menu)\b",
    re.IGNORECASE,
)
EXIT = re.compile(
    r"^\s*(/?(stop|pause|quit|exit|end|cancel|halt|break)|i need (a|to take a) (break|minute|moment|pause)|"
    r"(this is|it'?s|that'?s) (too much|too hard|too intense)( for me)?( right now)?|"
    r"(can|could) we (stop|pause)( (this|here|now|please))*|"
    r"i (want|need|would like|'?d like) to (stop|pause|quit|end)( (this|here|now|please|the \w+))*|"
    r"(i'?m|i am) done( (with|for) (this|now|today))?|enough( for (now|today))?|"
    r"give me a (minute|moment|second)|hold on|time ?out|let me (stop|pause)( (here|now))?)"
    r"\s*(please|now|for now|for a bit|for a while|for a minute)?\s*[.!]*\s*$",
    re.IGNORECASE,
)
COMMAND = re.compile(r"^\s*/[a-z_]+")
META_MIN_CONFIDENCE = 0.8
EXIT_MIN_CONFIDENCE = 0.6
SHORT_WORDS = 6

AREA_WORDS = {
    "grief": "grief", "loss": "grief", "bereavement": "grief", "grieving": "grief",
    "dispute": "role_dispute", "disputes": "role_dispute", "conflict": "role_dispute",
    "conflicts": "role_dispute", "disagreement": "role_dispute", "disagreements": "role_dispute",
    "argument": "role_dispute", "arguments": "role_dispute",
    "transition": "role_transition", "transitions": "role_transition", "change": "role_transition",
    "changes": "role_transition", "new job": "role_transition", "retirement": "role_transition",
    "deficit": "interpersonal_deficits", "deficits": "interpersonal_deficits",
    "loneliness": "interpersonal_deficits", "lonely": "interpersonal_deficits",
    "friends": "interpersonal_deficits", "making friends": "interpersonal_deficits",
    "connecting": "interpersonal_deficits",
}
DIFFICULTY_WORDS = {"easy": "easy", "gentle": "easy", "beginner": "easy", "simple": "easy",
                    "medium": "medium", "normal": "medium", "moderate": "medium",
                    "hard": "hard", "tough": "hard", "difficult": "hard", "challenging": "hard"}


# The commands the help text advertises always do what it says, whatever NLU thinks: an
# exact match (case, spaces and a final full stop aside) overrides the predicted intent.
CANONICAL = {
    "scenarios": "list", "list": "list", "menu": "list", "list scenarios": "list",
    "show scenarios": "list", "help": "help", "pause": "pause", "resume": "resume",
    "continue": "resume", "stop": "stop", "quit": "stop", "exit": "stop", "restart": "restart",
    "switch scenario": "switch", "switch": "switch", "feedback": "feedback", "debrief": "feedback",
    "coach off": "coach_off", "coach on": "coach_on", "let me try that again": "retry",
    "try again": "retry", "retry": "retry", "redo": "retry", "easy": "difficulty",
    "medium": "difficulty", "hard": "difficulty",
}
_SLASH = re.compile(r"^\s*/(?P<intent>[a-z_]+)")
_INTENT_COMMANDS = {
    "list_scenarios": "list", "start_scenario": "start", "choose_difficulty": "difficulty",
    "switch_scenario": "switch", "roleplay_line": "line",
}


def canonical(text: str) -> Optional[str]:
    """The command an exact, advertised phrase or a typed ``/intent`` stands for."""
    slash = _SLASH.match(text)
    if slash:
        intent = slash.group("intent")
        return _INTENT_COMMANDS.get(intent, intent)
    key = " ".join(re.sub(r"[.!]+$", "", text.strip().casefold()).split())
    return CANONICAL.get(key)


def is_exit(text: str, confidence: float) -> bool:
    """A stop or pause request during a scene."""
    if COMMAND.match(text) or EXIT.match(text):
        return True
    return confidence >= EXIT_MIN_CONFIDENCE and bool(APP_WORDS.search(text))


def is_meta(command: str, text: str, confidence: float) -> bool:
    """Any other meta command during a scene (help, retry, feedback, restart...)."""
    if COMMAND.match(text):
        return True  # a button press or a typed /intent
    if confidence < META_MIN_CONFIDENCE:
        return False
    if APP_WORDS.search(text):
        return True
    words = re.findall(r"[\w']+", text)
    addressed_to_person = re.search(r"\b(you|your|you're|u|ur)\b", text, re.IGNORECASE)
    if command == "retry":
        return bool(re.search(r"\b(try( that| it)? again|redo|rephrase|another go|say (it|that) differently|undo|take (that|it) back)\b",
                              text, re.IGNORECASE)) and len(words) <= 8
    return len(words) <= SHORT_WORDS and not addressed_to_person


def area_from(entity: Optional[str], text: str) -> Optional[str]:
    for candidate in (entity or "", text):
        lowered = candidate.casefold()
        for word, area in sorted(AREA_WORDS.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return area
    return None


def difficulty_from(text: str) -> Optional[str]:
    for word in re.findall(r"[a-z]+", text.casefold()):
        if word in DIFFICULTY_WORDS:
            return DIFFICULTY_WORDS[word]
    return None


# Answers to "Are you safe right now?" after a crisis message. "Not safe" is checked first.
UNSAFE_ANSWER = re.compile(
    r"^\s*(no|nope|nah|not really|not sure|i don'?t know|idk)\b"
    r"|\b(not|n'?t|never)\s+(feel\s+)?(safe|ok(ay)?|fine|alright|all right)\b"
    r"|\b(unsafe|in danger)\b", re.IGNORECASE)
SAFE_ANSWER = re.compile(
    r"^\s*(yes|yeah|yep|yup|ya|i am|i'?m safe|safe)\b"
    r"|\b(i'?m|i am|i feel|feeling|i'?ll be)\s+(safe|ok(ay)?|fine|alright|all right)\b",
    re.IGNORECASE)
HOLD_COMMANDS = {"stop", "pause", "resume", "affirm", "deny", "help", "goodbye", "thanks"}


def safety_answer(text: str) -> Optional[str]:
    """'unsafe', 'safe' or None for a free-text answer to the safety question."""
    if UNSAFE_ANSWER.search(text):
        return "unsafe"
    if SAFE_ANSWER.search(text):
        return "safe"
    return None
