// SPDX-License-Identifier: GPL-2.0-only
/*
 * cluster_config_test - the parser of cluster.conf
 * (tools/lib/cluster-config.c), run by tests/tools/cluster_config_test.sh:
 * the design's example is read back as written, defaults fill what is
 * left out, every kind of bad line is refused with exactly
 * "<file>:<line>: <cause>", the timing inequality is enforced with the
 * line that set the lease, and a volume's node ids are checked against
 * the members.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../lib/cluster-config.h"
#include "../lib/superblock.h"
#include "check.h"

static char dir[64], path[128];

static const char *example =
	"cluster-uuid 2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10\n"
	"secret-file /etc/syncmirror/cluster.secret\n"
	"member 0 10.0.0.1:7800     # data node A\n"
	"member 1 10.0.0.2:7800     # data node B\n"
	"witness 2 10.0.0.3:7800    # optional\n"
	"heartbeat-interval 500     # ms, 100..2000\n"
	"lease-time 2500            # ms\n"
	"loss-timeout 4000          # ms\n";

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

/* The example with line @line (1-based) replaced by @text ("" drops it). */
static void write_edited(int line, const char *text)
{
	char out[2048] = "";
	const char *p = example, *nl;
	int n = 1;

	for (; *p; p = nl + 1, n++) {
		nl = strchr(p, '\n');
		if (n == line) {
			if (*text) {
				strcat(out, text);
				strcat(out, "\n");
			}
		} else {
			strncat(out, p, nl - p + 1);
		}
	}
	write_conf(out);
}

static void refused(int line, const char *text, const char *want)
{
	struct sm_cluster_config cfg;
	char error[4400], expected[512];

	write_edited(line, text);
	snprintf(expected, sizeof(expected), "%s%s", path, want);
	check(sm_cluster_config_load(dir, &cfg, error, sizeof(error)) &&
	      !strcmp(error, expected),
	      "line %d \"%s\" refused: \"%s\" (want \"%s\")", line, text,
	      error, expected);
}

static void test_example(void)
{
	struct sm_cluster_config cfg;
	char error[4400], uuid[37];
	int r;

	write_conf(example);
	r = sm_cluster_config_load(dir, &cfg, error, sizeof(error));
	check(!r, "the design's example parses (%s)", r ? error : "ok");
	sm_uuid_format(cfg.cluster_uuid, uuid);
	check_str(uuid, "2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10", "cluster-uuid");
	check_str(cfg.secret_file, "/etc/syncmirror/cluster.secret",
		  "secret-file");
	check(cfg.member_count == 3 && cfg.members[0].id == 0 &&
	      !strcmp(cfg.members[0].address, "10.0.0.1:7800") &&
	      !cfg.members[0].witness && cfg.members[1].id == 1 &&
	      !strcmp(cfg.members[1].address, "10.0.0.2:7800") &&
	      cfg.members[2].id == 2 && cfg.members[2].witness,
	      "members 0 and 1, witness 2, with their addresses");
	check(cfg.has_witness && cfg.witness_id == 2, "the witness is 2");
	check(cfg.heartbeat_interval == 500 && cfg.lease_time == 2500 &&
	      cfg.loss_timeout == 4000, "timings as written");
	check(sm_cluster_member(&cfg, 1) == &cfg.members[1] &&
	      !sm_cluster_member(&cfg, 3), "members are found by id");

	write_conf("cluster-uuid 2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10\n"
		   "secret-file /s\n"
		   "member 3 [fe80::1]:7800\n"
		   "member 31 h.example:1\n");
	r = sm_cluster_config_load(dir, &cfg, error, sizeof(error));
	check(!r && !cfg.has_witness && cfg.heartbeat_interval == 500 &&
	      cfg.lease_time == 2500 && cfg.loss_timeout == 4000,
	      "two-node cluster, IPv6 and a host name, default timings (%s)",
	      r ? error : "ok");
}

