// One system call Swift cannot reach through Glibc (it is variadic there): reading directory entries in bulk.
// Used by QualKitAccuracy to list ~100,000 small folders of a Ground Truth job without the fstat and two fcntl
// calls that fdopendir adds to each.
#ifndef QUALKIT_DIRECTORY_LISTING_H
#define QUALKIT_DIRECTORY_LISTING_H

#include <stddef.h>

/// Linux getdents64(2): fills `buffer` with linux_dirent64 records of the open folder `fd`. Returns the bytes
/// written, 0 at the end, -1 with errno set on error (and always -1 with ENOSYS where the call does not exist).
long qk_getdents64(int fd, void *buffer, size_t length);

#endif
