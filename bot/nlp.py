"""The project's spaCy pipeline: a blank English tokenizer plus a sentencizer.

No pretrained model package is used; everything trained on top (the style classifier) is
built from data in this repo. Loaded once per process.
"""

from __future__ import annotations

import functools
import sys


def _import_spacy():
    # thinc probes for TensorFlow when it is first imported, which costs about 3 s when Rasa's
    # TensorFlow is installed; nothing here uses thinc's TensorFlow shims. Hide TensorFlow
    # during that first import only, so anything else in the process can still import it.
    if "thinc" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        del sys.modules["tensorflow"]
    return spacy


spacy = _import_spacy()

from spacy.language import Language  # noqa: E402


@functools.lru_cache(maxsize=1)
def pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
