/* cache: show or remove the index (and the quota readings). */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/civil.h"
#include "index/dir.h"
#include "index/index.h"
#include "index/quota.h"
#include "report/fmt.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/banned.h"

static void usage(FILE *f)
{
  fprintf(f,
          "usage: tokmeter cache info [--json]\n"
          "       tokmeter cache clear [--all]\n\n"
          "The index in $XDG_CACHE_HOME/tokmeter (default ~/.cache/tokmeter) "
          "lets\nreports read only what transcripts gained since the last "
          "run. It also\nkeeps the calls of transcripts Claude Code has "
          "deleted.\n\n"
          "  info         where it is, what each index holds\n"
          "  clear        remove the indexes and the dashboard's stores\n"
          "               (rebuilt on the next report or dashboard;\n"
          "               calls of deleted transcripts are lost)\n"
          "  --all        with clear: also the plan-quota readings\n"
          "  -j, --json   info as JSON\n"
          "  -h, --help   this help\n");
}

static void roots_json(struct jsonw *w, const char *roots)
{
  const char *p = roots;

  jsonw_arr_begin(w);
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);

    jsonw_str(w, p, n);
    p += n + (nl != NULL);
  }
  jsonw_arr_end(w);
}

static void info_json(struct buf *out, const char *dir,
                      const struct index_info *v, size_t n, size_t nquota)
{
  struct jsonw w;
  size_t i;

  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "directory");
  jsonw_strz(&w, dir);
  jsonw_key(&w, "indexes");
  jsonw_arr_begin(&w);
  for (i = 0; i < n; i++) {
    jsonw_obj_begin(&w);
    jsonw_key(&w, "path");
    jsonw_strz(&w, v[i].path);
    jsonw_key(&w, "roots");
    roots_json(&w, v[i].roots);
    jsonw_key(&w, "bytes");
    jsonw_uint(&w, v[i].bytes);
    jsonw_key(&w, "storeBytes");
    jsonw_uint(&w, v[i].store_bytes);
    jsonw_key(&w, "sound");
    jsonw_bool(&w, v[i].sound);
    jsonw_key(&w, "filesOnDisk");
    jsonw_uint(&w, v[i].files_live);
    jsonw_key(&w, "filesDeleted");
    jsonw_uint(&w, v[i].files_gone);
    jsonw_key(&w, "calls");
    jsonw_uint(&w, v[i].events);
    jsonw_key(&w, "copies");
    jsonw_uint(&w, v[i].copies);
    jsonw_key(&w, "journalSegments");
    jsonw_uint(&w, v[i].journal_segments);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_key(&w, "quotaReadings");
  jsonw_uint(&w, nquota);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
}

static void info_text(struct buf *out, const char *dir,
                      const struct index_info *v, size_t n, size_t nquota)
{
  size_t i;

  buf_addf(out, "cache directory: %s\n", dir);
  if (!n)
    buf_adds(out, "no index yet (the next report builds one)\n");
  for (i = 0; i < n; i++) {
    const char *p = v[i].roots;
    char day[16];

    buf_addf(out, "\nindex %s\n  size: ", v[i].path);
    fmt_uint(out, v[i].bytes >> 10);
    buf_adds(out, " KB");
    if (v[i].store_bytes) {
      buf_adds(out, " (dashboard store: ");
      fmt_uint(out, v[i].store_bytes >> 10);
      buf_adds(out, " KB)");
    }
    if (!v[i].sound) {
      buf_adds(out, "\n  damaged or from another version: rebuilt on "
                    "next use\n");
      continue;
    }
    civil_fmt_date(civil_floor_div(v[i].created_ms, 86400000), day);
    buf_addf(out, ", written %s\n", day);
    while (*p) {
      const char *nl = strchr(p, '\n');
      size_t k = nl ? (size_t)(nl - p) : strlen(p);

      buf_adds(out, "  transcripts under: ");
      fmt_printable(out, p, k);
      buf_addch(out, '\n');
      p += k + (nl != NULL);
    }
    buf_addf(out, "  files: %zu on disk, %zu deleted (their calls kept)\n",
             v[i].files_live, v[i].files_gone);
    buf_addf(out,
             "  API calls: %zu in the base, %zu copies, %zu journal "
             "segment%s\n",
             v[i].events, v[i].copies, v[i].journal_segments,
             v[i].journal_segments == 1 ? "" : "s");
  }
  buf_addf(out, "\nplan-quota readings: %zu\n", nquota);
}

static int info(struct app *app, const char *dir, int json)
{
  struct index_info *v;
  struct quota_reading *q;
  struct buf out = BUF_INIT;
  struct err e = ERR_INIT;
  size_t n, nq;
  int r;

  if (index_list(dir, &v, &n, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  if (quota_read_all(dir, &q, &nq, &e))
    nq = 0;
  free(q);
  if (json)
    info_json(&out, dir, v, n, nq);
  else
    info_text(&out, dir, v, n, nq);
  r = cmd_write_out(app, out.data, out.len);
  index_info_free(v, n);
  buf_release(&out);
  return r;
}

static int clear(struct app *app, const char *dir, int all)
{
  struct err e = ERR_INIT;
  size_t removed;
  char msg[128];

  if (index_clear(dir, all, &removed, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  snprintf(msg, sizeof(msg), "removed %zu file%s from %s\n", removed,
           removed == 1 ? "" : "s", dir);
  return cmd_write_out(app, msg, strlen(msg));
}

int cmd_cache(int argc, char **argv, struct app *app)
{
  static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                           {"all", no_argument, NULL, 'a'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  struct buf dir = BUF_INIT;
  struct err e = ERR_INIT;
  int c, json = 0, all = 0, r;
  const char *verb;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "jah", longopts, NULL)) != -1) {
    if (c == 'h') {
      usage(app->out);
      return EXIT_OK;
    }
    if (c == 'j')
      json = 1;
    else if (c == 'a')
      all = 1;
    else {
      cmd_error(app, "unknown option '%s' (see tokmeter cache --help)",
                argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  verb = optind < argc ? argv[optind] : NULL;
  if (!verb || optind + 1 != argc ||
      (strcmp(verb, "info") != 0 && strcmp(verb, "clear") != 0)) {
    cmd_error(app, "%s (expected: tokmeter cache info|clear)",
              verb ? "unknown cache command" : "missing cache command");
    return EXIT_USAGE;
  }
  if (index_dir(&dir, getenv("XDG_CACHE_HOME"), app->home, &e)) {
    cmd_error(app, "%s", e.msg);
    buf_release(&dir);
    return EXIT_ERROR;
  }
  r = !strcmp(verb, "info") ? info(app, dir.data, json)
                            : clear(app, dir.data, all);
  buf_release(&dir);
  return r;
}
