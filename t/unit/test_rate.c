/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the rate limiting pure core: rate parsing, GCRA sequences,
 * client keys and the RateLimit header values.
 */


#include "tap.h"
#include "sc_rate.h"


#define S(s)   (const unsigned char *) (s), sizeof(s) - 1
#define SEC    1000000ULL


static sc_rate_t
rate(const char *s)
{
    sc_rate_t  r;

    memset(&r, 0, sizeof(r));

    if (sc_rate_parse((const unsigned char *) s, strlen(s), &r) != 0) {
        printf("# cannot parse %s\n", s);
    }

    return r;
}


static void
test_parse_one(const char *s, uint64_t requests, uint64_t period,
    uint64_t t)
{
    sc_rate_t  r;

    memset(&r, 0, sizeof(r));

    is_int(sc_rate_parse((const unsigned char *) s, strlen(s), &r), 0,
           "parse %s", s);
    ok(r.requests == requests && r.period_us == period && r.t_us == t,
       "%s: %llu per %llu us, T = %llu us", s,
       (unsigned long long) r.requests, (unsigned long long) r.period_us,
       (unsigned long long) r.t_us);
}


static void
test_parse(void)
{
    size_t      i;
    sc_rate_t   r;

    static const char  *bad[] = {
        "", "r/s", "10", "10r", "10r/", "10r/x", "10R/S", "10r/S", "10/s",
        "10rs", "10r/ss", "10 r/s", " 10r/s", "10r/s ", "1.5r/s", "1,5r/s",
        "-1r/s", "+1r/s", "0r/s", "000r/s", "1000001r/s", "9999999r/m",
        "99999999999999999999999r/s", "18446744073709551617r/s", "10r/w",
        "10r/y", "r/m", "0x10r/s", "10r\\s", NULL
    };

    test_parse_one("10r/s", 10, SEC, 100000);
    test_parse_one("30r/m", 30, 60 * SEC, 2 * SEC);
    test_parse_one("5r/h", 5, 3600 * SEC, 720 * SEC);
    test_parse_one("100r/d", 100, 86400 * SEC, 864 * SEC);
    test_parse_one("1r/s", 1, SEC, SEC);
    test_parse_one("1r/d", 1, 86400 * SEC, 86400 * SEC);
    test_parse_one("1000000r/s", 1000000, SEC, 1);
    test_parse_one("1000000r/d", 1000000, 86400 * SEC, 86400);
    test_parse_one("010r/s", 10, SEC, 100000);

    /* rounded up, so that T * requests is never less than the period */

    test_parse_one("7r/s", 7, SEC, 142858);
    test_parse_one("3r/m", 3, 60 * SEC, 20 * SEC);
    test_parse_one("7r/d", 7, 86400 * SEC, 12342857143ULL);
    test_parse_one("999999r/s", 999999, SEC, 2);

    for (i = 0; bad[i]; i++) {
        r.requests = 42;
        r.period_us = 43;
        r.t_us = 44;

        ok(sc_rate_parse((const unsigned char *) bad[i], strlen(bad[i]), &r)
           == -1 && r.requests == 42 && r.period_us == 43 && r.t_us == 44,
           "refused, rate untouched: \"%s\"", bad[i]);
    }

    ok(sc_rate_parse((const unsigned char *) "10r/s\0", 6, &r) == -1,
       "trailing NUL refused");
    ok(sc_rate_parse(S("10r/s\n"), &r) == -1, "trailing LF refused");
    ok(sc_rate_parse((const unsigned char *) "10r/s", 4, &r) == -1,
       "length is honoured");
}


/* one request: expect allowed/limited and the three results */

static void
req(uint64_t *tat, uint64_t now, const sc_rate_t *r, uint64_t burst,
    int allowed, uint64_t retry, uint64_t remaining, uint64_t reset,
    const char *what)
{
    int               rc;
    sc_gcra_result_t  res;

    memset(&res, 0xa5, sizeof(res));

    rc = sc_gcra(tat, now, r, burst, &res);

    if (!ok(rc == allowed && res.retry_after_us == retry
            && res.remaining == remaining && res.reset_us == reset,
            "%s", what))
    {
        printf("#   got rc %d retry %llu remaining %llu reset %llu\n", rc,
               (unsigned long long) res.retry_after_us,
               (unsigned long long) res.remaining,
               (unsigned long long) res.reset_us);
    }
}


