/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the pure OpenPGP core (ngx_module/sc_pgp.c).  The keys are
 * built here, packet by packet, with real Ed25519 self-signatures, from
 * fixed seeds; the expected bytes are computed by code independent of the
 * code under test.
 */

#include <stdlib.h>

#include <openssl/sha.h>
#include <sodium.h>

#include "sc_pgp.h"
#include "tap.h"


#define T_CREATED   1600000000u
#define T_BUF       8192


typedef struct {
    uint8_t   b[T_BUF];
    size_t    len;
} t_buf_t;


typedef struct {
    uint8_t   seed[32];
    uint8_t   sk[64];
    uint8_t   pk[32];
    uint8_t   pub[512];          /* public key packet body */
    size_t    pub_len;
    uint8_t   fpr[20];
    uint32_t  created;
} t_key_t;


typedef struct {
    unsigned        type;
    uint32_t        created;
    int             flags;       /* -1: no key flags subpacket */
    uint32_t        expires;     /* 0: no key expiration subpacket */
    const t_buf_t  *embedded;    /* an embedded signature, or NULL */
} t_sig_t;


static const uint8_t  t_oid[] = {
    0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01
};


static void
t_put(t_buf_t *b, const void *p, size_t n)
{
    if (b->len + n > T_BUF) {
        abort();
    }

    memcpy(b->b + b->len, p, n);
    b->len += n;
}


static void
t_put8(t_buf_t *b, unsigned v)
{
    uint8_t  c;

    c = (uint8_t) v;
    t_put(b, &c, 1);
}


static void
t_put16(t_buf_t *b, unsigned v)
{
    t_put8(b, v >> 8);
    t_put8(b, v);
}


static void
t_put32(t_buf_t *b, uint32_t v)
{
    t_put16(b, v >> 16);
    t_put16(b, v & 0xffff);
}


/* an MPI, written without the code under test */

static void
t_mpi(t_buf_t *b, const uint8_t *num, size_t n)
{
    unsigned  bits;
    uint8_t   c;

    while (n && num[0] == 0) {
        num++;
        n--;
    }

    bits = (unsigned) n * 8;

    if (n) {
        for (c = 0x80; !(num[0] & c); c >>= 1) {
            bits--;
        }
    }

    t_put16(b, bits);
    t_put(b, num, n);
}


/* a packet with a new format header */

static void
t_packet(t_buf_t *b, unsigned tag, const t_buf_t *body)
{
    size_t  n;

    n = body->len;
    t_put8(b, 0xc0 | tag);

    if (n < 192) {
        t_put8(b, n);

    } else if (n < 8384) {
        t_put8(b, ((n - 192) >> 8) + 192);
        t_put8(b, (n - 192) & 0xff);

    } else {
        t_put8(b, 255);
        t_put32(b, (uint32_t) n);
    }

    t_put(b, body->b, n);
}


/* the v4 fingerprint: SHA-1 of 0x99, 2-byte length, public key body */

static void
t_fpr(uint8_t fpr[20], const uint8_t *pub, size_t len)
{
    uint8_t  buf[1024];

    buf[0] = 0x99;
    buf[1] = (uint8_t) (len >> 8);
    buf[2] = (uint8_t) len;
    memcpy(buf + 3, pub, len);

    SHA1(buf, len + 3, fpr);
}


static void
t_key_init(t_key_t *k, uint8_t pattern, uint32_t created)
{
    int      i;
    t_buf_t  b;

    for (i = 0; i < 32; i++) {
        k->seed[i] = (uint8_t) (pattern + 7 * i);
    }

    /* leading zero bytes, so that the MPI is shorter than 32 bytes */
    k->seed[0] = 0;
    k->seed[1] = 0x05;

    crypto_sign_seed_keypair(k->pk, k->sk, k->seed);

    k->created = created;

    b.len = 0;
    t_put8(&b, 4);
    t_put32(&b, created);
    t_put8(&b, 22);
    t_put8(&b, sizeof(t_oid));
    t_put(&b, t_oid, sizeof(t_oid));
    t_put16(&b, 263);
    t_put8(&b, 0x40);
    t_put(&b, k->pk, 32);

    memcpy(k->pub, b.b, b.len);
    k->pub_len = b.len;

    t_fpr(k->fpr, b.b, b.len);
}


/* the secret part: S2K usage 0, MPI of the seed, checksum */

static void
t_secret(t_buf_t *b, const t_key_t *k)
{
    size_t    start, i;
    unsigned  sum;

    t_put8(b, 0);

    start = b->len;
    t_mpi(b, k->seed, 32);

    sum = 0;

    for (i = start; i < b->len; i++) {
        sum += b->b[i];
    }

    t_put16(b, sum & 0xffff);
}


static void
t_hash_key(crypto_hash_sha512_state *sha, const t_key_t *k)
{
    uint8_t  hdr[3];

    hdr[0] = 0x99;
    hdr[1] = (uint8_t) (k->pub_len >> 8);
    hdr[2] = (uint8_t) k->pub_len;

    crypto_hash_sha512_update(sha, hdr, 3);
    crypto_hash_sha512_update(sha, k->pub, k->pub_len);
}


/*
 * A v4 signature body by signer over: the primary key, then the user ID
 * or the subkey (either may be NULL).
 */

