/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the parser of the backend's response head: fed
 * whole, in random pieces and a byte at a time it must give the same
 * result; a complete head must be a prefix of the input ending in LF,
 * with a final status and a sane Retry-After; a later clock may only
 * shorten Retry-After, by no more than it moved; nothing changes once the
 * parser is done.  The same bytes also go to the secret parser and, as
 * numbers, to the retry decision.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sc_webhook.h"


#define FUZZ_NOW    784111777       /* Sun, 06 Nov 1994 08:49:37 GMT */
#define FUZZ_LATER  1000


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


typedef struct {
    int          rc;
    unsigned     status;
    unsigned     version;
    int64_t      retry_after;
    size_t       head;
    const char  *error;
} fuzz_result_t;


static fuzz_result_t
fuzz_result(int rc, const sc_http_response_t *r)
{
    fuzz_result_t  res;

    res.rc = rc;
    res.status = r->status;
    res.version = r->version;
    res.retry_after = r->retry_after;
    res.head = r->size;
    res.error = r->error;

    return res;
}


static void
fuzz_same(const fuzz_result_t *a, const fuzz_result_t *b)
{
    if (a->rc != b->rc || a->error != b->error) {
        abort();
    }

    if (a->rc == SC_HTTP_DONE
        && (a->status != b->status || a->version != b->version
            || a->retry_after != b->retry_after || a->head != b->head))
    {
        abort();
    }
}


static uint64_t
fuzz_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;

    return *x;
}


static fuzz_result_t
fuzz_whole(const uint8_t *data, size_t size, int64_t now)
{
    int                 rc;
    sc_http_response_t  r;

    sc_http_response_init(&r);
    rc = sc_http_response_feed(&r, data, size, now);

    return fuzz_result(rc, &r);
}


static void
fuzz_response(const uint8_t *data, size_t size)
{
    int                 rc;
    size_t              i, n;
    uint64_t            x;
    fuzz_result_t       whole, got, later;
    sc_http_response_t  r, copy;

    whole = fuzz_whole(data, size, FUZZ_NOW);

    /* what each result promises */

    switch (whole.rc) {

    case SC_HTTP_AGAIN:
        if (whole.error != NULL || whole.head != size
            || size > SC_HTTP_HEAD_MAX)
        {
            abort();
        }

        break;

    case SC_HTTP_DONE:
        if (whole.error != NULL || whole.head == 0 || whole.head > size
            || whole.head > SC_HTTP_HEAD_MAX
            || data[whole.head - 1] != '\n'
            || whole.status < 100 || whole.status > 599
            || (whole.status < 200 && whole.status != 101)
            || whole.version > 9
            || whole.retry_after < -1
            || size < 7 || memcmp(data, "HTTP/1.", 7) != 0)
        {
            abort();
        }

        /* the head alone is complete; without its last byte it is not */

        got = fuzz_whole(data, whole.head, FUZZ_NOW);
        fuzz_same(&whole, &got);

        got = fuzz_whole(data, whole.head - 1, FUZZ_NOW);

        if (got.rc != SC_HTTP_AGAIN) {
            abort();
        }

        break;

    case SC_HTTP_ERROR:
        if (whole.error == NULL || whole.error[0] == '\0') {
            abort();
        }

        break;

    default:
        abort();
    }

    /* random pieces, the sizes drawn from the input's own hash */

    x = 0x9e3779b97f4a7c15ULL;

    for (i = 0; i < size; i++) {
        x = (x ^ data[i]) * 0x100000001b3ULL;
    }

    x |= 1;

    sc_http_response_init(&r);
    rc = SC_HTTP_AGAIN;

    for (i = 0; i < size && rc == SC_HTTP_AGAIN; i += n) {
        n = (size_t) (fuzz_next(&x) % 64);
        n = n < size - i ? n : size - i;
        rc = sc_http_response_feed(&r, data + i, n, FUZZ_NOW);
    }

    got = fuzz_result(rc, &r);
    fuzz_same(&whole, &got);

    /* a byte at a time */

    sc_http_response_init(&r);
    rc = SC_HTTP_AGAIN;

    for (i = 0; i < size && rc == SC_HTTP_AGAIN; i++) {
        rc = sc_http_response_feed(&r, data + i, 1, FUZZ_NOW);
    }

    got = fuzz_result(rc, &r);
    fuzz_same(&whole, &got);

    /* once done or failed, more input changes nothing */

    if (rc != SC_HTTP_AGAIN) {
        copy = r;

        if (sc_http_response_feed(&r, data, size, FUZZ_NOW) != rc
            || memcmp(&r, &copy, sizeof(r)) != 0)
        {
            abort();
        }
    }

    /* a later clock: a date comes closer, a delay stays */

    later = fuzz_whole(data, size, FUZZ_NOW + FUZZ_LATER);

    if (later.rc != whole.rc || later.error != whole.error) {
        abort();
    }

    if (whole.rc == SC_HTTP_DONE
        && (later.status != whole.status
            || (whole.retry_after == -1) != (later.retry_after == -1)
            || later.retry_after > whole.retry_after
            || whole.retry_after - later.retry_after > FUZZ_LATER))
    {
        abort();
    }

    /* clocks at the ends of int64_t: no overflow */

    (void) fuzz_whole(data, size, INT64_MIN);
    (void) fuzz_whole(data, size, INT64_MAX);
}


