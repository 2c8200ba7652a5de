#include "loanlens/decision/recourse.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "loanlens/error.h"
#include "search.h"

namespace loanlens::decision {
namespace {

using detail::Change;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kApprove = "approve";

/// A value to try for one feature.
struct Candidate {
  double value = 0;
  double cost = 0;
  int dir = 0;        ///< -1 lower, +1 higher, 0 categorical
  bool grid = false;  ///< a grid point of a model without thresholds: refined by bisection
};

/// An actionable feature and the values to try, cheapest first.
struct Feature {
  std::size_t index = 0;
  const ColumnSpec* spec = nullptr;
  double current = 0, range = 1, step = 1;
  std::vector<Candidate> candidates;
  double best_single = kInf;  ///< cost of the best single change (kInf: none)
};

/// A change set that gives approve, with its score.
struct Found {
  std::vector<Change> changes;
  double cost = 0;
  Score score;
};

class RecourseSearch {
 public:
  RecourseSearch(const Bundle& bundle, const double* raw, const RecourseOptions& options)
      : bundle_(bundle), options_(options), rescorer_(bundle, raw, options.max_evaluations) {}
  RecourseResult Run();

 private:
  void SelectFeatures(RecourseResult& result);
  std::pair<bool, bool> Directions(const Feature& f) const;  ///< {lower allowed, higher allowed}
  void BuildCandidates(Feature& f) const;
  void AddNumericCandidates(Feature& f, bool lower, bool higher) const;
  std::optional<Found> SearchSingle(Feature& f);
  std::optional<Found> SearchPair(const Feature& f, const Feature& g, double bound);
  /// Bisection between a value `no` (not approved) and `yes` (approved) of feature f, other
  /// changes `fixed`; then the round value nearest the boundary on the approved side.
  std::pair<double, Score> Refine(const Feature& f, double no, double yes, Score yes_score,
                                  const std::vector<Change>& fixed);
  Score Eval(const std::vector<Change>& changes);
  double Cost(const Feature& f, double value) const {
    return f.spec->type == ColumnType::kNumeric ? std::abs(value - f.current) / f.range : 1.0;
  }

  const Bundle& bundle_;
  const RecourseOptions& options_;
  detail::Rescorer rescorer_;
  std::vector<Feature> features_;
  bool complete_ = true;
};

Score RecourseSearch::Eval(const std::vector<Change>& changes) {
  if (rescorer_.Exhausted()) {
    complete_ = false;
    return Score{};  // band "": not approved
  }
  return rescorer_.Evaluate(changes);
}

void RecourseSearch::SelectFeatures(RecourseResult& result) {
  const auto& names = bundle_.FeatureNames();
  std::vector<bool> wanted(names.size(), false);
  if (!options_.actionable.empty()) {
    for (const std::string& name : options_.actionable) {
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) throw Error("recourse: '" + name + "' is not a feature of the model");
      wanted[it - names.begin()] = true;
    }
  } else {
    for (std::size_t i = 0; i < names.size(); ++i) wanted[i] = bundle_.Feature(i).actionable;
  }
  std::vector<bool> derived(names.size(), false);
  for (const auto& r : rescorer_.Ratios()) derived[r.feature] = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!wanted[i]) continue;
    const ColumnSpec* spec = &bundle_.Feature(i);
    const double v = rescorer_.Raw()[i];
    std::string why;
    if (detail::IsProtected(*spec))
      why = "protected attribute: never changed";
    else if (derived[i])
      why = "derived: computed from its parts";
    else if (std::isnan(v))
      why = "not provided";
    else if (spec->type == ColumnType::kNumeric && !(spec->max > spec->min))
      why = "no training range";
    if (!why.empty()) {
      result.skipped.push_back({names[i], why});
      continue;
    }
    Feature f;
    f.index = i;
    f.spec = spec;
    f.current = v;
    f.range = spec->type == ColumnType::kNumeric ? spec->max - spec->min : 1;
    const auto step = options_.steps.find(names[i]);
    f.step = step != options_.steps.end() ? step->second : detail::DefaultStep(*spec, v);
    if (!(f.step > 0)) throw Error("recourse: step for '" + names[i] + "' must be positive");
    BuildCandidates(f);
    result.features.push_back(names[i]);
    features_.push_back(std::move(f));
  }
}

