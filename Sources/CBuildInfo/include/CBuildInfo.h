#ifndef MLOPS_CBUILDINFO_H
#define MLOPS_CBUILDINFO_H

/// The git commit this binary was built from (its id, with "-dirty" when the work tree had uncommitted changes),
/// or "unknown" when it was built outside git. Set by Package.swift from MLOPS_BUILD_COMMIT or SwiftPM's git
/// information (letters, digits, '-' and '.' only).
const char *mlops_build_commit(void);

#endif
