#pragma once
/// \file
/// The policy's decision bands applied to scored rows: counts, shares and bad rates per band, and
/// the confusion matrix at each of the policy's PD cut-offs.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/policy/policy.h"

namespace loanlens {

/// The policy's band names from lowest to highest risk (as Policy::Band gives them below, between
/// and above the two cut-offs; a band that cannot occur is left out).
std::vector<std::string> BandOrder(const Policy& policy);

/// Position of `band` in BandOrder (0 = least risky); throws loanlens::Error for an unknown name.
std::size_t BandRank(const Policy& policy, const std::string& band);

/// One band, bands in BandOrder. Cumulative columns: approving every band up to and including
/// this one (the approval rate and the bad rate among those approved).
struct BandRow {
  std::string band;
  std::size_t count = 0;
  double share = 0;    ///< count / all rows
  double mean_pd = 0;  ///< 0 for an empty band
  std::size_t bads = 0;
  double bad_rate = 0;           ///< bads / count (0 for an empty band)
  double cum_approval_rate = 0;  ///< rows in bands 0..this / all rows
  double cum_bad_rate = 0;       ///< bads in bands 0..this / rows in bands 0..this
};

/// Band table of pd (bands by policy.Band); `y` (0/1 per row) may be empty: bads are then 0.
std::vector<BandRow> BandTable(const Policy& policy, const std::vector<double>& pd,
                               const std::vector<double>& y);

/// [{"band","count","share","mean_pd","bads","bad_rate","cum_approval_rate","cum_bad_rate"}];
/// without outcomes the bad-rate keys are left out.
nlohmann::json BandTableJson(const std::vector<BandRow>& rows, bool with_outcomes);

/// Confusion at each cut-off of the policy, the rule "pd >= cut-off" flagging a row:
/// [{"cutoff_name": "approve_below", "cutoff", "meaning", "tp","fp","tn","fn","tpr","fpr",
///   "precision","accuracy","f1"}, {"cutoff_name": "decline_at", ...}].
nlohmann::json ConfusionAtCutoffs(const Policy& policy, const std::vector<double>& y,
                                  const std::vector<double>& pd);

}  // namespace loanlens
