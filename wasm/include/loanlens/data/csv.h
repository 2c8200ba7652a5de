#pragma once
/// \file
/// Streaming RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes ("") and newlines,
/// CRLF, LF or lone CR line ends, UTF-8 BOM, delimiter detected from the header line (',' ';' or
/// tab: the most frequent outside quotes; ',' when none occurs). Memory does not grow with file
/// size: records are handed out one at a time. Lenient where RFC 4180 is silent: a quote in the
/// middle of an unquoted field is kept literally, text after a closing quote is appended.
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

/// True when `token` (after trimming ASCII spaces) is one of `options.missing_tokens`.
bool IsMissingToken(std::string_view token, const CsvOptions& options);

/// `s` without leading and trailing ASCII spaces and tabs.
std::string_view TrimSpaces(std::string_view s);

/// One parsed record: its fields and the 1-based spreadsheet row where it starts (header = row 1).
/// Rows count physical lines, so a record after one with an embedded newline skips a number, as in
/// a text editor.
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t row = 0;
};

/**
 * Push parser: feed text in chunks of any size (a chunk may end inside a quoted field or between
 * the CR and LF of a line end); complete records are passed to the callback. This is what the
 * browser uses for streaming a File in slices, and what CsvReader uses over an istream.
 * The first record is the header. Blank lines are skipped (but counted in row numbers).
 * The first line is buffered until it is complete, to detect the delimiter (and strip a BOM).
 */
class CsvParser {
 public:
  using Callback = std::function<void(CsvRecord&&)>;
  explicit CsvParser(std::string source_name, CsvOptions options = {});
  /// Parses `chunk`; calls `on_record` for each record completed by it.
  void Feed(std::string_view chunk, const Callback& on_record);
  /// End of input: flushes the last record (a missing final newline is fine). Throws
  /// loanlens::Error for an unterminated quoted field.
  void Finish(const Callback& on_record);
  char Delimiter() const { return delimiter_; }
  const std::string& SourceName() const { return source_; }
  /// Bytes of buffer capacity currently held (field + header line buffers); stays about the size
  /// of the longest field, whatever the input size.
  std::size_t BufferCapacity() const { return field_.capacity() + header_line_.capacity(); }

 private:
  void Consume(char c, const Callback& on_record);
  void ConsumeText(std::string_view text, const Callback& on_record);
  void FinishHeaderLine(const Callback& on_record);
  void EndField();
  void EndRecord(const Callback& on_record);
  /// Throws loanlens::Error for a UTF-16 file (byte-order mark) or NUL bytes in the first line.
  void CheckEncoding(std::string_view first_line) const;
  /// Throws loanlens::Error naming row, column and the bytes when a field is not UTF-8 text.
  void CheckText(const CsvRecord& record);
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
  std::size_t line_ = 1;                   ///< current physical line (1-based)
  std::size_t record_start_ = 1;           ///< line where the current record began
  std::size_t field_start_ = 1;            ///< line where the current quoted field began
  bool header_done_ = false;               ///< the first line has been seen (delimiter known)
  bool header_quote_ = false;              ///< quote state while buffering the first line
  std::vector<std::string> header_names_;  ///< the first record (to name columns in errors)
};

/**
 * Pull reader over an istream: reads the header at construction (throws loanlens::Error naming the
 * file if it cannot be read, is empty, or its header has empty or duplicate names), then Next()
 * returns records one at a time. Reads blocks of kBlockSize bytes, so memory stays bounded.
 * Records are returned whatever their field count; InferSchema and ReadFrame report ragged rows.
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
  const CsvParser& Parser() const { return parser_; }
  /// Capacity of the records queued from one block (bounded by the block size).
  std::size_t QueueCapacity() const { return queue_.capacity(); }
  static constexpr std::size_t kBlockSize = 64 * 1024;

 private:
  bool Fill();
  std::string block_;
  std::istream& in_;
  CsvOptions options_;
  CsvParser parser_;
  std::vector<std::string> header_;
  std::vector<CsvRecord> queue_;
  std::size_t queue_pos_ = 0;
  bool eof_ = false;
};

/// Checks that header names are non-empty (after trimming) and unique; throws loanlens::Error
/// naming the file, `row`, and the offending columns (1-based). CsvReader calls it; a CsvParser
/// user (streaming in the browser) should call it on the first record.
void CheckHeader(const std::vector<std::string>& header, const std::string& source_name,
                 std::size_t row = 1, char delimiter = ',');

/// Writes one CSV line (RFC 4180 quoting where needed: delimiter, quote, CR or LF in a field).
std::string CsvLine(const std::vector<std::string>& fields, char delimiter = ',');

/// Formats a double so that it round-trips exactly: the first of "%.15g", "%.16g", "%.17g" that
/// reads back as the same double (integers print without ".0"); NaN is written as an empty field.
std::string FormatNumber(double v);

}  // namespace loanlens
