#include "loanlens/card/model_card.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "loanlens/data/csv.h"
#include "loanlens/pipeline.h"

namespace loanlens {
namespace {

using nlohmann::json;

std::string Fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string Pct(double v) { return Fmt(100 * v, 1) + " %"; }

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k)
    out += (k == 0 ? "" : k + 1 == items.size() ? " and " : ", ") + items[k];
  return out.empty() ? "none" : out;
}

json Section(const std::string& id, const std::string& title) {
  return {{"id", id}, {"title", title}, {"paragraphs", json::array()}, {"tables", json::array()}};
}

json DataSection(const Bundle& b) {
  const json& t = b.Meta()["training"];
  const json& target = b.Meta()["target"];
  json s = Section("data", "Data");
  const double rate_v = b.Meta()["metrics"].contains("validation")
                            ? b.Meta()["metrics"]["validation"].value("positive_rate", 0.0)
                            : 0.0;
  s["paragraphs"].push_back(
      "The model was trained on " + t.value("data_file", std::string()) + " (SHA-256 " +
      t.value("data_sha256", std::string()) + "), " + std::to_string(t.value("rows", 0)) +
      " rows: " + std::to_string(t.value("train_rows", 0)) + " for fitting and " +
      std::to_string(t.value("valid_rows", 0)) + " for validation.");
  s["paragraphs"].push_back(
      "Default means the column '" + target.value("name", std::string()) + "' equals '" +
      target.value("positive", std::string()) + "'; the other value '" +
      target.value("negative", std::string()) + "' means the loan was repaid. Defaults are " +
      Pct(t.value("positive_rate_train", 0.0)) + " of the training sample and " + Pct(rate_v) +
      " of the validation rows.");
  return s;
}

json UseSection(const Bundle& b) {
  json s = Section("use", "Intended use and limits");
  const json& t = b.Meta()["training"];
  s["paragraphs"].push_back(
      "The model estimates the probability of default (PD) of a credit application described by "
      "the " +
      std::to_string(b.FeatureNames().size()) +
      " input columns below, for applicants "
      "like those in " +
      t.value("data_file", std::string()) +
      ". It supports a decision: the "
      "policy turns the PD into approve, review or decline, and every decision comes with its "
      "reasons.");
  s["paragraphs"].push_back(
      "Limits: the figures below hold for applicants like the training population. Values outside "
      "the training range, unseen categories and shifts in the mix of applicants are reported by "
      "`loanlens monitor` against the drift reference stored in this bundle; a population "
      "stability index above 0.25 calls for revalidation before further use.");
  return s;
}

json ColumnsSection(const Bundle& b) {
  json s = Section("columns", "Inputs, excluded and protected columns");
  std::vector<std::string> features, ignored, protected_cols, ids, flagged;
  for (const auto& c : b.GetSchema().columns) {
    if (c.role == Role::kFeature) features.push_back(c.name);
    if (c.role == Role::kIgnore) ignored.push_back(c.name);
    if (c.role == Role::kProtected) protected_cols.push_back(c.name);
    if (c.role == Role::kId) ids.push_back(c.name);
    if (c.role == Role::kFeature && IsDefaultProtected(c.name))
      flagged.push_back(c.name + " (stated reason: " +
                        (c.description.empty() ? std::string("none given") : c.description) + ")");
  }
  s["paragraphs"].push_back("Model inputs (" + std::to_string(features.size()) +
                            "): " + Join(features) + ".");
  s["paragraphs"].push_back(
      "Protected attributes, kept out of the model and available for "
      "fairness reviews: " +
      Join(protected_cols) + ". Excluded columns: " + Join(ignored) +
      ". Identifier columns: " + Join(ids) + ".");
  if (!flagged.empty())
    s["paragraphs"].push_back(
        "Warning: these model inputs are, or may stand in for, a "
        "prohibited basis for credit decisions: " +
        Join(flagged) + ".");
  const json params = b.Meta()["training"].value("params", json::object());
  const std::string monotone = params.value("monotone", std::string());
  s["paragraphs"].push_back(
      monotone.empty() ? "No monotone constraints were set."
                       : "Monotone constraints (+1: risk may not fall as the value rises, -1: may "
                         "not rise): " +
                             monotone + ".");
  return s;
}

