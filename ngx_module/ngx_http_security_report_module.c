/*
 * Copyright (C) nginx-security-contact developers
 *
 * The report endpoint of the security contact window: the page with the
 * report form (GET), intake of reports (POST: form or JSON), rate
 * limiting in shared memory, the durable spool, and signed receipts.
 * Decoding, validation and the rate arithmetic live in the pure core
 * (sc_form.c, sc_json.c, sc_report.c, sc_rate.c, sc_receipt.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sodium.h>

#include "ngx_http_security_contact.h"
#include "ngx_http_security_report_page.h"
#include "sc_form.h"
#include "sc_json.h"
#include "sc_report.h"
#include "sc_rate.h"
#include "sc_receipt.h"
#include "sc_template.h"
#include "sc_webhook.h"



/* Retry-After of a report that could not be stored */
#define NGX_HTTP_SECURITY_REPORT_RETRY_S     "60"

/* not among nginx's own codes before 1.25 */
#define NGX_HTTP_SECURITY_REPORT_UNPROCESSABLE  422

#define NGX_HTTP_SECURITY_REPORT_MAX_FIELDS  64
#define NGX_HTTP_SECURITY_REPORT_MAX_TOKENS  512

/* drained entries a full zone gives back before it takes a new client */
#define NGX_HTTP_SECURITY_REPORT_EXPIRE      16


/* ------------------------------------------------------------ types */

typedef struct {
    ngx_rbtree_node_t                  node;      /* key: crc32 of key */
    ngx_queue_t                        queue;     /* most recent first */
    uint64_t                           tat;
    u_char                             len;
    u_char                             key[SC_RATE_KEY_LEN];
} ngx_http_security_report_node_t;


typedef struct {
    ngx_rbtree_t                       rbtree;
    ngx_rbtree_node_t                  sentinel;
    ngx_queue_t                        queue;
    uint64_t                           global_tat;
    uint64_t                           overflow_tat;
    ngx_msec_t                         overflow_logged;
} ngx_http_security_report_shctx_t;


typedef struct {
    ngx_str_t                          name;
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_security_report_shctx_t  *sh;
    ngx_slab_pool_t                   *shpool;
    sc_rate_t                          rate;
    uint64_t                           burst;
    sc_rate_t                          global;    /* requests 0: none */
    ngx_uint_t                         ipv4_prefix;
    ngx_uint_t                         ipv6_prefix;
} ngx_http_security_report_zone_t;


/* a report's failed attempts, kept by the delivering worker */

typedef struct {
    ngx_str_node_t                     sn;        /* crc32 of id, and id */
    u_char                             id[SC_ULID_LEN];
    ngx_uint_t                         attempts;
} ngx_http_security_report_attempts_t;


typedef struct ngx_http_security_report_queue_s
    ngx_http_security_report_queue_t;


/* one delivery in flight: its memory, connection and response */

typedef struct {
    ngx_http_security_report_queue_t  *queue;
    ngx_pool_t                        *pool;
    ngx_peer_connection_t              peer;
    u_char                             id[SC_ULID_LEN];
    u_char                            *host;      /* for SNI, NUL ended */
    ngx_buf_t                         *request;
    sc_http_response_t                 response;
} ngx_http_security_report_delivery_t;


struct ngx_http_security_report_queue_s {
    ngx_str_t                          name;
    ngx_str_t                          spool;     /* absolute, no "/" */
    u_char                             seal[crypto_box_PUBLICKEYBYTES];
    ngx_uint_t                         sealed;
#if (NGX_THREADS)
    ngx_thread_pool_t                 *thread_pool;
#endif

    /* delivery: none without backend= */
    ngx_url_t                         *backend;
#if (NGX_HTTP_SSL)
    ngx_ssl_t                         *ssl;       /* https backends */
#endif
    sc_webhook_secret_t               *secret;    /* sodium_malloc() */
    time_t                             retry_max;
    time_t                             max_age;
    ngx_msec_t                         timeout;
    uint32_t                           key;       /* crc32 of the spool */
    ngx_fd_t                           wake[2];   /* a pipe: "new report" */

    /* the delivering worker's state */
    ngx_event_t                        timer;
    ngx_log_t                         *log;
    ngx_uint_t                         owner;     /* this worker delivers */
    ngx_connection_t                  *waker;     /* wake[0], when owner */
    ngx_uint_t                         addr;      /* of backend->addrs */
    u_char                            *fresh;     /* ids from the pipe */
    ngx_uint_t                         first;
    ngx_uint_t                         nfresh;
    time_t                             paused;    /* until: spool errors */
    ngx_http_security_report_delivery_t  *delivery;
    ngx_array_t                       *batch;     /* ids to try, sorted */
    ngx_pool_t                        *batch_pool;
    ngx_uint_t                         next;
    ngx_uint_t                         pending;
    time_t                             requeued;
    ngx_rbtree_t                       attempts;
    ngx_rbtree_node_t                  sentinel;
};


/* what security_report_status shows, counted across workers */

static const char  *ngx_http_security_report_reasons[] = {
    "invalid_json", "invalid_form", "invalid_multipart", "invalid_fields",
    "invalid_token", "too_large", "unsupported_media_type", "out_of_scope",
    "rejected", NULL
};

#define NGX_HTTP_SECURITY_REPORT_NREASONS  9

/*
 * queues with a backend, each delivered by one worker at a time; two
 * spools whose paths share a crc32 share a slot, and so a worker
 */
#define NGX_HTTP_SECURITY_REPORT_OWNERS    64

typedef struct {
    uint32_t                           key;       /* crc32 of the spool */
    ngx_pid_t                          pid;       /* 0: nobody */
    time_t                             lease;     /* unless renewed */
} ngx_http_security_report_owner_t;


typedef struct {
    ngx_atomic_t                       accepted;
    ngx_atomic_t                       rate_limited;
    ngx_atomic_t                       not_stored;
    ngx_atomic_t                       delivered;
    ngx_atomic_t                       failed;
    ngx_atomic_t                       dead;
    ngx_atomic_t                       rejected[
                                           NGX_HTTP_SECURITY_REPORT_NREASONS];
    /* who delivers each queue, under the zone's mutex */
    ngx_http_security_report_owner_t   owners[NGX_HTTP_SECURITY_REPORT_OWNERS];
} ngx_http_security_report_metrics_t;


typedef struct {
    ngx_array_t                        zones;     /* zone pointers */
    ngx_array_t                        queues;    /* queue pointers */
    ngx_shm_zone_t                    *metrics_zone;
    ngx_http_security_report_metrics_t  *metrics;

    /* worker state */
    sc_ulid_state_t                    ulid;
} ngx_http_security_report_main_conf_t;


typedef struct {
    ngx_regex_t                       *regex;
    ngx_str_t                          pattern;
} ngx_http_security_report_regex_t;


typedef struct {
    ngx_flag_t                         enable;
    ngx_str_t                          queue_name;
    ngx_str_t                          zone_name;
    ngx_http_security_report_queue_t  *queue;
    ngx_http_security_report_zone_t   *zone;

    size_t                             max_size;
    time_t                             token_min;
    time_t                             token_max;
    ngx_http_security_report_regex_t  *scope;
    ngx_array_t                       *reject;    /* of _regex_t */
    ngx_str_t                          page;      /* the template */
} ngx_http_security_report_loc_conf_t;


/* a request's report, from decoding to the receipt */

typedef struct {
    sc_content_type_t                  type;
    sc_report_t                        report;
    ngx_str_t                          record;
    char                               id[SC_ULID_LEN];
    time_t                             received;
    u_char                             sha256[32];
    ngx_uint_t                         html;      /* answer with pages */
    ngx_uint_t                         lang_ja;

    /* the spool write, done in a thread */
    u_char                            *tmp_path;
    u_char                            *new_path;
    u_char                            *dir_path;
    ngx_err_t                          err;
    const char                        *failed;
    u_char                            *failed_path;
    ngx_err_t                          unlink_err;
} ngx_http_security_report_ctx_t;


/* ------------------------------------------------------------ prototypes */

static ngx_int_t ngx_http_security_report_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_security_report_page(ngx_http_request_t *r);
static ngx_int_t ngx_http_security_report_post(ngx_http_request_t *r);
static void ngx_http_security_report_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_security_report_decode(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, ngx_str_t *body);
static ngx_int_t ngx_http_security_report_form(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, sc_form_field_t *fields, size_t n,
    sc_report_error_t *errs, size_t *nerrs);
static ngx_int_t ngx_http_security_report_check(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx);
static ngx_int_t ngx_http_security_report_store(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx);
static void ngx_http_security_report_write(void *data, ngx_log_t *log);
#if (NGX_THREADS)
static void ngx_http_security_report_write_done(ngx_event_t *ev);
#endif
static void ngx_http_security_report_stored(ngx_http_request_t *r);
static ngx_int_t ngx_http_security_report_receipt(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx);
static ngx_int_t ngx_http_security_report_limit(ngx_http_request_t *r,
    ngx_http_security_report_zone_t *zone);
static ngx_int_t ngx_http_security_report_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *code, const char *message);
static ngx_int_t ngx_http_security_report_field_errors(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, ngx_uint_t status,
    sc_report_error_t *errs, size_t n);
static ngx_int_t ngx_http_security_report_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *type, ngx_str_t *body);
static ngx_int_t ngx_http_security_report_render(ngx_http_request_t *r,
    ngx_uint_t status, const u_char *tpl, size_t len,
    sc_template_var_t *vars, size_t nvars);
static ngx_uint_t ngx_http_security_report_lang_ja(ngx_http_request_t *r);
static ngx_table_elt_t *ngx_http_security_report_header_in(
    ngx_http_request_t *r, const char *name);
static void ngx_http_security_report_token_key(ngx_http_request_t *r,
    u_char *key);

#if (NGX_THREADS)
static ngx_uint_t ngx_http_security_report_threads(ngx_conf_t *cf);
#endif
static ngx_int_t ngx_http_security_report_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_security_report_init_process(ngx_cycle_t *cycle);
static void ngx_http_security_report_exit_process(ngx_cycle_t *cycle);
static void ngx_http_security_report_deliver(ngx_event_t *ev);
static void ngx_http_security_report_secret_cleanup(void *data);
static ngx_int_t ngx_http_security_report_init_metrics(
    ngx_shm_zone_t *shm_zone, void *data);
static void ngx_http_security_report_count(ngx_http_request_t *r,
    const char *code);
