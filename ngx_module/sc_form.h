/*
 * Copyright (C) nginx-security-contact developers
 *
 * Report submissions in the encodings of HTML forms: the request's
 * Content-Type classified, application/x-www-form-urlencoded (WHATWG URL
 * standard) and multipart/form-data (RFC 7578 over RFC 2046 section 5.1).
 * Pure core: no nginx headers, no allocation (callers pass the buffers),
 * no global mutable state; every input is assumed hostile.
 *
 * Text values are NOT checked to be UTF-8 here, and may hold any byte,
 * NUL included: the report validator does that, field by field.
 */

#ifndef SC_FORM_H
#define SC_FORM_H


#include "sc_core.h"


/* RFC 2046 section 5.1.1: a boundary is 1 to 70 characters */
#define SC_MULTIPART_BOUNDARY_MAX  70


/*
 * Each limit is absolute: 0 allows none (max_files 0 refuses every
 * attachment).  Passing NULL for the limits means no limit but the
 * capacity of the caller's fields array.
 */

typedef struct {
    size_t    max_fields;       /* parts/pairs in all */
    size_t    max_name;         /* bytes of a field name */
    size_t    max_value;        /* bytes of a text value */
    size_t    max_files;        /* multipart file parts */
    size_t    max_file_size;    /* bytes of one file */
    size_t    max_header;       /* bytes of one part's header block,
                                   its closing empty line included */
} sc_form_limits_t;


typedef struct {
    sc_str_t  name;
    sc_str_t  value;            /* decoded text, or the file's bytes */
    sc_str_t  filename;         /* file parts only (empty otherwise) */
    sc_str_t  content_type;     /* of the part, if given */
    unsigned  is_file:1;
} sc_form_field_t;


/*
 * What went wrong, for a 400 or a 413 answer and a log line.  message is
 * a static sentence; when it concerns one field, field.data is not NULL
 * and field holds its name (possibly empty, possibly hostile: escape it
 * before logging), and a reader is best told
 *     field "<field>": <message>
 * On success message is NULL.
 */

typedef struct {
    size_t       offset;        /* byte offset in the body where it failed */
    const char  *message;       /* static sentence saying what is wrong */
    sc_str_t     field;         /* the field concerned, if any */
    int          too_large;     /* 1 if a size limit was exceeded (=> 413) */
} sc_form_error_t;


/*
 * application/x-www-form-urlencoded: '&'-separated name=value, '+' is
 * space, %XX escapes (a bad escape is an error, not passed through as the
 * WHATWG parser would).  Empty sequences ("a=1&&b=2", a trailing '&') are
 * skipped; a sequence without '=' is a name with an empty value; empty
 * names and values are kept, as are repeated names, in order.  Names and
 * values are decoded into work (capacity >= len); fields point into work.
 * An empty body gives 0 fields.  Returns 0, or -1 with err set and
 * *nfields the number of fields decoded before the error.
 */
int sc_urlencoded_parse(const unsigned char *body, size_t len,
    unsigned char *work, sc_form_field_t *fields, size_t max_fields_cap,
    size_t *nfields, const sc_form_limits_t *limits, sc_form_error_t *err);


/*
 * The boundary parameter of a multipart/form-data Content-Type value
 * (the media type compared case-insensitively; the parameter name too).
 * The value may be a quoted string or bare; either way it must be 1 to 70
 * characters of RFC 2046's bchars, not ending in a space (a bare one holds
 * no space).  A missing, empty, too long, invalid or repeated boundary, or
 * another media type, returns -1; otherwise 0 with *boundary pointing into
 * content_type.
 */
int sc_multipart_boundary(const unsigned char *content_type, size_t len,
    sc_str_t *boundary);


/*
 * multipart/form-data (RFC 7578).  A delimiter is "--" boundary at the
 * start of the body or of a line, followed by optional spaces or tabs and
 * a line end (then a part follows), or by "--" (the close delimiter); the
 * line break before a delimiter belongs to it, not to the part.  Where the
 * boundary appears otherwise (inside a line, or followed by other
 * characters) it is content.  Line ends are CRLF; a bare LF is accepted.
 * The preamble before the first delimiter and the epilogue after the close
 * delimiter are ignored.
 *
 * Each part's header block holds "Name: value" lines and ends in an empty
 * line.  Content-Disposition is required: "form-data" with a name
 * parameter, and a filename parameter for a file.  Content-Type is
 * optional and kept as given (trimmed, parameters included).
 * Content-Transfer-Encoding may only say 7bit, 8bit or binary (RFC 7578
 * section 4.7).  Other headers are ignored.  A repeated
 * Content-Disposition, Content-Type or parameter is an error, as is a
 * missing close delimiter, a part without a name, a malformed or folded
 * header line, a control character in a header, and a header block over
 * max_header.
 *
 * Parameter values are quoted strings without escapes (as browsers send
 * them: the HTML standard writes a quote as %22, CR and LF as %0D, %0A) or
 * bare tokens; they are returned as sent, with no percent-decoding.  The
 * filename keeps only its last path component ("C:\x\a.txt" -> "a.txt");
 * it is not otherwise sanitized: never use it as a path.  filename*=
 * (RFC 2231/5987; RFC 7578 section 4.2 forbids senders to use it) is not
 * decoded: with filename= it is ignored; alone, it makes the part a file
 * with an empty filename.  The part's charset is not looked at.
 *
 * A file part with an empty filename and no content is what a browser
 * sends for a file input left empty: it is returned (is_file set) but not
 * counted against max_files.
 *
 * Values point into body (no copy: a file's bytes are exact).  Returns 0,
 * or -1 with err set and *nfields the number of parts taken before the
 * error.
 */
int sc_multipart_parse(const unsigned char *body, size_t len,
    sc_str_t boundary, sc_form_field_t *fields, size_t max_fields_cap,
    size_t *nfields, const sc_form_limits_t *limits, sc_form_error_t *err);


/*
 * The Content-Type of a request, classified: the media type compared
 * case-insensitively, parameters ignored except charset, which must be
 * utf-8 (any case, quoted or not) if present for urlencoded and json.
 * Malformed parameters, or another charset, give SC_CT_OTHER (=> 415).
 */

typedef enum {
    SC_CT_OTHER = 0,
    SC_CT_URLENCODED,
    SC_CT_MULTIPART,
    SC_CT_JSON
} sc_content_type_t;


sc_content_type_t sc_form_content_type(const unsigned char *p, size_t len);


#endif /* SC_FORM_H */
