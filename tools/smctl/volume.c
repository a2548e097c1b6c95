// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl status / primary / secondary / events: a volume's state and role,
 * through the syncmirror generic netlink family.  The disk, resync and
 * verify part of a volume's state is parsed and formatted here for
 * sync.c (smctl resync / verify) as well; the generations and split-brain
 * part in split_brain.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/syncmirror.h>
#include <linux/tls.h>
#include <netlink/genl/ctrl.h>

#include "../lib/genl.h"
#include "../lib/names.h"
#include "../lib/superblock.h"
#include "smctl.h"

static uint32_t get_u32(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_u32(attrs[type]) : 0;
}

static uint64_t get_u64(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_u64(attrs[type]) : 0;
}

void smctl_sync_parse(struct nlattr **a, struct smctl_sync *s)
{
	memset(s, 0, sizeof(*s));
	s->conn_state = get_u32(a, SYNCMIRROR_ATTR_CONN_STATE);
	if (a[SYNCMIRROR_ATTR_CONN_REASON])
		snprintf(s->conn_reason, sizeof(s->conn_reason), "%s",
			 nla_get_string(a[SYNCMIRROR_ATTR_CONN_REASON]));
	s->disk = get_u32(a, SYNCMIRROR_ATTR_DISK_STATE);
	s->peer_disk = get_u32(a, SYNCMIRROR_ATTR_PEER_DISK_STATE);
	s->region_size = get_u32(a, SYNCMIRROR_ATTR_REGION_SIZE);
	s->out_of_sync = get_u64(a, SYNCMIRROR_ATTR_OUT_OF_SYNC_BYTES);
	s->al_capacity = get_u64(a, SYNCMIRROR_ATTR_AL_CAPACITY_BYTES);
	s->current_uuid = get_u64(a, SYNCMIRROR_ATTR_CURRENT_UUID);
	s->bitmap_uuid = get_u64(a, SYNCMIRROR_ATTR_BITMAP_UUID);
	s->sync_state = get_u32(a, SYNCMIRROR_ATTR_SYNC_STATE);
	s->paused = a[SYNCMIRROR_ATTR_SYNC_PAUSED] &&
		    nla_get_u8(a[SYNCMIRROR_ATTR_SYNC_PAUSED]);
	s->total = get_u64(a, SYNCMIRROR_ATTR_SYNC_TOTAL_BYTES);
	s->done = get_u64(a, SYNCMIRROR_ATTR_SYNC_DONE_BYTES);
	s->rate = get_u64(a, SYNCMIRROR_ATTR_SYNC_RATE);
	s->min_rate = get_u64(a, SYNCMIRROR_ATTR_SYNC_MIN_RATE);
	s->max_rate = get_u64(a, SYNCMIRROR_ATTR_SYNC_MAX_RATE);
	s->resynced = get_u64(a, SYNCMIRROR_ATTR_RESYNCED_BYTES);
	s->received = get_u64(a, SYNCMIRROR_ATTR_RESYNC_RECEIVED_BYTES);
	s->verify_state = get_u32(a, SYNCMIRROR_ATTR_VERIFY_STATE);
	s->verify_total = get_u64(a, SYNCMIRROR_ATTR_VERIFY_TOTAL_BYTES);
	s->verify_done = get_u64(a, SYNCMIRROR_ATTR_VERIFY_DONE_BYTES);
	s->mismatches = get_u64(a, SYNCMIRROR_ATTR_VERIFY_MISMATCHES);
	s->has_first_mismatch = a[SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH];
	s->first_mismatch = get_u64(a, SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH);
}

double smctl_percent(uint64_t done, uint64_t total)
{
	if (!total || done >= total)
		return 100.0;
	/* Round down: 100.0 only once everything is done. */
	return (double)(done * 1000 / total) / 10.0;
}

double smctl_sync_percent(const struct smctl_sync *s)
{
	return smctl_percent(s->done, s->total);
}

long long smctl_sync_eta(const struct smctl_sync *s)
{
	if (s->done >= s->total)
		return 0;
	if (!s->rate)
		return -1;
	return (s->total - s->done + s->rate - 1) / s->rate;
}

