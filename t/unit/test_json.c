/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the JSON pure core: every grammar rule of RFC 8259, the
 * escapes and surrogate pairs, UTF-8, the limits, duplicate keys, the
 * token tree, sc_json_get() and the HTML-safe escaping.
 */


#include <stdlib.h>

#include "tap.h"
#include "sc_json.h"


#define S(s)  (const unsigned char *) (s), sizeof(s) - 1

#define TEST_CAP  64


static sc_json_token_t  toks[TEST_CAP];
static unsigned char    work[4096];
static size_t           ntoks;
static sc_json_error_t  err;


/* a test name without control characters, which would break TAP */

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
parse_lim(const unsigned char *in, size_t len, const sc_json_limits_t *lim)
{
    err.offset = (size_t) -1;
    err.message = NULL;
    err.too_large = -1;

    return sc_json_parse(in, len, work, toks, TEST_CAP, &ntoks, lim, &err);
}


static int
parse(const unsigned char *in, size_t len)
{
    return parse_lim(in, len, NULL);
}


static void
test_scalars(void)
{
    static const char  *good[] = {
        "null", "true", "false", "0", "-0", "1", "-1", "123", "1.5",
        "-0.25", "1e10", "1E10", "1e+10", "1e-10", "-1.0E-2", "0.0e0",
        "\"\"", "\"x\"", " 1 ", "\t\r\n 1\t\r\n ", "1234567890123456789012",
        NULL
    };

    static const char  *bad[] = {
        "", " ", "01", "-01", "00", "-", "+1", "1.", ".5", "1.e5", "1e",
        "1e+", "1E-", "0x10", "NaN", "Infinity", "-Infinity", "nan", "tru",
        "nul", "fals", "True", "NULL", "'x'", "\"abc", "\"\\", "1 2",
        "true false", "nullx", "1x", "\f1", "\v1", "/* c */ 1", "1 // c",
        "# c\n1", "\"a\" \"b\"", NULL
    };

    size_t  i;

    for (i = 0; good[i]; i++) {
        ok(parse((const unsigned char *) good[i], strlen(good[i]))
           == SC_JSON_OK && ntoks == 1, "valid scalar '%s'", show(good[i]));
    }

    for (i = 0; bad[i]; i++) {
        ok(parse((const unsigned char *) bad[i], strlen(bad[i]))
           == SC_JSON_ERROR && err.message != NULL && err.too_large == 0,
           "invalid '%s': %s", show(bad[i]),
           err.message ? err.message : "");
    }

    parse(S("null"));
    is_int(toks[0].type, SC_JSON_NULL, "null type");
    parse(S("true"));
    is_int(toks[0].type, SC_JSON_TRUE, "true type");
    parse(S("false"));
    is_int(toks[0].type, SC_JSON_FALSE, "false type");

    parse(S(" -12.5e+3 "));
    is_int(toks[0].type, SC_JSON_NUMBER, "number type");
    is_mem(toks[0].str.data, toks[0].str.len, "-12.5e+3", 8,
           "number text as written");
    is_int(toks[0].parent, SC_JSON_NONE, "root has no parent");
    is_int(toks[0].end, 1, "scalar end");

    parse(S("01"));
    is_int(err.offset, 1, "leading zero offset");
    ok(strstr(err.message, "leading zero") != NULL, "leading zero message");

    parse(S("1 2"));
    is_int(err.offset, 2, "trailing value offset");

    parse(S("\xef\xbb\xbf" "1"));
    ok(err.message && strstr(err.message, "byte order mark"),
       "byte order mark refused");
}


