#include "loanlens/tree/gbdt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "binned.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/parallel.h"
#include "loanlens/portable_math.h"
#include "loanlens/sigmoid.h"
#include "loanlens/tree/interventional_shap.h"
#include "loanlens/tree/margin_probe.h"

namespace loanlens::tree {

// ---- Parameters ------------------------------------------------------------------------------

GbdtParams GbdtParams::FromMap(const ParamMap& p, std::uint64_t default_seed) {
  constexpr int kMaxInt = 2147483647;
  ParamReader r(p, "model 'gbdt'");
  GbdtParams g;
  g.n_trees = r.Int("n_trees", g.n_trees, 1, 100000);
  g.learning_rate = r.Fraction("learning_rate", g.learning_rate);
  g.max_depth = r.Int("max_depth", g.max_depth, 1, 16);
  g.max_bins = r.Int("max_bins", g.max_bins, 2, 256);
  g.min_child_weight = r.NonNegative("min_child_weight", g.min_child_weight);
  g.lambda = r.NonNegative("lambda", g.lambda);
  g.alpha = r.NonNegative("alpha", g.alpha);
  g.gamma = r.NonNegative("gamma", g.gamma);
  g.subsample = r.Fraction("subsample", g.subsample);
  g.colsample = r.Fraction("colsample", g.colsample);
  g.scale_pos_weight = r.PositiveDouble("scale_pos_weight", g.scale_pos_weight);
  g.early_stopping_rounds = r.Int("early_stopping_rounds", g.early_stopping_rounds, 0, kMaxInt);
  g.seed = r.Seed("seed", default_seed);  // 64 bits, as --seed
  g.monotone = r.String("monotone", "");
  r.Finish();
  return g;
}

nlohmann::json GbdtParams::ToJson() const {
  return {{"n_trees", n_trees},
          {"learning_rate", learning_rate},
          {"max_depth", max_depth},
          {"max_bins", max_bins},
          {"min_child_weight", min_child_weight},
          {"lambda", lambda},
          {"alpha", alpha},
          {"gamma", gamma},
          {"subsample", subsample},
          {"colsample", colsample},
          {"scale_pos_weight", scale_pos_weight},
          {"early_stopping_rounds", early_stopping_rounds},
          {"seed", seed},
          {"monotone", monotone}};
}

namespace {

/// Per design column: -1, 0 or +1 from "name:-1,other:+1" (names of original features).
std::vector<int> MonotoneColumns(const std::string& spec,
                                 const std::vector<std::string>& input_names,
                                 const std::vector<int>& group,
                                 const std::vector<std::string>& group_names) {
  const std::size_t num_inputs = input_names.size();
  std::vector<int> mono(num_inputs, 0);
  if (spec.empty()) return mono;
  const bool grouped = !group_names.empty() && group.size() == num_inputs;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto colon = item.rfind(':');
    if (colon == std::string::npos)
      throw Error("parameter 'monotone': expected 'feature:+1' or 'feature:-1', got '" + item +
                  "'");
    const std::string name = item.substr(0, colon), sign = item.substr(colon + 1);
    int c = 0;
    if (sign == "1" || sign == "+1")
      c = 1;
    else if (sign == "-1")
      c = -1;
    else if (sign == "0")
      c = 0;
    else
      throw Error("parameter 'monotone': constraint for '" + name + "' must be +1, -1 or 0, got '" +
                  sign + "'");
    std::vector<std::size_t> columns;
    if (grouped) {
      for (std::size_t g = 0; g < group_names.size(); ++g)
        if (group_names[g] == name)
          for (std::size_t j = 0; j < num_inputs; ++j)
            if (group[j] == static_cast<int>(g)) columns.push_back(j);
    } else {
      for (std::size_t j = 0; j < input_names.size(); ++j)
        if (input_names[j] == name) columns.push_back(j);
    }
    if (columns.empty()) throw Error("parameter 'monotone': no feature named '" + name + "'");
    if (columns.size() > 1)
      throw Error("parameter 'monotone': feature '" + name +
                  "' is one-hot encoded (categorical); a monotone constraint needs a numeric "
                  "feature");
    mono[columns[0]] = c;
  }
  return mono;
}

}  // namespace

// ---- Model -------------------------------------------------------------------------------------

