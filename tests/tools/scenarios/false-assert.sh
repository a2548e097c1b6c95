# SPDX-License-Identifier: GPL-2.0-only
# A scenario whose assertion is false: the runner has to report it failed.
# timeout: 60
assert_eq "$((1 + 1))" 3 "one plus one"
