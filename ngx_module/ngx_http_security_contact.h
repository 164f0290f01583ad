/*
 * Copyright (C) nginx-security-contact developers
 *
 * What the security.txt and the report parts of the module share: the
 * security.txt configuration of a server (the report page takes its
 * policy, languages and key from it) and the signing key.
 */

#ifndef _NGX_HTTP_SECURITY_CONTACT_H_INCLUDED_
#define _NGX_HTTP_SECURITY_CONTACT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "sc_sectxt.h"
#include "sc_pgp.h"


#define NGX_HTTP_SECURITY_TXT_ETAG_LEN  16
#define NGX_HTTP_SECURITY_TXT_ETAG_SIZE (2 + 2 * NGX_HTTP_SECURITY_TXT_ETAG_LEN)


/* a signing key, loaded once per file and configuration */

typedef struct {
    sc_pgp_key_t                  *pgp;           /* sodium_malloc() */
    ngx_str_t                      file;
    ngx_str_t                      cert;          /* armored, public */
    u_char                         cert_etag[NGX_HTTP_SECURITY_TXT_ETAG_SIZE];
} ngx_http_security_txt_key_t;


typedef enum {
    NGX_HTTP_SECURITY_TXT_CANONICAL_AUTO = 0,
    NGX_HTTP_SECURITY_TXT_CANONICAL_OFF,
    NGX_HTTP_SECURITY_TXT_CANONICAL_LIST
} ngx_http_security_txt_canonical_e;


typedef struct {
    ngx_str_t                      name;
    ngx_http_complex_value_t       value;
} ngx_http_security_txt_field_t;


typedef struct {
    ngx_flag_t                     enable;

    /* arrays of ngx_http_complex_value_t, one per value, in order */
    ngx_array_t                   *lists[SC_FIELD_MAX];

    /* extension fields: ngx_http_security_txt_field_t */
    ngx_array_t                   *fields;

    ngx_int_t                      canonical;

    time_t                         window;
    time_t                         renew;
    time_t                         review_by;     /* -1: none */

    ngx_flag_t                     https_only;

    /* a value has variables: the text may differ for the same host */
    ngx_uint_t                     dynamic;

    ngx_http_security_txt_key_t   *key;           /* NULL: not signed */
    ngx_str_t                      key_uri;

    /* where "security_txt on" was set, for the error of a missing Contact */
    ngx_str_t                      enable_file;
    ngx_uint_t                     enable_line;

    time_t                         loaded;        /* the configuration */

    /* worker state: the boundary last rendered, to log renewals once */
    time_t                         last_boundary;
} ngx_http_security_txt_srv_conf_t;


ngx_int_t ngx_http_security_txt_host(ngx_http_request_t *r, ngx_str_t *host);
time_t ngx_http_security_txt_expires(ngx_http_security_txt_srv_conf_t *stcf,
    time_t boundary);
ngx_table_elt_t *ngx_http_security_contact_add_header(ngx_http_request_t *r,
    const char *name, u_char *value, size_t len);
ngx_int_t ngx_http_security_contact_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *type, ngx_str_t *body);


extern ngx_module_t  ngx_http_security_contact_module;


#endif /* _NGX_HTTP_SECURITY_CONTACT_H_INCLUDED_ */
