/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough of the kernel to build the module's pure parsers for
 * userspace (kernel/syncmirror-protocol.c, -metadata.c, -activity-log.c,
 * -bitmap.c) into the fuzz targets, unchanged.  Every <linux/...> header
 * those files include is a one-line file next to this one that includes
 * it.  Locks are no-ops (a fuzz target has one thread); block I/O fails;
 * a WARN is a finding and aborts.  The kernel's library functions that
 * loop over whole bitmaps are in kernel-shim.c, built without coverage:
 * they are not what is fuzzed.
 */
#ifndef FUZZ_KERNEL_SHIM_H
#define FUZZ_KERNEL_SHIM_H

#include <linux/types.h>	/* the system's __u32, __le32, ... */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../tools/lib/crc32c.h"

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;
typedef u64 sector_t;
typedef s64 time64_t;
typedef u32 blk_opf_t;
typedef unsigned int gfp_t;

#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#define fallthrough		__attribute__((__fallthrough__))

#undef static_assert
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(a, b) \
	({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) \
	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })

#define U64_MAX			((u64)~0ULL)
#define DIV_ROUND_UP_ULL(ll, d) \
	(((unsigned long long)(ll) + (d) - 1) / (d))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1 << SECTOR_SHIFT)

#define cpu_to_le16(x)		htole16(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#define le16_to_cpu(x)		le16toh(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)
#define cpu_to_be16(x)		htobe16(x)
#define cpu_to_be32(x)		htobe32(x)
#define cpu_to_be64(x)		htobe64(x)
#define be16_to_cpu(x)		be16toh(x)
#define be32_to_cpu(x)		be32toh(x)
#define be64_to_cpu(x)		be64toh(x)

/* The kernel's crc32c(): continue a CRC-32C, no inversion. */
static inline u32 crc32c(u32 crc, const void *data, size_t len)
{
	return crc32c_update(crc, data, len);
}

typedef struct {
	__u8 b[16];
} uuid_t;

static inline bool uuid_equal(const uuid_t *a, const uuid_t *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* A WARN in the code under test is a bug the fuzzer found. */
#define WARN_ON_ONCE(cond) ({						\
	bool _warn = !!(cond);						\
	if (_warn) {							\
		fprintf(stderr, "WARN_ON_ONCE(%s) at %s:%d\n", #cond,	\
			__FILE__, __LINE__);				\
		abort();						\
	}								\
	_warn;								\
})

/* Memory. */
#define GFP_KERNEL		0U
#define kcalloc(n, size, gfp)	calloc(n, size)
#define kvcalloc(n, size, gfp)	calloc(n, size)
#define kfree(p)		free(p)
#define kvfree(p)		free(p)

/* One thread: locks are no-ops. */
typedef struct {
	int unused;
} spinlock_t;

#define spin_lock_init(lock)			((void)(lock))
#define spin_lock_irqsave(lock, flags)		((void)(lock), (flags) = 0)
#define spin_unlock_irqrestore(lock, flags)	((void)(lock), (void)(flags))
#define spin_lock_irq(lock)			((void)(lock))
#define spin_unlock_irq(lock)			((void)(lock))

/* Lists and hash tables, as <linux/list.h> and <linux/hashtable.h>. */
struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void list_add_tail(struct list_head *entry,
				 struct list_head *head)
{
	entry->prev = head->prev;
	entry->next = head;
	head->prev->next = entry;
	head->prev = entry;
}

static inline void list_del_init(struct list_head *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
	INIT_LIST_HEAD(entry);
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry_or_null(head, type, member) \
	((head)->next != (head) ? list_entry((head)->next, type, member) : NULL)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_entry(pos->member.next, typeof(*pos), member))

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	n->next = h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (!n->pprev)
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->next = NULL;
	n->pprev = NULL;
}

#define hlist_entry_safe(ptr, type, member) \
	({ typeof(ptr) _p = (ptr); _p ? container_of(_p, type, member) : NULL; })
#define hlist_for_each_entry(pos, head, member)				\
	for (pos = hlist_entry_safe((head)->first, typeof(*(pos)), member); \
	     pos;							\
	     pos = hlist_entry_safe((pos)->member.next, typeof(*(pos)), member))

#define DECLARE_HASHTABLE(name, bits)	struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name)			ARRAY_SIZE(name)
#define hash_init(table)		memset(table, 0, sizeof(table))
#define hash_add(table, node, key) \
	hlist_add_head(node, &(table)[(u32)(key) % HASH_SIZE(table)])
#define hash_del(node)			hlist_del_init(node)
#define hash_for_each_possible(table, obj, member, key) \
	hlist_for_each_entry(obj, &(table)[(u32)(key) % HASH_SIZE(table)], member)
#define hash_for_each(table, bkt, obj, member)				\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < HASH_SIZE(table); \
	     (bkt)++)							\
		hlist_for_each_entry(obj, &(table)[bkt], member)

/* Bitmaps, as <linux/bitmap.h> and <linux/bitops.h>. */
#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_WORD(n)		((n) / BITS_PER_LONG)
#define BIT_MASK(n)		(1UL << ((n) % BITS_PER_LONG))
#define BITMAP_LAST_WORD_MASK(n)	(~0UL >> (-(n) & (BITS_PER_LONG - 1)))

static inline unsigned int hweight64(u64 w)
{
	return __builtin_popcountll(w);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__set_bit(nr, addr);
	return old;
}

static inline bool __test_and_clear_bit(unsigned long nr,
					unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__clear_bit(nr, addr);
	return old;
}

/* The kernel's lib/ bitmap functions, in kernel-shim.c. */
void bitmap_set(unsigned long *map, unsigned long start, unsigned long len);
void bitmap_clear(unsigned long *map, unsigned long start,
		  unsigned long len);
unsigned long bitmap_weight(const unsigned long *map, unsigned long bits);
unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset);

static inline void bitmap_zero(unsigned long *map, unsigned long bits)
{
	memset(map, 0, BITS_TO_LONGS(bits) * sizeof(long));
}

static inline unsigned long find_first_bit(const unsigned long *map,
					   unsigned long size)
{
	return find_next_bit(map, size, 0);
}

/* Block I/O: the parsers' callers read and write; here nothing does. */
#define REQ_OP_READ	0U
#define REQ_OP_WRITE	1U
#define REQ_SYNC	(1U << 8)
#define REQ_META	(1U << 9)
#define REQ_PREFLUSH	(1U << 10)
#define REQ_FUA		(1U << 11)

struct block_device;

struct page {
	void *address;
};

struct bio_vec {
	struct page *page;
};

struct bvec_iter {
	sector_t bi_sector;
};

struct bio {
	struct bvec_iter bi_iter;
};

static inline void bio_init(struct bio *bio, struct block_device *bdev,
			    struct bio_vec *table, unsigned short max_vecs,
			    blk_opf_t opf)
{
	memset(bio, 0, sizeof(*bio));
}

static inline void __bio_add_page(struct bio *bio, struct page *page,
				  unsigned int len, unsigned int offset)
{
}

static inline int submit_bio_wait(struct bio *bio)
{
	return -EIO;
}

static inline void bio_uninit(struct bio *bio)
{
}

static inline struct page *alloc_page(gfp_t gfp)
{
	struct page *page = calloc(1, sizeof(*page));

	if (page)
		page->address = calloc(1, 4096);
	return page;
}

static inline void *page_address(struct page *page)
{
	return page->address;
}

static inline void __free_page(struct page *page)
{
	free(page->address);
	free(page);
}

#endif
