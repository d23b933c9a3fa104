// A tls::Session against an OpenSSL client over a real loopback TCP pair, both
// non-blocking and driven by hand in one thread: no timing, every step bounded.
#include "tls/session.hpp"

#include "tls/context.hpp"
#include "test_certificate.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

using namespace hiconn::tls;
namespace asio = boost::asio;
using asio::ip::tcp;
using SessionStatus = Session::Status;

namespace {

struct Pair {
    asio::io_context io;
    tcp::socket client{io};
    tcp::socket server{io};
    Pair() {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
        client.non_blocking(true);
        server.non_blocking(true);
    }
};

struct Client {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = nullptr;
    explicit Client(tcp::socket& socket) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, static_cast<int>(socket.native_handle()));
        SSL_set_connect_state(ssl);
    }
    ~Client() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
};

/// Runs both sides until the client's handshake is done and the server's read would block.
void handshake(Client& client, Session& server) {
    char scrap[64];
    for (int i = 0; i < 1000; ++i) {
        const int rc = SSL_do_handshake(client.ssl);
        const auto r = server.read(scrap, sizeof scrap);
        REQUIRE(r.status != SessionStatus::failed);
        if (rc == 1 && server.handshake_done()) return;
    }
    FAIL("the handshake did not finish");
}

}  // namespace

TEST_CASE("a session handshakes inside its reads, then moves bytes both ways", "[tls]") {
    const auto files = test::make_certificate("session");
    const auto context = Context::load({files.certificate, files.private_key, "1.2", "", "", ""});
    Pair pair;
    Session server(*context);
    REQUIRE(server.attach(static_cast<int>(pair.server.native_handle())));
    Client client(pair.client);

    char buffer[256];
    CHECK(server.read(buffer, sizeof buffer).status == SessionStatus::want_read);  // nothing sent yet
    CHECK_FALSE(server.handshake_done());
    handshake(client, server);
    CHECK_THAT(server.describe(), Catch::StartsWith("TLSv1.3 "));
    CHECK(server.peer_fingerprint().empty());  // no client certificate

    const std::string hello = "hello over tls";
    REQUIRE(SSL_write(client.ssl, hello.data(), static_cast<int>(hello.size())) == static_cast<int>(hello.size()));
    Session::Result r{SessionStatus::want_read, 0};
    for (int i = 0; i < 1000 && r.status == SessionStatus::want_read; ++i) r = server.read(buffer, sizeof buffer);
    REQUIRE(r.status == SessionStatus::ok);
    CHECK(std::string(buffer, r.bytes) == hello);
    CHECK(server.read(buffer, sizeof buffer).status == SessionStatus::want_read);  // drained
    CHECK_FALSE(server.has_buffered());

    // A write takes at most one record.
    const std::string big(3 * Session::max_record, 'x');
    const auto w = server.write(big.data(), big.size());
    REQUIRE(w.status == SessionStatus::ok);
    CHECK(w.bytes == Session::max_record);

    SSL_shutdown(client.ssl);  // close_notify ends the stream, not an error
    Session::Result end{SessionStatus::ok, 0};
    for (int i = 0; i < 1000 && end.status != SessionStatus::closed; ++i) {
        end = server.read(buffer, sizeof buffer);
        REQUIRE(end.status != SessionStatus::failed);
    }
    CHECK(end.status == SessionStatus::closed);
}

TEST_CASE("plain text on a TLS session fails it with OpenSSL's reason", "[tls]") {
    const auto files = test::make_certificate("garbage");
    const auto context = Context::load({files.certificate, files.private_key, "1.2", "", "", ""});
    Pair pair;
    Session server(*context);
    REQUIRE(server.attach(static_cast<int>(pair.server.native_handle())));
    asio::write(pair.client, asio::buffer(std::string("NICK alice\r\nUSER a 0 * :A\r\n")));
    char buffer[256];
    Session::Result r{SessionStatus::want_read, 0};
    for (int i = 0; i < 1000 && r.status == SessionStatus::want_read; ++i) r = server.read(buffer, sizeof buffer);
    INFO("status " << static_cast<int>(r.status) << ", " << Session::last_error());
    CHECK(r.status == SessionStatus::failed);
    CHECK_FALSE(Session::last_error().empty());
}

TEST_CASE("an empty session is plain TCP and moves like a pointer", "[tls]") {
    Session none;
    CHECK_FALSE(static_cast<bool>(none));
    const auto files = test::make_certificate("move");
    const auto context = Context::load({files.certificate, files.private_key, "1.2", "", "", ""});
    Session one(*context);
    none = std::move(one);
    CHECK(static_cast<bool>(none));
    CHECK_FALSE(static_cast<bool>(one));  // NOLINT(bugprone-use-after-move): the point of the test
    static_assert(sizeof(Session) == sizeof(void*));
}
