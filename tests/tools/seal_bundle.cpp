// loanlens_seal: writes a bundle document with its content_sha256 recomputed by the engine, so
// that a crafted (hostile) bundle passes the hash check and reaches the deep validation.
// Usage: loanlens_seal IN.json OUT.json. Used by scripts/make_hostile_corpus.py; not shipped.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "loanlens/bundle.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: loanlens_seal IN.json OUT.json\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str());  // trusted input: the generator's own
  j["content_sha256"] = loanlens::ContentSha256(j);
  std::ofstream out(argv[2], std::ios::binary);
  out << j.dump(1) << "\n";
  return out ? 0 : 1;
}
