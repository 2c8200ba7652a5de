#pragma once
/// \file
/// Import of an XGBoost model saved as JSON (Booster.save_model("model.json"), learner format of
/// XGBoost 1.x to 3.x) into a gbdt model. Only objective binary:logistic with the gbtree booster
/// and numerical splits is supported; anything else is a loanlens::Error naming what was found.
///
/// XGBoost computes in float32. The imported model is flagged `float32`: values and thresholds
/// are compared as float (so every row reaches the same leaf as in XGBoost). Leaf values are
/// summed in double: the margin then differs from XGBoost's float sum by float rounding only
/// (~1e-7 relative), and TreeSHAP stays exactly additive (sum(phi) + base == margin).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loanlens/tree/gbdt.h"

namespace loanlens::tree {

/**
 * Converts an XGBoost learner JSON to a gbdt model.
 * \param xgb_model    the parsed JSON document ({"learner": ..., "version": [...]})
 * \param input_names  design columns of the new model; when the XGBoost model names its
 *                     features they are matched by name, otherwise feature i is column i
 * \return             a gbdt model: base_score = logit(XGBoost base_score), cover = sum_hessian,
 *                     threshold = split_conditions, leaf value = split_conditions of leaves
 */
std::unique_ptr<GbdtModel> ImportXgboostJson(const nlohmann::json& xgb_model,
                                             const std::vector<std::string>& input_names);

}  // namespace loanlens::tree