GbdtModel::GbdtModel(std::vector<Tree> trees, double base_score,
                     std::vector<std::string> input_names, bool float32, nlohmann::json info)
    : ensemble_(std::move(trees), std::move(input_names), float32),
      base_score_(base_score),
      info_(std::move(info)),
      explainer_(&ensemble_.Trees(), ensemble_.NumInputs(), float32) {}

double GbdtModel::PredictMargin(const double* x) const { return ensemble_.Sum(x, base_score_); }

void GbdtModel::PredictMargins(const double* x, std::size_t num_rows, double* out) const {
  ensemble_.SumBatch(x, num_rows, base_score_, out);
}

double GbdtModel::Explain(const double* x, double* phi) const {
  return base_score_ + explainer_.Explain(x, phi);
}

double GbdtModel::Interactions(const double* x, double* out) const {
  return base_score_ +
         ShapInteractions(ensemble_.Trees(), NumInputs(), x, ensemble_.Float32(), out);
}

bool GbdtModel::ExplainAgainst(const double* x, const double* background,
                               std::size_t num_background, const std::vector<int>& group,
                               std::size_t num_players, double* phi) const {
  InterventionalArgs args;
  args.background = background;
  args.num_background = num_background;
  args.num_inputs = NumInputs();
  args.group = &group;
  args.num_players = num_players;
  args.float32 = ensemble_.Float32();
  args.tree_scale = 1;  // the margin is base_score + the sum of the trees
  InterventionalTreeShap(ensemble_.Trees(), x, args, interventional_, phi);
  return true;
}

std::unique_ptr<MarginProbe> GbdtModel::Probe(const double* x) const {
  // PredictMargin: base_score_ plus each tree in order (a division by 1 is exact).
  const auto& trees = ensemble_.Trees();
  return std::make_unique<TreeMarginProbe>(trees, thresholds_.Get(trees, ensemble_.Float32()), x,
                                           ensemble_.InputNames().size(), ensemble_.Float32(),
                                           base_score_, 1.0);
}

std::optional<std::vector<double>> GbdtModel::SplitThresholds(std::size_t input) const {
  return thresholds_.Thresholds(ensemble_.Trees(), input, ensemble_.Float32());
}

std::vector<int> GbdtModel::MonotoneConstraints() const {
  const nlohmann::json* params = info_.contains("params") ? &info_["params"] : nullptr;
  if (!params || !params->contains("monotone") || !(*params)["monotone"].is_string()) return {};
  const std::string spec = (*params)["monotone"].get<std::string>();
  if (spec.empty()) return {};
  return MonotoneColumns(spec, ensemble_.InputNames(), ensemble_.Group(), ensemble_.GroupNames());
}

nlohmann::json GbdtModel::ToJson() const {
  nlohmann::json j = {{"kind", "gbdt"},
                      {"base_score", base_score_},
                      {"float32", ensemble_.Float32()},
                      {"info", info_}};
  ensemble_.AddToJson(j);
  return j;
}

nlohmann::json GbdtModel::Importance() const { return ensemble_.Importance(); }

std::unique_ptr<GbdtModel> GbdtModel::FromJson(const nlohmann::json& j) {
  const std::string path = "model";
  if (!j.is_object() || j.value("kind", "") != "gbdt")
    throw Error(path + ": expected an object with kind 'gbdt'");
  std::vector<std::string> names = JsonReader(j, path).StringArray("input_names");
  if (j.contains("num_inputs") &&
      (!j["num_inputs"].is_number_unsigned() || j["num_inputs"].get<std::size_t>() != names.size()))
    throw Error(path + ".num_inputs: expected " + std::to_string(names.size()) +
                " (the number of input_names)");
  if (!j.contains("base_score") || !j["base_score"].is_number() ||
      !std::isfinite(j["base_score"].get<double>()))
    throw Error(path + ".base_score: expected a finite number");
  const JsonReader r(j, path);
  const bool float32 = r.Has("float32") && r.Bool("float32");
  std::vector<Tree> trees = TreesFromJson(j, path, names.size());
  auto model =
      std::make_unique<GbdtModel>(std::move(trees), j["base_score"].get<double>(), std::move(names),
                                  float32, j.value("info", nlohmann::json::object()));
  model->ensemble_.GroupsFromJson(j, path);
  return model;
}

// ---- Training ----------------------------------------------------------------------------------

