/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the form decoders: Content-Type classification,
 * application/x-www-form-urlencoded, the multipart boundary parameter and
 * multipart/form-data bodies, with their limits.
 */


#include <stdlib.h>

#include "tap.h"
#include "sc_form.h"


#define S(s)    (const unsigned char *) (s), sizeof(s) - 1
#define NF      16

#define BND     "----WebKitFormBoundaryQv3JxWc3t2pvOQ5E"


static const sc_form_limits_t  limits = {
    16,         /* max_fields */
    32,         /* max_name */
    256,        /* max_value */
    2,          /* max_files */
    64,         /* max_file_size */
    256         /* max_header */
};


static sc_form_field_t  fields[NF];
static size_t           nfields;
static sc_form_error_t  err;
static unsigned char    work[4096];


/*
 * Each body is copied to a buffer of its exact size, so that AddressSanitizer
 * sees any read past its end; the copy lives until the next call.
 */

static unsigned char  *copy;
static size_t          copy_len;


static const unsigned char *
exact(const unsigned char *body, size_t len)
{
    free(copy);

    copy = malloc(len ? len : 1);
    copy_len = len;

    if (copy == NULL) {
        abort();
    }

    memcpy(copy, body, len);

    return copy;
}


static int
url(const unsigned char *body, size_t len, const sc_form_limits_t *lim)
{
    return sc_urlencoded_parse(exact(body, len), len, work, fields, NF,
                               &nfields, lim, &err);
}


static int
mp(const unsigned char *body, size_t len, const sc_form_limits_t *lim)
{
    sc_str_t  b = sc_str(BND);

    return sc_multipart_parse(exact(body, len), len, b, fields, NF, &nfields,
                              lim, &err);
}


static int
field_is(size_t i, const char *name, const char *value)
{
    return i < nfields
           && fields[i].name.len == strlen(name)
           && memcmp(fields[i].name.data, name, fields[i].name.len) == 0
           && fields[i].value.len == strlen(value)
           && memcmp(fields[i].value.data, value, fields[i].value.len) == 0;
}


static int
err_field_is(const char *name)
{
    return err.field.data != NULL && err.field.len == strlen(name)
           && memcmp(err.field.data, name, err.field.len) == 0;
}


static void
test_content_type(void)
{
    is_int(sc_form_content_type(S("application/x-www-form-urlencoded")),
           SC_CT_URLENCODED, "urlencoded");
    is_int(sc_form_content_type(
               S("application/x-www-form-urlencoded; charset=UTF-8")),
           SC_CT_URLENCODED, "urlencoded with charset UTF-8");
    is_int(sc_form_content_type(
               S("Application/X-WWW-Form-URLEncoded;charset=\"utf-8\"")),
           SC_CT_URLENCODED, "media type case, quoted charset");
    is_int(sc_form_content_type(
               S("application/x-www-form-urlencoded; charset=iso-8859-1")),
           SC_CT_OTHER, "urlencoded in latin-1 refused");
    is_int(sc_form_content_type(S("application/x-www-form-urlencoded  ")),
           SC_CT_URLENCODED, "trailing white space");

    is_int(sc_form_content_type(
               S("multipart/form-data; boundary=" BND)),
           SC_CT_MULTIPART, "multipart");
    is_int(sc_form_content_type(
               S("MULTIPART/FORM-DATA; charset=iso-8859-1; boundary=x")),
           SC_CT_MULTIPART, "multipart: charset ignored");
    is_int(sc_form_content_type(S("multipart/form-data")), SC_CT_MULTIPART,
           "multipart without boundary is still multipart");

    is_int(sc_form_content_type(S("application/json")), SC_CT_JSON, "json");
    is_int(sc_form_content_type(S("Application/JSON; charset=utf-8")),
           SC_CT_JSON, "json with charset");
    is_int(sc_form_content_type(S("application/json;")), SC_CT_JSON,
           "empty parameter tolerated");
    is_int(sc_form_content_type(S("application/json; charset=utf-16")),
           SC_CT_OTHER, "json in utf-16 refused");
    is_int(sc_form_content_type(S("application/json; charset=\"utf\\-8\"")),
           SC_CT_OTHER, "escaped charset refused");
    is_int(sc_form_content_type(S("application/json; charset")),
           SC_CT_OTHER, "malformed parameter");
    is_int(sc_form_content_type(S("application/json x")), SC_CT_OTHER,
           "junk after the media type");
    is_int(sc_form_content_type(S("application/json; a=\"x")), SC_CT_OTHER,
           "unterminated quoted string");

    is_int(sc_form_content_type(S("text/plain")), SC_CT_OTHER, "text/plain");
    is_int(sc_form_content_type(S("application/jsonx")), SC_CT_OTHER,
           "a longer subtype");
    is_int(sc_form_content_type(S("application/")), SC_CT_OTHER,
           "no subtype");
    is_int(sc_form_content_type(S("")), SC_CT_OTHER, "empty");
    is_int(sc_form_content_type(NULL, 0), SC_CT_OTHER, "NULL");
}


