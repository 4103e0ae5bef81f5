#ifndef MLOPS_CBUILDINFO_H
#define MLOPS_CBUILDINFO_H

/// The git commit this binary was built from (40 hex digits, with "-dirty" when the work tree had uncommitted
/// changes), or "unknown" when it was built outside git. Set by Package.swift from SwiftPM's git information.
const char *mlops_build_commit(void);

#endif
