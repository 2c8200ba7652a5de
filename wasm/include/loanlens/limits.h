#pragma once
/// \file
/// Bounds on every size and count a bundle, a schema, an XGBoost model or a CSV file may carry.
/// A bundle arrives by e-mail and a CSV from anywhere: each bound is checked when the input is
/// read, so that no input can make the engine allocate or compute without limit. The values are
/// listed (with their reasons) in models/README.md, "Limits".
#include <cstddef>

namespace loanlens {

// ---- trees ------------------------------------------------------------------------------------
/// Depth of the deepest leaf of one tree. XGBoost's and LightGBM's models stay far below (XGBoost's
/// default max_depth is 6; leaf-wise LightGBM trees rarely pass 40); random forests grown without
/// a depth limit on a million rows reach 50-70. 256 keeps TreeSHAP's path buffer (O(depth^2))
/// under 1 MB and its recursion short. Training never grows deeper trees.
inline constexpr int kMaxTreeDepth = 256;
/// Nodes of one tree (2^20): a random forest leaf of 5 rows on 2.5 million training rows.
inline constexpr std::size_t kMaxTreeNodes = std::size_t{1} << 20;
/// Trees of one ensemble (training accepts n_trees up to 100,000).
inline constexpr std::size_t kMaxTrees = 100000;
/// Nodes of a whole ensemble (2^23, about 8.4 million: 400 MB of nodes in memory).
inline constexpr std::size_t kMaxEnsembleNodes = std::size_t{1} << 23;

// ---- schema and CSV ---------------------------------------------------------------------------
/// Columns of a CSV file or a schema (a sparse XGBoost model with 11,898 features is real).
inline constexpr std::size_t kMaxColumns = 100000;
/// Feature columns a training (or an XGBoost import) may use. A bundle stores about 1 KB per
/// feature (schema, preprocessing, drift reference, reference pool, importance, card) and
/// training holds it as a JSON document a few times that size: 20,000 features train in about
/// 300 MB, 100,000 took 1.45 GB. Credit models use tens to hundreds; a real sparse XGBoost model
/// with 11,898 features still imports.
inline constexpr std::size_t kMaxTrainingFeatures = 20000;
/// Bytes of one column name.
inline constexpr std::size_t kMaxNameBytes = 1024;
/// Bytes of one column description (the stated reason for using age fits easily).
inline constexpr std::size_t kMaxDescriptionBytes = 4096;
/// Levels of one column (schema categories, one-hot kept levels): 10^6, which no categorical
/// credit variable approaches; the bundle's size grows with it.
inline constexpr std::size_t kMaxCategories = 1000000;
/// Missing-value tokens ("NA", "?", ...) and the bytes of each: every cell is compared with
/// every token, so their number bounds the cost of reading a row.
inline constexpr std::size_t kMaxMissingTokens = 64;
inline constexpr std::size_t kMaxMissingTokenBytes = 64;

// ---- explanations and models ------------------------------------------------------------------
/// Kernel SHAP coalitions per explanation (training default 2,048) and background rows (training
/// stores a 50-point k-means summary): the work of one explanation is their product.
inline constexpr long long kMaxKernelCoalitions = 65536;
inline constexpr std::size_t kMaxKernelBackground = 1000;
/// Polynomial kernel degree (training accepts 1 to 10).
inline constexpr long long kMaxPolyDegree = 10;
/// Design columns (model inputs) of any model.
inline constexpr std::size_t kMaxModelInputs = 1000000;
/// Reason codes per decision.
inline constexpr long long kMaxReasons = 100;

}  // namespace loanlens
