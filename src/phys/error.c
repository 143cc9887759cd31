// SPDX-License-Identifier: MIT
/* Error records carried by each context; see include/ptkit/error.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ptkit/error.h>

int ptk_err(struct ptk_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *ptk_strerror(const struct ptk_error *e, int code)
{
	if (e && e->code == code && e->msg[0])
		return e->msg;
	return strerror(code < 0 ? -code : code);
}
