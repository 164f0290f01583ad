/*
 * Copyright (C) nginx-security-contact developers
 *
 * Rate limiting of the report endpoint, the pure core: rates as nginx
 * writes them, GCRA (the generic cell rate algorithm) over one theoretical
 * arrival time per client, client keys from addresses, and the values of
 * the RateLimit-Policy and RateLimit header fields.
 *
 * Plain C99, no nginx headers, no allocation, no global state.  All
 * arithmetic on times saturates, so any uint64_t input is safe.
 */

#ifndef SC_RATE_H
#define SC_RATE_H


#include "sc_core.h"


#define SC_RATE_MAX_REQUESTS   1000000

/* a key: one family byte (4 or 6), then the masked address */
#define SC_RATE_KEY_LEN        17

/* room sc_rate_policy_header() and sc_rate_header() need */
#define SC_RATE_HEADER_LEN     64

/* largest Integer of RFC 9651 (structured fields), section 3.3.1 */
#define SC_SF_INTEGER_MAX      999999999999999ULL


typedef struct {
    uint64_t  requests;      /* 1 .. SC_RATE_MAX_REQUESTS */
    uint64_t  period_us;     /* 1 s, 1 min, 1 h or 1 day */
    uint64_t  t_us;          /* emission interval: period / requests,
                                rounded up, so at least 1 */
} sc_rate_t;


typedef struct {
    uint64_t  retry_after_us;  /* limited: wait until a request would be
                                  allowed (> 0); allowed: 0 */
    uint64_t  remaining;       /* requests that would be allowed right now,
                                  after this one */
    uint64_t  reset_us;        /* until the bucket is full again, that is
                                  until burst + 1 requests would be allowed */
} sc_gcra_result_t;


/*
 * "10r/s", "30r/m", "5r/h", "100r/d": a decimal count of 1 .. 1000000
 * (no sign, no fraction, no spaces; leading zeros are accepted as nginx's
 * own rate parser accepts them), "r/", and one lowercase unit letter.
 * Fills *rate and returns 0, or returns -1 and leaves *rate untouched.
 */
int sc_rate_parse(const unsigned char *p, size_t len, sc_rate_t *rate);

/*
 * One request of a key whose theoretical arrival time is *tat
 * (microseconds; 0 for a new key, meaning "now") at now_us, allowing
 * bursts of burst requests beyond the rate.  The tolerance is
 * tau = burst * T; a request is allowed when TAT - now <= tau.
 *
 * Allowed: returns 1 and sets *tat = max(*tat, now) + T.
 * Limited: returns 0 with res->retry_after_us = TAT - now - tau.  *tat is
 * not changed, with one exception: a TAT further ahead than an allowed
 * request can put it (more than tau + T after now) means that the clock
 * went backwards, or that the rate or burst was lowered on reload, and it
 * is pulled back to now + tau + T, so that a client is never held off
 * for longer than one full bucket takes to drain.
 *
 * res->remaining is floor((tau + T - (TAT' - now)) / T) with TAT' the
 * arrival time after this request (0 when limited); res->reset_us is
 * TAT' - now (when limited, TAT - now).  T of 0 counts as 1.
 */
int sc_gcra(uint64_t *tat, uint64_t now_us, const sc_rate_t *rate,
    uint64_t burst, sc_gcra_result_t *res);

/*
 * The key of a client: family is 4 (addr holds 4 bytes) or 6 (16 bytes).
 * IPv4 is masked to ipv4_prefix bits, IPv6 to ipv6_prefix bits (prefixes
 * longer than the address count as the whole address); an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is keyed as the IPv4 address it maps.  Writes
 * the family byte and the masked address, and returns the key's length: 5
 * for IPv4, 17 for IPv6, 0 for an unknown family.
 */
size_t sc_rate_key(unsigned family, const unsigned char *addr,
    unsigned ipv4_prefix, unsigned ipv6_prefix,
    unsigned char key[SC_RATE_KEY_LEN]);

/* microseconds to whole seconds, rounded up: for Retry-After */
uint64_t sc_rate_ceil_sec(uint64_t us);

/*
 * Field values of draft-ietf-httpapi-ratelimit-headers-11 (structured
 * field Lists, one policy named "default"), without the field name, not
 * NUL-terminated; out needs SC_RATE_HEADER_LEN bytes; return the length.
 *
 * RateLimit-Policy: "default";q=Q;w=W
 *   GCRA lets burst + 1 requests through at once and then one each T, so
 *   the policy is burst + 1 requests per (burst + 1) * T, the window
 *   rounded up to whole seconds.  A window under one second (fast rates)
 *   is advertised as w=1 with q the whole intervals T in a second.
 *
 * RateLimit: "default";r=R;t=S
 *   r is res->remaining; t, the effective window, is the time until the
 *   bucket is full again (res->reset_us) in seconds rounded up; when the
 *   request was limited it is the time until the next request would be
 *   allowed (res->retry_after_us), so that a Retry-After of that value
 *   does not end before the effective window (draft section 6).
 *
 * Integers are capped at SC_SF_INTEGER_MAX.
 */
size_t sc_rate_policy_header(unsigned char *out, const sc_rate_t *rate,
    uint64_t burst);
size_t sc_rate_header(unsigned char *out, const sc_gcra_result_t *res);


#endif /* SC_RATE_H */
