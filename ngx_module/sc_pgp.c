/*
 * Copyright (C) nginx-security-contact developers
 *
 * OpenPGP with Ed25519, the pure core.  See sc_pgp.h.
 *
 * References: RFC 4880 (packets, armor, cleartext signatures), RFC 9580
 * and draft-koch-eddsa-for-openpgp (EdDSA keys and signatures as GnuPG
 * 2.2 makes them).
 */

/* as nginx does: SHA1_Init() and friends are deprecated in OpenSSL 3.0 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>
#include <sodium.h>

#include "sc_pgp.h"


#define SC_PGP_TAG_SIG          2
#define SC_PGP_TAG_SECKEY       5
#define SC_PGP_TAG_PUBKEY       6
#define SC_PGP_TAG_SECSUBKEY    7
#define SC_PGP_TAG_MARKER       10
#define SC_PGP_TAG_TRUST        12
#define SC_PGP_TAG_UID          13
#define SC_PGP_TAG_PUBSUBKEY    14
#define SC_PGP_TAG_UATTR        17

#define SC_PGP_ALGO_EDDSA       22

#define SC_PGP_SIG_TEXT         0x01
#define SC_PGP_SIG_CERT_FIRST   0x10
#define SC_PGP_SIG_CERT_LAST    0x13
#define SC_PGP_SIG_SUBKEY       0x18
#define SC_PGP_SIG_DIRECT       0x1f
#define SC_PGP_SIG_KEYREV       0x20
#define SC_PGP_SIG_SUBKEYREV    0x28

#define SC_PGP_FLAG_SIGN        0x02

/* internal results of the key packet parser */
#define SC_PGP_EVERSION         -20
#define SC_PGP_EALGO            -21

/* what a signing key candidate is fit for, worst first */
#define SC_PGP_ST_NONE          0
#define SC_PGP_ST_REVOKED       1
#define SC_PGP_ST_EXPIRED       2
#define SC_PGP_ST_NOBACKSIG     3
#define SC_PGP_ST_CARD          4
#define SC_PGP_ST_STUB          5
#define SC_PGP_ST_PROTECTED     6
#define SC_PGP_ST_CORRUPT       7
#define SC_PGP_ST_OK            8

/* what the signatures being read belong to */
#define SC_PGP_COMP_NONE        0
#define SC_PGP_COMP_PRIMARY     1
#define SC_PGP_COMP_UID         2
#define SC_PGP_COMP_SUBKEY      3
#define SC_PGP_COMP_SKIP        4

#define SC_PGP_HOWTO_EXPORT                                                   \
    "export it again with \"gpg --export-secret-keys --armor %s\""

#define SC_PGP_HOWTO_NEW                                                      \
    "make a new one with \"gpg --quick-gen-key 'NAME <EMAIL>' ed25519 sign\""


typedef struct {
    const uint8_t  *body;
    size_t          body_len;
    size_t          pub_len;       /* bytes of the public part of body */
    unsigned        version;
    unsigned        algo;
    uint32_t        created;
    const uint8_t  *oid;
    size_t          oid_len;
    const uint8_t  *point;         /* the 32 bytes of an Ed25519 key */
    unsigned        ed25519:1;
    uint8_t         fpr[20];
} sc_pgp_pub_t;


typedef struct {
    unsigned        version;
    unsigned        type;
    uint32_t        created;
    uint32_t        key_expires;   /* seconds after key creation */
    unsigned        key_flags;
    unsigned        has_flags:1;
    unsigned        has_backsig:1;
    unsigned        has_issuer_fpr:1;
    unsigned        has_issuer_id:1;
    uint8_t         issuer_fpr[20];
    uint8_t         issuer_id[8];
} sc_pgp_sig_t;


typedef struct {
    sc_pgp_pub_t    pub;
    uint32_t        sig_time;      /* of the newest self/binding sig */
    uint32_t        key_expires;   /* from it */
    unsigned        flags;         /* from it */
    unsigned        status;
    unsigned        has_sig:1;
    unsigned        has_flags:1;
    unsigned        has_backsig:1;
    unsigned        revoked:1;
    unsigned        no_secret:1;   /* a public subkey packet */
    unsigned        present:1;
} sc_pgp_keyinfo_t;


typedef struct {
    uint8_t        *out;
    size_t          len;
    crypto_hash_sha512_state  *sha;
} sc_pgp_sink_t;


static const char  sc_pgp_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const uint8_t  sc_pgp_oid_ed25519[] = {
    0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01
};

static const char  sc_pgp_clearsign_head[] =
    "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n";


static uint32_t
sc_pgp_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}


static uint8_t *
sc_pgp_put32(uint8_t *p, uint32_t v)
{
    *p++ = (uint8_t) (v >> 24);
    *p++ = (uint8_t) (v >> 16);
    *p++ = (uint8_t) (v >> 8);
    *p++ = (uint8_t) v;

    return p;
}


uint32_t
sc_pgp_crc24(const uint8_t *data, size_t len)
{
    int       i;
    uint32_t  crc;

    crc = 0xb704ce;

    while (len--) {
        crc ^= (uint32_t) *data++ << 16;

        for (i = 0; i < 8; i++) {
            crc <<= 1;

            if (crc & 0x1000000) {
                crc ^= 0x1864cfb;
            }
        }
    }

    return crc & 0xffffff;
}


size_t
sc_pgp_base64_encode(uint8_t *out, const uint8_t *in, size_t len)
{
    uint8_t   *p;
    uint32_t   v;

    p = out;

    while (len >= 3) {
        v = (uint32_t) in[0] << 16 | (uint32_t) in[1] << 8 | in[2];

        *p++ = sc_pgp_b64[v >> 18];
        *p++ = sc_pgp_b64[(v >> 12) & 0x3f];
        *p++ = sc_pgp_b64[(v >> 6) & 0x3f];
        *p++ = sc_pgp_b64[v & 0x3f];

        in += 3;
        len -= 3;
    }

    if (len) {
        v = (uint32_t) in[0] << 16;

        if (len == 2) {
            v |= (uint32_t) in[1] << 8;
        }

        *p++ = sc_pgp_b64[v >> 18];
        *p++ = sc_pgp_b64[(v >> 12) & 0x3f];
        *p++ = (len == 2) ? sc_pgp_b64[(v >> 6) & 0x3f] : '=';
        *p++ = '=';
    }

    return p - out;
}


static int
sc_pgp_b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }

    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }

    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }

    if (c == '+') {
        return 62;
    }

    if (c == '/') {
        return 63;
    }

    return -1;
}


int
sc_pgp_base64_decode(uint8_t *out, size_t *out_len, const uint8_t *in,
    size_t len)
{
    int       v, k, pad, done;
    size_t    i, n;
    uint8_t   c;
    uint32_t  acc;

    n = 0;
    k = 0;
    pad = 0;
    done = 0;
    acc = 0;

    for (i = 0; i < len; i++) {
        c = in[i];

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            continue;
        }

        if (done) {
            return SC_PGP_CORRUPT;
        }

        if (c == '=') {
            if (k < 2) {
                return SC_PGP_CORRUPT;
            }

            pad++;

        } else {
            v = sc_pgp_b64_value(c);

            if (v < 0 || pad) {
                return SC_PGP_CORRUPT;
            }

            acc |= (uint32_t) v << (18 - 6 * k);
        }

        if (++k == 4) {
            out[n++] = (uint8_t) (acc >> 16);

            if (pad < 2) {
                out[n++] = (uint8_t) (acc >> 8);
            }

            if (pad < 1) {
                out[n++] = (uint8_t) acc;
            }

            done = (pad != 0);
            acc = 0;
            k = 0;
        }
    }

    if (k != 0) {
        return SC_PGP_CORRUPT;
    }

    *out_len = n;

    return SC_PGP_OK;
}


