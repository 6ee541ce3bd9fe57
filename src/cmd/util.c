/* Messages shared by the subcommands. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "util/banned.h"

__attribute__((format(printf, 3, 0))) static void
vmsg(struct app *app, const char *prefix, const char *fmt, va_list ap)
{
  fprintf(app->err, "tokmeter: %s", prefix);
  vfprintf(app->err, fmt, ap);
  fputc('\n', app->err);
}

int cmd_write_out(struct app *app, const char *data, size_t len)
{
  errno = 0;
  if (fwrite(data, 1, len, app->out) == len && fflush(app->out) == 0)
    return EXIT_OK;
  if (errno != EPIPE)
    cmd_error(app, "cannot write the report: %s",
              errno ? strerror(errno) : "write error");
  return EXIT_ERROR;
}

void cmd_error(struct app *app, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vmsg(app, "", fmt, ap);
  va_end(ap);
}

void cmd_warning(struct app *app, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vmsg(app, "warning: ", fmt, ap);
  va_end(ap);
}

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int cmd_remove_tree(const char *path)
{
  return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int64_t cmd_now_ms(const struct app *app, int pinned)
{
  struct timespec ts;

  if (pinned)
    return app->now_ms;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cmd_mono_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cmd_signals_block(sigset_t *sigs)
{
  sigemptyset(sigs);
  sigaddset(sigs, SIGINT);
  sigaddset(sigs, SIGTERM);
  sigaddset(sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, sigs, NULL);
}

void cmd_signals_wait(const sigset_t *sigs)
{
  int sig;

  while (sigwait(sigs, &sig))
    ;
}
