// The WebAssembly boundary: the only file that includes Emscripten headers. Every function takes
// and returns plain values (strings of JSON, numbers); engine errors come back as
// {"error": "message"} so the worker can turn them into JavaScript Errors with the message intact.
#include <emscripten/bind.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/bundle_summary.h"
#include "loanlens/data/csv_safe.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/decision/receipt.h"
#include "loanlens/error.h"
#include "loanlens/json_util.h"
#include "loanlens/review/batch_review.h"
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

/// {"error": message}. Invalid UTF-8 in the message (a parse error quotes the bytes it read, and
/// a PNG opened as a bundle starts with 0x89) is replaced by U+FFFD: a strict dump() would throw
/// again inside the handler, and that exception would reach JavaScript as a bare
/// WebAssembly.Exception with no message.
std::string ErrorReply(const char* message) {
  return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Runs `f`, which returns the reply text, turning any exception into {"error": ...}, so
/// nothing thrown ever crosses the boundary.
template <typename F>
std::string GuardText(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return ErrorReply(e.what());
  } catch (...) {
    return ErrorReply("internal error: unknown exception in the engine");
  }
}

/// Runs `f`, which returns a JSON reply: dumped with invalid UTF-8 replaced (GuardText).
template <typename F>
std::string Guard(F&& f) {
  return GuardText([&] { return f().dump(-1, ' ', false, json::error_handler_t::replace); });
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

/// Mean |SHAP| per original feature over the rows scored so far (explained batches only).
json MeanAbsShap(const Batch& batch) {
  const auto& names = GetBundle(batch.bundle).FeatureNames();
  const auto mean = batch.scorer->MeanAbsContributions();
  json out = json::object();
  for (std::size_t j = 0; j < names.size() && j < mean.size(); ++j) out[names[j]] = mean[j];
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

json ParseRecord(const std::string& record) {
  try {
    return json::parse(record);
  } catch (const json::parse_error& e) {
    throw loanlens::Error(std::string("record: not valid JSON (") + e.what() + ")");
  }
}

/// The decision for one applicant (ExplainRecord); without `explain` the SHAP values against the
/// training mean are left out (the decision, its reasons and points by feature stay).
std::string ScoreRecord(int handle, const std::string& record, bool explain) {
  return Guard([&] {
    const json r = loanlens::ParseJson(record, "record");  // depth-bounded
    json out = loanlens::ExplainRecord(GetBundle(handle), r, "applicant");
    if (!explain) out.erase("contributions");
    return out;
  });
}

/// The decision record (loanlens::Receipt) of one applicant, as `loanlens explain --receipt`.
std::string ReceiptJson(int handle, const std::string& record,
                        const std::string& applicant_reference, const std::string& bundle_name) {
  return Guard([&] {
    const loanlens::Bundle& b = GetBundle(handle);
    json decision = loanlens::ExplainRecord(b, ParseRecord(record), "applicant");
    loanlens::ReceiptHeader header;
    header.applicant_reference = applicant_reference;
    header.bundle_name = bundle_name;
    return loanlens::Receipt(b, decision, header);
  });
}

/// Returns the batch id, or 0 when `handle` names no loaded bundle (or the scorer cannot start).
int BatchOpen(int handle, bool explain, const std::string& source) {
  if (bundles.count(handle) == 0) return 0;
  try {
    const loanlens::Bundle& b = GetBundle(handle);
    const int id = next_handle++;
    batches[id] = Batch{handle, std::make_unique<loanlens::BatchScorer>(b, source, explain)};
    return id;
  } catch (...) {
    return 0;
  }
}

/// {"text": CSV lines} for `rows_json`, a JSON array of rows (arrays of strings): each line
/// through the engine's spreadsheet-safe rule (data/csv_safe.h) and ended by "\n". The page's
/// download is built from these, in slices of rows.
std::string CsvLines(const std::string& rows_json) {
  return Guard([&] {
    json rows;
    try {
      rows = json::parse(rows_json);
    } catch (const json::parse_error& e) {
      throw loanlens::Error(std::string("csv rows: not valid JSON (") + e.what() + ")");
    }
    if (!rows.is_array()) throw loanlens::Error("csv rows: expected an array of rows");
    std::string text;
    for (const auto& row : rows) {
      if (!row.is_array()) throw loanlens::Error("csv rows: a row is not an array of cells");
      text += loanlens::SafeCsvLine(row.get<std::vector<std::string>>());
      text += '\n';
    }
    return json{{"text", std::move(text)}};
  });
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
      if (batch.scorer->Explains()) out["summary"]["mean_abs_shap"] = MeanAbsShap(batch);
    } catch (...) {
      batches.erase(it);
      throw;
    }
    batches.erase(it);
    return out;
  });
}

void BatchClose(int id) { batches.erase(id); }

/// The output columns the page keeps compactly: {"numeric": [names], "text": [names]}.
struct KeptColumns {
  std::vector<std::string> numeric, text;
};

