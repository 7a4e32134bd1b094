"""The crisis classifier's sentence encoder (bot.safety.encoder) and how the model uses it.

The reference vectors in tests/fixtures/minilm_reference.json were made by
sentence-transformers with PyTorch (scripts/encoder_reference.py), a different
implementation of the same network; the NumPy forward pass must reproduce them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.safety.encoder import DIM, EncoderMissing, SentenceEncoder, VectorCache, encoder

REFERENCE = Path(__file__).parent / "fixtures" / "minilm_reference.json"


def test_numpy_forward_pass_matches_sentence_transformers():
    rows = json.loads(REFERENCE.read_text())
    got = encoder().embed([r["text"] for r in rows])
    want = np.array([r["vector"] for r in rows], dtype=np.float32)
    cosine = (got * want).sum(1)
    assert cosine.min() > 0.99999, cosine
    assert np.abs(got - want).max() < 1e-4


def test_batching_by_length_keeps_input_order():
    texts = ["short", "a much longer message about the week I have had at work, honestly",
             "", "🙂", "medium length line here"]
    together = encoder().embed(texts)
    alone = np.concatenate([encoder().embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert encoder().embed([]).shape == (0, DIM)


@pytest.mark.parametrize("text", ["", "\x00\x01\x02", "🙂" * 400, "<script>alert(1)</script>",
                                  "Ich will nicht mehr leben", "word " * 20000])
def test_odd_input_gives_a_unit_vector(text):
    vector = encoder().embed([text])
    assert vector.shape == (1, DIM) and np.isfinite(vector).all()
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_weights_that_are_not_the_pinned_file_are_refused(tmp_path):
    source = SentenceEncoder().w  # loads fine from the set-up folder
    assert "embeddings.word_embeddings.weight" in source
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(EncoderMissing):
        SentenceEncoder(tmp_path)
    with pytest.raises(EncoderMissing):
        SentenceEncoder(tmp_path / "nowhere")


class CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return encoder().embed(texts)


def test_vector_cache_embeds_each_text_once_and_survives_a_reload(tmp_path):
    counting = CountingEncoder()
    cache = VectorCache(tmp_path)
    first = cache.embed(["one", "two", "one"], counting)
    assert counting.seen == ["one", "two"]
    cache.save()
    again = VectorCache(tmp_path).embed(["two", "one", "three"], counting)
    assert counting.seen == ["one", "two", "three"]
    assert np.allclose(again[0], first[1]) and np.allclose(again[1], first[0])


def test_a_build_keeps_only_the_vectors_of_its_own_lines(tmp_path):
    cache = VectorCache(tmp_path)
    vectors = cache.embed(["kept", "removed from the data", "also kept"])
    cache.save(keep=["also kept", "kept", "never embedded"])
    reloaded = VectorCache(tmp_path)
    assert len(reloaded.keys) == 2 and reloaded.vectors.shape == (2, DIM)
    counting = CountingEncoder()
    again = reloaded.embed(["kept", "also kept"], counting)
    assert counting.seen == [] and np.allclose(again, vectors[[0, 2]])


def test_the_encoder_folder_comes_from_the_environment(tmp_path):
    import subprocess
    import sys

    script = ("from bot.safety.encoder import MODEL_DIR, SentenceEncoder, EncoderMissing\n"
              "print(MODEL_DIR)\n"
              "try:\n    SentenceEncoder()\nexcept EncoderMissing as e:\n    print('missing', e)\n")
    env = {**__import__("os").environ, "COACH_ENCODER_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True).stdout.splitlines()
    assert out[0] == str(tmp_path)
    assert out[1].startswith(f"missing {tmp_path / 'model.safetensors'} missing")


def test_the_model_never_overrides_a_pattern_crisis_or_a_relationship_ending():
    from bot.safety import model

    clf = model.load()
    sure = {"crisis": 1.0, "check_in": 0.0, "none": 0.0}
    assert clf.decide("I'm going to stop eating until I'm gone", "open", sure) == ("crisis", 1.0)
    assert clf.decide("I'm going to stop eating until I'm gone", "crisis", sure) is None
    assert clf.decide("I want to end it with him tonight", "open", sure) is None


def test_model_falls_back_to_ngrams_when_the_encoder_is_missing(monkeypatch, caplog):
    from bot.safety import model

    clf = model.load()
    assert clf is not None, "make safety-model builds it"
    text = "I've sorted who gets the dog and cancelled my phone contract."
    with_vectors = clf.proba([text])[0]

    def missing(texts):
        raise EncoderMissing("gone")

    monkeypatch.setattr(model, "sentence_vectors", missing)
    with caplog.at_level(logging.ERROR):
        ngrams_only = clf.proba([text])[0]
    assert "without its sentence encoder" in caplog.text
    expected = clf.level.predict_proba(clf._x([text]))[0]
    assert ngrams_only == pytest.approx(dict(zip(clf.level.classes_, expected)))
    assert with_vectors != pytest.approx(ngrams_only)


def test_model_vote_is_the_stated_mix_of_both_models():
    from bot.safety import model

    clf = model.load()
    texts = ["Could you take over cooking on Tuesdays?",
             "I've written letters to everyone and I know what I'm going to do on Friday."]
    vectors = encoder().embed(texts)
    ngram = clf.level.predict_proba(clf._x(texts))
    network = clf.semantic.predict_proba(vectors)
    share = clf.semantic_share
    assert 0.0 < share < 1.0 and list(clf.semantic.classes_) == list(clf.level.classes_)
    for got, n, s in zip(clf.proba(texts, vectors=vectors), ngram, network):
        assert [got[k] for k in clf.level.classes_] == pytest.approx((1 - share) * n + share * s)
