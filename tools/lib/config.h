/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Volume configuration files, /etc/syncmirror/<volume>.conf, shared by
 * smctl (up, down, show-config) and syncmirrord.  The grammar is in
 * Documentation/syncmirrord.rst.  Every error is one line of text that
 * names the file, the line when there is one, and the cause.
 */
#ifndef SYNCMIRROR_CONFIG_H
#define SYNCMIRROR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define SM_CONFIG_DIR_DEFAULT	"/etc/syncmirror"
#define SM_CONFIG_DIR_ENV	"SYNCMIRROR_CONFIG_DIR"
#define SM_CONFIG_SUFFIX	".conf"

#define SM_CONFIG_NAME_MAX	128	/* device-mapper's DM_NAME_LEN */
#define SM_CONFIG_PATH_MAX	4096
#define SM_CONFIG_ADDR_MAX	128	/* HOST:PORT */
#define SM_SECRET_MIN		16
#define SM_SECRET_MAX		1024
#define SM_PING_TIMEOUT_MIN	1	/* seconds, as the kernel's range */
#define SM_PING_TIMEOUT_MAX	60
#define SM_HOOK_TIMEOUT_DEFAULT	300	/* seconds */
#define SM_HOOK_TIMEOUT_MIN	1
#define SM_HOOK_TIMEOUT_MAX	3600
#define SM_FENCE_TIMEOUT_DEFAULT 5	/* seconds */
#define SM_FENCE_TIMEOUT_MIN	1
#define SM_FENCE_TIMEOUT_MAX	60

/*
 * A yes/no key whose default depends on cluster.conf (a witness or not):
 * resolved by sm_config_switch() once the cluster is known.
 */
enum sm_config_switch {
	SM_SWITCH_DEFAULT,	/* not set in the file */
	SM_SWITCH_OFF,
	SM_SWITCH_ON,
};

/* "transport-security": how the peer link is protected. */
enum sm_security {
	SM_SECURITY_PSK,	/* TLS 1.3, key derived from the secret */
	SM_SECURITY_X509,	/* TLS 1.3, certificates */
	SM_SECURITY_NONE,	/* authenticated, not encrypted */
};

#define SM_CONFIG_NAME_LEN	256	/* a certificate's expected name */

struct sm_config {
	char path[SM_CONFIG_PATH_MAX];		/* the file it came from */
	char volume[SM_CONFIG_NAME_MAX];
	uint32_t node_id;
	char data[SM_CONFIG_PATH_MAX];
	char meta[SM_CONFIG_PATH_MAX];		/* "" means internal */
	char secret_file[SM_CONFIG_PATH_MAX];
	char address[SM_CONFIG_ADDR_MAX];	/* where this node listens */
	uint32_t peer_node_id;
	char peer_address[SM_CONFIG_ADDR_MAX];
	unsigned int ping_timeout;		/* seconds; 0: not set */
	uint32_t after_split_brain;		/* enum syncmirror_sb_policy */
	char split_brain_hook[SM_CONFIG_PATH_MAX];	/* "": none */
	unsigned int hook_timeout;		/* seconds, default applied */
	/* Quorum and automatic failover (syncmirror-failover.rst). */
	enum sm_config_switch quorum;		/* "quorum on|off" */
	uint32_t on_quorum_loss;		/* SYNCMIRROR_QUORUM_POLICY_* */
	enum sm_config_switch auto_promote;	/* "auto-promote yes|no" */
	char fence_hook[SM_CONFIG_PATH_MAX];	/* "": none */
	unsigned int fence_timeout;		/* seconds, default applied */
	char promote_hook[SM_CONFIG_PATH_MAX];
	char deposed_hook[SM_CONFIG_PATH_MAX];
	/* The peer link's protection (syncmirror-protocol.rst). */
	enum sm_security transport_security;
	char tls_ca_file[SM_CONFIG_PATH_MAX];
	char tls_cert_file[SM_CONFIG_PATH_MAX];
	char tls_key_file[SM_CONFIG_PATH_MAX];
	char tls_peer_name[SM_CONFIG_NAME_LEN];
	uint32_t data_checksum;			/* enum syncmirror_data_csum */
};

