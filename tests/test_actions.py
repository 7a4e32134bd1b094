"""The rasa-sdk actions, run with a real Tracker and CollectingDispatcher (no server)."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionChooseDifficulty, ActionStartScenario, ActionStop
from actions.coach import CoachAction


def tracker(text, intent, slots=None, entities=None, confidence=0.95, sender="action-test"):
    return Tracker(sender, slots or {}, {"text": text, "intent": {"name": intent, "confidence": confidence},
                                         "entities": entities or []},
                   [], False, None, {}, "action_listen")


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_every_message_is_speaker_tagged():
    messages, slots = run(ActionStartScenario(), tracker(
        '/start_scenario{"scenario_id":"chores-partner"}', "start_scenario",
        entities=[{"entity": "scenario_id", "value": "chores-partner"}]))
    assert messages and all(m["custom"]["speaker"] in ("system", "interlocutor", "coach", "safety")
                            and m["custom"]["text"] for m in messages)
    assert slots["phase"] == "setup" and slots["scenario_id"] == "chores-partner"


def test_scene_turn_through_the_actions():
    _, slots = run(ActionStartScenario(), tracker("the chores one", "start_scenario"))
    messages, more = run(ActionChooseDifficulty(), tracker(
        "hard", "choose_difficulty", slots=slots, entities=[{"entity": "difficulty", "value": "hard"}]))
    slots.update(more)
    opening = [m for m in messages if m["custom"]["speaker"] == "interlocutor"]
    assert opening and opening[0]["text"].startswith("Sam: ")
    messages, more = run(CoachAction(), tracker("You never help, you lazy slob!", "roleplay_line", slots=slots))
    persona = next(m for m in messages if m["custom"]["speaker"] == "interlocutor")
    assert persona["custom"]["style"]["label"] == "aggressive"
    assert more["scene"]["tension"] > slots["scene"]["tension"]
    slots.update(more)
    messages, more = run(ActionStop(), tracker("stop", "stop", slots=slots))
    assert more["phase"] == "idle"


def test_action_names_match_the_domain():
    import yaml
    from pathlib import Path

    from actions import actions as module

    domain = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text())
    names = {cls.action_name for cls in vars(module).values()
             if isinstance(cls, type) and issubclass(cls, CoachAction)}
    assert names == set(domain["actions"])


def test_persona_lines_never_come_from_domain_responses():
    import yaml
    from pathlib import Path

    domain = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text())
    assert not domain.get("responses"), "all bot text comes from bot/ and scenarios/"
