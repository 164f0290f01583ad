/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the report pure core: form and JSON intake, every field
 * rule and error code, the canonical JSON and its digest, and the JSON
 * list of errors.
 */


#include <stdlib.h>

#include <sodium.h>

#include "tap.h"
#include "sc_report.h"


#define S(s)  (const unsigned char *) (s), sizeof(s) - 1

#define TEST_TOKS  256
#define TEST_ERRS  64


static sc_report_error_t  errs[TEST_ERRS];
static size_t             nerrs;
static sc_json_token_t    toks[TEST_TOKS];
static unsigned char      work[8192];


static const char *
show(const char *s)
{
    size_t       i;
    static char  buf[128];

    for (i = 0; s[i] && i < sizeof(buf) - 1; i++) {
        buf[i] = ((unsigned char) s[i] < 0x20) ? '?' : s[i];
    }

    buf[i] = '\0';

    return buf;
}


static int
set(sc_report_t *r, const char *name, const char *value)
{
    return sc_report_set(r, (const unsigned char *) name, strlen(name),
                         (const unsigned char *) value, strlen(value), NULL,
                         errs, TEST_ERRS, &nerrs);
}


/* a report with the required fields and one more field set */

static void
minimal(sc_report_t *r)
{
    sc_report_init(r);
    nerrs = 0;

    set(r, "title", "XSS");
    set(r, "target_url", "https://example.org/");
    set(r, "description", "It pops.");
}


/* the code of the one error validation finds in a field, or "" or "many" */

static const char *
check(const char *field, const char *value)
{
    size_t       n;
    sc_report_t  r;

    minimal(&r);

    if (strcmp(field, "title") == 0 || strcmp(field, "target_url") == 0
        || strcmp(field, "description") == 0)
    {
        r.seen = 0;
    }

    if (set(&r, field, value) != 0) {
        return "set failed";
    }

    n = sc_report_validate(&r, errs, TEST_ERRS);

    if (n == 0) {
        return "";
    }

    if (n > 1 || strcmp(errs[0].field, field) != 0) {
        return "many";
    }

    return errs[0].code;
}


static void
test_init(void)
{
    size_t       i;
    sc_report_t  r;

    sc_report_init(&r);

    for (i = 0; i < SC_REPORT_NFIELDS; i++) {
        if (r.text[i].len != 0) {
            break;
        }
    }

    ok(i == SC_REPORT_NFIELDS, "init: no text");
    ok(r.share_contact == -1 && r.credit == -1, "init: booleans unset");
    ok(r.nattachments == 0 && r.attachments == NULL, "init: no attachments");

    is_str(sc_report_field_name(SC_REPORT_TITLE), "title", "name of title");
    is_str(sc_report_field_name(SC_REPORT_LANGUAGE), "language",
           "name of language");
    ok(sc_report_field_name(SC_REPORT_NFIELDS) == NULL, "no name past end");
    is_int(sc_report_field_max(SC_REPORT_TITLE), 200, "title limit");
    is_int(sc_report_field_max(SC_REPORT_DESCRIPTION), 65536,
           "description limit");
    is_int(sc_report_field_lookup(S("reporter_email")),
           SC_REPORT_REPORTER_EMAIL, "lookup reporter_email");
    is_int(sc_report_field_lookup(S("Title")), -1, "lookup is exact");
    is_int(sc_report_field_lookup(S("share_contact")), -1,
           "booleans are not text fields");
}


static void
test_form(void)
{
    sc_report_t  r;

    static const char *const  ignore[] = { "_token", "website", NULL };

    minimal(&r);
    is_int(nerrs, 0, "form: required fields set");
    is_int(sc_report_validate(&r, errs, TEST_ERRS), 0,
           "form: minimal report is valid");
    is_mem(r.text[SC_REPORT_TITLE].data, r.text[SC_REPORT_TITLE].len,
           "XSS", 3, "form: title points to the value");

    nerrs = 0;
    is_int(set(&r, "title", "again"), -1, "form: title twice");
    is_int(nerrs, 1, "form: one error");
    is_str(errs[0].field, "title", "form: duplicate field");
    is_str(errs[0].code, "duplicate", "form: duplicate code");
    is_mem(r.text[SC_REPORT_TITLE].data, r.text[SC_REPORT_TITLE].len,
           "XSS", 3, "form: the first value stays");

    nerrs = 0;
    is_int(set(&r, "colour", "red"), -1, "form: unknown field");
    ok(errs[0].field == NULL, "form: unknown field has no static name");
    is_str(errs[0].code, "unknown_field", "form: unknown_field code");
    is_mem(errs[0].name.data, errs[0].name.len, "colour", 6,
           "form: unknown name kept");

    nerrs = 0;
    is_int(sc_report_set(&r, S("_token"), S("abc"), ignore, errs, TEST_ERRS,
                         &nerrs), 0, "form: ignored name");
    is_int(sc_report_set(&r, S("website"), S(""), ignore, errs, TEST_ERRS,
                         &nerrs), 0, "form: second ignored name");
    is_int(sc_report_set(&r, S("_tok"), S("abc"), ignore, errs, TEST_ERRS,
                         &nerrs), -1, "form: prefix of an ignored name");
    is_int(nerrs, 1, "form: one error for the prefix");

    /* empty optional fields are not given */

    minimal(&r);
    set(&r, "impact", "");
    set(&r, "reporter_email", "");
    is_int(sc_report_validate(&r, errs, TEST_ERRS), 0,
           "form: empty optional fields are fine");
    is_int(sc_report_json_len(&r), sc_report_json_len(&r), "json_len pure");

    /* errors never pass cap */

    sc_report_init(&r);
    nerrs = 0;
    sc_report_set(&r, S("a"), S("1"), NULL, errs, 1, &nerrs);
    sc_report_set(&r, S("b"), S("1"), NULL, errs, 1, &nerrs);
    is_int(nerrs, 1, "form: errors stop at cap");
    is_int(sc_report_validate(&r, errs, 2), 2,
           "validate: errors stop at cap");
}


