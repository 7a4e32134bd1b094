from __future__ import annotations

import pytest

from bot import engine


def test_start_is_deterministic_given_a_seed(chores):
    a = engine.start(chores, "medium", seed=11)
    b = engine.start(chores, "medium", seed=11)
    assert a == b
    assert a[1] in chores.opening
    assert a[0].tension == chores.difficulty["medium"].start_tension


def test_replay_gives_the_same_conversation(chores):
    labels = ["passive", "aggressive", "assertive", "passive_aggressive", "assertive"]

    def play(seed):
        state, _ = engine.start(chores, "hard", seed)
        lines = []
        for label in labels:
            result = engine.step(chores, state, label, "some words")
            lines += result.lines
            state = result.state
            if result.ended:
                break
        return lines, state

    assert play(5) == play(5)


def test_unknown_difficulty_is_rejected(chores):
    with pytest.raises(ValueError, match="difficulty"):
        engine.start(chores, "extreme")


def test_assertive_lowers_tension_and_aggressive_raises_it(chores):
    state, _ = engine.start(chores, "medium", 1)
    calmer = engine.step(chores, state, "assertive", "I'd like us to talk.").state
    hotter = engine.step(chores, state, "aggressive", "You never do anything.").state
    assert calmer.tension < state.tension < hotter.tension
    assert calmer.progress > state.progress


def test_hard_escalates_faster_than_easy(chores):
    deltas = {}
    for level in ("easy", "hard"):
        state, _ = engine.start(chores, level, 1)
        deltas[level] = engine.step(chores, state, "aggressive", "x").state.tension - state.tension
    assert deltas["hard"] > deltas["easy"] > 0


def test_unclear_does_not_use_a_turn(chores):
    state, _ = engine.start(chores, "easy", 1)
    result = engine.step(chores, state, "unclear", "")
    assert result.state.turn == 0
    assert result.lines[0] in chores.replies["unclear"].calm


def test_move_counts_once_and_its_reply_is_said(chores):
    state, _ = engine.start(chores, "medium", 2)
    first = engine.step(chores, state, "assertive", "Could you cook on Tuesdays?")
    assert first.move == "specific_request"
    assert first.lines[0] in next(m for m in chores.moves if m.id == "specific_request").reply
    again = engine.step(chores, first.state, "assertive", "So, Tuesdays then?")
    assert again.move != "specific_request"


def test_move_matches_curly_apostrophes(chores):
    state, _ = engine.start(chores, "medium", 2)
    result = engine.step(chores, state, "assertive", "I know you\u2019re tired. I get that you work hard.")
    assert result.move == "acknowledges_sam"


def test_move_needs_an_allowed_style(chores):
    state, _ = engine.start(chores, "medium", 2)
    result = engine.step(chores, state, "aggressive", "Take over dinner on Tuesday, you slob.")
    assert result.move is None


@pytest.mark.parametrize("label, ending", [("assertive", "goal"), ("aggressive", "walkout"),
                                           ("passive", "turn_limit")])
def test_endings(chores, label, ending):
    state, _ = engine.start(chores, "medium", 3)
    for _ in range(chores.rules.max_turns):
        result = engine.step(chores, state, label, "words")
        state = result.state
        if result.ended:
            break
    assert state.ending == ending
    assert result.lines[0] in getattr(chores.endings, ending).lines
    assert result.outcome == getattr(chores.endings, ending).outcome
    with pytest.raises(ValueError):
        engine.step(chores, state, label, "more")


def test_lines_do_not_repeat_while_fresh_ones_remain(chores):
    state, _ = engine.start(chores, "easy", 4)
    said = []
    for _ in range(3):
        result = engine.step(chores, state, "passive", "um ok")
        said += result.lines
        state = result.state
    assert len(said) == len(set(said))


def test_state_round_trips_through_a_slot(chores):
    state, _ = engine.start(chores, "medium", 9)
    state = engine.step(chores, state, "assertive", "Could you cook on Tuesdays?").state
    assert engine.SceneState.from_dict(state.to_dict()) == state
