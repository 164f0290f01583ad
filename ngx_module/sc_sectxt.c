/*
 * Copyright (C) nginx-security-contact developers
 *
 * security.txt (RFC 9116) rules and rendering.  Pure core.
 */


#include <string.h>

#include "sc_sectxt.h"
#include "sc_json.h"


#define sc_lower(c)     (unsigned char) (((c) >= 'A' && (c) <= 'Z')          \
                                         ? (c) | 0x20 : (c))
#define sc_is_alpha(c)  (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define sc_is_digit(c)  ((c) >= '0' && (c) <= '9')
#define sc_is_alnum(c)  (sc_is_alpha(c) || sc_is_digit(c))
#define sc_is_hex(c)    (sc_is_digit(c)                                      \
                         || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))


static const char *sc_field_names[] = {
    NULL,
    "Contact",
    "Expires",
    "Encryption",
    "Acknowledgments",
    "Preferred-Languages",
    "Canonical",
    "Policy",
    "Hiring",
    "CSAF",
    NULL
};


/* RFC 5646 section 2.2.8: tags that only the grandfathered rule allows */

static const char *sc_grandfathered[] = {
    "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao",
    "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
    "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu",
    "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang", NULL
};


static int
sc_caseeq(const unsigned char *p, size_t len, const char *s)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '\0' || sc_lower(p[i]) != sc_lower((unsigned char) s[i]))
        {
            return 0;
        }
    }

    return s[len] == '\0';
}


const char *
sc_sectxt_field_name(sc_field_kind_t kind)
{
    if (kind >= SC_FIELD_MAX) {
        return NULL;
    }

    return sc_field_names[kind];
}


int
sc_sectxt_is_reserved_name(const unsigned char *p, size_t len)
{
    int  k;

    for (k = SC_FIELD_CONTACT; k < SC_FIELD_EXTENSION; k++) {
        if (sc_caseeq(p, len, sc_field_names[k])) {
            return 1;
        }
    }

    /* the misspelling some generators emit would shadow the real field */

    return sc_caseeq(p, len, "Acknowledgements");
}


/*
 * RFC 3986 absolute URI: scheme ":" followed by characters that a URI may
 * hold (unreserved, sub-delims, ":", "@", "/", "?", "#", and percent
 * escapes).  RFC 9116 section 2.5 adds that a web URI must be https.
 */

const char *
sc_sectxt_check_uri(const unsigned char *p, size_t len)
{
    size_t          i, scheme;
    unsigned char   c;

    if (len == 0) {
        return "the value is empty; RFC 9116 requires a URI";
    }

    if (len > SC_SECTXT_MAX_LINE - sizeof("Acknowledgments: ")) {
        return "the URI is longer than the 2048 characters a line may have "
               "(RFC 9116 section 5.4)";
    }

    if (!sc_is_alpha(p[0])) {
        return "not a URI: it must begin with a scheme such as \"https:\" "
               "or \"mailto:\" (RFC 3986 section 3.1)";
    }

    for (i = 1; i < len; i++) {
        c = p[i];

        if (c == ':') {
            break;
        }

        if (!sc_is_alnum(c) && c != '+' && c != '-' && c != '.') {
            return "not a URI: the scheme holds a character RFC 3986 "
                   "section 3.1 does not allow";
        }
    }

    if (i == len) {
        return "not a URI: it must begin with a scheme such as \"https:\" "
               "or \"mailto:\" (RFC 3986 section 3.1)";
    }

    scheme = i;

    if (scheme + 1 == len) {
        return "not a URI: nothing follows the scheme";
    }

    for (i = scheme + 1; i < len; i++) {
        c = p[i];

        if (sc_is_alnum(c)) {
            continue;
        }

        if (c == '%') {
            if (i + 2 >= len || !sc_is_hex(p[i + 1]) || !sc_is_hex(p[i + 2]))
            {
                return "not a URI: \"%\" must start a percent-encoded octet "
                       "(RFC 3986 section 2.1)";
            }

            i += 2;
            continue;
        }

        if (strchr("-._~!$&'()*+,;=:@/?#[]", c) == NULL || c == '\0') {
            return "not a URI: it holds a character that must be "
                   "percent-encoded, such as a space or a quote "
                   "(RFC 3986 section 2)";
        }
    }

    if (sc_caseeq(p, scheme, "http")) {
        return "a web URI must begin with \"https://\" (RFC 9116 section 2.5)";
    }

    if (sc_caseeq(p, scheme, "https")) {
        if (len < scheme + 4 || p[scheme + 1] != '/' || p[scheme + 2] != '/'
            || p[scheme + 3] == '/' || p[scheme + 3] == '?'
            || p[scheme + 3] == '#')
        {
            return "not a URI: an https URI must name a host, "
                   "as in \"https://example.com/\"";
        }
    }

    return NULL;
}