size_t
sc_pgp_armor_len(const char *type, size_t len)
{
    size_t  tlen, b64;

    tlen = strlen(type);
    b64 = 4 * ((len + 2) / 3);

    return sizeof("-----BEGIN PGP ") - 1 + tlen + sizeof("-----\n") - 1
           + 1
           + b64 + (b64 + 63) / 64
           + sizeof("=XXXX\n") - 1
           + sizeof("-----END PGP ") - 1 + tlen + sizeof("-----\n") - 1;
}


static uint8_t *
sc_pgp_cpy(uint8_t *p, const char *s)
{
    size_t  n;

    n = strlen(s);
    memcpy(p, s, n);

    return p + n;
}


size_t
sc_pgp_armor(uint8_t *out, const char *type, const uint8_t *data,
    size_t len)
{
    size_t    n;
    uint8_t  *p, crc[3];
    uint32_t  v;

    p = sc_pgp_cpy(out, "-----BEGIN PGP ");
    p = sc_pgp_cpy(p, type);
    p = sc_pgp_cpy(p, "-----\n\n");

    for (n = 0; n < len; n += 48) {
        p += sc_pgp_base64_encode(p, data + n, (len - n < 48) ? len - n : 48);
        *p++ = '\n';
    }

    v = sc_pgp_crc24(data, len);
    crc[0] = (uint8_t) (v >> 16);
    crc[1] = (uint8_t) (v >> 8);
    crc[2] = (uint8_t) v;

    *p++ = '=';
    p += sc_pgp_base64_encode(p, crc, 3);
    *p++ = '\n';

    p = sc_pgp_cpy(p, "-----END PGP ");
    p = sc_pgp_cpy(p, type);
    p = sc_pgp_cpy(p, "-----\n");

    return p - out;
}


/*
 * The line at p: *eol is its LF or end, *trim the end of its content
 * without trailing spaces, tabs and CRs.  Returns the next line.
 */

static const uint8_t *
sc_pgp_line(const uint8_t *p, const uint8_t *end, const uint8_t **eol,
    const uint8_t **trim)
{
    const uint8_t  *e, *t;

    e = memchr(p, '\n', end - p);

    if (e == NULL) {
        e = end;
    }

    t = e;

    while (t > p && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r')) {
        t--;
    }

    *eol = e;
    *trim = t;

    return (e == end) ? end : e + 1;
}


int
sc_pgp_dearmor(uint8_t *out, size_t *out_len, const uint8_t *in,
    size_t len, const uint8_t **type, size_t *type_len)
{
    int             rc, has_crc;
    size_t          n, label_len, crc_len;
    uint8_t         crc[6];
    uint32_t        crc_value;
    const uint8_t  *p, *end, *next, *eol, *t, *label, *data, *data_end;

    static const char  begin[] = "-----BEGIN PGP ";
    static const char  endl[] = "-----END PGP ";

    p = in;
    end = in + len;

    /* the BEGIN line, at the start of a line */

    for ( ;; ) {
        if ((size_t) (end - p) >= sizeof(begin) - 1
            && memcmp(p, begin, sizeof(begin) - 1) == 0)
        {
            break;
        }

        p = memchr(p, '\n', end - p);

        if (p == NULL) {
            return SC_PGP_NOARMOR;
        }

        p++;
    }

    next = sc_pgp_line(p, end, &eol, &t);

    if (eol == end) {
        return SC_PGP_TRUNCATED;
    }

    label = p + sizeof(begin) - 1;

    if (t - label < 6 || memcmp(t - 5, "-----", 5) != 0) {
        return SC_PGP_CORRUPT;
    }

    label_len = t - 5 - label;

    /* armor headers ("Version: ...") up to an empty line */

    p = next;

    for ( ;; ) {
        if (p == end) {
            return SC_PGP_TRUNCATED;
        }

        next = sc_pgp_line(p, end, &eol, &t);

        if (t == p) {
            p = next;
            break;
        }

        if (memchr(p, ':', t - p) == NULL) {
            /* no empty line after the BEGIN line: tolerated */
            break;
        }

        p = next;
    }

    /* base64 lines up to the checksum line or the END line */

    data = p;
    data_end = NULL;
    has_crc = 0;
    crc_value = 0;

    while (p < end) {
        next = sc_pgp_line(p, end, &eol, &t);

        if (t > p && p[0] == '=') {
            if (data_end != NULL || t - p != 5) {
                return SC_PGP_CORRUPT;
            }

            data_end = p;

            if (sc_pgp_base64_decode(crc, &crc_len, p + 1, 4) != SC_PGP_OK
                || crc_len != 3)
            {
                return SC_PGP_CORRUPT;
            }

            has_crc = 1;
            crc_value = (uint32_t) crc[0] << 16 | (uint32_t) crc[1] << 8
                        | crc[2];

        } else if ((size_t) (t - p) >= sizeof(endl) - 1
                   && memcmp(p, endl, sizeof(endl) - 1) == 0)
        {
            if ((size_t) (t - p) != sizeof(endl) - 1 + label_len + 5
                || memcmp(p + sizeof(endl) - 1, label, label_len) != 0
                || memcmp(t - 5, "-----", 5) != 0)
            {
                return SC_PGP_CORRUPT;
            }

            if (data_end == NULL) {
                data_end = p;
            }

            rc = sc_pgp_base64_decode(out, &n, data, data_end - data);

            if (rc != SC_PGP_OK) {
                return rc;
            }

            if (has_crc && sc_pgp_crc24(out, n) != crc_value) {
                return SC_PGP_BADCRC;
            }

            *out_len = n;
            *type = label;
            *type_len = label_len;

            return SC_PGP_OK;

        } else if (data_end != NULL && t > p) {
            /* something between the checksum and the END line */
            return SC_PGP_CORRUPT;
        }

        p = next;
    }

    return SC_PGP_TRUNCATED;
}


