# A thin front for people who type make: everything is in CMake.
BUILD	?= build
PREFIX	?= /usr/local
DESTDIR	?=
JOBS	?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure test demo bench install clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@tests/install-deps --check 2>/dev/null || tests/install-deps

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || \
	    cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

test: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: all
	tests/demo.sh $(BUILD)

bench: all
	cmake --build $(BUILD) --target bench

install: all
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
