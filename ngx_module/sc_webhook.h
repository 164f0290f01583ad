/*
 * Copyright (C) nginx-security-contact developers
 *
 * Delivery of reports to the backend, the pure core: Standard Webhooks
 * secrets and signatures, the payload and the HTTP/1.1 request, an
 * incremental parser of the backend's response head, and the decision
 * what to do after an attempt.  No network code.
 *
 * Plain C99 on libsodium.  No allocation, no global state; sodium_init()
 * must have been called before sc_webhook_secret_parse() and
 * sc_webhook_sign().
 */

#ifndef SC_WEBHOOK_H
#define SC_WEBHOOK_H


#include "sc_core.h"


#define SC_WEBHOOK_HMAC          1
#define SC_WEBHOOK_ED25519       2

/* the largest webhook-signature value: "v1a," and base64 of 64 bytes */
#define SC_WEBHOOK_SIG_MAX       92

/* the longest webhook-id sc_webhook_id_valid() accepts */
#define SC_WEBHOOK_ID_MAX        64

/* a decimal uint64_t */
#define SC_WEBHOOK_TIMESTAMP_MAX 20

#define SC_WEBHOOK_DELIVERED     0
#define SC_WEBHOOK_RETRY         1
#define SC_WEBHOOK_DEAD          2

#define SC_HTTP_AGAIN            0
#define SC_HTTP_DONE             1
#define SC_HTTP_ERROR            -1

/* a response head (interim 1xx heads included) longer than this fails */
#define SC_HTTP_HEAD_MAX         16384

/* room for a Retry-After value; longer ones are not valid anyway */
#define SC_HTTP_VALUE_MAX        64


/*
 * HMAC: key_len bytes of key (1 .. 64).  Ed25519: key is libsodium's
 * 64-byte secret key (seed, then public key) and key_len is 64.
 */

typedef struct {
    int             kind;       /* SC_WEBHOOK_HMAC, SC_WEBHOOK_ED25519 */
    unsigned char   key[64];
    size_t          key_len;
} sc_webhook_secret_t;


typedef struct {
    unsigned        state;
    unsigned        index;      /* in the literal or the digits parsed */
    unsigned        header;     /* the field line being read: 0 none,
                                   1 another field, 2 Retry-After */
    unsigned        value_len;
    unsigned        value_over; /* the value did not fit in value */
    size_t          size;       /* bytes of the head so far, interim
                                   heads included */
    unsigned char   value[SC_HTTP_VALUE_MAX];

    unsigned        version;    /* minor version: 0 or 1 (or up to 9) */
    unsigned        status;     /* of the status line read last: the
                                   final status once DONE; 0 before */
    int64_t         retry_after;    /* seconds from now, or -1: none */
    const char     *error;      /* a static sentence, on SC_HTTP_ERROR */
} sc_http_response_t;


typedef struct {
    int             action;     /* SC_WEBHOOK_DELIVERED, _RETRY, _DEAD */
    uint64_t        wait;       /* seconds before the next attempt */
    const char     *reason;     /* why, for the log: a static phrase */
} sc_webhook_decision_t;


/*
 * A webhook secret, from the text of a secret file (leading and trailing
 * whitespace is ignored):
 *   "whsec_<base64>": an HMAC-SHA256 key of 1 to 64 bytes (Standard
 *       Webhooks asks for 24 to 64 random bytes);
 *   "whsk_<base64>": an Ed25519 secret key: the 32-byte seed, as Standard
 *       Webhooks' libraries write it, or libsodium's 64-byte secret key
 *       (seed and public key, which must match).
 * Base64 is the standard alphabet, padded or not.  Returns 0, or -1 with
 * *err a static sentence saying what is wrong and what a valid secret
 * looks like; on error s holds no key bytes.
 */
int sc_webhook_secret_parse(sc_webhook_secret_t *s, const unsigned char *p,
    size_t len, const char **err);

/* forgets the key (sodium_memzero) */
void sc_webhook_secret_wipe(sc_webhook_secret_t *s);

/*
 * 1 if id is fit for the webhook-id header and the signed content: 1 to
 * SC_WEBHOOK_ID_MAX characters of A-Z a-z 0-9 '_' '-' (no '.', which
 * would make the signed content ambiguous, no CR, LF or spaces).
 */
int sc_webhook_id_valid(const unsigned char *id, size_t len);

/*
 * The webhook-signature header value for id, timestamp (decimal Unix
 * seconds) and body, over "<id>.<timestamp>.<body>": "v1,<base64
 * HMAC-SHA256>" (47 bytes) or "v1a,<base64 Ed25519 signature>" (92
 * bytes).  out needs SC_WEBHOOK_SIG_MAX bytes; no NUL is written.
 * Returns the bytes written, or 0 if s is not a parsed secret.  The body
 * is hashed as it lies, it is never copied.
 */