void smctl_format_bytes(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double value = bytes;
	int unit = -1;

	if (bytes < 1024) {
		snprintf(out, size, "%" PRIu64 " B", bytes);
		return;
	}
	while (value >= 1024 && unit < 5) {
		value /= 1024;
		unit++;
	}
	snprintf(out, size, "%.1f %s", value, units[unit]);
}

void smctl_format_rate(uint64_t rate, char *out, size_t size)
{
	smctl_format_bytes(rate, out, size);
	snprintf(out + strlen(out), size - strlen(out), "/s");
}

void smctl_format_eta(long long seconds, char *out, size_t size)
{
	if (seconds < 0)
		snprintf(out, size, "-");
	else if (seconds >= 3600)
		snprintf(out, size, "%lld:%02lld:%02lld", seconds / 3600,
			 seconds / 60 % 60, seconds % 60);
	else
		snprintf(out, size, "%lld:%02lld", seconds / 60, seconds % 60);
}

static void print_sync_json(const struct smctl_sync *s)
{
	printf(",\"disk\":\"%s\",\"peer_disk\":\"%s\",\"region_size\":%u,"
	       "\"out_of_sync_bytes\":%" PRIu64 ",\"al_capacity_bytes\":%" PRIu64
	       ",\"current_uuid\":\"%016" PRIx64 "\",\"bitmap_uuid\":\"%016"
	       PRIx64 "\",\"sync_state\":\"%s\",\"sync_paused\":%s,"
	       "\"sync_total_bytes\":%" PRIu64 ",\"sync_done_bytes\":%" PRIu64
	       ",\"sync_percent\":%.1f,\"sync_rate\":%" PRIu64
	       ",\"sync_min_rate\":%" PRIu64 ",\"sync_max_rate\":%" PRIu64
	       ",\"sync_eta_s\":%lld,\"resynced_bytes\":%" PRIu64
	       ",\"resync_received_bytes\":%" PRIu64 ",\"verify_state\":\"%s\","
	       "\"verify_total_bytes\":%" PRIu64 ",\"verify_done_bytes\":%" PRIu64
	       ",\"verify_mismatches\":%" PRIu64,
	       sm_disk_state_name(s->disk), sm_disk_state_name(s->peer_disk),
	       s->region_size, s->out_of_sync, s->al_capacity, s->current_uuid,
	       s->bitmap_uuid, sm_sync_state_name(s->sync_state),
	       s->paused ? "true" : "false", s->total, s->done,
	       smctl_sync_percent(s), s->rate, s->min_rate, s->max_rate,
	       smctl_sync_eta(s), s->resynced, s->received,
	       sm_verify_state_name(s->verify_state), s->verify_total,
	       s->verify_done, s->mismatches);
	if (s->has_first_mismatch)
		printf(",\"verify_first_mismatch\":%" PRIu64, s->first_mismatch);
}

/* "resync: source 45.2% 80.0 MiB/s ETA 0:03 (min 4.0 MiB/s, max unlimited)" */
static void format_resync(const struct smctl_sync *s, char *out, size_t size)
{
	char rate[32], min[32], max[32], eta[32];
	size_t n;

	smctl_format_rate(s->min_rate, min, sizeof(min));
	if (s->max_rate)
		smctl_format_rate(s->max_rate, max, sizeof(max));
	else
		snprintf(max, sizeof(max), "unlimited");
	if (s->sync_state == SYNCMIRROR_SYNC_NONE) {
		snprintf(out, size, "none");
	} else {
		smctl_format_rate(s->rate, rate, sizeof(rate));
		smctl_format_eta(smctl_sync_eta(s), eta, sizeof(eta));
		snprintf(out, size, "%s%s %.1f%% %s ETA %s",
			 sm_sync_state_name(s->sync_state),
			 s->paused ? " paused" : "", smctl_sync_percent(s),
			 rate, eta);
	}
	n = strlen(out);
	snprintf(out + n, size - n, " (min %s, max %s)", min, max);
}

static void format_verify(const struct smctl_sync *s, char *out, size_t size)
{
	char total[32];
	size_t n;

	if (!s->verify_state && !s->verify_total) {
		snprintf(out, size, "idle");
		return;
	}
	smctl_format_bytes(s->verify_total, total, sizeof(total));
	snprintf(out, size, "%s %.1f%% of %s, %" PRIu64 " regions differ",
		 s->verify_state ? "running" : "idle, last run",
		 smctl_percent(s->verify_done, s->verify_total), total,
		 s->mismatches);
	n = strlen(out);
	if (s->has_first_mismatch)
		snprintf(out + n, size - n, ", first at byte offset %" PRIu64,
			 s->first_mismatch);
}

