#include "loanlens/json_util.h"

#include <cmath>

#include "loanlens/error.h"

namespace loanlens {

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
  return v.get<long long>();
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
    out.push_back(a[i].get<long long>());
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