/*
 * The effective value of "quorum" or "auto-promote": as set, else on
 * exactly when the cluster has a witness.
 */
static inline bool sm_config_switch(enum sm_config_switch value,
				    bool has_witness)
{
	return value == SM_SWITCH_DEFAULT ? has_witness : value == SM_SWITCH_ON;
}

struct sm_secret {
	uint8_t bytes[SM_SECRET_MAX];
	size_t len;
};

/* The configuration directory: @option if given, else the env, else the default. */
const char *sm_config_dir(const char *option);

/*
 * Parse the configuration of @volume in @dir into @cfg.  Returns 0, or -1
 * with the reason in @error ("<file>:<line>: <cause>").
 */
int sm_config_load(const char *dir, const char *volume, struct sm_config *cfg,
		   char *error, size_t error_size);

/* Parse the file at @path (its name must be <volume>.conf). */
int sm_config_parse_file(const char *path, struct sm_config *cfg,
			 char *error, size_t error_size);

/*
 * Read a secret file: a regular file nobody but its owner may access, at
 * least SM_SECRET_MIN bytes once one trailing newline is stripped.
 */
int sm_secret_load(const char *path, struct sm_secret *secret, char *error,
		   size_t error_size);

/*
 * Check that a hook can be run: @path is a regular file we may execute.
 * Returns 0, or -1 with "<path>: <cause>" in @error.
 */
int sm_hook_check(const char *path, char *error, size_t error_size);

/*
 * @path, whose stat is @st, may be trusted by an agent running as root: it
 * and every directory above it are owned by root (or by the caller) and
 * writable by nobody else (a directory may be, with the sticky bit), as
 * ssh checks its files.  Returns 0, or -1 with "<path>...: <cause>; <fix>"
 * in @error.
 */
struct stat;
int sm_path_trusted(const char *path, const struct stat *st, char *error,
		    size_t error_size);
/* The same for a configuration file just opened as @file. */
int sm_config_check_file(const char *path, FILE *file, char *error,
			 size_t error_size);

/* Wipe a secret (explicit_bzero: the compiler may not skip it). */
void sm_secret_clear(struct sm_secret *secret);

/*
 * The grammar shared with cluster.conf (cluster-config.c): one "key
 * value..." per line, '#' to the end of the line a comment, blank lines
 * ignored.  A parser describes its keys in a table and hands each line
 * to sm_config_line().
 */
struct sm_config_key {
	const char *name;
	int values;		/* how many values follow the key */
	bool required;
	bool repeats;		/* may appear more than once */
	const char *usage;	/* what the values are, for messages */
};

struct sm_config_parser {
	const char *path;
	unsigned int line;	/* 0: the message names the file only */
	char *error;
	size_t error_size;
};

/* "<path>:<line>: <message>" into p->error; returns -1. */
int sm_config_error(const struct sm_config_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decimal number in [@min, @max], nothing else.  Returns 0 or -1. */
int sm_config_number(const char *text, unsigned long min, unsigned long max,
		     unsigned long *value);

/*
 * Split @line (modified) into words and find its key in @keys (@count of
 * them): unknown keys, a second occurrence of a key that does not repeat
 * (@seen[] holds the line of each key's first one, 0 none; updated) and a
 * wrong number of values are refused.  Returns the key's index with its
 * values in @values, -1 for a line without a key, or -2 with the message
 * in p->error.
 */
int sm_config_line(const struct sm_config_parser *p,
		   const struct sm_config_key *keys, int count,
		   unsigned int *seen, char *line, char **values);

/* Split "HOST:PORT" (IPv6 hosts in brackets).  Returns 0 or -1. */
int sm_split_address(const char *address, char *host, size_t host_size,
		     char *port, size_t port_size);

#endif