static ngx_int_t ngx_http_security_report_status_handler(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_security_report_count_dir(ngx_http_request_t *r,
    ngx_str_t *spool, const char *sub, ngx_uint_t *count, u_char *oldest);
static char *ngx_http_security_report_status(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static void *ngx_http_security_report_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_security_report_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_security_report_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static char *ngx_http_security_report_zone_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_security_report_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_security_report_rbtree_insert_value(
    ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel);
static ngx_int_t ngx_http_security_report_wake_pipe(ngx_conf_t *cf,
    ngx_http_security_report_queue_t *q);
static void ngx_http_security_report_wake_cleanup(void *data);
static char *ngx_http_security_report_queue_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_report(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_security_report_token_age(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_report_regex(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_security_report_page_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_security_report_read_file(ngx_conf_t *cf,
    ngx_str_t *name, ngx_str_t *out, size_t max);


static const char  *ngx_http_security_report_names[] = {
    "lang", "site", "action", "token", "policy_url", "acknowledgments_url",
    "key_url", "security_txt_url", "languages", "contact", "max_size",
    "receipt_id", "received", "sha256", "receipt", "errors", NULL
};


static ngx_command_t  ngx_http_security_report_commands[] = {

    { ngx_string("security_report_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_security_report_zone_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_report_queue"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_security_report_queue_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_report"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE12,
      ngx_http_security_report,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_report_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_security_report_status,
      0,
      0,
      NULL },

    { ngx_string("security_report_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_security_report_loc_conf_t, max_size),
      NULL },

    { ngx_string("security_report_token_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_security_report_token_age,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("security_report_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_security_report_regex,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_security_report_loc_conf_t, scope),
      NULL },

    { ngx_string("security_report_reject"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_security_report_regex,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_security_report_loc_conf_t, reject),
      NULL },

    { ngx_string("security_report_page"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_security_report_page_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_security_report_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_security_report_init,         /* postconfiguration */

    ngx_http_security_report_create_main_conf, /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_security_report_create_loc_conf,  /* create location config */
    ngx_http_security_report_merge_loc_conf    /* merge location config */
};


ngx_module_t  ngx_http_security_report_module = {
    NGX_MODULE_V1,
    &ngx_http_security_report_module_ctx,  /* module context */
    ngx_http_security_report_commands,     /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_security_report_init_process, /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_security_report_exit_process, /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/*
 * The key of form tokens when the server has no signing key: made once
 * per master process, so that it survives reloads (a page served before a
 * reload can still be submitted after it).  With a signing key, the token
 * key is derived from it, and every node of a fleet shares it.
 */

static u_char      ngx_http_security_report_random_key[32];
static ngx_uint_t  ngx_http_security_report_random_key_set;


static ngx_str_t  ngx_http_security_report_json_type =
    ngx_string("application/json");
static ngx_str_t  ngx_http_security_report_html_type =
    ngx_string("text/html; charset=utf-8");


/* ------------------------------------------------------------ handler */

static ngx_int_t
ngx_http_security_report_handler(ngx_http_request_t *r)
{
    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {
        return ngx_http_security_report_page(r);
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_security_report_post(r);
    }

    if (ngx_http_security_contact_add_header(r, "Allow",
                                            (u_char *) "GET, HEAD, POST",
                                            sizeof("GET, HEAD, POST") - 1)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_HTTP_NOT_ALLOWED;
}


/*
 * The contact window: what to report, how reports are handled, the
 * policy, languages and key of this server's security.txt, and the form.
 */

static ngx_int_t
ngx_http_security_report_page(ngx_http_request_t *r)
{
    u_char                               *p;
    size_t                                i;
    ngx_int_t                             rc;
    ngx_str_t                             host, v, *lists;
    ngx_uint_t                            ja, n, kind;
    const char                           *tpl;
    ngx_http_complex_value_t             *cv;
    ngx_http_security_txt_srv_conf_t     *stcf;
    ngx_http_security_report_loc_conf_t  *rlcf;
    u_char                                key[32];
    char                                  token[SC_TOKEN_SIZE];
    sc_template_var_t                     vars[11];

    static ngx_uint_t  kinds[] = {
        SC_FIELD_POLICY, SC_FIELD_ACKNOWLEDGMENTS, SC_FIELD_CONTACT
    };

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);
    stcf = ngx_http_get_module_srv_conf(r, ngx_http_security_contact_module);

    ngx_http_security_txt_host(r, &host);
    ja = ngx_http_security_report_lang_ja(r);

    ngx_http_security_report_token_key(r, key);
    sc_token_make(token, key, (uint64_t) ngx_time(), host.data, host.len);
    sodium_memzero(key, sizeof(key));

    n = 0;
    vars[n].name = "lang";
    vars[n].value.data = (u_char *) (ja ? "ja" : "en");
    vars[n++].value.len = 2;
    vars[n].name = "site";
    vars[n].value.data = host.data;
    vars[n++].value.len = host.len;
    /*
     * the form posts back to the page's own URL (relative: r->uri may be
     * a rewritten one), with the page's language
     */

    vars[n].name = "action";
    vars[n].value.data = (u_char *) (ja ? "?lang=ja" : "?lang=en");
    vars[n++].value.len = sizeof("?lang=ja") - 1;
    vars[n].name = "token";
    vars[n].value.data = (u_char *) token;
    vars[n++].value.len = SC_TOKEN_LEN;

    /* the first value of each list directive of security.txt */

    lists = ngx_pcalloc(r->pool, 3 * sizeof(ngx_str_t));
    if (lists == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < 3; i++) {
        kind = kinds[i];

        if (stcf->lists[kind] == NULL) {
            continue;
        }

        cv = stcf->lists[kind]->elts;

        if (ngx_http_complex_value(r, &cv[0], &lists[i]) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    vars[n].name = "policy_url";
    vars[n].value.data = lists[0].data;
    vars[n++].value.len = lists[0].len;
    vars[n].name = "acknowledgments_url";
    vars[n].value.data = lists[1].data;
    vars[n++].value.len = lists[1].len;
    vars[n].name = "contact";
    vars[n].value.data = lists[2].data;
    vars[n++].value.len = lists[2].len;

    vars[n].name = "key_url";
    vars[n].value.data = stcf->key ? stcf->key_uri.data : NULL;
    vars[n++].value.len = stcf->key ? stcf->key_uri.len : 0;

    vars[n].name = "security_txt_url";
    vars[n].value.data = (u_char *) "/.well-known/security.txt";
    vars[n++].value.len = stcf->enable
                          ? sizeof("/.well-known/security.txt") - 1 : 0;

    /* Preferred-Languages, joined as security.txt joins them */

    v.len = 0;
    v.data = NULL;

    if (stcf->lists[SC_FIELD_PREFERRED_LANGUAGES]) {
        cv = stcf->lists[SC_FIELD_PREFERRED_LANGUAGES]->elts;

        p = ngx_pnalloc(r->pool, 256);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        v.data = p;

        for (i = 0; i < stcf->lists[SC_FIELD_PREFERRED_LANGUAGES]->nelts;
             i++)
        {
            if (ngx_http_complex_value(r, &cv[i], &host) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (host.len == 0 || v.len + host.len + 2 > 256) {
                continue;
            }

            if (v.len) {
                p = ngx_cpymem(p, ", ", 2);
                v.len += 2;
            }

            p = ngx_cpymem(p, host.data, host.len);
            v.len += host.len;
        }

        ngx_http_security_txt_host(r, &host);
    }

    vars[n].name = "languages";
    vars[n].value.data = v.data;
    vars[n++].value.len = v.len;

    p = ngx_pnalloc(r->pool, NGX_OFF_T_LEN + 3);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    vars[n].name = "max_size";
    vars[n].value.data = p;

    if (rlcf->max_size >= 1024 * 1024 && rlcf->max_size % (1024 * 1024) == 0)
    {
        vars[n++].value.len = ngx_sprintf(p, "%uz MB",
                                          rlcf->max_size / (1024 * 1024))
                              - p;

    } else {
        vars[n++].value.len = ngx_sprintf(p, "%uz KB",
                                          (rlcf->max_size + 1023) / 1024)
                              - p;
    }

    if (rlcf->page.len) {
        return ngx_http_security_report_render(r, NGX_HTTP_OK,
                                               rlcf->page.data,
                                               rlcf->page.len, vars, n);
    }

    tpl = ja ? ngx_http_security_report_page_ja
             : ngx_http_security_report_page_en;

    return ngx_http_security_report_render(r, NGX_HTTP_OK, (u_char *) tpl,
                                           ngx_strlen(tpl), vars, n);
}


/* ?lang=ja or ?lang=en first, then Accept-Language; English otherwise */

static ngx_uint_t
ngx_http_security_report_lang_ja(ngx_http_request_t *r)
{
    u_char           *p, *last;
    ngx_str_t         lang;
    ngx_uint_t        q, best_q, ja;
    ngx_table_elt_t  *h;

    if (ngx_http_arg(r, (u_char *) "lang", 4, &lang) == NGX_OK) {
        if (lang.len >= 2 && ngx_strncasecmp(lang.data, (u_char *) "ja", 2)
                             == 0)
        {
            return 1;
        }

        if (lang.len >= 2 && ngx_strncasecmp(lang.data, (u_char *) "en", 2)
                             == 0)
        {
            return 0;
        }
    }

    h = ngx_http_security_report_header_in(r, "accept-language");

    if (h == NULL) {
        return 0;
    }

    /* the first of "ja" and "en" with the highest q */

    p = h->value.data;
    last = p + h->value.len;

    ja = 0;
    best_q = 0;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == ',')) {
            p++;
        }

        lang.data = p;

        while (p < last && *p != ';' && *p != ',' && *p != ' ') {
            p++;
        }

        lang.len = p - lang.data;
        q = 1000;

        while (p < last && *p != ',') {
            if (*p == 'q' && p + 1 < last && p[1] == '=') {
                p += 2;
                q = 0;

                if (p < last && *p == '1') {
                    q = 1000;

                } else if (p + 1 < last && *p == '0' && p[1] == '.') {
                    p += 2;
                    q = 0;

                    for ( /* void */ ; p < last && *p >= '0' && *p <= '9';
                         p++)
                    {
                        if (q < 100) {
                            q = q * 10 + (*p - '0');
                        }
                    }

                    while (q && q < 100) {
                        q *= 10;
                    }
                }

                continue;
            }

            p++;
        }

        if (q > best_q && lang.len >= 2
            && (lang.len == 2 || lang.data[2] == '-'))
        {
            if (ngx_strncasecmp(lang.data, (u_char *) "ja", 2) == 0) {
                ja = 1;
                best_q = q;

            } else if (ngx_strncasecmp(lang.data, (u_char *) "en", 2) == 0) {
                ja = 0;
                best_q = q;
            }
        }
    }

    return ja;
}


/*
 * A request header by its lowercase name.  headers_in has Accept and
 * Accept-Language only in some builds of nginx (NGX_HTTP_HEADERS), so the
 * list is searched.
 */

static ngx_table_elt_t *
ngx_http_security_report_header_in(ngx_http_request_t *r, const char *name)
{
    size_t            len;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    len = ngx_strlen(name);
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncmp(h[i].lowcase_key, name, len) == 0)
        {
            return &h[i];
        }
    }
}


static void
ngx_http_security_report_token_key(ngx_http_request_t *r, u_char *key)
{
    ngx_http_security_txt_srv_conf_t  *stcf;

    static u_char  label[] = "nginx security contact form token v1";

    stcf = ngx_http_get_module_srv_conf(r, ngx_http_security_contact_module);

    if (stcf->key) {
        crypto_generichash(key, 32, label, sizeof(label) - 1,
                           stcf->key->pgp->seed, sizeof(stcf->key->pgp->seed));
        return;
    }

    ngx_memcpy(key, ngx_http_security_report_random_key, 32);
}


/* ------------------------------------------------------------ intake */

static ngx_int_t
ngx_http_security_report_post(ngx_http_request_t *r)
{
    ngx_int_t                             rc;
    ngx_str_t                             ct;
    ngx_table_elt_t                      *h;
    ngx_http_security_report_ctx_t       *ctx;
    ngx_http_security_report_loc_conf_t  *rlcf;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_security_report_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_security_report_module);

    ctx->lang_ja = ngx_http_security_report_lang_ja(r);

    if (r->headers_in.content_type) {
        ct = r->headers_in.content_type->value;
        ctx->type = sc_form_content_type(ct.data, ct.len);
    }

    /* people get pages, programs get JSON */

    ctx->html = (ctx->type == SC_CT_URLENCODED
                 || ctx->type == SC_CT_MULTIPART);

    h = ngx_http_security_report_header_in(r, "accept");

    if (ctx->html && h
        && ngx_strlcasestrn(h->value.data, h->value.data + h->value.len,
                            (u_char *) "application/json", 16 - 1)
           != NULL)
    {
        ctx->html = 0;
    }

    /* every POST is charged, before anything else is looked at */

    if (rlcf->zone) {
        rc = ngx_http_security_report_limit(r, rlcf->zone);
        if (rc != NGX_OK || r->header_sent) {
            return rc;
        }
    }

    if (ctx->type == SC_CT_OTHER) {
        return ngx_http_security_report_error(r,
                   NGX_HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                   "send the report as application/json, "
                   "multipart/form-data or "
                   "application/x-www-form-urlencoded (UTF-8)");
    }

    if (r->headers_in.content_length_n > (off_t) rlcf->max_size) {

        /* as nginx does for its 413: do not read what is refused */

        r->keepalive = 0;

        return ngx_http_security_report_error(r,
                   NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, "too_large",
                   "the report is larger than this endpoint accepts");
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_security_report_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_security_report_body(ngx_http_request_t *r)
{
    u_char                               *p;
    size_t                                len;
    ssize_t                               n;
    ngx_int_t                             rc;
    ngx_str_t                             body;
    ngx_buf_t                            *b;
    ngx_chain_t                          *cl;
    ngx_http_security_report_ctx_t       *ctx;
    ngx_http_security_report_loc_conf_t  *rlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_security_report_module);
    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    if (r->request_body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    /* the body in one piece: in memory, or read back from its temp file */

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? (size_t) (b->file_last - b->file_pos)
                          : (size_t) (b->last - b->pos);
    }

    if (len > rlcf->max_size) {
        rc = ngx_http_security_report_error(r,
                 NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, "too_large",
                 "the report is larger than this endpoint accepts");
        ngx_http_finalize_request(r, rc);
        return;
    }

    body.len = len;
    body.data = ngx_pnalloc(r->pool, len + 1);
    if (body.data == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = body.data;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);

            if (n != b->file_last - b->file_pos) {
                ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
                return;
            }

            p += n;
            continue;
        }

        p = ngx_cpymem(p, b->pos, b->last - b->pos);
    }

    /*
     * each step either goes on (NGX_OK, nothing sent), or has answered
     * (the header is sent; rc is what sending returned), or failed
     */

    rc = ngx_http_security_report_decode(r, ctx, &body);

    if (rc == NGX_OK && !r->header_sent) {
        rc = ngx_http_security_report_check(r, ctx);
    }

    if (rc == NGX_OK && !r->header_sent) {
        rc = ngx_http_security_report_store(r, ctx);
    }

    if (rc == NGX_DONE) {
        return;
    }

    ngx_http_finalize_request(r, rc);
}


/*
 * Decodes the body into the report and validates it.  Returns NGX_OK, or
 * the status of an answer already sent.
 */

static ngx_int_t
ngx_http_security_report_decode(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, ngx_str_t *body)
{
    int                                   rc;
    u_char                               *work, *p;
    size_t                                n, nerrs;
    sc_str_t                              boundary;
    sc_json_error_t                       jerr;
    sc_json_token_t                      *toks;
    sc_form_error_t                       ferr;
    sc_form_field_t                      *fields;
    sc_form_limits_t                      limits;
    sc_json_limits_t                      jlimits;
    sc_report_error_t                    *errs;
    ngx_http_security_report_loc_conf_t  *rlcf;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    sc_report_init(&ctx->report);

    errs = ngx_palloc(r->pool, SC_REPORT_MAX_ERRORS
                               * sizeof(sc_report_error_t));
    if (errs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    nerrs = 0;

    if (ctx->type == SC_CT_JSON) {
        work = ngx_pnalloc(r->pool, body->len + 1);
        toks = ngx_palloc(r->pool, NGX_HTTP_SECURITY_REPORT_MAX_TOKENS
                                   * sizeof(sc_json_token_t));
        if (work == NULL || toks == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        jlimits.max_depth = 8;
        jlimits.max_tokens = NGX_HTTP_SECURITY_REPORT_MAX_TOKENS;
        jlimits.max_string = rlcf->max_size;

        rc = sc_json_parse(body->data, body->len, work, toks,
                           NGX_HTTP_SECURITY_REPORT_MAX_TOKENS, &n, &jlimits,
                           &jerr);

        if (rc != SC_JSON_OK) {
            p = ngx_pnalloc(r->pool, 128 + ngx_strlen(jerr.message));
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_sprintf(p, "invalid JSON at byte %uz: %s%Z", jerr.offset,
                        jerr.message);

            return ngx_http_security_report_error(r,
                       jerr.too_large ? NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
                                      : NGX_HTTP_BAD_REQUEST,
                       jerr.too_large ? "too_large" : "invalid_json",
                       (char *) p);
        }

        sc_report_from_json(&ctx->report, toks, n, errs,
                            SC_REPORT_MAX_ERRORS, &nerrs);

    } else {
        fields = ngx_palloc(r->pool, NGX_HTTP_SECURITY_REPORT_MAX_FIELDS
                                     * sizeof(sc_form_field_t));
        if (fields == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        limits.max_fields = NGX_HTTP_SECURITY_REPORT_MAX_FIELDS;
        limits.max_name = 64;
        limits.max_value = rlcf->max_size;
        limits.max_files = SC_REPORT_MAX_ATTACHMENTS;
        limits.max_file_size = rlcf->max_size;
        limits.max_header = 4096;

        ngx_memzero(&ferr, sizeof(sc_form_error_t));

        if (ctx->type == SC_CT_URLENCODED) {
            work = ngx_pnalloc(r->pool, body->len + 1);
            if (work == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            rc = sc_urlencoded_parse(body->data, body->len, work, fields,
                                     NGX_HTTP_SECURITY_REPORT_MAX_FIELDS, &n,
                                     &limits, &ferr);

        } else {
            if (sc_multipart_boundary(r->headers_in.content_type->value.data,
                                      r->headers_in.content_type->value.len,
                                      &boundary)
                != 0)
            {
                return ngx_http_security_report_error(r,
                           NGX_HTTP_BAD_REQUEST, "invalid_multipart",
                           "the multipart/form-data Content-Type has no "
                           "valid boundary parameter");
            }

            rc = sc_multipart_parse(body->data, body->len, boundary, fields,
                                    NGX_HTTP_SECURITY_REPORT_MAX_FIELDS, &n,
                                    &limits, &ferr);
        }

        if (rc != 0) {
            p = ngx_pnalloc(r->pool, 128 + ngx_strlen(ferr.message)
                                     + 4 * ngx_min(ferr.field.len, 64));
            if (p == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (ferr.field.data) {
                work = ngx_sprintf(p, "field \"");
                work = sc_escape_log(work, ferr.field.data,
                                     ngx_min(ferr.field.len, 64));
                ngx_sprintf(work, "\": %s (at byte %uz)%Z", ferr.message,
                            ferr.offset);

            } else {
                ngx_sprintf(p, "%s (at byte %uz)%Z", ferr.message,
                            ferr.offset);
            }

            return ngx_http_security_report_error(r,
                       ferr.too_large ? NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
                                      : NGX_HTTP_BAD_REQUEST,
                       ferr.too_large ? "too_large"
                       : (ctx->type == SC_CT_MULTIPART ? "invalid_multipart"
                                                       : "invalid_form"),
                       (char *) p);
        }

        rc = ngx_http_security_report_form(r, ctx, fields, n, errs, &nerrs);
        if (rc != NGX_OK || r->header_sent) {
            return rc;
        }
    }

    nerrs += sc_report_validate(&ctx->report, errs + nerrs,
                                SC_REPORT_MAX_ERRORS - nerrs);

    if (nerrs) {
        ngx_http_security_report_count(r, "invalid_fields");

        return ngx_http_security_report_field_errors(r, ctx,
                                                     NGX_HTTP_BAD_REQUEST,
                                                     errs, nerrs);
    }

    return NGX_OK;
}


/*
 * Form fields into the report: the token and the honeypot first (they
 * prove a person used the page), attachments, then every other field.
 */

static ngx_int_t
ngx_http_security_report_form(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, sc_form_field_t *fields, size_t n,
    sc_report_error_t *errs, size_t *nerrs)
{
    int                                   rc;
    size_t                                i, natt;
    sc_str_t                             *token;
    ngx_str_t                             host;
    sc_report_attachment_t               *att;
    ngx_http_security_report_loc_conf_t  *rlcf;
    u_char                                key[32];

    static const char *const  ignore[] = { "form_token", "leave_empty",
                                           "attachments", NULL };

    token = NULL;
    natt = 0;

    att = ngx_palloc(r->pool, SC_REPORT_MAX_ATTACHMENTS
                              * sizeof(sc_report_attachment_t));
    if (att == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < n; i++) {

        if (fields[i].name.len == sizeof("leave_empty") - 1
            && ngx_strncmp(fields[i].name.data, "leave_empty", 11) == 0)
        {
            if (fields[i].value.len) {
                ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                              "security report refused: the honeypot field "
                              "was filled in");

                return ngx_http_security_report_error(r,
                           NGX_HTTP_SECURITY_REPORT_UNPROCESSABLE, "rejected",
                           "the report was rejected as spam");
            }

            continue;
        }

        if (fields[i].name.len == sizeof("form_token") - 1
            && ngx_strncmp(fields[i].name.data, "form_token", 10) == 0)
        {
            token = &fields[i].value;
            continue;
        }

        if (fields[i].is_file) {
            if (fields[i].filename.len == 0 && fields[i].value.len == 0) {
                continue;           /* a file input left empty */
            }

            if (natt == SC_REPORT_MAX_ATTACHMENTS) {
                return ngx_http_security_report_error(r,
                           NGX_HTTP_REQUEST_ENTITY_TOO_LARGE, "too_large",
                           "too many attachments");
            }

            att[natt].filename = fields[i].filename;
            att[natt].content_type = fields[i].content_type;
            att[natt].data = fields[i].value;
            natt++;
            continue;
        }

        sc_report_set(&ctx->report, fields[i].name.data, fields[i].name.len,
                      fields[i].value.data, fields[i].value.len, ignore,
                      errs, SC_REPORT_MAX_ERRORS, nerrs);
    }

    ctx->report.attachments = att;
    ctx->report.nattachments = natt;

    if (token == NULL) {
        return ngx_http_security_report_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid_token",
                   "the form token is missing: submit the report from the "
                   "report page, or send it as application/json");
    }

    ngx_http_security_txt_host(r, &host);
    ngx_http_security_report_token_key(r, key);

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    rc = sc_token_check(token->data, token->len, key, (uint64_t) ngx_time(),
                        (uint64_t) rlcf->token_min,
                        (uint64_t) rlcf->token_max, host.data, host.len);

    sodium_memzero(key, sizeof(key));

    switch (rc) {

    case 0:
        break;

    case SC_TOKEN_TOO_NEW:
        return ngx_http_security_report_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid_token",
                   "the form was sent too quickly after the page was "
                   "loaded; wait a few seconds and send it again");

    case SC_TOKEN_TOO_OLD:
        return ngx_http_security_report_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid_token",
                   "the report page has expired: reload it, then send the "
                   "report again");

    default:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "security report refused: a forged or malformed form "
                      "token");

        return ngx_http_security_report_error(r, NGX_HTTP_BAD_REQUEST,
                   "invalid_token",
                   "the form token is not valid: reload the report page "
                   "and send the report again");
    }

    return NGX_OK;
}


/* scope and spam patterns: 422 */

static ngx_int_t
ngx_http_security_report_check(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx)
{
    ngx_int_t                             rc;
    ngx_str_t                             s;
    ngx_uint_t                            i, f;
    ngx_http_security_report_regex_t     *re;
    ngx_http_security_report_loc_conf_t  *rlcf;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    if (rlcf->scope) {
        s.data = (u_char *) ctx->report.text[SC_REPORT_TARGET_URL].data;
        s.len = ctx->report.text[SC_REPORT_TARGET_URL].len;

        rc = ngx_regex_exec(rlcf->scope->regex, &s, NULL, 0);

        if (rc == NGX_REGEX_NO_MATCHED) {
            return ngx_http_security_report_error(r,
                       NGX_HTTP_SECURITY_REPORT_UNPROCESSABLE, "out_of_scope",
                       "target_url is not a URL this contact window "
                       "accepts reports for");
        }

        if (rc < 0) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          ngx_regex_exec_n " failed: %i on \"%V\"", rc,
                          &rlcf->scope->pattern);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (rlcf->reject == NULL) {
        return NGX_OK;
    }

    re = rlcf->reject->elts;

    for (i = 0; i < rlcf->reject->nelts; i++) {
        for (f = 0; f < SC_REPORT_NFIELDS; f++) {
            s.data = (u_char *) ctx->report.text[f].data;
            s.len = ctx->report.text[f].len;

            if (s.len == 0) {
                continue;
            }

            rc = ngx_regex_exec(re[i].regex, &s, NULL, 0);

            if (rc == NGX_REGEX_NO_MATCHED) {
                continue;
            }

            if (rc < 0) {
                ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                              ngx_regex_exec_n " failed: %i on \"%V\"", rc,
                              &re[i].pattern);
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "security report refused: field \"%s\" matches "
                          "security_report_reject \"%V\"",
                          sc_report_field_name(f), &re[i].pattern);

            return ngx_http_security_report_error(r,
                       NGX_HTTP_SECURITY_REPORT_UNPROCESSABLE, "rejected",
                       "the report was rejected as spam");
        }
    }

    return NGX_OK;
}


/* ------------------------------------------------------------ spool */

/*
 * The spool record: the normalized report with what the server knows of
 * its arrival; sealed for the backend's key if the queue says so.  The
 * file goes to tmp/, is synced, renamed into new/, and the directory is
 * synced: only then is the report acknowledged.  The disk work runs in a
 * thread of nginx's pool, off the event loop.
 */

static ngx_int_t
ngx_http_security_report_store(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx)
{
    u_char                                *p, *json, *rec;
    size_t                                 len, jlen;
    ngx_str_t                              host, *ua;
    ngx_http_security_report_queue_t      *q;
    ngx_http_security_report_loc_conf_t   *rlcf;
    ngx_time_t                            *tp;
    ngx_http_security_report_main_conf_t  *rmcf;
    u_char                                 date[SC_RFC3339_LEN];
#if (NGX_THREADS)
    ngx_thread_task_t                     *task;
#endif

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);
    rmcf = ngx_http_get_module_main_conf(r, ngx_http_security_report_module);
    q = rlcf->queue;

    ngx_http_security_txt_host(r, &host);

    tp = ngx_timeofday();

    ctx->received = tp->sec;
    sc_ulid(&rmcf->ulid, (uint64_t) tp->sec * 1000 + tp->msec, ctx->id);
    sc_rfc3339(date, ctx->received);

    jlen = sc_report_json_len(&ctx->report);

    json = ngx_pnalloc(r->pool, jlen);
    if (json == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sc_report_json(json, &ctx->report);
    crypto_hash_sha256(ctx->sha256, json, jlen);

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;

    len = sizeof("{\"id\":\"\",\"received\":\"\",\"site\":\"\","
                 "\"client\":\"\",\"user_agent\":\"\",\"sha256\":\"\","
                 "\"report\":}\n") - 1
          + SC_ULID_LEN + SC_RFC3339_LEN + 64 + jlen
          + sc_json_escape_len(host.data, host.len)
          + sc_json_escape_len(r->connection->addr_text.data,
                               r->connection->addr_text.len)
          + (ua ? sc_json_escape_len(ua->data, ua->len) : 0);

    rec = ngx_pnalloc(r->pool, len);
    if (rec == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(rec, "{\"id\":\"", 7);
    p = ngx_cpymem(p, ctx->id, SC_ULID_LEN);
    p = ngx_cpymem(p, "\",\"received\":\"", 14);
    p = ngx_cpymem(p, date, SC_RFC3339_LEN);
    p = ngx_cpymem(p, "\",\"site\":\"", 10);
    p += sc_json_escape(p, host.data, host.len);
    p = ngx_cpymem(p, "\",\"client\":\"", 12);
    p += sc_json_escape(p, r->connection->addr_text.data,
                        r->connection->addr_text.len);
    p = ngx_cpymem(p, "\",\"user_agent\":\"", 16);

    if (ua) {
        p += sc_json_escape(p, ua->data, ua->len);
    }

    p = ngx_cpymem(p, "\",\"sha256\":\"", 12);
    p = ngx_hex_dump(p, ctx->sha256, 32);
    p = ngx_cpymem(p, "\",\"report\":", 11);
    p = ngx_cpymem(p, json, jlen);
    p = ngx_cpymem(p, "}\n", 2);

    ctx->record.data = rec;
    ctx->record.len = p - rec;

    if (q->sealed) {
        p = ngx_pnalloc(r->pool, ctx->record.len + crypto_box_SEALBYTES);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (crypto_box_seal(p, ctx->record.data, ctx->record.len, q->seal)
            != 0)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        sodium_memzero(ctx->record.data, ctx->record.len);

        ctx->record.data = p;
        ctx->record.len += crypto_box_SEALBYTES;
    }

    len = q->spool.len + sizeof("/tmp/") - 1 + SC_ULID_LEN + 1;

    ctx->tmp_path = ngx_pnalloc(r->pool, len);
    ctx->new_path = ngx_pnalloc(r->pool, len);
    ctx->dir_path = ngx_pnalloc(r->pool, len);
    if (ctx->tmp_path == NULL || ctx->new_path == NULL
        || ctx->dir_path == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(ctx->tmp_path, "%V/tmp/%*s%Z", &q->spool,
                (size_t) SC_ULID_LEN, ctx->id);
    ngx_sprintf(ctx->new_path, "%V/new/%*s%Z", &q->spool,
                (size_t) SC_ULID_LEN, ctx->id);
    ngx_sprintf(ctx->dir_path, "%V/new%Z", &q->spool);

#if (NGX_THREADS)

    if (q->thread_pool) {
        task = ngx_thread_task_alloc(r->pool, 0);
        if (task == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        task->ctx = ctx;
        task->handler = ngx_http_security_report_write;
        task->event.handler = ngx_http_security_report_write_done;
        task->event.data = r;

        if (ngx_thread_task_post(q->thread_pool, task) != NGX_OK) {

            /* the pool's queue is full: try again in a moment */

            ctx->failed = "queueing the write";
            ctx->failed_path = ctx->tmp_path;

            ngx_http_security_report_stored(r);

            return NGX_DONE;
        }

        /*
         * the reference taken to read the body is finalized when done;
         * until then the request is blocked, and a write event that comes
         * meanwhile finds r->aio set and waits
         */

        r->main->blocked++;
        r->aio = 1;
        r->write_event_handler = ngx_http_security_report_stored;

        return NGX_DONE;
    }

#endif

    ngx_http_security_report_write(ctx, r->connection->log);

    ngx_http_security_report_stored(r);

    return NGX_DONE;
}


/* in a thread: nothing here may touch nginx's structures */

static void
ngx_http_security_report_write(void *data, ngx_log_t *log)
{
    ngx_http_security_report_ctx_t  *ctx = data;

    u_char    *p, *last;
    ssize_t    n;
    ngx_fd_t   fd;

    fd = open((char *) ctx->tmp_path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC,
              0600);

    ctx->failed_path = ctx->tmp_path;

    if (fd == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "open()";
        return;
    }

    p = ctx->record.data;
    last = p + ctx->record.len;

    while (p < last) {
        n = write(fd, p, last - p);

        if (n == -1) {
            if (ngx_errno == NGX_EINTR) {
                continue;
            }

            ctx->err = ngx_errno;
            ctx->failed = "write()";
            goto failed;
        }

        p += n;
    }

    if (fsync(fd) == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "fsync()";
        goto failed;
    }

    if (close(fd) == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "close()";
        fd = -1;
        goto failed;
    }

    fd = -1;

    /*
     * into new/ by link() and unlink(), not rename(): a name that is
     * already there is an error, never replaced
     */

    if (link((char *) ctx->tmp_path, (char *) ctx->new_path) == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "link()";
        ctx->failed_path = ctx->new_path;
        goto failed;
    }

    (void) unlink((char *) ctx->tmp_path);

    fd = open((char *) ctx->dir_path, O_RDONLY|O_DIRECTORY|O_CLOEXEC);

    if (fd == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "open()";
        ctx->failed_path = ctx->dir_path;
        goto taken_back;
    }

    if (fsync(fd) == -1) {
        ctx->err = ngx_errno;
        ctx->failed = "fsync()";
        ctx->failed_path = ctx->dir_path;
        (void) close(fd);
        goto taken_back;
    }

    (void) close(fd);

    return;

taken_back:

    /*
     * the new name may not survive a crash: the report is not
     * acknowledged, so it is taken back, lest a resend make two
     */

    if (unlink((char *) ctx->new_path) == -1) {
        ctx->unlink_err = ngx_errno;
    }

    return;

failed:

    if (fd != -1) {
        (void) close(fd);
    }

    (void) unlink((char *) ctx->tmp_path);
}


#if (NGX_THREADS)

static void
ngx_http_security_report_write_done(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ev->data;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    r->main->blocked--;
    r->aio = 0;

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}

#endif


static void
ngx_http_security_report_stored(ngx_http_request_t *r)
{
    ngx_int_t                             rc;
    ngx_uint_t                            level;
    ngx_str_t                             host;
    ngx_http_security_report_ctx_t       *ctx;
    ngx_http_security_report_loc_conf_t  *rlcf;

    if (r->aio) {

        /* a write event while the thread still writes: not done yet */

        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_security_report_module);

    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_security_txt_host(r, &host);

    if (ctx->failed) {
        /* a failed fsync() is a failing disk */

        level = (ctx->failed[0] == 'f') ? NGX_LOG_CRIT : NGX_LOG_ERR;

        ngx_log_error(level, r->connection->log, ctx->err,
                      "security report for \"%V\" not stored: %s \"%s\" "
                      "failed", &host, ctx->failed, ctx->failed_path);

        if (ctx->unlink_err) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, ctx->unlink_err,
                          "unlink() \"%s\" failed: a report the client was "
                          "told is not kept is in new/", ctx->new_path);
        }

        r->keepalive = 0;

        if (ngx_http_security_contact_add_header(r, "Retry-After",
                                                (u_char *)
                                            NGX_HTTP_SECURITY_REPORT_RETRY_S,
                                    sizeof(NGX_HTTP_SECURITY_REPORT_RETRY_S)
                                                - 1)
            == NULL)
        {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        rc = ngx_http_security_report_error(r,
                 NGX_HTTP_SERVICE_UNAVAILABLE, "not_stored",
                 "the report could not be stored; nothing was kept: "
                 "please send it again in a minute");

        ngx_http_finalize_request(r, rc);
        return;
    }

    ngx_http_security_report_count(r, "accepted");

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "security report %*s for \"%V\" stored in \"%s\"",
                  (size_t) SC_ULID_LEN, ctx->id, &host, ctx->new_path);

    /*
     * the delivering worker sends it at once; with the pipe full it is
     * behind, and finds the report when it lists new/
     */

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_security_report_module);

    if (rlcf->queue->wake[1] != NGX_INVALID_FILE
        && write(rlcf->queue->wake[1], ctx->id, SC_ULID_LEN) == -1)
    {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, ngx_errno,
                       "security report %*s not written to the pipe",
                       (size_t) SC_ULID_LEN, ctx->id);
    }

    rc = ngx_http_security_report_receipt(r, ctx);

    ngx_http_finalize_request(r, rc);
}


/* ------------------------------------------------------------ answers */

/*
 * 201 with the receipt: the ID, when, where, and the digest of what was
 * submitted, OpenPGP-signed with the server's security.txt key if it has
 * one.  Nothing of the report itself is echoed.
 */

static ngx_int_t
ngx_http_security_report_receipt(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx)
{
    u_char                            *p, *text, *json;
    size_t                             len, tlen, cap;
    ngx_str_t                          host, body, note;
    const char                        *tpl;
    ngx_http_security_txt_srv_conf_t  *stcf;
    u_char                             date[SC_RFC3339_LEN];
    u_char                             hex[64];
    sc_template_var_t                  vars[6];

    stcf = ngx_http_get_module_srv_conf(r, ngx_http_security_contact_module);

    ngx_http_security_txt_host(r, &host);

    if (ctx->lang_ja) {
        ngx_str_set(&note, "Your report has been received and will be "
                    "handled confidentially.\n"
                    "報告を受け付けました。機密として取り扱います。\n");
    } else {
        ngx_str_set(&note, "Your report has been received and will be "
                    "handled confidentially.\n");
    }

    len = sc_receipt_text_len(host.len, note.len);

    text = ngx_pnalloc(r->pool, len);
    if (text == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tlen = sc_receipt_text(text, ctx->id, (uint64_t) ctx->received,
                           host.data, host.len, ctx->sha256, note.data,
                           note.len);

    body.data = text;
    body.len = tlen;

    if (stcf->key) {
        cap = sc_pgp_clearsign_len(tlen);

        p = ngx_pnalloc(r->pool, cap);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        len = sc_pgp_clearsign(p, cap, text, tlen, stcf->key->pgp,
                               ngx_max((uint32_t) ctx->received,
                                       stcf->key->pgp->created));
        if (len == 0) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "receipt of security report %*s could not be "
                          "signed with \"%V\"", (size_t) SC_ULID_LEN,
                          ctx->id, &stcf->key->file);

        } else {
            body.data = p;
            body.len = len;
        }
    }

    sc_rfc3339(date, ctx->received);
    ngx_hex_dump(hex, ctx->sha256, 32);

    if (ctx->html) {
        vars[0].name = "site";
        vars[0].value.data = host.data;
        vars[0].value.len = host.len;
        vars[1].name = "receipt_id";
        vars[1].value.data = (u_char *) ctx->id;
        vars[1].value.len = SC_ULID_LEN;
        vars[2].name = "received";
        vars[2].value.data = date;
        vars[2].value.len = SC_RFC3339_LEN;
        vars[3].name = "sha256";
        vars[3].value.data = hex;
        vars[3].value.len = 64;
        vars[4].name = "receipt";
        vars[4].value.data = body.data;
        vars[4].value.len = body.len;
        vars[5].name = "key_url";
        vars[5].value.data = stcf->key ? stcf->key_uri.data : NULL;
        vars[5].value.len = stcf->key ? stcf->key_uri.len : 0;

        tpl = ctx->lang_ja ? ngx_http_security_report_receipt_ja
                           : ngx_http_security_report_receipt_en;

        return ngx_http_security_report_render(r, NGX_HTTP_CREATED,
                                               (u_char *) tpl,
                                               ngx_strlen(tpl), vars, 6);
    }

    len = sizeof("{\"id\":\"\",\"received\":\"\",\"site\":\"\","
                 "\"sha256\":\"\",\"signed\":false,\"receipt\":\"\"}\n") - 1
          + SC_ULID_LEN + SC_RFC3339_LEN + 64
          + sc_json_escape_len(host.data, host.len)
          + sc_json_escape_len(body.data, body.len);

    json = ngx_pnalloc(r->pool, len);
    if (json == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(json, "{\"id\":\"", 7);
    p = ngx_cpymem(p, ctx->id, SC_ULID_LEN);
    p = ngx_cpymem(p, "\",\"received\":\"", 14);
    p = ngx_cpymem(p, date, SC_RFC3339_LEN);
    p = ngx_cpymem(p, "\",\"site\":\"", 10);
    p += sc_json_escape(p, host.data, host.len);
    p = ngx_cpymem(p, "\",\"sha256\":\"", 12);
    p = ngx_cpymem(p, hex, 64);
    p = ngx_sprintf(p, "\",\"signed\":%s,\"receipt\":\"",
                    body.data != text ? "true" : "false");
    p += sc_json_escape(p, body.data, body.len);
    p = ngx_cpymem(p, "\"}\n", 3);

    body.data = json;
    body.len = p - json;

    return ngx_http_security_report_send(r, NGX_HTTP_CREATED,
                                         &ngx_http_security_report_json_type,
                                         &body);
}


/* an error as {"error": code, "message": ...}, or as a page */

static ngx_int_t
ngx_http_security_report_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message)
{
    u_char                          *p;
    size_t                           len;
    ngx_str_t                        body;
    sc_report_error_t                err;
    ngx_http_security_report_ctx_t  *ctx;

    ngx_http_security_report_count(r, code);

    ctx = ngx_http_get_module_ctx(r, ngx_http_security_report_module);

    if (ctx && ctx->html) {
        err.field = NULL;
        err.code = code;
        err.message = message;
        err.name.data = NULL;
        err.name.len = 0;

        return ngx_http_security_report_field_errors(r, ctx, status, &err, 1);
    }

    len = sizeof("{\"error\":\"\",\"message\":\"\"}\n") - 1
          + ngx_strlen(code)
          + sc_json_escape_len((u_char *) message, ngx_strlen(message));

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = p;

    p = ngx_sprintf(p, "{\"error\":\"%s\",\"message\":\"", code);
    p += sc_json_escape(p, (u_char *) message, ngx_strlen(message));
    p = ngx_cpymem(p, "\"}\n", 3);

    body.len = p - body.data;

    return ngx_http_security_report_send(r, status,
                                         &ngx_http_security_report_json_type,
                                         &body);
}


/* every field error at once: a JSON list, or a page */

static ngx_int_t
ngx_http_security_report_field_errors(ngx_http_request_t *r,
    ngx_http_security_report_ctx_t *ctx, ngx_uint_t status,
    sc_report_error_t *errs, size_t n)
{
    u_char             *p;
    size_t              i, len;
    ngx_str_t           body, host;
    const char         *tpl;
    sc_template_var_t   vars[2];

    if (!ctx->html) {
        len = sc_report_errors_json_len(errs, n);

        body.data = ngx_pnalloc(r->pool, len + 1);
        if (body.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body.len = sc_report_errors_json(body.data, errs, n);
        body.data[body.len++] = '\n';

        return ngx_http_security_report_send(r, status,
                                          &ngx_http_security_report_json_type,
                                             &body);
    }

    len = 0;

    for (i = 0; i < n; i++) {
        len += (errs[i].field ? ngx_strlen(errs[i].field)
                              : errs[i].name.len)
               + ngx_strlen(errs[i].message) + 4;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = p;

    for (i = 0; i < n; i++) {
        if (errs[i].field) {
            p = ngx_sprintf(p, "%s: ", errs[i].field);

        } else if (errs[i].name.len) {
            p = ngx_sprintf(p, "%*s: ", errs[i].name.len,
                            errs[i].name.data);
        }

        p = ngx_sprintf(p, "%s\n", errs[i].message);
    }

    ngx_http_security_txt_host(r, &host);

    vars[0].name = "site";
    vars[0].value.data = host.data;
    vars[0].value.len = host.len;
    vars[1].name = "errors";
    vars[1].value.data = body.data;
    vars[1].value.len = p - body.data;

    tpl = ctx->lang_ja ? ngx_http_security_report_errors_ja
                       : ngx_http_security_report_errors_en;

    return ngx_http_security_report_render(r, status, (u_char *) tpl,
                                           ngx_strlen(tpl), vars, 2);
}


static ngx_int_t
ngx_http_security_report_render(ngx_http_request_t *r, ngx_uint_t status,
    const u_char *tpl, size_t len, sc_template_var_t *vars, size_t nvars)
{
    ngx_str_t  body;

    body.len = sc_template_render(NULL, tpl, len, vars, nvars);

    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sc_template_render(body.data, tpl, len, vars, nvars);

    return ngx_http_security_report_send(r, status,
                                         &ngx_http_security_report_html_type,
                                         &body);
}


/*
 * Sends a whole answer.  Pages carry a Content-Security-Policy that
 * allows nothing from elsewhere; nothing here may be cached (a page holds
 * a form token, a receipt is the reporter's alone).
 */

static ngx_int_t
ngx_http_security_report_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *body)
{
    static u_char  csp[] = "default-src 'none'; style-src 'unsafe-inline'; "
                           "form-action 'self'; base-uri 'none'; "
                           "frame-ancestors 'none'";

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    if (ngx_http_security_contact_add_header(r, "Cache-Control",
                                            (u_char *) "no-store", 8)
        == NULL
        || ngx_http_security_contact_add_header(r, "X-Content-Type-Options",
                                               (u_char *) "nosniff", 7)
           == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (type == &ngx_http_security_report_html_type) {
        if (ngx_http_security_contact_add_header(r,
                                                "Content-Security-Policy",
                                                csp, sizeof(csp) - 1)
            == NULL
            || ngx_http_security_contact_add_header(r, "Referrer-Policy",
                                                   (u_char *) "no-referrer",
                                                   11)
               == NULL
            || ngx_http_security_contact_add_header(r, "Vary",
                                                   (u_char *)
                                                   "Accept-Language", 15)
               == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (status == NGX_HTTP_SECURITY_REPORT_UNPROCESSABLE) {
        ngx_str_set(&r->headers_out.status_line,
                    "422 Unprocessable Entity");
    }

    return ngx_http_security_contact_send(r, status, type, body);
}


/* ------------------------------------------------------------ limits */

static ngx_http_security_report_node_t *
ngx_http_security_report_lookup(ngx_http_security_report_zone_t *zone,
    u_char *key, size_t len, uint32_t hash)
{
    ngx_int_t                         rc;
    ngx_rbtree_node_t                *node, *sentinel;
    ngx_http_security_report_node_t  *rn;

    node = zone->sh->rbtree.root;
    sentinel = zone->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        rn = (ngx_http_security_report_node_t *) node;

        rc = ngx_memn2cmp(key, rn->key, len, (size_t) rn->len);

        if (rc == 0) {
            return rn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/*
 * Frees up to n entries from the least recently used end whose bucket
 * has drained (a new request from them would find it empty anyway).
 */

static void
ngx_http_security_report_expire(ngx_http_security_report_zone_t *zone,
    uint64_t now, ngx_uint_t n)
{
    ngx_queue_t                      *q;
    ngx_http_security_report_node_t  *rn;

    while (n--) {
        if (ngx_queue_empty(&zone->sh->queue)) {
            return;
        }

        q = ngx_queue_last(&zone->sh->queue);
        rn = ngx_queue_data(q, ngx_http_security_report_node_t, queue);

        if (rn->tat > now) {
            return;
        }

        ngx_queue_remove(q);
        ngx_rbtree_delete(&zone->sh->rbtree, &rn->node);
        ngx_slab_free_locked(zone->shpool, rn);
    }
}


/*
 * GCRA per client prefix, and over all clients if global= is set.  A
 * request is allowed only if both allow it, and only then charged.  When
 * the zone is full and nothing has drained, new clients share one strict
 * bucket: the limit never fails open, nor shuts everyone out.
 */

static ngx_int_t
ngx_http_security_report_limit(ngx_http_request_t *r,
    ngx_http_security_report_zone_t *zone)
{
    u_char                           *p, *msg;
    size_t                            len;
    uint32_t                          hash;
    uint64_t                          now, tat, gtat, *slot;
    ngx_int_t                         allowed;
    ngx_uint_t                        family, full;
    sc_gcra_result_t                  res, gres;
    struct sockaddr_in               *sin;
    ngx_http_security_report_node_t  *rn;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6              *sin6;
#endif
    u_char                            key[SC_RATE_KEY_LEN];
    u_char                            policy[SC_RATE_HEADER_LEN];
    u_char                            header[SC_RATE_HEADER_LEN];

    switch (r->connection->sockaddr->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        family = 4;
        p = (u_char *) &sin->sin_addr;
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;
        family = 6;
        p = (u_char *) &sin6->sin6_addr;
        break;
#endif

    default:
        /* unix sockets: one client */
        family = 0;
        p = NULL;
    }

    if (family) {
        len = sc_rate_key(family, p, zone->ipv4_prefix, zone->ipv6_prefix,
                          key);

    } else {
        key[0] = 0;
        len = 1;
    }

    hash = ngx_crc32_short(key, len);
    now = (uint64_t) ngx_current_msec * 1000;
    full = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    rn = ngx_http_security_report_lookup(zone, key, len, hash);

    if (rn) {
        ngx_queue_remove(&rn->queue);
        ngx_queue_insert_head(&zone->sh->queue, &rn->queue);
        slot = &rn->tat;

    } else {
        ngx_http_security_report_expire(zone, now, 1);

        rn = ngx_slab_alloc_locked(zone->shpool,
                                   sizeof(ngx_http_security_report_node_t));

        if (rn == NULL) {
            ngx_http_security_report_expire(zone, now,
                                            NGX_HTTP_SECURITY_REPORT_EXPIRE);

            rn = ngx_slab_alloc_locked(zone->shpool,
                                     sizeof(ngx_http_security_report_node_t));
        }

        if (rn) {
            rn->node.key = hash;
            rn->len = (u_char) len;
            rn->tat = 0;
            ngx_memcpy(rn->key, key, len);

            ngx_rbtree_insert(&zone->sh->rbtree, &rn->node);
            ngx_queue_insert_head(&zone->sh->queue, &rn->queue);

            slot = &rn->tat;

        } else {
            slot = &zone->sh->overflow_tat;

            /* logged once a minute, once the lock is released */

            if (ngx_current_msec - zone->sh->overflow_logged > 60000) {
                zone->sh->overflow_logged = ngx_current_msec;
                full = 1;
            }
        }
    }

    tat = *slot;

    if (slot == &zone->sh->overflow_tat) {
        allowed = sc_gcra(&tat, now, &zone->rate, 0, &res);

    } else {
        allowed = sc_gcra(&tat, now, &zone->rate, zone->burst, &res);
    }

    if (allowed && zone->global.requests) {
        gtat = zone->sh->global_tat;

        if (sc_gcra(&gtat, now, &zone->global, zone->burst, &gres)) {
            zone->sh->global_tat = gtat;

        } else {
            allowed = 0;
            res = gres;
        }
    }

    if (allowed) {
        *slot = tat;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    len = sc_rate_policy_header(policy, &zone->rate, zone->burst);
    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, policy, len);

    if (ngx_http_security_contact_add_header(r, "RateLimit-Policy", p, len)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = sc_rate_header(header, &res);
    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, header, len);

    if (ngx_http_security_contact_add_header(r, "RateLimit", p, len)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (full) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "security_report_zone \"%V\" is full: new clients "
                      "share one strict limit; make the zone larger",
                      &zone->name);
    }

    if (allowed) {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "security report limited by zone \"%V\"", &zone->name);

    /* a large body that is refused is not read: the connection goes */

    if (r->headers_in.content_length_n < 0
        || r->headers_in.content_length_n > 65536)
    {
        r->keepalive = 0;
    }

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_sprintf(p, "%uL", sc_rate_ceil_sec(res.retry_after_us)) - p;

    if (ngx_http_security_contact_add_header(r, "Retry-After", p, len)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    msg = ngx_pnalloc(r->pool, 128);
    if (msg == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(msg, "too many reports from your network: wait %uL "
                "seconds, then send it again%Z",
                sc_rate_ceil_sec(res.retry_after_us));

    return ngx_http_security_report_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                          "rate_limited", (char *) msg);
}


/* ------------------------------------------------------------ config */

/* after sodium_init(), which the security.txt part calls first */

#if (NGX_THREADS)

/*
 * Thread pools need an event method that can be notified (epoll, kqueue,
 * eventport); with poll or select nginx refuses them when workers start.
 * The events block is read before http{} in any usual configuration; if
 * it is not, the default method is assumed.
 */

static ngx_uint_t
ngx_http_security_report_threads(ngx_conf_t *cf)
{
    ngx_uint_t           i;
    ngx_module_t        *module;
    ngx_event_conf_t    *ecf;
    ngx_event_module_t  *em;

    if (cf->cycle->conf_ctx[ngx_events_module.index] == NULL) {
        return 1;
    }

    ecf = ngx_event_get_conf(cf->cycle->conf_ctx, ngx_event_core_module);

    if (ecf == NULL || ecf->use == NGX_CONF_UNSET_UINT) {
        return 1;
    }

    for (i = 0; cf->cycle->modules[i]; i++) {
        module = cf->cycle->modules[i];

        if (module->type != NGX_EVENT_MODULE
            || module->ctx_index != ecf->use)
        {
            continue;
        }

        em = module->ctx;

        return em->actions.notify != NULL;
    }

    return 1;
}

#endif


static ngx_int_t
ngx_http_security_report_init(ngx_conf_t *cf)
{
    ngx_uint_t                              i, n;
    ngx_http_security_report_queue_t      **queues;
    ngx_http_security_report_main_conf_t   *rmcf;

    static ngx_str_t  name = ngx_string("security_report_metrics");
#if (NGX_THREADS)
    static ngx_str_t  pool_name = ngx_string("default");
#endif

    if (!ngx_http_security_report_random_key_set) {
        randombytes_buf(ngx_http_security_report_random_key, 32);
        ngx_http_security_report_random_key_set = 1;
    }

    rmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_security_report_module);

    if (rmcf->queues.nelts == 0) {
        return NGX_OK;
    }

    queues = rmcf->queues.elts;
    n = 0;

    for (i = 0; i < rmcf->queues.nelts; i++) {
        if (queues[i]->backend) {
            n++;
        }
    }

    if (n > NGX_HTTP_SECURITY_REPORT_OWNERS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%ui queues have \"backend=\"; at most %d may",
                           n, NGX_HTTP_SECURITY_REPORT_OWNERS);
        return NGX_ERROR;
    }

#if (NGX_THREADS)

    /* the spool is written in nginx's thread pool, where events allow */

    if (ngx_http_security_report_threads(cf)) {
        for (i = 0; i < rmcf->queues.nelts; i++) {
            queues[i]->thread_pool = ngx_thread_pool_add(cf, &pool_name);
            if (queues[i]->thread_pool == NULL) {
                return NGX_ERROR;
            }
        }

    } else {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "the event method cannot be used with thread "
                           "pools: security reports are written to the "
                           "spool by the worker itself, which waits for "
                           "the disk");
    }

#endif

    rmcf->metrics_zone = ngx_shared_memory_add(cf, &name, 8 * ngx_pagesize,
                                           &ngx_http_security_report_module);
    if (rmcf->metrics_zone == NULL) {
        return NGX_ERROR;
    }

    rmcf->metrics_zone->init = ngx_http_security_report_init_metrics;
    rmcf->metrics_zone->data = rmcf;

    return NGX_OK;
}


/* the counters survive reloads, as Prometheus expects of counters */

static ngx_int_t
ngx_http_security_report_init_metrics(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_security_report_main_conf_t  *ormcf = data;

    ngx_slab_pool_t                       *shpool;
    ngx_http_security_report_main_conf_t  *rmcf;

    rmcf = shm_zone->data;

    if (ormcf) {
        rmcf->metrics = ormcf->metrics;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        rmcf->metrics = shpool->data;
        return NGX_OK;
    }

    rmcf->metrics = ngx_slab_calloc(shpool,
                                 sizeof(ngx_http_security_report_metrics_t));
    if (rmcf->metrics == NULL) {
        return NGX_ERROR;
    }

    shpool->data = rmcf->metrics;

    return NGX_OK;
}


static void
ngx_http_security_report_count(ngx_http_request_t *r, const char *code)
{
    ngx_uint_t                             i;
    ngx_http_security_report_metrics_t    *m;
    ngx_http_security_report_main_conf_t  *rmcf;

    rmcf = ngx_http_get_module_main_conf(r, ngx_http_security_report_module);
    m = rmcf->metrics;

    if (m == NULL) {
        return;
    }

    if (ngx_strcmp(code, "accepted") == 0) {
        (void) ngx_atomic_fetch_add(&m->accepted, 1);
        return;
    }

    if (ngx_strcmp(code, "rate_limited") == 0) {
        (void) ngx_atomic_fetch_add(&m->rate_limited, 1);
        return;
    }

    if (ngx_strcmp(code, "not_stored") == 0) {
        (void) ngx_atomic_fetch_add(&m->not_stored, 1);
        return;
    }

    for (i = 0; ngx_http_security_report_reasons[i]; i++) {
        if (ngx_strcmp(code, ngx_http_security_report_reasons[i]) == 0) {
            (void) ngx_atomic_fetch_add(&m->rejected[i], 1);
            return;
        }
    }
}


static void *
ngx_http_security_report_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_security_report_main_conf_t  *rmcf;

    rmcf = ngx_pcalloc(cf->pool,
                       sizeof(ngx_http_security_report_main_conf_t));
    if (rmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&rmcf->zones, cf->pool, 2, sizeof(void *)) != NGX_OK
        || ngx_array_init(&rmcf->queues, cf->pool, 2, sizeof(void *))
           != NGX_OK)
    {
        return NULL;
    }

    return rmcf;
}


static void *
ngx_http_security_report_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_security_report_loc_conf_t  *rlcf;

    rlcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_security_report_loc_conf_t));
    if (rlcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     rlcf->queue_name = { 0, NULL };
     *     rlcf->zone_name = { 0, NULL };
     *     rlcf->queue = NULL;
     *     rlcf->zone = NULL;
     *     rlcf->page = { 0, NULL };
     */

    rlcf->enable = NGX_CONF_UNSET;
    rlcf->max_size = NGX_CONF_UNSET_SIZE;
    rlcf->token_min = NGX_CONF_UNSET;
    rlcf->token_max = NGX_CONF_UNSET;
    rlcf->scope = NGX_CONF_UNSET_PTR;
    rlcf->reject = NGX_CONF_UNSET_PTR;

    return rlcf;
}


static char *
ngx_http_security_report_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_security_report_loc_conf_t *prev = parent;
    ngx_http_security_report_loc_conf_t *conf = child;

    ngx_uint_t                             i;
    ngx_http_core_loc_conf_t              *clcf;
    ngx_http_security_report_zone_t      **zones;
    ngx_http_security_report_queue_t     **queues;
    ngx_http_security_report_main_conf_t  *rmcf;

    ngx_conf_merge_size_value(conf->max_size, prev->max_size, 1024 * 1024);

    if (conf->max_size < 1024) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"security_report_max_size\" must be at least 1k, "
                      "the size of a short report");
        return NGX_CONF_ERROR;
    }

    if (conf->token_min == NGX_CONF_UNSET) {
        conf->token_min = (prev->token_min == NGX_CONF_UNSET)
                          ? 2 : prev->token_min;
        conf->token_max = (prev->token_max == NGX_CONF_UNSET)
                          ? 4 * 3600 : prev->token_max;
    }
    ngx_conf_merge_ptr_value(conf->scope, prev->scope, NULL);
    ngx_conf_merge_ptr_value(conf->reject, prev->reject, NULL);
    ngx_conf_merge_str_value(conf->page, prev->page, "");

    if (conf->enable != 1) {
        return NGX_CONF_OK;
    }

    rmcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_security_report_module);

    queues = rmcf->queues.elts;

    if (conf->queue_name.len == 0) {
        if (rmcf->queues.nelts != 1) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"security_report\" needs \"queue=NAME\" when "
                          "there is not exactly one "
                          "\"security_report_queue\" (there are %ui)",
                          rmcf->queues.nelts);
            return NGX_CONF_ERROR;
        }

        conf->queue = queues[0];

    } else {
        for (i = 0; i < rmcf->queues.nelts; i++) {
            if (queues[i]->name.len == conf->queue_name.len
                && ngx_strncmp(queues[i]->name.data, conf->queue_name.data,
                               conf->queue_name.len) == 0)
            {
                conf->queue = queues[i];
                break;
            }
        }

        if (conf->queue == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"security_report\" names queue \"%V\", but no "
                          "\"security_report_queue %V\" is defined",
                          &conf->queue_name, &conf->queue_name);
            return NGX_CONF_ERROR;
        }
    }

    if (conf->zone_name.len) {
        zones = rmcf->zones.elts;

        for (i = 0; i < rmcf->zones.nelts; i++) {
            if (zones[i]->name.len == conf->zone_name.len
                && ngx_strncmp(zones[i]->name.data, conf->zone_name.data,
                               conf->zone_name.len) == 0)
            {
                conf->zone = zones[i];
                break;
            }
        }

        if (conf->zone == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"security_report\" names zone \"%V\", but no "
                          "\"security_report_zone zone=%V:SIZE\" is "
                          "defined", &conf->zone_name, &conf->zone_name);
            return NGX_CONF_ERROR;
        }

    }

    /*
     * the body is read whole, in memory or spilled to a temporary file as
     * client_body_buffer_size says, and read back
     */

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    /*
     * nginx's own limit is set above ours, so that a report over ours gets
     * this module's answer, not nginx's error page; a chunked body is read
     * up to it and then refused
     */

    if (clcf->client_max_body_size < (off_t) (2 * conf->max_size)) {
        clcf->client_max_body_size = 2 * conf->max_size;
    }

    return NGX_CONF_OK;
}


