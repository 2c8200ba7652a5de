#include "loanlens/json_util.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "loanlens/error.h"

namespace loanlens {

namespace {

/// The state of CheckJsonShape's scan for one open array or object.
struct Open {
  bool is_object = false;
  std::size_t elements = 0;      ///< commas seen + 1 once an element started
  bool started = false;          ///< a first element has begun
  std::string key;               ///< object: the last key read
  std::size_t limit = SIZE_MAX;  ///< array: most elements allowed (JsonArrayLimit)
  std::string path;              ///< for messages ("model.trees")
};

[[noreturn]] void TooDeep(const std::string& source, std::size_t at) {
  throw Error(source + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
              " levels at byte " + std::to_string(at + 1) + " (the limit is " +
              std::to_string(kMaxJsonDepth) + " levels of arrays and objects)");
}

}  // namespace

void CheckJsonShape(std::string_view text, const std::string& source,
                    const std::vector<JsonArrayLimit>& array_limits) {
  std::vector<Open> open;
  open.reserve(kMaxJsonDepth + 1);
  std::string last_string;  // the latest string (an object key when ':' follows), capped
  std::size_t string_start = 0;
  bool in_string = false, escaped = false;
  auto element_begins = [&open]() {
    if (!open.empty() && !open.back().started) {
      open.back().started = true;
      open.back().elements = 1;
    }
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (i - string_start > kMaxJsonStringBytes)
          throw Error(source + ": a JSON string of " + std::to_string(i - string_start) +
                      " bytes at byte " + std::to_string(string_start) + " (at most " +
                      std::to_string(kMaxJsonStringBytes) + ")");
        continue;
      }
      if (last_string.size() < 64) last_string += c;
      continue;
    }
    switch (c) {
      case '"':
        element_begins();
        in_string = true;
        string_start = i + 1;
        last_string.clear();
        break;
      case ':':
        if (!open.empty()) open.back().key = last_string;
        break;
      case ',':
        if (!open.empty()) {
          Open& o = open.back();
          if (++o.elements > o.limit)
            throw Error(source + ": " + o.path + ": more than " + std::to_string(o.limit) +
                        " entries (the limit)");
        }
        break;
      case '[':
      case '{': {
        element_begins();
        if (open.size() >= static_cast<std::size_t>(kMaxJsonDepth)) TooDeep(source, i);
        Open o;
        o.is_object = c == '{';
        if (!open.empty() && open.back().is_object)
          o.path = (open.size() > 1 ? open.back().path + "." : "") + open.back().key;
        else if (!open.empty())
          o.path = open.back().path + "[]";
        if (!o.is_object)
          for (const auto& l : array_limits)
            if (l.path == o.path) o.limit = l.max_size;
        open.push_back(std::move(o));
        break;
      }
      case ']':
      case '}':
        if (!open.empty()) open.pop_back();  // unbalanced input is left to the parser
        break;
      default:
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') element_begins();
    }
  }
}

nlohmann::json ParseJson(std::string_view text, const std::string& source,
                         const std::vector<JsonArrayLimit>& array_limits) {
  CheckJsonShape(text, source, array_limits);
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
