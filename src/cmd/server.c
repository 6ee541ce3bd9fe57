/* server: the team server (issue 6) and its token commands. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/srv.h"
#include "core/civil.h"
#include "http/netaddr.h"
#include "http/server.h"
#include "index/dir.h"
#include "source/prices_file.h"
#include "source/readfile.h"
#include "source/tzfile.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_PORT 10103
#define MAX_BODY (8u << 20)
#define DAY_MS 86400000LL

struct srv_opts {
  const char *host, *db, *public_, *identity, *tz;
  const char *rate, *origins, *trusted, *cert, *key;
  unsigned port;
};

static void usage(FILE *f)
{
  fprintf(f,
          "usage: tokmeter server [--host H] [--port N] [--db PATH|URL] "
          "[--public LEVEL]\n"
          "                       [--identity id|email] [--tz ZONE]\n"
          "       tokmeter server token create --user U --scope S "
          "[--label L] [--expires DAYS]\n"
          "       tokmeter server token list [--json]\n"
          "       tokmeter server token revoke ID\n\n"
          "The team server: takes usage from many machines (POST "
          "/api/ingest/messages,\nwith a token) and serves it (docs/api.md). "
          "On its first start with an empty\nstore it makes an admin token "
          "and prints it, once.\n\n"
          "options (each also read from the variable in brackets):\n"
          "      --host H        address to bind (default 127.0.0.1) "
          "[TOKMETER_HOST]\n"
          "      --port N        port (default %d; 0: any free port) "
          "[TOKMETER_PORT]\n"
          "      --db PATH|URL   the store: an SQLite file (default "
          "$XDG_DATA_HOME/\n"
          "                      tokmeter/server.db) [TOKMETER_DB]\n"
          "      --public LEVEL  what answers without a token: totals "
          "(default: /health\n"
          "                      and team totals), all, or none "
          "[TOKMETER_PUBLIC]\n"
          "      --identity M    with an enroll token, users are named by "
          "a random id\n"
          "                      (default) or by e-mail [TOKMETER_IDENTITY]\n"
          "      --tz ZONE       zone of days (default: local) "
          "[TOKMETER_TZ]\n"
          "      --rate-limit N/min  requests a minute per token (default "
          "120; a quarter\n"
          "                      of it at once) [TOKMETER_RATE_LIMIT]\n"
          "      --allowed-origins LIST  origins whose pages may call the API "
          "(CORS)\n"
          "                      [TOKMETER_ALLOWED_ORIGINS]\n"
          "      --trusted-proxy CIDRS  proxies whose X-Forwarded-For the "
          "audit log\n"
          "                      believes [TOKMETER_TRUSTED_PROXY]\n"
          "      --tls-cert F, --tls-key F  serve HTTPS with this PEM "
          "certificate\n"
          "                      and key [TOKMETER_TLS_CERT, "
          "TOKMETER_TLS_KEY]\n"
          "  -h, --help          this help\n\n"
          "token scopes: ingest (send one's own usage), read (dashboard and "
          "API),\nenroll (a team's shared ingest token), admin "
          "(everything)\n",
          DEFAULT_PORT);
}

/* An option's value: the flag's, else the environment's, else def. */
static const char *opt_env(const char *flag, const char *var, const char *def)
{
  const char *v = getenv(var);

  return flag ? flag : v && *v ? v : def;
}

/* The store's place: --db, TOKMETER_DB, else the data directory. */
static int db_target(const struct srv_opts *o, struct app *app, struct buf *out)
{
  const char *xdg = getenv("XDG_DATA_HOME");
  struct err e = ERR_INIT;

  if (o->db) {
    buf_adds(out, o->db);
    return 0;
  }
  if (xdg && *xdg == '/')
    buf_addf(out, "%s/tokmeter", xdg);
  else if (app->home && *app->home)
    buf_addf(out, "%s/.local/share/tokmeter", app->home);
  else {
    cmd_error(app, "no place for the store: set --db, XDG_DATA_HOME or "
                   "HOME");
    return -1;
  }
  if (index_dir_make(out->data, &e)) {
    cmd_error(app, "%s", e.msg);
    return -1;
  }
  buf_adds(out, "/server.db");
  return 0;
}

static int open_db(const struct srv_opts *o, struct app *app, struct store **s)
{
  struct buf target = BUF_INIT;
  struct err e = ERR_INIT;
  int r = db_target(o, app, &target);

  if (!r && store_open(s, target.data, &e)) {
    cmd_error(app, "%s", e.msg);
    r = -1;
  }
  buf_release(&target);
  return r;
}

