#include "loanlens/json_util.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "loanlens/error.h"

namespace loanlens {

void CheckJsonDepth(std::string_view text, const std::string& source) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw Error(source + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                    " levels at byte " + std::to_string(i + 1) + " (the limit is " +
                    std::to_string(kMaxJsonDepth) + " levels of arrays and objects)");
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced input is left to the parser, which rejects it
    }
  }
}

nlohmann::json ParseJson(std::string_view text, const std::string& source) {
  CheckJsonDepth(text, source);
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error; out_of_range for 1e400
    // nlohmann's message quotes the last token read, which can be a whole (huge) string.
    throw Error(source + ": not valid JSON (" + Abbreviate(e.what(), 240) + ")");
  }
}

long long JsonInteger(const nlohmann::json& v, long long lo, long long hi,
                      const std::string& path) {
  const std::string expected =
      "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got ";
  if (!v.is_number_integer()) throw Error(path + ": " + expected + Abbreviate(v.dump()));
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<long long>::max()) ||
        static_cast<long long>(u) > hi || static_cast<long long>(u) < lo)
      throw Error(path + ": " + expected + std::to_string(u));
    return static_cast<long long>(u);
  }
  const auto s = v.get<long long>();
  if (s < lo || s > hi) throw Error(path + ": " + expected + std::to_string(s));
  return s;
}

JsonReader::JsonReader(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) throw Error(path_ + ": expected a JSON object");
}

void JsonReader::Fail(const std::string& key, const std::string& what) const {
  throw Error(Path(key) + ": " + what);
}

const nlohmann::json& JsonReader::Get(const std::string& key) const {
  auto it = j_.find(key);
  if (it == j_.end()) Fail(key, "is missing");
  return *it;
}

double JsonReader::Double(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) Fail(key, "expected a finite number");
  return v.get<double>();
}

double JsonReader::DoubleOr(const std::string& key, double fallback) const {
  return Has(key) ? Double(key) : fallback;
}

long long JsonReader::Int(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_number_integer()) Fail(key, "expected an integer");
  return JsonInteger(v, std::numeric_limits<long long>::min(),
                     std::numeric_limits<long long>::max(), Path(key));
}

long long JsonReader::IntIn(const std::string& key, long long lo, long long hi) const {
  return JsonInteger(Get(key), lo, hi, Path(key));
}

std::string JsonReader::StringAtMost(const std::string& key, std::size_t max_bytes) const {
  std::string s = String(key);
  if (s.size() > max_bytes)
    Fail(key, "expected at most " + std::to_string(max_bytes) + " bytes, got " +
                  std::to_string(s.size()));
  return s;
}

const nlohmann::json& JsonReader::ArrayAtMost(const std::string& key, std::size_t max_size) const {
  const auto& a = Array(key);
  if (a.size() > max_size)
    Fail(key, "expected at most " + std::to_string(max_size) + " entries, got " +
                  std::to_string(a.size()));
  return a;
}

bool JsonReader::Bool(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_boolean()) Fail(key, "expected true or false");
  return v.get<bool>();
}

std::string JsonReader::String(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_string()) Fail(key, "expected a string");
  return v.get<std::string>();
}

std::string JsonReader::StringOr(const std::string& key, const std::string& fallback) const {
  return Has(key) ? String(key) : fallback;
}

const nlohmann::json& JsonReader::Object(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_object()) Fail(key, "expected an object");
  return v;
}

const nlohmann::json& JsonReader::Array(const std::string& key) const {
  const auto& v = Get(key);
  if (!v.is_array()) Fail(key, "expected an array");
  return v;
}

std::vector<double> JsonReader::DoubleArray(const std::string& key) const {
  std::vector<double> out;
  const auto& a = Array(key);
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
      Fail(key + "[" + std::to_string(i) + "]", "expected a finite number");
    out.push_back(a[i].get<double>());
  }
  return out;
}

std::vector<double> JsonReader::NullableDoubleArray(const std::string& key) const {
  std::vector<double> out;
  const auto& a = Array(key);
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null()) {
      out.push_back(std::nan(""));
    } else {
      if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
        Fail(key + "[" + std::to_string(i) + "]", "expected a finite number or null");
      out.push_back(a[i].get<double>());
    }
  }
  return out;
}

std::vector<long long> JsonReader::IntArray(const std::string& key) const {
  std::vector<long long> out;
  const auto& a = Array(key);
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number_integer()) Fail(key + "[" + std::to_string(i) + "]", "expected an integer");
    out.push_back(JsonInteger(a[i], std::numeric_limits<long long>::min(),
                              std::numeric_limits<long long>::max(),
                              Path(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::vector<std::string> JsonReader::StringArray(const std::string& key) const {
  std::vector<std::string> out;
  const auto& a = Array(key);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) Fail(key + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back(a[i].get<std::string>());
  }
  return out;
}

}  // namespace loanlens
