// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parser for /etc/syncmirror/<volume>.conf and the volume's secret file.
 *
 * One "key value..." per line, '#' starts a comment, blank lines are
 * ignored, every key may appear once.  Errors name the file and line so
 * an operator can go straight to the mistake; the grammar is documented in
 * Documentation/syncmirrord.rst and tested by tests/tools/config_test.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <sys/stat.h>

#include "config.h"
#include "names.h"

enum config_key {
	KEY_VOLUME,
	KEY_NODE_ID,
	KEY_DATA,
	KEY_META,
	KEY_SECRET_FILE,
	KEY_ADDRESS,
	KEY_PEER,
	KEY_PING_TIMEOUT,
	KEY_AFTER_SPLIT_BRAIN,
	KEY_SPLIT_BRAIN_HOOK,
	KEY_HOOK_TIMEOUT,
	KEY_QUORUM,
	KEY_ON_QUORUM_LOSS,
	KEY_AUTO_PROMOTE,
	KEY_FENCE_HOOK,
	KEY_FENCE_TIMEOUT,
	KEY_PROMOTE_HOOK,
	KEY_DEPOSED_HOOK,
	KEY_TRANSPORT_SECURITY,
	KEY_TLS_CA_FILE,
	KEY_TLS_CERT_FILE,
	KEY_TLS_KEY_FILE,
	KEY_TLS_PEER_NAME,
	KEY_DATA_CHECKSUM,
	KEY_COUNT,
};

static const struct sm_config_key keys[KEY_COUNT] = {
	[KEY_VOLUME] = { "volume", 1, true, false, "NAME" },
	[KEY_NODE_ID] = { "node-id", 1, true, false, "N" },
	[KEY_DATA] = { "data", 1, true, false, "DEVICE" },
	[KEY_META] = { "meta", 1, true, false, "DEVICE|internal" },
	[KEY_SECRET_FILE] = { "secret-file", 1, false, false, "PATH" },
	[KEY_ADDRESS] = { "address", 1, true, false, "HOST:PORT" },
	[KEY_PEER] = { "peer", 2, true, false, "NODE-ID HOST:PORT" },
	[KEY_PING_TIMEOUT] = { "ping-timeout", 1, false, false, "SECONDS" },
	[KEY_AFTER_SPLIT_BRAIN] = { "after-split-brain", 1, false, false, "POLICY" },
	[KEY_SPLIT_BRAIN_HOOK] = { "split-brain-hook", 1, false, false, "PATH" },
	[KEY_HOOK_TIMEOUT] = { "hook-timeout", 1, false, false, "SECONDS" },
	[KEY_QUORUM] = { "quorum", 1, false, false, "on|off" },
	[KEY_ON_QUORUM_LOSS] = { "on-quorum-loss", 1, false, false, "suspend|error" },
	[KEY_AUTO_PROMOTE] = { "auto-promote", 1, false, false, "yes|no" },
	[KEY_FENCE_HOOK] = { "fence-hook", 1, false, false, "PATH" },
	[KEY_FENCE_TIMEOUT] = { "fence-timeout", 1, false, false, "SECONDS" },
	[KEY_PROMOTE_HOOK] = { "promote-hook", 1, false, false, "PATH" },
	[KEY_DEPOSED_HOOK] = { "deposed-hook", 1, false, false, "PATH" },
	[KEY_TRANSPORT_SECURITY] = { "transport-security", 1, false, false, "psk|x509|none" },
	[KEY_TLS_CA_FILE] = { "tls-ca-file", 1, false, false, "PATH" },
	[KEY_TLS_CERT_FILE] = { "tls-cert-file", 1, false, false, "PATH" },
	[KEY_TLS_KEY_FILE] = { "tls-key-file", 1, false, false, "PATH" },
	[KEY_TLS_PEER_NAME] = { "tls-peer-name", 1, false, false, "NAME" },
	[KEY_DATA_CHECKSUM] = { "data-checksum", 1, false, false, "auto|on|off" },
};

/*
 * A configuration names hooks the agent runs as root: only root may
 * have written it (the file and every directory above it).
 */
