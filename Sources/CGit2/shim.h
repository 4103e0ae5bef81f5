#ifndef MLOPS_CGIT2_SHIM_H
#define MLOPS_CGIT2_SHIM_H
#include <git2.h>

/// Swift does not import function-like or cast macros; re-export the ones we use as constants.
static const int mlops_git_oid_hexsz = GIT_OID_HEXSZ;
#endif
