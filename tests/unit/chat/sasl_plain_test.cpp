#include "auth/base64.hpp"
#include "workloads/chat/sasl_plain.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hiconn::chat;
using ChunkStatus = SaslChunks::Status;

TEST_CASE("SASL chunks: a short chunk or '+' ends the payload, 400 bytes ask for more", "[sasl]")
{
    SaslChunks one;
    CHECK(one.add("AGEAYg==") == ChunkStatus::done);
    CHECK(one.payload() == "AGEAYg==");

    SaslChunks empty;
    CHECK(empty.add("+") == ChunkStatus::done);
    CHECK(empty.payload().empty());

    const std::string full(sasl_chunk_bytes, 'A');
    SaslChunks two;
    CHECK(two.add(full) == ChunkStatus::more);
    CHECK(two.add("QQ==") == ChunkStatus::done);
    CHECK(two.payload() == full + "QQ==");

    SaslChunks exact;  // a payload of exactly 400 bytes ends with "+"
    CHECK(exact.add(full) == ChunkStatus::more);
    CHECK(exact.add("+") == ChunkStatus::done);
    CHECK(exact.payload() == full);
}

TEST_CASE("SASL chunks: an oversized chunk or payload is too long (905)", "[sasl]")
{
    SaslChunks wide;
    CHECK(wide.add(std::string(sasl_chunk_bytes + 1, 'A')) == ChunkStatus::too_long);

    SaslChunks many;
    const std::string full(sasl_chunk_bytes, 'A');
    for (std::size_t sent = 0; sent < sasl_max_payload; sent += sasl_chunk_bytes) CHECK(many.add(full) == ChunkStatus::more);
    CHECK(many.add("AAAA") == ChunkStatus::too_long);
}

TEST_CASE("SASL PLAIN messages split into authzid, authcid and password", "[sasl]")
{
    const auto plain = parse_sasl_plain(std::string("\0alice\0secret", 13));
    REQUIRE(plain);
    CHECK(plain->authzid.empty());
    CHECK(plain->authcid == "alice");
    CHECK(plain->password == "secret");

    const auto with_authzid = parse_sasl_plain(std::string("alice\0alice\0pw", 14));
    REQUIRE(with_authzid);
    CHECK(with_authzid->authzid == "alice");

    for (const std::string& bad : {std::string("alice"), std::string("\0alice", 6), std::string("\0\0pw", 4),
                                  std::string("\0alice\0", 7), std::string("\0a\0b\0c", 6)}) {
        INFO(bad.size());
        CHECK_FALSE(parse_sasl_plain(bad));
    }
    const auto decoded = decode_sasl_plain(hiconn::auth::base64_encode(std::string("\0bob\0pw", 7)));
    REQUIRE(decoded);
    CHECK(decoded->authcid == "bob");
    CHECK_FALSE(decode_sasl_plain("not base64!"));
    CHECK_FALSE(decode_sasl_plain(""));
}
