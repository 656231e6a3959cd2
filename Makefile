# The two set-up commands of the README:
#   make run   install everything (Suricata 7, a virtualenv) and analyse the bundled sample
#   make test  install everything and run the whole test suite (real Suricata included)
VENV ?= .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: install run test sample lint

install:
	VENV=$(VENV) ./scripts/install.sh

run: install
	$(VENV)/bin/dnsguard analyze

test: install
	$(VENV)/bin/python -m pytest -p no:cacheprovider

sample: install
	$(VENV)/bin/python tools/sample/build_sample.py

lint: install
	$(VENV)/bin/ruff check python tests bench tools
