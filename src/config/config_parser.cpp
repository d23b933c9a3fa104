// parse_document(): strict JSON with positions in syntax errors and repeated keys refused
// (nlohmann/json would silently keep the last one, which hides a typo as well as an unknown key).
#include "config/config_document.hpp"

#include <regex>
#include <set>

namespace hiconn::config::detail {
namespace {

/// Tracks where the parser is, to name the path of a repeated key.
class KeyTracker {
public:
    explicit KeyTracker(const std::string& file) : file_(file) {}

    bool on_event(Json::parse_event_t event, const Json& parsed)
    {
        using E = Json::parse_event_t;
        switch (event) {
        case E::object_start: frames_.push_back({false, 0, {}, {}}); break;
        case E::array_start: frames_.push_back({true, 0, {}, {}}); break;
        case E::key: {
            auto& top = frames_.back();
            top.key = parsed.get<std::string>();
            if (!top.keys.insert(top.key).second)
                throw ConfigError(file_, path(), "duplicate key (each key may appear once in an object)");
            break;
        }
        case E::object_end:
        case E::array_end:
            frames_.pop_back();
            next_element();
            break;
        case E::value: next_element(); break;
        }
        return true;
    }

private:
    struct Frame {
        bool is_array;
        std::size_t index;
        std::string key;
        std::set<std::string> keys;
    };

    void next_element()
    {
        if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    }

    std::string path() const
    {
        std::string out;
        for (const auto& frame : frames_) {
            if (frame.is_array)
                out += "[" + std::to_string(frame.index) + "]";
            else
                out += (out.empty() ? "" : ".") + frame.key;
        }
        return out;
    }

    const std::string& file_;
    std::vector<Frame> frames_;
};

}  // namespace

Json parse_document(const std::string& text, const std::string& file)
{
    KeyTracker tracker(file);
    try {
        return Json::parse(text, [&](int, Json::parse_event_t event, Json& parsed) {
            return tracker.on_event(event, parsed);
        });
    } catch (const Json::parse_error& e) {
        // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: REASON"
        static const std::regex shape(R"(at line (\d+), column (\d+): (.*))");
        std::smatch m;
        const std::string what = e.what();
        if (std::regex_search(what, m, shape))
            throw ConfigError(file, "", "line " + m[1].str() + ", column " + m[2].str() + ": invalid JSON: " + m[3].str());
        throw ConfigError(file, "", "invalid JSON: " + what);
    } catch (const Json::out_of_range& e) {
        // A number too large for a double (1e999): nlohmann reports it as out_of_range.406
        // "number overflow parsing '<the number>'" -- found by fuzz_config.
        std::string what = e.what();
        const auto text = what.find("number overflow");
        if (text != std::string::npos) what = what.substr(text);
        if (what.size() > 120) what = what.substr(0, 117) + "...";
        throw ConfigError(file, "", "invalid JSON: " + what);
    }
}

}  // namespace hiconn::config::detail
