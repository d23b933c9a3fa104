#include "app/service_app.hpp"

#include "app/daemon.hpp"
#include "config/config.hpp"

#include <filesystem>

namespace hiconn::app {
namespace {

class DaemonServiceApp final : public platform::ServiceApp {
public:
    DaemonServiceApp(config::Config config, std::vector<std::string> overrides)
        : daemon_(std::move(config), std::move(overrides)) {}
    void start() override { daemon_.start(); }
    int wait() override { return daemon_.wait(); }
    void stop() override { daemon_.stop(); }
    void pause() override { daemon_.pause(); }
    void resume() override { daemon_.resume(); }
    bool reload() override { return daemon_.reload(); }
    std::string log_file() const override { return daemon_.config().log.file; }

private:
    Daemon daemon_;
};

}  // namespace

std::unique_ptr<platform::ServiceApp> make_service_app(const std::string& config_path) {
    config::Config config = config::load_file(config_path);
    // A service runs in the system folder and has no console: the log goes to a file, a
    // relative one beside the config. Passed as an override so every reload keeps it.
    namespace fs = std::filesystem;
    const fs::path folder = fs::absolute(config_path).parent_path();
    std::string log_file = config.log.file.empty()
                               ? platform::default_service_log_file(fs::absolute(config_path).string())
                               : (folder / config.log.file).string();  // absolute stays absolute
    std::vector<std::string> overrides{"log.file=" + log_file};
    config = config::load_file(config_path, overrides);
    return std::make_unique<DaemonServiceApp>(std::move(config), std::move(overrides));
}

}  // namespace hiconn::app
