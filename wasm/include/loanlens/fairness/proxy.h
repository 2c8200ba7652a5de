#pragma once
/// \file
/// Proxy check: how well each model input alone predicts the protected attribute. Inputs are
/// binned as in the drift reference (deciles or levels, missing its own bin); the association is
/// Cramer's V of the bins x groups table, and for a two-group attribute and a numeric input also
/// the AUC of the (ordinal) bin as a predictor of the group (max(AUC, 1 - AUC)).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "loanlens/fairness/fairness.h"
#include "loanlens/monitoring/drift_reference.h"

namespace loanlens {

/// Cramer's V = sqrt(chi2 / (n (min(r, c) - 1))) of a contingency table (rows x columns of
/// counts), empty rows and columns left out; 0 when fewer than two rows or columns remain.
double CramersV(const std::vector<std::vector<double>>& table);

/// Bins of one raw row under the reference's features (appended to `out`).
void AppendBins(const DriftReference& reference, const double* raw,
                std::vector<std::uint16_t>& out);

/// [{"feature","cramers_v","auc" (or null),"likely_proxy"}], strongest first. `bins` is row-major
/// (rows x features) as AppendBins writes it.
nlohmann::json ProxyCheck(const DriftReference& reference, const std::vector<std::uint16_t>& bins,
                          const GroupedAttribute& groups,
                          const FairnessOptions& options = FairnessOptions());

}  // namespace loanlens
