#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "CSyncFS.h"

int mlops_syncfs(int fd) {
#if defined(__linux__)
    return syncfs(fd);
#else
    (void)fd;
    sync();
    return 0;
#endif
}

void mlops_start_writeback(int fd, long long offset, long long length) {
#if defined(__linux__)
    (void)sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    (void)offset;
    (void)length;
#endif
}

long mlops_copy_file_range(int input, long long *input_offset, int output, long long *output_offset, unsigned long length) {
#if defined(__linux__)
    off_t in = (off_t)*input_offset, out = (off_t)*output_offset;
    ssize_t copied = copy_file_range(input, &in, output, &out, length, 0);
    *input_offset = in;
    *output_offset = out;
    return (long)copied;
#else
    (void)input; (void)input_offset; (void)output; (void)output_offset; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}

int mlops_open_unnamed(const char *directory, unsigned int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
    (void)directory; (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int mlops_link_unnamed(int fd, const char *path) {
#if defined(__linux__)
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
#else
    (void)fd; (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int mlops_set_direct_io(int fd, int enabled) {
#if defined(__linux__)
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, enabled ? (flags | O_DIRECT) : (flags & ~O_DIRECT));
#else
    (void)fd; (void)enabled;
    errno = EOPNOTSUPP;
    return -1;
#endif
}
