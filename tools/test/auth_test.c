// SPDX-License-Identifier: GPL-2.0-only
/*
 * auth_test - drive tools/lib/auth.c from tests/tools/auth_test.sh.
 *
 *   auth_test pair SECRET_A SECRET_B [--uuid-b UUID] [--node-b N]
 *	Node 0 (A, expects peer 1) and node 1 (B, expects peer 0) run the
 *	exchange over a socketpair, B in a child process.  Prints one
 *	"<side>: accepted" or "<side>: <peer> <message>" line per outcome,
 *	B's first.  Exit 0 when both accepted, 1 otherwise.
 *   auth_test raw SECRET MAGIC VERSION NODE_ID UUID
 *	A (node 0, expects 1) against a hand-made hello; prints A's outcome.
 *	Exit 0 when A refused it, 1 when it went on to the answer round.
 *   auth_test answer SECRET OTHER_CHALLENGE OWN_CHALLENGE NODE_ID UUID
 *	Prints the HMAC answer in hex (challenges in hex), for the known
 *	answer test against openssl dgst.
 *
 * Built into build/tools/test/, which does not go into VM images.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../lib/auth.h"
#include "../lib/superblock.h"

#define DEFAULT_UUID "7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"

static void die(const char *what, const char *why)
{
	fprintf(stderr, "auth_test: %s: %s\n", what, why);
	exit(2);
}

static void load_secret(const char *path, struct sm_secret *secret)
{
	char error[512];

	if (sm_secret_load(path, secret, error, sizeof(error)))
		die("secret", error);
}

static void parse_uuid(const char *text, uint8_t uuid[16])
{
	if (sm_uuid_parse(text, uuid))
		die(text, "not a UUID");
}

static void parse_hex(const char *text, uint8_t *out, size_t size)
{
	size_t i;
	unsigned int byte;

	if (strlen(text) != 2 * size)
		die(text, "wrong length of hex");
	for (i = 0; i < size; i++) {
		if (sscanf(text + 2 * i, "%2x", &byte) != 1)
			die(text, "not hex");
		out[i] = byte;
	}
}

static int report(FILE *out, const char *side, struct sm_auth *auth,
		  enum sm_auth_result result)
{
	char peer[128];
	int i;

	if (result == SM_AUTH_ACCEPTED) {
		fprintf(out, "%s: accepted\n", side);
		return 0;
	}
	sm_auth_describe_peer(auth, "socketpair", peer, sizeof(peer));
	for (i = 0; i < auth->message_count; i++)
		fprintf(out, "%s: %s %s\n", side, peer, auth->messages[i]);
	if (!auth->message_count)
		fprintf(out, "%s: failed without a message\n", side);
	return 1;
}

static int run_side(FILE *out, const char *side, int fd,
		    const struct sm_secret *secret, const uint8_t uuid[16],
		    uint32_t node, uint32_t expect)
{
	enum sm_auth_result result;
	struct sm_auth auth;
	int r;

	if (sm_auth_init(&auth, SM_AUTH_MAGIC, SM_AUTH_LABEL, secret, uuid,
			 node, expect))
		return report(out, side, &auth, SM_AUTH_FAILED);
	result = sm_auth_run(&auth, fd, SM_AUTH_TIMEOUT_MS);
	r = report(out, side, &auth, result);
	fflush(out);
	sm_auth_clear(&auth);
	return r;
}

static int cmd_pair(int argc, char **argv)
{
	struct sm_secret secret_a, secret_b;
	uint8_t uuid_a[16], uuid_b[16];
	uint32_t node_b = 1;
	int fds[2], i, status, a;
	char *a_text = NULL;
	size_t a_size = 0;
	FILE *a_out;
	pid_t child;

	if (argc < 4)
		die("pair", "usage: pair SECRET_A SECRET_B [--uuid-b U] [--node-b N]");
	load_secret(argv[2], &secret_a);
	load_secret(argv[3], &secret_b);
	parse_uuid(DEFAULT_UUID, uuid_a);
	memcpy(uuid_b, uuid_a, 16);
	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--uuid-b"))
			parse_uuid(argv[i + 1], uuid_b);
		else if (!strcmp(argv[i], "--node-b"))
			node_b = atoi(argv[i + 1]);
		else
			die(argv[i], "unknown option");
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		die("socketpair", "failed");
	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork", "failed");
	if (!child) {
		close(fds[0]);
		exit(run_side(stdout, "B", fds[1], &secret_b, uuid_b, node_b,
			      0));
	}
	close(fds[1]);
	/* Both run at once; A's lines go out after B's, in a fixed order. */
	a_out = open_memstream(&a_text, &a_size);
	if (!a_out)
		die("open_memstream", "failed");
	a = run_side(a_out, "A", fds[0], &secret_a, uuid_a, 0, 1);
	close(fds[0]);
	fclose(a_out);
	if (waitpid(child, &status, 0) != child)
		die("waitpid", "failed");
	fputs(a_text, stdout);
	free(a_text);
	return a || !WIFEXITED(status) || WEXITSTATUS(status) ? 1 : 0;
}

