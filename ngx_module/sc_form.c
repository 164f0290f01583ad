/*
 * Copyright (C) nginx-security-contact developers
 *
 * Report submissions in the encodings of HTML forms: Content-Type
 * classification, application/x-www-form-urlencoded and
 * multipart/form-data.  Pure core.
 */


#include <string.h>

#include "sc_form.h"


#define sc_form_lower(c)   (unsigned char) (((c) >= 'A' && (c) <= 'Z')       \
                                            ? (c) | 0x20 : (c))
#define sc_form_is_ows(c)  ((c) == ' ' || (c) == '\t')
#define sc_form_is_ctl(c)  (((c) < 0x20 && (c) != '\t') || (c) == 0x7f)


typedef struct {
    sc_str_t    name;
    sc_str_t    value;          /* between the quotes, if quoted */
    unsigned    quoted:1;
    unsigned    escaped:1;      /* the quoted value holds a quoted-pair */
} sc_form_param_t;


typedef struct {
    sc_str_t    name;
    sc_str_t    filename;
    sc_str_t    content_type;
    unsigned    disposition:1;
    unsigned    has_name:1;
    unsigned    has_filename:1;
    unsigned    has_filename_ext:1;
    unsigned    has_type:1;
    unsigned    is_file:1;
} sc_multipart_part_t;


static const sc_form_limits_t  sc_form_unlimited = {
    SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX
};


static int
sc_form_caseeq(const unsigned char *p, size_t len, const char *s)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '\0' || sc_form_lower(p[i]) != (unsigned char) s[i]) {
            return 0;
        }
    }

    return s[len] == '\0';
}


/* RFC 9110 section 5.6.2 tchar */

static int
sc_form_is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
        return 1;
    }

    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


/* RFC 2046 section 5.1.1 bcharsnospace */

static int
sc_form_is_bchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
        return 1;
    }

    return c != '\0' && strchr("'()+_,-./:=?", c) != NULL;
}


static int
sc_form_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


static int
sc_form_fail(sc_form_error_t *err, size_t offset, const char *message,
    const sc_str_t *field, int too_large)
{
    err->offset = offset;
    err->message = message;
    err->too_large = too_large;

    if (field) {
        err->field = *field;

    } else {
        err->field.data = NULL;
        err->field.len = 0;
    }

    return -1;
}


static void
sc_form_error_init(sc_form_error_t *err)
{
    err->offset = 0;
    err->message = NULL;
    err->field.data = NULL;
    err->field.len = 0;
    err->too_large = 0;
}


/*
 * The next parameter of a header value from *pos on:
 * OWS ";" OWS name OWS "=" OWS value, value a token or a quoted string.
 * Empty parameters (";;", a trailing ";") are skipped.  With escapes, a
 * quoted string may hold quoted-pairs (RFC 9110 section 5.6.4), left as
 * they are; without, it ends at the first quote, as browsers write it.
 * A bare value is taken leniently: any visible bytes but ';' and '"'.
 * Returns 1 with *prm set, 0 at the end of the value, -1 if malformed.
 */

