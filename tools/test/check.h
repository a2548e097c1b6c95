/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few lines every host test program shares: one "ok: ..." or
 * "FAIL: ..." line per check, and a closing "N passed, N failed" line;
 * exit 0 when nothing failed, 1 otherwise (liburing's convention, as
 * tests/tools/run.sh expects).
 */
#ifndef SYNCMIRROR_TEST_CHECK_H
#define SYNCMIRROR_TEST_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int checks_passed, checks_failed;

static bool check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		checks_passed++;
	else
		checks_failed++;
	return ok;
}

/* Equal integers; the values are printed when they differ. */
static bool __attribute__((unused)) check_u64(uint64_t got, uint64_t want,
					      const char *what)
{
	if (got == want)
		return check(true, "%s: %" PRIu64, what, got);
	return check(false, "%s: %" PRIu64 ", want %" PRIu64, what, got,
		     want);
}

static bool __attribute__((unused)) check_str(const char *got,
					      const char *want,
					      const char *what)
{
	if (!strcmp(got, want))
		return check(true, "%s: \"%s\"", what, got);
	return check(false, "%s: \"%s\", want \"%s\"", what, got, want);
}

static int __attribute__((unused)) check_summary(void)
{
	printf("%d passed, %d failed\n", checks_passed, checks_failed);
	return checks_failed ? 1 : 0;
}

#endif