const char *
sc_sectxt_check_host(const unsigned char *p, size_t len)
{
    size_t         i, label;
    unsigned char  c;

    if (len == 0 || len > 253) {
        return "not a host name";
    }

    if (p[0] == '[') {
        if (len < 4 || p[len - 1] != ']') {
            return "not an IPv6 literal";
        }

        for (i = 1; i < len - 1; i++) {
            c = p[i];

            if (!sc_is_hex(c) && c != ':' && c != '.') {
                return "not an IPv6 literal";
            }
        }

        return NULL;
    }

    label = 0;

    for (i = 0; i < len; i++) {
        c = p[i];

        if (c == '.') {
            if (label == 0) {
                return "a host name has an empty label";
            }

            label = 0;
            continue;
        }

        if (!sc_is_alnum(c) && c != '-') {
            return "a host name may hold only letters, digits, \"-\" "
                   "and \".\"";
        }

        if (++label > 63) {
            return "a label of a host name is longer than 63 characters";
        }
    }

    if (label == 0) {
        return "a host name has an empty label";
    }

    return NULL;
}


const char *
sc_sectxt_check_csaf(const unsigned char *p, size_t len)
{
    static const char  suffix[] = "/provider-metadata.json";
    const char        *rule;

    rule = sc_sectxt_check_uri(p, len);
    if (rule) {
        return rule;
    }

    if (len < 8 || !sc_caseeq(p, 8, "https://")) {
        return "a CSAF value must be an https URI (RFC 9116 CSAF field, "
               "CSAF 2.0 section 7.1.8)";
    }

    if (len < sizeof(suffix) - 1
        || memcmp(p + len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1)
           != 0)
    {
        return "a CSAF value must be the URI of a file named "
               "\"provider-metadata.json\" (CSAF 2.0 section 7.1.8)";
    }

    return NULL;
}


/* one subtag of a language tag: its length and what it is made of */

typedef struct {
    const unsigned char  *p;
    size_t                len;
    unsigned              alpha:1;
    unsigned              digit:1;
} sc_subtag_t;


#define SC_MAX_SUBTAGS  64