std::pair<bool, bool> RecourseSearch::Directions(const Feature& f) const {
  const std::vector<int> mono = bundle_.GetModel().MonotoneConstraints();
  const Preprocessor& pre = bundle_.GetPreprocessor();
  if (mono.empty() || pre.Options().encoding == Encoding::kWoe) return {true, true};
  // Each constraint on f's column, or on a ratio f feeds, votes for the direction that lowers
  // the margin; the votes must agree to restrict the search.
  int vote = 0;
  bool conflict = false;
  auto add = [&](int dir) {
    if (dir == 0) return;
    conflict = conflict || (vote != 0 && vote != dir);
    vote = dir;
  };
  const auto sign = [](double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; };
  add(-mono[pre.Features()[f.index].first_column]);
  for (const auto& r : rescorer_.Ratios()) {
    const int m = mono[pre.Features()[r.feature].first_column];
    const double* raw = rescorer_.Raw().data();
    if (r.numerator == f.index) add(-m * sign(raw[r.denominator]));
    if (r.denominator == f.index) add(m * sign(raw[r.numerator]));
  }
  if (conflict || vote == 0) return {true, true};
  return {vote<0, vote> 0};
}

void RecourseSearch::BuildCandidates(Feature& f) const {
  if (f.spec->type == ColumnType::kNumeric) {
    const auto [lower, higher] = Directions(f);
    AddNumericCandidates(f, lower, higher);
  } else {
    const std::size_t levels = f.spec->type == ColumnType::kBoolean && f.spec->categories.empty()
                                   ? 2
                                   : f.spec->categories.size();
    for (std::size_t k = 0; k < levels; ++k)
      if (static_cast<double>(k) != f.current)
        f.candidates.push_back({static_cast<double>(k), 1.0, 0, false});
  }
  std::stable_sort(f.candidates.begin(), f.candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
}

void RecourseSearch::AddNumericCandidates(Feature& f, bool lower, bool higher) const {
  const double lo = f.spec->min, hi = f.spec->max, cur = f.current;
  const auto breaks =
      detail::Breakpoints(bundle_, rescorer_.Ratios(), rescorer_.Raw().data(), f.index);
  if (breaks) {
    // One value per stretch of constant margin: the round value closest to the applicant's.
    std::vector<double> starts = {lo};
    for (double b : *breaks)
      if (b > lo && b <= hi) starts.push_back(b);
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const bool last = k + 1 == starts.size();
      const double a = starts[k], b = last ? hi : starts[k + 1];
      if (cur >= a && (cur < b || (last && cur <= b))) continue;  // the applicant's own stretch
      const double c = detail::RoundValueIn(a, b, last, cur, f.step);
      const int dir = c < cur ? -1 : 1;
      if ((dir < 0 && lower) || (dir > 0 && higher))
        f.candidates.push_back({c, std::abs(c - cur) / f.range, dir, false});
    }
    return;
  }
  const std::size_t n = std::max<std::size_t>(options_.grid_points, 1);
  const double start = std::clamp(cur, lo, hi);
  for (const int dir : {-1, 1}) {
    if ((dir < 0 && !lower) || (dir > 0 && !higher)) continue;
    const double end = dir < 0 ? lo : hi;
    for (std::size_t i = start == cur ? 1 : 0; i <= n; ++i) {
      const double v = i == n ? end : start + (end - start) * static_cast<double>(i) / n;
      if (v == cur || (i > 0 && start == end)) continue;
      f.candidates.push_back({v, std::abs(v - cur) / f.range, dir, true});
    }
  }
}