static void print_sync_text(const struct smctl_sync *s)
{
	char oos[32], region[32], al[32], sent[32], received[32], line[256];

	smctl_format_bytes(s->out_of_sync, oos, sizeof(oos));
	smctl_format_bytes(s->region_size, region, sizeof(region));
	smctl_format_bytes(s->al_capacity, al, sizeof(al));
	smctl_format_bytes(s->resynced, sent, sizeof(sent));
	smctl_format_bytes(s->received, received, sizeof(received));
	printf("    disk: %s  peer disk: %s\n"
	       "    out of sync: %s (regions of %s, activity log %s)\n"
	       "    generation: current %016" PRIx64 ", bitmap %016" PRIx64 "\n",
	       sm_disk_state_name(s->disk), sm_disk_state_name(s->peer_disk),
	       oos, region, al, s->current_uuid, s->bitmap_uuid);
	format_resync(s, line, sizeof(line));
	printf("    resync: %s\n    resynced: %s sent, %s received\n", line,
	       sent, received);
	format_verify(s, line, sizeof(line));
	printf("    verify: %s\n", line);
}

/* What a disk, resync or verify event adds to its line. */
static void print_sync_event(uint32_t event, const struct smctl_sync *s)
{
	char oos[32], line[256];

	if (event != SYNCMIRROR_EVENT_DISK && event != SYNCMIRROR_EVENT_RESYNC &&
	    event != SYNCMIRROR_EVENT_VERIFY)
		return;
	smctl_format_bytes(s->out_of_sync, oos, sizeof(oos));
	printf(", disk %s, peer disk %s, out of sync %s",
	       sm_disk_state_name(s->disk), sm_disk_state_name(s->peer_disk),
	       oos);
	if (event == SYNCMIRROR_EVENT_RESYNC) {
		format_resync(s, line, sizeof(line));
		printf(", resync %s", line);
	} else if (event == SYNCMIRROR_EVENT_VERIFY) {
		format_verify(s, line, sizeof(line));
		printf(", verify %s", line);
	}
}

