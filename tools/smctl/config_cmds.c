// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl up / down / show-config: bring a configured volume's device-mapper
 * device up and down, and check its configuration file.
 *
 * "up" builds the table line from the configuration and the superblock, so
 * that the operator never types it and the superblock's node id is checked
 * against the configuration's before the kernel sees the volume.  The
 * device is made with libdevmapper (what dmsetup uses), not by running
 * dmsetup, so that errors come back as errno values we can explain.
 * syncmirrord notices the new volume from the kernel's "up" event.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libdevmapper.h>
#include <linux/syncmirror.h>
#include <sys/stat.h>

#include "../lib/cluster-config.h"
#include "../lib/config.h"
#include "../lib/genl.h"
#include "../lib/names.h"
#include "../lib/superblock.h"
#include "smctl.h"

/* libdevmapper's own messages: ours say the same with the volume's name. */
static void quiet_dm_log(int level, const char *file, int line, int dm_errno,
			 const char *fmt, ...)
{
	(void)level, (void)file, (void)line, (void)dm_errno, (void)fmt;
}

struct dm_state {
	bool exists;
	uint32_t open_count;
	char target[64];	/* first target's type, "" if no table */
};

/* What device-mapper has under @name.  Returns 0, or -1 with a message. */
static int dm_lookup(const char *name, struct dm_state *state)
{
	struct dm_task *dmt;
	struct dm_info info;
	uint64_t start, length;
	char *type = NULL, *params;
	int ret = -1;

	memset(state, 0, sizeof(*state));
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt || !dm_task_set_name(dmt, name)) {
		fprintf(stderr, "smctl: %s: out of memory\n", name);
		goto out;
	}
	if (!dm_task_run(dmt)) {
		/* ENXIO: no such device.  Anything else is a real problem. */
		if (dm_task_get_errno(dmt) == ENXIO) {
			ret = 0;
			goto out;
		}
		fprintf(stderr, "smctl: %s: cannot ask device-mapper about it: %s\n",
			name, strerror(dm_task_get_errno(dmt)));
		goto out;
	}
	if (!dm_task_get_info(dmt, &info)) {
		fprintf(stderr, "smctl: %s: cannot read device-mapper's info\n",
			name);
		goto out;
	}
	state->exists = info.exists;
	state->open_count = info.open_count > 0 ? info.open_count : 0;
	dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
	if (type)
		snprintf(state->target, sizeof(state->target), "%s", type);
	ret = 0;
out:
	if (dmt)
		dm_task_destroy(dmt);
	return ret;
}

/* Run @dmt for @name and wait for its /dev/mapper node (udev or not). */
static int dm_run(struct dm_task *dmt, const char *name, const char *what)
{
	uint32_t cookie = 0;
	int ok, err;

	if (!dm_task_set_cookie(dmt, &cookie, 0)) {
		fprintf(stderr, "smctl: %s: cannot set up the udev cookie\n",
			name);
		return -1;
	}
	ok = dm_task_run(dmt);
	err = dm_task_get_errno(dmt);
	dm_udev_wait(cookie);
	if (ok)
		return 0;
	if (err == EBUSY && !strcmp(what, "remove"))
		fprintf(stderr, "smctl: %s: in use, cannot remove it\n", name);
	else
		fprintf(stderr, "smctl: %s: device-mapper refused to %s it: %s%s\n",
			name, what, strerror(err),
			err == EINVAL ? " (the kernel says why in dmesg)" : "");
	return -1;
}

