#include "tools/load/endpoints.hpp"

#include "tools/load/host.hpp"
#include "tools/load/options.hpp"

#include <boost/asio/io_context.hpp>

#include <stdexcept>

namespace hiconn::load {

namespace asio = boost::asio;
using asio::ip::tcp;

Target make_target(const std::vector<std::string>& servers, const std::vector<std::string>& sources) {
    Target t;
    asio::io_context io;
    tcp::resolver resolver(io);
    for (const auto& entry : servers) {
        ServerAddress a;
        try {
            a = parse_server_address(entry);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(e.what());
        }
        boost::system::error_code ec;
        auto results = resolver.resolve(a.host, std::to_string(a.port), ec);
        if (ec || results.empty())
            throw std::runtime_error("cannot resolve " + a.host + ": " + ec.message());
        t.servers.push_back(results.begin()->endpoint());
        t.names.push_back(entry);
    }
    if (t.servers.empty()) throw std::runtime_error("no server to connect to");
    t.sources.resize(t.servers.size());
    for (const auto& s : sources) {
        boost::system::error_code ec;
        auto address = asio::ip::make_address(s, ec);
        if (ec) throw std::runtime_error("bad --sources address '" + s + "'");
        bool used = false;
        for (std::size_t i = 0; i < t.servers.size(); ++i) {
            if (address.is_v4() != t.servers[i].address().is_v4()) continue;
            t.sources[i].push_back(address);
            used = true;
        }
        if (!used) throw std::runtime_error("source " + s + " is not of the server's address family");
    }
    if (!sources.empty())
        for (std::size_t i = 0; i < t.servers.size(); ++i)
            if (t.sources[i].empty())
                throw std::runtime_error("no --sources address of the address family of server " + t.names[i]);
    return t;
}

boost::system::error_code open_socket(tcp::socket& socket, const Target& target, std::size_t server,
                                      std::uint64_t source_index) {
    boost::system::error_code ec;
    socket.open(target.servers[server].protocol(), ec);
    if (ec) return ec;
    socket.set_option(tcp::no_delay(true), ec);
    const auto& sources = target.sources[server];
    if (sources.empty()) return {};
    host::defer_port_choice(socket);
    socket.bind(tcp::endpoint(sources[source_index % sources.size()], 0), ec);
    return ec;
}

}  // namespace hiconn::load
