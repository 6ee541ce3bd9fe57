/* Tests for src/source/statusline_in.c: Claude Code's statusline JSON. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "source/statusline_in.h"
#include "util/buf.h"
#include "util/err.h"

/* The documented example (pricing-and-limits.md §7). */
static const char example[] =
    "{ \"hook_event_name\": \"Status\", \"session_id\": \"abc123\", "
    "\"transcript_path\": \"/path/to/transcript.json\",\n"
    "  \"cwd\": \"/current/working/directory\",\n"
    "  \"model\": {\"id\": \"claude-opus-4-1\", \"display_name\": \"Opus\"},\n"
    "  \"workspace\": {\"current_dir\": \"/cur\", \"project_dir\": "
    "\"/original/project/directory\"},\n"
    "  \"version\": \"1.0.80\", \"output_style\": {\"name\": \"default\"},\n"
    "  \"cost\": {\"total_cost_usd\": 0.01234, \"total_duration_ms\": 45000,\n"
    "           \"total_lines_added\": 156, \"total_lines_removed\": 23},\n"
    "  \"context_window\": {\"total_input_tokens\": 15234, "
    "\"context_window_size\": 200000,\n"
    "           \"used_percentage\": 42.5, \"remaining_percentage\": 57.5,\n"
    "           \"current_usage\": {\"input_tokens\": 8500, \"output_tokens\": "
    "1200}},\n"
    "  \"exceeds_200k_tokens\": false,\n"
    "  \"rate_limits\": {\"five_hour\": {\"used_percentage\": 23.5, "
    "\"resets_at\": 1738425600},\n"
    "                  \"seven_day\": {\"used_percentage\": 41, "
    "\"resets_at\": 1738857600}} }\n";

static void parse_ok(struct statusline_in *in, const char *text)
{
  struct err e = ERR_INIT;

  assert_int_equal(statusline_in_parse(in, text, strlen(text), &e), 0);
}

static void test_documented_example(void **state)
{
  struct statusline_in in;

  (void)state;
  statusline_in_init(&in);
  parse_ok(&in, example);
  assert_string_equal(in.session_id, "abc123");
  assert_string_equal(in.transcript_path, "/path/to/transcript.json");
  assert_string_equal(in.cwd, "/current/working/directory");
  assert_string_equal(in.project_dir, "/original/project/directory");
  assert_string_equal(in.model_id, "claude-opus-4-1");
  assert_string_equal(in.model_name, "Opus");
  assert_int_equal(in.has_cost, 1);
  assert_true(in.cost_usd == 0.01234);
  assert_int_equal(in.has_context, 1);
  assert_true(in.context_pct == 42.5);
  assert_int_equal(in.five_hour.has, 1);
  assert_true(in.five_hour.used_pct == 23.5);
  assert_int_equal(in.five_hour.resets_at, 1738425600);
  assert_int_equal(in.seven_day.has, 1);
  assert_true(in.seven_day.used_pct == 41);
  assert_int_equal(in.seven_day.resets_at, 1738857600);
  /* Parsing again replaces everything (ASan checks nothing leaks). */
  parse_ok(&in, "{\"session_id\":\"x\"}");
  assert_string_equal(in.session_id, "x");
  assert_null(in.model_name);
  assert_int_equal(in.five_hour.has, 0);
  assert_int_equal(in.has_cost, 0);
  statusline_in_release(&in);
  assert_null(in.session_id);
}

static void test_bad_input(void **state)
{
  struct statusline_in in;
  struct err e = ERR_INIT;

  (void)state;
  statusline_in_init(&in);
  parse_ok(&in, "{\"session_id\":\"left over\"}");
  assert_int_equal(statusline_in_parse(&in, "", 0, &e), ERR_PARSE);
  assert_string_equal(e.msg, "cannot parse the statusline input: it is empty");
  assert_null(in.session_id);
  assert_int_equal(statusline_in_parse(&in, "\n  \n", 4, &e), ERR_PARSE);
  assert_int_equal(statusline_in_parse(&in, "{\"a\":", 5, &e), ERR_PARSE);
  assert_non_null(strstr(e.msg, "cannot parse the statusline input: "));
  assert_int_equal(statusline_in_parse(&in, "[1]", 3, &e), ERR_PARSE);
  assert_string_equal(e.msg,
                      "cannot parse the statusline input: not an object");
  assert_int_equal(statusline_in_parse(&in, "\"s\"", 3, &e), ERR_PARSE);
  assert_int_equal(statusline_in_parse(&in, "{} {}", 5, &e), ERR_PARSE);
  /* A NUL inside is not JSON. */
  assert_int_equal(statusline_in_parse(&in, "{}\0", 3, &e), ERR_PARSE);
  statusline_in_release(&in);
}

static void test_wrong_types_ignored(void **state)
{
  struct statusline_in in;

  (void)state;
  statusline_in_init(&in);
  parse_ok(&in, "{\"session_id\":7,\"cwd\":\"\",\"model\":{\"id\":null,"
                "\"display_name\":[]},\"cost\":{\"total_cost_usd\":\"1\"},"
                "\"context_window\":{\"used_percentage\":null,"
                "\"current_usage\":null,\"context_window_size\":200000},"
                "\"rate_limits\":{\"five_hour\":{\"used_percentage\":\"5\","
                "\"resets_at\":1},\"seven_day\":3},\"workspace\":\"w\"}");
  assert_null(in.session_id);
  assert_null(in.cwd);
  assert_null(in.model_id);
  assert_null(in.model_name);
  assert_int_equal(in.has_cost, 0);
  assert_int_equal(in.has_context, 0);
  assert_int_equal(in.five_hour.has, 0);
  assert_int_equal(in.five_hour.resets_at, 0);
  assert_int_equal(in.seven_day.has, 0);
  /* The rate_limits object itself of the wrong type. */
  parse_ok(&in, "{\"rate_limits\":[],\"context_window\":7}");
  assert_int_equal(in.five_hour.has, 0);
  statusline_in_release(&in);
}

