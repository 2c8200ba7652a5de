// Fuzz target: the CSV reader. The same bytes are parsed three ways: fed whole to CsvParser, fed
// in chunks cut at input-driven random boundaries (inside quotes, between CR and LF, inside a BOM
// ...), and pulled through CsvReader over an istream. All three must give the same records (fields
// and row numbers), the same delimiter and the same error. Every record is then written with
// CsvLine and must read back as the same fields.
//
// Input: byte 0 chooses the delimiter option (detect, ',', ';', tab) and seeds the chunking; the
// rest is the CSV text.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loanlens/data/csv.h"
#include "loanlens/error.h"

namespace {

using loanlens::CsvParser;
using loanlens::CsvRecord;

struct Parsed {
  std::vector<CsvRecord> records;
  std::string error;  ///< loanlens::Error message, empty if none
  char delimiter = 0;
};

bool SameRecords(const Parsed& a, const Parsed& b) {
  if (a.records.size() != b.records.size() || a.error != b.error) return false;
  for (std::size_t i = 0; i < a.records.size(); ++i)
    if (a.records[i].fields != b.records[i].fields || a.records[i].row != b.records[i].row)
      return false;
  return true;
}

std::string Describe(const Parsed& p) {
  std::string s = std::to_string(p.records.size()) + " records";
  if (!p.records.empty()) s += ", last at row " + std::to_string(p.records.back().row);
  return s + ", error '" + p.error + "'";
}

/// Feeds `text` in pieces whose ends are drawn by `rng` (`cuts` == 0: one piece).
Parsed ParseChunked(std::string_view text, const loanlens::CsvOptions& options,
                    loanlens::fuzz::Rng* rng) {
  Parsed out;
  CsvParser parser("fuzz.csv", options);
  auto collect = [&out](CsvRecord&& r) { out.records.push_back(std::move(r)); };
  try {
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t n = text.size() - pos;
      // Mostly tiny pieces (1-3 bytes hit every state boundary), sometimes longer ones.
      if (rng) n = std::min(n, rng->Below(4) == 0 ? 1 + rng->Below(64) : 1 + rng->Below(3));
      parser.Feed(text.substr(pos, n), collect);
      pos += n;
    }
    parser.Finish(collect);
  } catch (const loanlens::Error& e) {
    out.error = e.what();
  }
  out.delimiter = parser.Delimiter();
  return out;
}

/// The pull reader: header at construction (CheckHeader errors are its own), then Next().
Parsed ParseWithReader(const std::string& text, const loanlens::CsvOptions& options,
                       bool* header_error) {
  Parsed out;
  std::istringstream in(text);
  *header_error = false;
  try {
    loanlens::CsvReader reader(in, "fuzz.csv", options);
    out.delimiter = reader.Delimiter();
    CsvRecord r;
    while (reader.Next(r)) out.records.push_back(r);
  } catch (const loanlens::Error& e) {
    out.error = e.what();
    *header_error = out.records.empty();
  }
  return out;
}

/// CsvLine must quote whatever needs it: the line reads back as the same fields.
void CheckRoundTrip(const CsvRecord& record, char delimiter) {
  // A record of one empty field is written as an empty line, which the reader skips; and a
  // first line is where the delimiter is detected, so the check forces the delimiter.
  if (record.fields.size() == 1 && record.fields[0].empty()) return;
  loanlens::CsvOptions options;
  options.delimiter = delimiter;
  CsvParser parser("roundtrip.csv", options);
  std::vector<CsvRecord> back;
  auto collect = [&back](CsvRecord&& r) { back.push_back(std::move(r)); };
  const std::string line = loanlens::CsvLine(record.fields, delimiter);
  parser.Feed(line + "\n", collect);
  parser.Finish(collect);
  if (back.size() != 1 || back[0].fields != record.fields)
    loanlens::fuzz::Finding("CsvLine output does not read back as the same fields: " + line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char kDelimiters[] = {0, ',', ';', '\t'};
  loanlens::CsvOptions options;
  options.delimiter = kDelimiters[data[0] % 4];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  loanlens::fuzz::Rng rng{loanlens::fuzz::HashBytes(text) ^ data[0]};

  const Parsed whole = ParseChunked(text, options, nullptr);
  const Parsed chunked = ParseChunked(text, options, &rng);
  if (!SameRecords(whole, chunked) || whole.delimiter != chunked.delimiter)
    loanlens::fuzz::Finding("whole input (" + Describe(whole) + ") and chunked input (" +
                            Describe(chunked) + ") differ");
  bool header_error = false;
  const Parsed pulled = ParseWithReader(text, options, &header_error);
  if (!header_error) {
    // CsvReader hands out the records after the header; its errors are the parser's.
    Parsed expected = whole;
    if (!expected.records.empty()) expected.records.erase(expected.records.begin());
    if (!SameRecords(expected, pulled))
      loanlens::fuzz::Finding("CsvReader (" + Describe(pulled) + ") and CsvParser (" +
                              Describe(expected) + ") differ");
  }
  for (const CsvRecord& r : whole.records) CheckRoundTrip(r, whole.delimiter);
  return 0;
}
