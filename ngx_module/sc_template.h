/*
 * Copyright (C) nginx-security-contact developers
 *
 * A small template language for the contact window's pages, with every
 * value HTML-escaped.  Pure core.
 *
 *   {{name}}                 the value, HTML-escaped
 *   {{#name}} ... {{/name}}  the part between, only if the value is set
 *   {{^name}} ... {{/name}}  the part between, only if it is not
 *
 * An unknown name is an unset value.  Sections do not nest a name inside
 * itself.
 */

#ifndef SC_TEMPLATE_H
#define SC_TEMPLATE_H


#include "sc_core.h"


typedef struct {
    const char  *name;
    sc_str_t     value;
} sc_template_var_t;


/*
 * Renders tpl into out, or with out == NULL only counts the bytes it
 * would write.  Returns the length.
 */
size_t sc_template_render(unsigned char *out, const unsigned char *tpl,
    size_t len, const sc_template_var_t *vars, size_t nvars);

/* the names a template uses that are not in vars, for configuration
 * checks: returns the first unknown name, or NULL */
const char *sc_template_check(const unsigned char *tpl, size_t len,
    const char **names, sc_str_t *unknown);

/* HTML escaping of & < > " ': out == NULL counts */
size_t sc_html_escape(unsigned char *out, const unsigned char *p, size_t len);


#endif /* SC_TEMPLATE_H */
