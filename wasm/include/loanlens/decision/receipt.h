#pragma once
/// \file
/// The decision record: everything needed to file, print and later defend one decision.
/// `loanlens explain --receipt FILE` writes it; the Applicant screen downloads and prints it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loanlens {

class Bundle;

/**
 * Each input as given and as the model used it: {"feature", "given", "used", "note"}, where note
 * says what preprocessing did ("imputed with the training median", "clipped to ...", "mapped
 * to __other__ (not seen in training)", "pooled into __other__ (rare in training)", "missing").
 * \param given  the cells as typed / read, one per feature
 */
nlohmann::json InputsAsUsed(const Bundle& bundle, const double* raw,
                            const std::vector<std::string>& given);

struct ReceiptHeader {
  std::string applicant_reference;  ///< a field the user types, or the row id
  std::string time;                 ///< ISO 8601 UTC
  std::string bundle_name;          ///< file name of the bundle
};

/// The receipt: header, bundle identity (name, kind, content_sha256, engine version), and the
/// decision JSON of ExplainRecord (inputs, PD, points, band, rules, reasons, points by feature,
/// price, limit, recourse).
nlohmann::json Receipt(const Bundle& bundle, const nlohmann::json& decision,
                       const ReceiptHeader& header);

/// Throws loanlens::Error naming the first missing or mistyped key of a receipt.
void ValidateReceipt(const nlohmann::json& receipt);

/// The current time as ISO 8601 UTC ("2026-12-01T12:00:00Z").
std::string UtcTimestamp();

}  // namespace loanlens
