/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster file, /etc/syncmirror/cluster.conf: who the members of the
 * cluster are (data nodes and the optional witness), where their
 * heartbeat links listen, the cluster secret and the quorum timings
 * (Documentation/syncmirror-failover.rst, "Configuration").  Same grammar
 * as the volume files; every error is one line naming the file, the line
 * when there is one, and the cause.
 */
#ifndef SYNCMIRROR_CLUSTER_CONFIG_H
#define SYNCMIRROR_CLUSTER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SM_CLUSTER_CONFIG_NAME		"cluster"	/* no volume's name */
#define SM_CLUSTER_CONFIG_FILE		SM_CLUSTER_CONFIG_NAME SM_CONFIG_SUFFIX
#define SM_CLUSTER_MAX_MEMBERS		32	/* ids 0..31, one per host */

/* Timings, milliseconds. */
#define SM_HEARTBEAT_INTERVAL_MIN	100
#define SM_HEARTBEAT_INTERVAL_MAX	2000
#define SM_HEARTBEAT_INTERVAL_DEFAULT	500
#define SM_LEASE_TIME_MIN		(3 * SM_HEARTBEAT_INTERVAL_MIN)
#define SM_LEASE_TIME_MAX		(SM_LOSS_TIMEOUT_MAX - SM_LEASE_MARGIN)
#define SM_LEASE_TIME_DEFAULT		2500
#define SM_LOSS_TIMEOUT_MIN		(SM_LEASE_TIME_MIN + SM_LEASE_MARGIN)
#define SM_LOSS_TIMEOUT_MAX		60000
#define SM_LOSS_TIMEOUT_DEFAULT		4000
/* lease-time <= loss-timeout - SM_LEASE_MARGIN: clock drift and the kernel's slack */
#define SM_LEASE_MARGIN			1000
/* lease-time >= SM_LEASE_HEARTBEATS x heartbeat-interval: renewals in time */
#define SM_LEASE_HEARTBEATS		3

struct sm_cluster_member {
	uint32_t id;
	bool witness;				/* the "witness" line */
	char address[SM_CONFIG_ADDR_MAX];	/* its heartbeat link listens here */
	unsigned int line;			/* where it was defined */
};

struct sm_cluster_config {
	char path[SM_CONFIG_PATH_MAX];
	uint8_t cluster_uuid[16];
	char secret_file[SM_CONFIG_PATH_MAX];
	/* Data nodes and the witness, in the order of the file. */
	struct sm_cluster_member members[SM_CLUSTER_MAX_MEMBERS];
	unsigned int member_count;
	bool has_witness;
	uint32_t witness_id;
	unsigned int heartbeat_interval;	/* ms */
	unsigned int lease_time;		/* ms */
	unsigned int loss_timeout;		/* ms */
};

/*
 * Parse @dir/cluster.conf into @cfg.  Returns 0, or -1 with the reason in
 * @error ("<file>:<line>: <cause>").
 */
int sm_cluster_config_load(const char *dir, struct sm_cluster_config *cfg,
			   char *error, size_t error_size);

/* Parse the file at @path (any name). */
int sm_cluster_config_parse_file(const char *path,
				 struct sm_cluster_config *cfg, char *error,
				 size_t error_size);

/*
 * The inequality of "Why there is never more than one primary holding
 * quorum": SM_LEASE_HEARTBEATS x @heartbeat_interval <= @lease_time <=
 * @loss_timeout - SM_LEASE_MARGIN.  Returns 0, or -1 with why in @why.
 */
int sm_cluster_check_timing(unsigned int heartbeat_interval,
			    unsigned int lease_time, unsigned int loss_timeout,
			    char *why, size_t why_size);

/* The member with @id (data node or witness), or NULL. */
const struct sm_cluster_member *
sm_cluster_member(const struct sm_cluster_config *cfg, uint32_t id);

/*
 * A volume of this cluster: its node-id and its peer's must be data
 * members (not the witness).  Returns 0, or -1 with the reason in @error.
 */
int sm_cluster_check_volume(const struct sm_cluster_config *cluster,
			    const struct sm_config *volume, char *error,
			    size_t error_size);

#endif