static const char *config_dir_option(int *argc, char **argv)
{
	const char *dir = NULL;
	int i, j;

	for (i = 1, j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--config-dir") && i + 1 < *argc)
			dir = argv[++i];
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return sm_config_dir(dir);
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Load @volume's configuration, saying plainly when there is none. */
static int load_config(const char *dir, const char *volume,
		       struct sm_config *cfg)
{
	char error[SM_CONFIG_PATH_MAX + 256], path[SM_CONFIG_PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s%s", dir, volume, SM_CONFIG_SUFFIX);
	if (!strcmp(volume, SM_CLUSTER_CONFIG_NAME)) {
		fprintf(stderr, "smctl: %s: is the cluster file, not a volume\n",
			path);
		return -1;
	}
	if (!strchr(volume, '/') && stat(path, &st) && errno == ENOENT) {
		fprintf(stderr, "smctl: %s: no such volume is configured (no %s)\n",
			volume, path);
		return -1;
	}
	if (sm_config_load(dir, volume, cfg, error, sizeof(error))) {
		fprintf(stderr, "smctl: %s\n", error);
		return -1;
	}
	return 0;
}

static int check_secret(const struct sm_config *cfg, size_t *len)
{
	char error[SM_CONFIG_PATH_MAX + 256];
	struct sm_secret secret;

	*len = 0;
	if (!cfg->secret_file[0])
		return 0;	/* transport-security x509 needs none */
	if (sm_secret_load(cfg->secret_file, &secret, error, sizeof(error))) {
		fprintf(stderr, "smctl: %s: %s\n", cfg->volume, error);
		return -1;
	}
	*len = secret.len;
	sm_secret_clear(&secret);
	return 0;
}

static void up_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl up VOLUME [--config-dir DIR]\n\n"
		"Creates /dev/mapper/VOLUME with the syncmirror table built from\n"
		"DIR/VOLUME.conf and the volume's superblock.  syncmirrord then\n"
		"links it to its peer.  Refused when the configuration or its\n"
		"secret file is invalid, when the superblock's node id is not the\n"
		"configuration's node-id, or when the device already exists.\n\n"
		"  --config-dir DIR  configuration directory (default $%s,\n"
		"                    else %s)\n\n"
		"Exit status: 0 up, 1 refused or failed (the message says why),\n"
		"2 usage error.\n", SM_CONFIG_DIR_ENV, SM_CONFIG_DIR_DEFAULT);
}

int cmd_up(int argc, char **argv)
{
	const char *dir = config_dir_option(&argc, argv), *meta;
	struct sm_superblock sb;
	struct sm_config cfg;
	struct dm_state state;
	struct dm_task *dmt;
	char params[2 * SM_CONFIG_PATH_MAX + 64];
	size_t secret_len;
	int ret;

	if (wants_help(argc, argv)) {
		up_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		up_usage(stderr);
		return 2;
	}
	dm_log_with_errno_init(quiet_dm_log);
	if (load_config(dir, argv[1], &cfg) || check_secret(&cfg, &secret_len))
		return 1;
	meta = cfg.meta[0] ? cfg.meta : NULL;

	if (access("/sys/module/dm_syncmirror", F_OK)) {
		fprintf(stderr, "smctl: %s: the dm-syncmirror module is not loaded (modprobe dm-syncmirror)\n",
			cfg.volume);
		return 1;
	}
	if (dm_lookup(cfg.volume, &state))
		return 1;
	if (state.exists) {
		fprintf(stderr, "smctl: %s: /dev/mapper/%s already exists (target %s)\n",
			cfg.volume, cfg.volume,
			state.target[0] ? state.target : "none");
		return 1;
	}
	if (smctl_read_superblock(cfg.data, meta, &sb))
		return 1;
	if (sb.node_id != cfg.node_id) {
		fprintf(stderr, "smctl: %s: the superblock on %s is node %u, %s says node-id %u\n",
			cfg.volume, meta ? meta : cfg.data, sb.node_id,
			cfg.path, cfg.node_id);
		return 1;
	}

	snprintf(params, sizeof(params), "%s %s",
		 meta ? meta : SYNCMIRROR_META_INTERNAL, cfg.data);
	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt || !dm_task_set_name(dmt, cfg.volume) ||
	    !dm_task_add_target(dmt, 0, sb.data_sectors,
				SYNCMIRROR_TARGET_NAME, params)) {
		fprintf(stderr, "smctl: %s: out of memory\n", cfg.volume);
		if (dmt)
			dm_task_destroy(dmt);
		return 1;
	}
	ret = dm_run(dmt, cfg.volume, "create");
	dm_task_destroy(dmt);
	dm_lib_release();
	if (ret)
		return 1;
	printf("smctl: %s: up as node %u, table: 0 %" PRIu64 " %s %s\n",
	       cfg.volume, cfg.node_id, sb.data_sectors,
	       SYNCMIRROR_TARGET_NAME, params);
	return 0;
}

struct link_query {
	bool found;
	uint32_t conn_state;
};

static int parse_link(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];
	struct link_query *q = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL))
		return NL_SKIP;
	q->found = true;
	if (attrs[SYNCMIRROR_ATTR_CONN_STATE])
		q->conn_state = nla_get_u32(attrs[SYNCMIRROR_ATTR_CONN_STATE]);
	return NL_OK;
}

