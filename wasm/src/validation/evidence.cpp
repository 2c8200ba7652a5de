#include "loanlens/validation/evidence.h"

#include <algorithm>

#include "loanlens/error.h"
#include "loanlens/fairness/fairness.h"
#include "loanlens/fairness/proxy.h"
#include "loanlens/monitoring/drift_reference.h"
#include "loanlens/validation/backtest.h"

namespace loanlens {
namespace {

/// Fairness summary on one frame's rows (the attribute must be among its protected columns).
nlohmann::json FairnessOnFrame(const Bundle& bundle, const Frame& frame,
                               const std::vector<double>& pd, const DriftReference& reference,
                               const std::string& attribute, const std::string& sample) {
  const auto it = std::find_if(frame.protected_columns.begin(), frame.protected_columns.end(),
                               [&](const auto& c) { return c.first == attribute; });
  if (it == frame.protected_columns.end())
    throw Error(Location{sample, 0, attribute, ""},
                "--fairness-attribute: the column is not in the rows read");
  const FairnessOptions options;
  const GroupedAttribute groups = GroupAttribute(it->second, bundle.Csv().missing_tokens, options);
  nlohmann::json report =
      FairnessReport(attribute, groups, frame.target, pd, bundle.GetPolicy(), options);
  std::vector<std::uint16_t> bins;
  for (std::size_t i = 0; i < frame.num_rows; ++i) AppendBins(reference, frame.Row(i), bins);
  report["proxies"] = ProxyCheck(reference, bins, groups, options);
  report["sample"] = sample;
  return report;
}

}  // namespace

nlohmann::json ValidationEvidence(const Bundle& bundle, const std::vector<double>& y,
                                  const std::vector<double>& pd) {
  return Backtest(y, pd, bundle.GetPolicy());
}

void AddTrainingEvidence(Bundle& bundle, const Frame& train, const std::vector<double>& train_pd,
                         const Frame& valid, const std::vector<double>& valid_pd,
                         const std::string& fairness_attribute) {
  auto& m = bundle.Meta();
  m["metrics"]["training"] = Backtest(train.target, train_pd, bundle.GetPolicy());
  m["metrics"]["training"]["sample"] = "training sample (the rows the model was fitted on)";
  if (m["metrics"].contains("validation"))
    m["metrics"]["comparison"] =
        CompareTrainingValidation(m["metrics"]["training"], m["metrics"]["validation"]);
  const DriftReference reference = FitDriftReference(bundle.GetSchema(), train, train_pd);
  m["drift_reference"] = reference.ToJson();
  if (fairness_attribute.empty()) return;
  m["fairness"] = valid.num_rows > 0 ? FairnessOnFrame(bundle, valid, valid_pd, reference,
                                                       fairness_attribute, "validation rows")
                                     : FairnessOnFrame(bundle, train, train_pd, reference,
                                                       fairness_attribute, "training rows");
}

void MarkFairnessAttribute(Schema& schema, const std::string& column, const std::string& file) {
  ColumnSpec* c = schema.Find(column);
  if (!c)
    throw Error(Location{file, 1, column, ""},
                "--fairness-attribute names a column that is not in the file");
  if (c->role == Role::kFeature)
    throw Error(Location{file, 1, column, ""},
                "--fairness-attribute names a model input; review fairness on an attribute the "
                "model does not use (give it the role 'protected')");
  if (c->role == Role::kTarget || c->role == Role::kId)
    throw Error(Location{file, 1, column, ""},
                "--fairness-attribute cannot be the " + ToString(c->role) + " column");
  c->role = Role::kProtected;
}

}  // namespace loanlens
