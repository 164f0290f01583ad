/*
 * Copyright (C) nginx-security-contact developers
 *
 * A strict JSON (RFC 8259) decoder and a JSON string encoder.  Pure core.
 *
 * The decoder is a loop over three states, not a recursion: the chain of
 * open containers is kept in the tokens themselves (each knows its
 * parent), so nesting costs no C stack and max_depth is only a policy.
 */


#include <string.h>

#include "sc_json.h"


#define SC_JSON_MAX_INDEX  ((size_t) SC_JSON_NONE - 1)

#define sc_json_is_ws(c)     ((c) == ' ' || (c) == '\t' || (c) == '\n'      \
                              || (c) == '\r')
#define sc_json_is_digit(c)  ((c) >= '0' && (c) <= '9')


typedef enum {
    sc_json_st_value = 0,
    sc_json_st_key,
    sc_json_st_next
} sc_json_state_t;


typedef struct {
    const unsigned char  *in;
    size_t                len;
    size_t                pos;
    unsigned char        *work;
    size_t                wpos;
    sc_json_token_t      *toks;
    size_t                cap;
    size_t                n;
    size_t                max_string;
    sc_json_error_t      *err;
} sc_json_parser_t;


static int sc_json_fail(sc_json_parser_t *p, const char *message,
    int too_large);
static sc_json_token_t *sc_json_alloc(sc_json_parser_t *p,
    sc_json_type_t type, uint32_t parent);
static void sc_json_skip_ws(sc_json_parser_t *p);
static int sc_json_hex4(const unsigned char *s, uint32_t *v);
static int sc_json_string(sc_json_parser_t *p, sc_str_t *out);
static int sc_json_number(sc_json_parser_t *p, sc_str_t *out);
static int sc_json_literal(sc_json_parser_t *p, const char *word,
    size_t n);
static int sc_json_duplicate(const sc_json_parser_t *p, uint32_t obj,
    uint32_t key);
static size_t sc_json_put_utf8(unsigned char *out, uint32_t cp);
static size_t sc_json_escape_to(unsigned char *out, const unsigned char *s,
    size_t len);


static int
sc_json_fail(sc_json_parser_t *p, const char *message, int too_large)
{
    if (p->err) {
        p->err->offset = p->pos;
        p->err->message = message;
        p->err->too_large = too_large;
    }

    return SC_JSON_ERROR;
}


static sc_json_token_t *
sc_json_alloc(sc_json_parser_t *p, sc_json_type_t type, uint32_t parent)
{
    sc_json_token_t  *t;

    if (p->n >= p->cap || p->n >= SC_JSON_MAX_INDEX) {
        return NULL;
    }

    t = &p->toks[p->n++];

    t->type = type;
    t->parent = parent;
    t->size = 0;
    t->end = (uint32_t) p->n;
    t->str.data = NULL;
    t->str.len = 0;

    if (parent != SC_JSON_NONE && p->toks[parent].type == SC_JSON_ARRAY) {
        p->toks[parent].size++;
    }

    return t;
}


static void
sc_json_skip_ws(sc_json_parser_t *p)
{
    while (p->pos < p->len && sc_json_is_ws(p->in[p->pos])) {
        p->pos++;
    }
}


static int
sc_json_hex4(const unsigned char *s, uint32_t *v)
{
    size_t         i;
    unsigned char  c;

    *v = 0;

    for (i = 0; i < 4; i++) {
        c = s[i];

        if (sc_json_is_digit(c)) {
            *v = (*v << 4) | (uint32_t) (c - '0');

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            *v = (*v << 4) | (uint32_t) ((c | 0x20) - 'a' + 10);

        } else {
            return -1;
        }
    }

    return 0;
}


static size_t
sc_json_put_utf8(unsigned char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (unsigned char) cp;
        return 1;
    }

    if (cp < 0x800) {
        out[0] = (unsigned char) (0xc0 | (cp >> 6));
        out[1] = (unsigned char) (0x80 | (cp & 0x3f));
        return 2;
    }

    if (cp < 0x10000) {
        out[0] = (unsigned char) (0xe0 | (cp >> 12));
        out[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char) (0x80 | (cp & 0x3f));
        return 3;
    }

    out[0] = (unsigned char) (0xf0 | (cp >> 18));
    out[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char) (0x80 | (cp & 0x3f));
    return 4;
}


