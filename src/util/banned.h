/* Functions we never call: each has a bounded or safer replacement. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_BANNED_H
#define TOKMETER_UTIL_BANNED_H

/* Include last in every .c file, after all system headers. */
#define BANNED(f) sorry_##f##_is_banned

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
