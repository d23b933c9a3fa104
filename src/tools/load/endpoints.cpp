#include "tools/load/endpoints.hpp"

#include "tools/load/host.hpp"

#include <boost/asio/io_context.hpp>

#include <stdexcept>

namespace hiconn::load {

namespace asio = boost::asio;
using asio::ip::tcp;

Target make_target(const std::string& host, std::uint16_t port,
                   const std::vector<std::string>& sources) {
    Target t;
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty())
        throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
    t.server = results.begin()->endpoint();
    for (const auto& s : sources) {
        auto address = asio::ip::make_address(s, ec);
        if (ec) throw std::runtime_error("bad --sources address '" + s + "'");
        if (address.is_v4() != t.server.address().is_v4())
            throw std::runtime_error("source " + s + " is not of the server's address family");
        t.sources.push_back(address);
    }
    return t;
}

boost::system::error_code open_socket(tcp::socket& socket, const Target& target,
                                      std::uint64_t index) {
    boost::system::error_code ec;
    socket.open(target.server.protocol(), ec);
    if (ec) return ec;
    socket.set_option(tcp::no_delay(true), ec);
    if (target.sources.empty()) return {};
    host::defer_port_choice(socket);
    socket.bind(tcp::endpoint(target.sources[index % target.sources.size()], 0), ec);
    return ec;
}

}  // namespace hiconn::load
