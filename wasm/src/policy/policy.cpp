#include "loanlens/policy/policy.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <variant>

#include "loanlens/data/schema.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/params.h"
#include "loanlens/portable_math.h"

namespace loanlens {
namespace {

using Member = std::variant<double Policy::*, int Policy::*, bool Policy::*, std::string Policy::*,
                            std::vector<std::string> Policy::*,
                            std::map<std::string, double> Policy::*>;

struct Setting {
  const char* key;
  Member member;
};

/// Every policy key, its member and (by the member's type) how it is read.
const std::vector<Setting>& Settings() {
  static const std::vector<Setting> s = {
      {"base_points", &Policy::base_points},
      {"base_odds", &Policy::base_odds},
      {"pdo", &Policy::pdo},
      {"cutoff_unit", &Policy::cutoff_unit},
      {"approve_below", &Policy::approve_below},
      {"decline_at", &Policy::decline_at},
      {"approve_at_points", &Policy::approve_at_points},
      {"decline_below_points", &Policy::decline_below_points},
      {"max_reasons", &Policy::max_reasons},
      {"min_reason_points", &Policy::min_reason_points},
      {"reference_band_points", &Policy::reference_band_points},
      {"reference_rows", &Policy::reference_rows},
      {"review_near_cutoff_points", &Policy::review_near_cutoff_points},
      {"key_fields", &Policy::key_fields},
      {"review_out_of_range", &Policy::review_out_of_range},
      {"review_unseen_level", &Policy::review_unseen_level},
      {"derived_tolerance", &Policy::derived_tolerance},
      {"amount_feature", &Policy::amount_feature},
      {"ead_feature", &Policy::ead_feature},
      {"max_amount", &Policy::max_amount},
      {"lgd", &Policy::lgd},
      {"cost_of_funds", &Policy::cost_of_funds},
      {"rate_margin", &Policy::rate_margin},
      {"rate_grid", &Policy::rate_grid},
      {"max_pd", &Policy::max_pd},
      {"max_expected_loss", &Policy::max_expected_loss},
  };
  return s;
}

const Setting* FindSetting(const std::string& key) {
  for (const auto& s : Settings())
    if (key == s.key) return &s;
  return nullptr;
}

Error SetError(const std::string& key, const std::string& value, const std::string& expected) {
  return Error("policy '" + key + "': expected " + expected + ", got '" + value + "'");
}

/// "approve:0.08,review:0.12" -> {approve: 0.08, review: 0.12}.
std::map<std::string, double> ParseGrid(const std::string& key, const std::string& value) {
  std::map<std::string, double> grid;
  for (const auto& item : SplitList(value)) {
    const auto colon = item.find(':');
    const auto number = colon == std::string::npos ? std::nullopt
                                                   : ParseNumber(item.substr(colon + 1));
    const std::string band = colon == std::string::npos ? "" : item.substr(0, colon);
    if (!number || (band != "approve" && band != "review" && band != "decline"))
      throw SetError(key, value, "band:rate pairs such as 'approve:0.08,review:0.12'");
    grid[band] = *number;
  }
  return grid;
}

struct Assign {
  Policy& p;
  const std::string& key;
  const std::string& value;
  void operator()(double Policy::*m) const {
    const auto v = ParseNumber(value);
    if (!v) throw SetError(key, value, "a number");
    p.*m = *v;
  }
  void operator()(int Policy::*m) const {
    const auto v = ParseNumber(value);
    if (!v || *v != std::floor(*v) || std::abs(*v) > 1e6) throw SetError(key, value, "an integer");
    p.*m = static_cast<int>(*v);
  }
  void operator()(bool Policy::*m) const {
    const auto v = ParseBool(value);
    if (!v) throw SetError(key, value, "true or false");
    p.*m = *v;
  }
  void operator()(std::string Policy::*m) const { p.*m = value; }
  void operator()(std::vector<std::string> Policy::*m) const { p.*m = SplitList(value); }
  void operator()(std::map<std::string, double> Policy::*m) const {
    p.*m = ParseGrid(key, value);
  }
};

struct Show {
  const Policy& p;
  std::string operator()(double Policy::*m) const { return FormatNumber(p.*m); }
  std::string operator()(int Policy::*m) const { return std::to_string(p.*m); }
  std::string operator()(bool Policy::*m) const { return p.*m ? "true" : "false"; }
  std::string operator()(std::string Policy::*m) const { return p.*m; }
  std::string operator()(std::vector<std::string> Policy::*m) const {
    std::string out;
    for (const auto& s : p.*m) out += (out.empty() ? "" : ",") + s;
    return out;
  }
  std::string operator()(std::map<std::string, double> Policy::*m) const {
    std::string out;
    for (const auto& [band, rate] : p.*m)
      out += (out.empty() ? "" : ",") + band + ":" + FormatNumber(rate);
    return out;
  }
};

struct ToJsonValue {
  const Policy& p;
  template <typename T>
  nlohmann::json operator()(T Policy::*m) const {
    return p.*m;
  }
};

/// Reads one key from the bundle's policy JSON into the member (types checked).
struct FromJsonValue {
  Policy& p;
  JsonReader& r;
  const char* key;
  void operator()(double Policy::*m) const { p.*m = r.Double(key); }
  void operator()(int Policy::*m) const {
    const long long high = std::string(key) == "max_reasons" ? kMaxReasons : 1000000;
    p.*m = static_cast<int>(r.IntIn(key, 0, high));
  }
  void operator()(bool Policy::*m) const {
    p.*m = r.Bool(key);
  }
  void operator()(std::string Policy::*m) const { p.*m = r.String(key); }
  void operator()(std::vector<std::string> Policy::*m) const { p.*m = r.StringArray(key); }
  void operator()(std::map<std::string, double> Policy::*m) const {
    const nlohmann::json& v = r.Get(key);
    if (!v.is_object()) r.Fail(key, "expected {band: rate}");
    (p.*m).clear();
    for (const auto& [band, rate] : v.items()) {
      if (!rate.is_number()) r.Fail(key, "expected {band: rate} with numeric rates");
      (p.*m)[band] = rate.get<double>();
    }
  }
};

}  // namespace

double Policy::Points(double pd) const {
  // Odds of good to bad; clamp PD away from 0 and 1 so the score stays finite.
  const double p = std::clamp(pd, 1e-9, 1 - 1e-9);
  const double factor = pdo / Log(2.0);
  const double offset = base_points - factor * Log(base_odds);
  return offset + factor * Log((1 - p) / p);
}

double Policy::PdOfPoints(double points) const {
  const double factor = pdo / Log(2.0);
  const double offset = base_points - factor * Log(base_odds);
  return 1.0 / (1.0 + Exp((points - offset) / factor));
}

std::string Policy::Band(double pd) const {
  if (cutoff_unit == "points") {
    const double pts = Points(pd);
    if (pts >= approve_at_points) return "approve";
    if (pts < decline_below_points) return "decline";
    return "review";
  }
  if (pd < approve_below) return "approve";
  if (pd >= decline_at) return "decline";
  return "review";
}

double Policy::ApprovePoints() const {
  return cutoff_unit == "points" ? approve_at_points : Points(approve_below);
}

double Policy::DeclinePoints() const {
  return cutoff_unit == "points" ? decline_below_points : Points(decline_at);
}

bool Policy::Set(const std::string& key, const std::string& value) {
  const Setting* s = FindSetting(key);
  if (!s) return false;
  std::visit(Assign{*this, key, value}, s->member);
  return true;
}

const std::vector<std::string>& Policy::Keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& s : Settings()) k.push_back(s.key);
    return k;
  }();
  return keys;
}

