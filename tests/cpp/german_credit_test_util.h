#pragma once
// The logistic bundle trained on German credit with default options, shared by the bundle,
// pipeline and scoring tests (trained once per test run; they compare against the same object).
#include <sstream>
#include <string>

#include "loanlens/bundle.h"
#include "loanlens/data/frame.h"
#include "loanlens/file.h"
#include "loanlens/pipeline.h"

namespace loanlens::test {

/// Training options: models/data/german_credit.csv, target `class`, bad = "2", all defaults.
inline TrainOptions GermanCredit() {
  TrainOptions o;
  o.data_path = std::string(LOANLENS_SOURCE_DIR) + "/models/data/german_credit.csv";
  o.target = "class";
  o.positive = "2";
  return o;
}

/// TrainBundle(GermanCredit()), trained once.
inline const Bundle& GermanCreditBundle() {
  static const Bundle b = TrainBundle(GermanCredit());
  return b;
}

/// All 1,000 rows of german_credit.csv parsed with the bundle's schema.
inline Frame ReadGermanCredit(const Bundle& b) {
  std::istringstream in(ReadFile(GermanCredit().data_path));
  CsvReader reader(in, "german_credit.csv");
  ReadOptions ro;
  return ReadFrame(reader, b.GetSchema(), ro).frame;
}

}  // namespace loanlens::test
