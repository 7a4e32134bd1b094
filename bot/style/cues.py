"""Rule-based cue detection from ``patterns.yml`` with spaCy's Matcher and PhraseMatcher."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nlp import pipeline  # first: it imports spaCy without the TensorFlow probe
from bot.results import Cue
from spacy.matcher import Matcher, PhraseMatcher  # noqa: I001
from spacy.tokens import Doc

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")


@dataclass(frozen=True)
class CueSpec:
    id: str
    type: str
    points_to: str


class CueMatcher:
    """Finds every cue in a Doc, with character offsets into the text."""

    def __init__(self, patterns_file: Path = PATTERNS_FILE) -> None:
        nlp = pipeline()
        self.specs: dict[str, CueSpec] = {}
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        entries = yaml.safe_load(patterns_file.read_text(encoding="utf-8"))
        for entry in entries:
            spec = CueSpec(entry["id"], entry["type"], entry["points_to"])
            if spec.id in self.specs:
                raise ValueError(f"{patterns_file}: duplicate cue id {spec.id!r}")
            self.specs[spec.id] = spec
            if entry.get("patterns"):
                self.matcher.add(spec.id, entry["patterns"])
            if entry.get("phrases"):
                self.phrases.add(spec.id, [nlp.make_doc(p) for p in entry["phrases"]])

    @property
    def ids(self) -> list[str]:
        return list(self.specs)

    def __call__(self, doc: Doc) -> list[Cue]:
        hits = [(doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc)]
        hits += [(doc.vocab.strings[m], s, e) for m, s, e in self.phrases(doc)]
        # Overlapping hits of one cue id become one span: "was just" + "just thinking"
        # cite "was just thinking".
        merged: dict[str, list[list[int]]] = {}
        for cue_id, start, end in sorted(hits, key=lambda h: (h[0], h[1], h[2])):
            spans = merged.setdefault(cue_id, [])
            if spans and start < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        cues = []
        for cue_id, spans in merged.items():
            spec = self.specs[cue_id]
            for start, end in spans:
                span = doc[start:end]
                cues.append(Cue(span.start_char, span.end_char, span.text, spec.id, spec.type,
                                spec.points_to))
        cues.sort(key=lambda c: (c.start, c.end, c.cue_id))
        return cues


@functools.lru_cache(maxsize=1)
def cue_matcher() -> CueMatcher:
    return CueMatcher()