namespace {

struct GradPair {
  double g = 0;
  double h = 0;
};

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMinGain = 1e-6;  // XGBoost's kRtEps: smaller loss reductions are not splits

/// Per training data: MonotoneColumns over its design columns and groups.
std::vector<int> ParseMonotone(const std::string& spec, const TrainData& data) {
  return MonotoneColumns(spec, data.input_names, data.group, data.group_names);
}

struct Split {
  double gain = -kInf;
  int feature = -1;
  int bin = 0;  ///< left if bin < this
  bool default_left = false;
  double gl = 0, hl = 0, gr = 0, hr = 0;
};

struct GrowNode {
  int id = 0;
  std::size_t begin = 0, end = 0;  ///< range in the row order
  double g = 0, h = 0;
  double lower = -kInf, upper = kInf;  ///< monotone bounds on the weight
  std::vector<GradPair> hist;
};

/// The rows of one leaf of the tree just grown: [begin, end) of the tree's row order.
struct LeafRows {
  int node = 0;
  std::size_t begin = 0, end = 0;
};

/// What one tree is grown on.
struct TreeInputs {
  const std::vector<GradPair>* gh = nullptr;   ///< gradient pairs of every training row
  std::vector<std::uint32_t>* rows = nullptr;  ///< the tree's (sampled) rows; reordered by leaf
  const std::vector<int>* features = nullptr;  ///< the tree's (sampled) columns, ascending
};

/// Grows the trees of a gbdt on the binned training data: depth-wise, histogram split finding
/// with histogram subtraction, monotone bounds (XGBoost's rule).
class HistTreeGrower {
 public:
  HistTreeGrower(const TrainData& data, const GbdtParams& params, const TrainContext& context)
      : p_(params),
        threads_(std::max(1, context.threads)),
        binned_(BinData(data, params.max_bins)),
        mono_(ParseMonotone(params.monotone, data)) {
    constrained_ = std::any_of(mono_.begin(), mono_.end(), [](int c) { return c != 0; });
  }

  /// Grows one tree; `leaves` receives the rows of each leaf.
  Tree Grow(const TreeInputs& in, std::vector<LeafRows>& leaves) {
    Begin(in);
    Tree tree;
    leaves.clear();
    GrowNode root = Root();
    tree.nodes.push_back(MakeNode(root));
    if (p_.max_depth > 0) {
      root.hist.assign(binned_.hist_size, GradPair{});
      BuildHist(root);
    }
    std::vector<GrowNode> level;
    level.push_back(std::move(root));
    for (int depth = 0; depth < p_.max_depth && !level.empty(); ++depth) {
      std::vector<GrowNode> next;
      const bool children_split = depth + 1 < p_.max_depth;
      for (GrowNode& node : level) {
        const Split s = BestSplit(node);
        if (!(s.gain > kMinGain && s.gain > p_.gamma)) {
          leaves.push_back({node.id, node.begin, node.end});
          continue;
        }
        GrowNode left, right;
        SplitNode(node, s, tree, left, right);
        if (children_split) ChildHistograms(node, left, right);
        node.hist = std::vector<GradPair>();
        next.push_back(std::move(left));
        next.push_back(std::move(right));
      }
      level = std::move(next);
    }
    for (GrowNode& node : level) leaves.push_back({node.id, node.begin, node.end});
    return tree;
  }

 private:
  /// Takes the tree's inputs and lists the histogram work items: single features (>= 0) and
  /// bundles (-1 - index).
  void Begin(const TreeInputs& in) {
    gh_ = in.gh;
    rows_ = in.rows;
    features_ = in.features;
    work_.clear();
    std::vector<char> bundle_used(binned_.bundles.size(), 0);
    for (int f : *features_) {
      const int b = binned_.bundle_of[f];
      if (b < 0) {
        work_.push_back(f);
      } else if (!bundle_used[b]) {
        bundle_used[b] = 1;
        work_.push_back(-1 - b);
      }
    }
    tmp_.resize(rows_->size());
    ordered_.resize(rows_->size());
  }

  /// The root: every row of the tree, its gradient sums.
  GrowNode Root() const {
    GrowNode root;
    root.begin = 0;
    root.end = rows_->size();
    for (std::uint32_t r : *rows_) {
      root.g += (*gh_)[r].g;
      root.h += (*gh_)[r].h;
    }
    return root;
  }

