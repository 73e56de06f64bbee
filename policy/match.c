/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match.c: which rule of the configuration applies to a domain.
 */

#include <fnmatch.h>
#include <strings.h>

#include "policy.h"

/*
 * Whether RULE names this domain.  A UUID is compared without regard to
 * case, since people paste them from tools that print either.  A glob goes
 * through fnmatch(3) with no flags: a domain name is not a path, so '*'
 * must also match '/', and a leading '.' is not special.
 */
static bool
rule_matches(const struct conf_rule *rule, const char *name, const char *uuid)
{
	if (rule->uuid != NULL && uuid != NULL &&
	    strcasecmp(rule->uuid, uuid) == 0)
		return true;
	if (rule->match != NULL && name != NULL &&
	    fnmatch(rule->match, name, 0) == 0)
		return true;
	return false;
}

/* First rule matching NAME (glob) or UUID, in file order; NULL if none. */
const struct conf_rule *
policy_match(const struct conf *conf, const char *name, const char *uuid)
{
	size_t	i;

	for (i = 0; i < conf->nrules; i++) {
		if (rule_matches(&conf->rules[i], name, uuid))
			return &conf->rules[i];
	}
	return NULL;
}
