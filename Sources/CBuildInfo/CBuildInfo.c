#include "CBuildInfo.h"

// A C target because Swift's -D defines carry no values: Package.swift defines this one with the commit.
#ifndef MLOPS_BUILD_COMMIT
#define MLOPS_BUILD_COMMIT "unknown"
#endif

const char *mlops_build_commit(void) { return MLOPS_BUILD_COMMIT; }
