/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the intake pure core: ULIDs, form tokens, receipt text.
 */


#include <stdlib.h>

#include <sodium.h>

#include "tap.h"
#include "sc_receipt.h"


#define S(s)  (const unsigned char *) (s), sizeof(s) - 1


static const unsigned char  key1[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
};


static int
contains(const unsigned char *p, size_t len, const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i + n <= len; i++) {
        if (memcmp(p + i, s, n) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
test_ulid_format(void)
{
    int              i, all;
    char             id[SC_ULID_LEN + 1];
    sc_ulid_state_t  st;

    memset(&st, 0, sizeof(st));
    id[SC_ULID_LEN] = '\0';

    /* the ulid/spec README: time 1469918176385 is "01ARYZ6S41" */

    sc_ulid(&st, 1469918176385ULL, id);
    is_mem(id, 10, "01ARYZ6S41", 10, "time part of the spec's example");
    ok(sc_ulid_valid((unsigned char *) id, SC_ULID_LEN), "valid: %s", id);
    ok(sc_ulid_time((unsigned char *) id) == 1469918176385ULL,
       "time read back");

    all = 1;

    for (i = 0; i < 200; i++) {
        sc_ulid(&st, 1700000000000ULL + i * 7919, id);

        if (!sc_ulid_valid((unsigned char *) id, SC_ULID_LEN)
            || sc_ulid_time((unsigned char *) id)
               != 1700000000000ULL + i * 7919)
        {
            all = 0;
        }
    }

    ok(all, "200 IDs valid, times read back");

    /* a known state: the random part incremented */

    st.last_ms = 5;
    memcpy(st.last_rand, "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x22", 10);
    sc_ulid(&st, 5, id);
    is_str(id, "000000000504HMASW9NF6YY093", "known encoding");

    /* times beyond 48 bits are capped */

    memset(&st, 0, sizeof(st));
    sc_ulid(&st, UINT64_MAX, id);
    is_mem(id, 10, "7ZZZZZZZZZ", 10, "time capped at 2^48 - 1");
    ok(sc_ulid_valid((unsigned char *) id, SC_ULID_LEN), "still valid");

    /* a zeroed state at time 0 still draws a random part */

    memset(&st, 0, sizeof(st));
    sc_ulid(&st, 0, id);
    ok(memcmp(id, "0000000000", 10) == 0
       && memcmp(id + 10, "0000000000000001", 16) != 0,
       "zeroed state, time 0: random, not a count from zero");
}


static void
test_ulid_monotonic(void)
{
    int              i, up;
    char             prev[SC_ULID_LEN], id[SC_ULID_LEN + 1];
    sc_ulid_state_t  st;

    memset(&st, 0, sizeof(st));
    id[SC_ULID_LEN] = '\0';

    sc_ulid(&st, 1800000000000ULL, prev);
    up = 1;

    for (i = 0; i < 1000; i++) {
        sc_ulid(&st, 1800000000000ULL, id);

        if (memcmp(id, prev, SC_ULID_LEN) <= 0
            || sc_ulid_time((unsigned char *) id) != 1800000000000ULL)
        {
            up = 0;
        }

        memcpy(prev, id, SC_ULID_LEN);
    }

    ok(up, "1000 IDs in one ms: strictly increasing, same time");

    /* within the ms the random part counts up by one */

    memcpy(st.last_rand, "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11", 10);
    sc_ulid(&st, 1800000000000ULL, prev);
    sc_ulid(&st, 1800000000000ULL, id);
    ok(memcmp(prev, id, 25) == 0 && id[25] == prev[25] + 1,
       "the next ID is one more");

    /* carry through bytes */

    memcpy(st.last_rand, "\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff", 10);
    sc_ulid(&st, 1800000000000ULL, id);
    is_str(id + 10, "0000000000002000", "carry into the third byte");
    ok(memcmp(st.last_rand, "\0\0\0\0\0\0\0\x01\0\0", 10) == 0,
       "state holds the sum");

    /* carry out of the random part: into the time */

    memset(st.last_rand, 0xff, 10);
    sc_ulid(&st, 1800000000000ULL, id);
    ok(sc_ulid_time((unsigned char *) id) == 1800000000001ULL,
       "random part overflow moves the time one ms on");
    is_str(id + 10, "0000000000000000", "random part wrapped to zero");

    /* the next real ms is then still ahead of the last ID */

    memcpy(prev, id, SC_ULID_LEN);
    sc_ulid(&st, 1800000000001ULL, id);
    ok(memcmp(id, prev, SC_ULID_LEN) > 0, "next ms: still increasing");

    /* the clock goes back: still increasing */

    memcpy(prev, id, SC_ULID_LEN);
    sc_ulid(&st, 1700000000000ULL, id);
    ok(memcmp(id, prev, SC_ULID_LEN) > 0
       && sc_ulid_time((unsigned char *) id) == 1800000000001ULL,
       "clock back: time kept, increasing");

    /* a new ms draws a fresh random part */

    sc_ulid(&st, 1800000000002ULL, id);
    ok(sc_ulid_time((unsigned char *) id) == 1800000000002ULL,
       "new ms: its time");

    /* at the end of time */

    st.last_ms = SC_ULID_TIME_MAX;
    memset(st.last_rand, 0xff, 10);
    sc_ulid(&st, SC_ULID_TIME_MAX, id);
    is_str(id, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "the largest ULID stays");
}


static void
test_ulid_valid(void)
{
    size_t  i;

    static const char  *bad[] = {
        "01ARYZ6S41TSV4RRFFQ69G5FA",
        "01ARYZ6S41TSV4RRFFQ69G5FAVX",
        "01aryz6s41tsv4rrffq69g5fav",
        "01ARYZ6S41TSV4RRFFQ69G5FAI",
        "01ARYZ6S41TSV4RRFFQ69G5FAL",
        "01ARYZ6S41TSV4RRFFQ69G5FAO",
        "01ARYZ6S41TSV4RRFFQ69G5FAU",
        "81ARYZ6S41TSV4RRFFQ69G5FAV",
        "Z1ARYZ6S41TSV4RRFFQ69G5FAV",
        "01ARYZ6S41TSV4RRFFQ69G5FA-",
        "01ARYZ6S41TSV4RRFFQ69G5FA ",
        "",
        NULL
    };

    ok(sc_ulid_valid(S("01ARZ3NDEKTSV4RRFFQ69G5FAV")), "spec example");
    ok(sc_ulid_time((const unsigned char *) "01ARZ3NDEKTSV4RRFFQ69G5FAV")
       == 1469922850259ULL, "spec example time");
    ok(sc_ulid_valid(S("00000000000000000000000000")), "all zero");
    ok(sc_ulid_valid(S("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")), "largest");
    ok(sc_ulid_time((const unsigned char *) "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
       == SC_ULID_TIME_MAX, "largest time");

    for (i = 0; bad[i]; i++) {
        ok(!sc_ulid_valid((const unsigned char *) bad[i], strlen(bad[i])),
           "invalid: \"%s\"", bad[i]);
    }

    ok(!sc_ulid_valid((const unsigned char *)
                      "01ARYZ6S41TSV4RRFFQ69G5FA\0", 26), "NUL refused");
}


static void
test_token(void)
{
    int            i, all;
    char           tok[SC_TOKEN_SIZE], tok2[SC_TOKEN_SIZE];
    size_t         n, raw_len;
    uint64_t       now;
    unsigned char  raw[40], msg[8 + 11], tag[32], key2[32];

    now = 1800000000;

    memset(tok, 'x', sizeof(tok));
    n = sc_token_make(tok, key1, now, S("example.org"));
    is_int(n, SC_TOKEN_LEN, "token length");
    is_int(strlen(tok), SC_TOKEN_LEN, "NUL-terminated");

    all = 1;

    for (i = 0; i < SC_TOKEN_LEN; i++) {
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789-_", tok[i]) == NULL)
        {
            all = 0;
        }
    }

    ok(all, "base64url characters only: %s", tok);

    /* the bytes: time, then crypto_auth(key, time || ctx) */

    ok(sodium_base642bin(raw, sizeof(raw), tok, n, NULL, &raw_len, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0
       && raw_len == 40, "decodes to 40 bytes");
    is_mem(raw, 8, "\x00\x00\x00\x00\x6b\x49\xd2\x00", 8,
           "big-endian issue time");

    memcpy(msg, raw, 8);
    memcpy(msg + 8, "example.org", 11);
    crypto_auth(tag, msg, sizeof(msg), key1);
    ok(memcmp(tag, raw + 8, 32) == 0, "tag is crypto_auth(time || ctx)");
    ok(crypto_auth_verify(raw + 8, msg, sizeof(msg), key1) == 0,
       "crypto_auth_verify accepts it");

    /* ages */

    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 10, 3, 7200,
                          S("example.org")), 0, "10 s old: ok");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 3, 3, 7200,
                          S("example.org")), 0, "min_age exactly: ok");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 7200, 3,
                          7200, S("example.org")), 0, "max_age exactly: ok");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 2, 3, 7200,
                          S("example.org")), SC_TOKEN_TOO_NEW, "2 s: too new");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now, 3, 7200,
                          S("example.org")), SC_TOKEN_TOO_NEW, "0 s: too new");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now - 100, 0, 7200,
                          S("example.org")), SC_TOKEN_TOO_NEW,
           "issued in the future: too new");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 7201, 3,
                          7200, S("example.org")), SC_TOKEN_TOO_OLD,
           "7201 s: too old");
    is_int(sc_token_check((unsigned char *) tok, n, key1, UINT64_MAX, 3,
                          7200, S("example.org")), SC_TOKEN_TOO_OLD,
           "now at max: too old");

    /* forged */

    memcpy(tok2, tok, sizeof(tok));
    tok2[20] = tok2[20] == 'A' ? 'B' : 'A';
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3, 7200,
                          S("example.org")), SC_TOKEN_FORGED,
           "a tag character changed: forged");

    memcpy(tok2, tok, sizeof(tok));
    tok2[5] = tok2[5] == 'A' ? 'B' : 'A';
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 0,
                          UINT64_MAX, S("example.org")), SC_TOKEN_FORGED,
           "the time changed: forged, even with any age allowed");

    raw[7] = 0x01;
    sodium_bin2base64(tok2, sizeof(tok2), raw, 40,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 0,
                          UINT64_MAX, S("example.org")), SC_TOKEN_FORGED,
           "the time re-encoded with the old tag: forged");

    memcpy(key2, key1, 32);
    key2[31] ^= 1;
    is_int(sc_token_check((unsigned char *) tok, n, key2, now + 10, 3, 7200,
                          S("example.org")), SC_TOKEN_FORGED,
           "another key: forged");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 10, 3, 7200,
                          S("example.com")), SC_TOKEN_FORGED,
           "another context: forged");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 10, 3, 7200,
                          NULL, 0), SC_TOKEN_FORGED,
           "no context: forged");
    is_int(sc_token_check((unsigned char *) tok, n, key1, now + 10, 3, 7200,
                          S("example.orgx")), SC_TOKEN_FORGED,
           "longer context: forged");

    /* no context */

    n = sc_token_make(tok2, key1, now, NULL, 0);
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3, 7200,
                          NULL, 0), 0, "no context: roundtrip");
    ok(memcmp(tok, tok2, 10) == 0 && memcmp(tok + 10, tok2 + 10, 44) != 0,
       "same time prefix, another tag");

    /* extreme times */

    n = sc_token_make(tok2, key1, UINT64_MAX, S("x"));
    is_int(sc_token_check((unsigned char *) tok2, n, key1, UINT64_MAX, 0,
                          0, S("x")), 0, "time max: roundtrip");
    n = sc_token_make(tok2, key1, 0, S("x"));
    is_int(sc_token_check((unsigned char *) tok2, n, key1, UINT64_MAX, 0,
                          UINT64_MAX, S("x")), 0, "time 0, any age: ok");

    /* malformed */

    n = sc_token_make(tok, key1, now, S("example.org"));

    is_int(sc_token_check((unsigned char *) tok, n - 1, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "one character short");
    memcpy(tok2, tok, sizeof(tok));
    tok2[54] = 'A';
    is_int(sc_token_check((unsigned char *) tok2, n + 1, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "one character more");
    is_int(sc_token_check((unsigned char *) "", 0, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "empty");

    memcpy(tok2, tok, sizeof(tok));
    tok2[10] = '+';
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "'+' (standard base64) refused");

    memcpy(tok2, tok, sizeof(tok));
    tok2[10] = '=';
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "'=' refused");

    memcpy(tok2, tok, sizeof(tok));
    tok2[30] = '\0';
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "NUL refused");

    /* the last character holds 2 bits and 4 zero bits: non-zero refused */

    memcpy(tok2, tok, sizeof(tok));
    tok2[53] = tok2[53] == 'A' ? 'B' : (char) (tok2[53] + 1);
    is_int(sc_token_check((unsigned char *) tok2, n, key1, now + 10, 3,
                          7200, S("example.org")), SC_TOKEN_MALFORMED,
           "non-canonical last character refused");
}


