/*
 * Copyright (C) nginx-security-contact developers
 *
 * Delivery of reports to the backend, the pure core: Standard Webhooks
 * secrets and signatures, payload, request, response head, decisions.
 */


#include <string.h>

#include <sodium.h>

#include "sc_sectxt.h"
#include "sc_webhook.h"


#define SC_WEBHOOK_TYPE      "security_report.received"
#define SC_WEBHOOK_AGENT     "nginx-security-contact"

#define sc_literal(p, s)     sc_cpy(p, (const unsigned char *) s,           \
                                    sizeof(s) - 1)


/* the states of the response head parser */

enum {
    sc_http_version = 0,
    sc_http_minor,
    sc_http_space,
    sc_http_status,
    sc_http_after_status,
    sc_http_reason,
    sc_http_status_lf,
    sc_http_line_start,
    sc_http_name,
    sc_http_value_ws,
    sc_http_value,
    sc_http_line_lf,
    sc_http_end_lf,
    sc_http_done,
    sc_http_failed
};


#define SC_HTTP_FIELD_NONE    0
#define SC_HTTP_FIELD_OTHER   1
#define SC_HTTP_FIELD_RETRY   2


static const char  sc_base64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


static unsigned char *
sc_cpy(unsigned char *p, const unsigned char *s, size_t n)
{
    if (n != 0) {
        memcpy(p, s, n);
    }

    return p + n;
}


static size_t
sc_u64_len(uint64_t v)
{
    size_t  n;

    n = 1;

    while (v >= 10) {
        v /= 10;
        n++;
    }

    return n;
}


static unsigned char *
sc_put_u64(unsigned char *p, uint64_t v)
{
    size_t  i, n;

    n = sc_u64_len(v);

    for (i = n; i > 0; i--) {
        p[i - 1] = (unsigned char) ('0' + v % 10);
        v /= 10;
    }

    return p + n;
}


static size_t
sc_base64_len(size_t len)
{
    return (len + 2) / 3 * 4;
}


static unsigned char *
sc_base64(unsigned char *p, const unsigned char *s, size_t len)
{
    uint32_t  v;

    while (len >= 3) {
        v = (uint32_t) s[0] << 16 | (uint32_t) s[1] << 8 | s[2];
        *p++ = sc_base64_chars[v >> 18];
        *p++ = sc_base64_chars[v >> 12 & 0x3f];
        *p++ = sc_base64_chars[v >> 6 & 0x3f];
        *p++ = sc_base64_chars[v & 0x3f];
        s += 3;
        len -= 3;
    }

    if (len != 0) {
        v = (uint32_t) s[0] << 16 | (len == 2 ? (uint32_t) s[1] << 8 : 0);
        *p++ = sc_base64_chars[v >> 18];
        *p++ = sc_base64_chars[v >> 12 & 0x3f];
        *p++ = len == 2 ? sc_base64_chars[v >> 6 & 0x3f] : '=';
        *p++ = '=';
    }

    return p;
}


/* ---------------------------------------------------------------- secrets */


/*
 * Standard base64, padded or not, into out (64 bytes).  Returns the
 * decoded length, or -1 if the text is not base64, or -2 if it holds more
 * than 64 bytes.
 */

static int
sc_webhook_base64_key(unsigned char *out, const unsigned char *p, size_t len)
{
    int     variant;
    size_t  n, pads, decoded;

    pads = 0;

    while (pads < 2 && pads < len && p[len - 1 - pads] == '=') {
        pads++;
    }

    if (len > 4 * 64) {
        return -2;
    }

    decoded = (len - pads) * 3 / 4;

    if (decoded > 64) {
        return -2;
    }

    variant = len % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL
                           : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;

    if (sodium_base642bin(out, 64, (const char *) p, len, NULL, &n, NULL,
                          variant)
        != 0)
    {
        return -1;
    }

    return (int) n;
}


