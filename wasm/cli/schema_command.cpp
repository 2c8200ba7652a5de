// loanlens schema: print the schema inferred from a CSV.
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "loanlens/data/schema.h"
#include "loanlens/error.h"
#include "loanlens/pipeline.h"

namespace loanlens::cli {
namespace {

struct SchemaOptions {
  std::string data_path, target;
};

int SchemaCommand(const SchemaOptions& o) {
  std::ifstream in(o.data_path, std::ios::binary);
  if (!in) throw Error(Location{o.data_path, 0, "", ""}, "cannot be opened for reading");
  CsvReader reader(in, o.data_path);
  InferOptions io;
  if (!o.target.empty()) io.forced_types[o.target] = ColumnType::kCategorical;
  Schema schema = InferSchema(reader, io);
  if (!o.target.empty() && !schema.Find(o.target))
    throw Error(Location{o.data_path, 1, o.target, ""}, "target column not found");
  AssignDefaultRoles(schema, o.target);
  std::cout << schema.ToJson().dump(2) << "\n";
  return 0;
}

}  // namespace

void AddSchemaCommand(CLI::App& app, int& rc) {
  auto o = std::make_shared<SchemaOptions>();
  auto* cmd = app.add_subcommand("schema", "Print the schema inferred from a CSV");
  cmd->add_option("--data", o->data_path, "CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--target", o->target, "Target column (read as categorical)");
  cmd->callback([o, &rc] { rc = SchemaCommand(*o); });
}

}  // namespace loanlens::cli