/* Close @volume's peer link if it has a live one. */
static int disconnect_if_linked(const char *volume)
{
	struct link_query q = { 0 };
	struct nl_msg *msg;
	struct sm_genl g;
	int r;

	if (sm_genl_open(&g, "smctl"))
		return -1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_GET_VOLUME, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
		sm_genl_close(&g);
		fprintf(stderr, "smctl: out of memory\n");
		return -1;
	}
	r = sm_genl_transact(&g, msg, parse_link, &q);
	if (r) {
		smctl_report(volume, &g);
		sm_genl_close(&g);
		return -1;
	}
	r = 0;
	if (q.conn_state == SYNCMIRROR_CONN_HANDSHAKE ||
	    q.conn_state == SYNCMIRROR_CONN_CONNECTED)
		r = smctl_volume_request(&g, volume, SYNCMIRROR_CMD_DISCONNECT,
					 0, 0) ? -1 : 0;
	sm_genl_close(&g);
	return r;
}

static void down_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl down VOLUME\n\n"
		"Closes the volume's peer link, if it has one, and removes\n"
		"/dev/mapper/VOLUME.  Refused while the device is open, and for\n"
		"a device that is not a syncmirror volume.\n\n"
		"Exit status: 0 down, 1 refused or failed (the message says why),\n"
		"2 usage error.\n");
}

int cmd_down(int argc, char **argv)
{
	const char *volume;
	struct dm_state state;
	struct dm_task *dmt;
	int ret;

	if (wants_help(argc, argv)) {
		down_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		down_usage(stderr);
		return 2;
	}
	volume = argv[1];
	dm_log_with_errno_init(quiet_dm_log);
	if (dm_lookup(volume, &state))
		return 1;
	if (!state.exists) {
		fprintf(stderr, "smctl: %s: no such device-mapper device\n",
			volume);
		return 1;
	}
	if (strcmp(state.target, SYNCMIRROR_TARGET_NAME)) {
		fprintf(stderr, "smctl: %s: not a syncmirror volume (target %s)\n",
			volume, state.target[0] ? state.target : "none");
		return 1;
	}
	if (state.open_count) {
		fprintf(stderr, "smctl: %s: in use (open %u time%s); close it first\n",
			volume, state.open_count,
			state.open_count == 1 ? "" : "s");
		return 1;
	}
	if (disconnect_if_linked(volume))
		return 1;

	dmt = dm_task_create(DM_DEVICE_REMOVE);
	if (!dmt || !dm_task_set_name(dmt, volume)) {
		fprintf(stderr, "smctl: %s: out of memory\n", volume);
		if (dmt)
			dm_task_destroy(dmt);
		return 1;
	}
	ret = dm_run(dmt, volume, "remove");
	dm_task_destroy(dmt);
	dm_lib_release();
	if (ret)
		return 1;
	printf("smctl: %s: down\n", volume);
	return 0;
}

static void json_string(const char *key, const char *value, bool last)
{
	const char *c;

	printf("\"%s\":\"", key);
	for (c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	printf("\"%s", last ? "" : ",");
}

/* A configured hook that cannot run is an error of the configuration. */
static int check_hook(const struct sm_config *cfg, const char *key,
		      const char *path)
{
	char error[SM_CONFIG_PATH_MAX + 64];

	if (!path[0] || !sm_hook_check(path, error, sizeof(error)))
		return 0;
	fprintf(stderr, "smctl: %s: %s %s\n", cfg->volume, key, error);
	return -1;
}

static void show_config_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl [-j] show-config VOLUME [--config-dir DIR]\n\n"
		"Parses DIR/VOLUME.conf and the secret file it names, as smctl up\n"
		"and syncmirrord do, checks that a configured hook can be run,\n"
		"and prints the result with the defaults filled in (never the\n"
		"secret).  Errors name the file, the line and the cause.\n\n"
		"  --config-dir DIR  configuration directory (default $%s,\n"
		"                    else %s)\n\n"
		"Exit status: 0 valid, 1 invalid, 2 usage error.\n",
		SM_CONFIG_DIR_ENV, SM_CONFIG_DIR_DEFAULT);
}

static const char *quorum_policy_name(uint32_t policy)
{
	return policy == SYNCMIRROR_QUORUM_POLICY_ERROR ? "error" : "suspend";
}

/*
 * DIR/cluster.conf: 0 absent (*@present false), 1 invalid (said), else
 * parsed into @cl and checked against the volume.
 */
static int load_cluster(const char *dir, const struct sm_config *cfg,
			struct sm_cluster_config *cl, bool *present)
{
	char error[SM_CONFIG_PATH_MAX + 256], path[SM_CONFIG_PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, SM_CLUSTER_CONFIG_FILE);
	*present = !(stat(path, &st) && errno == ENOENT);
	if (!*present)
		return 0;
	if (sm_cluster_config_load(dir, cl, error, sizeof(error)) ||
	    sm_cluster_check_volume(cl, cfg, error, sizeof(error))) {
		fprintf(stderr, "smctl: %s\n", error);
		return 1;
	}
	return 0;
}