static void test_refusals(void)
{
	struct sm_cluster_config cfg;
	char error[4400], want[512];

	refused(1, "cluster-uuid nope", ":1: cluster-uuid \"nope\" is not a UUID");
	refused(1, "cluster-uuid", ":1: missing value: key \"cluster-uuid\" takes UUID");
	refused(2, "secret-file relative/path",
		":2: secret-file \"relative/path\" is not an absolute path");
	refused(3, "member 32 10.0.0.1:7800", ":3: member id \"32\" is not in 0..31");
	refused(3, "member x 10.0.0.1:7800", ":3: member id \"x\" is not in 0..31");
	refused(3, "member 0 10.0.0.1", ":3: address \"10.0.0.1\" of member 0 is not HOST:PORT");
	refused(3, "member 0 10.0.0.1:0", ":3: port \"0\" of member 0 is not in 1..65535");
	refused(3, "member 0 10.0.0.1:7800 extra",
		":3: too many values: key \"member\" takes ID HOST:PORT");
	refused(4, "member 0 10.0.0.9:7800", ":4: member id 0 is already used on line 3");
	refused(5, "witness 1 10.0.0.3:7800", ":5: member id 1 is already used on line 4");
	refused(4, "member 1 10.0.0.1:7800",
		":4: address 10.0.0.1:7800 of member 1 is already member 0's (line 3)");
	refused(6, "witness 5 10.0.0.5:7800",
		":6: duplicate key \"witness\" (first on line 5)");
	refused(6, "heartbeat-interval 99", ":6: heartbeat-interval \"99\" is not in 100..2000 ms");
	refused(6, "heartbeat-interval 2001", ":6: heartbeat-interval \"2001\" is not in 100..2000 ms");
	refused(7, "lease-time 299", ":7: lease-time \"299\" is not in 300..59000 ms");
	refused(8, "loss-timeout 60001", ":8: loss-timeout \"60001\" is not in 1300..60000 ms");
	refused(8, "loss-timeout 4s", ":8: loss-timeout \"4s\" is not in 1300..60000 ms");
	refused(2, "secret 1", ":2: unknown key \"secret\"");
	refused(4, "", ": a cluster needs at least two \"member\" lines (data nodes), found 1");
	refused(1, "", ": missing key \"cluster-uuid\" (cluster-uuid UUID)");
	refused(2, "", ": missing key \"secret-file\" (secret-file PATH)");

	/* The inequality: on the lease-time line, or the one that broke it. */
	refused(7, "lease-time 3001",
		":7: lease-time 3001 must be at most loss-timeout 4000 minus 1000 ms (3000): a lease could outlive the loss of its primary");
	refused(7, "lease-time 1499",
		":7: lease-time 1499 must be at least 3 x heartbeat-interval 500 (1500): leases would expire between heartbeats");
	refused(8, "loss-timeout 3000",
		":7: lease-time 2500 must be at most loss-timeout 3000 minus 1000 ms (2000): a lease could outlive the loss of its primary");
	write_conf("cluster-uuid 2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10\n"
		   "secret-file /s\n"
		   "member 0 a:1\n"
		   "member 1 b:1\n"
		   "heartbeat-interval 1000\n");
	snprintf(want, sizeof(want), "%s:5: lease-time 2500 must be at least 3 x heartbeat-interval 1000 (3000): leases would expire between heartbeats (lease-time is the default)",
		 path);
	check(sm_cluster_config_load(dir, &cfg, error, sizeof(error)) &&
	      !strcmp(error, want),
	      "a heartbeat-interval the default lease-time cannot cover: \"%s\"",
	      error);

	unlink(path);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	check(sm_cluster_config_load(dir, &cfg, error, sizeof(error)) &&
	      !strcmp(error, want), "no cluster.conf: \"%s\"", error);
}

static void test_volume_check(void)
{
	struct sm_cluster_config cluster;
	struct sm_config volume = { .path = "/etc/syncmirror/vol0.conf",
				    .node_id = 0, .peer_node_id = 1 };
	char error[4400], want[600];

	write_conf(example);
	sm_cluster_config_load(dir, &cluster, error, sizeof(error));
	check(!sm_cluster_check_volume(&cluster, &volume, error, sizeof(error)),
	      "vol0 of nodes 0 and 1: members");
	volume.peer_node_id = 2;
	snprintf(want, sizeof(want), "/etc/syncmirror/vol0.conf: peer node-id 2 is the cluster's witness (%s:5), which holds no data",
		 path);
	check(sm_cluster_check_volume(&cluster, &volume, error, sizeof(error)) &&
	      !strcmp(error, want), "peer node-id of the witness refused: \"%s\"",
	      error);
	volume.peer_node_id = 1;
	volume.node_id = 7;
	snprintf(want, sizeof(want), "/etc/syncmirror/vol0.conf: node-id 7 is not a member of the cluster (%s)",
		 path);
	check(sm_cluster_check_volume(&cluster, &volume, error, sizeof(error)) &&
	      !strcmp(error, want), "a node-id no member has refused: \"%s\"",
	      error);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cluster_config_test.XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/cluster.conf", dir);
	test_example();
	test_refusals();
	test_volume_check();
	unlink(path);
	rmdir(dir);
	return check_summary();
}
