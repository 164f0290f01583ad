/*
 * Copyright (C) nginx-security-contact developers
 *
 * JSON (RFC 8259): a strict decoder into a flat token array, and string
 * escaping for output that is also safe inside HTML.  Pure core: no nginx
 * headers, no allocation (the caller passes every buffer), no state
 * outside the arguments.
 */

#ifndef SC_JSON_H
#define SC_JSON_H


#include "sc_core.h"


#define SC_JSON_NONE            ((uint32_t) 0xffffffff)

#define SC_JSON_OK              0
#define SC_JSON_ERROR           -1

/* the limits used where sc_json_parse() is given no limits */
#define SC_JSON_DEFAULT_DEPTH   32


typedef enum {
    SC_JSON_NULL = 0,
    SC_JSON_FALSE,
    SC_JSON_TRUE,
    SC_JSON_NUMBER,
    SC_JSON_STRING,
    SC_JSON_ARRAY,
    SC_JSON_OBJECT
} sc_json_type_t;


/*
 * The tokens are the values in document order.  An object's members are
 * each a key token (STRING) followed by the value's subtree, so that the
 * first member's key is at obj + 1, its value at obj + 2, and the next key
 * at toks[obj + 2].end.  An array's elements follow one another the same
 * way.  Scalars and keys have end = index + 1.
 */

typedef struct {
    sc_json_type_t   type;
    uint32_t         parent;    /* the enclosing array or object, or
                                   SC_JSON_NONE for the root */
    uint32_t         size;      /* array elements, object members */
    uint32_t         end;       /* index just past this token's subtree */
    sc_str_t         str;       /* STRING (values and keys): the decoded
                                   UTF-8, in work; NUMBER: its text, in
                                   the input */
} sc_json_token_t;


/*
 * Limits on hostile input.  A zero field means no limit beyond the ones
 * the buffers set (cap tokens, len bytes of strings).  max_depth counts
 * open arrays and objects: "[[1]]" has depth 2, a bare scalar depth 0.
 * max_string bounds the decoded length of any one string, keys included.
 */

typedef struct {
    size_t           max_depth;
    size_t           max_tokens;
    size_t           max_string;
} sc_json_limits_t;


typedef struct {
    size_t           offset;    /* of the byte where the error was found */
    const char      *message;   /* a static sentence */
    int              too_large; /* a limit was hit, the text itself may be
                                   valid: the caller may answer 413 */
} sc_json_error_t;


/*
 * Strict RFC 8259: exactly one value with optional whitespace (SP, HTAB,
 * LF, CR) around it; no byte order mark, no trailing commas, no comments,
 * no leading zeros, no NaN or Infinity, no single quotes.  Escapes,
 * including \uXXXX with surrogate pairs, are decoded to UTF-8 into work,
 * which needs at least len bytes (a decoded string is never longer than
 * its text).  Lone surrogates, invalid UTF-8 (overlong forms, surrogates,
 * code points past U+10FFFF), raw control characters in strings and
 * duplicate keys in one object are errors.
 *
 * limits may be NULL: then the depth is SC_JSON_DEFAULT_DEPTH and only
 * the buffers bound the rest.  Returns SC_JSON_OK with *ntoks set, or
 * SC_JSON_ERROR with *err filled in (err may be NULL).
 *
 * The duplicate-key check compares each key with the keys before it in
 * the same object: quadratic in the members of one object, so callers
 * should keep max_tokens proportionate to what they expect.
 */
int sc_json_parse(const unsigned char *in, size_t len, unsigned char *work,
    sc_json_token_t *toks, size_t cap, size_t *ntoks,
    const sc_json_limits_t *limits, sc_json_error_t *err);

/* the index of the value of member key in object obj, or SC_JSON_NONE */
uint32_t sc_json_get(const sc_json_token_t *toks, size_t ntoks, uint32_t obj,
    const char *key);

/* whether a STRING token holds exactly the NUL-terminated s */
int sc_json_eq(const sc_json_token_t *tok, const char *s);

/*
 * One UTF-8 character at p (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF): its length, with *cp the code point, or 0 if the
 * bytes are not valid UTF-8.  len must be at least 1.
 */
size_t sc_json_utf8_char(const unsigned char *p, size_t len, uint32_t *cp);

/*
 * JSON string escaping, without the surrounding quotes: '"' and '\' as
 * \" and \\, control characters as \b \f \n \r \t or \u00XX, DEL as
 * \u007f, and '<', '>', '&', '\'' as \u003c \u003e \u0026 \u0027, and
 * U+2028, U+2029 as \u2028 \u2029, so that the output is safe inside
 * HTML and in a script element.  Other bytes, UTF-8 included, are copied.
 * out needs 6 * len bytes; sc_json_escape_len() gives the exact size.
 * Returns the bytes written.
 */
size_t sc_json_escape(unsigned char *out, const unsigned char *s, size_t len);
size_t sc_json_escape_len(const unsigned char *s, size_t len);


#endif /* SC_JSON_H */
