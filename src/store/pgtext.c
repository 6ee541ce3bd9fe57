/* Text for the PostgreSQL store (pgtext.h). */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "store/pgtext.h"
#include "util/jsonw.h"
#include "util/banned.h"

#define ESC 0x01

/* Bytes at s that begin a valid UTF-8 sequence, or 0. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
  uint32_t cp;
  size_t k = jsonw_utf8_next((const char *)s, n, &cp);

  if (cp != 0xfffd)
    return k;
  return k == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] == 0xbd ? 3 : 0;
}

/* The bytes of s that are stored as they are, from the start. */
static size_t plain_prefix(const unsigned char *s, size_t n)
{
  size_t i = 0, k;

  while (i < n) {
    if (s[i] <= ESC)
      break;
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    if (!(k = valid_seq(s + i, n - i)))
      break;
    i += k;
  }
  return i;
}

const char *pgtext_encode(const char *s, size_t n, struct buf *tmp,
                          size_t *outn)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = plain_prefix(u, n), k;

  *outn = n;
  if (i == n)
    return s;
  buf_reset(tmp);
  buf_add(tmp, s, i);
  while (i < n) {
    if (u[i] <= ESC) {
      buf_addch(tmp, ESC);
      buf_addch(tmp, (char)(u[i] + 1));
      i++;
    } else if (u[i] < 0x80) {
      buf_addch(tmp, (char)u[i++]);
    } else if ((k = valid_seq(u + i, n - i))) {
      buf_add(tmp, s + i, k);
      i += k;
    } else {
      unsigned cp = 0x100u + u[i++];

      buf_addch(tmp, ESC);
      buf_addch(tmp, (char)(0xc0 | (cp >> 6)));
      buf_addch(tmp, (char)(0x80 | (cp & 0x3f)));
    }
  }
  *outn = tmp->len;
  return tmp->data;
}

const char *pgtext_decode(const char *s, size_t n, struct buf *tmp,
                          size_t *outn)
{
  const unsigned char *u = (const unsigned char *)s;
  const char *esc = memchr(s, ESC, n);
  size_t i;

  *outn = n;
  if (!esc)
    return s;
  i = (size_t)(esc - s);
  buf_reset(tmp);
  buf_add(tmp, s, i);
  while (i < n) {
    if (u[i] == ESC && i + 1 < n && (u[i + 1] == 1 || u[i + 1] == 2)) {
      buf_addch(tmp, (char)(u[i + 1] - 1));
      i += 2;
    } else if (u[i] == ESC && i + 2 < n &&
               (u[i + 1] == 0xc6 || u[i + 1] == 0xc7) &&
               (u[i + 2] & 0xc0) == 0x80) {
      unsigned cp = (unsigned)(u[i + 1] & 0x1f) << 6 | (u[i + 2] & 0x3f);

      buf_addch(tmp, (char)(cp - 0x100));
      i += 3;
    } else {
      buf_addch(tmp, (char)u[i++]); /* not written by us: as it is */
    }
  }
  *outn = tmp->len;
  return tmp->data;
}

/* Where target's passwords are: up to 4 (start, length) pairs. libpq's
 * reading: user info ends at the first '@' before any '/'. */
static size_t secrets(const char *t, size_t *at, size_t *len)
{
  const char *p = strstr(t, "://"), *end, *c, *q;
  size_t n = 0;

  p = p ? p + 3 : t;
  end = p + strcspn(p, "@/");
  if (*end == '@' && (c = memchr(p, ':', (size_t)(end - p))) && end > c + 1) {
    at[n] = (size_t)(c + 1 - t);
    len[n++] = (size_t)(end - c - 1);
  }
  q = strchr(*end == '@' ? end : p, '?');
  while (q && n < 4) {
    q++;
    if (!strncmp(q, "password=", 9) && strcspn(q + 9, "&")) {
      at[n] = (size_t)(q + 9 - t);
      len[n++] = strcspn(q + 9, "&");
    }
    q = strchr(q, '&');
  }
  return n;
}

void pgtext_mask(const char *target, struct buf *out)
{
  size_t at[4], len[4], n = secrets(target, at, len), i, from = 0;

  for (i = 0; i < n; i++) {
    buf_add(out, target + from, at[i] - from);
    buf_adds(out, "***");
    from = at[i] + len[i];
  }
  buf_adds(out, target + from);
}

void pgtext_scrub(const char *target, struct buf *line)
{
  size_t at[4], len[4], n = secrets(target, at, len), i;

  for (i = 0; i < n; i++) {
    struct buf out = BUF_INIT;
    const char *p = line->data, *hit;

    while ((hit = memmem(p, line->len - (size_t)(p - line->data),
                         target + at[i], len[i]))) {
      buf_add(&out, p, (size_t)(hit - p));
      buf_adds(&out, "***");
      p = hit + len[i];
    }
    if (p == line->data) {
      buf_release(&out);
      continue;
    }
    buf_add(&out, p, line->len - (size_t)(p - line->data));
    buf_release(line);
    *line = out;
  }
}

void pgtext_one_line(const char *msg, struct buf *out)
{
  size_t start = out->len;
  int space = 0;

  for (; *msg; msg++) {
    if (*msg == ' ' || *msg == '\n' || *msg == '\t' || *msg == '\r') {
      space = 1;
      continue;
    }
    if (space && out->len > start)
      buf_addch(out, ' ');
    space = 0;
    buf_addch(out, *msg);
  }
}
