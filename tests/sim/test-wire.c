/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-wire: xensim's xenstore socket byte for byte: ids echoed, READ
 * without a trailing NUL, errno names, ENOSYS, E2BIG, the watch ack and
 * its first event.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdint.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "test-util.h"

static int fd;

static void
send_req(uint32_t type, uint32_t req_id, uint32_t tx_id, const void *p,
    uint32_t len, uint32_t claimed)
{
	struct xsd_sockmsg m = { type, req_id, tx_id, claimed };

	CHECK(write(fd, &m, sizeof(m)) == sizeof(m), "write");
	if (len > 0)
		CHECK(write(fd, p, len) == (ssize_t)len, "write body");
}

static void
read_full(void *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		REQUIRE(n > 0, "read: %s", n == 0 ? "EOF" : strerror(errno));
		p = (char *)p + n;
		len -= (size_t)n;
	}
}

static struct xsd_sockmsg
recv_msg(char *body)
{
	struct xsd_sockmsg m;

	read_full(&m, sizeof(m));
	REQUIRE(m.len <= XENSTORE_PAYLOAD_MAX, "reply len %u", m.len);
	read_full(body, m.len);
	body[m.len] = '\0';
	return m;
}

int
main(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = getenv("XENSTORED_PATH");
	char body[XENSTORE_PAYLOAD_MAX + 1], big[5000];
	struct xsd_sockmsg m;
	uint32_t tx;

	checks_begin("test-wire");
	REQUIRE(path != NULL, "run me through lib.sh");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	REQUIRE((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0, "socket");
	REQUIRE(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "connect %s", path);

	send_req(XS_READ, 77, 0, "/local/domain/0/name", 21, 21);
	m = recv_msg(body);
	CHECK(m.type == XS_READ && m.req_id == 77 && m.tx_id == 0,
	    "ids echoed: type %u req %u", m.type, m.req_id);
	CHECK(m.len == 8 && memcmp(body, "Domain-0", 8) == 0,
	    "READ without NUL: len %u", m.len);

	send_req(XS_READ, 78, 0, "/nope", 6, 6);
	m = recv_msg(body);
	CHECK(m.type == XS_ERROR && m.req_id == 78 && m.len == 7 &&
	    strcmp(body, "ENOENT") == 0, "ENOENT\\0: %s", body);

	send_req(999, 79, 0, "", 0, 0);
	m = recv_msg(body);
	CHECK(m.type == XS_ERROR && m.req_id == 79 &&
	    strcmp(body, "ENOSYS") == 0, "unknown type: %s", body);

	memset(big, 'x', sizeof(big));
	send_req(XS_WRITE, 80, 0, big, sizeof(big), sizeof(big));
	m = recv_msg(body);
	CHECK(m.type == XS_ERROR && m.req_id == 80 &&
	    strcmp(body, "E2BIG") == 0, "oversized payload: %s", body);

	send_req(XS_WATCH, 81, 0, "/local\0tok", 11, 11);
	m = recv_msg(body);
	CHECK(m.type == XS_WATCH && m.req_id == 81 && m.len == 3 &&
	    strcmp(body, "OK") == 0, "watch ack");
	m = recv_msg(body);
	CHECK(m.type == XS_WATCH_EVENT && m.len == 11 &&
	    strcmp(body, "/local") == 0 && strcmp(body + 7, "tok") == 0,
	    "first event path\\0token\\0");

	send_req(XS_TRANSACTION_START, 82, 0, "", 1, 1);
	m = recv_msg(body);
	CHECK(m.type == XS_TRANSACTION_START, "tx start");
	tx = (uint32_t)atoi(body);
	CHECK(tx != 0, "tx id");
	send_req(XS_READ, 83, tx, "/local/domain/0/domid", 22, 22);
	m = recv_msg(body);
	CHECK(m.type == XS_READ && m.tx_id == tx && m.req_id == 83,
	    "tx_id echoed");
	send_req(XS_TRANSACTION_END, 84, tx, "T", 2, 2);
	m = recv_msg(body);
	CHECK(m.type == XS_TRANSACTION_END && strcmp(body, "OK") == 0,
	    "tx end");
	send_req(XS_READ, 85, tx, "/local", 7, 7);
	m = recv_msg(body);
	CHECK(m.type == XS_ERROR && strcmp(body, "ENOENT") == 0,
	    "stale tx id: %s", body);

	send_req(XS_GET_PERMS, 86, 0, "/local/domain/0", 16, 16);
	m = recv_msg(body);
	CHECK(m.type == XS_GET_PERMS && strcmp(body, "n0") == 0, "perms");

	close(fd);
	return checks_done();
}
