# fieldlearn front door. `make test` and `make demo` work on a fresh Debian 12 machine:
# they install missing system packages, configure (with CUDA when nvcc is present), build
# and run. Everything else is plain CMake presets (CMakePresets.json).
SHELL := /bin/bash
NVCC := $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
PRESET ?= $(if $(NVCC),cuda,cpu)
BUILD := build/$(PRESET)
JOBS ?= $(shell nproc)
PYTHON ?= $(shell for p in python3 /usr/bin/python3; do $$p -c 'import matplotlib, numpy' 2>/dev/null && { command -v $$p; break; }; done)
DEMO_DIR ?= runs/demo

.PHONY: all deps configure build test test-all demo bench peers plots clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ -n "$(NVCC)" ]; then export PATH="$$(dirname $(NVCC)):$$PATH"; fi; \
	cmake --preset $(PRESET) >/dev/null

build: configure
	@if [ -n "$(NVCC)" ]; then export PATH="$$(dirname $(NVCC)):$$PATH"; fi; \
	cmake --build $(BUILD) -j $(JOBS)

# The CI test command: cpu-labelled tests (gpu tests skip themselves without a device,
# so they run too and report as skipped).
test: build
	ctest --test-dir $(BUILD) -L 'cpu|gpu' --output-on-failure -j $(JOBS) --timeout 900

# Everything, including the long physics validations.
test-all: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Every experiment's quick config into $(DEMO_DIR)/<experiment>, then the plots.
demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@set -e; for exp in $$($(BUILD)/fieldlearn list); do \
	  echo "== $$exp (quick)"; \
	  $(BUILD)/fieldlearn $$exp --config quick --out $(DEMO_DIR)/$$exp; \
	done
	@$(MAKE) --no-print-directory plots RUN=$(DEMO_DIR)
	@echo "demo written to $(DEMO_DIR)"

plots:
	@if [ -z "$(PYTHON)" ]; then scripts/install-deps.sh; fi
	@$(or $(PYTHON),/usr/bin/python3) tools/plot.py $(RUN)

bench: build
	$(BUILD)/bench/fieldlearn-bench --benchmark_format=console

# The Python peers of the benchmarks (PyTorch, JAX + neural-tangents, scikit-learn) in .venv-peers.
peers:
	@scripts/install-peers.sh .venv-peers

clean:
	rm -rf build
