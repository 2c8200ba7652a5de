#include "loanlens/validation/band_table.h"

#include <algorithm>

#include "loanlens/error.h"
#include "loanlens/metrics.h"

namespace loanlens {

std::vector<std::string> BandOrder(const Policy& policy) {
  std::vector<std::string> order;
  const double a = policy.approve_below, d = policy.decline_at;
  for (double pd : {a / 2, (a + d) / 2, (d + 1) / 2}) {
    const std::string band = policy.Band(pd);
    if (std::find(order.begin(), order.end(), band) == order.end()) order.push_back(band);
  }
  return order;
}

namespace {

/// The position of `band` in `order` (BandOrder); throws for a band not in it.
std::size_t RankIn(const std::vector<std::string>& order, const std::string& band) {
  const auto it = std::find(order.begin(), order.end(), band);
  if (it == order.end()) throw Error("unknown band '" + band + "'");
  return static_cast<std::size_t>(it - order.begin());
}

}  // namespace

std::size_t BandRank(const Policy& policy, const std::string& band) {
  return RankIn(BandOrder(policy), band);
}

std::vector<BandRow> BandTable(const Policy& policy, const std::vector<double>& pd,
                               const std::vector<double>& y) {
  if (!y.empty() && y.size() != pd.size()) throw Error("band table: y and pd differ in length");
  const std::vector<std::string> order = BandOrder(policy);
  std::vector<BandRow> rows;
  for (const auto& b : order) rows.push_back(BandRow{b});
  std::vector<double> pd_sum(rows.size(), 0.0);
  for (std::size_t i = 0; i < pd.size(); ++i) {
    const std::size_t k = RankIn(order, policy.Band(pd[i]));
    ++rows[k].count;
    pd_sum[k] += pd[i];
    if (!y.empty() && y[i] > 0.5) ++rows[k].bads;
  }
  std::size_t cum = 0, cum_bads = 0;
  const double n = static_cast<double>(pd.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    BandRow& r = rows[k];
    cum += r.count;
    cum_bads += r.bads;
    r.share = n > 0 ? r.count / n : 0;
    r.mean_pd = r.count ? pd_sum[k] / r.count : 0;
    r.bad_rate = r.count ? static_cast<double>(r.bads) / r.count : 0;
    r.cum_approval_rate = n > 0 ? cum / n : 0;
    r.cum_bad_rate = cum ? static_cast<double>(cum_bads) / cum : 0;
  }
  return rows;
}

nlohmann::json BandTableJson(const std::vector<BandRow>& rows, bool with_outcomes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = {{"band", r.band},
                        {"count", r.count},
                        {"share", r.share},
                        {"mean_pd", r.mean_pd},
                        {"cum_approval_rate", r.cum_approval_rate}};
    if (with_outcomes) {
      j["bads"] = r.bads;
      j["bad_rate"] = r.bad_rate;
      j["cum_bad_rate"] = r.cum_bad_rate;
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json ConfusionAtCutoffs(const Policy& policy, const std::vector<double>& y,
                                  const std::vector<double>& pd) {
  nlohmann::json out = nlohmann::json::array();
  const std::pair<const char*, double> cutoffs[] = {{"approve_below", policy.approve_below},
                                                    {"decline_at", policy.decline_at}};
  for (const auto& [name, cutoff] : cutoffs) {
    const Confusion c = ConfusionAt(y, pd, cutoff);
    const std::string meaning =
        std::string(name) == "approve_below"
            ? "flagged = not approved (" + policy.Band(cutoff) + " or worse)"
            : "flagged = " + policy.Band(cutoff);
    nlohmann::json j = ConfusionJson(c);
    j["cutoff_name"] = name;
    j["cutoff"] = cutoff;
    j["meaning"] = meaning;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace loanlens
