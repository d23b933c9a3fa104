// federation::Envelope: decode() of what arrives from Redis (untrusted: it must refuse
// every malformed frame with a message and never throw), encode() and the round trip.
#include "federation/envelope.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace hiconn::federation;
using namespace std::string_literals;

namespace {

// A frame with every field valid; tests change one thing at a time.
Json good_frame() {
    return Json{{"n", "irc.a.test"}, {"i", "0123456789abcdef"}, {"s", 7}, {"t", "msg"}, {"x", "hi"}};
}

std::optional<Envelope> decode_json(const Json& j, std::string& error) { return decode(j.dump(), error); }

// decode() must refuse `payload` with a non-empty message.
void refused(const std::string& payload) {
    INFO("payload: " << payload.substr(0, 200));
    std::string error;
    std::optional<Envelope> e;
    REQUIRE_NOTHROW(e = decode(payload, error));
    CHECK_FALSE(e.has_value());
    CHECK_FALSE(error.empty());
}

void refused(const Json& frame) { refused(frame.dump()); }
void refused(const char* payload) { refused(std::string(payload)); }

}  // namespace

TEST_CASE("envelope: decode a valid frame", "[federation][envelope]") {
    std::string error;
    auto e = decode(R"({"n":"irc.a.test","i":"0123456789abcdef","s":7,"t":"msg","x":"hi","u":3})", error);
    REQUIRE(e);
    CHECK(error.empty());
    CHECK(e->node == "irc.a.test");
    CHECK(e->incarnation == "0123456789abcdef");
    CHECK(e->seq == 7);
    CHECK(e->type == "msg");
    // The body is the whole object: the workload reads its own fields from it.
    REQUIRE(e->body.is_object());
    CHECK(e->body.at("x") == "hi");
    CHECK(e->body.at("u") == 3);
    CHECK(e->body.at("n") == "irc.a.test");

    // Whitespace, field order and the largest sequence number are fine.
    e = decode(" \n{ \"t\" : \"hb\", \"s\" : 18446744073709551615, \"i\":\"x\", \"n\":\"a\" }\t", error);
    REQUIRE(e);
    CHECK(e->seq == std::numeric_limits<std::uint64_t>::max());
    CHECK(e->type == "hb");
    CHECK(e->node == "a");
    CHECK(e->incarnation == "x");

    // Limits: a 63-byte node name, a 32-byte incarnation, a 16-byte type.
    Json j = good_frame();
    j["n"] = std::string(63, 'n');
    j["i"] = std::string(32, 'i');
    j["t"] = std::string(16, 't');
    e = decode_json(j, error);
    REQUIRE(e);
    CHECK(e->node.size() == 63);
    CHECK(e->incarnation.size() == 32);
    CHECK(e->type.size() == 16);
}

TEST_CASE("envelope: decode refuses what is not a JSON object", "[federation][envelope]") {
    refused("");
    refused(" ");
    refused("not json");
    refused("{");
    refused("{\"n\":\"a\"");
    refused("}");
    refused("null");
    refused("true");
    refused("42");
    refused("\"a string\"");
    refused("[]");
    refused(R"([{"n":"irc.a.test","i":"x","s":1,"t":"msg"}])");  // an array of frames
    refused(R"({"n":"irc.a.test","i":"x","s":1,"t":"msg"} trailing)");
    refused(R"({"n":"irc.a.test","i":"x","s":1,"t":"msg"}{"n":"irc.a.test"})");
    refused(R"({"n":"irc.a.test","i":"x","s":1,"t":"msg",})");   // trailing comma
    refused(R"({'n':'irc.a.test','i':'x','s':1,'t':'msg'})");    // single quotes
    refused(R"({n:"irc.a.test",i:"x",s:1,t:"msg"})");            // bare keys
    refused("{\"n\":\"irc.a.test\",\"i\":\"x\",\"s\":1,\"t\":\"msg\",\"x\":\"\xff\xfe\"}");  // bad UTF-8
    refused("{\"n\":\"irc.a\0b\",\"i\":\"x\",\"s\":1,\"t\":\"msg\"}"s);  // a raw NUL
}

