# The two set-up commands of the README:
#   make run   install everything (Suricata 7, a virtualenv) and analyse the bundled sample
#   make test  install everything and run the whole test suite (real Suricata included)
VENV ?= .venv
# The Zeek test fixture (scripts/install.sh --test) comes after the user's own zeek.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH):/opt/zeek/bin

.PHONY: install install-test run test sample lint

install:
	VENV=$(VENV) ./scripts/install.sh

install-test:
	VENV=$(VENV) ./scripts/install.sh --test

run: install
	$(VENV)/bin/dnsguard analyze

test: install-test
	$(VENV)/bin/python -m pytest -p no:cacheprovider

sample: install
	$(VENV)/bin/python tools/sample/build_sample.py

lint: install
	$(VENV)/bin/ruff check python tests bench tools
