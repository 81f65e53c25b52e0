#pragma once

#include <stdexcept>
#include <string>

namespace nourish {

// A problem with the store itself: it cannot be opened, is damaged, or a
// statement failed. The message is meant for the practitioner.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// SQL a plugin is not allowed to run; the message names what it touched.
class AccessDenied : public StoreError {
public:
    using StoreError::StoreError;
};

// Bad input: names the field and the problem ("dob: 2025-13-45 is not a date").
class ValidationError : public std::runtime_error {
public:
    ValidationError(std::string field, const std::string& problem)
        : std::runtime_error(field + ": " + problem), field_(std::move(field)) {}
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

// Not found (a client id that does not exist, ...).
class NotFoundError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace nourish