int sm_config_check_file(const char *path, FILE *file, char *error,
			 size_t error_size)
{
	struct stat st;

	if (fstat(fileno(file), &st)) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	return sm_path_trusted(path, &st, error, error_size);
}

static int check_config_file(const struct sm_config_parser *p, FILE *file)
{
	return sm_config_check_file(p->path, file, p->error, p->error_size);
}

int sm_config_error(const struct sm_config_parser *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = p->line ? snprintf(p->error, p->error_size, "%s:%u: ", p->path,
			       p->line) :
		      snprintf(p->error, p->error_size, "%s: ", p->path);
	if (n < p->error_size) {
		va_start(ap, fmt);
		vsnprintf(p->error + n, p->error_size - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Short names inside this file. */
#define parse_error	sm_config_error
#define parse_number	sm_config_number

const char *sm_config_dir(const char *option)
{
	const char *env = getenv(SM_CONFIG_DIR_ENV);

	if (option && *option)
		return option;
	return env && *env ? env : SM_CONFIG_DIR_DEFAULT;
}

int sm_split_address(const char *address, char *host, size_t host_size,
		     char *port, size_t port_size)
{
	const char *colon = strrchr(address, ':');
	const char *start = address, *end = colon;

	if (!colon || colon == address || !colon[1])
		return -1;
	if (address[0] == '[') {		/* [v6addr]:port */
		if (colon[-1] != ']' || colon - address < 3)
			return -1;
		start = address + 1;
		end = colon - 1;
	} else if (memchr(address, ':', colon - address)) {
		return -1;			/* bare IPv6 is ambiguous */
	}
	if ((size_t)(end - start) >= host_size || strlen(colon + 1) >= port_size)
		return -1;
	memcpy(host, start, end - start);
	host[end - start] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

/* A decimal number in [min, max], nothing else. */
int sm_config_number(const char *text, unsigned long min, unsigned long max,
		     unsigned long *value)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	*value = strtoul(text, &end, 10);
	return (errno || *end || *value < min || *value > max) ? -1 : 0;
}

static int check_address(const struct sm_config_parser *p, const char *what,
			 const char *text, char *out)
{
	char host[SM_CONFIG_ADDR_MAX], port[16];
	unsigned long number;

	if (strlen(text) >= SM_CONFIG_ADDR_MAX ||
	    sm_split_address(text, host, sizeof(host), port, sizeof(port)))
		return parse_error(p, "%s \"%s\" is not HOST:PORT", what, text);
	if (parse_number(port, 1, 65535, &number))
		return parse_error(p, "port \"%s\" of %s \"%s\" is not in 1..65535",
				   port, what, text);
	strcpy(out, text);
	return 0;
}

static int check_path(const struct sm_config_parser *p, const char *key,
		      const char *text, char *out)
{
	if (text[0] != '/')
		return parse_error(p, "%s \"%s\" is not an absolute path", key,
				   text);
	if (strlen(text) >= SM_CONFIG_PATH_MAX)
		return parse_error(p, "%s: path too long", key);
	strcpy(out, text);
	return 0;
}

static int check_node_id(const struct sm_config_parser *p, const char *what,
			 const char *text, uint32_t *out)
{
	unsigned long number;

	if (parse_number(text, 0, SYNCMIRROR_MAX_NODE_ID, &number))
		return parse_error(p, "%s \"%s\" is not in 0..%d", what, text,
				   SYNCMIRROR_MAX_NODE_ID);
	*out = number;
	return 0;
}

/* @text is @on or @off. */
static int parse_switch(const struct sm_config_parser *p, const char *key,
			const char *text, const char *on, const char *off,
			enum sm_config_switch *out)
{
	if (!strcmp(text, on))
		*out = SM_SWITCH_ON;
	else if (!strcmp(text, off))
		*out = SM_SWITCH_OFF;
	else
		return parse_error(p, "%s \"%s\" is not %s or %s", key, text,
				   on, off);
	return 0;
}

static int set_key(const struct sm_config_parser *p, struct sm_config *cfg,
		   enum config_key key, char **values)
{
	unsigned long number;

	switch (key) {
	case KEY_VOLUME:
		if (strlen(values[0]) >= SM_CONFIG_NAME_MAX ||
		    strchr(values[0], '/'))
			return parse_error(p, "volume \"%s\" is not a device-mapper name",
					   values[0]);
		strcpy(cfg->volume, values[0]);
		return 0;
	case KEY_NODE_ID:
		return check_node_id(p, "node-id", values[0], &cfg->node_id);
	case KEY_DATA:
		return check_path(p, "data", values[0], cfg->data);
	case KEY_META:
		if (!strcmp(values[0], SYNCMIRROR_META_INTERNAL)) {
			cfg->meta[0] = '\0';
			return 0;
		}
		return check_path(p, "meta", values[0], cfg->meta);
	case KEY_SECRET_FILE:
		return check_path(p, "secret-file", values[0], cfg->secret_file);
	case KEY_ADDRESS:
		return check_address(p, "address", values[0], cfg->address);
	case KEY_PEER:
		if (check_node_id(p, "peer node-id", values[0],
				  &cfg->peer_node_id))
			return -1;
		return check_address(p, "peer address", values[1],
				     cfg->peer_address);
	case KEY_PING_TIMEOUT:
		if (parse_number(values[0], SM_PING_TIMEOUT_MIN,
				 SM_PING_TIMEOUT_MAX, &number))
			return parse_error(p, "ping-timeout \"%s\" is not in %d..%d seconds",
					   values[0], SM_PING_TIMEOUT_MIN,
					   SM_PING_TIMEOUT_MAX);
		cfg->ping_timeout = number;
		return 0;
	case KEY_AFTER_SPLIT_BRAIN:
		if (sm_sb_policy_parse(values[0], &cfg->after_split_brain))
			return parse_error(p, "after-split-brain \"%s\" is not %s",
					   values[0], sm_sb_policy_names());
		return 0;
	case KEY_SPLIT_BRAIN_HOOK:
		return check_path(p, "split-brain-hook", values[0],
				  cfg->split_brain_hook);
	case KEY_HOOK_TIMEOUT:
		if (parse_number(values[0], SM_HOOK_TIMEOUT_MIN,
				 SM_HOOK_TIMEOUT_MAX, &number))
			return parse_error(p, "hook-timeout \"%s\" is not in %d..%d seconds",
					   values[0], SM_HOOK_TIMEOUT_MIN,
					   SM_HOOK_TIMEOUT_MAX);
		cfg->hook_timeout = number;
		return 0;
	case KEY_QUORUM:
		return parse_switch(p, "quorum", values[0], "on", "off",
				    &cfg->quorum);
	case KEY_ON_QUORUM_LOSS:
		if (!strcmp(values[0], "suspend"))
			cfg->on_quorum_loss = SYNCMIRROR_QUORUM_POLICY_SUSPEND;
		else if (!strcmp(values[0], "error"))
			cfg->on_quorum_loss = SYNCMIRROR_QUORUM_POLICY_ERROR;
		else
			return parse_error(p, "on-quorum-loss \"%s\" is not suspend or error",
					   values[0]);
		return 0;
	case KEY_AUTO_PROMOTE:
		return parse_switch(p, "auto-promote", values[0], "yes", "no",
				    &cfg->auto_promote);
	case KEY_FENCE_HOOK:
		return check_path(p, "fence-hook", values[0], cfg->fence_hook);
	case KEY_FENCE_TIMEOUT:
		if (parse_number(values[0], SM_FENCE_TIMEOUT_MIN,
				 SM_FENCE_TIMEOUT_MAX, &number))
			return parse_error(p, "fence-timeout \"%s\" is not in %d..%d seconds",
					   values[0], SM_FENCE_TIMEOUT_MIN,
					   SM_FENCE_TIMEOUT_MAX);
		cfg->fence_timeout = number;
		return 0;
	case KEY_PROMOTE_HOOK:
		return check_path(p, "promote-hook", values[0],
				  cfg->promote_hook);
	case KEY_DEPOSED_HOOK:
		return check_path(p, "deposed-hook", values[0],
				  cfg->deposed_hook);
	case KEY_TRANSPORT_SECURITY:
		if (!strcmp(values[0], "psk"))
			cfg->transport_security = SM_SECURITY_PSK;
		else if (!strcmp(values[0], "x509"))
			cfg->transport_security = SM_SECURITY_X509;
		else if (!strcmp(values[0], "none"))
			cfg->transport_security = SM_SECURITY_NONE;
		else
			return parse_error(p, "transport-security \"%s\" is not psk, x509 or none",
					   values[0]);
		return 0;
	case KEY_TLS_CA_FILE:
		return check_path(p, "tls-ca-file", values[0], cfg->tls_ca_file);
	case KEY_TLS_CERT_FILE:
		return check_path(p, "tls-cert-file", values[0],
				  cfg->tls_cert_file);
	case KEY_TLS_KEY_FILE:
		return check_path(p, "tls-key-file", values[0],
				  cfg->tls_key_file);
	case KEY_TLS_PEER_NAME:
		if (strlen(values[0]) >= sizeof(cfg->tls_peer_name))
			return parse_error(p, "tls-peer-name is longer than %zu characters",
					   sizeof(cfg->tls_peer_name) - 1);
		strcpy(cfg->tls_peer_name, values[0]);
		return 0;
	case KEY_DATA_CHECKSUM:
		if (!strcmp(values[0], "auto"))
			cfg->data_checksum = SYNCMIRROR_DATA_CSUM_AUTO;
		else if (!strcmp(values[0], "on"))
			cfg->data_checksum = SYNCMIRROR_DATA_CSUM_ON;
		else if (!strcmp(values[0], "off"))
			cfg->data_checksum = SYNCMIRROR_DATA_CSUM_OFF;
		else
			return parse_error(p, "data-checksum \"%s\" is not auto, on or off",
					   values[0]);
		return 0;
	case KEY_COUNT:
		break;
	}
	return parse_error(p, "internal error: key %d", key);
}

int sm_config_line(const struct sm_config_parser *p,
		   const struct sm_config_key *keys, int count,
		   unsigned int *seen, char *line, char **values)
{
	char *words[4], *save = NULL, *word;
	int n = 0, k;

	line[strcspn(line, "#\n")] = '\0';
	for (word = strtok_r(line, " \t\r", &save); word;
	     word = strtok_r(NULL, " \t\r", &save)) {
		if (n == 4)
			break;
		words[n++] = word;
	}
	if (!n)
		return -1;

	for (k = 0; k < count; k++)
		if (!strcmp(words[0], keys[k].name))
			break;
	if (k == count) {
		sm_config_error(p, "unknown key \"%s\"", words[0]);
		return -2;
	}
	if (seen[k] && !keys[k].repeats) {
		sm_config_error(p, "duplicate key \"%s\" (first on line %u)",
				words[0], seen[k]);
		return -2;
	}
	if (n - 1 != keys[k].values) {
		sm_config_error(p, "%s \"%s\" takes %s",
				n - 1 < keys[k].values ? "missing value: key" :
							 "too many values: key",
				words[0], keys[k].usage);
		return -2;
	}
	if (!seen[k])
		seen[k] = p->line;
	memcpy(values, words + 1, (n - 1) * sizeof(*values));
	return k;
}

/* One line of a volume file: its key set. */
static int parse_line(const struct sm_config_parser *p, struct sm_config *cfg,
		      char *line, unsigned int seen[KEY_COUNT])
{
	char *values[3];
	int k = sm_config_line(p, keys, KEY_COUNT, seen, line, values);

	if (k < 0)
		return k == -1 ? 0 : -1;
	return set_key(p, cfg, k, values);
}

/* The volume a file is for: its name without ".conf". */
static int file_volume(const char *path, char *volume, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t len, suffix = strlen(SM_CONFIG_SUFFIX);

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len <= suffix || strcmp(base + len - suffix, SM_CONFIG_SUFFIX) ||
	    len - suffix >= size)
		return -1;
	memcpy(volume, base, len - suffix);
	volume[len - suffix] = '\0';
	return 0;
}

/*
 * The keys transport-security needs: a secret for psk and none (the
 * challenge-response runs first), the four TLS keys for x509 and none of
 * them otherwise (a forgotten transport-security x509 must not look like
 * a working PKI setup).
 */
static int check_security(struct sm_config_parser *p,
			  const struct sm_config *cfg, const unsigned int *seen)
{
	static const enum config_key tls_keys[] = {
		KEY_TLS_CA_FILE, KEY_TLS_CERT_FILE, KEY_TLS_KEY_FILE,
		KEY_TLS_PEER_NAME,
	};
	bool x509 = cfg->transport_security == SM_SECURITY_X509;
	size_t i;

	p->line = 0;
	if (!x509 && !seen[KEY_SECRET_FILE])
		return parse_error(p, "missing key \"secret-file\" (secret-file PATH)");
	for (i = 0; i < sizeof(tls_keys) / sizeof(tls_keys[0]); i++) {
		if (x509 && !seen[tls_keys[i]])
			return parse_error(p, "transport-security x509 needs \"%s %s\"",
					   keys[tls_keys[i]].name,
					   keys[tls_keys[i]].usage);
		if (!x509 && seen[tls_keys[i]]) {
			p->line = seen[tls_keys[i]];
			return parse_error(p, "%s is only used with transport-security x509",
					   keys[tls_keys[i]].name);
		}
	}
	return 0;
}

int sm_config_parse_file(const char *path, struct sm_config *cfg,
			 char *error, size_t error_size)
{
	struct sm_config_parser p = { .path = path, .error = error,
			    .error_size = error_size };
	unsigned int seen[KEY_COUNT] = { 0 };
	char expected[SM_CONFIG_NAME_MAX];
	char *line = NULL;
	size_t line_size = 0;
	int r = 0, k;
	FILE *file;

	memset(cfg, 0, sizeof(*cfg));
	cfg->after_split_brain = SYNCMIRROR_SB_POLICY_DISCONNECT;
	cfg->hook_timeout = SM_HOOK_TIMEOUT_DEFAULT;
	cfg->on_quorum_loss = SYNCMIRROR_QUORUM_POLICY_SUSPEND;
	cfg->fence_timeout = SM_FENCE_TIMEOUT_DEFAULT;
	if (strlen(path) >= sizeof(cfg->path) ||
	    file_volume(path, expected, sizeof(expected)))
		return parse_error(&p, "not a <volume>%s file name",
				   SM_CONFIG_SUFFIX);
	strcpy(cfg->path, path);
	file = fopen(path, "re");
	if (!file)
		return parse_error(&p, "%s", strerror(errno));
	r = check_config_file(&p, file);
	while (!r && getline(&line, &line_size, file) != -1) {
		p.line++;
		r = parse_line(&p, cfg, line, seen);
	}
	if (!r && ferror(file))
		r = parse_error(&p, "read error: %s", strerror(errno));
	free(line);
	fclose(file);
	if (r)
		return r;

	p.line = 0;
	for (k = 0; k < KEY_COUNT; k++)
		if (keys[k].required && !seen[k])
			return parse_error(&p, "missing key \"%s\" (%s %s)",
					   keys[k].name, keys[k].name,
					   keys[k].usage);
	p.line = seen[KEY_VOLUME];
	if (strcmp(cfg->volume, expected))
		return parse_error(&p, "volume \"%s\" does not match the file name (%s%s)",
				   cfg->volume, expected, SM_CONFIG_SUFFIX);
	p.line = seen[KEY_PEER];
	if (cfg->peer_node_id == cfg->node_id)
		return parse_error(&p, "peer node-id %u is this node's own node-id",
				   cfg->peer_node_id);
	return check_security(&p, cfg, seen);
}

int sm_config_load(const char *dir, const char *volume, struct sm_config *cfg,
		   char *error, size_t error_size)
{
	char path[SM_CONFIG_PATH_MAX];

	if (!*volume || strchr(volume, '/') ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s%s", dir, volume,
			     SM_CONFIG_SUFFIX) >= sizeof(path)) {
		snprintf(error, error_size, "\"%s\" is not a volume name",
			 volume);
		return -1;
	}
	return sm_config_parse_file(path, cfg, error, error_size);
}

int sm_secret_load(const char *path, struct sm_secret *secret, char *error,
		   size_t error_size)
{
	uint8_t buffer[SM_SECRET_MAX + 2];
	struct stat st;
	ssize_t n;
	int fd;

	memset(secret, 0, sizeof(*secret));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(error, error_size, "%s: not a regular file", path);
		goto fail;
	}
	/* A secret others can read is no secret: refuse it, as ssh does. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(error, error_size,
			 "%s: secret file is accessible by group or others (mode %04o); chmod 600 it",
			 path, (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	/* Nor is one someone else could have put there. */
	if (sm_path_trusted(path, &st, error, error_size))
		goto fail;
	/* Read past the limit to tell "too long" apart; regular files
	 * do not return short reads before the end. */
	n = read(fd, buffer, sizeof(buffer));
	if (n < 0) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (n > 0 && buffer[n - 1] == '\n')
		n--;
	if (n > SM_SECRET_MAX) {
		snprintf(error, error_size, "%s: secret is longer than %d bytes",
			 path, SM_SECRET_MAX);
		goto fail;
	}
	if (n < SM_SECRET_MIN) {
		snprintf(error, error_size,
			 "%s: secret is %zd bytes, at least %d are needed",
			 path, n, SM_SECRET_MIN);
		goto fail;
	}
	memcpy(secret->bytes, buffer, n);
	secret->len = n;
	explicit_bzero(buffer, sizeof(buffer));
	close(fd);
	return 0;
fail:
	sm_secret_clear(secret);
	explicit_bzero(buffer, sizeof(buffer));
	close(fd);
	return -1;
}

