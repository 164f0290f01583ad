/*
 * Copyright (C) nginx-security-contact developers
 *
 * A minimal TAP producer for the pure-core unit tests, so that prove runs
 * them beside the Perl tests.  Header only; each test is one executable.
 */

#ifndef SC_TAP_H
#define SC_TAP_H

#include <stdio.h>
#include <string.h>
#include <stdarg.h>


static int  tap_count;
static int  tap_failed;


static int
tap_ok(int cond, const char *fmt, ...)
{
    va_list  ap;

    tap_count++;

    if (!cond) {
        tap_failed++;
        printf("not ");
    }

    printf("ok %d - ", tap_count);

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);

    printf("\n");
    fflush(stdout);

    return cond;
}


#define ok(cond, ...)  tap_ok((cond) != 0, __VA_ARGS__)

#define is_int(got, want, ...)                                              \
    do {                                                                    \
        long long  g_ = (long long) (got), w_ = (long long) (want);         \
        if (!tap_ok(g_ == w_, __VA_ARGS__)) {                               \
            printf("#   got: %lld\n#   expected: %lld\n", g_, w_);          \
        }                                                                   \
    } while (0)

#define is_mem(got, glen, want, wlen, ...)                                  \
    do {                                                                    \
        size_t  gl_ = (glen), wl_ = (wlen);                                 \
        if (!tap_ok(gl_ == wl_ && memcmp((got), (want), gl_) == 0,          \
                    __VA_ARGS__))                                           \
        {                                                                   \
            printf("#   got:      '%.*s'\n#   expected: '%.*s'\n",          \
                   (int) gl_, (const char *) (got),                         \
                   (int) wl_, (const char *) (want));                       \
        }                                                                   \
    } while (0)

#define is_str(got, want, ...)                                              \
    is_mem((got), strlen(got), (want), strlen(want), __VA_ARGS__)


static int
tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}


#endif /* SC_TAP_H */
