/*
 * Copyright (C) nginx-security-contact developers
 *
 * A test tool on the pure OpenPGP core:
 *
 *     sc-pgp-sign KEYFILE CREATED_UNIX < text > signed.txt
 *     sc-pgp-sign --cert KEYFILE > cert.asc
 *
 * The first prints the cleartext-signed text, the second the armored
 * public certificate.  A refused key: the message on stderr, exit code 1.
 * Usage errors and I/O errors exit with 2.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "sc_pgp.h"


static uint8_t *
sc_read_all(FILE *f, size_t *len)
{
    size_t    n, cap;
    uint8_t  *buf, *nbuf;

    cap = 4096;
    n = 0;
    buf = malloc(cap);

    if (buf == NULL) {
        return NULL;
    }

    for ( ;; ) {
        n += fread(buf + n, 1, cap - n, f);

        if (n < cap) {
            break;
        }

        cap *= 2;
        nbuf = realloc(buf, cap);

        if (nbuf == NULL) {
            free(buf);
            return NULL;
        }

        buf = nbuf;
    }

    if (ferror(f)) {
        free(buf);
        return NULL;
    }

    *len = n;

    return buf;
}


static uint8_t *
sc_read_file(const char *name, size_t *len)
{
    FILE     *f;
    uint8_t  *buf;

    f = fopen(name, "rb");

    if (f == NULL) {
        fprintf(stderr, "sc-pgp-sign: %s: %s\n", name, strerror(errno));
        return NULL;
    }

    buf = sc_read_all(f, len);

    if (buf == NULL) {
        fprintf(stderr, "sc-pgp-sign: %s: read error\n", name);
    }

    fclose(f);

    return buf;
}


static int
sc_usage(void)
{
    fprintf(stderr,
            "usage: sc-pgp-sign KEYFILE CREATED_UNIX < text > signed.txt\n"
            "       sc-pgp-sign --cert KEYFILE > cert.asc\n");
    return 2;
}


int
main(int argc, char **argv)
{
    int            rc, cert_mode;
    char           err[SC_PGP_ERRLEN], *end;
    size_t         key_len, text_len, cert_len, out_len, n;
    uint8_t       *key_data, *work, *cert, *text, *out;
    const char    *key_file;
    unsigned long  created;
    sc_pgp_key_t   key;

    if (argc != 3) {
        return sc_usage();
    }

    cert_mode = (strcmp(argv[1], "--cert") == 0);
    key_file = cert_mode ? argv[2] : argv[1];
    created = 0;

    if (!cert_mode) {
        errno = 0;
        created = strtoul(argv[2], &end, 10);

        if (errno || *end != '\0' || end == argv[2]
            || created > 0xffffffffUL)
        {
            return sc_usage();
        }
    }

    if (sodium_init() < 0) {
        fprintf(stderr, "sc-pgp-sign: sodium_init() failed\n");
        return 2;
    }

    key_data = sc_read_file(key_file, &key_len);

    if (key_data == NULL) {
        return 2;
    }

    work = malloc(key_len + 1);
    cert = malloc(key_len + 1);

    if (work == NULL || cert == NULL) {
        fprintf(stderr, "sc-pgp-sign: out of memory\n");
        return 2;
    }

    rc = sc_pgp_key_load(&key, key_data, key_len, work, cert, &cert_len,
                         (uint32_t) time(NULL), err, sizeof(err));

    sodium_memzero(key_data, key_len);
    sodium_memzero(work, key_len);

    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    if (cert_mode) {
        out_len = sc_pgp_armor_len("PUBLIC KEY BLOCK", cert_len);
        out = malloc(out_len);

        if (out == NULL) {
            fprintf(stderr, "sc-pgp-sign: out of memory\n");
            return 2;
        }

        n = sc_pgp_armor(out, "PUBLIC KEY BLOCK", cert, cert_len);

    } else {
        text = sc_read_all(stdin, &text_len);

        if (text == NULL) {
            fprintf(stderr, "sc-pgp-sign: cannot read the text\n");
            return 2;
        }

        out_len = sc_pgp_clearsign_len(text_len);
        out = malloc(out_len);

        if (out == NULL) {
            fprintf(stderr, "sc-pgp-sign: out of memory\n");
            return 2;
        }

        n = sc_pgp_clearsign(out, out_len, text, text_len, &key,
                             (uint32_t) created);

        if (n == 0) {
            fprintf(stderr, "sc-pgp-sign: signing failed\n");
            return 2;
        }
    }

    sc_pgp_key_wipe(&key);

    if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0) {
        fprintf(stderr, "sc-pgp-sign: write error\n");
        return 2;
    }

    return 0;
}
