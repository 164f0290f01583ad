/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the report: JSON -> sc_report_from_json() ->
 * validate -> canonical JSON, and the same input as form fields
 * ("name=value" lines).  The canonical JSON must be exactly as long as
 * sc_report_json_len() says, parse again, read back as the same report,
 * and hash to the digest; the errors JSON likewise.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sc_report.h"


#define FUZZ_ERRS  (SC_REPORT_MAX_ERRORS + 8)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
fuzz_check_errors(const sc_report_error_t *errs, size_t n)
{
    size_t            len, i, ntoks;
    unsigned char    *out, *work;
    sc_json_token_t  *toks;

    for (i = 0; i < n; i++) {
        if (errs[i].code == NULL || errs[i].message == NULL) {
            abort();
        }
    }

    len = sc_report_errors_json_len(errs, n);
    out = malloc(len + 1);
    work = malloc(len + 1);
    toks = malloc((len + 1) * sizeof(sc_json_token_t));

    if (out == NULL || work == NULL || toks == NULL) {
        abort();
    }

    out[len] = 0x5a;

    if (sc_report_errors_json(out, errs, n) != len || out[len] != 0x5a) {
        abort();
    }

    if (sc_json_parse(out, len, work, toks, len + 1, &ntoks, NULL, NULL)
        != SC_JSON_OK
        || toks[0].type != SC_JSON_OBJECT)
    {
        abort();
    }

    free(out);
    free(work);
    free(toks);
}


/*
 * The canonical JSON: exact length, nothing written past it, the digest,
 * and, when it must be valid JSON (always for text that came from JSON,
 * after validation for form text), that it parses and reads back as the
 * same report.
 */

static void
fuzz_check_canonical(const sc_report_t *r, int must_parse)
{
    size_t            len, len2, ntoks, nerrs;
    unsigned char    *out, *out2, *work, sha[32], sha2[32];
    sc_report_t       r2;
    sc_json_token_t  *toks;
    sc_report_error_t errs[FUZZ_ERRS];

    len = sc_report_json_len(r);
    out = malloc(len + 1);

    if (out == NULL) {
        abort();
    }

    out[len] = 0xa5;

    if (sc_report_json(out, r) != len || out[len] != 0xa5) {
        abort();
    }

    sc_report_digest(r, out, sha);
    crypto_hash_sha256(sha2, out, len);

    if (memcmp(sha, sha2, 32) != 0) {
        abort();
    }

    if (!must_parse) {
        free(out);
        return;
    }

    work = malloc(len + 1);
    toks = malloc((len + 1) * sizeof(sc_json_token_t));

    if (work == NULL || toks == NULL
        || sc_json_parse(out, len, work, toks, len + 1, &ntoks, NULL, NULL)
           != SC_JSON_OK)
    {
        abort();
    }

    sc_report_init(&r2);
    nerrs = 0;

    sc_report_from_json(&r2, toks, ntoks, errs, FUZZ_ERRS, &nerrs);

    /* only "attachments" is not a member sc_report_from_json() reads */

    if (nerrs > (r->nattachments ? 1 : 0)) {
        abort();
    }

    r2.attachments = r->attachments;
    r2.nattachments = r->nattachments;

    len2 = sc_report_json_len(&r2);
    out2 = malloc(len2 + 1);

    if (out2 == NULL || len2 != len || sc_report_json(out2, &r2) != len
        || memcmp(out, out2, len) != 0)
    {
        abort();
    }

    free(out);
    free(out2);
    free(work);
    free(toks);
}


/* validation, on its own room for errors; returns how many it found */

static size_t
fuzz_validate(const sc_report_t *r, const sc_report_error_t *intake,
    size_t nintake)
{
    size_t             n;
    sc_report_error_t  errs[FUZZ_ERRS];

    n = sc_report_validate(r, errs, FUZZ_ERRS);

    if (n > SC_REPORT_MAX_ERRORS) {
        abort();
    }

    fuzz_check_errors(intake, nintake);
    fuzz_check_errors(errs, n);

    return n;
}


static void
fuzz_json(const uint8_t *data, size_t size,
    const sc_report_attachment_t *att, size_t natt)
{
    size_t             ntoks, nerrs;
    unsigned char     *work;
    sc_report_t        r;
    sc_json_limits_t   lim;
    sc_json_token_t   *toks;
    sc_report_error_t  errs[FUZZ_ERRS];

    work = malloc(size + 1);
    toks = malloc((size + 1) * sizeof(sc_json_token_t));

    if (work == NULL || toks == NULL) {
        abort();
    }

    lim.max_depth = 8;
    lim.max_tokens = 1024;
    lim.max_string = 70000;

    if (sc_json_parse(data, size, work, toks, size + 1, &ntoks, &lim, NULL)
        != SC_JSON_OK)
    {
        goto done;
    }

    sc_report_init(&r);
    nerrs = 0;

    sc_report_from_json(&r, toks, ntoks, errs, FUZZ_ERRS, &nerrs);

    if (nerrs > FUZZ_ERRS) {
        abort();
    }

    r.attachments = att;
    r.nattachments = natt;

    fuzz_validate(&r, errs, nerrs);

    /* strings from JSON are UTF-8: the canonical JSON is always valid */

    fuzz_check_canonical(&r, 1);

done:

    free(work);
    free(toks);
}


/* the input as form fields: lines of name=value */

static void
fuzz_form(const uint8_t *data, size_t size)
{
    size_t             i, e, eq, nerrs, n;
    sc_report_t        r;
    sc_report_error_t  errs[FUZZ_ERRS];

    static const char *const  ignore[] = { "_token", "website", NULL };

    sc_report_init(&r);
    nerrs = 0;

    for (i = 0; i < size; i = e + 1) {
        e = i;
        eq = size;

        while (e < size && data[e] != '\n') {
            if (data[e] == '=' && eq == size) {
                eq = e;
            }

            e++;
        }

        if (eq > e) {
            eq = e;
        }

        sc_report_set(&r, data + i, eq - i, data + (eq < e ? eq + 1 : e),
                      e - (eq < e ? eq + 1 : e), ignore, errs, FUZZ_ERRS,
                      &nerrs);

        if (nerrs > FUZZ_ERRS) {
            abort();
        }
    }

    n = fuzz_validate(&r, errs, nerrs);

    /* text from a form is checked only by validation */

    fuzz_check_canonical(&r, n == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_report_attachment_t  att[2];

    att[0].filename.data = (const unsigned char *) "poc.html";
    att[0].filename.len = 8;
    att[0].content_type.data = (const unsigned char *) "text/html";
    att[0].content_type.len = 9;
    att[0].data.data = data;
    att[0].data.len = size;

    att[1].filename.data = (const unsigned char *) "empty";
    att[1].filename.len = 5;
    att[1].content_type.data = (const unsigned char *) "";
    att[1].content_type.len = 0;
    att[1].data.data = data;
    att[1].data.len = size < 3 ? size : 3;

    fuzz_json(data, size, NULL, 0);
    fuzz_json(data, size, att, (size & 1) ? 2 : 1);
    fuzz_form(data, size);

    return 0;
}