static void test_fallbacks(void **state)
{
  struct statusline_in in;

  (void)state;
  statusline_in_init(&in);
  /* cwd from the workspace, model as a plain string, context computed. */
  parse_ok(&in, "{\"workspace\":{\"current_dir\":\"/w\"},\"model\":"
                "\"claude-sonnet-4-5\",\"context_window\":{"
                "\"context_window_size\":200000,\"current_usage\":{"
                "\"input_tokens\":8500,\"output_tokens\":1200,"
                "\"cache_creation_input_tokens\":5000,"
                "\"cache_read_input_tokens\":2000}},\"cost\":{"
                "\"total_cost_usd\":0}}");
  assert_string_equal(in.cwd, "/w");
  assert_null(in.project_dir);
  assert_string_equal(in.model_id, "claude-sonnet-4-5");
  assert_null(in.model_name);
  assert_int_equal(in.has_context, 1);
  assert_true(in.context_pct == 7.75);
  assert_int_equal(in.has_cost, 1);
  assert_true(in.cost_usd == 0);
  /* A zero window size gives no percentage. */
  parse_ok(&in, "{\"context_window\":{\"context_window_size\":0,"
                "\"current_usage\":{\"input_tokens\":1}}}");
  assert_int_equal(in.has_context, 0);
  statusline_in_release(&in);
}

static void test_reset_forms(void **state)
{
  static const struct {
    const char *value;
    int64_t want;
  } cases[] = {
      {"1738425600", 1738425600},
      {"1738425600.9", 1738425600},
      {"1738425600123", 1738425600}, /* milliseconds */
      {"\"2025-02-01T16:00:00Z\"", 1738425600},
      {"\"2025-02-01T17:00:00.500+01:00\"", 1738425600},
      {"\"tomorrow\"", 0},
      {"0", 0},
      {"-5", 0},
      {"1e300", 0},
      {"null", 0},
      {"true", 0},
  };
  struct statusline_in in;
  struct buf b = BUF_INIT;
  size_t i;

  (void)state;
  statusline_in_init(&in);
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    buf_reset(&b);
    buf_addf(&b,
             "{\"rate_limits\":{\"five_hour\":{\"used_percentage\":1,"
             "\"resets_at\":%s}}}",
             cases[i].value);
    parse_ok(&in, b.data);
    assert_int_equal(in.five_hour.has, 1);
    if (in.five_hour.resets_at != cases[i].want)
      fail_msg("resets_at %s: got %lld", cases[i].value,
               (long long)in.five_hour.resets_at);
  }
  buf_release(&b);
  statusline_in_release(&in);
}

/* A pipe holding text; the write end is closed when close_it. */
static int pipe_with(const char *text, size_t n, int close_it, int *wfd)
{
  int p[2];

  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], text, n), (ssize_t)n);
  if (close_it) {
    close(p[1]);
    p[1] = -1;
  }
  *wfd = p[1];
  return p[0];
}

static void test_read(void **state)
{
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;
  int fd, w;

  (void)state;
  fd = pipe_with(example, sizeof(example) - 1, 1, &w);
  assert_int_equal(statusline_in_read(fd, STATUSLINE_IN_MAX, 1000, &b, &e), 0);
  assert_string_equal(b.data, example);
  close(fd);
  /* Empty input. */
  buf_reset(&b);
  fd = pipe_with("", 0, 1, &w);
  assert_int_equal(statusline_in_read(fd, 10, 1000, &b, &e), 0);
  assert_int_equal(b.len, 0);
  close(fd);
  /* Exactly max is fine, one byte more is not. */
  fd = pipe_with("0123456789", 10, 1, &w);
  assert_int_equal(statusline_in_read(fd, 10, 1000, &b, &e), 0);
  assert_int_equal(b.len, 10);
  close(fd);
  buf_reset(&b);
  fd = pipe_with("0123456789A", 11, 1, &w);
  assert_int_equal(statusline_in_read(fd, 10, 1000, &b, &e), ERR_RANGE);
  assert_string_equal(b.data, "0123456789");
  assert_string_equal(e.msg, "statusline input over 10 bytes");
  close(fd);
  /* Bad descriptors fail at once. */
  buf_reset(&b);
  assert_int_equal(statusline_in_read(-1, 10, 60000, &b, &e), ERR_IO);
  fd = pipe_with("", 0, 1, &w);
  close(fd);
  assert_int_equal(statusline_in_read(fd, 10, 60000, &b, &e), ERR_IO);
  assert_non_null(strstr(e.msg, "cannot read the statusline input: "));
  assert_int_equal(b.len, 0);
  buf_release(&b);
}

static void test_read_times_out(void **state)
{
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;
  struct timespec t0, t1;
  int64_t ms;
  int fd, w;

  (void)state;
  /* The writer never closes: give up after the timeout, keep the data. */
  fd = pipe_with("{\"a\":1}", 7, 0, &w);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(statusline_in_read(fd, 100, 150, &b, &e), ERR_IO);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  assert_true(ms >= 140 && ms < 1500);
  assert_string_equal(b.data, "{\"a\":1}");
  assert_string_equal(e.msg, "statusline input: no end after 150 ms");
  close(fd);
  close(w);
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_documented_example),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_wrong_types_ignored),
      cmocka_unit_test(test_fallbacks),
      cmocka_unit_test(test_reset_forms),
      cmocka_unit_test(test_read),
      cmocka_unit_test(test_read_times_out),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
