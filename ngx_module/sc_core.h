/*
 * Copyright (C) nginx-security-contact developers
 *
 * Shared definitions of the pure core: plain C99 over byte buffers, no
 * nginx headers, so that every parser and the crypto can be unit-tested
 * and fuzzed on their own.
 */

#ifndef SC_CORE_H
#define SC_CORE_H


#include <stddef.h>
#include <stdint.h>


typedef struct {
    const unsigned char  *data;
    size_t                len;
} sc_str_t;


#define sc_str(s)  { (const unsigned char *) (s), sizeof(s) - 1 }


#endif /* SC_CORE_H */
