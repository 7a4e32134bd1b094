"""The style scorer: cue detection pinned per cue id, labels on clear examples, context, and
bad input that must never raise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.style import MAX_CHARS, score, score_many
from bot.style.cues import cue_matcher

REPO = Path(__file__).resolve().parents[1]

# (text, cue id that must be found, the exact words it must cite)
CUE_EXAMPLES = [
    ("I feel hurt when plans change at the last minute.", "i_feel", "I feel hurt"),
    ("I'd like us to split the cooking.", "i_want_need", "I'd like"),
    ("Could you call me by six if you'll be late?", "specific_request", "Could you call"),
    ("I'm not able to work this Saturday.", "boundary", "I'm not able to"),
    ("I know you've had a long week.", "acknowledge_other", "I know you"),
    ("How about we take turns on Sundays?", "proposal", "How about"),
    ("What do you think would be fair?", "asks_view", "What do you think"),
    ("Maybe we could, I guess, look at it?", "hedge", "Maybe"),
    ("I was just thinking about the rota.", "just_softener", "just thinking"),
    ("Sorry, sorry, it's my mistake.", "over_apology", "Sorry"),
    ("I'm probably overreacting again.", "self_deprecation", "I'm probably"),
    ("Whatever you want is fine.", "deferring", "Whatever you want"),
    ("It's not a big deal really.", "minimising", "not a big deal"),
    ("It would be nice if someone emptied the bins.", "hinting", "It would be nice if"),
    ("You never listen to me.", "you_blame", "You never"),
    ("Every single time we plan something it falls apart.", "absolute", "Every single time"),
    ("That was a pathetic excuse.", "insult", "pathetic"),
    ("Pay me back by Friday or else.", "threat_ultimatum", "or else"),
    ("Shut up and sit down.", "bare_command", "Shut up"),
    ("Nobody cares about your excuses.", "contempt", "Nobody cares"),
    ("This is a damn mess.", "profanity", "damn"),
    ("WHY WOULD YOU DO THAT", "shouting", "WHY WOULD"),
    ("Oh great, another late night for me.", "sarcasm", "Oh great"),
    ("I'm fine. Really.", "denied_feelings", "I'm fine"),
    ("Don't worry, I'll just do it myself.", "martyrdom", "I'll just do it myself"),
    ("As I already said, the report is due Monday.", "veiled_reminder", "As I already said"),
    ("You actually cooked for once!", "backhanded", "for once"),
    ("I'm sorry you feel that way.", "non_apology", "sorry you feel"),
    ("Must be nice to sleep in every Saturday.", "pointed_hint", "Must be nice"),
]


def test_every_cue_id_has_an_example():
    assert {cue for _, cue, _ in CUE_EXAMPLES} == set(cue_matcher().ids)


@pytest.mark.parametrize("text, cue_id, words", CUE_EXAMPLES, ids=[c for _, c, _ in CUE_EXAMPLES])
def test_cue_is_found_with_its_words_and_offsets(text, cue_id, words):
    result = score(text)
    hits = [c for c in result.cues if c.cue_id == cue_id]
    assert hits, [c.cue_id for c in result.cues]
    assert any(words in c.text for c in hits), [c.text for c in hits]
    for cue in hits:
        assert text[cue.start:cue.end] == cue.text


@pytest.mark.parametrize("text, label", [
    ("I feel overwhelmed doing all the school runs. Could you take Tuesdays and Thursdays?", "assertive"),
    ("No, I won't lend you the car this weekend.", "assertive"),
    ("Sorry, it's probably silly, but maybe if you ever had time you could help? No worries if not.", "passive"),
    ("Whatever you think is best, I don't mind.", "passive"),
    ("You are so selfish. You never think about anyone but yourself!", "aggressive"),
    ("Shut up and listen to me for once, you idiot.", "aggressive"),
    ("Oh wow, thanks SO much for remembering my birthday. Really touching.", "passive_aggressive"),
    ("Fine. I'll just cancel my plans again, as usual.", "passive_aggressive"),
])
def test_clear_examples(text, label):
    assert score(text).label == label


def test_probabilities_sum_to_one_and_confidence_is_the_top():
    result = score("Could you please let me know by Friday?")
    assert set(result.probabilities) == {"assertive", "passive", "aggressive", "passive_aggressive"}
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert result.confidence == pytest.approx(max(result.probabilities.values()))


def test_context_changes_a_short_reply():
    after_greeting = score("Fine.", context="Hey, how are you doing?")
    after_request = score("Fine.", context="Can you do the washing up tonight?")
    assert after_greeting.label == "assertive"
    assert after_request.label == "passive_aggressive"
    assert after_greeting.note and after_request.note


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "😀😀😀", "🙂", "...", "um", "hmm",
                                  "Je ne sais pas quoi faire avec toi.",
                                  "Ich weiß nicht, was ich sagen soll.",
                                  "我不知道该怎么办", "لا أعرف ماذا أقول", None, b"\x00\xff\xfe",
                                  "\x00\x01\x02"])
def test_unscorable_input_is_unclear(text):
    result = score(text)
    assert result.label == "unclear"
    assert result.note
    assert sum(result.probabilities.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script> you never help!",
    "'; DROP TABLE turns; -- you always do this",
    "{{7*7}} ${jndi:ldap://x} I feel ignored",
    "Robert'); DELETE FROM practice_sessions;--",
])
def test_markup_and_injection_strings_are_scored_as_text(text):
    result = score(text)
    assert result.label in ("assertive", "passive", "aggressive", "passive_aggressive", "unclear")


def test_huge_input_is_truncated_and_says_so():
    text = "I need you to help with the dishes. " * 3000  # ~100 KB
    result = score(text)
    assert result.truncated
    assert str(MAX_CHARS) in result.note
    assert result.label == "assertive"
    assert all(c.end <= MAX_CHARS for c in result.cues)


def test_score_many_keeps_order():
    texts = ["You never listen!", "", "Could you call me tonight?", "😀"]
    labels = [r.label for r in score_many(texts)]
    assert labels[1] == labels[3] == "unclear"
    assert labels[0] == "aggressive" and labels[2] == "assertive"


def test_batch_cli_one_json_line_per_input_line_in_order():
    lines = ["You never listen!", "", "Could you call me tonight?", "😀", "Oh great, thanks."] * 300
    data = ("\n".join(lines) + "\n").encode() + b"\xff\xfe broken bytes\n"
    run = subprocess.run([sys.executable, "-m", "bot.style"], input=data, capture_output=True,
                         cwd=REPO, check=True)
    out = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert len(out) == len(lines) + 1
    assert [o["label"] for o in out[:5]] == [score(t).label for t in lines[:5]]
    assert all({"label", "probabilities", "cues"} <= set(o) for o in out)


def test_single_message_fast_path_matches_scikit_learn():
    import numpy as np

    from bot.style import load_classifier
    from bot.style.data import load_examples
    from bot.style.model import parse

    classifier = load_classifier().classifier
    texts = [e.text for e in load_examples()[:200]] + ["", "SHUT UP!!", "ok 😀"]
    for text in texts:
        parsed = parse(text)
        fast = classifier.predict_proba([parsed])[0]
        slow = classifier.model.predict_proba(classifier._matrix([parsed]))[0]
        np.testing.assert_allclose(fast, slow, rtol=1e-6, atol=1e-9)
