/* Placeholder until the demo command lands. */
/* SPDX-License-Identifier: MIT */
#include "cmd/cmd.h"
#include "util/banned.h"

int cmd_demo(int argc, char **argv, struct app *app)
{
  (void)argc;
  (void)argv;
  cmd_error(app, "'demo' is not built yet");
  return EXIT_ERROR;
}