static void
test_urlencoded(void)
{
    sc_form_limits_t  lim;

    is_int(url(S("title=XSS+in+search&target_url=https%3A%2F%2Fx.example"
                 "%2F%3Fq%3D1&d=caf%C3%a9"), &limits),
           0, "urlencoded parses");
    is_int(nfields, 3, "three fields");
    ok(field_is(0, "title", "XSS in search"), "'+' is a space");
    ok(field_is(1, "target_url", "https://x.example/?q=1"), "%%XX escapes");
    ok(field_is(2, "d", "caf\xc3\xa9"), "lower and upper case hex");
    ok(fields[0].value.data >= work && !fields[0].is_file
       && fields[0].filename.len == 0 && fields[0].content_type.len == 0,
       "values in work, no file");
    ok(err.message == NULL, "no error message on success");

    is_int(url(S("a+b%20c=1%2B1=2"), &limits), 0, "name escapes");
    ok(field_is(0, "a b c", "1+1=2"), "name decoded, '=' in value kept");

    is_int(url(S("=x&y=&z&=&a=%00"), &limits), 0, "empty names and values");
    is_int(nfields, 5, "five fields");
    ok(field_is(0, "", "x"), "empty name");
    ok(field_is(1, "y", ""), "empty value");
    ok(field_is(2, "z", ""), "no '=' is an empty value");
    ok(field_is(3, "", ""), "empty name and value");
    ok(nfields == 5 && fields[4].value.len == 1
       && fields[4].value.data[0] == '\0', "%%00 decodes to a NUL byte");

    is_int(url(S("a=1&&b=2&"), &limits), 0, "empty sequences");
    is_int(nfields, 2, "empty sequences skipped");

    is_int(url(S("&&&"), &limits), 0, "only separators");
    is_int(nfields, 0, "no fields");

    is_int(url(S("k=1&k=2&j=0&k=3"), &limits), 0, "repeated names");
    ok(field_is(0, "k", "1") && field_is(1, "k", "2")
       && field_is(2, "j", "0") && field_is(3, "k", "3"),
       "repeated names kept in order");

    is_int(url(S(""), &limits), 0, "empty body");
    is_int(nfields, 0, "empty body gives no fields");
    is_int(sc_urlencoded_parse(NULL, 0, NULL, NULL, 0, &nfields, &limits,
                               &err), 0, "NULL empty body");

    /* bad escapes */

    is_int(url(S("a=1&b%zz=2"), &limits), -1, "%%zz in a name");
    is_int(err.offset, 5, "offset of the bad escape");
    ok(err.message != NULL && err.field.data == NULL && !err.too_large,
       "message, no field, not a size limit");
    is_int(nfields, 1, "fields before the error kept");

    is_int(url(S("title=100%zz"), &limits), -1, "%%zz in a value");
    is_int(err.offset, 9, "offset of the bad escape in the value");
    ok(err_field_is("title"), "error names the field");
    ok(!err.too_large, "a bad escape is not a size limit");
    is_str(err.message, "the value holds a \"%\" that does not start a "
           "%XX escape", "message");

    is_int(url(S("a=%4"), &limits), -1, "short escape");
    is_int(url(S("a=%"), &limits), -1, "lone percent sign");
    is_int(url(S("a=%4g&b=1"), &limits), -1, "one bad hex digit");
    is_int(url(S("a=%%41"), &limits), -1, "%%%% is not an escape");

    /* limits */

    lim = limits;
    lim.max_fields = 2;
    is_int(url(S("a=1&b=2"), &lim), 0, "fields at the limit");
    is_int(url(S("a=1&b=2&c=3"), &lim), -1, "fields over the limit");
    ok(err.too_large && err.offset == 8 && err.field.data == NULL,
       "too many fields is a size limit, at the third pair");
    is_int(nfields, 2, "two fields before it");

    is_int(sc_urlencoded_parse(S("a&b&c"), work, fields, 2, &nfields,
                               &limits, &err),
           -1, "over the capacity of the array");
    ok(err.too_large, "capacity: too_large");

    lim = limits;
    lim.max_name = 5;
    is_int(url(S("abcde=1&%41%42%43%44%45=2"), &lim), 0,
           "names at the limit, counted decoded");
    is_int(url(S("abcdef=1"), &lim), -1, "name over the limit");
    ok(err.too_large && err.offset == 5 && err.field.data == NULL,
           "name: too_large at the sixth byte");

    lim = limits;
    lim.max_value = 5;
    is_int(url(S("t=12345&u=%31%32%33%34%35"), &lim), 0,
           "values at the limit");
    is_int(url(S("x=1&title=123456"), &lim), -1, "value over the limit");
    ok(err.too_large && err_field_is("title") && err.offset == 15,
       "value: too_large, field named, offset of the sixth byte");
    is_str(err.message, "the value is longer than the limit", "message");

    lim.max_value = 0;
    is_int(url(S("a=&b"), &lim), 0, "max_value 0 allows empty values");
    is_int(url(S("a=1"), &lim), -1, "and nothing more");

    is_int(url(S("a=1&b=2"), NULL), 0, "NULL limits");
    is_int(sc_urlencoded_parse(S("a=%"), work, fields, NF, &nfields, NULL,
                               NULL), -1, "NULL err");
}


