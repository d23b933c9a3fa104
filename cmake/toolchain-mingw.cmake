# Cross build for 64-bit Windows with mingw-w64 (posix thread model) on Debian.
#   cmake --preset windows            (see CMakePresets.json)
# WINDEPS_PREFIX is the small dependency prefix made by scripts/build-windows-deps.sh:
# symlinked Boost/json/Catch2 headers, copied CMake package files and mingw builds of
# Boost.Program_options, hiredis and OpenSSL. /usr/include must never reach a mingw include
# path: glibc's headers break mingw, so every find_* call is re-rooted onto the mingw sysroot
# and that prefix.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

# -posix explicitly: GCC 12 in the win32 thread model has no std::thread / std::mutex.
set(CMAKE_C_COMPILER   x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER  x86_64-w64-mingw32-windres)

get_filename_component(_hiconn_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(WINDEPS_PREFIX "${_hiconn_root}/build/windows-deps/prefix" CACHE PATH
    "mingw dependency prefix made by scripts/build-windows-deps.sh")
# try_compile projects re-read this file; hand them the same prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WINDEPS_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${WINDEPS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: no libstdc++ / libgcc / winpthread DLLs to ship.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# OpenSSL: find_package(OpenSSL 3) finds $WINDEPS_PREFIX/lib/lib{ssl,crypto}.a and
# include/openssl (the re-rooted search; no OPENSSL_ROOT_DIR needed). With the static-libs
# switch, FindOpenSSL adds ws2_32 and crypt32 to OpenSSL::Crypto and OpenSSL::SSL. The rest
# of what these libraries import (advapi32: CryptGenRandom, the event log; user32: the
# service/GUI check) is in every mingw link by default; mingw's OpenSSL 3.0 seeds from
# CryptGenRandom, not BCryptGenRandom, so no bcrypt.
set(OPENSSL_USE_STATIC_LIBS TRUE)

# add_test() runs the test exe through Wine; WINEDEBUG=-all keeps Wine's noise out of logs.
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/env WINEDEBUG=-all /usr/lib/wine/wine64)
