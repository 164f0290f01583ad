/*
 * Copyright (C) nginx-security-contact developers
 *
 * Report intake, the pure core: receipt IDs (ULID), the stateless token
 * of the report form, and the text of a receipt.
 *
 * Plain C99 on libsodium.  No allocation, no global state; sodium_init()
 * must have been called before sc_ulid(), sc_token_make() and
 * sc_token_check().
 */

#ifndef SC_RECEIPT_H
#define SC_RECEIPT_H


#include "sc_core.h"


#define SC_ULID_LEN            26
#define SC_ULID_TIME_MAX       0xffffffffffffULL      /* 48 bits of ms */

/* characters of a form token (base64url of 40 bytes, no padding) */
#define SC_TOKEN_LEN           54
/* room sc_token_make() needs: the token and a NUL */
#define SC_TOKEN_SIZE          64

/* results of sc_token_check() besides 0 */
#define SC_TOKEN_MALFORMED     1      /* not 54 base64url characters */
#define SC_TOKEN_FORGED        2      /* the tag does not match */
#define SC_TOKEN_TOO_NEW       3      /* younger than min_age, or future */
#define SC_TOKEN_TOO_OLD       4      /* older than max_age */


/* one ULID generator: zeroed before first use, kept by the caller */

typedef struct {
    uint64_t        last_ms;
    unsigned char   last_rand[10];
} sc_ulid_state_t;


/*
 * A ULID (github.com/ulid/spec): 48-bit milliseconds since the Unix epoch
 * (capped at SC_ULID_TIME_MAX), then 80 random bits, as 26 characters of
 * Crockford's base32, uppercase; not NUL-terminated.
 *
 * IDs of one generator are strictly increasing: when now_ms is not later
 * than the previous ID's time (the same millisecond, or a clock that went
 * backwards), the previous ID's random part is incremented instead of
 * drawn; should it overflow, the carry goes into the time, which then runs
 * up to a millisecond ahead of the clock rather than failing.
 */
void sc_ulid(sc_ulid_state_t *st, uint64_t now_ms, char out[SC_ULID_LEN]);

/*
 * 1 if p is a ULID as sc_ulid() writes it: 26 characters of the canonical
 * uppercase alphabet (no I, L, O, U, no lowercase), the first at most '7'
 * (128 bits).  The strict form keeps one name per ID in spool file names.
 */
int sc_ulid_valid(const unsigned char *p, size_t len);

/* the milliseconds of a valid ULID */
uint64_t sc_ulid_time(const unsigned char *p);

/*
 * The form token: base64url without padding (SC_TOKEN_LEN characters) of
 * the issue time (seconds, 8 bytes big-endian) followed by the 32-byte
 * crypto_auth (HMAC-SHA-512-256) tag of that time followed by ctx (ctx may
 * be NULL when ctxlen is 0), under a 32-byte key.  Writes the token and a
 * NUL to out (SC_TOKEN_SIZE bytes), returns SC_TOKEN_LEN.
 */
size_t sc_token_make(char *out, const unsigned char key[32], uint64_t now,
    const unsigned char *ctx, size_t ctxlen);

/*
 * 0 if tok is a token sc_token_make() made with this key and ctx, issued
 * min_age .. max_age seconds before now (bounds included); otherwise
 * SC_TOKEN_MALFORMED, SC_TOKEN_FORGED (checked before the time, in
 * constant time), SC_TOKEN_TOO_NEW or SC_TOKEN_TOO_OLD.
 */
int sc_token_check(const unsigned char *tok, size_t len,
    const unsigned char key[32], uint64_t now, uint64_t min_age,
    uint64_t max_age, const unsigned char *ctx, size_t ctxlen);

/*
 * The receipt, to be clear-signed by the caller.  LF line endings, ending
 * in LF:
 *
 *   Security report receipt
 *   Receipt-ID: 01KB0Z5Q6P8C3X2R7M9N4T1V5W
 *   Received: 2026-11-25T12:34:56Z
 *   Site: example.org
 *   Submission-SHA256: <64 lowercase hex digits>
 *
 *   <note>
 *
 * The fields end at the blank line, as in a mail header; the blank line
 * and the note are left out when note_len is 0, and an LF is added after a
 * note that does not end in one.  The note is the caller's (UTF-8, LF
 * lines).  Control characters and spaces in the site, which could forge a
 * line or be stripped by the clear-signing, are written as '?'.
 *
 * sc_receipt_text_len() is the room out needs; sc_receipt_text() returns
 * the bytes written, at most that.
 */
size_t sc_receipt_text_len(size_t site_len, size_t note_len);
size_t sc_receipt_text(unsigned char *out, const char id[SC_ULID_LEN],
    uint64_t received_unix, const unsigned char *site, size_t site_len,
    const unsigned char sha256[32], const unsigned char *note,
    size_t note_len);


#endif /* SC_RECEIPT_H */