size_t
sc_json_utf8_char(const unsigned char *p, size_t len, uint32_t *cp)
{
    size_t         i, n;
    uint32_t       v, min;
    unsigned char  c;

    c = p[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
        min = 0x80;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        min = 0x800;

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if (len < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        c = p[i];

        if ((c & 0xc0) != 0x80) {
            return 0;
        }

        v = (v << 6) | (c & 0x3f);
    }

    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }

    *cp = v;

    return n;
}


/*
 * A string at p->pos (the opening quote).  The decoded bytes go to work
 * at p->wpos: an escape is never shorter than what it decodes to, so the
 * writer never overtakes the reader and len bytes of work are enough.
 */

static int
sc_json_string(sc_json_parser_t *p, sc_str_t *out)
{
    size_t          start, n;
    uint32_t        cp, lo;
    unsigned char   c;

    start = p->wpos;
    p->pos++;

    for ( ;; ) {

        if (p->max_string && p->wpos - start > p->max_string) {
            return sc_json_fail(p, "a string is longer than allowed", 1);
        }

        if (p->pos == p->len) {
            return sc_json_fail(p, "the text ends inside a string", 0);
        }

        c = p->in[p->pos];

        if (c == '"') {
            p->pos++;
            break;
        }

        if (c < 0x20) {
            return sc_json_fail(p, "a control character in a string must "
                                "be escaped (RFC 8259 section 7)", 0);
        }

        if (c >= 0x80) {
            n = sc_json_utf8_char(p->in + p->pos, p->len - p->pos, &cp);
            if (n == 0) {
                return sc_json_fail(p, "the text is not valid UTF-8 "
                                    "(RFC 8259 section 8.1)", 0);
            }

            memcpy(p->work + p->wpos, p->in + p->pos, n);
            p->wpos += n;
            p->pos += n;
            continue;
        }

        if (c != '\\') {
            p->work[p->wpos++] = c;
            p->pos++;
            continue;
        }

        if (p->len - p->pos < 2) {
            return sc_json_fail(p, "the text ends inside a string", 0);
        }

        switch (p->in[p->pos + 1]) {

        case '"':
            c = '"';
            break;

        case '\\':
            c = '\\';
            break;

        case '/':
            c = '/';
            break;

        case 'b':
            c = '\b';
            break;

        case 'f':
            c = '\f';
            break;

        case 'n':
            c = '\n';
            break;

        case 'r':
            c = '\r';
            break;

        case 't':
            c = '\t';
            break;

        case 'u':
            if (p->len - p->pos < 6
                || sc_json_hex4(p->in + p->pos + 2, &cp) != 0)
            {
                return sc_json_fail(p, "\\u must be followed by four hex "
                                    "digits (RFC 8259 section 7)", 0);
            }

            if (cp >= 0xdc00 && cp <= 0xdfff) {
                return sc_json_fail(p, "a low surrogate escape without a "
                                    "high one before it", 0);
            }

            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (p->len - p->pos < 12
                    || p->in[p->pos + 6] != '\\'
                    || p->in[p->pos + 7] != 'u'
                    || sc_json_hex4(p->in + p->pos + 8, &lo) != 0
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return sc_json_fail(p, "a high surrogate escape not "
                                        "followed by a low one", 0);
                }

                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p->pos += 6;
            }

            p->wpos += sc_json_put_utf8(p->work + p->wpos, cp);
            p->pos += 6;
            continue;

        default:
            return sc_json_fail(p, "an unknown escape in a string "
                                "(RFC 8259 section 7)", 0);
        }

        p->work[p->wpos++] = c;
        p->pos += 2;
    }

    if (p->max_string && p->wpos - start > p->max_string) {
        p->pos--;
        return sc_json_fail(p, "a string is longer than allowed", 1);
    }

    out->data = p->work + start;
    out->len = p->wpos - start;

    return SC_JSON_OK;
}


/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, RFC 8259 sec. 6 */

