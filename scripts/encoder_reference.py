"""Write tests/fixtures/minilm_reference.json: sentence-transformers' own vectors for a few
texts, which tests/test_safety_encoder.py checks the NumPy encoder against.

Needs a separate environment with sentence-transformers and PyTorch (not part of .venv):

    python3.11 -m venv /tmp/st && /tmp/st/bin/pip install torch sentence-transformers
    HF_HUB_OFFLINE=1 /tmp/st/bin/python scripts/encoder_reference.py .venv/share/all-MiniLM-L6-v2
"""

import json
import sys
from pathlib import Path

TEXTS = [
    "Could you take over cooking on Tuesdays?",
    "I've sorted who gets the dog and cancelled my phone contract.",
    "",
    "🙂🙂🙂",
    "Je ne veux plus vivre comme ça, tout est trop lourd depuis que tu es parti.",
    "since Mum died the house feels so empty " * 40,  # longer than the 256-token limit
]


def main() -> int:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(sys.argv[1], device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True)
    out = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "minilm_reference.json"
    out.write_text(json.dumps([{"text": t, "vector": [round(float(x), 6) for x in v]}
                               for t, v in zip(TEXTS, vectors)]) + "\n")
    print(f"wrote {len(TEXTS)} reference vectors -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