static const char *tls_cipher_name(uint32_t cipher)
{
	switch (cipher) {
	case TLS_CIPHER_AES_GCM_128:
		return "aes-128-gcm";
	case TLS_CIPHER_AES_GCM_256:
		return "aes-256-gcm";
	case TLS_CIPHER_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	return "unknown";
}

/*
 * How the link is protected: "tls" (with the cipher) or "none", and
 * whether its data carries CRC-32C (known once the hellos agreed).
 */
static void format_transport(struct nlattr **attrs, char *json, size_t json_size,
			     char *text, size_t text_size)
{
	struct nlattr *sec = attrs[SYNCMIRROR_ATTR_TRANSPORT_SECURITY];
	struct nlattr *cipher = attrs[SYNCMIRROR_ATTR_TLS_CIPHER];
	struct nlattr *csum = attrs[SYNCMIRROR_ATTR_DATA_CSUM];
	bool tls;

	json[0] = text[0] = '\0';
	if (!sec)
		return;
	tls = nla_get_u32(sec) == SYNCMIRROR_SECURITY_TLS;
	snprintf(json, json_size, ",\"transport_security\":\"%s\"",
		 tls ? "tls" : "none");
	snprintf(text, text_size, "    link: %s",
		 tls ? "TLS 1.3" : "NOT ENCRYPTED (transport security none)");
	if (tls && cipher) {
		snprintf(json + strlen(json), json_size - strlen(json),
			 ",\"tls_cipher\":\"%s\"",
			 tls_cipher_name(nla_get_u32(cipher)));
		snprintf(text + strlen(text), text_size - strlen(text), " %s",
			 tls_cipher_name(nla_get_u32(cipher)));
	}
	if (csum) {
		bool on = nla_get_u32(csum) == SYNCMIRROR_DATA_CSUM_ON;

		snprintf(json + strlen(json), json_size - strlen(json),
			 ",\"data_checksum\":\"%s\"", on ? "on" : "off");
		snprintf(text + strlen(text), text_size - strlen(text),
			 ", data checksums %s", on ? "on" : "off");
	}
}

/* Print one volume (a GET_VOLUME reply or an EVENT), text or JSON. */
int smctl_print_volume(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];
	int *count = arg;
	char uuid[37] = "", when[32] = "";
	const char *name;
	uint32_t role, node_id, open_count, event = 0, conn = 0, peer = 0;
	const char *reason = "";
	char peer_json[160] = "", peer_text[160] = "", since[32];
	char disk_json[160] = "", disk_text[160] = "";
	char link_json[128], link_text[128];
	time_t since_time;
	uint64_t sectors, replicated = 0, local_only = 0;
	uint32_t diverged = 0;
	struct smctl_split_brain split_brain;
	struct smctl_quorum quorum;
	struct smctl_sync sync;
	time_t now;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL) ||
	    !attrs[SYNCMIRROR_ATTR_VOLUME_NAME] || !attrs[SYNCMIRROR_ATTR_ROLE])
		return NL_SKIP;

	name = nla_get_string(attrs[SYNCMIRROR_ATTR_VOLUME_NAME]);
	role = nla_get_u32(attrs[SYNCMIRROR_ATTR_ROLE]);
	node_id = attrs[SYNCMIRROR_ATTR_NODE_ID] ?
		  nla_get_u32(attrs[SYNCMIRROR_ATTR_NODE_ID]) : 0;
	sectors = attrs[SYNCMIRROR_ATTR_DATA_SECTORS] ?
		  nla_get_u64(attrs[SYNCMIRROR_ATTR_DATA_SECTORS]) : 0;
	open_count = attrs[SYNCMIRROR_ATTR_OPEN_COUNT] ?
		     nla_get_u32(attrs[SYNCMIRROR_ATTR_OPEN_COUNT]) : 0;
	if (attrs[SYNCMIRROR_ATTR_VOLUME_UUID] &&
	    nla_len(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]) == 16)
		sm_uuid_format(nla_data(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]),
			       uuid);
	if (attrs[SYNCMIRROR_ATTR_CONN_STATE])
		conn = nla_get_u32(attrs[SYNCMIRROR_ATTR_CONN_STATE]);
	if (attrs[SYNCMIRROR_ATTR_CONN_REASON])
		reason = nla_get_string(attrs[SYNCMIRROR_ATTR_CONN_REASON]);
	if (attrs[SYNCMIRROR_ATTR_CONN_SINCE]) {
		since_time = nla_get_u64(attrs[SYNCMIRROR_ATTR_CONN_SINCE]);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&since_time));
		snprintf(peer_json, sizeof(peer_json), ",\"since\":\"%s\"",
			 since);
		snprintf(peer_text, sizeof(peer_text), " since %s", since);
	}
	if (attrs[SYNCMIRROR_ATTR_PEER_NODE_ID]) {
		peer = nla_get_u32(attrs[SYNCMIRROR_ATTR_PEER_NODE_ID]);
		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"peer_node_id\":%u", peer);
		snprintf(peer_text + strlen(peer_text),
			 sizeof(peer_text) - strlen(peer_text),
			 ", peer node-id %u", peer);
	}
	if (attrs[SYNCMIRROR_ATTR_PEER_ROLE]) {
		uint32_t peer_role = nla_get_u32(attrs[SYNCMIRROR_ATTR_PEER_ROLE]);

		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"peer_role\":\"%s\"", sm_role_name(peer_role));
		snprintf(peer_text + strlen(peer_text),
			 sizeof(peer_text) - strlen(peer_text),
			 " (%s)", sm_role_name(peer_role));
	}
	if (attrs[SYNCMIRROR_ATTR_PING_TIMEOUT_MS])
		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"ping_timeout_ms\":%u",
			 nla_get_u32(attrs[SYNCMIRROR_ATTR_PING_TIMEOUT_MS]));
	format_transport(attrs, link_json, sizeof(link_json), link_text,
			 sizeof(link_text));
	if (attrs[SYNCMIRROR_ATTR_DIVERGED])
		diverged = nla_get_u8(attrs[SYNCMIRROR_ATTR_DIVERGED]);
	if (attrs[SYNCMIRROR_ATTR_REPLICATED_WRITES])
		replicated = nla_get_u64(attrs[SYNCMIRROR_ATTR_REPLICATED_WRITES]);
	if (attrs[SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES])
		local_only = nla_get_u64(attrs[SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES]);
	snprintf(disk_json, sizeof(disk_json),
		 "\"copies\":\"%s\"", diverged ? "diverged" : "consistent");
	snprintf(disk_text, sizeof(disk_text), "copies %s",
		 diverged ? "diverged" : "consistent");
	if (diverged && attrs[SYNCMIRROR_ATTR_DIVERGED_SINCE]) {
		since_time = nla_get_u64(attrs[SYNCMIRROR_ATTR_DIVERGED_SINCE]);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&since_time));
		snprintf(disk_json + strlen(disk_json),
			 sizeof(disk_json) - strlen(disk_json),
			 ",\"diverged_since\":\"%s\"", since);
		snprintf(disk_text + strlen(disk_text),
			 sizeof(disk_text) - strlen(disk_text),
			 " since %s (a resync is needed)", since);
	}
	smctl_sync_parse(attrs, &sync);
	smctl_sb_parse(attrs, &split_brain);
	smctl_quorum_parse(attrs, &quorum);
	if (attrs[SYNCMIRROR_ATTR_EVENT]) {
		event = nla_get_u32(attrs[SYNCMIRROR_ATTR_EVENT]);
		now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&now));
	}

	if (json_output) {
		printf("%s{", (count && (*count)++) ? "," : "");
		if (event)
			printf("\"time\":\"%s\",\"event\":\"%s\",", when,
			       sm_event_name(event));
		printf("\"name\":\"%s\",\"role\":\"%s\",\"node_id\":%u,"
		       "\"volume_uuid\":\"%s\",\"data_sectors\":%" PRIu64 ","
		       "\"open_count\":%u,%s,\"replicated_writes\":%" PRIu64
		       ",\"local_only_writes\":%" PRIu64,
		       name, sm_role_name(role), node_id, uuid, sectors,
		       open_count, disk_json, replicated, local_only);
		print_sync_json(&sync);
		printf(",\"peer\":{\"state\":\"%s\",\"reason\":\"%s\"%s%s}",
		       sm_conn_state_name(conn), reason, peer_json, link_json);
		smctl_sb_print_json(&split_brain);
		smctl_quorum_print_json(&quorum);
		printf("}");
		if (event)
			printf("\n");
	} else if (event) {
		printf("%s %s: %s, role %s, %s, peer %s (%s)%s", when, name,
		       sm_event_name(event), sm_role_name(role), disk_text,
		       sm_conn_state_name(conn), reason, peer_text);
		print_sync_event(event, &sync);
		smctl_sb_print_event(event, &split_brain);
		smctl_quorum_print_event(event, &quorum);
		printf("\n");
	} else {
		printf("%s: role %s node-id %u uuid %s size %" PRIu64
		       " sectors open %u\n    %s; writes replicated %" PRIu64
		       ", local only %" PRIu64 "\n    peer %s (%s)%s\n", name,
		       sm_role_name(role), node_id, uuid, sectors, open_count,
		       disk_text, replicated, local_only,
		       sm_conn_state_name(conn), reason, peer_text);
		if (link_text[0])
			printf("%s\n", link_text);
		print_sync_text(&sync);
		smctl_sb_print_text(&split_brain);
		smctl_quorum_print_text(&quorum);
	}
	fflush(stdout);
	return NL_OK;
}