  /// Applies split `s` to `node`: partitions its rows, gives the children their sums and
  /// monotone bounds, and adds them to `tree`.
  void SplitNode(const GrowNode& node, const Split& s, Tree& tree, GrowNode& left,
                 GrowNode& right) {
    const std::size_t mid = Partition(node, s);
    left.begin = node.begin;
    left.end = mid;
    left.g = s.gl;
    left.h = s.hl;
    right.begin = mid;
    right.end = node.end;
    right.g = s.gr;
    right.h = s.hr;
    left.lower = right.lower = node.lower;
    left.upper = right.upper = node.upper;
    const int c = mono_[s.feature];
    if (c != 0) {
      // XGBoost's rule: children's weights are bounded by the mean of the two.
      const double wl = Weight(s.gl, s.hl, node.lower, node.upper);
      const double wr = Weight(s.gr, s.hr, node.lower, node.upper);
      const double m = (wl + wr) / 2;
      if (c > 0) {
        left.upper = m;
        right.lower = m;
      } else {
        left.lower = m;
        right.upper = m;
      }
    }
    Node& parent = tree.nodes[node.id];
    parent.feature = s.feature;
    parent.threshold = binned_.edges[s.feature][s.bin - 1];
    parent.default_left = s.default_left;
    parent.loss_change = s.gain;
    left.id = static_cast<int>(tree.nodes.size());
    tree.nodes.push_back(MakeNode(left));
    right.id = static_cast<int>(tree.nodes.size());
    tree.nodes.push_back(MakeNode(right));
    tree.nodes[node.id].left = left.id;
    tree.nodes[node.id].right = right.id;
  }

  /// Histogram subtraction: builds the smaller child's histogram, derives its sibling's from
  /// the parent's (which is consumed).
  void ChildHistograms(GrowNode& node, GrowNode& left, GrowNode& right) {
    GrowNode& small = (left.end - left.begin) <= (right.end - right.begin) ? left : right;
    GrowNode& large = &small == &left ? right : left;
    small.hist.assign(binned_.hist_size, GradPair{});
    BuildHist(small);
    large.hist = std::move(node.hist);
    for (std::size_t k = 0; k < large.hist.size(); ++k) {
      large.hist[k].g -= small.hist[k].g;
      large.hist[k].h -= small.hist[k].h;
    }
  }

  double Threshold(double g) const {  // soft-threshold for L1
    if (g > p_.alpha) return g - p_.alpha;
    if (g < -p_.alpha) return g + p_.alpha;
    return 0;
  }
  double Weight(double g, double h, double lower, double upper) const {
    double w = -Threshold(g) / (h + p_.lambda);
    return std::min(std::max(w, lower), upper);
  }
  /// Loss reduction (x2) of weight w for a node with sums g, h.
  double GainGivenWeight(double g, double h, double w) const {
    return -(2 * g * w + (h + p_.lambda) * w * w + 2 * p_.alpha * std::abs(w));
  }
  double Gain(double g, double h) const {
    const double t = Threshold(g);
    return t * t / (h + p_.lambda);
  }

  Node MakeNode(const GrowNode& n) const {
    Node node;
    node.value = p_.learning_rate * Weight(n.g, n.h, n.lower, n.upper);
    node.cover = n.h;
    return node;
  }

  void BuildHist(GrowNode& node) {
    const std::vector<GradPair>& gh = *gh_;
    const std::uint32_t* rows = rows_->data() + node.begin;
    const std::size_t count = node.end - node.begin;
    GradPair* ordered = ordered_.data();
    for (std::size_t i = 0; i < count; ++i) ordered[i] = gh[rows[i]];
    GradPair* hist = node.hist.data();
    const int threads = count * work_.size() >= 65536 ? threads_ : 1;
    // The root of an unsampled tree holds every row in order: read the columns directly.
    const bool identity = count == binned_.num_rows;
    ParallelRows(work_.size(), threads,
                 [&](std::size_t w) { HistItem(work_[w], rows, ordered, count, identity, hist); });
  }

