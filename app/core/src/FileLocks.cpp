// SQLite's locks as open-file-description locks.
//
// SQLite's unix VFS locks the store and its -shm with POSIX advisory locks
// (fcntl F_SETLK). Those belong to the process and to the inode: closing ANY
// descriptor of the file, anywhere in the process, drops every one of them
// ("How To Corrupt An SQLite Database File", 2.2). A GTK file chooser that
// lists the store's folder opens and closes its files to sniff their type;
// the next process to open the store then believes it is alone, checkpoints
// and deletes the live WAL, and our writes go into a deleted file.
//
// Linux's open file description locks (F_OFD_SETLK, since 3.15) conflict with
// POSIX locks of other processes exactly like POSIX locks do, but they belong
// to one open file description and go away only when its last descriptor
// closes. Through SQLite's documented system-call override
// (sqlite3_vfs.xSetSystemCall) every lock SQLite takes is made on a duplicate
// descriptor kept per inode, so that:
//   - a descriptor closed by someone else (GTK, GIO, a plugin) drops nothing;
//   - all of SQLite's connections in this process share one lock owner per
//     inode, which is what the unix VFS's own bookkeeping assumes (it skips
//     the system call when another connection of the process already holds
//     the lock);
//   - when SQLite itself closes a descriptor of the inode, the kept duplicate
//     is closed first, releasing the locks exactly when POSIX would have (the
//     VFS defers that close while any of its connections still holds a lock).
#include "FileLocks.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <map>
#include <mutex>
#include <utility>

#include "nourish/core/Errors.h"

namespace nourish::detail {

namespace {

using FcntlFn = int (*)(int, int, ...);
using CloseFn = int (*)(int);

FcntlFn gRealFcntl = nullptr;
CloseFn gRealClose = nullptr;
std::mutex gMutex;
std::map<std::pair<dev_t, ino_t>, int> gOwners;  // inode -> the descriptor that holds its locks

bool inodeOf(int fd, std::pair<dev_t, ino_t>& key) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return false;
    key = {st.st_dev, st.st_ino};
    return true;
}

int lockOwnerFor(int fd) {
    std::pair<dev_t, ino_t> key;
    if (!inodeOf(fd, key)) return -1;
    auto it = gOwners.find(key);
    if (it != gOwners.end()) return it->second;
    int owner = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (owner < 0) return -1;
    gOwners.emplace(key, owner);
    return owner;
}

int ofdCommand(int command) {
    switch (command) {
        case F_SETLK: return F_OFD_SETLK;
        case F_SETLKW: return F_OFD_SETLKW;
        case F_GETLK: return F_OFD_GETLK;
        default: return 0;
    }
}

int lockingFcntl(int fd, int command, ...) {
    va_list args;
    va_start(args, command);
    void* argument = va_arg(args, void*);
    va_end(args);
    int ofd = ofdCommand(command);
    if (!ofd) return gRealFcntl(fd, command, argument);
    auto* lock = static_cast<struct flock*>(argument);
    lock->l_pid = 0;  // required by F_OFD_*
    std::unique_lock<std::mutex> guard(gMutex);
    int owner = lockOwnerFor(fd);
    if (owner < 0) return -1;
    if (ofd == F_OFD_SETLKW) guard.unlock();  // never wait for another process while holding the map
    return gRealFcntl(owner, ofd, lock);
}

int lockingClose(int fd) {
    {
        std::lock_guard<std::mutex> guard(gMutex);
        std::pair<dev_t, ino_t> key;
        if (!gOwners.empty() && inodeOf(fd, key)) {
            auto it = gOwners.find(key);
            if (it != gOwners.end()) {
                gRealClose(it->second);
                gOwners.erase(it);
            }
        }
    }
    return gRealClose(fd);
}

}  // namespace

void useDescriptionLocks() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_vfs* unix = sqlite3_vfs_find("unix");
        if (!unix || unix->iVersion < 3 || !unix->xGetSystemCall || !unix->xSetSystemCall)
            throw StoreError("this SQLite has no unix VFS whose system calls can be set");
        gRealFcntl = reinterpret_cast<FcntlFn>(unix->xGetSystemCall(unix, "fcntl"));
        gRealClose = reinterpret_cast<CloseFn>(unix->xGetSystemCall(unix, "close"));
        if (!gRealFcntl || !gRealClose) throw StoreError("SQLite's unix VFS does not name fcntl and close");
        if (unix->xSetSystemCall(unix, "fcntl", reinterpret_cast<sqlite3_syscall_ptr>(&lockingFcntl)) != SQLITE_OK ||
            unix->xSetSystemCall(unix, "close", reinterpret_cast<sqlite3_syscall_ptr>(&lockingClose)) != SQLITE_OK)
            throw StoreError("cannot give SQLite's unix VFS its locking calls");
    });
}

}  // namespace nourish::detail