static int
sc_form_next_param(const unsigned char **pos, const unsigned char *end,
    int escapes, sc_form_param_t *prm)
{
    unsigned char         c;
    const unsigned char  *p, *start;

    p = *pos;

    for ( ;; ) {
        while (p < end && sc_form_is_ows(*p)) {
            p++;
        }

        if (p == end) {
            *pos = p;
            return 0;
        }

        if (*p != ';') {
            return -1;
        }

        p++;

        while (p < end && sc_form_is_ows(*p)) {
            p++;
        }

        if (p < end && *p != ';') {
            break;
        }
    }

    start = p;

    while (p < end && sc_form_is_tchar(*p)) {
        p++;
    }

    if (p == start) {
        return -1;
    }

    prm->name.data = start;
    prm->name.len = p - start;
    prm->quoted = 0;
    prm->escaped = 0;

    while (p < end && sc_form_is_ows(*p)) {
        p++;
    }

    if (p == end || *p != '=') {
        return -1;
    }

    p++;

    while (p < end && sc_form_is_ows(*p)) {
        p++;
    }

    if (p < end && *p == '"') {
        start = ++p;

        for ( ;; ) {
            if (p == end) {
                return -1;
            }

            c = *p;

            if (c == '"') {
                break;
            }

            if (c == '\\' && escapes) {
                if (++p == end) {
                    return -1;
                }

                c = *p;
                prm->escaped = 1;
            }

            if (sc_form_is_ctl(c)) {
                return -1;
            }

            p++;
        }

        prm->value.data = start;
        prm->value.len = p - start;
        prm->quoted = 1;

        *pos = p + 1;
        return 1;
    }

    start = p;

    while (p < end && *p > ' ' && *p != 0x7f && *p != ';' && *p != '"') {
        p++;
    }

    if (p == start) {
        return -1;
    }

    prm->value.data = start;
    prm->value.len = p - start;

    *pos = p;
    return 1;
}


/* "type/subtype" at the start of a header value, after optional OWS */

static int
sc_form_media_type(const unsigned char **pos, const unsigned char *end,
    sc_str_t *type)
{
    const unsigned char  *p, *start;

    p = *pos;

    while (p < end && sc_form_is_ows(*p)) {
        p++;
    }

    start = p;

    while (p < end && sc_form_is_tchar(*p)) {
        p++;
    }

    if (p == start || p == end || *p != '/') {
        return -1;
    }

    p++;

    if (p == end || !sc_form_is_tchar(*p)) {
        return -1;
    }

    while (p < end && sc_form_is_tchar(*p)) {
        p++;
    }

    type->data = start;
    type->len = p - start;

    *pos = p;
    return 0;
}


sc_content_type_t
sc_form_content_type(const unsigned char *p, size_t len)
{
    int                   rc, charset;
    sc_str_t              type;
    sc_form_param_t       prm;
    sc_content_type_t     ct;
    const unsigned char  *pos, *end;

    if (p == NULL || len == 0) {
        return SC_CT_OTHER;
    }

    pos = p;
    end = p + len;

    if (sc_form_media_type(&pos, end, &type) != 0) {
        return SC_CT_OTHER;
    }

    if (sc_form_caseeq(type.data, type.len,
                       "application/x-www-form-urlencoded"))
    {
        ct = SC_CT_URLENCODED;
        charset = 1;

    } else if (sc_form_caseeq(type.data, type.len, "multipart/form-data")) {
        ct = SC_CT_MULTIPART;
        charset = 0;

    } else if (sc_form_caseeq(type.data, type.len, "application/json")) {
        ct = SC_CT_JSON;
        charset = 1;

    } else {
        return SC_CT_OTHER;
    }

    while ((rc = sc_form_next_param(&pos, end, 1, &prm)) == 1) {
        if (charset
            && sc_form_caseeq(prm.name.data, prm.name.len, "charset")
            && (prm.escaped
                || !sc_form_caseeq(prm.value.data, prm.value.len, "utf-8")))
        {
            return SC_CT_OTHER;
        }
    }

    if (rc != 0) {
        return SC_CT_OTHER;
    }

    return ct;
}


/* 1..70 bchars, a space only inside (RFC 2046 section 5.1.1) */

static int
sc_multipart_boundary_valid(const unsigned char *p, size_t len,
    int spaces)
{
    size_t  i;

    if (p == NULL || len == 0 || len > SC_MULTIPART_BOUNDARY_MAX
        || p[len - 1] == ' ')
    {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!sc_form_is_bchar(p[i]) && !(spaces && p[i] == ' ')) {
            return 0;
        }
    }

    return 1;
}


