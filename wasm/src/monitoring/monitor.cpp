#include "loanlens/monitoring/monitor.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "loanlens/data/csv.h"
#include "loanlens/data/schema.h"
#include "loanlens/error.h"
#include "loanlens/metrics.h"
#include "loanlens/validation/band_table.h"

namespace loanlens {
namespace {

nlohmann::json BinsJson(const BinnedVariable& v, const std::vector<double>& actual) {
  nlohmann::json bins = nlohmann::json::array();
  for (std::size_t k = 0; k < v.NumBins(); ++k)
    bins.push_back({{"label", v.labels[k]}, {"reference", v.shares[k]}, {"actual", actual[k]}});
  return bins;
}

}  // namespace

DriftAccumulator::DriftAccumulator(const DriftReference& reference)
    : reference_(reference),
      score_counts_(reference.score.NumBins(), 0.0),
      missing_(reference.features.size(), 0),
      out_of_range_(reference.features.size(), 0) {
  for (const auto& f : reference.features) feature_counts_.emplace_back(f.NumBins(), 0.0);
}

void DriftAccumulator::Add(const double* raw, double pd) {
  ++rows_;
  score_counts_[reference_.score.Bin(pd)] += 1;
  for (std::size_t j = 0; j < reference_.features.size(); ++j) {
    const BinnedVariable& f = reference_.features[j];
    feature_counts_[j][f.Bin(raw[j])] += 1;
    if (std::isnan(raw[j])) ++missing_[j];
    if (f.OutOfRange(raw[j])) ++out_of_range_[j];
  }
}

nlohmann::json DriftAccumulator::Result(double floor) const {
  const std::vector<double> score_shares = Shares(score_counts_);
  const double score_psi = Psi(reference_.score.shares, score_shares, floor);
  nlohmann::json out = {
      {"rows", rows_},
      {"reference_rows", reference_.rows},
      {"reference_sample", reference_.sample},
      {"psi_floor", floor},
      {"psi_floor_note", "bin shares below " + FormatNumber(floor) +
                             " (empty bins) are raised to it in PSI = sum (A - E) ln(A / E)"},
      {"score",
       {{"psi", score_psi},
        {"verdict", PsiVerdict(score_psi)},
        {"bins", BinsJson(reference_.score, score_shares)}}}};
  nlohmann::json features = nlohmann::json::object();
  const double n = static_cast<double>(rows_);
  for (std::size_t j = 0; j < reference_.features.size(); ++j) {
    const BinnedVariable& f = reference_.features[j];
    const std::vector<double> shares = Shares(feature_counts_[j]);
    const double psi = Psi(f.shares, shares, floor);
    features[f.name] = {{"type", f.categorical ? "categorical" : "numeric"},
                        {"psi", psi},
                        {"verdict", PsiVerdict(psi)},
                        {"missing_rate", n > 0 ? missing_[j] / n : 0.0},
                        {"missing_rate_reference", f.missing_rate},
                        {"out_of_range_rate", n > 0 ? out_of_range_[j] / n : 0.0},
                        {"bins", BinsJson(f, shares)}};
  }
  out["features"] = std::move(features);
  return out;
}

nlohmann::json PerformanceVsValidation(const std::vector<double>& y, const std::vector<double>& pd,
                                       const Policy& policy, const nlohmann::json& validation) {
  double bads = 0;
  for (double v : y) bads += v;
  nlohmann::json out = {{"rows", y.size()}, {"bad_rate", y.empty() ? 0.0 : bads / y.size()}};
  const bool both = bads > 0 && bads < static_cast<double>(y.size());
  out["auc"] = both ? nlohmann::json(RocAuc(y, pd)) : nlohmann::json(nullptr);
  out["ks"] = both ? nlohmann::json(KsStatistic(y, pd).ks) : nlohmann::json(nullptr);
  out["auc_validation"] = validation.value("auc", nlohmann::json(nullptr));
  out["ks_validation"] = validation.value("ks", nlohmann::json(nullptr));
  out["bad_rate_validation"] = validation.value("positive_rate", nlohmann::json(nullptr));
  nlohmann::json bands = nlohmann::json::array();
  const nlohmann::json valid_bands = validation.value("band_table", nlohmann::json::array());
  for (const BandRow& r : BandTable(policy, pd, y)) {
    nlohmann::json row = {{"band", r.band}, {"count", r.count}, {"bad_rate", r.bad_rate}};
    row["bad_rate_validation"] = nullptr;
    for (const auto& v : valid_bands)
      if (v.value("band", "") == r.band) row["bad_rate_validation"] = v.value("bad_rate", 0.0);
    bands.push_back(std::move(row));
  }
  out["band_table"] = std::move(bands);
  return out;
}

nlohmann::json EarlyWarning(const std::map<std::string, PreviousScore>& previous,
                            const std::vector<std::string>& ids, const std::vector<double>& pd,
                            const Policy& policy, double pd_rise) {
  std::vector<nlohmann::json> hits;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto it = previous.find(ids[i]);
    if (it == previous.end()) continue;
    const std::string band = policy.Band(pd[i]);
    const double change = pd[i] - it->second.pd;
    const bool worse = BandRank(policy, band) > BandRank(policy, it->second.band);
    if (!(change > pd_rise) && !worse) continue;
    std::string reason =
        change > pd_rise ? "PD rose by " + FormatNumber(std::round(change * 1e6) / 1e6) : "";
    if (worse) reason += (reason.empty() ? "" : "; ") + ("band " + it->second.band + " -> " + band);
    hits.push_back({{"id", ids[i]},
                    {"pd_previous", it->second.pd},
                    {"pd", pd[i]},
                    {"pd_change", change},
                    {"band_previous", it->second.band},
                    {"band", band},
                    {"reason", reason}});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    const double da = a["pd_change"], db = b["pd_change"];
    return da != db ? da > db : a["id"].get<std::string>() < b["id"].get<std::string>();
  });
  return nlohmann::json(hits);
}

std::map<std::string, PreviousScore> ReadPreviousScores(const std::string& text,
                                                        const std::string& source,
                                                        const std::string& id_column,
                                                        const Policy& policy) {
  std::istringstream in(text);
  CsvReader reader(in, source);
  const auto& header = reader.Header();
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      throw Error(Location{source, 1, name, ""},
                  "column not found; --previous expects a file written by `loanlens score` "
                  "with the id column, pd and band");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id = column(id_column), pd = column("pd"), band = column("band");
  std::map<std::string, PreviousScore> out;
  CsvRecord r;
  while (reader.Next(r)) {
    if (r.fields.size() != header.size())
      throw Error(Location{source, r.row, "", ""},
                  "expected " + std::to_string(header.size()) + " fields (as in the header)");
    const auto v = ParseNumber(r.fields[pd]);
    if (!v || *v < 0 || *v > 1)
      throw Error(Location{source, r.row, "pd", r.fields[pd]}, "expected a PD between 0 and 1");
    BandRank(policy, r.fields[band]);  // throws for an unknown band
    if (!out.emplace(r.fields[id], PreviousScore{*v, r.fields[band]}).second)
      throw Error(Location{source, r.row, id_column, r.fields[id]},
                  "this id appears twice; accounts are matched by id");
  }
  return out;
}

}  // namespace loanlens