std::pair<double, Score> RecourseSearch::Refine(const Feature& f, double no, double yes,
                                                Score yes_score, const std::vector<Change>& fixed) {
  std::vector<Change> changes = fixed;
  changes.push_back({f.index, 0});
  auto eval = [&](double v) {
    changes.back().second = v;
    return Eval(changes);
  };
  for (int it = 0; it < 60 && std::abs(yes - no) > f.step / 2 && !rescorer_.Exhausted(); ++it) {
    const double mid = no + (yes - no) / 2;
    const Score s = eval(mid);
    if (s.band == kApprove)
      yes = mid, yes_score = s;
    else
      no = mid;
  }
  // The first round value past `no` in the direction of the change, then the next one.
  const int dir = yes < no ? -1 : 1;
  double c = detail::RoundToward(no, f.step, dir);
  if (c == no) c += dir * f.step;
  for (int k = 0; k < 2; ++k, c += dir * f.step) {
    if (c < f.spec->min || c > f.spec->max || c == yes) break;
    const Score s = eval(c);
    if (s.band == kApprove) return {c, s};
  }
  return {yes, yes_score};
}

std::optional<Found> RecourseSearch::SearchSingle(Feature& f) {
  std::optional<Found> found;
  // The last value per direction that did not approve (bisection bracket for grid points).
  double last_no[2] = {f.current, f.current};
  const bool inside = f.current >= f.spec->min && f.current <= f.spec->max;
  bool have_no[2] = {inside, inside};
  for (const Candidate& c : f.candidates) {
    if (rescorer_.Exhausted() || (found && c.cost > found->cost)) break;
    Score s = Eval({{f.index, c.value}});
    const int side = c.dir > 0 ? 1 : 0;
    if (s.band != kApprove) {
      last_no[side] = c.value, have_no[side] = true;
      continue;
    }
    double value = c.value;
    if (c.grid && have_no[side]) std::tie(value, s) = Refine(f, last_no[side], c.value, s, {});
    const double cost = Cost(f, value);
    // Equal costs (categorical levels): the one that just gets approved, the least change in risk.
    if (!found || cost < found->cost || (cost == found->cost && s.pd > found->score.pd))
      found = Found{{{f.index, value}}, cost, s};
  }
  if (found) f.best_single = found->cost;
  return found;
}

std::optional<Found> RecourseSearch::SearchPair(const Feature& f, const Feature& g, double bound) {
  // Only values cheaper than the feature's best single change: anything else is dominated.
  auto usable = [](const Feature& x) {
    std::vector<Candidate> out;
    for (const Candidate& c : x.candidates)
      if (c.cost < x.best_single) out.push_back(c);
    return out;
  };
  const std::vector<Candidate> a = usable(f), b = usable(g);
  if (a.empty() || b.empty()) return std::nullopt;
  std::optional<Found> found;
  double limit = bound;
  std::size_t best_i = 0, best_j = 0;
  for (std::size_t i = 0; i < a.size() && a[i].cost + b[0].cost < limit; ++i) {
    for (std::size_t j = 0; j < b.size() && a[i].cost + b[j].cost < limit; ++j) {
      if (rescorer_.Exhausted()) return found;
      const Score s = Eval({{f.index, a[i].value}, {g.index, b[j].value}});
      if (s.band != kApprove) continue;
      found = Found{{{f.index, a[i].value}, {g.index, b[j].value}}, a[i].cost + b[j].cost, s};
      limit = found->cost, best_i = i, best_j = j;
      break;
    }
  }
  if (!found) return found;
  // Grid points (models without thresholds): pull each value back towards the applicant's.
  for (int part = 1; part >= 0; --part) {
    const Feature& x = part ? g : f;
    const Candidate& c = part ? b[best_j] : a[best_i];
    if (!c.grid) continue;
    const Change other = found->changes[1 - part];
    const double start = std::clamp(x.current, x.spec->min, x.spec->max);
    const auto [v, s] = Refine(x, start, c.value, found->score, {other});
    found->changes[part].second = v;
    found->score = s;
  }
  found->cost = Cost(f, found->changes[0].second) + Cost(g, found->changes[1].second);
  return found;
}

