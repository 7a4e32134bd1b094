"""bot.dialogue.Coach without Rasa: menus, scene control, meta-vs-line routing, storage."""

from __future__ import annotations

import pytest

from bot import router
from tests.conftest import Conversation, MemoryStorage


def start_chores(conv, difficulty="medium"):
    conv.send("start", "let's do the chores one with my partner")
    return conv.send("difficulty", difficulty, difficulty=difficulty)


def speakers(reply):
    return [m.speaker for m in reply.messages]


def test_first_message_shows_the_disclaimer_once(conversation):
    first = conversation.send("greet", "hi")
    assert "not therapy" in first.messages[0].text
    second = conversation.send("help", "help")
    assert all("not therapy" not in m.text for m in second.messages)


def test_list_filters_by_area(conversation, scenarios):
    reply = conversation.send("list", "show me grief scenarios", area="grief")
    listed = reply.messages[-1].data["scenarios"]
    assert listed and all(s["area"] == "grief" for s in listed)
    assert all(b["payload"].startswith("/start_scenario") for b in reply.messages[-1].buttons)


def test_start_shows_setup_goal_and_asks_difficulty(conversation, chores):
    reply = conversation.send("start", "/start_scenario", scenario_id="chores-partner")
    text = reply.messages[-1].text
    assert chores.setup[:40] in text and chores.goal in text and "conflict" in text
    assert [b["title"] for b in reply.messages[-1].buttons][:3] == ["Easy", "Medium", "Hard"]
    assert conversation.slots["phase"] == "setup"


def test_scene_opening_comes_from_the_scenario_file(conversation, chores):
    reply = start_chores(conversation)
    opening = [m for m in reply.messages if m.speaker == "interlocutor"]
    assert len(opening) == 1 and opening[0].text in chores.opening
    assert opening[0].name == "Sam"
    assert conversation.slots["phase"] == "scene"


def test_a_role_play_turn_is_scored_answered_coached_and_stored(conversation, chores):
    start_chores(conversation)
    reply = conversation.send("line", "You never lift a finger around here, you lazy slob!")
    line = next(m for m in reply.messages if m.speaker == "interlocutor")
    assert line.data["style"]["label"] == "aggressive"
    assert any(c["text"] == "lazy" for c in line.data["style"]["cues"])
    assert line.text in chores.persona_lines()
    coach = next(m for m in reply.messages if m.speaker == "coach")
    assert "aggressive" in coach.text and "lazy" in coach.text and "Try:" in coach.text
    stored = [t for t in conversation.storage.turns if t["kind"] == "roleplay"]
    assert stored[-1]["style_label"] == "aggressive"
    assert stored[-1]["tension_after"] > stored[-1]["tension_before"]


def test_coach_off_keeps_scoring_silently(conversation):
    start_chores(conversation)
    conversation.send("coach_off", "turn the coach off")
    reply = conversation.send("line", "Sorry, maybe you could help a bit, if that's ok?")
    assert "coach" not in speakers(reply)
    assert conversation.storage.turns[-1]["style_label"] == "passive"


@pytest.mark.parametrize("text", ["stop", "Stop.", "I need a break", "this is too much",
                                  "pause", "can we stop please", "I want to stop the role-play"])
def test_exits_work_mid_scene(conversation, text):
    start_chores(conversation)
    command = "pause" if "break" in text or "much" in text or "pause" in text else "stop"
    reply = conversation.send(command, text, confidence=0.7)
    assert conversation.slots["phase"] in ("paused", "idle")
    assert "interlocutor" not in speakers(reply)


def test_pause_never_resumes_on_its_own(conversation):
    start_chores(conversation)
    conversation.send("pause", "I need a break")
    reply = conversation.send("line", "Okay, so about the dishes...")
    assert conversation.slots["phase"] == "paused"
    assert "interlocutor" not in speakers(reply) and "resume" in reply.messages[-1].text
    back = conversation.send("resume", "resume")
    assert conversation.slots["phase"] == "scene" and "interlocutor" in speakers(back)


@pytest.mark.parametrize("command, text", [
    ("stop", "Stop leaving your dirty socks on the floor, honestly."),
    ("help", "help me understand why you never cook"),
    ("restart", "can we start over? I think we got off on the wrong foot"),
    ("retry", "let's try that again next weekend with your mum"),
    ("feedback", "what do you think of how I handled the bills?"),
    ("affirm", "yes"),
    ("deny", "no"),
])
def test_role_play_lines_that_look_like_meta_stay_in_character(conversation, command, text):
    start_chores(conversation)
    reply = conversation.send(command, text, confidence=0.9)
    assert "interlocutor" in speakers(reply), [m.text for m in reply.messages]
    assert conversation.slots["phase"] in ("scene", "ended")


def test_explicit_commands_are_taken_mid_scene(conversation):
    start_chores(conversation)
    conversation.send("line", "Sorry, I was wondering if maybe you could help?")
    reply = conversation.send("retry", "let me try that again", confidence=0.95)
    assert "try that line again" in reply.messages[0].text
    reply = conversation.send("help", "/help")
    assert "How this works" in reply.messages[0].text
    assert conversation.slots["phase"] == "scene"