TEST_CASE("envelope: decode refuses missing or wrong-typed n/i/s/t", "[federation][envelope]") {
    for (const char* key : {"n", "i", "s", "t"}) {
        INFO("field " << key);
        Json j = good_frame();
        j.erase(key);
        refused(j);
        for (Json wrong : {Json(nullptr), Json(true), Json(1.5), Json::array({"irc.a.test"}),
                           Json::object({{"v", "irc.a.test"}})}) {
            j[key] = wrong;
            refused(j);
        }
    }
    // n, i and t are non-empty strings of bounded size.
    for (const char* key : {"n", "i", "t"}) {
        Json j = good_frame();
        j[key] = 5;
        refused(j);
        j[key] = "";
        refused(j);
    }
    Json j = good_frame();
    j["i"] = std::string(33, 'i');
    refused(j);
    j = good_frame();
    j["t"] = std::string(17, 't');
    refused(j);
    j = good_frame();
    j["n"] = std::string(64, 'n');
    refused(j);
    // The incarnation is letters and digits only.
    for (const char* bad : {"inc-1", "inc 1", "a.b", "x|y", "x:y", "\xc3\xa9", "a\r\nb"}) {
        INFO("i = " << bad);
        j = good_frame();
        j["i"] = bad;
        refused(j);
    }
    j = good_frame();
    j["i"] = "AZaz09";
    std::string error;
    CHECK(decode_json(j, error).has_value());
    // s: an unsigned integer from 1.
    for (Json s : {Json("7"), Json(0), Json(-1), Json(-9223372036854775807LL), Json(7.0), Json(1e30)}) {
        INFO("s = " << s.dump());
        j = good_frame();
        j["s"] = s;
        refused(j);
    }
    refused(R"({"n":"irc.a.test","i":"x","s":0,"t":"msg"})");
    refused(R"({"n":"irc.a.test","i":"x","s":-1,"t":"msg"})");
    refused(R"({"n":"irc.a.test","i":"x","s":-0,"t":"msg"})");
    refused(R"({"n":"irc.a.test","i":"x","s":1.5,"t":"msg"})");
    refused(R"({"n":"irc.a.test","i":"x","s":18446744073709551616,"t":"msg"})");  // 2^64
}

TEST_CASE("envelope: node names", "[federation][envelope]") {
    for (const char* good : {"a", "A", "0", "irc.a.test", "node-1", "node_1", "a.", "a-", "9lives"}) {
        INFO(good);
        CHECK(valid_node_name(good));
    }
    CHECK(valid_node_name(std::string(63, 'x')));
    for (const char* bad : {"", ".a", "-a", "_a", "a b", " a", "a\tb", "a/b", "a:b", "a|b", "a,b",
                            "a*", "\xc3\xa9t\xc3\xa9", "a\r", "a\n"}) {
        INFO(bad);
        CHECK_FALSE(valid_node_name(bad));
        Json j = good_frame();
        j["n"] = bad;
        refused(j);
    }
    CHECK_FALSE(valid_node_name(std::string(64, 'x')));
    CHECK_FALSE(valid_node_name(std::string_view("a\0b", 3)));
}

TEST_CASE("envelope: decode refuses a payload that is too large", "[federation][envelope]") {
    // Exactly the limit is accepted (a frame padded with spaces)...
    std::string frame = good_frame().dump();
    std::string payload = frame + std::string(max_payload_bytes - frame.size(), ' ');
    REQUIRE(payload.size() == max_payload_bytes);
    std::string error;
    auto e = decode(payload, error);
    CHECK(e.has_value());
    // ...one byte more is refused before parsing.
    payload += ' ';
    error.clear();
    e = decode(payload, error);
    CHECK_FALSE(e.has_value());
    CHECK(error.find("too large") != std::string::npos);
}

TEST_CASE("envelope: decode refuses deep nesting before parsing it", "[federation][envelope]") {
    std::string error;
    CHECK_FALSE(decode(std::string(100000, '[') + std::string(100000, ']'), error));
    CHECK(error == "nested deeper than 32 levels");
    CHECK_FALSE(decode(std::string(100000, '['), error));
    std::string nested = R"({"n":"irc1.test","i":"a1","s":1,"t":"x","d":)";
    for (int i = 0; i < 31; ++i) nested += '[';  // 32 levels with the outer object
    nested += "1";
    for (int i = 0; i < 31; ++i) nested += ']';
    nested += "}";
    CHECK(decode(nested, error));
    // Brackets inside strings are text, not nesting.
    const std::string text = R"({"n":"irc1.test","i":"a1","s":1,"t":"x","x":")" + std::string(100, '[') + R"(\"["})";
    CHECK(decode(text, error));
}

