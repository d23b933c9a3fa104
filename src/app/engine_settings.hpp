// The engine's typed settings from a loaded (already validated) configuration.
#pragma once

#include "config/config.hpp"
#include "core/engine_settings.hpp"

namespace hiconn::app {

/// Throws std::runtime_error naming a `listen` entry that is not a numeric address (the
/// loader refuses those already; this is the engine's own guard).
/// Loads the tls section's certificate and key too (read anew at every call: a reload gets
/// the files as they are now); throws ConfigError naming the tls key at fault.
core::EngineSettings engine_settings(const config::Config& config);

}  // namespace hiconn::app