RecourseOption MakeOption(const Bundle& bundle, const double* raw, const Found& found) {
  RecourseOption o;
  const auto& names = bundle.FeatureNames();
  for (const auto& [index, value] : found.changes) {
    const ColumnSpec& spec = bundle.Feature(index);
    RecourseChange c;
    c.feature = names[index];
    c.index = index;
    c.from = raw[index];
    c.to = value;
    c.from_level = detail::LevelName(spec, c.from);
    c.to_level = detail::LevelName(spec, c.to);
    c.cost =
        spec.type == ColumnType::kNumeric ? std::abs(c.to - c.from) / (spec.max - spec.min) : 1.0;
    o.changes.push_back(std::move(c));
  }
  o.cost = found.cost;
  o.pd = found.score.pd;
  o.points = found.score.points;
  o.margin = found.score.margin;
  o.band = found.score.band;
  return o;
}

RecourseResult RecourseSearch::Run() {
  RecourseResult result;
  result.band = rescorer_.Evaluate({}).band;
  result.evaluations = rescorer_.Calls();
  if (result.band == kApprove) return result;
  SelectFeatures(result);
  std::vector<Found> singles, pairs;
  for (Feature& f : features_)
    if (auto found = SearchSingle(f)) singles.push_back(std::move(*found));
  auto by_cost = [](const Found& x, const Found& y) { return x.cost < y.cost; };
  std::stable_sort(singles.begin(), singles.end(), by_cost);
  const std::size_t k = options_.max_options;
  if (options_.pairs && singles.size() < k) {
    const std::size_t want = k - singles.size();
    for (std::size_t i = 0; i < features_.size(); ++i)
      for (std::size_t j = i + 1; j < features_.size(); ++j) {
        const double bound = pairs.size() < want ? kInf : pairs[want - 1].cost;
        if (auto found = SearchPair(features_[i], features_[j], bound)) {
          pairs.push_back(std::move(*found));
          std::stable_sort(pairs.begin(), pairs.end(), by_cost);
        }
      }
  }
  const double* raw = rescorer_.Raw().data();
  for (const auto* list : {&singles, &pairs})
    for (const Found& found : *list)
      if (result.options.size() < k) result.options.push_back(MakeOption(bundle_, raw, found));
  result.evaluations = rescorer_.Calls();
  result.complete = complete_;
  return result;
}

}  // namespace

RecourseResult FindRecourse(const Bundle& bundle, const double* raw,
                            const RecourseOptions& options) {
  RecourseOptions o = options;
  // + the applicant's own score (saturating).
  o.max_evaluations = std::max(options.max_evaluations, options.max_evaluations + 1);
  return RecourseSearch(bundle, raw, o).Run();
}

std::vector<double> ApplyRecourse(const Bundle& bundle, const double* raw,
                                  const RecourseOption& option) {
  std::vector<Change> changes;
  for (const RecourseChange& c : option.changes) changes.push_back({c.index, c.to});
  return detail::Rescorer(bundle, raw, 0).Apply(changes);
}

nlohmann::json ToJson(const RecourseOption& option) {
  nlohmann::json changes = nlohmann::json::object(), from = nlohmann::json::object();
  for (const RecourseChange& c : option.changes) {
    changes[c.feature] = c.to_level.empty() ? nlohmann::json(c.to) : nlohmann::json(c.to_level);
    from[c.feature] = c.from_level.empty() ? nlohmann::json(c.from) : nlohmann::json(c.from_level);
  }
  return {{"changes", changes},      {"from", from},       {"cost", option.cost}, {"pd", option.pd},
          {"points", option.points}, {"band", option.band}};
}

nlohmann::json ToJson(const RecourseResult& result) {
  nlohmann::json options = nlohmann::json::array(), skipped = nlohmann::json::array();
  for (const auto& o : result.options) options.push_back(ToJson(o));
  for (const auto& s : result.skipped)
    skipped.push_back({{"feature", s.feature}, {"reason", s.reason}});
  return {{"options", options},
          {"band", result.band},
          {"features", result.features},
          {"skipped", skipped},
          {"evaluations", result.evaluations},
          {"complete", result.complete}};
}

}  // namespace loanlens::decision
