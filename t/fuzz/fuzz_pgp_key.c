/*
 * Copyright (C) nginx-security-contact developers
 *
 * libFuzzer harness for the OpenPGP key loader (armored and binary), and
 * for what is done with a loaded key: the certificate, a signature.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sc_pgp.h"


#define FUZZ_NOW  1800000000u


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
fuzz_check_err(const char *err)
{
    size_t  n;

    n = strlen(err);

    /* a message, on one line */

    if (n == 0 || n >= SC_PGP_ERRLEN || memchr(err, '\n', n) != NULL) {
        abort();
    }
}


/* binary input armored: the same result */

static void
fuzz_armored(const uint8_t *data, size_t size, int rc,
    const sc_pgp_key_t *key, const uint8_t *cert, size_t cert_len,
    const char *err)
{
    int            rc2;
    char           err2[SC_PGP_ERRLEN];
    size_t         n, cert_len2;
    uint8_t       *armored, *work, *cert2;
    sc_pgp_key_t   key2;

    n = sc_pgp_armor_len("PRIVATE KEY BLOCK", size);
    armored = malloc(n);
    work = malloc(n);
    cert2 = malloc(n);

    if (armored == NULL || work == NULL || cert2 == NULL
        || sc_pgp_armor(armored, "PRIVATE KEY BLOCK", data, size) != n)
    {
        abort();
    }

    rc2 = sc_pgp_key_load(&key2, armored, n, work, cert2, &cert_len2,
                          FUZZ_NOW, err2, sizeof(err2));

    if (rc2 != rc
        || (rc == 0
            && (memcmp(key, &key2, sizeof(sc_pgp_key_t)) != 0
                || cert_len2 != cert_len
                || memcmp(cert, cert2, cert_len) != 0))
        || (rc != 0 && strcmp(err, err2) != 0))
    {
        abort();
    }

    sc_pgp_key_wipe(&key2);

    free(armored);
    free(work);
    free(cert2);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                rc;
    char               err[SC_PGP_ERRLEN];
    size_t             cert_len, n, tl, m;
    uint8_t           *work, *cert, *out, *armored;
    const uint8_t     *type;
    sc_pgp_key_t       key;

    static int         initialized;
    static const char  text[] = "Contact: mailto:a@example.org\n- x \n";

    if (!initialized) {
        if (sodium_init() < 0) {
            abort();
        }

        initialized = 1;
    }

    work = malloc(size + 1);
    cert = malloc(size + 1);

    if (work == NULL || cert == NULL) {
        abort();
    }

    rc = sc_pgp_key_load(&key, data, size, work, cert, &cert_len, FUZZ_NOW,
                         err, sizeof(err));

    if (size && (data[0] & 0x80)) {
        fuzz_armored(data, size, rc, &key, cert, cert_len, err);
    }

    if (rc != 0) {
        if (rc != -1) {
            abort();
        }

        fuzz_check_err(err);
        goto done;
    }

    if (cert_len > size) {
        abort();
    }

    /* the certificate, armored, holds no secret: it is refused */

    n = sc_pgp_armor_len("PUBLIC KEY BLOCK", cert_len);
    armored = malloc(n);

    if (armored == NULL
        || sc_pgp_armor(armored, "PUBLIC KEY BLOCK", cert, cert_len) != n)
    {
        abort();
    }

    out = malloc(n);

    if (out == NULL
        || sc_pgp_dearmor(out, &m, armored, n, &type, &tl) != SC_PGP_OK
        || m != cert_len || memcmp(out, cert, m) != 0)
    {
        abort();
    }

    free(out);
    free(armored);

    if (sc_pgp_key_load(&key, cert, cert_len, work, NULL, NULL, FUZZ_NOW,
                        err, sizeof(err))
        != -1)
    {
        abort();
    }

    fuzz_check_err(err);

    rc = sc_pgp_key_load(&key, data, size, work, NULL, NULL, FUZZ_NOW,
                         err, sizeof(err));

    if (rc != 0) {
        abort();
    }

    /* a signature with the key */

    n = sc_pgp_clearsign_len(sizeof(text) - 1);
    out = malloc(n);

    if (out == NULL
        || sc_pgp_clearsign(out, n, (const uint8_t *) text, sizeof(text) - 1,
                            &key, FUZZ_NOW) == 0)
    {
        abort();
    }

    free(out);
    sc_pgp_key_wipe(&key);

done:

    free(work);
    free(cert);

    return 0;
}
