"""What the coach does with one user message, given the conversation's state.

Rasa classifies the message and picks an action; every action calls :meth:`Coach.handle`
with a *command* (the action's meaning: ``line``, ``stop``, ``start`` ...). This module
decides what actually happens, because only it knows the scene:

1. the crisis screen runs first, on every message, whatever the command;
2. inside a scene, a meta command is only taken as one when it is clearly addressed to the
   app (``router.is_meta``); otherwise the message is a role-play line;
3. the command runs against the state held in Rasa slots (never in process memory) and
   returns speaker-tagged messages plus slot updates.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from bot import engine, router
from bot.engine import SceneState
from bot.feedback import coach_note, debrief, rewrite, summary_for
from bot.results import Analysis
from bot.scenarios import AREA_NAMES, Scenario, find_scenario, load_scenarios

log = logging.getLogger(__name__)

DISCLAIMER = (
    "This is a practice space for hard conversations, based on ideas from Interpersonal "
    "Psychotherapy. It is not therapy and not crisis care. You can say 'stop' or 'pause' at "
    "any moment."
)
GROUNDING = (
    "Let's take a breath. Notice your feet on the floor and three things you can see around "
    "you. There is no rush. When you are ready, say 'resume' to go back to the scene, or "
    "'stop' to end it."
)
SLOT_DEFAULTS: dict[str, Any] = {
    "phase": "idle", "scenario_id": None, "difficulty": None, "scene": None, "prev_scene": None,
    "session_id": None, "coach_mode": True, "disclaimer_shown": False, "last_turn_id": None,
    "retry_of": None, "turns": None, "debrief": None, "safety_hold": False,
}
SKIP = re.compile(r"^\s*(skip|next|pass|no idea|not sure|dunno|i don'?t know)\s*[.!]*\s*$", re.IGNORECASE)


@dataclass
class Message:
    speaker: str  # interlocutor | coach | system | safety
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    name: Optional[str] = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def plain_text(self) -> str:
        """What a text-only channel shows: the persona's lines are prefixed with the name."""
        return f"{self.name}: {self.text}" if self.name else self.text

    def custom(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"speaker": self.speaker, "text": self.text}
        if self.name:
            payload["name"] = self.name
        payload.update(self.data)
        return payload


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def say(self, speaker: str, text: str, **kwargs: Any) -> Message:
        message = Message(speaker, text, **kwargs)
        self.messages.append(message)
        return message


@dataclass
class UserMessage:
    text: str
    command: str
    intent: Optional[str] = None
    confidence: float = 1.0
    entities: dict[str, str] = field(default_factory=dict)


class Storage:
    """The writes the coach makes; ``bot.storage`` in production, a fake in tests."""

    def open_session(self, conversation_id: str, scenario_id: str, difficulty: str,
                     mode: str, coach_mode: bool) -> Optional[str]:
        from bot import storage

        return storage.open_session(conversation_id, scenario_id, difficulty, mode, coach_mode)

    def end_session(self, session_id: str, status: str, **fields: Any) -> None:
        from bot import storage

        storage.end_session(session_id, status, **fields)

    def record_turn(self, conversation_id: str, kind: str, user_text: str, **fields: Any) -> Optional[int]:
        from bot import storage

        return storage.record_turn(conversation_id, kind, user_text, **fields)


def _default_score(text: str, context: Optional[str]) -> Analysis:
    from bot.style import score

    return score(text, context)


def _default_screen(text: str, context: Iterable[str] = ()):
    from bot.safety import screen

    return screen(text, context)


def _resource_lines(info: dict[str, Any]) -> list[str]:
    return [f"- {r['name']}: {r['contact']}" for r in info.get("lines", [])]


def _style_payload(style: Analysis) -> dict[str, Any]:
    """What a channel gets of a score (``custom.style``): label, probabilities, cited cues."""
    return {"label": style.label,
            "probabilities": {k: round(v, 4) for k, v in style.probabilities.items()},
            "confidence": round(style.confidence, 4),
            "cues": [{"text": c.text, "start": c.start, "end": c.end, "cue": c.cue_id,
                      "type": c.cue_type, "points_to": c.points_to} for c in style.cues]}


def _button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}


