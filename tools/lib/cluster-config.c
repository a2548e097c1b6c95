// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parser for /etc/syncmirror/cluster.conf, the file every member of a
 * cluster shares (Documentation/syncmirror-failover.rst, "Configuration").
 *
 * The grammar is the volume files': one "key value..." per line, '#'
 * starts a comment, blank lines are ignored.  "member" may appear once per
 * data node, every other key once.  Besides each value's range the parser
 * refuses timings that break the inequality the quorum's safety rests on,
 * so a cluster can never be started with leases that outlive the loss
 * timeout.  Tested by tests/tools/cluster_config_test.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster-config.h"
#include "superblock.h"

enum cluster_key {
	KEY_CLUSTER_UUID,
	KEY_SECRET_FILE,
	KEY_MEMBER,
	KEY_WITNESS,
	KEY_HEARTBEAT_INTERVAL,
	KEY_LEASE_TIME,
	KEY_LOSS_TIMEOUT,
	KEY_COUNT,
};

static const struct sm_config_key keys[KEY_COUNT] = {
	[KEY_CLUSTER_UUID] = { "cluster-uuid", 1, true, false, "UUID" },
	[KEY_SECRET_FILE] = { "secret-file", 1, true, false, "PATH" },
	[KEY_MEMBER] = { "member", 2, true, true, "ID HOST:PORT" },
	[KEY_WITNESS] = { "witness", 2, false, false, "ID HOST:PORT" },
	[KEY_HEARTBEAT_INTERVAL] = { "heartbeat-interval", 1, false, false,
				     "MILLISECONDS" },
	[KEY_LEASE_TIME] = { "lease-time", 1, false, false, "MILLISECONDS" },
	[KEY_LOSS_TIMEOUT] = { "loss-timeout", 1, false, false,
			       "MILLISECONDS" },
};

/* The volume files' grammar (config.h), with the first line of each key. */
struct parser {
	struct sm_config_parser base;
	unsigned int seen[KEY_COUNT];	/* line of the (first) occurrence */
};

#define parse_error(p, ...)	sm_config_error(&(p)->base, __VA_ARGS__)
#define parse_number		sm_config_number

static int set_milliseconds(struct parser *p, const char *key,
			    const char *text, unsigned long min,
			    unsigned long max, unsigned int *out)
{
	unsigned long number;

	if (parse_number(text, min, max, &number))
		return parse_error(p, "%s \"%s\" is not in %lu..%lu ms", key,
				   text, min, max);
	*out = number;
	return 0;
}

static int add_member(struct parser *p, struct sm_cluster_config *cfg,
		      const char *key, char **values, bool witness)
{
	char host[SM_CONFIG_ADDR_MAX], port[16];
	struct sm_cluster_member *m;
	unsigned long id, number;
	unsigned int i;

	if (parse_number(values[0], 0, SM_CLUSTER_MAX_MEMBERS - 1, &id))
		return parse_error(p, "%s id \"%s\" is not in 0..%d", key,
				   values[0], SM_CLUSTER_MAX_MEMBERS - 1);
	if (strlen(values[1]) >= SM_CONFIG_ADDR_MAX ||
	    sm_split_address(values[1], host, sizeof(host), port,
			     sizeof(port)))
		return parse_error(p, "address \"%s\" of %s %lu is not HOST:PORT",
				   values[1], key, id);
	if (parse_number(port, 1, 65535, &number))
		return parse_error(p, "port \"%s\" of %s %lu is not in 1..65535",
				   port, key, id);
	for (i = 0; i < cfg->member_count; i++) {
		m = &cfg->members[i];
		if (m->id == id)
			return parse_error(p, "member id %lu is already used on line %u",
					   id, m->line);
		if (!strcmp(m->address, values[1]))
			return parse_error(p, "address %s of %s %lu is already member %u's (line %u)",
					   values[1], key, id, m->id, m->line);
	}
	m = &cfg->members[cfg->member_count++];
	m->id = id;
	m->witness = witness;
	strcpy(m->address, values[1]);
	m->line = p->base.line;
	if (witness) {
		cfg->has_witness = true;
		cfg->witness_id = id;
	}
	return 0;
}

