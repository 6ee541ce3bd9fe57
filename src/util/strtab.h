/* String interning: each distinct string gets a small stable id. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_STRTAB_H
#define TOKMETER_UTIL_STRTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Id 0 is reserved for "no string". Ids are dense, starting at 1, in order
 * of first insertion. The table owns copies of the bytes (NUL-terminated);
 * pointers from strtab_get() stay valid until strtab_release().
 */
struct strtab {
  char **strs; /* strs[id], strs[0] == NULL */
  uint32_t *lens;
  uint32_t n; /* ids in use, including 0 */
  uint32_t cap;
  uint32_t *slots; /* open addressing: id or 0 */
  uint32_t nslots; /* power of two */
  char *arena;     /* current block for string bytes */
  size_t arena_used, arena_cap;
  char **blocks; /* every arena block, for release */
  size_t nblocks, blocks_cap;
};

void strtab_init(struct strtab *t);
void strtab_release(struct strtab *t);
/* Returns the id of s[0..len), adding it if new. */
uint32_t strtab_intern(struct strtab *t, const char *s, size_t len);
/* Returns the id or 0 if absent. */
uint32_t strtab_find(const struct strtab *t, const char *s, size_t len);
/* NULL for id 0. */
const char *strtab_get(const struct strtab *t, uint32_t id);
uint32_t strtab_len(const struct strtab *t, uint32_t id);

#endif