static void
test_containers(void)
{
    static const char  *good[] = {
        "[]", "{}", "[ ]", "{ }", "[1]", "[1,2,3]", "[[],[[]],{}]",
        "{\"a\":1}", "{ \"a\" : 1 , \"b\" : [ ] }", "[null,true,false]",
        "{\"\":0}", "[\"a\",{\"b\":{\"c\":[]}}]", NULL
    };

    static const char  *bad[] = {
        "[", "]", "{", "}", "[1,]", "[,1]", "[,]", "[1 2]", "[1,,2]",
        "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}",
        "{a:1}", "{'a':1}", "{\"a\":1 \"b\":2}", "{\"a\"::1}", "[1:2]",
        "{\"a\",1}", "[}", "{]", "[1]]", "{}}", "[1]x", "{\"a\":1", "[[]",
        "[\"a\",]", NULL
    };

    size_t  i;

    for (i = 0; good[i]; i++) {
        ok(parse((const unsigned char *) good[i], strlen(good[i]))
           == SC_JSON_OK, "valid '%s'", show(good[i]));
    }

    for (i = 0; bad[i]; i++) {
        ok(parse((const unsigned char *) bad[i], strlen(bad[i]))
           == SC_JSON_ERROR && err.too_large == 0,
           "invalid '%s': %s", show(bad[i]),
           err.message ? err.message : "");
    }

    parse(S("[1,]"));
    is_int(err.offset, 3, "trailing comma offset");
    ok(strstr(err.message, "trailing comma") != NULL,
       "trailing comma message");

    /*
     * 0 {  1 "a"  2 [  3 1  4 {  5 "b"  6 null  7 "c"  8 "d"
     */

    ok(parse(S("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}")) == SC_JSON_OK,
       "tree parsed");
    is_int(ntoks, 9, "tree tokens");
    is_int(toks[0].type, SC_JSON_OBJECT, "root object");
    is_int(toks[0].size, 2, "root members");
    is_int(toks[0].end, 9, "root end");
    is_int(toks[0].parent, SC_JSON_NONE, "root parent");
    is_int(toks[1].type, SC_JSON_STRING, "key a");
    is_int(toks[1].parent, 0, "key parent");
    is_int(toks[1].end, 2, "key end");
    is_int(toks[2].type, SC_JSON_ARRAY, "array");
    is_int(toks[2].parent, 0, "array parent");
    is_int(toks[2].size, 2, "array size");
    is_int(toks[2].end, 7, "array end");
    is_int(toks[3].parent, 2, "element parent");
    is_int(toks[4].type, SC_JSON_OBJECT, "inner object");
    is_int(toks[4].size, 1, "inner object size");
    is_int(toks[4].end, 7, "inner object end");
    is_int(toks[5].parent, 4, "inner key parent");
    is_int(toks[6].type, SC_JSON_NULL, "inner null");
    is_int(toks[6].parent, 4, "inner value parent");
    is_int(toks[7].parent, 0, "key c parent");
    is_mem(toks[8].str.data, toks[8].str.len, "d", 1, "value d");
    is_int(toks[8].end, 9, "last end");

    ok(parse(S("[[],{}]")) == SC_JSON_OK, "empty containers");
    is_int(toks[0].size, 2, "outer size");
    is_int(toks[1].size, 0, "empty array size");
    is_int(toks[1].end, 2, "empty array end");
    is_int(toks[2].size, 0, "empty object size");
    is_int(toks[2].end, 3, "empty object end");
}


