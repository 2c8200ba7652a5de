#pragma once
/// \file
/// One applicant given as JSON {"column": value, ...}: `loanlens explain --row`, the page's
/// Applicant form (bindings), the Python package's Bundle.explain and the decision record.
#include <nlohmann/json.hpp>
#include <string>

#include "loanlens/bundle.h"

namespace loanlens {

/// Parses the JSON text of one applicant (`loanlens explain --row`, the page's form). Any JSON
/// error (syntax, or a number out of range such as 1e400) is a loanlens::Error naming `source`.
nlohmann::json ParseRecord(const std::string& text, const std::string& source = "--row");

/// Scores one applicant given as JSON {"column": value, ...} (numbers, strings, booleans or null
/// for missing). Unknown keys are errors, feature keys not given are missing values; returns the
/// JSON that `loanlens explain` prints: the decision (DecisionJson: pd, margin, points, band,
/// rules, reasons, reference, points by feature, price ...), warnings, and inputs as given and as
/// used (InputsAsUsed); with `interactions` (tree models) also "interactions":
/// {feature: {feature: value}}, SHAP interaction values summed to original features.
nlohmann::json ExplainRecord(const Bundle& bundle, const nlohmann::json& record,
                             const std::string& source = "--row", bool interactions = false);

}  // namespace loanlens
