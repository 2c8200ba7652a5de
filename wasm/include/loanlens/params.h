#pragma once
/// \file
/// `--param key=value` pairs and the one way to read them: typed, with a range, a default and one
/// error format ("parameter 'n_trees': expected an integer in [1, 100000], got 'abc'"). Each
/// consumer (a model family, the preprocessing, the policy, the training settings) reads its own
/// keys.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace loanlens {

/// `--param key=value` pairs as given on the command line.
using ParamMap = std::map<std::string, std::string>;

/**
 * Reads typed values from a ParamMap for one consumer and remembers which keys it read, so that
 * Finish() can reject the others naming the key and the known ones. Every reader method takes
 * the key, the default (used when the key is absent) and, for numbers, the closed range allowed.
 */
class ParamReader {
 public:
  /// `owner` names the consumer in errors ("model 'gbdt'", "preprocessing").
  ParamReader(const ParamMap& params, std::string owner);
  double Double(const std::string& key, double fallback, double min, double max);
  /// A finite number greater than 0 (a cost, a tolerance, a size).
  double PositiveDouble(const std::string& key, double fallback);
  /// A finite number >= 0 (a penalty, a minimum weight).
  double NonNegative(const std::string& key, double fallback);
  /// A number in (0, 1] (a rate, a share of rows or columns).
  double Fraction(const std::string& key, double fallback);
  int Int(const std::string& key, int fallback, int min, int max);
  /// A 64-bit seed (0 to 2^64 - 1).
  std::uint64_t Seed(const std::string& key, std::uint64_t fallback);
  std::string String(const std::string& key, const std::string& fallback);
  /// One of `choices`.
  std::string Choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& choices);
  /// Throws loanlens::Error for a key no reader method was asked for.
  void Finish() const;
  /// Throws, in the one format, for a value the consumer checks itself:
  /// Reject("gamma", "scale, auto or a positive number") ->
  /// "parameter 'gamma': expected scale, auto or a positive number, got '-1'".
  [[noreturn]] void Reject(const std::string& key, const std::string& expected) const;

 private:
  const std::string* Find(const std::string& key);
  const ParamMap& params_;
  std::string owner_;
  std::set<std::string> known_;
};

/// A comma-separated list value ("a,b,,c" -> {"a", "b", "c"}): `--exclude`, `key_fields` ...
std::vector<std::string> SplitList(const std::string& s);

/// Parses `text` as a whole finite number (as the reader's Double does); false if it is not one.
bool ParseNumber(const std::string& text, double* value);

}  // namespace loanlens
