"""Packages: `cmake --install` lays out bin/, etc/hiconn/, lib/systemd/system/ and the docs;
the .deb made by CPack from the same build unpacks (dpkg -x) into a root whose hiconn
accepts its own example config. Uses the build that made HICONN_BIN (or HICONN_BUILD_DIR)."""
import os
import shutil
import subprocess

import pytest

from hiconn_harness import BIN, UNDER_WINE

pytestmark = pytest.mark.skipif(UNDER_WINE, reason="the .deb is the Linux package")


def build_dir():
    if os.environ.get("HICONN_BUILD_DIR"):
        return os.environ["HICONN_BUILD_DIR"]
    d = os.path.dirname(os.path.abspath(BIN))
    while d != "/":
        if os.path.exists(os.path.join(d, "CPackConfig.cmake")):
            return d
        d = os.path.dirname(d)
    pytest.fail(f"no CPackConfig.cmake above {BIN}: set HICONN_BUILD_DIR")


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{cmd} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def unit_settings(path):
    settings = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "[")):
                key, _, value = line.partition("=")
                settings.setdefault(key, []).append(value)
    return settings


def test_cmake_install_layout(tmp_path):
    prefix = tmp_path / "prefix"
    run(["cmake", "--install", build_dir(), "--prefix", str(prefix)])
    assert os.access(prefix / "bin" / "hiconn", os.X_OK)
    configs = sorted(p.name for p in (prefix / "etc" / "hiconn").iterdir())
    assert "echo.json" in configs and "hiconn.schema.json" in configs
    unit = unit_settings(prefix / "lib" / "systemd" / "system" / "hiconn.service")
    # The unit names the installed binary and config of this prefix.
    assert unit["ExecStart"] == [f"{prefix}/bin/hiconn run --config {prefix}/etc/hiconn/echo.json"]
    assert unit["Type"] == ["notify"]
    assert (prefix / "share" / "doc" / "hiconn").is_dir()
    run([str(prefix / "bin" / "hiconn"), "check-config", "--config",
         str(prefix / "etc" / "hiconn" / "echo.json")])


def test_deb_unpacks_and_checks_its_config(tmp_path):
    if not shutil.which("dpkg-deb") or not shutil.which("cpack"):
        pytest.skip("dpkg-deb / cpack missing")
    out = tmp_path / "out"
    run(["cpack", "--config", os.path.join(build_dir(), "CPackConfig.cmake"), "-G", "DEB",
         "-B", str(out)])
    (deb,) = [p for p in out.iterdir() if p.suffix == ".deb"]

    fields = run(["dpkg-deb", "--field", str(deb), "Package", "Depends"]).stdout
    assert "Package: hiconn" in fields
    assert "libboost-program-options1.81.0" in fields  # from dpkg-shlibdeps
    control = tmp_path / "control"
    run(["dpkg-deb", "--control", str(deb), str(control)])
    conffiles = (control / "conffiles").read_text().split()
    assert "/etc/hiconn/echo.json" in conffiles
    assert os.access(control / "postinst", os.X_OK)

    root = tmp_path / "root"
    run(["dpkg-deb", "-x", str(deb), str(root)])
    hiconn = root / "usr" / "bin" / "hiconn"
    assert os.access(hiconn, os.X_OK)
    unit_path = root / "usr" / "lib" / "systemd" / "system" / "hiconn.service"
    unit = unit_settings(unit_path)
    assert unit["ExecStart"] == ["/usr/bin/hiconn run --config /etc/hiconn/echo.json"]
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    result = subprocess.run([str(hiconn), "check-config", "--config",
                             str(root / "etc" / "hiconn" / "echo.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"workload"' in result.stdout

    # The packaged unit passes systemd's own checks (with the unpacked binary's path).
    if shutil.which("systemd-analyze"):
        local_unit = tmp_path / "hiconn.service"
        local_unit.write_text(unit_path.read_text().replace("/usr/bin/hiconn", str(hiconn)))
        result = subprocess.run(["systemd-analyze", "verify", str(local_unit)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
