/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-image.h: a deterministic Xen-style ELF core image, generated where
 * it is consumed instead of copied from guest memory.
 */
#ifndef XENSIM_CORE_IMAGE_H
#define XENSIM_CORE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct core_params {
	uint8_t		 uuid[16];	/* the page content's seed */
	uint64_t	 pages;
	unsigned	 vcpus;
	unsigned	 zero_pct;
	unsigned	 random_pct;
	int		 fail_err;	/* fail half way with this errno */
	double		 delay;		/* hang this long after the headers */
};

/* Called for every piece; nonzero stops the dump and is returned. */
typedef int (*core_sink)(void *arg, char *buf, unsigned int len);

/* Stream the image; 0, the sink's nonzero value, or -1 with errno.
 * *bytes counts what was handed to the sink. */
int		 core_stream(const struct core_params *, core_sink, void *arg,
		     uint64_t *bytes);
/* Offset of .xen_pages (the headers' size). */
uint64_t	 core_pages_offset(const struct core_params *);

#endif