/* Owned by root (or by us, for tests run unprivileged)? */
static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * @st (of @path, or of a directory above it when @dir): only root (or
 * we) may change it.  A directory writable by others is fine with the
 * sticky bit (/tmp): they cannot replace what is ours in it.
 */
static int check_owner_mode(const char *path, const struct stat *st,
			    bool dir, char *error, size_t error_size)
{
	if (!trusted_owner(st->st_uid)) {
		snprintf(error, error_size,
			 "%s%s is owned by uid %u, not root: chown root it",
			 path, dir ? " (a directory above it)" : "",
			 (unsigned int)st->st_uid);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(dir && (st->st_mode & S_ISVTX))) {
		snprintf(error, error_size,
			 "%s%s is writable by group or others (mode %04o): chmod go-w it",
			 path, dir ? " (a directory above it)" : "",
			 (unsigned int)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

int sm_path_trusted(const char *path, const struct stat *st, char *error,
		    size_t error_size)
{
	char dir[SM_CONFIG_PATH_MAX];
	struct stat dst;
	char *slash;

	char *real;

	if (check_owner_mode(path, st, false, error, error_size))
		return -1;
	/* The directories of what is opened: a symlink's target's. */
	real = realpath(path, NULL);
	if (!real) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (snprintf(dir, sizeof(dir), "%s", real) >= (int)sizeof(dir)) {
		free(real);
		snprintf(error, error_size, "%s: path too long", path);
		return -1;
	}
	free(real);
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;	/* relative: the caller's business */
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &dst)) {
			snprintf(error, error_size, "%s: %s", dir, strerror(errno));
			return -1;
		}
		if (check_owner_mode(dir, &dst, true, error, error_size)) {
			/* Name the file the check was for. */
			char what[SM_CONFIG_PATH_MAX + 160];

			snprintf(what, sizeof(what), "%s: %s", path, error);
			snprintf(error, error_size, "%s", what);
			return -1;
		}
		if (!strcmp(dir, "/"))
			return 0;
	}
}

int sm_hook_check(const char *path, char *error, size_t error_size)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(error, error_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(error, error_size, "%s: not a regular file", path);
		return -1;
	}
	if (access(path, X_OK)) {
		snprintf(error, error_size, "%s: not executable", path);
		return -1;
	}
	/* The agent runs it as root: nobody else may have written it. */
	return sm_path_trusted(path, &st, error, error_size);
}

void sm_secret_clear(struct sm_secret *secret)
{
	explicit_bzero(secret, sizeof(*secret));
}
