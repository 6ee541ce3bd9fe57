/* A real PostgreSQL server for tests (pgtest.h). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pgtest.h"
#include "util/banned.h"

static const char *const runuser_paths[] = {"/usr/sbin/runuser",
                                            "/sbin/runuser", NULL};

/* PostgreSQL's newest bin directory: $TOKMETER_PG_BIN, else Debian's
 * /usr/lib/postgresql/<version>/bin. */
static int find_bin(struct pgtest *p)
{
  const char *env = getenv("TOKMETER_PG_BIN");
  glob_t g;
  size_t i, best = 0;
  char path[300];

  if (env && *env) {
    snprintf(p->bin, sizeof(p->bin), "%s", env);
  } else {
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g))
      return -1;
    for (i = 1; i < g.gl_pathc; i++)
      if (strverscmp(g.gl_pathv[i], g.gl_pathv[best]) > 0)
        best = i;
    snprintf(p->bin, sizeof(p->bin), "%.*s",
             (int)(strlen(g.gl_pathv[best]) - 7), g.gl_pathv[best]);
    globfree(&g);
  }
  snprintf(path, sizeof(path), "%s/initdb", p->bin);
  return access(path, X_OK);
}

static const char *runuser(void)
{
  size_t i;

  for (i = 0; runuser_paths[i]; i++)
    if (!access(runuser_paths[i], X_OK))
      return runuser_paths[i];
  return NULL;
}

/* Runs bin/prog with args (NULL-terminated), as the postgres user when
 * root, output to dir/harness.log. Returns 0 when it exits 0. */
static int run(const struct pgtest *p, const char *prog,
               const char *const *args)
{
  const char *argv[32];
  char path[300], log[128];
  size_t n = 0;
  int status;
  pid_t pid;

  snprintf(path, sizeof(path), "%s/%s", p->bin, prog);
  snprintf(log, sizeof(log), "%s/harness.log", p->dir);
  if (p->as_postgres) {
    argv[n++] = runuser();
    argv[n++] = "-u";
    argv[n++] = "postgres";
    argv[n++] = "--";
  }
  argv[n++] = path;
  while (*args && n < 31)
    argv[n++] = *args++;
  argv[n] = NULL;
  fflush(NULL);
  if ((pid = fork()) < 0)
    return -1;
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(p->dir))
      _exit(127);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Waits for the test process to go (its end of the pipe closes), then
 * stops the server and removes the directory. In its own session, so
 * that whatever kills the test's process group spares it. */
static void guard(const struct pgtest *p, int fd)
{
  const char *const stop[] = {"-D", "data", "-m",   "immediate",
                              "-w", "-s",   "stop", NULL};
  char data[128], cmd[160];
  ssize_t k;

  setsid();
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  do {
    char c;

    k = read(fd, &c, 1);
  } while (k > 0 || (k < 0 && errno == EINTR));
  snprintf(data, sizeof(data), "%s/data/postmaster.pid", p->dir);
  if (!access(data, F_OK))
    run(p, "pg_ctl", stop);
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
  _exit(system(cmd) == 0 ? 0 : 1);
}