int
sc_webhook_secret_parse(sc_webhook_secret_t *s, const unsigned char *p,
    size_t len, const char **err)
{
    int            n;
    unsigned char  pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char  sk[crypto_sign_SECRETKEYBYTES];
    unsigned char  buf[64];

    sodium_memzero(s, sizeof(sc_webhook_secret_t));

    while (len != 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r'
                        || p[0] == '\n'))
    {
        p++;
        len--;
    }

    while (len != 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'
                        || p[len - 1] == '\r' || p[len - 1] == '\n'))
    {
        len--;
    }

    if (len == 0) {
        *err = "the webhook secret is empty: it must be \"whsec_<base64>\" "
               "(HMAC-SHA256) or \"whsk_<base64>\" (Ed25519)";
        return -1;
    }

    if (len >= 6 && memcmp(p, "whsec_", 6) == 0) {

        n = sc_webhook_base64_key(buf, p + 6, len - 6);

        if (n == -2) {
            *err = "the whsec_ secret decodes to more than 64 bytes: a "
                   "valid one is \"whsec_\" and the base64 of 24 to 64 "
                   "random bytes";
            goto failed;
        }

        if (n < 0) {
            *err = "the whsec_ secret is not valid base64: a valid one is "
                   "\"whsec_\" and the base64 (A-Z a-z 0-9 + /, padded with "
                   "=) of 24 to 64 random bytes, on one line";
            goto failed;
        }

        if (n == 0) {
            *err = "the whsec_ secret has no key after the prefix: a valid "
                   "one is \"whsec_\" and the base64 of 24 to 64 random "
                   "bytes";
            goto failed;
        }

        s->kind = SC_WEBHOOK_HMAC;
        memcpy(s->key, buf, (size_t) n);
        s->key_len = (size_t) n;

        sodium_memzero(buf, sizeof(buf));
        *err = NULL;

        return 0;
    }

    if (len >= 5 && memcmp(p, "whsk_", 5) == 0) {

        n = sc_webhook_base64_key(buf, p + 5, len - 5);

        if (n == -1) {
            *err = "the whsk_ key is not valid base64: a valid one is "
                   "\"whsk_\" and the base64 (A-Z a-z 0-9 + /, padded with "
                   "=) of a 32-byte Ed25519 seed, on one line";
            goto failed;
        }

        if (n != crypto_sign_SEEDBYTES && n != crypto_sign_SECRETKEYBYTES) {
            *err = "the whsk_ key has the wrong length: a valid one is "
                   "\"whsk_\" and the base64 of a 32-byte Ed25519 seed "
                   "(or of libsodium's 64-byte secret key)";
            goto failed;
        }

        if (crypto_sign_seed_keypair(pk, sk, buf) != 0) {
            *err = "the whsk_ key cannot be used as an Ed25519 key";
            goto failed;
        }

        if (n == crypto_sign_SECRETKEYBYTES
            && sodium_memcmp(sk, buf, crypto_sign_SECRETKEYBYTES) != 0)
        {
            *err = "the whsk_ key's public half does not match its seed: "
                   "a valid one is \"whsk_\" and the base64 of a 32-byte "
                   "Ed25519 seed (or of libsodium's 64-byte secret key)";
            goto failed;
        }

        s->kind = SC_WEBHOOK_ED25519;
        memcpy(s->key, sk, crypto_sign_SECRETKEYBYTES);
        s->key_len = crypto_sign_SECRETKEYBYTES;

        sodium_memzero(sk, sizeof(sk));
        sodium_memzero(buf, sizeof(buf));
        *err = NULL;

        return 0;
    }

    if (len >= 5 && memcmp(p, "whpk_", 5) == 0) {
        *err = "the webhook secret is a public key (whpk_), which can only "
               "verify: give the secret key, \"whsk_<base64>\", and keep "
               "the whpk_ key for the backend";
        return -1;
    }

    *err = "the webhook secret does not start with \"whsec_\" (HMAC-SHA256) "
           "or \"whsk_\" (Ed25519): a valid one is, for example, \"whsec_\" "
           "and the base64 of 32 random bytes, as made by "
           "\"echo whsec_$(openssl rand -base64 32)\"";
    return -1;

failed:

    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(buf, sizeof(buf));
    sodium_memzero(s, sizeof(sc_webhook_secret_t));

    return -1;
}


