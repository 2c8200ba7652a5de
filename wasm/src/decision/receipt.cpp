#include "loanlens/decision/receipt.h"

#include <cmath>
#include <ctime>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"
#include "loanlens/decision/text.h"
#include "loanlens/error.h"
#include "loanlens/version.h"

namespace loanlens {
namespace {

/// How preprocessing used one raw value: the value and a note.
std::pair<std::string, std::string> UsedValue(const Preprocessor& pre, const ColumnSpec& c,
                                              const FeatureTransform& f, double raw) {
  if (c.type == ColumnType::kCategorical) {
    if (std::isnan(raw)) return {"", "missing"};
    if (raw == kUnseenLevel) return {"__other__", "mapped to __other__ (not seen in training)"};
    const auto code = static_cast<std::size_t>(raw);
    if (code < f.level_column.size() &&
        f.level_column[code] >= static_cast<int>(f.kept_levels.size()))
      return {"__other__", "pooled into __other__ (rare in training)"};
    return {ValueText(c, raw), ""};
  }
  if (std::isnan(raw)) {
    if (pre.Options().impute) return {Rounded(f.median, 6), "imputed with the training median"};
    return {"", "missing (the model has a learned direction for it)"};
  }
  if (f.clip && (raw < f.clip_low || raw > f.clip_high)) {
    const double v = std::min(std::max(raw, f.clip_low), f.clip_high);
    return {Rounded(v, 6), "clipped to the training range [" + Rounded(f.clip_low, 4) + ", " +
                               Rounded(f.clip_high, 4) + "]"};
  }
  return {ValueText(c, raw), ""};
}

}  // namespace

nlohmann::json InputsAsUsed(const Bundle& bundle, const double* raw,
                            const std::vector<std::string>& given) {
  const auto& features = bundle.FeatureNames();
  const Preprocessor& pre = bundle.GetPreprocessor();
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t j = 0; j < features.size(); ++j) {
    const ColumnSpec& c = bundle.Feature(j);
    const auto [used, note] = UsedValue(pre, c, pre.Features()[j], raw[j]);
    out.push_back({{"feature", features[j]},
                   {"label", Label(c)},
                   {"given", j < given.size() ? given[j] : ""},
                   {"used", used},
                   {"note", note}});
  }
  return out;
}

std::string UtcTimestamp() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

nlohmann::json Receipt(const Bundle& bundle, const nlohmann::json& decision,
                       const ReceiptHeader& header) {
  const nlohmann::json full = bundle.ToJson();
  return {{"format", "loanlens-decision-record"},
          {"format_version", 1},
          {"applicant_reference", header.applicant_reference},
          {"time", header.time.empty() ? UtcTimestamp() : header.time},
          {"engine_version", kEngineVersion},
          {"bundle",
           {{"name", header.bundle_name},
            {"kind", full["kind"]},
            {"content_sha256", full["content_sha256"]},
            {"engine_version", full["engine_version"]}}},
          {"decision", decision}};
}

void ValidateReceipt(const nlohmann::json& r) {
  auto need = [&](const nlohmann::json& j, const std::string& path, const char* key,
                  bool (nlohmann::json::*is)() const noexcept) {
    if (!j.is_object() || !j.contains(key) || !(j[key].*is)())
      throw Error("receipt." + path + key + ": missing or of the wrong type");
  };
  need(r, "", "format", &nlohmann::json::is_string);
  if (r["format"] != "loanlens-decision-record")
    throw Error("receipt.format: expected 'loanlens-decision-record'");
  need(r, "", "applicant_reference", &nlohmann::json::is_string);
  need(r, "", "time", &nlohmann::json::is_string);
  need(r, "", "bundle", &nlohmann::json::is_object);
  need(r["bundle"], "bundle.", "content_sha256", &nlohmann::json::is_string);
  need(r, "", "decision", &nlohmann::json::is_object);
  const auto& d = r["decision"];
  for (const char* key : {"pd", "points", "margin"})
    need(d, "decision.", key, &nlohmann::json::is_number);
  need(d, "decision.", "band", &nlohmann::json::is_string);
  for (const char* key : {"rules", "reasons", "inputs"})
    need(d, "decision.", key, &nlohmann::json::is_array);
}

}  // namespace loanlens