static void
test_receipt(void)
{
    size_t          n, len;
    unsigned char   out[512];
    unsigned char   sha[32];

    static const char  expect[] =
        "Security report receipt\n"
        "Receipt-ID: 01ARYZ6S41TSV4RRFFQ69G5FAV\n"
        "Received: 2026-11-25T12:34:56Z\n"
        "Site: example.org\n"
        "Submission-SHA256: "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "\n"
        "We will answer within 5 working days.\n"
        "Keep this receipt: its signature proves what you sent, and when.\n";

    static const char  note[] =
        "We will answer within 5 working days.\n"
        "Keep this receipt: its signature proves what you sent, and when.";

    crypto_hash_sha256(sha, (const unsigned char *) "", 0);

    len = sc_receipt_text_len(11, sizeof(note) - 1);
    memset(out, 0xee, sizeof(out));
    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", 1795610096,
                        S("example.org"), sha, S(note));
    is_mem(out, n, expect, sizeof(expect) - 1, "receipt text, exact bytes");
    is_int(n, len, "length as computed before");
    ok(out[len] == 0xee, "nothing written past it");

    /* the note ending in LF: no LF added */

    memset(out, 0xee, sizeof(out));
    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", 1795610096,
                        S("example.org"), sha,
                        S("We will answer within 5 working days.\n"
                          "Keep this receipt: its signature proves what you "
                          "sent, and when.\n"));
    is_mem(out, n, expect, sizeof(expect) - 1, "note with its own LF");
    ok(n < sc_receipt_text_len(11, sizeof(note)) && out[n] == 0xee,
       "within the length computed before");

    /* no note */

    memset(out, 0xee, sizeof(out));
    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", 0, S("a.example"),
                        sha, NULL, 0);
    is_mem(out, n,
           "Security report receipt\n"
           "Receipt-ID: 01ARYZ6S41TSV4RRFFQ69G5FAV\n"
           "Received: 1970-01-01T00:00:00Z\n"
           "Site: a.example\n"
           "Submission-SHA256: "
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
           "\n", 194, "no note: no blank line");
    is_int(n, sc_receipt_text_len(9, 0), "no note: length");

    /* the site cannot forge lines; UTF-8 passes */

    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", 1795610096,
                        S("ex\nReceived: 1999 \r\t\x7f"), sha, NULL, 0);
    ok(contains(out, n, "Site: ex?Received:?1999????\n", 28),
       "control characters and spaces in the site written as '?'");

    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", 1795610096,
                        S("\xe4\xbe\x8b\xe3\x81\x88.jp"), sha, NULL, 0);
    ok(contains(out, n, "Site: \xe4\xbe\x8b\xe3\x81\x88.jp\n", 16),
       "a UTF-8 site is kept");

    n = sc_receipt_text(out, "01ARYZ6S41TSV4RRFFQ69G5FAV", UINT64_MAX,
                        S("x"), sha, NULL, 0);
    ok(contains(out, n, "Received: 9999-", 15),
       "a time past year 9999 is capped, not wrapped");
}


int
main(void)
{
    if (sodium_init() < 0) {
        printf("Bail out! sodium_init() failed\n");
        return 1;
    }

    test_ulid_format();
    test_ulid_monotonic();
    test_ulid_valid();
    test_token();
    test_receipt();

    return tap_done();
}