/*
 * security_report_zone zone=NAME:SIZE rate=RATE [burst=N]
 *     [ipv4_prefix=32] [ipv6_prefix=64] [global=RATE];
 */

static char *
ngx_http_security_report_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_report_main_conf_t *rmcf = conf;

    u_char                            *p;
    ssize_t                            size;
    ngx_int_t                          n;
    ngx_str_t                         *value, name, s;
    ngx_uint_t                         i;
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_security_report_zone_t   *zone, **zp;

    value = cf->args->elts;

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_security_report_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->ipv4_prefix = 32;
    zone->ipv6_prefix = 64;

    name.len = 0;
    size = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {
            name.data = value[i].data + 5;

            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL) {
                goto invalid;
            }

            name.len = p - name.data;

            s.data = p + 1;
            s.len = value[i].data + value[i].len - s.data;

            size = ngx_parse_size(&s);

            if (name.len == 0 || size == NGX_ERROR) {
                goto invalid;
            }

            if (size < (ssize_t) (8 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" zone \"%V\" is too small: at "
                                   "least %uz is needed", &cmd->name,
                                   &value[i], 8 * ngx_pagesize);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "rate=", 5) == 0) {
            if (sc_rate_parse(value[i].data + 5, value[i].len - 5,
                              &zone->rate) != 0)
            {
                goto invalid_rate;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "global=", 7) == 0) {
            if (sc_rate_parse(value[i].data + 7, value[i].len - 7,
                              &zone->global) != 0)
            {
                goto invalid_rate;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "burst=", 6) == 0) {
            n = ngx_atoi(value[i].data + 6, value[i].len - 6);

            if (n == NGX_ERROR || n > 100000) {
                goto invalid;
            }

            zone->burst = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "ipv4_prefix=", 12) == 0) {
            n = ngx_atoi(value[i].data + 12, value[i].len - 12);

            if (n == NGX_ERROR || n < 1 || n > 32) {
                goto invalid;
            }

            zone->ipv4_prefix = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "ipv6_prefix=", 12) == 0) {
            n = ngx_atoi(value[i].data + 12, value[i].len - 12);

            if (n == NGX_ERROR || n < 1 || n > 128) {
                goto invalid;
            }

            zone->ipv6_prefix = n;
            continue;
        }

        goto invalid;
    }

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"zone=NAME:SIZE\"",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (zone->rate.requests == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"rate=RATE\", such as "
                           "\"rate=10r/h\"", &cmd->name);
        return NGX_CONF_ERROR;
    }

    zp = rmcf->zones.elts;

    for (i = 0; i < rmcf->zones.nelts; i++) {
        if (zp[i]->name.len == name.len
            && ngx_strncmp(zp[i]->name.data, name.data, name.len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate security_report_zone \"%V\"",
                               &name);
            return NGX_CONF_ERROR;
        }
    }

    zone->name = name;

    shm_zone = ngx_shared_memory_add(cf, &name, size,
                                     &ngx_http_security_report_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "shared memory zone \"%V\" is already used",
                           &name);
        return NGX_CONF_ERROR;
    }

    shm_zone->init = ngx_http_security_report_init_zone;
    shm_zone->data = zone;
    zone->shm_zone = shm_zone;

    zp = ngx_array_push(&rmcf->zones);
    if (zp == NULL) {
        return NGX_CONF_ERROR;
    }

    *zp = zone;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\" has an invalid parameter \"%V\"; the syntax "
                       "is zone=NAME:SIZE rate=RATE [burst=N] "
                       "[ipv4_prefix=1..32] [ipv6_prefix=1..128] "
                       "[global=RATE]", &cmd->name, &value[i]);
    return NGX_CONF_ERROR;

