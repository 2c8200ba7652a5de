#pragma once
/// \file
/// An XGBoost model imported as a LoanLens bundle: the trees (xgboost_import.h) with the schema,
/// preprocessing, metrics and explanations the training pipeline gives a labelled sample.
#include <string>

#include "loanlens/bundle.h"
#include "loanlens/pipeline.h"

namespace loanlens {

/**
 * Bundles an XGBoost model (JSON from Booster.save_model) with the schema and preprocessing of a
 * labelled sample: the sample's columns are mapped to the model's feature names (numeric columns
 * by name, one-hot columns as "column=level"), and validation metrics are computed on the
 * sample's hold-out rows. `options.model` is ignored. The model is imported as it is: a column it
 * reads is a feature even when it is a protected attribute (age, sex, ...; then listed in
 * training.prohibited_basis, see ProhibitedBasis()) or has no value in the sample (then typed
 * numeric, as the model's float splits read it).
 */
Bundle ImportXgboostBundle(TrainOptions options, const std::string& xgboost_json_path);

}  // namespace loanlens
