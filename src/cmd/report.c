/* Placeholder until the report command lands. */
/* SPDX-License-Identifier: MIT */
#include "cmd/cmd.h"
#include "util/banned.h"

int cmd_report(int argc, char **argv, struct app *app)
{
  (void)argc;
  (void)argv;
  cmd_error(app, "'report' is not built yet");
  return EXIT_ERROR;
}