static int
sc_json_number(sc_json_parser_t *p, sc_str_t *out)
{
    size_t  start;

    start = p->pos;

    if (p->in[p->pos] == '-') {
        p->pos++;
    }

    if (p->pos == p->len || !sc_json_is_digit(p->in[p->pos])) {
        return sc_json_fail(p, "a number must have digits "
                            "(RFC 8259 section 6)", 0);
    }

    if (p->in[p->pos] == '0') {
        p->pos++;

        if (p->pos < p->len && sc_json_is_digit(p->in[p->pos])) {
            return sc_json_fail(p, "a number must not have leading zeros "
                                "(RFC 8259 section 6)", 0);
        }

    } else {
        while (p->pos < p->len && sc_json_is_digit(p->in[p->pos])) {
            p->pos++;
        }
    }

    if (p->pos < p->len && p->in[p->pos] == '.') {
        p->pos++;

        if (p->pos == p->len || !sc_json_is_digit(p->in[p->pos])) {
            return sc_json_fail(p, "a decimal point must be followed by "
                                "digits (RFC 8259 section 6)", 0);
        }

        while (p->pos < p->len && sc_json_is_digit(p->in[p->pos])) {
            p->pos++;
        }
    }

    if (p->pos < p->len && (p->in[p->pos] | 0x20) == 'e') {
        p->pos++;

        if (p->pos < p->len
            && (p->in[p->pos] == '+' || p->in[p->pos] == '-'))
        {
            p->pos++;
        }

        if (p->pos == p->len || !sc_json_is_digit(p->in[p->pos])) {
            return sc_json_fail(p, "an exponent must have digits "
                                "(RFC 8259 section 6)", 0);
        }

        while (p->pos < p->len && sc_json_is_digit(p->in[p->pos])) {
            p->pos++;
        }
    }

    out->data = p->in + start;
    out->len = p->pos - start;

    return SC_JSON_OK;
}


static int
sc_json_literal(sc_json_parser_t *p, const char *word, size_t n)
{
    if (p->len - p->pos < n || memcmp(p->in + p->pos, word, n) != 0) {
        return sc_json_fail(p, "not a JSON value: expected an object, "
                            "array, string, number, true, false or null",
                            0);
    }

    p->pos += n;

    return SC_JSON_OK;
}


/* whether an earlier key of obj, all of whose members are complete, is
 * the same as the key just read */

static int
sc_json_duplicate(const sc_json_parser_t *p, uint32_t obj, uint32_t key)
{
    uint32_t                i;
    const sc_json_token_t  *k, *t;

    k = &p->toks[key];

    for (i = obj + 1; i < key; i = p->toks[i + 1].end) {
        t = &p->toks[i];

        if (t->str.len == k->str.len
            && (k->str.len == 0
                || memcmp(t->str.data, k->str.data, k->str.len) == 0))
        {
            return 1;
        }
    }

    return 0;
}


