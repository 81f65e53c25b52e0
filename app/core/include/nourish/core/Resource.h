#pragma once

#include <span>

namespace nourish {

// A file embedded at build time (migrations, JSON Schemas).
struct Resource {
    const char* name;
    const char* content;
};

namespace resources {
std::span<const Resource> storeMigrations();
std::span<const Resource> schemas();
}  // namespace resources

}  // namespace nourish
