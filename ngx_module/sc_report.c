/*
 * Copyright (C) nginx-security-contact developers
 *
 * The vulnerability report: intake from form fields and JSON, validation,
 * the canonical JSON and its digest, and the JSON list of errors.  Pure
 * core.
 */


#include <string.h>

#include <sodium.h>

#include "sc_report.h"
#include "sc_sectxt.h"


#define SC_REPORT_REQUIRED      0x01
#define SC_REPORT_MULTILINE     0x02

#define SC_REPORT_SEEN_SHARE    ((uint32_t) 1 << SC_REPORT_NFIELDS)
#define SC_REPORT_SEEN_CREDIT   ((uint32_t) 1 << (SC_REPORT_NFIELDS + 1))

#define sc_report_lower(c)  (unsigned char) (((c) >= 'A' && (c) <= 'Z')      \
                                             ? (c) | 0x20 : (c))
#define sc_report_is_alpha(c)  (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define sc_report_is_digit(c)  ((c) >= '0' && (c) <= '9')
#define sc_report_is_alnum(c)  (sc_report_is_alpha(c)                       \
                                || sc_report_is_digit(c))
#define sc_report_is_hex(c)    (sc_report_is_digit(c)                       \
                                || (((c) | 0x20) >= 'a'                     \
                                    && ((c) | 0x20) <= 'f'))


typedef struct {
    const char    *name;
    size_t         max;
    unsigned       flags;
    const char    *too_long;
} sc_report_field_info_t;


static const sc_report_field_info_t  sc_report_fields[SC_REPORT_NFIELDS] = {
    { "title", 200, SC_REPORT_REQUIRED,
      "the title is longer than 200 bytes" },
    { "target_url", 2048, SC_REPORT_REQUIRED,
      "the URL is longer than 2048 bytes" },
    { "vulnerability_type", 200, 0,
      "the vulnerability type is longer than 200 bytes" },
    { "description", 65536, SC_REPORT_REQUIRED | SC_REPORT_MULTILINE,
      "the description is longer than 65536 bytes" },
    { "steps_to_reproduce", 65536, SC_REPORT_MULTILINE,
      "the steps to reproduce are longer than 65536 bytes" },
    { "impact", 16384, SC_REPORT_MULTILINE,
      "the impact is longer than 16384 bytes" },
    { "severity", 8, 0,
      "the severity must be low, medium, high or critical" },
    { "cvss_vector", 256, 0,
      "the CVSS vector is longer than 256 bytes" },
    { "reporter_name", 200, 0,
      "the name is longer than 200 bytes" },
    { "reporter_email", 254, 0,
      "the email address is longer than 254 bytes" },
    { "reporter_pgp_key", 65536, SC_REPORT_MULTILINE,
      "the PGP key is longer than 65536 bytes" },
    { "disclosure_plan", 16384, SC_REPORT_MULTILINE,
      "the disclosure plan is longer than 16384 bytes" },
    { "already_reported_to", 2000, 0,
      "the list of places already reported to is longer than 2000 bytes" },
    { "language", 35, 0,
      "the language tag is longer than 35 bytes" }
};


/* CVSS metrics: name and the values allowed, each followed by ',' */

typedef struct {
    const char    *name;
    const char    *values;
} sc_report_cvss_metric_t;


/* CVSS v3.0 and v3.1 specification, section 6: base metrics first */

static const sc_report_cvss_metric_t  sc_report_cvss3[] = {
    { "AV", "N,A,L,P," },
    { "AC", "L,H," },
    { "PR", "N,L,H," },
    { "UI", "N,R," },
    { "S", "U,C," },
    { "C", "H,L,N," },
    { "I", "H,L,N," },
    { "A", "H,L,N," },
    { "E", "X,H,F,P,U," },
    { "RL", "X,U,W,T,O," },
    { "RC", "X,C,R,U," },
    { "CR", "X,H,M,L," },
    { "IR", "X,H,M,L," },
    { "AR", "X,H,M,L," },
    { "MAV", "X,N,A,L,P," },
    { "MAC", "X,L,H," },
    { "MPR", "X,N,L,H," },
    { "MUI", "X,N,R," },
    { "MS", "X,U,C," },
    { "MC", "X,H,L,N," },
    { "MI", "X,H,L,N," },
    { "MA", "X,H,L,N," },
    { NULL, NULL }
};

#define SC_REPORT_CVSS3_BASE  8


/* CVSS v4.0 specification, section 7: base metrics first */

static const sc_report_cvss_metric_t  sc_report_cvss4[] = {
    { "AV", "N,A,L,P," },
    { "AC", "L,H," },
    { "AT", "N,P," },
    { "PR", "N,L,H," },
    { "UI", "N,P,A," },
    { "VC", "H,L,N," },
    { "VI", "H,L,N," },
    { "VA", "H,L,N," },
    { "SC", "H,L,N," },
    { "SI", "H,L,N," },
    { "SA", "H,L,N," },
    { "E", "X,A,P,U," },
    { "CR", "X,H,M,L," },
    { "IR", "X,H,M,L," },
    { "AR", "X,H,M,L," },
    { "MAV", "X,N,A,L,P," },
    { "MAC", "X,L,H," },
    { "MAT", "X,N,P," },
    { "MPR", "X,N,L,H," },
    { "MUI", "X,N,P,A," },
    { "MVC", "X,H,L,N," },
    { "MVI", "X,H,L,N," },
    { "MVA", "X,H,L,N," },
    { "MSC", "X,H,L,N," },
    { "MSI", "X,S,H,L,N," },
    { "MSA", "X,S,H,L,N," },
    { "S", "X,N,P," },
    { "AU", "X,N,Y," },
    { "R", "X,A,U,I," },
    { "V", "X,D,C," },
    { "RE", "X,L,M,H," },
    { "U", "X,Clear,Green,Amber,Red," },
    { NULL, NULL }
};