int
sc_pgp_packet_parse(sc_pgp_packet_t *pkt, const uint8_t *p, size_t len)
{
    size_t    hdr, n;
    uint8_t   b;
    unsigned  tag;

    if (len < 2) {
        return (len == 1 && !(p[0] & 0x80)) ? SC_PGP_CORRUPT
                                             : SC_PGP_TRUNCATED;
    }

    b = p[0];

    if (!(b & 0x80)) {
        return SC_PGP_CORRUPT;
    }

    if (b & 0x40) {
        tag = b & 0x3f;

        if (p[1] < 192) {
            hdr = 2;
            n = p[1];

        } else if (p[1] < 224) {
            if (len < 3) {
                return SC_PGP_TRUNCATED;
            }

            hdr = 3;
            n = ((size_t) (p[1] - 192) << 8) + p[2] + 192;

        } else if (p[1] == 255) {
            if (len < 6) {
                return SC_PGP_TRUNCATED;
            }

            hdr = 6;
            n = sc_pgp_be32(p + 2);

        } else {
            return SC_PGP_PARTIAL;
        }

    } else {
        tag = (b >> 2) & 0x0f;

        switch (b & 0x03) {

        case 0:
            hdr = 2;
            break;

        case 1:
            hdr = 3;
            break;

        case 2:
            hdr = 5;
            break;

        default:
            return SC_PGP_PARTIAL;
        }

        if (len < hdr) {
            return SC_PGP_TRUNCATED;
        }

        n = (hdr == 2) ? p[1]
                       : (hdr == 3) ? ((size_t) p[1] << 8 | p[2])
                                    : sc_pgp_be32(p + 1);
    }

    if (tag == 0) {
        return SC_PGP_CORRUPT;
    }

    if (n > len - hdr) {
        return SC_PGP_TRUNCATED;
    }

    pkt->tag = tag;
    pkt->new_format = (b & 0x40) ? 1 : 0;
    pkt->hdr_len = hdr;
    pkt->body_len = n;
    pkt->body = p + hdr;

    return SC_PGP_OK;
}


size_t
sc_pgp_packet_header(uint8_t *out, unsigned tag, size_t body_len)
{
    out[0] = (uint8_t) (0x80 | (tag & 0x0f) << 2);

    if (body_len < 256) {
        out[1] = (uint8_t) body_len;
        return 2;
    }

    if (body_len < 65536) {
        out[0] |= 1;
        out[1] = (uint8_t) (body_len >> 8);
        out[2] = (uint8_t) body_len;
        return 3;
    }

    out[0] |= 2;
    sc_pgp_put32(out + 1, (uint32_t) body_len);

    return 5;
}


size_t
sc_pgp_mpi_put(uint8_t *out, const uint8_t *num, size_t len)
{
    size_t   bits;
    uint8_t  b;

    while (len && *num == 0) {
        num++;
        len--;
    }

    bits = 0;

    if (len) {
        bits = (len - 1) * 8;

        for (b = num[0]; b; b >>= 1) {
            bits++;
        }

        memcpy(out + 2, num, len);
    }

    out[0] = (uint8_t) (bits >> 8);
    out[1] = (uint8_t) bits;

    return len + 2;
}


static int
sc_pgp_mpi_skip(const uint8_t *p, size_t len, size_t *used)
{
    size_t  n;

    if (len < 2) {
        return SC_PGP_TRUNCATED;
    }

    n = (((size_t) p[0] << 8 | p[1]) + 7) / 8;

    if (n > len - 2) {
        return SC_PGP_TRUNCATED;
    }

    *used = n + 2;

    return SC_PGP_OK;
}


int
sc_pgp_mpi_get(const uint8_t *p, size_t len, size_t *used, uint8_t *out,
    size_t outlen)
{
    int             rc;
    size_t          n;
    const uint8_t  *num;

    rc = sc_pgp_mpi_skip(p, len, used);

    if (rc != SC_PGP_OK) {
        return rc;
    }

    num = p + 2;
    n = *used - 2;

    while (n && *num == 0) {
        num++;
        n--;
    }

    if (n > outlen) {
        return SC_PGP_CORRUPT;
    }

    memset(out, 0, outlen - n);

    if (n) {
        memcpy(out + outlen - n, num, n);
    }

    return SC_PGP_OK;
}


void
sc_pgp_fpr_hex(const uint8_t fpr[20], char out[40])
{
    int  i;

    static const char  hex[] = "0123456789ABCDEF";

    for (i = 0; i < 20; i++) {
        out[2 * i] = hex[fpr[i] >> 4];
        out[2 * i + 1] = hex[fpr[i] & 0x0f];
    }
}


/* canonical text, written to a buffer or hashed */

static void
sc_pgp_sink(sc_pgp_sink_t *sink, const uint8_t *p, size_t n)
{
    if (n == 0) {
        return;
    }

    if (sink->sha) {
        crypto_hash_sha512_update(sink->sha, p, n);
        return;
    }

    memcpy(sink->out + sink->len, p, n);
    sink->len += n;
}


static void
sc_pgp_canonical(sc_pgp_sink_t *sink, const uint8_t *text, size_t len)
{
    const uint8_t  *p, *line, *end, *eol, *t;

    static const uint8_t  crlf[] = { '\r', '\n' };

    p = text;
    end = text + len;

    while (p < end) {
        if (p != text) {
            sc_pgp_sink(sink, crlf, 2);
        }

        line = p;
        p = sc_pgp_line(line, end, &eol, &t);

        sc_pgp_sink(sink, line, t - line);
    }
}


size_t
sc_pgp_canonical_text(uint8_t *out, const uint8_t *text, size_t len)
{
    sc_pgp_sink_t  sink;

    sink.out = out;
    sink.len = 0;
    sink.sha = NULL;

    sc_pgp_canonical(&sink, text, len);

    return sink.len;
}


size_t
sc_pgp_sign_text(uint8_t *out, const uint8_t *text, size_t len,
    const sc_pgp_key_t *key, uint32_t created)
{
    size_t                     hashed_len;
    uint8_t                   *body, *p, digest[64], sig[64], trailer[6];
    sc_pgp_sink_t              sink;
    crypto_hash_sha512_state   sha;

    body = out + 2;
    p = body;

    *p++ = 4;
    *p++ = SC_PGP_SIG_TEXT;
    *p++ = SC_PGP_ALGO_EDDSA;
    *p++ = 10;                              /* SHA-512 */

    *p++ = 0;
    *p++ = 6 + 23;                          /* hashed subpackets */

    *p++ = 5;
    *p++ = 2;                               /* signature creation time */
    p = sc_pgp_put32(p, created);

    *p++ = 22;
    *p++ = 33;                              /* issuer fingerprint */
    *p++ = 4;
    memcpy(p, key->fpr, 20);
    p += 20;

    hashed_len = p - body;

    crypto_hash_sha512_init(&sha);

    sink.out = NULL;
    sink.len = 0;
    sink.sha = &sha;

    sc_pgp_canonical(&sink, text, len);

    crypto_hash_sha512_update(&sha, body, hashed_len);

    trailer[0] = 4;
    trailer[1] = 0xff;
    sc_pgp_put32(trailer + 2, (uint32_t) hashed_len);

    crypto_hash_sha512_update(&sha, trailer, sizeof(trailer));
    crypto_hash_sha512_final(&sha, digest);

    *p++ = 0;
    *p++ = 10;                              /* unhashed subpackets */

    *p++ = 9;
    *p++ = 16;                              /* issuer key ID */
    memcpy(p, key->keyid, 8);
    p += 8;

    *p++ = digest[0];
    *p++ = digest[1];

    crypto_sign_detached(sig, NULL, digest, sizeof(digest), key->sk);

    p += sc_pgp_mpi_put(p, sig, 32);
    p += sc_pgp_mpi_put(p, sig + 32, 32);

    out[0] = 0xc0 | SC_PGP_TAG_SIG;
    out[1] = (uint8_t) (p - body);

    return p - out;
}


size_t
sc_pgp_clearsign_len(size_t text_len)
{
    size_t  n;

    n = sizeof(sc_pgp_clearsign_head) - 1
        + sc_pgp_armor_len("SIGNATURE", SC_PGP_SIG_MAX) + 2;

    if (text_len > (SIZE_MAX - n) / 2) {
        return SIZE_MAX;
    }

    return n + 2 * text_len;
}


