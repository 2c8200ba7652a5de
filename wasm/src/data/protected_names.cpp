#include "loanlens/data/protected_names.h"

#include <cctype>

#include "loanlens/data/schema.h"

namespace loanlens {

bool IsDefaultProtected(const std::string& column_name) {
  const std::string n = AsciiLower(column_name);
  for (const char* word : {"sex", "gender", "marital", "marriage", "personal_status", "race",
                           "ethnic", "religion", "national", "foreign", "age"}) {
    const std::string w = word;
    const auto pos = n.find(w);
    if (pos == std::string::npos) continue;
    // "age" only as a whole word ("age", "age_years", "person_age"), not "mortgage" or "page".
    const bool start = pos == 0 || !std::isalpha(static_cast<unsigned char>(n[pos - 1]));
    const bool end =
        pos + w.size() == n.size() || !std::isalpha(static_cast<unsigned char>(n[pos + w.size()]));
    if (w != "age" || (start && end)) return true;
  }
  return false;
}

}  // namespace loanlens