static void
t_sig(t_buf_t *out, const t_sig_t *s, const t_key_t *signer,
    const t_key_t *primary, const char *uid, const t_key_t *subkey)
{
    size_t                     hashed_start, hashed_end;
    uint8_t                    digest[64], sig[64], trailer[6], uhdr[5];
    t_buf_t                    b;
    crypto_hash_sha512_state   sha;

    b.len = 0;

    t_put8(&b, 4);
    t_put8(&b, s->type);
    t_put8(&b, 22);
    t_put8(&b, 10);

    hashed_start = b.len;
    t_put16(&b, 0);

    t_put8(&b, 5);
    t_put8(&b, 2);
    t_put32(&b, s->created);

    t_put8(&b, 22);
    t_put8(&b, 33);
    t_put8(&b, 4);
    t_put(&b, signer->fpr, 20);

    if (s->flags >= 0) {
        t_put8(&b, 2);
        t_put8(&b, 27);
        t_put8(&b, s->flags);
    }

    if (s->expires) {
        t_put8(&b, 5);
        t_put8(&b, 9);
        t_put32(&b, s->expires);
    }

    hashed_end = b.len;
    b.b[hashed_start] = (uint8_t) ((hashed_end - hashed_start - 2) >> 8);
    b.b[hashed_start + 1] = (uint8_t) (hashed_end - hashed_start - 2);

    crypto_hash_sha512_init(&sha);

    if (primary) {
        t_hash_key(&sha, primary);
    }

    if (uid) {
        uhdr[0] = 0xb4;
        uhdr[1] = 0;
        uhdr[2] = 0;
        uhdr[3] = 0;
        uhdr[4] = (uint8_t) strlen(uid);
        crypto_hash_sha512_update(&sha, uhdr, 5);
        crypto_hash_sha512_update(&sha, (const uint8_t *) uid, strlen(uid));
    }

    if (subkey) {
        t_hash_key(&sha, subkey);
    }

    crypto_hash_sha512_update(&sha, b.b, hashed_end);

    trailer[0] = 4;
    trailer[1] = 0xff;
    trailer[2] = 0;
    trailer[3] = 0;
    trailer[4] = 0;
    trailer[5] = (uint8_t) hashed_end;
    crypto_hash_sha512_update(&sha, trailer, 6);
    crypto_hash_sha512_final(&sha, digest);

    /* unhashed: issuer key ID, the embedded signature */

    t_put16(&b, 10 + (s->embedded ? s->embedded->len + 2 : 0));
    t_put8(&b, 9);
    t_put8(&b, 16);
    t_put(&b, signer->fpr + 12, 8);

    if (s->embedded) {
        t_put8(&b, s->embedded->len + 1);
        t_put8(&b, 32);
        t_put(&b, s->embedded->b, s->embedded->len);
    }

    t_put8(&b, digest[0]);
    t_put8(&b, digest[1]);

    crypto_sign_detached(sig, NULL, digest, 64, signer->sk);
    t_mpi(&b, sig, 32);
    t_mpi(&b, sig + 32, 32);

    out->len = 0;
    t_put(out, b.b, b.len);
}


/* the packets of a key, as separate pieces for the tests to combine */

static void
t_seckey(t_buf_t *out, unsigned tag, const t_key_t *k)
{
    t_buf_t  body;

    body.len = 0;
    t_put(&body, k->pub, k->pub_len);
    t_secret(&body, k);
    t_packet(out, tag, &body);
}


static void
t_uid(t_buf_t *out, const t_key_t *k, const char *uid, int flags,
    uint32_t expires)
{
    t_sig_t  s;
    t_buf_t  body;

    body.len = 0;
    t_put(&body, uid, strlen(uid));
    t_packet(out, 13, &body);

    s.type = 0x13;
    s.created = k->created;
    s.flags = flags;
    s.expires = expires;
    s.embedded = NULL;

    t_sig(&body, &s, k, k, uid, NULL);
    t_packet(out, 2, &body);
}


/* a signing subkey with its binding signature and back-signature */

static void
t_subkey(t_buf_t *out, const t_key_t *primary, const t_key_t *sub,
    int flags, uint32_t expires, int backsig)
{
    t_sig_t  s;
    t_buf_t  body, back;

    t_seckey(out, 7, sub);

    s.type = 0x19;
    s.created = sub->created;
    s.flags = -1;
    s.expires = 0;
    s.embedded = NULL;
    t_sig(&back, &s, sub, primary, NULL, sub);

    s.type = 0x18;
    s.flags = flags;
    s.expires = expires;
    s.embedded = backsig ? &back : NULL;
    t_sig(&body, &s, primary, primary, NULL, sub);
    t_packet(out, 2, &body);
}


static void
t_revocation(t_buf_t *out, unsigned type, const t_key_t *primary,
    const t_key_t *sub)
{
    t_sig_t  s;
    t_buf_t  body;

    s.type = type;
    s.created = primary->created + 10;
    s.flags = -1;
    s.expires = 0;
    s.embedded = NULL;
    t_sig(&body, &s, primary, primary, NULL, sub);
    t_packet(out, 2, &body);
}


static int
t_load(sc_pgp_key_t *key, const t_buf_t *file, uint32_t now, char *err,
    uint8_t *cert, size_t *cert_len)
{
    int       rc;
    uint8_t  *work, *c;
    size_t    n;

    work = malloc(file->len + 1);
    c = cert ? cert : malloc(file->len + 1);

    rc = sc_pgp_key_load(key, file->b, file->len, work, c, &n, now, err,
                         SC_PGP_ERRLEN);

    if (cert_len) {
        *cert_len = n;
    }

    free(work);

    if (cert == NULL) {
        free(c);
    }

    return rc;
}


/* the load fails and the message holds want */

static void
t_refused(const t_buf_t *file, uint32_t now, const char *want,
    const char *name)
{
    int           rc;
    char          err[SC_PGP_ERRLEN];
    sc_pgp_key_t  key;

    memset(err, 'x', sizeof(err));

    rc = t_load(&key, file, now, err, NULL, NULL);

    if (!ok(rc == -1 && strstr(err, want) != NULL
            && strlen(err) < sizeof(err) && strchr(err, '\n') == NULL,
            "refused: %s", name))
    {
        printf("#   want: %s\n#   got:  %s\n", want,
               rc == 0 ? "(loaded)" : err);
    }
}


static void
test_crc24(void)
{
    is_int(sc_pgp_crc24((const uint8_t *) "", 0), 0xb704ce,
           "CRC-24 of the empty string");
    is_int(sc_pgp_crc24((const uint8_t *) "123456789", 9), 0x21cf02,
           "CRC-24 of 123456789");
}


