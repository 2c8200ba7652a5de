// loanlens card: the model card stored in a bundle, as Markdown.
#include <iostream>
#include <memory>

#include "cli_util.h"
#include "commands.h"
#include "loanlens/card/model_card.h"
#include "loanlens/error.h"

namespace loanlens::cli {
namespace {

struct CardOptions {
  std::string model_path, out;
};

int CardCommand(const CardOptions& o) {
  const Bundle bundle = LoadBundle(o.model_path);
  if (!bundle.Meta().contains("card"))
    throw Error(o.model_path +
                ": the bundle has no model card (it was trained by an older "
                "LoanLens); retrain it");
  const std::string md = RenderModelCardMarkdown(
      bundle.Meta()["card"], bundle.ToJson().at("content_sha256").get<std::string>());
  if (o.out.empty()) {
    std::cout << md;
  } else {
    WriteFileAtomically(o.out, md);
    std::cout << "wrote " << o.out << "\n";
  }
  return 0;
}

}  // namespace

void AddCardCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<CardOptions>();
  auto* cmd = app.add_subcommand("card", "The bundle's model card as Markdown");
  cmd->add_option("--model", o->model_path, "Bundle JSON")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Markdown file to write (default: print)");
  cmd->callback([o, &rc] { rc = CardCommand(*o); });
}

}  // namespace loanlens::cli
