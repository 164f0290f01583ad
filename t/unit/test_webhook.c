/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the webhook delivery pure core: secrets, signatures
 * (against Standard Webhooks' own test vectors, OpenSSL's HMAC and
 * libsodium's one-shot Ed25519), the payload and request bytes, the
 * response head parser split at every byte, and the retry decisions.
 */


#include <sodium.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tap.h"
#include "sc_json.h"
#include "sc_sectxt.h"
#include "sc_webhook.h"


#define S(s)        (const unsigned char *) (s), sizeof(s) - 1
#define U(s)        ((const unsigned char *) (s))

#define CANARY      0xa5


/* the example of Standard Webhooks' libraries (go/webhook_*_test.go) */

#define SW_ID       "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_TS       1614265330
#define SW_BODY     "{\"test\": 2432232314}"
#define SW_WHSEC    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_V1       "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define SW_WHSK     "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk="
#define SW_V1A      "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6" \
                    "KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=="


static size_t
b64(char *out, const unsigned char *p, size_t len)
{
    return (size_t) EVP_EncodeBlock((unsigned char *) out, p, (int) len);
}


static int
parse(sc_webhook_secret_t *s, const char *text, const char **err)
{
    return sc_webhook_secret_parse(s, U(text), strlen(text), err);
}


static int
all_zero(const void *p, size_t n)
{
    size_t                i;
    const unsigned char  *b;

    b = p;

    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }

    return 1;
}


/* a test's name: CR, LF and other controls as \xHH, so TAP stays whole */

static const char *
printable(const char *s)
{
    size_t       n;
    static char  buf[256];

    for (n = 0; *s != '\0' && n + 5 < sizeof(buf); s++) {
        if ((unsigned char) *s < 0x20 || (unsigned char) *s >= 0x7f) {
            n += (size_t) sprintf(buf + n, "\\x%02x", (unsigned char) *s);

        } else {
            buf[n++] = *s;
        }
    }

    buf[n] = '\0';

    return buf;
}


/* ---------------------------------------------------------------- secrets */


static void
test_secret_hmac(void)
{
    size_t               i;
    char                 text[256];
    const char          *err;
    unsigned char        raw[80];
    sc_webhook_secret_t  s;

    EVP_DecodeBlock(raw, U(SW_WHSEC) + 6, 32);

    err = "unset";
    is_int(parse(&s, SW_WHSEC, &err), 0, "whsec_ of Standard Webhooks");
    ok(s.kind == SC_WEBHOOK_HMAC && s.key_len == 24
       && memcmp(s.key, raw, 24) == 0 && err == NULL,
       "HMAC key of 24 bytes, err NULL");

    is_int(parse(&s, "  \t" SW_WHSEC "\r\n\n", &err), 0,
           "whitespace around is trimmed");
    is_int((long long) s.key_len, 24, "same key length");

    /* 1 and 64 bytes, padded and unpadded */

    is_int(parse(&s, "whsec_QQ==", &err), 0, "whsec_ of 1 byte, padded");
    ok(s.key_len == 1 && s.key[0] == 'A', "key \"A\"");
    is_int(parse(&s, "whsec_QQ", &err), 0, "whsec_ of 1 byte, unpadded");
    ok(s.key_len == 1 && s.key[0] == 'A', "key \"A\"");

    for (i = 0; i < sizeof(raw); i++) {
        raw[i] = (unsigned char) (i * 7 + 1);
    }

    memcpy(text, "whsec_", 6);
    text[6 + b64(text + 6, raw, 64)] = '\0';
    is_int(parse(&s, text, &err), 0, "whsec_ of 64 bytes");
    ok(s.key_len == 64 && memcmp(s.key, raw, 64) == 0, "the 64 bytes");

    text[strlen(text) - 2] = '\0';
    is_int(parse(&s, text, &err), 0, "whsec_ of 64 bytes, unpadded");
    ok(s.key_len == 64 && memcmp(s.key, raw, 64) == 0, "the 64 bytes");

    text[6 + b64(text + 6, raw, 65)] = '\0';
    err = NULL;
    is_int(parse(&s, text, &err), -1, "whsec_ of 65 bytes refused");
    ok(err != NULL && strstr(err, "more than 64 bytes") != NULL
       && all_zero(&s, sizeof(s)), "says so: %s", err);

    text[6 + b64(text + 6, raw, 72)] = '\0';
    is_int(parse(&s, text, &err), -1, "whsec_ of 72 bytes refused");

    memset(text, 'A', 250);
    memcpy(text, "whsec_", 6);
    text[250] = '\0';
    is_int(parse(&s, text, &err), -1, "whsec_ of 183 bytes refused");
}


static void
test_secret_ed25519(void)
{
    char                 text[256];
    const char          *err;
    unsigned char        pk[32], sk[64], bad[64];
    sc_webhook_secret_t  s;

    crypto_sign_seed_keypair(pk, sk,
                             U("TESTSIGNINGKEYDONOTUSETHISFORANY"));

    err = "unset";
    is_int(parse(&s, SW_WHSK, &err), 0, "whsk_ of Standard Webhooks");
    ok(s.kind == SC_WEBHOOK_ED25519 && s.key_len == 64
       && memcmp(s.key, sk, 64) == 0 && err == NULL,
       "a 32-byte seed gives libsodium's 64-byte secret key");

    memcpy(text, "whsk_", 5);
    text[5 + b64(text + 5, sk, 64)] = '\0';
    is_int(parse(&s, text, &err), 0, "whsk_ of a 64-byte secret key");
    ok(s.kind == SC_WEBHOOK_ED25519 && s.key_len == 64
       && memcmp(s.key, sk, 64) == 0, "kept as it is");

    memcpy(bad, sk, 64);
    bad[40] ^= 1;
    text[5 + b64(text + 5, bad, 64)] = '\0';
    err = NULL;
    is_int(parse(&s, text, &err), -1,
           "whsk_ whose public half does not match refused");
    ok(err != NULL && strstr(err, "does not match") != NULL
       && all_zero(&s, sizeof(s)), "says so: %s", err);

    text[5 + b64(text + 5, sk, 31)] = '\0';
    is_int(parse(&s, text, &err), -1, "whsk_ of 31 bytes refused");
    ok(err != NULL && strstr(err, "32-byte") != NULL, "says so: %s", err);

    text[5 + b64(text + 5, sk, 33)] = '\0';
    is_int(parse(&s, text, &err), -1, "whsk_ of 33 bytes refused");

    text[5 + b64(text + 5, sk, 63)] = '\0';
    is_int(parse(&s, text, &err), -1, "whsk_ of 63 bytes refused");

    memcpy(text, "whsk_", 5);
    text[5 + b64(text + 5, sk, 64)] = '\0';
    memcpy(text + 5 + 86, "AAAA==", 7);
    is_int(parse(&s, text, &err), -1, "whsk_ of 67 bytes refused");

    is_int(parse(&s, "whsk_", &err), -1, "empty whsk_ refused");
    is_int(parse(&s, "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk",
                 &err), 0, "whsk_ unpadded");
}