static void
test_base64(void)
{
    int          i, bad;
    size_t       n, m, len;
    uint8_t      in[80], enc[128], dec[128];
    const char  *s;

    static const char  *vec[][2] = {
        { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" }
    };

    static const char  *invalid[] = {
        "Zg=", "Zg", "Z===", "Zm9v=", "Zg==Zg==", "Zm$v", "=Zm9", "Zm=v"
    };

    for (i = 0; i < 7; i++) {
        n = sc_pgp_base64_encode(enc, (const uint8_t *) vec[i][0],
                                 strlen(vec[i][0]));
        is_mem(enc, n, vec[i][1], strlen(vec[i][1]), "base64 of \"%s\"",
               vec[i][0]);

        ok(sc_pgp_base64_decode(dec, &m, (const uint8_t *) vec[i][1],
                                strlen(vec[i][1])) == SC_PGP_OK
           && m == strlen(vec[i][0])
           && memcmp(dec, vec[i][0], m) == 0,
           "base64 decode of \"%s\"", vec[i][1]);
    }

    bad = 0;

    for (len = 0; len <= sizeof(in); len++) {
        for (i = 0; i < (int) len; i++) {
            in[i] = (uint8_t) (i * 37 + len);
        }

        n = sc_pgp_base64_encode(enc, in, len);

        if (n != 4 * ((len + 2) / 3)
            || sc_pgp_base64_decode(dec, &m, enc, n) != SC_PGP_OK
            || m != len || memcmp(dec, in, len) != 0)
        {
            bad++;
        }
    }

    is_int(bad, 0, "base64 round trip, lengths 0 to 80");

    s = " Zm9v\r\nYmFy\n\t";
    ok(sc_pgp_base64_decode(dec, &m, (const uint8_t *) s, strlen(s))
       == SC_PGP_OK && m == 6 && memcmp(dec, "foobar", 6) == 0,
       "base64 decode skips white space");

    for (i = 0; i < 8; i++) {
        is_int(sc_pgp_base64_decode(dec, &m, (const uint8_t *) invalid[i],
                                    strlen(invalid[i])),
               SC_PGP_CORRUPT, "base64 refuses \"%s\"", invalid[i]);
    }
}


static void
test_armor(void)
{
    size_t          n, m, tl;
    uint8_t         out[512], dec[512], data[100];
    const uint8_t  *type;
    char            text[600];

    static const char  want[] =
        "-----BEGIN PGP MESSAGE-----\n"
        "\n"
        "Zm9vYmFy\n"
        "=czTe\n"
        "-----END PGP MESSAGE-----\n";

    /* CRC-24 of "foobar": 0x7334DE */

    n = sc_pgp_armor(out, "MESSAGE", (const uint8_t *) "foobar", 6);
    is_mem(out, n, want, sizeof(want) - 1, "armor of foobar");
    is_int(sc_pgp_armor_len("MESSAGE", 6), n, "armor length is exact");

    for (n = 0; n < sizeof(data); n++) {
        data[n] = (uint8_t) (n * 131);
    }

    n = sc_pgp_armor(out, "PUBLIC KEY BLOCK", data, sizeof(data));
    is_int(sc_pgp_armor_len("PUBLIC KEY BLOCK", sizeof(data)), n,
           "armor length is exact for 100 bytes");
    ok(memchr(out, '\n', n) != NULL
       && memcmp(out + 38 + 64, "\n", 1) == 0,
       "armor lines of 64 characters");

    ok(sc_pgp_dearmor(dec, &m, out, n, &type, &tl) == SC_PGP_OK
       && m == sizeof(data) && memcmp(dec, data, m) == 0
       && tl == 16 && memcmp(type, "PUBLIC KEY BLOCK", 16) == 0,
       "dearmor round trip");

    snprintf(text, sizeof(text),
             "garbage before\r\n"
             "-----BEGIN PGP MESSAGE-----\r\n"
             "Version: GnuPG v2\r\n"
             "Comment: test\r\n"
             "\r\n"
             "Zm9v\r\n"
             "YmFy  \r\n"
             "=czTe\r\n"
             "-----END PGP MESSAGE-----\r\n");

    ok(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text), &type,
                      &tl) == SC_PGP_OK
       && m == 6 && memcmp(dec, "foobar", 6) == 0,
       "dearmor with headers, CRLF, trailing spaces");

    snprintf(text, sizeof(text), "%s", want);
    text[sizeof(want) - 1 - 26 - 2] = 'p';
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_BADCRC, "dearmor: CRC-24 mismatch");

    snprintf(text, sizeof(text),
             "-----BEGIN PGP MESSAGE-----\n\nZm9vYmFy\n"
             "-----END PGP MESSAGE-----\n");
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_OK, "dearmor: no CRC line is accepted");

    snprintf(text, sizeof(text),
             "-----BEGIN PGP MESSAGE-----\n\nZm9vYmFy\n=czTe\n");
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_TRUNCATED, "dearmor: END line missing");

    snprintf(text, sizeof(text),
             "-----BEGIN PGP MESSAGE-----\n\nZm9vYmFy\n=czTe\n"
             "-----END PGP SIGNATURE-----\n");
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_CORRUPT, "dearmor: END label differs");

    snprintf(text, sizeof(text),
             "-----BEGIN PGP MESSAGE-----\n\nZm9v!mFy\n=czTe\n"
             "-----END PGP MESSAGE-----\n");
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_CORRUPT, "dearmor: bad base64");

    snprintf(text, sizeof(text), "just text\n  -----BEGIN PGP MESSAGE\n");
    is_int(sc_pgp_dearmor(dec, &m, (const uint8_t *) text, strlen(text),
                          &type, &tl),
           SC_PGP_NOARMOR, "dearmor: no BEGIN line");
}


