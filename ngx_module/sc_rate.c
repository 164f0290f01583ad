/*
 * Copyright (C) nginx-security-contact developers
 *
 * Rates, GCRA, client keys and RateLimit header values.  Pure core.
 */


#include <string.h>

#include "sc_rate.h"


#define SC_USEC  1000000ULL


static uint64_t
sc_add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}


static uint64_t
sc_mul_sat(uint64_t a, uint64_t b)
{
    if (a != 0 && b > UINT64_MAX / a) {
        return UINT64_MAX;
    }

    return a * b;
}


int
sc_rate_parse(const unsigned char *p, size_t len, sc_rate_t *rate)
{
    size_t    i;
    uint64_t  n, period;

    n = 0;

    for (i = 0; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        n = n * 10 + (p[i] - '0');

        if (n > SC_RATE_MAX_REQUESTS) {
            return -1;
        }
    }

    if (i == 0 || n == 0 || len - i != 3 || p[i] != 'r' || p[i + 1] != '/') {
        return -1;
    }

    switch (p[i + 2]) {

    case 's':
        period = SC_USEC;
        break;

    case 'm':
        period = 60 * SC_USEC;
        break;

    case 'h':
        period = 3600 * SC_USEC;
        break;

    case 'd':
        period = 86400 * SC_USEC;
        break;

    default:
        return -1;
    }

    rate->requests = n;
    rate->period_us = period;

    /* rounded up: requests spaced T apart never exceed the rate */

    rate->t_us = period / n + (period % n != 0);

    return 0;
}


int
sc_gcra(uint64_t *tat, uint64_t now_us, const sc_rate_t *rate,
    uint64_t burst, sc_gcra_result_t *res)
{
    uint64_t  t, tau, ahead, max;

    t = rate->t_us ? rate->t_us : 1;
    tau = sc_mul_sat(burst, t);
    max = sc_add_sat(tau, t);

    /* how far the key's arrival time lies ahead of now; 0 if behind */

    ahead = *tat > now_us ? *tat - now_us : 0;

    if (ahead > tau) {

        if (ahead > max) {
            /* the clock went backwards, or the limits were lowered */
            ahead = max;
            *tat = sc_add_sat(now_us, max);
        }

        res->retry_after_us = ahead - tau;
        res->remaining = 0;
        res->reset_us = ahead;

        return 0;
    }

    /* TAT' = max(TAT, now) + T, and TAT' - now = ahead + T <= tau + T */

    *tat = sc_add_sat(now_us + ahead, t);

    res->retry_after_us = 0;
    res->remaining = (tau - ahead) / t;
    res->reset_us = *tat - now_us;

    return 1;
}


size_t
sc_rate_key(unsigned family, const unsigned char *addr,
    unsigned ipv4_prefix, unsigned ipv6_prefix,
    unsigned char key[SC_RATE_KEY_LEN])
{
    static const unsigned char  mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    size_t    n, i;
    unsigned  bits;

    if (family == 6 && memcmp(addr, mapped, sizeof(mapped)) == 0) {
        family = 4;
        addr += sizeof(mapped);
    }

    if (family == 4) {
        n = 4;
        bits = ipv4_prefix;

    } else if (family == 6) {
        n = 16;
        bits = ipv6_prefix;

    } else {
        return 0;
    }

    key[0] = (unsigned char) family;

    for (i = 0; i < n; i++) {

        if (bits >= 8) {
            key[1 + i] = addr[i];
            bits -= 8;

        } else {
            key[1 + i] = (unsigned char) (addr[i] & (0xff00 >> bits));
            bits = 0;
        }
    }

    return 1 + n;
}


uint64_t
sc_rate_ceil_sec(uint64_t us)
{
    return us / SC_USEC + (us % SC_USEC != 0);
}


static unsigned char *
sc_put_uint(unsigned char *p, uint64_t v)
{
    unsigned char   buf[20];
    size_t          n;

    if (v > SC_SF_INTEGER_MAX) {
        v = SC_SF_INTEGER_MAX;
    }

    n = 0;

    do {
        buf[n++] = (unsigned char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *p++ = buf[--n];
    }

    return p;
}


static unsigned char *
sc_put_param(unsigned char *p, const char *name, uint64_t v)
{
    size_t  n;

    n = strlen(name);
    memcpy(p, name, n);

    return sc_put_uint(p + n, v);
}


size_t
sc_rate_policy_header(unsigned char *out, const sc_rate_t *rate,
    uint64_t burst)
{
    uint64_t        t, q, w;
    unsigned char  *p;

    t = rate->t_us ? rate->t_us : 1;
    q = sc_add_sat(burst, 1);
    w = sc_mul_sat(q, t);

    if (w < SC_USEC) {
        /* a whole second lets at least burst + 1 through */
        q = SC_USEC / t;
        w = 1;

    } else {
        w = sc_rate_ceil_sec(w);
    }

    p = out;
    p = sc_put_param(p, "\"default\";q=", q);
    p = sc_put_param(p, ";w=", w);

    return (size_t) (p - out);
}


size_t
sc_rate_header(unsigned char *out, const sc_gcra_result_t *res)
{
    uint64_t        t;
    unsigned char  *p;

    t = res->retry_after_us ? res->retry_after_us : res->reset_us;

    p = out;
    p = sc_put_param(p, "\"default\";r=", res->remaining);
    p = sc_put_param(p, ";t=", sc_rate_ceil_sec(t));

    return (size_t) (p - out);
}
