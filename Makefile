# Thin wrapper around CMake: `make run` and `make test` do all set-up.
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD := build
ASAN := build-asan

.PHONY: all deps build build-asan run test test-fast test-asan install lint fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN)/Makefile:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DTOKMETER_SANITIZE=ON

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

build-asan: $(ASAN)/Makefile
	cmake --build $(ASAN) -j $(JOBS)

# Runs `tokmeter daily` on this machine's transcripts, or on a demo corpus.
run: deps build
	@scripts/run-main.sh $(BUILD)/tokmeter

# The whole suite twice: the normal build, then ASan + UBSan. --browser:
# chromium for tests/browser (its run.sh would install it too, but inside
# the test's time limit).
test:
	@scripts/install-deps.sh --browser
	$(MAKE) test-fast
	$(MAKE) test-asan

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

lint: build
	scripts/lint.sh $(BUILD)

fuzz:
	bench/fuzz.sh 60

bench: build
	bench/run.sh
	bench/index.sh

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz
