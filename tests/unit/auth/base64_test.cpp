#include "auth/base64.hpp"

#include <catch2/catch.hpp>

using hiconn::auth::base64_decode;
using hiconn::auth::base64_encode;

TEST_CASE("Base64 matches the RFC 4648 test vectors both ways", "[auth]")
{
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        INFO(plain);
        CHECK(base64_encode(plain) == encoded);
        REQUIRE(base64_decode(encoded));
        CHECK(*base64_decode(encoded) == plain);
    }
    // SASL PLAIN's NUL separators and bytes past 127 survive.
    const std::string binary("\0u\0p\xff\x80", 6);
    CHECK(*base64_decode(base64_encode(binary)) == binary);
}

TEST_CASE("Base64 decoding refuses anything but one exact encoding", "[auth]")
{
    for (const char* bad : {"Zg", "Zg=", "Zg===", "Z===", "Zm9v\n", " Zm9v", "Zm9v====", "Zm=v",
                            "Zh==", "Zm9=", "Zm-v", "Zm_v", "=Zm9", "Zg==Zg=="}) {
        INFO(bad);
        CHECK_FALSE(base64_decode(bad));
    }
}
