/* dump-evict.c: being written */
