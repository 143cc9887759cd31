/* SPDX-License-Identifier: MIT */
/*
 * Errors: every library call returns 0 or a negative errno-style code; the
 * context that failed keeps a message naming the problem and its place.
 * Nothing inside the library prints or exits.
 */
#ifndef PTKIT_ERROR_H
#define PTKIT_ERROR_H

#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTK_ERRMSG_MAX 256

struct ptk_error {
	int code;                   /* last negative errno, 0 if none */
	char msg[PTK_ERRMSG_MAX];   /* human-readable, no trailing newline */
};

/* Record an error and return it, so callers can write `return ptk_err(...)`. */
int ptk_err(struct ptk_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void ptk_err_clear(struct ptk_error *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

/* The message of the last error, or strerror() of the code if none was set. */
const char *ptk_strerror(const struct ptk_error *e, int code);

#ifdef __cplusplus
}
#endif
#endif