void
sc_webhook_secret_wipe(sc_webhook_secret_t *s)
{
    sodium_memzero(s, sizeof(sc_webhook_secret_t));
}


int
sc_webhook_id_valid(const unsigned char *id, size_t len)
{
    size_t         i;
    unsigned char  c;

    if (len == 0 || len > SC_WEBHOOK_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = id[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


/* ---------------------------------------------------------------- signing */


/*
 * Ed25519 (RFC 8032) of a message given in pieces, so that a large body
 * is never copied: the steps of crypto_sign_detached() on libsodium's
 * scalar and point primitives, with the same, deterministic, result.
 * libsodium's own multi-part API is Ed25519ph, another signature.
 */

static int
sc_webhook_ed25519(unsigned char sig[64], const unsigned char sk[64],
    const sc_str_t *m, size_t n)
{
    int                       rc;
    size_t                    i;
    unsigned char             az[64], nonce[64], hram[64], wide[64];
    unsigned char             r[32], k[32], a[32], ka[32];
    crypto_hash_sha512_state  hs;

    /* az: the clamped scalar a, then the prefix of the nonce */

    crypto_hash_sha512(az, sk, 32);
    az[0] &= 248;
    az[31] &= 127;
    az[31] |= 64;

    /* r = SHA-512(prefix || M) mod L, R = rB */

    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, az + 32, 32);

    for (i = 0; i < n; i++) {
        crypto_hash_sha512_update(&hs, m[i].data, m[i].len);
    }

    crypto_hash_sha512_final(&hs, nonce);
    crypto_core_ed25519_scalar_reduce(r, nonce);

    /* fails only for r = 0, which SHA-512 does not give */

    rc = crypto_scalarmult_ed25519_base_noclamp(sig, r) == 0 ? 0 : -1;

    /* k = SHA-512(R || A || M) mod L */

    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, sig, 32);
    crypto_hash_sha512_update(&hs, sk + 32, 32);

    for (i = 0; i < n; i++) {
        crypto_hash_sha512_update(&hs, m[i].data, m[i].len);
    }

    crypto_hash_sha512_final(&hs, hram);
    crypto_core_ed25519_scalar_reduce(k, hram);

    /* S = (r + k a) mod L */

    memset(wide, 0, sizeof(wide));
    memcpy(wide, az, 32);
    crypto_core_ed25519_scalar_reduce(a, wide);
    crypto_core_ed25519_scalar_mul(ka, k, a);
    crypto_core_ed25519_scalar_add(sig + 32, ka, r);

    sodium_memzero(az, sizeof(az));
    sodium_memzero(nonce, sizeof(nonce));
    sodium_memzero(wide, sizeof(wide));
    sodium_memzero(r, sizeof(r));
    sodium_memzero(a, sizeof(a));
    sodium_memzero(ka, sizeof(ka));
    sodium_memzero(&hs, sizeof(hs));

    return rc;
}


size_t
sc_webhook_sign(unsigned char *out, const sc_webhook_secret_t *s,
    const unsigned char *id, size_t id_len, uint64_t timestamp,
    const unsigned char *body, size_t body_len)
{
    size_t                        i;
    sc_str_t                      m[5];
    unsigned char                 ts[SC_WEBHOOK_TIMESTAMP_MAX];
    unsigned char                 mac[crypto_auth_hmacsha256_BYTES];
    unsigned char                 sig[crypto_sign_BYTES];
    crypto_auth_hmacsha256_state  st;

    /* the signed content: "<id>.<timestamp>.<body>" */

    m[0].data = id;
    m[0].len = id_len;
    m[1].data = (const unsigned char *) ".";
    m[1].len = 1;
    m[2].data = ts;
    m[2].len = (size_t) (sc_put_u64(ts, timestamp) - ts);
    m[3].data = (const unsigned char *) ".";
    m[3].len = 1;
    m[4].data = body;
    m[4].len = body_len;

    if (s->kind == SC_WEBHOOK_HMAC && s->key_len != 0 && s->key_len <= 64) {

        crypto_auth_hmacsha256_init(&st, s->key, s->key_len);

        for (i = 0; i < 5; i++) {
            crypto_auth_hmacsha256_update(&st, m[i].data, m[i].len);
        }

        crypto_auth_hmacsha256_final(&st, mac);
        sodium_memzero(&st, sizeof(st));

        out = sc_literal(out, "v1,");
        sc_base64(out, mac, sizeof(mac));

        return 3 + sc_base64_len(sizeof(mac));
    }

    if (s->kind == SC_WEBHOOK_ED25519
        && s->key_len == crypto_sign_SECRETKEYBYTES)
    {
        if (sc_webhook_ed25519(sig, s->key, m, 5) != 0) {
            return 0;
        }

        out = sc_literal(out, "v1a,");
        sc_base64(out, sig, sizeof(sig));

        return 4 + sc_base64_len(sizeof(sig));
    }

    return 0;
}


/* ---------------------------------------------------------------- payload */


#define SC_PAYLOAD_HEAD  "{\"type\":\"" SC_WEBHOOK_TYPE "\",\"timestamp\":\""
#define SC_PAYLOAD_DATA  "\",\"data\":"
#define SC_SEALED_HEAD   "{\"sealed\":\""
#define SC_SEALED_TAIL   "\"}"


size_t
sc_webhook_payload_len(const unsigned char *record, size_t len, int sealed)
{
    size_t  n;

    (void) record;

    n = sizeof(SC_PAYLOAD_HEAD) - 1 + SC_RFC3339_LEN
        + sizeof(SC_PAYLOAD_DATA) - 1 + 1;

    if (sealed) {
        return n + sizeof(SC_SEALED_HEAD) - 1 + sc_base64_len(len)
               + sizeof(SC_SEALED_TAIL) - 1;
    }

    return n + len;
}


size_t
sc_webhook_payload(unsigned char *out, const unsigned char *record,
    size_t len, int sealed, int64_t now)
{
    unsigned char  *p;

    p = sc_literal(out, SC_PAYLOAD_HEAD);
    p = sc_rfc3339(p, now);
    p = sc_literal(p, SC_PAYLOAD_DATA);

    if (sealed) {
        p = sc_literal(p, SC_SEALED_HEAD);
        p = sc_base64(p, record, len);
        p = sc_literal(p, SC_SEALED_TAIL);

    } else {
        p = sc_cpy(p, record, len);
    }

    *p++ = '}';

    return (size_t) (p - out);
}


/* ---------------------------------------------------------------- request */


#define SC_REQ_POST      "POST "
#define SC_REQ_HOST      " HTTP/1.1\r\nHost: "
#define SC_REQ_TYPE      "\r\nContent-Type: application/json\r\n"           \
                         "Content-Length: "
#define SC_REQ_ID        "\r\nwebhook-id: "
#define SC_REQ_TS        "\r\nwebhook-timestamp: "
#define SC_REQ_SIG       "\r\nwebhook-signature: "
#define SC_REQ_TAIL      "\r\nUser-Agent: " SC_WEBHOOK_AGENT "\r\n"         \
                         "Connection: close\r\n\r\n"


size_t
sc_webhook_request_len(size_t path_len, size_t host_len, size_t id_len,
    uint64_t timestamp, size_t sig_len, size_t body_len)
{
    return sizeof(SC_REQ_POST) - 1 + path_len
           + sizeof(SC_REQ_HOST) - 1 + host_len
           + sizeof(SC_REQ_TYPE) - 1 + sc_u64_len(body_len)
           + sizeof(SC_REQ_ID) - 1 + id_len
           + sizeof(SC_REQ_TS) - 1 + sc_u64_len(timestamp)
           + (sig_len ? sizeof(SC_REQ_SIG) - 1 + sig_len : 0)
           + sizeof(SC_REQ_TAIL) - 1 + body_len;
}


size_t
sc_webhook_request(unsigned char *out, const unsigned char *path,
    size_t path_len, const unsigned char *host, size_t host_len,
    const unsigned char *id, size_t id_len, uint64_t timestamp,
    const unsigned char *sig, size_t sig_len, const unsigned char *body,
    size_t body_len)
{
    unsigned char  *p;

    p = sc_literal(out, SC_REQ_POST);
    p = sc_cpy(p, path, path_len);
    p = sc_literal(p, SC_REQ_HOST);
    p = sc_cpy(p, host, host_len);
    p = sc_literal(p, SC_REQ_TYPE);
    p = sc_put_u64(p, body_len);
    p = sc_literal(p, SC_REQ_ID);
    p = sc_cpy(p, id, id_len);
    p = sc_literal(p, SC_REQ_TS);
    p = sc_put_u64(p, timestamp);
    /* without a secret there is no signature, and no header */

    if (sig_len) {
        p = sc_literal(p, SC_REQ_SIG);
        p = sc_cpy(p, sig, sig_len);
    }

    p = sc_literal(p, SC_REQ_TAIL);
    p = sc_cpy(p, body, body_len);

    return (size_t) (p - out);
}


/* ---------------------------------------------------------------- response */


/* tchar of RFC 9110, section 5.6.2 */

static int
sc_http_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


/* field-vchar, SP and HTAB; obs-text included */

static int
sc_http_vchar(unsigned char c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t';
}


static int
sc_http_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}