static void
test_boundary(void)
{
    sc_str_t  b;

    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=" BND), &b),
           0, "token boundary");
    is_mem(b.data, b.len, BND, sizeof(BND) - 1, "Chromium boundary");

    is_int(sc_multipart_boundary(S("multipart/form-data; "
                                   "boundary=\"a b:c(d)'e+f_g,h-i.j/k=l?\""),
                                 &b),
           0, "quoted boundary");
    is_mem(b.data, b.len, "a b:c(d)'e+f_g,h-i.j/k=l?", 25,
           "every bchar, quotes removed");

    is_int(sc_multipart_boundary(S("Multipart/Form-Data;CHARSET=utf-8;"
                                   "  BoUnDaRy=xYz ; foo=\"b;ar\""), &b),
           0, "parameter name case-insensitive, other parameters");
    is_mem(b.data, b.len, "xYz", 3, "value case kept");

    is_int(sc_multipart_boundary(S("multipart/form-data; boundary = x"),
                                 &b), 0, "white space around '='");
    is_mem(b.data, b.len, "x", 1, "one character");

    is_int(sc_multipart_boundary(S("multipart/form-data; boundary="
               "1234567890123456789012345678901234567890"
               "123456789012345678901234567890"), &b),
           0, "70 characters");
    is_int(b.len, 70, "all of them");

    b.len = 12345;

    is_int(sc_multipart_boundary(S("multipart/form-data"), &b), -1,
           "missing");
    is_int(b.len, 12345, "boundary untouched on error");
    is_int(sc_multipart_boundary(S("multipart/form-data; charset=utf-8"), &b),
           -1, "missing among others");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary="
               "1234567890123456789012345678901234567890"
               "1234567890123456789012345678901"), &b),
           -1, "71 characters: too long");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=\"\""), &b),
           -1, "empty quoted");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary="), &b),
           -1, "empty");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=a{b"), &b),
           -1, "'{' is not a bchar");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=\"a\\b\""),
                                 &b),
           -1, "backslash refused");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=\"ab \""),
                                 &b),
           -1, "trailing space refused");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=a b"), &b),
           -1, "bare value with a space");
    is_int(sc_multipart_boundary(S("multipart/form-data; "
                                   "boundary=\"a\xc3\xa9\""), &b),
           -1, "non-ASCII refused");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=\"abc"), &b),
           -1, "unterminated quote");
    is_int(sc_multipart_boundary(S("multipart/form-data; boundary=a; "
                                   "boundary=b"), &b),
           -1, "repeated");
    is_int(sc_multipart_boundary(S("multipart/mixed; boundary=a"), &b), -1,
           "another multipart type");
    is_int(sc_multipart_boundary(S("application/json; boundary=a"), &b), -1,
           "not multipart");
    is_int(sc_multipart_boundary(NULL, 0, &b), -1, "NULL");
}