static void
test_secret_invalid(void)
{
    int                  rc;
    size_t               i;
    const char          *err;
    sc_webhook_secret_t  s;

    static const char  *bad[] = {
        "", " ", "\r\n", "whsec_", "whsec_ ", "whsec_QQ=", "whsec_Q",
        "whsec_QQ=A", "whsec_Q===", "whsec_QR==", "whsec_!!!!",
        "whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjU\nPD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-_",
        "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec", "whsk",
        "whsec:MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whpk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
        "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=x",
        "whsk_$EVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
        "-----BEGIN PRIVATE KEY-----", NULL
    };

    for (i = 0; bad[i] != NULL; i++) {
        memset(&s, 0x5a, sizeof(s));
        err = NULL;

        rc = parse(&s, bad[i], &err);

        ok(rc == -1 && err != NULL && strlen(err) > 20
           && all_zero(&s, sizeof(s)),
           "refused, no key left: \"%s\": %s", printable(bad[i]), err);
    }

    is_int(sc_webhook_secret_parse(&s, U("whsec_QQ==\0"), 11, &err), -1,
           "a NUL after the secret refused");

    parse(&s, "whpk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=", &err);
    ok(strstr(err, "public key") != NULL && strstr(err, "whsk_") != NULL,
       "whpk_: says it is a public key: %s", err);

    parse(&s, "secret", &err);
    ok(strstr(err, "whsec_") != NULL && strstr(err, "whsk_") != NULL,
       "no prefix: names both forms: %s", err);

    parse(&s, SW_WHSEC, &err);
    sc_webhook_secret_wipe(&s);
    ok(all_zero(&s, sizeof(s)), "wipe leaves zeros");
}


static void
test_id(void)
{
    size_t  i;
    char    id[80];

    static const char  *good[] = {
        "01ARZ3NDEKTSV4RRFFQ69G5FAV", SW_ID, "a", "A-b_0", NULL
    };

    static const char  *bad[] = {
        "", "a.b", "a b", "a\r\nX: y", "a:b", "a/b", "\xc3\xa9", "a\0",
        NULL
    };

    for (i = 0; good[i] != NULL; i++) {
        ok(sc_webhook_id_valid(U(good[i]), strlen(good[i])),
           "id \"%s\" valid", good[i]);
    }

    for (i = 0; bad[i] != NULL; i++) {
        ok(!sc_webhook_id_valid(U(bad[i]), strlen(bad[i]) + (i == 7)),
           "id \"%s\" invalid", printable(bad[i]));
    }

    memset(id, 'x', sizeof(id));
    ok(sc_webhook_id_valid(U(id), SC_WEBHOOK_ID_MAX), "64 characters valid");
    ok(!sc_webhook_id_valid(U(id), SC_WEBHOOK_ID_MAX + 1),
       "65 characters invalid");
}


/* ---------------------------------------------------------------- signing */


/* "<id>.<ts>.<body>" the plain way */

static size_t
signed_content(unsigned char *out, const char *id, uint64_t ts,
    const unsigned char *body, size_t body_len)
{
    int  n;

    n = sprintf((char *) out, "%s.%llu.", id, (unsigned long long) ts);
    memcpy(out + n, body, body_len);

    return (size_t) n + body_len;
}


static void
check_hmac(const sc_webhook_secret_t *s, const char *id, uint64_t ts,
    const unsigned char *body, size_t body_len, const char *what)
{
    char           want[SC_WEBHOOK_SIG_MAX + 1];
    size_t         n, mlen;
    unsigned int   maclen;
    unsigned char  msg[1024], mac[32], out[SC_WEBHOOK_SIG_MAX + 8];

    mlen = signed_content(msg, id, ts, body, body_len);

    HMAC(EVP_sha256(), s->key, (int) s->key_len, msg, mlen, mac, &maclen);
    memcpy(want, "v1,", 3);
    b64(want + 3, mac, 32);

    memset(out, CANARY, sizeof(out));
    n = sc_webhook_sign(out, s, U(id), strlen(id), ts, body, body_len);

    is_mem(out, n, want, strlen(want), "%s: OpenSSL's HMAC-SHA256", what);
    ok(out[n] == CANARY, "%s: nothing written past it", what);
}


static void
check_ed25519(const sc_webhook_secret_t *s, const char *id, uint64_t ts,
    const unsigned char *body, size_t body_len, const char *what)
{
    char           want[SC_WEBHOOK_SIG_MAX + 1];
    size_t         n, mlen;
    unsigned char  msg[1024], sig[64], got[64];
    unsigned char  out[SC_WEBHOOK_SIG_MAX + 8];

    mlen = signed_content(msg, id, ts, body, body_len);

    crypto_sign_detached(sig, NULL, msg, mlen, s->key);
    memcpy(want, "v1a,", 4);
    b64(want + 4, sig, 64);

    memset(out, CANARY, sizeof(out));
    n = sc_webhook_sign(out, s, U(id), strlen(id), ts, body, body_len);

    is_mem(out, n, want, strlen(want), "%s: crypto_sign_detached's", what);
    ok(n == SC_WEBHOOK_SIG_MAX && out[n] == CANARY,
       "%s: %d bytes, nothing written past them", what,
       SC_WEBHOOK_SIG_MAX);

    ok(n == SC_WEBHOOK_SIG_MAX
       && EVP_DecodeBlock(got, out + 4, 88) == 66
       && crypto_sign_verify_detached(got, msg, mlen, s->key + 32) == 0,
       "%s: crypto_sign_verify_detached accepts it", what);
}


static void
test_sign(void)
{
    size_t               n, i, len;
    uint32_t             r;
    const char          *err;
    unsigned char        body[600], seed[32], out[SC_WEBHOOK_SIG_MAX];
    unsigned char        key[64], pk[32], sk[64], text[160];
    sc_webhook_secret_t  s;

    /* Standard Webhooks' known answers */

    parse(&s, SW_WHSEC, &err);
    n = sc_webhook_sign(out, &s, S(SW_ID), SW_TS, S(SW_BODY));
    is_mem(out, n, SW_V1, strlen(SW_V1),
           "v1 known answer of Standard Webhooks' libraries");
    is_int((long long) n, 47, "v1 signature is 47 bytes");
    check_hmac(&s, SW_ID, SW_TS, S(SW_BODY), "known answer");

    parse(&s, SW_WHSK, &err);
    n = sc_webhook_sign(out, &s, S(SW_ID), SW_TS, S(SW_BODY));
    is_mem(out, n, SW_V1A, strlen(SW_V1A),
           "v1a known answer of Standard Webhooks' libraries");
    check_ed25519(&s, SW_ID, SW_TS, S(SW_BODY), "known answer");

    /* a 32-byte HMAC key also against libsodium's one-shot HMAC */

    for (i = 0; i < 32; i++) {
        key[i] = (unsigned char) (0x80 + i);
    }

    memcpy(text, "whsec_", 6);
    text[6 + b64((char *) text + 6, key, 32)] = '\0';
    is_int(parse(&s, (char *) text, &err), 0, "whsec_ of 32 bytes");

    {
        char           want[64];
        unsigned char  msg[64], mac[32];

        n = signed_content(msg, "id1", 0, U("{}"), 2);
        crypto_auth_hmacsha256(mac, msg, n, key);
        memcpy(want, "v1,", 3);
        b64(want + 3, mac, 32);

        n = sc_webhook_sign(out, &s, S("id1"), 0, S("{}"));
        is_mem(out, n, want, strlen(want),
               "timestamp 0: crypto_auth_hmacsha256 over \"id1.0.{}\"");
    }

    check_hmac(&s, "x", UINT64_MAX, U(""), 0, "timestamp 2^64-1, no body");
    check_hmac(&s, "", 1, U(""), 0, "empty id and body");

    /* random keys of every HMAC length, random bodies */

    for (i = 1; i <= 64; i++) {
        randombytes_buf(key, i);
        memcpy(text, "whsec_", 6);
        text[6 + b64((char *) text + 6, key, i)] = '\0';

        if (parse(&s, (char *) text, &err) != 0) {
            ok(0, "random key of %u bytes parses", (unsigned) i);
            continue;
        }

        len = randombytes_uniform(sizeof(body));
        randombytes_buf(body, len);
        r = randombytes_random();
        check_hmac(&s, "01ARZ3NDEKTSV4RRFFQ69G5FAV", r, body, len,
                   "random");
    }

    /* random seeds, both whsk_ forms, random bodies */

    for (i = 0; i < 16; i++) {
        randombytes_buf(seed, 32);
        crypto_sign_seed_keypair(pk, sk, seed);

        memcpy(text, "whsk_", 5);
        text[5 + b64((char *) text + 5, i % 2 ? sk : seed, i % 2 ? 64 : 32)]
            = '\0';

        if (parse(&s, (char *) text, &err) != 0) {
            ok(0, "random whsk_ parses");
            continue;
        }

        len = i == 0 ? 0 : randombytes_uniform(sizeof(body));
        randombytes_buf(body, len);
        check_ed25519(&s, "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                      1700000000 + i, body, len,
                      i % 2 ? "random 64-byte key" : "random seed");
    }

    /* not a parsed secret */

    memset(&s, 0, sizeof(s));
    is_int((long long) sc_webhook_sign(out, &s, S("a"), 1, S("b")), 0,
           "a zeroed secret signs nothing");
    s.kind = SC_WEBHOOK_HMAC;
    s.key_len = 65;
    is_int((long long) sc_webhook_sign(out, &s, S("a"), 1, S("b")), 0,
           "a bad key length signs nothing");

    sc_webhook_secret_wipe(&s);
}


/*
 * The header may carry several signatures, space-separated, for a key
 * rotation: two signatures joined are what a receiver of either key
 * accepts.
 */

static void
test_sign_rotation(void)
{
    size_t               n1, n2;
    const char          *err;
    unsigned char        hdr[2 * SC_WEBHOOK_SIG_MAX + 1];
    sc_webhook_secret_t  a, b;

    parse(&a, SW_WHSEC, &err);
    parse(&b, SW_WHSK, &err);

    n1 = sc_webhook_sign(hdr, &a, S(SW_ID), SW_TS, S(SW_BODY));
    hdr[n1] = ' ';
    n2 = sc_webhook_sign(hdr + n1 + 1, &b, S(SW_ID), SW_TS, S(SW_BODY));

    is_mem(hdr, n1 + 1 + n2, SW_V1 " " SW_V1A, strlen(SW_V1 " " SW_V1A),
           "two signatures, space-separated, fit 2 * SIG_MAX + 1");

    sc_webhook_secret_wipe(&a);
    sc_webhook_secret_wipe(&b);
}


/* ---------------------------------------------------------------- payload */


static void
check_payload(const unsigned char *rec, size_t len, int sealed, int64_t now,
    const char *want, const char *what)
{
    size_t           n, ntoks;
    unsigned char    out[1024], work[1024];
    sc_json_token_t  toks[64];

    memset(out, CANARY, sizeof(out));

    n = sc_webhook_payload(out, rec, len, sealed, now);

    is_mem(out, n, want, strlen(want), "%s: payload bytes", what);
    is_int((long long) sc_webhook_payload_len(rec, len, sealed),
           (long long) n, "%s: _len is exact", what);
    ok(out[n] == CANARY, "%s: nothing written past it", what);
    ok(sc_json_parse(out, n, work, toks, 64, &ntoks, NULL, NULL)
       == SC_JSON_OK, "%s: strict JSON", what);
}


