#ifndef MLOPS_CSYNCFS_H
#define MLOPS_CSYNCFS_H

/// Flushes the filesystem holding `fd` to stable storage: one call instead of one fsync per object.
/// Falls back to sync(2) where syncfs(2) does not exist. Returns 0 or -1 with errno set.
int mlops_syncfs(int fd);

#endif
