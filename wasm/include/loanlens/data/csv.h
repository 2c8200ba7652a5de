#pragma once
/// \file
/// Streaming RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes ("") and newlines,
/// CRLF or LF, UTF-8 BOM, delimiter detected from the header line (',' ';' or tab). Memory does not
/// grow with file size: records are handed out one at a time.
#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace loanlens {

struct CsvOptions {
  char delimiter = 0;  ///< 0 = detect from the header line
  /// Tokens read as "missing" (compared after trimming ASCII spaces, case-sensitive).
  std::vector<std::string> missing_tokens = {"", "NA", "N/A", "NaN", "NULL", "?"};
};

/// True when `token` is one of `options.missing_tokens`.
bool IsMissingToken(std::string_view token, const CsvOptions& options);

/// One parsed record: its fields and the 1-based spreadsheet row where it starts (header = row 1).
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t row = 0;
};

/**
 * Push parser: feed text in chunks of any size (a chunk may end inside a quoted field or between
 * the CR and LF of a line end); complete records are passed to the callback. This is what the
 * browser uses for streaming a File in slices, and what CsvReader uses over an istream.
 * The first record is the header. Blank lines are skipped (but counted in row numbers).
 */
class CsvParser {
 public:
  using Callback = std::function<void(CsvRecord&&)>;
  explicit CsvParser(std::string source_name, CsvOptions options = {});
  /// Parses `chunk`; calls `on_record` for each record completed by it.
  void Feed(std::string_view chunk, const Callback& on_record);
  /// End of input: flushes the last record (a missing final newline is fine). Throws loanlens::Error
  /// for an unterminated quoted field.
  void Finish(const Callback& on_record);
  char Delimiter() const { return delimiter_; }
  const std::string& SourceName() const { return source_; }

 private:
  void EndField();
  void EndRecord(const Callback& on_record);
  std::string source_;
  CsvOptions options_;
  char delimiter_ = 0;
  bool bom_checked_ = false;
  bool in_quotes_ = false;
  bool quote_pending_ = false;  ///< saw '"' inside quotes; next char decides: '"' escape or end
  bool field_was_quoted_ = false;
  bool after_cr_ = false;
  std::string header_line_;  ///< raw first line, buffered until the delimiter is known
  std::string field_;
  CsvRecord record_;
  std::size_t line_ = 1;         ///< current physical line (1-based)
  std::size_t record_start_ = 1;  ///< line where the current record began
};

/**
 * Pull reader over an istream: reads the header at construction (throws loanlens::Error naming the
 * file if it is empty or has no header), then Next() returns records one at a time.
 * A record whose field count differs from the header's is reported as a loanlens::Error with
 * Location{file,row} only if `strict` is true; otherwise it is returned and the caller decides.
 */
class CsvReader {
 public:
  CsvReader(std::istream& in, std::string source_name, CsvOptions options = {});
  const std::vector<std::string>& Header() const { return header_; }
  char Delimiter() const { return parser_.Delimiter(); }
  const CsvOptions& Options() const { return options_; }
  const std::string& SourceName() const { return parser_.SourceName(); }
  /// Next record into `out`; false at end of input.
  bool Next(CsvRecord& out);

 private:
  bool Fill();
  std::istream& in_;
  CsvOptions options_;
  CsvParser parser_;
  std::vector<std::string> header_;
  std::vector<CsvRecord> queue_;
  std::size_t queue_pos_ = 0;
  bool eof_ = false;
};

/// Writes one CSV line (RFC 4180 quoting where needed: delimiter, quote, CR or LF in a field).
std::string CsvLine(const std::vector<std::string>& fields, char delimiter = ',');

/// Formats a double so that it round-trips exactly (shortest "%.17g"-style representation);
/// NaN is written as an empty field.
std::string FormatNumber(double v);

}  // namespace loanlens
