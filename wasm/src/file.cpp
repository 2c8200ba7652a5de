#include "loanlens/file.h"

#include <fstream>
#include <sstream>

#include "loanlens/error.h"

namespace loanlens {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Location{path, 0, "", ""}, "cannot be opened for reading");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string BaseName(const std::string& path) {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace loanlens
