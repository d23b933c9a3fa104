// The wildcard matcher of WHO masks and ban lists.
#include "workloads/chat/mask.hpp"

#include <catch2/catch.hpp>

#include <string>

using hiconn::chat::has_wildcard;
using hiconn::chat::mask_match;

TEST_CASE("mask: literal masks compare under rfc1459 casemapping", "[chat][mask]") {
    CHECK(mask_match("alice", "alice"));
    CHECK(mask_match("ALICE", "alice"));
    CHECK(mask_match("a[b]\\~", "A{B}|^"));
    CHECK_FALSE(mask_match("alice", "alic"));
    CHECK_FALSE(mask_match("alic", "alice"));
    CHECK(mask_match("", ""));
    CHECK_FALSE(mask_match("", "a"));
}

TEST_CASE("mask: '*' matches any run, '?' one byte", "[chat][mask]") {
    CHECK(mask_match("*", ""));
    CHECK(mask_match("*", "anything at all"));
    CHECK(mask_match("a*", "a"));
    CHECK(mask_match("a*e", "alice"));
    CHECK(mask_match("*ce", "alice"));
    CHECK(mask_match("?lice", "alice"));
    CHECK_FALSE(mask_match("?alice", "alice"));
    CHECK(mask_match("a?i*", "alice"));
    CHECK(mask_match("*!*@127.0.0.1", "bob!~bob@127.0.0.1"));
    CHECK(mask_match("*!~BOB@*", "bob!~bob@127.0.0.1"));
    CHECK_FALSE(mask_match("*!*@127.0.0.2", "bob!~bob@127.0.0.1"));
    CHECK(mask_match("a*b*c", "aXbYbZc"));
    CHECK_FALSE(mask_match("a*b*c", "aXbYbZ"));
    CHECK(mask_match("**?**", "x"));
    CHECK_FALSE(mask_match("**?**", ""));
}

TEST_CASE("mask: a pathological mask stays fast", "[chat][mask]") {
    const std::string text(400, 'a');
    CHECK_FALSE(mask_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
    CHECK(mask_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", text));
}

TEST_CASE("mask: has_wildcard", "[chat][mask]") {
    CHECK(has_wildcard("a*"));
    CHECK(has_wildcard("?"));
    CHECK_FALSE(has_wildcard("alice"));
}

TEST_CASE("mask: full_mask fills in the missing parts", "[chat][mask]") {
    using hiconn::chat::full_mask;
    CHECK(full_mask("nick") == "nick!*@*");
    CHECK(full_mask("user@host") == "*!user@host");
    CHECK(full_mask("nick!user") == "nick!user@*");
    CHECK(full_mask("n!u@h") == "n!u@h");
    CHECK(full_mask("*!*@10.0.0.*") == "*!*@10.0.0.*");
    CHECK(full_mask("!@") == "*!*@*");
    CHECK(full_mask("@h") == "*!*@h");
}
