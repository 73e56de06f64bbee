/* template.c: being written */
