"""End to end: the trained Rasa model, the real action server and the REST channel."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid

import pytest

from tests.e2e_support import REPO, start_servers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = start_servers(tmp_path_factory.mktemp("e2e"))
    yield running
    running.stop()


def speakers(messages):
    return [m["custom"]["speaker"] for m in messages]


def assert_tagged(messages):
    assert messages, "the bot said nothing"
    for m in messages:
        assert m["custom"]["speaker"] in ("interlocutor", "coach", "system", "safety"), m
        assert m["custom"]["text"], m


def test_whole_scenario_over_rest_with_stored_transcript(servers):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    reply = servers.send(sender, "hello")
    assert_tagged(reply)
    reply = servers.send(sender, '/start_scenario{"scenario_id":"chores-partner"}')
    assert_tagged(reply)
    assert "Sam" in reply[-1]["custom"]["text"]
    reply = servers.send(sender, '/choose_difficulty{"difficulty":"easy"}')
    assert_tagged(reply)
    assert "interlocutor" in speakers(reply)

    lines = ["I know you're tired after work, and I appreciate what you do around the house.",
             "I'd like you to cook on Tuesdays and Thursdays. Could you do that?",
             "Thank you. Could we put it on the calendar tonight?",
             "I feel relieved. Can we check in next Sunday about how it's going?"]
    ended = False
    for line in lines:
        reply = servers.send(sender, line)
        assert_tagged(reply)
        persona = [m for m in reply if m["custom"]["speaker"] == "interlocutor"]
        assert persona, reply
        style = persona[0]["custom"]["style"]
        assert style["label"] == "assertive"
        assert abs(sum(style["probabilities"].values()) - 1) < 1e-3
        if any("summary" in m["custom"] for m in reply):
            ended = True
            break
    assert ended, "the assertive path should reach the goal on easy"

    run = subprocess.run([sys.executable, "-m", "bot", "transcript", sender, "--json"],
                         capture_output=True, text=True, cwd=REPO, env=servers.env(), check=True)
    stored = json.loads(run.stdout)
    roleplay = [t for t in stored["turns"] if t["kind"] == "roleplay"]
    assert [t["user_text"] for t in roleplay] == lines[:len(roleplay)]
    assert all(t["style_label"] == "assertive" and t["reply_text"] for t in roleplay)
    assert stored["sessions"][0]["ending"] == "goal"
    assert stored["sessions"][0]["status"] == "ended"

    db = sqlite3.connect(servers.db_url.removeprefix("sqlite:///"))
    events = db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]
    assert events > 0, "Rasa's SQL tracker store keeps the conversation in the same database"


def test_natural_language_pick_and_stop_mid_scene(servers):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    reply = servers.send(sender, "I want to practise talking to my partner about the housework")
    assert_tagged(reply)
    assert "Sam" in " ".join(m["custom"]["text"] for m in reply)
    reply = servers.send(sender, "medium")
    assert "interlocutor" in speakers(reply)
    reply = servers.send(sender, "stop leaving your dirty dishes in the sink every night")
    assert "interlocutor" in speakers(reply), "a role-play line that starts with 'stop'"
    reply = servers.send(sender, "stop")
    assert_tagged(reply)
    assert "interlocutor" not in speakers(reply)
    assert any("Stopped" in m["custom"]["text"] for m in reply)


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "<b>hi</b>'; DROP TABLE events;--",
                                  "x" * 20000, "\u0000\u0001binary"])
def test_bad_input_gets_a_clear_answer(servers, text):
    reply = servers.send(f"e2e-bad-{uuid.uuid4().hex[:6]}", text)
    assert_tagged(reply)


def test_crisis_mid_scene_breaks_character_over_rest(servers):
    sender = f"e2e-crisis-{uuid.uuid4().hex[:6]}"
    servers.send(sender, '/start_scenario{"scenario_id":"move-on-friend"}')
    reply = servers.send(sender, '/choose_difficulty{"difficulty":"medium"}')
    assert "interlocutor" in speakers(reply)
    reply = servers.send(sender, "Maya, I can't keep doing this. Honestly I just want to die.")
    assert speakers(reply) == ["safety"], reply
    assert reply[0]["custom"]["level"] == "crisis" and reply[0]["custom"]["resources"]["lines"]
    reply = servers.send(sender, "yes")
    assert "interlocutor" not in speakers(reply)
    reply = servers.send(sender, "/resume")
    assert "interlocutor" in speakers(reply)
    run = subprocess.run([sys.executable, "-m", "bot", "transcript", sender, "--json"],
                         capture_output=True, text=True, cwd=REPO, env=servers.env(), check=True)
    crisis = [t for t in json.loads(run.stdout)["turns"] if t["kind"] == "crisis"]
    assert len(crisis) == 1 and crisis[0]["flagged"] and crisis[0]["style_label"] is None
