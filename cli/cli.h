/* SPDX-License-Identifier: MIT */
#ifndef OOMGUARD_CLI_H
#define OOMGUARD_CLI_H

/* Exit codes, documented in oomguard(8). */
#define EXIT_OK 0
#define EXIT_INPUT 1 /* an input could not be read */
#define EXIT_USAGE 2
#define EXIT_FINDINGS 1 /* doctor: warnings or errors were found */

int cmd_doctor(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_verdicts(int argc, char **argv);

#endif