static void
test_payload(void)
{
    size_t         i, n;
    char           want[256], *p;
    unsigned char  raw[8], out[256];

    check_payload(S("{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"title\":"
                    "\"XSS \\u003c/script\\u003e\"}"), 0, 1700000000,
                  "{\"type\":\"security_report.received\","
                  "\"timestamp\":\"2023-11-14T22:13:20Z\","
                  "\"data\":{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\","
                  "\"title\":\"XSS \\u003c/script\\u003e\"}}",
                  "plain record");

    check_payload(S("\x00\x01\x02\xff\xfe"), 1, 0,
                  "{\"type\":\"security_report.received\","
                  "\"timestamp\":\"1970-01-01T00:00:00Z\","
                  "\"data\":{\"sealed\":\"AAEC//4=\"}}",
                  "sealed record");

    check_payload(S(""), 1, 86399,
                  "{\"type\":\"security_report.received\","
                  "\"timestamp\":\"1970-01-01T23:59:59Z\","
                  "\"data\":{\"sealed\":\"\"}}",
                  "empty sealed record");

    /* base64 of every length up to 8 against OpenSSL's */

    for (i = 0; i < sizeof(raw); i++) {
        raw[i] = (unsigned char) (0xf0 + i * 3);
    }

    for (i = 0; i <= sizeof(raw); i++) {
        p = want;
        p += sprintf(p, "{\"type\":\"security_report.received\","
                        "\"timestamp\":\"2001-09-09T01:46:40Z\","
                        "\"data\":{\"sealed\":\"");
        p += b64(p, raw, i);
        strcpy(p, "\"}}");

        n = sc_webhook_payload(out, raw, i, 1, 1000000000);
        ok(n == strlen(want) && memcmp(out, want, n) == 0
           && sc_webhook_payload_len(raw, i, 1) == n,
           "sealed record of %u bytes", (unsigned) i);
    }
}


/* ---------------------------------------------------------------- request */


static void
test_request(void)
{
    size_t         n, len;
    unsigned char  out[1024];

    static const char  want[] =
        "POST /hooks/security?src=nginx HTTP/1.1\r\n"
        "Host: backend.example:8443\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 20\r\n"
        "webhook-id: " SW_ID "\r\n"
        "webhook-timestamp: 1614265330\r\n"
        "webhook-signature: " SW_V1 "\r\n"
        "User-Agent: nginx-security-contact\r\n"
        "Connection: close\r\n"
        "\r\n"
        SW_BODY;

    static const char  want0[] =
        "POST / HTTP/1.1\r\n"
        "Host: h\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 0\r\n"
        "webhook-id: i\r\n"
        "webhook-timestamp: 18446744073709551615\r\n"
        "webhook-signature: s\r\n"
        "User-Agent: nginx-security-contact\r\n"
        "Connection: close\r\n"
        "\r\n";

    memset(out, CANARY, sizeof(out));

    len = sc_webhook_request_len(sizeof("/hooks/security?src=nginx") - 1,
                                 sizeof("backend.example:8443") - 1,
                                 sizeof(SW_ID) - 1, SW_TS,
                                 sizeof(SW_V1) - 1, sizeof(SW_BODY) - 1);
    n = sc_webhook_request(out, S("/hooks/security?src=nginx"),
                           S("backend.example:8443"), S(SW_ID), SW_TS,
                           S(SW_V1), S(SW_BODY));

    is_mem(out, n, want, sizeof(want) - 1, "request bytes");
    is_int((long long) len, (long long) n, "_len is exact");
    ok(out[n] == CANARY, "nothing written past it");

    memset(out, CANARY, sizeof(out));

    len = sc_webhook_request_len(1, 1, 1, UINT64_MAX, 1, 0);
    n = sc_webhook_request(out, S("/"), S("h"), S("i"), UINT64_MAX, S("s"),
                           U(""), 0);

    is_mem(out, n, want0, sizeof(want0) - 1,
           "request with no body and the largest timestamp");
    is_int((long long) len, (long long) n, "_len is exact");
    ok(out[n] == CANARY, "nothing written past it");

    is_int((long long) sc_webhook_request_len(1, 1, 1, 9, 1, 5) + 1,
           (long long) sc_webhook_request_len(1, 1, 1, 10, 1, 5),
           "_len follows the timestamp's digits");
    is_int((long long) sc_webhook_request_len(1, 1, 1, 5, 1, 99) + 2,
           (long long) sc_webhook_request_len(1, 1, 1, 5, 1, 100),
           "_len follows the body and its Content-Length's digits");
}


/* ---------------------------------------------------------------- response */


typedef struct {
    int       rc;
    unsigned  status;
    int64_t   retry_after;
} result_t;


static result_t
feed_all(const char *text, size_t len, int64_t now, sc_http_response_t *r)
{
    result_t  res;

    sc_http_response_init(r);
    res.rc = sc_http_response_feed(r, U(text), len, now);
    res.status = r->status;
    res.retry_after = r->retry_after;

    return res;
}


/*
 * The head fed whole, then split in two at every byte, then a byte at a
 * time: every way gives the same result, and so does feeding more after.
 */

