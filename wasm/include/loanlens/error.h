#pragma once
/// \file
/// The one error type of the engine. Every failure a user can cause (bad CSV, bad bundle, bad
/// parameter) is reported as a loanlens::Error whose message names what is wrong and where.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loanlens {

/// Where a problem was found. Empty / zero fields are left out of the message.
struct Location {
  std::string file;     ///< file or source name ("german_credit.csv", "bundle", "--row")
  std::size_t row = 0;  ///< 1-based row as a spreadsheet shows it (the header is row 1); 0 = none
  std::string column;   ///< column / feature / JSON key
  std::string value;    ///< the offending value as read
};

struct Error : std::runtime_error {
  /** \param what what is wrong and what was expected, e.g. "expected a number" */
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  Error(const Location& where, const std::string& what);
  Location where;
};

/// At most `max_bytes` bytes of `s` (cut on a UTF-8 character boundary), followed by
/// "... (N bytes)" when cut: messages and warnings never carry a whole 10 MB cell.
std::string Abbreviate(std::string_view s, std::size_t max_bytes = 80);

/// "file 'x.csv', row 12, column 'age', value 'abc': expected a number"
std::string FormatLocation(const Location& where);

}  // namespace loanlens