  /// The histogram of one work item (BuildHist): a feature (item >= 0) into its slots of `hist`,
  /// or a bundle (-1 - index): one pass over its code column, then each member's two bins.
  void HistItem(int item, const std::uint32_t* rows, const GradPair* ordered, std::size_t count,
                bool identity, GradPair* hist) const {
    if (item >= 0) {
      const int slots = binned_.num_bins[item] + 1;
      Accumulate(binned_.Column(item), rows, ordered, count, slots, identity,
                 hist + binned_.offset[item]);
      return;
    }
    const auto& bundle = binned_.bundles[-item - 1];
    const int slots = static_cast<int>(bundle.members.size()) + 1;
    GradPair bundle_hist[256];
    std::fill(bundle_hist, bundle_hist + slots, GradPair{});
    Accumulate(bundle.code.data(), rows, ordered, count, slots, identity, bundle_hist);
    GradPair total;
    for (int s = 0; s < slots; ++s) {
      total.g += bundle_hist[s].g;
      total.h += bundle_hist[s].h;
    }
    for (int q = 1; q < slots; ++q) {
      GradPair* hf = hist + binned_.offset[bundle.members[q - 1]];
      hf[1] = bundle_hist[q];
      hf[0].g = total.g - bundle_hist[q].g;
      hf[0].h = total.h - bundle_hist[q].h;
    }
  }

  static void Accumulate(const std::uint8_t* col, const std::uint32_t* rows,
                         const GradPair* ordered, std::size_t count, int slots, bool identity,
                         GradPair* hf) {
    if (slots <= kSmallSlots) {
      if (identity)
        AccumulateSmall<true>(col, rows, ordered, count, slots, hf);
      else
        AccumulateSmall<false>(col, rows, ordered, count, slots, hf);
    } else if (identity) {
      AccumulateLarge<true>(col, rows, ordered, count, hf);
    } else {
      AccumulateLarge<false>(col, rows, ordered, count, hf);
    }
  }

  template <bool kDirect>
  static void AccumulateLarge(const std::uint8_t* col, const std::uint32_t* rows,
                              const GradPair* ordered, std::size_t count, GradPair* hf) {
    for (std::size_t i = 0; i < count; ++i) {
      GradPair& slot = hf[col[kDirect ? i : rows[i]]];
      slot.g += ordered[i].g;
      slot.h += ordered[i].h;
    }
  }

  /// Few bins (one-hot, booleans): consecutive rows hit the same slot, so one running sum would
  /// be a chain of dependent adds. Four interleaved copies keep the adds independent.
  static constexpr int kSmallSlots = 32;
  template <bool kDirect>
  static void AccumulateSmall(const std::uint8_t* col, const std::uint32_t* rows,
                              const GradPair* ordered, std::size_t count, int slots, GradPair* hf) {
    GradPair acc[4][kSmallSlots];
    for (auto& a : acc)
      for (int s = 0; s < slots; ++s) a[s] = GradPair{};
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4)
      for (int k = 0; k < 4; ++k) {
        GradPair& slot = acc[k][col[kDirect ? i + k : rows[i + k]]];
        slot.g += ordered[i + k].g;
        slot.h += ordered[i + k].h;
      }
    for (; i < count; ++i) {
      GradPair& slot = acc[0][col[kDirect ? i : rows[i]]];
      slot.g += ordered[i].g;
      slot.h += ordered[i].h;
    }
    for (int s = 0; s < slots; ++s) {
      hf[s].g += (acc[0][s].g + acc[1][s].g) + (acc[2][s].g + acc[3][s].g);
      hf[s].h += (acc[0][s].h + acc[1][s].h) + (acc[2][s].h + acc[3][s].h);
    }
  }

  Split BestSplit(const GrowNode& node) const {
    Split best;
    const double parent_gain =
        constrained_
            ? GainGivenWeight(node.g, node.h, Weight(node.g, node.h, node.lower, node.upper))
            : Gain(node.g, node.h);
    const double mcw = p_.min_child_weight;
    for (int f : *features_) {
      const GradPair* hf = node.hist.data() + binned_.offset[f];
      const int nb = binned_.num_bins[f];
      const GradPair miss = hf[nb];
      const bool has_missing = miss.h > 0 || miss.g != 0;
      const int c = mono_[f];
      double gl = 0, hl = 0;
      for (int k = 1; k < nb; ++k) {
        gl += hf[k - 1].g;
        hl += hf[k - 1].h;
        if (hf[k - 1].h == 0 && hf[k - 1].g == 0) continue;  // same split as the previous bin
        // Try missing values right, then left (each split learns its default direction).
        for (int side = 0; side < (has_missing ? 2 : 1); ++side) {
          const double lg = side ? gl + miss.g : gl, lh = side ? hl + miss.h : hl;
          const double rg = node.g - lg, rh = node.h - lh;
          if (lh < mcw || rh < mcw || lh <= 0 || rh <= 0) continue;
          double gain;
          if (constrained_) {
            const double wl = Weight(lg, lh, node.lower, node.upper);
            const double wr = Weight(rg, rh, node.lower, node.upper);
            if ((c > 0 && wl > wr) || (c < 0 && wl < wr)) continue;
            gain = GainGivenWeight(lg, lh, wl) + GainGivenWeight(rg, rh, wr) - parent_gain;
          } else {
            gain = Gain(lg, lh) + Gain(rg, rh) - parent_gain;
          }
          if (gain > best.gain) {
            best.gain = gain;
            best.feature = f;
            best.bin = k;
            best.default_left = side == 1 || (!has_missing && lh >= rh);
            best.gl = lg;
            best.hl = lh;
            best.gr = rg;
            best.hr = rh;
          }
        }
      }
    }
    return best;
  }

