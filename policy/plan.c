/* plan.c: being written */
