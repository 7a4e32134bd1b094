"""``python -m bot``: scenario authoring, transcripts, database and the terminal chat."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from bot.scenarios import AREA_NAMES, ScenarioError, load_scenario, load_scenarios, scenarios_dir


def _cmd_scenarios_list(args: argparse.Namespace) -> int:
    scenarios = [s for s in load_scenarios() if not args.area or s.area == args.area]
    rows = [
        {"number": i, "id": s.id, "title": s.title, "area": s.area, "mode": s.mode,
         "persona": s.persona.name, "summary": s.summary}
        for i, s in enumerate(scenarios, start=1)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        print(f"{row['number']:>2}. [{AREA_NAMES[row['area']]}] {row['title']} ({row['id']}, {row['mode']})")
    return 0


def _cmd_scenarios_check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or sorted(scenarios_dir().glob("*.yml"))
    failures = 0
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            failures += 1
            print(f"FAIL {exc}", file=sys.stderr)
            continue
        lines = scenario.persona_lines()
        print(f"ok   {path}: {scenario.title!r}, {len(lines)} persona lines")
    print(f"{len(paths) - failures} valid, {failures} invalid", file=sys.stderr)
    return 1 if failures or not paths else 0


def _cmd_transcript(args: argparse.Namespace) -> int:
    from bot.storage import transcript

    data = transcript(args.conversation_id)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0 if data["turns"] else 1
    if not data["turns"]:
        print(f"no stored turns for {args.conversation_id!r}", file=sys.stderr)
        return 1
    for turn in data["turns"]:
        label = turn["style_label"] or turn["kind"]
        flag = "  [FLAGGED: crisis screen]" if turn["flagged"] else ""
        print(f"[{turn['created_at']}] ({label}) you: {turn['user_text']}{flag}")
        if turn["kind"] in ("roleplay", "retry") and turn["reply_text"]:
            print(f"    them: {turn['reply_text']}")
    return 0


def _cmd_flags(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.storage import flagged_turns

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # stored as naive UTC
    since = now - dt.timedelta(days=args.days) if args.days else None
    turns = flagged_turns(since=since, conversation_id=args.conversation)
    if args.json:
        print(json.dumps(turns, indent=2, ensure_ascii=False))
        return 0
    if not turns:
        print("no flagged turns", file=sys.stderr)
        return 0
    for turn in turns:
        safety = turn["safety"] or {}
        cues = ", ".join(c.get("text", "") for c in safety.get("cues", [])) or "-"
        print(f"[{turn['created_at']}] conversation {turn['conversation_id']} "
              f"({safety.get('level', '?')}, {safety.get('category', '?')}; cues: {cues})")
        print(f"    {turn['user_text']}")
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.storage import database_url, migrate

    migrate()
    url = database_url()
    print(f"database schema up to date ({url.split('@')[-1]})")
    return 0


def _cmd_wait(args: argparse.Namespace) -> int:
    from bot.chat import wait_ready

    if wait_ready(args.url, args.actions, args.timeout):
        return 0
    print(f"the servers did not come up within {args.timeout:.0f} s; see var/log/", file=sys.stderr)
    return 1


def _cmd_chat(args: argparse.Namespace) -> int:
    from bot.chat import run

    return run(args.url, args.sender)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    scen = sub.add_parser("scenarios", help="list or check scenario files")
    scen_sub = scen.add_subparsers(dest="scenarios_command", required=True)
    p = scen_sub.add_parser("list", help="list the scenarios")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--area", choices=sorted(AREA_NAMES), help="only this IPT problem area")
    p.set_defaults(func=_cmd_scenarios_list)
    p = scen_sub.add_parser("check", help="validate scenario files (default: all)")
    p.add_argument("paths", nargs="*", help="files to check")
    p.set_defaults(func=_cmd_scenarios_check)

    p = sub.add_parser("transcript", help="the stored turns of one conversation (Rasa sender id)")
    p.add_argument("conversation_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_transcript)

    p = sub.add_parser("flags", help="messages the crisis screen flagged, newest first "
                                      "(for a therapist reviewing on this machine)")
    p.add_argument("--days", type=float, default=0, help="only the last N days (default: all)")
    p.add_argument("--conversation", help="only this conversation (Rasa sender id)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_flags)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    p = db_sub.add_parser("upgrade", help="apply migrations (DATABASE_URL, default var/coach.db)")
    p.set_defaults(func=_cmd_db_upgrade)

    p = sub.add_parser("wait", help="wait until the Rasa and action servers answer")
    p.add_argument("--url", default="http://127.0.0.1:5005")
    p.add_argument("--actions", default=None)
    p.add_argument("--timeout", type=float, default=300)
    p.set_defaults(func=_cmd_wait)

    p = sub.add_parser("chat", help="talk to a running coach in this terminal")
    p.add_argument("--url", default="http://127.0.0.1:5005")
    p.add_argument("--sender", default=None, help="conversation id (default: one per machine)")
    p.set_defaults(func=_cmd_chat)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
