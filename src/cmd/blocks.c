/* Placeholder until the blocks command lands. */
/* SPDX-License-Identifier: MIT */
#include "cmd/cmd.h"
#include "util/banned.h"

int cmd_blocks(int argc, char **argv, struct app *app)
{
  (void)argc;
  (void)argv;
  cmd_error(app, "'blocks' is not built yet");
  return EXIT_ERROR;
}