/* what Chromium sends for a form with two text fields and a file */

static const unsigned char  chromium[] =
    "--" BND "\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "XSS in search\r\n"
    "--" BND "\r\n"
    "Content-Disposition: form-data; name=\"description\"\r\n"
    "\r\n"
    "line 1\r\nline 2\r\n"
    "--" BND "\r\n"
    "Content-Disposition: form-data; name=\"attachment\"; "
    "filename=\"poc.png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n"
    "--" BND "--\r\n";


static const unsigned char  png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";


static void
test_multipart_browser(void)
{
    size_t          n;
    unsigned char   lf[sizeof(chromium)];

    is_int(mp(chromium, sizeof(chromium) - 1, &limits), 0,
           "browser body parses");
    is_int(nfields, 3, "three parts");
    ok(field_is(0, "title", "XSS in search") && !fields[0].is_file,
       "text field");
    ok(field_is(1, "description", "line 1\r\nline 2"),
       "text with line breaks, the delimiter's CRLF removed");
    ok(fields[0].filename.data == NULL && fields[0].content_type.data == NULL,
       "text field has no filename, no type");
    ok(nfields == 3 && fields[2].is_file, "file part");
    is_mem(fields[2].name.data, fields[2].name.len, "attachment", 10,
           "file field name");
    is_mem(fields[2].filename.data, fields[2].filename.len, "poc.png", 7,
           "filename");
    is_mem(fields[2].content_type.data, fields[2].content_type.len,
           "image/png", 9, "content type");
    ok(fields[2].value.len == sizeof(png) - 1
       && memcmp(fields[2].value.data, png, sizeof(png) - 1) == 0,
       "file bytes exact, NULs and CRLFs included");
    ok(fields[2].value.data > copy
       && fields[2].value.data + fields[2].value.len < copy + copy_len,
       "values point into the body");

    /* the same with bare LF line ends (the file's own CRLFs stay) */

    n = 0;

#define ADD(s)  memcpy(lf + n, s, sizeof(s) - 1); n += sizeof(s) - 1

    ADD("--" BND "\n");
    ADD("Content-Disposition: form-data; name=\"title\"\n");
    ADD("\n");
    ADD("XSS in search\n");
    ADD("--" BND "\n");
    ADD("Content-Disposition: form-data; name=\"attachment\"; "
        "filename=\"poc.png\"\n");
    ADD("Content-Type: image/png\n");
    ADD("\n");
    memcpy(lf + n, png, sizeof(png) - 1);
    n += sizeof(png) - 1;
    ADD("\n--" BND "--\n");

    is_int(mp(lf, n, &limits), 0, "bare LF body parses");
    is_int(nfields, 2, "two parts");
    ok(field_is(0, "title", "XSS in search"), "text field, LF removed");
    ok(nfields == 2 && fields[1].value.len == sizeof(png) - 1
       && memcmp(fields[1].value.data, png, sizeof(png) - 1) == 0,
       "file bytes exact");

    /* mixed: CRLF headers, LF delimiters */

    n = 0;
    ADD("--" BND "\r\n");
    ADD("Content-Disposition: form-data; name=\"a\"\r\n\r\n");
    ADD("x\n");
    ADD("--" BND "\n");
    ADD("Content-Disposition: form-data; name=\"b\"\n\n");
    ADD("y\r\n");
    ADD("--" BND "--");

    is_int(mp(lf, n, &limits), 0, "mixed line ends");
    ok(field_is(0, "a", "x") && field_is(1, "b", "y"), "values");
}