const char *
sc_sectxt_check_language(const unsigned char *p, size_t len)
{
    size_t        i, n, k, extlang;
    unsigned char c;
    sc_subtag_t   st[SC_MAX_SUBTAGS], *t;
    static const char  *bad = "not a well-formed language tag "
                              "(RFC 5646 section 2.1), such as \"en\", "
                              "\"ja\" or \"zh-Hant-TW\"";

    if (len == 0) {
        return "an empty language tag (RFC 5646 section 2.1)";
    }

    for (i = 0; sc_grandfathered[i]; i++) {
        if (sc_caseeq(p, len, sc_grandfathered[i])) {
            return NULL;
        }
    }

    n = 0;
    t = &st[0];
    t->p = p;
    t->len = 0;
    t->alpha = 1;
    t->digit = 1;

    for (i = 0; i <= len; i++) {

        if (i == len || p[i] == '-') {
            if (t->len == 0 || t->len > 8) {
                return bad;
            }

            if (++n == SC_MAX_SUBTAGS) {
                return bad;
            }

            if (i == len) {
                break;
            }

            t = &st[n];
            t->p = p + i + 1;
            t->len = 0;
            t->alpha = 1;
            t->digit = 1;
            continue;
        }

        c = p[i];

        if (sc_is_alpha(c)) {
            t->digit = 0;

        } else if (sc_is_digit(c)) {
            t->alpha = 0;

        } else {
            return bad;
        }

        t->len++;
    }

    k = 0;

    if (st[0].len == 1 && sc_lower(st[0].p[0]) == 'x') {
        goto privateuse;
    }

    /* language */

    if (!st[0].alpha || st[0].len < 2) {
        return bad;
    }

    k = 1;

    if (st[0].len <= 3) {
        for (extlang = 0; extlang < 3 && k < n; extlang++, k++) {
            if (!(st[k].alpha && st[k].len == 3)) {
                break;
            }
        }
    }

    /* script */

    if (k < n && st[k].alpha && st[k].len == 4) {
        k++;
    }

    /* region */

    if (k < n && ((st[k].alpha && st[k].len == 2)
                  || (st[k].digit && st[k].len == 3)))
    {
        k++;
    }

    /* variants */

    while (k < n
           && (st[k].len >= 5
               || (st[k].len == 4 && sc_is_digit(st[k].p[0]))))
    {
        k++;
    }

    /* extensions */

    while (k < n && st[k].len == 1 && sc_lower(st[k].p[0]) != 'x') {
        k++;

        if (k == n || st[k].len < 2) {
            return bad;
        }

        while (k < n && st[k].len >= 2) {
            k++;
        }
    }

    if (k == n) {
        return NULL;
    }

privateuse:

    if (st[k].len != 1 || sc_lower(st[k].p[0]) != 'x' || k + 1 == n) {
        return bad;
    }

    return NULL;
}


/* Preferred-Languages: a comma-separated list, RFC 9116 section 2.5.8 */

const char *
sc_sectxt_check_languages(const unsigned char *p, size_t len)
{
    size_t       i, start, end;
    const char  *rule;

    if (len == 0) {
        return "the value is empty; RFC 9116 section 2.5.8 requires "
               "one or more language tags";
    }

    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && p[i] != ',') {
            continue;
        }

        end = i;

        while (start < end && (p[start] == ' ' || p[start] == '\t')) {
            start++;
        }

        while (end > start && (p[end - 1] == ' ' || p[end - 1] == '\t')) {
            end--;
        }

        rule = sc_sectxt_check_language(p + start, end - start);
        if (rule) {
            return rule;
        }

        start = i + 1;
    }

    return NULL;
}


/* UTF-8 (RFC 3629) with no control characters but TAB */

const char *
sc_sectxt_check_text(const unsigned char *p, size_t len)
{
    size_t    i, n;
    uint32_t  cp;

    if (len > SC_SECTXT_MAX_LINE - 2) {
        return "the value is longer than the 2048 characters a line may "
               "have (RFC 9116 section 5.4)";
    }

    for (i = 0; i < len; i += n) {
        n = sc_json_utf8_char(p + i, len - i, &cp);

        if (n == 0) {
            return "the value is not valid UTF-8 (RFC 9116 section 4)";
        }

        if (cp == '\r' || cp == '\n') {
            return "the value holds a line break (CR or LF), which "
                   "would end the field early (RFC 9116 section 4)";
        }

        if ((cp < 0x20 && cp != '\t') || cp == 0x7f) {
            return "the value holds a control character";
        }

        if (cp == 0xfeff) {
            return "the value holds a byte order mark (RFC 9116 section 4)";
        }
    }

    return NULL;
}


const char *
sc_sectxt_check_field_name(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len == 0) {
        return "the field name is empty";
    }

    for (i = 0; i < len; i++) {
        if (!sc_is_alnum(p[i]) && p[i] != '-') {
            return "a field name may hold only letters, digits and \"-\" "
                   "(RFC 9116 section 4, field-name)";
        }
    }

    if (sc_sectxt_is_reserved_name(p, len)) {
        return "this field has a directive of its own; an extension field "
               "must not repeat a field RFC 9116 defines";
    }

    return NULL;
}