static int parse_sync(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];

	if (!genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL))
		smctl_sync_parse(attrs, arg);
	return NL_OK;
}

int smctl_get_sync(struct sm_genl *g, const char *volume,
		   struct smctl_sync *s)
{
	struct nl_msg *msg = sm_genl_request(g, SYNCMIRROR_CMD_GET_VOLUME, 0);

	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		return 1;
	}
	return sm_genl_transact(g, msg, parse_sync, s) ?
	       smctl_report(volume, g) : 0;
}

int smctl_report(const char *volume, struct sm_genl *g)
{
	const char *why = g->message[0] ? g->message : strerror(-g->error);

	if (g->error == -EPERM)
		why = "permission denied (CAP_NET_ADMIN is needed)";
	fprintf(stderr, "smctl: %s: %s\n", volume ? volume : "status", why);
	return 1;
}

int cmd_status(int argc, char **argv)
{
	const char *volume = argc > 1 ? argv[1] : NULL;
	struct sm_genl g;
	struct nl_msg *msg;
	int count = 0, r;

	if (argc > 2 || (volume && !strcmp(volume, "--help"))) {
		fprintf(volume ? stdout : stderr,
			"Usage: smctl [-j] status [VOLUME]\n");
		return volume && argc == 2 ? 0 : 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_GET_VOLUME,
			      volume ? 0 : NLM_F_DUMP);
	if (!msg || (volume && nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME,
					      volume))) {
		fprintf(stderr, "smctl: out of memory\n");
		sm_genl_close(&g);
		return 1;
	}
	if (json_output)
		printf("[");
	r = sm_genl_transact(&g, msg, smctl_print_volume, &count);
	if (json_output)
		printf("]\n");
	if (r)
		r = smctl_report(volume, &g);
	sm_genl_close(&g);
	return r;
}

