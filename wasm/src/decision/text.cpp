#include "loanlens/decision/text.h"

#include <cmath>
#include <cstdio>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"

namespace loanlens {

std::string Label(const ColumnSpec& c) { return c.description.empty() ? c.name : c.description; }

std::string Rounded(double v, int digits) {
  if (!std::isfinite(v)) return std::isnan(v) ? "n/a" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string Quoted(const std::string& text) {
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return text.substr(0, cut) + "…";
}

std::string ValueText(const ColumnSpec& c, double raw) {
  if (std::isnan(raw)) return "";
  if (c.type == ColumnType::kCategorical) {
    if (raw == kUnseenLevel) return "(other)";
    const auto code = static_cast<std::size_t>(raw);
    return code < c.categories.size() ? c.categories[code] : "(other)";
  }
  if (c.type == ColumnType::kBoolean && c.categories.size() == 2) return c.categories[raw != 0];
  return Rounded(raw, 4);
}

}  // namespace loanlens
