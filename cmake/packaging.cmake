# Operations: the libraries behind logging and service notification, the install layout
# and the packages (CPack: .deb on Linux, .zip from the Windows cross build).
# Included at the end of the top-level CMakeLists.txt, after the targets exist.
#
#   cmake --install BUILD --prefix /usr/local   bin/, etc/hiconn/, lib/systemd/system/, share/doc/hiconn/
#   cpack --config BUILD/CPackConfig.cmake      hiconn_VERSION_amd64.deb  (Windows build: hiconn-VERSION-win64.zip)
#   scripts/package.sh                          both

include(GNUInstallDirs)

# --- spdlog (src/core/log.cpp) --------------------------------------------------------------
# Linux: Debian's libspdlog-dev, a shared library on top of the external libfmt.
# Windows (mingw cross build): no mingw build of either exists, so both are used header-only
# from the dependency prefix (scripts/build-windows-deps.sh links /usr/include/{spdlog,fmt}).
# Debian's spdlog/tweakme.h defines SPDLOG_FMT_EXTERNAL, hence FMT_HEADER_ONLY for fmt.
if(WIN32)
  find_path(HICONN_SPDLOG_INCLUDE_DIR spdlog/spdlog.h REQUIRED)
  find_path(HICONN_FMT_INCLUDE_DIR fmt/format.h REQUIRED)
  add_library(hiconn_spdlog INTERFACE)
  target_include_directories(hiconn_spdlog SYSTEM INTERFACE ${HICONN_SPDLOG_INCLUDE_DIR} ${HICONN_FMT_INCLUDE_DIR})
  target_compile_definitions(hiconn_spdlog INTERFACE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
  target_link_libraries(hiconn_core PRIVATE hiconn_spdlog)
else()
  find_package(spdlog 1.10 REQUIRED CONFIG)
  target_link_libraries(hiconn_core PRIVATE spdlog::spdlog)
endif()

# --- libsystemd (src/platform/posix/systemd_notify.cpp) -------------------------------------
# Optional: without it the same sd_notify datagrams are sent by a few lines of our own.
option(HICONN_USE_LIBSYSTEMD "Use libsystemd's sd_notify() when pkg-config finds it" ON)
if(NOT WIN32 AND HICONN_USE_LIBSYSTEMD)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(LIBSYSTEMD IMPORTED_TARGET libsystemd)
  endif()
  if(LIBSYSTEMD_FOUND)
    target_link_libraries(hiconn_platform PRIVATE PkgConfig::LIBSYSTEMD)
    target_compile_definitions(hiconn_platform PRIVATE HICONN_HAVE_LIBSYSTEMD)
  else()
    message(STATUS "libsystemd not found: sd_notify is sent by hiconn's own code")
  endif()
endif()

# --- install layout ---------------------------------------------------------------------------
# bin/ comes from src/CMakeLists.txt. Configs, schema and docs beside it here.
file(GLOB HICONN_EXAMPLE_CONFIGS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config/*.json)
file(GLOB HICONN_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
set(HICONN_README ${PROJECT_SOURCE_DIR}/README.md)

if(WIN32)
  # The .zip: bin\hiconn.exe, bin\hiconn-load.exe, config\*.json, README.md, docs\.
  install(FILES ${HICONN_EXAMPLE_CONFIGS} DESTINATION config)
  install(FILES ${HICONN_README} DESTINATION . OPTIONAL)
  install(FILES ${HICONN_DOCS} DESTINATION docs)
else()
  install(FILES ${HICONN_README} ${HICONN_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)
  # The config folder is decided at install time, not at configure time, because CPack
  # installs the same build with prefix /usr: with prefix /usr it is /etc/hiconn (the FHS
  # rule GNUInstallDirs also applies), otherwise PREFIX/etc/hiconn. The unit file is
  # rewritten to name the installed binary and config.
  set(HICONN_UNIT_SOURCE ${PROJECT_SOURCE_DIR}/service/hiconn.service)
  install(CODE "set(HICONN_EXAMPLE_CONFIGS \"${HICONN_EXAMPLE_CONFIGS}\")
set(HICONN_UNIT_SOURCE \"${HICONN_UNIT_SOURCE}\")
set(HICONN_UNIT_TEMP \"${CMAKE_CURRENT_BINARY_DIR}/hiconn.service.install\")")
  install(CODE [[
    if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
      set(_hiconn_etc "/etc/hiconn")
    else()
      set(_hiconn_etc "${CMAKE_INSTALL_PREFIX}/etc/hiconn")
    endif()
    file(INSTALL ${HICONN_EXAMPLE_CONFIGS} DESTINATION "${_hiconn_etc}")
    file(READ "${HICONN_UNIT_SOURCE}" _hiconn_unit)
    string(REPLACE "/usr/bin/hiconn" "${CMAKE_INSTALL_PREFIX}/bin/hiconn" _hiconn_unit "${_hiconn_unit}")
    string(REPLACE "/usr/share/doc/hiconn" "${CMAKE_INSTALL_PREFIX}/share/doc/hiconn" _hiconn_unit "${_hiconn_unit}")
    string(REPLACE "/etc/hiconn/" "${_hiconn_etc}/" _hiconn_unit "${_hiconn_unit}")
    get_filename_component(_hiconn_temp_dir "${HICONN_UNIT_TEMP}" DIRECTORY)
    file(MAKE_DIRECTORY "${_hiconn_temp_dir}/unit")
    file(WRITE "${_hiconn_temp_dir}/unit/hiconn.service" "${_hiconn_unit}")
    file(INSTALL "${_hiconn_temp_dir}/unit/hiconn.service"
         DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  ]])
endif()

# --- packages ---------------------------------------------------------------------------------
# cpack and `make install` package what is built and do not build `all` first: the package
# test reuses the test build as it is (no unit tests in a package). scripts/package.sh builds
# the targets it packages.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME hiconn)
set(CPACK_PACKAGE_VENDOR "hiconn")
set(CPACK_PACKAGE_CONTACT "hiconn maintainers <hiconn@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "High-connection TCP server daemon (echo / IRC chat)")
set(CPACK_PACKAGE_DESCRIPTION
    "hiconn serves very many TCP connections with little memory each: an echo workload and\nan IRC-subset chat workload, tuned by a JSON config, with Prometheus metrics and\nsystemd integration.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)

if(WIN32)
  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_FILE_NAME hiconn-${PROJECT_VERSION}-win64)
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  # The install code above needs CMAKE_INSTALL_PREFIX=/usr (and DESTDIR for the staging
  # folder) to put the configs in /etc.
  set(CPACK_SET_DESTDIR ON)
  set(CPACK_INSTALL_PREFIX /usr)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  # Runtime libraries (libboost-program-options1.81.0, libspdlog1.10-fmt9, libsystemd0,
  # libstdc++6, libgcc-s1, libc6) found by dpkg-shlibdeps from the binaries.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS systemd)
  # DynamicUser=yes in the unit: systemd makes the user when the service starts, so the
  # maintainer scripts only tell systemd about the unit and stop it on removal.
  set(_hiconn_deb_dir ${CMAKE_BINARY_DIR}/deb-control)
  file(MAKE_DIRECTORY ${_hiconn_deb_dir})
  set(_hiconn_conffiles "")
  foreach(_config ${HICONN_EXAMPLE_CONFIGS})
    get_filename_component(_name ${_config} NAME)
    string(APPEND _hiconn_conffiles "/etc/hiconn/${_name}\n")
  endforeach()
  file(WRITE ${_hiconn_deb_dir}/conffiles "${_hiconn_conffiles}")
  file(WRITE ${_hiconn_deb_dir}/postinst [[#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    echo "hiconn: installed; edit /etc/hiconn/echo.json, then: systemctl enable --now hiconn"
fi
exit 0
]])
  file(WRITE ${_hiconn_deb_dir}/prerm [[#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl disable --now hiconn.service >/dev/null 2>&1 || true
fi
exit 0
]])
  file(WRITE ${_hiconn_deb_dir}/postrm [[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
]])
  file(CHMOD ${_hiconn_deb_dir}/postinst ${_hiconn_deb_dir}/prerm ${_hiconn_deb_dir}/postrm
       PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
      ${_hiconn_deb_dir}/conffiles ${_hiconn_deb_dir}/postinst ${_hiconn_deb_dir}/prerm
      ${_hiconn_deb_dir}/postrm)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
endif()

include(CPack)
