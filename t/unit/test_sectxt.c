/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the security.txt pure core: URI, language tag, text and
 * field-name rules, cardinality, rendering, dates and renewal boundaries.
 */


#include <stdlib.h>

#include "tap.h"
#include "sc_sectxt.h"


#define S(s)  (const unsigned char *) (s), sizeof(s) - 1


static void
test_uri(void)
{
    ok(sc_sectxt_check_uri(S("mailto:security@example.org")) == NULL,
       "mailto URI");
    ok(sc_sectxt_check_uri(S("tel:+1-201-555-0123")) == NULL, "tel URI");
    ok(sc_sectxt_check_uri(S("https://example.org/a?b=c#d")) == NULL,
       "https URI with query and fragment");
    ok(sc_sectxt_check_uri(S("https://[2001:db8::1]:8443/x")) == NULL,
       "https URI with an IPv6 literal");
    ok(sc_sectxt_check_uri(S("openpgp4fpr:5f2de5521c63a801ab59ccb6")) == NULL,
       "openpgp4fpr URI");
    ok(sc_sectxt_check_uri(S("https://example.org/%41")) == NULL,
       "percent escape");
    ok(sc_sectxt_check_uri(S("HTTPS://EXAMPLE.ORG/")) == NULL,
       "scheme is case-insensitive");

    ok(sc_sectxt_check_uri(S("")) != NULL, "empty refused");
    ok(sc_sectxt_check_uri(S("security@example.org")) != NULL,
       "no scheme refused");
    ok(sc_sectxt_check_uri(S("1http://x")) != NULL,
       "scheme must start with a letter");
    ok(sc_sectxt_check_uri(S("ht_tp://x")) != NULL,
       "scheme with underscore refused");
    ok(sc_sectxt_check_uri(S("mailto:")) != NULL, "nothing after scheme");
    ok(sc_sectxt_check_uri(S("mailto:a b@x")) != NULL, "space refused");
    ok(sc_sectxt_check_uri(S("https://x/\"q\"")) != NULL, "quote refused");
    ok(sc_sectxt_check_uri(S("https://x/%4")) != NULL, "short escape refused");
    ok(sc_sectxt_check_uri(S("https://x/%zz")) != NULL, "bad escape refused");
    ok(sc_sectxt_check_uri(S("https://x/\x01")) != NULL, "control refused");
    ok(sc_sectxt_check_uri(S("https://x/\xc3\xa9")) != NULL,
       "raw non-ASCII must be percent-encoded");
    ok(sc_sectxt_check_uri((const unsigned char *) "https://x/\0y", 12)
       != NULL, "NUL refused");
    ok(sc_sectxt_check_uri(S("https:/x")) != NULL, "https without //");
    ok(sc_sectxt_check_uri(S("https:///x")) != NULL, "https without host");

    is_str(sc_sectxt_check_uri(S("http://example.org/")),
           "a web URI must begin with \"https://\" (RFC 9116 section 2.5)",
           "http refused with the rule named");
    ok(sc_sectxt_check_uri(S("HTTP://example.org/")) != NULL,
       "HTTP refused too");

    ok(sc_sectxt_check_csaf(S("https://example.org/.well-known/csaf/"
                              "provider-metadata.json")) == NULL,
       "CSAF provider-metadata.json");
    ok(sc_sectxt_check_csaf(S("https://example.org/csaf.json")) != NULL,
       "CSAF other file refused");
    ok(sc_sectxt_check_csaf(S("https://example.org/x-provider-metadata.json"))
       != NULL, "CSAF suffix must be a whole file name");
    ok(sc_sectxt_check_csaf(S("mailto:provider-metadata.json")) != NULL,
       "CSAF must be https");
}


static void
test_host(void)
{
    ok(sc_sectxt_check_host(S("example.org")) == NULL, "host name");
    ok(sc_sectxt_check_host(S("xn--r8jz45g.jp")) == NULL, "punycode");
    ok(sc_sectxt_check_host(S("127.0.0.1")) == NULL, "IPv4");
    ok(sc_sectxt_check_host(S("[::1]")) == NULL, "IPv6 literal");
    ok(sc_sectxt_check_host(S("a_b.example")) != NULL, "underscore");
    ok(sc_sectxt_check_host(S("x@evil.example")) != NULL, "userinfo");
    ok(sc_sectxt_check_host(S("evil.example#")) != NULL, "fragment");
    ok(sc_sectxt_check_host(S("a\"b")) != NULL, "quote");
    ok(sc_sectxt_check_host(S("")) != NULL, "empty");
    ok(sc_sectxt_check_host(S("a..b")) != NULL, "empty label");
    ok(sc_sectxt_check_host(S("example.org.")) != NULL, "trailing dot");
    ok(sc_sectxt_check_host(S("[::1")) != NULL, "open bracket");
    ok(sc_sectxt_check_host(S("[zz]")) != NULL, "not hex");
}