static void
test_multipart(void)
{
    sc_str_t          b;
    sc_form_limits_t  lim;

#define BODY(s)  S(s)
#define PART(name)                                                          \
    "--" BND "\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n"
#define FILEPART(name, fn)                                                  \
    "--" BND "\r\nContent-Disposition: form-data; name=\"" name "\"; "      \
    "filename=\"" fn "\"\r\nContent-Type: application/octet-stream\r\n\r\n"
#define CLOSE   "--" BND "--\r\n"

    /* preamble and epilogue */

    is_int(mp(BODY("This is the preamble.\r\n--" BND "-not\r\n"
                   PART("a") "1\r\n"
                   "--" BND "--\r\nThis is the epilogue.\r\n--" BND "\r\n"),
              &limits), 0, "preamble and epilogue");
    ok(nfields == 1 && field_is(0, "a", "1"), "both ignored");

    is_int(mp(BODY("--" BND " \t\r\n"
                   "content-disposition:form-data;name=a\r\n\r\n"
                   "1\r\n--" BND "--\t"), &limits),
           0, "transport padding, bare name, no space after ':'");
    ok(field_is(0, "a", "1"), "value");

    is_int(mp(BODY(CLOSE), &limits), 0, "only a close delimiter");
    is_int(nfields, 0, "no parts");

    /* missing close delimiter, truncation */

    is_int(mp(BODY(PART("a") "1\r\n"), &limits), -1,
           "missing close delimiter");
    ok(err.message != NULL && !err.too_large && err_field_is("a"),
       "error names the part, not a size limit");
    is_int(err.offset, copy_len, "at the end of the body");

    is_int(mp(BODY(PART("a") "1\r\n--" BND "\r\n"), &limits), -1,
           "body ends after a delimiter");
    is_int(mp(BODY(PART("a") "1\r\n--" BND), &limits), -1,
           "body ends inside a delimiter line");
    is_int(mp(BODY(PART("a") "1\r\n--" BND "-"), &limits), -1,
           "body ends inside a close delimiter");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-da"), &limits),
           -1, "truncated in a header");
    is_str(err.message, "the body ends inside the header block of a part",
           "message");
    is_int(mp(BODY(PART("a") "1\r\n" PART("b") "ab"), &limits), -1,
           "truncated in the content");
    is_int(nfields, 1, "one part before it");

    is_int(mp(BODY(""), &limits), -1, "empty body");
    is_int(mp(BODY("a=1&b=2"), &limits), -1, "no delimiter");
    is_int(mp(BODY("--" BND "x\r\n" PART("a") "1\r\n" CLOSE), &limits), 0,
           "a longer boundary is not a delimiter");

    b.data = (const unsigned char *) "other";
    b.len = 5;
    is_int(sc_multipart_parse(chromium, sizeof(chromium) - 1, b, fields, NF,
                              &nfields, &limits, &err), -1,
           "another boundary");
    b.len = 0;
    is_int(sc_multipart_parse(chromium, sizeof(chromium) - 1, b, fields, NF,
                              &nfields, &limits, &err), -1,
           "empty boundary");

    /* parts without a name, malformed headers */

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; "
                   "filename=\"a.txt\"\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "part without a name");
    is_str(err.message, "a part has no name: its Content-Disposition has no "
           "name parameter", "message");
    is_int(err.offset, sizeof("--" BND "\r\n") - 1, "offset of the part");

    is_int(mp(BODY("--" BND "\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                   CLOSE), &limits), -1, "part without Content-Disposition");
    is_int(mp(BODY("--" BND "\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "part without headers");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: attachment; "
                   "name=\"a\"\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "not form-data");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=\"a\r\n"
                   "\r\nx\r\n" CLOSE), &limits), -1, "unterminated quote");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name\r\n"
                   "\r\nx\r\n" CLOSE), &limits), -1, "parameter without '='");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a; "
                   "name=b\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "repeated name parameter");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   "Content-Disposition: form-data; name=b\r\n\r\nx\r\n"
                   CLOSE), &limits), -1, "repeated Content-Disposition");
    is_int(mp(BODY(PART("a") "x\r\n--" BND "\r\nContent-Type: a/b\r\n"
                   "Content-Type: c/d\r\nContent-Disposition: form-data; "
                   "name=\"b\"\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "repeated Content-Type");
    is_int(nfields, 1, "one part before it");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   " ; filename=b\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "folded header line");
    ok(err_field_is("a") && err.offset == sizeof("--" BND "\r\n"
       "Content-Disposition: form-data; name=a\r\n") - 1,
       "error names the part and the line");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition form-data; name=a\r\n"
                   "\r\nx\r\n" CLOSE), &limits), -1, "no colon");
    is_int(mp(BODY("--" BND "\r\n: x\r\nContent-Disposition: form-data; "
                   "name=a\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "empty header name");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   "X-A: b\rc\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "bare CR in a header");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; "
                   "name=\"a\0b\"\r\n\r\nx\r\n" CLOSE), &limits), -1,
           "NUL in a header");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n" CLOSE),
              &limits), -1, "base64 transfer encoding refused");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   "Content-Transfer-Encoding: Binary\r\n"
                   "Content-Length: 1\r\nX-Whatever: \xc3\xa9\r\n\r\n"
                   "x\r\n" CLOSE), &limits), 0,
           "binary transfer encoding, other headers ignored");
    ok(field_is(0, "a", "x"), "value");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: Form-Data; NAME=\"a\"; "
                   "x-unknown=1;\r\n\r\nx\r\n" CLOSE), &limits), 0,
           "case-insensitive, unknown parameter, trailing ';'");
    ok(field_is(0, "a", "x"), "value");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; "
                   "name=\"\"\r\n\r\nx\r\n" CLOSE), &limits), 0,
           "an empty name is a name");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; "
                   "name=\"a;b=c\"\r\n\r\nx\r\n" CLOSE), &limits), 0,
           "';' and '=' in a quoted name");
    ok(field_is(0, "a;b=c", "x"), "name");

    /* the boundary in the content */

