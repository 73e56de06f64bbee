/* dump-sink.c: being written */