static void json_hook(const char *key, const char *path)
{
	if (path[0])
		json_string(key, path, false);
	else
		printf("\"%s\":null,", key);
}

static void print_cluster_json(const struct sm_cluster_config *cl)
{
	char uuid[37];
	unsigned int i;

	sm_uuid_format(cl->cluster_uuid, uuid);
	printf(",\"cluster\":{");
	json_string("file", cl->path, false);
	json_string("cluster_uuid", uuid, false);
	json_string("secret_file", cl->secret_file, false);
	printf("\"members\":[");
	for (i = 0; i < cl->member_count; i++) {
		printf("%s{\"id\":%u,\"witness\":%s,", i ? "," : "",
		       cl->members[i].id,
		       cl->members[i].witness ? "true" : "false");
		json_string("address", cl->members[i].address, true);
		printf("}");
	}
	printf("],\"heartbeat_interval\":%u,\"lease_time\":%u,"
	       "\"loss_timeout\":%u}", cl->heartbeat_interval,
	       cl->lease_time, cl->loss_timeout);
}

static void print_cluster_text(const struct sm_cluster_config *cl)
{
	char uuid[37];
	unsigned int i;

	sm_uuid_format(cl->cluster_uuid, uuid);
	printf("\n# %s\n"
	       "cluster-uuid %s\n"
	       "secret-file %s\n", cl->path, uuid, cl->secret_file);
	for (i = 0; i < cl->member_count; i++)
		printf("%s %u %s\n", cl->members[i].witness ? "witness" : "member",
		       cl->members[i].id, cl->members[i].address);
	printf("heartbeat-interval %u\n"
	       "lease-time %u\n"
	       "loss-timeout %u\n", cl->heartbeat_interval, cl->lease_time,
	       cl->loss_timeout);
}

static const char *const security_names[] = {
	[SM_SECURITY_PSK] = "psk",
	[SM_SECURITY_X509] = "x509",
	[SM_SECURITY_NONE] = "none",
};

static const char *const data_csum_names[] = {
	[SYNCMIRROR_DATA_CSUM_AUTO] = "auto",
	[SYNCMIRROR_DATA_CSUM_ON] = "on",
	[SYNCMIRROR_DATA_CSUM_OFF] = "off",
};

static void print_transport_json(const struct sm_config *cfg)
{
	json_string("transport_security",
		    security_names[cfg->transport_security], false);
	if (cfg->transport_security == SM_SECURITY_X509) {
		json_string("tls_ca_file", cfg->tls_ca_file, false);
		json_string("tls_cert_file", cfg->tls_cert_file, false);
		json_string("tls_key_file", cfg->tls_key_file, false);
		json_string("tls_peer_name", cfg->tls_peer_name, false);
	}
	json_string("data_checksum", data_csum_names[cfg->data_checksum],
		    true);
}

static void print_transport_text(const struct sm_config *cfg)
{
	static const char *const what[] = {
		[SM_SECURITY_PSK] = "TLS 1.3, key derived from the secret",
		[SM_SECURITY_X509] = "TLS 1.3, certificates",
		[SM_SECURITY_NONE] = "NOT ENCRYPTED",
	};

	printf("transport-security %s   # %s\n",
	       security_names[cfg->transport_security],
	       what[cfg->transport_security]);
	if (cfg->transport_security == SM_SECURITY_X509)
		printf("tls-ca-file %s\ntls-cert-file %s\ntls-key-file %s\n"
		       "tls-peer-name %s\n", cfg->tls_ca_file,
		       cfg->tls_cert_file, cfg->tls_key_file,
		       cfg->tls_peer_name);
	printf("data-checksum %s\n", data_csum_names[cfg->data_checksum]);
}

