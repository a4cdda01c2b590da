# The two commands of the README: `make book` and `make test`.
PY      := .venv/bin/python
SET     ?=
ARGS    ?=
PORT    ?= 8000

.PHONY: book test serve bench clean validate watch pdf

.venv/done: requirements.txt
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

book: .venv/done
	$(PY) -m evidence_book build $(if $(SET),--set "$(SET)") $(ARGS)

validate: .venv/done
	$(PY) -m evidence_book validate

test: .venv/done
	$(PY) -m pytest $(ARGS)

serve: book
	@echo "Serving _build/html on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html 8000

# Rebuild the pages an edit affects (data/, chapters/, sections.yml, the package) and reload them in
# the browser: a local preview in _build/watch/html (the published _build/html is make book's).
watch: .venv/done
	$(PY) -m evidence_book watch --port $(PORT) $(if $(SET),--set "$(SET)") $(ARGS)

# The whole book as one PDF (_build/book.pdf, also in the site and linked from its home page).
pdf: .venv/done
	$(PY) -m evidence_book pdf $(if $(SET),--set "$(SET)")

bench: .venv/done
	$(PY) bench/run.py

clean:
	rm -rf _build