std::string Policy::Get(const std::string& key) const {
  const Setting* s = FindSetting(key);
  if (!s) throw Error("policy: no key '" + key + "'");
  return std::visit(Show{*this}, s->member);
}

void Policy::Validate() const {
  auto fail = [](const std::string& key, const std::string& what) {
    throw Error("policy." + key + ": " + what);
  };
  if (!(base_odds > 0 && std::isfinite(base_odds))) fail("base_odds", "expected a positive number");
  if (!(pdo > 0 && std::isfinite(pdo))) fail("pdo", "expected a positive number");
  if (!std::isfinite(base_points)) fail("base_points", "expected a finite number");
  if (cutoff_unit != "pd" && cutoff_unit != "points")
    fail("cutoff_unit", "expected 'pd' or 'points', got '" + cutoff_unit + "'");
  if (!(approve_below > 0 && approve_below <= decline_at && decline_at < 1))
    fail("decline_at", "expected 0 < approve_below <= decline_at < 1");
  if (cutoff_unit == "points" &&
      !(std::isfinite(approve_at_points) && decline_below_points <= approve_at_points))
    fail("decline_below_points", "expected decline_below_points <= approve_at_points");
  if (max_reasons < 0 || max_reasons > 20) fail("max_reasons", "expected 0 to 20");
  if (!(min_reason_points >= 0)) fail("min_reason_points", "expected a non-negative number");
  if (!(reference_band_points > 0)) fail("reference_band_points", "expected a positive number");
  if (reference_rows < 1 || reference_rows > 1000) fail("reference_rows", "expected 1 to 1000");
  if (!(review_near_cutoff_points >= 0))
    fail("review_near_cutoff_points", "expected a non-negative number (0 = off)");
  if (!(derived_tolerance >= 0)) fail("derived_tolerance", "expected a non-negative number");
  if (!(max_amount >= 0)) fail("max_amount", "expected a non-negative number (0 = none)");
  if (!(lgd >= 0 && lgd <= 1)) fail("lgd", "expected a number in [0, 1]");
  if (!std::isfinite(cost_of_funds) || !std::isfinite(rate_margin))
    fail("rate_margin", "expected finite rates");
  if (!(max_pd >= 0 && max_pd < 1)) fail("max_pd", "expected a number in [0, 1) (0 = none)");
  if (!(max_expected_loss >= 0)) fail("max_expected_loss", "expected a non-negative number");
  if (!history.is_array()) fail("history", "expected a list of changes");
}

nlohmann::json Policy::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& s : Settings()) j[s.key] = std::visit(ToJsonValue{*this}, s.member);
  j["history"] = history;
  return j;
}

Policy Policy::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("bundle.policy: expected an object");
  JsonReader r(j, "policy");
  Policy p;
  for (const auto& s : Settings()) {
    // The six keys of the first bundle format are required; later ones default.
    const std::string key = s.key;
    const bool v1 = key == "base_points" || key == "base_odds" || key == "pdo" ||
                    key == "approve_below" || key == "decline_at" || key == "max_reasons";
    if (!v1 && !j.contains(key)) continue;
    std::visit(FromJsonValue{p, r, s.key}, s.member);
  }
  if (j.contains("history")) p.history = r.Get("history");
  for (const auto& [key, value] : j.items())
    if (key != "history" && !FindSetting(key)) r.Fail(key, "is not a policy key");
  p.Validate();
  return p;
}

}  // namespace loanlens
