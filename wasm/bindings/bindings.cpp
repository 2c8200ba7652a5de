// The WebAssembly boundary: the only file that includes Emscripten headers. Every function takes
// and returns plain values (strings of JSON, numbers); engine errors come back as
// {"error": "message"} so the worker can turn them into JavaScript Errors with the message intact.
#include <emscripten/bind.h>

#include <map>
#include <memory>
#include <string>

#include "loanlens/bundle.h"
#include "loanlens/bundle_summary.h"
#include "loanlens/error.h"
#include "loanlens/scoring.h"
#include "loanlens/version.h"

namespace {

using nlohmann::json;

std::map<int, std::unique_ptr<loanlens::Bundle>> bundles;
struct Batch {
  int bundle = 0;
  std::unique_ptr<loanlens::BatchScorer> scorer;
};
std::map<int, Batch> batches;
int next_handle = 1;

/// Runs `f`, turning any exception into {"error": ...}.
template <typename F>
std::string Guard(F&& f) {
  try {
    return f().dump();
  } catch (const std::exception& e) {
    return json{{"error", e.what()}}.dump();
  }
}

const loanlens::Bundle& GetBundle(int handle) {
  auto it = bundles.find(handle);
  if (it == bundles.end())
    throw loanlens::Error("no bundle loaded with handle " + std::to_string(handle));
  return *it->second;
}

/// What the page needs to know about a bundle: everything but the model's parameters.
json Drain(Batch& batch) {
  json out = json::object();
  const auto& header = batch.scorer->OutputHeader();
  if (!header.empty()) out["header"] = header;
  json rows = json::array();
  for (auto& r : batch.scorer->TakeRows()) rows.push_back({{"row", r.row}, {"cells", r.cells}});
  json rejected = json::array();
  for (const auto& r : batch.scorer->TakeRejected())
    rejected.push_back({{"row", r.row}, {"reason", r.reason}});
  json warnings = json::array();
  for (const auto& w : batch.scorer->TakeWarnings())
    warnings.push_back(
        {{"row", w.row}, {"column", w.column}, {"value", w.value}, {"message", w.message}});
  out["rows"] = std::move(rows);
  out["rejected"] = std::move(rejected);
  out["warnings"] = std::move(warnings);
  return out;
}

std::string Version() { return loanlens::kEngineVersion; }

std::string LoadBundle(const std::string& text) {
  return Guard([&] {
    auto b = std::make_unique<loanlens::Bundle>(loanlens::Bundle::Parse(text, "bundle"));
    json info = loanlens::BundleSummary(*b);
    const int handle = next_handle++;
    bundles[handle] = std::move(b);
    return json{{"handle", handle}, {"info", std::move(info)}};
  });
}

void UnloadBundle(int handle) { bundles.erase(handle); }

std::string ScoreRecord(int handle, const std::string& record, bool explain) {
  return Guard([&] {
    const json r = loanlens::ParseRecord(record, "record");
    json out = loanlens::ExplainRecord(GetBundle(handle), r, "applicant");
    if (!explain) {
      out.erase("contributions");
      out.erase("reasons");
    }
    return out;
  });
}

/// Returns the batch id, or 0 when `handle` names no loaded bundle.
int BatchOpen(int handle, bool explain, const std::string& source) {
  if (bundles.count(handle) == 0) return 0;
  const loanlens::Bundle& b = GetBundle(handle);
  const int id = next_handle++;
  batches[id] = Batch{handle, std::make_unique<loanlens::BatchScorer>(b, source, explain)};
  return id;
}

std::string BatchFeed(int id, const std::string& chunk) {
  return Guard([&] {
    auto it = batches.find(id);
    if (it == batches.end()) throw loanlens::Error("no batch with id " + std::to_string(id));
    it->second.scorer->Feed(chunk);
    return Drain(it->second);
  });
}

std::string BatchFinish(int id) {
  return Guard([&] {
    auto it = batches.find(id);
    if (it == batches.end()) throw loanlens::Error("no batch with id " + std::to_string(id));
    Batch& batch = it->second;
    json out;
    try {
      batch.scorer->Finish();
      out = Drain(batch);
      out["summary"] = {{"rows_in", batch.scorer->RowsIn()},
                        {"scored", batch.scorer->RowsScored()},
                        {"rejected", batch.scorer->RowsRejected()}};
    } catch (...) {
      batches.erase(it);
      throw;
    }
    batches.erase(it);
    return out;
  });
}

void BatchClose(int id) { batches.erase(id); }

}  // namespace

EMSCRIPTEN_BINDINGS(loanlens) {
  emscripten::function("version", &Version);
  emscripten::function("loadBundle", &LoadBundle);
  emscripten::function("unloadBundle", &UnloadBundle);
  emscripten::function("scoreRecord", &ScoreRecord);
  emscripten::function("batchOpen", &BatchOpen);
  emscripten::function("batchFeed", &BatchFeed);
  emscripten::function("batchFinish", &BatchFinish);
  emscripten::function("batchClose", &BatchClose);
}
