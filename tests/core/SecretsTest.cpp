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
    std::string sealed = sealSecret("pa55 wörd", "here");
    EXPECT_TRUE(isSealed(sealed));
    EXPECT_EQ(sealed.find("pa55"), std::string::npos);
    EXPECT_NE(sealSecret("pa55 wörd", "here"), sealed) << "a fresh nonce every time";
    EXPECT_EQ(openSecret(sealed, "here"), "pa55 wörd");
    EXPECT_THROW(openSecret(sealed, "there"), StoreError) << "bound to what it was sealed for";
    struct stat st {};
    ASSERT_EQ(stat(secretKeyPath().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(secretKeyPath(), dir / "config" / "nourish" / "secret.key");
}

TEST_F(SecretsTest, ATamperedValueOrAnotherKeyIsRefused) {
    std::string sealed = sealSecret("pa55", "here");
    std::string changed = sealed;
    changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_THROW(openSecret(changed, "here"), StoreError);
    std::filesystem::remove(secretKeyPath());
    try {
        openSecret(sealed, "here");
        FAIL() << "opened without its key";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("is missing; set the secret again"), std::string::npos) << e.what();
    }
    sealSecret("x", "here");  // a new key
    EXPECT_THROW(openSecret(sealed, "here"), StoreError) << "a key made later does not open an older value";
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
    std::string sealed = sealSecret("pa55", "here");
    chmod(secretKeyPath().c_str(), 0644);
    try {
        openSecret(sealed, "here");
        FAIL() << "a key others can read was used";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("readable by others (mode 0644)"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("chmod 600 " + secretKeyPath().string()), std::string::npos) << e.what();
    }
    chmod(secretKeyPath().c_str(), 0600);
    EXPECT_EQ(openSecret(sealed, "here"), "pa55");
}

TEST_F(SecretsTest, ASealedValueOpensOnlyInTheStoreAndUnderTheKeyItWasSealedFor) {
    Store first(dir / "first.db"), second(dir / "second.db");
    PluginSettings mail(first, "org.example.mail");
    mail.setSecret("smtp.password", "hunter2");
    std::string sealed = *mail.get("smtp.password");
    // Copied into another store (same user, same key file) under the same plugin and key.
    PluginSettings(second, "org.example.mail").set("smtp.password", sealed);
    try {
        PluginSettings(second, "org.example.mail").getSecret("smtp.password");
        FAIL() << "a value sealed for another store was opened";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("smtp.password"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("set it again"), std::string::npos) << e.what();
    }
    // Moved to another setting, or to another plugin, in the same store.
    mail.set("backup.password", sealed);
    EXPECT_THROW(mail.getSecret("backup.password"), StoreError);
    PluginSettings(first, "org.example.other").set("smtp.password", sealed);
    EXPECT_THROW(PluginSettings(first, "org.example.other").getSecret("smtp.password"), StoreError);
    EXPECT_EQ(*mail.getSecret("smtp.password"), "hunter2") << "where it was sealed it still opens";
}

TEST_F(SecretsTest, AValueSealedBeforeSecretsWereBound_StillOpens_AndIsResealedForItsStore) {
    Store store(dir / "n.db");
    PluginSettings mail(store, "org.example.mail");
    std::string legacy = sealSecret("hunter2", "");  // bound to nothing, as every value was before
    ASSERT_EQ(legacy.rfind("sealed:v1:", 0), 0u);
    mail.set("smtp.password", legacy);
    EXPECT_EQ(*mail.getSecret("smtp.password"), "hunter2");
    std::string now = *mail.get("smtp.password");
    EXPECT_EQ(now.rfind("sealed:v2:", 0), 0u) << now;
    EXPECT_EQ(*mail.getSecret("smtp.password"), "hunter2");
}