invalid_rate:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\" has an invalid rate \"%V\": write it as "
                       "nginx writes rates, such as \"10r/s\", \"30r/m\", "
                       "\"5r/h\" or \"100r/d\"", &cmd->name, &value[i]);
    return NGX_CONF_ERROR;
}


/* kept across reloads: the clients' state is not reset by a reload */

static ngx_int_t
ngx_http_security_report_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_security_report_zone_t  *ozone = data;

    size_t                            len;
    ngx_http_security_report_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool,
                              sizeof(ngx_http_security_report_shctx_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_http_security_report_rbtree_insert_value);
    ngx_queue_init(&zone->sh->queue);

    len = sizeof(" in security_report_zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in security_report_zone \"%V\"%Z",
                &shm_zone->shm.name);

    zone->shpool->log_nomem = 0;

    return NGX_OK;
}


static void
ngx_http_security_report_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t                **p;
    ngx_http_security_report_node_t   *rn, *rnt;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            rn = (ngx_http_security_report_node_t *) node;
            rnt = (ngx_http_security_report_node_t *) temp;

            p = (ngx_memn2cmp(rn->key, rnt->key, rn->len, rnt->len) < 0)
                ? &temp->left : &temp->right;
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
 * The accepting worker writes a report's id to its queue's pipe once the
 * report is in new/; the worker that delivers the queue reads it and
 * sends at once.  Made here, in the master, so that every worker has both
 * ends.
 */

