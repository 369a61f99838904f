/* SPDX-License-Identifier: MIT */
#ifndef OOMGUARD_CLI_H
#define OOMGUARD_CLI_H

#include <stdbool.h>

/* Exit codes, documented in oomguard(8). */
#define EXIT_OK 0
#define EXIT_INPUT 1 /* an input could not be read */
#define EXIT_USAGE 2
#define EXIT_FINDINGS 1 /* doctor: warnings or errors were found */

/* From here on, what the command prints to stdout goes through a filter
 * that makes control characters, escape sequences and bidirectional
 * controls inert (lib/textsafe.h): '?' in text, \u escapes in JSON. */
void cli_safe_output(bool json);

int cmd_doctor(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_verdicts(int argc, char **argv);

#endif