static void
test_booleans(void)
{
    size_t       i;
    sc_report_t  r;

    static const char  *yes[] = { "on", "true", "1", "yes", "TRUE", "Yes",
                                  "ON", NULL };
    static const char  *no[] = { "off", "false", "0", "no", "", "False",
                                 "NO", NULL };
    static const char  *bad[] = { "maybe", "2", "y", "n", "truee", " on",
                                  "on ", "-1", NULL };

    for (i = 0; yes[i]; i++) {
        sc_report_init(&r);
        nerrs = 0;
        ok(set(&r, "credit", yes[i]) == 0 && r.credit == 1,
           "boolean '%s' is true", yes[i]);
    }

    for (i = 0; no[i]; i++) {
        sc_report_init(&r);
        nerrs = 0;
        ok(set(&r, "share_contact", no[i]) == 0 && r.share_contact == 0,
           "boolean '%s' is false", no[i]);
    }

    for (i = 0; bad[i]; i++) {
        sc_report_init(&r);
        nerrs = 0;
        ok(set(&r, "credit", bad[i]) == -1 && r.credit == -1
           && nerrs == 1 && strcmp(errs[0].code, "invalid_boolean") == 0
           && strcmp(errs[0].field, "credit") == 0,
           "boolean '%s' refused", bad[i]);
    }

    sc_report_init(&r);
    nerrs = 0;
    set(&r, "credit", "1");
    ok(set(&r, "credit", "0") == -1 && strcmp(errs[0].code, "duplicate") == 0
       && r.credit == 1, "boolean twice");
}


static void
test_required(void)
{
    size_t       n;
    sc_report_t  r;

    sc_report_init(&r);
    n = sc_report_validate(&r, errs, TEST_ERRS);
    is_int(n, 3, "three required fields");
    ok(n == 3 && strcmp(errs[0].field, "title") == 0
       && strcmp(errs[1].field, "target_url") == 0
       && strcmp(errs[2].field, "description") == 0
       && strcmp(errs[0].code, "required") == 0
       && strcmp(errs[1].code, "required") == 0
       && strcmp(errs[2].code, "required") == 0, "required, in order");

    is_str(check("title", "  \t"), "required", "white space title");
    is_str(check("description", "\r\n\r\n"), "required",
           "white space description");
    is_str(check("title", ""), "required", "empty title");

    /* all errors at once */

    sc_report_init(&r);
    nerrs = 0;
    set(&r, "title", "a\nb");
    set(&r, "target_url", "ftp://example.org/");
    set(&r, "severity", "urgent");
    set(&r, "reporter_email", "nobody");
    n = sc_report_validate(&r, errs, TEST_ERRS);
    is_int(n, 5, "five errors collected");
    ok(n == 5 && strcmp(errs[0].code, "control_char") == 0
       && strcmp(errs[1].code, "invalid_url") == 0
       && strcmp(errs[2].code, "required") == 0
       && strcmp(errs[3].code, "invalid_severity") == 0
       && strcmp(errs[4].code, "invalid_email") == 0, "each field's code");
}


