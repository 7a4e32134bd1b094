"""The one adapter between Rasa and ``bot.dialogue``: slots and the latest message in,
speaker-tagged messages and SlotSet events out."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import SLOT_DEFAULTS, Coach, UserMessage


class CoachAction(Action):
    action_name = "action_line"
    command = "line"

    def name(self) -> Text:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        entities = {e["entity"]: e.get("value") for e in latest.get("entities") or []
                    if isinstance(e, dict) and e.get("entity")}
        slots = {name: tracker.get_slot(name) for name in SLOT_DEFAULTS}
        coach = Coach(tracker.sender_id, slots)
        reply = coach.handle(UserMessage(
            text=latest.get("text") or "", command=self.command, intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0), entities=entities))
        for message in reply.messages:
            dispatcher.utter_message(text=message.plain_text, buttons=message.buttons,
                                     json_message=message.custom())
        return [SlotSet(name, value) for name, value in reply.slots.items()]
