#include "loanlens/params.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

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

/// `text` as a finite number; throws in the one format if it is not one.
double NumberOf(const std::string& key, const std::string& text) {
  double v = 0;
  if (!ParseNumber(text, &v)) Expected(key, "a number", text);
  return v;
}

std::string List(const std::vector<std::string>& items) {
  std::string list;
  for (const auto& k : items) list += (list.empty() ? "" : ", ") + k;
  return list;
}

}  // namespace

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

bool ParseNumber(const std::string& text, double* value) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) return false;
  *value = v;
  return true;
}

ParamReader::ParamReader(const ParamMap& params, std::string owner)
    : params_(params), owner_(std::move(owner)) {}

const std::string* ParamReader::Find(const std::string& key) {
  known_.insert(key);
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &it->second;
}

double ParamReader::Double(const std::string& key, double fallback, double min, double max) {
  const std::string* text = Find(key);
  if (!text) return fallback;
  const double v = NumberOf(key, *text);
  if (!(v >= min && v <= max)) Expected(key, "a number in " + Range(min, max), *text);
  return v;
}

double ParamReader::PositiveDouble(const std::string& key, double fallback) {
  const std::string* text = Find(key);
  if (!text) return fallback;
  const double v = NumberOf(key, *text);
  if (!(v > 0)) Expected(key, "a positive number", *text);
  return v;
}

double ParamReader::NonNegative(const std::string& key, double fallback) {
  const std::string* text = Find(key);
  if (!text) return fallback;
  const double v = NumberOf(key, *text);
  if (!(v >= 0)) Expected(key, "a number >= 0", *text);
  return v;
}

double ParamReader::Fraction(const std::string& key, double fallback) {
  const std::string* text = Find(key);
  if (!text) return fallback;
  const double v = NumberOf(key, *text);
  if (!(v > 0 && v <= 1)) Expected(key, "a number in (0, 1]", *text);
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
  const std::string* text = Find(key);
  if (!text) return fallback;
  const std::string& s = *text;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || s[0] < '0' || s[0] > '9' || *end != '\0' || errno == ERANGE)
    Expected(key, "an integer in [0, 18446744073709551615]", s);
  return static_cast<std::uint64_t>(v);
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