size_t
sc_pgp_clearsign(uint8_t *out, size_t cap, const uint8_t *text,
    size_t len, const sc_pgp_key_t *key, uint32_t created)
{
    size_t          n, sig_len, need;
    uint8_t        *o, sig[SC_PGP_SIG_MAX];
    const uint8_t  *p, *line, *end, *eol, *t;

    /* the text as it appears: dash-escaped, ending in LF */

    n = 0;
    end = text + len;

    for (p = text; p < end; /* void */) {
        line = p;
        p = sc_pgp_line(line, end, &eol, &t);

        n += (eol - line) + 1 + (line[0] == '-' ? 2 : 0);
    }

    sig_len = sc_pgp_sign_text(sig, text, len, key, created);

    need = sizeof(sc_pgp_clearsign_head) - 1 + n
           + sc_pgp_armor_len("SIGNATURE", sig_len);

    if (need > cap) {
        return 0;
    }

    o = sc_pgp_cpy(out, sc_pgp_clearsign_head);

    for (p = text; p < end; /* void */) {
        line = p;
        p = sc_pgp_line(line, end, &eol, &t);

        if (line[0] == '-') {
            *o++ = '-';
            *o++ = ' ';
        }

        memcpy(o, line, eol - line);
        o += eol - line;
        *o++ = '\n';
    }

    o += sc_pgp_armor(o, "SIGNATURE", sig, sig_len);

    return o - out;
}


/* key packets */

static int
sc_pgp_oid_skip(sc_pgp_pub_t *pub, const uint8_t *p, size_t len,
    size_t *used)
{
    size_t  n;

    if (len < 1) {
        return SC_PGP_TRUNCATED;
    }

    n = p[0];

    if (n == 0 || n == 0xff) {
        return SC_PGP_CORRUPT;
    }

    if (n > len - 1) {
        return SC_PGP_TRUNCATED;
    }

    pub->oid = p + 1;
    pub->oid_len = n;
    *used = n + 1;

    return SC_PGP_OK;
}


static void
sc_pgp_fingerprint(sc_pgp_pub_t *pub)
{
    uint8_t  hdr[3];
    SHA_CTX  sha;

    hdr[0] = 0x99;
    hdr[1] = (uint8_t) (pub->pub_len >> 8);
    hdr[2] = (uint8_t) pub->pub_len;

    SHA1_Init(&sha);
    SHA1_Update(&sha, hdr, 3);
    SHA1_Update(&sha, pub->body, pub->pub_len);
    SHA1_Final(pub->fpr, &sha);
}


/*
 * The public part of a (secret) key packet body: returns SC_PGP_OK,
 * SC_PGP_EVERSION, SC_PGP_EALGO, SC_PGP_TRUNCATED or SC_PGP_CORRUPT.
 */

static int
sc_pgp_pub_parse(sc_pgp_pub_t *pub, const uint8_t *body, size_t len)
{
    int             rc;
    size_t          pos, used, fixed, mpis;
    const uint8_t  *mpi;

    memset(pub, 0, sizeof(sc_pgp_pub_t));

    pub->body = body;
    pub->body_len = len;

    if (len < 1) {
        return SC_PGP_TRUNCATED;
    }

    pub->version = body[0];

    if (pub->version != 4) {
        return SC_PGP_EVERSION;
    }

    if (len < 6) {
        return SC_PGP_TRUNCATED;
    }

    pub->created = sc_pgp_be32(body + 1);
    pub->algo = body[5];

    pos = 6;
    fixed = 0;
    mpis = 0;

    switch (pub->algo) {

    case 1:                             /* RSA */
    case 2:
    case 3:
        mpis = 2;
        break;

    case 16:                            /* Elgamal */
    case 20:
        mpis = 3;
        break;

    case 17:                            /* DSA */
        mpis = 4;
        break;

    case 18:                            /* ECDH */
    case 19:                            /* ECDSA */
    case SC_PGP_ALGO_EDDSA:
        rc = sc_pgp_oid_skip(pub, body + pos, len - pos, &used);

        if (rc != SC_PGP_OK) {
            return rc;
        }

        pos += used;
        mpis = 1;
        break;

    case 25:                            /* X25519 */
    case 27:                            /* Ed25519 (RFC 9580) */
        fixed = 32;
        break;

    case 26:                            /* X448 */
        fixed = 56;
        break;

    case 28:                            /* Ed448 */
        fixed = 57;
        break;

    default:
        return SC_PGP_EALGO;
    }

    if (fixed > len - pos) {
        return SC_PGP_TRUNCATED;
    }

    pos += fixed;
    mpi = body + pos;
    used = 0;

    while (mpis--) {
        rc = sc_pgp_mpi_skip(body + pos, len - pos, &used);

        if (rc != SC_PGP_OK) {
            return rc;
        }

        pos += used;
    }

    if (pub->algo == 18) {
        /* KDF parameters */

        if (pos == len) {
            return SC_PGP_TRUNCATED;
        }

        fixed = body[pos];

        if (fixed == 0 || fixed == 0xff) {
            return SC_PGP_CORRUPT;
        }

        if (fixed > len - pos - 1) {
            return SC_PGP_TRUNCATED;
        }

        pos += fixed + 1;
    }

    if (pos > 0xffff) {
        return SC_PGP_CORRUPT;
    }

    pub->pub_len = pos;

    if (pub->algo == SC_PGP_ALGO_EDDSA
        && pub->oid_len == sizeof(sc_pgp_oid_ed25519)
        && memcmp(pub->oid, sc_pgp_oid_ed25519, pub->oid_len) == 0)
    {
        /* 0x40 || 32 bytes, 263 bits */

        if (used != 35 || mpi[2] != 0x40) {
            return SC_PGP_CORRUPT;
        }

        pub->point = mpi + 3;
        pub->ed25519 = 1;
    }

    sc_pgp_fingerprint(pub);

    return SC_PGP_OK;
}


static int
sc_pgp_subpackets(sc_pgp_sig_t *sig, const uint8_t *p, size_t len,
    int hashed)
{
    size_t          n, h, dn;
    unsigned        type;
    const uint8_t  *d;

    while (len) {
        if (p[0] < 192) {
            h = 1;
            n = p[0];

        } else if (p[0] < 255) {
            if (len < 2) {
                return SC_PGP_CORRUPT;
            }

            h = 2;
            n = ((size_t) (p[0] - 192) << 8) + p[1] + 192;

        } else {
            if (len < 5) {
                return SC_PGP_CORRUPT;
            }

            h = 5;
            n = sc_pgp_be32(p + 1);
        }

        if (n == 0 || n > len - h) {
            return SC_PGP_CORRUPT;
        }

        type = p[h] & 0x7f;
        d = p + h + 1;
        dn = n - 1;

        switch (type) {

        case 2:                         /* signature creation time */
            if (hashed && dn == 4) {
                sig->created = sc_pgp_be32(d);
            }
            break;

        case 9:                         /* key expiration time */
            if (hashed && dn == 4) {
                sig->key_expires = sc_pgp_be32(d);
            }
            break;

        case 27:                        /* key flags */
            if (hashed) {
                sig->key_flags = dn ? d[0] : 0;
                sig->has_flags = 1;
            }
            break;

        case 16:                        /* issuer key ID */
            if (dn == 8) {
                memcpy(sig->issuer_id, d, 8);
                sig->has_issuer_id = 1;
            }
            break;

        case 33:                        /* issuer fingerprint */
            if (dn == 21 && d[0] == 4) {
                memcpy(sig->issuer_fpr, d + 1, 20);
                sig->has_issuer_fpr = 1;
            }
            break;

        case 32:                        /* embedded signature */
            sig->has_backsig = 1;
            break;

        default:
            break;
        }

        p += h + n;
        len -= h + n;
    }

    return SC_PGP_OK;
}