static void
test_language(void)
{
    static const char  *good[] = {
        "en", "ja", "de-CH", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1996",
        "es-419", "x-private", "i-klingon", "en-GB-oed", "zh-yue-HK",
        "sl-rozaj-biske", "en-a-bbb-x-a-ccc", "tlh", "qaa-Qaaa-QM-x-southern",
        "hy-Latn-IT-arevela", "EN-us", NULL
    };

    static const char  *bad[] = {
        "", "e", "en_US", "en-", "-en", "en--US", "abcdefghi", "en-abcdefghi",
        "123", "en-a", "en-a-b", "x", "en-x", "1en", "en US", "en-\xc3\xa9",
        NULL
    };

    int  i;

    for (i = 0; good[i]; i++) {
        ok(sc_sectxt_check_language((const unsigned char *) good[i],
                                    strlen(good[i])) == NULL,
           "language tag \"%s\" accepted", good[i]);
    }

    for (i = 0; bad[i]; i++) {
        ok(sc_sectxt_check_language((const unsigned char *) bad[i],
                                    strlen(bad[i])) != NULL,
           "language tag \"%s\" refused", bad[i]);
    }

    ok(sc_sectxt_check_languages(S("en, ja,fr")) == NULL, "list of tags");
    ok(sc_sectxt_check_languages(S("en,,ja")) != NULL, "empty tag in list");
    ok(sc_sectxt_check_languages(S("")) != NULL, "empty list");
}


static void
test_text(void)
{
    ok(sc_sectxt_check_text(S("plain text\twith tab")) == NULL, "plain");
    ok(sc_sectxt_check_text(S("\xe6\x97\xa5\xe6\x9c\xac")) == NULL,
       "UTF-8 Japanese");
    ok(sc_sectxt_check_text(S("\xf0\x9f\x94\x92")) == NULL, "4-byte UTF-8");
    ok(sc_sectxt_check_text(S("a\nb")) != NULL, "LF refused");
    ok(sc_sectxt_check_text(S("a\rb")) != NULL, "CR refused");
    ok(sc_sectxt_check_text(S("a\x01")) != NULL, "control refused");
    ok(sc_sectxt_check_text(S("\xff")) != NULL, "0xff refused");
    ok(sc_sectxt_check_text(S("\xc0\xaf")) != NULL, "overlong refused");
    ok(sc_sectxt_check_text(S("\xed\xa0\x80")) != NULL, "surrogate refused");
    ok(sc_sectxt_check_text(S("\xe6\x97")) != NULL, "truncated refused");
    ok(sc_sectxt_check_text(S("\xf4\x90\x80\x80")) != NULL,
       "above U+10FFFF refused");
    ok(sc_sectxt_check_text(S("\xef\xbb\xbf")) != NULL, "BOM refused");

    ok(sc_sectxt_check_field_name(S("Bug-Bounty")) == NULL, "Bug-Bounty");
    ok(sc_sectxt_check_field_name(S("X-1")) == NULL, "X-1");
    ok(sc_sectxt_check_field_name(S("Bug_Bounty")) != NULL, "underscore");
    ok(sc_sectxt_check_field_name(S("Bug Bounty")) != NULL, "space");
    ok(sc_sectxt_check_field_name(S("")) != NULL, "empty name");
    ok(sc_sectxt_check_field_name(S("contact")) != NULL,
       "a defined field, any case");
    ok(sc_sectxt_check_field_name(S("Acknowledgements")) != NULL,
       "the misspelling of Acknowledgments");
}


