#pragma once

#include <random>
#include <string>
#include <vector>

#include "nourish/core/ClientStore.h"

namespace nourish::bench {

// A deterministic caseload of `count` fictional clients with one guardian each.
inline std::vector<Client> syntheticCaseload(int count) {
    static const char* given[] = {"Zoë", "Oliver", "Amelia", "Noah", "Isla", "Leo", "Freja", "Minh", "Layla",
                                  "Yusuf", "Maya", "Theo", "Amara", "Lucas", "Noa", "Ava", "Arlo", "Ivy",
                                  "Mateo", "Elsie", "Hugo", "Rosie", "Felix", "Aria", "Kai", "Maria", "Martin"};
    static const char* family[] = {"Müller", "Bennett", "Nguyễn", "Ørsted", "Haddad", "Cohen", "O'Connor",
                                   "Williams", "Okafor", "García", "Patel", "Smith", "Jones", "Brown", "Taylor",
                                   "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts", "Walker",
                                   "Wright", "Marsh", "Martinez", "Kowalski", "Novak", "Rossi", "Dubois"};
    std::mt19937 random(42);
    std::vector<Client> clients;
    clients.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        Client c;
        c.givenName = given[random() % std::size(given)];
        c.familyName = std::string(family[random() % std::size(family)]) + (i % 7 ? "" : "-" + std::to_string(i % 97));
        c.dateOfBirth = std::to_string(2014 + int(random() % 12)) + "-0" + std::to_string(1 + random() % 9) + "-1" +
                        std::to_string(random() % 9);
        Guardian g;
        g.name = std::string(given[random() % std::size(given)]) + " " + c.familyName;
        g.email = "parent" + std::to_string(i) + "@example.org";
        g.emailConsent = true;
        c.guardians.push_back(g);
        clients.push_back(std::move(c));
    }
    return clients;
}

}  // namespace nourish::bench
