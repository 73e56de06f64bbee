/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backoff.c: how long to wait before trying a failed destroy again.
 */

#include "policy.h"

/*
 * After the TRIES-th failed attempt (1 for the first): 1, 2, 4, ... 32
 * seconds, then DESTROY_BACKOFF_MAX for good.  A destroy is never given
 * up while the domain is there.
 */
unsigned
destroy_backoff(unsigned tries)
{
	if (tries == 0)
		return 1;
	if (tries > 6)
		return DESTROY_BACKOFF_MAX;
	return 1U << (tries - 1);
}
