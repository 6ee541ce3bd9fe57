/* Placeholder generator: replaced by the real one with the pricing module. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int main(int argc, char **argv)
{
  FILE *f;

  if (argc != 3)
    return 2;
  f = fopen(argv[2], "w");
  if (!f)
    return 1;
  fputs("#include \"core/pricing.h\"\n"
        "const struct price price_builtin[1];\n"
        "const size_t price_builtin_n = 0;\n"
        "const char price_builtin_source[] = \"\";\n"
        "const char price_builtin_date[] = \"\";\n",
        f);
  return fclose(f) ? 1 : 0;
}