int cmd_show_config(int argc, char **argv)
{
	const char *dir = config_dir_option(&argc, argv);
	struct sm_cluster_config cluster;
	struct sm_config cfg;
	size_t secret_len;
	char ping[16] = "";
	bool has_cluster, witness, quorum, auto_promote;

	if (wants_help(argc, argv)) {
		show_config_usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		show_config_usage(stderr);
		return 2;
	}
	if (load_config(dir, argv[1], &cfg) || check_secret(&cfg, &secret_len) ||
	    check_hook(&cfg, "split-brain-hook", cfg.split_brain_hook) ||
	    check_hook(&cfg, "fence-hook", cfg.fence_hook) ||
	    check_hook(&cfg, "promote-hook", cfg.promote_hook) ||
	    check_hook(&cfg, "deposed-hook", cfg.deposed_hook) ||
	    load_cluster(dir, &cfg, &cluster, &has_cluster))
		return 1;
	witness = has_cluster && cluster.has_witness;
	quorum = sm_config_switch(cfg.quorum, witness);
	auto_promote = sm_config_switch(cfg.auto_promote, witness);
	if (cfg.ping_timeout)
		snprintf(ping, sizeof(ping), "%u", cfg.ping_timeout);

	if (json_output) {
		printf("{");
		json_string("file", cfg.path, false);
		json_string("volume", cfg.volume, false);
		printf("\"node_id\":%u,", cfg.node_id);
		json_string("data", cfg.data, false);
		json_string("meta", cfg.meta[0] ? cfg.meta : "internal", false);
		if (cfg.secret_file[0]) {
			json_string("secret_file", cfg.secret_file, false);
			printf("\"secret_bytes\":%zu,", secret_len);
		}
		json_string("address", cfg.address, false);
		printf("\"peer\":{\"node_id\":%u,", cfg.peer_node_id);
		json_string("address", cfg.peer_address, true);
		printf("},\"ping_timeout\":%s,", ping[0] ? ping : "null");
		json_string("after_split_brain",
			    sm_sb_policy_name(cfg.after_split_brain), false);
		if (cfg.split_brain_hook[0])
			json_string("split_brain_hook", cfg.split_brain_hook,
				    false);
		else
			printf("\"split_brain_hook\":null,");
		printf("\"hook_timeout\":%u,", cfg.hook_timeout);
		printf("\"quorum\":%s,", quorum ? "true" : "false");
		json_string("on_quorum_loss",
			    quorum_policy_name(cfg.on_quorum_loss), false);
		printf("\"auto_promote\":%s,", auto_promote ? "true" : "false");
		json_hook("fence_hook", cfg.fence_hook);
		printf("\"fence_timeout\":%u,", cfg.fence_timeout);
		json_hook("promote_hook", cfg.promote_hook);
		if (cfg.deposed_hook[0])
			json_string("deposed_hook", cfg.deposed_hook, true);
		else
			printf("\"deposed_hook\":null");
		printf(",");
		print_transport_json(&cfg);
		if (has_cluster)
			print_cluster_json(&cluster);
		else
			printf(",\"cluster\":null");
		printf("}\n");
		return 0;
	}
	printf("# %s\n"
	       "volume %s\n"
	       "node-id %u\n"
	       "data %s\n"
	       "meta %s\n",
	       cfg.path, cfg.volume, cfg.node_id, cfg.data,
	       cfg.meta[0] ? cfg.meta : "internal");
	if (cfg.secret_file[0])
		printf("secret-file %s   # %zu bytes\n", cfg.secret_file,
		       secret_len);
	printf("address %s\n"
	       "peer %u %s\n",
	       cfg.address, cfg.peer_node_id, cfg.peer_address);
	print_transport_text(&cfg);
	if (ping[0])
		printf("ping-timeout %s\n", ping);
	else
		printf("# ping-timeout: the kernel's default\n");
	printf("after-split-brain %s\n",
	       sm_sb_policy_name(cfg.after_split_brain));
	if (cfg.split_brain_hook[0])
		printf("split-brain-hook %s\n", cfg.split_brain_hook);
	else
		printf("# split-brain-hook: none\n");
	printf("hook-timeout %u\n", cfg.hook_timeout);
	printf("quorum %s%s\n", quorum ? "on" : "off",
	       cfg.quorum == SM_SWITCH_DEFAULT ? "   # default" : "");
	printf("on-quorum-loss %s\n", quorum_policy_name(cfg.on_quorum_loss));
	printf("auto-promote %s%s\n", auto_promote ? "yes" : "no",
	       cfg.auto_promote == SM_SWITCH_DEFAULT ? "   # default" : "");
	if (cfg.fence_hook[0])
		printf("fence-hook %s\n", cfg.fence_hook);
	else
		printf("# fence-hook: none\n");
	printf("fence-timeout %u\n", cfg.fence_timeout);
	if (cfg.promote_hook[0])
		printf("promote-hook %s\n", cfg.promote_hook);
	else
		printf("# promote-hook: none\n");
	if (cfg.deposed_hook[0])
		printf("deposed-hook %s\n", cfg.deposed_hook);
	else
		printf("# deposed-hook: none\n");
	if (has_cluster)
		print_cluster_text(&cluster);
	else
		printf("# no %s: quorum off, auto-promote no by default\n",
		       SM_CLUSTER_CONFIG_FILE);
	return 0;
}
