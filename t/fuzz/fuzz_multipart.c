/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for multipart/form-data: the input is a Content-Type
 * value, a LF, then the body (so are the seeds in corpus/multipart).  The
 * boundary comes from the Content-Type; when there is none, the RFC 7578
 * example boundary "AaB03x" is used.  The body is parsed with no limits but
 * the array, then with tight limits taken from the Content-Type's bytes.
 * Invariants: every string lies in the body, parts in order, within the
 * limits; tight limits only add size errors; the parts, written again as
 * a body, parse to the same parts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_form.h"


#define FUZZ_CAP  32


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int
fuzz_inside(const sc_str_t *s, const uint8_t *body, size_t len)
{
    return s->data >= body && s->len <= len
           && (size_t) (s->data - body) <= len - s->len;
}


static void
fuzz_check_err(int rc, const sc_form_error_t *err, const uint8_t *body,
    size_t len)
{
    if (rc == 0) {
        if (err->message != NULL || err->too_large) {
            abort();
        }

        return;
    }

    if (rc != -1 || err->message == NULL || err->message[0] == '\0'
        || strchr(err->message, '\n') != NULL || err->offset > len
        || (err->too_large != 0 && err->too_large != 1))
    {
        abort();
    }

    if (err->field.data != NULL && !fuzz_inside(&err->field, body, len)) {
        abort();
    }
}


static void
fuzz_check_fields(const sc_form_field_t *f, size_t n, const uint8_t *body,
    size_t len, const sc_form_limits_t *lim)
{
    size_t          i, files;
    const uint8_t  *end;

    if (n > FUZZ_CAP || (lim && n > lim->max_fields)) {
        abort();
    }

    files = 0;
    end = body;

    for (i = 0; i < n; i++) {

        if (!fuzz_inside(&f[i].name, body, len)
            || !fuzz_inside(&f[i].value, body, len)
            || f[i].value.data < end
            || f[i].name.data > f[i].value.data)
        {
            abort();
        }

        /* the content is followed by the delimiter's line end or by it */

        end = f[i].value.data + f[i].value.len;

        if (end == body + len || (*end != '\r' && *end != '\n' && *end != '-'))
        {
            abort();
        }

        if (f[i].filename.data
            && (!f[i].is_file || !fuzz_inside(&f[i].filename, body, len)
                || memchr(f[i].filename.data, '/', f[i].filename.len)
                || memchr(f[i].filename.data, '\\', f[i].filename.len)))
        {
            abort();
        }

        if (f[i].is_file != (f[i].filename.data != NULL)) {
            abort();
        }

        if (f[i].content_type.data
            && !fuzz_inside(&f[i].content_type, body, len))
        {
            abort();
        }

        if (f[i].is_file && (f[i].filename.len || f[i].value.len)) {
            files++;
        }

        if (lim == NULL) {
            continue;
        }

        if (f[i].name.len > lim->max_name
            || (f[i].is_file && f[i].value.len > lim->max_file_size)
            || (!f[i].is_file && f[i].value.len > lim->max_value))
        {
            abort();
        }
    }

    if (lim && files > lim->max_files) {
        abort();
    }
}


static int
fuzz_same(const sc_str_t *a, const sc_str_t *b)
{
    return (a->data == NULL) == (b->data == NULL) && a->len == b->len
           && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}


#define fuzz_add(p, s, n)  (memcpy(p, s, n), (p) + (n))


/* the parts written again as a browser would write them */

