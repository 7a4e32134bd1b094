"""spaCy textcat baseline, trained with spaCy's own training loop on the project's splits."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.nlp import spacy  # first: imports spaCy without the TensorFlow probe
from bot.scenarios.schema import STYLES
from bot.style.data import Example
from spacy.cli.train import train as spacy_train  # noqa: I001
from spacy.tokens import DocBin

CONFIG = Path(__file__).with_name("textcat.cfg")


def _docbin(examples: list[Example], path: Path) -> None:
    nlp = spacy.blank("en")
    bin_ = DocBin()
    for e in examples:
        doc = nlp.make_doc(e.text)
        doc.cats = {s: float(s == e.label) for s in STYLES}
        bin_.add(doc)
    bin_.to_disk(path)


def train_textcat(train: list[Example], dev: list[Example], workdir: Path | None = None):
    """Train and return the best pipeline (model-best) selected on the dev split."""
    work = Path(workdir or tempfile.mkdtemp(prefix="textcat-"))
    _docbin(train, work / "train.spacy")
    _docbin(dev, work / "dev.spacy")
    import logging

    logging.getLogger("spacy").setLevel(logging.WARNING)
    spacy_train(CONFIG, work / "out", overrides={"paths.train": str(work / "train.spacy"),
                                                 "paths.dev": str(work / "dev.spacy")})
    return spacy.load(work / "out" / "model-best")
