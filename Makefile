# The project's user interface. Everything builds what is missing, then runs.
#   make chat   set up, train what changed, start the servers and open the terminal chat
#   make test   set up, train what changed, validate the data and run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY      := .venv/bin/python
RASA    := .venv/bin/rasa
VENV    := .venv/.installed
MODEL   := models/rasa/coach.tar.gz
STYLE   := models/style/meta.json
SAFETY  := models/safety/classifier.json
RASA_INPUTS  := $(shell find data/nlu data/stories data/rules -type f -name '*.yml' 2>/dev/null) domain.yml config.yml
# the classifier also learns from the everyday practice lines (style, NLU, scenes) as harmless
SAFETY_INPUTS := $(wildcard data/safety/train.jsonl data/safety/dev.jsonl data/safety/eval.jsonl data/safety/calibration_v*.jsonl data/safety/holdout_*.jsonl data/safety/parts/*.jsonl data/style/batch_*.jsonl data/nlu/*.yml scenarios/*.yml) bot/style/data.py bot/safety/model.py bot/safety/encoder.py bot/safety/patterns.yml bot/safety/detector.py
STYLE_INPUTS := $(wildcard data/style/batch_*.jsonl) bot/style/patterns.yml bot/style/model.py bot/style/data.py bot/style/train.py bot/style/textcat.cfg
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export LOG_LEVEL_LIBRARIES := ERROR
export PYTHONWARNINGS := ignore

.PHONY: help setup chat serve test validate train style-model safety-model eval-style eval-feedback eval-safety rasa-test crossval bench db clean

help:
	@echo "make chat    - set up and start the role-play chat in this terminal"
	@echo "make test    - set up and run all tests"
	@echo "make serve   - set up and run the action server (5055) and Rasa (REST + socket.io, 5005)"
	@echo "make train | style-model | safety-model | eval-style | eval-feedback | eval-safety | rasa-test | crossval | bench | validate"

setup: $(VENV)
$(VENV): requirements.lock requirements-encoder.txt pyproject.toml scripts/setup.sh
	@bash scripts/setup.sh

style-model: $(STYLE)
$(STYLE): $(VENV) $(STYLE_INPUTS)
	$(PY) -m bot.style.train

safety-model: $(SAFETY)
$(SAFETY): $(VENV) $(SAFETY_INPUTS)
	$(PY) -m bot.safety.model

train: $(MODEL)
$(MODEL): $(VENV) $(RASA_INPUTS)
	$(RASA) train --fixed-model-name coach --out models/rasa --data data --domain domain.yml --config config.yml
	@touch $(MODEL)

db: $(VENV)
	$(PY) -m bot db upgrade

chat: $(VENV) $(MODEL) $(STYLE) $(SAFETY)
	@bash scripts/run.sh chat

serve: $(VENV) $(MODEL) $(STYLE) $(SAFETY)
	@bash scripts/run.sh serve

validate: $(VENV)
	$(RASA) data validate --data data --domain domain.yml --config config.yml --fail-on-warnings
	$(PY) -m bot scenarios check

test: $(VENV) $(MODEL) $(STYLE) $(SAFETY) validate
	$(PY) -m pytest

eval-style: $(STYLE)
	$(PY) -m bot.style.evaluate

eval-feedback: $(STYLE)
	$(PY) -m bot.feedback.evaluate

eval-safety: $(SAFETY)
	$(PY) -m bot.safety.evaluate --file data/safety/eval.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/calibration_v2.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/calibration_v3.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/calibration_v4.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/calibration_v5.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/calibration_v6.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/holdout_v7.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/holdout_v8.jsonl
	$(PY) -m bot.safety.evaluate --file data/safety/holdout_v9.jsonl

rasa-test: $(MODEL)
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL) --out results/core --fail-on-prediction-errors

crossval: $(VENV)
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 3 --out results/nlu

bench: $(MODEL) $(STYLE) $(SAFETY)
	$(PY) bench/style_speed.py
	$(PY) bench/safety_speed.py
	$(PY) bench/turn_latency.py

clean:
	rm -rf models results .rasa