static ngx_int_t
ngx_http_security_report_wake_pipe(ngx_conf_t *cf,
    ngx_http_security_report_queue_t *q)
{
    ngx_uint_t           i;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    if (pipe(q->wake) == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "pipe() failed");
        q->wake[0] = NGX_INVALID_FILE;
        q->wake[1] = NGX_INVALID_FILE;
        return NGX_ERROR;
    }

    cln->handler = ngx_http_security_report_wake_cleanup;
    cln->data = q;

    for (i = 0; i < 2; i++) {
        if (ngx_nonblocking(q->wake[i]) == -1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               ngx_nonblocking_n " failed");
            return NGX_ERROR;
        }

        if (fcntl(q->wake[i], F_SETFD, FD_CLOEXEC) == -1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "fcntl(FD_CLOEXEC) failed");
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static void
ngx_http_security_report_wake_cleanup(void *data)
{
    ngx_http_security_report_queue_t  *q = data;

    ngx_uint_t  i;

    for (i = 0; i < 2; i++) {
        if (q->wake[i] != NGX_INVALID_FILE) {
            (void) close(q->wake[i]);
            q->wake[i] = NGX_INVALID_FILE;
        }
    }
}


/*
 * security_report_queue NAME spool=DIR [seal=FILE];
 * The spool's directories are created at start, owned by the worker user,
 * as nginx creates its own temporary directories.
 */

static char *
ngx_http_security_report_queue_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_report_main_conf_t *rmcf = conf;

    u_char                             *p;
    size_t                              len;
    time_t                              t;
    ngx_str_t                          *value, file, key, ca;
    ngx_uint_t                          i, d;
    ngx_path_t                         *path;
    const char                         *err;
    ngx_pool_cleanup_t                 *cln;
    ngx_http_security_report_queue_t   *q, **qp;

    static char  *dirs[] = { "", "/tmp", "/new", "/cur", "/done", "/dead" };

    value = cf->args->elts;

    qp = rmcf->queues.elts;

    for (i = 0; i < rmcf->queues.nelts; i++) {
        if (qp[i]->name.len == value[1].len
            && ngx_strncmp(qp[i]->name.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate security_report_queue \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    q = ngx_pcalloc(cf->pool, sizeof(ngx_http_security_report_queue_t));
    if (q == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_str_null(&ca);

    q->name = value[1];
    q->retry_max = 300;
    q->max_age = 72 * 3600;
    q->timeout = 10000;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "spool=", 6) == 0) {
            q->spool.data = value[i].data + 6;
            q->spool.len = value[i].len - 6;

            while (q->spool.len > 1
                   && q->spool.data[q->spool.len - 1] == '/')
            {
                q->spool.len--;
            }

            if (q->spool.len == 0) {
                goto invalid;
            }

            if (ngx_conf_full_name(cf->cycle, &q->spool, 0) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            if (q->spool.len > NGX_MAX_PATH - sizeof("/dead/") - 1
                               - SC_ULID_LEN)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" spool directory \"%V\" is too "
                                   "long", &cmd->name, &q->spool);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "seal=", 5) == 0) {
            file.data = value[i].data + 5;
            file.len = value[i].len - 5;

            if (ngx_http_security_report_read_file(cf, &file, &key, 4096)
                != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }

            /* the X25519 public key, in base64 or hex, on one line */

            while (key.len && (key.data[key.len - 1] == '\n'
                               || key.data[key.len - 1] == '\r'
                               || key.data[key.len - 1] == ' '))
            {
                key.len--;
            }

            if (sodium_base642bin(q->seal, sizeof(q->seal),
                                  (char *) key.data, key.len, NULL, &len,
                                  NULL, sodium_base64_VARIANT_ORIGINAL)
                    != 0
                || len != sizeof(q->seal))
            {
                if (sodium_hex2bin(q->seal, sizeof(q->seal),
                                   (char *) key.data, key.len, NULL, &len,
                                   NULL)
                        != 0
                    || len != sizeof(q->seal))
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "\"%V\" seal key file \"%V\" does not "
                                       "hold a 32-byte X25519 public key in "
                                       "base64 or hex (see docs/reporting.md"
                                       " for how to make one)",
                                       &cmd->name, &file);
                    return NGX_CONF_ERROR;
                }
            }

            q->sealed = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "backend=", 8) == 0) {
            q->backend = ngx_pcalloc(cf->pool, sizeof(ngx_url_t));
            if (q->backend == NULL) {
                return NGX_CONF_ERROR;
            }

            if (ngx_strncmp(value[i].data + 8, "http://", 7) == 0) {
                q->backend->url.data = value[i].data + 15;
                q->backend->url.len = value[i].len - 15;
                q->backend->default_port = 80;

            } else if (ngx_strncmp(value[i].data + 8, "https://", 8) == 0) {
#if (NGX_HTTP_SSL)
                q->backend->url.data = value[i].data + 16;
                q->backend->url.len = value[i].len - 16;
                q->backend->default_port = 443;

                q->ssl = ngx_pcalloc(cf->pool, sizeof(ngx_ssl_t));
                if (q->ssl == NULL) {
                    return NGX_CONF_ERROR;
                }
#else
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" backend \"%V\" needs nginx "
                                   "built with the http_ssl_module",
                                   &cmd->name, &value[i]);
                return NGX_CONF_ERROR;
#endif

            } else {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" backend \"%V\" must be an "
                                   "http:// or https:// URL", &cmd->name,
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            /* the URL goes into the request line and Host as it is */

            for (p = value[i].data; p < value[i].data + value[i].len; p++) {
                if (*p <= ' ' || *p == 0x7f) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "\"%V\" backend \"%V\" has a space "
                                       "or a control character",
                                       &cmd->name, &value[i]);
                    return NGX_CONF_ERROR;
                }
            }

            q->backend->uri_part = 1;

            if (ngx_parse_url(cf->pool, q->backend) != NGX_OK) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" backend \"%V\": %s",
                                   &cmd->name, &value[i],
                                   q->backend->err ? q->backend->err
                                                   : "invalid URL");
                return NGX_CONF_ERROR;
            }

            if (q->backend->naddrs == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" backend \"%V\" has no address",
                                   &cmd->name, &value[i]);
                return NGX_CONF_ERROR;
            }

            if (q->backend->family == AF_UNIX) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" backend \"%V\": a unix socket "
                                   "is not supported, only a host name or "
                                   "an address", &cmd->name, &value[i]);
                return NGX_CONF_ERROR;
            }

            if (q->backend->uri.len == 0) {
                ngx_str_set(&q->backend->uri, "/");

            } else if (q->backend->uri.data[0] != '/') {
                p = ngx_pnalloc(cf->pool, q->backend->uri.len + 1);
                if (p == NULL) {
                    return NGX_CONF_ERROR;
                }

                p[0] = '/';
                ngx_memcpy(p + 1, q->backend->uri.data,
                           q->backend->uri.len);
                q->backend->uri.data = p;
                q->backend->uri.len++;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "webhook_secret=", 15) == 0) {
            file.data = value[i].data + 15;
            file.len = value[i].len - 15;

            if (ngx_http_security_report_read_file(cf, &file, &key, 4096)
                != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }

            q->secret = sodium_malloc(sizeof(sc_webhook_secret_t));
            if (q->secret == NULL) {
                return NGX_CONF_ERROR;
            }

            if (sc_webhook_secret_parse(q->secret, key.data, key.len, &err)
                != 0)
            {
                sodium_memzero(key.data, key.len);
                sodium_free(q->secret);
                q->secret = NULL;

                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" webhook secret file \"%V\": %s",
                                   &cmd->name, &file, err);
                return NGX_CONF_ERROR;
            }

            sodium_memzero(key.data, key.len);

            cln = ngx_pool_cleanup_add(cf->pool, 0);
            if (cln == NULL) {
                return NGX_CONF_ERROR;
            }

            cln->handler = ngx_http_security_report_secret_cleanup;
            cln->data = q->secret;

            continue;
        }

        if (ngx_strncmp(value[i].data, "ca=", 3) == 0) {
            ca.data = value[i].data + 3;
            ca.len = value[i].len - 3;
            continue;
        }

        if (ngx_strncmp(value[i].data, "retry_max=", 10) == 0
            || ngx_strncmp(value[i].data, "max_age=", 8) == 0
            || ngx_strncmp(value[i].data, "timeout=", 8) == 0)
        {
            file.data = (u_char *) ngx_strchr(value[i].data, '=') + 1;
            file.len = value[i].data + value[i].len - file.data;

            t = ngx_parse_time(&file, 1);

            if (t == (time_t) NGX_ERROR || t <= 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" has an invalid time \"%V\"",
                                   &cmd->name, &value[i]);
                return NGX_CONF_ERROR;
            }

            if (value[i].data[0] == 'r') {
                q->retry_max = t;

            } else if (value[i].data[0] == 'm') {
                q->max_age = t;

            } else {
                q->timeout = (ngx_msec_t) t * 1000;
            }

            continue;
        }

        goto invalid;
    }

    if (q->spool.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V %V\" must have \"spool=DIR\"", &cmd->name,
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    /* a spool is one queue's: its claims and its one delivering worker */

    for (i = 0; i < rmcf->queues.nelts; i++) {
        if (qp[i]->spool.len == q->spool.len
            && ngx_strncmp(qp[i]->spool.data, q->spool.data, q->spool.len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V %V\" has the spool \"%V\" of queue "
                               "\"%V\"", &cmd->name, &value[1], &q->spool,
                               &qp[i]->name);
            return NGX_CONF_ERROR;
        }
    }

    q->key = ngx_crc32_long(q->spool.data, q->spool.len);
    q->wake[0] = NGX_INVALID_FILE;
    q->wake[1] = NGX_INVALID_FILE;

    if (q->backend && ngx_http_security_report_wake_pipe(cf, q) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

#if (NGX_HTTP_SSL)

    /* the backend's certificate is verified: against ca=, or the system's */

    if (q->ssl) {
        q->ssl->log = cf->log;

        if (ngx_ssl_create(q->ssl, NGX_SSL_TLSv1_2|NGX_SSL_TLSv1_3, NULL)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            ngx_ssl_cleanup_ctx(q->ssl);
            return NGX_CONF_ERROR;
        }

        cln->handler = ngx_ssl_cleanup_ctx;
        cln->data = q->ssl;

        if (ca.len) {
            if (ngx_ssl_trusted_certificate(cf, q->ssl, &ca, 4) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

        } else if (SSL_CTX_set_default_verify_paths(q->ssl->ctx) != 1) {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                          "SSL_CTX_set_default_verify_paths() failed");
            return NGX_CONF_ERROR;
        }

    } else
#endif
    if (ca.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V %V\" has \"ca=\" but no https backend",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
        path = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
        if (path == NULL) {
            return NGX_CONF_ERROR;
        }

        len = q->spool.len + ngx_strlen(dirs[d]);

        p = ngx_pnalloc(cf->pool, len + 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_sprintf(p, "%V%s%Z", &q->spool, dirs[d]);

        path->name.data = p;
        path->name.len = len;
        path->conf_file = cf->conf_file->file.name.data;
        path->line = cf->conf_file->line;

        if (ngx_add_path(cf, &path) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    qp = ngx_array_push(&rmcf->queues);
    if (qp == NULL) {
        return NGX_CONF_ERROR;
    }

    *qp = q;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\" has an invalid parameter \"%V\"; the syntax "
                       "is NAME spool=DIR [backend=URL] [ca=FILE] "
                       "[webhook_secret=FILE] [retry_max=TIME] "
                       "[max_age=TIME] [timeout=TIME] [seal=FILE]",
                       &cmd->name,
                       &value[i]);
    return NGX_CONF_ERROR;
}


/* security_report [queue=NAME] [zone=NAME]; */

static char *
ngx_http_security_report(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_security_report_loc_conf_t *rlcf = conf;

    ngx_str_t                 *value;
    ngx_uint_t                 i;
    ngx_http_core_loc_conf_t  *clcf;

    if (rlcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "queue=", 6) == 0
            && value[i].len > 6)
        {
            rlcf->queue_name.data = value[i].data + 6;
            rlcf->queue_name.len = value[i].len - 6;
            continue;
        }

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0 && value[i].len > 5) {
            rlcf->zone_name.data = value[i].data + 5;
            rlcf->zone_name.len = value[i].len - 5;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" has an invalid parameter \"%V\"; the "
                           "syntax is security_report [queue=NAME] "
                           "[zone=NAME]", &cmd->name, &value[i]);
        return NGX_CONF_ERROR;
    }

    rlcf->enable = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_security_report_handler;

    return NGX_CONF_OK;
}


/*
 * security_report_token_age MIN MAX;  how long after the page was served
 * its form may be sent: not sooner (a bot posts at once), not later
 */

static char *
ngx_http_security_report_token_age(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_report_loc_conf_t *rlcf = conf;

    time_t      min, max;
    ngx_str_t  *value;

    if (rlcf->token_min != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    min = ngx_parse_time(&value[1], 1);
    max = ngx_parse_time(&value[2], 1);

    if (min == (time_t) NGX_ERROR || max == (time_t) NGX_ERROR
        || max <= min)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" values \"%V %V\" are invalid: two times "
                           "such as \"2s 4h\", the second longer",
                           &cmd->name, &value[1], &value[2]);
        return NGX_CONF_ERROR;
    }

    rlcf->token_min = min;
    rlcf->token_max = max;

    return NGX_CONF_OK;
}


/* security_report_scope REGEX; security_report_reject REGEX; */

static char *
ngx_http_security_report_regex(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    ngx_str_t                          *value;
    ngx_array_t                       **list;
    ngx_regex_compile_t                 rc;
    ngx_http_security_report_regex_t   *re, **one;
    u_char                              errstr[NGX_MAX_CONF_ERRSTR];

    value = cf->args->elts;

    if (cmd->offset == offsetof(ngx_http_security_report_loc_conf_t, scope)
        && ngx_strcmp(value[1].data, "off") == 0)
    {
        one = (ngx_http_security_report_regex_t **) (p + cmd->offset);

        if (*one != NGX_CONF_UNSET_PTR) {
            return "is duplicate";
        }

        *one = NULL;
        return NGX_CONF_OK;
    }

    ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

    rc.pattern = value[1];
    rc.pool = cf->pool;
    rc.err.len = NGX_MAX_CONF_ERRSTR;
    rc.err.data = errstr;

    if (ngx_regex_compile(&rc) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" regex \"%V\" is invalid: %V",
                           &cmd->name, &value[1], &rc.err);
        return NGX_CONF_ERROR;
    }

    if (cmd->offset == offsetof(ngx_http_security_report_loc_conf_t, scope)) {
        one = (ngx_http_security_report_regex_t **) (p + cmd->offset);

        if (*one != NGX_CONF_UNSET_PTR) {
            return "is duplicate";
        }

        re = ngx_palloc(cf->pool, sizeof(ngx_http_security_report_regex_t));
        if (re == NULL) {
            return NGX_CONF_ERROR;
        }

        *one = re;

    } else {
        list = (ngx_array_t **) (p + cmd->offset);

        if (*list == NGX_CONF_UNSET_PTR) {
            *list = ngx_array_create(cf->pool, 4,
                                   sizeof(ngx_http_security_report_regex_t));
            if (*list == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        re = ngx_array_push(*list);
        if (re == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    re->regex = rc.regex;
    re->pattern = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_http_security_report_page_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_security_report_loc_conf_t *rlcf = conf;

    ngx_str_t   *value;
    sc_str_t     unknown;

    if (rlcf->page.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_security_report_read_file(cf, &value[1], &rlcf->page,
                                           1024 * 1024)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (sc_template_check(rlcf->page.data, rlcf->page.len,
                          ngx_http_security_report_names, &unknown)
        != NULL)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" template \"%V\" uses an unknown "
                           "placeholder \"{{%*s}}\"", &cmd->name, &value[1],
                           unknown.len, unknown.data);
        return NGX_CONF_ERROR;
    }

    if (ngx_strnstr(rlcf->page.data, "{{token}}", rlcf->page.len) == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" template \"%V\" has no \"{{token}}\": the "
                           "form needs <input type=\"hidden\" "
                           "name=\"form_token\" value=\"{{token}}\">",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_security_report_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *out, size_t max)
{
    ssize_t          n;
    ngx_fd_t         fd;
    ngx_file_info_t  fi;

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", name);
        return NGX_ERROR;
    }

    out->data = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", name);
        goto failed;
    }

    if ((size_t) ngx_file_size(&fi) > max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is larger than %uz bytes", name, max);
        goto failed;
    }

    out->len = (size_t) ngx_file_size(&fi);

    out->data = ngx_pnalloc(cf->pool, out->len + 1);
    if (out->data == NULL) {
        goto failed;
    }

    n = ngx_read_fd(fd, out->data, out->len);

    if (n != (ssize_t) out->len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%V\" failed", name);
        goto failed;
    }

    out->data[out->len] = '\0';

    ngx_close_file(fd);

    return NGX_OK;

failed:

    ngx_close_file(fd);

    return NGX_ERROR;
}