#define SC_REPORT_CVSS4_BASE  11


/* where the canonical JSON and the errors JSON go: out NULL counts */

typedef struct {
    unsigned char  *out;
    size_t          n;
} sc_report_buf_t;


static sc_report_error_t *sc_report_add(sc_report_error_t *errs,
    size_t cap, size_t *nerrs, const char *field, const char *code,
    const char *message);
static int sc_report_caseeq(const unsigned char *p, size_t len,
    const char *s);
static int sc_report_in_list(const char *list, const unsigned char *p,
    size_t len);
static int sc_report_set_text(sc_report_t *r, sc_report_field_t f,
    const unsigned char *value, size_t len, sc_report_error_t *errs,
    size_t cap, size_t *nerrs);
static int sc_report_set_bool(sc_report_t *r, const char *name, int value,
    sc_report_error_t *errs, size_t cap, size_t *nerrs);
static int sc_report_json_member(sc_report_t *r, const char *outer,
    const sc_json_token_t *key, const sc_json_token_t *value,
    sc_report_error_t *errs, size_t cap, size_t *nerrs);
static const char *sc_report_check_text(const unsigned char *p, size_t len,
    int multiline, const char **message);
static const char *sc_report_check_url(const unsigned char *p, size_t len);
static const char *sc_report_check_email(const unsigned char *p,
    size_t len);
static const char *sc_report_check_pgp_key(const unsigned char *p,
    size_t len);
static const char *sc_report_check_cvss(const unsigned char *p, size_t len);
static const char *sc_report_check_vulnerability_type(
    const unsigned char *p, size_t len);
static void sc_report_check_field(const sc_report_t *r,
    sc_report_field_t f, sc_report_error_t *errs, size_t cap, size_t *n);
static void sc_report_check_attachment(const sc_report_attachment_t *a,
    sc_report_error_t *errs, size_t cap, size_t *n);
static void sc_report_put(sc_report_buf_t *b, const void *p, size_t len);
static void sc_report_put_esc(sc_report_buf_t *b, const unsigned char *p,
    size_t len);
static void sc_report_put_str(sc_report_buf_t *b, const unsigned char *p,
    size_t len);
static void sc_report_put_echo(sc_report_buf_t *b, const sc_str_t *name);
static void sc_report_put_uint(sc_report_buf_t *b, uint64_t v);
static void sc_report_put_base64(sc_report_buf_t *b, const unsigned char *p,
    size_t len);
static void sc_report_write(sc_report_buf_t *b, const sc_report_t *r);
static void sc_report_write_errors(sc_report_buf_t *b,
    const sc_report_error_t *e, size_t n);


void
sc_report_init(sc_report_t *r)
{
    size_t  i;

    for (i = 0; i < SC_REPORT_NFIELDS; i++) {
        r->text[i].data = NULL;
        r->text[i].len = 0;
    }

    r->share_contact = -1;
    r->credit = -1;
    r->attachments = NULL;
    r->nattachments = 0;
    r->seen = 0;
    r->failed = 0;
}


const char *
sc_report_field_name(sc_report_field_t f)
{
    if ((unsigned) f >= SC_REPORT_NFIELDS) {
        return NULL;
    }

    return sc_report_fields[f].name;
}


size_t
sc_report_field_max(sc_report_field_t f)
{
    if ((unsigned) f >= SC_REPORT_NFIELDS) {
        return 0;
    }

    return sc_report_fields[f].max;
}


int
sc_report_field_lookup(const unsigned char *name, size_t len)
{
    int  f;

    for (f = 0; f < SC_REPORT_NFIELDS; f++) {
        if (strlen(sc_report_fields[f].name) == len
            && memcmp(sc_report_fields[f].name, name, len) == 0)
        {
            return f;
        }
    }

    return -1;
}


static sc_report_error_t *
sc_report_add(sc_report_error_t *errs, size_t cap, size_t *nerrs,
    const char *field, const char *code, const char *message)
{
    sc_report_error_t  *e;

    if (*nerrs >= cap) {
        return NULL;
    }

    e = &errs[(*nerrs)++];

    e->field = field;
    e->code = code;
    e->message = message;
    e->name.data = NULL;
    e->name.len = 0;

    return e;
}


static int
sc_report_caseeq(const unsigned char *p, size_t len, const char *s)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '\0'
            || sc_report_lower(p[i]) != sc_report_lower((unsigned char) s[i]))
        {
            return 0;
        }
    }

    return s[len] == '\0';
}


/* whether p is one of the ','-terminated words of list, case-sensitive */

