"""Safety in the conversation: crisis language breaks character wherever it comes, the
user chooses whether to go on, and exits always work (issue 5)."""

from __future__ import annotations

import pytest

from tests.conftest import Conversation

CRISIS = "honestly I just want to die, I can't do this anymore"


def speakers(reply):
    return [m.speaker for m in reply.messages]


def start_chores(conv):
    conv.send("start", "the chores one")
    return conv.send("difficulty", "medium", difficulty="medium")


def assert_safety_reply(reply, conv):
    assert speakers(reply) == ["safety"], [m.text for m in reply.messages]
    message = reply.messages[0]
    assert "serious" in message.text and "safe" in message.text
    assert message.data["level"] == "crisis"
    assert message.data["resources"]["lines"]
    assert {b["payload"] for b in message.buttons} == {"/stop", "/resume"}
    crisis_turns = [t for t in conv.storage.turns if t["kind"] == "crisis"]
    assert crisis_turns and crisis_turns[-1]["flagged"] is True
    assert crisis_turns[-1].get("style_label") is None  # never scored


@pytest.fixture
def conv(scenarios):
    return Conversation(scenarios)


def test_crisis_as_the_very_first_message(conv):
    reply = conv.send("line", CRISIS)
    assert_safety_reply(reply, conv)
    assert "not therapy" not in reply.messages[0].text


def test_crisis_mid_role_play_breaks_character_and_pauses(conv):
    start_chores(conv)
    reply = conv.send("line", "Sam, " + CRISIS)
    assert_safety_reply(reply, conv)
    assert conv.slots["phase"] == "paused"
    # "yes" to "are you safe?" does not resume; nothing resumes on its own
    reply = conv.send("affirm", "yes")
    assert conv.slots["phase"] == "paused" and "interlocutor" not in speakers(reply)
    reply = conv.send("line", "ok so about the dishes")
    assert conv.slots["phase"] == "paused" and "interlocutor" not in speakers(reply)
    reply = conv.send("resume", "/resume")
    assert conv.slots["phase"] == "scene" and "interlocutor" in speakers(reply)


def test_crisis_after_a_what_if_retry(conv):
    start_chores(conv)
    conv.send("line", "You never help, you lazy slob!")
    conv.send("retry", "let me try that again")
    reply = conv.send("line", "i want to kill myself")
    assert_safety_reply(reply, conv)
    assert [t["kind"] for t in conv.storage.turns if t["kind"] in ("roleplay", "retry")] == ["roleplay"]


def test_crisis_during_the_debrief(conv):
    start_chores(conv)
    conv.send("line", "Sorry, maybe you could help a bit, if that's ok?")
    conv.send("feedback", "/feedback")
    assert conv.slots["phase"] == "debrief"
    reply = conv.send("line", "I was hoping... actually I've been thinking about ending my life")
    assert_safety_reply(reply, conv)
    assert conv.slots["phase"] == "paused" and conv.slots["debrief"] is None


def test_choosing_to_end_after_a_crisis(conv):
    start_chores(conv)
    conv.send("line", CRISIS)
    reply = conv.send("stop", "/stop")
    assert conv.slots["phase"] == "idle" and "interlocutor" not in speakers(reply)


@pytest.mark.parametrize("text", [
    "You're killing me, Sam, just do the dishes.",
    "I could murder a coffee right now.",
    "My phone died so I missed your text.",
    "Since Mum died the house feels so empty.",
    "I'm so angry with you I can't think straight!",
])
def test_idioms_anger_and_grief_stay_in_the_scene(conv, text):
    start_chores(conv)
    reply = conv.send("line", text)
    assert "safety" not in speakers(reply) and "interlocutor" in speakers(reply)


def test_third_person_risk_gets_a_gentle_check_in(conv):
    start_chores(conv)
    reply = conv.send("line", "My brother said last week that he wants to end it all and I don't know what to do")
    assert speakers(reply) == ["safety"]
    assert reply.messages[0].data["level"] == "check_in"
    assert "serious" not in reply.messages[0].text
    assert conv.slots["phase"] == "paused"


@pytest.mark.parametrize("command, answer", [
    ("start", "I'm safe right now, I'm at home with my sister"),  # names a scenario's persona
    ("line", "yeah I'm ok"),
])
def test_a_free_text_safe_answer_is_heard_and_nothing_starts(conv, command, answer):
    start_chores(conv)
    conv.send("line", "Sam, " + CRISIS)
    reply = conv.send(command, answer)
    assert speakers(reply) == ["safety"] and "Thank you for letting me know" in reply.messages[0].text
    assert conv.slots["phase"] == "paused" and conv.slots["scenario_id"] == "chores-partner"
    assert not conv.slots["safety_hold"]  # answered: not asked again
    reply = conv.send("greet", "hello?")
    assert "interlocutor" not in speakers(reply) and "are you safe" not in reply.messages[-1].text
    assert "Sam is paused" in reply.messages[-1].text and conv.slots["phase"] == "paused"


@pytest.mark.parametrize("command, answer", [("deny", "no"), ("line", "I'm not safe"),
                                             ("line", "not really tbh")])
def test_not_safe_repeats_the_help_and_keeps_the_scene_paused(conv, command, answer):
    start_chores(conv)
    conv.send("line", "Sam, " + CRISIS)
    reply = conv.send(command, answer)
    assert speakers(reply) == ["safety"]
    assert "emergency" in reply.messages[0].text and reply.messages[0].data["resources"]["lines"]
    assert conv.slots["phase"] == "paused" and conv.slots["safety_hold"]


def test_anything_else_during_the_hold_asks_again(conv):
    start_chores(conv)
    conv.send("line", "Sam, " + CRISIS)
    for command, text in [("start", "the grief one with Claire"), ("list", "show scenarios"),
                          ("line", "Sam, about the dishes")]:
        reply = conv.send(command, text)
        assert speakers(reply) == ["safety"] and "are you safe right now?" in reply.messages[0].text
        assert conv.slots["phase"] == "paused" and conv.slots["scenario_id"] == "chores-partner"
    reply = conv.send("stop", "stop")
    assert conv.slots["phase"] == "idle" and not conv.slots["safety_hold"]


def test_telling_a_partner_about_a_brothers_suicide_stays_in_the_grief_scene(conv):
    # The scene's goal is to say this; the screen must not pause it. Risk to the writer still
    # breaks character in the same scene.
    conv.send("start", "/start_scenario", scenario_id="new-partner-loss")
    conv.send("difficulty", "medium", difficulty="medium")
    assert conv.slots["phase"] == "scene"
    reply = conv.send("line", "Jordan, there's something I need to tell you. My brother Danny "
                              "died by suicide two years ago, and the anniversary is next month.")
    assert "safety" not in speakers(reply) and "interlocutor" in speakers(reply)
    reply = conv.send("line", "Some nights I think I should join him.")
    assert speakers(reply) == ["safety"] and conv.slots["phase"] == "paused"