class Coach:
    def __init__(
        self,
        conversation_id: str,
        slots: Optional[dict[str, Any]] = None,
        *,
        scenarios: Optional[list[Scenario]] = None,
        score: Callable[[str, Optional[str]], Analysis] = _default_score,
        screen: Callable[..., Any] = _default_screen,
        storage: Optional[Storage] = None,
        seed: Optional[int] = None,
    ) -> None:
        self.conversation_id = conversation_id
        self.slots = {**SLOT_DEFAULTS, **{k: v for k, v in (slots or {}).items() if v is not None}}
        self.scenarios = scenarios if scenarios is not None else load_scenarios()
        self.score = score
        self.screen = screen
        self.storage = storage or Storage()
        self.seed = seed
        self._stored = False

    # ------------------------------------------------------------------ helpers
    @property
    def phase(self) -> str:
        return str(self.slots["phase"])

    def scenario(self) -> Optional[Scenario]:
        sid = self.slots.get("scenario_id")
        return next((s for s in self.scenarios if s.id == sid), None) if sid else None

    def state(self) -> Optional[SceneState]:
        raw = self.slots.get("scene")
        return SceneState.from_dict(raw) if raw else None

    def _set(self, reply: Reply, **updates: Any) -> None:
        self.slots.update(updates)
        reply.slots.update(updates)

    def _safe_store(self, reply: Reply, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Storage must not take the conversation down; a failure is logged and said."""
        try:
            return fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any database failure
            log.exception("storage failed")
            reply.say("system", "(This message could not be saved just now; the practice "
                                "goes on and nothing you type is sent anywhere else.)")
            return None

    # ------------------------------------------------------------------ entry point
    def handle(self, message: UserMessage) -> Reply:
        reply = Reply()
        text = message.text if isinstance(message.text, str) else str(message.text or "")
        safety = self._screen(text)
        if safety is not None and getattr(safety, "label", "none") in ("crisis", "check_in"):
            return self._safety(reply, message, safety)

        exact = router.canonical(text)
        command = exact or message.command
        confidence = 1.0 if exact else message.confidence
        if self.slots.get("safety_hold"):
            # After "Are you safe right now?" the next message answers it; nothing else
            # (a scenario name, a role-play line) may carry the user off.
            answer = router.safety_answer(text) if not exact else None
            if answer == "unsafe":
                command = "unsafe"
            elif answer == "safe":
                command = "affirm"
            elif command not in router.HOLD_COMMANDS:
                command = "safety_again"
        in_scene = self.phase in ("scene", "debrief")
        if in_scene and command not in ("line", "stop", "pause"):
            if not router.is_meta(command, text, confidence):
                command = "line"
        elif in_scene and command in ("stop", "pause"):
            if not router.is_exit(text, confidence):
                command = "line"
        if not self.slots["disclaimer_shown"] and command not in ("stop", "pause"):
            reply.say("system", DISCLAIMER)
            self._set(reply, disclaimer_shown=True)
        handler = getattr(self, f"_cmd_{command}", None) or self._cmd_line
        self._stored = False
        handler(reply, message, text)
        if not self._stored:  # nothing the user wrote is lost, menus included
            self._safe_store(reply, self.storage.record_turn, self.conversation_id, "meta", text,
                             session_id=self.slots.get("session_id"), reply_text=command)
        return reply

    def _screen(self, text: str):
        scenario = self.scenario() if self.phase != "idle" else None
        grief = scenario is not None and (scenario.area == "grief" or any(
            word in note for note in scenario.content_notes for word in ("death", "grief", "loss")))
        try:
            return self.screen(text, context=("grief",) if grief else ())
        except Exception:  # noqa: BLE001 - the screen must never block a reply
            log.exception("crisis screen failed")
            return None

    # ------------------------------------------------------------------ safety
    def _safety(self, reply: Reply, message: UserMessage, result: Any) -> Reply:
        from bot.safety import resources

        crisis = result.label == "crisis"
        scene_was_live = self.phase == "scene"
        self._safe_store(reply, self.storage.record_turn, self.conversation_id, "crisis",
                         message.text, session_id=self.slots.get("session_id"),
                         safety=result.to_dict(), flagged=crisis)
        info = resources(None)
        lines = _resource_lines(info)
        if crisis:
            text = ("I'm stepping out of the role-play, because what you just wrote sounds "
                    "serious and your safety matters more than this practice.\n"
                    "If you are in danger right now, please contact emergency services "
                    f"({info.get('emergency', 'your local emergency number')}).\n"
                    "You can talk to someone now:\n" + "\n".join(lines)
                    + "\n\nAre you safe right now?")
            buttons = [_button("End the practice", "/stop"),
                       _button("I'm safe, continue the scene", "/resume")]
        else:
            text = ("I'm pausing the scene for a moment, because that touches on something "
                    "heavy. If this is about you or someone close to you and anyone is at "
                    "risk, these services can help:\n" + "\n".join(lines)
                    + "\n\nHow are you doing right now?")
            buttons = [_button("I'm okay, continue", "/resume"), _button("End for now", "/stop")]
        reply.say("safety", text, buttons=buttons,
                  data={"level": result.label, "category": getattr(result, "category", "none"),
                        "resources": info})
        if scene_was_live or self.phase == "debrief":
            self._set(reply, phase="paused", debrief=None)
        self._set(reply, safety_hold=crisis)
        return reply

    def _cmd_unsafe(self, reply: Reply, message: UserMessage, text: str) -> None:
        from bot.safety import resources

        info = resources(None)
        lines = "\n".join(_resource_lines(info))
        reply.say("safety", "Thank you for telling me. Please get help now: call emergency "
                            f"services ({info.get('emergency', 'your local emergency number')}) "
                            "or one of these:\n" + lines + "\n\nIf someone you trust is "
                            "nearby, let them know and stay with them. The practice is paused "
                            "and nothing will start until you choose.",
                  buttons=[_button("End the practice", "/stop")],
                  data={"level": "crisis", "resources": info})

    def _cmd_safety_again(self, reply: Reply, message: UserMessage, text: str) -> None:
        reply.say("safety", "I'm still here, and the practice is paused. Before anything else: "
                            "are you safe right now?",
                  buttons=[_button("Yes, I'm safe", "/affirm"), _button("No", "/deny"),
                           _button("End the practice", "/stop")])

    # ------------------------------------------------------------------ menus
    def _cmd_greet(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.phase == "scene":
            return self._cmd_line(reply, message, text)
        if self.phase == "paused" and (scenario := self.scenario()):
            reply.say("system", f"Hi. Your scene with {scenario.persona.name} is paused. Say "
                                "'resume' when you are ready, or 'stop' to end it.",
                      buttons=[_button("Resume", "/resume"), _button("Stop", "/stop")])
            return
        reply.say("system", "Hi. Here you can rehearse a hard conversation with someone who "
                            "reacts to how you say things. Want to see the scenarios?",
                  buttons=[_button("Show scenarios", "/list_scenarios"), _button("Help", "/help")])

    def _cmd_goodbye(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.phase in ("scene", "paused"):
            self._end_scene(reply, "stopped")
        reply.say("system", "Take care. Your practice is saved on this machine; come back any time.")

    def _cmd_thanks(self, reply: Reply, message: UserMessage, text: str) -> None:
        reply.say("system", "You're welcome. Say 'scenarios' to practise again, or 'help'.")

    def _cmd_help(self, reply: Reply, message: UserMessage, text: str) -> None:
        lines = [
            "How this works: pick a scenario, choose easy, medium or hard, then talk to the "
            "other person as you would in real life. After each line the coach names your "
            "style (assertive, passive, aggressive or passive-aggressive) and shows the words "
            "that made it so.",
            "You can say at any time: 'scenarios' (list), 'pause', 'resume', 'stop', "
            "'let me try that again' (redo your last line), 'restart', 'switch scenario', "
            "'feedback', 'coach off' / 'coach on'.",
        ]
        if self.phase == "scene" and (scenario := self.scenario()):
            lines.append(f"You are talking with {scenario.persona.name}. Your goal: {scenario.goal}")
        reply.say("system", "\n".join(lines))

    def _cmd_list(self, reply: Reply, message: UserMessage, text: str) -> None:
        area = router.area_from(message.entities.get("area"), text)
        shown = [s for s in self.scenarios if area is None or s.area == area]
        if not shown:
            shown, area = self.scenarios, None
        heading = f"{AREA_NAMES[area]} scenarios:" if area else "Scenarios you can practise:"
        numbered = [f"{self.scenarios.index(s) + 1}. {s.title} ({AREA_NAMES[s.area]}): {s.summary}"
                    for s in shown]
        reply.say("system", heading + "\n" + "\n".join(numbered)
                  + "\nPick one by number or name.",
                  buttons=[_button(s.title, f'/start_scenario{{"scenario_id":"{s.id}"}}') for s in shown],
                  data={"scenarios": [{"id": s.id, "title": s.title, "area": s.area} for s in shown]})
        if self.phase == "scene":
            reply.say("system", "(Your scene is still open; say 'resume' to go back to it.)")
            self._set(reply, phase="paused")

    def _cmd_start(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario = find_scenario(text, self.scenarios, message.entities.get("scenario_id"))
        if scenario is None:
            reply.say("system", "I couldn't tell which scenario you meant.")
            return self._cmd_list(reply, message, text)
        if self.phase in ("scene", "paused"):
            self._end_scene(reply, "stopped")
        self._set(reply, phase="setup", scenario_id=scenario.id, scene=None, prev_scene=None,
                  session_id=None, difficulty=None, retry_of=None, last_turn_id=None, turns=None)
        persona = scenario.persona
        parts = [f"{scenario.title} ({AREA_NAMES[scenario.area]})", scenario.setup,
                 f"You will talk with {persona.name}, your {persona.relationship}.",
                 f"Your goal: {scenario.goal}"]
        if scenario.content_notes:
            parts.append("Content note: this scene involves " + ", ".join(scenario.content_notes)
                         + ". You can pause or stop at any time.")
        difficulty = message.entities.get("difficulty")
        if difficulty in engine.DIFFICULTIES and not scenario.content_notes:
            reply.say("system", "\n\n".join(parts))
            return self._begin(reply, scenario, difficulty)
        parts.append("How hard should it be? Easy, medium or hard?")
        reply.say("system", "\n\n".join(parts), buttons=[
            _button("Easy", '/choose_difficulty{"difficulty":"easy"}'),
            _button("Medium", '/choose_difficulty{"difficulty":"medium"}'),
            _button("Hard", '/choose_difficulty{"difficulty":"hard"}'),
            _button("Not now", "/deny")])

    def _cmd_difficulty(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario = self.scenario()
        difficulty = message.entities.get("difficulty") or router.difficulty_from(text)
        if scenario is None or self.phase not in ("setup", "idle", "ended"):
            if self.phase == "scene":
                return self._cmd_line(reply, message, text)
            reply.say("system", "Pick a scenario first; then choose how hard it should be.")
            return self._cmd_list(reply, message, text)
        self._begin(reply, scenario, difficulty if difficulty in engine.DIFFICULTIES else "medium")

    def _cmd_affirm(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.slots.get("safety_hold"):
            # "yes" answers "are you safe?"; it is not a choice to go back into the scene,
            # which stays paused until the user says so
            self._set(reply, safety_hold=False)
            reply.say("safety", "Thank you for letting me know. There's no rush. If you want to "
                                "go back to the practice, say 'resume'; to end for today, say "
                                "'stop'. The help lines above are there any time.",
                      buttons=[_button("Resume the scene", "/resume"), _button("End for now", "/stop")])
            return
        if self.phase == "setup" and (scenario := self.scenario()):
            return self._begin(reply, scenario, "medium")
        if self.phase == "ended" and (scenario := self.scenario()) and self.slots.get("turns"):
            return self._start_debrief(reply, scenario)
        if self.phase == "paused":
            return self._cmd_resume(reply, message, text)
        if self.phase == "scene":
            return self._cmd_line(reply, message, text)
        return self._cmd_list(reply, message, text)

    def _cmd_deny(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.slots.get("safety_hold"):  # "no" answers "are you safe?"
            return self._cmd_unsafe(reply, message, text)
        if self.phase == "scene":
            return self._cmd_line(reply, message, text)
        if self.phase == "setup":
            self._set(reply, phase="idle", scenario_id=None)
        if self.phase == "ended":
            self._set(reply, phase="idle")
        reply.say("system", "Okay. Say 'scenarios' whenever you want to practise.")

    # ------------------------------------------------------------------ scene control
    def _begin(self, reply: Reply, scenario: Scenario, difficulty: str) -> None:
        seed = self.seed if self.seed is not None else random.SystemRandom().randrange(1 << 30)
        state, opening = engine.start(scenario, difficulty, seed)
        session_id = self._safe_store(reply, self.storage.open_session, self.conversation_id,
                                      scenario.id, difficulty, scenario.mode,
                                      bool(self.slots["coach_mode"]))
        self._set(reply, phase="scene", scenario_id=scenario.id, difficulty=difficulty,
                  scene=state.to_dict(), prev_scene=None, session_id=session_id,
                  retry_of=None, last_turn_id=None, turns=[])
        reply.say("system", f"Starting ({difficulty}). You are talking with "
                            f"{scenario.persona.name}. Say 'pause' or 'stop' at any time.")
        reply.say("interlocutor", opening, name=scenario.persona.name)

    def _end_scene(self, reply: Reply, status: str, ending: Optional[str] = None,
                   outcome: Optional[str] = None) -> None:
        state = self.state()
        if self.slots.get("session_id"):
            self._safe_store(reply, self.storage.end_session, self.slots["session_id"], status,
                             ending=ending, outcome=outcome,
                             tension=state.tension if state else None,
                             progress=state.progress if state else None)
        self._set(reply, phase="ended" if status == "ended" else "idle")

    def _cmd_stop(self, reply: Reply, message: UserMessage, text: str) -> None:
        self._set(reply, safety_hold=False)
        if self.phase == "debrief":  # ends the debrief only; a paused scene stays paused
            back = (self.slots.get("debrief") or {}).get("back", "ended")
            self._set(reply, phase=back, debrief=None)
            if back == "paused":
                reply.say("system", "Debrief ended. The scene is paused: say 'resume' to go "
                                    "back to it, or 'stop' to end it.",
                          buttons=[_button("Resume", "/resume"), _button("Stop", "/stop")])
            else:
                reply.say("system", "Debrief ended.")
            return
        if self.phase in ("scene", "paused", "setup"):
            had_turns = bool(self.slots.get("turns"))
            scenario = self.scenario()
            self._end_scene(reply, "stopped")
            reply.say("system", "Stopped. That's completely fine: stopping is part of "
                                "practising. Take a slow breath before you go on with your day.")
            if had_turns and scenario:
                self._summary(reply, scenario)
            self._set(reply, phase="idle")
        else:
            reply.say("system", "Nothing is running. Say 'scenarios' to start one.")

    def _cmd_pause(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.phase == "scene":
            self._set(reply, phase="paused")
            reply.say("system", "Paused. " + GROUNDING,
                      buttons=[_button("Resume", "/resume"), _button("Stop", "/stop")])
        else:
            reply.say("system", "Okay. Take whatever time you need. " + (
                "Say 'resume' when you are ready." if self.phase == "paused" else ""))

    def _cmd_resume(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario, state = self.scenario(), self.state()
        if self.phase != "paused" or scenario is None or state is None or state.ended:
            if self.phase == "scene":
                return self._cmd_line(reply, message, text)
            reply.say("system", "There is no paused scene. Say 'scenarios' to start one.")
            return
        self._set(reply, phase="scene", safety_hold=False)
        reply.say("system", f"Back in the scene with {scenario.persona.name}. "
                            f"{scenario.persona.name} last said:")
        reply.say("interlocutor", state.said[-1], name=scenario.persona.name)

    def _cmd_restart(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario = self.scenario()
        if scenario is None:
            return self._cmd_list(reply, message, text)
        if self.phase in ("scene", "paused"):
            self._end_scene(reply, "stopped")
        reply.say("system", "Starting the scene again from the top.")
        self._begin(reply, scenario, self.slots.get("difficulty") or "medium")

    def _cmd_switch(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.phase in ("scene", "paused"):
            self._end_scene(reply, "stopped")
            reply.say("system", "Okay, leaving this scene.")
        self._set(reply, phase="idle")
        self._cmd_list(reply, message, text)

    def _cmd_coach_on(self, reply: Reply, message: UserMessage, text: str) -> None:
        self._set(reply, coach_mode=True)
        reply.say("system", "Coach notes are on: you'll get a short note after each line.")

    def _cmd_coach_off(self, reply: Reply, message: UserMessage, text: str) -> None:
        self._set(reply, coach_mode=False)
        reply.say("system", "Coach notes are off. Your lines are still scored for the feedback "
                            "at the end; say 'feedback' any time.")

    def _cmd_retry(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario = self.scenario()
        prev = self.slots.get("prev_scene")
        if self.phase not in ("scene", "ended") or scenario is None or not prev or not self.slots.get("last_turn_id"):
            reply.say("system", "There's no line to try again yet.")
            return
        before = SceneState.from_dict(prev)
        self._set(reply, phase="scene", scene=before.to_dict(), prev_scene=None,
                  retry_of=self.slots["last_turn_id"])
        reply.say("system", f"Okay, try that line again. {scenario.persona.name} said:")
        reply.say("interlocutor", before.said[-1], name=scenario.persona.name)

    def _cmd_feedback(self, reply: Reply, message: UserMessage, text: str) -> None:
        scenario = self.scenario()
        if scenario is None or not self.slots.get("turns"):
            reply.say("system", "Say a few lines in a scene first; then I can give feedback.")
            return
        if self.phase == "debrief":
            return self._debrief_step(reply, scenario, text)
        if self.phase != "ended":
            self._summary(reply, scenario)
        self._start_debrief(reply, scenario)

    # ------------------------------------------------------------------ debrief
    def _start_debrief(self, reply: Reply, scenario: Scenario) -> None:
        items = debrief.select(self.slots.get("turns") or [])
        back = "paused" if self.phase in ("scene", "paused") else "ended"
        if not items:
            reply.say("system", "There's nothing to walk through yet.")
            return
        self._set(reply, phase="debrief",
                  debrief={"items": items, "index": 0, "step": "hope", "back": back})
        reply.say("coach", "Let's walk through " + ("one moment" if len(items) == 1 else f"{len(items)} moments")
                  + " from the scene. Say 'skip' to move on, or 'stop' to end the debrief.")
        reply.say("coach", debrief.opening(scenario, items[0], 1, len(items)))

    def _debrief_step(self, reply: Reply, scenario: Scenario, text: str) -> None:
        state = dict(self.slots["debrief"])
        items, index = state["items"], state["index"]
        item = items[index]
        skipped = bool(SKIP.match(text))
        if state["step"] == "hope":
            self._store_debrief(reply, text, item, None)
            seed = int((self.state().seed if self.state() else 0) + index)
            reflection, invite = debrief.reflection(scenario, item, seed)
            reply.say("coach", reflection)
            if invite:
                self._set(reply, debrief={**state, "step": "rephrase"})
                return
        elif not skipped:
            style = self.score(text, item["turn"]["reply"])
            self._store_debrief(reply, text, item, style)
            reply.say("coach", debrief.acknowledgement(
                item["turn"]["label"], style.label, [c.text for c in style.cues_for(style.label)],
                self._alternative(text, style)), data={"style": _style_payload(style)})
        else:
            self._store_debrief(reply, text, item, None)
        index += 1
        if index < len(items):
            self._set(reply, debrief={**state, "index": index, "step": "hope"})
            reply.say("coach", debrief.opening(scenario, items[index], index + 1, len(items)))
            return
        self._finish_debrief(reply, state["back"])

    def _alternative(self, text: str, style: Analysis) -> Optional[str]:
        """An assertive way to say a non-assertive line, built from the user's words."""
        if style.label not in ("passive", "aggressive", "passive_aggressive"):
            return None
        return rewrite(text, style, lambda t: self.score(t, None)).text

    def _store_debrief(self, reply: Reply, text: str, item: dict, style: Optional[Analysis]) -> None:
        self._safe_store(reply, self.storage.record_turn, self.conversation_id, "debrief", text,
                         session_id=self.slots.get("session_id"),
                         style_label=style.label if style else None,
                         style=style.to_dict() if style else None,
                         replaces_turn_id=item["turn"].get("id"))
        self._stored = True

    def _finish_debrief(self, reply: Reply, back: str) -> None:
        self._set(reply, phase=back, debrief=None)
        if back == "paused":
            reply.say("system", "That's the debrief. Say 'resume' to go back to the scene, or 'stop'.",
                      buttons=[_button("Resume", "/resume"), _button("Stop", "/stop")])
        else:
            reply.say("system", "That's the debrief. Well done for looking back at it.",
                      buttons=[_button("Restart this scene", "/restart"),
                               _button("Other scenarios", "/list_scenarios")])

    def _summary(self, reply: Reply, scenario: Scenario) -> None:
        summary = summary_for(scenario, self.state(), self.slots.get("turns") or [])
        reply.say("coach", summary["text"], data={"summary": summary})

    # ------------------------------------------------------------------ role-play line
    def _cmd_line(self, reply: Reply, message: UserMessage, text: str) -> None:
        if self.phase == "debrief" and (scenario := self.scenario()):
            return self._debrief_step(reply, scenario, text)
        if self.phase == "paused":
            reply.say("system", "The scene is paused. Say 'resume' to go back to it, or "
                                "'stop' to end it.",
                      buttons=[_button("Resume", "/resume"), _button("Stop", "/stop")])
            return
        if self.phase == "setup":
            difficulty = router.difficulty_from(text)
            if difficulty and (scenario := self.scenario()):
                return self._begin(reply, scenario, difficulty)
            reply.say("system", "Choose easy, medium or hard to begin (or 'no' to go back).")
            return
        scenario, state = self.scenario(), self.state()
        if self.phase != "scene" or scenario is None or state is None:
            picked = find_scenario(text, self.scenarios) if message.command == "start" else None
            if picked:
                return self._cmd_start(reply, message, text)
            reply.say("system", "You're not in a scene right now. Say 'scenarios' to pick one, "
                                "or 'help' to see what you can do.",
                      buttons=[_button("Show scenarios", "/list_scenarios")])
            return
        self._turn(reply, scenario, state, text)

    def _turn(self, reply: Reply, scenario: Scenario, state: SceneState, text: str) -> None:
        context = state.said[-1] if state.said else None
        style = self.score(text, context)
        result = engine.step(scenario, state, style.label, text)
        persona = scenario.persona
        style_data = _style_payload(style)
        for line in result.lines:
            reply.say("interlocutor", line, name=persona.name, data={"style": style_data})
        retry_of = self.slots.get("retry_of")
        turn_id = self._safe_store(
            reply, self.storage.record_turn, self.conversation_id,
            "retry" if retry_of else "roleplay", text, session_id=self.slots.get("session_id"),
            style_label=style.label, style=style.to_dict(), reply_text="\n".join(result.lines),
            tension_before=state.tension, tension_after=result.state.tension,
            progress_before=state.progress, progress_after=result.state.progress,
            replaces_turn_id=retry_of)
        self._stored = True
        turns = list(self.slots.get("turns") or [])
        turns.append({"id": turn_id, "text": text, "label": style.label,
                      "confidence": round(style.confidence, 4),
                      "cues": style_data["cues"], "tension_before": state.tension,
                      "tension": result.state.tension, "progress": result.state.progress,
                      "reply": " ".join(result.lines), "retry_of": retry_of})
        self._set(reply, scene=result.state.to_dict(), prev_scene=state.to_dict(),
                  last_turn_id=turn_id, retry_of=None, turns=turns)
        if self.slots["coach_mode"]:
            alternative = self._alternative(text, style)
            note = coach_note(scenario, result, style, text, alternative)
            reply.say("coach", note, data={"style": style_data, "alternative": alternative})
        if result.ended:
            ending = result.state.ending or "turn_limit"
            self._end_scene(reply, "ended", ending=ending, outcome=result.outcome)
            reply.say("system", f"Scene over: {result.outcome}",
                      data={"ending": ending, "outcome": result.outcome})
            self._summary(reply, scenario)
            reply.say("system", "Would you like to walk through a few moments from the scene? "
                                "You can also say 'let me try that again' to redo your last "
                                "line, 'restart', or 'scenarios' for another.",
                      buttons=[_button("Walk me through it", "/feedback"),
                               _button("Try my last line again", "/retry"),
                               _button("Restart", "/restart"),
                               _button("Other scenarios", "/list_scenarios")])


__all__ = ["Coach", "Message", "Reply", "Storage", "UserMessage"]
