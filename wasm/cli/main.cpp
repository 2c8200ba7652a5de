// loanlens: the command-line interface to the engine. Thin: each subcommand (one file each,
// listed in commands.h) parses its arguments, reads and writes files and prints; the work is in
// the engine library, which the browser runs as WebAssembly.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "loanlens/error.h"
#include "loanlens/version.h"

int main(int argc, char** argv) {
  CLI::App app{"LoanLens: credit-risk models you can explain. Train, evaluate, score and explain."};
  app.set_version_flag("--version", std::string("loanlens ") + loanlens::kEngineVersion);
  app.require_subcommand(1);
  int rc = 0;
  using namespace loanlens::cli;
  for (auto add :
       {AddTrainCommand, AddEvaluateCommand, AddScoreCommand, AddExplainCommand, AddInspectCommand,
        AddSchemaCommand, AddSplitCommand, AddImportXgboostCommand, AddBenchCommand,
        AddPolicyCommand, AddMonitorCommand, AddFairnessCommand, AddCardCommand})
    add(app, rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "loanlens: " << e.what()
              << "\nRun 'loanlens --help' or 'loanlens <command> --help'.\n";
    return 2;
  } catch (const loanlens::Error& e) {
    std::cerr << "loanlens: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "loanlens: internal error: " << e.what() << "\n";
    return 1;
  }
  return rc;
}
