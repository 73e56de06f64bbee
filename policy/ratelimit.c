/* ratelimit.c: being written */
