#define _GNU_SOURCE
#include "directory_listing.h"

#include <errno.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

long qk_getdents64(int fd, void *buffer, size_t length) {
#if defined(__linux__) && defined(SYS_getdents64)
    return syscall(SYS_getdents64, fd, buffer, length);
#else
    (void)fd; (void)buffer; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}
