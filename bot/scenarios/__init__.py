"""Scenario files: schema, loading, lookup by id, number or natural language."""

from bot.scenarios.loader import (
    ScenarioError,
    find_scenario,
    load_scenario,
    load_scenarios,
    scenarios_dir,
)
from bot.scenarios.schema import AREA_NAMES, BANDS, STYLES, UNCLEAR, Scenario

__all__ = [
    "AREA_NAMES",
    "BANDS",
    "STYLES",
    "UNCLEAR",
    "Scenario",
    "ScenarioError",
    "find_scenario",
    "load_scenario",
    "load_scenarios",
    "scenarios_dir",
]
