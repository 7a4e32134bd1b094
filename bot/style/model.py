"""The trained style classifier: features over spaCy tokens and cue matches, then a
multinomial logistic regression (scikit-learn, which Rasa already ships).

``make eval-style`` compares it with spaCy's own text categoriser trained by ``spacy train``
on the same splits; the README records which generalised better and by how much.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlp import pipeline
from bot.results import Cue
from bot.scenarios.schema import STYLES
from bot.style.cues import cue_matcher

_DIGITS = re.compile(r"\d")


@dataclass
class Parsed:
    """What the classifier sees of one message, computed once and shared with the cues."""

    text: str
    tokens: list[str]
    cues: list[Cue]
    features: dict[str, float]


def parse(text: str) -> Parsed:
    doc = pipeline()(text)
    cues = cue_matcher()(doc)
    words = [t for t in doc if not t.is_space]
    tokens = [_DIGITS.sub("0", t.lower_) for t in words]
    alpha = [t for t in words if t.is_alpha]
    caps = sum(1 for t in alpha if t.is_upper and len(t) > 1)
    features: dict[str, float] = {}
    for cue in cues:
        features[f"cue={cue.cue_id}"] = features.get(f"cue={cue.cue_id}", 0.0) + 1.0
        features[f"to={cue.points_to}"] = features.get(f"to={cue.points_to}", 0.0) + 1.0
    n = len(alpha)
    features["len<=3"] = float(n <= 3)
    features["len<=8"] = float(n <= 8)
    features["len>25"] = float(n > 25)
    features["caps_share"] = caps / n if n else 0.0
    features["exclaim"] = min(3, text.count("!")) / 3
    features["question"] = float("?" in text)
    features["ellipsis"] = float("..." in text or "…" in text)
    features["you_count"] = min(4, sum(1 for t in tokens if t in ("you", "your", "u", "ur"))) / 4
    features["i_count"] = min(4, sum(1 for t in tokens if t in ("i", "me", "my"))) / 4
    features["starts_i"] = float(bool(tokens) and tokens[0] == "i")
    features["starts_you"] = float(bool(tokens) and tokens[0] in ("you", "your", "u", "ur"))
    return Parsed(text, tokens, cues, features)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class StyleClassifier:
    """Word 1-2 grams + character 2-5 grams + cue and shape features -> logistic regression."""

    def __init__(self, c: float = 4.0, seed: int = 13) -> None:
        self.c = c
        self.seed = seed
        self.words = TfidfVectorizer(analyzer=_identity, ngram_range=(1, 1), sublinear_tf=True,
                                     min_df=1)
        self.bigrams = TfidfVectorizer(tokenizer=_identity, preprocessor=_identity,
                                       token_pattern=None, lowercase=False,
                                       ngram_range=(2, 3), sublinear_tf=True, min_df=2)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                     min_df=2, lowercase=True)
        self.dicts = DictVectorizer()
        self.model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced",
                                        random_state=seed)
        self.vocabulary: frozenset[str] = frozenset()

    @property
    def labels(self) -> list[str]:
        return [str(x) for x in self.model.classes_]

    def _matrix(self, parsed: Sequence[Parsed], fit: bool = False) -> csr_matrix:
        tokens = [p.tokens for p in parsed]
        texts = [p.text for p in parsed]
        dicts = [p.features for p in parsed]
        if fit:
            parts = [self.words.fit_transform(tokens), self.bigrams.fit_transform(tokens),
                     self.chars.fit_transform(texts), self.dicts.fit_transform(dicts) * 1.5]
        else:
            parts = [self.words.transform(tokens), self.bigrams.transform(tokens),
                     self.chars.transform(texts), self.dicts.transform(dicts) * 1.5]
        return hstack(parts).tocsr()

    def fit(self, parsed: Sequence[Parsed], labels: Sequence[str]) -> "StyleClassifier":
        self.__dict__.pop("_fast", None)
        unknown = set(labels) - set(STYLES)
        if unknown:
            raise ValueError(f"unknown labels {unknown}")
        self.model.fit(self._matrix(parsed, fit=True), list(labels))
        self.vocabulary = frozenset(t for p in parsed for t in p.tokens if t.isalpha())
        return self

    def predict_proba(self, parsed: Sequence[Parsed]) -> np.ndarray:
        if len(parsed) == 1:
            return self._fast_proba(parsed[0])[None, :]
        return self.model.predict_proba(self._matrix(parsed))

    def _fast_proba(self, parsed: Parsed) -> np.ndarray:
        """The same probabilities as ``predict_proba`` for one message, without building
        sparse matrices (scikit-learn's per-call overhead is most of the latency for one
        short utterance). ``tests/test_style.py`` checks that both paths agree."""
        if not hasattr(self, "_fast"):
            self._fast = self._compile_fast()
        coef, intercept, blocks = self._fast
        logits = intercept.copy()
        for kind, index, idf, weight, offset, analyse in blocks:
            if kind == "dict":
                values = {index[k]: float(v) for k, v in parsed.features.items() if k in index}
            else:
                counts: dict[int, int] = {}
                for feature in analyse(parsed.tokens if kind == "tokens" else parsed.text):
                    j = index.get(feature)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                values = {j: (1.0 + np.log(c)) * idf[j] for j, c in counts.items()}
                norm = np.sqrt(sum(v * v for v in values.values()))
                values = {j: v / norm for j, v in values.items()} if norm else {}
            for j, v in values.items():
                logits += coef[:, offset + j] * (v * weight)
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def _compile_fast(self):
        coef = self.model.coef_
        blocks, offset = [], 0
        for vec, kind in ((self.words, "tokens"), (self.bigrams, "tokens"), (self.chars, "text")):
            blocks.append((kind, vec.vocabulary_, vec.idf_, 1.0, offset, vec.build_analyzer()))
            offset += len(vec.vocabulary_)
        blocks.append(("dict", self.dicts.vocabulary_, None, 1.5, offset, None))
        return coef, self.model.intercept_.copy(), blocks

    def predict(self, parsed: Iterable[Parsed]) -> list[str]:
        parsed = list(parsed)
        probs = self.predict_proba(parsed)
        labels = self.labels
        return [labels[i] for i in probs.argmax(axis=1)]


class StyleModel:
    """The shipped scorer: spaCy's textcat and the cue-aware logistic regression, averaged.

    ``weight`` is the logistic regression's share, chosen on the dev split by ``train.py``.
    Both parts are trained from ``data/style/``; the textcat is a spaCy pipeline saved with
    ``nlp.to_disk`` and loaded with ``spacy.load`` (no third-party model packages).
    """

    def __init__(self, classifier: StyleClassifier, textcat, weight: float) -> None:
        self.classifier = classifier
        self.textcat = textcat
        self.weight = weight

    @property
    def vocabulary(self) -> frozenset[str]:
        return self.classifier.vocabulary

    @property
    def c(self) -> float:
        return self.classifier.c

    def predict_proba(self, parsed: Sequence[Parsed]) -> np.ndarray:
        """Rows of probabilities in STYLES order."""
        lr = self.classifier.predict_proba(parsed)
        order = [self.classifier.labels.index(s) for s in STYLES]
        lr = lr[:, order]
        if self.textcat is None or self.weight >= 1.0:
            return lr
        if len(parsed) == 1:
            doc = self.textcat(parsed[0].text)
            tc = np.array([[doc.cats[s] for s in STYLES]])
        else:
            tc = np.array([[doc.cats[s] for s in STYLES]
                           for doc in self.textcat.pipe([p.text for p in parsed], batch_size=256)])
        tc = tc / tc.sum(axis=1, keepdims=True)
        return self.weight * lr + (1 - self.weight) * tc
