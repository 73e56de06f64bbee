# SPDX-License-Identifier: GPL-2.0-or-later
# A thin front for people who type make: everything is in CMake.
BUILD	?= build
PREFIX	?= /usr/local
DESTDIR	?=
JOBS	?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure check test e2e-long demo bench install clean deb

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@tests/install-deps --check 2>/dev/null || tests/install-deps

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || \
	    cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

# The fast tiers (ctest labels, see tests/CMakeLists.txt); "test" is all.
check: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L '^(unit|sim|integ)$$'

test: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Real Xen in QEMU, the long set: a PVH guest's core dump (minutes under
# TCG, so not in "test"; see tests/e2e/run.sh and the README).
e2e-long: all
	E2E_SET=long sh tests/e2e/run.sh $(abspath $(BUILD))/e2e \
	    $(abspath $(BUILD))/bin/xen-crashwatchd

demo: all
	tests/demo.sh $(BUILD)

bench: all
	cmake --build $(BUILD) --target bench

install: all
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# A Debian package built from a copy of the tree (files git does not
# ignore), so dpkg-buildpackage's ../*.deb land in $(BUILD)/deb/.
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	git ls-files -z -c -o --exclude-standard | \
	    tar --null -T - --ignore-failed-read -cf - | tar -C $(BUILD)/deb/src -xf -
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b
	@ls $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)
