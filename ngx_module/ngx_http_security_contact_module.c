/*
 * Copyright (C) nginx-security-contact developers
 *
 * The nginx glue of the security contact window: directives, configuration
 * merge, and the handler that answers /.well-known/security.txt.  The rules
 * of RFC 9116 and the rendering live in the pure core (sc_sectxt.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sodium.h>

#include "ngx_http_security_contact.h"


#define NGX_HTTP_SECURITY_TXT_URI       "/.well-known/security.txt"
#define NGX_HTTP_SECURITY_TXT_OLD_URI   "/security.txt"


/* a key file larger than this is not an exported Ed25519 key */
#define NGX_HTTP_SECURITY_TXT_KEY_MAX   (1024 * 1024)

/* "security_txt_review_by off", until merged: then -1, like unset */
#define NGX_HTTP_SECURITY_TXT_REVIEW_OFF   -2

/* the review date is warned about from this long before it */
#define NGX_HTTP_SECURITY_TXT_REVIEW_WARN  (30 * 86400)




/*
 * A signed body in the per-worker cache, one per server and host: the
 * text it signs and the boundary it was signed at say whether it is still
 * the right one, and a body that cannot be renewed is served until one can.
 */

typedef struct {
    ngx_rbtree_node_t              node;
    ngx_queue_t                    queue;
    void                          *conf;
    ngx_str_t                      host;
    time_t                         boundary;
    ngx_str_t                      text;     /* text.data also holds body */
    ngx_str_t                      body;
    u_char                         etag[NGX_HTTP_SECURITY_TXT_ETAG_SIZE];
} ngx_http_security_txt_signed_t;


typedef struct {
    ngx_uint_t                     cache_size;

    /* worker state: the signed bodies, most recently used first */
    ngx_rbtree_t                   rbtree;
    ngx_rbtree_node_t              sentinel;
    ngx_queue_t                    lru;
    ngx_uint_t                     cached;

    /* every key loaded by this configuration, by file name: pointers */
    ngx_array_t                    keys;
} ngx_http_security_contact_main_conf_t;




static ngx_int_t ngx_http_security_txt_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_security_txt_serve(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf);
static ngx_int_t ngx_http_security_txt_redirect(ngx_http_request_t *r,
    ngx_uint_t https, ngx_str_t *path);
static ngx_int_t ngx_http_security_txt_render(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf, time_t boundary, ngx_str_t *out);
static void ngx_http_security_txt_review_log(ngx_log_t *log,
    ngx_uint_t level, ngx_http_security_txt_srv_conf_t *stcf, time_t now,
    ngx_str_t *where);

static ngx_int_t ngx_http_security_txt_signed(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf, time_t boundary, ngx_str_t *body,
    u_char *etag);
static ngx_http_security_txt_signed_t *ngx_http_security_txt_sign(
    ngx_http_request_t *r, ngx_http_security_txt_srv_conf_t *stcf,
    ngx_http_security_txt_signed_t *sb, ngx_str_t *host, time_t boundary,
    ngx_str_t *text);
static ngx_http_security_txt_signed_t *ngx_http_security_txt_cache_lookup(
    ngx_http_security_contact_main_conf_t *smcf, void *conf, ngx_str_t *host,
    uint32_t hash);
static ngx_int_t ngx_http_security_txt_cache_cmp(
    ngx_http_security_txt_signed_t *sb, void *conf, ngx_str_t *host);
static void ngx_http_security_txt_rbtree_insert_value(
    ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel);
static ngx_int_t ngx_http_security_txt_send(ngx_http_request_t *r,
    ngx_str_t *body, ngx_str_t *type, u_char *etag, time_t last_modified,
    time_t max_age);

