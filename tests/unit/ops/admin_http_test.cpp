// Routing and access rules of the admin endpoint, through respond() (no sockets).
#include "app/admin_http.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace http = boost::beast::http;
using boost::asio::ip::make_address;
using hiconn::app::AdminAccess;
using hiconn::app::AdminCallbacks;
using hiconn::app::HttpRequest;
using hiconn::app::respond;

namespace {

struct Recorder {
    int pauses = 0, resumes = 0, reloads = 0;
    bool reload_result = true;
    AdminCallbacks callbacks() {
        AdminCallbacks c;
        c.sample = [] {
            hiconn::app::MetricsSample s;
            s.stats.connections = 7;
            s.version = "9.9.9";
            s.workload_name = "echo";
            return s;
        };
        c.history = [] { return std::string("{\"series\":{}}\n"); };
        c.pause = [this] { ++pauses; };
        c.resume = [this] { ++resumes; };
        c.reload = [this] { ++reloads; return reload_result; };
        return c;
    }
};

HttpRequest request(http::verb verb, const std::string& target, const std::string& auth = "") {
    HttpRequest r{verb, target, 11};
    if (!auth.empty()) r.set(http::field::authorization, auth);
    return r;
}

const auto loopback = make_address("127.0.0.1");
const auto other = make_address("192.0.2.10");

}  // namespace

