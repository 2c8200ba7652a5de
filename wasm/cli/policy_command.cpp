// loanlens policy: show or change a bundle's policy without retraining. Each change is appended
// to policy.history (old -> new, time); the bundle is re-sealed (new content_sha256) and the
// reference population of adverse-action reasons is selected again for the new cut-offs.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/decision/receipt.h"
#include "loanlens/error.h"

namespace loanlens::cli {
namespace {

struct PolicyOptions {
  std::string model_path, out;
  std::vector<std::string> settings;
};

/// Applies key=value settings to a copy of the policy, recording each change in its history.
Policy ChangedPolicy(const Policy& current, const ParamMap& settings) {
  Policy p = current;
  const std::string time = UtcTimestamp();
  for (const auto& [key, value] : settings) {
    const std::string old = p.Get(key);  // throws for an unknown key
    if (!p.Set(key, value)) throw Error("policy: no key '" + key + "'");
    p.history.push_back({{"key", key}, {"old", old}, {"new", p.Get(key)}, {"time", time}});
  }
  return p;
}

void PrintPolicy(const Policy& p) {
  for (const auto& key : Policy::Keys()) std::cout << "  " << key << " = " << p.Get(key) << "\n";
  std::cout << "  changes after training: " << p.history.size() << "\n";
}

int PolicyCommand(const PolicyOptions& o) {
  RefuseOverwritingInputs({{"--model", o.model_path}}, {{"--out", o.out}});
  Bundle bundle = LoadBundle(o.model_path);
  if (o.settings.empty()) {
    std::cout << "policy of " << o.model_path << ":\n";
    PrintPolicy(bundle.GetPolicy());
    return 0;
  }
  if (o.out.empty())
    throw Error("policy: --set needs --out (the bundle is never changed in place)");
  const ParamMap settings = ParseParams(o.settings);
  bundle.SetPolicy(ChangedPolicy(bundle.GetPolicy(), settings));
  WriteBundle(bundle, o.out);  // reloaded before it is written
  for (const auto& change : bundle.GetPolicy().history)
    if (settings.count(change["key"].get<std::string>()))
      std::cout << "  " << change["key"].get<std::string>() << ": "
                << change["old"].get<std::string>() << " -> " << change["new"].get<std::string>()
                << "\n";
  const auto& ref = bundle.GetReference();
  if (!ref.Empty())
    std::cout << "reference population: " << ref.NumRows() << " applicants scored "
              << Fixed(ref.LowPoints(), 0) << " to " << Fixed(ref.HighPoints(), 0) << " points\n";
  std::cout << "wrote " << o.out << "\n";
  return 0;
}

}  // namespace

void AddPolicyCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<PolicyOptions>();
  auto* cmd = app.add_subcommand("policy", "Show or change a bundle's policy (no retraining)");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", o->settings, "Policy key=value (repeatable); see docs/decision.md");
  cmd->add_option("--out", o->out, "Bundle to write (required with --set)");
  cmd->callback([o, &rc] { rc = PolicyCommand(*o); });
}

}  // namespace loanlens::cli
