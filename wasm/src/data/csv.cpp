#include "loanlens/data/csv.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "loanlens/error.h"
#include "loanlens/limits.h"

namespace loanlens {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
/// A field buffer that grew past this (one huge field) is released after the field ends.
constexpr std::size_t kMaxKeptFieldCapacity = 64 * 1024;

std::string_view StripBom(std::string_view s) {
  return s.substr(0, kBom.size()) == kBom ? s.substr(kBom.size()) : s;
}

/// The header line is scanned before the delimiter is known: a quote opens a quoted field only at
/// the start of a field (after a line end or any candidate delimiter) or right after a closing
/// quote (a doubled quote); elsewhere it is literal, as in the parser.
void HeaderQuoteStep(bool& quoted, char prev, char c) {
  if (c != '"') return;
  bool field_start =
      prev == 0 || prev == '\r' || prev == '\n' || prev == ',' || prev == ';' || prev == '\t';
  if (quoted || field_start || prev == '"') quoted = !quoted;
}

/// Longest first line buffered while looking for its end (a longer one means an open quote).
constexpr std::size_t kMaxHeaderLine = 1 << 20;

/// Most frequent of ',', ';', '\t' outside quotes in the header line; ',' when none occurs
/// (ties prefer ',' then ';').
char DetectDelimiter(std::string_view line) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  char prev = 0;
  for (char c : line) {
    HeaderQuoteStep(quoted, prev, c);
    prev = c;
    if (quoted || c == '"') continue;
    if (c == ',') ++comma;
    if (c == ';') ++semicolon;
    if (c == '\t') ++tab;
  }
  if (tab > comma && tab > semicolon) return '\t';
  if (semicolon > comma) return ';';
  return ',';
}

/// Offset of the first byte of `s` that is not part of a well-formed UTF-8 sequence (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF) or is NUL; npos when there is none.
std::size_t BadTextOffset(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;  // NUL, a continuation byte, 0xC0, 0xC1 or 0xF5..0xFF
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

/// `s` with bytes that are not printable ASCII written as \xNN (at most 80 bytes of it).
std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 80)) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return s.size() > 80 ? out + "... (" + std::to_string(s.size()) + " bytes)" : out;
}

std::string DelimiterName(char d) {
  if (d == '\t') return "tab";
  return std::string("'") + d + "'";
}

}  // namespace

std::string_view TrimSpaces(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool IsMissingToken(std::string_view token, const CsvOptions& options) {
  std::string_view t = TrimSpaces(token);
  for (const auto& m : options.missing_tokens)
    if (t == m) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// CsvParser
// ---------------------------------------------------------------------------------------------

CsvParser::CsvParser(std::string source_name, CsvOptions options)
    : source_(std::move(source_name)),
      options_(std::move(options)),
      delimiter_(options_.delimiter) {
  char d = options_.delimiter;
  if (d == '"' || d == '\r' || d == '\n')
    throw Error(Location{source_, 0, "", ""},
                "the delimiter cannot be a quote or a line break; use ',', ';' or tab");
}

void CsvParser::Feed(std::string_view chunk, const Callback& on_record) {
  std::size_t i = 0;
  // Buffer the first line (up to an unquoted line end after some content) to strip a BOM and
  // detect the delimiter before any field is split.
  while (!header_done_ && i < chunk.size()) {
    char c = chunk[i++];
    std::string_view seen = StripBom(header_line_);
    HeaderQuoteStep(header_quote_, seen.empty() ? 0 : seen.back(), c);
    header_line_ += c;
    if ((c == '\r' || c == '\n') && !header_quote_) {
      std::string_view content = StripBom(header_line_);
      if (content.find_first_not_of("\r\n") != std::string_view::npos) FinishHeaderLine(on_record);
    } else if (header_line_.size() > kMaxHeaderLine) {
      throw Error(Location{source_, 1, "", ""},
                  "the header line is longer than 1 MiB; is a quote '\"' in it never closed?");
    }
  }
  ConsumeText(chunk.substr(i), on_record);
}

void CsvParser::ConsumeText(std::string_view text, const Callback& on_record) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Fast path: a run of ordinary characters goes into the field at once; the state machine
    // sees only quotes, delimiters and line ends.
    if (!quote_pending_) {
      std::size_t j = i;
      if (in_quotes_) {
        while (j < text.size() && text[j] != '"' && text[j] != '\r' && text[j] != '\n') ++j;
      } else {
        while (j < text.size() && text[j] != delimiter_ && text[j] != '"' && text[j] != '\r' &&
               text[j] != '\n')
          ++j;
      }
      if (j > i) {
        field_.append(text.data() + i, j - i);
        after_cr_ = false;
        i = j;
        continue;
      }
    }
    Consume(text[i++], on_record);
  }
}

