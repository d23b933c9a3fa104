# FindHiredis: the hiredis C library as the imported target hiredis::hiredis.
#   find_package(Hiredis 0.14 REQUIRED)  ->  target_link_libraries(x PUBLIC hiredis::hiredis)
# Consumers include <hiredis/hiredis.h> and <hiredis/read.h>: the target's include dir is
# the folder that holds hiredis/, never hiredis/ itself (its sds.h, read.h, alloc.h would
# otherwise be found as top-level headers).
#
# Where it comes from:
#  - Linux: Debian's libhiredis-dev (0.14.1; shared libhiredis.so). pkg-config's `hiredis`
#    gives the hints; Debian's hiredis.pc says libdir=/usr/lib and includedir=.../hiredis,
#    so it is not used as the target itself. Debian also ships a HiredisConfig.cmake, which
#    defines no target and fails when no version is requested: hence this module.
#  - Windows, mingw cross build: $WINDEPS_PREFIX/lib/libhiredis.a and
#    $WINDEPS_PREFIX/include/hiredis/, made by scripts/build-windows-deps.sh (the reader, the
#    reply objects and the command formatter only: no redisConnect, no hiredis sockets).
#    pkg-config is not asked there (it would answer with the Linux package).
#  - Elsewhere (vcpkg, a source install of hiredis >= 1.0): their own CMake package, which
#    already exports hiredis::hiredis, is used when present.
# Sets Hiredis_FOUND, Hiredis_VERSION, Hiredis_INCLUDE_DIR, Hiredis_LIBRARY.

if(TARGET hiredis::hiredis)
  set(Hiredis_FOUND TRUE)
  return()
endif()

find_package(hiredis CONFIG QUIET)
if(TARGET hiredis::hiredis)
  set(Hiredis_VERSION "${hiredis_VERSION}")
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(Hiredis REQUIRED_VARS hiredis_DIR VERSION_VAR Hiredis_VERSION)
  return()
endif()

if(NOT CMAKE_CROSSCOMPILING)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(PC_Hiredis QUIET hiredis)
  endif()
endif()

# PC_Hiredis_INCLUDEDIR is .../include/hiredis: the folder above it holds hiredis/hiredis.h.
find_path(Hiredis_INCLUDE_DIR NAMES hiredis/hiredis.h
  HINTS ${PC_Hiredis_INCLUDEDIR}/.. ${PC_Hiredis_INCLUDE_DIRS})
find_library(Hiredis_LIBRARY NAMES hiredis
  HINTS ${PC_Hiredis_LIBDIR} ${PC_Hiredis_LIBRARY_DIRS})

if(Hiredis_INCLUDE_DIR AND EXISTS "${Hiredis_INCLUDE_DIR}/hiredis/hiredis.h")
  file(STRINGS "${Hiredis_INCLUDE_DIR}/hiredis/hiredis.h" _hiredis_version_lines
       REGEX "^#define HIREDIS_(MAJOR|MINOR|PATCH) +[0-9]+")
  foreach(_part MAJOR MINOR PATCH)
    string(REGEX REPLACE ".*#define HIREDIS_${_part} +([0-9]+).*" "\\1" _hiredis_${_part}
           "${_hiredis_version_lines}")
  endforeach()
  set(Hiredis_VERSION "${_hiredis_MAJOR}.${_hiredis_MINOR}.${_hiredis_PATCH}")
  unset(_hiredis_version_lines)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Hiredis
  REQUIRED_VARS Hiredis_LIBRARY Hiredis_INCLUDE_DIR
  VERSION_VAR Hiredis_VERSION)
mark_as_advanced(Hiredis_INCLUDE_DIR Hiredis_LIBRARY)

if(Hiredis_FOUND)
  add_library(hiredis::hiredis UNKNOWN IMPORTED)
  set_target_properties(hiredis::hiredis PROPERTIES
    IMPORTED_LOCATION "${Hiredis_LIBRARY}"
    IMPORTED_LINK_INTERFACE_LANGUAGES C
    INTERFACE_INCLUDE_DIRECTORIES "${Hiredis_INCLUDE_DIR}")
endif()