static void
test_gcra_burst0(void)
{
    uint64_t   tat, now;
    sc_rate_t  r;

    r = rate("1r/s");
    now = 1000;
    tat = 0;

    req(&tat, now, &r, 0, 1, 0, 0, SEC, "1r/s: a new key is allowed");
    is_int(tat, now + SEC, "TAT = now + T");

    req(&tat, now, &r, 0, 0, SEC, 0, SEC,
        "1r/s: a second request at once is limited, retry after 1 s");
    is_int(tat, now + SEC, "limited: TAT unchanged");

    req(&tat, now + 400000, &r, 0, 0, 600000, 0, 600000,
        "1r/s: 0.4 s later, retry after 0.6 s");
    req(&tat, now + SEC - 1, &r, 0, 0, 1, 0, 1,
        "1r/s: 1 us early, retry after 1 us");
    req(&tat, now + SEC, &r, 0, 1, 0, 0, SEC,
        "1r/s: exactly at retry_after, allowed");
    is_int(tat, now + 2 * SEC, "TAT advanced by T");

    req(&tat, now + 10 * SEC, &r, 0, 1, 0, 0, SEC,
        "1r/s: idle, TAT restarts from now");
    is_int(tat, now + 11 * SEC, "TAT = now + T after idle");

    r = rate("100r/d");
    tat = 0;
    now = 1700000000ULL * SEC;

    req(&tat, now, &r, 0, 1, 0, 0, 864 * SEC, "100r/d: first allowed");
    req(&tat, now + 863 * SEC, &r, 0, 0, SEC, 0, SEC,
        "100r/d: 863 s later, retry after 1 s");
    req(&tat, now + 864 * SEC, &r, 0, 1, 0, 0, 864 * SEC,
        "100r/d: 864 s later, allowed");
}


static void
test_gcra_burst(void)
{
    int        i;
    char       what[64];
    uint64_t   tat, now, t;
    sc_rate_t  r;

    /* 10r/m burst=5: six at once, then one each 6 s */

    r = rate("10r/m");
    t = 6 * SEC;
    now = 5000 * SEC;
    tat = 0;

    for (i = 0; i < 6; i++) {
        snprintf(what, sizeof(what), "10r/m burst 5: request %d allowed",
                 i + 1);
        req(&tat, now, &r, 5, 1, 0, 5 - i, (i + 1) * t, what);
    }

    is_int(tat, now + 6 * t, "TAT = now + 6 T");

    req(&tat, now, &r, 5, 0, t, 0, 6 * t,
        "10r/m burst 5: the 7th is limited, retry after 6 s");
    req(&tat, now + 2 * SEC, &r, 5, 0, 4 * SEC, 0, 6 * t - 2 * SEC,
        "2 s later: retry after 4 s");
    req(&tat, now + t - 1, &r, 5, 0, 1, 0, 5 * t + 1,
        "1 us before: retry after 1 us");
    req(&tat, now + t, &r, 5, 1, 0, 0, 6 * t,
        "6 s later: allowed, none remaining");
    req(&tat, now + t + 3 * t, &r, 5, 1, 0, 2, 4 * t,
        "18 s later: three regained, then one used");

    /* long idle: the bucket is full again */

    req(&tat, now + 86400 * SEC, &r, 5, 1, 0, 5, t,
        "a day later: a full bucket");

    /* 5r/h burst 2 */

    r = rate("5r/h");
    t = 720 * SEC;
    now = 1;
    tat = 0;

    req(&tat, now, &r, 2, 1, 0, 2, t, "5r/h burst 2: 1st");
    req(&tat, now, &r, 2, 1, 0, 1, 2 * t, "5r/h burst 2: 2nd");
    req(&tat, now, &r, 2, 1, 0, 0, 3 * t, "5r/h burst 2: 3rd");
    req(&tat, now, &r, 2, 0, t, 0, 3 * t, "5r/h burst 2: 4th, 12 min");
    req(&tat, now + 60 * SEC, &r, 2, 0, t - 60 * SEC, 0, 3 * t - 60 * SEC,
        "5r/h burst 2: a minute later, 11 min");
    req(&tat, now + t + 10, &r, 2, 1, 0, 0, 3 * t - 10,
        "5r/h burst 2: 12 min later, allowed");
    req(&tat, now + 30 * 86400 * SEC, &r, 2, 1, 0, 2, t,
        "5r/h burst 2: a month idle, full");

    /* 7r/d burst 1: T rounded up */

    r = rate("7r/d");
    t = 12342857143ULL;
    tat = 0;

    req(&tat, 0, &r, 1, 1, 0, 1, t, "7r/d: now 0 counts as a new key");
    req(&tat, 0, &r, 1, 1, 0, 0, 2 * t, "7r/d: 2nd");
    req(&tat, 0, &r, 1, 0, t, 0, 2 * t, "7r/d: 3rd limited");
}