static void
test_packet_header(void)
{
    size_t           i, n;
    uint8_t          buf[70000], hdr[5];
    sc_pgp_packet_t  pkt;

    memset(buf, 0, sizeof(buf));

    /* old format, 1-byte length, tag 2 */
    buf[0] = 0x88;
    buf[1] = 3;
    ok(sc_pgp_packet_parse(&pkt, buf, 5) == SC_PGP_OK
       && pkt.tag == 2 && pkt.hdr_len == 2 && pkt.body_len == 3
       && pkt.body == buf + 2 && !pkt.new_format,
       "old format, 1-byte length");
    is_int(sc_pgp_packet_parse(&pkt, buf, 4), SC_PGP_TRUNCATED,
           "old format, body cut short");

    /* old format, 2-byte length, tag 5 */
    buf[0] = 0x95;
    buf[1] = 0x01;
    buf[2] = 0x02;
    ok(sc_pgp_packet_parse(&pkt, buf, 3 + 258) == SC_PGP_OK
       && pkt.tag == 5 && pkt.hdr_len == 3 && pkt.body_len == 258,
       "old format, 2-byte length");
    is_int(sc_pgp_packet_parse(&pkt, buf, 2), SC_PGP_TRUNCATED,
           "old format, header cut short");

    /* old format, 4-byte length, tag 13 */
    buf[0] = 0xb6;
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = 0x01;
    buf[4] = 0x00;
    ok(sc_pgp_packet_parse(&pkt, buf, 5 + 256) == SC_PGP_OK
       && pkt.tag == 13 && pkt.hdr_len == 5 && pkt.body_len == 256,
       "old format, 4-byte length");

    buf[1] = 0xff;
    is_int(sc_pgp_packet_parse(&pkt, buf, 5 + 256), SC_PGP_TRUNCATED,
           "old format, 4-byte length past the end");

    buf[0] = 0xb7;
    is_int(sc_pgp_packet_parse(&pkt, buf, 100), SC_PGP_PARTIAL,
           "old format, indeterminate length refused");

    /* new format */
    buf[0] = 0xc2;
    buf[1] = 191;
    ok(sc_pgp_packet_parse(&pkt, buf, 2 + 191) == SC_PGP_OK
       && pkt.tag == 2 && pkt.hdr_len == 2 && pkt.body_len == 191
       && pkt.new_format,
       "new format, 1-byte length");

    buf[1] = 192;
    buf[2] = 0;
    ok(sc_pgp_packet_parse(&pkt, buf, 3 + 192) == SC_PGP_OK
       && pkt.hdr_len == 3 && pkt.body_len == 192,
       "new format, 2-byte length, smallest");

    buf[1] = 223;
    buf[2] = 255;
    ok(sc_pgp_packet_parse(&pkt, buf, 3 + 8383) == SC_PGP_OK
       && pkt.hdr_len == 3 && pkt.body_len == 8383,
       "new format, 2-byte length, largest");
    is_int(sc_pgp_packet_parse(&pkt, buf, 3 + 8382), SC_PGP_TRUNCATED,
           "new format, 2-byte length past the end");

    buf[0] = 0xd1;
    buf[1] = 255;
    buf[2] = 0;
    buf[3] = 0;
    buf[4] = 0x20;
    buf[5] = 0x00;
    ok(sc_pgp_packet_parse(&pkt, buf, 6 + 8192) == SC_PGP_OK
       && pkt.tag == 17 && pkt.hdr_len == 6 && pkt.body_len == 8192,
       "new format, 5-byte length");
    is_int(sc_pgp_packet_parse(&pkt, buf, 5), SC_PGP_TRUNCATED,
           "new format, 5-byte length cut short");

    buf[1] = 224;
    is_int(sc_pgp_packet_parse(&pkt, buf, 100), SC_PGP_PARTIAL,
           "new format, partial length refused");

    buf[0] = 0x42;
    is_int(sc_pgp_packet_parse(&pkt, buf, 100), SC_PGP_CORRUPT,
           "bit 7 clear refused");

    buf[0] = 0xc0;
    buf[1] = 0;
    is_int(sc_pgp_packet_parse(&pkt, buf, 100), SC_PGP_CORRUPT,
           "tag 0 refused");

    is_int(sc_pgp_packet_parse(&pkt, buf, 0), SC_PGP_TRUNCATED,
           "empty input");

    /* the writer, read back */

    for (i = 0; i < 6; i++) {
        static const size_t  lens[] = { 0, 191, 255, 256, 65535, 65536 };

        n = sc_pgp_packet_header(hdr, 14, lens[i]);
        memcpy(buf, hdr, n);

        ok(n == (lens[i] < 256 ? 2u : lens[i] < 65536 ? 3u : 5u)
           && sc_pgp_packet_parse(&pkt, buf, n + lens[i]) == SC_PGP_OK
           && pkt.tag == 14 && pkt.body_len == lens[i] && !pkt.new_format,
           "header written for %u bytes reads back", (unsigned) lens[i]);
    }
}


static void
test_mpi(void)
{
    size_t   n, used;
    uint8_t  out[40], num[32];

    static const uint8_t  a[] = { 0, 0, 0x01, 0xff };
    static const uint8_t  zero[] = { 0, 0 };
    static const uint8_t  high[] = { 0x80 };

    n = sc_pgp_mpi_put(out, a, sizeof(a));
    is_mem(out, n, "\x00\x09\x01\xff", 4, "MPI put strips leading zeros");

    n = sc_pgp_mpi_put(out, zero, sizeof(zero));
    is_mem(out, n, "\x00\x00", 2, "MPI put of zero");

    n = sc_pgp_mpi_put(out, high, sizeof(high));
    is_mem(out, n, "\x00\x08\x80", 3, "MPI put, high bit set");

    ok(sc_pgp_mpi_get((const uint8_t *) "\x00\x09\x01\xff", 4, &used, num, 4)
       == SC_PGP_OK && used == 4
       && memcmp(num, "\x00\x00\x01\xff", 4) == 0,
       "MPI get pads on the left");

    ok(sc_pgp_mpi_get((const uint8_t *) "\x00\x10\x00\x05", 4, &used, num, 1)
       == SC_PGP_OK && used == 4 && num[0] == 5,
       "MPI get drops stored leading zeros");

    is_int(sc_pgp_mpi_get((const uint8_t *) "\x00\x11\x01\x02\x03", 5, &used,
                          num, 2),
           SC_PGP_CORRUPT, "MPI get: too large");

    is_int(sc_pgp_mpi_get((const uint8_t *) "\x01\x00\x01", 3, &used, num,
                          32),
           SC_PGP_TRUNCATED, "MPI get: cut short");

    is_int(sc_pgp_mpi_get((const uint8_t *) "\x00", 1, &used, num, 32),
           SC_PGP_TRUNCATED, "MPI get: no bit count");
}


