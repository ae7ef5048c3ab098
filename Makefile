# vidfoley: `make run` dubs the bundled example; `make test` runs the whole test suite.
# Both create .venv themselves on a fresh machine (Python 3.10+ and the package registries).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The base install needs no model weights and no torch.
$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Every extra, for the tests; torch is pinned in the `neural` extra (CPU wheel, no CUDA).
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[neural,demo,scale,dev]'
	touch $@ $(VENV)/.base

run: $(VENV)/.base
	@mkdir -p $(OUT)
	$(BIN)/vidfoley example -q --overwrite -o $(OUT)/example.mp4
	$(BIN)/vidfoley dub $(OUT)/example.mp4 -o $(OUT)/example_dubbed.mp4 --overwrite \
		--prompt "a rubber ball bouncing on a wooden floor" \
		--stems $(OUT)/stems --plan-out $(OUT)/plan.json --timeline $(OUT)/timeline.png
	@echo "Dubbed clip: $(OUT)/example_dubbed.mp4 (stems in $(OUT)/stems, plan $(OUT)/plan.json, timeline $(OUT)/timeline.png)"

# The demo's browser tests drive Debian's Chromium: installed here when missing and allowed,
# else this stops at once with the command to run.
browser:
	@sh scripts/ensure_browser.sh

test: browser $(VENV)/.dev
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.base
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
