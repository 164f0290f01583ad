/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the JSON decoder: the token tree must be
 * consistent (parents, sizes, ends, strings inside work or the input,
 * decoded strings valid UTF-8), the limits must only ever refuse more,
 * and the tree written back out with sc_json_escape() must parse to the
 * same tree.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_json.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


typedef struct {
    unsigned char  *p;
    size_t          n;
} fuzz_buf_t;


static void
fuzz_check_utf8(const sc_str_t *s)
{
    size_t    i, n;
    uint32_t  cp;

    for (i = 0; i < s->len; i += n) {
        n = sc_json_utf8_char(s->data + i, s->len - i, &cp);
        if (n == 0) {
            abort();
        }
    }
}


static void
fuzz_check_tree(const uint8_t *in, size_t len, const unsigned char *work,
    const sc_json_token_t *t, size_t n)
{
    size_t    i, j, count, esc;
    uint32_t  v;
    unsigned char  *out;

    if (n == 0 || t[0].parent != SC_JSON_NONE || t[0].end != n) {
        abort();
    }

    for (i = 0; i < n; i++) {
        if (t[i].end <= i || t[i].end > n) {
            abort();
        }

        if (i > 0) {
            if (t[i].parent >= i
                || (t[t[i].parent].type != SC_JSON_ARRAY
                    && t[t[i].parent].type != SC_JSON_OBJECT)
                || t[i].end > t[t[i].parent].end)
            {
                abort();
            }
        }

        switch (t[i].type) {

        case SC_JSON_STRING:
            if (t[i].str.data < work || t[i].str.len > len
                || t[i].str.data + t[i].str.len > work + len)
            {
                abort();
            }

            fuzz_check_utf8(&t[i].str);

            esc = sc_json_escape_len(t[i].str.data, t[i].str.len);
            out = malloc(esc + 1);

            if (out == NULL
                || sc_json_escape(out, t[i].str.data, t[i].str.len) != esc
                || esc > 6 * t[i].str.len)
            {
                abort();
            }

            free(out);

            /* fall through */

        case SC_JSON_NULL:
        case SC_JSON_TRUE:
        case SC_JSON_FALSE:
            if (t[i].end != i + 1 || t[i].size != 0) {
                abort();
            }

            break;

        case SC_JSON_NUMBER:
            if (t[i].end != i + 1 || t[i].str.len == 0
                || t[i].str.data < in
                || t[i].str.data + t[i].str.len > in + len)
            {
                abort();
            }

            break;

        case SC_JSON_ARRAY:
            count = 0;

            for (j = i + 1; j < t[i].end; j = t[j].end) {
                if (t[j].parent != i) {
                    abort();
                }

                count++;
            }

            if (j != t[i].end || count != t[i].size) {
                abort();
            }

            break;

        case SC_JSON_OBJECT:
            count = 0;

            for (j = i + 1; j < t[i].end; j = t[j + 1].end) {
                if (t[j].type != SC_JSON_STRING || t[j].parent != i
                    || j + 1 >= t[i].end || t[j + 1].parent != i)
                {
                    abort();
                }

                v = sc_json_get(t, n, (uint32_t) i, "");

                if (t[j].str.len == 0 && v != j + 1) {
                    abort();
                }

                count++;
            }

            if (j != t[i].end || count != t[i].size) {
                abort();
            }

            break;

        default:
            abort();
        }
    }
}


static void
fuzz_put(fuzz_buf_t *b, const void *p, size_t n)
{
    memcpy(b->p + b->n, p, n);
    b->n += n;
}


/* the tree written back as JSON; returns the index past the value at i */