/* ------------------------------------------------------------ status */

static char *
ngx_http_security_report_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_security_report_status_handler;

    return NGX_CONF_OK;
}


/*
 * The files in one spool directory, and the name that sorts first (ULIDs
 * sort by time: the oldest report).  Reading a directory blocks; this is
 * for an operator's scrape, not for every request.
 */

static ngx_int_t
ngx_http_security_report_count_dir(ngx_http_request_t *r, ngx_str_t *spool,
    const char *sub, ngx_uint_t *count, u_char *oldest)
{
    u_char     *path, *entry;
    size_t      len;
    ngx_str_t   name;
    ngx_dir_t   dir;

    path = ngx_pnalloc(r->pool, spool->len + ngx_strlen(sub) + 2);
    if (path == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(path, "%V/%s%Z", spool, sub);

    name.data = path;
    name.len = ngx_strlen(path);

    *count = 0;

    if (ngx_open_dir(&name, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      ngx_open_dir_n " \"%s\" failed", path);
        return NGX_ERROR;
    }

    for ( ;; ) {
        ngx_set_errno(0);

        if (ngx_read_dir(&dir) == NGX_ERROR) {
            break;
        }

        entry = ngx_de_name(&dir);
        len = ngx_de_namelen(&dir);

        if (entry[0] == '.') {
            continue;
        }

        (*count)++;

        if (oldest && len == SC_ULID_LEN && sc_ulid_valid(entry, len)
            && (oldest[0] == '\0'
                || ngx_memcmp(entry, oldest, SC_ULID_LEN) < 0))
        {
            ngx_memcpy(oldest, entry, SC_ULID_LEN);
        }
    }

    ngx_close_dir(&dir);

    return NGX_OK;
}


/*
 * security_report_status: Prometheus text format.  Counters come from
 * shared memory (all workers, kept across reloads); the spool is counted
 * when asked; security.txt's Expires and renewal are computed for each
 * server with security_txt on, as the file would show them now.
 */

static ngx_int_t
ngx_http_security_report_status_handler(ngx_http_request_t *r)
{
    u_char                                 *p, *q;
    size_t                                  len;
    time_t                                  now, boundary;
    ngx_int_t                               rc;
    ngx_str_t                               body, *name;
    ngx_pid_t                               pid;
    ngx_uint_t                              i, d, count;
    ngx_http_core_srv_conf_t              **cscfp;
    ngx_http_core_main_conf_t              *cmcf;
    ngx_http_security_txt_srv_conf_t       *stcf;
    ngx_http_security_report_queue_t      **queues;
    ngx_http_security_report_metrics_t     *m;
    ngx_http_security_report_main_conf_t   *rmcf;
    time_t                                 *ages;
    u_char                                  oldest[SC_ULID_LEN + 1];

    static ngx_str_t  type = ngx_string("text/plain; version=0.0.4");
    static char      *dirs[] = { "tmp", "new", "cur", "done", "dead" };

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rmcf = ngx_http_get_module_main_conf(r, ngx_http_security_report_module);
    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    queues = rmcf->queues.elts;
    cscfp = cmcf->servers.elts;
    m = rmcf->metrics;
    now = ngx_time();

    len = 4096 + rmcf->queues.nelts * 1024;

    for (i = 0; i < cmcf->servers.nelts; i++) {
        len += 256 + 2 * cscfp[i]->server_name.len;
    }

    body.data = ngx_pnalloc(r->pool, len);
    ages = ngx_palloc(r->pool, (rmcf->queues.nelts + 1) * sizeof(time_t));
    if (body.data == NULL || ages == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = body.data;

    if (m) {
        p = ngx_sprintf(p,
                "# HELP security_report_accepted_total Reports stored "
                "durably and acknowledged with 201.\n"
                "# TYPE security_report_accepted_total counter\n"
                "security_report_accepted_total %uA\n"
                "# HELP security_report_rejected_total Reports refused, "
                "by reason.\n"
                "# TYPE security_report_rejected_total counter\n",
                m->accepted);

        for (i = 0; ngx_http_security_report_reasons[i]; i++) {
            p = ngx_sprintf(p, "security_report_rejected_total{reason=\"%s\"}"
                            " %uA\n", ngx_http_security_report_reasons[i],
                            m->rejected[i]);
        }

        p = ngx_sprintf(p,
                "# HELP security_report_rate_limited_total Reports "
                "answered 429.\n"
                "# TYPE security_report_rate_limited_total counter\n"
                "security_report_rate_limited_total %uA\n"
                "# HELP security_report_not_stored_total Reports answered "
                "503: the spool could not take them.\n"
                "# TYPE security_report_not_stored_total counter\n"
                "security_report_not_stored_total %uA\n"
                "# HELP security_report_delivered_total Reports the "
                "backend took (2xx).\n"
                "# TYPE security_report_delivered_total counter\n"
                "security_report_delivered_total %uA\n"
                "# HELP security_report_delivery_failures_total Attempts "
                "that failed and will be retried.\n"
                "# TYPE security_report_delivery_failures_total counter\n"
                "security_report_delivery_failures_total %uA\n"
                "# HELP security_report_dead_total Reports given up on "
                "(moved to dead/).\n"
                "# TYPE security_report_dead_total counter\n"
                "security_report_dead_total %uA\n",
                m->rate_limited, m->not_stored, m->delivered, m->failed,
                m->dead);
    }

    p = ngx_sprintf(p,
            "# HELP security_report_spool_files Files in each spool "
            "directory.\n"
            "# TYPE security_report_spool_files gauge\n");

    for (i = 0; i < rmcf->queues.nelts; i++) {
        oldest[0] = '\0';

        for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
            if (ngx_http_security_report_count_dir(r, &queues[i]->spool,
                                                   dirs[d], &count,
                                                   d == 1 ? oldest : NULL)
                != NGX_OK)
            {
                continue;
            }

            p = ngx_sprintf(p, "security_report_spool_files{queue=\"%V\","
                            "dir=\"%s\"} %ui\n", &queues[i]->name, dirs[d],
                            count);
        }

        ages[i] = oldest[0] ? ngx_max(now - (time_t) (sc_ulid_time(oldest)
                                                      / 1000), 0)
                            : 0;
    }

    p = ngx_sprintf(p,
            "# HELP security_report_oldest_undelivered_seconds Age of the "
            "oldest report in new/ (0: none).\n"
            "# TYPE security_report_oldest_undelivered_seconds gauge\n");

    for (i = 0; i < rmcf->queues.nelts; i++) {
        p = ngx_sprintf(p, "security_report_oldest_undelivered_seconds"
                        "{queue=\"%V\"} %T\n", &queues[i]->name, ages[i]);
    }

    if (m) {
        p = ngx_sprintf(p,
                "# HELP security_report_delivery_owner_pid The process that "
                "delivers each queue with a backend (0: none yet).\n"
                "# TYPE security_report_delivery_owner_pid gauge\n");

        for (i = 0; i < rmcf->queues.nelts; i++) {
            if (queues[i]->backend == NULL) {
                continue;
            }

            pid = 0;

            for (d = 0; d < NGX_HTTP_SECURITY_REPORT_OWNERS; d++) {
                if (m->owners[d].pid && m->owners[d].key == queues[i]->key) {
                    pid = m->owners[d].pid;
                    break;
                }
            }

            p = ngx_sprintf(p, "security_report_delivery_owner_pid"
                            "{queue=\"%V\"} %P\n", &queues[i]->name, pid);
        }
    }

    p = ngx_sprintf(p,
            "# HELP security_txt_expires_timestamp_seconds The Expires "
            "security.txt shows now, per server.\n"
            "# TYPE security_txt_expires_timestamp_seconds gauge\n"
            "# HELP security_txt_last_renewal_timestamp_seconds The "
            "renewal boundary security.txt was last renewed at.\n"
            "# TYPE security_txt_last_renewal_timestamp_seconds gauge\n");

    for (i = 0; i < cmcf->servers.nelts; i++) {
        stcf = cscfp[i]->ctx->srv_conf[ngx_http_security_contact_module
                                       .ctx_index];

        if (!stcf->enable) {
            continue;
        }

        name = &cscfp[i]->server_name;

        /* a label value: backslash and quote escaped */

        q = ngx_pnalloc(r->pool, 2 * name->len + 1);
        if (q == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        len = 0;

        for (d = 0; d < name->len; d++) {
            if (name->data[d] == '"' || name->data[d] == '\\') {
                q[len++] = '\\';
            }

            q[len++] = name->data[d];
        }

        boundary = sc_renewal_boundary(now, stcf->renew);

        p = ngx_sprintf(p, "security_txt_expires_timestamp_seconds"
                        "{server=\"%*s\"} %T\n"
                        "security_txt_last_renewal_timestamp_seconds"
                        "{server=\"%*s\"} %T\n",
                        len, q, ngx_http_security_txt_expires(stcf, boundary),
                        len, q, ngx_max(boundary, stcf->loaded));
    }

    body.len = p - body.data;

    return ngx_http_security_report_send(r, NGX_HTTP_OK, &type, &body);
}


/* ------------------------------------------------------------ delivery */

/*
 * Delivery to the backend runs in the worker processes (or the single
 * process), on their event loops, as nginx's OCSP stapling client does.
 * One worker at a time delivers a queue: the one whose pid is in the
 * queue's slot in shared memory.  Every worker looks at the slot each
 * second and takes it when it is free (at start, or let go by a worker
 * that exits after a reload), when its holder is gone (kill -9), or when
 * the holder has not renewed it within a lease (a worker stuck that long).
 *
 * The worker that accepts a report writes its id to the queue's pipe once
 * the report is in new/; the delivering worker reads it and sends at once.
 * It also lists new/ every second, and more often while there is a
 * backlog.  A report is claimed by renaming it into cur/, sent as a
 * Standard Webhooks POST, and moved to done/ on a 2xx, back to new/ with a
 * later modification time (when to try again) otherwise, or to dead/ once
 * it is older than max_age.  A worker that takes a queue over first moves
 * every claim in cur/ back to new/: nobody else is sending them.  Then,
 * every 5 seconds, any claim older than a lease goes back too.  Delivery
 * is at least once, with the same webhook-id every time.
 */

/* new/ is listed this often when empty, and when all in it waits */
#define NGX_HTTP_SECURITY_REPORT_IDLE    1000
#define NGX_HTTP_SECURITY_REPORT_WAIT    500
#define NGX_HTTP_SECURITY_REPORT_BATCH   256

/* the workers that do not deliver a queue look at its slot this often */
#define NGX_HTTP_SECURITY_REPORT_WATCH   1000

/* ids read from the pipe and not yet sent; more are found by listing */
#define NGX_HTTP_SECURITY_REPORT_FRESH   256

/*
 * the delivering worker's lease, renewed each time it looks at the queue,
 * and the age of a claim in cur/ that is taken back: this or three
 * timeouts, whichever is longer, so that an attempt under way is never
 * taken for an abandoned one
 */
#define NGX_HTTP_SECURITY_REPORT_LEASE   30


static ngx_int_t ngx_http_security_report_own(
    ngx_http_security_report_queue_t *q);
static void ngx_http_security_report_release(
    ngx_http_security_report_queue_t *q);
static ngx_int_t ngx_http_security_report_listen(
    ngx_http_security_report_queue_t *q);
static void ngx_http_security_report_unlisten(
    ngx_http_security_report_queue_t *q);
static void ngx_http_security_report_wake(ngx_event_t *rev);
static ngx_int_t ngx_http_security_report_scan(
    ngx_http_security_report_queue_t *q, ngx_uint_t what);
static void ngx_http_security_report_pause(
    ngx_http_security_report_queue_t *q, const char *what);
static ngx_int_t ngx_http_security_report_send_one(
    ngx_http_security_report_queue_t *q, u_char *id);
static void ngx_http_security_report_peer_write(ngx_event_t *wev);
#if (NGX_HTTP_SSL)
static void ngx_http_security_report_peer_connected(ngx_event_t *ev);
static void ngx_http_security_report_peer_handshake(ngx_connection_t *c);
static ngx_uint_t ngx_http_security_report_host_is_ip(u_char *host);
#endif
static void ngx_http_security_report_peer_read(ngx_event_t *rev);
static void ngx_http_security_report_done(
    ngx_http_security_report_delivery_t *dl, ngx_uint_t status,
    int64_t retry_after, const char *why);
static ngx_int_t ngx_http_security_report_move(
    ngx_http_security_report_queue_t *q, u_char *id, const char *from,
    const char *to, time_t mtime);
static void ngx_http_security_report_hold(
    ngx_http_security_report_queue_t *q, u_char *id, time_t mtime);
static ngx_http_security_report_attempts_t *
    ngx_http_security_report_attempts(ngx_http_security_report_queue_t *q,
    u_char *id, ngx_uint_t create);
static void ngx_http_security_report_forget(
    ngx_http_security_report_queue_t *q, u_char *id);
static void ngx_http_security_report_count_dead(void);


static time_t
ngx_http_security_report_lease(ngx_http_security_report_queue_t *q)
{
    return ngx_max((time_t) (3 * q->timeout / 1000),
                   NGX_HTTP_SECURITY_REPORT_LEASE);
}


/* what ngx_http_security_report_scan() does */
#define NGX_HTTP_SECURITY_REPORT_NEW     0    /* the due ids in new/ */
#define NGX_HTTP_SECURITY_REPORT_STALE   1    /* old claims back to new/ */
#define NGX_HTTP_SECURITY_REPORT_CLAIMS  2    /* all claims back to new/ */


static void
ngx_http_security_report_secret_cleanup(void *data)
{
    sc_webhook_secret_t  *secret = data;

    sc_webhook_secret_wipe(secret);
    sodium_free(secret);
}


static ngx_http_security_report_main_conf_t *
ngx_http_security_report_cycle_conf(ngx_cycle_t *cycle)
{
    ngx_http_conf_ctx_t  *ctx;

    ctx = (ngx_http_conf_ctx_t *) cycle->conf_ctx[ngx_http_module.index];

    if (ctx == NULL) {
        return NULL;
    }

    return ctx->main_conf[ngx_http_security_report_module.ctx_index];
}


static ngx_int_t
ngx_http_security_report_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                              i;
    ngx_http_security_report_queue_t      **queues, *q;
    ngx_http_security_report_main_conf_t   *rmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    rmcf = ngx_http_security_report_cycle_conf(cycle);

    if (rmcf == NULL || rmcf->metrics == NULL) {
        return NGX_OK;
    }

    queues = rmcf->queues.elts;

    for (i = 0; i < rmcf->queues.nelts; i++) {
        q = queues[i];

        if (q->backend == NULL) {
            continue;
        }

        q->log = cycle->log;

        ngx_rbtree_init(&q->attempts, &q->sentinel,
                        ngx_str_rbtree_insert_value);

        q->fresh = ngx_palloc(cycle->pool,
                              NGX_HTTP_SECURITY_REPORT_FRESH * SC_ULID_LEN);
        if (q->fresh == NULL) {
            return NGX_ERROR;
        }

        q->timer.handler = ngx_http_security_report_deliver;
        q->timer.data = q;
        q->timer.log = cycle->log;
        q->timer.cancelable = 1;

        /* the workers do not all look at the same moment */

        ngx_add_timer(&q->timer, ngx_worker * 10);
    }

    return NGX_OK;
}


/* a worker that exits lets go of its queues: another takes them at once */

static void
ngx_http_security_report_exit_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                              i;
    ngx_http_security_report_queue_t      **queues;
    ngx_http_security_report_main_conf_t   *rmcf;

    rmcf = ngx_http_security_report_cycle_conf(cycle);

    if (rmcf == NULL || rmcf->metrics == NULL) {
        return;
    }

    queues = rmcf->queues.elts;

    for (i = 0; i < rmcf->queues.nelts; i++) {
        if (queues[i]->owner) {
            ngx_http_security_report_release(queues[i]);
        }
    }
}


/*
 * Whether this worker delivers the queue.  NGX_OK: it does, and has
 * renewed its lease; NGX_DONE: it has just taken the queue; NGX_DECLINED:
 * another worker delivers it.
 */

static ngx_int_t
ngx_http_security_report_own(ngx_http_security_report_queue_t *q)
{
    time_t                                 now;
    ngx_int_t                              rc;
    ngx_err_t                              err;
    ngx_pid_t                              was;
    ngx_uint_t                             i, level;
    const char                            *why;
    ngx_slab_pool_t                       *shpool;
    ngx_http_security_report_owner_t      *o, *slots, *spare;
    ngx_http_security_report_main_conf_t  *rmcf;

    rmcf = ngx_http_security_report_cycle_conf((ngx_cycle_t *) ngx_cycle);

    shpool = (ngx_slab_pool_t *) rmcf->metrics_zone->shm.addr;
    slots = rmcf->metrics->owners;
    now = ngx_time();

    o = NULL;
    spare = NULL;
    why = NULL;
    was = 0;
    level = NGX_LOG_NOTICE;
    rc = NGX_DECLINED;

    ngx_shmtx_lock(&shpool->mutex);

    for (i = 0; i < NGX_HTTP_SECURITY_REPORT_OWNERS; i++) {
        if (slots[i].pid == 0) {
            if (spare == NULL) {
                spare = &slots[i];
            }

            continue;
        }

        if (slots[i].key == q->key) {
            o = &slots[i];
            break;
        }
    }

    if (o == NULL) {

        /* the first worker to look, or the last holder let go */

        o = spare;

        if (o == NULL) {

            /* every slot is held: one may be a killed or stuck worker's */

            for (i = 0; i < NGX_HTTP_SECURITY_REPORT_OWNERS; i++) {
                if (slots[i].lease < now
                    || (kill(slots[i].pid, 0) == -1 && ngx_errno == NGX_ESRCH))
                {
                    o = &slots[i];
                    break;
                }
            }
        }

        if (o) {
            o->key = q->key;
            o->pid = 0;
        }
    }

    if (o == NULL) {
        ngx_shmtx_unlock(&shpool->mutex);

        /* only while the workers of a previous configuration exit */

        ngx_log_error(NGX_LOG_WARN, q->log, 0,
                      "no slot in \"security_report_metrics\" for queue "
                      "\"%V\" yet: it is not delivered", &q->name);
        return NGX_DECLINED;
    }

    if (o->pid == ngx_pid) {
        rc = q->owner ? NGX_OK : NGX_DONE;

    } else if (o->pid == 0) {
        rc = NGX_DONE;

    } else {
        was = o->pid;

        err = (kill(was, 0) == -1) ? ngx_errno : 0;

        if (err == NGX_ESRCH) {
            why = "exited without letting go";
            level = NGX_LOG_NOTICE;
            rc = NGX_DONE;

        } else if (o->lease < now) {

            /* stuck, or its pid now another user's process's (EPERM) */

            why = "did not renew its lease";
            level = NGX_LOG_WARN;
            rc = NGX_DONE;
        }
    }

    if (rc != NGX_DECLINED) {
        o->pid = ngx_pid;
        o->lease = now + ngx_http_security_report_lease(q);
    }

    ngx_shmtx_unlock(&shpool->mutex);

    if (rc == NGX_DONE) {
        if (why) {
            ngx_log_error(level, q->log, 0,
                          "security report queue \"%V\" is delivered by "
                          "this process now: process %P %s", &q->name, was,
                          why);
        } else {
            ngx_log_error(NGX_LOG_NOTICE, q->log, 0,
                          "security report queue \"%V\" is delivered by "
                          "this process now", &q->name);
        }
    }

    return rc;
}