static int
sc_report_in_list(const char *list, const unsigned char *p, size_t len)
{
    const char  *w, *comma;

    for (w = list; *w; w = comma + 1) {
        comma = strchr(w, ',');

        if ((size_t) (comma - w) == len && memcmp(w, p, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
sc_report_set_text(sc_report_t *r, sc_report_field_t f,
    const unsigned char *value, size_t len, sc_report_error_t *errs,
    size_t cap, size_t *nerrs)
{
    if (r->seen & ((uint32_t) 1 << f)) {
        sc_report_add(errs, cap, nerrs, sc_report_fields[f].name,
                      "duplicate", "the field is given more than once");
        return -1;
    }

    r->seen |= (uint32_t) 1 << f;
    r->text[f].data = value;
    r->text[f].len = len;

    return 0;
}


/* value: 1, 0, or -2 for a value that is not a boolean */

static int
sc_report_set_bool(sc_report_t *r, const char *name, int value,
    sc_report_error_t *errs, size_t cap, size_t *nerrs)
{
    int       *dst;
    uint32_t   bit;

    if (name[0] == 's') {
        dst = &r->share_contact;
        bit = SC_REPORT_SEEN_SHARE;

    } else {
        dst = &r->credit;
        bit = SC_REPORT_SEEN_CREDIT;
    }

    if (r->seen & bit) {
        sc_report_add(errs, cap, nerrs, name, "duplicate",
                      "the field is given more than once");
        return -1;
    }

    r->seen |= bit;

    if (value == -2) {
        sc_report_add(errs, cap, nerrs, name, "invalid_boolean",
                      "the value must be one of on, true, 1, yes for yes, "
                      "or off, false, 0, no or empty for no");
        return -1;
    }

    *dst = value;

    return 0;
}


int
sc_report_set(sc_report_t *r, const unsigned char *name, size_t nlen,
    const unsigned char *value, size_t vlen, const char *const *ignore,
    sc_report_error_t *errs, size_t cap, size_t *nerrs)
{
    int                 f, b;
    const char         *bname;
    const char *const  *ig;
    sc_report_error_t  *e;

    static const char  *yes[] = { "on", "true", "1", "yes", NULL };
    static const char  *no[] = { "off", "false", "0", "no", "", NULL };

    f = sc_report_field_lookup(name, nlen);

    if (f >= 0) {
        return sc_report_set_text(r, (sc_report_field_t) f, value, vlen,
                                  errs, cap, nerrs);
    }

    bname = NULL;

    if (nlen == sizeof("share_contact") - 1
        && memcmp(name, "share_contact", nlen) == 0)
    {
        bname = "share_contact";

    } else if (nlen == sizeof("credit") - 1
               && memcmp(name, "credit", nlen) == 0)
    {
        bname = "credit";
    }

    if (bname) {
        b = -2;

        for (f = 0; yes[f]; f++) {
            if (sc_report_caseeq(value, vlen, yes[f])) {
                b = 1;
            }
        }

        for (f = 0; no[f]; f++) {
            if (sc_report_caseeq(value, vlen, no[f])) {
                b = 0;
            }
        }

        return sc_report_set_bool(r, bname, b, errs, cap, nerrs);
    }

    for (ig = ignore; ig && *ig; ig++) {
        if (strlen(*ig) == nlen
            && (nlen == 0 || memcmp(*ig, name, nlen) == 0))
        {
            return 0;
        }
    }

    e = sc_report_add(errs, cap, nerrs, NULL, "unknown_field",
                      "the form has no field of this name");
    if (e) {
        e->name.data = name;
        e->name.len = nlen;
    }

    return -1;
}


/* one member of the report object, or of "reporter" when outer is set */

static int
sc_report_json_member(sc_report_t *r, const char *outer,
    const sc_json_token_t *key, const sc_json_token_t *value,
    sc_report_error_t *errs, size_t cap, size_t *nerrs)
{
    int                 f;
    const char         *bname;
    sc_report_error_t  *e;

    f = -1;
    bname = NULL;

    if (outer) {
        if (sc_json_eq(key, "name")) {
            f = SC_REPORT_REPORTER_NAME;

        } else if (sc_json_eq(key, "email")) {
            f = SC_REPORT_REPORTER_EMAIL;

        } else if (sc_json_eq(key, "pgp_key")) {
            f = SC_REPORT_REPORTER_PGP_KEY;
        }

    } else if (sc_json_eq(key, "share_contact")) {
        bname = "share_contact";

    } else if (sc_json_eq(key, "credit")) {
        bname = "credit";

    } else {
        f = sc_report_field_lookup(key->str.data, key->str.len);
    }

    if (f < 0 && bname == NULL) {
        e = sc_report_add(errs, cap, nerrs, outer, "unknown_field",
                          "a report has no member of this name");
        if (e) {
            e->name = key->str;
        }

        return -1;
    }

    if (value->type == SC_JSON_NULL) {
        return 0;
    }

    if (bname) {
        if (value->type != SC_JSON_TRUE && value->type != SC_JSON_FALSE) {
            sc_report_add(errs, cap, nerrs, bname, "type",
                          "the value must be true or false");
            return -1;
        }

        return sc_report_set_bool(r, bname, value->type == SC_JSON_TRUE,
                                  errs, cap, nerrs);
    }

    if (value->type != SC_JSON_STRING) {
        r->failed |= (uint32_t) 1 << f;
        sc_report_add(errs, cap, nerrs, sc_report_fields[f].name, "type",
                      "the value must be a string");
        return -1;
    }

    return sc_report_set_text(r, (sc_report_field_t) f, value->str.data,
                              value->str.len, errs, cap, nerrs);
}


int
sc_report_from_json(sc_report_t *r, const sc_json_token_t *toks,
    size_t ntoks, sc_report_error_t *errs, size_t cap, size_t *nerrs)
{
    int        rc;
    size_t     i, j, end, rend;

    if (ntoks == 0 || toks[0].type != SC_JSON_OBJECT) {
        sc_report_add(errs, cap, nerrs, NULL, "type",
                      "the report must be a JSON object");
        return -1;
    }

    rc = 0;
    end = toks[0].end < ntoks ? toks[0].end : ntoks;

    for (i = 1; i + 1 < end; i = toks[i + 1].end) {

        if (toks[i + 1].end <= i + 1) {
            break;
        }

        if (!sc_json_eq(&toks[i], "reporter")) {
            if (sc_report_json_member(r, NULL, &toks[i], &toks[i + 1],
                                      errs, cap, nerrs)
                != 0)
            {
                rc = -1;
            }

            continue;
        }

        if (toks[i + 1].type == SC_JSON_NULL) {
            continue;
        }

        if (toks[i + 1].type != SC_JSON_OBJECT) {
            r->failed |= (uint32_t) 1 << SC_REPORT_REPORTER_NAME
                         | (uint32_t) 1 << SC_REPORT_REPORTER_EMAIL
                         | (uint32_t) 1 << SC_REPORT_REPORTER_PGP_KEY;
            sc_report_add(errs, cap, nerrs, "reporter", "type",
                          "the value must be an object with name, email "
                          "and pgp_key");
            rc = -1;
            continue;
        }

        rend = toks[i + 1].end < end ? toks[i + 1].end : end;

        for (j = i + 2; j + 1 < rend; j = toks[j + 1].end) {

            if (toks[j + 1].end <= j + 1) {
                break;
            }

            if (sc_report_json_member(r, "reporter", &toks[j], &toks[j + 1],
                                      errs, cap, nerrs)
                != 0)
            {
                rc = -1;
            }
        }
    }

    return rc;
}


/*
 * UTF-8 without control characters (C0, DEL, C1); multi-line text may
 * hold TAB, CR and LF.  Returns the error code, or NULL.
 */

static const char *
sc_report_check_text(const unsigned char *p, size_t len, int multiline,
    const char **message)
{
    size_t         i, n;
    uint32_t       cp;
    unsigned char  c;

    for (i = 0; i < len; i += n) {
        c = p[i];
        n = 1;

        if (c < 0x20 || c == 0x7f) {
            if (multiline && (c == '\t' || c == '\r' || c == '\n')) {
                continue;
            }

            *message = multiline
                       ? "the text holds a control character other than "
                         "TAB, CR or LF"
                       : "the value holds a control character or a line "
                         "break";
            return "control_char";
        }

        if (c < 0x80) {
            continue;
        }

        n = sc_json_utf8_char(p + i, len - i, &cp);

        if (n == 0) {
            *message = "the text is not valid UTF-8";
            return "invalid_utf8";
        }

        if (cp <= 0x9f) {
            *message = "the text holds a control character (U+0080 to "
                       "U+009F)";
            return "control_char";
        }
    }

    return NULL;
}


/* RFC 3986 unreserved and sub-delims; non-ASCII for IRIs (RFC 3987),
 * whose UTF-8 sc_report_check_text() has checked */

static int
sc_report_uri_char(unsigned char c)
{
    return sc_report_is_alnum(c) || c >= 0x80
           || (c != '\0' && strchr("-._~!$&'()*+,;=", c) != NULL);
}


static int
sc_report_pct(const unsigned char *p, size_t len, size_t i)
{
    return p[i] == '%' && len - i > 2 && sc_report_is_hex(p[i + 1])
           && sc_report_is_hex(p[i + 2]);
}


static const char *
sc_report_check_url(const unsigned char *p, size_t len)
{
    size_t    i, auth, auth_end, host, port;
    int       fragment;

    if (len >= 7 && sc_report_caseeq(p, 7, "http://")) {
        i = 7;

    } else if (len >= 8 && sc_report_caseeq(p, 8, "https://")) {
        i = 8;

    } else {
        return "the URL must be absolute and begin with http:// or "
               "https://";
    }

    auth = i;

    while (i < len && p[i] != '/' && p[i] != '?' && p[i] != '#') {
        i++;
    }

    auth_end = i;

    /* userinfo, up to the last "@" */

    host = auth;

    for (i = auth; i < auth_end; i++) {
        if (p[i] == '@') {
            host = i + 1;
        }
    }

    for (i = auth; i + 1 < host; i++) {
        if (sc_report_pct(p, len, i)) {
            i += 2;
            continue;
        }

        if (!sc_report_uri_char(p[i]) && p[i] != ':') {
            return "the user information in the URL holds a character "
                   "that must be percent-encoded";
        }
    }

    i = host;

    if (i < auth_end && p[i] == '[') {
        for (i++; i < auth_end && p[i] != ']'; i++) {
            if (!sc_report_is_hex(p[i]) && p[i] != ':' && p[i] != '.') {
                return "the IPv6 address in the URL is not well-formed";
            }
        }

        if (i == auth_end || i == host + 1) {
            return "the IPv6 address in the URL is not well-formed";
        }

        i++;

    } else {
        for ( /* void */ ; i < auth_end && p[i] != ':'; i++) {
            if (sc_report_pct(p, len, i)) {
                i += 2;
                continue;
            }

            if (!sc_report_uri_char(p[i])) {
                return "the host name in the URL holds a character that "
                       "a host name cannot have";
            }
        }

        if (i == host) {
            return "the URL names no host";
        }
    }

    if (i < auth_end) {
        if (p[i] != ':') {
            return "the URL has something after the host that is not a "
                   "port";
        }

        port = 0;

        for (i++; i < auth_end; i++) {
            if (!sc_report_is_digit(p[i])) {
                return "the port in the URL must be a number";
            }

            port = port * 10 + (size_t) (p[i] - '0');

            if (port > 65535) {
                return "the port in the URL is larger than 65535";
            }
        }
    }

    fragment = 0;

    for (i = auth_end; i < len; i++) {
        if (p[i] == '#') {
            if (fragment) {
                return "the URL holds a second \"#\"";
            }

            fragment = 1;
            continue;
        }

        if (p[i] == '%') {
            if (!sc_report_pct(p, len, i)) {
                return "a \"%\" in the URL must start a percent-encoded "
                       "octet such as %20";
            }

            i += 2;
            continue;
        }

        if (!sc_report_uri_char(p[i]) && p[i] != ':' && p[i] != '@'
            && p[i] != '/' && p[i] != '?')
        {
            return "the URL holds a character that must be "
                   "percent-encoded, such as a space, a quote or a bracket";
        }
    }

    return NULL;
}


static const char *
sc_report_check_email(const unsigned char *p, size_t len)
{
    size_t         i, at, label;
    unsigned char  c;

    static const char  *bad_local = "the part of the email address before "
                                    "\"@\" is not well-formed";
    static const char  *bad_domain = "the domain of the email address is "
                                     "not well-formed";

    at = len;

    for (i = 0; i < len; i++) {
        if (p[i] == '@') {
            at = i;
        }
    }

    if (at == len) {
        return "the email address has no \"@\"";
    }

    if (at == 0 || at > 64) {
        return bad_local;
    }

    for (i = 0; i < at; i++) {
        c = p[i];

        if (c == '.') {
            if (i == 0 || i + 1 == at || p[i + 1] == '.') {
                return bad_local;
            }

            continue;
        }

        if (!sc_report_is_alnum(c) && c < 0x80
            && strchr("!#$%&'*+-/=?^_`{|}~", c) == NULL)
        {
            return bad_local;
        }
    }

    if (len - at - 1 == 0 || len - at - 1 > 253) {
        return bad_domain;
    }

    label = 0;

    for (i = at + 1; i <= len; i++) {
        if (i == len || p[i] == '.') {
            if (label == 0 || label > 63 || p[i - 1] == '-') {
                return bad_domain;
            }

            if (i == len) {
                break;
            }

            label = 0;
            continue;
        }

        c = p[i];

        if (!sc_report_is_alnum(c) && c < 0x80 && c != '-') {
            return bad_domain;
        }

        if (c == '-' && label == 0) {
            return bad_domain;
        }

        label++;
    }

    if (memchr(p + at + 1, '.', len - at - 1) == NULL) {
        return "the domain of the email address must have a dot, as in "
               "example.org";
    }

    return NULL;
}


/*
 * An ASCII-armored public key block (RFC 4880 section 6.2: armor header
 * lines, a blank line, base64 lines, the "=" checksum line), or a v4 or
 * v5/v6 fingerprint of 40 or 64 hex digits, optionally after "0x" and
 * with spaces as GnuPG prints it.  The armor's contents are not decoded.
 */

static const char *
sc_report_check_pgp_key(const unsigned char *p, size_t len)
{
    size_t         i, s, e, lines, digits;
    int            in_body;
    unsigned char  c;

    static const char  begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    static const char  end[] = "-----END PGP PUBLIC KEY BLOCK-----";
    static const char  priv[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----";

    static const char  *bad_armor = "the PGP key block is not well-formed "
                                    "ASCII armor (RFC 4880 section 6.2)";

    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'
                   || p[len - 1] == '\r' || p[len - 1] == '\n'))
    {
        len--;
    }

    while (len && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r'
                   || p[0] == '\n'))
    {
        p++;
        len--;
    }

    if (len >= sizeof(priv) - 1 && memcmp(p, priv, sizeof(priv) - 1) == 0) {
        return "this is a private key: send the public key only, and "
               "consider this private key exposed";
    }

    if (len < sizeof(begin) - 1 || memcmp(p, begin, sizeof(begin) - 1) != 0)
    {
        /* a fingerprint */

        i = 0;

        if (len >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
            i = 2;
        }

        for (digits = 0; i < len; i++) {
            if (p[i] == ' ') {
                continue;
            }

            if (!sc_report_is_hex(p[i])) {
                return "the PGP key must be an ASCII-armored public key "
                       "block or a fingerprint of 40 hex digits";
            }

            digits++;
        }

        if (digits != 40 && digits != 64) {
            return "a PGP fingerprint has 40 hex digits (64 for a v6 key)";
        }

        return NULL;
    }

    if (len < sizeof(begin) - 1 + sizeof(end) - 1
        || memcmp(p + len - (sizeof(end) - 1), end, sizeof(end) - 1) != 0)
    {
        return "the PGP key block does not end with "
               "\"-----END PGP PUBLIC KEY BLOCK-----\"";
    }

    /* the lines between the two armor lines */

    s = sizeof(begin) - 1;
    len -= sizeof(end) - 1;

    if (s < len && p[s] == '\r') {
        s++;
    }

    if (s == len || p[s] != '\n' || p[len - 1] != '\n') {
        return bad_armor;
    }

    s++;
    in_body = 0;
    lines = 0;

    while (s < len) {
        for (e = s; e < len && p[e] != '\n'; e++) { /* void */ }

        /* the line is p[s, e), without trailing white space */

        i = e;

        while (i > s && (p[i - 1] == '\r' || p[i - 1] == ' '
                         || p[i - 1] == '\t'))
        {
            i--;
        }

        if (i == s) {
            /* the blank line that ends the armor headers */
            in_body = 1;

        } else if (!in_body && memchr(p + s, ':', i - s) != NULL) {
            /* an armor header line such as "Comment: ..." */

        } else {
            in_body = 1;

            for ( /* void */ ; s < i; s++) {
                c = p[s];

                if (!sc_report_is_alnum(c) && c != '+' && c != '/'
                    && c != '=')
                {
                    return bad_armor;
                }
            }

            lines++;
        }

        s = e + 1;
    }

    if (lines == 0) {
        return bad_armor;
    }

    return NULL;
}


static const char *
sc_report_check_cvss(const unsigned char *p, size_t len)
{
    size_t                          i, start, colon, k, nbase;
    uint64_t                        seen, base;
    const sc_report_cvss_metric_t  *table, *m;

    if (len < 9
        || (memcmp(p, "CVSS:3.0/", 9) != 0 && memcmp(p, "CVSS:3.1/", 9) != 0
            && memcmp(p, "CVSS:4.0/", 9) != 0))
    {
        return "a CVSS vector must begin with CVSS:3.0/, CVSS:3.1/ or "
               "CVSS:4.0/";
    }

    if (p[5] == '4') {
        table = sc_report_cvss4;
        nbase = SC_REPORT_CVSS4_BASE;

    } else {
        table = sc_report_cvss3;
        nbase = SC_REPORT_CVSS3_BASE;
    }

    seen = 0;

    for (i = 9; /* void */; i++) {
        start = i;
        colon = 0;

        while (i < len && p[i] != '/') {
            if (p[i] == ':' && colon == 0) {
                colon = i;
            }

            i++;
        }

        if (colon == 0 || colon == start || colon + 1 == i) {
            return "a CVSS vector is a list of METRIC:VALUE separated "
                   "by \"/\"";
        }

        for (k = 0; table[k].name; k++) {
            m = &table[k];

            if (strlen(m->name) == colon - start
                && memcmp(m->name, p + start, colon - start) == 0)
            {
                break;
            }
        }

        if (table[k].name == NULL) {
            return "the CVSS vector names a metric that this version of "
                   "CVSS does not have";
        }

        if (seen & ((uint64_t) 1 << k)) {
            return "the CVSS vector gives a metric twice";
        }

        if (!sc_report_in_list(table[k].values, p + colon + 1,
                               i - colon - 1))
        {
            return "the CVSS vector gives a metric a value it cannot have";
        }

        seen |= (uint64_t) 1 << k;

        if (i == len) {
            break;
        }
    }

    base = ((uint64_t) 1 << nbase) - 1;

    if ((seen & base) != base) {
        return "the CVSS vector lacks a base metric: all of them are "
               "required";
    }

    return NULL;
}


/* "CWE-" and a number, possibly followed by words ("CWE-79: XSS"), or
 * any short text that does not begin with "CWE-" */

static const char *
sc_report_check_vulnerability_type(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len < 4 || !sc_report_caseeq(p, 4, "CWE-")) {
        return NULL;
    }

    for (i = 4; i < len && sc_report_is_digit(p[i]); i++) {
        /* void */
    }

    if (i == 4 || i > 11 || p[4] == '0'
        || (i < len && sc_report_is_alnum(p[i])))
    {
        return "a CWE identifier is \"CWE-\" and a number, as in CWE-79";
    }

    return NULL;
}


static void
sc_report_check_field(const sc_report_t *r, sc_report_field_t f,
    sc_report_error_t *errs, size_t cap, size_t *n)
{
    size_t                         i, len;
    const char                    *code, *message;
    const unsigned char           *p;
    const sc_report_field_info_t  *fi;

    fi = &sc_report_fields[f];
    p = r->text[f].data;
    len = r->text[f].len;

    if (len == 0) {
        if ((fi->flags & SC_REPORT_REQUIRED)
            && !(r->failed & ((uint32_t) 1 << f)))
        {
            sc_report_add(errs, cap, n, fi->name, "required",
                          "this field is required");
        }

        return;
    }

    if (len > fi->max) {
        sc_report_add(errs, cap, n, fi->name,
                      f == SC_REPORT_SEVERITY ? "invalid_severity"
                                              : "too_long",
                      fi->too_long);
        return;
    }

    if (fi->flags & SC_REPORT_REQUIRED) {
        for (i = 0; i < len; i++) {
            if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            {
                break;
            }
        }

        if (i == len) {
            sc_report_add(errs, cap, n, fi->name, "required",
                          "this field is required, and holds only "
                          "white space");
            return;
        }
    }

    code = sc_report_check_text(p, len, (fi->flags & SC_REPORT_MULTILINE)
                                        != 0, &message);
    if (code) {
        sc_report_add(errs, cap, n, fi->name, code, message);
        return;
    }

    code = NULL;
    message = NULL;

    switch (f) {

    case SC_REPORT_TARGET_URL:
        code = "invalid_url";
        message = sc_report_check_url(p, len);
        break;

    case SC_REPORT_VULNERABILITY_TYPE:
        code = "invalid_vulnerability_type";
        message = sc_report_check_vulnerability_type(p, len);
        break;

    case SC_REPORT_SEVERITY:
        if (!sc_report_caseeq(p, len, "low")
            && !sc_report_caseeq(p, len, "medium")
            && !sc_report_caseeq(p, len, "high")
            && !sc_report_caseeq(p, len, "critical"))
        {
            code = "invalid_severity";
            message = fi->too_long;
        }

        break;

    case SC_REPORT_CVSS_VECTOR:
        code = "invalid_cvss";
        message = sc_report_check_cvss(p, len);
        break;

    case SC_REPORT_REPORTER_EMAIL:
        code = "invalid_email";
        message = sc_report_check_email(p, len);
        break;

    case SC_REPORT_REPORTER_PGP_KEY:
        code = "invalid_pgp_key";
        message = sc_report_check_pgp_key(p, len);
        break;

    case SC_REPORT_LANGUAGE:
        code = "invalid_language";
        message = sc_sectxt_check_language(p, len);
        break;

    default:
        break;
    }

    if (message) {
        sc_report_add(errs, cap, n, fi->name, code, message);
    }
}


/* a media type: token "/" token, then parameters in printable ASCII */

static int
sc_report_token_char(unsigned char c)
{
    return sc_report_is_alnum(c)
           || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}


static void
sc_report_check_attachment(const sc_report_attachment_t *a,
    sc_report_error_t *errs, size_t cap, size_t *n)
{
    size_t          i;
    const char     *message;

    if (a->filename.len > SC_REPORT_MAX_FILENAME
        || sc_report_check_text(a->filename.data, a->filename.len, 0,
                                &message) != NULL)
    {
        sc_report_add(errs, cap, n, "attachments", "invalid_filename",
                      "an attachment's file name must be at most 255 bytes "
                      "of UTF-8 without control characters");
    }

    if (a->content_type.len == 0) {
        return;
    }

    for (i = 0; i < a->content_type.len
                && sc_report_token_char(a->content_type.data[i]); i++)
    {
        /* void */
    }

    if (i == 0 || i == a->content_type.len
        || a->content_type.data[i] != '/')
    {
        goto invalid;
    }

    for (i++; i < a->content_type.len
              && sc_report_token_char(a->content_type.data[i]); i++)
    {
        /* void */
    }

    if (a->content_type.data[i - 1] == '/') {
        goto invalid;
    }

    for ( /* void */ ; i < a->content_type.len; i++) {
        if (a->content_type.data[i] < 0x20 || a->content_type.data[i] > 0x7e)
        {
            goto invalid;
        }
    }

    if (a->content_type.len <= SC_REPORT_MAX_CONTENT_TYPE) {
        return;
    }

invalid:

    sc_report_add(errs, cap, n, "attachments", "invalid_content_type",
                  "an attachment's content type must be a media type such "
                  "as image/png, at most 255 bytes");
}


size_t
sc_report_validate(const sc_report_t *r, sc_report_error_t *errs,
    size_t cap)
{
    size_t  n, i;

    n = 0;

    for (i = 0; i < SC_REPORT_NFIELDS; i++) {
        sc_report_check_field(r, (sc_report_field_t) i, errs, cap, &n);
    }

    if (r->nattachments > SC_REPORT_MAX_ATTACHMENTS) {
        sc_report_add(errs, cap, &n, "attachments", "too_many",
                      "a report may have at most 16 attachments");
        return n;
    }

    for (i = 0; i < r->nattachments; i++) {
        sc_report_check_attachment(&r->attachments[i], errs, cap, &n);
    }

    return n;
}


static void
sc_report_put(sc_report_buf_t *b, const void *p, size_t len)
{
    if (b->out && len) {
        memcpy(b->out + b->n, p, len);
    }

    b->n += len;
}


#define sc_report_put_lit(b, s)  sc_report_put(b, s, sizeof(s) - 1)


static void
sc_report_put_esc(sc_report_buf_t *b, const unsigned char *p, size_t len)
{
    if (b->out) {
        b->n += sc_json_escape(b->out + b->n, p, len);

    } else {
        b->n += sc_json_escape_len(p, len);
    }
}


/* a quoted, escaped JSON string */

static void
sc_report_put_str(sc_report_buf_t *b, const unsigned char *p, size_t len)
{
    sc_report_put_lit(b, "\"");
    sc_report_put_esc(b, p, len);
    sc_report_put_lit(b, "\"");
}


static void
sc_report_put_uint(sc_report_buf_t *b, uint64_t v)
{
    size_t         i;
    unsigned char  digits[20];

    i = sizeof(digits);

    do {
        digits[--i] = (unsigned char) ('0' + v % 10);
        v /= 10;
    } while (v);

    sc_report_put(b, digits + i, sizeof(digits) - i);
}


/* RFC 4648 section 4, with padding */

static void
sc_report_put_base64(sc_report_buf_t *b, const unsigned char *p, size_t len)
{
    size_t          i;
    uint32_t        v;
    unsigned char   q[4];

    static const char  alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    if (b->out == NULL) {
        b->n += (len + 2) / 3 * 4;
        return;
    }

    for (i = 0; i + 3 <= len; i += 3) {
        v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];

        q[0] = (unsigned char) alphabet[v >> 18];
        q[1] = (unsigned char) alphabet[(v >> 12) & 0x3f];
        q[2] = (unsigned char) alphabet[(v >> 6) & 0x3f];
        q[3] = (unsigned char) alphabet[v & 0x3f];

        sc_report_put(b, q, 4);
    }

    if (i < len) {
        v = (uint32_t) p[i] << 16;

        if (i + 1 < len) {
            v |= (uint32_t) p[i + 1] << 8;
        }

        q[0] = (unsigned char) alphabet[v >> 18];
        q[1] = (unsigned char) alphabet[(v >> 12) & 0x3f];
        q[2] = (i + 1 < len) ? (unsigned char) alphabet[(v >> 6) & 0x3f]
                             : '=';
        q[3] = '=';

        sc_report_put(b, q, 4);
    }
}


