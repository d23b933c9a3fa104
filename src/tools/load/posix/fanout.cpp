// The parent of --procs worker processes. Each worker is this executable again
// (/proc/self/exe) with its share of the connections, senders and rate, its own subset of
// the source addresses, and --worker. They pass the phase barriers together: the parent
// waits for every READY, samples the server, answers GO; the same for MEASURED; then it
// merges their raw RESULT lines. A worker that dies counts as having passed every barrier,
// and at the deadline the remaining workers are killed (by PID), so nothing waits forever.
#include "tools/load/coordinator.hpp"
#include "tools/load/endpoints.hpp"
#include "tools/load/process_sampler.hpp"
#include "tools/load/run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace hiconn::load {
namespace {

struct Worker {
    pid_t pid = -1;
    int to_child = -1;    // its stdin
    int from_child = -1;  // its stdout
    std::string partial;  // unterminated line so far
    bool ready = false, measured = false, finished = false;
    Json progress = Json::object();
    Json raw;
};

// Worker i's share of `total` when item g goes to worker g % count (interleaved, so that
// chat senders -- the lowest global indices -- spread over every worker).
std::uint64_t share(std::uint64_t total, std::size_t i, std::size_t count) {
    return total > i ? (total - i + count - 1) / count : 0;
}

Options worker_options(const Options& o, std::size_t i) {
    Options w = o;
    w.worker = true;
    w.progress = false;
    w.procs = 1;
    w.proc_index = i;
    w.proc_count = o.procs;
    w.timeout_s = o.effective_timeout_s();
    w.server_pids.clear();
    w.connections = share(o.connections, i, o.procs);
    w.total_connections = o.connections;
    w.total_senders = o.senders;
    w.senders = share(o.senders, i, o.procs);
    w.max_handshakes = std::max<std::uint64_t>(1, share(o.max_handshakes, i, o.procs));
    w.connect_rate = o.connect_rate / static_cast<double>(o.procs);
    if (o.mode == "chat")
        w.rate = o.senders ? o.rate * static_cast<double>(w.senders) / static_cast<double>(o.senders) : 0;
    else if (o.mode == "echo")
        w.rate = o.connections ? o.rate * static_cast<double>(w.connections) / static_cast<double>(o.connections) : 0;
    if (o.sources.size() >= o.procs) {  // disjoint subsets, so the port ranges add up
        w.sources.clear();
        for (std::size_t k = i; k < o.sources.size(); k += o.procs) w.sources.push_back(o.sources[k]);
        try {  // unless a subset lacks the address family of one of the servers
            make_target(w.servers, w.sources);
        } catch (const std::exception&) {
            w.sources = o.sources;
        }
    }
    return w;
}

bool spawn(Worker& w, const Options& options) {
    int in[2], out[2];
    if (pipe(in) != 0) return false;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return false;
    }
    std::vector<std::string> args = to_args(options);
    args.insert(args.begin(), "hiconn-load");
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    w.pid = pid;
    w.to_child = in[1];
    w.from_child = out[0];
    return true;
}

void handle_line(Worker& w, const std::string& line) {
    if (line == "READY") w.ready = true;
    else if (line == "MEASURED") w.measured = true;
    else if (line.rfind("PROGRESS ", 0) == 0) w.progress = Json::parse(line.substr(9), nullptr, false);
    else if (line.rfind("RESULT ", 0) == 0) w.raw = Json::parse(line.substr(7), nullptr, false);
}

// Reads whatever the workers wrote, for at most `ms` milliseconds.
void pump(std::vector<Worker>& workers, int ms) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& w : workers)
        if (!w.finished) {
            fds.push_back({w.from_child, POLLIN, 0});
            owners.push_back(&w);
        }
    if (fds.empty()) return;
    if (poll(fds.data(), fds.size(), ms) <= 0) return;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Worker& w = *owners[i];
        char buf[65536];
        const auto n = read(w.from_child, buf, sizeof buf);
        if (n <= 0) {  // EOF: the worker exited; it passes every barrier from now on
            w.finished = w.ready = w.measured = true;
            continue;
        }
        w.partial.append(buf, static_cast<std::size_t>(n));
        std::size_t eol;
        while ((eol = w.partial.find('\n')) != std::string::npos) {
            handle_line(w, w.partial.substr(0, eol));
            w.partial.erase(0, eol + 1);
        }
    }
}

void say_go(std::vector<Worker>& workers) {
    for (auto& w : workers)
        if (!w.finished && write(w.to_child, "GO\n", 3) < 0) w.finished = true;
}

}  // namespace

int run_parent(const Options& o) {
    try {  // a bad address is a usage error here, not in each worker
        make_target(o.servers, o.sources);
    } catch (const std::exception& e) {
        std::cerr << "hiconn-load: " << e.what() << "\n";
        return 2;
    }
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(o.effective_timeout_s() + 10));
    Json server;
    auto sample = [&](const char* when) {
        if (!o.server_pids.empty()) server[when] = sample_processes(o.server_pids);
    };
    Progress progress(o.progress);

    sample("start");
    std::vector<Worker> workers(o.procs);
    for (std::size_t i = 0; i < o.procs; ++i) {
        if (!spawn(workers[i], worker_options(o, i))) {
            std::cerr << "hiconn-load: cannot start worker " << i << ": " << std::strerror(errno) << "\n";
            workers[i].finished = workers[i].ready = workers[i].measured = true;
        }
    }
    bool timed_out = false;
    auto wait_all = [&](auto passed) {
        for (;;) {
            bool all = true;
            for (auto& w : workers) all = all && passed(w);
            if (all) return;
            if (Clock::now() >= deadline) {
                timed_out = true;
                return;
            }
            pump(workers, 100);
            std::vector<Json> snapshots;
            for (auto& w : workers) snapshots.push_back(w.progress);
            progress.update(sum_progress(snapshots));
        }
    };
    wait_all([](const Worker& w) { return w.ready; });
    sample("ready");
    say_go(workers);
    wait_all([](const Worker& w) { return w.measured; });
    sample("end");
    say_go(workers);
    wait_all([](const Worker& w) { return w.finished; });
    progress.finish();

    std::vector<Json> raws;
    for (auto& w : workers) {
        if (w.pid > 0 && !w.finished) kill(w.pid, SIGKILL);  // only past the deadline
        if (w.pid > 0) waitpid(w.pid, nullptr, 0);
        if (w.to_child >= 0) close(w.to_child);
        if (w.from_child >= 0) close(w.from_child);
        if (w.raw.is_object()) raws.push_back(w.raw);
    }
    if (raws.empty()) {
        std::cerr << "hiconn-load: no worker reported a result\n";
        return 1;
    }
    Json raw = merge_raw(raws);
    raw["timed_out"] = raw["timed_out"].get<bool>() || timed_out || raws.size() < workers.size();
    Json result = finalize(raw, o.server_pids.empty() ? Json() : server, o.procs, o.threads);
    result["workers_reporting"] = raws.size();
    print_result(result);
    return result.at("ok").get<bool>() ? 0 : 1;
}

}  // namespace hiconn::load