static void
ngx_http_security_report_release(ngx_http_security_report_queue_t *q)
{
    ngx_uint_t                             i;
    ngx_slab_pool_t                       *shpool;
    ngx_http_security_report_owner_t      *slots;
    ngx_http_security_report_main_conf_t  *rmcf;

    ngx_http_security_report_unlisten(q);
    q->owner = 0;

    rmcf = ngx_http_security_report_cycle_conf((ngx_cycle_t *) ngx_cycle);

    shpool = (ngx_slab_pool_t *) rmcf->metrics_zone->shm.addr;
    slots = rmcf->metrics->owners;

    ngx_shmtx_lock(&shpool->mutex);

    for (i = 0; i < NGX_HTTP_SECURITY_REPORT_OWNERS; i++) {
        if (slots[i].key == q->key && slots[i].pid == ngx_pid) {
            slots[i].pid = 0;
        }
    }

    ngx_shmtx_unlock(&shpool->mutex);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, q->log, 0,
                   "security report queue \"%V\" let go", &q->name);
}


/* the delivering worker reads the queue's pipe, as nginx reads channels */

static ngx_int_t
ngx_http_security_report_listen(ngx_http_security_report_queue_t *q)
{
    ngx_event_t       *rev;
    ngx_connection_t  *c;

    if (q->waker || q->wake[0] == NGX_INVALID_FILE) {
        return NGX_OK;
    }

    c = ngx_get_connection(q->wake[0], q->log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = q;

    rev = c->read;
    rev->log = q->log;
    c->write->log = q->log;

    /* not a client connection: left alone by shutdown and its checks */

    rev->channel = 1;
    c->write->channel = 1;

    rev->handler = ngx_http_security_report_wake;

    if (ngx_add_conn && (ngx_event_flags & NGX_USE_EPOLL_EVENT) == 0) {
        if (ngx_add_conn(c) == NGX_ERROR) {
            ngx_free_connection(c);
            return NGX_ERROR;
        }

    } else if (ngx_add_event(rev, NGX_READ_EVENT, 0) == NGX_ERROR) {
        ngx_free_connection(c);
        return NGX_ERROR;
    }

    q->waker = c;

    return NGX_OK;
}


/* the pipe stays open: this worker may deliver the queue again */

static void
ngx_http_security_report_unlisten(ngx_http_security_report_queue_t *q)
{
    ngx_connection_t  *c;

    c = q->waker;

    if (c == NULL) {
        return;
    }

    q->waker = NULL;

    if (ngx_del_conn && (ngx_event_flags & NGX_USE_EPOLL_EVENT) == 0) {
        (void) ngx_del_conn(c, 0);

    } else if (c->read->active || c->read->disabled) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    ngx_free_connection(c);

    c->fd = (ngx_socket_t) -1;
}


static void
ngx_http_security_report_wake(ngx_event_t *rev)
{
    u_char                            *p, *id;
    ssize_t                            n;
    ngx_err_t                          err;
    ngx_connection_t                  *c;
    ngx_http_security_report_queue_t  *q;
    u_char                             buf[64 * SC_ULID_LEN];

    c = rev->data;
    q = c->data;

    /* each write is one id, and a pipe does not split writes this short */

    for ( ;; ) {
        n = read(c->fd, buf, sizeof(buf));

        if (n == -1) {
            err = ngx_errno;

            if (err == NGX_EINTR) {
                continue;
            }

            if (err != NGX_EAGAIN) {
                ngx_log_error(NGX_LOG_ALERT, q->log, err,
                              "read() of the pipe of security report queue "
                              "\"%V\" failed", &q->name);
                ngx_http_security_report_unlisten(q);
            }

            break;
        }

        if (n == 0) {
            break;
        }

        for (p = buf; p + SC_ULID_LEN <= buf + n; p += SC_ULID_LEN) {

            /* when full, new/ is listed: the report is there */

            if (q->nfresh == NGX_HTTP_SECURITY_REPORT_FRESH
                || !sc_ulid_valid(p, SC_ULID_LEN))
            {
                continue;
            }

            id = q->fresh + ((q->first + q->nfresh)
                             % NGX_HTTP_SECURITY_REPORT_FRESH) * SC_ULID_LEN;
            ngx_memcpy(id, p, SC_ULID_LEN);
            q->nfresh++;
        }
    }

    if (q->delivery || !q->owner || q->paused > ngx_time() || ngx_exiting) {
        return;
    }

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    ngx_http_security_report_deliver(&q->timer);
}


/* the ids in new/ that are due, oldest first; or claims in cur/ */

static int ngx_libc_cdecl
ngx_http_security_report_cmp(const void *a, const void *b)
{
    return ngx_memcmp(a, b, SC_ULID_LEN);
}


static ngx_int_t
ngx_http_security_report_scan(ngx_http_security_report_queue_t *q,
    ngx_uint_t what)
{
    u_char           *entry, *id;
    time_t            now, lease;
    ngx_str_t         path;
    ngx_dir_t         dir;
    ngx_pool_t       *pool;
    ngx_array_t      *batch;
    ngx_file_info_t   fi;
    const char       *sub;
    u_char            name[NGX_MAX_PATH];

    now = ngx_time();
    lease = ngx_http_security_report_lease(q);
    sub = (what == NGX_HTTP_SECURITY_REPORT_NEW) ? "new" : "cur";

    /* the last batch is used up, whatever this listing gives */

    if (what == NGX_HTTP_SECURITY_REPORT_NEW) {
        if (q->batch_pool) {
            ngx_destroy_pool(q->batch_pool);
            q->batch_pool = NULL;
        }

        q->batch = NULL;
        q->next = 0;
    }

    path.data = name;
    path.len = ngx_snprintf(name, sizeof(name) - 1, "%V/%s", &q->spool, sub)
               - name;
    name[path.len] = '\0';

    if (ngx_open_dir(&path, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, q->log, ngx_errno,
                      ngx_open_dir_n " \"%V\" failed", &path);
        return NGX_ERROR;
    }

    batch = NULL;
    pool = NULL;

    if (what == NGX_HTTP_SECURITY_REPORT_NEW) {
        pool = ngx_create_pool(4096, q->log);
        if (pool == NULL) {
            ngx_close_dir(&dir);
            return NGX_ERROR;
        }

        batch = ngx_array_create(pool, 64, SC_ULID_LEN);
        if (batch == NULL) {
            ngx_destroy_pool(pool);
            ngx_close_dir(&dir);
            return NGX_ERROR;
        }
    }

    for ( ;; ) {
        ngx_set_errno(0);

        if (ngx_read_dir(&dir) == NGX_ERROR) {
            break;
        }

        entry = ngx_de_name(&dir);

        if (ngx_de_namelen(&dir) != SC_ULID_LEN
            || !sc_ulid_valid(entry, SC_ULID_LEN))
        {
            continue;
        }

        if (what == NGX_HTTP_SECURITY_REPORT_CLAIMS) {

            /* taken over: nobody is sending what is in cur/ */

            (void) ngx_http_security_report_move(q, entry, "cur", "new", now);
            continue;
        }

        ngx_sprintf(name, "%V/%s/%*s%Z", &q->spool, sub,
                    (size_t) SC_ULID_LEN, entry);

        if (ngx_file_info(name, &fi) == NGX_FILE_ERROR) {
            continue;
        }

        if (what == NGX_HTTP_SECURITY_REPORT_STALE) {

            /* older than any attempt takes: abandoned */

            if (now - ngx_file_mtime(&fi) > lease
                && (q->delivery == NULL
                    || ngx_memcmp(q->delivery->id, entry, SC_ULID_LEN) != 0))
            {
                (void) ngx_http_security_report_move(q, entry, "cur", "new",
                                                     now);
            }

            continue;
        }

        q->pending++;

        /* not before its time: the modification time says when */

        if (ngx_file_mtime(&fi) > now) {
            continue;
        }

        id = ngx_array_push(batch);
        if (id == NULL) {
            break;
        }

        ngx_memcpy(id, entry, SC_ULID_LEN);
    }

    ngx_close_dir(&dir);

    if (batch == NULL) {
        return NGX_OK;
    }

    ngx_qsort(batch->elts, batch->nelts, SC_ULID_LEN,
              ngx_http_security_report_cmp);

    if (batch->nelts > NGX_HTTP_SECURITY_REPORT_BATCH) {
        batch->nelts = NGX_HTTP_SECURITY_REPORT_BATCH;
    }

    q->batch_pool = pool;
    q->batch = batch;

    return NGX_OK;
}


static void
ngx_http_security_report_deliver(ngx_event_t *ev)
{
    ngx_http_security_report_queue_t  *q = ev->data;

    time_t      now;
    ngx_int_t   rc;
    ngx_uint_t  listed;
    u_char      id[SC_ULID_LEN];

    if (ngx_exiting || ngx_terminate || ngx_quit) {

        /* an attempt under way lets go when it ends */

        if (q->owner && q->delivery == NULL) {
            ngx_http_security_report_release(q);
        }

        return;
    }

    if (q->delivery) {
        return;
    }

    rc = ngx_http_security_report_own(q);

    if (rc == NGX_DECLINED) {
        if (q->owner) {
            ngx_log_error(NGX_LOG_WARN, q->log, 0,
                          "security report queue \"%V\" was taken over by "
                          "another process", &q->name);
            ngx_http_security_report_unlisten(q);
            q->owner = 0;
        }

        ngx_add_timer(&q->timer, NGX_HTTP_SECURITY_REPORT_WATCH);
        return;
    }

    now = ngx_time();

    if (rc == NGX_DONE) {
        q->owner = 1;
        q->batch = NULL;

        if (ngx_http_security_report_listen(q) != NGX_OK) {
            ngx_log_error(NGX_LOG_ALERT, q->log, 0,
                          "security report queue \"%V\": new reports are "
                          "found by listing new/ only", &q->name);
        }

        ngx_http_security_report_scan(q, NGX_HTTP_SECURITY_REPORT_CLAIMS);
        q->requeued = now;

    } else if (q->paused > now) {

        /* the lease is renewed all the same */

        ngx_add_timer(&q->timer, NGX_HTTP_SECURITY_REPORT_WATCH);
        return;

    } else if (now - q->requeued >= 5) {
        ngx_http_security_report_scan(q, NGX_HTTP_SECURITY_REPORT_STALE);
        q->requeued = now;
    }

    listed = 0;

    for ( ;; ) {

        /* reports just accepted first, then what listing new/ found */

        if (q->nfresh) {
            ngx_memcpy(id, q->fresh + q->first * SC_ULID_LEN, SC_ULID_LEN);
            q->first = (q->first + 1) % NGX_HTTP_SECURITY_REPORT_FRESH;
            q->nfresh--;

        } else {
            if (q->batch == NULL || q->next >= q->batch->nelts) {

                /* listed once per run: none of its reports could be sent */

                if (listed) {
                    ngx_add_timer(&q->timer, NGX_HTTP_SECURITY_REPORT_WAIT);
                    return;
                }

                listed = 1;
                q->pending = 0;

                if (ngx_http_security_report_scan(q,
                                                  NGX_HTTP_SECURITY_REPORT_NEW)
                    != NGX_OK)
                {
                    ngx_http_security_report_pause(q, "read");
                    return;
                }

                if (q->batch == NULL || q->batch->nelts == 0) {

                    /* reports wait for their time: look more often */

                    ngx_add_timer(&q->timer,
                                  q->pending ? NGX_HTTP_SECURITY_REPORT_WAIT
                                             : NGX_HTTP_SECURITY_REPORT_IDLE);
                    return;
                }
            }

            ngx_memcpy(id, (u_char *) q->batch->elts
                           + q->next++ * SC_ULID_LEN, SC_ULID_LEN);
        }

        rc = ngx_http_security_report_send_one(q, id);

        if (rc == NGX_OK) {
            return;
        }

        if (rc == NGX_ERROR) {
            ngx_http_security_report_pause(q, "written");
            return;
        }
    }
}


/* the spool cannot be used: logged, and tried again after retry_max */

static void
ngx_http_security_report_pause(ngx_http_security_report_queue_t *q,
    const char *what)
{
    ngx_log_error(NGX_LOG_CRIT, q->log, 0,
                  "security report queue \"%V\" pauses for %T s: its spool "
                  "\"%V\" cannot be %s", &q->name, q->retry_max, &q->spool,
                  what);

    q->paused = ngx_time() + q->retry_max;
    ngx_add_timer(&q->timer, NGX_HTTP_SECURITY_REPORT_WATCH);
}


/*
 * Claims one report and starts sending it.  NGX_OK: an attempt is under
 * way; NGX_DECLINED: nothing was sent (gone, dead, or put back for
 * later), try the next; NGX_ERROR: the spool cannot be written.
 */

static ngx_int_t
ngx_http_security_report_send_one(ngx_http_security_report_queue_t *q,
    u_char *id)
{
    u_char                               *p, *body;
    size_t                                blen, plen, rlen;
    ssize_t                               n;
    time_t                                now;
    ngx_fd_t                              fd;
    ngx_int_t                             rc;
    ngx_str_t                             host;
    ngx_pool_t                           *pool;
    ngx_file_info_t                       fi;
    ngx_connection_t                     *c;
    ngx_http_security_report_delivery_t  *dl;
    u_char                                sig[SC_WEBHOOK_SIG_MAX];
    u_char                                path[NGX_MAX_PATH];

    if (!sc_ulid_valid(id, SC_ULID_LEN)) {
        return NGX_DECLINED;
    }

    now = ngx_time();

    if ((time_t) (sc_ulid_time(id) / 1000) + q->max_age < now) {
        rc = ngx_http_security_report_move(q, id, "new", "dead", 0);

        if (rc == NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, q->log, 0,
                          "security report %*s of queue \"%V\" is older "
                          "than max_age and was not delivered: moved to "
                          "dead/", (size_t) SC_ULID_LEN, id, &q->name);
            ngx_http_security_report_count_dead();
            ngx_http_security_report_forget(q, id);
        }

        return (rc == NGX_ERROR) ? NGX_ERROR : NGX_DECLINED;
    }

    /*
     * a report listed and also read from the pipe may have been tried
     * since, and wait for a later time
     */

    ngx_sprintf(path, "%V/new/%*s%Z", &q->spool, (size_t) SC_ULID_LEN, id);

    if (ngx_file_info(path, &fi) == NGX_FILE_ERROR
        || ngx_file_mtime(&fi) > now)
    {
        return NGX_DECLINED;
    }

    rc = ngx_http_security_report_move(q, id, "new", "cur", now);

    if (rc != NGX_OK) {
        return rc;
    }

    ngx_sprintf(path, "%V/cur/%*s%Z", &q->spool, (size_t) SC_ULID_LEN, id);

    pool = ngx_create_pool(4096, q->log);
    if (pool == NULL) {
        goto failed;
    }

    dl = ngx_pcalloc(pool, sizeof(ngx_http_security_report_delivery_t));
    if (dl == NULL) {
        goto failed;
    }

    dl->queue = q;
    dl->pool = pool;
    ngx_memcpy(dl->id, id, SC_ULID_LEN);

    /* a spool record is small, and was just written: read where it lies */

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, q->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", path);
        goto failed;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, q->log, ngx_errno,
                      ngx_fd_info_n " \"%s\" failed", path);
        ngx_close_file(fd);
        goto failed;
    }

    blen = (size_t) ngx_file_size(&fi);

    body = ngx_pnalloc(pool, blen + 1);
    if (body == NULL) {
        ngx_close_file(fd);
        goto failed;
    }

    n = ngx_read_fd(fd, body, blen);

    if (n != (ssize_t) blen) {
        ngx_log_error(NGX_LOG_CRIT, q->log, ngx_errno,
                      ngx_read_fd_n " \"%s\" read %z of %uz bytes", path,
                      n, blen);
        ngx_close_file(fd);
        goto failed;
    }

    ngx_close_file(fd);

    /* the record's JSON ends in LF; the payload holds it without */

    if (!q->sealed && blen && body[blen - 1] == '\n') {
        blen--;
    }

    plen = sc_webhook_payload_len(body, blen, (int) q->sealed);

    p = ngx_pnalloc(pool, plen);
    if (p == NULL) {
        goto failed;
    }

    plen = sc_webhook_payload(p, body, blen, (int) q->sealed, now);
    body = p;

    rlen = 0;

    if (q->secret) {
        rlen = sc_webhook_sign(sig, q->secret, id, SC_ULID_LEN,
                               (uint64_t) now, body, plen);

        /* never unsigned when a secret is set */

        if (rlen == 0) {
            ngx_log_error(NGX_LOG_ALERT, q->log, 0,
                          "security report %*s: signing failed",
                          (size_t) SC_ULID_LEN, id);
            goto failed;
        }
    }

    host = q->backend->host;

    dl->host = ngx_pnalloc(pool, host.len + 1);
    if (dl->host == NULL) {
        goto failed;
    }

    ngx_sprintf(dl->host, "%V%Z", &host);

    if (q->backend->port != q->backend->default_port) {
        p = ngx_pnalloc(pool, host.len + 1 + NGX_INT_T_LEN);
        if (p == NULL) {
            goto failed;
        }

        host.len = ngx_sprintf(p, "%V:%d", &q->backend->host,
                               (int) q->backend->port) - p;
        host.data = p;
    }

    dl->request = ngx_create_temp_buf(pool,
                      sc_webhook_request_len(q->backend->uri.len, host.len,
                                             SC_ULID_LEN, (uint64_t) now,
                                             rlen, plen));
    if (dl->request == NULL) {
        goto failed;
    }

    dl->request->last += sc_webhook_request(dl->request->pos,
                                            q->backend->uri.data,
                                            q->backend->uri.len,
                                            host.data, host.len, id,
                                            SC_ULID_LEN, (uint64_t) now,
                                            sig, rlen, body, plen);

    sc_http_response_init(&dl->response);

    /* a name with several addresses: the next one after a failure */

    dl->peer.sockaddr = q->backend->addrs[q->addr].sockaddr;
    dl->peer.socklen = q->backend->addrs[q->addr].socklen;
    dl->peer.name = &q->backend->addrs[q->addr].name;
    dl->peer.get = ngx_event_get_peer;
    dl->peer.log = q->log;
    dl->peer.log_error = NGX_ERROR_ERR;

    q->delivery = dl;

    rc = ngx_event_connect_peer(&dl->peer);

    if (rc == NGX_ERROR || rc == NGX_BUSY || rc == NGX_DECLINED) {
        ngx_http_security_report_done(dl, 0, -1, "cannot connect");
        return NGX_OK;
    }

    c = dl->peer.connection;
    c->data = dl;
    c->pool = pool;
    c->log = q->log;
    c->read->log = q->log;
    c->write->log = q->log;

    c->write->handler = ngx_http_security_report_peer_write;
    c->read->handler = ngx_http_security_report_peer_read;