static void
test_canonical(void)
{
    size_t   n;
    uint8_t  out[128];

    static const struct {
        const char  *in;
        const char  *want;
    } v[] = {
        { "", "" },
        { "a", "a" },
        { "a\n", "a" },
        { "a\n\n", "a\r\n" },
        { "a \t\nb\n", "a\r\nb" },
        { "a\r\nb \r\n", "a\r\nb" },
        { " x  \n\t\n- y\n", " x\r\n\r\n- y" },
        { "a\rb\n", "a\rb" }
    };

    for (n = 0; n < sizeof(v) / sizeof(v[0]); n++) {
        is_mem(out, sc_pgp_canonical_text(out, (const uint8_t *) v[n].in,
                                          strlen(v[n].in)),
               v[n].want, strlen(v[n].want), "canonical text %u",
               (unsigned) n);
    }
}


/* a clearsigned text: body, signature packet, and its verification */

static void
test_clearsign(const sc_pgp_key_t *key)
{
    int              good;
    char             hexfpr[41];
    size_t           n, n2, m, tl, hl, ul, used, canon_len;
    uint8_t         *out, *out2, *sigtext, bin[256], canon[256];
    uint8_t          digest[64], sig[64], trailer[6];
    const uint8_t   *type, *p, *b;
    sc_pgp_packet_t  pkt;
    crypto_hash_sha512_state  sha;

    static const char  text[] =
        "Contact: mailto:security@example.org\n"
        "-----BEGIN PGP SIGNATURE-----\n"
        "trailing  \t\n"
        "\n"
        "- dash\n"
        "Expires: 2030-01-01T00:00:00Z\n";

    static const char  body[] =
        "-----BEGIN PGP SIGNED MESSAGE-----\n"
        "Hash: SHA512\n"
        "\n"
        "Contact: mailto:security@example.org\n"
        "- -----BEGIN PGP SIGNATURE-----\n"
        "trailing  \t\n"
        "\n"
        "- - dash\n"
        "Expires: 2030-01-01T00:00:00Z\n"
        "-----BEGIN PGP SIGNATURE-----\n"
        "\n";

    n = sc_pgp_clearsign_len(sizeof(text) - 1);
    out = malloc(n);
    out2 = malloc(n);

    n = sc_pgp_clearsign(out, n, (const uint8_t *) text, sizeof(text) - 1,
                         key, T_CREATED + 100);
    ok(n > 0, "clearsign");

    ok(n > sizeof(body) - 1 && memcmp(out, body, sizeof(body) - 1) == 0,
       "clearsign: header, dash-escaped text, signature armor");

    n2 = sc_pgp_clearsign(out2, n, (const uint8_t *) text, sizeof(text) - 1,
                          key, T_CREATED + 100);
    ok(n2 == n && memcmp(out, out2, n) == 0, "clearsign is deterministic");

    is_int(sc_pgp_clearsign(out2, n - 1, (const uint8_t *) text,
                            sizeof(text) - 1, key, T_CREATED + 100),
           0, "clearsign: cap one byte short");

    ok(n >= 28 && memcmp(out + n - 28, "-----END PGP SIGNATURE-----\n", 28)
       == 0, "clearsign ends with the END line");

    /* the signature packet */

    sigtext = out + sizeof(body) - 1 - 31;

    ok(sc_pgp_dearmor(bin, &m, sigtext, out + n - sigtext, &type, &tl)
       == SC_PGP_OK && tl == 9 && memcmp(type, "SIGNATURE", 9) == 0,
       "clearsign: signature armor reads back");

    ok(sc_pgp_packet_parse(&pkt, bin, m) == SC_PGP_OK && pkt.tag == 2
       && pkt.hdr_len + pkt.body_len == m,
       "clearsign: one signature packet");

    b = pkt.body;
    ok(pkt.body_len > 10 && b[0] == 4 && b[1] == 0x01 && b[2] == 22
       && b[3] == 10, "v4, canonical text, EdDSA, SHA-512");

    hl = (size_t) b[4] << 8 | b[5];
    is_int(hl, 29, "hashed subpackets: 29 bytes");

    p = b + 6;
    ok(memcmp(p, "\x05\x02", 2) == 0
       && memcmp(p + 2, "\x5f\x5e\x10\x64", 4) == 0,
       "hashed: creation time");
    ok(memcmp(p + 6, "\x16\x21\x04", 3) == 0
       && memcmp(p + 9, key->fpr, 20) == 0,
       "hashed: issuer fingerprint");

    ul = (size_t) b[6 + hl] << 8 | b[7 + hl];
    p = b + 8 + hl;
    ok(ul == 10 && memcmp(p, "\x09\x10", 2) == 0
       && memcmp(p + 2, key->keyid, 8) == 0,
       "unhashed: issuer key ID");

    /* the digest, recomputed */

    canon_len = sc_pgp_canonical_text(canon, (const uint8_t *) text,
                                      sizeof(text) - 1);

    is_mem(canon, canon_len,
           "Contact: mailto:security@example.org\r\n"
           "-----BEGIN PGP SIGNATURE-----\r\n"
           "trailing\r\n"
           "\r\n"
           "- dash\r\n"
           "Expires: 2030-01-01T00:00:00Z",
           sizeof("Contact: mailto:security@example.org\r\n"
                  "-----BEGIN PGP SIGNATURE-----\r\n"
                  "trailing\r\n"
                  "\r\n"
                  "- dash\r\n"
                  "Expires: 2030-01-01T00:00:00Z") - 1,
           "canonical text of the signed text");

    crypto_hash_sha512_init(&sha);
    crypto_hash_sha512_update(&sha, canon, canon_len);
    crypto_hash_sha512_update(&sha, b, 6 + hl);
    trailer[0] = 4;
    trailer[1] = 0xff;
    trailer[2] = 0;
    trailer[3] = 0;
    trailer[4] = 0;
    trailer[5] = (uint8_t) (6 + hl);
    crypto_hash_sha512_update(&sha, trailer, 6);
    crypto_hash_sha512_final(&sha, digest);

    p += ul;
    ok(p[0] == digest[0] && p[1] == digest[1], "left 16 bits of the digest");
    p += 2;

    good = sc_pgp_mpi_get(p, b + pkt.body_len - p, &used, sig, 32)
           == SC_PGP_OK;
    p += used;
    good = good && sc_pgp_mpi_get(p, b + pkt.body_len - p, &used, sig + 32,
                                  32) == SC_PGP_OK;
    p += used;

    ok(good && p == b + pkt.body_len, "R and S MPIs");

    is_int(crypto_sign_verify_detached(sig, digest, 64, key->pk), 0,
           "the signature verifies over the recomputed digest");

    sig[5] ^= 1;
    ok(crypto_sign_verify_detached(sig, digest, 64, key->pk) != 0,
       "a changed signature does not verify");

    free(out);
    free(out2);

    /* text without a final LF, an empty text, bounds */

    {
        static const char  *texts[] = { "", "-", "-\n-", "a\n-", "\n\n" };
        size_t              i;

        for (i = 0; i < 5; i++) {
            n = sc_pgp_clearsign_len(strlen(texts[i]));
            out = malloc(n);
            m = sc_pgp_clearsign(out, n, (const uint8_t *) texts[i],
                                 strlen(texts[i]), key, T_CREATED);
            ok(m > 0 && m <= n, "clearsign length bound for text %u",
               (unsigned) i);

            if (i == 2) {
                ok(memcmp(out + 49, "- -\n- -\n-----BEGIN PGP SIGNATURE",
                          31) == 0, "a last line without LF gets one");
            }

            free(out);
        }
    }

    sc_pgp_fpr_hex(key->fpr, hexfpr);
    hexfpr[40] = '\0';
    ok(strspn(hexfpr, "0123456789ABCDEF") == 40,
       "fingerprint hex is uppercase");
}