/* requests every microsecond: exactly burst + 1 + elapsed / T allowed */

static void
test_gcra_hammer(void)
{
    uint64_t          tat, now, allowed, burst;
    sc_rate_t         r;
    sc_gcra_result_t  res;

    r = rate("1000r/s");
    burst = 3;
    tat = 0;
    allowed = 0;

    for (now = 1; now <= SEC; now++) {
        allowed += sc_gcra(&tat, now, &r, burst, &res);
    }

    is_int(allowed, burst + 1 + (SEC - 1) / 1000,
           "1000r/s burst 3 over 1 s hammered: %llu allowed",
           (unsigned long long) allowed);

    r = rate("7r/s");
    tat = 0;
    allowed = 0;

    for (now = 0; now < 10 * SEC; now += 7) {
        allowed += sc_gcra(&tat, now, &r, 0, &res);
    }

    ok(allowed <= 70, "7r/s over 10 s: %llu allowed, never more than 70",
       (unsigned long long) allowed);
}


static void
test_gcra_backwards(void)
{
    uint64_t   tat, now, t;
    sc_rate_t  r;

    r = rate("10r/m");
    t = 6 * SEC;
    now = 1000 * SEC;
    tat = 0;

    req(&tat, now, &r, 5, 1, 0, 5, t, "backwards: 1st");
    req(&tat, now, &r, 5, 1, 0, 4, 2 * t, "backwards: 2nd");

    /* a second back: the key looks one second further ahead */

    req(&tat, now - SEC, &r, 5, 1, 0, 2, 3 * t + SEC,
        "a second back: allowed, floor(17 s / 6 s) = 2 remaining");

    /* far back: no underflow, pulled back to one full bucket */

    req(&tat, 5, &r, 5, 0, t, 0, 6 * t,
        "the clock far back: limited for T only");
    is_int(tat, 5 + 6 * t, "TAT pulled back to now + tau + T");
    req(&tat, 5 + t, &r, 5, 1, 0, 0, 6 * t,
        "T later: allowed again");

    /* back to 0 */

    tat = now;
    req(&tat, 0, &r, 0, 0, t, 0, t, "now 0 under a TAT far ahead");
    is_int(tat, t, "TAT = T");

    /* the burst lowered on reload */

    tat = now + 6 * t;
    req(&tat, now, &r, 1, 0, t, 0, 2 * t,
        "burst lowered: limited for T, not for six T");
}


static void
test_gcra_huge(void)
{
    uint64_t          tat;
    sc_rate_t         r;
    sc_gcra_result_t  res;

    r = rate("1r/s");

    tat = UINT64_MAX;
    is_int(sc_gcra(&tat, UINT64_MAX, &r, 0, &res), 1,
           "TAT = now = max: allowed");
    ok(tat == UINT64_MAX && res.reset_us == 0 && res.remaining == 0,
       "TAT saturates");

    tat = 0;
    is_int(sc_gcra(&tat, UINT64_MAX - 1, &r, 0, &res), 1,
           "now near max, new key");
    ok(tat == UINT64_MAX && res.reset_us == 1, "TAT saturates at max");

    tat = UINT64_MAX;
    is_int(sc_gcra(&tat, 0, &r, 0, &res), 0, "TAT max, now 0: limited");
    ok(res.retry_after_us == SEC && tat == SEC, "pulled back to T");

    tat = 0;
    is_int(sc_gcra(&tat, 0, &r, UINT64_MAX, &res), 1,
           "burst max: allowed");
    ok(res.remaining == UINT64_MAX / SEC && tat == SEC,
       "burst max: remaining is tau / T with tau saturated");

    tat = UINT64_MAX;
    is_int(sc_gcra(&tat, 0, &r, UINT64_MAX, &res), 1,
           "burst max, TAT max: allowed (within the saturated tau)");
    ok(tat == UINT64_MAX && res.remaining == 0, "no wrap-around");

    r.requests = 1;
    r.period_us = UINT64_MAX;
    r.t_us = UINT64_MAX;

    tat = 0;
    is_int(sc_gcra(&tat, 1, &r, 3, &res), 1, "T max: first allowed");
    ok(tat == UINT64_MAX && res.remaining == 1
       && res.reset_us == UINT64_MAX - 1,
       "T max: saturated, tau / T = 1 remaining");
    is_int(sc_gcra(&tat, 1, &r, 3, &res), 1,
           "T max: tau saturated, so still allowed");

    r.t_us = 0;
    tat = 0;
    is_int(sc_gcra(&tat, 100, &r, 0, &res), 1, "T 0 counts as 1");
    is_int(tat, 101, "T 0: TAT = now + 1");
    is_int(sc_gcra(&tat, 100, &r, 0, &res), 0, "T 0: limited");
    is_int(res.retry_after_us, 1, "T 0: retry after 1 us");
}