#if (NGX_HTTP_SSL)
    if (q->ssl) {
        c->write->handler = ngx_http_security_report_peer_connected;
        c->read->handler = ngx_http_security_report_peer_connected;
    }
#endif

    ngx_add_timer(c->write, q->timeout);
    ngx_add_timer(c->read, q->timeout);

    if (rc == NGX_OK) {
        c->write->handler(c->write);
    }

    return NGX_OK;

failed:

    if (pool) {
        ngx_destroy_pool(pool);
    }

    (void) ngx_http_security_report_move(q, id, "cur", "new",
                                         now + q->retry_max);

    return NGX_DECLINED;
}


#if (NGX_HTTP_SSL)

/* connected to an https backend: the handshake, with SNI */

static void
ngx_http_security_report_peer_connected(ngx_event_t *ev)
{
    ngx_int_t                             rc;
    ngx_connection_t                     *c;
    ngx_http_security_report_queue_t     *q;
    ngx_http_security_report_delivery_t  *dl;

    c = ev->data;
    dl = c->data;
    q = dl->queue;

    if (c->close) {
        ngx_http_security_report_done(dl, 0, -1, "worker shutting down");
        return;
    }

    if (ev->timedout) {
        ngx_http_security_report_done(dl, 0, -1, "timed out connecting");
        return;
    }

    if (ngx_ssl_create_connection(q->ssl, c, NGX_SSL_BUFFER|NGX_SSL_CLIENT)
        != NGX_OK)
    {
        ngx_http_security_report_done(dl, 0, -1, "cannot start TLS");
        return;
    }

    /* SNI carries host names only, never an address (RFC 6066) */

    if (!ngx_http_security_report_host_is_ip(dl->host)
        && SSL_set_tlsext_host_name(c->ssl->connection,
                                    (char *) dl->host) == 0)
    {
        ngx_http_security_report_done(dl, 0, -1, "cannot set SNI");
        return;
    }

    rc = ngx_ssl_handshake(c);

    if (rc == NGX_AGAIN) {
        c->ssl->handler = ngx_http_security_report_peer_handshake;
        return;
    }

    ngx_http_security_report_peer_handshake(c);
}


static ngx_uint_t
ngx_http_security_report_host_is_ip(u_char *host)
{
    size_t  len;

    len = ngx_strlen(host);

    return host[0] == '[' || ngx_inet_addr(host, len) != INADDR_NONE;
}


static void
ngx_http_security_report_peer_handshake(ngx_connection_t *c)
{
    long                                  rc;
    u_char                               *ip;
    X509                                 *cert;
    ngx_str_t                             name;
    ngx_http_security_report_delivery_t  *dl;

    dl = c->data;

    if (c->close) {
        ngx_http_security_report_done(dl, 0, -1, "worker shutting down");
        return;
    }

    if (!c->ssl->handshaked) {
        ngx_http_security_report_done(dl, 0, -1,
                                      c->write->timedout || c->read->timedout
                                      ? "timed out in the TLS handshake"
                                      : "TLS handshake failed");
        return;
    }

    rc = SSL_get_verify_result(c->ssl->connection);

    if (rc != X509_V_OK) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "the certificate of backend \"%V\" is not trusted: "
                      "(%l: %s); set ca= to the CA that issued it",
                      &dl->queue->backend->url, rc,
                      X509_verify_cert_error_string(rc));
        ngx_http_security_report_done(dl, 0, -1, "certificate not trusted");
        return;
    }

    name.data = dl->host;
    name.len = ngx_strlen(dl->host);

    if (ngx_http_security_report_host_is_ip(dl->host)) {

        /* an address is checked against the certificate's IP names */

        cert = SSL_get_peer_certificate(c->ssl->connection);

        /* without the brackets of an IPv6 literal, NUL-terminated */

        ip = ngx_pnalloc(c->pool, name.len + 1);

        if (ip) {
            if (name.data[0] == '[' && name.len > 2) {
                ngx_memcpy(ip, name.data + 1, name.len - 2);
                ip[name.len - 2] = '\0';

            } else {
                ngx_memcpy(ip, name.data, name.len);
                ip[name.len] = '\0';
            }
        }

        rc = (cert && ip && X509_check_ip_asc(cert, (char *) ip, 0) == 1);

        if (cert) {
            X509_free(cert);
        }

        if (!rc) {
            ngx_log_error(NGX_LOG_ERR, c->log, 0,
                          "the certificate of backend \"%V\" is not for "
                          "\"%V\"", &dl->queue->backend->url, &name);
            ngx_http_security_report_done(dl, 0, -1,
                                          "certificate for another address");
            return;
        }

    } else if (ngx_ssl_check_host(c, &name) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "the certificate of backend \"%V\" is not for "
                      "\"%V\"", &dl->queue->backend->url, &name);
        ngx_http_security_report_done(dl, 0, -1,
                                      "certificate for another name");
        return;
    }

    c->write->handler = ngx_http_security_report_peer_write;
    c->read->handler = ngx_http_security_report_peer_read;

    ngx_http_security_report_peer_write(c->write);
}

#endif


static void
ngx_http_security_report_peer_write(ngx_event_t *wev)
{
    ssize_t                               n;
    ngx_buf_t                            *b;
    ngx_connection_t                     *c;
    ngx_http_security_report_delivery_t  *dl;

    c = wev->data;
    dl = c->data;
    b = dl->request;

    if (wev->timedout) {
        ngx_http_security_report_done(dl, 0, -1, "timed out sending");
        return;
    }

    while (b->pos < b->last) {
        n = c->send(c, b->pos, b->last - b->pos);

        if (n == NGX_AGAIN) {
            if (ngx_handle_write_event(wev, 0) != NGX_OK) {
                ngx_http_security_report_done(dl, 0, -1, "write event");
            }

            return;
        }

        if (n <= 0) {
            ngx_http_security_report_done(dl, 0, -1,
                                          b->pos == b->start
                                          ? "cannot connect"
                                          : "cannot send");
            return;
        }

        b->pos += n;
    }

    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    wev->handler = ngx_http_empty_handler;

    /* with level-triggered methods a writable socket would spin */

    if (ngx_handle_write_event(wev, 0) != NGX_OK) {
        ngx_http_security_report_done(dl, 0, -1, "write event");
        return;
    }

    /* a response may have come meanwhile */

    if (c->read->ready) {
        ngx_http_security_report_peer_read(c->read);
    }
}


static void
ngx_http_security_report_peer_read(ngx_event_t *rev)
{
    int                                   rc;
    ssize_t                               n;
    ngx_connection_t                     *c;
    ngx_http_security_report_delivery_t  *dl;
    u_char                                buf[4096];

    c = rev->data;
    dl = c->data;

    if (c->close) {
        ngx_http_security_report_done(dl, 0, -1, "worker shutting down");
        return;
    }

    if (rev->timedout) {
        ngx_http_security_report_done(dl, 0, -1, "timed out reading");
        return;
    }

    for ( ;; ) {
        n = c->recv(c, buf, sizeof(buf));

        if (n == NGX_AGAIN) {
            if (ngx_handle_read_event(rev, 0) != NGX_OK) {
                ngx_http_security_report_done(dl, 0, -1, "read event");
            }

            return;
        }

        if (n == 0 || n == NGX_ERROR) {

            /* a connection refused is seen here first, with epoll */

            ngx_http_security_report_done(dl, 0, -1,
                                          dl->request->pos
                                          == dl->request->start
                                          ? "cannot connect"
                                          : "closed before the response");
            return;
        }

        rc = sc_http_response_feed(&dl->response, buf, n,
                                   (int64_t) ngx_time());

        if (rc == SC_HTTP_DONE) {

            /* a 2xx before the whole report was sent is not a delivery */

            if (dl->request->pos != dl->request->last
                && dl->response.status >= 200 && dl->response.status < 300)
            {
                ngx_http_security_report_done(dl, 0, -1,
                                              "answered before the report "
                                              "was sent in full");
                return;
            }

            ngx_http_security_report_done(dl, dl->response.status,
                                          dl->response.retry_after, NULL);
            return;
        }

        if (rc == SC_HTTP_ERROR) {
            ngx_http_security_report_done(dl, 0, -1, dl->response.error);
            return;
        }
    }
}


/* after an attempt: done/, new/ later, or dead/; then the next report */

static void
ngx_http_security_report_done(ngx_http_security_report_delivery_t *dl,
    ngx_uint_t status, int64_t retry_after, const char *why)
{
    time_t                                 now, age;
    ngx_uint_t                             attempts;
    sc_webhook_decision_t                  d;
    ngx_http_security_report_queue_t      *q;
    ngx_http_security_report_metrics_t    *m;
    ngx_http_security_report_attempts_t   *a;
    ngx_http_security_report_main_conf_t  *rmcf;

    q = dl->queue;
    now = ngx_time();
    age = now - (time_t) (sc_ulid_time(dl->id) / 1000);

    rmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                              ngx_http_security_report_module);
    m = rmcf->metrics;

    /* without memory for the count, this is taken for a first attempt */

    a = ngx_http_security_report_attempts(q, dl->id, 1);
    attempts = a ? ++a->attempts : 1;

    d = sc_webhook_decide((unsigned) status, retry_after,
                          (unsigned) attempts, (uint64_t) q->retry_max,
                          (uint64_t) ngx_max(age, 0),
                          (uint64_t) q->max_age, randombytes_random());

    switch (d.action) {

    case SC_WEBHOOK_DELIVERED:
        if (ngx_http_security_report_move(q, dl->id, "cur", "done", 0)
            == NGX_ERROR)
        {
            /* sent again later; the backend de-duplicates on webhook-id */

            ngx_http_security_report_hold(q, dl->id, now + q->retry_max);

            ngx_log_error(NGX_LOG_CRIT, q->log, 0,
                          "security report %*s was delivered to \"%V\" "
                          "(%ui) but stays in cur/: it is sent again in "
                          "%T s", (size_t) SC_ULID_LEN, dl->id,
                          &q->backend->url, status,
                          q->retry_max + ngx_http_security_report_lease(q));
            break;
        }

        ngx_http_security_report_forget(q, dl->id);

        if (m) {
            (void) ngx_atomic_fetch_add(&m->delivered, 1);
        }

        ngx_log_error(NGX_LOG_INFO, q->log, 0,
                      "security report %*s delivered to \"%V\" (%ui)",
                      (size_t) SC_ULID_LEN, dl->id, &q->backend->url,
                      status);
        break;

    case SC_WEBHOOK_DEAD:
        if (ngx_http_security_report_move(q, dl->id, "cur", "dead", 0)
            == NGX_ERROR)
        {
            ngx_http_security_report_hold(q, dl->id, now + q->retry_max);
            break;
        }

        ngx_http_security_report_forget(q, dl->id);

        if (m) {
            (void) ngx_atomic_fetch_add(&m->dead, 1);
        }

        ngx_log_error(NGX_LOG_ERR, q->log, 0,
                      "security report %*s not delivered to \"%V\" at %V: "
                      "%s; moved to dead/", (size_t) SC_ULID_LEN, dl->id,
                      &q->backend->url, dl->peer.name, d.reason);
        break;

    default:

        /* if it cannot be moved it waits in cur/, with the same time */

        (void) ngx_http_security_report_move(q, dl->id, "cur", "new",
                                             now + (time_t) d.wait);
        if (m) {
            (void) ngx_atomic_fetch_add(&m->failed, 1);
        }

        if (why) {
            ngx_log_error(NGX_LOG_WARN, q->log, 0,
                          "security report %*s not delivered to \"%V\" "
                          "at %V (attempt %ui: %s): retrying in %uL s",
                          (size_t) SC_ULID_LEN, dl->id, &q->backend->url,
                          dl->peer.name, attempts, why, d.wait);

        } else {
            ngx_log_error(NGX_LOG_WARN, q->log, 0,
                          "security report %*s not delivered to \"%V\" "
                          "at %V (attempt %ui: status %ui): retrying in "
                          "%uL s", (size_t) SC_ULID_LEN, dl->id,
                          &q->backend->url, dl->peer.name, attempts,
                          status, d.wait);
        }
    }

    if (dl->peer.connection) {
#if (NGX_HTTP_SSL)
        if (dl->peer.connection->ssl) {

            /*
             * the answer is in, or the attempt failed: no close_notify is
             * waited for, and after a failure none is sent, so that
             * ngx_ssl_shutdown() frees the connection at once
             */

            dl->peer.connection->ssl->no_wait_shutdown = 1;
            dl->peer.connection->ssl->no_send_shutdown = (status == 0);
            (void) ngx_ssl_shutdown(dl->peer.connection);
        }
#endif
        ngx_close_connection(dl->peer.connection);
        dl->peer.connection = NULL;
    }

    if (status == 0) {
        q->addr = (q->addr + 1) % q->backend->naddrs;
    }

    q->delivery = NULL;

    ngx_destroy_pool(dl->pool);

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        ngx_http_security_report_release(q);
        return;
    }

    /* the next one at once */

    ngx_add_timer(&q->timer, 1);
}


/*
 * Moves a report between spool directories.  mtime, if not 0, becomes
 * its modification time first: in new/, not to be tried before it; in
 * cur/, when it was claimed.  NGX_DECLINED: the report is not there
 * (taken by another worker, or by hand); NGX_ERROR: it is where it was
 * (logged).
 */

static ngx_int_t
ngx_http_security_report_move(ngx_http_security_report_queue_t *q,
    u_char *id, const char *from, const char *to, time_t mtime)
{
    ngx_err_t        err;
    ngx_file_info_t  fi;
    u_char           a[NGX_MAX_PATH], b[NGX_MAX_PATH];

    ngx_sprintf(a, "%V/%s/%*s%Z", &q->spool, from, (size_t) SC_ULID_LEN, id);
    ngx_sprintf(b, "%V/%s/%*s%Z", &q->spool, to, (size_t) SC_ULID_LEN, id);

    if (mtime && ngx_set_file_time(a, NGX_INVALID_FILE, mtime) != NGX_OK) {
        err = ngx_errno;

        if (err == NGX_ENOENT) {
            return NGX_DECLINED;
        }

        /* a file put there by another user: moved all the same */

        ngx_log_error(NGX_LOG_ERR, q->log, err,
                      ngx_set_file_time_n " \"%s\" failed", a);
    }

    if (ngx_rename_file(a, b) == NGX_FILE_ERROR) {
        err = ngx_errno;

        if (err == NGX_ENOENT
            && ngx_file_info(a, &fi) == NGX_FILE_ERROR
            && ngx_errno == NGX_ENOENT)
        {
            return NGX_DECLINED;
        }

        /* a directory missing, or not the workers' to write */

        ngx_log_error(NGX_LOG_CRIT, q->log, err,
                      ngx_rename_file_n " \"%s\" to \"%s\" failed", a, b);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A claim that cannot leave cur/ is kept from the sweep that gives claims
 * back until a lease after mtime.
 */

static void
ngx_http_security_report_hold(ngx_http_security_report_queue_t *q,
    u_char *id, time_t mtime)
{
    u_char  path[NGX_MAX_PATH];

    ngx_sprintf(path, "%V/cur/%*s%Z", &q->spool, (size_t) SC_ULID_LEN, id);

    if (ngx_set_file_time(path, NGX_INVALID_FILE, mtime) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, q->log, ngx_errno,
                      ngx_set_file_time_n " \"%s\" failed", path);
    }
}


/* a report's failed attempts, by (crc32, id) as nginx keeps strings */

static ngx_http_security_report_attempts_t *
ngx_http_security_report_attempts(ngx_http_security_report_queue_t *q,
    u_char *id, ngx_uint_t create)
{
    uint32_t                              hash;
    ngx_str_t                             name;
    ngx_http_security_report_attempts_t  *a;

    name.len = SC_ULID_LEN;
    name.data = id;
    hash = ngx_crc32_short(id, SC_ULID_LEN);

    a = (ngx_http_security_report_attempts_t *)
            ngx_str_rbtree_lookup(&q->attempts, &name, hash);

    if (a || !create) {
        return a;
    }

    a = ngx_alloc(sizeof(ngx_http_security_report_attempts_t), q->log);
    if (a == NULL) {
        return NULL;
    }

    ngx_memcpy(a->id, id, SC_ULID_LEN);
    a->sn.node.key = hash;
    a->sn.str.len = SC_ULID_LEN;
    a->sn.str.data = a->id;
    a->attempts = 0;

    ngx_rbtree_insert(&q->attempts, &a->sn.node);

    return a;
}


static void
ngx_http_security_report_count_dead(void)
{
    ngx_http_security_report_main_conf_t  *rmcf;

    rmcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                              ngx_http_security_report_module);

    if (rmcf->metrics) {
        (void) ngx_atomic_fetch_add(&rmcf->metrics->dead, 1);
    }
}


static void
ngx_http_security_report_forget(ngx_http_security_report_queue_t *q,
    u_char *id)
{
    ngx_http_security_report_attempts_t  *a;

    a = ngx_http_security_report_attempts(q, id, 0);

    if (a == NULL) {
        return;
    }

    ngx_rbtree_delete(&q->attempts, &a->sn.node);
    ngx_free(a);
}
