/* Prompts and their turns (GET /api/prompts, turns[].prompt), redaction. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_PROMPTS_H
#define TOKMETER_REPORT_PROMPTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "source/records.h"
#include "util/buf.h"

/* Characters of a prompt shown by /api/prompts and by turns[].prompt. */
#define PROMPTS_PREVIEW_CHARS 280
#define PROMPTS_TURN_CHARS 200

/*
 * A prompt (a RECORD_USER_PROMPT) owns its turn: the API calls of the
 * assistant records after it in the same file, up to the next prompt. A
 * call is found in the finished set by its event key and counts for the
 * file its kept copy came from, so a resumed file's copied history does
 * not count twice. Only calls the filter keeps count; prompts without
 * such calls are left out.
 */
struct prompt_row {
  int64_t at;       /* the prompt's timestamp, UTC ms */
  uint32_t session; /* id in set->strs of the first call's session */
  uint32_t project; /* id in pm->names, 0 when unknown */
  uint64_t calls, unpriced;
  struct tokens tok;
  double cost;
  size_t first;  /* index in set->ev of the turn's first kept call */
  char *preview; /* owned: redacted, at most preview_chars characters */
};

/* Borrows set, pm, filter (and its pricer); owns rows[] and the index
 * of the set's keys. prompts_release() frees them. */
struct prompts {
  const struct dedup *set;
  const struct project_map *pm;
  const struct agg_filter *f;
  size_t preview_chars; /* characters kept of each preview */
  int one_line;         /* previews by prompts_preview_line() */
  struct prompt_row *rows;
  size_t n, cap;
  uint32_t *slots; /* open addressing over set->ev: index + 1 */
  size_t nslots;
  uint32_t *mark; /* by event: the last turn it was counted in */
  uint32_t turn;
};

void prompts_init(struct prompts *p, const struct dedup *set,
                  const struct project_map *pm, const struct agg_filter *f);
void prompts_release(struct prompts *p);

/*
 * As prompts_init(), for turns[].prompt of GET /api/sessions/{id}: the
 * previews keep PROMPTS_TURN_CHARS characters on one line. Add the
 * session's files with prompts_add(), then call prompts_by_call().
 */
void prompts_init_turns(struct prompts *p, const struct dedup *set,
                        const struct project_map *pm,
                        const struct agg_filter *f);

/* Sorts rows[] by their first call, as prompts_turn() needs. */
void prompts_by_call(struct prompts *p);

/*
 * The prompt whose turn starts with set->ev[ev] (the first of its calls
 * the filter keeps), or NULL; borrowed from p. rows[] must be sorted by
 * prompts_by_call().
 */
const struct prompt_row *prompts_turn(const struct prompts *p, size_t ev);

/* Index of the event with this key in the set, or -1. */
long prompts_find(const struct prompts *p, const uint64_t key[2], int key_kind);

/* Adds the prompts of one file's records; path as the set names it. */
void prompts_add(struct prompts *p, const struct records *r, const char *path);

/*
 * Appends {"prompts": [...]}: the `limit` costliest turns (ties: more
 * tokens, then the earlier prompt), with sessionId, project, at, usage
 * and preview. Sorts rows[].
 */
void prompts_json(struct buf *out, struct prompts *p, size_t limit);

/*
 * Appends s[0..n) (valid UTF-8) with likely secrets replaced by
 * "[redacted]": sk-, ghp_/gho_/ghu_/ghs_/ghr_/github_pat_ and
 * xox[abprs]- tokens, AWS key ids (AKIA + 16), PEM private key blocks,
 * and values of 32 or more [A-Za-z0-9+/=_.-] after a key, token, secret
 * or password name and '=' or ':'.
 */
void prompts_redact(const char *s, size_t n, struct buf *out);

/* Redacts s, then keeps at most max_chars characters of it. */
void prompts_preview(const char *s, size_t n, size_t max_chars,
                     struct buf *out);

/*
 * As prompts_preview(), on one line: after redaction, each run of ASCII
 * whitespace (space, tab, CR, LF, FF, VT) becomes one space and the ends
 * lose theirs, before the cut.
 */
void prompts_preview_line(const char *s, size_t n, size_t max_chars,
                          struct buf *out);

#endif