static void
test_strings(void)
{
    size_t  i;

    static const char  *bad[] = {
        "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "\"\\'\"",
        "\"\\a\"", "\"\\0\"", "\"\\\"", "\"\\u\"",
        "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"",
        "\"\\ud83d\\ud83d\"", "\"\\ude00\"", "\"\\ude00\\ud83d\"",
        "\"\\ud83d\\n\"", "\"\\ud83d\\ude0\"",
        "\"\x01\"", "\"\x1f\"", "\"\t\"", "\"\n\"", "\"\r\"",
        "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\x80\"",
        "\"\xe0\x9f\xbf\"", "\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"",
        "\"\xf0\x80\x80\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
        "\"\xff\"", "\"\x80\"", "\"\xc3\"", "\"\xe2\x82\"", "\"\xc3\x28\"",
        "\xc3\xa9", NULL
    };

    ok(parse(S("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")) == SC_JSON_OK,
       "simple escapes");
    is_mem(toks[0].str.data, toks[0].str.len, "\"\\/\b\f\n\r\t", 8,
           "simple escapes decoded");

    ok(parse(S("\"\\u0041\\u00e9\\u20AC\\uFFFF\"")) == SC_JSON_OK,
       "\\u escapes");
    is_mem(toks[0].str.data, toks[0].str.len,
           "A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf", 9, "\\u escapes to UTF-8");

    ok(parse(S("\"\\ud83d\\ude00\\uD800\\uDC00\\udbff\\udfff\"")) ==
       SC_JSON_OK, "surrogate pairs");
    is_mem(toks[0].str.data, toks[0].str.len,
           "\xf0\x9f\x98\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 12,
           "surrogate pairs to 4-byte UTF-8");

    ok(parse(S("\"a\\u0000b\"")) == SC_JSON_OK, "\\u0000");
    is_mem(toks[0].str.data, toks[0].str.len, "a\0b", 3, "NUL decoded");

    ok(parse(S("\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\x7f\"")) ==
       SC_JSON_OK, "raw UTF-8 and DEL");
    is_mem(toks[0].str.data, toks[0].str.len,
           "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\x7f", 10, "raw UTF-8 kept");

    for (i = 0; bad[i]; i++) {
        ok(parse((const unsigned char *) bad[i], strlen(bad[i]))
           == SC_JSON_ERROR, "invalid string %zu: %s", i,
           err.message ? err.message : "");
    }

    parse(S("\"\\ud83d\""));
    ok(strstr(err.message, "surrogate") != NULL, "lone surrogate named");

    parse(S("[\"ok\",\"\x01\"]"));
    is_int(err.offset, 7, "control character offset");

    ok(parse(S("{\"k\\u00e9y\":\"v\"}")) == SC_JSON_OK, "escaped key");
    is_mem(toks[1].str.data, toks[1].str.len, "k\xc3\xa9y", 4,
           "key decoded");
}


static void
test_limits(void)
{
    size_t            i, n;
    unsigned char    *deep, *dwork;
    sc_json_token_t  *many;
    sc_json_limits_t  lim;

    memset(&lim, 0, sizeof(lim));
    lim.max_depth = 3;

    ok(parse_lim(S("[[[1]]]"), &lim) == SC_JSON_OK, "depth 3 allowed");
    ok(parse_lim(S("[[[[1]]]]"), &lim) == SC_JSON_ERROR && err.too_large,
       "depth 4 refused as too large");
    is_int(err.offset, 3, "depth error offset");
    ok(parse_lim(S("{\"a\":{\"b\":{\"c\":{}}}}"), &lim) == SC_JSON_ERROR
       && err.too_large, "object depth 4 refused");
    ok(parse_lim(S("[[1],[2],[3]]"), &lim) == SC_JSON_OK,
       "depth is nesting, not count");

    /* the default depth */

    deep = malloc(200);

    for (i = 0; i < 32; i++) {
        deep[i] = '[';
        deep[32 + i] = ']';
    }

    ok(parse(deep, 64) == SC_JSON_OK, "default depth 32 allowed");

    memmove(deep + 1, deep, 64);
    deep[65] = ']';
    ok(parse(deep, 66) == SC_JSON_ERROR && err.too_large,
       "default depth 33 refused");
    free(deep);

    /* no depth limit: nesting costs no C stack */

    n = 100000;
    deep = malloc(2 * n);
    dwork = malloc(2 * n);
    many = malloc(n * sizeof(sc_json_token_t));

    memset(deep, '[', n);
    memset(deep + n, ']', n);

    memset(&lim, 0, sizeof(lim));
    ok(sc_json_parse(deep, 2 * n, dwork, many, n, &ntoks, &lim, &err)
       == SC_JSON_OK && ntoks == n, "100000 levels without a depth limit");
    ok(many[n - 1].parent == n - 2 && many[0].end == n,
       "deep tree linked");

    deep[2 * n - 1] = ' ';
    ok(sc_json_parse(deep, 2 * n, dwork, many, n, &ntoks, &lim, &err)
       == SC_JSON_ERROR, "unclosed deep array refused");

    free(deep);
    free(dwork);
    free(many);

    /* tokens */

    memset(&lim, 0, sizeof(lim));
    lim.max_tokens = 3;

    ok(parse_lim(S("[1,2]"), &lim) == SC_JSON_OK && ntoks == 3,
       "3 tokens allowed");
    ok(parse_lim(S("[1,2,3]"), &lim) == SC_JSON_ERROR && err.too_large,
       "4 tokens refused as too large");
    ok(parse_lim(S("{\"a\":1,\"b\":2}"), &lim) == SC_JSON_ERROR
       && err.too_large, "keys count as tokens");

    ok(sc_json_parse(S("[1,2]"), work, toks, 2, &ntoks, NULL, &err)
       == SC_JSON_ERROR && err.too_large, "token array capacity");

    ok(sc_json_parse(S("[1,2]"), work, toks, 3, &ntoks, NULL, NULL)
       == SC_JSON_OK, "err may be NULL");
    ok(sc_json_parse(S("[1,2"), work, toks, 3, &ntoks, NULL, NULL)
       == SC_JSON_ERROR, "err may be NULL on error");

    /* strings */

    memset(&lim, 0, sizeof(lim));
    lim.max_string = 3;

    ok(parse_lim(S("\"abc\""), &lim) == SC_JSON_OK, "string of 3 allowed");
    ok(parse_lim(S("\"abcd\""), &lim) == SC_JSON_ERROR && err.too_large,
       "string of 4 refused as too large");
    ok(parse_lim(S("\"\\u00e9\""), &lim) == SC_JSON_OK,
       "the decoded length counts (2)");
    ok(parse_lim(S("\"\\u00e9\\u00e9\""), &lim) == SC_JSON_ERROR
       && err.too_large, "the decoded length counts (4)");
    ok(parse_lim(S("{\"abcd\":1}"), &lim) == SC_JSON_ERROR && err.too_large,
       "keys are strings too");
    ok(parse_lim(S("\"\\ud83d\\ude00\""), &lim) == SC_JSON_ERROR
       && err.too_large, "a 4-byte character over the limit");
}