static void
fuzz_secret(const uint8_t *data, size_t size)
{
    size_t               n;
    const char          *err;
    unsigned char        sig[SC_WEBHOOK_SIG_MAX];
    sc_webhook_secret_t  s;

    err = NULL;

    if (sc_webhook_secret_parse(&s, data, size, &err) != 0) {
        if (err == NULL || s.kind != 0 || s.key_len != 0) {
            abort();
        }

        return;
    }

    if (err != NULL || s.key_len == 0 || s.key_len > 64
        || (s.kind != SC_WEBHOOK_HMAC && s.kind != SC_WEBHOOK_ED25519))
    {
        abort();
    }

    n = sc_webhook_sign(sig, &s, data, size, 1, data, size);

    if (n != (s.kind == SC_WEBHOOK_HMAC ? 47 : 92)) {
        abort();
    }

    sc_webhook_secret_wipe(&s);
}


static void
fuzz_decide(const uint8_t *data, size_t size)
{
    int64_t                ra;
    uint8_t                b[32];
    uint64_t               rm, cap, backoff;
    unsigned               status, attempts;
    sc_webhook_decision_t  d;

    memset(b, 0, sizeof(b));
    memcpy(b, data, size < sizeof(b) ? size : sizeof(b));

    status = (unsigned) (b[0] | b[1] << 8) % 700;
    attempts = (unsigned) (b[2] | b[3] << 8);
    memcpy(&ra, b + 4, 8);
    memcpy(&rm, b + 12, 8);
    rm >>= b[20] & 63;

    d = sc_webhook_decide(status, ra, attempts, rm, b[21], b[22],
                          (uint32_t) (b[23] | b[24] << 8 | b[25] << 16
                                      | (uint32_t) b[26] << 24));

    if (d.reason == NULL) {
        abort();
    }

    if (status >= 200 && status <= 299) {
        if (d.action != SC_WEBHOOK_DELIVERED) {
            abort();
        }

        return;
    }

    if (status == 410 || (b[22] != 0 && b[21] > b[22])) {
        if (d.action != SC_WEBHOOK_DEAD) {
            abort();
        }

        return;
    }

    cap = rm != 0 ? rm : 1;
    backoff = attempts <= 1 ? 1
              : (uint64_t) 1 << (attempts - 1 < 63 ? attempts - 1 : 63);
    backoff = backoff < cap ? backoff : cap;

    if (d.action != SC_WEBHOOK_RETRY || d.wait < 1 || d.wait > cap
        || d.wait < backoff / 2)
    {
        abort();
    }

    if ((status == 429 || status == 502 || status == 503 || status == 504)
        && ra >= 0 && d.wait < ((uint64_t) ra < cap ? (uint64_t) ra : cap))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int  init;

    if (!init) {
        if (sodium_init() < 0) {
            abort();
        }

        init = 1;
    }

    fuzz_response(data, size);
    fuzz_secret(data, size);
    fuzz_decide(data, size);

    return 0;
}
