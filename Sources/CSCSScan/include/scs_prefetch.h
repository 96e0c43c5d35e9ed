#ifndef SCS_PREFETCH_H
#define SCS_PREFETCH_H

#include <stddef.h>

/// Asks the CPU to start loading `length` bytes at `address` into the cache (a hint: no fault,
/// no effect on results). The search scan uses it for the next text while it scores this one.
static inline void scs_prefetch(const void *address, size_t length) {
    const char *byte = (const char *)address;
    for (size_t offset = 0; offset < length; offset += 64) {
        __builtin_prefetch(byte + offset, 0, 3);
    }
}

#endif