static void
test_text(void)
{
    size_t          i;
    unsigned char  *big;
    sc_report_t     r;

    static const struct {
        const char  *field;
        size_t       max;
    } limits[] = {
        { "title", 200 }, { "vulnerability_type", 200 },
        { "description", 65536 }, { "steps_to_reproduce", 65536 },
        { "impact", 16384 }, { "reporter_name", 200 },
        { "disclosure_plan", 16384 }, { "already_reported_to", 2000 },
        { NULL, 0 }
    };

    big = malloc(70000);
    memset(big, 'a', 70000);

    for (i = 0; limits[i].field; i++) {
        minimal(&r);
        r.seen = 0;

        sc_report_set(&r, (const unsigned char *) limits[i].field,
                      strlen(limits[i].field), big, limits[i].max, NULL,
                      errs, TEST_ERRS, &nerrs);
        is_int(sc_report_validate(&r, errs, TEST_ERRS), 0,
               "%s of %zu bytes", limits[i].field, limits[i].max);

        minimal(&r);
        r.seen = 0;

        sc_report_set(&r, (const unsigned char *) limits[i].field,
                      strlen(limits[i].field), big, limits[i].max + 1, NULL,
                      errs, TEST_ERRS, &nerrs);
        ok(sc_report_validate(&r, errs, TEST_ERRS) == 1
           && strcmp(errs[0].code, "too_long") == 0
           && strcmp(errs[0].field, limits[i].field) == 0,
           "%s of %zu bytes is too long", limits[i].field,
           limits[i].max + 1);
    }

    free(big);

    is_str(check("title", "Stored XSS \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac"),
           "", "UTF-8 title");
    is_str(check("title", "a\tb"), "control_char", "TAB in a title");
    is_str(check("title", "a\nb"), "control_char", "LF in a title");
    is_str(check("title", "a\rb"), "control_char", "CR in a title");
    is_str(check("title", "a\x7f"), "control_char", "DEL in a title");
    is_str(check("title", "a\xc2\x85"), "control_char", "C1 in a title");
    is_str(check("title", "a\xc2\xa0"), "", "NBSP in a title");
    is_str(check("title", "a\xff"), "invalid_utf8", "bad byte");
    is_str(check("title", "a\xc0\xaf"), "invalid_utf8", "overlong");
    is_str(check("title", "a\xed\xa0\x80"), "invalid_utf8", "surrogate");
    is_str(check("title", "a\xe6\x97"), "invalid_utf8", "truncated");
    is_str(check("reporter_name", "a\x1b[31m"), "control_char",
           "escape sequence in a name");

    is_str(check("description", "a\r\n\tb\n"), "", "lines in description");
    is_str(check("steps_to_reproduce", "1.\n2.\t"), "", "lines in steps");
    is_str(check("impact", "x\ny"), "", "lines in impact");
    is_str(check("disclosure_plan", "x\ny"), "", "lines in plan");
    is_str(check("already_reported_to", "x\ny"), "control_char",
           "already_reported_to is one line");
    is_str(check("description", "a\x01"), "control_char",
           "control character in description");
    is_str(check("description", "a\x0b"), "control_char",
           "VT in description");

    minimal(&r);
    r.seen = 0;
    sc_report_set(&r, S("description"), (const unsigned char *) "a\0b", 3,
                  NULL, errs, TEST_ERRS, &nerrs);
    ok(sc_report_validate(&r, errs, TEST_ERRS) == 1
       && strcmp(errs[0].code, "control_char") == 0, "NUL in description");
}


static void
test_url(void)
{
    size_t  i;

    static const char  *good[] = {
        "http://example.org", "https://example.org/",
        "HTTPS://EXAMPLE.ORG/A", "https://example.org:8443/a/b?c=d&e#f",
        "https://user:pw@example.org/", "https://[2001:db8::1]:443/",
        "http://192.0.2.1/x", "https://example.org/%E3%81%82?q=%20",
        "https://ex-ample.org/a;b=c/(d)*!$'+,~_.",
        "https://example.org:/", "https://example.org?q",
        "https://example.org#frag/with?chars",
        "https://\xe4\xbe\x8b\xe3\x81\x88.jp/\xe3\x83\x91\xe3\x82\xb9",
        NULL
    };

    static const char  *bad[] = {
        "example.org", "//example.org/", "ftp://example.org/",
        "javascript:alert(1)", "data:text/html,x", "https:example.org",
        "https:/example.org", "https://", "https:///a", "https://?q",
        "https://:80/", "https://user@/", "https://exa mple.org/",
        "https://example.org/a b", "https://example.org/\"",
        "https://example.org/<x>", "https://example.org/%zz",
        "https://example.org/%4", "https://example.org:99999/",
        "https://example.org:8a/", "https://[]/", "https://[::1/",
        "https://[zz::1]/", "https://[::1]x/", "https://a{b}.org/",
        "https://example.org/#a#b", "https://example.org/a\\b",
        "https://example.org/[a]", "https://u^s@example.org/",
        "mailto:a@example.org", NULL
    };

    for (i = 0; good[i]; i++) {
        is_str(check("target_url", good[i]), "", "URL '%s'", show(good[i]));
    }

    for (i = 0; bad[i]; i++) {
        is_str(check("target_url", bad[i]), "invalid_url",
               "bad URL '%s'", show(bad[i]));
    }

    is_str(check("target_url", "https://example.org/\x01"), "control_char",
           "control character in a URL");
}