TEST_CASE("envelope: encode and decode round trip", "[federation][envelope]") {
    Json body{{"u", 42}, {"nick", "alice"}, {"x", "h\xc3\xa9llo \"quoted\" \\ back"}, {"p", Json::array({"a", 1})},
              {"nested", Json{{"k", Json::array()}}}, {"flag", true}};
    std::string payload = encode(body, "irc.a.test", "0123456789abcdef", 12345, "msg");
    CHECK(payload.find('\n') == std::string::npos);  // compact
    std::string error;
    auto e = decode(payload, error);
    REQUIRE(e);
    CHECK(e->node == "irc.a.test");
    CHECK(e->incarnation == "0123456789abcdef");
    CHECK(e->seq == 12345);
    CHECK(e->type == "msg");
    for (auto& [key, value] : body.items()) {
        INFO(key);
        CHECK(e->body.at(key) == value);
    }

    // The frame fields win over fields of the same name in the body.
    payload = encode(Json{{"n", "other"}, {"i", 5}, {"s", "x"}, {"t", Json::array()}, {"y", 1}}, "b", "inc", 1, "hb");
    e = decode(payload, error);
    REQUIRE(e);
    CHECK(e->node == "b");
    CHECK(e->incarnation == "inc");
    CHECK(e->seq == 1);
    CHECK(e->type == "hb");
    CHECK(e->body.at("y") == 1);

    // An empty (null) body becomes an object; the largest sequence number survives.
    e = decode(encode(Json(), "c", "i", std::numeric_limits<std::uint64_t>::max(), "bye"), error);
    REQUIRE(e);
    CHECK(e->seq == std::numeric_limits<std::uint64_t>::max());

    // Invalid UTF-8 from a client is replaced (U+FFFD), not thrown; the frame still decodes.
    REQUIRE_NOTHROW(payload = encode(Json{{"x", std::string("a\xff\xfe" "b")}}, "a", "i", 2, "msg"));
    e = decode(payload, error);
    REQUIRE(e);
    CHECK(e->body.at("x") == "a\xef\xbf\xbd\xef\xbf\xbd" "b");

    // Control characters are escaped in the JSON and come back as they were.
    e = decode(encode(Json{{"x", std::string("a\r\n\0b", 5)}}, "a", "i", 3, "msg"), error);
    REQUIRE(e);
    CHECK(e->body.at("x") == std::string("a\r\n\0b", 5));

    // What encode() produces with a sequence number of 0 or a bad node name is still refused.
    CHECK_FALSE(decode(encode(Json::object(), "a", "i", 0, "msg"), error));
    CHECK_FALSE(decode(encode(Json::object(), "bad name", "i", 1, "msg"), error));
}

TEST_CASE("envelope: decode never throws on random input", "[federation][envelope]") {
    std::mt19937 random(20240611u);  // deterministic
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    std::vector<std::string> inputs;

    // Random bytes.
    for (int i = 0; i < 300; ++i) {
        std::string s(pick(200), '\0');
        for (char& c : s) c = static_cast<char>(random() & 0xff);
        inputs.push_back(std::move(s));
    }
    // Random sequences of JSON tokens (they reach deeper into the parser).
    const std::vector<std::string> tokens{"{", "}", "[", "]", ":", ",", "\"n\"", "\"i\"", "\"s\"", "\"t\"",
                                          "\"irc.a.test\"", "\"msg\"", "0", "1", "-1", "1e999", "1.5",
                                          "18446744073709551616", "true", "false", "null", "\"\\u0000\"",
                                          "\"\\ud800\"", "\"\\x\"", "\"", "\\", " ", "\xff", "\"a\xc3\""};
    for (int i = 0; i < 300; ++i) {
        std::string s;
        for (std::size_t n = pick(40); n > 0; --n) s += tokens[pick(tokens.size())];
        inputs.push_back(std::move(s));
    }
    // A valid frame with a few bytes changed, cut or duplicated.
    const std::string frame = encode(Json{{"u", 1}, {"x", "hello"}}, "irc.a.test", "0123456789abcdef", 9, "msg");
    for (int i = 0; i < 300; ++i) {
        std::string s = frame;
        for (std::size_t n = 1 + pick(4); n > 0; --n) {
            switch (pick(3)) {
            case 0: s[pick(s.size())] = static_cast<char>(random() & 0xff); break;
            case 1: s.erase(pick(s.size())); break;
            default: s.insert(pick(s.size()), s.substr(pick(s.size()), 1 + pick(8))); break;
            }
            if (s.empty()) s = "{";
        }
        inputs.push_back(std::move(s));
    }

    std::size_t accepted = 0;
    for (const std::string& input : inputs) {
        std::string error;
        std::optional<Envelope> e;
        REQUIRE_NOTHROW(e = decode(input, error));
        if (e) {
            ++accepted;
            // Whatever is accepted is a well-formed frame.
            CHECK(valid_node_name(e->node));
            CHECK_FALSE(e->incarnation.empty());
            CHECK(e->incarnation.size() <= 32);
            CHECK(e->incarnation.find_first_not_of(
                      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos);
            CHECK_FALSE(e->type.empty());
            CHECK(e->type.size() <= 16);
            CHECK(e->seq > 0);
            CHECK(e->body.is_object());
        } else {
            CHECK_FALSE(error.empty());
        }
    }
    CHECK(accepted < inputs.size());
}