void CsvParser::FinishHeaderLine(const Callback& on_record) {
  header_done_ = true;
  bom_checked_ = true;
  std::string line = std::move(header_line_);
  header_line_ = std::string();  // release the buffer
  std::string_view text = StripBom(line);
  CheckEncoding(line);
  if (delimiter_ == 0) delimiter_ = DetectDelimiter(text);
  ConsumeText(text, on_record);
}

void CsvParser::Consume(char c, const Callback& on_record) {
  if (quote_pending_) {
    quote_pending_ = false;
    if (c == '"') {  // "" inside quotes: a literal quote
      field_ += '"';
      return;
    }
    in_quotes_ = false;  // the pending quote closed the field; handle c as unquoted
  }
  if (in_quotes_) {
    if (c == '"') {
      quote_pending_ = true;
      after_cr_ = false;
      return;
    }
    // Embedded line break: kept in the field, counted as a physical line (CRLF once).
    if (c == '\r') {
      ++line_;
      after_cr_ = true;
    } else if (c == '\n') {
      if (!after_cr_) ++line_;
      after_cr_ = false;
    } else {
      after_cr_ = false;
    }
    field_ += c;
    return;
  }
  if (c == '\n' && after_cr_) {  // LF of a CRLF already counted
    after_cr_ = false;
    return;
  }
  after_cr_ = false;
  if (c == delimiter_) {
    EndField();
    return;
  }
  if (c == '\r' || c == '\n') {
    EndRecord(on_record);
    after_cr_ = c == '\r';
    ++line_;
    record_start_ = line_;
    return;
  }
  if (c == '"' && field_.empty() && !field_was_quoted_) {
    in_quotes_ = true;
    field_was_quoted_ = true;
    field_start_ = line_;
    return;
  }
  field_ += c;
}

void CsvParser::EndField() {
  record_.fields.push_back(field_);
  field_.clear();
  if (field_.capacity() > kMaxKeptFieldCapacity) field_.shrink_to_fit();
  field_was_quoted_ = false;
}

void CsvParser::CheckEncoding(std::string_view first_line) const {
  const std::string_view head = first_line.substr(0, 2);
  if (head == "\xFF\xFE" || head == "\xFE\xFF")
    throw Error(Location{source_, 1, "", ""},
                std::string("is UTF-16 encoded (byte-order mark ") +
                    (head[0] == '\xFF' ? "FF FE" : "FE FF") +
                    "); save it as UTF-8 (in Excel: 'CSV UTF-8'), the only encoding read");
  if (first_line.find('\0') != std::string_view::npos)
    throw Error(Location{source_, 1, "", ""},
                "contains NUL bytes: is it UTF-16 text or not a text file at all? Save it as "
                "UTF-8 text (in Excel: 'CSV UTF-8')");
}

void CsvParser::CheckText(const CsvRecord& record) {
  const bool is_header = header_names_.empty();
  for (std::size_t j = 0; j < record.fields.size(); ++j) {
    const std::string& f = record.fields[j];
    const std::size_t bad = BadTextOffset(f);
    if (bad == std::string_view::npos) continue;
    const std::string column = !is_header && j < header_names_.size()
                                   ? header_names_[j]
                                   : "column " + std::to_string(j + 1);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(f[bad]));
    throw Error(Location{source_, record.row, column, Printable(f)},
                std::string(f[bad] == '\0' ? "contains a NUL byte" : "is not valid UTF-8") +
                    " (byte " + byte + " at offset " + std::to_string(bad) +
                    " of the cell); the file must be UTF-8 text (in Excel: save as 'CSV UTF-8'; "
                    "from Latin-1: iconv -f latin1 -t utf-8)");
  }
  if (is_header)
    header_names_ = record.fields.empty() ? std::vector<std::string>{""} : record.fields;
}

void CsvParser::EndRecord(const Callback& on_record) {
  // A line with nothing on it (not even "") is blank: skipped, but counted.
  if (record_.fields.empty() && field_.empty() && !field_was_quoted_) return;
  EndField();
  record_.row = record_start_;
  CheckText(record_);
  std::size_t width = record_.fields.size();
  CsvRecord done = std::move(record_);
  record_ = CsvRecord();
  record_.fields.reserve(width);
  on_record(std::move(done));
}

