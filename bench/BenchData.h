#pragma once

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "nourish/core/ClientStore.h"

namespace nourish::bench {

// A deterministic caseload of `count` fictional clients with one guardian
// each. Names are built from syllables so that, as in a real caseload, a
// three-letter prefix matches a few hundred people rather than thousands; a
// few real-world names with diacritics are mixed in.
inline std::vector<Client> syntheticCaseload(int count) {
    static const char* syllables[] = {"ma", "ri", "lo", "an", "be", "ko", "sa", "ne", "ti", "ru", "el", "da",
                                      "vi", "no", "ha", "mi", "za", "fe", "go", "la", "pe", "qu", "sto", "wen",
                                      "bra", "chi", "dor", "fin", "gul", "hen", "jor", "kel", "lin", "mor", "nes",
                                      "por", "ros", "tam", "ul", "yo"};
    static const char* real[] = {"Zoë", "Müller", "Nguyễn", "Ørsted", "Haddad", "O'Connor", "García", "Okafor"};
    std::mt19937 random(42);
    auto word = [&](int parts) {
        std::string w;
        for (int i = 0; i < parts; ++i) w += syllables[random() % std::size(syllables)];
        w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
        return w;
    };
    std::vector<Client> clients;
    clients.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        Client c;
        c.givenName = i % 50 == 0 ? real[random() % std::size(real)] : word(2);
        c.familyName = i % 37 == 0 ? real[random() % std::size(real)] : word(2 + int(random() % 2));
        c.dateOfBirth = std::to_string(2014 + int(random() % 12)) + "-0" + std::to_string(1 + random() % 9) + "-1" +
                        std::to_string(random() % 9);
        Guardian g;
        g.name = word(2) + " " + c.familyName;
        g.email = "parent" + std::to_string(i) + "@example.org";
        g.emailConsent = true;
        c.guardians.push_back(g);
        clients.push_back(std::move(c));
    }
    return clients;
}

}  // namespace nourish::bench