static int
sc_pgp_sig_parse(sc_pgp_sig_t *sig, const uint8_t *body, size_t len)
{
    size_t  pos, n;

    memset(sig, 0, sizeof(sc_pgp_sig_t));

    if (len < 1) {
        return SC_PGP_CORRUPT;
    }

    sig->version = body[0];

    if (sig->version != 4) {
        /* kept in the certificate, not interpreted */
        return SC_PGP_OK;
    }

    if (len < 6) {
        return SC_PGP_CORRUPT;
    }

    sig->type = body[1];

    n = (size_t) body[4] << 8 | body[5];
    pos = 6;

    if (n > len - pos
        || sc_pgp_subpackets(sig, body + pos, n, 1) != SC_PGP_OK)
    {
        return SC_PGP_CORRUPT;
    }

    pos += n;

    if (len - pos < 2) {
        return SC_PGP_CORRUPT;
    }

    n = (size_t) body[pos] << 8 | body[pos + 1];
    pos += 2;

    if (n > len - pos
        || sc_pgp_subpackets(sig, body + pos, n, 0) != SC_PGP_OK)
    {
        return SC_PGP_CORRUPT;
    }

    pos += n;

    /* the left 16 bits of the digest; the MPIs are not looked at */

    if (len - pos < 2) {
        return SC_PGP_CORRUPT;
    }

    return SC_PGP_OK;
}


static int
sc_pgp_sig_by(const sc_pgp_sig_t *sig, const uint8_t fpr[20])
{
    if (sig->has_issuer_fpr) {
        return memcmp(sig->issuer_fpr, fpr, 20) == 0;
    }

    if (sig->has_issuer_id) {
        return memcmp(sig->issuer_id, fpr + 12, 8) == 0;
    }

    return 1;
}


static void
sc_pgp_self_sig(sc_pgp_keyinfo_t *ki, const sc_pgp_sig_t *sig)
{
    if (ki->has_sig && sig->created < ki->sig_time) {
        return;
    }

    ki->sig_time = sig->created;
    ki->key_expires = sig->key_expires;
    ki->flags = sig->key_flags;
    ki->has_flags = sig->has_flags;
    ki->has_backsig = sig->has_backsig;
    ki->has_sig = 1;
}


static uint32_t
sc_pgp_expires(const sc_pgp_keyinfo_t *ki)
{
    uint64_t  t;

    if (ki->key_expires == 0) {
        return 0;
    }

    t = (uint64_t) ki->pub.created + ki->key_expires;

    return (t > 0xffffffff) ? 0xffffffff : (uint32_t) t;
}


static unsigned
sc_pgp_secret_status(const sc_pgp_keyinfo_t *ki)
{
    size_t          n;
    const uint8_t  *s;

    if (ki->no_secret) {
        return SC_PGP_ST_STUB;
    }

    s = ki->pub.body + ki->pub.pub_len;
    n = ki->pub.body_len - ki->pub.pub_len;

    if (n == 0) {
        return SC_PGP_ST_CORRUPT;
    }

    if (s[0] == 0) {
        return SC_PGP_ST_OK;
    }

    if (s[0] != 254 && s[0] != 255) {
        return SC_PGP_ST_PROTECTED;
    }

    /* usage, cipher, S2K type 101, hash, "GNU", protection mode */

    if (n < 3) {
        return SC_PGP_ST_CORRUPT;
    }

    if (s[2] != 101) {
        return SC_PGP_ST_PROTECTED;
    }

    if (n < 8 || memcmp(s + 4, "GNU", 3) != 0) {
        return SC_PGP_ST_CORRUPT;
    }

    return (s[7] == 2) ? SC_PGP_ST_CARD : SC_PGP_ST_STUB;
}


/* how fit a key is to sign with, SC_PGP_ST_NONE: not at all */

static unsigned
sc_pgp_key_status(const sc_pgp_keyinfo_t *ki, int subkey, uint32_t now)
{
    uint32_t  expires;

    if (!ki->pub.ed25519
        || !ki->has_flags
        || !(ki->flags & SC_PGP_FLAG_SIGN))
    {
        return SC_PGP_ST_NONE;
    }

    if (ki->revoked) {
        return SC_PGP_ST_REVOKED;
    }

    expires = sc_pgp_expires(ki);

    if (expires && now >= expires) {
        return SC_PGP_ST_EXPIRED;
    }

    if (subkey && !ki->has_backsig) {
        return SC_PGP_ST_NOBACKSIG;
    }

    return sc_pgp_secret_status(ki);
}


static int
sc_pgp_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  ap;

    if (errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }

    return -1;
}