static int start_guard(struct pgtest *p)
{
  int fds[2];

  if (pipe2(fds, O_CLOEXEC))
    return -1;
  fflush(NULL);
  if ((p->guard = fork()) < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (p->guard == 0) {
    close(fds[1]);
    guard(p, fds[0]);
  }
  close(fds[0]);
  p->guard_fd = fds[1];
  return 0;
}

/* The cluster's settings: socket only, in dir; no durability (tests). */
static int configure(const struct pgtest *p)
{
  char path[128];
  FILE *f;

  snprintf(path, sizeof(path), "%s/data/postgresql.conf", p->dir);
  if (!(f = fopen(path, "a")))
    return -1;
  fprintf(f,
          "listen_addresses = ''\n"
          "unix_socket_directories = '%s'\n"
          "port = %d\n"
          "fsync = off\n"
          "synchronous_commit = off\n"
          "full_page_writes = off\n"
          "shared_buffers = 16MB\n"
          "max_connections = 40\n",
          p->dir, p->port);
  return fclose(f) ? -1 : 0;
}

static void log_tail(const struct pgtest *p, const char *name, char *why,
                     size_t n)
{
  char path[128], tail[200];
  size_t len;
  FILE *f;

  snprintf(path, sizeof(path), "%s/%s", p->dir, name);
  if (!(f = fopen(path, "r")))
    return;
  fseek(f, -(long)(sizeof(tail) - 1), SEEK_END);
  len = fread(tail, 1, sizeof(tail) - 1, f);
  tail[len] = '\0';
  fclose(f);
  snprintf(why + strlen(why), n - strlen(why), ": ...%s", tail);
}

static int make_cluster(struct pgtest *p, char *why, size_t n)
{
  /* A collation that is not byte order (ICU, English), so that the
   * store's own COLLATE "C" is what a test sees. */
  const char *const initdb[] = {"-D",
                                "data",
                                "-U",
                                "postgres",
                                "-A",
                                "trust",
                                "--no-sync",
                                "-E",
                                "UTF8",
                                "--locale=C.UTF-8",
                                "--locale-provider=icu",
                                "--icu-locale=en-US",
                                NULL};
  const char *const start[] = {"-D", "data", "-l", "server.log", "-w",
                               "-t", "60",   "-s", "start",      NULL};

  if (run(p, "initdb", initdb)) {
    snprintf(why, n, "initdb failed");
    log_tail(p, "harness.log", why, n);
    return -1;
  }
  if (configure(p) || run(p, "pg_ctl", start)) {
    snprintf(why, n, "the server did not start");
    log_tail(p, "server.log", why, n);
    return -1;
  }
  return 0;
}

static void quiet(void *arg, const char *msg)
{
  (void)arg;
  (void)msg;
}

static int connect_admin(struct pgtest *p, const char *db, char *why, size_t n)
{
  char port[16];
  const char *const keys[] = {"host", "port", "user", "dbname", NULL};
  const char *vals[] = {p->dir, port, "postgres", db, NULL};

  snprintf(port, sizeof(port), "%d", p->port);
  PQfinish(p->admin);
  p->admin = PQconnectdbParams(keys, vals, 0);
  if (PQstatus(p->admin) == CONNECTION_OK) {
    PQsetNoticeProcessor(p->admin, quiet, NULL);
    return 0;
  }
  snprintf(why, n, "cannot connect: %s", PQerrorMessage(p->admin));
  return -1;
}

int pgtest_start(struct pgtest *p, char *why, size_t n)
{
  struct passwd *pw = NULL;
  char msg[200];

  memset(p, 0, sizeof(*p));
  p->guard_fd = -1;
  *why = '\0';
  if (find_bin(p)) {
    snprintf(why, n,
             "PostgreSQL is not installed (no initdb in "
             "/usr/lib/postgresql/*/bin)");
    return PGTEST_SKIP;
  }
  p->as_postgres = geteuid() == 0;
  if (p->as_postgres && (!(pw = getpwnam("postgres")) || !runuser())) {
    snprintf(why, n, "running as root without a postgres user or runuser");
    return PGTEST_SKIP;
  }
  snprintf(p->dir, sizeof(p->dir), "/tmp/tokmeter-pg-XXXXXX");
  if (!mkdtemp(p->dir) || (pw && chown(p->dir, pw->pw_uid, pw->pw_gid))) {
    snprintf(why, n, "cannot make '%s': %s", p->dir, strerror(errno));
    return -1;
  }
  /* Sockets live in dir: the port need not be free on the machine. */
  p->port = 20000 + (int)(getpid() % 20000);
  if (start_guard(p)) {
    snprintf(why, n, "cannot fork: %s", strerror(errno));
    rmdir(p->dir);
    return -1;
  }
  if (make_cluster(p, why, n) || connect_admin(p, "postgres", why, n) ||
      pgtest_sql(p, NULL, "CREATE DATABASE tokmeter_test", msg, sizeof(msg)) ||
      connect_admin(p, "tokmeter_test", why, n)) {
    if (!*why)
      snprintf(why, n, "cannot create the database: %s", msg);
    pgtest_stop(p);
    return -1;
  }
  return 0;
}

void pgtest_stop(struct pgtest *p)
{
  PQfinish(p->admin);
  p->admin = NULL;
  if (p->guard_fd >= 0) {
    close(p->guard_fd);
    p->guard_fd = -1;
    while (waitpid(p->guard, NULL, 0) < 0 && errno == EINTR)
      ;
  }
}

void pgtest_url(const struct pgtest *p, const char *schema, char *out, size_t n)
{
  snprintf(out, n,
           "postgresql:///tokmeter_test?host=%s&port=%d&user=postgres%s%s",
           p->dir, p->port, schema ? "&options=-csearch_path%3D" : "",
           schema ? schema : "");
}

void pgtest_schema(struct pgtest *p, char *out, size_t n)
{
  char sql[64], msg[200];

  snprintf(out, n, "s%u", ++p->nschemas);
  snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", out);
  if (pgtest_sql(p, NULL, sql, msg, sizeof(msg)))
    fprintf(stderr, "pgtest: %s: %s\n", sql, msg);
}

int pgtest_sql(struct pgtest *p, const char *schema, const char *sql, char *out,
               size_t n)
{
  char set[128];
  PGresult *res;
  ExecStatusType st;
  int r = 0;

  snprintf(set, sizeof(set), "SET search_path = %s",
           schema ? schema : "\"$user\", public");
  PQclear(PQexec(p->admin, set));
  res = PQexec(p->admin, sql);
  st = PQresultStatus(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    r = -1;
  if (out && n) {
    if (r)
      snprintf(out, n, "%s", PQresultErrorMessage(res));
    else
      snprintf(out, n, "%s",
               PQntuples(res) > 0 && PQnfields(res) > 0 ? PQgetvalue(res, 0, 0)
                                                        : "");
  }
  PQclear(res);
  return r;
}
