#pragma once
/// \file
/// Shared by evaluate, monitor and fairness: one BatchReview pass over a CSV file, and the
/// printouts of the validation evidence.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "loanlens/bundle.h"
#include "loanlens/review/batch_review.h"

namespace loanlens::cli {

/// Streams `path` through a BatchReview (64 KiB chunks); rejected rows are listed on stderr.
std::unique_ptr<BatchReview> ReviewFile(const Bundle& bundle, const std::string& path,
                                        const ReviewOptions& options);

/// Intervals, band table, Hosmer-Lemeshow and confusion at the cut-offs of a Backtest document.
void PrintEvidence(const nlohmann::json& m);

}  // namespace loanlens::cli