static void
test_formats(void)
{
    size_t  i;

    static const char  *good_type[] = {
        "CWE-79", "cwe-352", "CWE-79: Cross-site Scripting",
        "CWE-1321 prototype pollution", "Stored XSS", "SQL injection",
        "CWEs", "CWE", NULL
    };

    static const char  *bad_type[] = {
        "CWE-", "CWE-abc", "CWE-79x", "CWE-079", "CWE-12345678",
        "CWE- 79", NULL
    };

    static const char  *good_cvss[] = {
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:L/A:N",
        "CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:C"
        "/CR:H/IR:M/AR:L/MAV:A/MAC:H/MPR:L/MUI:R/MS:C/MC:N/MI:L/MA:X",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
        "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N"
        "/E:A/CR:H/IR:X/AR:M/MAV:P/MAC:L/MAT:N/MPR:N/MUI:P/MVC:H/MVI:L"
        "/MVA:N/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Amber",
        NULL
    };

    static const char  *bad_cvss[] = {
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C",
        "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
        "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N",
        "CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/",
        "CVSS:3.1",
        "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        "/U:amber",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
        NULL
    };

    static const char  *good_email[] = {
        "a@example.org", "first.last+tag@sub.example.co.jp",
        "x_y-z!#$%&'*/=?^`{|}~@example.org", "a@xn--eckwd4c7c.jp",
        "a@1.2", "\xe5\xb1\xb1\xe7\x94\xb0@\xe4\xbe\x8b\xe3\x81\x88.jp",
        "a@ex-ample.org", NULL
    };

    static const char  *bad_email[] = {
        "nobody", "@example.org", "a@", "a@localhost", "a..b@example.org",
        ".a@example.org", "a.@example.org", "a@-x.org", "a@x-.org",
        "a@x..org", "a@.x.org", "a@x.org.", "a b@example.org",
        "\"q\"@example.org", "a@[192.0.2.1]", "a@b@example.org",
        "a@exa mple.org", "a@example_org.org", "a(b)@example.org",
        "<a@example.org>", "a@example.org>",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "@example.org",
        "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ".org",
        NULL
    };

    static const char  *good_pgp[] = {
        "5F2DE5521C63A801AB59CCB603D49DE44B29100F",
        "5f2de5521c63a801ab59ccb603d49de44b29100f",
        "0x5F2DE5521C63A801AB59CCB603D49DE44B29100F",
        "5F2D E552 1C63 A801 AB59  CCB6 03D4 9DE4 4B29 100F",
        "  5F2DE5521C63A801AB59CCB603D49DE44B29100F\n",
        "5F2DE5521C63A801AB59CCB603D49DE44B29100F"
        "5F2DE5521C63A801AB59CCB6",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "Comment: a test key\n"
        "\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA+/y8\n"
        "=AbCd\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n"
        "\r\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA\r\n"
        "-----END PGP PUBLIC KEY BLOCK-----",
        "\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n\n",
        NULL
    };

    static const char  *bad_pgp[] = {
        "5F2DE5521C63A801AB59CCB603D49DE44B29100",
        "5F2DE5521C63A801AB59CCB603D49DE44B29100FF",
        "5F2DE5521C63A801AB59CCB603D49DE44B29100G",
        "my key is on keys.openpgp.org",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "\n"
        "mDMEZQAA ABYJKwYBBAHaRw8BAQdA\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "\n"
        "mDMEZQAA:ABYJKwYBBAHaRw8BAQdA\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----junk\n"
        "\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "\n"
        "mDMEZQAAABYJKwYBBAHaRw8BAQdA-----END PGP PUBLIC KEY BLOCK-----\n",
        "-----BEGIN PGP MESSAGE-----\n"
        "\n"
        "hF4DAAAAAAAAAAASAQdA\n"
        "-----END PGP MESSAGE-----\n",
        NULL
    };

    for (i = 0; good_type[i]; i++) {
        is_str(check("vulnerability_type", good_type[i]), "",
               "vulnerability type '%s'", good_type[i]);
    }

    for (i = 0; bad_type[i]; i++) {
        is_str(check("vulnerability_type", bad_type[i]),
               "invalid_vulnerability_type", "bad vulnerability type '%s'",
               bad_type[i]);
    }

    is_str(check("severity", "low"), "", "severity low");
    is_str(check("severity", "medium"), "", "severity medium");
    is_str(check("severity", "High"), "", "severity High");
    is_str(check("severity", "CRITICAL"), "", "severity CRITICAL");
    is_str(check("severity", "urgent"), "invalid_severity", "urgent");
    is_str(check("severity", "none"), "invalid_severity", "none");
    is_str(check("severity", "critical!"), "invalid_severity",
           "a long severity");
    is_str(check("severity", "hi"), "invalid_severity", "hi");

    for (i = 0; good_cvss[i]; i++) {
        is_str(check("cvss_vector", good_cvss[i]), "",
               "CVSS vector %zu", i);
    }

    for (i = 0; bad_cvss[i]; i++) {
        is_str(check("cvss_vector", bad_cvss[i]), "invalid_cvss",
               "bad CVSS vector '%s'", bad_cvss[i]);
    }

    for (i = 0; good_email[i]; i++) {
        is_str(check("reporter_email", good_email[i]), "",
               "email '%s'", good_email[i]);
    }

    for (i = 0; bad_email[i]; i++) {
        is_str(check("reporter_email", bad_email[i]), "invalid_email",
               "bad email '%.40s'", bad_email[i]);
    }

    for (i = 0; good_pgp[i]; i++) {
        is_str(check("reporter_pgp_key", good_pgp[i]), "", "PGP key %zu", i);
    }

    for (i = 0; bad_pgp[i]; i++) {
        is_str(check("reporter_pgp_key", bad_pgp[i]), "invalid_pgp_key",
               "bad PGP key %zu", i);
    }

    check("reporter_pgp_key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n"
          "lFgEZQ\n-----END PGP PRIVATE KEY BLOCK-----\n");
    ok(strcmp(errs[0].code, "invalid_pgp_key") == 0
       && strstr(errs[0].message, "private key") != NULL,
       "a private key is named as such");

    is_str(check("language", "ja"), "", "language ja");
    is_str(check("language", "en-US"), "", "language en-US");
    is_str(check("language", "zh-Hant-TW"), "", "language zh-Hant-TW");
    is_str(check("language", "en_US"), "invalid_language", "en_US");
    is_str(check("language", "english!"), "invalid_language", "english!");
    is_str(check("language", "ja,en"), "invalid_language", "a list");
    is_str(check("language", "abcdefghijklmnopqrstuvwxyzabcdefghij"),
           "too_long", "language too long");
}