static void
test_render(void)
{
    size_t          bad, len;
    unsigned char  *buf, *end;
    const char     *want;

    sc_field_t  fields[] = {
        { SC_FIELD_COMMENT, { NULL, 0 }, { S("hello") } },
        { SC_FIELD_COMMENT, { NULL, 0 }, { NULL, 0 } },
        { SC_FIELD_CONTACT, { NULL, 0 }, { S("mailto:a@example.org") } },
        { SC_FIELD_EXPIRES, { NULL, 0 }, { S("2026-12-25T00:00:00Z") } },
        { SC_FIELD_ACKNOWLEDGMENTS, { NULL, 0 },
          { S("https://example.org/thanks") } },
        { SC_FIELD_PREFERRED_LANGUAGES, { NULL, 0 }, { S("en, ja") } },
        { SC_FIELD_EXTENSION, { S("Bug-Bounty") }, { S("True") } },
    };

    ok(sc_sectxt_check_all(fields, 7, &bad) == NULL, "valid set");

    len = sc_sectxt_render_len(fields, 7);
    buf = malloc(len);
    end = sc_sectxt_render(buf, fields, 7);

    want = "# hello\n"
           "#\n"
           "Contact: mailto:a@example.org\n"
           "Expires: 2026-12-25T00:00:00Z\n"
           "Acknowledgments: https://example.org/thanks\n"
           "Preferred-Languages: en, ja\n"
           "Bug-Bounty: True\n";

    is_int(end - buf, len, "render_len is exact");
    is_mem(buf, len, want, strlen(want), "rendered text");
    free(buf);

    ok(sc_sectxt_check_all(fields + 3, 4, &bad) != NULL, "no Contact");
    is_int(bad, 4, "a whole-file rule points past the fields");

    ok(sc_sectxt_check_all(fields, 3, &bad) != NULL, "no Expires");

    {
        sc_field_t  two[] = {
            { SC_FIELD_CONTACT, { NULL, 0 }, { S("mailto:a@example.org") } },
            { SC_FIELD_EXPIRES, { NULL, 0 }, { S("2026-12-25T00:00:00Z") } },
            { SC_FIELD_EXPIRES, { NULL, 0 }, { S("2026-12-26T00:00:00Z") } },
        };

        ok(sc_sectxt_check_all(two, 3, &bad) != NULL, "two Expires");

        two[2].kind = SC_FIELD_PREFERRED_LANGUAGES;
        two[2].value.data = (const unsigned char *) "en";
        two[2].value.len = 2;
        ok(sc_sectxt_check_all(two, 3, &bad) == NULL, "one language field");

        two[1].kind = SC_FIELD_PREFERRED_LANGUAGES;
        ok(sc_sectxt_check_all(two, 3, &bad) != NULL,
           "two Preferred-Languages (and no Expires)");

        two[1].kind = SC_FIELD_EXPIRES;
        two[0].value.data = (const unsigned char *) "http://x/";
        two[0].value.len = 9;
        ok(sc_sectxt_check_all(two, 3, &bad) != NULL, "http Contact");
        is_int(bad, 0, "the bad field is named");
    }

    {
        unsigned char  *big;
        sc_field_t      f[2];

        big = malloc(3000);
        memset(big, 'a', 3000);
        memcpy(big, "https://x/", 10);

        f[0].kind = SC_FIELD_CONTACT;
        f[0].value.data = big;
        f[0].value.len = 3000;
        f[1] = fields[3];

        ok(sc_sectxt_check_all(f, 2, &bad) != NULL, "a 3000-byte line");
        free(big);
    }
}


static void
test_time(void)
{
    int64_t        t;
    unsigned char  buf[SC_RFC3339_LEN + 1];

    buf[SC_RFC3339_LEN] = '\0';

    sc_rfc3339(buf, 0);
    is_str((char *) buf, "1970-01-01T00:00:00Z", "epoch");

    sc_rfc3339(buf, 951782400);
    is_str((char *) buf, "2000-02-29T00:00:00Z", "leap day 2000");

    sc_rfc3339(buf, 1798761599);
    is_str((char *) buf, "2026-12-31T23:59:59Z", "end of 2026");

    sc_rfc3339(buf, 4107542400LL);
    is_str((char *) buf, "2100-03-01T00:00:00Z", "2100 is not a leap year");

    ok(sc_parse_date(S("2026-11-25"), &t) == 0 && t == 1795564800,
       "parse 2026-11-25");
    ok(sc_parse_date(S("2028-02-29"), &t) == 0, "2028-02-29 exists");
    ok(sc_parse_date(S("2027-02-29"), &t) != 0, "2027-02-29 does not");
    ok(sc_parse_date(S("2100-02-29"), &t) != 0, "2100-02-29 does not");
    ok(sc_parse_date(S("2000-02-29"), &t) == 0, "2000-02-29 does");
    ok(sc_parse_date(S("2026-13-01"), &t) != 0, "month 13");
    ok(sc_parse_date(S("2026-04-31"), &t) != 0, "April 31");
    ok(sc_parse_date(S("2026-1-01"), &t) != 0, "short month");
    ok(sc_parse_date(S("2026-01-01T"), &t) != 0, "trailing text");
    ok(sc_parse_date(S("1969-12-31"), &t) != 0, "before 1970");

    is_int(sc_renewal_boundary(1795600000, 86400), 1795564800,
           "daily boundary");
    is_int(sc_renewal_boundary(1795564800, 86400), 1795564800,
           "a boundary is its own boundary");
    is_int(sc_renewal_boundary(1795600001, 3), 1795599999, "3 s boundary");
    is_int(sc_renewal_boundary(-1, 10), -10, "negative time floors down");
    is_int(sc_days_from_civil(1970, 1, 1), 0, "day zero");
    is_int(sc_days_from_civil(1969, 12, 31), -1, "day before");
}


static void
test_escape(void)
{
    unsigned char  buf[64], *end;

    end = sc_escape_log(buf, S("a\nb\"c\\d\x7f"));
    is_mem(buf, (size_t) (end - buf), "a\\x0ab\\x22c\\x5cd\\x7f", 20,
           "log escaping");
}


int
main(void)
{
    test_uri();
    test_host();
    test_language();
    test_text();
    test_render();
    test_time();
    test_escape();

    return tap_done();
}