json ProtocolSection(const Bundle& b) {
  json s = Section("protocol", "Validation protocol");
  const json& m = b.Meta()["metrics"];
  const json& t = b.Meta()["training"];
  std::string text = "The " + t.value("model", std::string()) +
                     " model was fitted on the "
                     "training sample and measured on held-out rows (" +
                     t.value("split", std::string()) + ").";
  if (m.contains("validation") && m["validation"].contains("intervals")) {
    const json& iv = m["validation"]["intervals"];
    text += " Intervals are " + Fmt(100 * iv.value("level", 0.95), 0) + " % " +
            iv.value("method", std::string()) + " (" + std::to_string(iv.value("replicates", 0)) +
            " replicates, seed " + std::to_string(iv.value("seed", 0)) + ").";
  }
  if (m.contains("validation") && m["validation"].contains("calibration_method"))
    text +=
        " PDs are calibrated: " + m["validation"]["calibration_method"].get<std::string>() + ".";
  s["paragraphs"].push_back(text);
  return s;
}

std::string WithInterval(const json& metrics, const std::string& key) {
  if (!metrics.contains(key)) return "-";
  std::string out = Fmt(metrics[key].get<double>(), 3);
  if (metrics.contains("intervals") && metrics["intervals"].contains(key)) {
    const json& i = metrics["intervals"][key];
    out += " [" + Fmt(i["lower"].get<double>(), 3) + ", " + Fmt(i["upper"].get<double>(), 3) + "]";
  }
  return out;
}

json MetricsSection(const Bundle& b) {
  json s = Section("metrics", "Performance: training sample and validation");
  const json& m = b.Meta()["metrics"];
  const json tr = m.value("training", json::object()), va = m.value("validation", json::object());
  json rows = json::array();
  for (const char* key : {"auc", "gini", "ks", "brier", "log_loss"})
    rows.push_back({key, WithInterval(tr, key), WithInterval(va, key)});
  s["tables"].push_back({{"caption", "Metric (95 % bootstrap interval)"},
                         {"columns", {"metric", "training sample", "validation"}},
                         {"rows", rows}});
  if (m.contains("comparison")) s["paragraphs"].push_back(m["comparison"]["statement"]);
  return s;
}

json BandsSection(const Bundle& b) {
  json s = Section("bands", "Decision bands on the validation rows");
  const json va = b.Meta()["metrics"].value("validation", json::object());
  json rows = json::array();
  for (const auto& r : va.value("band_table", json::array()))
    rows.push_back({r["band"].get<std::string>(), std::to_string(r["count"].get<std::size_t>()),
                    Pct(r["share"]), Pct(r.value("bad_rate", 0.0)), Pct(r["cum_approval_rate"]),
                    Pct(r.value("cum_bad_rate", 0.0))});
  s["tables"].push_back(
      {{"caption", "Band table"},
       {"columns",
        {"band", "rows", "share", "bad rate", "cumulative approval rate", "cumulative bad rate"}},
       {"rows", rows}});
  return s;
}

json CalibrationSection(const Bundle& b) {
  json s = Section("calibration", "Calibration");
  const json va = b.Meta()["metrics"].value("validation", json::object());
  if (va.contains("hosmer_lemeshow")) {
    const json& hl = va["hosmer_lemeshow"];
    const double p = hl["p_value"];
    s["paragraphs"].push_back(
        "Hosmer-Lemeshow on the validation deciles: statistic " + Fmt(hl["statistic"], 2) + " on " +
        std::to_string(hl["df"].get<int>()) + " degrees of freedom, p = " + Fmt(p, 3) +
        (p < 0.05 ? "; predicted and observed default rates differ more than chance explains."
                  : "; no evidence that predicted and observed default rates differ."));
  }
  json rows = json::array();
  for (const auto& c : va.value("calibration", json::array()))
    rows.push_back({std::to_string(c["bin"].get<int>() + 1), std::to_string(c["n"].get<int>()),
                    Pct(c["mean_pd"]), Pct(c["observed"])});
  s["tables"].push_back({{"caption", "Calibration by decile of PD (validation)"},
                         {"columns", {"decile", "rows", "mean PD", "observed default rate"}},
                         {"rows", rows}});
  return s;
}

json PolicySection(const Bundle& b) {
  json s = Section("policy", "Credit policy");
  const Policy& p = b.GetPolicy();
  s["paragraphs"].push_back("Applications with a PD below " + Pct(p.approve_below) + " are '" +
                            p.Band(0) +
                            "', at or "
                            "above " +
                            Pct(p.decline_at) + " '" + p.Band(1) + "'; the rest go to '" +
                            p.Band((p.approve_below + p.decline_at) / 2) +
                            "' for a person to decide. Points: " + FormatNumber(p.base_points) +
                            " at odds " + FormatNumber(p.base_odds) + ":1, " + FormatNumber(p.pdo) +
                            " points to double the odds. Up to " + std::to_string(p.max_reasons) +
                            " reasons are given per decision.");
  json rows = json::array();
  for (const auto& c : b.GetSchema().columns)
    if (!c.reason_code.empty())
      rows.push_back({c.reason_code, c.name, c.reason_high, c.reason_low});
  if (rows.empty())
    s["paragraphs"].push_back(
        "No reason catalogue is set: reasons are worded from the column "
        "descriptions.");
  else
    s["tables"].push_back({{"caption", "Reason catalogue"},
                           {"columns", {"code", "column", "when high", "when low"}},
                           {"rows", rows}});
  return s;
}

