#pragma once
/// Helpers shared by the data-layer tests.
#include <functional>
#include <string>

#include "loanlens/error.h"

namespace data_test {

/// The message of the loanlens::Error that `f` throws, or "(no error)".
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const loanlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace data_test
