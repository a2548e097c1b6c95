# SPDX-License-Identifier: GPL-2.0-only
#
# syncmirror top-level Makefile.  See README.md for the two commands most
# people need (make demo, make check) and Documentation/testing.rst for the
# test targets.

TOP := $(CURDIR)
BUILD := $(TOP)/build

# The kernel the VMs boot on the "stock" side: Debian's linux-image-amd64.
KVER_STOCK = $(shell dpkg-query -W -f='$${Depends}' linux-image-amd64 2>/dev/null | \
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
KDIR_STOCK = /usr/src/linux-headers-$(KVER_STOCK)

# Every package the build, tests, bench and demo use.  Only Debian's archive.
DEB_PACKAGES := build-essential bc bison flex libelf-dev libssl-dev cpio \
	xz-utils zstd kmod python3 perl qemu-system-x86 qemu-utils \
	busybox-static linux-image-amd64 linux-headers-amd64 linux-source-6.1 fio \
	libnl-3-dev libnl-genl-3-dev liburing-dev dmsetup iproute2 nftables \
	drbd-utils pkg-config util-linux libdevmapper-dev resource-agents \
	libxml2-utils systemd clang libclang-rt-14-dev openssl

MODULE_SOURCES := Kbuild $(wildcard kernel/* include/uapi/linux/*)

.PHONY: all deps module module-debug tools debug-kernel vm-images \
	vm-images-stock vm-images-debug \
	lint kunit vm-check tools-check fuzz fuzz-check mutants-check check \
	check-full demo bench install clean

all: module tools

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing" $$missing; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || exit 1; \
	fi; \
	echo "deps: all $(words $(DEB_PACKAGES)) packages present"

# Out-of-tree builds write objects next to the sources, so each kernel gets
# its own copy of the module tree under build/.
define copy_module_tree
	@mkdir -p $(1)
	@cp -rpu Kbuild kernel include $(1)/
endef

module:
	$(call copy_module_tree,$(BUILD)/stock)
	$(MAKE) -C $(KDIR_STOCK) M=$(BUILD)/stock W=1 KCFLAGS=-Werror modules

debug-kernel:
	@tests/vm/kernel/build-debug-kernel.sh > /dev/null

module-debug: debug-kernel
	$(call copy_module_tree,$(BUILD)/debug)
	$(MAKE) -C $$(tests/vm/kernel/build-debug-kernel.sh)/build \
		M=$(BUILD)/debug W=1 KCFLAGS=-Werror modules

tools:
	$(MAKE) -C tools
	@$(MAKE) --no-print-directory $(BUILD)/tools/bin/sm-wirepeer \
		$(BUILD)/tools/bin/sm-quorum $(BUILD)/tools/bin/sm-clock \
		$(BUILD)/tools/bin/sm-diskcache $(BUILD)/tools/bin/sm-plainconnect \
		$(BUILD)/tools/bin/sm-mitm

# A scripted misbehaving peer for the VM scenarios (goes into the images).
$(BUILD)/tools/bin/sm-wirepeer: tests/vm/wirepeer.c tools/lib/crc32c.c tools/lib/crc32c.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ tests/vm/wirepeer.c tools/lib/crc32c.c

# Drives the kernel's quorum fence by hand (what syncmirrord does).
$(BUILD)/tools/bin/sm-quorum: tests/vm/quorumctl.c tools/lib/genl.c tools/lib/genl.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -I include/uapi \
		$$(pkg-config --cflags libnl-genl-3.0) -o $@ tests/vm/quorumctl.c \
		tools/lib/genl.c $$(pkg-config --libs libnl-genl-3.0)

# Hands the kernel a plain socket as a caller without TLS would.
$(BUILD)/tools/bin/sm-plainconnect: tests/vm/plainconnect.c tools/lib/genl.c tools/lib/genl.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -I include/uapi \
		$$(pkg-config --cflags libnl-genl-3.0) -o $@ tests/vm/plainconnect.c \
		tools/lib/genl.c $$(pkg-config --libs libnl-genl-3.0)

# A man in the middle of a peer link that changes one byte.
$(BUILD)/tools/bin/sm-mitm: tests/vm/mitm.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ tests/vm/mitm.c

# Clock offsets between the VMs, for the event logs of failover scenarios.
$(BUILD)/tools/bin/sm-clock: tests/vm/clockcheck.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ tests/vm/clockcheck.c

# An NBD server whose disk loses its volatile write cache at a power cut.
DISKCACHE_SOURCES := tests/vm/diskcache.c tests/vm/diskcache-nbd.c \
	tests/vm/diskcache-disk.c
$(BUILD)/tools/bin/sm-diskcache: $(DISKCACHE_SOURCES) tests/vm/diskcache.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ $(DISKCACHE_SOURCES)

# Initramfs per kernel flavour: a cached base layer plus a fresh overlay
# with /init, our module and our tools.
vm-images: vm-images-stock vm-images-debug

vm-images-stock: module tools
	@tests/vm/images.sh stock $(KVER_STOCK) $(BUILD)/stock/kernel

vm-images-debug: module-debug tools
	@tests/vm/images.sh debug \
		$$(cat $$(tests/vm/kernel/build-debug-kernel.sh)/build/include/config/kernel.release) \
		$(BUILD)/debug/kernel

lint:
	@tests/lint.sh

kunit: vm-images-debug
	@tests/kunit/run.sh

vm-check: vm-images
	@tests/vm/run.sh $(SCENARIOS)

tools-check: tools vm-images
	@tests/tools/run.sh

# libFuzzer over the parsers, one target after the other (FUZZ_TARGETS:
# all by default), each for FUZZ_TIME seconds or FUZZ_RUNS inputs.  New
# inputs stay in build/fuzz/corpus/.  See Documentation/testing.rst.
FUZZ_TIME ?= 60
fuzz:
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run.sh \
		$(FUZZ_TARGETS)

# The bounded run make check does: seeds, regressions, 5 s per target,
# one target per CPU at a time
# (check-full: 60 s).
fuzz-check:
	@FUZZ_TIME=$(if $(filter full,$(SM_TIER)),60,5) FUZZ_JOBS=$$(nproc) tests/fuzz/run.sh

# Everything CI runs.  Every suite runs even when an earlier one failed;
# the last line sums them.  Two tiers (Documentation/testing.rst): make
# check runs every capability once, crash and failover loops at 1-2 rounds
# (about 30 minutes warm); make check-full runs them at full strength
# (SM_TIER=full: >= 10 power cuts, >= 10 failovers, every soak loop).
SUITES := lint kunit tools-check fuzz-check vm-check
FULL_SUITES := mutants-check
export SM_TIER

check: deps
	@rm -rf $(BUILD)/results; mkdir -p $(BUILD)/results
	@for suite in $(SUITES) $(if $(filter full,$(SM_TIER)),$(FULL_SUITES)); do \
		start=$$(date +%s); \
		$(MAKE) --no-print-directory $$suite; \
		echo "$$suite $$(( $$(date +%s) - start ))" >> $(BUILD)/results/suites.times; \
	done; \
	tests/times.sh $(BUILD)/results; \
	tests/summary.sh $(BUILD)/results lint kunit tools fuzz vm \
		$(if $(filter full,$(SM_TIER)),mutants)

check-full:
	@$(MAKE) --no-print-directory check SM_TIER=full

# Durability bugs planted on purpose (tests/vm/mutations/): each must fail
# the scenarios its patch names.  Part of check-full.
mutants-check: vm-images
	@tests/vm/mutate.sh

demo: deps vm-images-stock
	@tests/demo.sh

# Raw disk vs syncmirror vs DRBD 8.4 on the stock-kernel VM pair; about
# 11 minutes under TCG.  Table and fio JSON in build/bench/.
bench: deps vm-images-stock
	@bench/run.sh

# make install [DESTDIR=...] [PREFIX=/usr]: smctl and syncmirrord, the OCF
# resource agent and the systemd units (Documentation/syncmirror-ocf.rst).
# Not the kernel module.  The units name $(SBINDIR) as built.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
OCF_ROOT ?= /usr/lib/ocf
SYSTEMD_UNIT_DIR ?= $(shell pkg-config --variable=systemdsystemunitdir \
	systemd 2>/dev/null || echo /lib/systemd/system)
UNITS := syncmirrord.service syncmirror@.service

install: tools
	install -D -m 0755 $(BUILD)/tools/bin/smctl $(DESTDIR)$(SBINDIR)/smctl
	install -D -m 0755 $(BUILD)/tools/bin/syncmirrord \
		$(DESTDIR)$(SBINDIR)/syncmirrord
	install -D -m 0755 tools/ocf/syncmirror \
		$(DESTDIR)$(OCF_ROOT)/resource.d/syncmirror/syncmirror
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	for unit in $(UNITS); do \
		sed 's|/usr/sbin/|$(SBINDIR)/|g' tools/systemd/$$unit \
			> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit && \
		chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit || exit 1; \
	done

clean:
	rm -rf $(BUILD)
	$(MAKE) -C tools clean
