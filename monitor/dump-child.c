/* dump-child.c: being written */
