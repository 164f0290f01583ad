/*
 * Copyright (C) nginx-security-contact developers
 *
 * OpenPGP with Ed25519, the pure core: loading a transferable secret key
 * as GnuPG exports it, making cleartext signatures, ASCII armor.
 *
 * Plain C99 on libsodium (Ed25519, SHA-512) and OpenSSL libcrypto (SHA-1
 * of the v4 fingerprint).  No allocation: callers pass buffers whose
 * capacities are given with each function.  No global state; sodium_init()
 * must have been called before sc_pgp_key_load() or sc_pgp_clearsign().
 */

#ifndef SC_PGP_H
#define SC_PGP_H

#include <stddef.h>
#include <stdint.h>


/* return codes of the lower level functions */
#define SC_PGP_OK              0
#define SC_PGP_ERROR          -1
#define SC_PGP_TRUNCATED      -2   /* a length runs past the end of input */
#define SC_PGP_CORRUPT        -3   /* malformed header, base64, ... */
#define SC_PGP_PARTIAL        -4   /* partial or indeterminate length */
#define SC_PGP_NOARMOR        -5   /* no "-----BEGIN PGP " line */
#define SC_PGP_BADCRC         -6   /* armor CRC-24 mismatch */

/* a good size for the err buffer of sc_pgp_key_load() */
#define SC_PGP_ERRLEN         640

/* bytes of the largest signature packet sc_pgp_clearsign() makes */
#define SC_PGP_SIG_MAX        119


typedef struct {
    uint8_t   seed[32];      /* Ed25519 secret seed of the signing key */
    uint8_t   sk[64];        /* libsodium secret key from the seed */
    uint8_t   pk[32];
    uint8_t   fpr[20];       /* v4 fingerprint of the signing (sub)key */
    uint8_t   keyid[8];      /* last 8 bytes of fpr */
    uint8_t   primary_fpr[20];
    uint32_t  created;       /* signing key creation time */
    uint32_t  expires;       /* absolute unix time at which the signing key
                                stops being usable: min over primary and the
                                chosen subkey of creation + key expiration
                                time subpacket (type 9) from the newest
                                self-signature / binding signature;
                                0 = never */
    unsigned  is_subkey:1;
} sc_pgp_key_t;


typedef struct {
    unsigned        tag;
    unsigned        new_format:1;
    size_t          hdr_len;       /* bytes of the packet header */
    size_t          body_len;
    const uint8_t  *body;          /* points into the parsed input */
} sc_pgp_packet_t;


/*
 * Loads an OpenPGP transferable secret key, armored or binary, as
 * "gpg --export-secret-keys [--armor]" writes it, and picks its Ed25519
 * signing key: the primary key if its newest self-signature allows signing,
 * else the newest usable Ed25519 signing subkey.  Self-signatures are read,
 * not verified: the file is the operator's own key, and verifiers check
 * them anyway.
 *
 * work (capacity >= len) is scratch for dearmoring; it may be NULL if the
 * input is binary.  cert (capacity >= len; may be NULL) receives the binary
 * transferable public key: key packets without their secret parts, user
 * IDs, user attributes and all signatures; its length goes to *cert_len.
 * now is the time against which expiration is checked.
 *
 * Returns 0, or -1 with a one-line message in err (NUL-terminated, at most
 * errlen bytes, SC_PGP_ERRLEN is enough) that says what is wrong and how
 * to make a usable key.  On failure the key is wiped.
 */
int sc_pgp_key_load(sc_pgp_key_t *key, const uint8_t *data, size_t len,
    uint8_t *work, uint8_t *cert, size_t *cert_len, uint32_t now,
    char *err, size_t errlen);

void sc_pgp_key_wipe(sc_pgp_key_t *key);


/*
 * ASCII armor: "-----BEGIN PGP <type>-----\n", an empty line, base64 in
 * lines of 64 characters, "=" and the base64 of the CRC-24,
 * "-----END PGP <type>-----\n".  sc_pgp_armor_len() is exact.
 */
size_t sc_pgp_armor_len(const char *type, size_t len);
size_t sc_pgp_armor(uint8_t *out, const char *type, const uint8_t *data,
    size_t len);
uint32_t sc_pgp_crc24(const uint8_t *data, size_t len);