#define INFILE  "abc--" BND "\r\n--" BND "X\r\n--" BND "-\r\n --" BND "\r\n"

    is_int(mp(BODY(FILEPART("f", "a.txt") INFILE "\r\n" CLOSE), NULL), 0,
           "boundary in a file, not as a delimiter");
    ok(nfields == 1 && fields[0].is_file, "one file");
    is_mem(fields[0].value.data, fields[0].value.len, INFILE,
           sizeof(INFILE) - 1, "file content kept whole");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=a\r\n"
                   "\r\n--" BND "--"), &limits), 0,
           "part without content, RFC 2046 style");
    ok(field_is(0, "a", ""), "empty value");

    is_int(mp(BODY(PART("a") "\r\n" CLOSE), &limits), 0, "empty text value");
    ok(field_is(0, "a", ""), "empty value");

    is_int(mp(BODY(PART("a") "\r\n\r\n" CLOSE), &limits), 0,
           "a value that is one line break");
    ok(field_is(0, "a", "\r\n"), "line break kept");

    /* filenames */

    is_int(mp(BODY(FILEPART("f", "C:\\Users\\me\\poc.html") "x\r\n"
                   FILEPART("g", "/home/me/poc.txt") "y\r\n" CLOSE), &limits),
           0, "file names with paths");
    ok(nfields == 2 && fields[0].filename.len == 8
       && memcmp(fields[0].filename.data, "poc.html", 8) == 0,
       "Windows path stripped");
    ok(nfields == 2 && fields[1].filename.len == 7
       && memcmp(fields[1].filename.data, "poc.txt", 7) == 0,
       "POSIX path stripped");

    is_int(mp(BODY(FILEPART("f", "dir/") "x\r\n" CLOSE), &limits), 0,
           "filename ending in a slash");
    ok(nfields == 1 && fields[0].is_file && fields[0].filename.len == 0,
       "leaves an empty filename");

    is_int(mp(BODY(FILEPART("f", "a%22b.txt") "x\r\n" CLOSE), &limits), 0,
           "percent escape in a filename");
    ok(nfields == 1 && fields[0].filename.len == 9, "is left as sent");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=f; "
                   "filename*=utf-8''%E2%82%AC.txt\r\n\r\nx\r\n" CLOSE),
              &limits), 0, "filename* alone");
    ok(nfields == 1 && fields[0].is_file && fields[0].filename.len == 0,
       "is a file with an empty filename");

    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-data; name=f; "
                   "filename*=utf-8''%E2%82%AC.txt; filename=\"e.txt\"\r\n"
                   "\r\nx\r\n" CLOSE), &limits), 0, "filename* and filename");
    ok(nfields == 1 && fields[0].filename.len == 5
       && memcmp(fields[0].filename.data, "e.txt", 5) == 0,
       "filename= is used");

    /* empty files */

    is_int(mp(BODY(FILEPART("f", "empty.txt") "\r\n" CLOSE), &limits), 0,
           "empty file");
    ok(nfields == 1 && fields[0].is_file && fields[0].value.len == 0
       && fields[0].filename.len == 9, "is a file of no bytes");

    lim = limits;
    lim.max_files = 0;
    is_int(mp(BODY(FILEPART("f", "") "\r\n" PART("a") "1\r\n" CLOSE), &lim),
           0, "file input left empty, no files allowed");
    ok(nfields == 2 && fields[0].is_file, "still returned as a file");
    is_int(mp(BODY(FILEPART("f", "empty.txt") "\r\n" CLOSE), &lim), -1,
           "an empty file with a name counts");
    ok(err.too_large && err_field_is("f"), "too_large, field named");

    /* limits */

    lim = limits;
    lim.max_files = 1;
    is_int(mp(BODY(FILEPART("f", "a") "1\r\n" FILEPART("g", "b") "2\r\n"
                   CLOSE), &lim), -1, "files over the limit");
    ok(err.too_large && err_field_is("g"), "too_large, second file named");
    is_str(err.message, "there are more files than the limit", "message");
    is_int(nfields, 1, "first file kept");

    lim = limits;
    lim.max_file_size = 10;
    is_int(mp(BODY(FILEPART("f", "a") "0123456789\r\n" CLOSE), &lim), 0,
           "file at the size limit");
    is_int(mp(BODY(FILEPART("f", "a") "0123456789A\r\n" CLOSE), &lim), -1,
           "file over the size limit");
    ok(err.too_large && err_field_is("f"), "too_large, field named");
    is_str(err.message, "the file is larger than the limit", "message");
    is_int(mp(BODY(PART("t") "0123456789A\r\n" CLOSE), &lim), 0,
           "max_file_size does not apply to text");

    lim = limits;
    lim.max_value = 3;
    is_int(mp(BODY(PART("t") "abc\r\n" CLOSE), &lim), 0, "text at the limit");
    is_int(mp(BODY(PART("t") "abcd\r\n" CLOSE), &lim), -1,
           "text over the limit");
    ok(err.too_large && err_field_is("t")
       && err.offset == sizeof(PART("t")) - 1 + 3,
       "too_large, field named, offset");
    is_int(mp(BODY(FILEPART("f", "a") "abcd\r\n" CLOSE), &lim), 0,
           "max_value does not apply to files");

    lim = limits;
    lim.max_name = 3;
    is_int(mp(BODY(PART("abc") "x\r\n" CLOSE), &lim), 0, "name at the limit");
    is_int(mp(BODY(PART("abcd") "x\r\n" CLOSE), &lim), -1,
           "name over the limit");
    ok(err.too_large && err.field.data == NULL, "too_large");

    lim = limits;
    lim.max_fields = 2;
    is_int(mp(BODY(PART("a") "1\r\n" PART("b") "2\r\n" CLOSE), &lim), 0,
           "parts at the limit");
    is_int(mp(BODY(PART("a") "1\r\n" PART("b") "2\r\n" PART("c") "3\r\n"
                   CLOSE), &lim), -1, "parts over the limit");
    ok(err.too_large, "too_large");
    is_int(err.offset, 2 * (sizeof(PART("a")) + 2) + sizeof("--" BND "\r\n")
           - 1, "at the third part");
    is_int(sc_multipart_parse(chromium, sizeof(chromium) - 1,
                              (sc_str_t) sc_str(BND), fields, 2, &nfields,
                              &limits, &err),
           -1, "parts over the capacity of the array");

    lim = limits;
    lim.max_header = sizeof("Content-Disposition: form-data; name=\"a\"\r\n"
                            "\r\n") - 1;
    is_int(mp(BODY(PART("a") "1\r\n" CLOSE), &lim), 0,
           "header block at the limit");
    lim.max_header--;
    is_int(mp(BODY(PART("a") "1\r\n" CLOSE), &lim), -1,
           "header block over the limit");
    ok(err.too_large, "too_large");
    is_str(err.message, "the header block of a part is longer than the limit",
           "message");
    is_int(mp(BODY("--" BND "\r\nContent-Disposition: form-da"), &lim), -1,
           "truncated under the header limit");
    ok(!err.too_large, "is a truncation");

    is_int(mp(chromium, sizeof(chromium) - 1, NULL), 0, "NULL limits");
    is_int(sc_multipart_parse(chromium, sizeof(chromium) - 1,
                              (sc_str_t) sc_str(BND), fields, NF, &nfields,
                              &limits, NULL), 0, "NULL err");
}


int
main(void)
{
    test_content_type();
    test_urlencoded();
    test_boundary();
    test_multipart_browser();
    test_multipart();

    free(copy);

    return tap_done();
}