int
sc_json_parse(const unsigned char *in, size_t len, unsigned char *work,
    sc_json_token_t *toks, size_t cap, size_t *ntoks,
    const sc_json_limits_t *limits, sc_json_error_t *err)
{
    size_t             depth, max_depth, start;
    uint32_t           cur, idx;
    unsigned char      c, closer;
    sc_json_state_t    state;
    sc_json_token_t   *t;
    sc_json_parser_t   p;

    p.in = in;
    p.len = len;
    p.pos = 0;
    p.work = work;
    p.wpos = 0;
    p.toks = toks;
    p.cap = cap;
    p.n = 0;
    p.err = err;

    *ntoks = 0;

    if (limits) {
        max_depth = limits->max_depth;
        p.max_string = limits->max_string;

        if (limits->max_tokens && limits->max_tokens < p.cap) {
            p.cap = limits->max_tokens;
        }

    } else {
        max_depth = SC_JSON_DEFAULT_DEPTH;
        p.max_string = 0;
    }

    if (len >= 3 && in[0] == 0xef && in[1] == 0xbb && in[2] == 0xbf) {
        return sc_json_fail(&p, "a byte order mark must not start the text "
                            "(RFC 8259 section 8.1)", 0);
    }

    state = sc_json_st_value;
    cur = SC_JSON_NONE;
    depth = 0;

    for ( ;; ) {

        sc_json_skip_ws(&p);

        switch (state) {

        case sc_json_st_value:

            if (p.pos == p.len) {
                return sc_json_fail(&p, "the text ends where a value was "
                                    "expected", 0);
            }

            c = in[p.pos];
            idx = (uint32_t) p.n;

            if (c == '{' || c == '[') {
                if (max_depth && depth >= max_depth) {
                    return sc_json_fail(&p, "arrays and objects are nested "
                                        "deeper than allowed", 1);
                }

                t = sc_json_alloc(&p, c == '{' ? SC_JSON_OBJECT
                                               : SC_JSON_ARRAY, cur);
                if (t == NULL) {
                    goto too_many;
                }

                depth++;
                cur = idx;
                p.pos++;

                state = (c == '{') ? sc_json_st_key : sc_json_st_value;

                sc_json_skip_ws(&p);

                if (p.pos < p.len && in[p.pos] == (c == '{' ? '}' : ']')) {
                    goto close_container;
                }

                break;
            }

            switch (c) {

            case '"':
                t = sc_json_alloc(&p, SC_JSON_STRING, cur);
                if (t == NULL) {
                    goto too_many;
                }

                if (sc_json_string(&p, &t->str) != SC_JSON_OK) {
                    return SC_JSON_ERROR;
                }

                break;

            case 't':
                t = sc_json_alloc(&p, SC_JSON_TRUE, cur);
                if (t == NULL) {
                    goto too_many;
                }

                if (sc_json_literal(&p, "true", 4) != SC_JSON_OK) {
                    return SC_JSON_ERROR;
                }

                break;

            case 'f':
                t = sc_json_alloc(&p, SC_JSON_FALSE, cur);
                if (t == NULL) {
                    goto too_many;
                }

                if (sc_json_literal(&p, "false", 5) != SC_JSON_OK) {
                    return SC_JSON_ERROR;
                }

                break;

            case 'n':
                t = sc_json_alloc(&p, SC_JSON_NULL, cur);
                if (t == NULL) {
                    goto too_many;
                }

                if (sc_json_literal(&p, "null", 4) != SC_JSON_OK) {
                    return SC_JSON_ERROR;
                }

                break;

            default:
                if (c != '-' && !sc_json_is_digit(c)) {
                    if (c == ']' || c == '}') {
                        return sc_json_fail(&p, "a value was expected: "
                                            "trailing commas are not "
                                            "allowed", 0);
                    }

                    return sc_json_fail(&p, "not a JSON value: expected an "
                                        "object, array, string, number, "
                                        "true, false or null", 0);
                }

                t = sc_json_alloc(&p, SC_JSON_NUMBER, cur);
                if (t == NULL) {
                    goto too_many;
                }

                if (sc_json_number(&p, &t->str) != SC_JSON_OK) {
                    return SC_JSON_ERROR;
                }
            }

            state = sc_json_st_next;
            break;

        case sc_json_st_key:

            if (p.pos == p.len || in[p.pos] != '"') {
                return sc_json_fail(&p, "an object member must start with "
                                    "a string key", 0);
            }

            idx = (uint32_t) p.n;
            start = p.pos;

            t = sc_json_alloc(&p, SC_JSON_STRING, cur);
            if (t == NULL) {
                goto too_many;
            }

            if (sc_json_string(&p, &t->str) != SC_JSON_OK) {
                return SC_JSON_ERROR;
            }

            if (sc_json_duplicate(&p, cur, idx)) {
                p.pos = start;
                return sc_json_fail(&p, "a key appears twice in one object",
                                    0);
            }

            toks[cur].size++;

            sc_json_skip_ws(&p);

            if (p.pos == p.len || in[p.pos] != ':') {
                return sc_json_fail(&p, "a key must be followed by \":\"",
                                    0);
            }

            p.pos++;
            state = sc_json_st_value;
            break;

        case sc_json_st_next:

            if (cur == SC_JSON_NONE) {
                if (p.pos != p.len) {
                    return sc_json_fail(&p, "text follows the value", 0);
                }

                *ntoks = p.n;
                return SC_JSON_OK;
            }

            if (p.pos == p.len) {
                return sc_json_fail(&p, "the text ends inside an array or "
                                    "object", 0);
            }

            c = in[p.pos];
            closer = (toks[cur].type == SC_JSON_OBJECT) ? '}' : ']';

            if (c == ',') {
                p.pos++;
                state = (closer == '}') ? sc_json_st_key : sc_json_st_value;
                break;
            }

            if (c == closer) {
                goto close_container;
            }

            return sc_json_fail(&p, (closer == '}')
                                    ? "expected \",\" or \"}\" in an object"
                                    : "expected \",\" or \"]\" in an array",
                                0);
        }

        continue;

    close_container:

        toks[cur].end = (uint32_t) p.n;
        cur = toks[cur].parent;
        depth--;
        p.pos++;
        state = sc_json_st_next;
    }

too_many:

    return sc_json_fail(&p, "the text has more values than allowed", 1);
}


