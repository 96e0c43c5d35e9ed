// C helpers of the search scan: `scs_prefetch` is inline in its header; `scs_find` wraps
// `memmem`, which glibc declares only with _GNU_SOURCE.
#define _GNU_SOURCE
#include <string.h>
#include "scs_find.h"
#include "scs_prefetch.h"

long scs_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    const char *found = memmem(haystack, haystack_length, needle, needle_length);
    return found ? (long)(found - (const char *)haystack) : -1;
}
