/* SPDX-License-Identifier: MIT */
/* The baseline for bench/shim-create.sh: a runtime wrapper that only
 * execs the real runtime ($OOMGUARD_RUNTIME), as the cheapest wrapper can. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        (void)argc;
        const char *rt = getenv("OOMGUARD_RUNTIME");
        if (!rt)
                return 1;
        argv[0] = (char *)rt;
        execv(rt, argv);
        perror(rt);
        return 1;
}
