#pragma once

#include <string>

#include "nourish/core/ClientStore.h"

namespace nourish::test {

// A valid client with just the required fields, for tests that need one.
inline Client child(const std::string& given, const std::string& family = "Müller",
                    const std::string& dateOfBirth = "2025-03-01") {
    Client c;
    c.givenName = given;
    c.familyName = family;
    c.dateOfBirth = dateOfBirth;
    return c;
}

}  // namespace nourish::test
