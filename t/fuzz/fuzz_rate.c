/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the rate limiting pure core: the whole input as a
 * rate, then its bytes as a client address with prefixes, and as GCRA
 * state, with the invariants each result must keep.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_rate.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static uint64_t
fuzz_u64(const uint8_t *p)
{
    int       i;
    uint64_t  v;

    v = 0;

    for (i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }

    return v;
}


static void
fuzz_check_header(const unsigned char *out, size_t n, const char *prefix)
{
    size_t  i, plen;

    plen = strlen(prefix);

    if (n > SC_RATE_HEADER_LEN || n <= plen
        || memcmp(out, prefix, plen) != 0)
    {
        abort();
    }

    for (i = plen; i < n; i++) {
        if ((out[i] < '0' || out[i] > '9') && out[i] != ';'
            && out[i] != '=' && out[i] != 'q' && out[i] != 'w'
            && out[i] != 'r' && out[i] != 't')
        {
            abort();
        }
    }
}


static void
fuzz_rate(const uint8_t *data, size_t size)
{
    int            rc;
    char           again[32];
    size_t         i, n;
    sc_rate_t      r, r2;
    unsigned char  out[SC_RATE_HEADER_LEN];

    memset(&r, 0x5a, sizeof(r));
    r2 = r;

    rc = sc_rate_parse(data, size, &r);

    if (rc != 0) {
        if (rc != -1 || memcmp(&r, &r2, sizeof(r)) != 0) {
            abort();
        }

        return;
    }

    /* accepted: digits, "r/", a unit; a count in range; T rounded up */

    for (i = 0; i + 3 < size; i++) {
        if (data[i] < '0' || data[i] > '9') {
            abort();
        }
    }

    if (size < 4 || data[size - 3] != 'r' || data[size - 2] != '/'
        || r.requests < 1 || r.requests > SC_RATE_MAX_REQUESTS
        || r.t_us == 0
        || r.t_us * r.requests < r.period_us
        || (r.t_us - 1) * r.requests >= r.period_us)
    {
        abort();
    }

    switch (data[size - 1]) {
    case 's':
        rc = r.period_us == 1000000ULL;
        break;
    case 'm':
        rc = r.period_us == 60000000ULL;
        break;
    case 'h':
        rc = r.period_us == 3600000000ULL;
        break;
    case 'd':
        rc = r.period_us == 86400000000ULL;
        break;
    default:
        rc = 0;
    }

    if (!rc) {
        abort();
    }

    /* the canonical form parses to the same rate */

    n = (size_t) snprintf(again, sizeof(again), "%llur/%c",
                          (unsigned long long) r.requests, data[size - 1]);

    if (sc_rate_parse((unsigned char *) again, n, &r2) != 0
        || memcmp(&r, &r2, sizeof(r)) != 0)
    {
        abort();
    }

    n = sc_rate_policy_header(out, &r, size);
    fuzz_check_header(out, n, "\"default\";q=");
}


static void
fuzz_key(const uint8_t *buf)
{
    size_t          n, i, len;
    unsigned        family, p4, p6, bits;
    unsigned char   key[SC_RATE_KEY_LEN], key2[SC_RATE_KEY_LEN], v4[4];

    family = buf[0] & 0x0f;
    p4 = buf[1];
    p6 = buf[2];

    memset(key, 0xa5, sizeof(key));
    n = sc_rate_key(family, buf + 3, p4, p6, key);

    if (family != 4 && family != 6) {
        if (n != 0) {
            abort();
        }

        return;
    }

    if (!((n == 5 && key[0] == 4) || (n == 17 && key[0] == 6))) {
        abort();
    }

    len = n - 1;
    bits = key[0] == 4 ? p4 : p6;

    /* masked: the key's address keeps the prefix, zero past it */

    for (i = 0; i < len * 8; i++) {
        if (i >= bits && (key[1 + i / 8] >> (7 - i % 8) & 1)) {
            abort();
        }
    }

    /* masking is idempotent */

    if (sc_rate_key(key[0], key + 1, p4, p6, key2) != n
        || memcmp(key, key2, n) != 0)
    {
        abort();
    }

    /* a mapped address and the plain IPv4 one share their key */

    if (family == 6 && key[0] == 4) {
        memcpy(v4, buf + 3 + 12, 4);

        if (sc_rate_key(4, v4, p4, p6, key2) != 5
            || memcmp(key, key2, 5) != 0)
        {
            abort();
        }
    }
}


static void
fuzz_gcra(const uint8_t *buf)
{
    int               rc;
    uint64_t          tat, old, now, burst, tau, max;
    sc_rate_t         r;
    sc_gcra_result_t  res;
    unsigned char     out[SC_RATE_HEADER_LEN];

    tat = fuzz_u64(buf);
    now = fuzz_u64(buf + 8);
    r.t_us = fuzz_u64(buf + 16) >> (buf[32] & 63);
    r.requests = 1;
    r.period_us = r.t_us;
    burst = fuzz_u64(buf + 24) >> (buf[33] & 63);

    old = tat;
    rc = sc_gcra(&tat, now, &r, burst, &res);

    if (r.t_us == 0) {
        r.t_us = 1;
    }

    tau = burst != 0 && r.t_us > UINT64_MAX / burst ? UINT64_MAX
                                                     : burst * r.t_us;
    max = tau > UINT64_MAX - r.t_us ? UINT64_MAX : tau + r.t_us;

    if (rc == 1) {
        if (res.retry_after_us != 0 || res.remaining > burst
            || tat < now || tat < old || res.reset_us != tat - now
            || (old > now && old - now > tau))
        {
            abort();
        }

    } else if (rc == 0) {
        if (res.retry_after_us == 0 || res.remaining != 0
            || tat > old || tat <= now
            || res.reset_us != tat - now
            || res.reset_us > max
            || res.retry_after_us != res.reset_us - tau)
        {
            abort();
        }

    } else {
        abort();
    }

    fuzz_check_header(out, sc_rate_header(out, &res), "\"default\";r=");
    fuzz_check_header(out, sc_rate_policy_header(out, &r, burst),
                      "\"default\";q=");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t  buf[40];

    fuzz_rate(data, size);

    memset(buf, 0, sizeof(buf));
    memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));

    fuzz_key(buf);
    fuzz_gcra(buf);

    return 0;
}
