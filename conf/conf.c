/* conf.c: being written */