static void
sc_pgp_date(char out[11], uint32_t t)
{
    unsigned  y, m, days, ydays, mdays;

    static const unsigned  month[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    days = t / 86400;

    for (y = 1970; /* void */; y++) {
        ydays = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;

        if (days < ydays) {
            break;
        }

        days -= ydays;
    }

    for (m = 0; m < 11; m++) {
        mdays = month[m] + (m == 1 && ydays == 366);

        if (days < mdays) {
            break;
        }

        days -= mdays;
    }

    y %= 10000;
    m += 1;
    days += 1;

    out[0] = (char) ('0' + y / 1000);
    out[1] = (char) ('0' + y / 100 % 10);
    out[2] = (char) ('0' + y / 10 % 10);
    out[3] = (char) ('0' + y % 10);
    out[4] = '-';
    out[5] = (char) ('0' + m / 10 % 10);
    out[6] = (char) ('0' + m % 10);
    out[7] = '-';
    out[8] = (char) ('0' + days / 10 % 10);
    out[9] = (char) ('0' + days % 10);
    out[10] = '\0';
}


static const char *
sc_pgp_algo_name(const sc_pgp_pub_t *pub)
{
    switch (pub->algo) {

    case 1:
    case 2:
    case 3:
        return "RSA";

    case 16:
    case 20:
        return "Elgamal";

    case 17:
        return "DSA";

    case 18:
        return "ECDH";

    case 19:
        return "ECDSA";

    case SC_PGP_ALGO_EDDSA:
        return pub->ed25519 ? "Ed25519" : "EdDSA on another curve";

    case 25:
        return "X25519";

    case 26:
        return "X448";

    case 27:
        return "Ed25519 in the RFC 9580 format";

    case 28:
        return "Ed448";

    default:
        return "of an unknown algorithm";
    }
}


static int
sc_pgp_err_corrupt(char *err, size_t errlen, const char *what, int rc,
    const char *fpr)
{
    return sc_pgp_err(err, errlen,
                      "the key file is %s (%s); " SC_PGP_HOWTO_EXPORT,
                      (rc == SC_PGP_TRUNCATED) ? "truncated" : "corrupt",
                      what, fpr);
}


static int
sc_pgp_err_packet(char *err, size_t errlen, int rc, const char *fpr)
{
    switch (rc) {

    case SC_PGP_TRUNCATED:
        return sc_pgp_err_corrupt(err, errlen,
                                  "a packet runs past the end of the data",
                                  rc, fpr);

    case SC_PGP_PARTIAL:
        return sc_pgp_err_corrupt(err, errlen,
                                  "a packet has a partial or indeterminate "
                                  "length, which key packets never have",
                                  rc, fpr);

    default:
        return sc_pgp_err_corrupt(err, errlen, "bad packet header", rc, fpr);
    }
}


static int
sc_pgp_err_pub(char *err, size_t errlen, int rc, const sc_pgp_pub_t *pub,
    const char *what, const char *fpr)
{
    switch (rc) {

    case SC_PGP_EVERSION:
        return sc_pgp_err(err, errlen,
                          "unsupported %s packet version %u, only version 4 "
                          "keys are supported; " SC_PGP_HOWTO_NEW
                          " (GnuPG 2.2, or 2.4 without --rfc9580)",
                          what, pub->version);

    case SC_PGP_EALGO:
        return sc_pgp_err(err, errlen,
                          "unsupported public-key algorithm %u in the %s; "
                          SC_PGP_HOWTO_NEW, pub->algo, what);

    default:
        return sc_pgp_err_corrupt(err, errlen, "malformed key packet", rc,
                                  fpr);
    }
}


/* the key file as it is read */

typedef struct {
    sc_pgp_keyinfo_t   primary;
    sc_pgp_keyinfo_t   sub;          /* the subkey being read */
    sc_pgp_keyinfo_t   best;         /* the fittest signing subkey so far */
    unsigned           comp;         /* what signatures now belong to */
    uint32_t           now;
    uint8_t           *cert;
    size_t             cert_pos;
    size_t             cert_cap;
    char               fpr[41];      /* of the primary key, for messages */
    char              *err;
    size_t             errlen;
} sc_pgp_load_t;


static int
sc_pgp_cert_put(sc_pgp_load_t *ld, unsigned tag, const uint8_t *body,
    size_t len)
{
    size_t   h;
    uint8_t  hdr[5];

    if (ld->cert == NULL) {
        return 0;
    }

    h = sc_pgp_packet_header(hdr, tag, len);

    /*
     * cannot happen: an old format header with the shortest length field
     * is never longer than the header read, and bodies never grow
     */

    if (h + len > ld->cert_cap - ld->cert_pos) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the certificate buffer is too small");
    }

    memcpy(ld->cert + ld->cert_pos, hdr, h);
    memcpy(ld->cert + ld->cert_pos + h, body, len);
    ld->cert_pos += h + len;

    return 0;
}


/* a subkey has been read completely: is it the fittest so far? */

static void
sc_pgp_subkey_done(sc_pgp_load_t *ld)
{
    sc_pgp_keyinfo_t  *sub, *best;

    sub = &ld->sub;
    best = &ld->best;

    if (!sub->present) {
        return;
    }

    sub->present = 0;
    sub->status = sc_pgp_key_status(sub, 1, ld->now);

    if (sub->status == SC_PGP_ST_NONE) {
        return;
    }

    if (!best->present
        || sub->status > best->status
        || (sub->status == best->status
            && sub->pub.created >= best->pub.created))
    {
        *best = *sub;
        best->present = 1;
    }
}


/* the binary key: as it is, or dearmored into work */

static int
sc_pgp_load_binary(sc_pgp_load_t *ld, const uint8_t *data, size_t len,
    uint8_t *work, const uint8_t **bin, size_t *bin_len)
{
    int             rc;
    size_t          label_len, i;
    const uint8_t  *label;

    if (len == 0) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file is empty; export the key with "
                          "\"gpg --export-secret-keys --armor <FPR>\"");
    }

    if (data[0] & 0x80) {
        *bin = data;
        *bin_len = len;
        return 0;
    }

    if (work == NULL) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "no buffer to dearmor the key file");
    }

    rc = sc_pgp_dearmor(work, bin_len, data, len, &label, &label_len);

    switch (rc) {

    case SC_PGP_OK:
        break;

    case SC_PGP_NOARMOR:
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file is not an OpenPGP key (neither an "
                          "ASCII-armored block nor binary OpenPGP data); "
                          "export the key with "
                          "\"gpg --export-secret-keys --armor <FPR>\"");

    case SC_PGP_BADCRC:
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "the armor's CRC-24 checksum does not "
                                  "match", rc, ld->fpr);

    case SC_PGP_TRUNCATED:
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "the armor's END line is missing", rc,
                                  ld->fpr);

    default:
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "malformed ASCII armor", rc, ld->fpr);
    }

    /* a public key block is told apart by its first packet */

    if ((label_len != sizeof("PRIVATE KEY BLOCK") - 1
         || memcmp(label, "PRIVATE KEY BLOCK", label_len) != 0)
        && (label_len != sizeof("PUBLIC KEY BLOCK") - 1
            || memcmp(label, "PUBLIC KEY BLOCK", label_len) != 0))
    {
        for (i = 0; i < label_len && i < 40; i++) {
            if (label[i] < 0x20 || label[i] > 0x7e) {
                break;
            }
        }

        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file holds an OpenPGP %.*s%s, not a "
                          "secret key; export the key with "
                          "\"gpg --export-secret-keys --armor <FPR>\"",
                          (int) i, label, (i < label_len) ? "..." : "");
    }

    *bin = work;

    return 0;
}


/* the first packet: the primary key */

static int
sc_pgp_load_primary(sc_pgp_load_t *ld, const sc_pgp_packet_t *pkt)
{
    int                rc;
    sc_pgp_keyinfo_t  *pri;

    pri = &ld->primary;

    if (pkt->tag == SC_PGP_TAG_PUBKEY) {
        if (sc_pgp_pub_parse(&pri->pub, pkt->body, pkt->body_len)
            == SC_PGP_OK)
        {
            sc_pgp_fpr_hex(pri->pub.fpr, ld->fpr);
            ld->fpr[40] = '\0';
        }

        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file holds a public key only, no secret "
                          "key; export the secret key with "
                          "\"gpg --export-secret-keys --armor %s\"",
                          ld->fpr);
    }

    if (pkt->tag != SC_PGP_TAG_SECKEY) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file is not an OpenPGP secret key (it "
                          "starts with a packet of type %u); export the key "
                          "with \"gpg --export-secret-keys --armor <FPR>\"",
                          pkt->tag);
    }

    rc = sc_pgp_pub_parse(&pri->pub, pkt->body, pkt->body_len);

    if (rc != SC_PGP_OK) {
        return sc_pgp_err_pub(ld->err, ld->errlen, rc, &pri->pub,
                              "primary key", ld->fpr);
    }

    sc_pgp_fpr_hex(pri->pub.fpr, ld->fpr);
    ld->fpr[40] = '\0';

    if (pri->pub.pub_len == pkt->body_len) {
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "the secret key packet has no secret part",
                                  SC_PGP_CORRUPT, ld->fpr);
    }

    pri->present = 1;
    ld->comp = SC_PGP_COMP_PRIMARY;

    return sc_pgp_cert_put(ld, SC_PGP_TAG_PUBKEY, pkt->body,
                           pri->pub.pub_len);
}


