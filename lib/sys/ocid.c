/* SPDX-License-Identifier: MIT */
#include "ocid.h"

#include <stdio.h>

const char *oci_id_problem(const char *id, size_t len)
{
        if (len == 0)
                return "it is empty";
        if (len > OCI_ID_MAX)
                return "it is longer than 1024 bytes";
        if ((len == 1 && id[0] == '.') || (len == 2 && id[0] == '.' && id[1] == '.'))
                return "\".\" and \"..\" name directories already";
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)id[i];
                if (c == '/')
                        return "it holds a '/'";
                if (c == 0)
                        return "it holds a NUL byte";
                if (c < 0x20 || c == 0x7f)
                        return "it holds a control character";
        }
        return NULL;
}

bool oci_id_valid(const char *id, size_t len)
{
        return oci_id_problem(id, len) == NULL;
}

const char *oci_id_display(const char *id, size_t len, char *buf, size_t cap)
{
        size_t n = len < 64 ? len : 64, o = 0;
        for (size_t i = 0; i < n && o + 1 < cap; i++) {
                unsigned char c = (unsigned char)id[i];
                buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        }
        buf[o < cap ? o : cap - 1] = '\0';
        if (len > n)
                snprintf(buf + o, cap - o, "...(%zu bytes)", len);
        return buf;
}