static size_t
fuzz_write(fuzz_buf_t *b, const sc_json_token_t *t, size_t i)
{
    size_t  j, k;

    switch (t[i].type) {

    case SC_JSON_NULL:
        fuzz_put(b, "null", 4);
        return i + 1;

    case SC_JSON_TRUE:
        fuzz_put(b, "true", 4);
        return i + 1;

    case SC_JSON_FALSE:
        fuzz_put(b, "false", 5);
        return i + 1;

    case SC_JSON_NUMBER:
        fuzz_put(b, t[i].str.data, t[i].str.len);
        return i + 1;

    case SC_JSON_STRING:
        fuzz_put(b, "\"", 1);
        b->n += sc_json_escape(b->p + b->n, t[i].str.data, t[i].str.len);
        fuzz_put(b, "\"", 1);
        return i + 1;

    case SC_JSON_ARRAY:
        fuzz_put(b, "[", 1);

        for (j = i + 1, k = 0; j < t[i].end; k++) {
            if (k) {
                fuzz_put(b, ",", 1);
            }

            j = fuzz_write(b, t, j);
        }

        fuzz_put(b, "]", 1);
        return j;

    default:
        fuzz_put(b, "{", 1);

        for (j = i + 1, k = 0; j < t[i].end; k++) {
            if (k) {
                fuzz_put(b, ",", 1);
            }

            j = fuzz_write(b, t, j);
            fuzz_put(b, ":", 1);
            j = fuzz_write(b, t, j);
        }

        fuzz_put(b, "}", 1);
        return j;
    }
}


static void
fuzz_same_tree(const sc_json_token_t *a, const sc_json_token_t *b, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (a[i].type != b[i].type || a[i].parent != b[i].parent
            || a[i].size != b[i].size || a[i].end != b[i].end
            || a[i].str.len != b[i].str.len
            || (a[i].str.len
                && memcmp(a[i].str.data, b[i].str.data, a[i].str.len) != 0))
        {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int               rc, rc2;
    size_t            n, n2, cap, i;
    fuzz_buf_t        b;
    unsigned char    *work, *work2;
    sc_json_error_t   err;
    sc_json_limits_t  lim;
    sc_json_token_t  *toks, *toks2;

    cap = size + 1;
    work = malloc(size + 1);
    toks = malloc(cap * sizeof(sc_json_token_t));

    if (work == NULL || toks == NULL) {
        abort();
    }

    rc = sc_json_parse(data, size, work, toks, cap, &n, NULL, &err);

    if (rc != SC_JSON_OK) {
        if (rc != SC_JSON_ERROR || err.message == NULL || err.offset > size
            || n != 0)
        {
            abort();
        }

    } else {
        fuzz_check_tree(data, size, work, toks, n);

        /* written back out, the same tree */

        b.p = malloc(6 * size + 2 * n + 16);
        b.n = 0;

        if (b.p == NULL) {
            abort();
        }

        fuzz_write(&b, toks, 0);

        work2 = malloc(b.n + 1);
        toks2 = malloc((b.n + 1) * sizeof(sc_json_token_t));

        if (work2 == NULL || toks2 == NULL
            || sc_json_parse(b.p, b.n, work2, toks2, b.n + 1, &n2, NULL,
                             &err) != SC_JSON_OK
            || n2 != n)
        {
            abort();
        }

        fuzz_same_tree(toks, toks2, n);

        free(work2);
        free(toks2);
        free(b.p);
    }

    /* tight limits refuse more, never less, and agree when they accept */

    memset(&lim, 0, sizeof(lim));
    lim.max_depth = 3;
    lim.max_tokens = 12;
    lim.max_string = 6;

    work2 = malloc(size + 1);
    toks2 = malloc(cap * sizeof(sc_json_token_t));

    if (work2 == NULL || toks2 == NULL) {
        abort();
    }

    rc2 = sc_json_parse(data, size, work2, toks2, cap, &n2, &lim, &err);

    if (rc2 == SC_JSON_OK) {
        if (rc != SC_JSON_OK || n2 != n || n2 > lim.max_tokens) {
            abort();
        }

        fuzz_same_tree(toks, toks2, n);

        for (i = 0; i < n2; i++) {
            if (toks2[i].type == SC_JSON_STRING
                && toks2[i].str.len > lim.max_string)
            {
                abort();
            }
        }

    } else if (err.too_large == 0 && rc == SC_JSON_OK) {
        abort();
    }

    free(work2);
    free(toks2);
    free(work);
    free(toks);

    return 0;
}
