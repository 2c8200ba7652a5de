#include "loanlens/fairness/proxy.h"

#include <algorithm>
#include <cmath>

#include "loanlens/error.h"
#include "loanlens/metrics.h"

namespace loanlens {

double CramersV(const std::vector<std::vector<double>>& table) {
  std::vector<double> rows, cols;
  const std::size_t nc = table.empty() ? 0 : table[0].size();
  cols.assign(nc, 0.0);
  for (const auto& r : table) {
    double sum = 0;
    for (std::size_t c = 0; c < nc; ++c) {
      sum += r[c];
      cols[c] += r[c];
    }
    rows.push_back(sum);
  }
  double n = 0;
  for (double r : rows) n += r;
  const auto nonzero = [](const std::vector<double>& v) {
    return static_cast<std::size_t>(
        std::count_if(v.begin(), v.end(), [](double x) { return x > 0; }));
  };
  const std::size_t k = std::min(nonzero(rows), nonzero(cols));
  if (k < 2 || n <= 0) return 0;
  double chi2 = 0;
  for (std::size_t r = 0; r < table.size(); ++r)
    for (std::size_t c = 0; c < nc; ++c) {
      if (rows[r] == 0 || cols[c] == 0) continue;
      const double e = rows[r] * cols[c] / n;
      chi2 += (table[r][c] - e) * (table[r][c] - e) / e;
    }
  return std::sqrt(chi2 / (n * static_cast<double>(k - 1)));
}

void AppendBins(const DriftReference& reference, const double* raw,
                std::vector<std::uint16_t>& out) {
  for (std::size_t j = 0; j < reference.features.size(); ++j)
    out.push_back(static_cast<std::uint16_t>(reference.features[j].Bin(raw[j])));
}

nlohmann::json ProxyCheck(const DriftReference& reference, const std::vector<std::uint16_t>& bins,
                          const GroupedAttribute& groups, const FairnessOptions& options) {
  const std::size_t nf = reference.features.size(), n = groups.group.size();
  if (bins.size() != n * nf) throw Error("proxy check: bins and groups differ in rows");
  std::vector<nlohmann::json> out;
  const std::size_t ng = groups.labels.size();
  for (std::size_t j = 0; j < nf; ++j) {
    const BinnedVariable& f = reference.features[j];
    std::vector<std::vector<double>> table(f.NumBins(), std::vector<double>(ng, 0.0));
    for (std::size_t i = 0; i < n; ++i) table[bins[i * nf + j]][groups.group[i]] += 1;
    const double v = CramersV(table);
    nlohmann::json auc = nullptr;
    if (ng == 2 && !f.categorical) {
      std::vector<double> y, s;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = bins[i * nf + j];
        if (f.has_missing_bin && b == f.NumBins() - 1) continue;
        y.push_back(groups.group[i] == 1 ? 1.0 : 0.0);
        s.push_back(static_cast<double>(b));
      }
      const double pos = std::count(y.begin(), y.end(), 1.0);
      if (pos > 0 && pos < static_cast<double>(y.size())) {
        const double a = RocAuc(y, s);
        auc = std::max(a, 1 - a);
      }
    }
    const bool likely =
        v >= options.proxy_threshold || (auc.is_number() && auc.get<double>() >= options.proxy_auc);
    out.push_back({{"feature", f.name}, {"cramers_v", v}, {"auc", auc}, {"likely_proxy", likely}});
  }
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["cramers_v"].get<double>() > b["cramers_v"].get<double>();
  });
  return nlohmann::json(out);
}

}  // namespace loanlens
