#ifndef MLOPS_CSYNCFS_H
#define MLOPS_CSYNCFS_H

/// Flushes the filesystem holding `fd` to stable storage: one call instead of one fsync per object.
/// Falls back to sync(2) where syncfs(2) does not exist. Returns 0 or -1 with errno set.
int mlops_syncfs(int fd);

/// Asks the kernel to start writing `length` bytes at `offset` of `fd` to disk now, without waiting, so a later
/// syncfs finds little left to do. Only a hint: errors are ignored, and it does nothing where unsupported.
void mlops_start_writeback(int fd, long long offset, long long length);

/// copy_file_range(2) with explicit offsets (advanced by the bytes copied): a copy inside the kernel that leaves
/// the descriptors' own offsets alone. Returns the bytes copied, 0 at end of input, or -1 with errno set (ENOSYS
/// where the call does not exist).
long mlops_copy_file_range(int input, long long *input_offset, int output, long long *output_offset, unsigned long length);

/// Opens an unnamed regular file for writing in `directory` (O_TMPFILE): it gets a name only through
/// mlops_link_unnamed, so a crash before that leaves nothing behind. Returns -1 with errno set where the kernel
/// or the filesystem does not support it.
int mlops_open_unnamed(const char *directory, unsigned int mode);

/// Gives the unnamed file `fd` the name `path`; fails with EEXIST when `path` exists. Returns 0 or -1 with errno.
int mlops_link_unnamed(int fd, const char *path);

/// Turns direct I/O (O_DIRECT: writes go from the caller's buffer to the device, bypassing the page cache) on or
/// off for `fd`. Returns 0, or -1 with errno set where the filesystem or the platform does not support it.
int mlops_set_direct_io(int fd, int enabled);

#endif