/*
 * Finds the first "-----BEGIN PGP <type>-----" line, skips armor headers,
 * decodes the base64 into out (capacity >= len) and checks the CRC-24 if
 * there is one.  *type and *type_len give the label ("PRIVATE KEY BLOCK")
 * inside in.  Returns SC_PGP_OK, SC_PGP_NOARMOR, SC_PGP_TRUNCATED (no END
 * line), SC_PGP_CORRUPT or SC_PGP_BADCRC.
 */
int sc_pgp_dearmor(uint8_t *out, size_t *out_len, const uint8_t *in,
    size_t len, const uint8_t **type, size_t *type_len);

/* base64 with padding; the encoder writes 4 * ((len + 2) / 3) bytes */
size_t sc_pgp_base64_encode(uint8_t *out, const uint8_t *in, size_t len);

/*
 * Decodes base64, skipping spaces, tabs, CR and LF; out needs
 * 3 * (len / 4) + 3 bytes at most.  Returns SC_PGP_OK or SC_PGP_CORRUPT.
 */
int sc_pgp_base64_decode(uint8_t *out, size_t *out_len, const uint8_t *in,
    size_t len);


/*
 * Parses one packet header at p (old or new format; 1, 2 and 5 byte new
 * format lengths, 1, 2 and 4 byte old format lengths).  Partial body
 * lengths and the old indeterminate length are refused (SC_PGP_PARTIAL):
 * no key packet uses them.  Returns SC_PGP_OK, SC_PGP_TRUNCATED,
 * SC_PGP_CORRUPT or SC_PGP_PARTIAL.
 */
int sc_pgp_packet_parse(sc_pgp_packet_t *pkt, const uint8_t *p, size_t len);

/*
 * Writes an old format packet header with the shortest length field for
 * tag (1..15) and body_len; returns its size (2, 3 or 5).  out needs 5
 * bytes.
 */
size_t sc_pgp_packet_header(uint8_t *out, unsigned tag, size_t body_len);

/*
 * MPIs: sc_pgp_mpi_put() writes the 2-byte bit count and the number
 * without its leading zero bytes (out needs len + 2 bytes) and returns the
 * bytes written.  sc_pgp_mpi_get() reads an MPI from p into out, padded on
 * the left with zeros to outlen bytes, and sets *used to its size; it
 * returns SC_PGP_OK, SC_PGP_TRUNCATED or SC_PGP_CORRUPT (larger than
 * outlen).
 */
size_t sc_pgp_mpi_put(uint8_t *out, const uint8_t *num, size_t len);
int sc_pgp_mpi_get(const uint8_t *p, size_t len, size_t *used, uint8_t *out,
    size_t outlen);


/*
 * The text that a cleartext signature signs: each LF-terminated line
 * without its trailing spaces, tabs and CRs, lines joined by CRLF, no line
 * ending after the last line (a text not ending in LF has its last line
 * counted all the same).  out needs 2 * len bytes at most.  Returns the
 * bytes written.
 */
size_t sc_pgp_canonical_text(uint8_t *out, const uint8_t *text, size_t len);

/*
 * Cleartext signature (RFC 4880 section 7) of text, with a v4 Ed25519
 * signature of type 0x01 over SHA-512, created at "created", subpackets:
 * creation time and issuer fingerprint (hashed), issuer key ID (unhashed).
 * Lines of the text starting with '-' are dash-escaped; a text that does
 * not end in LF gets one.  Deterministic.  Returns the bytes written, or 0
 * if cap is smaller than needed; sc_pgp_clearsign_len() is an upper bound.
 */
size_t sc_pgp_clearsign_len(size_t text_len);
size_t sc_pgp_clearsign(uint8_t *out, size_t cap, const uint8_t *text,
    size_t len, const sc_pgp_key_t *key, uint32_t created);

/* the bare v4 signature packet (at most SC_PGP_SIG_MAX bytes) */
size_t sc_pgp_sign_text(uint8_t *out, const uint8_t *text, size_t len,
    const sc_pgp_key_t *key, uint32_t created);


/* uppercase hex of the fingerprint, 40 characters, no NUL */
void sc_pgp_fpr_hex(const uint8_t fpr[20], char out[40]);


#endif /* SC_PGP_H */
