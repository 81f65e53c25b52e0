#pragma once

namespace nourish::detail {

// Makes every lock SQLite's unix VFS takes an open-file-description lock held
// on a descriptor of its own, so that no other close() in the process can
// drop it (FileLocks.cpp says why). Called before the first connection opens;
// safe to call again.
void useDescriptionLocks();

}  // namespace nourish::detail
