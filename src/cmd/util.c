/* Messages shared by the subcommands. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "util/banned.h"

__attribute__((format(printf, 3, 0))) static void
vmsg(struct app *app, const char *prefix, const char *fmt, va_list ap)
{
  fprintf(app->err, "tokmeter: %s", prefix);
  vfprintf(app->err, fmt, ap);
  fputc('\n', app->err);
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
