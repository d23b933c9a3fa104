#include "app/service_app.hpp"

#include "app/daemon.hpp"
#include "config/config.hpp"

#include <filesystem>

namespace hiconn::app {
namespace {

class DaemonServiceApp final : public platform::ServiceApp {
public:
    explicit DaemonServiceApp(config::Config config) : daemon_(std::move(config), {}) {}
    void start() override { daemon_.start(); }
    int wait() override { return daemon_.wait(); }
    void stop() override { daemon_.stop(); }
    void pause() override { daemon_.pause(); }
    void resume() override { daemon_.resume(); }
    bool reload() override { return daemon_.reload(); }

private:
    Daemon daemon_;
};

}  // namespace

std::unique_ptr<platform::ServiceApp> make_service_app(const std::string& config_path) {
    config::Config config = config::load_file(config_path);
    if (config.log.file.empty())
        config.log.file = (std::filesystem::absolute(config_path).parent_path() / "hiconn.log").string();
    return std::make_unique<DaemonServiceApp>(std::move(config));
}

}  // namespace hiconn::app
