#pragma once
/// \file
/// The validation evidence training stores in the bundle, next to the model: back-tests of the
/// validation and the training sample with their comparison, the drift reference, and the
/// fairness summary when an attribute is named (TrainOptions::fairness_attribute).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"
#include "loanlens/data/schema.h"

namespace loanlens {

/// Back-test of the validation rows (Backtest with the bundle's policy and default options).
nlohmann::json ValidationEvidence(const Bundle& bundle, const std::vector<double>& y,
                                  const std::vector<double>& pd);

/**
 * From the training rows and their PDs (`train_pd`, the bundle's PD of each row) stores
 * metrics.training (Backtest) and metrics.comparison
 * (CompareTrainingValidation, when metrics.validation exists); drift_reference (score deciles of
 * the training sample and per-feature bins); and, when `fairness_attribute` is set, fairness:
 * FairnessReport + proxies on the validation rows (the training rows without a validation set).
 */
void AddTrainingEvidence(Bundle& bundle, const Frame& train, const std::vector<double>& train_pd,
                         const Frame& valid, const std::vector<double>& valid_pd,
                         const std::string& fairness_attribute);

/// Makes `column` the fairness attribute: it must exist and not be a model input (role feature
/// throws loanlens::Error naming it); an ignored column becomes protected so its values are kept.
void MarkFairnessAttribute(Schema& schema, const std::string& column, const std::string& file);

}  // namespace loanlens
