/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the application/x-www-form-urlencoded decoder and
 * the Content-Type classifier.  The input is the body.  It is decoded
 * with no limits but the array, then with tight limits taken from its
 * first bytes; the invariants: every string lies in work, in order, within
 * the limits; tight limits only add size errors; what was decoded, encoded
 * again, decodes to the same fields.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_form.h"


#define FUZZ_CAP  64


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
fuzz_check_err(int rc, const sc_form_error_t *err, size_t len,
    const uint8_t *work)
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

    if (err->field.data != NULL
        && (err->field.data < work
            || err->field.data + err->field.len > work + len))
    {
        abort();
    }
}


static void
fuzz_check_fields(const sc_form_field_t *f, size_t n, const uint8_t *work,
    size_t len, const sc_form_limits_t *lim)
{
    size_t          i;
    const uint8_t  *w;

    if (n > FUZZ_CAP || (lim && n > lim->max_fields)) {
        abort();
    }

    w = work;

    for (i = 0; i < n; i++) {

        /* name then value, back to back, in order, inside work */

        if (f[i].name.data != w
            || f[i].value.data != w + f[i].name.len
            || f[i].value.data + f[i].value.len > work + len
            || f[i].is_file || f[i].filename.len || f[i].filename.data
            || f[i].content_type.len || f[i].content_type.data)
        {
            abort();
        }

        if (lim && (f[i].name.len > lim->max_name
                    || f[i].value.len > lim->max_value))
        {
            abort();
        }

        w = f[i].value.data + f[i].value.len;
    }
}


static uint8_t *
fuzz_encode(uint8_t *p, const sc_str_t *s)
{
    size_t         i;
    unsigned char  c;

    static const char  hex[] = "0123456789ABCDEF";

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            || c == '-' || c == '_' || c == '.' || c == '*')
        {
            *p++ = c;

        } else if (c == ' ') {
            *p++ = '+';

        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
        }
    }

    return p;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                rc, rc2;
    size_t             n, n2, i, enc_len;
    uint8_t           *work, *work2, *enc, *p;
    sc_form_error_t    err, err2;
    sc_form_field_t    f[FUZZ_CAP], f2[FUZZ_CAP];
    sc_form_limits_t   lim;

    (void) sc_form_content_type(data, size);

    work = malloc(size + 1);
    work2 = malloc(size + 1);

    if (work == NULL || work2 == NULL) {
        abort();
    }

    rc = sc_urlencoded_parse(data, size, work, f, FUZZ_CAP, &n, NULL, &err);

    fuzz_check_err(rc, &err, size, work);
    fuzz_check_fields(f, n, work, size, NULL);

    /* tight limits only add size errors */

    lim.max_fields = size ? data[0] % 8 : 0;
    lim.max_name = size > 1 ? data[1] % 16 : 0;
    lim.max_value = size > 2 ? data[2] % 32 : 0;
    lim.max_files = 0;
    lim.max_file_size = 0;
    lim.max_header = 0;

    rc2 = sc_urlencoded_parse(data, size, work2, f2, FUZZ_CAP, &n2, &lim,
                              &err2);

    fuzz_check_err(rc2, &err2, size, work2);
    fuzz_check_fields(f2, n2, work2, size, &lim);

    if (n2 > n
        || (rc2 == 0 && (rc != 0 || n2 != n))
        || (rc2 == -1 && !err2.too_large
            && (rc != -1 || err.offset != err2.offset
                || strcmp(err.message, err2.message) != 0)))
    {
        abort();
    }

    for (i = 0; i < n2; i++) {
        if (f2[i].name.len != f[i].name.len
            || f2[i].value.len != f[i].value.len
            || memcmp(f2[i].name.data, f[i].name.data, f[i].name.len) != 0
            || memcmp(f2[i].value.data, f[i].value.data, f[i].value.len)
               != 0)
        {
            abort();
        }
    }

    if (rc != 0) {
        goto done;
    }

    /* encoded again, the same fields */

    enc_len = 0;

    for (i = 0; i < n; i++) {
        enc_len += 3 * (f[i].name.len + f[i].value.len) + 2;
    }

    enc = malloc(enc_len + 1);

    if (enc == NULL) {
        abort();
    }

    p = enc;

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = '&';
        }

        p = fuzz_encode(p, &f[i].name);
        *p++ = '=';
        p = fuzz_encode(p, &f[i].value);
    }

    free(work2);
    work2 = malloc((p - enc) + 1);

    if (work2 == NULL) {
        abort();
    }

    rc2 = sc_urlencoded_parse(enc, p - enc, work2, f2, FUZZ_CAP, &n2, NULL,
                              &err2);

    if (rc2 != 0 || n2 != n) {
        abort();
    }

    for (i = 0; i < n; i++) {
        if (f2[i].name.len != f[i].name.len
            || f2[i].value.len != f[i].value.len
            || memcmp(f2[i].name.data, f[i].name.data, f[i].name.len) != 0
            || memcmp(f2[i].value.data, f[i].value.data, f[i].value.len)
               != 0)
        {
            abort();
        }
    }

    free(enc);

done:

    free(work);
    free(work2);

    return 0;
}
