/* Running the built tokmeter binary from a test and reading its JSON. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_RUNBIN_H
#define TOKMETER_TEST_RUNBIN_H

#include <jansson.h>

/*
 * Runs "$TOKMETER_BIN <args>" through the shell (args formatted like
 * printf, stderr dropped), asserts it exits 0 and prints JSON, and returns
 * the parsed document (json_decref it).
 */
json_t *runbin_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a shell command; asserts it exits 0. */
void runbin_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The integer member k of o (the test fails if it is not one). */
long long runbin_int(json_t *o, const char *k);
/* The number member k of o (integer or real). */
double runbin_num(json_t *o, const char *k);

#endif
