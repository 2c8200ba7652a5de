#include "loanlens/decision/review_rules.h"

#include <cmath>

#include "loanlens/bundle.h"
#include "loanlens/decision/price.h"
#include "loanlens/decision/text.h"

namespace loanlens {
namespace {

/// Where the rules report: every fired rule with its sentence, or (text = false) only its id,
/// for searches that re-score many candidates and need only whether a rule fired.
struct RuleSink {
  std::vector<FiredRule>& rules;
  bool text;
  /// Records rule `id`; `sentence()` is only called when the sentence is wanted.
  template <typename Sentence>
  void Fire(const char* id, Sentence&& sentence) {
    rules.push_back({id, text ? sentence() : std::string()});
  }
};

void NearCutoff(const Policy& p, const Score& s, RuleSink& out) {
  const double near = p.review_near_cutoff_points;
  if (!(near > 0)) return;
  // (A pair, not a structured binding: clang 14 cannot capture one in the sentence's lambda.)
  for (const auto& cutoff :
       {std::pair{"approval", p.ApprovePoints()}, std::pair{"decline", p.DeclinePoints()}}) {
    if (std::abs(s.points - cutoff.second) < near)
      out.Fire("near_cutoff", [&] {
        return "Score " + Rounded(s.points, 0) + " is within " + Rounded(near, 0) +
               " points of the " + cutoff.first + " cut-off " + Rounded(cutoff.second, 0);
      });
  }
}

void OutOfRange(const Bundle& b, const double* raw, RuleSink& out) {
  const auto& features = b.FeatureNames();
  for (std::size_t j = 0; j < features.size(); ++j) {
    const ColumnSpec& c = b.Feature(j);
    if (c.type != ColumnType::kNumeric || std::isnan(raw[j])) continue;
    const auto& f = b.GetPreprocessor().Features()[j];
    const double low = f.clip ? f.clip_low : c.min, high = f.clip ? f.clip_high : c.max;
    const char* what = f.clip ? "clipping bound" : "training";
    if (raw[j] > high)
      out.Fire("out_of_range", [&] {
        return Label(c) + " " + Rounded(raw[j], 2) + " is above the " + what +
               (f.clip ? " " : " maximum ") + Rounded(high, 2);
      });
    else if (raw[j] < low)
      out.Fire("out_of_range", [&] {
        return Label(c) + " " + Rounded(raw[j], 2) + " is below the " + what +
               (f.clip ? " " : " minimum ") + Rounded(low, 2);
      });
  }
}

void KeyFieldMissing(const Bundle& b, const double* raw, RuleSink& out) {
  for (const int j : b.Fields().key_fields) {
    if (j < 0 || !std::isnan(raw[j])) continue;
    const auto& f = b.GetPreprocessor().Features()[j];
    const bool imputed = b.GetPreprocessor().Options().impute && f.type != ColumnType::kCategorical;
    out.Fire("key_field_missing", [&] {
      return "Key field " + Label(b.Feature(j)) + " is missing" +
             (imputed ? " (imputed with the training median " + Rounded(f.median, 2) + ")"
                      : " (scored as missing)");
    });
  }
}

void UnseenCategory(const Bundle& b, const double* raw, const std::vector<RowWarning>& warnings,
                    RuleSink& out) {
  const auto& features = b.FeatureNames();
  for (std::size_t j = 0; j < features.size(); ++j) {
    if (raw[j] != kUnseenLevel) continue;
    const ColumnSpec& c = b.Feature(j);
    if (c.type != ColumnType::kCategorical) continue;
    std::string value;
    for (const auto& w : warnings)
      if (w.column == features[j]) value = w.value;
    out.Fire("unseen_category", [&] {
      return Label(c) + " '" + Quoted(value) + "' was not seen in training (scored as other)";
    });
  }
}

void AmountAboveMax(const Bundle& b, const double* raw, RuleSink& out) {
  const Policy& p = b.GetPolicy();
  const int a = b.Fields().amount;
  if (a < 0 || !(p.max_amount > 0) || std::isnan(raw[a]) || raw[a] <= p.max_amount) return;
  out.Fire("amount_above_max", [&] {
    return Label(b.Feature(a)) + " " + Rounded(raw[a], 2) + " is above the policy maximum " +
           Rounded(p.max_amount, 2);
  });
}

void DerivedMismatch(const Bundle& b, const double* raw, RuleSink& out) {
  const auto& features = b.FeatureNames();
  const double tol = b.GetPolicy().derived_tolerance;
  for (std::size_t j = 0; j < features.size(); ++j) {
    const ColumnSpec& c = b.Feature(j);
    if (c.derived_ratio.empty() || std::isnan(raw[j])) continue;
    const int n = b.Fields().ratio_numerator[j], d = b.Fields().ratio_denominator[j];
    if (n < 0 || d < 0 || std::isnan(raw[n]) || std::isnan(raw[d]) || raw[d] == 0) continue;
    const double expected = raw[n] / raw[d];
    if (std::abs(raw[j] - expected) <= tol) continue;
    out.Fire("derived_mismatch", [&] {
      return Label(c) + " " + Rounded(raw[j], 4) + " disagrees with " + c.derived_ratio[0] + " / " +
             c.derived_ratio[1] + " = " + Rounded(expected, 4);
    });
  }
}

void AboveBudget(const Bundle& b, const double* raw, const Score& s, RuleSink& out) {
  const Policy& p = b.GetPolicy();
  if (p.max_pd > 0 && s.pd > p.max_pd)
    out.Fire("above_budget", [&] {
      return "PD " + Rounded(100 * s.pd, 2) + "% is above the policy's " +
             Rounded(100 * p.max_pd, 2) + "% budget";
    });
  const Price price = PriceOf(b, raw, s);
  if (p.max_expected_loss > 0 && price.has_expected_loss &&
      price.expected_loss > p.max_expected_loss)
    out.Fire("above_budget", [&] {
      return "Expected loss " + Rounded(price.expected_loss, 2) + " is above the policy's budget " +
             Rounded(p.max_expected_loss, 2);
    });
}

void RunRules(const Bundle& bundle, const double* raw, const std::vector<RowWarning>& warnings,
              const Score& score, RuleSink& out) {
  const Policy& p = bundle.GetPolicy();
  NearCutoff(p, score, out);
  if (p.review_out_of_range) OutOfRange(bundle, raw, out);
  KeyFieldMissing(bundle, raw, out);
  if (p.review_unseen_level) UnseenCategory(bundle, raw, warnings, out);
  AmountAboveMax(bundle, raw, out);
  DerivedMismatch(bundle, raw, out);
  AboveBudget(bundle, raw, score, out);
}

}  // namespace

std::vector<FiredRule> ReviewRules(const Bundle& bundle, const double* raw,
                                   const std::vector<RowWarning>& warnings, const Score& score) {
  std::vector<FiredRule> rules;
  RuleSink out{rules, true};
  RunRules(bundle, raw, warnings, score, out);
  return rules;
}

bool AnyReviewRuleFires(const Bundle& bundle, const double* raw, const Score& score) {
  std::vector<FiredRule> rules;
  RuleSink out{rules, false};
  RunRules(bundle, raw, {}, score, out);
  return !rules.empty();
}

std::string DecisionOf(const std::string& score_band, const std::vector<FiredRule>& rules) {
  return score_band == "approve" && !rules.empty() ? "review" : score_band;
}

}  // namespace loanlens
