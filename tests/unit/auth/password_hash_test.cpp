#include "auth/password_hash.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hiconn::auth;

// The tests use the minimum iteration count: what they check does not depend on the cost.
TEST_CASE("A password hash verifies its own password and no other", "[auth]")
{
    const std::string hash = hash_password("correct horse", min_iterations);
    CHECK(hash.rfind("$pbkdf2-sha256$i=1000$", 0) == 0);
    CHECK(is_password_hash(hash));
    CHECK(verify_password("correct horse", hash));
    CHECK_FALSE(verify_password("correct hors", hash));
    CHECK_FALSE(verify_password("correct horse ", hash));
    CHECK_FALSE(verify_password("", hash));
    const auto parts = parse_password_hash(hash);
    REQUIRE(parts);
    CHECK(parts->iterations == min_iterations);
    CHECK(parts->salt.size() == salt_bytes);
    CHECK(parts->key.size() == key_bytes);
}

TEST_CASE("Each hash of the same password has its own salt", "[auth]")
{
    const std::string a = hash_password("same", min_iterations);
    const std::string b = hash_password("same", min_iterations);
    CHECK(a != b);
    CHECK(verify_password("same", a));
    CHECK(verify_password("same", b));
}

TEST_CASE("A known PBKDF2-HMAC-SHA256 vector verifies", "[auth]")
{
    // Computed independently with Python's hashlib.pbkdf2_hmac("sha256", b"password",
    // b"saltsalt", 4096, 32): the stored form is read as exactly these parameters.
    const std::string hash = "$pbkdf2-sha256$i=4096$c2FsdHNhbHQ=$"
                             "ZiMD/VuDIBLM8rT9ZlFkcm8vO44PH2jtvpsH6s4pwvU=";
    CHECK(verify_password("password", hash));
    CHECK_FALSE(verify_password("Password", hash));
}

TEST_CASE("Malformed hash strings are refused with a reason, and never verify", "[auth]")
{
    const std::string good = hash_password("x", min_iterations);
    const auto salt_and_key = good.substr(good.find('$', 17));  // "$SALT$KEY"
    for (const std::string& bad : {std::string("secret"), std::string(""), std::string("$pbkdf2-sha256$"),
                                  "$pbkdf2-sha1$i=1000" + salt_and_key, "$pbkdf2-sha256$i=999" + salt_and_key,
                                  "$pbkdf2-sha256$i=2000001" + salt_and_key, "$pbkdf2-sha256$i=1e4" + salt_and_key,
                                  "$pbkdf2-sha256$i=" + salt_and_key, std::string("$pbkdf2-sha256$i=1000$c2FsdA=="),
                                  "$pbkdf2-sha256$i=1000$c2Fs$" + good.substr(good.rfind('$') + 1),
                                  good + "A", good.substr(0, good.size() - 4)}) {
        INFO(bad);
        std::string why;
        CHECK_FALSE(parse_password_hash(bad, &why));
        CHECK_FALSE(why.empty());
        CHECK_FALSE(verify_password("x", bad));
    }
}
