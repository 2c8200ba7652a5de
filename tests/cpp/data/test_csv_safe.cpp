#include <doctest/doctest.h>

#include "loanlens/data/csv.h"
#include "loanlens/data/csv_safe.h"

using loanlens::IsPlainNumber;
using loanlens::SafeCsvLine;
using loanlens::SpreadsheetSafe;

TEST_CASE("IsPlainNumber: signed decimals and exponents only") {
  for (const char* s : {"0", "-0.5", "+3", "1.", ".5", "-.5", "1e5", "-4.5e-05", "2E+10", "123"})
    CHECK_MESSAGE(IsPlainNumber(s), s);
  for (const char* s : {"", "-", "+", ".", "-.", "1e", "1e+", "-1,234", "-inf", "inf", "nan", " 1",
                        "1 ", "-2+3", "+A1", "1.2.3", "0x10", "--1", "=1"})
    CHECK_MESSAGE(!IsPlainNumber(s), s);
}

TEST_CASE("SpreadsheetSafe: OWASP's six leading characters get a quote, plain numbers do not") {
  SUBCASE("formulas and their carriers") {
    CHECK(SpreadsheetSafe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    CHECK(SpreadsheetSafe("+SUM(A1:A2)") == "'+SUM(A1:A2)");
    CHECK(SpreadsheetSafe("-2+3") == "'-2+3");
    CHECK(SpreadsheetSafe("@SUM(1,2)") == "'@SUM(1,2)");
    CHECK(SpreadsheetSafe("\t=1") == "'\t=1");
    CHECK(SpreadsheetSafe("\r=1") == "'\r=1");
    CHECK(SpreadsheetSafe("-") == "'-");
    CHECK(SpreadsheetSafe("-inf") == "'-inf");
    CHECK(SpreadsheetSafe("-1,234") == "'-1,234");
  }
  SUBCASE("numbers and ordinary text are unchanged") {
    for (const char* s : {"-1.23", "+5", "-4.5e-05", "0", "", "abc", " =1", "a=b", "'=x", "1-2"})
      CHECK(SpreadsheetSafe(s) == s);
  }
}

TEST_CASE("SafeCsvLine: neutralise, then quote as RFC 4180 requires; parses back to safe cells") {
  const std::vector<std::string> fields = {"=HYPERLINK(\"http://x\",\"y\")", "-0.5", "a,b", "\r@x"};
  const std::string line = SafeCsvLine(fields);
  CHECK(line == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-0.5,\"a,b\",\"'\r@x\"");
  loanlens::CsvParser parser("t.csv");
  std::vector<loanlens::CsvRecord> got;
  auto keep = [&got](loanlens::CsvRecord&& r) { got.push_back(std::move(r)); };
  parser.Feed("h1,h2,h3,h4\n" + line + "\n", keep);
  parser.Finish(keep);
  REQUIRE(got.size() == 2);
  CHECK(got[1].fields ==
        std::vector<std::string>{"'=HYPERLINK(\"http://x\",\"y\")", "-0.5", "a,b", "'\r@x"});
}
