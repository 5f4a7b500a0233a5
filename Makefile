# Karyar. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false

PY := .venv/bin/python
LOCALE_PO := karyar/locales/fa/LC_MESSAGES/messages.po
LOCALE_MO := karyar/locales/fa/LC_MESSAGES/messages.mo

.PHONY: help setup run test train migrate lint format i18n texts nlu-eval bench lock clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: ## build both Python environments (idempotent, fast when nothing changed)
	@scripts/setup_env.sh app
	@scripts/setup_env.sh rasa
	@$(MAKE) -s --no-print-directory $(LOCALE_MO)

$(LOCALE_MO): $(LOCALE_PO)
	@.venv/bin/pybabel compile -d karyar/locales -D messages -l fa

migrate: setup ## apply database migrations to DATABASE_URL
	@$(PY) -m ops.cli migrate

train: setup ## train the Rasa model if its inputs changed (models/karyar-<hash>.tar.gz)
	@$(PY) -m ops.cli train

run: setup ## start everything (Telegram if TELEGRAM_BOT_TOKEN is set, else local mode); logs in var/log/
	@$(PY) -m ops.cli run $(ARGS)

test: setup ## run every test (unit, both databases, actions, Rasa, end to end, the browser)
	@scripts/setup_browser.sh
	@$(PY) -m pytest

lint: setup ## ruff, mypy and the layer contract (import-linter)
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy persian karyar bot actions localapi ops bench
	@.venv/bin/lint-imports --no-cache

format: setup ## apply ruff's formatting and safe fixes
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .

i18n: setup ## extract the bot's texts, merge them into the Persian catalogue, compile it
	@.venv/bin/pybabel extract -F babel.cfg -o var/messages.pot .
	@.venv/bin/pybabel update -i var/messages.pot -d karyar/locales -D messages -l fa --no-fuzzy-matching --ignore-obsolete
	@.venv/bin/pybabel compile -d karyar/locales -D messages -l fa

texts: setup ## write docs/texts.md, every text clients and staff can receive (ARGS=--check: is it current?)
	@$(PY) -m ops.cli texts $(ARGS)

nlu-eval: setup ## NLU cross-validation and held-out evaluation; results in bench/results/nlu_eval.json
	@$(PY) -m bench.nlu.evaluate

bench: setup train ## run the benchmarks; results go to bench/results/
	@$(PY) -m bench

lock: ## re-resolve both environments from requirements/*.in and rewrite the lock files
	@scripts/lock.sh

clean: ## remove environments, models and local data
	rm -rf .venv .venv-rasa models var .rasa
