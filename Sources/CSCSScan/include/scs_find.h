#ifndef SCS_FIND_H
#define SCS_FIND_H

#include <stddef.h>

/// The offset of the first occurrence of `needle` in `haystack` (glibc `memmem`), or -1.
/// The search index uses it to find exact occurrences of a query in a session's texts.
long scs_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
