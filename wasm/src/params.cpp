#include "loanlens/params.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "loanlens/data/csv.h"
#include "loanlens/error.h"

namespace loanlens {
namespace {

[[noreturn]] void Expected(const std::string& key, const std::string& what,
                           const std::string& value) {
  throw Error("parameter '" + key + "': expected " + what + ", got '" + value + "'");
}

std::string Range(double min, double max) {
  return "[" + FormatNumber(min) + ", " + FormatNumber(max) + "]";
}

std::string List(const std::vector<std::string>& items) {
  std::string list;
  for (const auto& k : items) list += (list.empty() ? "" : ", ") + k;
  return list;
}

}  // namespace

bool ParseNumber(const std::string& text, double* value) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) return false;
  *value = v;
  return true;
}

double ParamDouble(const ParamMap& p, const std::string& key, double fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  double v = 0;
  if (!ParseNumber(it->second, &v)) Expected(key, "a number", it->second);
  return v;
}

int ParamInt(const ParamMap& p, const std::string& key, int fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  const char* s = it->second.c_str();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s, &end, 10);
  if (it->second.empty() || *end != '\0' || errno == ERANGE || v < -2147483647LL ||
      v > 2147483647LL)
    Expected(key, "an integer", it->second);
  return static_cast<int>(v);
}

std::uint64_t ParamUInt64(const ParamMap& p, const std::string& key, std::uint64_t fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  const std::string& s = it->second;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || s[0] < '0' || s[0] > '9' || *end != '\0' || errno == ERANGE)
    Expected(key, "an integer in [0, 18446744073709551615]", s);
  return static_cast<std::uint64_t>(v);
}

std::string ParamString(const ParamMap& p, const std::string& key, const std::string& fallback) {
  auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

void CheckParams(const ParamMap& p, const std::vector<std::string>& known,
                 const std::string& kind) {
  for (const auto& [key, value] : p) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == key;
    if (!ok)
      throw Error("parameter '" + key + "' is not known for model '" + kind +
                  "' (known: " + List(known) + ")");
  }
}

ParamReader::ParamReader(const ParamMap& params, std::string owner)
    : params_(params), owner_(std::move(owner)) {}

const std::string* ParamReader::Find(const std::string& key) {
  known_.insert(key);
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &it->second;
}

double ParamReader::Double(const std::string& key, double fallback, double min, double max) {
  if (!Find(key)) return fallback;
  const double v = ParamDouble(params_, key, fallback);
  if (!(v >= min && v <= max)) Expected(key, "a number in " + Range(min, max), params_.at(key));
  return v;
}

double ParamReader::PositiveDouble(const std::string& key, double fallback) {
  if (!Find(key)) return fallback;
  const double v = ParamDouble(params_, key, fallback);
  if (!(v > 0)) Expected(key, "a positive number", params_.at(key));
  return v;
}

int ParamReader::Int(const std::string& key, int fallback, int min, int max) {
  if (!Find(key)) return fallback;
  const std::string& s = params_.at(key);
  const std::string what = "an integer in " + Range(min, max);
  long long v = 0;
  char* end = nullptr;
  errno = 0;
  v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE || v < min || v > max) Expected(key, what, s);
  return static_cast<int>(v);
}

std::uint64_t ParamReader::Seed(const std::string& key, std::uint64_t fallback) {
  if (!Find(key)) return fallback;
  return ParamUInt64(params_, key, fallback);
}

std::string ParamReader::String(const std::string& key, const std::string& fallback) {
  const std::string* v = Find(key);
  return v ? *v : fallback;
}

std::string ParamReader::Choice(const std::string& key, const std::string& fallback,
                                const std::vector<std::string>& choices) {
  const std::string* v = Find(key);
  if (!v) return fallback;
  for (const auto& c : choices)
    if (c == *v) return c;
  Expected(key, "one of " + List(choices), *v);
}

void ParamReader::Finish() const {
  for (const auto& [key, value] : params_)
    if (!known_.count(key))
      throw Error("parameter '" + key + "' is not known for " + owner_ +
                  " (known: " + List({known_.begin(), known_.end()}) + ")");
}

void ParamReader::Reject(const std::string& key, const std::string& expected) const {
  const auto it = params_.find(key);
  Expected(key, expected, it == params_.end() ? std::string() : it->second);
}

}  // namespace loanlens