static int parse_common(int argc, char **argv, struct srv_opts *o,
                        struct app *app, int *json, const char **user,
                        const char **scope, const char **label,
                        const char **expires)
{
  enum {
    O_HOST = 1000,
    O_PORT,
    O_DB,
    O_PUBLIC,
    O_IDENTITY,
    O_TZ,
    O_USER,
    O_SCOPE,
    O_LABEL,
    O_EXPIRES,
    O_RATE,
    O_ORIGINS,
    O_TRUSTED,
    O_CERT,
    O_KEY
  };
  static const struct option longopts[] = {
      {"host", required_argument, NULL, O_HOST},
      {"port", required_argument, NULL, O_PORT},
      {"db", required_argument, NULL, O_DB},
      {"public", required_argument, NULL, O_PUBLIC},
      {"identity", required_argument, NULL, O_IDENTITY},
      {"tz", required_argument, NULL, O_TZ},
      {"user", required_argument, NULL, O_USER},
      {"scope", required_argument, NULL, O_SCOPE},
      {"label", required_argument, NULL, O_LABEL},
      {"expires", required_argument, NULL, O_EXPIRES},
      {"rate-limit", required_argument, NULL, O_RATE},
      {"allowed-origins", required_argument, NULL, O_ORIGINS},
      {"trusted-proxy", required_argument, NULL, O_TRUSTED},
      {"tls-cert", required_argument, NULL, O_CERT},
      {"tls-key", required_argument, NULL, O_KEY},
      {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *port = NULL;
  char *end;
  long v;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
    switch (c) {
    case O_HOST:
      o->host = optarg;
      break;
    case O_PORT:
      port = optarg;
      break;
    case O_DB:
      o->db = optarg;
      break;
    case O_PUBLIC:
      o->public_ = optarg;
      break;
    case O_IDENTITY:
      o->identity = optarg;
      break;
    case O_TZ:
      o->tz = optarg;
      break;
    case O_USER:
      *user = optarg;
      break;
    case O_SCOPE:
      *scope = optarg;
      break;
    case O_LABEL:
      *label = optarg;
      break;
    case O_EXPIRES:
      *expires = optarg;
      break;
    case O_RATE:
      o->rate = optarg;
      break;
    case O_ORIGINS:
      o->origins = optarg;
      break;
    case O_TRUSTED:
      o->trusted = optarg;
      break;
    case O_CERT:
      o->cert = optarg;
      break;
    case O_KEY:
      o->key = optarg;
      break;
    case 'j':
      *json = 1;
      break;
    case 'h':
      usage(app->out);
      return 1;
    default:
      cmd_error(app, "unknown option '%s' (see tokmeter server --help)",
                argv[optind - 1]);
      return -1;
    }
  }
  o->host = opt_env(o->host, "TOKMETER_HOST", "127.0.0.1");
  o->db = opt_env(o->db, "TOKMETER_DB", NULL);
  o->public_ = opt_env(o->public_, "TOKMETER_PUBLIC", "totals");
  o->identity = opt_env(o->identity, "TOKMETER_IDENTITY", "id");
  o->tz = opt_env(o->tz, "TOKMETER_TZ", NULL);
  o->rate = opt_env(o->rate, "TOKMETER_RATE_LIMIT", "120/min");
  o->origins = opt_env(o->origins, "TOKMETER_ALLOWED_ORIGINS", NULL);
  o->trusted = opt_env(o->trusted, "TOKMETER_TRUSTED_PROXY", NULL);
  o->cert = opt_env(o->cert, "TOKMETER_TLS_CERT", NULL);
  o->key = opt_env(o->key, "TOKMETER_TLS_KEY", NULL);
  port = opt_env(port, "TOKMETER_PORT", NULL);
  o->port = DEFAULT_PORT;
  if (port) {
    v = strtol(port, &end, 10);
    if (*end || end == port || v < 0 || v > 65535) {
      cmd_error(app, "invalid --port '%s' (expected 0 to 65535)", port);
      return -1;
    }
    o->port = (unsigned)v;
  }
  return 0;
}

static void print_tokens(struct app *app, const struct token *v, size_t n,
                         int json)
{
  struct buf out = BUF_INIT;
  char day[16];
  size_t i;

  if (json) {
    struct jsonw w;

    jsonw_init(&w, &out, 1);
    jsonw_arr_begin(&w);
    for (i = 0; i < n; i++) {
      jsonw_obj_begin(&w);
      jsonw_key(&w, "id");
      jsonw_strz(&w, v[i].id);
      jsonw_key(&w, "user");
      jsonw_strz(&w, v[i].user);
      jsonw_key(&w, "scope");
      jsonw_strz(&w, token_scope_name(v[i].scope));
      jsonw_key(&w, "label");
      jsonw_strz(&w, v[i].label);
      jsonw_key(&w, "revoked");
      jsonw_bool(&w, v[i].revoked != 0);
      jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    buf_addch(&out, '\n');
  } else {
    buf_addf(&out, "%-20s  %-16s  %-6s  %-10s  %s\n", "ID", "USER", "SCOPE",
             "EXPIRES", "LABEL");
    for (i = 0; i < n; i++) {
      if (v[i].expires)
        civil_fmt_date(civil_floor_div(v[i].expires, DAY_MS), day);
      buf_addf(&out, "%-20s  %-16s  %-6s  %-10s  %s%s\n", v[i].id, v[i].user,
               token_scope_name(v[i].scope), v[i].expires ? day : "never",
               v[i].label, v[i].revoked ? " (revoked)" : "");
    }
  }
  cmd_write_out(app, out.data, out.len);
  buf_release(&out);
}

/* tokmeter server token create|list|revoke */
static int token_cmd(int argc, char **argv, struct app *app)
{
  struct srv_opts o;
  const char *user = NULL, *scope = NULL, *label = "cli", *expires = NULL;
  const char *sub = argc > 1 ? argv[1] : "";
  struct store *s = NULL;
  struct err e = ERR_INIT;
  int json = 0, r, sc;

  memset(&o, 0, sizeof(o));
  if ((r = parse_common(argc - 1, argv + 1, &o, app, &json, &user, &scope,
                        &label, &expires)))
    return r > 0 ? EXIT_OK : EXIT_USAGE;
  if (!strcmp(sub, "create")) {
    char secret[TOKEN_SECRET_LEN + 1];
    struct token t;
    int64_t exp = 0;
    char *end = NULL;
    long days;

    sc = token_scope_parse(scope ? scope : "");
    if (!user || !sc) {
      cmd_error(app, "token create needs --user U and --scope "
                     "ingest|read|enroll|admin");
      return EXIT_USAGE;
    }
    if (expires) {
      days = strtol(expires, &end, 10);
      if (!*expires || (*end && strcmp(end, "d") != 0) || days <= 0 ||
          days > 36500) {
        cmd_error(app, "invalid --expires '%s' (expected days: 90 or 90d)",
                  expires);
        return EXIT_USAGE;
      }
      exp = app->now_ms + days * DAY_MS;
    }
    if (open_db(&o, app, &s))
      return EXIT_ERROR;
    r = store_token_create(s, user, sc, label, app->now_ms, exp, secret, &t,
                           &e);
    store_close(s);
    if (r) {
      cmd_error(app, "%s", e.msg);
      return r == ERR_USAGE ? EXIT_USAGE : EXIT_ERROR;
    }
    fprintf(app->out, "%s\n", secret);
    fprintf(app->err,
            "tokmeter: made %s token %s for '%s'; the secret above is "
            "shown only now\n",
            token_scope_name(sc), t.id, user);
    memset(secret, 0, sizeof(secret));
    return EXIT_OK;
  }
  if (!strcmp(sub, "list")) {
    struct token *v = NULL;
    size_t n = 0;

    if (open_db(&o, app, &s))
      return EXIT_ERROR;
    r = store_token_list(s, &v, &n, &e);
    store_close(s);
    if (r) {
      cmd_error(app, "%s", e.msg);
      return EXIT_ERROR;
    }
    print_tokens(app, v, n, json);
    free(v);
    return EXIT_OK;
  }
  if (!strcmp(sub, "revoke")) {
    if (optind + 1 != argc - 1) {
      cmd_error(app, "token revoke needs one token id (see token list)");
      return EXIT_USAGE;
    }
    if (open_db(&o, app, &s))
      return EXIT_ERROR;
    r = store_token_revoke(s, argv[optind + 1], app->now_ms, &e);
    store_close(s);
    if (r) {
      cmd_error(app, "%s", e.msg);
      return EXIT_ERROR;
    }
    fprintf(app->err, "tokmeter: revoked %s\n", argv[optind + 1]);
    return EXIT_OK;
  }
  cmd_error(app, "unknown token command '%s' (create, list or revoke)", sub);
  return EXIT_USAGE;
}

/* On a store without tokens, makes the first admin token and prints it
 * once: nothing else could ever use the server. */
static int first_admin(struct srv *s, struct app *app)
{
  char secret[TOKEN_SECRET_LEN + 1];
  struct err e = ERR_INIT;
  struct token t;
  size_t n = 0;

  if (store_token_count(s->store, &n, &e) ||
      (!n && store_token_create(s->store, "admin", TOKEN_ADMIN, "first admin",
                                app->now_ms, 0, secret, &t, &e))) {
    cmd_error(app, "%s", e.msg);
    return -1;
  }
  if (!n) {
    fprintf(app->out,
            "tokmeter server: admin token (shown once, keep it safe):\n%s\n",
            secret);
    fflush(app->out);
    memset(secret, 0, sizeof(secret));
  }
  return 0;
}

/* --rate-limit N or N/min: requests a minute per token, a quarter of
 * that (at least 10) at once. */
static int rate_limit(struct srv *s, const char *v, struct app *app)
{
  char *end;
  long n = strtol(v, &end, 10);

  if (end == v || (*end && strcmp(end, "/min") != 0) || n < 1 || n > 10000000) {
    cmd_error(app, "invalid --rate-limit '%s' (expected N/min)", v);
    return -1;
  }
  ratelimit_init(&s->rl, (unsigned)n, n / 4 > 10 ? (unsigned)(n / 4) : 10);
  return 0;
}

/* Each range of --trusted-proxy parses. */
static int trusted_ok(const char *list, struct app *app)
{
  const char *p = list;
  struct err e = ERR_INIT;
  char one[64];

  while (p && *p) {
    size_t n = strcspn(p, ",");

    snprintf(one, sizeof(one), "%.*s", (int)(n < 63 ? n : 63), p);
    if (netaddr_cidr_check(one, &e)) {
      cmd_error(app, "--trusted-proxy: %s", e.msg);
      return -1;
    }
    p += n + (p[n] == ',');
  }
  return 0;
}

static int setup(struct srv *s, const struct srv_opts *o, struct app *app)
{
  struct err e = ERR_INIT;

  if (!strcmp(o->public_, "none"))
    s->pub = SRV_PUBLIC_NONE;
  else if (!strcmp(o->public_, "totals"))
    s->pub = SRV_PUBLIC_TOTALS;
  else if (!strcmp(o->public_, "all"))
    s->pub = SRV_PUBLIC_ALL;
  else {
    cmd_error(app, "invalid --public '%s' (expected totals, all or none)",
              o->public_);
    return EXIT_USAGE;
  }
  if (strcmp(o->identity, "id") != 0 && strcmp(o->identity, "email") != 0) {
    cmd_error(app, "invalid --identity '%s' (expected id or email)",
              o->identity);
    return EXIT_USAGE;
  }
  s->identity_email = !strcmp(o->identity, "email");
  if (rate_limit(s, o->rate, app) || trusted_ok(o->trusted, app))
    return EXIT_USAGE;
  s->trusted = o->trusted;
  if (o->tz && tz_load(&s->tz, o->tz, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_USAGE;
  }
  if (prices_load_user(&s->prices, NULL, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  if (open_db(o, app, &s->store) || first_admin(s, app) ||
      store_view_load(&s->view, s->store, &e) || srv_refresh(s, &e)) {
    if (e.code)
      cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

/* Frees the TLS files' contents, the key wiped first. */
static void forget(struct buf *cert, struct buf *key)
{
  if (key->data)
    memset(key->data, 0, key->len);
  buf_release(cert);
  buf_release(key);
}

/* "a, b" into a NULL-terminated array of trimmed strings. */
static char **split_list(const char *list)
{
  char **v = xcalloc(1, sizeof(*v));
  const char *p = list;
  size_t n = 0;

  while (p && *p) {
    size_t k = strcspn(p, ","), a = 0, b = k;

    while (a < b && p[a] == ' ')
      a++;
    while (b > a && p[b - 1] == ' ')
      b--;
    if (b > a) {
      v = xrealloc(v, (n + 2) * sizeof(*v));
      v[n++] = xstrndup(p + a, b - a);
      v[n] = NULL;
    }
    p += k + (p[k] == ',');
  }
  return v;
}

static void free_list(char **v)
{
  size_t i;

  for (i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

static int serve(struct srv *s, const struct srv_opts *o, struct app *app)
{
  static const char *const any_host[] = {"*", NULL};
  struct http_router router;
  struct http_server hs;
  struct http_config cfg;
  struct err e = ERR_INIT;
  struct buf cert = BUF_INIT, key = BUF_INIT;
  char **origins;
  pthread_t follower;
  sigset_t sigs;
  int r, following;

  if (!o->cert != !o->key) {
    cmd_error(app, "--tls-cert and --tls-key go together");
    return EXIT_USAGE;
  }
  if (o->cert && (readfile(o->cert, 1 << 20, &cert, &e) ||
                  readfile(o->key, 1 << 20, &key, &e))) {
    cmd_error(app, "%s", e.msg);
    forget(&cert, &key);
    return EXIT_ERROR;
  }
  origins = split_list(o->origins);
  http_router_init(&router);
  if (srv_add_routes(&router, s, &e)) {
    cmd_error(app, "%s", e.msg);
    http_router_release(&router);
    free_list(origins);
    forget(&cert, &key);
    return EXIT_ERROR;
  }
  cmd_signals_block(&sigs);
  memset(&hs, 0, sizeof(hs));
  memset(&cfg, 0, sizeof(cfg));
  cfg.host = o->host;
  cfg.port = o->port;
  cfg.router = &router;
  cfg.max_body = MAX_BODY;
  cfg.max_connections = 256;
  /* Reached through names and proxies the server cannot know: tokens,
   * not the Host header, keep it safe. */
  cfg.allowed_hosts = any_host;
  cfg.allowed_origins = (const char *const *)origins;
  cfg.tls_cert_pem = o->cert ? cert.data : NULL;
  cfg.tls_key_pem = o->key ? key.data : NULL;
  r = http_server_start(&hs, &cfg, &e);
  if (r) {
    cmd_error(app, "cannot serve on %s port %u: %s", o->host, o->port, e.msg);
    http_router_release(&router);
    free_list(origins);
    forget(&cert, &key);
    return EXIT_ERROR;
  }
  fprintf(app->out, "tokmeter server: %s://%s%s%s:%u/  (Ctrl-C stops it)\n",
          o->cert ? "https" : "http", strchr(o->host, ':') ? "[" : "", o->host,
          strchr(o->host, ':') ? "]" : "", http_server_port(&hs));
  fflush(app->out);
  following = !pthread_create(&follower, NULL, srv_follow_main, s);
  cmd_signals_wait(&sigs);
  atomic_store(&s->stop, 1);
  if (following)
    pthread_join(follower, NULL);
  http_server_stop(&hs);
  http_router_release(&router);
  free_list(origins);
  forget(&cert, &key); /* the daemon may read them until it stops */
  return EXIT_OK;
}

int cmd_server(int argc, char **argv, struct app *app)
{
  const char *user = NULL, *scope = NULL, *label = NULL, *expires = NULL;
  struct srv_opts o;
  struct srv s;
  int json = 0, r;

  if (argc > 1 && !strcmp(argv[1], "token"))
    return token_cmd(argc - 1, argv + 1, app);
  memset(&o, 0, sizeof(o));
  if ((r = parse_common(argc, argv, &o, app, &json, &user, &scope, &label,
                        &expires)))
    return r > 0 ? EXIT_OK : EXIT_USAGE;
  if (optind < argc || user || scope || label || expires || json) {
    cmd_error(app, "unexpected argument (see tokmeter server --help)");
    return EXIT_USAGE;
  }
  memset(&s, 0, sizeof(s));
  pthread_mutex_init(&s.mu, NULL);
  store_view_init(&s.view);
  sse_init(&s.hub, 0);
  price_table_init(&s.prices);
  tz_init_utc(&s.tz);
  s.app = app;
  s.pinned = getenv("TOKMETER_NOW") != NULL;
  r = setup(&s, &o, app);
  if (r == EXIT_OK)
    r = serve(&s, &o, app);
  pricer_release(&s.pricer);
  ratelimit_release(&s.rl);
  sse_release(&s.hub); /* the server has stopped: no stream is left */
  store_view_release(&s.view);
  store_close(s.store);
  price_table_release(&s.prices);
  tz_release(&s.tz);
  pthread_mutex_destroy(&s.mu);
  return r;
}