static void
test_attachments(void)
{
    size_t                  i, n;
    sc_report_t             r;
    sc_report_attachment_t  a[SC_REPORT_MAX_ATTACHMENTS + 1];

    static const char  empty[] =
        "{\"attachments\":[{\"filename\":\"a\",\"content_type\":"
        "\"text/plain\",\"size\":0,\"sha256\":\"e3b0c44298fc1c149afbf4c8"
        "996fb92427ae41e4649b934ca495991b7852b855\",\"data_base64\":\"\"}]}";

    static const struct {
        const char  *filename;
        const char  *type;
        const char  *code;
    } cases[] = {
        { "poc.html", "text/html", "" },
        { "", "", "" },
        { "\xe8\xa8\xbc\xe6\x8b\xa0.png", "image/png", "" },
        { "a.txt", "text/plain; charset=utf-8", "" },
        { "a.bin", "application/vnd.example+json", "" },
        { "a\nb", "text/plain", "invalid_filename" },
        { "a\xff", "text/plain", "invalid_filename" },
        { "a", "text", "invalid_content_type" },
        { "a", "text/", "invalid_content_type" },
        { "a", "/plain", "invalid_content_type" },
        { "a", "text plain", "invalid_content_type" },
        { "a", "text/plain\r\nX-Evil: 1", "invalid_content_type" },
        { "a", "text/plain; x=\xc3\xa9", "invalid_content_type" },
        { NULL, NULL, NULL }
    };

    for (i = 0; cases[i].filename; i++) {
        minimal(&r);

        a[0].filename.data = (const unsigned char *) cases[i].filename;
        a[0].filename.len = strlen(cases[i].filename);
        a[0].content_type.data = (const unsigned char *) cases[i].type;
        a[0].content_type.len = strlen(cases[i].type);
        a[0].data.data = (const unsigned char *) "x";
        a[0].data.len = 1;

        r.attachments = a;
        r.nattachments = 1;

        n = sc_report_validate(&r, errs, TEST_ERRS);

        ok(cases[i].code[0] ? (n == 1 && strcmp(errs[0].code,
                                                cases[i].code) == 0
                               && strcmp(errs[0].field, "attachments") == 0)
                            : n == 0,
           "attachment '%s' '%s'", show(cases[i].filename),
           show(cases[i].type));
    }

    minimal(&r);

    for (i = 0; i < SC_REPORT_MAX_ATTACHMENTS + 1; i++) {
        a[i].filename.data = (const unsigned char *) "a";
        a[i].filename.len = 1;
        a[i].content_type.data = (const unsigned char *) "text/plain";
        a[i].content_type.len = 10;
        a[i].data.data = NULL;
        a[i].data.len = 0;
    }

    r.attachments = a;
    r.nattachments = SC_REPORT_MAX_ATTACHMENTS;
    is_int(sc_report_validate(&r, errs, TEST_ERRS), 0, "16 attachments");

    r.nattachments = SC_REPORT_MAX_ATTACHMENTS + 1;
    ok(sc_report_validate(&r, errs, TEST_ERRS) == 1
       && strcmp(errs[0].code, "too_many") == 0, "17 attachments");

    /* an empty attachment in the canonical JSON */

    sc_report_init(&r);
    r.attachments = a;
    r.nattachments = 1;
    n = sc_report_json(work, &r);
    is_mem(work, n, empty, sizeof(empty) - 1, "empty attachment");
    is_int(sc_report_json_len(&r), n, "empty attachment length");
}


