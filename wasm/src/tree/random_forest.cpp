#include "loanlens/tree/random_forest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "binned.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/limits.h"
#include "loanlens/metrics.h"
#include "loanlens/parallel.h"
#include "loanlens/tree/interventional_shap.h"
#include "loanlens/tree/margin_probe.h"

namespace loanlens::tree {

// ---- Parameters ------------------------------------------------------------------------------

RandomForestParams RandomForestParams::FromMap(const ParamMap& p, std::uint64_t default_seed) {
  constexpr int kMaxInt = 2147483647;
  ParamReader reader(p, "model 'random_forest'");
  RandomForestParams r;
  r.n_trees = reader.Int("n_trees", r.n_trees, 1, 100000);
  r.max_features = reader.String("max_features", r.max_features);
  r.min_samples_leaf = reader.Int("min_samples_leaf", r.min_samples_leaf, 1, kMaxInt);
  r.max_depth = reader.Int("max_depth", r.max_depth, 0, kMaxInt);  // 0 = no limit
  r.max_bins = reader.Int("max_bins", r.max_bins, 2, 256);
  r.seed = reader.Seed("seed", default_seed);  // 64 bits, as --seed
  reader.Finish();
  r.FeaturesPerSplit(1);  // validates max_features
  return r;
}

std::size_t RandomForestParams::FeaturesPerSplit(std::size_t num_inputs) const {
  const double m = static_cast<double>(num_inputs);
  double k;
  if (max_features == "sqrt") {
    k = std::floor(std::sqrt(m));
  } else if (max_features == "log2") {
    k = std::floor(std::log2(m));
  } else {
    const char* s = max_features.c_str();
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    const bool integer = max_features.find_first_not_of("0123456789") == std::string::npos;
    if (max_features.empty() || *end != '\0' || !(v > 0) || (!integer && v > 1))
      throw Error(
          "parameter 'max_features': expected 'sqrt', 'log2', a fraction in (0, 1] or "
          "a positive integer, got '" +
          max_features + "'");
    k = integer ? v : std::floor(v * m);
  }
  return static_cast<std::size_t>(std::min(m, std::max(1.0, k)));
}

nlohmann::json RandomForestParams::ToJson() const {
  return {{"n_trees", n_trees},
          {"max_features", max_features},
          {"min_samples_leaf", min_samples_leaf},
          {"max_depth", max_depth},
          {"max_bins", max_bins},
          {"seed", seed}};
}

// ---- Model -------------------------------------------------------------------------------------

RandomForestModel::RandomForestModel(std::vector<Tree> trees, std::vector<std::string> input_names,
                                     double oob_auc, nlohmann::json info)
    : ensemble_(std::move(trees), std::move(input_names), false),
      oob_auc_(oob_auc),
      info_(std::move(info)),
      explainer_(&ensemble_.Trees(), ensemble_.NumInputs(), false) {}

double RandomForestModel::PredictMargin(const double* x) const {
  return ensemble_.Sum(x, 0.0) / static_cast<double>(ensemble_.Trees().size());
}

void RandomForestModel::PredictMargins(const double* x, std::size_t num_rows, double* out) const {
  ensemble_.SumBatch(x, num_rows, 0.0, out);
  for (std::size_t r = 0; r < num_rows; ++r)
    out[r] /= static_cast<double>(ensemble_.Trees().size());
}

double RandomForestModel::Interactions(const double* x, double* out) const {
  // Interactions of the sum of the trees, scaled to their average (as Explain).
  const std::size_t m = NumInputs();
  const double scale = Scale();
  const double base = ShapInteractions(ensemble_.Trees(), m, x, false, out);
  for (std::size_t k = 0; k < m * m; ++k) out[k] *= scale;
  return base * scale;
}

double RandomForestModel::Explain(const double* x, double* phi) const {
  // TreeSHAP of the sum of the trees, scaled to their average.
  const double scale = Scale();
  const double base = explainer_.Explain(x, phi);
  for (std::size_t j = 0; j < NumInputs(); ++j) phi[j] *= scale;
  return base * scale;
}

bool RandomForestModel::ExplainAgainst(const double* x, const double* background,
                                       std::size_t num_background, const std::vector<int>& group,
                                       std::size_t num_players, double* phi) const {
  InterventionalArgs args;
  args.background = background;
  args.num_background = num_background;
  args.num_inputs = NumInputs();
  args.group = &group;
  args.num_players = num_players;
  args.float32 = false;       // as PredictMargin()
  args.tree_scale = Scale();  // the average over the trees
  InterventionalTreeShap(ensemble_.Trees(), x, args, interventional_, phi);
  return true;
}

std::unique_ptr<MarginProbe> RandomForestModel::Probe(const double* x) const {
  // PredictMargin: the sum of the trees from 0, divided by their number.
  const auto& trees = ensemble_.Trees();
  return std::make_unique<TreeMarginProbe>(trees, thresholds_.Get(trees, false), x,
                                           ensemble_.InputNames().size(), false, 0.0,
                                           static_cast<double>(trees.size()));
}

std::optional<std::vector<double>> RandomForestModel::SplitThresholds(std::size_t input) const {
  return thresholds_.Thresholds(ensemble_.Trees(), input, false);
}

nlohmann::json RandomForestModel::ToJson() const {
  nlohmann::json j = {{"kind", "random_forest"}, {"info", info_}};
  ensemble_.AddToJson(j);
  j["oob_auc"] = std::isnan(oob_auc_) ? nlohmann::json(nullptr) : nlohmann::json(oob_auc_);
  return j;
}

nlohmann::json RandomForestModel::Importance() const {
  nlohmann::json j = ensemble_.Importance();
  j["oob_auc"] = std::isnan(oob_auc_) ? nlohmann::json(nullptr) : nlohmann::json(oob_auc_);
  return j;
}

std::unique_ptr<RandomForestModel> RandomForestModel::FromJson(const nlohmann::json& j) {
  const std::string path = "model";
  if (!j.is_object() || j.value("kind", "") != "random_forest")
    throw Error(path + ": expected an object with kind 'random_forest'");
  std::vector<std::string> names = JsonReader(j, path).StringArray("input_names");
  std::vector<Tree> trees = TreesFromJson(j, path, names.size());
  if (trees.empty()) throw Error(path + ".trees: a forest needs at least one tree");
  for (std::size_t t = 0; t < trees.size(); ++t)
    for (std::size_t i = 0; i < trees[t].nodes.size(); ++i) {
      const double v = trees[t].nodes[i].value;
      if (trees[t].nodes[i].IsLeaf() && !(v >= 0 && v <= 1))
        throw Error(path + ".trees[" + std::to_string(t) + "].value[" + std::to_string(i) +
                    "]: expected a probability in [0, 1], got " + std::to_string(v));
    }
  double oob = NAN;
  if (j.contains("oob_auc") && j["oob_auc"].is_number()) oob = j["oob_auc"].get<double>();
  auto model = std::make_unique<RandomForestModel>(std::move(trees), std::move(names), oob,
                                                   j.value("info", nlohmann::json::object()));
  model->ensemble_.GroupsFromJson(j, path);
  return model;
}

// ---- Training ----------------------------------------------------------------------------------

namespace {

struct ClassStats {
  double w[2] = {0, 0};  ///< weight of class 0 / class 1
  std::uint32_t n = 0;   ///< distinct rows
  void Add(const ClassStats& o) {
    w[0] += o.w[0];
    w[1] += o.w[1];
    n += o.n;
  }
  double Weight() const { return w[0] + w[1]; }
  /// Sum of squared class weights over the total: the node's Gini "purity" times its weight.
  double Purity() const {
    const double total = w[0] + w[1];
    return total > 0 ? (w[0] * w[0] + w[1] * w[1]) / total : 0;
  }
};

/// A row of the tree's sample where the node scans read it: its weight and class, kept in the
/// order of TreeState::rows so a node's scan reads them in sequence.
struct RowAt {
  double weight;
  std::uint32_t positive;  ///< 1 for class 1
};

void AddRow(ClassStats& c, const RowAt& row) {
  c.w[row.positive] += row.weight;
  c.n += 1;
}

struct RfSplit {
  double gain = 0;
  int feature = -1;
  int bin = 0;  ///< left if bin < this
  bool default_left = false;
};

std::uint64_t TreeSeed(std::uint64_t seed, int t) {
  return seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(t) * 0xd1b54a32d192ed03ULL + 1;
}

/// Bootstrap counts of tree t (n draws with replacement).
void Bootstrap(Rng& rng, std::size_t n, std::vector<std::uint32_t>& count) {
  count.assign(n, 0);
  for (std::size_t k = 0; k < n; ++k) ++count[rng.Below(n)];
}

/// A node waiting to be split: its rows are [begin, end) of the tree's row order.
struct PendingNode {
  int id;
  std::size_t begin, end;
  int depth;
};

/// One tree's state while it grows: its bootstrap (rows and weights), its random draws and the
/// scratch buffers of split finding.
struct TreeState {
  explicit TreeState(std::uint64_t seed) : rng(seed) {}
  Rng rng;
  std::vector<std::uint32_t> rows;  ///< the rows drawn at least once, reordered by node
  std::vector<double> weight;       ///< per training row: draws x sample weight
  std::vector<RowAt> at;            ///< weight and class of rows[i], at i
  std::vector<std::uint32_t> tmp, keys;
  std::vector<int> order;         ///< feature draw order
  std::vector<ClassStats> hist;   ///< class weights per bin of the feature being scanned
  std::vector<ClassStats> hist2;  ///< a second one, for alternate rows of large nodes
  std::vector<int> occupied;      ///< its non-empty bins, ascending
};

/// Grows the trees of a forest on the binned training data, depth first: at each node mtry
/// features (non-constant in the node) are scanned for the best Gini split.
class ForestGrower {
 public:
  ForestGrower(const TrainData& data, const RandomForestParams& p, const BinnedData& binned)
      : data_(data), p_(p), binned_(binned), mtry_(p.FeaturesPerSplit(data.num_inputs)) {}

