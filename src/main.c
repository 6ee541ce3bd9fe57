/* tokmeter: entry point, command table and process-wide settings. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/civil.h"
#include "util/banned.h"

struct command {
  const char *name;
  int (*fn)(int argc, char **argv, struct app *app);
  const char *help;
};

static const struct command commands[] = {
    {"daily", cmd_report, "usage per day (the default)"},
    {"weekly", cmd_report, "usage per week"},
    {"monthly", cmd_report, "usage per month"},
    {"session", cmd_report, "usage per session"},
    {"projects", cmd_report, "usage per project (git repository)"},
    {"models", cmd_report, "usage per model"},
    {"blocks", cmd_blocks, "5-hour billing windows"},
    {"statusline", cmd_statusline, "one line for Claude Code's status bar"},
    {"live", cmd_live, "full-screen monitor of the active block"},
    {"demo", cmd_demo, "write a synthetic transcript corpus"},
    {"dashboard", cmd_dashboard, "the web dashboard on localhost"},
    {"server", cmd_server, "the team server (ingest, tokens, API)"},
    {"cache", cmd_cache, "show or clear the index (info, clear)"},
};

static void usage(FILE *f)
{
  size_t i;

  fprintf(f, "usage: tokmeter [<command>] [<options>]\n\n"
             "Where Claude Code tokens and money go, from the local "
             "transcripts.\n\ncommands:\n");
  for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
  fprintf(f, "\nRun 'tokmeter <command> --help' for a command's options.\n"
             "Costs are API-list-price estimates; subscription plans do not "
             "bill them.\n");
}

static int64_t now_ms(void)
{
  const char *o = getenv("TOKMETER_NOW");
  struct timespec ts;
  int64_t ms;

  /* Tests pin the clock; anything else uses the real one. */
  if (o && !civil_parse_ts(o, strlen(o), &ms))
    return ms;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
  struct app app;
  const char *nc = getenv("NO_COLOR");
  size_t i;

  memset(&app, 0, sizeof(app));
  app.argv0 = argv[0];
  app.out = stdout;
  app.err = stderr;
  app.out_tty = isatty(STDOUT_FILENO);
  app.err_tty = isatty(STDERR_FILENO);
  app.color = app.out_tty && !(nc && *nc);
  app.now_ms = now_ms();
  app.home = getenv("HOME");

  if (argc >= 2) {
    const char *a = argv[1];

    if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
      usage(stdout);
      return EXIT_OK;
    }
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
      printf("tokmeter %s\n", TOKMETER_VERSION);
      return EXIT_OK;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
      if (!strcmp(a, commands[i].name))
        return commands[i].fn(argc - 1, argv + 1, &app);
    if (a[0] != '-') {
      fprintf(stderr, "tokmeter: unknown command '%s'\n", a);
      usage(stderr);
      return EXIT_USAGE;
    }
  }
  /* No command, or options only: `tokmeter` alone is `tokmeter daily`. */
  {
    char **av = malloc(sizeof(*av) * (size_t)(argc + 1));
    int r;

    if (!av)
      return EXIT_ERROR;
    av[0] = (char *)"daily";
    for (i = 1; i < (size_t)argc; i++)
      av[i] = argv[i];
    av[argc] = NULL;
    r = cmd_report(argc, av, &app);
    free(av);
    return r;
  }
}
