#pragma once
/// \file
/// What a bundle says about itself, for people and for the page: everything but the model's
/// learned parameters and the preprocessing tables, plus per feature its type, description,
/// training range, median, levels and missing count, and how to read the margin. Printed by
/// `loanlens inspect --json` and returned to the page when a bundle is loaded.
#include <nlohmann/json.hpp>

#include "loanlens/bundle.h"

namespace loanlens {

nlohmann::json BundleSummary(const Bundle& bundle);

}  // namespace loanlens
