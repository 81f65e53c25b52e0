#include "nourish/core/DemoCaseload.h"

#include <chrono>

#include "nourish/core/ClientStore.h"
#include "nourish/core/Dates.h"
#include "nourish/core/Settings.h"

namespace nourish {

namespace {

struct DemoFamily {
    const char* given;
    const char* family;
    const char* preferred;
    int ageInMonths;
    const char* sex;
    const char* guardian1;
    const char* relationship1;
    const char* email1;
    bool consent1;
    const char* guardian2;
    const char* relationship2;
    const char* email2;
};

// Fictional families; every address is at example.org.
const DemoFamily kFamilies[] = {
    {"Zoë", "Müller", nullptr, 7, "female", "Hanna Müller", "mother", "hanna.mueller@example.org", true,
     "Jonas Müller", "father", "jonas.mueller@example.org"},
    {"Oliver", "Bennett", "Ollie", 14, "male", "Sarah Bennett", "mother", "sarah.bennett@example.org", true,
     nullptr, nullptr, nullptr},
    {"Minh", "Nguyễn", nullptr, 10, "male", "Lan Nguyễn", "mother", "lan.nguyen@example.org", true, "Bảo Nguyễn",
     "father", "bao.nguyen@example.org"},
    {"Freja", "Ørsted", nullptr, 26, "female", "Mette Ørsted", "mother", "mette.orsted@example.org", false,
     "Lars Ørsted", "father", "lars.orsted@example.org"},
    {"Layla", "Haddad", nullptr, 5, "female", "Yasmin Haddad", "mother", "yasmin.haddad@example.org", true,
     nullptr, nullptr, nullptr},
    {"נועה", "כהן", "Noa", 18, "female", "Tamar Cohen", "mother", "tamar.cohen@example.org", true, nullptr,
     nullptr, nullptr},
    {"يوسف", "العلي", "Yusuf", 33, "male", "Mariam Al-Ali", "mother", "mariam.alali@example.org", true,
     "Omar Al-Ali", "father", "omar.alali@example.org"},
    {"Isla", "O'Connor", nullptr, 9, "female", "Aoife O'Connor", "mother", "aoife.oconnor@example.org", true,
     nullptr, nullptr, nullptr},
    {"Theo", "Williams", nullptr, 48, "male", "Grace Williams", "grandmother", "grace.williams@example.org", true,
     "Daniel Williams", "father", nullptr},
    {"Amara", "Okafor", nullptr, 12, "female", "Chioma Okafor", "mother", "chioma.okafor@example.org", true,
     nullptr, nullptr, nullptr},
    {"Lucas", "García", "Luca", 3, "male", "Elena García", "mother", "elena.garcia@example.org", true,
     "Pablo García", "father", "pablo.garcia@example.org"},
    {"Maya", "Patel", nullptr, 70, "female", "Priya Patel", "mother", "priya.patel@example.org", true, nullptr,
     nullptr, nullptr},
};

Date monthsBefore(const Date& today, int months, int dayOffset) {
    using namespace std::chrono;
    year_month_day ymd{year{today.year}, month{static_cast<unsigned>(today.month)}, day{1}};
    ymd = ymd - std::chrono::months{months};
    int d = std::min(28, std::max(1, today.day - dayOffset));
    return Date{int(ymd.year()), int(unsigned(ymd.month())), d};
}

}  // namespace

int seedDemoCaseload(Store& store) {
    ClientStore clients(store);
    if (!clients.isEmpty()) return 0;
    Actor actor{"demo", "demo"};
    // All or nothing: a demo interrupted half-way would never be completed.
    Transaction tx(store.db());
    PracticeSettings(store).setMany({{"practice.name", "Little Roots Nutrition"},
                                     {"practice.practitioner", "Claire Hughes, Registered Nutritionist"},
                                     {"practice.address", "12 Orchard Lane\nBristol BS1 4AB"},
                                     {"practice.phone", "+44 117 496 0000"},
                                     {"practice.email", "hello@littleroots.example.org"},
                                     {"practice.hours", "Monday to Friday, 9am to 5pm"},
                                     {"practice.country", "GB"}},
                                    actor);

    Date today = Date::today();
    int added = 0, index = 0;
    for (const DemoFamily& f : kFamilies) {
        Client c;
        c.givenName = f.given;
        c.familyName = f.family;
        if (f.preferred) c.preferredName = f.preferred;
        c.dateOfBirth = monthsBefore(today, f.ageInMonths, index++ % 7).iso();
        c.sex = f.sex;
        Guardian first;
        first.name = f.guardian1;
        first.relationship = f.relationship1;
        first.email = f.email1;
        first.phone = "+44 7700 900" + std::to_string(100 + index);
        first.emailConsent = f.consent1;
        c.guardians.push_back(first);
        if (f.guardian2) {
            Guardian second;
            second.name = f.guardian2;
            second.relationship = f.relationship2;
            if (f.email2) second.email = f.email2;
            c.guardians.push_back(second);
        }
        c.healthDataConsent = true;
        c.healthDataConsentBy = f.guardian1;
        clients.create(c, actor);
        ++added;
    }
    tx.commit();
    return added;
}

}  // namespace nourish
