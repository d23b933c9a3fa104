#include "tools/load/coordinator.hpp"

#include "tools/load/host.hpp"
#include "tools/load/process_sampler.hpp"

#include <algorithm>
#include <iostream>
#include <string>

namespace hiconn::load {
namespace {

class LocalCoordinator : public Coordinator {
public:
    explicit LocalCoordinator(const Options& o) : options_(o), progress_(o.progress) {}

    void at_start() override { sample("start"); }
    void at_ready(Clock::time_point) override { sample("ready"); }
    void at_measured(Clock::time_point) override { sample("end"); }
    void on_progress(const Json& snapshot) override { progress_.update(snapshot); }

    int finish(const Json& raw) override {
        progress_.finish();
        const Json result = finalize(raw, options_.server_pids.empty() ? Json() : server_, 1,
                                     options_.threads);
        print_result(result);
        return result.at("ok").get<bool>() ? 0 : 1;
    }

private:
    void sample(const char* when) {
        if (!options_.server_pids.empty()) server_[when] = sample_processes(options_.server_pids);
    }

    const Options& options_;
    Progress progress_;
    Json server_;
};

// Line protocol with the parent: we print READY / MEASURED and wait for a "GO" line.
class WorkerCoordinator : public Coordinator {
public:
    void at_start() override {}
    void at_ready(Clock::time_point deadline) override { handshake("READY", deadline); }
    void at_measured(Clock::time_point deadline) override { handshake("MEASURED", deadline); }

    void on_progress(const Json& snapshot) override {
        const auto now = Clock::now();
        if (now - last_ < std::chrono::seconds(1)) return;
        last_ = now;
        std::cout << "PROGRESS " << snapshot.dump() << std::endl;
    }

    int finish(const Json& raw) override {
        print_result(raw);
        return 0;
    }

private:
    // Waits for the parent's "GO" (or its death: EOF), at most until the deadline.
    void handshake(const char* what, Clock::time_point deadline) {
        std::cout << what << std::endl;
        std::string line;
        while (Clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            char c = 0;
            const auto read = host::read_stdin_byte(c, std::min(left, std::chrono::milliseconds(1000)) +
                                                           std::chrono::milliseconds(1));
            if (read == host::StdinRead::closed) return;  // the parent is gone: carry on alone
            if (read == host::StdinRead::nothing_yet || c == '\r') continue;
            if (c != '\n') {
                line += c;
                continue;
            }
            if (line == "GO") return;
            line.clear();
        }
    }

    Clock::time_point last_{};
};

}  // namespace

std::unique_ptr<Coordinator> make_local_coordinator(const Options& options) {
    return std::make_unique<LocalCoordinator>(options);
}

std::unique_ptr<Coordinator> make_worker_coordinator(const Options&) {
    return std::make_unique<WorkerCoordinator>();
}

}  // namespace hiconn::load