static size_t
parse_json(const char *text)
{
    size_t           n;
    sc_json_error_t  err;

    if (sc_json_parse((const unsigned char *) text, strlen(text), work, toks,
                      TEST_TOKS, &n, NULL, &err)
        != SC_JSON_OK)
    {
        printf("# parse error: %s at %zu\n", err.message, err.offset);
        return 0;
    }

    return n;
}


static void
test_json(void)
{
    size_t       n;
    sc_report_t  r;

    n = parse_json("{\"title\":\"XSS\","
                   "\"target_url\":\"https://example.org/\","
                   "\"description\":\"d\\u00e9\",\"severity\":\"high\","
                   "\"share_contact\":true,\"credit\":false,"
                   "\"reporter\":{\"name\":\"R\",\"email\":\"r@example.net\","
                   "\"pgp_key\":\"5F2DE5521C63A801AB59CCB603D49DE44B29100F\"},"
                   "\"language\":\"ja\"}");
    sc_report_init(&r);
    nerrs = 0;
    is_int(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs), 0,
           "json: report read");
    is_int(nerrs, 0, "json: no errors");
    is_mem(r.text[SC_REPORT_DESCRIPTION].data,
           r.text[SC_REPORT_DESCRIPTION].len, "d\xc3\xa9", 3,
           "json: description decoded");
    is_mem(r.text[SC_REPORT_REPORTER_NAME].data,
           r.text[SC_REPORT_REPORTER_NAME].len, "R", 1,
           "json: nested reporter name");
    is_mem(r.text[SC_REPORT_REPORTER_EMAIL].data,
           r.text[SC_REPORT_REPORTER_EMAIL].len, "r@example.net", 13,
           "json: nested reporter email");
    is_int(r.text[SC_REPORT_REPORTER_PGP_KEY].len, 40,
           "json: nested reporter key");
    ok(r.share_contact == 1 && r.credit == 0, "json: booleans");
    is_int(sc_report_validate(&r, errs, TEST_ERRS), 0, "json: valid");

    /* flat reporter fields */

    n = parse_json("{\"title\":\"t\",\"reporter_name\":\"R\","
                   "\"reporter_email\":\"r@example.net\"}");
    sc_report_init(&r);
    nerrs = 0;
    is_int(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs), 0,
           "json: flat reporter fields");
    is_int(r.text[SC_REPORT_REPORTER_EMAIL].len, 13, "json: flat email");

    /* the same field flat and nested */

    n = parse_json("{\"reporter_name\":\"A\",\"reporter\":{\"name\":\"B\"}}");
    sc_report_init(&r);
    nerrs = 0;
    is_int(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs), -1,
           "json: name flat and nested");
    ok(nerrs == 1 && strcmp(errs[0].code, "duplicate") == 0
       && strcmp(errs[0].field, "reporter_name") == 0,
       "json: duplicate reporter_name");

    /* wrong types */

    n = parse_json("{\"title\":1,\"description\":[\"a\"],\"impact\":{},"
                   "\"severity\":true,\"share_contact\":\"true\","
                   "\"credit\":1,\"reporter\":\"me\",\"language\":null,"
                   "\"target_url\":null}");
    sc_report_init(&r);
    nerrs = 0;
    is_int(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs), -1,
           "json: wrong types");
    is_int(nerrs, 7, "json: seven type errors");
    ok(nerrs == 7
       && strcmp(errs[0].field, "title") == 0
       && strcmp(errs[1].field, "description") == 0
       && strcmp(errs[2].field, "impact") == 0
       && strcmp(errs[3].field, "severity") == 0
       && strcmp(errs[4].field, "share_contact") == 0
       && strcmp(errs[5].field, "credit") == 0
       && strcmp(errs[6].field, "reporter") == 0
       && strcmp(errs[0].code, "type") == 0
       && strcmp(errs[6].code, "type") == 0, "json: type errors by field");
    ok(r.text[SC_REPORT_LANGUAGE].len == 0
       && r.text[SC_REPORT_TARGET_URL].len == 0, "json: null is unset");
    ok(sc_report_validate(&r, errs, TEST_ERRS) == 1
       && strcmp(errs[0].field, "target_url") == 0
       && strcmp(errs[0].code, "required") == 0,
       "json: a field of the wrong type is not also missing");

    /* a flat field is still checked when "reporter" has the wrong type */

    n = parse_json("{\"reporter_email\":\"nobody\",\"reporter\":[]}");
    sc_report_init(&r);
    nerrs = 0;
    sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs);
    is_int(nerrs, 1, "json: reporter of the wrong type");
    ok(sc_report_validate(&r, errs, TEST_ERRS) == 4
       && strcmp(errs[3].code, "invalid_email") == 0,
       "json: the flat email is still checked");

    /* unknown members */

    n = parse_json("{\"titel\":\"x\",\"reporter\":{\"name\":\"R\","
                   "\"phone\":\"1\"},\"attachments\":[]}");
    sc_report_init(&r);
    nerrs = 0;
    is_int(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs), -1,
           "json: unknown members");
    ok(nerrs == 3
       && errs[0].field == NULL
       && strcmp(errs[0].code, "unknown_field") == 0
       && errs[0].name.len == 5
       && strcmp(errs[1].field, "reporter") == 0
       && errs[1].name.len == 5
       && memcmp(errs[1].name.data, "phone", 5) == 0
       && errs[2].field == NULL, "json: unknown names kept");

    /* nested fields only under reporter */

    n = parse_json("{\"name\":\"R\",\"reporter\":{\"reporter_name\":\"R\","
                   "\"reporter\":{}}}");
    sc_report_init(&r);
    nerrs = 0;
    sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs);
    is_int(nerrs, 3, "json: nesting is one level, with short names");

    /* the root */

    n = parse_json("[{\"title\":\"x\"}]");
    sc_report_init(&r);
    nerrs = 0;
    ok(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs) == -1
       && nerrs == 1 && errs[0].field == NULL
       && strcmp(errs[0].code, "type") == 0, "json: root must be an object");

    n = parse_json("\"x\"");
    sc_report_init(&r);
    nerrs = 0;
    ok(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs) == -1,
       "json: a string is not a report");

    sc_report_init(&r);
    nerrs = 0;
    ok(sc_report_from_json(&r, toks, 0, errs, TEST_ERRS, &nerrs) == -1,
       "json: no tokens");

    n = parse_json("{\"reporter\":null,\"share_contact\":null}");
    sc_report_init(&r);
    nerrs = 0;
    ok(sc_report_from_json(&r, toks, n, errs, TEST_ERRS, &nerrs) == 0
       && r.share_contact == -1, "json: null reporter and boolean");
}


