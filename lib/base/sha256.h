/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4) of a buffer: names a state directory after an id
 * that cannot be one itself, without collisions. Pure. */
#ifndef OOMGUARD_SHA256_H
#define OOMGUARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t ret[SHA256_LEN]);

#endif