static int64_t
sc_http_digits(const unsigned char *p, size_t n)
{
    size_t   i;
    int64_t  v;

    v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        v = v * 10 + (p[i] - '0');
    }

    return v;
}


static unsigned
sc_http_month(const unsigned char *p)
{
    static const char  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

    unsigned  i;

    for (i = 0; i < 12; i++) {
        if (memcmp(p, months + 3 * i, 3) == 0) {
            return i + 1;
        }
    }

    return 0;
}


static int
sc_http_wkday(const unsigned char *p, size_t n, int full)
{
    static const char  *days[] = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday", "Sunday"
    };

    size_t  i;

    for (i = 0; i < 7; i++) {
        if (full ? n == strlen(days[i]) && memcmp(p, days[i], n) == 0
                 : n == 3 && memcmp(p, days[i], 3) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* "HH:MM:SS" to seconds of the day, or -1 */

static int64_t
sc_http_clock(const unsigned char *p)
{
    int64_t  h, m, s;

    if (p[2] != ':' || p[5] != ':') {
        return -1;
    }

    h = sc_http_digits(p, 2);
    m = sc_http_digits(p + 3, 2);
    s = sc_http_digits(p + 6, 2);

    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) {
        return -1;
    }

    return h * 3600 + m * 60 + s;
}


static int
sc_http_mday_valid(int64_t y, unsigned m, int64_t d)
{
    static const unsigned char  mdays[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    unsigned  max;

    max = mdays[m - 1];

    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        max = 29;
    }

    return d >= 1 && d <= (int64_t) max;
}


/*
 * The year of rfc850-date's two digits: the one with those last digits
 * that is not more than 50 years after now (RFC 9110, section 5.6.7).
 */

static int64_t
sc_http_rfc850_year(int64_t yy, int64_t now)
{
    int64_t  days, year, y;

    /* the current year; a clock outside years 1970 .. 9999 is clamped */

    if (now < 0) {
        now = 0;

    } else if (now > 253402300799LL) {
        now = 253402300799LL;
    }

    days = now / 86400;
    year = 1970 + days / 366;

    while (sc_days_from_civil(year + 1, 1, 1) <= days) {
        year++;
    }

    y = year - year % 100 + yy;

    if (y > year + 50) {
        y -= 100;

    } else if (y + 100 <= year + 50) {
        y += 100;
    }

    return y;
}


/*
 * An HTTP-date (RFC 9110, section 5.6.7), case-sensitive, to Unix time:
 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
 *   rfc850-date  "Sunday, 06-Nov-94 08:49:37 GMT"
 *   asctime      "Sun Nov  6 08:49:37 1994"
 * The day of the week must be a day's name; it is not checked against
 * the date.
 */

static int
sc_http_date(const unsigned char *p, size_t n, int64_t now, int64_t *t)
{
    size_t    w;
    int64_t   y, d, secs;
    unsigned  m;

    if (n == 29 && p[3] == ',') {

        if (!sc_http_wkday(p, 3, 0) || p[4] != ' ' || p[7] != ' '
            || p[11] != ' ' || p[16] != ' ' || p[25] != ' '
            || memcmp(p + 26, "GMT", 3) != 0)
        {
            return -1;
        }

        d = sc_http_digits(p + 5, 2);
        m = sc_http_month(p + 8);
        y = sc_http_digits(p + 12, 4);
        secs = sc_http_clock(p + 17);

    } else if (n == 24 && p[3] == ' ') {

        if (!sc_http_wkday(p, 3, 0) || p[7] != ' ' || p[10] != ' '
            || p[19] != ' ')
        {
            return -1;
        }

        m = sc_http_month(p + 4);
        d = p[8] == ' ' ? sc_http_digits(p + 9, 1) : sc_http_digits(p + 8, 2);
        secs = sc_http_clock(p + 11);
        y = sc_http_digits(p + 20, 4);

    } else {

        for (w = 0; w < n && w < 10 && p[w] != ','; w++) {
            /* void */
        }

        if (w == n || !sc_http_wkday(p, w, 1) || n - w != 24
            || p[w + 1] != ' ' || p[w + 4] != '-' || p[w + 8] != '-'
            || p[w + 11] != ' ' || p[w + 20] != ' '
            || memcmp(p + w + 21, "GMT", 3) != 0)
        {
            return -1;
        }

        p += w + 2;

        d = sc_http_digits(p, 2);
        m = sc_http_month(p + 3);
        y = sc_http_digits(p + 7, 2);
        secs = sc_http_clock(p + 10);

        if (y >= 0) {
            y = sc_http_rfc850_year(y, now);
        }
    }

    if (m == 0 || y < 0 || d < 0 || secs < 0 || !sc_http_mday_valid(y, m, d))
    {
        return -1;
    }

    *t = sc_days_from_civil(y, m, (unsigned) d) * 86400 + secs;

    return 0;
}


/* Retry-After = HTTP-date / delay-seconds, as seconds from now */

static int
sc_http_retry_after(const unsigned char *p, size_t n, int64_t now,
    int64_t *out)
{
    size_t   i;
    int64_t  v, t;

    if (n == 0) {
        return -1;
    }

    if (p[0] >= '0' && p[0] <= '9') {
        v = 0;

        for (i = 0; i < n; i++) {
            if (p[i] < '0' || p[i] > '9') {
                return -1;
            }

            v = v > (INT64_MAX - 9) / 10 ? INT64_MAX : v * 10 + (p[i] - '0');
        }

        *out = v;
        return 0;
    }

    if (sc_http_date(p, n, now, &t) != 0) {
        return -1;
    }

    if (t <= now) {
        *out = 0;

    } else {
        /* the difference fits in uint64_t whatever now is */
        v = (int64_t) ((uint64_t) t - (uint64_t) now > (uint64_t) INT64_MAX
                       ? (uint64_t) INT64_MAX
                       : (uint64_t) t - (uint64_t) now);
        *out = v;
    }

    return 0;
}


/* a field line is complete: the next line does not continue it */

static void
sc_http_field_done(sc_http_response_t *r, int64_t now)
{
    size_t   n;
    int64_t  v;

    if (r->header == SC_HTTP_FIELD_RETRY && !r->value_over) {
        n = r->value_len;

        while (n != 0 && (r->value[n - 1] == ' ' || r->value[n - 1] == '\t'))
        {
            n--;
        }

        if (sc_http_retry_after(r->value, n, now, &v) == 0) {
            r->retry_after = v;
        }
    }

    r->header = SC_HTTP_FIELD_NONE;
}


static void
sc_http_value_add(sc_http_response_t *r, unsigned char c)
{
    if (r->header != SC_HTTP_FIELD_RETRY) {
        return;
    }

    if (r->value_len == SC_HTTP_VALUE_MAX) {
        r->value_over = 1;
        return;
    }

    r->value[r->value_len++] = c;
}


void
sc_http_response_init(sc_http_response_t *r)
{
    memset(r, 0, sizeof(sc_http_response_t));

    r->state = sc_http_version;
    r->retry_after = -1;
}


static int
sc_http_fail(sc_http_response_t *r, const char *error)
{
    r->state = sc_http_failed;
    r->error = error;

    return SC_HTTP_ERROR;
}


int
sc_http_response_feed(sc_http_response_t *r, const unsigned char *p,
    size_t len, int64_t now)
{
    static const char  version[] = "HTTP/1.";

    size_t         i;
    unsigned char  c;

    if (r->state == sc_http_done) {
        return SC_HTTP_DONE;
    }

    if (r->state == sc_http_failed) {
        return SC_HTTP_ERROR;
    }

    for (i = 0; i < len; i++) {

        if (r->size == SC_HTTP_HEAD_MAX) {
            return sc_http_fail(r, "the response head is longer than "
                                   "16384 bytes");
        }

        r->size++;
        c = p[i];

        switch (r->state) {

        case sc_http_version:
            if (c != (unsigned char) version[r->index]) {
                return sc_http_fail(r, r->index < 5
                                       ? "the response is not HTTP"
                                       : "the response is not HTTP/1.x");
            }

            if (++r->index == sizeof(version) - 1) {
                r->state = sc_http_minor;
            }

            break;

        case sc_http_minor:
            if (c < '0' || c > '9') {
                return sc_http_fail(r, "the response's HTTP version is "
                                       "malformed");
            }

            r->version = c - '0';
            r->state = sc_http_space;
            break;

        case sc_http_space:
            if (c != ' ') {
                return sc_http_fail(r, "the response's status line is "
                                       "malformed");
            }

            r->status = 0;
            r->index = 0;
            r->state = sc_http_status;
            break;

        case sc_http_status:
            if (c < '0' || c > '9') {
                return sc_http_fail(r, "the response's status code is "
                                       "malformed");
            }

            r->status = r->status * 10 + (c - '0');

            if (++r->index == 3) {
                if (r->status < 100 || r->status > 599) {
                    return sc_http_fail(r, "the response's status code is "
                                           "not in 100 .. 599");
                }

                r->state = sc_http_after_status;
            }

            break;

        case sc_http_after_status:
            if (c == ' ') {
                r->state = sc_http_reason;

            } else if (c == '\r') {
                r->state = sc_http_status_lf;

            } else if (c == '\n') {
                r->header = SC_HTTP_FIELD_NONE;
                r->state = sc_http_line_start;

            } else {
                return sc_http_fail(r, "the response's status code is "
                                       "malformed");
            }

            break;

        case sc_http_reason:
            if (c == '\r') {
                r->state = sc_http_status_lf;

            } else if (c == '\n') {
                r->header = SC_HTTP_FIELD_NONE;
                r->state = sc_http_line_start;

            } else if (!sc_http_vchar(c)) {
                return sc_http_fail(r, "the response's reason phrase holds "
                                       "a control character");
            }

            break;

        case sc_http_status_lf:
            if (c != '\n') {
                return sc_http_fail(r, "the response's status line has a "
                                       "CR without LF");
            }

            r->header = SC_HTTP_FIELD_NONE;
            r->state = sc_http_line_start;
            break;

        case sc_http_line_start:
            if (c == ' ' || c == '\t') {

                if (r->header == SC_HTTP_FIELD_NONE) {
                    return sc_http_fail(r, "the response's first header "
                                           "line starts with whitespace");
                }

                /* obs-fold: the line continues the value, as one SP */

                if (r->header == SC_HTTP_FIELD_RETRY) {
                    while (r->value_len != 0
                           && (r->value[r->value_len - 1] == ' '
                               || r->value[r->value_len - 1] == '\t'))
                    {
                        r->value_len--;
                    }

                    if (r->value_len != 0) {
                        sc_http_value_add(r, ' ');
                    }
                }

                r->state = sc_http_value_ws;
                break;
            }

            sc_http_field_done(r, now);

            if (c == '\r') {
                r->state = sc_http_end_lf;
                break;
            }

            if (c == '\n') {
                goto head_done;
            }

            if (!sc_http_tchar(c)) {
                return sc_http_fail(r, "the response has a malformed "
                                       "header line");
            }

            r->header = sc_http_lower(c) == 'r' ? SC_HTTP_FIELD_RETRY
                                                : SC_HTTP_FIELD_OTHER;
            r->index = 1;
            r->state = sc_http_name;
            break;

        case sc_http_name:
            if (c == ':') {

                if (r->index != sizeof("retry-after") - 1) {
                    r->header = SC_HTTP_FIELD_OTHER;
                }

                r->value_len = 0;
                r->value_over = 0;
                r->state = sc_http_value_ws;
                break;
            }

            if (!sc_http_tchar(c)) {
                return sc_http_fail(r, "the response has a malformed "
                                       "header name");
            }

            if (r->header == SC_HTTP_FIELD_RETRY
                && (r->index >= sizeof("retry-after") - 1
                    || sc_http_lower(c) != "retry-after"[r->index]))
            {
                r->header = SC_HTTP_FIELD_OTHER;
            }

            r->index++;
            break;

        case sc_http_value_ws:
        case sc_http_value:
            if (c == '\r') {
                r->state = sc_http_line_lf;

            } else if (c == '\n') {
                r->state = sc_http_line_start;

            } else if ((c == ' ' || c == '\t')
                       && r->state == sc_http_value_ws)
            {
                /* OWS before the value */

            } else if (sc_http_vchar(c)) {
                sc_http_value_add(r, c);
                r->state = sc_http_value;

            } else {
                return sc_http_fail(r, "the response has a control "
                                       "character in a header value");
            }

            break;

        case sc_http_line_lf:
            if (c != '\n') {
                return sc_http_fail(r, "the response has a CR without LF "
                                       "in its head");
            }

            r->state = sc_http_line_start;
            break;

        case sc_http_end_lf:
            if (c != '\n') {
                return sc_http_fail(r, "the response has a CR without LF "
                                       "at the end of its head");
            }

            goto head_done;

        default:
            return sc_http_fail(r, "the response parser is in a bad state");
        }

        continue;

    head_done:

        if (r->status < 200 && r->status != 101) {
            /* an interim response: the final one follows */
            r->state = sc_http_version;
            r->index = 0;
            r->status = 0;
            r->retry_after = -1;
            continue;
        }

        r->state = sc_http_done;

        return SC_HTTP_DONE;
    }

    return SC_HTTP_AGAIN;
}


/* ---------------------------------------------------------------- decision */


sc_webhook_decision_t
sc_webhook_decide(unsigned status, int64_t retry_after, unsigned attempts,
    uint64_t retry_max, uint64_t age, uint64_t max_age, uint32_t random)
{
    unsigned               n;
    uint64_t               cap, backoff, half, span, wait, ra;
    sc_webhook_decision_t  d;

    if (status >= 200 && status <= 299) {
        d.action = SC_WEBHOOK_DELIVERED;
        d.wait = 0;
        d.reason = "delivered";
        return d;
    }

    if (status == 410) {
        d.action = SC_WEBHOOK_DEAD;
        d.wait = 0;
        d.reason = "the backend answered 410 Gone";
        return d;
    }

    if (max_age != 0 && age > max_age) {
        d.action = SC_WEBHOOK_DEAD;
        d.wait = 0;
        d.reason = "the report is older than max_age";
        return d;
    }

    cap = retry_max != 0 ? retry_max : 1;

    n = attempts != 0 ? attempts - 1 : 0;
    backoff = n < 64 ? (uint64_t) 1 << n : UINT64_MAX;

    if (backoff > cap) {
        backoff = cap;
    }

    /*
     * a uniform pick in [backoff / 2, backoff]: floor(span * random / 2^32)
     * computed in two halves, so that nothing overflows
     */

    half = backoff / 2;
    span = backoff - half + 1;
    wait = half + (span >> 32) * random
           + (((span & 0xffffffff) * random) >> 32);

    if ((status == 429 || status == 502 || status == 503 || status == 504)
        && retry_after >= 0)
    {
        ra = (uint64_t) retry_after < cap ? (uint64_t) retry_after : cap;

        if (wait < ra) {
            wait = ra;
        }
    }

    d.action = SC_WEBHOOK_RETRY;
    d.wait = wait != 0 ? wait : 1;
    d.reason = status == 0 ? "no answer from the backend"
                           : "the backend answered with a failure";

    return d;
}
