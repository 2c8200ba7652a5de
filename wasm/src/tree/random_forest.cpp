#include "loanlens/metrics.h"
#include "loanlens/tree/random_forest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "binned.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/tree/interventional_shap.h"
#include "loanlens/tree/margin_probe.h"
#include "loanlens/limits.h"

namespace loanlens::tree {

// ---- Parameters ------------------------------------------------------------------------------

RandomForestParams RandomForestParams::FromMap(const ParamMap& p, std::uint64_t default_seed) {
  CheckParams(p, {"n_trees", "max_features", "min_samples_leaf", "max_depth", "max_bins", "seed"},
              "random_forest");
  RandomForestParams r;
  r.n_trees = ParamInt(p, "n_trees", r.n_trees);
  r.max_features = ParamString(p, "max_features", r.max_features);
  r.min_samples_leaf = ParamInt(p, "min_samples_leaf", r.min_samples_leaf);
  r.max_depth = ParamInt(p, "max_depth", r.max_depth);
  r.max_bins = ParamInt(p, "max_bins", r.max_bins);
  r.seed = ParamUInt64(p, "seed", default_seed);  // 64 bits, as --seed
  if (r.n_trees < 1 || r.n_trees > 100000)
    throw Error("parameter 'n_trees': expected an integer in [1, 100000], got " +
                std::to_string(r.n_trees));
  if (r.min_samples_leaf < 1)
    throw Error("parameter 'min_samples_leaf': expected an integer >= 1, got " +
                std::to_string(r.min_samples_leaf));
  if (r.max_depth < 0)
    throw Error("parameter 'max_depth': expected an integer >= 0 (0 = no limit), got " +
                std::to_string(r.max_depth));
  if (r.max_bins < 2 || r.max_bins > 256)
    throw Error("parameter 'max_bins': expected an integer in [2, 256], got " +
                std::to_string(r.max_bins));
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
    : trees_(std::move(trees)),
      input_names_(std::move(input_names)),
      oob_auc_(oob_auc),
      info_(std::move(info)),
      explainer_(&trees_, input_names_.size(), false) {}

double RandomForestModel::PredictMargin(const double* x) const {
  double sum = 0;
  for (const Tree& t : trees_) sum += t.Predict(x);
  return sum / static_cast<double>(trees_.size());
}

double RandomForestModel::Interactions(const double* x, double* out) const {
  // Interactions of the sum of the trees, scaled to their average (as Explain).
  const std::size_t m = input_names_.size();
  const double scale = 1.0 / static_cast<double>(trees_.size());
  const double base = ShapInteractions(trees_, m, x, false, out);
  for (std::size_t k = 0; k < m * m; ++k) out[k] *= scale;
  return base * scale;
}

double RandomForestModel::Explain(const double* x, double* phi) const {
  // TreeSHAP of the sum of the trees, scaled to their average.
  const double scale = 1.0 / static_cast<double>(trees_.size());
  const double base = explainer_.Explain(x, phi);
  for (std::size_t j = 0; j < input_names_.size(); ++j) phi[j] *= scale;
  return base * scale;
}

bool RandomForestModel::ExplainAgainst(const double* x, const double* background,
                                       std::size_t num_background, const std::vector<int>& group,
                                       std::size_t num_players, double* phi) const {
  InterventionalArgs args;
  args.background = background;
  args.num_background = num_background;
  args.num_inputs = input_names_.size();
  args.group = &group;
  args.num_players = num_players;
  args.float32 = false;                                        // as PredictMargin()
  args.tree_scale = 1.0 / static_cast<double>(trees_.size());  // the average over the trees
  InterventionalTreeShap(trees_, x, args, interventional_, phi);
  return true;
}

std::unique_ptr<MarginProbe> RandomForestModel::Probe(const double* x) const {
  // PredictMargin: the sum of the trees from 0, divided by their number.
  return std::make_unique<TreeMarginProbe>(trees_, thresholds_.Get(trees_, false), x,
                                           input_names_.size(), false, 0.0,
                                           static_cast<double>(trees_.size()));
}

std::optional<std::vector<double>> RandomForestModel::SplitThresholds(std::size_t input) const {
  return thresholds_.Thresholds(trees_, input, false);
}

void RandomForestModel::SetGroups(std::vector<int> group, std::vector<std::string> group_names) {
  group_ = std::move(group);
  group_names_ = std::move(group_names);
}

nlohmann::json RandomForestModel::ToJson() const {
  nlohmann::json j = {{"kind", "random_forest"},
                      {"num_inputs", input_names_.size()},
                      {"input_names", input_names_},
                      {"trees", TreesToJson(trees_)},
                      {"info", info_}};
  j["oob_auc"] = std::isnan(oob_auc_) ? nlohmann::json(nullptr) : nlohmann::json(oob_auc_);
  if (!group_.empty()) {
    j["group"] = group_;
    j["group_names"] = group_names_;
  }
  return j;
}

nlohmann::json RandomForestModel::Importance() const {
  nlohmann::json j = TreeImportance(trees_, input_names_, group_, group_names_);
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
  std::vector<int> group;
  std::vector<std::string> group_names;
  GroupsFromJson(j, path, model->NumInputs(), group, group_names);
  if (!group.empty()) model->SetGroups(std::move(group), std::move(group_names));
  return model;
}

// ---- Training ----------------------------------------------------------------------------------

namespace {

struct ClassStats {
  double w0 = 0, w1 = 0;  ///< weight of class 0 / class 1
  std::uint32_t n = 0;    ///< distinct rows
  void Add(const ClassStats& o) {
    w0 += o.w0;
    w1 += o.w1;
    n += o.n;
  }
  double Weight() const { return w0 + w1; }
  /// Sum of squared class weights over the total: the node's Gini "purity" times its weight.
  double Purity() const {
    const double w = w0 + w1;
    return w > 0 ? (w0 * w0 + w1 * w1) / w : 0;
  }
};

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

class ForestGrower {
 public:
  ForestGrower(const TrainData& data, const RandomForestParams& p, const BinnedData& binned)
      : data_(data), p_(p), binned_(binned), mtry_(p.FeaturesPerSplit(data.num_inputs)) {}

  Tree Grow(int t) const {
    const std::size_t n = data_.num_rows, m = data_.num_inputs;
    Rng rng(TreeSeed(p_.seed, t));
    std::vector<std::uint32_t> count;
    Bootstrap(rng, n, count);
    std::vector<std::uint32_t> rows;
    std::vector<double> weight(n, 0.0);
    for (std::size_t r = 0; r < n; ++r)
      if (count[r] > 0) {
        rows.push_back(static_cast<std::uint32_t>(r));
        weight[r] = count[r] * (data_.weight ? data_.weight[r] : 1.0);
      }
    std::vector<std::uint32_t> tmp(rows.size());
    std::vector<int> order(m);
    std::vector<ClassStats> hist(257);
    std::vector<std::uint32_t> keys;

    struct Pending {
      int id;
      std::size_t begin, end;
      int depth;
    };
    Tree tree;
    auto stats_of = [&](std::size_t begin, std::size_t end) {
      ClassStats s;
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t r = rows[i];
        (data_.y[r] == 1 ? s.w1 : s.w0) += weight[r];
        s.n += 1;
      }
      return s;
    };
    auto make_node = [](const ClassStats& s) {
      Node node;
      node.value = s.Weight() > 0 ? s.w1 / s.Weight() : 0.0;
      node.cover = s.Weight();
      return node;
    };
    std::vector<Pending> stack;
    tree.nodes.push_back(make_node(stats_of(0, rows.size())));
    stack.push_back({0, 0, rows.size(), 0});
    const std::uint32_t msl = static_cast<std::uint32_t>(p_.min_samples_leaf);
    while (!stack.empty()) {
      const Pending node = stack.back();
      stack.pop_back();
      const ClassStats total = stats_of(node.begin, node.end);
      if (total.w0 == 0 || total.w1 == 0) continue;  // pure
      if (total.n < 2 * msl) continue;
      if (p_.max_depth > 0 && node.depth >= p_.max_depth) continue;
      // The load limits (limits.h): every tree trained here loads again.
      if (node.depth >= kMaxTreeDepth || tree.nodes.size() + 2 > kMaxTreeNodes) continue;
      const double parent = total.Purity();
      RfSplit best;
      best.gain = 1e-12 * total.Weight();
      // Draw features without replacement until mtry non-constant ones have been tried.
      for (std::size_t j = 0; j < m; ++j) order[j] = static_cast<int>(j);
      std::size_t tried = 0;
      for (std::size_t j = 0; j < m && tried < mtry_; ++j) {
        std::swap(order[j], order[j + rng.Below(m - j)]);
        const int f = order[j];
        const int nb = binned_.num_bins[f];
        const std::uint8_t* col = binned_.Column(f);
        const std::size_t cnt = node.end - node.begin;
        // Class histogram of the node on feature f: dense, or sorted keys for small nodes.
        std::vector<int> occupied;
        ClassStats miss;
        if (cnt * 4 < static_cast<std::size_t>(nb)) {
          keys.clear();
          for (std::size_t i = node.begin; i < node.end; ++i)
            keys.push_back(static_cast<std::uint32_t>(col[rows[i]]) << 16 |
                           static_cast<std::uint32_t>(i - node.begin));
          std::sort(keys.begin(), keys.end());
          for (std::uint32_t key : keys) {
            const int b = static_cast<int>(key >> 16);
            const std::uint32_t r = rows[node.begin + (key & 0xffffu)];
            ClassStats& s = b == nb ? miss : hist[b];
            if (b != nb && (occupied.empty() || occupied.back() != b)) {
              occupied.push_back(b);
              s = ClassStats{};
            }
            (data_.y[r] == 1 ? s.w1 : s.w0) += weight[r];
            s.n += 1;
          }
        } else {
          std::fill(hist.begin(), hist.begin() + nb, ClassStats{});
          for (std::size_t i = node.begin; i < node.end; ++i) {
            const std::uint32_t r = rows[i];
            const int b = col[r];
            ClassStats& s = b == nb ? miss : hist[b];
            (data_.y[r] == 1 ? s.w1 : s.w0) += weight[r];
            s.n += 1;
          }
          for (int b = 0; b < nb; ++b)
            if (hist[b].n > 0) occupied.push_back(b);
        }
        if (occupied.size() + (miss.n > 0 ? 1 : 0) < 2) continue;  // constant in this node
        ++tried;
        ClassStats left;
        for (std::size_t k = 0; k + 1 < occupied.size(); ++k) {
          left.Add(hist[occupied[k]]);
          for (int side = 0; side < (miss.n > 0 ? 2 : 1); ++side) {
            ClassStats l = left;
            if (side == 1) l.Add(miss);
            ClassStats r;
            r.w0 = total.w0 - l.w0;
            r.w1 = total.w1 - l.w1;
            r.n = total.n - l.n;
            if (l.n < msl || r.n < msl) continue;
            const double gain = l.Purity() + r.Purity() - parent;
            if (gain > best.gain) {
              best.gain = gain;
              best.feature = f;
              best.bin = occupied[k] + 1;
              best.default_left = side == 1 || (miss.n == 0 && l.Weight() >= r.Weight());
            }
          }
        }
        // Missing values alone against everything else.
        if (miss.n > 0 && !occupied.empty()) {
          ClassStats r = miss, l;
          l.w0 = total.w0 - r.w0;
          l.w1 = total.w1 - r.w1;
          l.n = total.n - r.n;
          const double gain = l.Purity() + r.Purity() - parent;
          if (l.n >= msl && r.n >= msl && gain > best.gain) {
            best.gain = gain;
            best.feature = f;
            best.bin = nb;  // every value left, missing right
            best.default_left = false;
          }
        }
      }
      if (best.feature < 0) continue;
      // Stable partition: left rows first.
      const std::uint8_t* col = binned_.Column(best.feature);
      const int miss_bin = binned_.MissingBin(best.feature);
      std::size_t nl = node.begin, nr = 0;
      for (std::size_t i = node.begin; i < node.end; ++i) {
        const std::uint32_t r = rows[i];
        const int b = col[r];
        if (b == miss_bin ? best.default_left : b < best.bin)
          rows[nl++] = r;
        else
          tmp[nr++] = r;
      }
      std::copy(tmp.begin(), tmp.begin() + nr, rows.begin() + nl);
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
      tree.nodes.push_back(make_node(stats_of(node.begin, nl)));
      tree.nodes.push_back(make_node(stats_of(nl, node.end)));
      tree.nodes[node.id].left = left_id;
      tree.nodes[node.id].right = left_id + 1;
      stack.push_back({left_id + 1, nl, node.end, node.depth + 1});
      stack.push_back({left_id, node.begin, nl, node.depth + 1});
    }
    return tree;
  }

 private:
  const TrainData& data_;
  const RandomForestParams& p_;
  const BinnedData& binned_;
  std::size_t mtry_;
};

}  // namespace

std::unique_ptr<RandomForestModel> TrainRandomForest(const TrainData& data,
                                                     const RandomForestParams& params,
                                                     const TrainContext& context) {
  if (data.num_rows == 0 || data.num_inputs == 0 || !data.x || !data.y)
    throw Error("random_forest training data: no rows or no columns to train on");
  if (static_cast<std::uint64_t>(data.num_rows) >= 0xffffffffULL)
    throw Error("random_forest training data: too many rows");
  bool has0 = false, has1 = false;
  for (std::size_t i = 0; i < data.num_rows; ++i) {
    if (data.y[i] != 0 && data.y[i] != 1)
      throw Error("random_forest training data: label of row " + std::to_string(i + 1) + " is " +
                  std::to_string(data.y[i]) + ", expected 0 or 1");
    (data.y[i] == 1 ? has1 : has0) = true;
  }
  if (!has0 || !has1)
    throw Error("random_forest training data: both classes (0 and 1) must be present");
  const std::size_t n = data.num_rows, m = data.num_inputs;
  std::vector<std::string> names = data.input_names;
  if (names.empty())
    for (std::size_t j = 0; j < m; ++j) names.push_back("x" + std::to_string(j));

  const BinnedData binned = BinData(data, params.max_bins);
  ForestGrower grower(data, params, binned);
  std::vector<Tree> trees(params.n_trees);
  // Each tree has its own seed, so the forest is the same for any number of threads.
  const int threads = std::max(1, context.threads);
  if (threads > 1) {
    ParallelFor(trees.size(), threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t t = b; t < e; ++t) trees[t] = grower.Grow(static_cast<int>(t));
    });
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
  if (!data.group_names.empty() && data.group.size() == m)
    model->SetGroups(data.group, data.group_names);
  return model;
}

std::unique_ptr<Model> TrainRandomForestFamily(const TrainData& data, const ParamMap& params,
                                               const TrainContext& context) {
  return TrainRandomForest(data, RandomForestParams::FromMap(params, context.seed), context);
}

}  // namespace loanlens::tree
