"""The config as the real `hiconn` binary sees it.

(a) every bad fixture makes `check-config` and `run` exit 2, naming the file and the JSON path;
(b) config/hiconn.schema.json (through python3-jsonschema) and `hiconn check-config` agree on
    every example config and fixture; the cross-field rules the schema cannot express are listed;
(c) `check-config` prints the full effective config;
(d) `--set` and the flags reach the effective config, an unknown `--set` path exits 2.

Environment: HICONN_BIN (the binary), HICONN_SOURCE_DIR (the source tree).
"""

import json
import re
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

BIN = os.environ.get("HICONN_BIN", "hiconn")
SOURCE_DIR = Path(os.environ.get("HICONN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
CONFIG_DIR = SOURCE_DIR / "config"
FIXTURES = Path(__file__).resolve().parent / "configs"
SCHEMA_PATH = CONFIG_DIR / "hiconn.schema.json"

# Each bad fixture and what its error message must contain after "FILE: ": the JSON path
# (or, for errors about the whole file, the position / the reason).
BAD = {
    "unknown_top_key.json": "listn: unknown key",
    "unknown_nested_key.json": "accept.low_watermarkk: unknown key",
    "unknown_deep_key.json": "chat.flood.rate: unknown key",
    "wrong_type_string.json": "limits.max_connections: expected an integer",
    "wrong_type_bool.json": "threads: expected an integer",
    "fractional_integer.json": "timeouts.idle_s: expected an integer",
    "out_of_range_negative.json": "limits.max_connections: expected an integer 1..10000000, got -5",
    "out_of_range_high.json": "accept.backlog: expected an integer 1..65535, got 70000",
    "bad_enum_strategy.json": 'receive.strategy: expected one of "zero_byte", "posted"',
    "bad_enum_log_level.json": "log.level: expected one of",
    "listen_hostname.json": "listen[1]: expected \"ADDR:PORT\"",
    "listen_port_too_big.json": "listen[0]: expected \"ADDR:PORT\"",
    "listen_missing_port.json": "listen[0]: expected \"ADDR:PORT\"",
    "listen_ipv6_no_brackets.json": "listen[0]: expected \"ADDR:PORT\"",
    "listen_empty.json": "listen: expected at least 1 entry",
    "listen_duplicate.json": "listen[1]: expected each entry once",
    "section_not_object.json": "timeouts: expected an object",
    "http_unknown_key.json": "stats.http.prot: unknown key",
    "http_bad_allow.json": "stats.http.allow[0]: expected a numeric IPv4 or IPv6 address",
    "motd_and_motd_file.json": "chat.motd_file: expected an empty string when chat.motd is set",
    "server_name_space.json": "chat.server_name: expected a name",
    "duplicate_key.json": "accept.backlog: duplicate key",
    "syntax_error.json": "line 3, column",
    "empty_file.json": "line 1, column 1: invalid JSON",
    "top_level_array.json": "expected a JSON object at the top level",
}

# Rules that relate two keys: JSON Schema draft-07 cannot compare two values, so the schema
# accepts these and only hiconn refuses them (the schema's descriptions state the rules).
CROSS_FIELD = {
    "low_above_high.json": "accept.low_watermark: expected a value <= accept.high_watermark (50), got 100",
    "initial_above_max.json": "receive.initial_buffer: expected a value <= receive.max_buffer",
    "read_per_wakeup_below_initial.json": "receive.max_read_per_wakeup: expected a value >= receive.initial_buffer",
}


def hiconn(*args, timeout=30):
    """Runs hiconn to completion; a config error must stop it long before `timeout`."""
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def check_config(path, *extra):
    return hiconn("check-config", "--config", path, *extra)


def fixtures(kind):
    return sorted((FIXTURES / kind).glob("*.json"))


def example_configs():
    return sorted(p for p in CONFIG_DIR.glob("*.json") if p.name != SCHEMA_PATH.name)


def strict_json(text):
    """JSON as hiconn reads it: a repeated key or NaN/Infinity is an error."""

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return dict(pairs)

    def no_constants(name):
        raise ValueError(name)

    return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)


@pytest.fixture(scope="module")
def schema():
    document = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(document)
    return document


def schema_says_valid(schema, path):
    try:
        document = strict_json(path.read_text())
    except ValueError:  # json.JSONDecodeError is a ValueError
        return False
    return jsonschema.Draft7Validator(schema).is_valid(document)


# (a) ----------------------------------------------------------------------------------------

def test_every_bad_fixture_is_listed():
    assert len(BAD) >= 10
    assert {p.name for p in fixtures("bad")} == set(BAD)
    assert {p.name for p in fixtures("cross_field")} == set(CROSS_FIELD)


@pytest.mark.parametrize("command", ["check-config", "run"])
@pytest.mark.parametrize("name", sorted(BAD) + sorted(CROSS_FIELD))
def test_bad_config_exits_2_naming_file_and_path(command, name):
    kind = "bad" if name in BAD else "cross_field"
    path = FIXTURES / kind / name
    expected = BAD.get(name) or CROSS_FIELD[name]
    result = hiconn(command, "--config", path)
    assert result.returncode == 2, result.stderr
    assert f"{path}: {expected}" in result.stderr
    assert result.stdout == ""


def test_missing_config_file_exits_2_naming_it(tmp_path):
    missing = tmp_path / "nope.json"
    for command in ("check-config", "run"):
        result = hiconn(command, "--config", missing)
        assert result.returncode == 2
        assert f"{missing}: cannot open" in result.stderr


# (b) ----------------------------------------------------------------------------------------

def test_schema_is_draft07_and_closed(schema):
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"

    def walk(node, where):
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            for key, child in node["properties"].items():
                walk(child, f"{where}.{key}")

    walk(schema, "")


def test_example_configs_exist_and_reference_the_schema():
    names = {p.name for p in example_configs()}
    assert {"echo.json", "echo-throughput.json"} <= names
    for path in example_configs():
        assert strict_json(path.read_text()).get("$schema") == "./hiconn.schema.json", path


@pytest.mark.parametrize(
    "path",
    example_configs() + fixtures("good") + fixtures("bad"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_schema_and_hiconn_agree(schema, path):
    expected_valid = path.parent.name != "bad"
    assert schema_says_valid(schema, path) == expected_valid
    result = check_config(path)
    assert result.returncode == (0 if expected_valid else 2), result.stderr


@pytest.mark.parametrize("path", fixtures("cross_field"), ids=lambda p: p.name)
def test_cross_field_rules_are_the_known_difference(schema, path):
    assert schema_says_valid(schema, path)
    assert check_config(path).returncode == 2


ADDRESS_SAMPLES = [
    "1.2.3.4:7000", "[::1]:7000", "*:80", "127.0.0.1:0", "0.0.0.0:65535", "[::]:1",
    "[::ffff:10.0.0.1]:9", "[1:2:3:4:5:6:7:8]:9", "[1::8]:1", "[1:2:3:4:5:6::]:1",
    "[1:2:3:4:5:6:1.2.3.4]:1", "[1::1.2.3.4]:1", "[2001:DB8::a]:443",
    "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:07000", "localhost:7000", "256.0.0.1:7000",
    "::1:7000", "[::1]", "[1.2.3.4]:7000", "[1:2:3:4:5:6:7:8:9]:7000", "[1::2::3]:7000",
    "[12345::]:1", "[1:2:3:4:5:6:7]:1", "*:", "1.2.3.04:1", "[::1.2.3]:1", "[fe80::1%eth0]:1",
    " 1.2.3.4:1", "1.2.3.4:1 ",
]


IP_SAMPLES = ["10.0.0.1", "::1", "2001:db8::", "::ffff:1.2.3.4", "10.0.0", "[::1]", "localhost", "",
              "1.2.3.256", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0"]


def test_schema_and_hiconn_agree_on_addresses(schema, tmp_path):
    """The schema's patterns (Python `re`) and hiconn (std::regex + parser) read addresses alike."""
    path = tmp_path / "address.json"
    verdicts = {}
    documents = [{"listen": [a]} for a in ADDRESS_SAMPLES] + \
                [{"stats": {"http": {"address": a, "allow": [a]}}} for a in IP_SAMPLES]
    for document in documents:
        path.write_text(json.dumps(document))
        schema_valid = jsonschema.Draft7Validator(schema).is_valid(document)
        result = check_config(path)
        assert result.returncode in (0, 2), result.stderr
        assert schema_valid == (result.returncode == 0), (document, result.stderr)
        verdicts[json.dumps(document)] = schema_valid
    # The samples cut both ways.
    assert verdicts[json.dumps({"listen": ["[::1]:7000"]})]
    assert not verdicts[json.dumps({"listen": ["localhost:7000"]})]
    assert verdicts[json.dumps({"stats": {"http": {"address": "::1", "allow": ["::1"]}}})]


def test_schema_accepts_what_hiconn_prints(schema):
    """The effective config of every valid file is itself valid, for both."""
    for path in example_configs() + fixtures("good"):
        result = check_config(path)
        assert result.returncode == 0, result.stderr
        printed = json.loads(result.stdout)
        jsonschema.validate(printed, schema, cls=jsonschema.Draft7Validator)


# (c) ----------------------------------------------------------------------------------------

def workload_default(child, workload):
    """A key's default for `workload`, stated in its description ("Default with workload
    \"chat\": 10."), else the schema's default."""
    match = re.search(r'Default with workload "%s": (.+?)\.(?: |$)' % re.escape(workload),
                      child.get("description", ""))
    return json.loads(match.group(1)) if match else child["default"]


def expected_effective(schema_node, given, workload=None):
    """The schema's defaults overlaid with what the file sets: what check-config must print."""
    if workload is None:
        workload = given.get("workload", "echo")
    out = {}
    for key, child in schema_node["properties"].items():
        if key == "$schema":
            continue
        if "properties" in child:  # a section
            if key in given and given[key] is None:
                out[key] = None
            elif "null" in child.get("type", []) and key not in given:
                out[key] = None  # an optional section that is off
            else:
                out[key] = expected_effective(child, given.get(key, {}), workload)
        else:
            out[key] = given.get(key, workload_default(child, workload))
    return out


def test_check_config_prints_the_full_effective_config(schema):
    path = CONFIG_DIR / "echo.json"
    result = check_config(path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == expected_effective(schema, strict_json(path.read_text()))
    assert printed["listen"] == ["127.0.0.1:7000", "[::1]:7000"]
    assert printed["receive"]["strategy"] == "zero_byte"


def test_check_config_of_every_good_fixture_matches_its_file(schema):
    for path in example_configs() + fixtures("good"):
        printed = json.loads(check_config(path).stdout)
        expected = expected_effective(schema, strict_json(path.read_text()))
        assert printed == expected, path


def test_printed_config_loads_back_to_itself(tmp_path):
    first = check_config(FIXTURES / "good" / "all_keys.json")
    assert first.returncode == 0, first.stderr
    copy = tmp_path / "printed.json"
    copy.write_text(first.stdout)
    second = check_config(copy)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)


# (d) ----------------------------------------------------------------------------------------

def test_set_shows_in_check_config():
    result = check_config(CONFIG_DIR / "echo.json", "--set", "limits.max_connections=10",
                          "--set", "log.level=debug", "--set", "stats.http.port=9100")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["limits"]["max_connections"] == 10
    assert printed["log"]["level"] == "debug"
    assert printed["stats"]["http"]["port"] == 9100
    assert printed["stats"]["http"]["address"] == "127.0.0.1"


def test_set_of_unknown_path_exits_2():
    for command in ("check-config", "run"):
        result = hiconn(command, "--config", CONFIG_DIR / "echo.json", "--set", "limits.nope=1")
        assert result.returncode == 2
        assert "--set limits.nope: limits.nope: unknown key" in result.stderr


def test_set_of_invalid_value_exits_2_blaming_the_override():
    result = check_config(CONFIG_DIR / "echo.json", "--set", "limits.max_connections=-5")
    assert result.returncode == 2
    assert "--set limits.max_connections: limits.max_connections: expected an integer 1..10000000, got -5" \
        in result.stderr


def test_flags_are_overrides():
    result = check_config(CONFIG_DIR / "echo.json", "--threads", "3", "--max-connections", "77",
                          "--log-level", "warn", "--workload", "chat",
                          "--listen", "127.0.0.1:7100", "--listen", "[::1]:7101")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["threads"] == 3
    assert printed["limits"]["max_connections"] == 77
    assert printed["log"]["level"] == "warn"
    assert printed["workload"] == "chat"
    assert printed["listen"] == ["127.0.0.1:7100", "[::1]:7101"]


def test_bad_flag_value_exits_2():
    result = check_config(CONFIG_DIR / "echo.json", "--listen", "localhost:7000")
    assert result.returncode == 2
    assert "listen[0]" in result.stderr
