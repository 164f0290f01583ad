/*
 * Copyright (C) nginx-security-contact developers
 *
 * The vulnerability report: built from form fields or from JSON, checked
 * field by field, and written as the canonical JSON whose SHA-256 is the
 * digest on the receipt.  Pure core: no nginx headers, no allocation; a
 * report points into the caller's buffers and copies nothing.
 */

#ifndef SC_REPORT_H
#define SC_REPORT_H


#include "sc_core.h"
#include "sc_json.h"


/*
 * The text fields, in the order the canonical JSON has them.  The same
 * names are used by the form and by JSON.
 *
 *   field                  limit (bytes)  rule
 *   title *                      200      one line of text
 *   target_url *                2048      absolute http:// or https:// URI
 *                                         (RFC 3986; IRI UTF-8 allowed)
 *   vulnerability_type           200      one line; "CWE-N" or short text
 *   description *              65536      text, may span lines
 *   steps_to_reproduce         65536      text, may span lines
 *   impact                     16384      text, may span lines
 *   severity                       8      low, medium, high or critical
 *   cvss_vector                  256      CVSS:3.0/, CVSS:3.1/, CVSS:4.0/
 *   reporter_name                200      one line of text
 *   reporter_email               254      local@domain.example
 *   reporter_pgp_key           65536      armored public key block, or a
 *                                         40 or 64 hex digit fingerprint
 *   disclosure_plan            16384      text, may span lines
 *   already_reported_to         2000      one line of text
 *   language                      35      a language tag (RFC 5646)
 *
 *   share_contact, credit                 booleans
 *   attachments (multipart)               at most SC_REPORT_MAX_ATTACHMENTS;
 *                                         filename and content_type at
 *                                         most 255 bytes each
 *
 * (* required.)  Every text must be valid UTF-8 (RFC 3629) with no control
 * characters (C0, DEL, C1); the multi-line fields also allow TAB, CR and
 * LF.  An empty value counts as not given; a required field that holds
 * only white space counts as missing.  The limits are bytes of UTF-8, not
 * characters.
 *
 * target_url must name a host (reg-name or [IPv6]), may have a port up
 * to 65535 and user information, and holds only characters a URI allows
 * (or non-ASCII UTF-8), "%" only before two hex digits, one "#" at most.
 * vulnerability_type that begins with "CWE-" must go on with a number
 * ("CWE-79", "CWE-79: XSS"); other short text is free.
 * severity is matched without regard to case; cvss_vector is checked for
 * syntax: the version prefix, NAME:VALUE metrics separated by "/", each
 * metric known to that version, at most once, with a value it allows,
 * and every base metric present (in any order).  reporter_email is an
 * addr-spec without quoted local parts or address literals, whose domain
 * has two labels or more; non-ASCII (RFC 6531) is allowed.
 */

typedef enum {
    SC_REPORT_TITLE = 0,
    SC_REPORT_TARGET_URL,
    SC_REPORT_VULNERABILITY_TYPE,
    SC_REPORT_DESCRIPTION,
    SC_REPORT_STEPS_TO_REPRODUCE,
    SC_REPORT_IMPACT,
    SC_REPORT_SEVERITY,
    SC_REPORT_CVSS_VECTOR,
    SC_REPORT_REPORTER_NAME,
    SC_REPORT_REPORTER_EMAIL,
    SC_REPORT_REPORTER_PGP_KEY,
    SC_REPORT_DISCLOSURE_PLAN,
    SC_REPORT_ALREADY_REPORTED_TO,
    SC_REPORT_LANGUAGE,
    SC_REPORT_NFIELDS
} sc_report_field_t;


#define SC_REPORT_MAX_ATTACHMENTS   16
#define SC_REPORT_MAX_FILENAME      255
#define SC_REPORT_MAX_CONTENT_TYPE  255

/* enough room for every error that validation can report */
#define SC_REPORT_MAX_ERRORS        (SC_REPORT_NFIELDS + 2                  \
                                     + 2 * SC_REPORT_MAX_ATTACHMENTS + 1)

/* an unknown field's name is echoed in the errors at most this long */
#define SC_REPORT_MAX_ECHO          64


typedef struct {
    sc_str_t                       filename;
    sc_str_t                       content_type;
    sc_str_t                       data;
} sc_report_attachment_t;


typedef struct {
    sc_str_t                       text[SC_REPORT_NFIELDS]; /* empty if
                                                               not given */
    int                            share_contact;  /* -1 unset, 0, 1 */
    int                            credit;         /* -1 unset, 0, 1 */
    const sc_report_attachment_t  *attachments;
    size_t                         nattachments;
    uint32_t                       seen;    /* fields given so far, to
                                               find duplicates: bit f for
                                               text field f, then the
                                               booleans */
    uint32_t                       failed;  /* fields whose value was
                                               refused at intake (JSON
                                               type), which validation
                                               does not also call
                                               missing */
} sc_report_t;


