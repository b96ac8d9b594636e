# The two commands of the README, plus a few conveniences.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run test tools build release e2e fmt

## Build and start Ferrodesk on its embedded SQLite database (./data).
run:
	deploy/tools.sh build
	FERRODESK_DATA_DIR=$${FERRODESK_DATA_DIR:-$(CURDIR)/data} cargo leptos serve --release --precompress

## Run the whole test suite (installs what is missing).
test:
	.ci/test.sh

tools:
	deploy/tools.sh test

build:
	cargo leptos build

release:
	cargo leptos build --release --precompress

## The browser suite only, against the last debug build.
e2e:
	end2end/run.sh

fmt:
	cargo fmt --all
