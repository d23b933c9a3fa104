#include "tools/load/counter.hpp"

#include <cerrno>

namespace hiconn::load {

bool is_local_resource_error(int e) {
    return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL;
}

}  // namespace hiconn::load