/*
 * An error about one field.  field names the field (static), or is NULL
 * when the name came from the input: then name holds it as sent.  For an
 * unknown member of the nested "reporter" object, field is "reporter" and
 * name the member.  code is one of
 *
 *   required, too_long, invalid_utf8, control_char, invalid_url,
 *   invalid_vulnerability_type, invalid_severity, invalid_cvss,
 *   invalid_email, invalid_pgp_key, invalid_language, invalid_boolean,
 *   unknown_field, duplicate, type (a JSON value of the wrong type),
 *   too_many (attachments), invalid_filename, invalid_content_type
 *
 * and message is a static English sentence for people.
 */

typedef struct {
    const char                    *field;
    const char                    *code;
    const char                    *message;
    sc_str_t                       name;
} sc_report_error_t;


void sc_report_init(sc_report_t *r);

/* a field's name ("title"), its byte limit, or the field of a name */
const char *sc_report_field_name(sc_report_field_t f);
size_t sc_report_field_max(sc_report_field_t f);
int sc_report_field_lookup(const unsigned char *name, size_t len);

/*
 * One form field (urlencoded or a multipart part that is not a file).
 * Unknown names are an "unknown_field" error except the names listed in
 * ignore (NULL-terminated; may be NULL), such as the form token and the
 * honeypot, which the caller handles.  A name given twice is a
 * "duplicate".  share_contact and credit take "on", "true", "1", "yes"
 * as true and "off", "false", "0", "no" or "" as false, in any case; a
 * checkbox left unchecked is simply not sent, and stays unset.
 *
 * The value is not copied and not checked here: sc_report_validate()
 * does that once all fields are in.  Errors are appended to errs at
 * *nerrs, which never grows past cap.  Returns 0, or -1 if an error was
 * found.
 */
int sc_report_set(sc_report_t *r, const unsigned char *name, size_t nlen,
    const unsigned char *value, size_t vlen, const char *const *ignore,
    sc_report_error_t *errs, size_t cap, size_t *nerrs);

/*
 * A report from tokens of sc_json_parse(): the root must be an object;
 * text fields are strings, share_contact and credit true or false, and
 * null is the same as leaving a member out.  The reporter fields may also
 * be given as {"reporter": {"name": .., "email": .., "pgp_key": ..}}.
 * The report points into the parser's work buffer.  Errors as for
 * sc_report_set().
 */
int sc_report_from_json(sc_report_t *r, const sc_json_token_t *toks,
    size_t ntoks, sc_report_error_t *errs, size_t cap, size_t *nerrs);

/*
 * Required fields, formats and limits, all of them: one error at most per
 * field, and per attachment name and type.  Returns the number of errors
 * stored, at most cap.
 */
size_t sc_report_validate(const sc_report_t *r, sc_report_error_t *errs,
    size_t cap);

/*
 * The canonical JSON of the submission, the bytes whose SHA-256 is the
 * receipt digest: one object, no white space, the text fields in the
 * order of sc_report_field_t with those not given left out, then
 * "share_contact" and "credit" as true or false if given, then, if there
 * are attachments,
 *
 *   "attachments":[{"filename":..,"content_type":..,"size":N,
 *                   "sha256":"<64 lowercase hex>","data_base64":".."}]
 *
 * with base64 of RFC 4648 section 4, padded.  Strings are escaped by
 * sc_json_escape(); other UTF-8 is written as it is.  For the same report
 * the bytes are always the same.  sc_report_json_len() is the exact size
 * that sc_report_json() writes and returns.
 */
size_t sc_report_json_len(const sc_report_t *r);
size_t sc_report_json(unsigned char *out, const sc_report_t *r);

/*
 * SHA-256 of the canonical JSON, which is written to scratch
 * (sc_report_json_len() bytes) on the way.
 */
void sc_report_digest(const sc_report_t *r, unsigned char *scratch,
    unsigned char sha256[32]);

/*
 * The body of a 400 answer:
 *
 *   {"errors":[{"field":"title","code":"required","message":".."},..]}
 *
 * "field" is the field's name, "reporter.NAME" for an unknown member of
 * "reporter", or an unknown field's name as sent, cut to
 * SC_REPORT_MAX_ECHO bytes with bytes other than printable ASCII written
 * as '?'.
 */
size_t sc_report_errors_json_len(const sc_report_error_t *e, size_t n);
size_t sc_report_errors_json(unsigned char *out, const sc_report_error_t *e,
    size_t n);


#endif /* SC_REPORT_H */
