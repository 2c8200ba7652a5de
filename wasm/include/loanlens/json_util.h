#pragma once
/// \file
/// Validated reading of JSON documents (bundles, schemas): every accessor checks presence and type
/// and throws loanlens::Error naming the JSON path ("model.coef[3]: expected a finite number").
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens {

class JsonReader {
 public:
  /** \param j the object to read; \param path its location for messages ("preprocess") */
  JsonReader(const nlohmann::json& j, std::string path);
  const nlohmann::json& Get(const std::string& key) const;  ///< required key
  bool Has(const std::string& key) const { return j_.contains(key); }
  double Double(const std::string& key) const;  ///< finite number
  double DoubleOr(const std::string& key, double fallback) const;
  long long Int(const std::string& key) const;  ///< integer
  bool Bool(const std::string& key) const;
  std::string String(const std::string& key) const;
  std::string StringOr(const std::string& key, const std::string& fallback) const;
  std::vector<double> DoubleArray(const std::string& key) const;  ///< finite numbers
  /// Numbers where null stands for NaN (missing).
  std::vector<double> NullableDoubleArray(const std::string& key) const;
  std::vector<long long> IntArray(const std::string& key) const;
  std::vector<std::string> StringArray(const std::string& key) const;
  const nlohmann::json& Object(const std::string& key) const;
  const nlohmann::json& Array(const std::string& key) const;
  JsonReader Child(const std::string& key) const { return JsonReader(Object(key), Path(key)); }
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void Fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& j_;
  std::string path_;
};

}  // namespace loanlens
