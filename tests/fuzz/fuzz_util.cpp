#include "fuzz_util.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "loanlens/bundle.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/sha256.h"

namespace loanlens::fuzz {

bool ShapeRefused(std::string_view text) {
  try {
    CheckJsonShape(text, "fuzz.json");
    return false;
  } catch (const Error&) {
    return true;
  }
}

std::string SourcePath(const std::string& relative) {
  return std::string(LOANLENS_SOURCE_DIR) + "/" + relative;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

void Reseal(nlohmann::json& bundle) {
  if (!bundle.is_object()) return;
  nlohmann::json content = bundle;
  content.erase("content_sha256");
  content.erase("created_at");
  bundle["content_sha256"] = Sha256Hex(content.dump());
}

std::uint64_t Rng::Next() {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t HashBytes(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace loanlens::fuzz
