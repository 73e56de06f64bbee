/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.c: failures and delays injected into the stand-in calls.
 *
 * An operation is named by its xc function with or without the "xc_" and
 * "domain_" prefixes ("destroy", "xc_domain_destroy"); "dumpcore" covers
 * both dump functions; "libxl_domain_destroy" and "libxl_teardown" are the
 * stand-in libxenlight's destroy, begun and its xenstore nodes removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define FAULT_MAX	32

struct fault {
	char		 op[64];
	int		 err;		/* 0: none */
	unsigned	 count;		/* 0: forever */
	double		 delay;
};

static struct fault	faults[FAULT_MAX];

/* "xc_domain_destroy" and "destroy" both become "destroy". */
static const char *
norm(const char *op)
{
	if (strncmp(op, "xc_", 3) == 0)
		op += 3;
	if (strncmp(op, "domain_", 7) == 0)
		op += 7;
	return op;
}

static bool
matches(const char *rule, const char *fn)
{
	fn = norm(fn);
	if (strcmp(rule, fn) == 0)
		return true;
	return strcmp(rule, "dumpcore") == 0 &&
	    strncmp(fn, "dumpcore", 8) == 0;
}

static bool
known_op(const char *op)
{
	static const char *ops[] = { "interface_open", "interface_close",
	    "getinfolist", "getinfo", "pause", "unpause", "shutdown",
	    "destroy", "dumpcore", "dumpcore_via_callback", "readconsolering",
	    "vcpu_getinfo", "vcpu_getcontext", "hvm_getcontext_partial",
	    "get_guest_width", "xenforeignmemory_map", "libxl_domain_destroy",
	    "libxl_teardown", "sethandle", NULL };
	int i;

	for (i = 0; ops[i] != NULL; i++)
		if (strcmp(ops[i], op) == 0)
			return true;
	return false;
}

static struct fault *
slot(const char *op)
{
	struct fault *free_slot = NULL;
	int i;

	for (i = 0; i < FAULT_MAX; i++) {
		if (strcmp(faults[i].op, op) == 0)
			return &faults[i];
		if (faults[i].op[0] == '\0' && free_slot == NULL)
			free_slot = &faults[i];
	}
	if (free_slot != NULL)
		strcpy(free_slot->op, op);
	return free_slot;
}

int
fault_set_fail(const char *op, int err, unsigned count)
{
	struct fault *f;

	op = norm(op);
	if (!known_op(op))
		return -EINVAL;
	if ((f = slot(op)) == NULL)
		return -ENOSPC;
	f->err = err;
	f->count = count;
	return 0;
}

int
fault_set_delay(const char *op, double secs)
{
	struct fault *f;

	op = norm(op);
	if (!known_op(op) || secs < 0 || secs > 3600)
		return -EINVAL;
	if ((f = slot(op)) == NULL)
		return -ENOSPC;
	f->delay = secs;
	return 0;
}

int
fault_take_fail(const char *fn)
{
	int i, err;

	for (i = 0; i < FAULT_MAX; i++) {
		if (faults[i].op[0] == '\0' || faults[i].err == 0 ||
		    !matches(faults[i].op, fn))
			continue;
		err = faults[i].err;
		if (faults[i].count > 0 && --faults[i].count == 0)
			faults[i].err = 0;
		return err;
	}
	return 0;
}

double
fault_delay(const char *fn)
{
	int i;

	for (i = 0; i < FAULT_MAX; i++)
		if (faults[i].op[0] != '\0' && faults[i].delay > 0 &&
		    matches(faults[i].op, fn))
			return faults[i].delay;
	return 0;
}

void
fault_clear(void)
{
	memset(faults, 0, sizeof(faults));
}
