/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as a runtime's command line, the words split at NUL
 * bytes, each in its own allocation (so ASan sees a read past a word), as
 * an engine hands it to the shim (runcargv_parse). Invariants: the command
 * and the id are whole words of the command line; every value (bundle,
 * config, log, log format, root) lies inside one word and ends with it; a
 * command line without a word that could be a command has none. */
#define _GNU_SOURCE
#include "runcargv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX 64

static void fail(const char *what)
{
        fprintf(stderr, "invariant: %s\n", what);
        abort();
}

static bool whole_word(const char *v, char *const *argv, int argc)
{
        for (int i = 0; i < argc; i++)
                if (v == argv[i])
                        return true;
        return false;
}

static bool in_word(const char *v, char *const *argv, int argc)
{
        for (int i = 0; i < argc; i++)
                if (v >= argv[i] && v <= argv[i] + strlen(argv[i]))
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *argv[WORDS_MAX + 2];
        int argc = 0;
        argv[argc] = strdup("runc");
        if (!argv[argc++])
                return 0;
        for (size_t s = 0; s < size && argc <= WORDS_MAX;) {
                const char *z = memchr(data + s, '\0', size - s);
                size_t n = z ? (size_t)(z - (const char *)data) - s : size - s;
                argv[argc] = strndup((const char *)data + s, n);
                if (!argv[argc])
                        break;
                argc++;
                s += n + 1;
        }
        argv[argc] = NULL;
        struct runc_argv r;
        memset(&r, 0xa5, sizeof(r));
        runcargv_parse(argc, argv, &r);
        if (r.command && !whole_word(r.command, argv, argc))
                fail("the command is not a word of the command line");
        if (r.id && !whole_word(r.id, argv, argc))
                fail("the id is not a word of the command line");
        const char *const values[] = {r.bundle, r.config, r.log, r.log_format, r.root};
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
                if (values[i] && !in_word(values[i], argv, argc))
                        fail("a value outside the command line");
        bool operand = false;
        for (int i = 1; i < argc; i++)
                operand |= argv[i][0] != '-' || !argv[i][1] || !strcmp(argv[i], "--");
        if (r.command && !operand)
                fail("a command from flags alone");
        for (int i = 0; i < argc; i++)
                free(argv[i]);
        return 0;
}
