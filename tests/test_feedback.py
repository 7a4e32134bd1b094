"""Coach feedback: assertive alternatives built from the user's words, the debrief's choice
of turns, and summary numbers that match the turns."""

from __future__ import annotations

import pytest

from bot.feedback import debrief, rewrite, summary_for
from bot.style import score
from bot.style.cues import cue_matcher
from bot.nlp import pipeline

# (a non-assertive line, a phrase of the user's the alternative must keep)
KEEPS = [
    ("You NEVER do the dishes, you lazy slob!", "do the dishes"),
    ("Sorry, I was just wondering if maybe you could help with the bins sometime?", "help with the bins"),
    ("You always leave your socks all over the floor. It's disgusting.", "leave your socks all over the floor"),
    ("It would be nice if someone could pick up the kids on Tuesdays for once.", "pick up the kids on Tuesdays"),
    ("Must be nice to sleep in every Saturday while I do the shopping.", "do the shopping"),
    ("ugh ur so selfish, u didnt even ask how the move went", "ask how the move went"),
    ("Oh great, thanks SO much for leaving me to cook again. I'll just do it myself, as usual.", "cook"),
    ("You only ring when you want money. That's the truth, isn't it?", "ring when you want money"),
    ("Turn that racket off, some of us have work tomorrow!", "turn that racket off"),
]
BLAME_TYPES = {"you_blame", "insult", "threat", "contempt", "profanity", "shouting", "sarcasm"}


def alternative(text):
    return rewrite(text, score(text), score)


@pytest.mark.parametrize("text, phrase", KEEPS)
def test_alternative_keeps_the_users_content_and_is_assertive(text, phrase):
    alt = alternative(text)
    assert phrase.lower() in alt.text.lower(), alt.text
    assert score(alt.text).label == "assertive", alt.text


@pytest.mark.parametrize("text", [t for t, _ in KEEPS] + [
    "You're pathetic and useless, shut up.", "Fine. Whatever.", "I'm sorry you feel that way.",
    "Whatever you want is fine, I don't mind.", "Do it now or you'll regret it, idiot.",
])
def test_alternative_never_repeats_blame_or_insults(text):
    alt = alternative(text)
    cues = cue_matcher()(pipeline()(alt.text))
    assert not [c.text for c in cues if c.cue_type in BLAME_TYPES], alt.text
    insults = {c.text.lower() for c in score(text).cues if c.cue_type == "insult"}
    assert not any(word in alt.text.lower() for word in insults)


def test_feeling_the_user_named_is_kept():
    alt = alternative("I'm so exhausted, sorry, maybe it's silly, but could you do bedtime tonight?")
    assert "exhausted" in alt.text and "do bedtime tonight" in alt.text


def _turn(i, label, tension_before, tension, text=None, retry_of=None, confidence=0.9):
    return {"id": i, "text": text or f"line {i}", "label": label, "confidence": confidence,
            "cues": [], "tension_before": tension_before, "tension": tension, "progress": 0,
            "reply": f"reply {i}", "retry_of": retry_of}


def test_debrief_picks_jump_clearest_and_best_in_order():
    turns = [_turn(1, "assertive", 3, 2), _turn(2, "aggressive", 2, 5.5),
             _turn(3, "passive", 5.5, 5.5, confidence=0.99), _turn(4, "assertive", 5.5, 3.5)]
    items = debrief.select(turns)
    assert [(i["kind"], i["turn"]["id"]) for i in items] == [
        ("jump", 2), ("unclear_style", 3), ("strength", 4)]


def test_debrief_shows_a_retry_as_a_pair():
    turns = [_turn(1, "aggressive", 3, 5), _turn(2, "assertive", 3, 2, retry_of=1)]
    items = debrief.select(turns)
    assert items[0]["kind"] == "retry" and items[0]["first"]["id"] == 1
    assert all(i["turn"]["id"] != 1 for i in items)


def test_summary_numbers_match_the_turns(chores):
    turns = [_turn(1, "passive", 3, 3), _turn(2, "aggressive", 3, 5),
             _turn(3, "assertive", 3, 2, retry_of=2), _turn(4, "assertive", 2, 1), _turn(5, "unclear", 1, 1)]
    summary = summary_for(chores, None, turns)
    assert summary["turns"] == 3  # the retried line is replaced, unclear is not scored
    assert summary["counts"] == {"assertive": 2, "passive": 1, "aggressive": 0, "passive_aggressive": 0}
    assert summary["shares"]["assertive"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["tension"] == [3, 3, 2, 1]
    assert summary["practise_next"] == "passive"
    assert summary["strength"] in ("line 3", "line 4")


def _syllables(word: str) -> int:
    import re

    word = word.lower().strip(".,;:!?\"'()")
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (1 if word.endswith("e") and len(groups) > 1 else 0)
    return max(1, count)


def _fk_grade(text: str) -> float:
    import re

    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    words = re.findall(r"[A-Za-z']+", text)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def test_feedback_text_reads_at_about_grade_8():
    """Flesch-Kincaid grade of all tips, plus a coach note and a summary, taken together."""
    from bot.feedback.notes import tips

    data = tips()
    texts = [t for pool in data["by_cue_type"].values() for t in pool]
    texts += [t for pool in data["by_style"].values() for t in pool] + data["move_praise"]
    grade = _fk_grade(" ".join(t if t.rstrip().endswith((".", "?", "!")) else t + "." for t in texts))
    assert grade <= 9.0, grade


def test_every_tip_is_a_plain_string():
    from bot.feedback.notes import tips

    data = tips()
    pools = list(data["by_cue_type"].values()) + list(data["by_style"].values())
    pools += [data["move_praise"], data["unclear"]]
    assert all(isinstance(t, str) and t.strip() for pool in pools for t in pool)