int
sc_multipart_boundary(const unsigned char *content_type, size_t len,
    sc_str_t *boundary)
{
    int                   rc, found;
    sc_str_t              type, b;
    sc_form_param_t       prm;
    const unsigned char  *pos, *end;

    if (content_type == NULL || len == 0) {
        return -1;
    }

    pos = content_type;
    end = content_type + len;

    if (sc_form_media_type(&pos, end, &type) != 0
        || !sc_form_caseeq(type.data, type.len, "multipart/form-data"))
    {
        return -1;
    }

    found = 0;
    b.data = NULL;
    b.len = 0;

    while ((rc = sc_form_next_param(&pos, end, 1, &prm)) == 1) {
        if (!sc_form_caseeq(prm.name.data, prm.name.len, "boundary")) {
            continue;
        }

        /* two boundaries: parsers could disagree on which one counts */

        if (found || prm.escaped
            || !sc_multipart_boundary_valid(prm.value.data, prm.value.len,
                                            prm.quoted))
        {
            return -1;
        }

        found = 1;
        b = prm.value;
    }

    if (rc != 0 || !found) {
        return -1;
    }

    *boundary = b;

    return 0;
}


/*
 * Decodes n bytes of a urlencoded name or value into out, at most max
 * bytes.  Returns 0; 1 for a bad escape, 2 for a result over max, with
 * *at the offset in p where it was found.
 */

