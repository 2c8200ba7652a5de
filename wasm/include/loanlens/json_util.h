#pragma once
/// \file
/// Validated reading of JSON documents (bundles, schemas): every accessor checks presence and type
/// and throws loanlens::Error naming the JSON path ("model.coef[3]: expected a finite number").
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace loanlens {

/// Deepest nesting of arrays and objects accepted in any JSON the program reads (bundles,
/// schemas, XGBoost models, --row records). The deepest real document, an XGBoost model, nests
/// 7 levels; the limit keeps every recursive walk of a parsed document (copy, dump, compare)
/// far from the stack's end.
inline constexpr int kMaxJsonDepth = 64;

/// Longest string accepted in any JSON document (1 MiB): names, levels and descriptions are far
/// shorter; a 50 MB description is refused before it is parsed.
inline constexpr std::size_t kMaxJsonStringBytes = std::size_t{1} << 20;

/// The most entries an array at `path` may have: "model.trees" (object keys joined by '.',
/// "[]" for an array's elements; the top-level object has the empty path).
struct JsonArrayLimit {
  std::string path;
  std::size_t max_size;
};

/// Throws loanlens::Error naming `source` and the byte offset when `text` nests arrays / objects
/// deeper than kMaxJsonDepth, has a string longer than kMaxJsonStringBytes, or an array of
/// `array_limits` has more entries than allowed. One linear scan with memory bounded by the
/// depth (strings are skipped), before anything is allocated for the document.
void CheckJsonShape(std::string_view text, const std::string& source,
                    const std::vector<JsonArrayLimit>& array_limits = {});

/// The one JSON parser of the program: checks the shape first (CheckJsonShape), then parses.
/// Errors name `source` ("bundle.json", "--row") and quote at most a short excerpt of the input.
nlohmann::json ParseJson(std::string_view text, const std::string& source,
                         const std::vector<JsonArrayLimit>& array_limits = {});

/// An integer in [lo, hi] (a JSON integer; 2^32 + k is out of range, never truncated to k).
/// Throws loanlens::Error "`path`: expected an integer in [lo, hi], got ...".
long long JsonInteger(const nlohmann::json& v, long long lo, long long hi, const std::string& path);

class JsonReader {
 public:
  /** \param j the object to read; \param path its location for messages ("preprocess") */
  JsonReader(const nlohmann::json& j, std::string path);
  const nlohmann::json& Get(const std::string& key) const;  ///< required key
  bool Has(const std::string& key) const { return j_.contains(key); }
  double Double(const std::string& key) const;  ///< finite number
  double DoubleOr(const std::string& key, double fallback) const;
  long long Int(const std::string& key) const;  ///< integer (a 64-bit signed value)
  /// Integer in [lo, hi]; 2^32 + k is out of range, never truncated.
  long long IntIn(const std::string& key, long long lo, long long hi) const;
  /// Optional integer in [lo, hi].
  long long IntInOr(const std::string& key, long long lo, long long hi, long long fallback) const {
    return Has(key) ? IntIn(key, lo, hi) : fallback;
  }
  /// A string of at most `max_bytes` bytes.
  std::string StringAtMost(const std::string& key, std::size_t max_bytes) const;
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
  /// An array of at most `max_size` entries.
  const nlohmann::json& ArrayAtMost(const std::string& key, std::size_t max_size) const;
  JsonReader Child(const std::string& key) const { return JsonReader(Object(key), Path(key)); }
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void Fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& j_;
  std::string path_;
};

}  // namespace loanlens