  /// Stable partition of the node's rows: left rows first. Returns the split point.
  std::size_t Partition(const GrowNode& node, const Split& s) {
    return PartitionRows(binned_, s.feature, s.bin, s.default_left, rows_->data(), node.begin,
                         node.end, tmp_.data());
  }

  const GbdtParams& p_;
  int threads_;
  BinnedData binned_;
  std::vector<int> mono_;
  bool constrained_ = false;
  const std::vector<GradPair>* gh_ = nullptr;
  std::vector<std::uint32_t>* rows_ = nullptr;
  const std::vector<int>* features_ = nullptr;
  std::vector<std::uint32_t> tmp_;
  std::vector<GradPair> ordered_;
  std::vector<int> work_;
};

double LogLoss(const std::vector<double>& margin, const TrainData& d) {
  double loss = 0, total = 0;
  for (std::size_t i = 0; i < d.num_rows; ++i) {
    const double w = d.weight ? d.weight[i] : 1;
    const double m = margin[i];
    // log(1 + e^m) - y m, computed stably.
    const double softplus = m > 0 ? m + Log1p(Exp(-m)) : Log1p(Exp(m));
    loss += w * (softplus - d.y[i] * m);
    total += w;
  }
  return loss / total;
}

/// Checks the training and validation data and the parameters that depend on them.
void CheckGbdtInputs(const TrainData& data, const GbdtParams& params, const TrainData* valid) {
  CheckTreeTrainingData(data, "gbdt training data");
  if (valid) {
    CheckTreeTrainingData(*valid, "gbdt validation data");
    if (valid->num_inputs != data.num_inputs)
      throw Error("gbdt validation data: " + std::to_string(valid->num_inputs) +
                  " columns, expected " + std::to_string(data.num_inputs));
  }
  if (params.early_stopping_rounds > 0 && !valid)
    throw Error("parameter 'early_stopping_rounds': needs validation data");
}

/// Log-odds of the (weighted) training positive rate.
double BaseScore(const TrainData& data) {
  double pos = 0, total = 0;
  for (std::size_t i = 0; i < data.num_rows; ++i) {
    const double w = data.weight ? data.weight[i] : 1;
    pos += w * data.y[i];
    total += w;
  }
  if (!(pos > 0 && pos < total))
    throw Error("gbdt training data: both classes (0 and 1) must be present");
  return Log(pos / (total - pos));
}

/// Gradient pairs of the log loss at the current margins.
void GradientPairs(const TrainData& data, const GbdtParams& params,
                   const std::vector<double>& margin, std::vector<GradPair>& gh) {
  const double* y = data.y;
  const double positive_weight = params.scale_pos_weight;
  // No branch in the loop, so that it vectorises: a select on the class (defaults and others
  // come in no order) and, beyond |m| = 708, a margin clamped where the prediction is certain to
  // within 1e-307 (no gradient changes by more than that).
  auto pair = [&](std::size_t i, double row_weight) {
    const double w = row_weight * (y[i] == 1 ? positive_weight : 1.0);
    const double p = SigmoidOfModerate(std::clamp(margin[i], -708.0, 708.0));
    gh[i].g = w * (p - y[i]);
    gh[i].h = w * std::max(p * (1 - p), 1e-16);
  };
  if (data.weight) {
    for (std::size_t i = 0; i < data.num_rows; ++i) pair(i, data.weight[i]);
  } else {
    for (std::size_t i = 0; i < data.num_rows; ++i) pair(i, 1.0);
  }
}