static void
sc_report_write(sc_report_buf_t *b, const sc_report_t *r)
{
    size_t                         i, j, k;
    unsigned char                  hex[2 * crypto_hash_sha256_BYTES];
    unsigned char                  sha[crypto_hash_sha256_BYTES];
    const char                    *name;
    const sc_report_attachment_t  *a;

    static const char  digits[] = "0123456789abcdef";

    sc_report_put_lit(b, "{");
    k = 0;

    for (i = 0; i < SC_REPORT_NFIELDS; i++) {
        if (r->text[i].len == 0) {
            continue;
        }

        if (k++) {
            sc_report_put_lit(b, ",");
        }

        name = sc_report_fields[i].name;

        sc_report_put_lit(b, "\"");
        sc_report_put(b, name, strlen(name));
        sc_report_put_lit(b, "\":");
        sc_report_put_str(b, r->text[i].data, r->text[i].len);
    }

    if (r->share_contact >= 0) {
        if (k++) {
            sc_report_put_lit(b, ",");
        }

        sc_report_put_lit(b, "\"share_contact\":");

        if (r->share_contact) {
            sc_report_put_lit(b, "true");

        } else {
            sc_report_put_lit(b, "false");
        }
    }

    if (r->credit >= 0) {
        if (k++) {
            sc_report_put_lit(b, ",");
        }

        sc_report_put_lit(b, "\"credit\":");

        if (r->credit) {
            sc_report_put_lit(b, "true");

        } else {
            sc_report_put_lit(b, "false");
        }
    }

    if (r->nattachments) {
        if (k++) {
            sc_report_put_lit(b, ",");
        }

        sc_report_put_lit(b, "\"attachments\":[");

        for (i = 0; i < r->nattachments; i++) {
            a = &r->attachments[i];

            if (i) {
                sc_report_put_lit(b, ",");
            }

            sc_report_put_lit(b, "{\"filename\":");
            sc_report_put_str(b, a->filename.data, a->filename.len);
            sc_report_put_lit(b, ",\"content_type\":");
            sc_report_put_str(b, a->content_type.data, a->content_type.len);
            sc_report_put_lit(b, ",\"size\":");
            sc_report_put_uint(b, a->data.len);
            sc_report_put_lit(b, ",\"sha256\":\"");

            if (b->out) {
                crypto_hash_sha256(sha, a->data.len ? a->data.data
                                                    : (const unsigned char *)
                                                      "",
                                   a->data.len);

                for (j = 0; j < sizeof(sha); j++) {
                    hex[2 * j] = (unsigned char) digits[sha[j] >> 4];
                    hex[2 * j + 1] = (unsigned char) digits[sha[j] & 0xf];
                }
            }

            sc_report_put(b, hex, sizeof(hex));
            sc_report_put_lit(b, "\",\"data_base64\":\"");
            sc_report_put_base64(b, a->data.data, a->data.len);
            sc_report_put_lit(b, "\"}");
        }

        sc_report_put_lit(b, "]");
    }

    sc_report_put_lit(b, "}");
}