static void
test_canonical(void)
{
    size_t                  n, len;
    unsigned char          *out, *out2, sha[32], sha2[32], want_sha[32];
    sc_report_t             r, r2;
    sc_json_error_t         err;
    sc_report_attachment_t  a;

    static const char  want[] =
        "{\"title\":\"XSS in \\u003csearch\\u003e\","
        "\"target_url\":\"https://example.org/search?q=1\","
        "\"vulnerability_type\":\"CWE-79\","
        "\"description\":\"Line 1\\nLine \\\"2\\\"\","
        "\"severity\":\"high\","
        "\"reporter_name\":\"\xe5\xb1\xb1\xe7\x94\xb0\","
        "\"reporter_email\":\"r@example.net\","
        "\"share_contact\":false,\"credit\":true,"
        "\"attachments\":[{\"filename\":\"poc.txt\","
        "\"content_type\":\"text/plain\",\"size\":2,"
        "\"sha256\":\"8f434346648f6b96df89dda901c5176b"
        "10a6d83961dd3c1ac88b59b2dc327aa4\",\"data_base64\":\"aGk=\"}]}";

    static const unsigned char  want_digest[32] = {
        0xb7, 0xfe, 0x94, 0x39, 0x94, 0xe4, 0x02, 0x34,
        0xce, 0x3e, 0x0f, 0x29, 0x68, 0x4d, 0x73, 0x12,
        0x18, 0x03, 0x07, 0x6f, 0xd2, 0x4b, 0x32, 0xcc,
        0xe9, 0x5c, 0x2a, 0xb3, 0x63, 0x11, 0xe4, 0x2e
    };

    sc_report_init(&r);
    nerrs = 0;

    /* set in another order than the canonical one */

    set(&r, "credit", "on");
    set(&r, "reporter_email", "r@example.net");
    set(&r, "reporter_name", "\xe5\xb1\xb1\xe7\x94\xb0");
    set(&r, "severity", "high");
    set(&r, "description", "Line 1\nLine \"2\"");
    set(&r, "vulnerability_type", "CWE-79");
    set(&r, "target_url", "https://example.org/search?q=1");
    set(&r, "title", "XSS in <search>");
    set(&r, "share_contact", "");
    set(&r, "impact", "");

    a.filename.data = (const unsigned char *) "poc.txt";
    a.filename.len = 7;
    a.content_type.data = (const unsigned char *) "text/plain";
    a.content_type.len = 10;
    a.data.data = (const unsigned char *) "hi";
    a.data.len = 2;

    r.attachments = &a;
    r.nattachments = 1;

    is_int(nerrs, 0, "canonical: sample set");
    is_int(sc_report_validate(&r, errs, TEST_ERRS), 0,
           "canonical: sample valid");

    len = sc_report_json_len(&r);
    out = malloc(len + 1);
    out[len] = 0xa5;

    n = sc_report_json(out, &r);
    is_int(n, len, "canonical: length exact");
    is_mem(out, n, want, sizeof(want) - 1, "canonical: exact bytes");
    ok(out[len] == 0xa5, "canonical: nothing written past the end");

    sc_report_digest(&r, out, sha);
    crypto_hash_sha256(want_sha, (const unsigned char *) want,
                       sizeof(want) - 1);
    ok(memcmp(sha, want_sha, 32) == 0, "digest: SHA-256 of the JSON");
    ok(memcmp(sha, want_digest, 32) == 0, "digest: the known value");

    sc_report_digest(&r, out, sha2);
    ok(memcmp(sha, sha2, 32) == 0, "digest: stable");

    /* the canonical JSON of the text fields reads back as the same report */

    r.attachments = NULL;
    r.nattachments = 0;
    n = sc_report_json(out, &r);

    ok(sc_json_parse(out, n, work, toks, TEST_TOKS, &len, NULL, &err)
       == SC_JSON_OK, "canonical: parses");

    sc_report_init(&r2);
    nerrs = 0;
    is_int(sc_report_from_json(&r2, toks, len, errs, TEST_ERRS, &nerrs), 0,
           "canonical: reads back");

    len = sc_report_json_len(&r2);
    out2 = malloc(len);
    is_int(len, n, "canonical: same length read back");
    is_mem(out2, sc_report_json(out2, &r2), out, n,
           "canonical: same bytes read back");
    free(out);
    free(out2);

    /* a change of one field changes the digest */

    set(&r2, "impact", "x");
    out = malloc(sc_report_json_len(&r2));
    sc_report_digest(&r2, out, sha2);
    ok(memcmp(sha, sha2, 32) != 0, "digest: depends on the content");
    free(out);

    /* the empty report */

    sc_report_init(&r);
    is_int(sc_report_json_len(&r), 2, "canonical: empty report length");
    n = sc_report_json(work, &r);
    is_mem(work, n, "{}", 2, "canonical: empty report");

    /* base64 padding */

    sc_report_init(&r);
    r.attachments = &a;
    r.nattachments = 1;

    a.data.data = (const unsigned char *) "abc";
    a.data.len = 3;
    n = sc_report_json(work, &r);
    ok(strstr((char *) work, "\"data_base64\":\"YWJj\"") != NULL
       && n == sc_report_json_len(&r), "base64 of 3 bytes");

    a.data.len = 1;
    n = sc_report_json(work, &r);
    work[n] = '\0';
    ok(strstr((char *) work, "\"data_base64\":\"YQ==\"") != NULL
       && n == sc_report_json_len(&r), "base64 of 1 byte");

    a.data.data = (const unsigned char *) "\xff\xfe\xfd\x00";
    a.data.len = 4;
    n = sc_report_json(work, &r);
    work[n] = '\0';
    ok(strstr((char *) work, "\"data_base64\":\"//79AA==\"") != NULL
       && strstr((char *) work, "\"size\":4,") != NULL,
       "base64 of binary");
}


