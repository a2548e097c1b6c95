// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: volume configuration files (sm_config_parse_file(),
 * tools/lib/config.c), as vol0.conf.
 *
 * Properties: a file that parses gives a configuration within the
 * grammar of Documentation/syncmirrord.rst (names, node ids, absolute
 * paths, HOST:PORT addresses, every number in its range, every string
 * terminated); a refused one says where and why, and parsing is
 * deterministic.
 */
#include <stdbool.h>
#include <stdint.h>
#include <linux/syncmirror.h>

#include "config.h"
#include "fuzz-file.h"
#include "fuzz.h"

#define terminated(field)	(memchr(field, '\0', sizeof(field)) != NULL)

static bool path_ok(const char *path, bool optional)
{
	return optional && !*path ? true : path[0] == '/';
}

static bool address_ok(const char *address)
{
	char host[SM_CONFIG_ADDR_MAX], port[16];
	unsigned long number;

	return !sm_split_address(address, host, sizeof(host), port,
				 sizeof(port)) &&
	       !sm_config_number(port, 1, 65535, &number);
}

static void check_strings(const struct sm_config *cfg)
{
	fuzz_check(terminated(cfg->path) && terminated(cfg->volume) &&
		   terminated(cfg->data) && terminated(cfg->meta) &&
		   terminated(cfg->secret_file) && terminated(cfg->address) &&
		   terminated(cfg->peer_address) &&
		   terminated(cfg->split_brain_hook) &&
		   terminated(cfg->fence_hook) &&
		   terminated(cfg->promote_hook) &&
		   terminated(cfg->deposed_hook),
		   "a string without its end");
}

static void check_config(const struct sm_config *cfg)
{
	check_strings(cfg);
	fuzz_check(!strcmp(cfg->volume, "vol0"), "volume \"%s\" in vol0.conf",
		   cfg->volume);
	fuzz_check(cfg->node_id <= SYNCMIRROR_MAX_NODE_ID &&
		   cfg->peer_node_id <= SYNCMIRROR_MAX_NODE_ID &&
		   cfg->node_id != cfg->peer_node_id,
		   "node ids %u and %u", cfg->node_id, cfg->peer_node_id);
	fuzz_check(path_ok(cfg->data, false) && path_ok(cfg->meta, true) &&
		   path_ok(cfg->secret_file, false) &&
		   path_ok(cfg->split_brain_hook, true) &&
		   path_ok(cfg->fence_hook, true) &&
		   path_ok(cfg->promote_hook, true) &&
		   path_ok(cfg->deposed_hook, true),
		   "a path that is not absolute");
	fuzz_check(address_ok(cfg->address) && address_ok(cfg->peer_address),
		   "address \"%s\" or \"%s\"", cfg->address,
		   cfg->peer_address);
	fuzz_check(!cfg->ping_timeout ||
		   (cfg->ping_timeout >= SM_PING_TIMEOUT_MIN &&
		    cfg->ping_timeout <= SM_PING_TIMEOUT_MAX),
		   "ping-timeout %u", cfg->ping_timeout);
	fuzz_check(cfg->hook_timeout >= SM_HOOK_TIMEOUT_MIN &&
		   cfg->hook_timeout <= SM_HOOK_TIMEOUT_MAX &&
		   cfg->fence_timeout >= SM_FENCE_TIMEOUT_MIN &&
		   cfg->fence_timeout <= SM_FENCE_TIMEOUT_MAX,
		   "a hook or fence timeout out of range");
	fuzz_check(cfg->after_split_brain < __SYNCMIRROR_SB_POLICY_MAX,
		   "after-split-brain %u", cfg->after_split_brain);
	fuzz_check(cfg->on_quorum_loss == SYNCMIRROR_QUORUM_POLICY_SUSPEND ||
		   cfg->on_quorum_loss == SYNCMIRROR_QUORUM_POLICY_ERROR,
		   "on-quorum-loss %u", cfg->on_quorum_loss);
	fuzz_check(cfg->quorum <= SM_SWITCH_ON &&
		   cfg->auto_promote <= SM_SWITCH_ON, "a switch out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sm_config cfg, again;
	static char error[512], error2[512];
	const char *path = fuzz_file("vol0.conf", data, size);
	int r;

	memset(error, 0, sizeof(error));
	r = sm_config_parse_file(path, &cfg, error, sizeof(error));
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
	fuzz_check(sm_config_parse_file(path, &again, error2,
					sizeof(error2)) == r &&
		   (r ? !strcmp(error, error2) : !memcmp(&cfg, &again,
							 sizeof(cfg))),
		   "a second parse of the same file differs");
	return 0;
}
