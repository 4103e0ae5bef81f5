#ifndef MLOPS_CARCHIVE_SHIM_H
#define MLOPS_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/// Swift does not import libarchive's cast macros; re-export the file-type constants we use.
static const unsigned int mlops_archive_ifreg = AE_IFREG;
static const unsigned int mlops_archive_ifdir = AE_IFDIR;
static const unsigned int mlops_archive_iflnk = AE_IFLNK;
#endif
