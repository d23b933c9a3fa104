#include "tls/context.hpp"

#include "test_certificate.hpp"

#include <catch2/catch.hpp>

using namespace hiconn::tls;

namespace {
ContextOptions options(const test::CertificateFiles& files) {
    return {files.certificate, files.private_key, "1.2", "", "", ""};
}

std::string key_of_error(const ContextOptions& o) {
    try {
        Context::load(o);
    } catch (const LoadError& e) {
        return e.key();
    }
    return "(loaded)";
}
}  // namespace

TEST_CASE("a certificate and its key load; the description names the subject", "[tls]") {
    const auto files = test::make_certificate("good", "irc.example.org");
    const auto context = Context::load(options(files));
    REQUIRE(context->native() != nullptr);
    CHECK_THAT(context->description(), Catch::StartsWith("CN=irc.example.org, expires "));
    CHECK_FALSE(context->requests_client_certificates());
}

TEST_CASE("each unusable TLS setting is reported under its own key", "[tls]") {
    const auto files = test::make_certificate("one");
    const auto other = test::make_certificate("two");
    auto o = options(files);

    o.certificate = "/nonexistent/cert.pem";
    CHECK(key_of_error(o) == "tls.certificate");
    o.certificate = files.private_key;  // a key is not a certificate
    CHECK(key_of_error(o) == "tls.certificate");

    o = options(files);
    o.private_key = "/nonexistent/key.pem";
    CHECK(key_of_error(o) == "tls.private_key");
    o.private_key = other.private_key;  // the other certificate's key
    CHECK(key_of_error(o) == "tls.private_key");
    try {
        Context::load(o);
    } catch (const LoadError& e) {
        CHECK_THAT(e.what(), Catch::Contains("does not match the certificate"));
    }

    o = options(files);
    o.ciphers = "NO-SUCH-CIPHER";
    CHECK(key_of_error(o) == "tls.ciphers");
    o = options(files);
    o.ciphersuites = "TLS_NO_SUCH_SUITE";
    CHECK(key_of_error(o) == "tls.ciphersuites");
    o = options(files);
    o.client_ca = "/nonexistent/ca.pem";
    CHECK(key_of_error(o) == "tls.client_ca");
    o.client_ca = files.certificate;  // a self-signed certificate is its own CA
    CHECK(Context::load(o)->requests_client_certificates());
}
