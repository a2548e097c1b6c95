/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SMCTL_H
#define SMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/syncmirror.h>

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
int cmd_resync(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_quorum(int argc, char **argv);

struct sm_genl;
struct sm_superblock;
/*
 * Read and check the superblock of a volume (@meta NULL: internal).
 * Returns 0, or -1 with the reason printed.
 */
int smctl_read_superblock(const char *data, const char *meta,
			  struct sm_superblock *sb);

/* A volume's disk, resync and verify state (GET_VOLUME, EVENT). */
struct smctl_sync {
	uint32_t conn_state;		/* enum syncmirror_conn_state */
	char conn_reason[128];
	uint32_t disk, peer_disk;	/* enum syncmirror_disk_state */
	uint32_t region_size;
	uint64_t out_of_sync;		/* bytes */
	uint64_t al_capacity;		/* bytes */
	uint64_t current_uuid, bitmap_uuid;
	uint32_t sync_state;		/* enum syncmirror_sync_state */
	bool paused;
	uint64_t total, done;		/* bytes of this resync */
	uint64_t rate, min_rate, max_rate;	/* bytes/s, max 0: none */
	uint64_t resynced, received;	/* bytes, ever */
	uint32_t verify_state;		/* 0 idle, 1 running */
	uint64_t verify_total, verify_done, mismatches;
	bool has_first_mismatch;
	uint64_t first_mismatch;	/* byte offset */
};

struct nlattr;
void smctl_sync_parse(struct nlattr **attrs, struct smctl_sync *s);
/* Percent done (100.0 when there is nothing to move). */
double smctl_sync_percent(const struct smctl_sync *s);
/* Seconds left at the current rate; 0 when done, -1 when unknown. */
long long smctl_sync_eta(const struct smctl_sync *s);
double smctl_percent(uint64_t done, uint64_t total);
/* "12.0 MiB", "512 B"; "0:03", "1:02:03", "-" for -1. */
void smctl_format_bytes(uint64_t bytes, char *out, size_t size);
void smctl_format_rate(uint64_t rate, char *out, size_t size);
void smctl_format_eta(long long seconds, char *out, size_t size);
/* GET_VOLUME for @volume into @s.  Returns 0, or 1 with the reason said. */
int smctl_get_sync(struct sm_genl *g, const char *volume,
		   struct smctl_sync *s);

/* A volume's generations and its last split-brain decision (split_brain.c). */
struct smctl_split_brain {
	uint32_t region_size;		/* bytes per region of the counts */
	unsigned int history_count;	/* entries the kernel sent */
	uint64_t history[SYNCMIRROR_HISTORY_UUIDS];	/* newest first */
	uint64_t promote_time;		/* ns since the epoch, 0: unknown */
	uint32_t policy;		/* enum syncmirror_sb_policy */
	bool resolve_pending;		/* smctl resolve --discard-local */
	bool has_peer_current, has_peer_bitmap, has_peer_dirty;	/* hello */
	uint64_t peer_current, peer_bitmap;
	uint64_t peer_dirty;		/* regions, PEER_CHANGES */
	uint32_t decision;		/* enum syncmirror_sb_decision */
	uint64_t time;			/* epoch s */
	uint32_t peer_node;
	uint64_t local_changes, peer_changes;	/* regions */
	uint64_t common_uuid;
	bool full;			/* only a full sync resolves it */
	char reason[256];
};

void smctl_sb_parse(struct nlattr **attrs, struct smctl_split_brain *sb);
/* The JSON keys after "peer":{...}, each with its leading comma. */
void smctl_sb_print_json(const struct smctl_split_brain *sb);
/* status: the "generations:" and "split-brain:" lines. */
void smctl_sb_print_text(const struct smctl_split_brain *sb);
/* events: what a split-brain (or disk) event adds to its line. */
void smctl_sb_print_event(uint32_t event, const struct smctl_split_brain *sb);

/* The quorum fence's state (quorum.c). */
struct smctl_quorum {
	uint32_t state;			/* enum syncmirror_quorum_state */
	bool gen_pending;		/* generation not yet recorded */
	uint32_t policy;		/* enum syncmirror_quorum_policy */
	uint32_t remaining_ms;
	uint64_t gen, term;
	uint32_t held;			/* bios held */
	uint64_t since;			/* epoch s */
	uint64_t since_ns;		/* the same in ns, 0: unknown */
	uint64_t changes;		/* state changes so far */
};

void smctl_quorum_parse(struct nlattr **attrs, struct smctl_quorum *q);
void smctl_quorum_print_json(const struct smctl_quorum *q);
void smctl_quorum_print_text(const struct smctl_quorum *q);
void smctl_quorum_print_event(uint32_t event, const struct smctl_quorum *q);

/* Print one volume, a GET_VOLUME reply or an EVENT (@arg: int count or NULL). */
struct nl_msg;
int smctl_print_volume(struct nl_msg *msg, void *arg);

/* Print the kernel's reason for a failed request on @volume; returns 1. */
int smctl_report(const char *volume, struct sm_genl *g);
/* One request naming @volume, plus a u32 @attr unless it is 0. */
int smctl_volume_request(struct sm_genl *g, const char *volume, int cmd,
			 int attr, uint32_t value);

#endif