TEST_CASE("admin: GET /metrics and /stats", "[ops][admin]") {
    Recorder rec;
    const AdminAccess access({}, "");
    auto r = respond(request(http::verb::get, "/metrics"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(r.body().find("hiconn_connections 7\n") != std::string::npos);
    r = respond(request(http::verb::get, "/stats?x=1"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "application/json");
    CHECK(r.body().find("\"current\": 7") != std::string::npos);
    r = respond(request(http::verb::post, "/metrics"), loopback, access, rec.callbacks());
    CHECK(r.result() == http::status::method_not_allowed);
    CHECK(r[http::field::allow] == "GET");
    r = respond(request(http::verb::get, "/nope"), loopback, access, rec.callbacks());
    CHECK(r.result() == http::status::not_found);
}

TEST_CASE("admin: the status page and its history, for anyone who may GET", "[ops][admin]") {
    Recorder rec;
    const AdminAccess access({}, "s3cret");  // a token guards the controls, not the page
    auto r = respond(request(http::verb::get, "/"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "text/html; charset=utf-8");
    CHECK(r[http::field::cache_control] == "no-cache");
    CHECK(std::string(r["Content-Security-Policy"]).rfind("default-src 'self';", 0) == 0);
    CHECK(r["X-Content-Type-Options"] == "nosniff");
    CHECK(r.body().find("<script src=\"/status.js\"") != std::string::npos);
    const std::string page_length(r[http::field::content_length]);

    r = respond(request(http::verb::get, "/status.js"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "text/javascript; charset=utf-8");
    CHECK(r.body().find("/stats/history") != std::string::npos);
    r = respond(request(http::verb::get, "/status.css?v=1"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "text/css; charset=utf-8");

    r = respond(request(http::verb::head, "/"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r.body().empty());
    CHECK(r[http::field::content_length] == page_length);
    r = respond(request(http::verb::post, "/"), loopback, access, rec.callbacks());
    CHECK(r.result() == http::status::method_not_allowed);
    CHECK(r[http::field::allow] == "GET");
    // The page has one address; no directory listing, no other file.
    CHECK(respond(request(http::verb::get, "/index.html"), loopback, access, rec.callbacks()).result() == http::status::not_found);
    CHECK(respond(request(http::verb::get, "/status"), loopback, access, rec.callbacks()).result() == http::status::not_found);
    CHECK(respond(request(http::verb::get, "/../status.js"), loopback, access, rec.callbacks()).result() == http::status::not_found);

    r = respond(request(http::verb::get, "/stats/history"), other, access, rec.callbacks());
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == "application/json");
    CHECK(r[http::field::cache_control] == "no-store");
    CHECK(r.body() == "{\"series\":{}}\n");
    CHECK(respond(request(http::verb::delete_, "/stats/history"), loopback, access, rec.callbacks()).result() == http::status::method_not_allowed);
}

TEST_CASE("admin: controls from loopback run the callbacks", "[ops][admin]") {
    Recorder rec;
    const AdminAccess access({}, "");
    CHECK(respond(request(http::verb::post, "/pause"), loopback, access, rec.callbacks()).result() == http::status::ok);
    CHECK(respond(request(http::verb::post, "/continue"), make_address("::1"), access, rec.callbacks()).result() == http::status::ok);
    CHECK(respond(request(http::verb::post, "/reload"), make_address("::ffff:127.0.0.1"), access, rec.callbacks()).result() == http::status::ok);
    CHECK(rec.pauses == 1);
    CHECK(rec.resumes == 1);
    CHECK(rec.reloads == 1);
    rec.reload_result = false;
    CHECK(respond(request(http::verb::post, "/reload"), loopback, access, rec.callbacks()).result() == http::status::internal_server_error);
    // GET on a control is refused and does nothing.
    const auto r = respond(request(http::verb::get, "/pause"), loopback, access, rec.callbacks());
    CHECK(r.result() == http::status::method_not_allowed);
    CHECK(rec.pauses == 1);
}

TEST_CASE("admin: controls from other addresses are refused unless allowed", "[ops][admin]") {
    Recorder rec;
    const AdminAccess closed({}, "");
    CHECK(respond(request(http::verb::post, "/pause"), other, closed, rec.callbacks()).result() == http::status::forbidden);
    CHECK(respond(request(http::verb::post, "/reload"), make_address("::ffff:192.0.2.10"), closed, rec.callbacks()).result() == http::status::forbidden);
    // Other loopback addresses are other peers (local containers, test clients).
    CHECK(respond(request(http::verb::post, "/pause"), make_address("127.0.0.2"), closed, rec.callbacks()).result() == http::status::forbidden);
    CHECK(rec.pauses == 0);
    CHECK(rec.reloads == 0);

    const AdminAccess open({"192.0.2.10", "10.1.0.0/16", "2001:db8::/32", "127.0.0.0/8"}, "");
    CHECK(open.address_allowed(make_address("127.0.0.2")));
    CHECK(open.address_allowed(other));
    CHECK(open.address_allowed(make_address("::ffff:192.0.2.10")));  // v4-mapped judged as v4
    CHECK_FALSE(open.address_allowed(make_address("192.0.2.11")));
    CHECK(open.address_allowed(make_address("10.1.255.3")));
    CHECK_FALSE(open.address_allowed(make_address("10.2.0.1")));
    CHECK(open.address_allowed(make_address("2001:db8:1::5")));
    CHECK_FALSE(open.address_allowed(make_address("2001:db9::5")));
    CHECK(respond(request(http::verb::post, "/pause"), other, open, rec.callbacks()).result() == http::status::ok);
    CHECK(rec.pauses == 1);
}

TEST_CASE("admin: the bearer token guards the controls, not the figures", "[ops][admin]") {
    Recorder rec;
    const AdminAccess access({}, "s3cret");
    auto r = respond(request(http::verb::post, "/pause"), loopback, access, rec.callbacks());
    CHECK(r.result() == http::status::unauthorized);
    CHECK(r[http::field::www_authenticate] == "Bearer realm=\"hiconn\"");
    CHECK(respond(request(http::verb::post, "/pause", "Bearer wrong!"), loopback, access, rec.callbacks()).result() == http::status::unauthorized);
    CHECK(respond(request(http::verb::post, "/pause", "Bearer s3cre"), loopback, access, rec.callbacks()).result() == http::status::unauthorized);
    CHECK(respond(request(http::verb::post, "/pause", "Basic s3cret"), loopback, access, rec.callbacks()).result() == http::status::unauthorized);
    CHECK(rec.pauses == 0);
    CHECK(respond(request(http::verb::post, "/pause", "Bearer s3cret"), loopback, access, rec.callbacks()).result() == http::status::ok);
    CHECK(respond(request(http::verb::post, "/continue", "bearer  s3cret "), loopback, access, rec.callbacks()).result() == http::status::ok);
    CHECK(rec.pauses == 1);
    CHECK(rec.resumes == 1);
    // The address check comes first: a right token from a wrong address is still refused.
    CHECK(respond(request(http::verb::post, "/pause", "Bearer s3cret"), other, access, rec.callbacks()).result() == http::status::forbidden);
    CHECK(respond(request(http::verb::get, "/metrics"), loopback, access, rec.callbacks()).result() == http::status::ok);
}

TEST_CASE("admin: a bad allow entry is an error naming it", "[ops][admin]") {
    CHECK_THROWS_WITH(AdminAccess({"10.0.0.0/33"}, ""), Catch::Contains("10.0.0.0/33"));
    CHECK_THROWS_WITH(AdminAccess({"example.com"}, ""), Catch::Contains("example.com"));
    CHECK_THROWS_AS(AdminAccess({"10.0.0.0/"}, ""), std::invalid_argument);
    CHECK_NOTHROW(AdminAccess({"::1", "fe80::/10", "0.0.0.0/0"}, ""));
}

// serve_http_bytes(): a connection's bytes as the session reads them (the fuzz target's path).
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("admin: serve_http_bytes answers pipelined requests until one closes", "[ops][admin]") {
    Recorder rec;
    AdminAccess access({}, "");
    using hiconn::app::serve_http_bytes;
    const std::string out = serve_http_bytes(
        "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST /pause HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
        "POST /continue HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        loopback, access, rec.callbacks());
    CHECK(count_of(out, "HTTP/1.1 200 OK\r\n") == 3);
    CHECK(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(rec.pauses == 1);
    CHECK(rec.resumes == 0);  // after the close
}

TEST_CASE("admin: serve_http_bytes: garbage 400, oversized 413, a partial request nothing", "[ops][admin]") {
    Recorder rec;
    AdminAccess access({}, "");
    using hiconn::app::serve_http_bytes;
    CHECK(serve_http_bytes("NOT HTTP\r\n\r\n", loopback, access, rec.callbacks()).rfind("HTTP/1.1 400 ", 0) == 0);
    const std::string big_header = "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n";
    CHECK(serve_http_bytes(big_header, loopback, access, rec.callbacks()).rfind("HTTP/1.1 413 ", 0) == 0);
    const std::string big_body = "POST /pause HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b');
    CHECK(serve_http_bytes(big_body, loopback, access, rec.callbacks()).rfind("HTTP/1.1 413 ", 0) == 0);
    CHECK(rec.pauses == 0);
    CHECK(serve_http_bytes("", loopback, access, rec.callbacks()).empty());
    // The peer's FIN in the middle of a request: partial_message, answered 400 as a session does.
    CHECK(serve_http_bytes("GET / HTTP/1.1\r\nHo", loopback, access, rec.callbacks()).rfind("HTTP/1.1 400 ", 0) == 0);
}

TEST_CASE("admin: /chat/ routes go to the workload under the controls' rules", "[ops][admin][bans]") {
    Recorder rec;
    AdminCallbacks cb = rec.callbacks();
    std::vector<std::string> seen;
    cb.workload = [&](const hiconn::core::AdminRequest& r) -> std::optional<hiconn::core::AdminReply> {
        seen.push_back(std::string(r.method) + ' ' + std::string(r.path) + ' ' + std::string(r.body) +
                       " by " + std::string(r.who));
        if (r.path == "/chat/none") return std::nullopt;
        return hiconn::core::AdminReply{201, "{}\n", nullptr};
    };
    const AdminAccess open({}, "");
    auto req = request(http::verb::post, "/chat/ban?x=1");
    req.body() = R"({"mask":"a"})";
    auto r = respond(req, loopback, open, cb);
    CHECK(r.result() == http::status::created);
    CHECK(r[http::field::content_type] == "application/json");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == R"(POST /chat/ban {"mask":"a"} by 127.0.0.1)");
    CHECK(respond(request(http::verb::get, "/chat/none"), loopback, open, cb).result() == http::status::not_found);

    // The same address and token rules as POST /pause, GET included (the list shows addresses).
    CHECK(respond(request(http::verb::get, "/chat/clients"), other, open, cb).result() == http::status::forbidden);
    const AdminAccess token({}, "tok");
    CHECK(respond(request(http::verb::get, "/chat/bans"), loopback, token, cb).result() == http::status::unauthorized);
    CHECK(respond(request(http::verb::delete_, "/chat/ban", "Bearer tok"), loopback, token, cb).result() ==
          http::status::created);
    CHECK(seen.back() == "DELETE /chat/ban  by 127.0.0.1 (token)");
    CHECK(seen.size() == 3);  // refused requests never reached the workload

    // Echo: no workload routes at all.
    CHECK(respond(request(http::verb::get, "/chat/clients"), loopback, open, rec.callbacks()).result() ==
          http::status::not_found);
}
