/*
 * Copyright (C) nginx-security-contact developers
 *
 * Page templates.  Pure core.
 */


#include <string.h>

#include "sc_template.h"


typedef struct {
    unsigned char         kind;      /* 0 value, '#', '^', '/' */
    const unsigned char  *name;
    size_t                name_len;
    size_t                len;       /* of the whole tag */
} sc_tag_t;


static int
sc_template_tag(const unsigned char *p, const unsigned char *end,
    sc_tag_t *tag)
{
    const unsigned char  *q;

    if (end - p < 5 || p[0] != '{' || p[1] != '{') {
        return 0;
    }

    q = p + 2;
    tag->kind = 0;

    if (*q == '#' || *q == '^' || *q == '/') {
        tag->kind = *q++;
    }

    tag->name = q;

    while (q < end && ((*q >= 'a' && *q <= 'z') || *q == '_'
                       || (*q >= '0' && *q <= '9')))
    {
        q++;
    }

    tag->name_len = q - tag->name;

    if (tag->name_len == 0 || end - q < 2 || q[0] != '}' || q[1] != '}') {
        return 0;
    }

    tag->len = q + 2 - p;

    return 1;
}


static const sc_str_t *
sc_template_lookup(const sc_tag_t *tag, const sc_template_var_t *vars,
    size_t nvars)
{
    size_t  i;

    for (i = 0; i < nvars; i++) {
        if (strlen(vars[i].name) == tag->name_len
            && memcmp(vars[i].name, tag->name, tag->name_len) == 0)
        {
            return &vars[i].value;
        }
    }

    return NULL;
}


size_t
sc_html_escape(unsigned char *out, const unsigned char *p, size_t len)
{
    size_t       i, n, k;
    const char  *e;

    n = 0;

    for (i = 0; i < len; i++) {
        switch (p[i]) {
        case '&':  e = "&amp;"; break;
        case '<':  e = "&lt;"; break;
        case '>':  e = "&gt;"; break;
        case '"':  e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default:   e = NULL;
        }

        if (e == NULL) {
            if (out) {
                out[n] = p[i];
            }

            n++;
            continue;
        }

        k = strlen(e);

        if (out) {
            memcpy(out + n, e, k);
        }

        n += k;
    }

    return n;
}


/* the end of the section opened by open, just past its closing tag */

static const unsigned char *
sc_template_skip(const unsigned char *p, const unsigned char *end,
    const sc_tag_t *open)
{
    sc_tag_t  tag;

    while (p < end) {
        if (sc_template_tag(p, end, &tag)) {
            if (tag.kind == '/' && tag.name_len == open->name_len
                && memcmp(tag.name, open->name, tag.name_len) == 0)
            {
                return p + tag.len;
            }

            p += tag.len;
            continue;
        }

        p++;
    }

    return end;
}


size_t
sc_template_render(unsigned char *out, const unsigned char *tpl, size_t len,
    const sc_template_var_t *vars, size_t nvars)
{
    size_t                n, k;
    sc_tag_t              tag;
    const sc_str_t       *v;
    const unsigned char  *p, *end;

    p = tpl;
    end = tpl + len;
    n = 0;

    while (p < end) {

        if (!sc_template_tag(p, end, &tag)) {
            if (out) {
                out[n] = *p;
            }

            n++;
            p++;
            continue;
        }

        v = sc_template_lookup(&tag, vars, nvars);

        switch (tag.kind) {

        case '#':
        case '^':
            if ((v != NULL && v->len > 0) == (tag.kind == '#')) {
                p += tag.len;

            } else {
                p = sc_template_skip(p + tag.len, end, &tag);
            }

            break;

        case '/':
            p += tag.len;
            break;

        default:
            if (v && v->len) {
                k = sc_html_escape(out ? out + n : NULL, v->data, v->len);
                n += k;
            }

            p += tag.len;
        }
    }

    return n;
}


const char *
sc_template_check(const unsigned char *tpl, size_t len, const char **names,
    sc_str_t *unknown)
{
    size_t                i;
    sc_tag_t              tag;
    const unsigned char  *p, *end;

    p = tpl;
    end = tpl + len;

    while (p < end) {
        if (!sc_template_tag(p, end, &tag)) {
            p++;
            continue;
        }

        for (i = 0; names[i]; i++) {
            if (strlen(names[i]) == tag.name_len
                && memcmp(names[i], tag.name, tag.name_len) == 0)
            {
                break;
            }
        }

        if (names[i] == NULL) {
            unknown->data = tag.name;
            unknown->len = tag.name_len;
            return "unknown placeholder";
        }

        p += tag.len;
    }

    return NULL;
}