static int set_key(struct parser *p, struct sm_cluster_config *cfg,
		   enum cluster_key key, char **values)
{
	switch (key) {
	case KEY_CLUSTER_UUID:
		if (sm_uuid_parse(values[0], cfg->cluster_uuid))
			return parse_error(p, "cluster-uuid \"%s\" is not a UUID",
					   values[0]);
		return 0;
	case KEY_SECRET_FILE:
		if (values[0][0] != '/')
			return parse_error(p, "secret-file \"%s\" is not an absolute path",
					   values[0]);
		if (strlen(values[0]) >= SM_CONFIG_PATH_MAX)
			return parse_error(p, "secret-file: path too long");
		strcpy(cfg->secret_file, values[0]);
		return 0;
	case KEY_MEMBER:
		return add_member(p, cfg, "member", values, false);
	case KEY_WITNESS:
		return add_member(p, cfg, "witness", values, true);
	case KEY_HEARTBEAT_INTERVAL:
		return set_milliseconds(p, "heartbeat-interval", values[0],
					SM_HEARTBEAT_INTERVAL_MIN,
					SM_HEARTBEAT_INTERVAL_MAX,
					&cfg->heartbeat_interval);
	case KEY_LEASE_TIME:
		return set_milliseconds(p, "lease-time", values[0],
					SM_LEASE_TIME_MIN, SM_LEASE_TIME_MAX,
					&cfg->lease_time);
	case KEY_LOSS_TIMEOUT:
		return set_milliseconds(p, "loss-timeout", values[0],
					SM_LOSS_TIMEOUT_MIN,
					SM_LOSS_TIMEOUT_MAX,
					&cfg->loss_timeout);
	case KEY_COUNT:
		break;
	}
	return parse_error(p, "internal error: key %d", key);
}

/* One line: its key set. */
static int parse_line(struct parser *p, struct sm_cluster_config *cfg,
		      char *line)
{
	char *values[3];
	int k = sm_config_line(&p->base, keys, KEY_COUNT, p->seen, line,
			       values);

	if (k < 0)
		return k == -1 ? 0 : -1;
	return set_key(p, cfg, k, values);
}

int sm_cluster_check_timing(unsigned int heartbeat_interval,
			    unsigned int lease_time, unsigned int loss_timeout,
			    char *why, size_t why_size)
{
	if (lease_time + SM_LEASE_MARGIN > loss_timeout) {
		snprintf(why, why_size,
			 "lease-time %u must be at most loss-timeout %u minus %d ms (%d): a lease could outlive the loss of its primary",
			 lease_time, loss_timeout, SM_LEASE_MARGIN,
			 (int)loss_timeout - SM_LEASE_MARGIN);
		return -1;
	}
	if (lease_time < SM_LEASE_HEARTBEATS * heartbeat_interval) {
		snprintf(why, why_size,
			 "lease-time %u must be at least %d x heartbeat-interval %u (%u): leases would expire between heartbeats",
			 lease_time, SM_LEASE_HEARTBEATS, heartbeat_interval,
			 SM_LEASE_HEARTBEATS * heartbeat_interval);
		return -1;
	}
	return 0;
}

