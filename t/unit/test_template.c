/*
 * Copyright (C) nginx-security-contact developers
 *
 * Unit tests of the page templates: values, escaping, sections.
 */


#include <stdlib.h>

#include "tap.h"
#include "sc_template.h"


static void
render(const char *tpl, const sc_template_var_t *vars, size_t n,
    const char *want, const char *name)
{
    size_t          len, got;
    unsigned char  *buf;

    len = sc_template_render(NULL, (const unsigned char *) tpl, strlen(tpl),
                             vars, n);
    buf = malloc(len + 1);
    got = sc_template_render(buf, (const unsigned char *) tpl, strlen(tpl),
                             vars, n);

    is_int(got, len, "%s: counted length is exact", name);
    is_mem(buf, got, want, strlen(want), "%s", name);
    free(buf);
}


int
main(void)
{
    sc_str_t           unknown;
    const char        *names[] = { "site", "policy_url", NULL };
    sc_template_var_t  vars[] = {
        { "site", sc_str("example.org") },
        { "evil", sc_str("<script>alert('x')&\"</script>") },
        { "empty", { NULL, 0 } },
        { "policy_url", sc_str("https://example.org/p?a=1&b=2") },
    };

    render("hello {{site}}!", vars, 4, "hello example.org!", "value");
    render("{{evil}}", vars, 4,
           "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;",
           "every value is HTML-escaped");
    render("<a href=\"{{policy_url}}\">", vars, 4,
           "<a href=\"https://example.org/p?a=1&amp;b=2\">",
           "escaped in attributes");
    render("a{{#policy_url}}[{{policy_url}}]{{/policy_url}}b", vars, 4,
           "a[https://example.org/p?a=1&amp;b=2]b", "section shown");
    render("a{{#empty}}[{{site}}]{{/empty}}b", vars, 4, "ab",
           "section of an empty value hidden");
    render("a{{#nothing}}[x]{{/nothing}}b", vars, 4, "ab",
           "section of an unknown value hidden");
    render("a{{^empty}}none{{/empty}}b", vars, 4, "anoneb",
           "inverted section of an empty value shown");
    render("a{{^site}}none{{/site}}b", vars, 4, "ab",
           "inverted section of a set value hidden");
    render("{{unknown}}|{{ site }}|{{|}}|{", vars, 4,
           "|{{ site }}|{{|}}|{", "unknown and malformed tags");
    render("{{#site}}unclosed", vars, 4, "unclosed",
           "unclosed section");
    render("{{#empty}}unclosed", vars, 4, "", "unclosed hidden section");

    ok(sc_template_check((const unsigned char *) "{{site}}{{#policy_url}}"
                         "{{/policy_url}}", 39, names, &unknown) == NULL,
       "known names pass the check");
    ok(sc_template_check((const unsigned char *) "{{site}}{{bogus}}", 17,
                         names, &unknown) != NULL
       && unknown.len == 5 && memcmp(unknown.data, "bogus", 5) == 0,
       "an unknown name is reported");

    return tap_done();
}