def test_retry_replays_from_the_earlier_state_and_keeps_both(conversation):
    start_chores(conversation)
    conversation.send("line", "You are useless and lazy!")
    tension_after_attack = conversation.slots["scene"]["tension"]
    conversation.send("retry", "let me try that again")
    assert conversation.slots["scene"]["tension"] < tension_after_attack
    conversation.send("line", "I'd like us to share the cooking. Could you take Tuesdays?")
    kinds = [t["kind"] for t in conversation.storage.turns if t["kind"] in ("roleplay", "retry")]
    assert kinds == ["roleplay", "retry"]
    retry = conversation.storage.turns[-1]
    first = next(t for t in conversation.storage.turns if t["kind"] == "roleplay")
    assert retry["replaces_turn_id"] == first["id"]


def test_goal_ending_gives_outcome_and_summary(conversation, chores):
    start_chores(conversation, "easy")
    lines = ["I know you're tired after work, and I appreciate what you do.",
             "I'd like you to cook on Tuesdays and Thursdays. Could you do that?",
             "Thank you. Could we put it on the calendar tonight?",
             "I feel a lot lighter already. Can we check in next Sunday about how it's going?"]
    for line in lines:
        reply = conversation.send("line", line)
        if conversation.slots["phase"] == "ended":
            break
    assert conversation.slots["phase"] == "ended"
    summary = next(m for m in reply.messages if "summary" in m.data).data["summary"]
    assert summary["goal_reached"] is True
    assert sum(summary["counts"].values()) == summary["turns"]
    assert conversation.storage.sessions["s1"]["status"] == "ended"
    assert conversation.storage.sessions["s1"]["ending"] == "goal"


def test_every_user_message_is_stored(conversation):
    texts = ["hi", "scenarios", "the chores one", "medium", "Could you help on Tuesdays?", "stop"]
    commands = ["greet", "list", "start", "difficulty", "line", "stop"]
    for command, text in zip(commands, texts):
        conversation.send(command, text, **({"difficulty": "medium"} if command == "difficulty" else {}))
    assert [t["user_text"] for t in conversation.storage.turns] == texts


def test_storage_failure_does_not_break_the_conversation(scenarios):
    class Broken(MemoryStorage):
        def record_turn(self, *args, **kwargs):
            raise RuntimeError("disk full")

    conv = Conversation(scenarios, storage=Broken())
    start_chores(conv)
    reply = conv.send("line", "Could you cook on Tuesdays?")
    assert "interlocutor" in speakers(reply)
    assert any("could not be saved" in m.text for m in reply.messages)


def test_line_outside_a_scene_gets_a_pointer(conversation):
    reply = conversation.send("line", "you never help me")
    assert "not in a scene" in reply.messages[-1].text


def test_router_exit_patterns():
    for text in ["stop", "STOP!", "pause please", "I need a break", "this is too much for me",
                 "I'm done", "can we stop", "/stop"]:
        assert router.is_exit(text, 0.0), text
    for text in ["stop shouting at me", "I need a break from cooking every night"]:
        assert not router.is_exit(text, 0.4), text


def test_debrief_walks_through_moments_and_scores_the_rephrase(conversation):
    start_chores(conversation, "easy")
    conversation.send("line", "Sorry, maybe you could help a bit, if that's ok?")
    conversation.send("line", "You never do anything, you lazy slob!")
    reply = conversation.send("feedback", "/feedback")
    assert conversation.slots["phase"] == "debrief"
    assert "What were you hoping" in reply.messages[-1].text
    reply = conversation.send("line", "I hoped Sam would offer to help")
    assert "How could you say it" in reply.messages[-1].text
    reply = conversation.send("line", "I'm worn out. Could you cook on Tuesdays and Thursdays?")
    assert "assertive" in reply.messages[0].text and "progress" in reply.messages[0].text
    debrief_turns = [t for t in conversation.storage.turns if t["kind"] == "debrief"]
    assert [t["user_text"] for t in debrief_turns] == [
        "I hoped Sam would offer to help", "I'm worn out. Could you cook on Tuesdays and Thursdays?"]
    assert debrief_turns[1]["style_label"] == "assertive"
    conversation.send("stop", "stop")
    assert conversation.slots["phase"] == "paused"


@pytest.mark.parametrize("text, command", [
    ("coach on", "coach_on"), ("Coach off.", "coach_off"), ("resume", "resume"),
    ("scenarios", "list"), ("/start_scenario{\"scenario_id\":\"x\"}", "start"), ("/stop", "stop"),
    ("let me try that again", "retry"), ("feedback", "feedback"),
])
def test_advertised_commands_are_recognised_exactly(text, command):
    assert router.canonical(text) == command


def test_exact_command_beats_a_wrong_intent_mid_scene(conversation):
    start_chores(conversation)
    reply = conversation.send("coach_off", "coach on", confidence=0.55)
    assert conversation.slots["coach_mode"] is True
    reply = conversation.send("line", "help", confidence=0.3)
    assert "How this works" in reply.messages[0].text