static int
sc_urlencoded_decode(const unsigned char *p, size_t n, unsigned char *out,
    size_t max, size_t *outlen, size_t *at)
{
    int            hi, lo;
    size_t         i, k;
    unsigned char  c;

    k = 0;

    for (i = 0; i < n; i++) {

        if (k == max) {
            *outlen = k;
            *at = i;
            return 2;
        }

        c = p[i];

        if (c == '+') {
            c = ' ';

        } else if (c == '%') {
            hi = (n - i > 2) ? sc_form_hex(p[i + 1]) : -1;
            lo = (n - i > 2) ? sc_form_hex(p[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                *outlen = k;
                *at = i;
                return 1;
            }

            c = (unsigned char) (hi << 4 | lo);
            i += 2;
        }

        out[k++] = c;
    }

    *outlen = k;

    return 0;
}


int
sc_urlencoded_parse(const unsigned char *body, size_t len,
    unsigned char *work, sc_form_field_t *fields, size_t max_fields_cap,
    size_t *nfields, const sc_form_limits_t *limits, sc_form_error_t *err)
{
    int                   rc;
    size_t                pos, end, eq, maxf, n, at;
    unsigned char        *w;
    sc_form_field_t      *f;
    sc_form_error_t       dummy;
    const unsigned char  *amp, *sep;

    if (err == NULL) {
        err = &dummy;
    }

    sc_form_error_init(err);

    if (limits == NULL) {
        limits = &sc_form_unlimited;
    }

    *nfields = 0;

    maxf = max_fields_cap < limits->max_fields ? max_fields_cap
                                               : limits->max_fields;

    if (body == NULL || len == 0) {
        return 0;
    }

    w = work;
    pos = 0;

    for ( ;; ) {
        amp = memchr(body + pos, '&', len - pos);
        end = amp ? (size_t) (amp - body) : len;

        if (end > pos) {

            if (*nfields == maxf) {
                return sc_form_fail(err, pos,
                                    "there are more fields than the limit",
                                    NULL, 1);
            }

            sep = memchr(body + pos, '=', end - pos);
            eq = sep ? (size_t) (sep - body) : end;

            f = &fields[*nfields];
            memset(f, 0, sizeof(sc_form_field_t));

            rc = sc_urlencoded_decode(body + pos, eq - pos, w,
                                      limits->max_name, &n, &at);
            if (rc == 1) {
                return sc_form_fail(err, pos + at,
                                    "a field name holds a \"%\" that does "
                                    "not start a %XX escape", NULL, 0);
            }

            if (rc == 2) {
                return sc_form_fail(err, pos + at,
                                    "a field name is longer than the limit",
                                    NULL, 1);
            }

            f->name.data = w;
            f->name.len = n;
            w += n;

            n = 0;

            if (sep) {
                rc = sc_urlencoded_decode(body + eq + 1, end - eq - 1, w,
                                          limits->max_value, &n, &at);
                if (rc == 1) {
                    return sc_form_fail(err, eq + 1 + at,
                                        "the value holds a \"%\" that does "
                                        "not start a %XX escape",
                                        &f->name, 0);
                }

                if (rc == 2) {
                    return sc_form_fail(err, eq + 1 + at,
                                        "the value is longer than the limit",
                                        &f->name, 1);
                }
            }

            f->value.data = w;
            f->value.len = n;
            w += n;

            (*nfields)++;
        }

        if (amp == NULL) {
            return 0;
        }

        pos = end + 1;
    }
}


/*
 * Whether a delimiter begins at "at" (the start of the body or of a line):
 * "--" boundary then "--" (returns 2), or then transport padding and a
 * line end (returns 1); *next is the byte after it.  Otherwise 0.
 */

static int
sc_multipart_delimiter(const unsigned char *body, size_t len, size_t at,
    sc_str_t boundary, size_t *next)
{
    size_t  k;

    if (len - at < boundary.len + 2
        || body[at] != '-' || body[at + 1] != '-'
        || memcmp(body + at + 2, boundary.data, boundary.len) != 0)
    {
        return 0;
    }

    k = at + 2 + boundary.len;

    if (len - k >= 2 && body[k] == '-' && body[k + 1] == '-') {
        *next = k + 2;
        return 2;
    }

    while (k < len && sc_form_is_ows(body[k])) {
        k++;
    }

    if (k < len && body[k] == '\n') {
        *next = k + 1;
        return 1;
    }

    if (len - k >= 2 && body[k] == '\r' && body[k + 1] == '\n') {
        *next = k + 2;
        return 1;
    }

    return 0;
}


/* the last path component: "C:\x\a.txt" and "/x/a.txt" give "a.txt" */

static sc_str_t
sc_multipart_basename(sc_str_t fn)
{
    size_t  i;

    for (i = fn.len; i > 0; i--) {
        if (fn.data[i - 1] == '/' || fn.data[i - 1] == '\\') {
            break;
        }
    }

    fn.data += i;
    fn.len -= i;

    return fn;
}


static const char *
sc_multipart_disposition(const unsigned char *p, const unsigned char *end,
    sc_multipart_part_t *part)
{
    int                   rc;
    sc_form_param_t       prm;
    const unsigned char  *start;

    start = p;

    while (p < end && sc_form_is_tchar(*p)) {
        p++;
    }

    if (p == start) {
        return "the Content-Disposition header of a part is malformed";
    }

    if (!sc_form_caseeq(start, p - start, "form-data")) {
        return "the Content-Disposition of a part is not \"form-data\" "
               "(RFC 7578 section 4.2)";
    }

    while ((rc = sc_form_next_param(&p, end, 0, &prm)) == 1) {

        if (sc_form_caseeq(prm.name.data, prm.name.len, "name")) {
            if (part->has_name) {
                goto repeated;
            }

            part->has_name = 1;
            part->name = prm.value;

        } else if (sc_form_caseeq(prm.name.data, prm.name.len, "filename")) {
            if (part->has_filename) {
                goto repeated;
            }

            part->has_filename = 1;
            part->is_file = 1;
            part->filename = sc_multipart_basename(prm.value);

        } else if (sc_form_caseeq(prm.name.data, prm.name.len, "filename*"))
        {
            if (part->has_filename_ext) {
                goto repeated;
            }

            part->has_filename_ext = 1;
            part->is_file = 1;

            if (!part->has_filename) {
                part->filename.data = prm.value.data;
                part->filename.len = 0;
            }
        }
    }

    if (rc != 0) {
        return "the Content-Disposition header of a part is malformed";
    }

    return NULL;

repeated:

    return "the Content-Disposition header of a part repeats a parameter";
}


/* one header line of a part, [p, end), its line end removed */

static const char *
sc_multipart_header(const unsigned char *p, const unsigned char *end,
    sc_multipart_part_t *part)
{
    const unsigned char  *q, *colon, *v, *ve;

    if (sc_form_is_ows(*p)) {
        return "a part header line starts with white space: folded header "
               "lines are not supported";
    }

    for (q = p; q < end; q++) {
        if (sc_form_is_ctl(*q)) {
            return "a part header line holds a control character";
        }
    }

    colon = p;

    while (colon < end && sc_form_is_tchar(*colon)) {
        colon++;
    }

    if (colon == p || colon == end || *colon != ':') {
        return "a part header line is not of the form \"Name: value\"";
    }

    v = colon + 1;
    ve = end;

    while (v < ve && sc_form_is_ows(*v)) {
        v++;
    }

    while (ve > v && sc_form_is_ows(ve[-1])) {
        ve--;
    }

    if (sc_form_caseeq(p, colon - p, "content-disposition")) {
        if (part->disposition) {
            return "a part has more than one Content-Disposition header";
        }

        part->disposition = 1;

        return sc_multipart_disposition(v, ve, part);
    }

    if (sc_form_caseeq(p, colon - p, "content-type")) {
        if (part->has_type) {
            return "a part has more than one Content-Type header";
        }

        part->has_type = 1;
        part->content_type.data = v;
        part->content_type.len = ve - v;

        return NULL;
    }

    if (sc_form_caseeq(p, colon - p, "content-transfer-encoding")
        && !sc_form_caseeq(v, ve - v, "binary")
        && !sc_form_caseeq(v, ve - v, "8bit")
        && !sc_form_caseeq(v, ve - v, "7bit"))
    {
        return "a part has a Content-Transfer-Encoding other than binary, "
               "8bit or 7bit: send its bytes as they are (RFC 7578 "
               "section 4.7)";
    }

    return NULL;
}


/*
 * The header block of a part that starts at pos, through its empty line;
 * *content is where the part's content starts.
 */

static int
sc_multipart_headers(const unsigned char *body, size_t len, size_t pos,
    size_t max, sc_multipart_part_t *part, size_t *content,
    sc_form_error_t *err)
{
    size_t                p, limit, lf, e;
    const char           *msg;
    const unsigned char  *nl;

    /* the LF that ends the block must lie in [pos, limit) */

    limit = (len - pos > max) ? pos + max : len;

    for (p = pos; /* void */; p = lf + 1) {

        nl = (p < limit) ? memchr(body + p, '\n', limit - p) : NULL;

        if (nl == NULL) {
            if (limit < len) {
                return sc_form_fail(err, limit,
                                    "the header block of a part is longer "
                                    "than the limit", NULL, 1);
            }

            return sc_form_fail(err, len,
                                "the body ends inside the header block of "
                                "a part", NULL, 0);
        }

        lf = nl - body;
        e = lf;

        if (e > p && body[e - 1] == '\r') {
            e--;
        }

        if (e == p) {
            *content = lf + 1;
            return 0;
        }

        msg = sc_multipart_header(body + p, body + e, part);

        if (msg) {
            return sc_form_fail(err, p, msg,
                                part->has_name ? &part->name : NULL, 0);
        }
    }
}


int
sc_multipart_parse(const unsigned char *body, size_t len,
    sc_str_t boundary, sc_form_field_t *fields, size_t max_fields_cap,
    size_t *nfields, const sc_form_limits_t *limits, sc_form_error_t *err)
{
    int                   rc;
    size_t                i, lf, pos, next, cs, ce, vlen, maxf, files;
    sc_form_field_t      *f;
    sc_form_error_t       dummy;
    sc_multipart_part_t   part;
    const unsigned char  *nl;

    if (err == NULL) {
        err = &dummy;
    }

    sc_form_error_init(err);

    if (limits == NULL) {
        limits = &sc_form_unlimited;
    }

    *nfields = 0;

    maxf = max_fields_cap < limits->max_fields ? max_fields_cap
                                               : limits->max_fields;

    if (!sc_multipart_boundary_valid(boundary.data, boundary.len, 1)) {
        return sc_form_fail(err, 0,
                            "the boundary is not 1 to 70 characters that "
                            "RFC 2046 section 5.1.1 allows", NULL, 0);
    }

    if (body == NULL || len == 0) {
        return sc_form_fail(err, 0, "the body is empty", NULL, 0);
    }

    /* the first delimiter ends the preamble */

    next = 0;

    for (i = 0; /* void */; i = (size_t) (nl - body) + 1) {
        rc = sc_multipart_delimiter(body, len, i, boundary, &next);

        if (rc) {
            break;
        }

        nl = memchr(body + i, '\n', len - i);

        if (nl == NULL) {
            return sc_form_fail(err, len,
                                "the body holds no delimiter line with the "
                                "boundary its Content-Type names", NULL, 0);
        }
    }

    files = 0;

    while (rc == 1) {
        pos = next;

        if (*nfields == maxf) {
            return sc_form_fail(err, pos,
                                "there are more fields than the limit",
                                NULL, 1);
        }

        memset(&part, 0, sizeof(sc_multipart_part_t));

        if (sc_multipart_headers(body, len, pos, limits->max_header, &part,
                                 &cs, err)
            != 0)
        {
            return -1;
        }

        if (!part.disposition) {
            return sc_form_fail(err, pos,
                                "a part has no Content-Disposition header, "
                                "so no name", NULL, 0);
        }

        if (!part.has_name) {
            return sc_form_fail(err, pos,
                                "a part has no name: its "
                                "Content-Disposition has no name parameter",
                                NULL, 0);
        }

        if (part.name.len > limits->max_name) {
            return sc_form_fail(err,
                                (size_t) (part.name.data - body)
                                + limits->max_name,
                                "a field name is longer than the limit",
                                NULL, 1);
        }

        /*
         * the delimiter that ends the part; it may follow the empty line
         * at once when the part has no content (RFC 2046: the CRLF before
         * the content is optional)
         */

        rc = sc_multipart_delimiter(body, len, cs, boundary, &next);
        ce = cs;

        for (i = cs; rc == 0; i = lf + 1) {
            nl = memchr(body + i, '\n', len - i);

            if (nl == NULL) {
                return sc_form_fail(err, len,
                                    "the body ends before the close "
                                    "delimiter: it is truncated",
                                    &part.name, 0);
            }

            lf = nl - body;
            rc = sc_multipart_delimiter(body, len, lf + 1, boundary, &next);

            ce = (lf > cs && body[lf - 1] == '\r') ? lf - 1 : lf;
        }

        vlen = ce - cs;

        if (part.is_file) {
            if (vlen > limits->max_file_size) {
                return sc_form_fail(err, cs + limits->max_file_size,
                                    "the file is larger than the limit",
                                    &part.name, 1);
            }

            /* a file input left empty is no file */

            if (part.filename.len || vlen) {
                if (files == limits->max_files) {
                    return sc_form_fail(err, pos,
                                        "there are more files than the "
                                        "limit", &part.name, 1);
                }

                files++;
            }

        } else if (vlen > limits->max_value) {
            return sc_form_fail(err, cs + limits->max_value,
                                "the value is longer than the limit",
                                &part.name, 1);
        }

        f = &fields[*nfields];
        memset(f, 0, sizeof(sc_form_field_t));

        f->name = part.name;
        f->value.data = body + cs;
        f->value.len = vlen;
        f->is_file = part.is_file;

        if (part.is_file) {
            f->filename = part.filename;
        }

        if (part.has_type) {
            f->content_type = part.content_type;
        }

        (*nfields)++;
    }

    return 0;
}