static void
test_key_load(void)
{
    int            rc;
    char           err[SC_PGP_ERRLEN], hex[41];
    size_t         cert_len, i, n, bad;
    uint8_t        cert[T_BUF];
    t_buf_t        f, g, want, body;
    t_key_t        k, s1, s2, other;
    sc_pgp_key_t   key;

    t_key_init(&k, 0x11, T_CREATED);
    t_key_init(&s1, 0x22, T_CREATED + 1000);
    t_key_init(&s2, 0x33, T_CREATED + 2000);
    t_key_init(&other, 0x44, T_CREATED);

    /* a signing primary key */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);

    rc = t_load(&key, &f, T_CREATED + 10, err, cert, &cert_len);
    if (!ok(rc == 0, "synthetic primary key loads")) {
        printf("# %s\n", err);
    }

    is_mem(key.fpr, 20, k.fpr, 20, "fingerprint");
    is_mem(key.keyid, 8, k.fpr + 12, 8, "key ID");
    is_mem(key.primary_fpr, 20, k.fpr, 20, "primary fingerprint");
    is_mem(key.seed, 32, k.seed, 32, "seed padded to 32 bytes");
    is_mem(key.pk, 32, k.pk, 32, "public key");
    is_mem(key.sk, 64, k.sk, 64, "libsodium secret key");
    is_int(key.created, T_CREATED, "creation time");
    is_int(key.expires, 0, "never expires");
    is_int(key.is_subkey, 0, "primary key chosen");

    /* the certificate: public key packet, user ID, signature */

    want.len = 0;
    t_put8(&want, 0x98);
    t_put8(&want, k.pub_len);
    t_put(&want, k.pub, k.pub_len);
    t_put8(&want, 0xb4);
    t_put8(&want, 20);
    t_put(&want, "Test <t@example.org>", 20);

    {
        sc_pgp_packet_t  pkt;
        size_t           off;

        off = 0;

        for (i = 0; i < 2; i++) {
            sc_pgp_packet_parse(&pkt, f.b + off, f.len - off);
            off += pkt.hdr_len + pkt.body_len;
        }

        sc_pgp_packet_parse(&pkt, f.b + off, f.len - off);
        t_put8(&want, 0x88);
        t_put8(&want, pkt.body_len);
        t_put(&want, pkt.body, pkt.body_len);
    }

    is_mem(cert, cert_len, want.b, want.len,
           "certificate: public packets, user ID, self-signature");

    sc_pgp_key_wipe(&key);
    ok(key.seed[1] == 0 && key.sk[40] == 0, "wipe");

    /* armored, with the CRC-24 */

    g.len = sc_pgp_armor(g.b, "PRIVATE KEY BLOCK", f.b, f.len);
    rc = t_load(&key, &g, T_CREATED + 10, err, NULL, NULL);
    ok(rc == 0 && memcmp(key.fpr, k.fpr, 20) == 0, "armored key loads");

    /* the result signs */

    test_clearsign(&key);

    /* cert-only primary, two signing subkeys: the newest is chosen */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 0);
    t_subkey(&f, &k, &s2, 0x02, 0, 1);
    t_subkey(&f, &k, &s1, 0x02, 0, 1);

    rc = t_load(&key, &f, T_CREATED + 3000, err, cert, &cert_len);
    if (!ok(rc == 0 && key.is_subkey, "signing subkey chosen")) {
        printf("# %s\n", err);
    }

    is_mem(key.fpr, 20, s2.fpr, 20, "the newest signing subkey");
    is_mem(key.primary_fpr, 20, k.fpr, 20, "primary fingerprint");
    is_mem(key.pk, 32, s2.pk, 32, "subkey public key");
    is_int(key.created, T_CREATED + 2000, "subkey creation time");

    n = 0;

    for (i = 0; i + 1 < cert_len; i++) {
        n += (cert[i] == 0xb8);          /* old format tag 14 */
    }

    ok(n >= 2 && cert_len < f.len, "certificate holds public subkeys");

    /* expiry: the nearest of primary and subkey */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 100000);
    t_subkey(&f, &k, &s1, 0x02, 5000, 1);

    rc = t_load(&key, &f, T_CREATED + 1500, err, NULL, NULL);
    ok(rc == 0 && key.expires == T_CREATED + 1000 + 5000,
       "expires: the subkey's expiry is nearer");

    rc = t_load(&key, &f, T_CREATED + 7000, err, NULL, NULL);
    ok(rc == -1 && strstr(err, "subkey") && strstr(err, "expired on"),
       "expired subkey refused");

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 500);

    rc = t_load(&key, &f, T_CREATED + 100, err, NULL, NULL);
    ok(rc == 0 && key.expires == T_CREATED + 500,
       "expires: the primary key's expiry");

    sc_pgp_fpr_hex(k.fpr, hex);
    hex[40] = '\0';

    t_refused(&f, T_CREATED + 500, "expired on 2020-09-13", "expired key");
    t_refused(&f, T_CREATED + 500, hex, "the message names the key");

    /* dates in messages: a leap day, a century that is not a leap year */

    {
        static const struct {
            uint32_t     at;
            const char  *date;
        } d[] = {
            { 1709208000u, "expired on 2024-02-29" },
            { 4107542400u, "expired on 2100-03-01" },
            { 4102444799u, "expired on 2099-12-31" }
        };

        for (i = 0; i < 3; i++) {
            f.len = 0;
            t_seckey(&f, 5, &k);
            t_uid(&f, &k, "Test <t@example.org>", 0x03, d[i].at - T_CREATED);
            t_refused(&f, d[i].at, d[i].date, d[i].date);
        }
    }

    /* a newer self-signature overrides the older one */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 500);
    k.created += 1;
    t_uid(&f, &k, "Second <s@example.org>", 0x03, 0);
    k.created -= 1;

    rc = t_load(&key, &f, T_CREATED + 1000, err, NULL, NULL);
    ok(rc == 0 && key.expires == 0, "the newest self-signature counts");

    /* errors */

    f.len = 0;
    t_refused(&f, T_CREATED, "empty", "empty file");

    t_put(&f, "hello world\n", 12);
    t_refused(&f, T_CREATED, "not an OpenPGP key", "text file");

    f.len = 0;
    t_put(&f, "\x01\x02\x03", 3);
    t_refused(&f, T_CREATED, "not an OpenPGP key", "binary garbage");

    /* public key only, binary and armored */

    f.len = 0;
    body.len = 0;
    t_put(&body, k.pub, k.pub_len);
    t_packet(&f, 6, &body);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    t_refused(&f, T_CREATED, "public key only", "public key");
    t_refused(&f, T_CREATED, "--export-secret-keys", "public key: how to");

    g.len = sc_pgp_armor(g.b, "PUBLIC KEY BLOCK", f.b, f.len);
    t_refused(&g, T_CREATED, "public key only", "armored public key");

    g.len = sc_pgp_armor(g.b, "SIGNATURE", f.b, f.len);
    t_refused(&g, T_CREATED, "OpenPGP SIGNATURE, not a secret key",
              "armored signature");

    /* truncated at every length, and a CRC mismatch */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);

    bad = 0;

    for (n = 1; n < f.len; n++) {
        g.len = 0;
        t_put(&g, f.b, n);

        if (t_load(&key, &g, T_CREATED, err, NULL, NULL) != -1) {
            bad++;
        }
    }

    is_int(bad, 0, "every truncation of the binary key is refused");

    g.len = 0;
    t_put(&g, f.b, 40);
    t_refused(&g, T_CREATED, "truncated", "truncated binary key");

    g.len = sc_pgp_armor(g.b, "PRIVATE KEY BLOCK", f.b, f.len);
    g.len -= 60;
    t_refused(&g, T_CREATED, "END line is missing", "truncated armor");

    g.len = sc_pgp_armor(g.b, "PRIVATE KEY BLOCK", f.b, f.len);
    g.b[40] = (g.b[40] == 'A') ? 'B' : 'A';
    t_refused(&g, T_CREATED, "CRC-24", "CRC-24 mismatch");

    /* partial length */

    g.len = 0;
    t_put(&g, f.b, f.len);
    g.b[1] = 0xe1;
    t_refused(&g, T_CREATED, "partial", "partial body length");

    /* RSA primary */

    {
        t_key_t  r;
        t_buf_t  pb;
        uint8_t  nn[256];

        r = other;
        pb.len = 0;
        t_put8(&pb, 4);
        t_put32(&pb, T_CREATED);
        t_put8(&pb, 1);
        memset(nn, 0xc5, sizeof(nn));
        t_mpi(&pb, nn, 256);
        t_mpi(&pb, (const uint8_t *) "\x01\x00\x01", 3);
        memcpy(r.pub, pb.b, pb.len);
        r.pub_len = pb.len;

        t_fpr(r.fpr, pb.b, pb.len);

        f.len = 0;
        body.len = 0;
        t_put(&body, r.pub, r.pub_len);
        t_put8(&body, 0);
        t_mpi(&body, nn, 200);
        t_put16(&body, 0x1234);
        t_packet(&f, 5, &body);
        t_uid(&f, &r, "Rsa <r@example.org>", 0x03, 0);

        t_refused(&f, T_CREATED, "no Ed25519 signing key (primary key is RSA)",
                  "RSA key");
        t_refused(&f, T_CREATED, "gpg --quick-add-key", "RSA key: how to");
    }

    /* cert-only Ed25519 primary without a signing subkey */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 0);
    t_refused(&f, T_CREATED, "primary key is Ed25519 but may not sign",
              "cert-only key");

    /* a secret that is not plain */

    {
        static const struct {
            const char  *secret;
            size_t       len;
            const char  *want;
            const char  *name;
        } v[] = {
            { "\xfe\x09\x03\x02\x01\x02\x03\x04\x05\x06\x07\x08\xff"
              "0123456789abcdef" "encrypted-secret-bytes-here", 56,
              "protected by a passphrase", "passphrase-protected" },
            { "\xff\x09\x01\x08\x01\x02\x03\x04\x05\x06\x07\x08"
              "0123456789abcdef" "encrypted", 37,
              "--passwd", "passphrase-protected (usage 255)" },
            { "\x07" "0123456789abcdef" "encrypted", 26,
              "protected by a passphrase", "legacy cipher usage" },
            { "\xfe\x00\x65\x00GNU\x01", 8,
              "not in the file (a GnuPG stub)", "GNU dummy" },
            { "\xfe\x00\x65\x00GNU\x02\x10" "0123456789abcdef", 25,
              "smartcard", "divert to card" },
            { "\xfe\x00\x65\x00GN", 6,
              "malformed secret key parameters", "cut GNU extension" }
        };

        for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
            f.len = 0;
            body.len = 0;
            t_put(&body, k.pub, k.pub_len);
            t_put(&body, v[i].secret, v[i].len);
            t_packet(&f, 5, &body);
            t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
            t_refused(&f, T_CREATED, v[i].want, v[i].name);
        }

        /* a stub primary with a real signing subkey is fine */

        f.len = 0;
        body.len = 0;
        t_put(&body, k.pub, k.pub_len);
        t_put(&body, v[3].secret, v[3].len);
        t_packet(&f, 5, &body);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_subkey(&f, &k, &s1, 0x02, 0, 1);

        rc = t_load(&key, &f, T_CREATED + 1000, err, NULL, NULL);
        ok(rc == 0 && key.is_subkey
           && memcmp(key.fpr, s1.fpr, 20) == 0,
           "stub primary, signing subkey chosen");
    }

    /* revoked */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_revocation(&f, 0x20, &k, NULL);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    t_refused(&f, T_CREATED + 100, "is revoked", "revoked key");

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 0);
    t_subkey(&f, &k, &s1, 0x02, 0, 1);
    t_revocation(&f, 0x28, &k, &s1);
    t_refused(&f, T_CREATED + 2000, "subkey", "revoked subkey");
    t_refused(&f, T_CREATED + 2000, "is revoked", "revoked subkey message");

    /* a revoked subkey next to a good one */

    t_subkey(&f, &k, &s2, 0x02, 0, 1);
    rc = t_load(&key, &f, T_CREATED + 3000, err, NULL, NULL);
    ok(rc == 0 && memcmp(key.fpr, s2.fpr, 20) == 0,
       "the good subkey beside a revoked one");

    /* no back-signature */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 0);
    t_subkey(&f, &k, &s1, 0x02, 0, 0);
    t_refused(&f, T_CREATED + 2000, "binding signature", "no back-signature");

    /* a subkey that may only encrypt */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x01, 0);
    t_subkey(&f, &k, &s1, 0x0c, 0, 1);
    t_refused(&f, T_CREATED + 2000, "no Ed25519 signing key",
              "encryption-only subkey");

    /* wrong checksum */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    n = 2 + k.pub_len + 1 + 2 + 31;          /* the checksum */
    g = f;
    g.b[n + 1] ^= 0x01;
    t_refused(&g, T_CREATED, "checksum is wrong", "wrong checksum");

    /* secret of another key, with a right checksum */

    {
        t_key_t  mix;

        mix = k;
        memcpy(mix.seed, other.seed, 32);

        f.len = 0;
        t_seckey(&f, 5, &mix);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_refused(&f, T_CREATED, "does not match its public key",
                  "secret of another key");
    }

    /* secret too long, extra data, checksum missing */

    {
        uint8_t  big[33];

        memset(big, 0x7f, sizeof(big));

        f.len = 0;
        body.len = 0;
        t_put(&body, k.pub, k.pub_len);
        t_put8(&body, 0);
        t_mpi(&body, big, 33);
        t_put16(&body, 0);
        t_packet(&f, 5, &body);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_refused(&f, T_CREATED, "longer than 32 bytes", "secret too long");

        f.len = 0;
        body.len = 0;
        t_put(&body, k.pub, k.pub_len);
        t_secret(&body, &k);
        t_put8(&body, 0);
        t_packet(&f, 5, &body);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_refused(&f, T_CREATED, "extra data", "extra data after secret");

        f.len = 0;
        body.len = 0;
        t_put(&body, k.pub, k.pub_len);
        t_secret(&body, &k);
        body.len -= 2;
        t_packet(&f, 5, &body);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_refused(&f, T_CREATED, "checksum is missing", "checksum missing");

        f.len = 0;
        body.len = 0;
        t_put(&body, k.pub, k.pub_len);
        t_packet(&f, 5, &body);
        t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
        t_refused(&f, T_CREATED, "no secret part", "no secret part");
    }

    /* unsupported version */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    f.b[2] = 5;
    t_refused(&f, T_CREATED, "unsupported primary key packet version 5",
              "version 5 key");

    /* two keys */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    t_seckey(&f, 5, &other);
    t_uid(&f, &other, "Other <o@example.org>", 0x03, 0);
    t_refused(&f, T_CREATED, "more than one key", "two keys");

    /* malformed signature, an unexpected packet */

    f.len = 0;
    t_seckey(&f, 5, &k);
    body.len = 0;
    t_put(&body, "\x04\x13\x16\x0a\x00\x05\x09\x02", 8);
    t_packet(&f, 2, &body);
    t_refused(&f, T_CREATED, "malformed signature packet",
              "malformed signature");

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    body.len = 0;
    t_put(&body, "b\0\0\0\0\0hello", 11);
    t_packet(&f, 11, &body);
    t_refused(&f, T_CREATED, "does not hold packets of this type",
              "literal data packet in a key");

    /* a malformed Ed25519 public key */

    f.len = 0;
    t_seckey(&f, 5, &k);
    t_uid(&f, &k, "Test <t@example.org>", 0x03, 0);
    f.b[2 + 6 + 10 + 2] = 0x41;
    t_refused(&f, T_CREATED, "malformed key packet", "no 0x40 prefix");

    /* a short err buffer is NUL-terminated */

    memset(err, 'x', sizeof(err));
    g.len = 0;
    t_put(&g, "hello", 5);
    rc = sc_pgp_key_load(&key, g.b, g.len, cert, NULL, NULL, 0, err, 10);
    ok(rc == -1 && err[9] == '\0' && err[10] == 'x', "err is bounded");
}


int
main(void)
{
    if (sodium_init() < 0) {
        printf("Bail out! sodium_init() failed\n");
        return 1;
    }

    test_crc24();
    test_base64();
    test_armor();
    test_packet_header();
    test_mpi();
    test_canonical();
    test_key_load();

    return tap_done();
}
