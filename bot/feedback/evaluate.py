"""``make eval-feedback``: the assertive alternatives on the style test split.

For every non-assertive utterance in the grouped test split (never trained on), build the
alternative and report: the share the scorer rates assertive (final, and for the first
candidate, before any fallback), the share that keep some of the user's own words, and
the share that carry blame, insults, threats or contempt over (must be zero).
"""

from __future__ import annotations

import argparse
import random

from bot.feedback.rewrite import rewrite
from bot.style import score, score_many
from bot.style.data import load_examples, split

BAD_TYPES = {"you_blame", "insult", "threat", "contempt", "profanity", "shouting", "sarcasm",
             "bare_command"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args(argv)
    test = [e for e in split(load_examples())["test"] if e.label != "assertive"]
    styles = score_many([e.text for e in test])
    rows = []
    for example, style in zip(test, styles):
        alt = rewrite(example.text, style, score)
        alt_style = score(alt.text)
        bad = [c.text for c in alt_style.cues if c.cue_type in BAD_TYPES]
        rows.append((example, style, alt, alt_style, bad))
    n = len(rows)
    assertive = sum(r[3].label == "assertive" for r in rows)
    first = sum(r[2].first_candidate_ok for r in rows)
    from bot.feedback.rewrite import _content_words

    def keeps(example, alt) -> bool:
        # at least one content word of the user's (not a cue word) is in the alternative
        cue_words = {w for c in score(example.text).cues for w in _content_words(c.text)}
        own = _content_words(example.text) - cue_words
        return bool(own & _content_words(alt.text))

    kept = sum(keeps(r[0], r[2]) for r in rows)
    carried = [r for r in rows if r[4]]
    print(f"non-assertive utterances in the test split: {n}")
    print(f"alternatives rated assertive by the scorer: {assertive}/{n} = {assertive / n:.1%}")
    print(f"first candidate rated assertive (no fallback): {first}/{n} = {first / n:.1%}")
    print(f"alternatives that keep the user's own words (a content word that is not a cue): "
          f"{kept}/{n} = {kept / n:.1%}")
    print(f"alternatives carrying blame/insult/threat/contempt cues: {len(carried)}")
    for example, style, alt, alt_style, bad in carried:
        print(f"   {example.text!r} -> {alt.text!r} {bad}")
    print("\nexamples:")
    for example, style, alt, alt_style, _ in random.Random(3).sample(rows, min(args.examples, n)):
        print(f"  [{style.label}] {example.text}\n     -> [{alt_style.label}] {alt.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
