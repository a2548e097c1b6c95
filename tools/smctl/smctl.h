/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SMCTL_H
#define SMCTL_H

#include <stdbool.h>
#include <stdint.h>

struct smctl_command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the command */
	const char *summary;
};

extern bool json_output;

int cmd_create_md(int argc, char **argv);
int cmd_dump_md(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_primary(int argc, char **argv);
int cmd_secondary(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_disconnect(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_show_config(int argc, char **argv);

struct sm_genl;
struct sm_superblock;
/*
 * Read and check the superblock of a volume (@meta NULL: internal).
 * Returns 0, or -1 with the reason printed.
 */
int smctl_read_superblock(const char *data, const char *meta,
			  struct sm_superblock *sb);

/* Print the kernel's reason for a failed request on @volume; returns 1. */
int smctl_report(const char *volume, struct sm_genl *g);
/* One request naming @volume, plus a u32 @attr unless it is 0. */
int smctl_volume_request(struct sm_genl *g, const char *volume, int cmd,
			 int attr, uint32_t value);

#endif
