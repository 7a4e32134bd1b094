"""Every scenario validates, and plays as designed through the real scorer and engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import engine
from bot.scenarios import ScenarioError, find_scenario, load_scenario, load_scenarios
from bot.scenarios.schema import STYLES
from bot.style import score

REPO = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((REPO / "scenarios").glob("*.yml"))
PATHS = REPO / "tests" / "scenario_paths"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_validates_and_has_enough_lines(path):
    scenario = load_scenario(path)
    assert len(set(scenario.persona_lines())) >= 40
    for label in STYLES:
        for band in ("calm", "tense", "heated"):
            assert len(getattr(scenario.replies[label], band)) >= 2


WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.IGNORECASE)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_a_move_reply_names_no_day_the_user_may_not_have_said(path):
    """A move fires on any of its phrases, so a reply may name a day of the week only if
    every phrase does, or the setup already made it common ground ("take over cooking" must
    not be answered with "Tuesdays and Thursdays?")."""
    scenario = load_scenario(path)
    known = {d.lower() for d in WEEKDAY.findall(scenario.setup)}
    for move in scenario.moves:
        if not all(WEEKDAY.search(p) for p in move.phrases):
            named = [line for line in move.reply
                     if {d.lower() for d in WEEKDAY.findall(line)} - known]
            assert not named, f"{move.id}: {named}"


def test_library_covers_the_four_problem_areas():
    areas = [s.area for s in load_scenarios()]
    assert areas.count("role_dispute") >= 3
    assert areas.count("grief") >= 3
    assert areas.count("role_transition") >= 3
    assert areas.count("interpersonal_deficits") >= 2


def _play(scenario, difficulty, lines):
    state, _ = engine.start(scenario, difficulty, seed=1)
    labels = []
    for line in lines * 3:  # repeat the script until the scene ends
        label = score(line, state.said[-1]).label
        labels.append(label)
        result = engine.step(scenario, state, label, line)
        state = result.state
        if result.ended:
            break
    return state, labels


@pytest.mark.parametrize("path", sorted(PATHS.glob("*.yml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_scripted_paths(path, difficulty):
    scenario = load_scenario(REPO / "scenarios" / path.name)
    script = yaml.safe_load(path.read_text())
    state, labels = _play(scenario, difficulty, script["assertive"])
    assert state.ending == "goal", (labels, state)
    state, labels = _play(scenario, difficulty, script["aggressive"])
    assert state.ending == "walkout", (labels, state)
    assert state.turn <= 8
    state, labels = _play(scenario, difficulty, script["passive"])
    assert state.ending != "goal", (labels, state)


def test_every_scenario_has_a_path_script():
    assert {p.stem for p in PATHS.glob("*.yml")} == {p.stem for p in SCENARIO_FILES}


def _broken(tmp_path, mutate):
    data = yaml.safe_load((REPO / "scenarios" / "chores-partner.yml").read_text())
    mutate(data)
    path = tmp_path / "chores-partner.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_broken_field_gives_a_clear_error(tmp_path):
    path = _broken(tmp_path, lambda d: d.update(area="arguments"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message and "area" in message and "role_dispute" in message


def test_missing_reply_band_is_named(tmp_path):
    path = _broken(tmp_path, lambda d: d["replies"]["passive"].pop("heated"))
    with pytest.raises(ScenarioError, match=r"replies\.passive\.heated"):
        load_scenario(path)


def test_grief_persona_must_be_living(tmp_path):
    def mutate(d):
        d["area"] = "grief"
        d["persona"]["relationship"] = "late father"
    with pytest.raises(ScenarioError, match="living person"):
        load_scenario(_broken(tmp_path, mutate))


def test_id_must_match_file_name(tmp_path):
    data = yaml.safe_load((REPO / "scenarios" / "chores-partner.yml").read_text())
    path = tmp_path / "other-name.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError, match="must match the file name"):
        load_scenario(path)


def test_check_command_reports_good_and_bad(tmp_path):
    bad = _broken(tmp_path, lambda d: d.pop("goal"))
    good = REPO / "scenarios" / "chores-partner.yml"
    run = subprocess.run([sys.executable, "-m", "bot", "scenarios", "check", str(good), str(bad)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 1
    assert "ok   " in run.stdout and "goal" in run.stderr and "1 valid, 1 invalid" in run.stderr


def test_list_json(scenarios):
    run = subprocess.run([sys.executable, "-m", "bot", "scenarios", "list", "--json"],
                         capture_output=True, text=True, cwd=REPO, check=True)
    rows = yaml.safe_load(run.stdout)
    assert [r["id"] for r in rows] == [s.id for s in scenarios]
    assert set(rows[0]) >= {"id", "title", "area", "mode"}


def test_find_by_id_number_and_words(scenarios, chores):
    assert find_scenario("", scenarios, "chores-partner") is chores
    number = scenarios.index(chores) + 1
    assert find_scenario(f"number {number} please", scenarios) is chores
    assert find_scenario("the one about housework with my partner", scenarios) is chores
    assert find_scenario("xyzzy", scenarios) is None