uint32_t
sc_json_get(const sc_json_token_t *toks, size_t ntoks, uint32_t obj,
    const char *key)
{
    size_t    end, next;
    uint32_t  i;

    if (obj >= ntoks || toks[obj].type != SC_JSON_OBJECT) {
        return SC_JSON_NONE;
    }

    end = toks[obj].end;

    if (end > ntoks) {
        end = ntoks;
    }

    for (i = obj + 1; (size_t) i + 1 < end; i = (uint32_t) next) {
        if (sc_json_eq(&toks[i], key)) {
            return i + 1;
        }

        next = toks[i + 1].end;

        if (next <= (size_t) i + 1) {
            break;
        }
    }

    return SC_JSON_NONE;
}


int
sc_json_eq(const sc_json_token_t *tok, const char *s)
{
    size_t  n;

    if (tok->type != SC_JSON_STRING) {
        return 0;
    }

    n = strlen(s);

    return tok->str.len == n
           && (n == 0 || memcmp(tok->str.data, s, n) == 0);
}


/* out may be NULL: then only the length is counted */

static size_t
sc_json_escape_to(unsigned char *out, const unsigned char *s, size_t len)
{
    size_t          i, n, k;
    uint32_t        cp;
    unsigned char   c, e;

    static const char  hex[] = "0123456789abcdef";

    n = 0;

    for (i = 0; i < len; i++) {
        c = s[i];
        e = 0;

        switch (c) {

        case '"':
            e = '"';
            break;

        case '\\':
            e = '\\';
            break;

        case '\b':
            e = 'b';
            break;

        case '\f':
            e = 'f';
            break;

        case '\n':
            e = 'n';
            break;

        case '\r':
            e = 'r';
            break;

        case '\t':
            e = 't';
            break;

        case 0xe2:
            /* U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR end a
             * line in JavaScript */

            if (len - i >= 3 && s[i + 1] == 0x80
                && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
            {
                if (out) {
                    memcpy(out + n, "\\u202", 5);
                    out[n + 5] = (s[i + 2] == 0xa8) ? '8' : '9';
                }

                n += 6;
                i += 2;
                continue;
            }

            break;

        default:
            break;
        }

        if (e) {
            if (out) {
                out[n] = '\\';
                out[n + 1] = e;
            }

            n += 2;
            continue;
        }

        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&'
            || c == '\'')
        {
            if (out) {
                memcpy(out + n, "\\u00", 4);
                out[n + 4] = (unsigned char) hex[c >> 4];
                out[n + 5] = (unsigned char) hex[c & 0xf];
            }

            n += 6;
            continue;
        }

        if (c >= 0x80) {

            /* what is not UTF-8 becomes U+FFFD: the output stays JSON */

            k = sc_json_utf8_char(s + i, len - i, &cp);

            if (k == 0) {
                if (out) {
                    memcpy(out + n, "\\ufffd", 6);
                }

                n += 6;
                continue;
            }

            if (out) {
                memcpy(out + n, s + i, k);
            }

            n += k;
            i += k - 1;
            continue;
        }

        if (out) {
            out[n] = c;
        }

        n++;
    }

    return n;
}


size_t
sc_json_escape(unsigned char *out, const unsigned char *s, size_t len)
{
    return sc_json_escape_to(out, s, len);
}


size_t
sc_json_escape_len(const unsigned char *s, size_t len)
{
    return sc_json_escape_to(NULL, s, len);
}
