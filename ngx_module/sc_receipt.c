/*
 * Copyright (C) nginx-security-contact developers
 *
 * Receipt IDs, form tokens and receipt text.  Pure core.
 */


#include <string.h>

#include <sodium.h>

#include "sc_receipt.h"
#include "sc_sectxt.h"


#define SC_TOKEN_RAW  40          /* 8-byte time, 32-byte tag */


static const char  sc_crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";


/* the value of a canonical Crockford base32 character, or -1 */

static int
sc_crockford_value(unsigned char c)
{
    const char  *p;

    if (c == '\0') {
        return -1;
    }

    p = strchr(sc_crockford, c);

    return p ? (int) (p - sc_crockford) : -1;
}


void
sc_ulid(sc_ulid_state_t *st, uint64_t now_ms, char out[SC_ULID_LEN])
{
    int             i, k, pos, bit;
    unsigned        v;
    unsigned char   id[16];

    if (now_ms > SC_ULID_TIME_MAX) {
        now_ms = SC_ULID_TIME_MAX;
    }

    if (now_ms > st->last_ms
        || (st->last_ms == 0 && sodium_is_zero(st->last_rand, 10)))
    {
        st->last_ms = now_ms;
        randombytes_buf(st->last_rand, sizeof(st->last_rand));

    } else {
        /* the same millisecond, or the clock went back: count up */

        for (i = 9; i >= 0; i--) {
            if (++st->last_rand[i] != 0) {
                break;
            }
        }

        if (i < 0) {
            if (st->last_ms < SC_ULID_TIME_MAX) {
                st->last_ms++;

            } else {
                /* the end of time (year 10889): stay there */
                memset(st->last_rand, 0xff, sizeof(st->last_rand));
            }
        }
    }

    for (i = 0; i < 6; i++) {
        id[i] = (unsigned char) (st->last_ms >> (8 * (5 - i)));
    }

    memcpy(id + 6, st->last_rand, 10);

    /* 26 characters of 5 bits hold 130 bits: two leading zero bits */

    for (k = 0; k < SC_ULID_LEN; k++) {
        v = 0;

        for (bit = 0; bit < 5; bit++) {
            pos = 5 * k + bit - 2;
            v <<= 1;

            if (pos >= 0) {
                v |= (id[pos / 8] >> (7 - pos % 8)) & 1;
            }
        }

        out[k] = sc_crockford[v];
    }

    sodium_memzero(id, sizeof(id));
}


int
sc_ulid_valid(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len != SC_ULID_LEN || p[0] > '7') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (sc_crockford_value(p[i]) < 0) {
            return 0;
        }
    }

    return 1;
}


uint64_t
sc_ulid_time(const unsigned char *p)
{
    int       i;
    uint64_t  ms;

    ms = 0;

    for (i = 0; i < 10; i++) {
        ms = ms << 5 | (uint64_t) sc_crockford_value(p[i]);
    }

    return ms;
}


static void
sc_token_tag(unsigned char tag[32], const unsigned char key[32],
    const unsigned char issued[8], const unsigned char *ctx, size_t ctxlen)
{
    crypto_auth_hmacsha512256_state  hs;

    /* crypto_auth() of issued || ctx, without copying them together */

    crypto_auth_hmacsha512256_init(&hs, key, 32);
    crypto_auth_hmacsha512256_update(&hs, issued, 8);

    if (ctxlen) {
        crypto_auth_hmacsha512256_update(&hs, ctx, ctxlen);
    }

    crypto_auth_hmacsha512256_final(&hs, tag);

    sodium_memzero(&hs, sizeof(hs));
}


size_t
sc_token_make(char *out, const unsigned char key[32], uint64_t now,
    const unsigned char *ctx, size_t ctxlen)
{
    int            i;
    unsigned char  raw[SC_TOKEN_RAW];

    for (i = 0; i < 8; i++) {
        raw[i] = (unsigned char) (now >> (8 * (7 - i)));
    }

    sc_token_tag(raw + 8, key, raw, ctx, ctxlen);

    sodium_bin2base64(out, SC_TOKEN_SIZE, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);

    return SC_TOKEN_LEN;
}


int
sc_token_check(const unsigned char *tok, size_t len,
    const unsigned char key[32], uint64_t now, uint64_t min_age,
    uint64_t max_age, const unsigned char *ctx, size_t ctxlen)
{
    int            i;
    size_t         raw_len;
    uint64_t       t;
    unsigned char  raw[SC_TOKEN_RAW], tag[32];

    if (len != SC_TOKEN_LEN
        || sodium_base642bin(raw, sizeof(raw), (const char *) tok, len,
                             NULL, &raw_len, NULL,
                             sodium_base64_VARIANT_URLSAFE_NO_PADDING)
           != 0
        || raw_len != sizeof(raw))
    {
        return SC_TOKEN_MALFORMED;
    }

    sc_token_tag(tag, key, raw, ctx, ctxlen);

    if (crypto_verify_32(tag, raw + 8) != 0) {
        return SC_TOKEN_FORGED;
    }

    t = 0;

    for (i = 0; i < 8; i++) {
        t = t << 8 | raw[i];
    }

    if (t > now || now - t < min_age) {
        return SC_TOKEN_TOO_NEW;
    }

    if (now - t > max_age) {
        return SC_TOKEN_TOO_OLD;
    }

    return 0;
}


#define SC_RECEIPT_FIXED                                                    \
    (sizeof("Security report receipt\n") - 1                                \
     + sizeof("Receipt-ID: \n") - 1 + SC_ULID_LEN                           \
     + sizeof("Received: \n") - 1 + SC_RFC3339_LEN                          \
     + sizeof("Site: \n") - 1                                               \
     + sizeof("Submission-SHA256: \n") - 1 + 64)


size_t
sc_receipt_text_len(size_t site_len, size_t note_len)
{
    return SC_RECEIPT_FIXED + site_len + (note_len ? 1 + note_len + 1 : 0);
}


static unsigned char *
sc_cpy(unsigned char *p, const char *s)
{
    size_t  n;

    n = strlen(s);
    memcpy(p, s, n);

    return p + n;
}


size_t
sc_receipt_text(unsigned char *out, const char id[SC_ULID_LEN],
    uint64_t received_unix, const unsigned char *site, size_t site_len,
    const unsigned char sha256[32], const unsigned char *note,
    size_t note_len)
{
    static const char  hex[] = "0123456789abcdef";

    size_t          i;
    unsigned char  *p;

    p = out;

    p = sc_cpy(p, "Security report receipt\nReceipt-ID: ");
    memcpy(p, id, SC_ULID_LEN);
    p += SC_ULID_LEN;

    p = sc_cpy(p, "\nReceived: ");
    p = sc_rfc3339(p, received_unix > INT64_MAX ? INT64_MAX
                                                : (int64_t) received_unix);

    p = sc_cpy(p, "\nSite: ");

    for (i = 0; i < site_len; i++) {
        *p++ = (site[i] <= ' ' || site[i] == 0x7f) ? '?' : site[i];
    }

    p = sc_cpy(p, "\nSubmission-SHA256: ");

    for (i = 0; i < 32; i++) {
        *p++ = hex[sha256[i] >> 4];
        *p++ = hex[sha256[i] & 0xf];
    }

    *p++ = '\n';

    if (note_len) {
        *p++ = '\n';
        memcpy(p, note, note_len);
        p += note_len;

        if (note[note_len - 1] != '\n') {
            *p++ = '\n';
        }
    }

    return (size_t) (p - out);
}