static int
sc_pgp_load_subkey(sc_pgp_load_t *ld, const sc_pgp_packet_t *pkt)
{
    int                rc;
    sc_pgp_keyinfo_t  *sub;

    sc_pgp_subkey_done(ld);

    sub = &ld->sub;
    memset(sub, 0, sizeof(sc_pgp_keyinfo_t));

    rc = sc_pgp_pub_parse(&sub->pub, pkt->body, pkt->body_len);

    if (rc == SC_PGP_EVERSION || rc == SC_PGP_EALGO) {
        /* not ours to judge: left out, with its signatures */
        ld->comp = SC_PGP_COMP_SKIP;
        return 0;
    }

    if (rc != SC_PGP_OK) {
        return sc_pgp_err_pub(ld->err, ld->errlen, rc, &sub->pub, "subkey",
                              ld->fpr);
    }

    if (pkt->tag == SC_PGP_TAG_SECSUBKEY
        && sub->pub.pub_len == pkt->body_len)
    {
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "a secret subkey packet has no secret part",
                                  SC_PGP_CORRUPT, ld->fpr);
    }

    sub->no_secret = (pkt->tag == SC_PGP_TAG_PUBSUBKEY);
    sub->present = 1;
    ld->comp = SC_PGP_COMP_SUBKEY;

    return sc_pgp_cert_put(ld, SC_PGP_TAG_PUBSUBKEY, pkt->body,
                           sub->pub.pub_len);
}


static int
sc_pgp_load_sig(sc_pgp_load_t *ld, const sc_pgp_packet_t *pkt)
{
    sc_pgp_sig_t       sig;
    sc_pgp_keyinfo_t  *pri;

    if (sc_pgp_sig_parse(&sig, pkt->body, pkt->body_len) != SC_PGP_OK) {
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "malformed signature packet",
                                  SC_PGP_CORRUPT, ld->fpr);
    }

    pri = &ld->primary;

    if (sig.version == 4) {

        switch (ld->comp) {

        case SC_PGP_COMP_PRIMARY:
            if (sig.type == SC_PGP_SIG_KEYREV) {
                pri->revoked = 1;

            } else if (sig.type == SC_PGP_SIG_DIRECT
                       && sc_pgp_sig_by(&sig, pri->pub.fpr))
            {
                sc_pgp_self_sig(pri, &sig);
            }

            break;

        case SC_PGP_COMP_UID:
            if (sig.type >= SC_PGP_SIG_CERT_FIRST
                && sig.type <= SC_PGP_SIG_CERT_LAST
                && sc_pgp_sig_by(&sig, pri->pub.fpr))
            {
                sc_pgp_self_sig(pri, &sig);
            }

            break;

        case SC_PGP_COMP_SUBKEY:
            if (sig.type == SC_PGP_SIG_SUBKEYREV) {
                ld->sub.revoked = 1;

            } else if (sig.type == SC_PGP_SIG_SUBKEY
                       && sc_pgp_sig_by(&sig, pri->pub.fpr))
            {
                sc_pgp_self_sig(&ld->sub, &sig);
            }

            break;

        default:
            break;
        }
    }

    if (ld->comp == SC_PGP_COMP_SKIP) {
        return 0;
    }

    return sc_pgp_cert_put(ld, pkt->tag, pkt->body, pkt->body_len);
}


/* every packet of the file: checked, noted, copied to the certificate */

static int
sc_pgp_load_packets(sc_pgp_load_t *ld, const uint8_t *bin, size_t len)
{
    int              rc, first;
    size_t           pos;
    sc_pgp_packet_t  pkt;

    first = 1;

    for (pos = 0; pos < len; pos += pkt.hdr_len + pkt.body_len) {

        rc = sc_pgp_packet_parse(&pkt, bin + pos, len - pos);

        if (rc != SC_PGP_OK) {
            if (first && rc == SC_PGP_CORRUPT) {
                return sc_pgp_err(ld->err, ld->errlen,
                                  "the key file is not an OpenPGP key; "
                                  "export the key with "
                                  "\"gpg --export-secret-keys --armor "
                                  "<FPR>\"");
            }

            return sc_pgp_err_packet(ld->err, ld->errlen, rc, ld->fpr);
        }

        if (pkt.tag == SC_PGP_TAG_MARKER || pkt.tag == SC_PGP_TAG_TRUST) {
            continue;
        }

        if (first) {
            first = 0;
            rc = sc_pgp_load_primary(ld, &pkt);

        } else {

            switch (pkt.tag) {

            case SC_PGP_TAG_SECKEY:
            case SC_PGP_TAG_PUBKEY:
                return sc_pgp_err(ld->err, ld->errlen,
                                  "the key file holds more than one key; "
                                  "export just the signing key with "
                                  "\"gpg --export-secret-keys --armor %s\"",
                                  ld->fpr);

            case SC_PGP_TAG_SECSUBKEY:
            case SC_PGP_TAG_PUBSUBKEY:
                rc = sc_pgp_load_subkey(ld, &pkt);
                break;

            case SC_PGP_TAG_UID:
            case SC_PGP_TAG_UATTR:
                sc_pgp_subkey_done(ld);
                ld->comp = SC_PGP_COMP_UID;
                rc = sc_pgp_cert_put(ld, pkt.tag, pkt.body, pkt.body_len);
                break;

            case SC_PGP_TAG_SIG:
                rc = sc_pgp_load_sig(ld, &pkt);
                break;

            default:
                return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                          "a key does not hold packets of "
                                          "this type", SC_PGP_CORRUPT,
                                          ld->fpr);
            }
        }

        if (rc != 0) {
            return rc;
        }
    }

    if (first) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key file holds no key; export the key with "
                          "\"gpg --export-secret-keys --armor <FPR>\"");
    }

    sc_pgp_subkey_done(ld);

    return 0;
}


/* the signing key, or why there is none */