static void
test_key(void)
{
    size_t          n;
    unsigned char   key[SC_RATE_KEY_LEN], key2[SC_RATE_KEY_LEN];

    static const unsigned char  v4[4] = { 198, 51, 100, 77 };
    static const unsigned char  v6[16] = {
        0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
        0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78
    };
    static const unsigned char  mapped[16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 77
    };
    static const unsigned char  compat[16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 198, 51, 100, 77
    };

    n = sc_rate_key(4, v4, 32, 64, key);
    is_mem(key, n, "\x04\xc6\x33\x64\x4d", 5, "IPv4 /32");

    n = sc_rate_key(4, v4, 24, 64, key);
    is_mem(key, n, "\x04\xc6\x33\x64\x00", 5, "IPv4 /24");

    n = sc_rate_key(4, v4, 20, 64, key);
    is_mem(key, n, "\x04\xc6\x33\x60\x00", 5, "IPv4 /20");

    n = sc_rate_key(4, v4, 0, 64, key);
    is_mem(key, n, "\x04\x00\x00\x00\x00", 5, "IPv4 /0: one key for all");

    n = sc_rate_key(4, v4, 99, 64, key);
    is_mem(key, n, "\x04\xc6\x33\x64\x4d", 5, "IPv4 /99 counts as /32");

    n = sc_rate_key(6, v6, 32, 64, key);
    is_mem(key, n, "\x06\x20\x01\x0d\xb8\x12\x34\x56\x78"
           "\0\0\0\0\0\0\0\0", 17, "IPv6 /64");

    n = sc_rate_key(6, v6, 32, 48, key);
    is_mem(key, n, "\x06\x20\x01\x0d\xb8\x12\x34\0\0"
           "\0\0\0\0\0\0\0\0", 17, "IPv6 /48");

    n = sc_rate_key(6, v6, 32, 56, key);
    is_mem(key, n, "\x06\x20\x01\x0d\xb8\x12\x34\x56\0"
           "\0\0\0\0\0\0\0\0", 17, "IPv6 /56");

    n = sc_rate_key(6, v6, 32, 65, key);
    is_mem(key, n, "\x06\x20\x01\x0d\xb8\x12\x34\x56\x78"
           "\x80\0\0\0\0\0\0\0", 17, "IPv6 /65");

    n = sc_rate_key(6, v6, 32, 128, key);
    is_mem(key, n, "\x06\x20\x01\x0d\xb8\x12\x34\x56\x78"
           "\x9a\xbc\xde\xf0\x12\x34\x56\x78", 17, "IPv6 /128");

    n = sc_rate_key(6, v6, 32, 500, key);
    is_int(n, 17, "IPv6 /500 counts as /128");
    ok(memcmp(key + 1, v6, 16) == 0, "whole address");

    n = sc_rate_key(6, mapped, 32, 64, key);
    is_int(sc_rate_key(4, v4, 32, 64, key2), 5, "plain IPv4");
    is_mem(key, n, key2, 5, "::ffff:198.51.100.77 is the IPv4 key");

    n = sc_rate_key(6, mapped, 24, 128, key);
    is_mem(key, n, "\x04\xc6\x33\x64\x00", 5,
           "mapped: the IPv4 prefix applies, not the IPv6 one");

    n = sc_rate_key(6, compat, 32, 128, key);
    is_int(n, 17, "::198.51.100.77 (deprecated compatible form) is IPv6");

    is_int(sc_rate_key(0, v6, 32, 64, key), 0, "family 0 refused");
    is_int(sc_rate_key(10, v6, 32, 64, key), 0, "family 10 refused");
}


