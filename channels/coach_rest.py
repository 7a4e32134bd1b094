"""The REST channel, with one change: each bot message stays one message.

Rasa's stock collector splits a message that has text and a custom payload into separate
entries (and splits text on blank lines). The coach puts ``custom.speaker``, ``custom.text``
and ``custom.style`` on every message, so a page or test can render a role-play from the
reply alone; this connector keeps text, buttons and custom together. Same URL as the stock
channel: ``POST /webhooks/rest/webhook`` with ``{"sender": ..., "message": ...}``.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class WholeMessageCollector(CollectingOutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self._persist_message(self._message(
            recipient_id, text=message.get("text"), image=message.get("image"),
            buttons=message.get("buttons"), attachment=message.get("attachment"),
            custom=message.get("custom"),
        ))


class CoachRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("coach_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender_id = str(body.get("sender") or "default")
            text = body.get("message")
            text = text if isinstance(text, str) else ("" if text is None else str(text))
            collector = WholeMessageCollector()
            await on_new_message(UserMessage(text, collector, sender_id,
                                             input_channel=self.name(),
                                             metadata=self.get_metadata(request)))
            return response.json(collector.messages)

        return webhook
