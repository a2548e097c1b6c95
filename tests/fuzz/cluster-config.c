// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the cluster file (sm_cluster_config_parse_file(),
 * tools/lib/cluster-config.c), as cluster.conf.
 *
 * Properties: a file that parses has at least two data members, member
 * ids unique and in range, addresses unique and HOST:PORT, at most one
 * witness (the one named), timings in range that keep the inequality the
 * quorum rests on (Documentation/syncmirror-failover.rst), and every
 * member found by its id; a refused one says where and why, and parsing
 * is deterministic.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cluster-config.h"
#include "fuzz-file.h"
#include "fuzz.h"

static void check_members(const struct sm_cluster_config *cfg)
{
	unsigned int i, j, data = 0, witnesses = 0;
	char host[SM_CONFIG_ADDR_MAX], port[16];

	fuzz_check(cfg->member_count <= SM_CLUSTER_MAX_MEMBERS,
		   "%u members", cfg->member_count);
	for (i = 0; i < cfg->member_count; i++) {
		const struct sm_cluster_member *m = &cfg->members[i];

		fuzz_check(m->id < SM_CLUSTER_MAX_MEMBERS, "member id %u",
			   m->id);
		fuzz_check(memchr(m->address, '\0', sizeof(m->address)) &&
			   !sm_split_address(m->address, host, sizeof(host),
					     port, sizeof(port)),
			   "member address \"%s\"", m->address);
		fuzz_check(sm_cluster_member(cfg, m->id) == m,
			   "member %u not found by its id", m->id);
		for (j = 0; j < i; j++)
			fuzz_check(cfg->members[j].id != m->id &&
				   strcmp(cfg->members[j].address, m->address),
				   "members %u and %u share an id or address",
				   j, i);
		data += !m->witness;
		witnesses += m->witness;
		if (m->witness)
			fuzz_check(cfg->has_witness && cfg->witness_id == m->id,
				   "witness %u not the cluster's", m->id);
	}
	fuzz_check(data >= 2, "%u data members", data);
	fuzz_check(witnesses == cfg->has_witness, "%u witnesses", witnesses);
}

static void check_config(const struct sm_cluster_config *cfg)
{
	char why[256];

	fuzz_check(cfg->secret_file[0] == '/' &&
		   memchr(cfg->secret_file, '\0', sizeof(cfg->secret_file)),
		   "secret-file \"%s\"", cfg->secret_file);
	check_members(cfg);
	fuzz_check(cfg->heartbeat_interval >= SM_HEARTBEAT_INTERVAL_MIN &&
		   cfg->heartbeat_interval <= SM_HEARTBEAT_INTERVAL_MAX &&
		   cfg->lease_time >= SM_LEASE_TIME_MIN &&
		   cfg->lease_time <= SM_LEASE_TIME_MAX &&
		   cfg->loss_timeout >= SM_LOSS_TIMEOUT_MIN &&
		   cfg->loss_timeout <= SM_LOSS_TIMEOUT_MAX,
		   "timings %u %u %u out of range", cfg->heartbeat_interval,
		   cfg->lease_time, cfg->loss_timeout);
	fuzz_check(!sm_cluster_check_timing(cfg->heartbeat_interval,
					    cfg->lease_time,
					    cfg->loss_timeout, why,
					    sizeof(why)) &&
		   SM_LEASE_HEARTBEATS * cfg->heartbeat_interval <=
		   cfg->lease_time &&
		   cfg->lease_time + SM_LEASE_MARGIN <= cfg->loss_timeout,
		   "timings that break the quorum's inequality");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sm_cluster_config cfg, again;
	static char error[512], error2[512];
	const char *path = fuzz_file("cluster.conf", data, size);
	int r;

	memset(error, 0, sizeof(error));
	r = sm_cluster_config_parse_file(path, &cfg, error, sizeof(error));
	if (r) {
		fuzz_check(r == -1, "parse returned %d", r);
		fuzz_check(!strncmp(error, path, strlen(path)) &&
			   error[strlen(path)] == ':' &&
			   strlen(error) > strlen(path) + 2,
			   "error \"%s\" does not name the file and a cause",
			   error);
	} else {
		check_config(&cfg);
	}
	fuzz_check(sm_cluster_config_parse_file(path, &again, error2,
						sizeof(error2)) == r &&
		   (r ? !strcmp(error, error2) : !memcmp(&cfg, &again,
							 sizeof(cfg))),
		   "a second parse of the same file differs");
	return 0;
}