static void
test_headers(void)
{
    size_t            n;
    sc_rate_t         r;
    unsigned char     out[SC_RATE_HEADER_LEN];
    sc_gcra_result_t  res;

    r = rate("10r/m");
    n = sc_rate_policy_header(out, &r, 5);
    is_mem(out, n, "\"default\";q=6;w=36", 18, "10r/m burst 5");

    r = rate("10r/m");
    n = sc_rate_policy_header(out, &r, 0);
    is_mem(out, n, "\"default\";q=1;w=6", 17, "10r/m burst 0");

    r = rate("5r/h");
    n = sc_rate_policy_header(out, &r, 2);
    is_mem(out, n, "\"default\";q=3;w=2160", 20, "5r/h burst 2");

    r = rate("100r/d");
    n = sc_rate_policy_header(out, &r, 0);
    is_mem(out, n, "\"default\";q=1;w=864", 19, "100r/d");

    r = rate("7r/d");
    n = sc_rate_policy_header(out, &r, 1);
    is_mem(out, n, "\"default\";q=2;w=24686", 21,
           "7r/d burst 1: the window rounded up");

    r = rate("1r/s");
    n = sc_rate_policy_header(out, &r, 0);
    is_mem(out, n, "\"default\";q=1;w=1", 17, "1r/s");

    r = rate("10r/s");
    n = sc_rate_policy_header(out, &r, 0);
    is_mem(out, n, "\"default\";q=10;w=1", 18,
           "10r/s burst 0: a second's worth");

    r = rate("7r/s");
    n = sc_rate_policy_header(out, &r, 2);
    is_mem(out, n, "\"default\";q=6;w=1", 17,
           "7r/s burst 2: whole intervals in a second");

    r = rate("1000000r/s");
    n = sc_rate_policy_header(out, &r, 20);
    is_mem(out, n, "\"default\";q=1000000;w=1", 23, "1000000r/s");

    r = rate("1r/d");
    n = sc_rate_policy_header(out, &r, UINT64_MAX);
    is_mem(out, n, "\"default\";q=999999999999999;w=18446744073710", 44,
           "huge values: q capped at the structured-field maximum");
    ok(n <= SC_RATE_HEADER_LEN, "fits");

    res.retry_after_us = 0;
    res.remaining = 3;
    res.reset_us = 20 * SEC;
    n = sc_rate_header(out, &res);
    is_mem(out, n, "\"default\";r=3;t=20", 18, "allowed");

    res.reset_us = 20 * SEC - 1;
    n = sc_rate_header(out, &res);
    is_mem(out, n, "\"default\";r=3;t=20", 18, "t rounded up");

    res.remaining = 0;
    res.reset_us = 1;
    n = sc_rate_header(out, &res);
    is_mem(out, n, "\"default\";r=0;t=1", 17, "1 us is 1 s");

    res.retry_after_us = 2500000;
    res.reset_us = 36 * SEC;
    n = sc_rate_header(out, &res);
    is_mem(out, n, "\"default\";r=0;t=3", 17,
           "limited: t is the retry-after");

    res.retry_after_us = UINT64_MAX;
    res.remaining = UINT64_MAX;
    n = sc_rate_header(out, &res);
    is_mem(out, n, "\"default\";r=999999999999999;t=18446744073710", 44,
           "huge values");
    ok(n <= SC_RATE_HEADER_LEN, "fits");

    is_int(sc_rate_ceil_sec(0), 0, "ceil 0");
    is_int(sc_rate_ceil_sec(1), 1, "ceil 1 us");
    is_int(sc_rate_ceil_sec(SEC), 1, "ceil 1 s");
    is_int(sc_rate_ceil_sec(SEC + 1), 2, "ceil 1 s + 1 us");
    ok(sc_rate_ceil_sec(UINT64_MAX) == 18446744073710ULL, "ceil max");
}


int
main(void)
{
    test_parse();
    test_gcra_burst0();
    test_gcra_burst();
    test_gcra_hammer();
    test_gcra_backwards();
    test_gcra_huge();
    test_key();
    test_headers();

    return tap_done();
}