/* The whole file is read: required keys, members, timings. */
static int check_file(struct parser *p, struct sm_cluster_config *cfg)
{
	unsigned int data_members = 0, i;
	char why[256];
	int k;

	p->base.line = 0;
	for (k = 0; k < KEY_COUNT; k++)
		if (keys[k].required && !p->seen[k])
			return parse_error(p, "missing key \"%s\" (%s %s)",
					   keys[k].name, keys[k].name,
					   keys[k].usage);
	for (i = 0; i < cfg->member_count; i++)
		data_members += !cfg->members[i].witness;
	if (data_members < 2)
		return parse_error(p, "a cluster needs at least two \"member\" lines (data nodes), found %u",
				   data_members);

	if (!cfg->heartbeat_interval)
		cfg->heartbeat_interval = SM_HEARTBEAT_INTERVAL_DEFAULT;
	if (!cfg->lease_time)
		cfg->lease_time = SM_LEASE_TIME_DEFAULT;
	if (!cfg->loss_timeout)
		cfg->loss_timeout = SM_LOSS_TIMEOUT_DEFAULT;
	if (sm_cluster_check_timing(cfg->heartbeat_interval, cfg->lease_time,
				    cfg->loss_timeout, why, sizeof(why))) {
		/* Point at the line that set the lease, else at any timing. */
		p->base.line = p->seen[KEY_LEASE_TIME] ? p->seen[KEY_LEASE_TIME] :
			  p->seen[KEY_LOSS_TIMEOUT] ? p->seen[KEY_LOSS_TIMEOUT] :
			  p->seen[KEY_HEARTBEAT_INTERVAL];
		return parse_error(p, "%s%s", why,
				   p->seen[KEY_LEASE_TIME] ? "" :
				   " (lease-time is the default)");
	}
	return 0;
}

int sm_cluster_config_parse_file(const char *path,
				 struct sm_cluster_config *cfg, char *error,
				 size_t error_size)
{
	struct parser p = { .base = { .path = path, .error = error,
				      .error_size = error_size } };
	char *line = NULL;
	size_t line_size = 0;
	FILE *file;
	int r = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(path) >= sizeof(cfg->path))
		return parse_error(&p, "path too long");
	strcpy(cfg->path, path);
	file = fopen(path, "re");
	if (!file)
		return parse_error(&p, "%s", strerror(errno));
	if (sm_config_check_file(path, file, p.base.error, p.base.error_size))
		r = -1;
	while (!r && getline(&line, &line_size, file) != -1) {
		p.base.line++;
		r = parse_line(&p, cfg, line);
	}
	if (!r && ferror(file))
		r = parse_error(&p, "read error: %s", strerror(errno));
	free(line);
	fclose(file);
	return r ? r : check_file(&p, cfg);
}

int sm_cluster_config_load(const char *dir, struct sm_cluster_config *cfg,
			   char *error, size_t error_size)
{
	char path[SM_CONFIG_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			     SM_CLUSTER_CONFIG_FILE) >= sizeof(path)) {
		snprintf(error, error_size, "%s: path too long", dir);
		return -1;
	}
	return sm_cluster_config_parse_file(path, cfg, error, error_size);
}

const struct sm_cluster_member *
sm_cluster_member(const struct sm_cluster_config *cfg, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < cfg->member_count; i++)
		if (cfg->members[i].id == id)
			return &cfg->members[i];
	return NULL;
}

static int check_volume_node(const struct sm_cluster_config *cluster,
			     const struct sm_config *volume, const char *what,
			     uint32_t id, char *error, size_t error_size)
{
	const struct sm_cluster_member *m = sm_cluster_member(cluster, id);

	if (!m) {
		snprintf(error, error_size, "%s: %s %u is not a member of the cluster (%s)",
			 volume->path, what, id, cluster->path);
		return -1;
	}
	if (m->witness) {
		snprintf(error, error_size, "%s: %s %u is the cluster's witness (%s:%u), which holds no data",
			 volume->path, what, id, cluster->path, m->line);
		return -1;
	}
	return 0;
}

int sm_cluster_check_volume(const struct sm_cluster_config *cluster,
			    const struct sm_config *volume, char *error,
			    size_t error_size)
{
	if (check_volume_node(cluster, volume, "node-id", volume->node_id,
			      error, error_size))
		return -1;
	return check_volume_node(cluster, volume, "peer node-id",
				 volume->peer_node_id, error, error_size);
}
