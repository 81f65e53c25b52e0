#include "nourish/core/OutputFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nourish {

namespace fs = std::filesystem;

namespace {

bool isSqliteDatabase(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char header[16] = {};
    ssize_t n = ::read(fd, header, sizeof header);
    ::close(fd);
    return n == ssize_t(sizeof header) && std::memcmp(header, "SQLite format 3", 16) == 0;
}

bool sameFile(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

std::string folderOf(const fs::path& target) {
    return target.has_parent_path() ? target.parent_path().string() : std::string(".");
}

void syncFolder(const fs::path& target) {
    int fd = ::open(folderOf(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

[[noreturn]] void failed(const fs::path& target, const std::string& why) {
    throw OutputError(OutputError::Kind::Failed, "cannot write " + target.string() + ": " + why);
}

}  // namespace

void checkOutputPath(const fs::path& target, const fs::path& store, bool replace) {
    const std::string name = target.string();
    if (name.empty()) throw OutputError(OutputError::Kind::Refused, "no file name was given");
    std::error_code ec;
    fs::path canonicalStore = fs::weakly_canonical(store, ec);
    fs::path canonicalTarget = fs::weakly_canonical(target, ec);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::path companion = store.string() + suffix;
        if (sameFile(target, companion) || (!canonicalStore.empty() && canonicalTarget == fs::path(canonicalStore.string() + suffix)))
            throw OutputError(OutputError::Kind::Refused,
                              name + " is the open store" + (*suffix ? std::string(" (its ") + suffix + " file)" : "") +
                                  "; Nourish never writes over it — choose another file");
    }
    if (fs::is_directory(target, ec))
        throw OutputError(OutputError::Kind::Refused, name + " is a folder; choose a file name inside it");
    if (!fs::exists(fs::symlink_status(target, ec))) return;
    if (isSqliteDatabase(target))
        throw OutputError(OutputError::Kind::Refused,
                          name + " is an SQLite database (a store or a backup); Nourish never writes over one — "
                                 "choose a new file name");
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        std::string text = target.filename().string();
        size_t n = std::strlen(suffix);
        if (text.size() > n && text.compare(text.size() - n, n, suffix) == 0 &&
            isSqliteDatabase(target.parent_path() / text.substr(0, text.size() - n)))
            throw OutputError(OutputError::Kind::Refused,
                              name + " belongs to an SQLite database; Nourish never writes over it — choose a new file name");
    }
    if (!replace) throw OutputError(OutputError::Kind::Exists, name + " already exists");
}

fs::path createOutputTemp(const fs::path& target) {
    std::string pattern = (fs::path(folderOf(target)) / ("." + target.filename().string() + ".part-XXXXXX")).string();
    int fd = ::mkostemp(pattern.data(), O_CLOEXEC);  // mode 0600
    if (fd < 0) failed(target, std::strerror(errno));
    ::close(fd);
    return pattern;
}

void publishOutputFile(const fs::path& temp, const fs::path& target, bool replace) {
    std::error_code ec;
    int rc = replace ? ::rename(temp.c_str(), target.c_str()) : ::link(temp.c_str(), target.c_str());
    int error = errno;
    if (rc != 0) {
        fs::remove(temp, ec);
        if (error == EEXIST) throw OutputError(OutputError::Kind::Exists, target.string() + " already exists");
        failed(target, std::strerror(error));
    }
    if (!replace) fs::remove(temp, ec);
    syncFolder(target);
}

void writeOutputFile(const fs::path& target, std::string_view bytes, const fs::path& store, bool replace) {
    checkOutputPath(target, store, replace);
    fs::path temp = createOutputTemp(target);
    int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    bool ok = fd >= 0;
    std::string why;
    for (size_t written = 0; ok && written < bytes.size();) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = false;
            why = std::strerror(errno);
        } else {
            written += size_t(n);
        }
    }
    if (ok && ::fsync(fd) != 0) {
        ok = false;
        why = std::strerror(errno);
    }
    if (fd >= 0 && ::close(fd) != 0 && ok) {
        ok = false;
        why = std::strerror(errno);
    }
    if (!ok) {
        std::error_code ec;
        fs::remove(temp, ec);
        failed(target, why.empty() ? "cannot open a temporary file" : why);
    }
    // The store may have been chosen between the check and now (a rename race):
    // check again right before the name changes.
    try {
        checkOutputPath(target, store, replace);
    } catch (...) {
        std::error_code ec;
        fs::remove(temp, ec);
        throw;
    }
    publishOutputFile(temp, target, replace);
}

}  // namespace nourish
