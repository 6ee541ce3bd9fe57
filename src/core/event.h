/* Usage events: one per billed API call, and the rule for which copy wins. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_EVENT_H
#define TOKMETER_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/usage.h"
#include "util/buf.h"
#include "util/strtab.h"

/* How an event is identified across copies (transcript-format.md §3.5). */
enum event_key_kind {
  EVENT_KEY_NONE = 0,  /* neither message.id nor uuid: its own event */
  EVENT_KEY_MSG_REQ,   /* (message.id, requestId) */
  EVENT_KEY_MSG_NOREQ, /* (message.id, absent requestId) */
  EVENT_KEY_UUID       /* no message.id: the record's uuid */
};

enum event_flag {
  EVENT_SIDECHAIN = 1 << 0,
  EVENT_FAST = 1 << 1,
  EVENT_HAS_COST = 1 << 2,
  EVENT_API_ERROR = 1 << 3,
  EVENT_NESTED = 1 << 4,  /* came from a progress record */
  EVENT_UUID_BIN = 1 << 5 /* uuid[] holds a canonical lowercase UUID */
};

/*
 * One API call. Strings are ids in a struct strtab that the owner of the
 * event keeps beside it (0 = absent). key[0] is the hash of message.id for
 * the message kinds, which the sidechain rule groups by; key[0..1] together
 * identify the call (128 bits, so distinct calls never merge in practice).
 */
struct event {
  uint64_t key[2];
  int64_t ts_ms; /* UTC milliseconds */
  struct tokens tok;
  double cost_usd;     /* costUSD from the transcript (EVENT_HAS_COST) */
  int64_t limit_reset; /* unix seconds from "usage limit reached|N" */
  uint64_t web_search; /* web search requests */
  uint32_t session;    /* sessionId, else the file's stem */
  uint32_t model;      /* message.model, with no "-fast" added */
  uint32_t cwd;        /* cwd of the record */
  uint32_t file;       /* path of the file the winning copy came from */
  uint32_t uuid_str;   /* uuid when not EVENT_UUID_BIN */
  uint32_t user;       /* team server: whose call; 0 on this machine */
  uint32_t machine;    /* team server: which machine sent it; 0 here */
  uint8_t uuid[16];    /* binary uuid when EVENT_UUID_BIN */
  uint8_t key_kind;    /* enum event_key_kind */
  uint8_t flags;       /* enum event_flag */
};

/*
 * Builds the event for a parsed record, interning its strings in st.
 * `file` and `stem` are ids in st of the source path and its file stem.
 */
void event_from_rec(struct event *ev, const struct usage_rec *r,
                    struct strtab *st, uint32_t file, uint32_t stem);

/* The key of a call known only by its record's uuid (no message.id);
 * returns EVENT_KEY_UUID. */
int event_key_uuid(uint64_t key[2], const char *uuid, size_t n);

/* Sets ev's uuid from its text: binary when canonical lowercase, else
 * interned in st. */
void event_set_uuid(struct event *ev, struct strtab *st, const char *s,
                    size_t n);

/*
 * The key event_from_rec() gives a record with this message.id and
 * requestId (req may be NULL: absent): sets key[0..1] and returns
 * EVENT_KEY_MSG_REQ or EVENT_KEY_MSG_NOREQ. For code that meets the same
 * call elsewhere (a transcript's records) and must find its event.
 */
int event_key_msg(uint64_t key[2], const char *msg, size_t msg_len,
                  const char *req, size_t req_len);

/*
 * 1 if a should be kept instead of b, two copies of the same call:
 * non-sidechain first, then the largest total, the earliest timestamp, the
 * smallest session id, the smallest uuid (byte order), and, for copies that
 * differ in nothing else, their remaining fields, so the choice never
 * depends on the order copies arrive in.
 */
int event_better(const struct event *a, const struct event *b,
                 const struct strtab *st);

/*
 * The name an event's model is reported under, interned in `out`: the
 * model as written, with "-fast" for fast-mode calls (as ccusage shows
 * them); 0 for "<synthetic>" and missing models, which no report lists.
 * st holds the event's strings; tmp is scratch.
 */
uint32_t event_model_label(const struct event *ev, const struct strtab *st,
                           struct strtab *out, struct buf *tmp);

/* 1 when a and b are the same copy: every field equal, strings by id
 * (so both must use one table). */
int event_same(const struct event *a, const struct event *b);

/*
 * Moves ev's strings from table `from` to table `to` (interning them);
 * map[id] caches the new id of each id of `from` (from->n + 1 entries,
 * zeroed by the caller before the first call).
 */
void event_remap(struct event *ev, uint32_t *map, const struct strtab *from,
                 struct strtab *to);

/* Writes the uuid as text into out (37 bytes); "" when absent. */
void event_uuid(const struct event *ev, const struct strtab *st, char *out);

#endif