static void
fuzz_rewrite(const sc_form_field_t *f, size_t n, sc_str_t boundary)
{
    int               rc;
    size_t            i, len, n2;
    uint8_t          *body, *p;
    sc_form_error_t   err;
    sc_form_field_t   f2[FUZZ_CAP];

    len = 4 + boundary.len + 4;

    for (i = 0; i < n; i++) {
        len += 2 + boundary.len + 2 + 128 + f[i].name.len
               + f[i].filename.len + f[i].content_type.len
               + f[i].value.len + 2;
    }

    body = malloc(len);

    if (body == NULL) {
        abort();
    }

    p = body;

    for (i = 0; i < n; i++) {
        p = fuzz_add(p, "--", 2);
        p = fuzz_add(p, boundary.data, boundary.len);
        p = fuzz_add(p, "\r\nContent-Disposition: form-data; name=\"", 40);
        p = fuzz_add(p, f[i].name.data, f[i].name.len);
        p = fuzz_add(p, "\"", 1);

        if (f[i].is_file) {
            p = fuzz_add(p, "; filename=\"", 12);
            p = fuzz_add(p, f[i].filename.data, f[i].filename.len);
            p = fuzz_add(p, "\"", 1);
        }

        p = fuzz_add(p, "\r\n", 2);

        if (f[i].content_type.data) {
            p = fuzz_add(p, "Content-Type: ", 14);
            p = fuzz_add(p, f[i].content_type.data, f[i].content_type.len);
            p = fuzz_add(p, "\r\n", 2);
        }

        p = fuzz_add(p, "\r\n", 2);
        p = fuzz_add(p, f[i].value.data, f[i].value.len);
        p = fuzz_add(p, "\r\n", 2);
    }

    p = fuzz_add(p, "--", 2);
    p = fuzz_add(p, boundary.data, boundary.len);
    p = fuzz_add(p, "--\r\n", 4);

    if ((size_t) (p - body) > len) {
        abort();
    }

    rc = sc_multipart_parse(body, p - body, boundary, f2, FUZZ_CAP, &n2,
                            NULL, &err);

    if (rc != 0 || n2 != n) {
        abort();
    }

    for (i = 0; i < n; i++) {
        if (!fuzz_same(&f[i].name, &f2[i].name)
            || !fuzz_same(&f[i].value, &f2[i].value)
            || !fuzz_same(&f[i].filename, &f2[i].filename)
            || !fuzz_same(&f[i].content_type, &f2[i].content_type)
            || f[i].is_file != f2[i].is_file)
        {
            abort();
        }
    }

    free(body);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 rc, rc2;
    size_t              ct_len, len, n, n2, i, sum;
    uint8_t            *body;
    sc_str_t            boundary;
    sc_form_error_t     err, err2;
    sc_form_field_t     f[FUZZ_CAP], f2[FUZZ_CAP];
    sc_form_limits_t    lim;
    sc_content_type_t   ct;
    const uint8_t      *nl;

    nl = memchr(data, '\n', size);
    ct_len = nl ? (size_t) (nl - data) : size;

    ct = sc_form_content_type(data, ct_len);

    if (ct != SC_CT_OTHER && ct != SC_CT_URLENCODED && ct != SC_CT_MULTIPART
        && ct != SC_CT_JSON)
    {
        abort();
    }

    if (sc_multipart_boundary(data, ct_len, &boundary) == 0) {
        if (ct != SC_CT_MULTIPART || boundary.len == 0
            || boundary.len > SC_MULTIPART_BOUNDARY_MAX
            || boundary.data < data
            || boundary.data + boundary.len > data + ct_len)
        {
            abort();
        }

    } else {
        boundary.data = (const unsigned char *) "AaB03x";
        boundary.len = 6;
    }

    /* the body in a buffer of its own, so that overreads are seen */

    len = nl ? size - ct_len - 1 : 0;
    body = malloc(len + 1);

    if (body == NULL) {
        abort();
    }

    memcpy(body, nl ? nl + 1 : data, len);

    rc = sc_multipart_parse(body, len, boundary, f, FUZZ_CAP, &n, NULL,
                            &err);

    fuzz_check_err(rc, &err, body, len);
    fuzz_check_fields(f, n, body, len, NULL);

    if (rc == 0) {
        fuzz_rewrite(f, n, boundary);
    }

    /* tight limits only add size errors */

    sum = 0;

    for (i = 0; i < ct_len; i++) {
        sum = sum * 31 + data[i];
    }

    lim.max_fields = sum % 6;
    lim.max_name = (sum >> 3) % 12;
    lim.max_value = (sum >> 7) % 40;
    lim.max_files = (sum >> 13) % 3;
    lim.max_file_size = (sum >> 15) % 64;
    lim.max_header = (sum >> 21) % 160;

    rc2 = sc_multipart_parse(body, len, boundary, f2, FUZZ_CAP, &n2, &lim,
                             &err2);

    fuzz_check_err(rc2, &err2, body, len);
    fuzz_check_fields(f2, n2, body, len, &lim);

    if (n2 > n
        || (rc2 == 0 && (rc != 0 || n2 != n))
        || (rc2 == -1 && !err2.too_large
            && (rc != -1 || err.offset != err2.offset
                || strcmp(err.message, err2.message) != 0)))
    {
        abort();
    }

    if (memcmp(f, f2, n2 * sizeof(sc_form_field_t)) != 0) {
        abort();
    }

    free(body);

    return 0;
}