  Tree Grow(int t) const {
    TreeState s = Start(t);
    Tree tree;
    tree.nodes.push_back(MakeNode(Stats(s, 0, s.rows.size())));
    std::vector<PendingNode> stack = {{0, 0, s.rows.size(), 0}};
    while (!stack.empty()) {
      const PendingNode node = stack.back();
      stack.pop_back();
      const ClassStats total = Stats(s, node.begin, node.end);
      if (!Splittable(node, total, tree)) continue;
      const RfSplit best = BestSplit(s, node, total);
      if (best.feature < 0) continue;
      const std::size_t mid = Partition(s, node, best);
      AddChildren(s, node, best, mid, tree, stack);
    }
    return tree;
  }

 private:
  /// Tree t's bootstrap and buffers.
  TreeState Start(int t) const {
    const std::size_t n = data_.num_rows;
    TreeState s(TreeSeed(p_.seed, t));
    std::vector<std::uint32_t> count;
    Bootstrap(s.rng, n, count);
    s.weight.assign(n, 0.0);
    for (std::size_t r = 0; r < n; ++r)
      if (count[r] > 0) {
        s.rows.push_back(static_cast<std::uint32_t>(r));
        s.weight[r] = count[r] * (data_.weight ? data_.weight[r] : 1.0);
      }
    s.at.resize(s.rows.size());
    Gather(s, 0, s.rows.size());
    s.tmp.resize(s.rows.size());
    s.order.resize(data_.num_inputs);
    s.hist.resize(257);
    s.hist2.resize(257);
    return s;
  }

