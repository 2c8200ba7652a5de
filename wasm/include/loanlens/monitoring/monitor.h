#pragma once
/// \file
/// Post-loan monitoring of new data against the bundle's drift reference: score and feature PSI
/// (characteristic stability), missing and out-of-range rates, performance when outcomes are
/// known, and the early-warning list of accounts whose PD rose or whose band worsened.
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/monitoring/drift_reference.h"
#include "loanlens/monitoring/psi.h"
#include "loanlens/policy/policy.h"

namespace loanlens {

/// Counts of new rows per reference bin; memory is the number of bins, whatever the rows.
class DriftAccumulator {
 public:
  explicit DriftAccumulator(const DriftReference& reference);
  /// One scored row: raw Frame values (reference feature order) and its PD.
  void Add(const double* raw, double pd);
  std::size_t Rows() const { return rows_; }
  /**
   * {"rows", "psi_floor", "psi_floor_note",
   *  "score": {"psi","verdict","bins":[{"label","reference","actual"}]},
   *  "features": {"<name>": {"psi","verdict","missing_rate","missing_rate_reference",
   *                          "out_of_range_rate","type","bins":[...]}}}
   */
  nlohmann::json Result(double floor = kPsiFloor) const;

 private:
  const DriftReference& reference_;
  std::size_t rows_ = 0;
  std::vector<double> score_counts_;
  std::vector<std::vector<double>> feature_counts_;
  std::vector<std::size_t> missing_, out_of_range_;
};

/// Performance on new labelled rows next to the bundle's validation metrics: AUC, KS and bad rate
/// by band, new vs validation ({"auc","auc_validation","ks","ks_validation","bad_rate",
/// "bad_rate_validation","band_table":[{"band","count","bad_rate","bad_rate_validation"}]}).
nlohmann::json PerformanceVsValidation(const std::vector<double>& y, const std::vector<double>& pd,
                                       const Policy& policy, const nlohmann::json& validation);

/// One account of a previous scoring run (matched by id).
struct PreviousScore {
  double pd = 0;
  std::string band;
};

/// Accounts present in both runs whose PD rose by more than `pd_rise` or whose band is worse
/// (BandOrder) now: [{"id","pd_previous","pd","pd_change","band_previous","band","reason"}],
/// largest PD rise first (ties by id).
nlohmann::json EarlyWarning(const std::map<std::string, PreviousScore>& previous,
                            const std::vector<std::string>& ids, const std::vector<double>& pd,
                            const Policy& policy, double pd_rise);

/// Reads a scored CSV written by `loanlens score` (columns id_column, "pd", "band"): id ->
/// score. Throws loanlens::Error naming the file, row and column for a missing column, a bad
/// PD, an unknown band or a repeated id.
std::map<std::string, PreviousScore> ReadPreviousScores(const std::string& text,
                                                        const std::string& source,
                                                        const std::string& id_column,
                                                        const Policy& policy);

}  // namespace loanlens
