#pragma once
/// \file
/// The model card: what a risk committee reads about a bundle, in sentences computed from the
/// bundle (data, intended use and limits, columns, constraints, validation protocol, metrics with
/// intervals, band table, calibration, policy, fairness summary, drift reference). Training stores
/// it in the bundle; `loanlens card` renders it as Markdown and the Model screen as HTML, from the
/// same JSON: {"title", "sections": [{"id", "title", "paragraphs": [text],
/// "tables": [{"caption", "columns": [text], "rows": [[text]]}]}]}.
#include <nlohmann/json.hpp>
#include <string>

#include "loanlens/bundle.h"

namespace loanlens {

/// Builds the card from a trained bundle's schema, policy and metadata (metrics, training,
/// drift_reference, fairness). Nothing time-dependent goes in (created_at is outside the content
/// hash, the card is inside it), so the same data, parameters and seed give the same card.
nlohmann::json BuildModelCard(const Bundle& bundle);

/// Markdown of a card; `bundle_sha256` (the sealed bundle's content_sha256, which the card
/// itself cannot contain) ends it.
std::string RenderModelCardMarkdown(const nlohmann::json& card, const std::string& bundle_sha256);

}  // namespace loanlens
