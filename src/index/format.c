/* The index file's layout. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "index/format.h"
#include "source/discover.h"
#include "util/hash.h"
#include "util/banned.h"

#define ENDIAN_MARK 0x01020304u
#define SEED_HEAD 0x5e6d4ead01ULL

void idx_header_make(struct buf *out, int64_t now_ms)
{
  struct idx_header h;

  memset(&h, 0, sizeof(h));
  memcpy(h.magic, IDX_MAGIC, sizeof(h.magic));
  h.version = IDX_VERSION;
  h.endian = ENDIAN_MARK;
  h.event_size = (uint32_t)sizeof(struct event);
  h.file_size = (uint32_t)sizeof(struct idx_file);
  h.created_ms = now_ms;
  buf_add(out, &h, sizeof(h));
}

int idx_header_check(const struct idx_header *h)
{
  if (memcmp(h->magic, IDX_MAGIC, sizeof(h->magic)) != 0 ||
      h->version != IDX_VERSION || h->endian != ENDIAN_MARK ||
      h->event_size != sizeof(struct event) ||
      h->file_size != sizeof(struct idx_file))
    return -1;
  return 0;
}

/*
 * The payload checksum: four lanes of a Fletcher-style running sum over
 * 64-bit words, mixed at the end. It catches torn writes and flipped
 * bits, which is its job, at memory speed: the warm path checks the whole
 * finished set on every run.
 */
static uint64_t checksum(const void *data, size_t len, uint64_t seed)
{
  const unsigned char *p = data;
  uint64_t a[4] = {seed, 1, 2, 3}, b[4] = {0, 0, 0, 0}, w, h;
  size_t i = 0;
  int l;

  for (; i + 32 <= len; i += 32)
    for (l = 0; l < 4; l++) {
      memcpy(&w, p + i + 8 * (size_t)l, 8);
      a[l] += w;
      b[l] += a[l];
    }
  h = hash64(p + i, len - i, seed ^ len);
  for (l = 0; l < 4; l++)
    h = hash64(&(uint64_t[2]){a[l], b[l]}, 16, h);
  return h;
}

static uint64_t head_hash(const struct idx_seg_head *h)
{
  return hash64(h, offsetof(struct idx_seg_head, self), SEED_HEAD);
}

static void head_make(struct idx_seg_head *h, uint32_t kind, uint32_t count,
                      const void *payload, size_t len)
{
  memset(h, 0, sizeof(*h));
  h->kind = kind;
  h->count = count;
  h->len = len;
  h->check = checksum(payload, len, kind);
  h->self = head_hash(h);
}

static size_t pad_of(uint64_t len)
{
  return (size_t)((IDX_ALIGN - len % IDX_ALIGN) % IDX_ALIGN);
}

void idx_seg_add(struct buf *out, uint32_t kind, uint32_t count,
                 const void *payload, size_t len)
{
  struct idx_seg_head h;

  head_make(&h, kind, count, payload, len);
  buf_add(out, &h, sizeof(h));
  if (len)
    buf_add(out, payload, len);
  buf_addrep(out, 0, pad_of(len));
}

static int write_all(int fd, const void *p, size_t n)
{
  const char *c = p;

  while (n) {
    ssize_t w = write(fd, c, n);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

int idx_seg_write(int fd, uint32_t kind, uint32_t count, const void *payload,
                  size_t len)
{
  static const char zeros[IDX_ALIGN];
  struct idx_seg_head h;

  head_make(&h, kind, count, payload, len);
  if (write_all(fd, &h, sizeof(h)) || (len && write_all(fd, payload, len)) ||
      write_all(fd, zeros, pad_of(len)))
    return -1;
  return 0;
}

size_t idx_seg_size(size_t len)
{
  return sizeof(struct idx_seg_head) + len + pad_of(len);
}

size_t idx_seg_write_pad(int fd, size_t off)
{
  static const char zeros[IDX_PAGE];
  size_t head = sizeof(struct idx_seg_head);
  size_t len = (IDX_PAGE - (off + 2 * head) % IDX_PAGE) % IDX_PAGE;

  return idx_seg_write(fd, SEG_PAD, 0, zeros, len) ? 0 : head + len;
}

void idx_seg_strings(struct buf *out, const struct strtab *st, uint32_t from)
{
  struct buf p = BUF_INIT;
  uint32_t id;

  for (id = from ? from : 1; id < st->n; id++) {
    uint32_t n = strtab_len(st, id);

    buf_add(&p, &n, sizeof(n));
    buf_add(&p, strtab_get(st, id), n);
    buf_addrep(&p, 0, (4 - n % 4) % 4);
  }
  idx_seg_add(out, SEG_STRINGS, st->n - (from ? from : 1), p.data, p.len);
  buf_release(&p);
}

int idx_seg_next(const unsigned char *data, size_t len, size_t *pos,
                 struct idx_seg_head *head, const unsigned char **payload,
                 int verify)
{
  size_t at = *pos;

  if (len - at < sizeof(*head))
    return -1;
  memcpy(head, data + at, sizeof(*head));
  if (head->self != head_hash(head) || head->len > len - at - sizeof(*head) ||
      pad_of(head->len) > len - at - sizeof(*head) - head->len)
    return -1;
  *payload = data + at + sizeof(*head);
  if (verify && idx_seg_verify(head, *payload))
    return -1;
  *pos = at + sizeof(*head) + (size_t)head->len + pad_of(head->len);
  return 0;
}

int idx_seg_verify(const struct idx_seg_head *head,
                   const unsigned char *payload)
{
  return checksum(payload, (size_t)head->len, head->kind) == head->check ? 0
                                                                         : -1;
}

int idx_strings_load(struct strtab *st, const struct idx_seg_head *head,
                     const unsigned char *payload)
{
  size_t at = 0, len = (size_t)head->len;
  uint32_t i;

  for (i = 0; i < head->count; i++) {
    uint32_t n;

    if (len - at < sizeof(n))
      return -1;
    memcpy(&n, payload + at, sizeof(n));
    at += sizeof(n);
    if (n > len - at)
      return -1;
    if (strtab_intern(st, (const char *)payload + at, n) != st->n - 1 ||
        strtab_len(st, st->n - 1) != n)
      return -1;
    at += n + (4 - n % 4) % 4;
    if (at > len)
      return -1;
  }
  return 0;
}

void idx_seg_dirs(struct buf *out, const struct discover_dir *dirs, size_t n,
                  int listed_only)
{
  struct buf p = BUF_INIT;
  uint32_t count = 0;
  size_t i;

  for (i = 0; i < n; i++) {
    const struct discover_dir *d = &dirs[i];
    struct idx_dir_head h;

    if (listed_only && !d->listed)
      continue;
    memset(&h, 0, sizeof(h));
    h.dev = d->dev;
    h.ino = d->ino;
    h.mtime_ns = d->mtime_ns;
    h.path_len = (uint32_t)strlen(d->path);
    h.names_len = (uint32_t)d->names_len;
    buf_add(&p, &h, sizeof(h));
    buf_add(&p, d->path, h.path_len + 1);
    buf_add(&p, d->names, d->names_len);
    buf_addrep(&p, 0, pad_of(p.len));
    count++;
  }
  if (count)
    idx_seg_add(out, SEG_DIRS, count, p.data, p.len);
  buf_release(&p);
}
