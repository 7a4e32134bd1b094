"""Thin rasa-sdk actions: each names a command and hands the message to ``bot.dialogue``."""

from actions.coach import CoachAction  # CoachAction itself is action_line


class ActionGreet(CoachAction):
    action_name = "action_greet"
    command = "greet"


class ActionGoodbye(CoachAction):
    action_name = "action_goodbye"
    command = "goodbye"


class ActionThanks(CoachAction):
    action_name = "action_thanks"
    command = "thanks"


class ActionAffirm(CoachAction):
    action_name = "action_affirm"
    command = "affirm"


class ActionDeny(CoachAction):
    action_name = "action_deny"
    command = "deny"


class ActionHelp(CoachAction):
    action_name = "action_help"
    command = "help"


class ActionListScenarios(CoachAction):
    action_name = "action_list_scenarios"
    command = "list"


class ActionStartScenario(CoachAction):
    action_name = "action_start_scenario"
    command = "start"


class ActionChooseDifficulty(CoachAction):
    action_name = "action_choose_difficulty"
    command = "difficulty"


class ActionStop(CoachAction):
    action_name = "action_stop"
    command = "stop"


class ActionPause(CoachAction):
    action_name = "action_pause"
    command = "pause"


class ActionResume(CoachAction):
    action_name = "action_resume"
    command = "resume"


class ActionRestart(CoachAction):
    action_name = "action_restart"
    command = "restart"


class ActionSwitchScenario(CoachAction):
    action_name = "action_switch_scenario"
    command = "switch"


class ActionRetry(CoachAction):
    action_name = "action_retry"
    command = "retry"


class ActionFeedback(CoachAction):
    action_name = "action_feedback"
    command = "feedback"


class ActionCoachOn(CoachAction):
    action_name = "action_coach_on"
    command = "coach_on"


class ActionCoachOff(CoachAction):
    action_name = "action_coach_off"
    command = "coach_off"


def _warm_up() -> None:
    """Load the scenarios and the style model when the action server starts, not on the
    first user message (which would otherwise take about two seconds)."""
    from bot.scenarios import load_scenarios
    from bot.style import score

    load_scenarios()
    score("warm up")


_warm_up()