static void
test_errors_json(void)
{
    size_t             n;
    unsigned char      out[1024];
    sc_report_error_t  e[4];

    static const char  want[] =
        "{\"errors\":["
        "{\"field\":\"title\",\"code\":\"required\","
        "\"message\":\"this field is required\"},"
        "{\"field\":\"c?l\\u003cour\\\"\",\"code\":\"unknown_field\","
        "\"message\":\"a \\\"b\\\"\"},"
        "{\"field\":\"reporter.phone\",\"code\":\"unknown_field\","
        "\"message\":\"m\"},"
        "{\"field\":\"\",\"code\":\"type\",\"message\":\"\"}]}";

    memset(e, 0, sizeof(e));

    e[0].field = "title";
    e[0].code = "required";
    e[0].message = "this field is required";

    e[1].code = "unknown_field";
    e[1].message = "a \"b\"";
    e[1].name.data = (const unsigned char *) "c\nl<our\"";
    e[1].name.len = 8;

    e[2].field = "reporter";
    e[2].code = "unknown_field";
    e[2].message = "m";
    e[2].name.data = (const unsigned char *) "phone";
    e[2].name.len = 5;

    e[3].code = "type";

    n = sc_report_errors_json(out, e, 4);
    is_mem(out, n, want, sizeof(want) - 1, "errors JSON: exact bytes");
    is_int(sc_report_errors_json_len(e, 4), n, "errors JSON: length");

    n = sc_report_errors_json(out, e, 0);
    is_mem(out, n, "{\"errors\":[]}", 13, "errors JSON: none");

    /* a long unknown name is cut */

    memset(work, 'x', 1000);
    e[1].name.data = work;
    e[1].name.len = 1000;
    n = sc_report_errors_json(out, &e[1], 1);
    is_int(n, sc_report_errors_json_len(&e[1], 1), "errors JSON: cut name");
    ok(n < 200, "errors JSON: cut to the echo limit");

    ok(sc_json_parse(out, n, work, toks, TEST_TOKS, &n, NULL, NULL)
       == SC_JSON_OK, "errors JSON parses");
}


int
main(void)
{
    test_init();
    test_form();
    test_booleans();
    test_required();
    test_text();
    test_url();
    test_formats();
    test_attachments();
    test_json();
    test_canonical();
    test_errors_json();

    return tap_done();
}