json FairnessSection(const Bundle& b) {
  json s = Section("fairness", "Fairness");
  if (!b.Meta().contains("fairness")) {
    s["paragraphs"].push_back(
        "No fairness attribute was given at training "
        "(--fairness-attribute); run `loanlens fairness` on labelled data.");
    return s;
  }
  const json& f = b.Meta()["fairness"];
  s["paragraphs"].push_back(f["summary"].get<std::string>() + " Measured on the " +
                            f.value("sample", std::string("rows")) + ".");
  json rows = json::array();
  for (const auto& g : f["groups"])
    rows.push_back({g["group"].get<std::string>(), std::to_string(g["count"].get<int>()),
                    Pct(g["approval_rate"]), Fmt(g["adverse_impact_ratio"], 2),
                    g["too_small"].get<bool>()        ? "too small to judge"
                    : g["four_fifths_ok"].get<bool>() ? "meets four-fifths"
                                                      : "below four-fifths"});
  s["tables"].push_back({{"caption", "Approval by " + f["attribute"].get<std::string>()},
                         {"columns", {"group", "rows", "approval rate", "AIR", "verdict"}},
                         {"rows", rows}});
  std::vector<std::string> proxies;
  for (const auto& p : f["proxies"])
    if (p["likely_proxy"].get<bool>())
      proxies.push_back(p["feature"].get<std::string>() + " (Cramer's V " + Fmt(p["cramers_v"], 2) +
                        ")");
  s["paragraphs"].push_back(
      "Inputs that on their own predict the attribute (likely proxies): " + Join(proxies) + ".");
  return s;
}

json DriftSection(const Bundle& b) {
  json s = Section("drift", "Drift reference");
  if (!b.Meta().contains("drift_reference")) return s;
  const json& d = b.Meta()["drift_reference"];
  s["paragraphs"].push_back(
      "The bundle stores the deciles of the PD on the " + d["sample"].get<std::string>() + " (" +
      std::to_string(d["rows"].get<int>()) + " rows) and, for each of the " +
      std::to_string(d["features"].size()) +
      " inputs, its deciles or level shares with missing "
      "values as their own bin. New data is compared against them by the population stability "
      "index: below 0.10 stable, 0.10 to 0.25 investigate, above 0.25 a significant shift.");
  return s;
}

}  // namespace

nlohmann::json BuildModelCard(const Bundle& b) {
  json sections = json::array();
  for (auto* section :
       {DataSection, UseSection, ColumnsSection, ProtocolSection, MetricsSection, BandsSection,
        CalibrationSection, PolicySection, FairnessSection, DriftSection})
    sections.push_back(section(b));
  return {{"title", "Model card: " + b.GetModel().Kind() + " on " +
                        b.Meta()["training"].value("data_file", std::string())},
          {"sections", sections}};
}

std::string RenderModelCardMarkdown(const nlohmann::json& card, const std::string& bundle_sha256) {
  std::ostringstream md;
  md << "# " << card.value("title", std::string("Model card")) << "\n\n";
  for (const auto& s : card.at("sections")) {
    md << "## " << s["title"].get<std::string>() << "\n\n";
    for (const auto& p : s["paragraphs"]) md << p.get<std::string>() << "\n\n";
    for (const auto& t : s["tables"]) {
      md << "**" << t["caption"].get<std::string>() << "**\n\n|";
      for (const auto& c : t["columns"]) md << " " << c.get<std::string>() << " |";
      md << "\n|";
      for (std::size_t k = 0; k < t["columns"].size(); ++k) md << " --- |";
      md << "\n";
      for (const auto& r : t["rows"]) {
        md << "|";
        for (const auto& c : r) md << " " << c.get<std::string>() << " |";
        md << "\n";
      }
      md << "\n";
    }
  }
  md << "## Bundle\n\nContent SHA-256: `" << bundle_sha256 << "` (any change to the bundle after "
     << "training changes it, and the engine refuses to load a bundle whose hash does not "
     << "match).\n";
  return md.str();
}

}  // namespace loanlens
