#pragma once
/// \file
/// The CLI's subcommands, one file each (wasm/cli/<name>_command.cpp). Each Add*Command registers
/// its options on `app` and sets `rc` to the command's exit code when it runs.
#include <CLI/CLI.hpp>

namespace loanlens::cli {

void AddTrainCommand(CLI::App& app, int& rc);
void AddEvaluateCommand(CLI::App& app, int& rc);
void AddScoreCommand(CLI::App& app, int& rc);
void AddExplainCommand(CLI::App& app, int& rc);
void AddInspectCommand(CLI::App& app, int& rc);
void AddSchemaCommand(CLI::App& app, int& rc);
void AddSplitCommand(CLI::App& app, int& rc);
void AddImportXgboostCommand(CLI::App& app, int& rc);
void AddBenchCommand(CLI::App& app, int& rc);
void AddPolicyCommand(CLI::App& app, int& rc);

}  // namespace loanlens::cli
