#pragma once
/// \file
/// Internals shared by the limit and recourse searches (not public API): re-scoring an applicant
/// with some features changed (derived features recomputed, ScoreRow calls counted against a
/// budget), the raw values at which a piecewise-constant model can change its answer, and the
/// "round" value a person would type inside an interval.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/decision/derived.h"

namespace loanlens::decision::detail {

/// A feature index and its new raw value.
using Change = std::pair<std::size_t, double>;

/// Scores `raw` with changes applied; every call is one Bundle::ScoreRow (computed through a
/// Model::Probe around the applicant: the same values, fewer trees walked).
class Rescorer {
 public:
  Rescorer(const Bundle& bundle, const double* raw, std::size_t budget);
  /// The applicant with `changes` applied and the derived features that depend on them
  /// recomputed.
  std::vector<double> Apply(const std::vector<Change>& changes) const;
  /// PD, points and the decision's band (after the review rules, without the applicant's parse
  /// warnings) of Apply(changes). Counts one evaluation.
  Score Evaluate(const std::vector<Change>& changes);
  bool Exhausted() const { return calls_ >= budget_; }
  std::size_t Calls() const { return calls_; }
  const std::vector<DerivedRatio>& Ratios() const { return ratios_; }
  const std::vector<double>& Raw() const { return raw_; }

 private:
  const Bundle& bundle_;
  std::vector<double> raw_;
  std::vector<DerivedRatio> ratios_;
  std::unique_ptr<MarginProbe> probe_;  ///< around the applicant (first Evaluate): fewer trees
  std::size_t budget_;
  std::size_t calls_ = 0;
};

/**
 * The raw values of feature `f` at which the model's margin can change when only f moves (its
 * derived features recomputed from the applicant's other values): sorted, distinct. Between two
 * consecutive values (and below the first, above the last) the margin is constant. The value t
 * itself belongs to the interval above it (as a split "left when x < t" sends it right).
 * \return nullopt when the margin is not piecewise constant in f (linear models and SVMs on
 *         one-hot encoded numbers), or f feeds a derived feature through another derived one.
 */
std::optional<std::vector<double>> Breakpoints(const Bundle& bundle,
                                               const std::vector<DerivedRatio>& ratios,
                                               const double* raw, std::size_t f);

/// The granularity in which a value of feature `spec` is proposed: 1 for a column whose training
/// range has integer ends when `current` is an integer (or missing), otherwise four significant
/// digits of the training range (10^(floor(log10(max - min)) - 3)).
double DefaultStep(const ColumnSpec& spec, double current);

/**
 * The value of [lo, hi) (hi included when `hi_closed`) closest to `target` among the multiples
 * of `step`; when no multiple lies in the interval, its midpoint (hi when the interval is the
 * single point lo == hi). `target` inside the interval gives `target` itself.
 */
double RoundValueIn(double lo, double hi, bool hi_closed, double target, double step);

/// The multiple of `step` nearest to v on the side `dir` (-1: largest <= v, +1: smallest >= v).
double RoundToward(double v, double step, int dir);

/// Raw feature value as the level name for categorical and boolean features, else "".
std::string LevelName(const ColumnSpec& spec, double value);

/// True when the schema or IsDefaultProtected() says the column is a protected attribute.
bool IsProtected(const ColumnSpec& spec);

}  // namespace loanlens::decision::detail
