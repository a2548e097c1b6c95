// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl - syncmirror administration.
 *
 *   smctl [-j] <command> [options]
 *
 * One file per object; this one only dispatches.  Exit status: 0 success,
 * 1 the command failed (the message says why), 2 bad usage; smctl verify
 * also exits 2 when the copies differ.
 */
#include <stdio.h>
#include <string.h>

#include "smctl.h"

bool json_output;

static const struct smctl_command commands[] = {
	{ "create-md", cmd_create_md,
	  "write a new superblock for a volume" },
	{ "dump-md", cmd_dump_md, "show the superblock of a volume" },
	{ "status", cmd_status, "show volumes (all, or the one named)" },
	{ "primary", cmd_primary,
	  "promote a volume: it serves I/O (--force: an inconsistent copy)" },
	{ "secondary", cmd_secondary,
	  "demote a volume: it refuses I/O (not while open)" },
	{ "events", cmd_events, "follow state changes until interrupted" },
	{ "connect", cmd_connect,
	  "connect to the peer and hand the link to the kernel" },
	{ "disconnect", cmd_disconnect, "close the peer link" },
	{ "resync", cmd_resync,
	  "start, pause or resume the resync, set its rate; wait for it" },
	{ "verify", cmd_verify,
	  "compare both copies online (exit 2: they differ)" },
	{ "resolve", cmd_resolve,
	  "after a refused split-brain: discard this copy's changes" },
	{ "quorum", cmd_quorum,
	  "override the quorum fence: off, or fail the held I/O" },
	{ "up", cmd_up, "create a configured volume's device (/dev/mapper)" },
	{ "down", cmd_down, "disconnect and remove a volume's device" },
	{ "show-config", cmd_show_config,
	  "check and show a volume's configuration file" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: smctl [-j] <command> [options]\n"
		"       smctl <command> --help\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\nOptions:\n"
		"  -j, --json   machine-readable output (read commands)\n"
		"\nExit status: 0 success, 1 failure, 2 usage error; verify exits 2\n"
		"when the copies differ.  smctl <command> --help says more.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	argv++, argc--;
	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			json_output = true;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "smctl: unknown option \"%s\"\n", argv[0]);
			usage(stderr);
			return 2;
		}
		argv++, argc--;
	}
	if (!argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(argc, argv);

	fprintf(stderr, "smctl: Command \"%s\" not found, try \"smctl --help\".\n",
		argv[0]);
	return 2;
}