  /// s.at[begin, end) from the rows there (after they are drawn or partitioned).
  void Gather(TreeState& s, std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t r = s.rows[i];
      s.at[i] = {s.weight[r], data_.y[r] == 1 ? 1u : 0u};
    }
  }

  static ClassStats Stats(const TreeState& s, std::size_t begin, std::size_t end) {
    ClassStats c;
    for (std::size_t i = begin; i < end; ++i) c.w[s.at[i].positive] += s.at[i].weight;
    c.n = static_cast<std::uint32_t>(end - begin);
    return c;
  }

  static Node MakeNode(const ClassStats& c) {
    Node node;
    node.value = c.Weight() > 0 ? c.w[1] / c.Weight() : 0.0;
    node.cover = c.Weight();
    return node;
  }

  /// Whether a node may be split: impure, large enough, within the depth and load limits.
  bool Splittable(const PendingNode& node, const ClassStats& total, const Tree& tree) const {
    if (total.w[0] == 0 || total.w[1] == 0) return false;  // pure
    if (total.n < 2 * static_cast<std::uint32_t>(p_.min_samples_leaf)) return false;
    if (p_.max_depth > 0 && node.depth >= p_.max_depth) return false;
    // The load limits (limits.h): every tree trained here loads again.
    return node.depth < kMaxTreeDepth && tree.nodes.size() + 2 <= kMaxTreeNodes;
  }

  /// Draws features without replacement until mtry non-constant ones have been scanned.
  RfSplit BestSplit(TreeState& s, const PendingNode& node, const ClassStats& total) const {
    const std::size_t m = data_.num_inputs;
    RfSplit best;
    best.gain = 1e-12 * total.Weight();
    for (std::size_t j = 0; j < m; ++j) s.order[j] = static_cast<int>(j);
    std::size_t tried = 0;
    for (std::size_t j = 0; j < m && tried < mtry_; ++j) {
      std::swap(s.order[j], s.order[j + s.rng.Below(m - j)]);
      const int f = s.order[j];
      ClassStats miss;
      FeatureHistogram(s, node, f, miss);
      if (s.occupied.size() + (miss.n > 0 ? 1 : 0) < 2) continue;  // constant in this node
      ++tried;
      ScanFeature(s, f, total, miss, best);
    }
    return best;
  }

