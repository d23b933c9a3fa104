#include "core/connection_budget.hpp"
#include "core/stats.hpp"

#include <catch2/catch.hpp>

using namespace hiconn::core;
using boost::asio::ip::make_address;

namespace {
EngineSettings::Limits limits(std::uint64_t max, std::uint32_t per_ip = 0) {
    EngineSettings::Limits l{};
    l.max_connections = max;
    l.max_connections_per_ip = per_ip;
    return l;
}
const auto a = make_address("10.0.0.1");
const auto b = make_address("10.0.0.2");
}  // namespace

TEST_CASE("ConnectionBudget pause: accepts reserve slots and stop at the limit", "[budget]") {
    Stats stats;
    ConnectionBudget budget(stats);
    budget.set_limits(limits(2), LimitAction::pause);
    const auto r1 = budget.reserve_accept();
    const auto r2 = budget.reserve_accept();
    REQUIRE(r1 == Reservation::slot);
    REQUIRE(r2 == Reservation::slot);
    CHECK_FALSE(budget.reserve_accept());  // every slot is held by a posted accept
    CHECK(budget.slots_in_use() == 2);
    CHECK(stats.connections == 0);         // reservations are not connections

    budget.cancel(*r2);  // that accept failed
    CHECK(budget.slots_in_use() == 1);
    const Admission admitted = budget.admit(a, *r1);
    CHECK(admitted.admitted());
    CHECK(stats.connections == 1);
    CHECK(budget.slots_in_use() == 1);  // the reservation became the connection's slot

    budget.release(admitted, a);
    CHECK(budget.slots_in_use() == 0);
    CHECK(stats.connections == 0);
    CHECK(stats.connections_peak == 1);
}

TEST_CASE("ConnectionBudget reject: admission takes a slot or rejects", "[budget]") {
    Stats stats;
    ConnectionBudget budget(stats);
    budget.set_limits(limits(1), LimitAction::reject);
    CHECK(budget.reserve_accept() == Reservation::none);
    CHECK(budget.reserve_accept() == Reservation::none);  // accepts never pause
    const Admission first = budget.admit(a, Reservation::none);
    const Admission second = budget.admit(b, Reservation::none);
    CHECK(first.admitted());
    CHECK_FALSE(second.admitted());
    CHECK(second.rejection() == CloseReason::rejected_limit);
    CHECK(budget.slots_in_use() == 1);
    budget.release(second, b);  // a rejected connection holds nothing
    CHECK(budget.slots_in_use() == 1);
    budget.release(first, a);
    CHECK(budget.slots_in_use() == 0);
    CHECK(budget.admit(b, Reservation::none).admitted());
}

TEST_CASE("ConnectionBudget per IP: counted per address, slot given back on rejection", "[budget]") {
    Stats stats;
    ConnectionBudget budget(stats);
    budget.set_limits(limits(10, 1), LimitAction::pause);
    const Admission first = budget.admit(a, *budget.reserve_accept());
    CHECK(first.admitted());
    CHECK(first.counted_per_ip);
    const Admission again = budget.admit(a, *budget.reserve_accept());
    CHECK(again.rejection() == CloseReason::rejected_per_ip);
    CHECK(budget.slots_in_use() == 1);  // the refused accept's reservation came back
    CHECK(budget.admit(b, *budget.reserve_accept()).admitted());
    CHECK(budget.per_ip_count(a) == 1);

    // A reload that turns the per-IP limit off does not leak the counted place.
    budget.set_limits(limits(10, 0), LimitAction::pause);
    budget.release(first, a);
    CHECK(budget.per_ip_count(a) == 0);
    const Admission uncounted = budget.admit(a, *budget.reserve_accept());
    CHECK_FALSE(uncounted.counted_per_ip);
}

TEST_CASE("ConnectionBudget: a lowered limit keeps what is open and admits nothing more", "[budget]") {
    Stats stats;
    ConnectionBudget budget(stats);
    budget.set_limits(limits(3), LimitAction::reject);
    Admission open[3];
    for (auto& o : open) o = budget.admit(a, Reservation::none);
    budget.set_limits(limits(1), LimitAction::reject);
    CHECK(stats.connections == 3);
    CHECK_FALSE(budget.admit(b, Reservation::none).admitted());
    budget.release(open[0], a);
    budget.release(open[1], a);
    CHECK_FALSE(budget.admit(b, Reservation::none).admitted());  // 1 open = the new limit
    budget.release(open[2], a);
    CHECK(budget.admit(b, Reservation::none).admitted());
}

TEST_CASE("ConnectionBudget behind a proxy: the per-IP count waits for the client's address", "[budget][proxy]") {
    Stats stats;
    ConnectionBudget budget(stats);
    budget.set_limits(limits(10, 1), LimitAction::reject);
    const auto balancer = make_address("127.0.0.1");
    // Three connections from the one balancer address: none counted per IP at accept.
    Admission first = budget.admit(balancer, Reservation::none, /*count_per_ip=*/false);
    Admission second = budget.admit(balancer, Reservation::none, false);
    Admission third = budget.admit(balancer, Reservation::none, false);
    REQUIRE(first.admitted());
    REQUIRE(second.admitted());
    REQUIRE(third.admitted());
    CHECK(budget.per_ip_count(balancer) == 0);
    CHECK(stats.connections == 3);

    CHECK(budget.admit_client(first, a));
    CHECK(first.counted_per_ip);
    CHECK(budget.per_ip_count(a) == 1);
    CHECK_FALSE(budget.admit_client(second, a));  // a is at its limit of 1
    CHECK(second.rejection() == CloseReason::rejected_per_ip);
    CHECK(budget.slots_in_use() == 2);             // its slot is given back at once
    CHECK(stats.connections == 2);
    CHECK(budget.admit_client(third, b));

    budget.release(second, a);  // a rejection holds nothing
    CHECK(budget.per_ip_count(a) == 1);
    budget.release(first, a);
    budget.release(third, b);
    CHECK(budget.per_ip_count(a) == 0);
    CHECK(budget.per_ip_count(b) == 0);
    CHECK(budget.slots_in_use() == 0);
    CHECK(stats.connections == 0);
}