static void
check_response(const char *text, size_t len, int64_t now, int rc,
    unsigned status, int64_t retry_after, const char *what)
{
    int                 same;
    size_t              k, i;
    result_t            want, got;
    const char         *error;
    sc_http_response_t  r;

    want = feed_all(text, len, now, &r);
    error = r.error;

    if (!ok(want.rc == rc && (rc != SC_HTTP_DONE || (want.status == status
                                      && want.retry_after == retry_after))
            && (rc == SC_HTTP_ERROR) == (error != NULL),
            "%s", what))
    {
        printf("#   got rc %d status %u retry_after %lld error %s\n",
               want.rc, want.status, (long long) want.retry_after,
               error ? error : "(none)");
    }

    if (rc == SC_HTTP_ERROR) {
        printf("#   %s\n", error ? error : "(no error)");
    }

    same = 1;

    for (k = 0; k <= len; k++) {
        sc_http_response_init(&r);
        got.rc = sc_http_response_feed(&r, U(text), k, now);

        if (got.rc == SC_HTTP_AGAIN) {
            got.rc = sc_http_response_feed(&r, U(text) + k, len - k, now);
        }

        got.status = r.status;
        got.retry_after = r.retry_after;

        if (got.rc != want.rc || got.status != want.status
            || got.retry_after != want.retry_after || r.error != error)
        {
            printf("#   split at %u differs: rc %d\n", (unsigned) k, got.rc);
            same = 0;
        }
    }

    sc_http_response_init(&r);
    got.rc = SC_HTTP_AGAIN;

    for (i = 0; i < len && got.rc == SC_HTTP_AGAIN; i++) {
        got.rc = sc_http_response_feed(&r, U(text) + i, 1, now);
    }

    if (got.rc != want.rc || r.status != want.status
        || r.retry_after != want.retry_after || r.error != error)
    {
        printf("#   byte by byte differs: rc %d\n", got.rc);
        same = 0;
    }

    /* once DONE or ERROR, nothing changes */

    if (rc != SC_HTTP_AGAIN
        && (sc_http_response_feed(&r, U("HTTP/1.1 500 x\r\n\r\n"), 18, now)
            != want.rc || r.status != want.status
            || r.retry_after != want.retry_after || r.error != error))
    {
        printf("#   more input changed the result\n");
        same = 0;
    }

    ok(same, "%s: same result split anywhere and byte by byte", what);
}


#define DONE(text, status, ra, what)                                        \
    check_response(text, sizeof(text) - 1, NOW, SC_HTTP_DONE, status, ra,   \
                   what)
#define AGAIN(text, what)                                                   \
    check_response(text, sizeof(text) - 1, NOW, SC_HTTP_AGAIN, 0, -1, what)
#define ERROR(text, what)                                                   \
    check_response(text, sizeof(text) - 1, NOW, SC_HTTP_ERROR, 0, -1, what)

/* Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW  784111777


static void
test_response(void)
{
    DONE("HTTP/1.1 200 OK\r\n\r\n", 200, -1, "200 OK, no fields");
    DONE("HTTP/1.1 204 No Content\r\nServer: x\r\nDate: Sun, 06 Nov 1994 "
         "08:49:37 GMT\r\n\r\n", 204, -1, "204 with fields");
    DONE("HTTP/1.0 202 Accepted\r\n\r\n", 202, -1, "HTTP/1.0");
    DONE("HTTP/1.1 200\r\n\r\n", 200, -1, "no reason phrase");
    DONE("HTTP/1.1 200 \r\n\r\n", 200, -1, "empty reason phrase");
    DONE("HTTP/1.1 500 Internal \xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc\t!\r\n"
         "\r\n", 500, -1, "reason with UTF-8 and a tab");
    DONE("HTTP/1.1 404 Not Found\nContent-Length: 0\n\n", 404, -1,
         "bare LF line ends");
    DONE("HTTP/1.1 404 Not Found\r\nA: b\n\r\n", 404, -1,
         "mixed line ends");
    DONE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, -1,
         "the body after the head is ignored");
    DONE("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n", 301, -1, "301");
    DONE("HTTP/1.1 599 x\r\n\r\n", 599, -1, "599");
    DONE("HTTP/1.1 101 Switching Protocols\r\n\r\n", 101, -1,
         "101 is final");
    DONE("HTTP/1.1 200 OK\r\nX-Empty:\r\nY:  \r\n\r\n", 200, -1,
         "empty field values");

    /* interim responses */

    DONE("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n", 201,
         -1, "100 Continue, then 201");
    DONE("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\nRetry-After: 9\r\n"
         "\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 200, -1,
         "103 and 100 skipped, their Retry-After forgotten");
    AGAIN("HTTP/1.1 100 Continue\r\n\r\n", "only an interim response");

    /* Retry-After */

    DONE("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\n\r\n",
         503, 120, "Retry-After delta-seconds");
    DONE("HTTP/1.1 429 Too Many Requests\r\nretry-after:   30  \t\r\n\r\n",
         429, 30, "retry-after in lowercase, OWS around");
    DONE("HTTP/1.1 429 x\r\nRETRY-AFTER:0\r\n\r\n", 429, 0,
         "RETRY-AFTER: 0");
    DONE("HTTP/1.1 429 x\r\nRetry-After: 007\r\n\r\n", 429, 7,
         "leading zeros");
    DONE("HTTP/1.1 429 x\r\nRetry-After: 99999999999999999999999999\r\n\r\n",
         429, INT64_MAX, "a huge delta saturates");
    DONE("HTTP/1.1 429 x\r\nRetry-After: 9223372036854775807\r\n\r\n",
         429, INT64_MAX, "INT64_MAX");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:51:37 GMT\r\n"
         "\r\n", 503, 120, "Retry-After IMF-fixdate");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sunday, 06-Nov-94 08:51:37 GMT\r\n"
         "\r\n", 503, 120, "Retry-After rfc850-date");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sun Nov  6 08:51:37 1994\r\n\r\n",
         503, 120, "Retry-After asctime");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Wed Nov 16 08:49:37 1994\r\n\r\n",
         503, 864000, "asctime, two-digit day");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sat, 01 Jan 2000 00:00:00 GMT\r\n"
         "\r\n", 503, 946684800 - NOW, "a date years ahead");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Thu, 29 Feb 1996 00:00:00 GMT\r\n"
         "\r\n", 503, 825552000 - NOW, "29 February of a leap year");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:49:36 GMT\r\n"
         "\r\n", 503, 0, "a date in the past: 0");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
         "\r\n", 503, 0, "now: 0");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Monday, 01-Jan-40 00:00:00 GMT\r\n"
         "\r\n", 503, 2208988800LL - NOW,
         "rfc850 year 40 is 2040 (not more than 50 years ahead)");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Monday, 01-Jan-50 00:00:00 GMT\r\n"
         "\r\n", 503, 0, "rfc850 year 50 is 1950 (2050 is too far ahead)");

    DONE("HTTP/1.1 429 x\r\nRetry-After: 5\r\nRetry-After: 7\r\n\r\n", 429,
         7, "the last valid Retry-After wins");
    DONE("HTTP/1.1 429 x\r\nRetry-After: 5\r\nRetry-After: soon\r\n\r\n",
         429, 5, "an invalid one after a valid one is ignored");
    DONE("HTTP/1.1 429 x\r\nRetry-After:\r\n 60\r\n\r\n", 429, 60,
         "folded value");
    DONE("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 \r\n\t 08:51:37 "
         "GMT\r\n\r\n", 503, 120, "folded date reads as one SP");
    DONE("HTTP/1.1 429 x\r\nX-Long: a\r\n b\r\nRetry-After: 3\r\n\r\n", 429,
         3, "a folded field before");
    DONE("HTTP/1.1 429 x\r\nRetry-After: 3\r\n 4\r\n\r\n", 429, -1,
         "folded into \"3 4\": invalid");

    DONE("HTTP/1.1 429 x\r\nRetry-After-X: 5\r\nRetry-Afte: 5\r\n"
         "XRetry-After: 5\r\nRetry-Afterr: 5\r\nR: 5\r\n\r\n", 429, -1,
         "other names are not Retry-After");
    DONE("HTTP/1.1 429 x\r\nX: Retry-After: 5\r\n\r\n", 429, -1,
         "Retry-After in another field's value");

    {
        static const char  *bad[] = {
            "soon", "-5", "+5", "1.5", "5s", "5 5", "0x10", "",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1995 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ;",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sundae, 06-Nov-94 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sunday, 06 Nov 94 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun Nov 06 08:49:37 1994 GMT",
            "Sunday Nov  6 08:49:37 1994",
            "2024-01-01T00:00:00Z",
            "Sun, 06 Nov 1994 08:49:37 GMTX",
            ",", "Sunday,", "Wednesday, ",
            NULL
        };

        size_t  i, n;
        char    text[200];

        for (i = 0; bad[i] != NULL; i++) {
            n = (size_t) sprintf(text, "HTTP/1.1 503 x\r\nRetry-After: "
                                 "%s\r\n\r\n", bad[i]);
            check_response(text, n, NOW, SC_HTTP_DONE, 503, -1, bad[i]);
        }
    }

    /* incomplete */

    AGAIN("", "nothing yet");
    AGAIN("HTT", "part of the version");
    AGAIN("HTTP/1.1 20", "part of the status");
    AGAIN("HTTP/1.1 200 OK\r\n", "the status line only");
    AGAIN("HTTP/1.1 200 OK\r\nRetry-After: 5\r\n", "no empty line yet");
    AGAIN("HTTP/1.1 200 OK\r\n\r", "CR of the empty line");

    /* garbage */

    ERROR("<html>", "HTML");
    ERROR("\r\nHTTP/1.1 200 OK\r\n\r\n", "an empty line first");
    ERROR(" HTTP/1.1 200 OK\r\n\r\n", "a space first");
    ERROR("http/1.1 200 OK\r\n\r\n", "lowercase http");
    ERROR("HTTP/2 200\r\n\r\n", "HTTP/2");
    ERROR("HTTP/2.0 200 OK\r\n\r\n", "HTTP/2.0");
    ERROR("HTTP/1.x 200 OK\r\n\r\n", "HTTP/1.x");
    ERROR("HTTP/1.11 200 OK\r\n\r\n", "HTTP/1.11");
    ERROR("HTTP/1.1  200 OK\r\n\r\n", "two spaces before the status");
    ERROR("HTTP/1.1\t200 OK\r\n\r\n", "a tab before the status");
    ERROR("HTTP/1.1 2000 OK\r\n\r\n", "four-digit status");
    ERROR("HTTP/1.1 20 OK\r\n\r\n", "two-digit status");
    ERROR("HTTP/1.1 2x0 OK\r\n\r\n", "a letter in the status");
    ERROR("HTTP/1.1 099 x\r\n\r\n", "status 099");
    ERROR("HTTP/1.1 600 x\r\n\r\n", "status 600");
    ERROR("HTTP/1.1 999 x\r\n\r\n", "status 999");
    ERROR("HTTP/1.1 200\tOK\r\n\r\n", "a tab after the status");
    ERROR("HTTP/1.1 200 O\x01K\r\n\r\n", "a control in the reason");
    ERROR("HTTP/1.1 200 O\x7fK\r\n\r\n", "DEL in the reason");
    ERROR("HTTP/1.1 200 OK\r\r\n\r\n", "CR CR LF");
    ERROR("HTTP/1.1 200 OK\rX: y\r\n\r\n", "a bare CR");
    ERROR("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
          "whitespace before the first field");
    ERROR("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "a space in a name");
    ERROR("HTTP/1.1 200 OK\r\nName : x\r\n\r\n", "a space before the colon");
    ERROR("HTTP/1.1 200 OK\r\n: x\r\n\r\n", "an empty name");
    ERROR("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "no colon");
    ERROR("HTTP/1.1 200 OK\r\nX(: y\r\n\r\n", "a separator in a name");
    ERROR("HTTP/1.1 200 OK\r\nX: a\x01" "b\r\n\r\n", "a control in a value");
    ERROR("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n", "DEL in a value");
    ERROR("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", "a bare CR in a value");
    ERROR("HTTP/1.1 200 OK\r\nX: a\r\n\rX", "CR then not LF at the end");
    ERROR("HTTP/1.1 100 Continue\r\n\r\n<html>", "garbage after 100");

    {
        static const char  nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";

        check_response(nul, sizeof(nul) - 1, NOW, SC_HTTP_ERROR, 0, -1,
                       "a NUL in a value");
    }
}


static void
test_response_size(void)
{
    size_t              n, i;
    char               *text;
    sc_http_response_t  r;

    static char         buf[3 * SC_HTTP_HEAD_MAX];

    text = buf;

    /* a head of exactly SC_HTTP_HEAD_MAX bytes is read */

    n = (size_t) sprintf(text, "HTTP/1.1 429 x\r\nRetry-After: 5\r\nX: ");
    memset(text + n, 'a', SC_HTTP_HEAD_MAX - n - 4);
    memcpy(text + SC_HTTP_HEAD_MAX - 4, "\r\n\r\n", 4);

    sc_http_response_init(&r);
    is_int(sc_http_response_feed(&r, U(text), SC_HTTP_HEAD_MAX, NOW),
           SC_HTTP_DONE, "a head of exactly 16384 bytes");
    ok(r.status == 429 && r.retry_after == 5, "its status and Retry-After");

    /* one more byte is too many */

    memset(text + n, 'a', SC_HTTP_HEAD_MAX - n - 3);
    memcpy(text + SC_HTTP_HEAD_MAX - 3, "\r\n\r\n", 4);

    check_response(text, SC_HTTP_HEAD_MAX + 1, NOW, SC_HTTP_ERROR, 0, -1,
                   "a head of 16385 bytes");

    sc_http_response_init(&r);
    sc_http_response_feed(&r, U(text), SC_HTTP_HEAD_MAX + 1, NOW);
    ok(r.error != NULL && strstr(r.error, "16384") != NULL, "says so: %s",
       r.error);

    sc_http_response_init(&r);
    is_int(sc_http_response_feed(&r, U(text), SC_HTTP_HEAD_MAX, NOW),
           SC_HTTP_AGAIN, "its first 16384 bytes want more");
    is_int(sc_http_response_feed(&r, U(text) + SC_HTTP_HEAD_MAX, 1, NOW),
           SC_HTTP_ERROR, "the next byte fails");

    /* an endless field */

    n = (size_t) sprintf(text, "HTTP/1.1 200 OK\r\nX: ");
    memset(text + n, 'a', sizeof(buf) - n);

    sc_http_response_init(&r);
    is_int(sc_http_response_feed(&r, U(text), sizeof(buf), NOW),
           SC_HTTP_ERROR, "an endless field value");

    /* endless interim responses count together */

    n = 0;

    while (n + 25 < sizeof(buf)) {
        memcpy(text + n, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        n += 25;
    }

    sc_http_response_init(&r);
    is_int(sc_http_response_feed(&r, U(text), n, NOW), SC_HTTP_ERROR,
           "endless 100 Continue");

    /* a long Retry-After value is ignored, not kept */

    n = (size_t) sprintf(text, "HTTP/1.1 429 x\r\nRetry-After: 5\r\n"
                               "Retry-After: ");

    for (i = 0; i < 200; i++) {
        text[n++] = '1';
    }

    n += (size_t) sprintf(text + n, "\r\n\r\n");
    check_response(text, n, NOW, SC_HTTP_DONE, 429, 5,
                   "a 200-digit Retry-After is ignored");
}


/* ---------------------------------------------------------------- decision */


static void
decide(unsigned status, int64_t ra, unsigned attempts, uint64_t retry_max,
    uint64_t age, uint64_t max_age, uint32_t random, int action,
    uint64_t wait, const char *what)
{
    sc_webhook_decision_t  d;

    d = sc_webhook_decide(status, ra, attempts, retry_max, age, max_age,
                          random);

    if (!ok(d.action == action && d.wait == wait && d.reason != NULL,
            "%s", what))
    {
        printf("#   got action %d wait %llu\n", d.action,
               (unsigned long long) d.wait);
    }
}


#define DELIVERED   SC_WEBHOOK_DELIVERED
#define RETRY       SC_WEBHOOK_RETRY
#define DEAD        SC_WEBHOOK_DEAD
#define RMAX        300
#define AGE         259200
#define R0          0
#define RHALF       0x80000000U
#define R1          0xffffffffU


static void
test_decide(void)
{
    unsigned               i, a, st;
    uint64_t               backoff, rm;
    uint32_t               rnd;
    sc_webhook_decision_t  d;

    static const unsigned  statuses[] = {
        0, 101, 300, 301, 304, 400, 401, 403, 404, 408, 409, 413, 422, 429,
        500, 501, 502, 503, 504, 599
    };

    /* 2xx */

    decide(200, -1, 1, RMAX, 0, AGE, R0, DELIVERED, 0, "200: delivered");
    decide(201, -1, 3, RMAX, 10, AGE, R1, DELIVERED, 0, "201: delivered");
    decide(204, 5, 1, RMAX, 0, AGE, R0, DELIVERED, 0, "204: delivered");
    decide(299, -1, 1, RMAX, 0, AGE, R0, DELIVERED, 0, "299: delivered");
    decide(200, -1, 50, RMAX, AGE + 1, AGE, R0, DELIVERED, 0,
           "200 past max_age: still delivered");

    /* 410 */

    decide(410, -1, 1, RMAX, 0, AGE, R0, DEAD, 0, "410: dead at once");
    decide(410, 60, 1, RMAX, 0, 0, R0, DEAD, 0,
           "410 with Retry-After, no max_age: dead");

    /* max_age */

    decide(500, -1, 9, RMAX, AGE + 1, AGE, R0, DEAD, 0,
           "500 past max_age: dead");
    decide(0, -1, 9, RMAX, AGE + 1, AGE, R0, DEAD, 0,
           "no answer past max_age: dead");
    decide(429, 10, 9, RMAX, AGE + 1, AGE, R0, DEAD, 0,
           "429 past max_age: dead");
    decide(500, -1, 9, RMAX, AGE, AGE, R1, RETRY, 256,
           "500 at exactly max_age: retry");
    decide(500, -1, 9, RMAX, UINT64_MAX, 0, R1, RETRY, 256,
           "max_age 0: no limit");

    /* backoff: 1, 2, 4 ... capped, jitter in [backoff / 2, backoff] */

    decide(0, -1, 1, RMAX, 0, AGE, R0, RETRY, 1, "attempt 1, low: 1 s");
    decide(0, -1, 1, RMAX, 0, AGE, R1, RETRY, 1, "attempt 1, high: 1 s");
    decide(0, -1, 0, RMAX, 0, AGE, R1, RETRY, 1, "attempts 0 as 1");
    decide(500, -1, 2, RMAX, 0, AGE, R0, RETRY, 1, "attempt 2, low: 1 s");
    decide(500, -1, 2, RMAX, 0, AGE, R1, RETRY, 2, "attempt 2, high: 2 s");
    decide(500, -1, 5, RMAX, 0, AGE, R0, RETRY, 8, "attempt 5, low: 8 s");
    decide(500, -1, 5, RMAX, 0, AGE, RHALF, RETRY, 12,
           "attempt 5, middle: 8 + 9 / 2 = 12 s");
    decide(500, -1, 5, RMAX, 0, AGE, R1, RETRY, 16, "attempt 5, high: 16 s");
    decide(500, -1, 9, RMAX, 0, AGE, R1, RETRY, 256, "attempt 9: 256 s");
    decide(500, -1, 10, RMAX, 0, AGE, R0, RETRY, 150,
           "attempt 10, capped at 300, low: 150 s");
    decide(500, -1, 10, RMAX, 0, AGE, R1, RETRY, 300,
           "attempt 10, capped, high: 300 s");
    decide(500, -1, 64, RMAX, 0, AGE, R1, RETRY, 300, "attempt 64: capped");
    decide(500, -1, 65, RMAX, 0, AGE, R1, RETRY, 300, "attempt 65: capped");
    decide(500, -1, UINT32_MAX, RMAX, 0, AGE, R0, RETRY, 150,
           "attempt 2^32 - 1: capped");
    decide(500, -1, 100, UINT64_MAX, 0, 0, R1, RETRY,
           UINT64_MAX - 0x80000000ULL, "retry_max 2^64 - 1: no overflow");
    decide(500, -1, 100, UINT64_MAX, 0, 0, R0, RETRY, UINT64_MAX / 2,
           "retry_max 2^64 - 1, low: half");
    decide(500, -1, 3, 0, 0, AGE, R1, RETRY, 1, "retry_max 0: 1 s");
    decide(500, -1, 3, 1, 0, AGE, R0, RETRY, 1, "retry_max 1: 1 s");

    /* failures of every kind retry */

    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        d = sc_webhook_decide(statuses[i], -1, 4, RMAX, 0, AGE, R1);
        ok(d.action == RETRY && d.wait == 8,
           "status %u retries with backoff", statuses[i]);
    }

    /* Retry-After: 429, 502, 503, 504 */

    decide(429, 100, 1, RMAX, 0, AGE, R0, RETRY, 100,
           "429 Retry-After 100: 100 s");
    decide(503, 100, 1, RMAX, 0, AGE, R0, RETRY, 100,
           "503 Retry-After 100: 100 s");
    decide(502, 100, 1, RMAX, 0, AGE, R0, RETRY, 100,
           "502 Retry-After 100: 100 s");
    decide(504, 100, 1, RMAX, 0, AGE, R0, RETRY, 100,
           "504 Retry-After 100: 100 s");
    decide(429, 1000, 1, RMAX, 0, AGE, R0, RETRY, 300,
           "429 Retry-After past retry_max: capped");
    decide(503, INT64_MAX, 1, RMAX, 0, AGE, R0, RETRY, 300,
           "503 Retry-After INT64_MAX: capped");
    decide(429, 3, 9, RMAX, 0, AGE, R0, RETRY, 128,
           "429 Retry-After below the backoff: the backoff");
    decide(429, 200, 9, RMAX, 0, AGE, R0, RETRY, 200,
           "429 Retry-After above the low jitter: Retry-After");
    decide(429, 0, 1, RMAX, 0, AGE, R0, RETRY, 1,
           "429 Retry-After 0: 1 s");
    decide(429, -1, 5, RMAX, 0, AGE, R0, RETRY, 8,
           "429 without Retry-After: the backoff");
    decide(429, 100, 1, 0, 0, AGE, R0, RETRY, 1,
           "429 Retry-After 100, retry_max 0: 1 s");

    decide(500, 100, 1, RMAX, 0, AGE, R0, RETRY, 1,
           "500 Retry-After: not honoured");
    decide(0, 100, 1, RMAX, 0, AGE, R0, RETRY, 1,
           "no answer: no Retry-After");
    decide(301, 100, 1, RMAX, 0, AGE, R0, RETRY, 1,
           "301 Retry-After: not honoured");

    /* properties over many random inputs */

    for (i = 0; i < 20000; i++) {
        st = randombytes_uniform(600);
        a = randombytes_uniform(80);
        rm = randombytes_uniform(4) == 0 ? randombytes_random()
                                         : randombytes_uniform(4000);
        rnd = randombytes_random();

        d = sc_webhook_decide(st, randombytes_uniform(3) == 0 ? -1
                                  : (int64_t) randombytes_uniform(5000),
                              a, rm, 0, 0, rnd);

        if (st >= 200 && st <= 299) {
            if (d.action != DELIVERED) {
                break;
            }

            continue;
        }

        if (st == 410) {
            if (d.action != DEAD) {
                break;
            }

            continue;
        }

        backoff = a <= 1 ? 1 : (uint64_t) 1 << (a - 1 < 63 ? a - 1 : 63);
        backoff = backoff < (rm ? rm : 1) ? backoff : (rm ? rm : 1);

        if (d.action != RETRY || d.wait < 1 || d.wait > (rm ? rm : 1)
            || d.wait < backoff / 2)
        {
            break;
        }
    }

    ok(i == 20000, "20000 random decisions: 1 <= wait <= retry_max, "
       "wait >= backoff / 2");
}


int
main(void)
{
    if (sodium_init() < 0) {
        printf("Bail out! sodium_init() failed\n");
        return 1;
    }

    test_secret_hmac();
    test_secret_ed25519();
    test_secret_invalid();
    test_id();
    test_sign();
    test_sign_rotation();
    test_payload();
    test_request();
    test_response();
    test_response_size();
    test_decide();

    return tap_done();
}