KeptColumns ParseKept(const std::string& keep_json) {
  const json keep = loanlens::ParseJson(keep_json, "kept columns");
  if (!keep.is_object() || !keep.contains("numeric") || !keep.contains("text"))
    throw loanlens::Error("kept columns: expected {\"numeric\": [names], \"text\": [names]}");
  return {keep.at("numeric").get<std::vector<std::string>>(),
          keep.at("text").get<std::vector<std::string>>()};
}

/// Positions in `header` of the names present, with their names.
std::vector<std::pair<std::string, std::size_t>> Positions(const std::vector<std::string>& names,
                                                           const std::vector<std::string>& header) {
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const auto& name : names)
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) out.emplace_back(name, c);
  return out;
}

/// True when `cell` is a JSON number token (-?int[.digits][(e|E)[+-]digits], int without a
/// leading zero), as the engine's numeric cells are (FormatNumber, data/csv.h: shortest
/// round-trip digits) except "" and "inf".
bool IsJsonNumber(const std::string& cell) {
  std::size_t i = 0;
  const std::size_t n = cell.size();
  auto digits = [&] {
    const std::size_t from = i;
    while (i < n && cell[i] >= '0' && cell[i] <= '9') ++i;
    return i > from;
  };
  if (i < n && cell[i] == '-') ++i;
  const std::size_t int_start = i;
  if (!digits() || (cell[int_start] == '0' && i - int_start > 1)) return false;
  if (i < n && cell[i] == '.' && (++i, !digits())) return false;
  if (i < n && (cell[i] == 'e' || cell[i] == 'E')) {
    ++i;
    if (i < n && (cell[i] == '+' || cell[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

/// The kept numeric columns as a JSON object {name: [number or null per row]}: each cell's own
/// digits as the number (null where the cell is not a number, as "" and "inf"), so JSON.parse
/// gives the very double Number(cell) gives, with no formatting or parsing here.
std::string NumericColumns(const std::vector<loanlens::ScoredRow>& rows,
                           const std::vector<std::pair<std::string, std::size_t>>& columns) {
  std::string out = "{";
  for (const auto& [name, c] : columns) {
    if (out.size() > 1) out += ',';
    out += json(name).dump(-1, ' ', false, json::error_handler_t::replace);
    out += ":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) out += ',';
      const std::string& cell = rows[i].cells[c];
      out += IsJsonNumber(cell) ? cell : "null";
    }
    out += ']';
  }
  return out + "}";
}

/// A text output column interned: {"table": distinct cells in first-seen order, "codes": the
/// index into table of each row's cell}.
json TextColumn(const std::vector<loanlens::ScoredRow>& rows, std::size_t c) {
  std::unordered_map<std::string, std::size_t> index;
  json table = json::array(), codes = json::array();
  for (const auto& r : rows) {
    const auto [it, added] = index.emplace(r.cells[c], index.size());
    if (added) table.push_back(r.cells[c]);
    codes.push_back(it->second);
  }
  return {{"table", std::move(table)}, {"codes", std::move(codes)}};
}

/// Like Drain, for the page's compact store. The reply is one line of JSON, then the scored
/// rows' output lines as `loanlens score` writes them (SafeCsvLine + "\n"), raw, to the end:
/// {"line_bytes": bytes per line, "rows": row numbers, "numeric": NumericColumns,
///  "text": {name: TextColumn}} for the kept columns present, "header_csv" (the header line)
/// once the header is known, and "header", "rejected", "warnings" as Drain. (JSON never holds
/// a raw newline, so the first one ends it; the lines stay out of it, unescaped.)
std::string DrainCsv(Batch& batch, const KeptColumns& keep, const json* summary = nullptr) {
  const std::vector<loanlens::ScoredRow> scored = batch.scorer->TakeRows();
  json out = Drain(batch);  // header, rejected, warnings (the rows are taken already)
  const auto& header = batch.scorer->OutputHeader();
  if (!header.empty()) out["header_csv"] = loanlens::SafeCsvLine(header) + "\n";
  std::string csv;
  json line_bytes = json::array(), row_numbers = json::array();
  for (const auto& r : scored) {
    const std::size_t before = csv.size();
    csv += loanlens::SafeCsvLine(r.cells);
    csv += '\n';
    line_bytes.push_back(csv.size() - before);
    row_numbers.push_back(r.row);
  }
  json text = json::object();
  for (const auto& [name, c] : Positions(keep.text, header)) text[name] = TextColumn(scored, c);
  out["line_bytes"] = std::move(line_bytes);
  out["rows"] = std::move(row_numbers);
  out["text"] = std::move(text);
  if (summary) out["summary"] = *summary;
  std::string reply = out.dump(-1, ' ', false, json::error_handler_t::replace);
  reply.pop_back();  // the object's closing brace: "numeric" goes in, written directly
  reply += ",\"numeric\":" + NumericColumns(scored, Positions(keep.numeric, header)) + "}\n";
  return reply + csv;
}

/// batchFeed with the reply of DrainCsv; `keep_json` names the kept columns (KeptColumns).
std::string BatchFeedCsv(int id, const std::string& chunk, const std::string& keep_json) {
  return GuardText([&] {
    auto it = batches.find(id);
    if (it == batches.end()) throw loanlens::Error("no batch with id " + std::to_string(id));
    const KeptColumns keep = ParseKept(keep_json);
    it->second.scorer->Feed(chunk);
    return DrainCsv(it->second, keep);
  });
}

/// batchFinish with the reply of DrainCsv plus "summary"; the batch is closed.
std::string BatchFinishCsv(int id, const std::string& keep_json) {
  return GuardText([&] {
    auto it = batches.find(id);
    if (it == batches.end()) throw loanlens::Error("no batch with id " + std::to_string(id));
    Batch batch = std::move(it->second);
    batches.erase(it);
    const KeptColumns keep = ParseKept(keep_json);
    batch.scorer->Finish();
    json summary = {{"rows_in", batch.scorer->RowsIn()},
                    {"scored", batch.scorer->RowsScored()},
                    {"rejected", batch.scorer->RowsRejected()}};
    if (batch.scorer->Explains()) summary["mean_abs_shap"] = MeanAbsShap(batch);
    return DrainCsv(batch, keep, &summary);
  });
}

/// Reviews (back-test, monitoring, fairness) of an uploaded file: one BatchReview per id.
std::map<int, std::unique_ptr<loanlens::BatchReview>> reviews;

loanlens::BatchReview& GetReview(int id) {
  auto it = reviews.find(id);
  if (it == reviews.end()) throw loanlens::Error("no review with id " + std::to_string(id));
  return *it->second;
}

/// options: {"attribute": column or "", "replicates": n, "seed": n}. Returns {"id"}.
std::string ReviewOpen(int handle, const std::string& options, const std::string& source) {
  return Guard([&] {
    const json o = json::parse(options);
    loanlens::ReviewOptions ro;
    ro.attribute = o.value("attribute", std::string());
    ro.backtest.bootstrap.replicates = o.value("replicates", ro.backtest.bootstrap.replicates);
    ro.backtest.bootstrap.seed = o.value("seed", ro.backtest.bootstrap.seed);
    ro.fairness.bootstrap = ro.backtest.bootstrap;
    const int id = next_handle++;
    reviews[id] = std::make_unique<loanlens::BatchReview>(GetBundle(handle), source, ro);
    return json{{"id", id}};
  });
}

std::string ReviewFeed(int id, const std::string& chunk) {
  return Guard([&] {
    GetReview(id).Feed(chunk);
    return json::object();
  });
}

/// Error of one report as {"error": message}, so that the others still reach the page.
template <typename F>
json Report(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return json{{"error", e.what()}};
  }
}

/// {"header","has_target","rows_in","scored","rejected","backtest" (null without the target),
///  "monitor","fairness" (null without an attribute)}; the review is closed.
std::string ReviewFinish(int id) {
  return Guard([&] {
    auto it = reviews.find(id);
    if (it == reviews.end()) throw loanlens::Error("no review with id " + std::to_string(id));
    std::unique_ptr<loanlens::BatchReview> r = std::move(it->second);
    reviews.erase(it);
    r->Finish();
    json out = {{"header", r->Header()},
                {"has_target", r->HasTarget()},
                {"rows_in", r->RowsIn()},
                {"scored", r->RowsScored()},
                {"rejected", r->RowsRejected()}};
    out["backtest"] = r->HasTarget() ? Report([&] { return r->BacktestReport(); }) : json(nullptr);
    out["monitor"] = Report([&] { return r->MonitorReport(); });
    out["fairness"] =
        r->HasAttribute() ? Report([&] { return r->FairnessReportJson(); }) : json(nullptr);
    return out;
  });
}

void ReviewClose(int id) { reviews.erase(id); }

}  // namespace

EMSCRIPTEN_BINDINGS(loanlens) {
  emscripten::function("version", &Version);
  emscripten::function("loadBundle", &LoadBundle);
  emscripten::function("unloadBundle", &UnloadBundle);
  emscripten::function("scoreRecord", &ScoreRecord);
  emscripten::function("receipt", &ReceiptJson);
  emscripten::function("batchOpen", &BatchOpen);
  emscripten::function("batchFeed", &BatchFeed);
  emscripten::function("batchFinish", &BatchFinish);
  emscripten::function("batchClose", &BatchClose);
  emscripten::function("batchFeedCsv", &BatchFeedCsv);
  emscripten::function("batchFinishCsv", &BatchFinishCsv);
  emscripten::function("csvLines", &CsvLines);
  emscripten::function("reviewOpen", &ReviewOpen);
  emscripten::function("reviewFeed", &ReviewFeed);
  emscripten::function("reviewFinish", &ReviewFinish);
  emscripten::function("reviewClose", &ReviewClose);
}