const char *
sc_sectxt_check_field(const sc_field_t *f)
{
    const char  *rule;

    switch (f->kind) {

    case SC_FIELD_CONTACT:
    case SC_FIELD_ENCRYPTION:
    case SC_FIELD_ACKNOWLEDGMENTS:
    case SC_FIELD_CANONICAL:
    case SC_FIELD_POLICY:
    case SC_FIELD_HIRING:
        rule = sc_sectxt_check_text(f->value.data, f->value.len);
        if (rule) {
            return rule;
        }

        return sc_sectxt_check_uri(f->value.data, f->value.len);

    case SC_FIELD_CSAF:
        return sc_sectxt_check_csaf(f->value.data, f->value.len);

    case SC_FIELD_PREFERRED_LANGUAGES:
        return sc_sectxt_check_languages(f->value.data, f->value.len);

    case SC_FIELD_EXTENSION:
        rule = sc_sectxt_check_field_name(f->name.data, f->name.len);
        if (rule) {
            return rule;
        }

        if (f->value.len == 0) {
            return "the value is empty (RFC 9116 section 4)";
        }

        return sc_sectxt_check_text(f->value.data, f->value.len);

    case SC_FIELD_COMMENT:
    case SC_FIELD_EXPIRES:
        return sc_sectxt_check_text(f->value.data, f->value.len);

    default:
        return "unknown field";
    }
}


static size_t
sc_sectxt_line_len(const sc_field_t *f)
{
    switch (f->kind) {

    case SC_FIELD_COMMENT:
        return (f->value.len ? sizeof("# ") - 1 : sizeof("#") - 1)
               + f->value.len + 1;

    case SC_FIELD_EXTENSION:
        return f->name.len + sizeof(": ") - 1 + f->value.len + 1;

    default:
        return strlen(sc_field_names[f->kind]) + sizeof(": ") - 1
               + f->value.len + 1;
    }
}


const char *
sc_sectxt_check_all(const sc_field_t *fields, size_t n, size_t *bad)
{
    size_t       i, count[SC_FIELD_MAX], size;
    const char  *rule;

    memset(count, 0, sizeof(count));
    size = 0;

    for (i = 0; i < n; i++) {
        if (fields[i].kind >= SC_FIELD_MAX) {
            *bad = i;
            return "unknown field";
        }

        rule = sc_sectxt_check_field(&fields[i]);
        if (rule) {
            *bad = i;
            return rule;
        }

        if (sc_sectxt_line_len(&fields[i]) > SC_SECTXT_MAX_LINE) {
            *bad = i;
            return "the line is longer than 2048 characters "
                   "(RFC 9116 section 5.4)";
        }

        count[fields[i].kind]++;
        size += sc_sectxt_line_len(&fields[i]);
    }

    *bad = n;

    if (count[SC_FIELD_CONTACT] == 0) {
        return "no Contact field: RFC 9116 section 2.5.3 requires one "
               "or more";
    }

    if (count[SC_FIELD_EXPIRES] != 1) {
        return "RFC 9116 section 2.5.5 requires exactly one Expires field";
    }

    if (count[SC_FIELD_PREFERRED_LANGUAGES] > 1) {
        return "RFC 9116 section 2.5.8 allows at most one "
               "Preferred-Languages field";
    }

    if (size > SC_SECTXT_MAX_SIZE || n > SC_SECTXT_MAX_LINES) {
        return "the file is over the 32 KiB or 1000 lines a reader may "
               "refuse (RFC 9116 section 5.4)";
    }

    return NULL;
}


size_t
sc_sectxt_render_len(const sc_field_t *fields, size_t n)
{
    size_t  i, len;

    len = 0;

    for (i = 0; i < n; i++) {
        len += sc_sectxt_line_len(&fields[i]);
    }

    return len;
}


