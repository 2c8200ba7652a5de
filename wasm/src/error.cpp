#include "loanlens/error.h"

namespace loanlens {

std::string Abbreviate(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // continuation
  return std::string(s.substr(0, cut)) + "... (" + std::to_string(s.size()) + " bytes)";
}

std::string FormatLocation(const Location& where) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ", ";
    out += part;
  };
  if (!where.file.empty()) add("file '" + where.file + "'");
  if (where.row != 0) add("row " + std::to_string(where.row));
  if (!where.column.empty()) add("column '" + where.column + "'");
  if (!where.value.empty() || !where.column.empty()) add("value '" + Abbreviate(where.value) + "'");
  return out;
}

Error::Error(const Location& where, const std::string& what)
    : std::runtime_error(FormatLocation(where).empty() ? what
                                                       : FormatLocation(where) + ": " + what),
      where(where) {}

}  // namespace loanlens