static int cmd_raw(int argc, char **argv)
{
	uint8_t hello[SM_AUTH_HELLO_SIZE] = { 0 }, uuid[16], peer_uuid[16];
	struct sm_secret secret;
	uint16_t version;
	uint32_t node;
	int fds[2], r;

	if (argc != 7 || strlen(argv[3]) != 4)
		die("raw", "usage: raw SECRET MAGIC(4 chars) VERSION NODE_ID UUID");
	load_secret(argv[2], &secret);
	parse_uuid(DEFAULT_UUID, uuid);
	parse_uuid(argv[6], peer_uuid);
	memcpy(hello + SM_AUTH_HELLO_MAGIC, argv[3], 4);
	version = htobe16(atoi(argv[4]));
	memcpy(hello + SM_AUTH_HELLO_VERSION, &version, 2);
	node = htobe32(atoi(argv[5]));
	memcpy(hello + SM_AUTH_HELLO_NODE_ID, &node, 4);
	memcpy(hello + SM_AUTH_HELLO_UUID, peer_uuid, 16);
	memset(hello + SM_AUTH_HELLO_CHALLENGE, 0xa5, SM_AUTH_CHALLENGE_SIZE);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    write(fds[1], hello, sizeof(hello)) != sizeof(hello))
		die("socketpair", "failed");
	/* An answer round would wait for bytes that never come: time out fast. */
	{
		struct sm_auth auth;
		enum sm_auth_result result;

		sm_auth_init(&auth, SM_AUTH_MAGIC, SM_AUTH_LABEL, &secret,
			     uuid, 0, 1);
		result = sm_auth_run(&auth, fds[0], 2000);
		report(stdout, "A", &auth, result);
		r = auth.phase == SM_AUTH_PHASE_DONE &&
		    result == SM_AUTH_FAILED && auth.message_count == 1 &&
		    !strstr(auth.messages[0], "timed out") ? 0 : 1;
	}
	return r;
}

static int cmd_answer(int argc, char **argv)
{
	uint8_t other[SM_AUTH_CHALLENGE_SIZE], own[SM_AUTH_CHALLENGE_SIZE];
	uint8_t uuid[16], answer[SM_AUTH_ANSWER_SIZE];
	struct sm_secret secret;
	int i;

	if (argc != 7)
		die("answer", "usage: answer SECRET OTHER OWN NODE_ID UUID");
	load_secret(argv[2], &secret);
	parse_hex(argv[3], other, sizeof(other));
	parse_hex(argv[4], own, sizeof(own));
	parse_uuid(argv[6], uuid);
	if (sm_auth_answer(SM_AUTH_LABEL, &secret, other, own, atoi(argv[5]),
			   uuid, answer))
		die("answer", "HMAC failed");
	for (i = 0; i < SM_AUTH_ANSWER_SIZE; i++)
		printf("%02x", answer[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "pair"))
		return cmd_pair(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "raw"))
		return cmd_raw(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "answer"))
		return cmd_answer(argc, argv);
	fprintf(stderr, "usage: auth_test pair|raw|answer ... (see the source)\n");
	return 2;
}