  /// Class histogram of the node on feature f (s.hist at s.occupied, missing values in `miss`):
  /// dense, or from sorted keys for nodes much smaller than the bin count.
  void FeatureHistogram(TreeState& s, const PendingNode& node, int f, ClassStats& miss) const {
    const int nb = binned_.num_bins[f];
    const std::uint8_t* col = binned_.Column(f);
    const std::size_t cnt = node.end - node.begin;
    s.occupied.clear();
    if (cnt * 4 < static_cast<std::size_t>(nb)) {
      s.keys.clear();
      for (std::size_t i = node.begin; i < node.end; ++i)
        s.keys.push_back(static_cast<std::uint32_t>(col[s.rows[i]]) << 16 |
                         static_cast<std::uint32_t>(i - node.begin));
      std::sort(s.keys.begin(), s.keys.end());
      for (std::uint32_t key : s.keys) {
        const int b = static_cast<int>(key >> 16);
        const RowAt& row = s.at[node.begin + (key & 0xffffu)];
        ClassStats& c = b == nb ? miss : s.hist[b];
        if (b != nb && (s.occupied.empty() || s.occupied.back() != b)) {
          s.occupied.push_back(b);
          c = ClassStats{};
        }
        c.w[row.positive] += row.weight;
        c.n += 1;
      }
      return;
    }
    // Bin nb (the missing bin) is s.hist[nb]: no branch per row.
    std::fill(s.hist.begin(), s.hist.begin() + nb + 1, ClassStats{});
    if (cnt >= 8 * static_cast<std::size_t>(nb + 1)) {
      // Alternate rows go to a second histogram, merged after: consecutive rows in one bin no
      // longer wait on each other's add. (The order of the adds changes; with whole-number
      // weights, bootstrap counts, the sums are exact either way.)
      std::fill(s.hist2.begin(), s.hist2.begin() + nb + 1, ClassStats{});
      std::size_t i = node.begin;
      for (; i + 1 < node.end; i += 2) {
        AddRow(s.hist[col[s.rows[i]]], s.at[i]);
        AddRow(s.hist2[col[s.rows[i + 1]]], s.at[i + 1]);
      }
      if (i < node.end) AddRow(s.hist[col[s.rows[i]]], s.at[i]);
      for (int b = 0; b <= nb; ++b) s.hist[b].Add(s.hist2[b]);
    } else {
      for (std::size_t i = node.begin; i < node.end; ++i) AddRow(s.hist[col[s.rows[i]]], s.at[i]);
    }
    miss.Add(s.hist[nb]);
    for (int b = 0; b < nb; ++b)
      if (s.hist[b].n > 0) s.occupied.push_back(b);
  }

  /// Every split of feature f between occupied bins (missing values right, then left), and
  /// missing values alone against the rest; keeps the best in `best`.
  void ScanFeature(const TreeState& s, int f, const ClassStats& total, const ClassStats& miss,
                   RfSplit& best) const {
    const std::uint32_t msl = static_cast<std::uint32_t>(p_.min_samples_leaf);
    const double parent = total.Purity();
    ClassStats left;
    for (std::size_t k = 0; k + 1 < s.occupied.size(); ++k) {
      left.Add(s.hist[s.occupied[k]]);
      for (int side = 0; side < (miss.n > 0 ? 2 : 1); ++side) {
        ClassStats l = left;
        if (side == 1) l.Add(miss);
        ClassStats r;
        r.w[0] = total.w[0] - l.w[0];
        r.w[1] = total.w[1] - l.w[1];
        r.n = total.n - l.n;
        if (l.n < msl || r.n < msl) continue;
        const double gain = l.Purity() + r.Purity() - parent;
        if (gain > best.gain) {
          best.gain = gain;
          best.feature = f;
          best.bin = s.occupied[k] + 1;
          best.default_left = side == 1 || (miss.n == 0 && l.Weight() >= r.Weight());
        }
      }
    }
    if (miss.n > 0 && !s.occupied.empty()) {
      ClassStats r = miss, l;
      l.w[0] = total.w[0] - r.w[0];
      l.w[1] = total.w[1] - r.w[1];
      l.n = total.n - r.n;
      const double gain = l.Purity() + r.Purity() - parent;
      if (l.n >= msl && r.n >= msl && gain > best.gain) {
        best.gain = gain;
        best.feature = f;
        best.bin = binned_.num_bins[f];  // every value left, missing right
        best.default_left = false;
      }
    }
  }