void CsvParser::Finish(const Callback& on_record) {
  if (!header_done_) FinishHeaderLine(on_record);
  if (quote_pending_) {  // a closing quote was the last character
    quote_pending_ = false;
    in_quotes_ = false;
  }
  if (in_quotes_) {
    throw Error(Location{source_, field_start_, "", ""},
                "field " + std::to_string(record_.fields.size() + 1) +
                    " opens a quote '\"' that is never closed (unterminated quoted field at end "
                    "of file)");
  }
  EndRecord(on_record);
  after_cr_ = false;
}

// ---------------------------------------------------------------------------------------------
// CsvReader
// ---------------------------------------------------------------------------------------------

CsvReader::CsvReader(std::istream& in, std::string source_name, CsvOptions options)
    : in_(in), options_(options), parser_(source_name, std::move(options)) {
  if (!in_) throw Error(Location{SourceName(), 0, "", ""}, "cannot be read");
  while (queue_.empty() && Fill()) {
  }
  if (queue_.empty())
    throw Error(Location{SourceName(), 0, "", ""}, "is empty; expected a header row");
  CsvRecord header = std::move(queue_[queue_pos_++]);
  header_ = std::move(header.fields);
  CheckHeader(header_, SourceName(), header.row, Delimiter());
}

void CheckHeader(const std::vector<std::string>& header, const std::string& source_name,
                 std::size_t row, char delimiter) {
  if (header.size() > kMaxColumns)
    throw Error(Location{source_name, row, "", ""},
                "has " + std::to_string(header.size()) + " columns; at most " +
                    std::to_string(kMaxColumns) + " are supported");
  // Every column needs a distinct, non-empty name.
  std::string empty, duplicate;
  std::map<std::string_view, std::size_t> first_seen;
  for (std::size_t j = 0; j < header.size(); ++j) {
    std::string_view name = TrimSpaces(header[j]);
    if (name.size() > kMaxNameBytes)
      throw Error(Location{source_name, row, "column " + std::to_string(j + 1), header[j]},
                  "a column name has at most " + std::to_string(kMaxNameBytes) + " bytes");
    if (name.empty()) {
      empty += (empty.empty() ? "" : ", ") + std::to_string(j + 1);
      continue;
    }
    auto [it, inserted] = first_seen.emplace(name, j);
    if (!inserted)
      duplicate += std::string(duplicate.empty() ? "" : ", ") + "'" + std::string(name) +
                   "' (columns " + std::to_string(it->second + 1) + " and " +
                   std::to_string(j + 1) + ")";
  }
  Location where{source_name, row, "", ""};
  if (!empty.empty())
    throw Error(where, "the header has empty column names at column(s) " + empty + " (delimiter " +
                           DelimiterName(delimiter) + "); every column needs a name");
  if (!duplicate.empty())
    throw Error(where, "the header has duplicate column names: " + duplicate +
                           "; column names must be unique");
}

bool CsvReader::Fill() {
  queue_.clear();
  queue_pos_ = 0;
  if (eof_) return false;
  auto push = [this](CsvRecord&& r) { queue_.push_back(std::move(r)); };
  block_.resize(kBlockSize);
  in_.read(block_.data(), static_cast<std::streamsize>(block_.size()));
  std::size_t got = static_cast<std::size_t>(in_.gcount());
  if (in_.bad()) throw Error(Location{SourceName(), 0, "", ""}, "read error");
  if (got > 0) parser_.Feed(std::string_view(block_.data(), got), push);
  if (got < block_.size()) {
    eof_ = true;
    parser_.Finish(push);
  }
  return true;
}

bool CsvReader::Next(CsvRecord& out) {
  while (queue_pos_ >= queue_.size()) {
    if (!Fill()) return false;
  }
  out = std::move(queue_[queue_pos_++]);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

std::string CsvLine(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (std::size_t j = 0; j < fields.size(); ++j) {
    if (j) out += delimiter;
    const std::string& f = fields[j];
    // A leading byte-order mark is quoted too: a reader strips it at the start of a file.
    bool quote = f.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string::npos ||
                 f.compare(0, kBom.size(), kBom) == 0;
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Grisu2 from nlohmann::json (the code json::dump uses): a representation that reads back as
  // exactly `v`, without printf/strtod, which are very slow in WebAssembly (software long double).
  char buf[64];
  char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
  if (end - buf > 2 && end[-2] == '.' && end[-1] == '0') end -= 2;  // "12.0" is written "12"
  return std::string(buf, end);
}

}  // namespace loanlens