static int
sc_pgp_load_choose(sc_pgp_load_t *ld, sc_pgp_keyinfo_t **chosen)
{
    char               date[11], sfpr[41];
    uint32_t           exp;
    const char        *what, *fpr;
    sc_pgp_keyinfo_t  *pri, *best, *ki;

    pri = &ld->primary;
    best = &ld->best;
    fpr = ld->fpr;

    pri->status = sc_pgp_key_status(pri, 0, ld->now);

    if (pri->status == SC_PGP_ST_NONE && !best->present) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key has no Ed25519 signing key (primary key "
                          "is %s%s); add one with "
                          "\"gpg --quick-add-key %s ed25519 sign\" and "
                          SC_PGP_HOWTO_EXPORT,
                          sc_pgp_algo_name(&pri->pub),
                          (pri->pub.ed25519 && pri->has_sig)
                          ? " but may not sign" : "",
                          fpr, fpr);
    }

    if (!pri->has_sig) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the primary key has no self-signature; "
                          SC_PGP_HOWTO_EXPORT, fpr);
    }

    if (pri->revoked) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key %s is revoked; " SC_PGP_HOWTO_NEW, fpr);
    }

    exp = sc_pgp_expires(pri);

    if (exp && ld->now >= exp) {
        sc_pgp_date(date, exp);
        return sc_pgp_err(ld->err, ld->errlen,
                          "the key %s expired on %s; extend it with "
                          "\"gpg --quick-set-expire %s 1y\" and "
                          SC_PGP_HOWTO_EXPORT, fpr, date, fpr, fpr);
    }

    /* the primary key if it is as fit as the fittest subkey */

    if (pri->status != SC_PGP_ST_NONE
        && (!best->present || pri->status >= best->status))
    {
        ki = pri;
        what = "key";

    } else {
        ki = best;
        what = "subkey";
    }

    sc_pgp_fpr_hex(ki->pub.fpr, sfpr);
    sfpr[40] = '\0';

    switch (ki->status) {

    case SC_PGP_ST_OK:
        *chosen = ki;
        return 0;

    /* a primary key that is revoked or expired is refused above */

    case SC_PGP_ST_REVOKED:
        return sc_pgp_err(ld->err, ld->errlen,
                          "the Ed25519 signing subkey %s is revoked; add a "
                          "new one with \"gpg --quick-add-key %s ed25519 "
                          "sign\" and " SC_PGP_HOWTO_EXPORT,
                          sfpr, fpr, fpr);

    case SC_PGP_ST_EXPIRED:
        sc_pgp_date(date, sc_pgp_expires(ki));
        return sc_pgp_err(ld->err, ld->errlen,
                          "the Ed25519 signing subkey %s expired on %s; "
                          "extend it with \"gpg --quick-set-expire %s 1y "
                          "%s\" and " SC_PGP_HOWTO_EXPORT,
                          sfpr, date, fpr, sfpr, fpr);

    case SC_PGP_ST_NOBACKSIG:
        return sc_pgp_err(ld->err, ld->errlen,
                          "the Ed25519 signing subkey %s has no primary key "
                          "binding signature, verifiers reject its "
                          "signatures; add a new one with "
                          "\"gpg --quick-add-key %s ed25519 sign\" and "
                          SC_PGP_HOWTO_EXPORT, sfpr, fpr, fpr);

    case SC_PGP_ST_CARD:
        return sc_pgp_err(ld->err, ld->errlen,
                          "the secret of the Ed25519 signing %s %s is on a "
                          "smartcard, the file holds only a stub; add a "
                          "software signing subkey with "
                          "\"gpg --quick-add-key %s ed25519 sign\" and "
                          SC_PGP_HOWTO_EXPORT, what, sfpr, fpr, fpr);

    case SC_PGP_ST_STUB:
        return sc_pgp_err(ld->err, ld->errlen,
                          "the secret of the Ed25519 signing %s %s is not in "
                          "the file (a GnuPG stub); export the key from the "
                          "keyring that holds the secret with "
                          "\"gpg --export-secret-keys --armor %s\"",
                          what, sfpr, fpr);

    case SC_PGP_ST_PROTECTED:

        /*
         * GnuPG 2.2 exports a key with the passphrase it has in the
         * agent; an empty passphrase set with --passwd (loopback pinentry)
         * makes the agent store, and export, the key unprotected
         */

        return sc_pgp_err(ld->err, ld->errlen,
                          "the secret key is protected by a passphrase; "
                          "export an unprotected copy: "
                          "\"cp -a ~/.gnupg /tmp/k\", "
                          "\"gpg --homedir /tmp/k --pinentry-mode loopback "
                          "--passwd %s\" (give the passphrase, then an "
                          "empty new one), "
                          "\"gpg --homedir /tmp/k --export-secret-keys "
                          "--armor %s\", then delete /tmp/k", fpr, fpr);

    default:
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  "malformed secret key parameters",
                                  SC_PGP_CORRUPT, fpr);
    }
}


static int
sc_pgp_secret_load(sc_pgp_load_t *ld, sc_pgp_key_t *key,
    const sc_pgp_keyinfo_t *ki)
{
    int             rc;
    size_t          n, used, i;
    unsigned        sum;
    const uint8_t  *s;

    /* after S2K usage 0: an MPI and a 2-byte checksum */

    s = ki->pub.body + ki->pub.pub_len + 1;
    n = ki->pub.body_len - ki->pub.pub_len - 1;

    rc = sc_pgp_mpi_get(s, n, &used, key->seed, sizeof(key->seed));

    if (rc != SC_PGP_OK) {
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  (rc == SC_PGP_CORRUPT)
                                  ? "the Ed25519 secret is longer than "
                                    "32 bytes"
                                  : "the secret key packet is cut short",
                                  rc, ld->fpr);
    }

    if (n - used != 2) {
        return sc_pgp_err_corrupt(ld->err, ld->errlen,
                                  (n - used < 2)
                                  ? "the secret key checksum is missing"
                                  : "extra data after the secret key",
                                  SC_PGP_CORRUPT, ld->fpr);
    }

    sum = 0;

    for (i = 0; i < used; i++) {
        sum += s[i];
    }

    if ((sum & 0xffff) != ((unsigned) s[used] << 8 | s[used + 1])) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the secret key checksum is wrong, the key file "
                          "is corrupt; " SC_PGP_HOWTO_EXPORT, ld->fpr);
    }

    crypto_sign_seed_keypair(key->pk, key->sk, key->seed);

    if (memcmp(key->pk, ki->pub.point, 32) != 0) {
        return sc_pgp_err(ld->err, ld->errlen,
                          "the secret key does not match its public key, "
                          "the key file is corrupt; " SC_PGP_HOWTO_EXPORT,
                          ld->fpr);
    }

    return 0;
}


int
sc_pgp_key_load(sc_pgp_key_t *key, const uint8_t *data, size_t len,
    uint8_t *work, uint8_t *cert, size_t *cert_len, uint32_t now,
    char *err, size_t errlen)
{
    size_t             bin_len;
    uint32_t           exp;
    const uint8_t     *bin;
    sc_pgp_load_t      ld;
    sc_pgp_keyinfo_t  *chosen;

    memset(key, 0, sizeof(sc_pgp_key_t));
    memset(&ld, 0, sizeof(sc_pgp_load_t));

    bin = NULL;
    bin_len = 0;
    chosen = NULL;

    if (errlen) {
        err[0] = '\0';
    }

    if (cert_len) {
        *cert_len = 0;
    }

    ld.now = now;
    ld.cert = cert;
    ld.cert_cap = len;
    ld.err = err;
    ld.errlen = errlen;
    memcpy(ld.fpr, "<FPR>", sizeof("<FPR>"));

    if (sc_pgp_load_binary(&ld, data, len, work, &bin, &bin_len) != 0
        || sc_pgp_load_packets(&ld, bin, bin_len) != 0
        || sc_pgp_load_choose(&ld, &chosen) != 0)
    {
        return -1;
    }

    if (sc_pgp_secret_load(&ld, key, chosen) != 0) {
        sc_pgp_key_wipe(key);
        return -1;
    }

    memcpy(key->fpr, chosen->pub.fpr, 20);
    memcpy(key->keyid, chosen->pub.fpr + 12, 8);
    memcpy(key->primary_fpr, ld.primary.pub.fpr, 20);
    key->created = chosen->pub.created;
    key->is_subkey = (chosen != &ld.primary);

    key->expires = sc_pgp_expires(&ld.primary);
    exp = sc_pgp_expires(chosen);

    if (exp && (key->expires == 0 || exp < key->expires)) {
        key->expires = exp;
    }

    if (cert_len) {
        *cert_len = ld.cert_pos;
    }

    return 0;
}


void
sc_pgp_key_wipe(sc_pgp_key_t *key)
{
    sodium_memzero(key, sizeof(sc_pgp_key_t));
}