  /// Stable partition of the node's rows, left rows first; returns the split point.
  std::size_t Partition(TreeState& s, const PendingNode& node, const RfSplit& best) const {
    const std::size_t mid = PartitionRows(binned_, best.feature, best.bin, best.default_left,
                                          s.rows.data(), node.begin, node.end, s.tmp.data());
    Gather(s, node.begin, node.end);
    return mid;
  }

  /// Records the split in the node and adds its two children (left popped first).
  void AddChildren(const TreeState& s, const PendingNode& node, const RfSplit& best,
                   std::size_t mid, Tree& tree, std::vector<PendingNode>& stack) const {
    Node& split = tree.nodes[node.id];
    split.feature = best.feature;
    const auto& edges = binned_.edges[best.feature];
    // bin == nb (missing-only split): any finite threshold above every edge works.
    split.threshold = best.bin - 1 < static_cast<int>(edges.size())
                          ? edges[best.bin - 1]
                          : std::numeric_limits<double>::max();
    split.default_left = best.default_left;
    split.loss_change = best.gain;
    const int left_id = static_cast<int>(tree.nodes.size());
    tree.nodes.push_back(MakeNode(Stats(s, node.begin, mid)));
    tree.nodes.push_back(MakeNode(Stats(s, mid, node.end)));
    tree.nodes[node.id].left = left_id;
    tree.nodes[node.id].right = left_id + 1;
    stack.push_back({left_id + 1, mid, node.end, node.depth + 1});
    stack.push_back({left_id, node.begin, mid, node.depth + 1});
  }

  const TrainData& data_;
  const RandomForestParams& p_;
  const BinnedData& binned_;
  std::size_t mtry_;
};

}  // namespace

std::unique_ptr<RandomForestModel> TrainRandomForest(const TrainData& data,
                                                     const RandomForestParams& params,
                                                     const TrainContext& context) {
  CheckTreeTrainingData(data, "random_forest training data");
  bool has0 = false, has1 = false;
  for (std::size_t i = 0; i < data.num_rows; ++i) (data.y[i] == 1 ? has1 : has0) = true;
  if (!has0 || !has1)
    throw Error("random_forest training data: both classes (0 and 1) must be present");
  const std::size_t n = data.num_rows, m = data.num_inputs;
  std::vector<std::string> names = DefaultInputNames(data);

  const BinnedData binned = BinData(data, params.max_bins);
  ForestGrower grower(data, params, binned);
  std::vector<Tree> trees(params.n_trees);
  // Each tree has its own seed, so the forest is the same for any number of threads.
  const int threads = std::max(1, context.threads);
  if (threads > 1) {
    ParallelRows(trees.size(), threads,
                 [&](std::size_t t) { trees[t] = grower.Grow(static_cast<int>(t)); });
    if (context.progress) context.progress(trees.size(), trees.size());
  } else {
    for (std::size_t t = 0; t < trees.size(); ++t) {
      trees[t] = grower.Grow(static_cast<int>(t));
      if (context.progress) context.progress(t + 1, trees.size());
    }
  }
  // Out-of-bag AUC: each row scored by the trees whose bootstrap left it out.
  std::vector<double> oob_sum(n, 0.0);
  std::vector<std::uint32_t> oob_count(n, 0), count;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    Rng rng(TreeSeed(params.seed, static_cast<int>(t)));
    Bootstrap(rng, n, count);
    for (std::size_t r = 0; r < n; ++r)
      if (count[r] == 0) {
        oob_sum[r] += trees[t].Predict(data.x_row(r));
        oob_count[r] += 1;
      }
  }
  std::vector<double> score, label;
  for (std::size_t r = 0; r < n; ++r)
    if (oob_count[r] > 0) {
      score.push_back(oob_sum[r] / oob_count[r]);
      label.push_back(data.y[r]);
    }
  bool both_classes = false;
  for (double l : label) both_classes |= l != label.front();  // (empty: false)
  const double oob_auc = both_classes ? RocAuc(label, score) : NAN;
  nlohmann::json info = {{"params", params.ToJson()},
                         {"features_per_split", params.FeaturesPerSplit(m)},
                         {"oob_rows", score.size()}};
  auto model = std::make_unique<RandomForestModel>(std::move(trees), names, oob_auc, info);
  model->SetGroupsFrom(data);
  return model;
}

std::unique_ptr<Model> TrainRandomForestFamily(const TrainData& data, const ParamMap& params,
                                               const TrainContext& context) {
  return TrainRandomForest(data, RandomForestParams::FromMap(params, context.seed), context);
}

}  // namespace loanlens::tree