/// One tree's row subsample (Bernoulli; every row when subsample = 1) and column subsample
/// (num_cols of the m columns, ascending).
void SampleTree(const GbdtParams& params, std::size_t n, std::size_t m, std::size_t num_cols,
                Rng& rng, std::vector<std::uint32_t>& rows, std::vector<char>& in_sample,
                std::vector<int>& features) {
  rows.clear();
  if (params.subsample < 1) {
    for (std::size_t i = 0; i < n; ++i) {
      in_sample[i] = rng.Uniform() < params.subsample;
      if (in_sample[i]) rows.push_back(static_cast<std::uint32_t>(i));
    }
  } else {
    rows.resize(n);
    std::iota(rows.begin(), rows.end(), std::uint32_t{0});
  }
  features.resize(m);
  for (std::size_t j = 0; j < m; ++j) features[j] = static_cast<int>(j);
  if (num_cols < m) {
    for (std::size_t k = 0; k < num_cols; ++k)
      std::swap(features[k], features[k + rng.Below(m - k)]);
    features.resize(num_cols);
    std::sort(features.begin(), features.end());
  }
}

/// Validation log loss after each tree, for the best iteration and early stopping.
struct EarlyStopping {
  double best_loss = kInf;
  std::size_t best_trees = 0;
  /// Records the loss with `trees` trees; true when training should stop.
  bool Update(double loss, std::size_t trees, int rounds) {
    if (loss < best_loss) {
      best_loss = loss;
      best_trees = trees;
      return false;
    }
    return rounds > 0 && trees - best_trees >= static_cast<std::size_t>(rounds);
  }
};

}  // namespace

std::unique_ptr<GbdtModel> TrainGbdt(const TrainData& data, const GbdtParams& params,
                                     const TrainContext& context) {
  const TrainData* valid = context.valid;
  CheckGbdtInputs(data, params, valid);
  const std::size_t n = data.num_rows, m = data.num_inputs;
  const double base_score = BaseScore(data);
  HistTreeGrower grower(data, params, context);
  Rng rng(params.seed);
  std::vector<double> margin(n, base_score), valid_margin;
  if (valid) valid_margin.assign(valid->num_rows, base_score);
  std::vector<GradPair> gh(n);
  std::vector<std::uint32_t> rows;
  std::vector<char> in_sample(n, 1);
  std::vector<int> features;
  const std::size_t num_cols =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(params.colsample * m)));
  std::vector<LeafRows> leaves;
  std::vector<Tree> trees;
  EarlyStopping stopping;
  for (int t = 0; t < params.n_trees; ++t) {
    GradientPairs(data, params, margin, gh);
    SampleTree(params, n, m, num_cols, rng, rows, in_sample, features);
    Tree tree = grower.Grow(TreeInputs{&gh, &rows, &features}, leaves);
    // Update training margins from the leaf each row landed in.
    for (const LeafRows& leaf : leaves)
      for (std::size_t k = leaf.begin; k < leaf.end; ++k)
        margin[rows[k]] += tree.nodes[leaf.node].value;
    if (params.subsample < 1)
      for (std::size_t i = 0; i < n; ++i)
        if (!in_sample[i]) margin[i] += tree.Predict(data.x_row(i));
    trees.push_back(std::move(tree));
    if (valid) {
      for (std::size_t i = 0; i < valid->num_rows; ++i)
        valid_margin[i] += trees.back().Predict(valid->x_row(i));
      if (stopping.Update(LogLoss(valid_margin, *valid), trees.size(),
                          params.early_stopping_rounds))
        break;
    }
    if (context.progress) context.progress(t + 1, params.n_trees);
  }
  const std::size_t trained = trees.size();
  nlohmann::json info = {{"params", params.ToJson()}, {"trained_trees", trained}};
  if (valid) {
    info["best_iteration"] = stopping.best_trees;
    info["best_valid_logloss"] = stopping.best_loss;
    if (params.early_stopping_rounds > 0) trees.resize(stopping.best_trees);
  }
  // Every tree added its leaf to each row's margin in order, as PredictMargins sums them.
  if (context.train_margins && trees.size() == trained) *context.train_margins = std::move(margin);
  auto model = std::make_unique<GbdtModel>(std::move(trees), base_score, DefaultInputNames(data),
                                           false, info);
  model->SetGroupsFrom(data);
  return model;
}

std::unique_ptr<Model> TrainGbdtFamily(const TrainData& data, const ParamMap& params,
                                       const TrainContext& context) {
  return TrainGbdt(data, GbdtParams::FromMap(params, context.seed), context);
}

}  // namespace loanlens::tree
