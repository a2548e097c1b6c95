/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A voter's persistent quorum state for one volume: the highest term it
 * recorded, that term's primary and the primary generation, in
 * <state-dir>/quorum/<volume-uuid> (Documentation/syncmirror-failover.rst,
 * "Witness mode").  Every voter keeps one per volume, witness and data
 * nodes alike, and writes it before sending anything that depends on it.
 *
 * 40 bytes: the magic bytes "SMQ1", then little-endian version u32 1,
 * term u64, primary u32 (SM_QSTATE_NO_PRIMARY: none), reserved u32 0,
 * primary_gen u64, crc32c u32 (of the 40 bytes with this field 0),
 * padding u32 0.
 */
#ifndef SYNCMIRROR_QUORUM_STATE_H
#define SYNCMIRROR_QUORUM_STATE_H

#include <stddef.h>
#include <stdint.h>

#define SM_STATE_DIR_DEFAULT	"/var/lib/syncmirror"
#define SM_QSTATE_SUBDIR	"quorum"
#define SM_QSTATE_MAGIC		"SMQ1"		/* 0x534d5131 read big-endian */
#define SM_QSTATE_VERSION	1
#define SM_QSTATE_SIZE		40
#define SM_QSTATE_NO_PRIMARY	0xffffffffU
#define SM_QSTATE_TMP_SUFFIX	".tmp"

struct sm_qstate {
	uint64_t term;		/* 0: nothing recorded yet */
	uint32_t primary;	/* member id, SM_QSTATE_NO_PRIMARY: none */
	uint64_t primary_gen;	/* 0: none recorded */
};

enum sm_qstate_result {
	SM_QSTATE_LOADED,	/* the file was sound */
	SM_QSTATE_NEW,		/* no file: nothing recorded (term 0) */
	SM_QSTATE_DAMAGED,	/* refused: the voter must not vote */
	SM_QSTATE_ERROR,	/* could not be read: must not vote either */
};

/* The empty state: term 0, no primary. */
void sm_qstate_init(struct sm_qstate *state);

void sm_qstate_encode(const struct sm_qstate *state,
		      uint8_t out[SM_QSTATE_SIZE]);
/* NULL when @len bytes at @buf are a sound state file, else what is wrong. */
const char *sm_qstate_decode(const void *buf, size_t len,
			     struct sm_qstate *state);

/* "<state_dir>/quorum/<uuid>".  Returns 0, or -1 if @size is too small. */
int sm_qstate_path(const char *state_dir, const uint8_t uuid[16], char *out,
		   size_t size);

/*
 * Read the state of volume @uuid.  A missing file is SM_QSTATE_NEW with
 * the empty state; DAMAGED and ERROR leave @state empty and say why in
 * @why (the path and the cause).  A left-over temporary file is ignored.
 */
enum sm_qstate_result sm_qstate_load(const char *state_dir,
				     const uint8_t uuid[16],
				     struct sm_qstate *state, char *why,
				     size_t why_size);

/*
 * Replace the state of volume @uuid, crash-safe: write a temporary file,
 * fsync it, rename it over the state file, fsync the directory (creating
 * @state_dir and <state_dir>/quorum first if needed).  After a crash the file is the old
 * state or the new one, never a mix.  Returns 0, or -errno with @why.
 */
int sm_qstate_store(const char *state_dir, const uint8_t uuid[16],
		    const struct sm_qstate *state, char *why,
		    size_t why_size);

#endif