static void
test_duplicates(void)
{
    ok(parse(S("{\"a\":1,\"a\":2}")) == SC_JSON_ERROR
       && err.too_large == 0, "duplicate key refused");
    is_int(err.offset, 7, "duplicate key offset");
    ok(strstr(err.message, "twice") != NULL, "duplicate key message");

    ok(parse(S("{\"a\":1,\"\\u0061\":2}")) == SC_JSON_ERROR,
       "duplicate after decoding refused");
    ok(parse(S("{\"a\":1,\"b\":{\"x\":[1,{\"a\":3}]},\"a\":2}"))
       == SC_JSON_ERROR, "duplicate after a nested value refused");
    ok(parse(S("{\"\":1,\"\":2}")) == SC_JSON_ERROR,
       "duplicate empty key refused");

    ok(parse(S("{\"a\":{\"a\":1},\"b\":{\"a\":2}}")) == SC_JSON_OK,
       "same key in different objects");
    ok(parse(S("{\"a\":1,\"A\":2,\"a \":3,\"ab\":4}")) == SC_JSON_OK,
       "similar keys are different");
    ok(parse(S("[{\"a\":1},{\"a\":1}]")) == SC_JSON_OK,
       "same key in sibling objects");
}


static void
test_get(void)
{
    uint32_t  v;

    ok(parse(S("{\"a\":[1,{\"b\":2}],\"c\":{\"d\":3},\"e\":\"f\","
               "\"\":null}")) == SC_JSON_OK, "parsed for get");

    v = sc_json_get(toks, ntoks, 0, "a");
    ok(v == 2 && toks[v].type == SC_JSON_ARRAY, "get a");

    v = sc_json_get(toks, ntoks, 0, "c");
    ok(v != SC_JSON_NONE && toks[v].type == SC_JSON_OBJECT, "get c");
    v = sc_json_get(toks, ntoks, v, "d");
    ok(v != SC_JSON_NONE && toks[v].type == SC_JSON_NUMBER
       && toks[v].str.len == 1 && toks[v].str.data[0] == '3',
       "get c.d");

    v = sc_json_get(toks, ntoks, 0, "e");
    ok(v != SC_JSON_NONE && sc_json_eq(&toks[v], "f"), "get e");

    v = sc_json_get(toks, ntoks, 0, "");
    ok(v != SC_JSON_NONE && toks[v].type == SC_JSON_NULL, "get empty key");

    is_int(sc_json_get(toks, ntoks, 0, "b"), SC_JSON_NONE,
           "nested key not found at top");
    is_int(sc_json_get(toks, ntoks, 0, "d"), SC_JSON_NONE, "d not at top");
    is_int(sc_json_get(toks, ntoks, 0, "A"), SC_JSON_NONE,
           "keys are case-sensitive");
    is_int(sc_json_get(toks, ntoks, 2, "b"), SC_JSON_NONE,
           "get on an array");
    is_int(sc_json_get(toks, ntoks, 1000, "a"), SC_JSON_NONE,
           "get out of range");
    is_int(sc_json_get(toks, 3, 0, "c"), SC_JSON_NONE,
           "get bounded by ntoks");

    ok(parse(S("{}")) == SC_JSON_OK, "empty object");
    is_int(sc_json_get(toks, ntoks, 0, "a"), SC_JSON_NONE,
           "get in an empty object");

    ok(sc_json_eq(&toks[0], "") == 0, "eq on an object");
}


