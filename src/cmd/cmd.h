/* Subcommands: one file each in src/cmd/, listed in main.c's commands[]. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CMD_CMD_H
#define TOKMETER_CMD_CMD_H

#include <stdint.h>
#include <signal.h>
#include <stdio.h>

/*
 * Adding a command:
 *  1. write `int cmd_foo(int argc, char **argv, struct app *app)` in
 *     src/cmd/foo.c, parsing its own options with getopt_long and answering
 *     --help;
 *  2. declare it below and add it to commands[] in src/main.c;
 *  3. add unit tests under tests/unit/ and an end-to-end test in tests/e2e/;
 *  4. document it in README.md and man/tokmeter.1.
 *
 * Commands return an exit code: 0 ok, 1 error, 2 usage error. Only main.c
 * and cmd/ print or exit.
 */

enum exit_code { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

/* Process-wide settings gathered once by main.c; commands borrow it. */
struct app {
  const char *argv0;
  FILE *out;        /* stdout */
  FILE *err;        /* stderr */
  int out_tty;      /* stdout is a terminal */
  int err_tty;      /* stderr is a terminal */
  int color;        /* colours allowed on stdout (TTY and no NO_COLOR) */
  int64_t now_ms;   /* current time, UTC ms (TOKMETER_NOW overrides) */
  const char *home; /* $HOME */
};

int cmd_report(int argc, char **argv, struct app *app); /* daily ... models */
int cmd_blocks(int argc, char **argv, struct app *app);
int cmd_live(int argc, char **argv, struct app *app);
int cmd_demo(int argc, char **argv, struct app *app);
int cmd_cache(int argc, char **argv, struct app *app);
int cmd_dashboard(int argc, char **argv, struct app *app);
int cmd_statusline(int argc, char **argv, struct app *app);
int cmd_server(int argc, char **argv, struct app *app);

/*
 * Writes a report to stdout and flushes it. Returns EXIT_OK, or EXIT_ERROR
 * after a message when the output cannot be written (a full disk); a
 * closed pipe is an error without a message.
 */
int cmd_write_out(struct app *app, const char *data, size_t len);

/* Now in UTC ms: the real clock, or app->now_ms when pinned (the
 * servers' TOKMETER_NOW, for tests). */
int64_t cmd_now_ms(const struct app *app, int pinned);

/*
 * For a server: blocks SIGINT, SIGTERM and SIGHUP in the calling thread
 * (call it before starting any thread: they inherit the mask) and fills
 * sigs for cmd_signals_wait().
 */
void cmd_signals_block(sigset_t *sigs);
/* Waits until one of them arrives. */
void cmd_signals_wait(const sigset_t *sigs);

/* A monotonic clock in ms, for waits and periods. */
int64_t cmd_mono_ms(void);

/* Removes path and everything under it (no symlink followed); -1 with
 * errno set on failure. */
int cmd_remove_tree(const char *path);

/* Prints "tokmeter: <msg>" on stderr (cmd/ and main.c only). */
void cmd_error(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cmd_warning(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
