/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report-file.h: one incident report read back (report-file.c), shared
 * by the daemon and xen-crashwatchctl.
 */
#ifndef CW_REPORT_FILE_H
#define CW_REPORT_FILE_H

#include <json-c/json.h>

#define REPORT_FILE_MAX	(1 << 20)

/* DFD/NAME as a JSON object, or NULL and WHY. */
json_object	*report_file_read(int dfd, const char *name, const char **why);

#endif