static void
test_escape(void)
{
    size_t         n;
    unsigned char  out[512];

    static const unsigned char  in[] =
        "a\"b\\c/\n\r\t\b\f\x01\x1f\x7f<>&'\xc3\xa9\xe2\x80\xa8\xe2\x80\xa9"
        "\xe2\x80\xa7\xe2\x82\xac";
    static const char  want[] =
        "a\\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\\u003c\\u003e"
        "\\u0026\\u0027\xc3\xa9\\u2028\\u2029\xe2\x80\xa7\xe2\x82\xac";

    n = sc_json_escape(out, in, sizeof(in) - 1);
    is_mem(out, n, want, sizeof(want) - 1, "escaped");
    is_int(sc_json_escape_len(in, sizeof(in) - 1), n, "escape length");

    n = sc_json_escape(out, (const unsigned char *) "\0", 1);
    is_mem(out, n, "\\u0000", 6, "NUL escaped");

    n = sc_json_escape(out, (const unsigned char *) "</script>", 9);
    is_mem(out, n, "\\u003c/script\\u003e", 19, "script end escaped");

    n = sc_json_escape(out, (const unsigned char *) "\xe2\x80", 2);
    is_mem(out, n, "\\ufffd\\ufffd", 12,
           "a truncated sequence becomes U+FFFD, the output stays UTF-8");

    n = sc_json_escape(out, (const unsigned char *) "a\xff\xc3\xa9", 4);
    is_mem(out, n, "a\\ufffd\xc3\xa9", 9,
           "an invalid byte becomes U+FFFD, valid UTF-8 is kept");

    is_int(sc_json_escape(out, (const unsigned char *) "", 0), 0,
           "empty");

    /* the escaped text decodes back to the same bytes */

    n = sc_json_escape(out + 1, in, sizeof(in) - 1);
    out[0] = '"';
    out[n + 1] = '"';

    ok(parse(out, n + 2) == SC_JSON_OK, "escaped text parses");
    is_mem(toks[0].str.data, toks[0].str.len, in, sizeof(in) - 1,
           "round trip");
}


static void
test_utf8(void)
{
    uint32_t  cp;

    is_int(sc_json_utf8_char((const unsigned char *) "A", 1, &cp), 1,
           "ASCII");
    is_int(sc_json_utf8_char((const unsigned char *) "\xc2\x80", 2, &cp), 2,
           "U+0080");
    is_int(cp, 0x80, "U+0080 code point");
    is_int(sc_json_utf8_char((const unsigned char *) "\xf4\x8f\xbf\xbf", 4,
                             &cp), 4, "U+10FFFF");
    is_int(cp, 0x10ffff, "U+10FFFF code point");
    is_int(sc_json_utf8_char((const unsigned char *) "\xf0\x9f\x98", 3, &cp),
           0, "truncated");
    is_int(sc_json_utf8_char((const unsigned char *) "\xed\xa0\x80", 3, &cp),
           0, "surrogate");
}


int
main(void)
{
    test_scalars();
    test_containers();
    test_strings();
    test_limits();
    test_duplicates();
    test_get();
    test_escape();
    test_utf8();

    return tap_done();
}