size_t
sc_report_json_len(const sc_report_t *r)
{
    sc_report_buf_t  b;

    b.out = NULL;
    b.n = 0;

    sc_report_write(&b, r);

    return b.n;
}


size_t
sc_report_json(unsigned char *out, const sc_report_t *r)
{
    sc_report_buf_t  b;

    b.out = out;
    b.n = 0;

    sc_report_write(&b, r);

    return b.n;
}


void
sc_report_digest(const sc_report_t *r, unsigned char *scratch,
    unsigned char sha256[32])
{
    size_t  n;

    n = sc_report_json(scratch, r);

    crypto_hash_sha256(sha256, scratch, n);
}


/* the name of an unknown field as sent, made safe to echo */

static void
sc_report_put_echo(sc_report_buf_t *b, const sc_str_t *name)
{
    size_t         i, n;
    unsigned char  c, safe[SC_REPORT_MAX_ECHO];

    n = name->len < sizeof(safe) ? name->len : sizeof(safe);

    for (i = 0; i < n; i++) {
        c = name->data[i];
        safe[i] = (c > 0x20 && c < 0x7f) ? c : '?';
    }

    sc_report_put_esc(b, safe, n);
}


static void
sc_report_write_errors(sc_report_buf_t *b, const sc_report_error_t *e,
    size_t n)
{
    size_t       i;
    const char  *s;

    sc_report_put_lit(b, "{\"errors\":[");

    for (i = 0; i < n; i++) {
        if (i) {
            sc_report_put_lit(b, ",");
        }

        sc_report_put_lit(b, "{\"field\":\"");

        if (e[i].field) {
            sc_report_put_esc(b, (const unsigned char *) e[i].field,
                              strlen(e[i].field));

            if (e[i].name.len) {
                sc_report_put_lit(b, ".");
            }
        }

        if (e[i].name.len) {
            sc_report_put_echo(b, &e[i].name);
        }

        sc_report_put_lit(b, "\",\"code\":");

        s = e[i].code ? e[i].code : "";
        sc_report_put_str(b, (const unsigned char *) s, strlen(s));

        sc_report_put_lit(b, ",\"message\":");

        s = e[i].message ? e[i].message : "";
        sc_report_put_str(b, (const unsigned char *) s, strlen(s));

        sc_report_put_lit(b, "}");
    }

    sc_report_put_lit(b, "]}");
}


size_t
sc_report_errors_json_len(const sc_report_error_t *e, size_t n)
{
    sc_report_buf_t  b;

    b.out = NULL;
    b.n = 0;

    sc_report_write_errors(&b, e, n);

    return b.n;
}


size_t
sc_report_errors_json(unsigned char *out, const sc_report_error_t *e,
    size_t n)
{
    sc_report_buf_t  b;

    b.out = out;
    b.n = 0;

    sc_report_write_errors(&b, e, n);

    return b.n;
}
