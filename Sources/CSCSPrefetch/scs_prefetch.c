// The module's one function is inline in its header; this file gives SwiftPM a C target to build.
#include "scs_prefetch.h"
