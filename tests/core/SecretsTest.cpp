// Secret settings: sealed with a key file outside the store (mode 0600), opened
// only with that key, and a changed value refused rather than misread.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "nourish/core/Errors.h"
#include "nourish/core/Secrets.h"
#include "nourish/core/Settings.h"
#include "nourish/core/Store.h"
#include "support/TempDir.h"

using namespace nourish;

namespace {

class SecretsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* v = std::getenv("XDG_CONFIG_HOME")) previous = v;
        setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
    }
    void TearDown() override {
        if (previous.empty()) unsetenv("XDG_CONFIG_HOME");
        else setenv("XDG_CONFIG_HOME", previous.c_str(), 1);
    }
    test::TempDir dir;
    std::string previous;
};

}  // namespace

TEST_F(SecretsTest, SealedUnderAKeyOnlyTheUserCanRead_AndOpenedAgain) {
    std::string sealed = sealSecret("pa55 wörd");
    EXPECT_TRUE(isSealed(sealed));
    EXPECT_EQ(sealed.find("pa55"), std::string::npos);
    EXPECT_NE(sealSecret("pa55 wörd"), sealed) << "a fresh nonce every time";
    EXPECT_EQ(openSecret(sealed), "pa55 wörd");
    struct stat st {};
    ASSERT_EQ(stat(secretKeyPath().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(secretKeyPath(), dir / "config" / "nourish" / "secret.key");
}

TEST_F(SecretsTest, ATamperedValueOrAnotherKeyIsRefused) {
    std::string sealed = sealSecret("pa55");
    std::string changed = sealed;
    changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_THROW(openSecret(changed), StoreError);
    std::filesystem::remove(secretKeyPath());
    try {
        openSecret(sealed);
        FAIL() << "opened without its key";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("is missing; set the secret again"), std::string::npos) << e.what();
    }
    sealSecret("x");  // a new key
    EXPECT_THROW(openSecret(sealed), StoreError) << "a key made later does not open an older value";
}

TEST_F(SecretsTest, APluginsSecretSettingIsStoredSealed) {
    Store store(dir / "n.db");
    PluginSettings settings(store, "org.example.mail");
    settings.setSecret("smtp.password", "hunter2");
    EXPECT_TRUE(isSealed(*settings.get("smtp.password")));
    EXPECT_EQ(*settings.getSecret("smtp.password"), "hunter2");
    EXPECT_THROW(settings.setSecret("smtp.password", "line\nbreak"), ValidationError);
    settings.setSecret("smtp.password", "");
    EXPECT_FALSE(settings.getSecret("smtp.password").has_value()) << "an empty value removes it";
}

TEST_F(SecretsTest, AKeyFileOthersCanRead_IsRefusedWithTheFix) {
    std::string sealed = sealSecret("pa55");
    chmod(secretKeyPath().c_str(), 0644);
    try {
        openSecret(sealed);
        FAIL() << "a key others can read was used";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("readable by others (mode 0644)"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("chmod 600 " + secretKeyPath().string()), std::string::npos) << e.what();
    }
    chmod(secretKeyPath().c_str(), 0600);
    EXPECT_EQ(openSecret(sealed), "pa55");
}
