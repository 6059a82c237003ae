// check_notary_root_certificates() and detect_dialect(): certificates made by
// core::make_self_signed_certificate with software keys, one defect at a time.
#include <gtest/gtest.h>

#include <chrono>

#include "tufkey/core/certificate.h"
#include "tufkey/core/software_signer.h"
#include "tufkey/tuf/notary_root.h"

namespace tufkey::tuf {
namespace {

using namespace std::chrono_literals;
constexpr const char* kGun = "registry.example.com/team/app";

class NotaryRootCertificates : public ::testing::Test {
protected:
    void SetUp() override {
        auto signer = core::SoftwareSigner::generate(core::KeyAlgorithm::ecdsa_p256);
        ASSERT_TRUE(signer.ok());
        m_signer = std::move(*signer);
    }

    // A root whose only root key is a certificate with `cn`, valid from now+from to now+to.
    Root root_with(const std::string& cn, std::chrono::hours from = -1h, std::chrono::hours to = 24h * 365) {
        const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
        auto pem = core::make_self_signed_certificate(*m_signer, cn, now + from, now + to);
        EXPECT_TRUE(pem.ok()) << (pem.ok() ? "" : pem.error().message);
        auto key = Key::notary_x509(*pem);
        EXPECT_TRUE(key.ok());
        Root root;
        root.keys.emplace(key->id(), *key);
        root.root.keyids = {key->id()};
        return root;
    }

    static std::string check(const Root& root, std::chrono::hours later = 0h) {
        auto r = check_notary_root_certificates(root, kGun, std::chrono::system_clock::now() + later);
        return r.ok() ? "ok" : r.error().message;
    }

    std::unique_ptr<core::SoftwareSigner> m_signer;
};

TEST_F(NotaryRootCertificates, CertificateForTheGunPasses) { EXPECT_EQ(check(root_with(kGun)), "ok"); }

TEST_F(NotaryRootCertificates, WildcardPrefixPasses) { EXPECT_EQ(check(root_with("registry.example.com/*")), "ok"); }

TEST_F(NotaryRootCertificates, OtherCommonNameIsRefused) {
    const auto refused = check_notary_root_certificates(root_with("registry.example.com/team/other"), kGun,
                                                        std::chrono::system_clock::now());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, core::TrustReason::certificate);
    const auto message = check(root_with("registry.example.com/team/other"));
    EXPECT_EQ(message.rfind("root: certificate of key ", 0), 0u) << message;
    EXPECT_NE(message.find("is not the repository name"), std::string::npos) << message;
    EXPECT_NE(check(root_with("registry.example.com/other*")), "ok");
}

TEST_F(NotaryRootCertificates, ExpiredCertificateIsRefused) {
    const Root root = root_with(kGun, -1h, 24h);
    EXPECT_EQ(check(root), "ok");
    EXPECT_NE(check(root, 48h).find("expired"), std::string::npos);
}

TEST_F(NotaryRootCertificates, CertificateFromTheFutureIsRefusedBeyondOneDay) {
    EXPECT_EQ(check(root_with(kGun, 12h, 24h * 30)), "ok");  // Notary's one-day clock skew
    EXPECT_NE(check(root_with(kGun, 72h, 24h * 30)).find("not valid yet"), std::string::npos);
}

TEST_F(NotaryRootCertificates, BareKeyIsRefused) {
    Root root;
    const Key key = Key::notary(m_signer->public_key());
    root.keys.emplace(key.id(), key);
    root.root.keyids = {key.id()};
    EXPECT_NE(check(root).find("must be an x509 certificate"), std::string::npos);
}

TEST(DetectDialect, FromTheRootType) {
    EXPECT_EQ(*detect_dialect(R"({"signed":{"_type":"Root"},"signatures":[]})"), Dialect::notary);
    EXPECT_EQ(*detect_dialect(R"({"signed":{"_type":"root"},"signatures":[]})"), Dialect::tuf);
    EXPECT_FALSE(detect_dialect(R"({"signed":{"_type":"Targets"},"signatures":[]})").ok());
    EXPECT_FALSE(detect_dialect("not json").ok());
}

}  // namespace
}  // namespace tufkey::tuf
