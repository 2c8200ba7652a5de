#include "loanlens/data/csv_safe.h"

#include "loanlens/data/csv.h"

namespace loanlens {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Advances `i` over digits; returns how many there were.
std::size_t Digits(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i - start;
}

}  // namespace

bool IsPlainNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::size_t int_digits = Digits(s, i);
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = Digits(s, i);
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (Digits(s, i) == 0) return false;
  }
  return i == s.size();
}

std::string SpreadsheetSafe(std::string_view cell) {
  if (cell.empty()) return std::string();
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      if (!IsPlainNumber(cell)) return "'" + std::string(cell);
      break;
    default:
      break;
  }
  return std::string(cell);
}

std::string SafeCsvLine(const std::vector<std::string>& fields, char delimiter) {
  std::vector<std::string> safe;
  safe.reserve(fields.size());
  for (const auto& f : fields) safe.push_back(SpreadsheetSafe(f));
  return CsvLine(safe, delimiter);
}

}  // namespace loanlens