unsigned char *
sc_sectxt_render(unsigned char *out, const sc_field_t *fields, size_t n)
{
    size_t             i;
    const char        *name;
    const sc_field_t  *f;

    for (i = 0; i < n; i++) {
        f = &fields[i];

        switch (f->kind) {

        case SC_FIELD_COMMENT:
            *out++ = '#';

            if (f->value.len) {
                *out++ = ' ';
            }

            break;

        case SC_FIELD_EXTENSION:
            memcpy(out, f->name.data, f->name.len);
            out += f->name.len;
            *out++ = ':';
            *out++ = ' ';
            break;

        default:
            name = sc_field_names[f->kind];
            memcpy(out, name, strlen(name));
            out += strlen(name);
            *out++ = ':';
            *out++ = ' ';
        }

        if (f->value.len) {
            memcpy(out, f->value.data, f->value.len);
            out += f->value.len;
        }

        *out++ = '\n';
    }

    return out;
}


unsigned char *
sc_escape_log(unsigned char *out, const unsigned char *p, size_t len)
{
    size_t         i;
    unsigned char  c;

    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < len; i++) {
        c = p[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = 'x';
            *out++ = (unsigned char) hex[c >> 4];
            *out++ = (unsigned char) hex[c & 0xf];
            continue;
        }

        *out++ = c;
    }

    return out;
}


/*
 * Days since 1970-01-01 of a proleptic Gregorian date, exact for any year:
 * the era arithmetic counts 400-year cycles of 146097 days.
 */

int64_t
sc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t   era;
    unsigned  yoe, doy, doe;

    y -= (m <= 2);
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t) doe - 719468;
}


static void
sc_civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t   era, y;
    unsigned  doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned) (z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (int64_t) yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (*month <= 2);
}


static unsigned char *
sc_put_digits(unsigned char *p, unsigned v, unsigned width)
{
    unsigned  i;

    for (i = width; i > 0; i--) {
        p[i - 1] = (unsigned char) ('0' + v % 10);
        v /= 10;
    }

    return p + width;
}


unsigned char *
sc_rfc3339(unsigned char *out, int64_t t)
{
    int64_t   days, secs, year;
    unsigned  month, day;

    days = t / 86400;
    secs = t % 86400;

    if (secs < 0) {
        secs += 86400;
        days--;
    }

    sc_civil_from_days(days, &year, &month, &day);

    if (year < 0 || year > 9999) {
        year = year < 0 ? 0 : 9999;
    }

    out = sc_put_digits(out, (unsigned) year, 4);
    *out++ = '-';
    out = sc_put_digits(out, month, 2);
    *out++ = '-';
    out = sc_put_digits(out, day, 2);
    *out++ = 'T';
    out = sc_put_digits(out, (unsigned) (secs / 3600), 2);
    *out++ = ':';
    out = sc_put_digits(out, (unsigned) (secs / 60 % 60), 2);
    *out++ = ':';
    out = sc_put_digits(out, (unsigned) (secs % 60), 2);
    *out++ = 'Z';

    return out;
}


int
sc_parse_date(const unsigned char *p, size_t len, int64_t *t)
{
    size_t    i;
    unsigned  y, m, d, mdays;

    static const unsigned  days_in_month[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (len != 10 || p[4] != '-' || p[7] != '-') {
        return -1;
    }

    for (i = 0; i < len; i++) {
        if (i != 4 && i != 7 && !sc_is_digit(p[i])) {
            return -1;
        }
    }

    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10
        + (p[3] - '0');
    m = (p[5] - '0') * 10 + (p[6] - '0');
    d = (p[8] - '0') * 10 + (p[9] - '0');

    if (y < 1970 || m < 1 || m > 12 || d < 1) {
        return -1;
    }

    mdays = days_in_month[m - 1];

    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        mdays = 29;
    }

    if (d > mdays) {
        return -1;
    }

    *t = sc_days_from_civil(y, m, d) * 86400;

    return 0;
}


int64_t
sc_renewal_boundary(int64_t now, int64_t interval)
{
    int64_t  r;

    r = now % interval;

    if (r < 0) {
        r += interval;
    }

    return now - r;
}
