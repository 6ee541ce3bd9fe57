/* jsonw: a streaming JSON writer that appends to a struct buf. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_JSONW_H
#define TOKMETER_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Contract: jsonw_init() binds a writer to a caller-owned buf; the writer
 * owns nothing and needs no release. Calls append one token each, adding
 * commas, colons, newlines and indentation themselves. Output matches
 * serde_json byte for byte: compact (indent 0) is `{"a":1,"b":[1,2]}`;
 * pretty (indent 2) is serde_json's PrettyFormatter, empty containers as
 * `{}` / `[]`, no trailing newline. Keys are written in call order (sort
 * them yourself when matching serde_json's sorted maps).
 *
 * Every call returns the writer's sticky error: 0, ERR_RANGE when the buf's
 * max was hit, or ERR_INTERNAL on misuse (a value in an object without a
 * key, a key in an array, a mismatched end, nesting deeper than
 * JSONW_MAX_DEPTH, a second top-level value). Misuse asserts in debug
 * builds; in release builds the bad call writes nothing. After the first
 * error every call is a no-op, so callers may check jsonw_finish() only.
 *
 * Strings are escaped per RFC 8259 as serde_json does: `"` `\\`, the short
 * forms \b \f \n \r \t, other control characters as \u00XX (lower-case hex);
 * UTF-8 passes through; each maximal invalid UTF-8 subsequence becomes
 * U+FFFD (as Rust's from_utf8_lossy), so the output is always valid JSON.
 *
 * Doubles are printed as serde_json (ryu) prints f64: the shortest digits
 * that read back to the same double (closest to it when several), laid out
 * as `0.1`, `5.0`, `0.00001`, `1e-7`, `1234567890123456.0`, `1e16`,
 * `1.2345678901234568e17`: plain decimal while 1e-5 <= |v| < 1e16, else
 * `d.ddde[-]X`. -0.0 prints as `-0.0`; NaN and infinities as `null`.
 */

#define JSONW_MAX_DEPTH 32
/* Buffer size that always holds jsonw_dtoa()'s output plus the NUL. */
#define JSONW_DTOA_MAX 32

/* jsonw_dtoa() flag: integral values print as integers (`5`, not `5.0`). */
#define JSONW_INTEGRAL 1u

struct jsonw {
  struct buf *out;
  int indent; /* spaces per level; 0 = compact */
  int depth;
  int err;
  bool key_pending; /* a key was written; its value comes next */
  bool done;        /* a complete top-level value was written */
  bool has_items[JSONW_MAX_DEPTH];
  bool is_obj[JSONW_MAX_DEPTH];
};

/* indent: 0 for one compact line, else spaces per level (2 = serde). */
void jsonw_init(struct jsonw *w, struct buf *out, int indent);
/* 0 when exactly one complete value was written without error. */
int jsonw_finish(const struct jsonw *w);

int jsonw_obj_begin(struct jsonw *w);
int jsonw_obj_end(struct jsonw *w);
int jsonw_arr_begin(struct jsonw *w);
int jsonw_arr_end(struct jsonw *w);
/* The member name for the next value; only inside an object. */
int jsonw_key(struct jsonw *w, const char *key);
int jsonw_keyn(struct jsonw *w, const char *key, size_t len);

int jsonw_str(struct jsonw *w, const char *s, size_t len);
/* s == NULL writes null. */
int jsonw_strz(struct jsonw *w, const char *s);
int jsonw_uint(struct jsonw *w, uint64_t v);
int jsonw_int(struct jsonw *w, int64_t v);
/* As serde_json prints an f64 (see above). */
int jsonw_double(struct jsonw *w, double v);
/* As jsonw_double, but an integral value below 2^63 in magnitude prints as
 * an integer (`12`, `0`): ccusage's blocks costUSD. */
int jsonw_double_compact(struct jsonw *w, double v);
int jsonw_bool(struct jsonw *w, bool v);
int jsonw_null(struct jsonw *w);

/*
 * Formats v into out (NUL-terminated, at most JSONW_DTOA_MAX bytes with
 * the NUL) as jsonw_double() would write it, or as jsonw_double_compact()
 * with JSONW_INTEGRAL. Returns the length.
 */
size_t jsonw_dtoa(double v, unsigned flags, char *out);

/* Appends s as a quoted, escaped JSON string. Returns 0 or ERR_RANGE. */
int jsonw_quote(struct buf *out, const char *s, size_t len);

/*
 * Decodes the UTF-8 sequence at s (len > 0): returns how many bytes it
 * takes (>= 1) and sets *cp. An invalid sequence yields U+FFFD and the
 * length of its maximal invalid prefix (at least 1), as the Unicode
 * standard recommends. Shared with the table renderer.
 */
size_t jsonw_utf8_next(const char *s, size_t len, uint32_t *cp);

#endif
