/* Text for the PostgreSQL store: its strings, and targets in messages. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_PGTEXT_H
#define TOKMETER_STORE_PGTEXT_H

#include <stddef.h>

#include "util/buf.h"

/*
 * PostgreSQL text holds valid UTF-8 without NUL; the store's strings are
 * any bytes (SQLite keeps them as they are). pgtext_encode() gives the
 * text stored for a string: the string itself when it is valid UTF-8
 * without bytes 0x00 and 0x01 (every string a transcript line can hold
 * but a NUL), else the string with these escaped, 0x01 as the escape:
 *   0x00 -> 01 01,  0x01 -> 01 02,
 *   each byte b of an invalid UTF-8 sequence -> 01 and U+0100 + b in UTF-8.
 * Stored strings compare as the strings do, byte by byte, as long as
 * they are valid UTF-8 (NULs and all); equal strings are equal texts, and
 * pgtext_decode() gives back every string exactly.
 *
 * Both return s itself or tmp's bytes (valid until tmp changes), with the
 * length in *outn.
 */
const char *pgtext_encode(const char *s, size_t n, struct buf *tmp,
                          size_t *outn);
const char *pgtext_decode(const char *s, size_t n, struct buf *tmp,
                          size_t *outn);

/* Appends target to out with its passwords (user:PASSWORD@ and the query
 * parameter password=PASSWORD) shown as "***". */
void pgtext_mask(const char *target, struct buf *out);

/* Replaces each copy of one of target's passwords in line by "***" (libpq
 * quotes what of a target it cannot parse). */
void pgtext_scrub(const char *target, struct buf *line);

/* Appends msg as one line: white space runs become one space, and none
 * is left at either end (libpq's messages span lines). */
void pgtext_one_line(const char *msg, struct buf *out);

#endif