static char *ngx_http_security_txt(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_security_txt_signing_key(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_http_security_txt_key_t *ngx_http_security_txt_load_key(
    ngx_conf_t *cf, ngx_command_t *cmd, ngx_str_t *name);
static void ngx_http_security_txt_key_cleanup(void *data);
static char *ngx_http_security_txt_key_uri(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_txt_list(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_security_txt_canonical(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_txt_field(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_security_txt_expires_slot(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_txt_review_by(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_security_txt_compile(ngx_conf_t *cf,
    ngx_command_t *cmd, sc_field_kind_t kind, ngx_str_t *name,
    ngx_str_t *value, ngx_http_complex_value_t *cv);

static void *ngx_http_security_contact_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_security_contact_init_main_conf(ngx_conf_t *cf,
    void *conf);
static void *ngx_http_security_contact_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_security_contact_merge_srv_conf(ngx_conf_t *cf,
    void *parent, void *child);
static void ngx_http_security_txt_cache_cleanup(void *data);
static ngx_int_t ngx_http_security_contact_preconf(ngx_conf_t *cf);
static ngx_int_t ngx_http_security_contact_init(ngx_conf_t *cf);


#define ngx_http_security_txt_list_offset(kind)                               \
    (offsetof(ngx_http_security_txt_srv_conf_t, lists)                        \
     + (kind) * sizeof(ngx_array_t *))


static ngx_conf_num_bounds_t  ngx_http_security_txt_cache_size_bounds = {
    ngx_conf_check_num_bounds, 1, 10000000
};


static ngx_uint_t  ngx_http_security_txt_kinds[SC_FIELD_MAX] = {
    SC_FIELD_COMMENT, SC_FIELD_CONTACT, SC_FIELD_EXPIRES,
    SC_FIELD_ENCRYPTION, SC_FIELD_ACKNOWLEDGMENTS,
    SC_FIELD_PREFERRED_LANGUAGES, SC_FIELD_CANONICAL, SC_FIELD_POLICY,
    SC_FIELD_HIRING, SC_FIELD_CSAF, SC_FIELD_EXTENSION
};


static ngx_command_t  ngx_http_security_contact_commands[] = {

    { ngx_string("security_txt"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_http_security_txt,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_security_txt_srv_conf_t, enable),
      NULL },

    { ngx_string("security_txt_contact"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_CONTACT),
      &ngx_http_security_txt_kinds[SC_FIELD_CONTACT] },

    { ngx_string("security_txt_expires"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE12,
      ngx_http_security_txt_expires_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_txt_review_by"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_security_txt_review_by,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_txt_encryption"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_ENCRYPTION),
      &ngx_http_security_txt_kinds[SC_FIELD_ENCRYPTION] },

    { ngx_string("security_txt_acknowledgments"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_ACKNOWLEDGMENTS),
      &ngx_http_security_txt_kinds[SC_FIELD_ACKNOWLEDGMENTS] },

    { ngx_string("security_txt_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_POLICY),
      &ngx_http_security_txt_kinds[SC_FIELD_POLICY] },

    { ngx_string("security_txt_hiring"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_HIRING),
      &ngx_http_security_txt_kinds[SC_FIELD_HIRING] },

    { ngx_string("security_txt_csaf"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_CSAF),
      &ngx_http_security_txt_kinds[SC_FIELD_CSAF] },

    { ngx_string("security_txt_preferred_languages"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_PREFERRED_LANGUAGES),
      &ngx_http_security_txt_kinds[SC_FIELD_PREFERRED_LANGUAGES] },

    { ngx_string("security_txt_canonical"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_canonical,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_CANONICAL),
      &ngx_http_security_txt_kinds[SC_FIELD_CANONICAL] },

    { ngx_string("security_txt_field"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE2,
      ngx_http_security_txt_field,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_txt_comment"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_1MORE,
      ngx_http_security_txt_list,
      NGX_HTTP_SRV_CONF_OFFSET,
      ngx_http_security_txt_list_offset(SC_FIELD_COMMENT),
      &ngx_http_security_txt_kinds[SC_FIELD_COMMENT] },

    { ngx_string("security_txt_signing_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_security_txt_signing_key,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_txt_key_uri"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_security_txt_key_uri,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_txt_cache_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_security_contact_main_conf_t, cache_size),
      &ngx_http_security_txt_cache_size_bounds },

    { ngx_string("security_txt_https_only"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_security_txt_srv_conf_t, https_only),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_security_contact_module_ctx = {
    ngx_http_security_contact_preconf,     /* preconfiguration */
    ngx_http_security_contact_init,        /* postconfiguration */

    ngx_http_security_contact_create_main_conf, /* create main configuration */
    ngx_http_security_contact_init_main_conf,   /* init main configuration */

    ngx_http_security_contact_create_srv_conf, /* create server config */
    ngx_http_security_contact_merge_srv_conf,  /* merge server config */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_security_contact_module = {
    NGX_MODULE_V1,
    &ngx_http_security_contact_module_ctx, /* module context */
    ngx_http_security_contact_commands,    /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/*
 * Runs in the server rewrite phase, before any location is chosen and
 * before the rewrite module's own server-level rules, so that no location,
 * "return" or "rewrite" of a tenant can take the two paths over
 * (RFC 9116 section 5.6).
 */

static ngx_int_t
ngx_http_security_txt_handler(ngx_http_request_t *r)
{
    ngx_int_t                           rc;
    ngx_str_t                           body;
    ngx_uint_t                          redirect, key;
    ngx_http_security_txt_srv_conf_t   *stcf;

    static ngx_str_t  pgp_keys = ngx_string("application/pgp-keys");
    static ngx_str_t  well_known = ngx_string(NGX_HTTP_SECURITY_TXT_URI);

    stcf = ngx_http_get_module_srv_conf(r, ngx_http_security_contact_module);

    if (!stcf->enable) {
        return NGX_DECLINED;
    }

    redirect = 0;
    key = 0;

    if (r->uri.len == sizeof(NGX_HTTP_SECURITY_TXT_URI) - 1
        && ngx_strncmp(r->uri.data, NGX_HTTP_SECURITY_TXT_URI,
                       sizeof(NGX_HTTP_SECURITY_TXT_URI) - 1) == 0)
    {
        /* void */

    } else if (r->uri.len == sizeof(NGX_HTTP_SECURITY_TXT_OLD_URI) - 1
               && ngx_strncmp(r->uri.data, NGX_HTTP_SECURITY_TXT_OLD_URI,
                              sizeof(NGX_HTTP_SECURITY_TXT_OLD_URI) - 1) == 0)
    {
        redirect = 1;

    } else if (stcf->key_uri.len && stcf->key
               && r->uri.len == stcf->key_uri.len
               && ngx_strncmp(r->uri.data, stcf->key_uri.data, r->uri.len)
                  == 0)
    {
        key = 1;

    } else {
        return NGX_DECLINED;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        if (ngx_http_security_contact_add_header(r, "Allow",
                                                 (u_char *) "GET, HEAD",
                                                 sizeof("GET, HEAD") - 1)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    /*
     * RFC 9116 section 3: the file must be fetched over https; and the key
     * that verifies it, lest it be swapped on the way
     */

#if (NGX_HTTP_SSL)
    if (r->connection->ssl == NULL && stcf->https_only) {
        return ngx_http_security_txt_redirect(r, 1,
                                              key ? &r->uri : &well_known);
    }
#else
    if (stcf->https_only) {
        return ngx_http_security_txt_redirect(r, 1,
                                              key ? &r->uri : &well_known);
    }
#endif

    if (key) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        body = stcf->key->cert;

        return ngx_http_security_txt_send(r, &body, &pgp_keys,
                                          stcf->key->cert_etag, -1, -1);
    }

    if (redirect) {
        return ngx_http_security_txt_redirect(r, 0, &well_known);
    }

    return ngx_http_security_txt_serve(r, stcf);
}


/*
 * A 301 to path: to its https URL (the default port, as the Canonical
 * field has it) when the request came over plain http, else to the path,
 * which nginx completes as it completes any redirect.  The request body
 * is discarded with the special response.
 */

static ngx_int_t
ngx_http_security_txt_redirect(ngx_http_request_t *r, ngx_uint_t https,
    ngx_str_t *path)
{
    u_char            *p;
    ngx_str_t          host;
    ngx_table_elt_t   *location;

    if (https && ngx_http_security_txt_host(r, &host) != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "security.txt: no valid host name to redirect to "
                      "https with");
        return NGX_HTTP_BAD_REQUEST;
    }

    location = ngx_http_security_contact_add_header(r, "Location", NULL, 0);
    if (location == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (https) {
        p = ngx_pnalloc(r->pool, sizeof("https://") - 1 + host.len
                                 + path->len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        location->value.data = p;

        p = ngx_cpymem(p, "https://", sizeof("https://") - 1);
        p = ngx_cpymem(p, host.data, host.len);
        p = ngx_cpymem(p, path->data, path->len);

        location->value.len = p - location->value.data;

    } else {
        location->value = *path;
    }

    ngx_http_clear_location(r);
    r->headers_out.location = location;

    return NGX_HTTP_MOVED_PERMANENTLY;
}


static ngx_int_t
ngx_http_security_txt_serve(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf)
{
    u_char      *p;
    time_t       now, boundary;
    ngx_int_t    rc;
    ngx_str_t    body, host;
    ngx_uint_t   level;
    u_char       digest[NGX_HTTP_SECURITY_TXT_ETAG_LEN];
    u_char       etag[NGX_HTTP_SECURITY_TXT_ETAG_SIZE];

    static ngx_str_t  text_plain = ngx_string("text/plain; charset=utf-8");

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    now = ngx_time();
    boundary = sc_renewal_boundary(now, stcf->renew);

    if (boundary != stcf->last_boundary) {

        /* the first file of a new interval in this worker */

        if (stcf->last_boundary != 0 && stcf->review_by != -1) {
            level = (now >= stcf->review_by + 86400) ? NGX_LOG_ERR
                                                     : NGX_LOG_WARN;

            ngx_http_security_txt_host(r, &host);
            ngx_http_security_txt_review_log(r->connection->log, level, stcf,
                                             now, &host);
        }

        if (stcf->key && stcf->key->pgp->expires
            && (time_t) stcf->key->pgp->expires - now < 30 * 86400)
        {
            if ((time_t) stcf->key->pgp->expires <= now) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "the signing key in \"%V\" has expired: "
                              "security.txt signatures are refused by "
                              "verifiers; extend it with \"gpg "
                              "--quick-set-expire\", export it and reload",
                              &stcf->key->file);

            } else {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "the signing key in \"%V\" expires in %T "
                              "days: extend it with \"gpg "
                              "--quick-set-expire\", export it and reload",
                              &stcf->key->file,
                              ((time_t) stcf->key->pgp->expires - now)
                              / 86400);
            }
        }

        stcf->last_boundary = boundary;
    }

    if (stcf->key) {
        rc = ngx_http_security_txt_signed(r, stcf, boundary, &body, etag);

    } else {
        rc = ngx_http_security_txt_render(r, stcf, boundary, &body);
        if (rc != NGX_OK) {
            return rc;
        }

        /* a strong validator: the digest of exactly the bytes served */

        crypto_generichash(digest, sizeof(digest), body.data, body.len,
                           NULL, 0);

        p = etag;
        *p++ = '"';
        p = ngx_hex_dump(p, digest, sizeof(digest));
        *p = '"';
    }

    if (rc != NGX_OK) {
        return rc;
    }

    /*
     * caches keep the file no later than the next renewal boundary; it
     * last changed at the boundary, or when the configuration was loaded
     */

    return ngx_http_security_txt_send(r, &body, &text_plain, etag,
                                      ngx_max(boundary, stcf->loaded),
                                      boundary + stcf->renew - now);
}


static ngx_int_t
ngx_http_security_txt_send(ngx_http_request_t *r, ngx_str_t *body,
    ngx_str_t *type, u_char *etag, time_t last_modified, time_t max_age)
{
    u_char           *p;
    ngx_table_elt_t  *h;

    p = ngx_pnalloc(r->pool, NGX_HTTP_SECURITY_TXT_ETAG_SIZE);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, etag, NGX_HTTP_SECURITY_TXT_ETAG_SIZE);

    h = ngx_http_security_contact_add_header(r, "ETag", p,
                                             NGX_HTTP_SECURITY_TXT_ETAG_SIZE);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_clear_etag(r);
    r->headers_out.etag = h;

    if (max_age >= 0) {
        p = ngx_pnalloc(r->pool, sizeof("max-age=") - 1 + NGX_TIME_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ngx_http_security_contact_add_header(r, "Cache-Control", p,
                                ngx_sprintf(p, "max-age=%T", max_age) - p)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    r->headers_out.last_modified_time = last_modified;

    return ngx_http_security_contact_send(r, NGX_HTTP_OK, type, body);
}


/* a response header; value may be set by the caller afterwards */

ngx_table_elt_t *
ngx_http_security_contact_add_header(ngx_http_request_t *r, const char *name,
    u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = value;
    h->value.len = len;

    return h;
}


/*
 * Sends a whole answer from memory: status, Content-Type (its length up
 * to the parameters, for the filters that look at it), Content-Length,
 * then the body, which must live as long as the request.
 */

ngx_int_t
ngx_http_security_contact_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *body)
{
    u_char       *p;
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = body->len;

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;

    for (p = type->data; p < type->data + type->len; p++) {
        if (*p == ';') {
            r->headers_out.content_type_len = p - type->data;
            break;
        }
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * The signed file for this server and host, from this worker's cache when
 * it still signs the same text at the same boundary, else signed anew.
 * Without variables the text depends on the host and the boundary alone
 * and is not even rendered on a hit.  The body is copied into the
 * request's pool: the cache may drop the entry while it is being sent.
 */

static ngx_int_t
ngx_http_security_txt_signed(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf, time_t boundary, ngx_str_t *body,
    u_char *etag)
{
    uint32_t                                 hash;
    ngx_int_t                                rc;
    ngx_str_t                                host, text;
    ngx_http_security_txt_signed_t          *sb;
    ngx_http_security_contact_main_conf_t   *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_security_contact_module);

    ngx_http_security_txt_host(r, &host);

    hash = ngx_crc32_short(host.data, host.len);

    sb = ngx_http_security_txt_cache_lookup(smcf, stcf, &host, hash);

    if (sb && sb->boundary == boundary && !stcf->dynamic) {
        goto found;
    }

    rc = ngx_http_security_txt_render(r, stcf, boundary, &text);
    if (rc != NGX_OK) {
        return rc;
    }

    if (sb && sb->boundary == boundary
        && sb->text.len == text.len
        && ngx_memcmp(sb->text.data, text.data, text.len) == 0)
    {
        goto found;
    }

    sb = ngx_http_security_txt_sign(r, stcf, sb, &host, boundary, &text);

    if (sb == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sb->node.key = hash;

found:

    body->data = ngx_pnalloc(r->pool, sb->body.len);
    if (body->data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(body->data, sb->body.data, sb->body.len);
    body->len = sb->body.len;
    ngx_memcpy(etag, sb->etag, NGX_HTTP_SECURITY_TXT_ETAG_SIZE);

    return NGX_OK;
}


/*
 * Signs text into the cache entry sb (a new one if NULL).  If signing
 * fails, an existing entry keeps its last good body, which is served, and
 * the error is logged.
 */

static ngx_http_security_txt_signed_t *
ngx_http_security_txt_sign(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf, ngx_http_security_txt_signed_t *sb,
    ngx_str_t *host, time_t boundary, ngx_str_t *text)
{
    u_char                                  *p, *buf;
    size_t                                   cap, len;
    uint32_t                                 created;
    ngx_queue_t                             *q;
    ngx_http_security_txt_signed_t          *old;
    ngx_http_security_contact_main_conf_t   *smcf;
    u_char                                   digest[16];

    cap = sc_pgp_clearsign_len(text->len);

    buf = (cap == SIZE_MAX) ? NULL
                            : ngx_alloc(text->len + cap, r->connection->log);

    len = 0;

    if (buf) {

        /*
         * the signature is made at the boundary, so that every worker and
         * node makes the same bytes; but never before the key itself was
         * made, which verifiers refuse
         */

        created = ngx_max((uint32_t) boundary, stcf->key->pgp->created);

        len = sc_pgp_clearsign(buf + text->len, cap, text->data, text->len,
                               stcf->key->pgp, created);
    }

    if (len == 0) {
        if (buf) {
            ngx_free(buf);
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "security.txt for host \"%V\" could not be signed "
                      "with \"%V\"%s", host, &stcf->key->file,
                      sb ? ", serving the previous signed file" : "");

        return sb;
    }

    if (sb == NULL) {
        smcf = ngx_http_get_module_main_conf(r,
                                             ngx_http_security_contact_module);

        if (smcf->cached >= smcf->cache_size) {
            q = ngx_queue_last(&smcf->lru);
            old = ngx_queue_data(q, ngx_http_security_txt_signed_t, queue);

            ngx_queue_remove(q);
            ngx_rbtree_delete(&smcf->rbtree, &old->node);
            ngx_free(old->text.data);
            ngx_free(old);
            smcf->cached--;
        }

        sb = ngx_alloc(sizeof(ngx_http_security_txt_signed_t) + host->len,
                       r->connection->log);
        if (sb == NULL) {
            ngx_free(buf);
            return NULL;
        }

        sb->conf = stcf;
        sb->host.data = (u_char *) &sb[1];
        sb->host.len = host->len;
        ngx_memcpy(sb->host.data, host->data, host->len);
        sb->text.data = NULL;

        sb->node.key = ngx_crc32_short(host->data, host->len);
        ngx_rbtree_insert(&smcf->rbtree, &sb->node);
        ngx_queue_insert_head(&smcf->lru, &sb->queue);
        smcf->cached++;
    }

    if (sb->text.data) {
        ngx_free(sb->text.data);
    }

    ngx_memcpy(buf, text->data, text->len);

    sb->boundary = boundary;
    sb->text.data = buf;
    sb->text.len = text->len;
    sb->body.data = buf + text->len;
    sb->body.len = len;

    crypto_generichash(digest, sizeof(digest), sb->body.data, len, NULL, 0);

    p = sb->etag;
    *p++ = '"';
    p = ngx_hex_dump(p, digest, sizeof(digest));
    *p = '"';

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "security.txt signed for \"%V\" at %T", host, boundary);

    return sb;
}


static ngx_int_t
ngx_http_security_txt_cache_cmp(ngx_http_security_txt_signed_t *sb,
    void *conf, ngx_str_t *host)
{
    if (conf != sb->conf) {
        return ((uintptr_t) conf < (uintptr_t) sb->conf) ? -1 : 1;
    }

    return ngx_memn2cmp(host->data, sb->host.data, host->len, sb->host.len);
}


static ngx_http_security_txt_signed_t *
ngx_http_security_txt_cache_lookup(ngx_http_security_contact_main_conf_t *smcf,
    void *conf, ngx_str_t *host, uint32_t hash)
{
    ngx_int_t                        rc;
    ngx_rbtree_node_t               *node, *sentinel;
    ngx_http_security_txt_signed_t  *sb;

    node = smcf->rbtree.root;
    sentinel = smcf->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        /* hash == node->key */

        sb = (ngx_http_security_txt_signed_t *) node;

        rc = ngx_http_security_txt_cache_cmp(sb, conf, host);

        if (rc == 0) {
            ngx_queue_remove(&sb->queue);
            ngx_queue_insert_head(&smcf->lru, &sb->queue);
            return sb;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_security_txt_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t               **p;
    ngx_http_security_txt_signed_t   *sb, *sbt;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            sb = (ngx_http_security_txt_signed_t *) node;
            sbt = (ngx_http_security_txt_signed_t *) temp;

            p = (ngx_http_security_txt_cache_cmp(sbt, sb->conf, &sb->host)
                 < 0) ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/*
 * Evaluates every field for this request, checks the result against
 * RFC 9116 (values with variables are only known now) and renders it.
 * A file that would break a MUST is not served.
 */

static ngx_int_t
ngx_http_security_txt_render(ngx_http_request_t *r,
    ngx_http_security_txt_srv_conf_t *stcf, time_t boundary, ngx_str_t *out)
{
    u_char                          *p, *last;
    size_t                           n, max, len, bad;
    time_t                           expires;
    ngx_str_t                        value, host, *values;
    ngx_uint_t                       kind, i;
    sc_field_t                      *fields, *f;
    const char                      *rule, *name;
    ngx_http_complex_value_t        *cv;
    ngx_http_security_txt_field_t   *ext;
    u_char                           date[SC_RFC3339_LEN];

    max = 2;

    for (kind = 0; kind < SC_FIELD_MAX; kind++) {
        if (stcf->lists[kind]) {
            max += stcf->lists[kind]->nelts;
        }
    }

    if (stcf->fields) {
        max += stcf->fields->nelts;
    }

    fields = ngx_palloc(r->pool, max * sizeof(sc_field_t));
    if (fields == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = 0;

    for (kind = 0; kind < SC_FIELD_EXTENSION; kind++) {

        if (kind == SC_FIELD_EXPIRES) {
            expires = ngx_http_security_txt_expires(stcf, boundary);
            sc_rfc3339(date, expires);

            f = &fields[n++];
            f->kind = SC_FIELD_EXPIRES;
            f->value.data = date;
            f->value.len = SC_RFC3339_LEN;
            continue;
        }

        if (kind == SC_FIELD_CANONICAL
            && stcf->canonical == NGX_HTTP_SECURITY_TXT_CANONICAL_AUTO)
        {
            if (ngx_http_security_txt_host(r, &host) != NGX_OK) {
                continue;
            }

            len = sizeof("https://") - 1 + host.len
                  + sizeof(NGX_HTTP_SECURITY_TXT_URI) - 1;

            p = ngx_pnalloc(r->pool, len);
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            f = &fields[n++];
            f->kind = SC_FIELD_CANONICAL;
            f->value.data = p;
            f->value.len = len;

            p = ngx_cpymem(p, "https://", sizeof("https://") - 1);
            p = ngx_cpymem(p, host.data, host.len);
            ngx_memcpy(p, NGX_HTTP_SECURITY_TXT_URI,
                       sizeof(NGX_HTTP_SECURITY_TXT_URI) - 1);
            continue;
        }

        if (stcf->lists[kind] == NULL) {
            continue;
        }

        cv = stcf->lists[kind]->elts;

        if (kind == SC_FIELD_PREFERRED_LANGUAGES) {

            /* one field: the tags joined by ", " */

            values = ngx_palloc(r->pool, stcf->lists[kind]->nelts
                                         * sizeof(ngx_str_t));
            if (values == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            len = 0;

            for (i = 0; i < stcf->lists[kind]->nelts; i++) {
                if (ngx_http_complex_value(r, &cv[i], &values[i]) != NGX_OK)
                {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                len += values[i].len + 2;
            }

            p = ngx_pnalloc(r->pool, len);
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            last = p;

            for (i = 0; i < stcf->lists[kind]->nelts; i++) {
                if (values[i].len == 0) {
                    continue;
                }

                if (last != p) {
                    *last++ = ',';
                    *last++ = ' ';
                }

                last = ngx_cpymem(last, values[i].data, values[i].len);
            }

            if (last != p) {
                f = &fields[n++];
                f->kind = SC_FIELD_PREFERRED_LANGUAGES;
                f->value.data = p;
                f->value.len = last - p;
            }

            continue;
        }

        for (i = 0; i < stcf->lists[kind]->nelts; i++) {
            if (ngx_http_complex_value(r, &cv[i], &value) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            /* a variable that renders empty leaves its field out */

            if (value.len == 0 && cv[i].lengths) {
                continue;
            }

            f = &fields[n++];
            f->kind = kind;
            f->value.data = value.data;
            f->value.len = value.len;
        }
    }

    if (stcf->fields) {
        ext = stcf->fields->elts;

        for (i = 0; i < stcf->fields->nelts; i++) {
            if (ngx_http_complex_value(r, &ext[i].value, &value) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (value.len == 0 && ext[i].value.lengths) {
                continue;
            }

            f = &fields[n++];
            f->kind = SC_FIELD_EXTENSION;
            f->name.data = ext[i].name.data;
            f->name.len = ext[i].name.len;
            f->value.data = value.data;
            f->value.len = value.len;
        }
    }

    rule = sc_sectxt_check_all(fields, n, &bad);

    if (rule) {
        ngx_http_security_txt_host(r, &host);

        if (bad < n) {
            name = (fields[bad].kind == SC_FIELD_EXTENSION)
                   ? "extension field" : sc_sectxt_field_name(fields[bad].kind);

            p = ngx_pnalloc(r->pool, 4 * fields[bad].value.len);
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            last = sc_escape_log(p, fields[bad].value.data,
                                 fields[bad].value.len);

            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "security.txt for host \"%V\" not served: "
                          "%s value \"%*s\" is invalid: %s",
                          &host, name ? name : "comment",
                          (size_t) (last - p), p, rule);

        } else {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "security.txt for host \"%V\" not served: %s",
                          &host, rule);
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = sc_sectxt_render_len(fields, n);

    out->data = ngx_pnalloc(r->pool, len);
    if (out->data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    out->len = sc_sectxt_render(out->data, fields, n) - out->data;

    return NGX_OK;
}


/*
 * Expires is the boundary plus the window, but never later than the end of
 * the review date (a file nobody has reviewed runs out, as it should), nor
 * than the signing key's own expiry less one renewal interval.
 */

time_t
ngx_http_security_txt_expires(ngx_http_security_txt_srv_conf_t *stcf,
    time_t boundary)
{
    time_t  expires;

    expires = boundary + stcf->window;

    if (stcf->review_by != -1 && expires > stcf->review_by + 86399) {
        expires = stcf->review_by + 86399;
    }

    /* a signature must not outlive its key: one interval to spare */

    if (stcf->key && stcf->key->pgp->expires
        && expires > (time_t) stcf->key->pgp->expires - stcf->renew)
    {
        expires = (time_t) stcf->key->pgp->expires - stcf->renew;
    }

    return expires;
}


/*
 * The host the file is for: the request's, if it is a host name or an IP
 * literal, else the server's name.  nginx lets more through in Host (a
 * "@", a quote), and what is written here ends up in a signed file.
 * Returns NGX_DECLINED, with an empty host, if neither is usable.
 */

ngx_int_t
ngx_http_security_txt_host(ngx_http_request_t *r, ngx_str_t *host)
{
    ngx_http_core_srv_conf_t  *cscf;

    if (sc_sectxt_check_host(r->headers_in.server.data,
                             r->headers_in.server.len)
        == NULL)
    {
        *host = r->headers_in.server;
        return NGX_OK;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);

    if (sc_sectxt_check_host(cscf->server_name.data, cscf->server_name.len)
        == NULL)
    {
        *host = cscf->server_name;
        return NGX_OK;
    }

    ngx_str_null(host);

    return NGX_DECLINED;
}


/*
 * Logs how near the review date is, from 30 days before it; past it, that
 * the file now shows an Expires in the past.  Nothing is logged earlier.
 */

static void
ngx_http_security_txt_review_log(ngx_log_t *log, ngx_uint_t level,
    ngx_http_security_txt_srv_conf_t *stcf, time_t now, ngx_str_t *where)
{
    time_t  end;
    u_char  date[SC_RFC3339_LEN];

    end = stcf->review_by + 86400;

    if (now < end - NGX_HTTP_SECURITY_TXT_REVIEW_WARN) {
        return;
    }

    sc_rfc3339(date, stcf->review_by);

    if (now < end) {
        ngx_log_error(level, log, 0,
                      "security_txt_review_by %*s for \"%V\" is %T days away:"
                      " review the security.txt values and move the date,"
                      " or security.txt expires then",
                      (size_t) 10, date, where, (end - now) / 86400);
        return;
    }

    ngx_log_error(level, log, 0,
                  "security_txt_review_by %*s for \"%V\" has passed: "
                  "security.txt is served with Expires in the past "
                  "until its values are reviewed and the date is moved",
                  (size_t) 10, date, where);
}


static char *
ngx_http_security_txt(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    char  *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);

    if (rv == NGX_CONF_OK) {
        stcf->enable_file = cf->conf_file->file.name;
        stcf->enable_line = cf->conf_file->line;
    }

    return rv;
}


/*
 * A value without variables is checked now, so that "nginx -t" refuses
 * what RFC 9116 forbids; one with variables is checked when rendered.
 */

static ngx_int_t
ngx_http_security_txt_compile(ngx_conf_t *cf, ngx_command_t *cmd,
    sc_field_kind_t kind, ngx_str_t *name, ngx_str_t *value,
    ngx_http_complex_value_t *cv)
{
    sc_field_t                         f;
    const char                        *rule;
    ngx_http_compile_complex_value_t   ccv;

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_ERROR;
    }

    if (cv->lengths) {
        return NGX_OK;
    }

    f.kind = kind;
    f.value.data = value->data;
    f.value.len = value->len;

    if (name) {
        f.name.data = name->data;
        f.name.len = name->len;
    }

    if (kind == SC_FIELD_COMMENT && value->len == 0) {
        return NGX_OK;
    }

    if (value->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" has an empty value: RFC 9116 section 4 "
                           "does not allow empty field values",
                           &cmd->name);
        return NGX_ERROR;
    }

    rule = sc_sectxt_check_field(&f);

    if (rule) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" value \"%V\" is invalid: %s",
                           &cmd->name, value, rule);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The list directives: each value is one field, in the order given; the
 * directive may be repeated, and a list set at one level replaces the one
 * inherited.
 */

static char *
ngx_http_security_txt_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t                  *value;
    ngx_uint_t                  i, kind;
    ngx_array_t               **list;
    ngx_http_complex_value_t   *cv;

    list = (ngx_array_t **) (p + cmd->offset);
    kind = *(ngx_uint_t *) cmd->post;

    if (*list == NULL) {
        *list = ngx_array_create(cf->pool, 2,
                                 sizeof(ngx_http_complex_value_t));
        if (*list == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        cv = ngx_array_push(*list);
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_security_txt_compile(cf, cmd, kind, NULL, &value[i], cv)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (kind == SC_FIELD_PREFERRED_LANGUAGES && (*list)->nelts > 100) {
        return "has too many language tags";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_security_txt_canonical(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    ngx_str_t  *value;

    if (stcf->canonical != NGX_CONF_UNSET) {
        if (stcf->canonical != NGX_HTTP_SECURITY_TXT_CANONICAL_LIST) {
            return "is duplicate";
        }

        return ngx_http_security_txt_list(cf, cmd, conf);
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2) {
        if (ngx_strcmp(value[1].data, "auto") == 0) {
            stcf->canonical = NGX_HTTP_SECURITY_TXT_CANONICAL_AUTO;
            return NGX_CONF_OK;
        }

        if (ngx_strcmp(value[1].data, "off") == 0) {
            stcf->canonical = NGX_HTTP_SECURITY_TXT_CANONICAL_OFF;
            return NGX_CONF_OK;
        }
    }

    stcf->canonical = NGX_HTTP_SECURITY_TXT_CANONICAL_LIST;

    return ngx_http_security_txt_list(cf, cmd, conf);
}


static char *
ngx_http_security_txt_field(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    ngx_str_t                       *value;
    const char                      *rule;
    ngx_http_security_txt_field_t   *field;

    value = cf->args->elts;

    rule = sc_sectxt_check_field_name(value[1].data, value[1].len);

    if (rule) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" name \"%V\" is invalid: %s",
                           &cmd->name, &value[1], rule);
        return NGX_CONF_ERROR;
    }

    if (stcf->fields == NULL) {
        stcf->fields = ngx_array_create(cf->pool, 2,
                                        sizeof(ngx_http_security_txt_field_t));
        if (stcf->fields == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    field = ngx_array_push(stcf->fields);
    if (field == NULL) {
        return NGX_CONF_ERROR;
    }

    field->name = value[1];

    if (ngx_http_security_txt_compile(cf, cmd, SC_FIELD_EXTENSION, &value[1],
                                      &value[2], &field->value)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* security_txt_expires WINDOW [renew=INTERVAL]; */

static char *
ngx_http_security_txt_expires_slot(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    time_t      window, renew;
    ngx_str_t  *value, s;

    if (stcf->window != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    window = ngx_parse_time(&value[1], 1);

    if (window == (time_t) NGX_ERROR || window <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" window \"%V\" is invalid: it must be a "
                           "time such as \"30d\" or \"1w\"",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    if (window > SC_MAX_WINDOW) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" window \"%V\" is over 1 year: RFC 9116 "
                           "section 2.5.5 recommends Expires less than a "
                           "year ahead, and this module keeps to it",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    renew = 86400;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "renew=", 6) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" has an unknown parameter \"%V\": "
                               "expected \"renew=INTERVAL\"",
                               &cmd->name, &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 6;
        s.len = value[2].len - 6;

        renew = ngx_parse_time(&s, 1);

        if (renew == (time_t) NGX_ERROR || renew <= 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" interval \"%V\" is invalid: it must "
                               "be a time such as \"1d\", \"1h\" or \"30s\"",
                               &cmd->name, &value[2]);
            return NGX_CONF_ERROR;
        }

    } else if (window <= renew) {

        /* a short window without renew= renews twice within it */

        renew = window / 2 ? window / 2 : 1;
    }

    if (renew >= window) {
        if (cf->args->nelts == 3) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" interval \"%V\" is not shorter than "
                               "the window \"%V\": the file would expire "
                               "before it is renewed",
                               &cmd->name, &value[2], &value[1]);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" window \"%V\" is too short to be "
                               "renewed within it", &cmd->name, &value[1]);
        }

        return NGX_CONF_ERROR;
    }

    stcf->window = window;
    stcf->renew = renew;

    return NGX_CONF_OK;
}


static char *
ngx_http_security_txt_review_by(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    int64_t     t;
    ngx_str_t  *value;

    if (stcf->review_by != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0) {
        stcf->review_by = NGX_HTTP_SECURITY_TXT_REVIEW_OFF;
        return NGX_CONF_OK;
    }

    if (sc_parse_date(value[1].data, value[1].len, &t) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" value \"%V\" is invalid: it must be a "
                           "calendar date written YYYY-MM-DD",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    stcf->review_by = (time_t) t;

    /* at start and at each reload */

    ngx_http_security_txt_review_log(cf->log, NGX_LOG_WARN, stcf,
                                     ngx_time(), &value[1]);

    return NGX_CONF_OK;
}


static char *
ngx_http_security_txt_signing_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    ngx_str_t  *value;

    if (stcf->key != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        stcf->key = NULL;
        return NGX_CONF_OK;
    }

    stcf->key = ngx_http_security_txt_load_key(cf, cmd, &value[1]);

    if (stcf->key == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Reads an exported OpenPGP secret key.  The file must be the owner's
 * alone, as ssh wants of its keys; the bytes read are wiped as soon as the
 * key is parsed, and the key itself when the configuration goes away.
 */

static ngx_http_security_txt_key_t *
ngx_http_security_txt_load_key(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *name)
{
    int                                      rc;
    u_char                                  *data, *work, *cert;
    size_t                                   size, cert_len;
    ssize_t                                  n;
    ngx_fd_t                                 fd;
    ngx_uint_t                               i, mode;
    ngx_file_info_t                          fi;
    ngx_pool_cleanup_t                      *cln;
    ngx_http_security_txt_key_t             *key, **keys;
    ngx_http_security_contact_main_conf_t   *smcf;
    char                                     err[SC_PGP_ERRLEN];
    u_char                                   digest[16];

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NULL;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_security_contact_module);

    keys = smcf->keys.elts;

    for (i = 0; i < smcf->keys.nelts; i++) {
        if (keys[i]->file.len == name->len
            && ngx_strncmp(keys[i]->file.data, name->data, name->len) == 0)
        {
            return keys[i];
        }
    }

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\" cannot open key file \"%V\"",
                           &cmd->name, name);
        return NULL;
    }

    data = NULL;
    size = 0;
    key = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\" cannot stat key file \"%V\"",
                           &cmd->name, name);
        goto done;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" key file \"%V\" is not a regular file",
                           &cmd->name, name);
        goto done;
    }

    /* as ssh wants of its keys: the owner is root or whoever runs nginx */

    if (fi.st_uid != 0 && fi.st_uid != geteuid()) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" key file \"%V\" belongs to another user "
                           "(uid %ui): a secret key must belong to root or to "
                           "the user nginx starts as",
                           &cmd->name, name, (ngx_uint_t) fi.st_uid);
        goto done;
    }

    if (ngx_file_access(&fi) & 077) {
        mode = ngx_file_access(&fi);

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" key file \"%V\" is readable or writable "
                           "by group or others (mode 0%ui%ui%ui): a secret "
                           "key must be its owner's alone; run "
                           "\"chmod 600 %V\"",
                           &cmd->name, name, (mode >> 6) & 7, (mode >> 3) & 7,
                           mode & 7, name);
        goto done;
    }

    size = (size_t) ngx_file_size(&fi);

    if (size == 0 || size > NGX_HTTP_SECURITY_TXT_KEY_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" key file \"%V\" is %s: export the key "
                           "with \"gpg --export-secret-keys --armor FPR\"",
                           &cmd->name, name,
                           size ? "too large to be an OpenPGP key"
                                : "empty");
        goto done;
    }

    /* the file, the dearmored bytes, and the public certificate */

    data = ngx_alloc(3 * size, cf->log);
    if (data == NULL) {
        goto done;
    }

    work = data + size;
    cert = work + size;

    n = ngx_read_fd(fd, data, size);

    if (n != (ssize_t) size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, n == -1 ? ngx_errno : 0,
                           "\"%V\" cannot read key file \"%V\"%s",
                           &cmd->name, name,
                           n == -1 ? "" : ": it changed while being read");
        goto done;
    }

    key = ngx_pcalloc(cf->pool, sizeof(ngx_http_security_txt_key_t));
    if (key == NULL) {
        goto done;
    }

    /*
     * the key lives in memory of its own: locked, so that it is never
     * swapped out, and wiped when the configuration goes away
     */

    key->pgp = sodium_malloc(sizeof(sc_pgp_key_t));
    if (key->pgp == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "sodium_malloc() failed");
        key = NULL;
        goto done;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        sodium_free(key->pgp);
        key = NULL;
        goto done;
    }

    cln->handler = ngx_http_security_txt_key_cleanup;
    cln->data = key;

    rc = sc_pgp_key_load(key->pgp, data, size, work, cert, &cert_len,
                         (uint32_t) ngx_time(), err, sizeof(err));

    if (rc != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" key file \"%V\": %s",
                           &cmd->name, name, err);
        key = NULL;
        goto done;
    }

    keys = ngx_array_push(&smcf->keys);
    if (keys == NULL) {
        key = NULL;
        goto done;
    }

    *keys = key;

    key->file = *name;

    key->cert.len = sc_pgp_armor_len("PUBLIC KEY BLOCK", cert_len);
    key->cert.data = ngx_pnalloc(cf->pool, key->cert.len);
    if (key->cert.data == NULL) {
        key = NULL;
        goto done;
    }

    key->cert.len = sc_pgp_armor(key->cert.data, "PUBLIC KEY BLOCK", cert,
                                 cert_len);

    crypto_generichash(digest, sizeof(digest), key->cert.data, key->cert.len,
                       NULL, 0);

    key->cert_etag[0] = '"';
    ngx_hex_dump(key->cert_etag + 1, digest, sizeof(digest));
    key->cert_etag[NGX_HTTP_SECURITY_TXT_ETAG_SIZE - 1] = '"';

    if (key->pgp->expires
        && (time_t) key->pgp->expires - ngx_time() < 30 * 86400)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"%V\" key in \"%V\" expires in %T days: "
                           "extend it with \"gpg --quick-set-expire\" and "
                           "export it again",
                           &cmd->name, name,
                           ((time_t) key->pgp->expires - ngx_time()) / 86400);
    }

done:

    if (data) {
        sodium_memzero(data, 3 * size);
        ngx_free(data);
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", name);
    }

    return key;
}


static void
ngx_http_security_txt_key_cleanup(void *data)
{
    ngx_http_security_txt_key_t  *key = data;

    sc_pgp_key_wipe(key->pgp);
    sodium_free(key->pgp);
}


static char *
ngx_http_security_txt_key_uri(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_security_txt_srv_conf_t *stcf = conf;

    ngx_str_t  *value;

    if (stcf->key_uri.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&stcf->key_uri, "");
        return NGX_CONF_OK;
    }

    if (value[1].data[0] != '/'
        || ngx_strlchr(value[1].data, value[1].data + value[1].len, '?')
        || ngx_strlchr(value[1].data, value[1].data + value[1].len, '#'))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" value \"%V\" is invalid: it must be a "
                           "path on this server, such as "
                           "\"/.well-known/security-key.asc\"",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_strcmp(value[1].data, NGX_HTTP_SECURITY_TXT_URI) == 0
        || ngx_strcmp(value[1].data, NGX_HTTP_SECURITY_TXT_OLD_URI) == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" value \"%V\" is the path of "
                           "security.txt itself", &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    stcf->key_uri = value[1];

    return NGX_CONF_OK;
}


static void *
ngx_http_security_contact_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_security_contact_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool,
                       sizeof(ngx_http_security_contact_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&smcf->keys, cf->pool, 4,
                       sizeof(ngx_http_security_txt_key_t *))
        != NGX_OK)
    {
        return NULL;
    }

    smcf->cache_size = NGX_CONF_UNSET_UINT;

    ngx_rbtree_init(&smcf->rbtree, &smcf->sentinel,
                    ngx_http_security_txt_rbtree_insert_value);
    ngx_queue_init(&smcf->lru);

    return smcf;
}


static char *
ngx_http_security_contact_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_security_contact_main_conf_t *smcf = conf;

    ngx_pool_cleanup_t  *cln;

    ngx_conf_init_uint_value(smcf->cache_size, 1024);

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_security_txt_cache_cleanup;
    cln->data = smcf;

    return NGX_CONF_OK;
}


static void
ngx_http_security_txt_cache_cleanup(void *data)
{
    ngx_http_security_contact_main_conf_t  *smcf = data;

    ngx_queue_t                     *q;
    ngx_http_security_txt_signed_t  *sb;

    while (!ngx_queue_empty(&smcf->lru)) {
        q = ngx_queue_head(&smcf->lru);
        sb = ngx_queue_data(q, ngx_http_security_txt_signed_t, queue);

        ngx_queue_remove(q);
        ngx_free(sb->text.data);
        ngx_free(sb);
    }

    smcf->cached = 0;
}


static void *
ngx_http_security_contact_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_security_txt_srv_conf_t  *stcf;

    stcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_security_txt_srv_conf_t));
    if (stcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     stcf->lists[] = NULL;
     *     stcf->fields = NULL;
     *     stcf->enable_file = { 0, NULL };
     *     stcf->enable_line = 0;
     *     stcf->key_uri = { 0, NULL };
     *     stcf->last_boundary = 0;
     */

    stcf->enable = NGX_CONF_UNSET;
    stcf->canonical = NGX_CONF_UNSET;
    stcf->window = NGX_CONF_UNSET;
    stcf->renew = NGX_CONF_UNSET;
    stcf->review_by = NGX_CONF_UNSET;
    stcf->https_only = NGX_CONF_UNSET;
    stcf->key = NGX_CONF_UNSET_PTR;

    return stcf;
}


static char *
ngx_http_security_contact_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_security_txt_srv_conf_t *prev = parent;
    ngx_http_security_txt_srv_conf_t *conf = child;

    ngx_uint_t                       kind, i, key_uri_here;
    ngx_http_core_srv_conf_t        *cscf;
    ngx_http_complex_value_t        *cv;
    ngx_http_security_txt_field_t   *field;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->https_only, prev->https_only, 1);

    if (conf->enable_file.data == NULL) {
        conf->enable_file = prev->enable_file;
        conf->enable_line = prev->enable_line;
    }

    for (kind = 0; kind < SC_FIELD_MAX; kind++) {
        if (kind == SC_FIELD_CANONICAL) {
            continue;
        }

        if (conf->lists[kind] == NULL) {
            conf->lists[kind] = prev->lists[kind];
        }
    }

    if (conf->canonical == NGX_CONF_UNSET) {
        conf->canonical = prev->canonical;
        conf->lists[SC_FIELD_CANONICAL] = prev->lists[SC_FIELD_CANONICAL];
    }

    if (conf->canonical == NGX_CONF_UNSET) {
        conf->canonical = NGX_HTTP_SECURITY_TXT_CANONICAL_AUTO;
    }

    if (conf->canonical != NGX_HTTP_SECURITY_TXT_CANONICAL_LIST) {
        conf->lists[SC_FIELD_CANONICAL] = NULL;
    }

    if (conf->fields == NULL) {
        conf->fields = prev->fields;
    }

    if (conf->window == NGX_CONF_UNSET) {
        if (prev->window != NGX_CONF_UNSET) {
            conf->window = prev->window;
            conf->renew = prev->renew;

        } else {
            conf->window = 30 * 86400;
            conf->renew = 86400;
        }
    }

    ngx_conf_merge_value(conf->review_by, prev->review_by, -1);

    conf->loaded = ngx_time();

    if (conf->review_by == NGX_HTTP_SECURITY_TXT_REVIEW_OFF) {
        conf->review_by = -1;
    }

    conf->dynamic = 0;

    for (kind = 0; kind < SC_FIELD_MAX; kind++) {
        if (conf->lists[kind] == NULL) {
            continue;
        }

        cv = conf->lists[kind]->elts;

        for (i = 0; i < conf->lists[kind]->nelts; i++) {
            if (cv[i].lengths) {
                conf->dynamic = 1;
            }
        }
    }

    if (conf->fields) {
        field = conf->fields->elts;

        for (i = 0; i < conf->fields->nelts; i++) {
            if (field[i].value.lengths) {
                conf->dynamic = 1;
            }
        }
    }

    key_uri_here = (conf->key_uri.len != 0);

    ngx_conf_merge_ptr_value(conf->key, prev->key, NULL);
    ngx_conf_merge_str_value(conf->key_uri, prev->key_uri, "");

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    if (conf->enable && conf->key
        && conf->canonical == NGX_HTTP_SECURITY_TXT_CANONICAL_OFF)
    {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "security.txt of server \"%V\" is signed with \"%V\""
                      " but has no Canonical field: RFC 9116 section 2.3 "
                      "recommends one in a signed file "
                      "(\"security_txt_canonical auto\")",
                      &cscf->server_name, &conf->key->file);
    }

    /* an inherited key URI is simply not served where there is no key */

    if (conf->enable && key_uri_here && conf->key == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"security_txt_key_uri %V\" applies to server "
                      "\"%V\", which has no \"security_txt_signing_key\"",
                      &conf->key_uri, &cscf->server_name);
        return NGX_CONF_ERROR;
    }

    if (conf->enable
        && (conf->lists[SC_FIELD_CONTACT] == NULL
            || conf->lists[SC_FIELD_CONTACT]->nelts == 0))
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"security_txt on\" in %V:%ui applies to server "
                      "\"%V\", which has no \"security_txt_contact\": "
                      "RFC 9116 section 2.5.3 requires at least one Contact",
                      &conf->enable_file, conf->enable_line,
                      &cscf->server_name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* before any directive: keys are loaded while they are parsed */

static ngx_int_t
ngx_http_security_contact_preconf(ngx_conf_t *cf)
{
    if (sodium_init() < 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "sodium_init() failed");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_security_contact_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_SERVER_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_security_txt_handler;

    return NGX_OK;
}
