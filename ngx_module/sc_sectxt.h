/*
 * Copyright (C) nginx-security-contact developers
 *
 * security.txt (RFC 9116): field rules, rendering, and the date-time
 * arithmetic of renewal.  Pure core: no nginx headers.
 */

#ifndef SC_SECTXT_H
#define SC_SECTXT_H


#include <time.h>

#include "sc_core.h"


/* the fields in the order a rendered file has them */

typedef enum {
    SC_FIELD_COMMENT = 0,
    SC_FIELD_CONTACT,
    SC_FIELD_EXPIRES,
    SC_FIELD_ENCRYPTION,
    SC_FIELD_ACKNOWLEDGMENTS,
    SC_FIELD_PREFERRED_LANGUAGES,
    SC_FIELD_CANONICAL,
    SC_FIELD_POLICY,
    SC_FIELD_HIRING,
    SC_FIELD_CSAF,
    SC_FIELD_EXTENSION,
    SC_FIELD_MAX
} sc_field_kind_t;


typedef struct {
    sc_field_kind_t   kind;
    sc_str_t          name;      /* SC_FIELD_EXTENSION only */
    sc_str_t          value;
} sc_field_t;


/* RFC 9116 section 5.4: limits a reader may enforce */
#define SC_SECTXT_MAX_SIZE        32768
#define SC_SECTXT_MAX_LINES       1000
#define SC_SECTXT_MAX_LINE        2048

#define SC_RFC3339_LEN            20          /* 2026-11-25T00:00:00Z */
#define SC_MAX_WINDOW             (366 * 86400)


/*
 * Each check returns NULL when the value is acceptable, otherwise a static
 * sentence naming the rule it breaks, suitable for an error log line.
 */

const char *sc_sectxt_check_uri(const unsigned char *p, size_t len);
const char *sc_sectxt_check_csaf(const unsigned char *p, size_t len);
const char *sc_sectxt_check_language(const unsigned char *p, size_t len);
const char *sc_sectxt_check_languages(const unsigned char *p, size_t len);
const char *sc_sectxt_check_text(const unsigned char *p, size_t len);
const char *sc_sectxt_check_field_name(const unsigned char *p, size_t len);
const char *sc_sectxt_check_field(const sc_field_t *f);

/* a host name (letters, digits, "-" in dot-separated labels), an IPv4
 * address, or an IPv6 literal in brackets: what may follow "https://" */
const char *sc_sectxt_check_host(const unsigned char *p, size_t len);

/*
 * Checks a whole set of fields as it is about to be rendered: every value,
 * then the cardinality rules (at least one Contact, exactly one Expires, at
 * most one Preferred-Languages) and the size limits.  On failure *bad is
 * the index of the offending field, or n for a rule of the whole file.
 */
const char *sc_sectxt_check_all(const sc_field_t *fields, size_t n,
    size_t *bad);

const char *sc_sectxt_field_name(sc_field_kind_t kind);
int sc_sectxt_is_reserved_name(const unsigned char *p, size_t len);

size_t sc_sectxt_render_len(const sc_field_t *fields, size_t n);
unsigned char *sc_sectxt_render(unsigned char *out, const sc_field_t *fields,
    size_t n);

/*
 * Copies a value for a log line with control characters, bytes over 0x7e,
 * quotes and backslashes written as \xHH, so that a value cannot forge
 * log lines and the line stays ASCII.
 * out needs room for 4 * len bytes; returns the end.
 */
unsigned char *sc_escape_log(unsigned char *out, const unsigned char *p,
    size_t len);

/* "YYYY-MM-DDTHH:MM:SSZ", exactly SC_RFC3339_LEN bytes, no NUL */
unsigned char *sc_rfc3339(unsigned char *out, int64_t t);

/* a calendar date "YYYY-MM-DD" to the Unix time of its 00:00:00 UTC */
int sc_parse_date(const unsigned char *p, size_t len, int64_t *t);

int64_t sc_days_from_civil(int64_t y, unsigned m, unsigned d);

/* floor(now / interval) * interval, for any now, interval > 0 */
int64_t sc_renewal_boundary(int64_t now, int64_t interval);


#endif /* SC_SECTXT_H */