size_t sc_webhook_sign(unsigned char *out, const sc_webhook_secret_t *s,
    const unsigned char *id, size_t id_len, uint64_t timestamp,
    const unsigned char *body, size_t body_len);

/*
 * The payload:
 *   {"type":"security_report.received","timestamp":"<RFC 3339>",
 *    "data":<record>}
 * on one line, where the timestamp is now (this attempt) in UTC and
 * record is the spool record's JSON as it is; or, for a sealed record
 * (crypto_box_seal bytes), data is {"sealed":"<base64 of the bytes>"}.
 * sc_webhook_payload_len() gives the exact size; sc_webhook_payload()
 * returns the bytes written.  len must be below SIZE_MAX / 2.
 */
size_t sc_webhook_payload_len(const unsigned char *record, size_t len,
    int sealed);
size_t sc_webhook_payload(unsigned char *out, const unsigned char *record,
    size_t len, int sealed, int64_t now);

/*
 * The HTTP/1.1 request:
 *   POST <path> HTTP/1.1
 *   Host: <host>
 *   Content-Type: application/json
 *   Content-Length: <body_len>
 *   webhook-id: <id>
 *   webhook-timestamp: <timestamp>
 *   webhook-signature: <sig>
 *   User-Agent: nginx-security-contact
 *   Connection: close
 * with CRLF line ends, an empty line, then the body; the signature
 * header is left out when sig_len is 0 (a queue without a secret).  The caller checks
 * that path, host and id hold no CR, LF or controls (the id with
 * sc_webhook_id_valid()).  sc_webhook_request_len() gives the exact size:
 * it needs the timestamp because its decimal length varies.
 */
size_t sc_webhook_request_len(size_t path_len, size_t host_len,
    size_t id_len, uint64_t timestamp, size_t sig_len, size_t body_len);
size_t sc_webhook_request(unsigned char *out, const unsigned char *path,
    size_t path_len, const unsigned char *host, size_t host_len,
    const unsigned char *id, size_t id_len, uint64_t timestamp,
    const unsigned char *sig, size_t sig_len, const unsigned char *body,
    size_t body_len);

/*
 * An incremental parser of the backend's response head; the input is
 * hostile.  Status line "HTTP/1.<digit> <3 digits>[ <reason>]", field
 * lines "name: value", an empty line; lines end in CRLF or a bare LF.
 * Interim 1xx heads (but 101) are skipped.  Keeps the final status (100
 * .. 599) and Retry-After: delta-seconds, or an HTTP-date (IMF-fixdate,
 * RFC 850 or asctime form) converted to seconds from now (0 if past); an
 * invalid Retry-After is ignored, the last valid one wins.  Obsolete line
 * folding is read as a space.  A head longer than SC_HTTP_HEAD_MAX is an
 * error.
 *
 * Feed the bytes as they arrive, in any pieces: returns SC_HTTP_AGAIN
 * (more is needed), SC_HTTP_DONE (the head is complete; the body is not
 * read, bytes after the head are ignored) or SC_HTTP_ERROR with r->error
 * set.  Once DONE or ERROR, further calls return the same and change
 * nothing.
 */
void sc_http_response_init(sc_http_response_t *r);
int sc_http_response_feed(sc_http_response_t *r, const unsigned char *p,
    size_t len, int64_t now);

/*
 * What to do after an attempt that got status (0: no answer: connection
 * refused or reset, timeout, a malformed response) and retry_after (-1:
 * none), the attempts made so far counting this one, and the report's
 * age in seconds:
 *   2xx: DELIVERED.
 *   410 Gone: DEAD at once (the backend wants no more).
 *   anything else, when age > max_age (max_age 0: no limit): DEAD.
 *   anything else: RETRY after wait seconds:
 *     backoff = min(2^(attempts - 1), retry_max): 1, 2, 4 ... seconds;
 *     wait = a uniform pick in [backoff / 2, backoff] (equal jitter, so
 *         that retries of many reports spread out but never come
 *         sooner than half the backoff), random being a fraction of
 *         2^32;
 *     for 429, 502, 503 and 504 (Standard Webhooks' "slow down") with
 *         a Retry-After, wait = max(wait, min(retry_after, retry_max)):
 *         never sooner than the backend asked, never later than
 *         retry_max, so a backend that comes back is drained within
 *         retry_max;
 *     wait is at least 1 s (a retry_max below 1 s counts as 1 s).
 */
sc_webhook_decision_t sc_webhook_decide(unsigned status, int64_t retry_after,
    unsigned attempts, uint64_t retry_max, uint64_t age, uint64_t max_age,
    uint32_t random);


#endif /* SC_WEBHOOK_H */