/*
 * Send @cmd for @volume (with one u32 attribute unless @attr is 0) on the
 * open @g, and report a failure.  Returns the exit status.
 */
int smctl_volume_request(struct sm_genl *g, const char *volume, int cmd,
			 int attr, uint32_t value)
{
	struct nl_msg *msg = sm_genl_request(g, cmd, 0);

	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    (attr && nla_put_u32(msg, attr, value))) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		return 1;
	}
	return sm_genl_transact(g, msg, NULL, NULL) ? smctl_report(volume, g) : 0;
}

static void role_usage(FILE *out, uint32_t role)
{
	if (role == SYNCMIRROR_ROLE_PRIMARY)
		fprintf(out,
			"Usage: smctl primary VOLUME [--force]\n\n"
			"Promotes the volume: it serves I/O.\n"
			"  --force  promote even an inconsistent copy: the first\n"
			"           promotion of a new volume made without\n"
			"           create-md --clean, which makes this copy the\n"
			"           source of the initial full sync\n");
	else
		fprintf(out,
			"Usage: smctl secondary VOLUME\n\n"
			"Demotes the volume: it refuses I/O (not while open).\n");
}

static int set_role(int argc, char **argv, uint32_t role)
{
	const char *volume = NULL;
	bool force = false;
	struct nl_msg *msg;
	struct sm_genl g;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			role_usage(stdout, role);
			return 0;
		} else if (!strcmp(argv[i], "--force") &&
			   role == SYNCMIRROR_ROLE_PRIMARY) {
			force = true;
		} else if (argv[i][0] != '-' && !volume) {
			volume = argv[i];
		} else {
			role_usage(stderr, role);
			return 2;
		}
	}
	if (!volume) {
		role_usage(stderr, role);
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_SET_ROLE, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_ROLE, role) ||
	    (force && nla_put_flag(msg, SYNCMIRROR_ATTR_FORCE))) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		r = 1;
	} else {
		r = sm_genl_transact(&g, msg, NULL, NULL) ?
		    smctl_report(volume, &g) : 0;
	}
	sm_genl_close(&g);
	return r;
}

int cmd_primary(int argc, char **argv)
{
	return set_role(argc, argv, SYNCMIRROR_ROLE_PRIMARY);
}

int cmd_secondary(int argc, char **argv)
{
	return set_role(argc, argv, SYNCMIRROR_ROLE_SECONDARY);
}

static int ignore_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Follow the events group until interrupted; one line (or object) each. */
int cmd_events(int argc, char **argv)
{
	struct sm_genl g;
	int group, r;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "Usage: smctl [-j] events\n");
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	group = genl_ctrl_resolve_grp(g.sock, SYNCMIRROR_GENL_NAME,
				      SYNCMIRROR_GENL_MCAST_EVENTS);
	if (group < 0 || nl_socket_add_membership(g.sock, group)) {
		fprintf(stderr, "smctl: events: cannot join the events group\n");
		sm_genl_close(&g);
		return 1;
	}
	nl_socket_disable_seq_check(g.sock);
	nl_socket_modify_cb(g.sock, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ignore_seq,
			    NULL);
	nl_socket_modify_cb(g.sock, NL_CB_VALID, NL_CB_CUSTOM,
			    smctl_print_volume, NULL);
	do {
		r = nl_recvmsgs_default(g.sock);
	} while (r >= 0 || r == -NLE_INTR);
	fprintf(stderr, "smctl: events: %s\n", nl_geterror(r));
	sm_genl_close(&g);
	return 1;
}
