#include <doctest/doctest.h>

#include "loanlens/error.h"

TEST_CASE("Error names file, row, column and value") {
  loanlens::Error e({"x.csv", 12, "age", "abc"}, "expected a number");
  CHECK(std::string(e.what()) ==
        "file 'x.csv', row 12, column 'age', value 'abc': expected a number");
  CHECK(e.where.row == 12);
  SUBCASE("without a location the message is unchanged") {
    CHECK(std::string(loanlens::Error("plain").what()) == "plain");
  }
}

TEST_CASE("Abbreviate keeps messages short and cuts on a UTF-8 boundary") {
  using loanlens::Abbreviate;
  CHECK(Abbreviate("short") == "short");
  const std::string big(10000000, 'x');
  CHECK(Abbreviate(big) == std::string(80, 'x') + "... (10000000 bytes)");
  // 79 ASCII bytes then a 2-byte 'é': the cut falls inside it and moves before it.
  const std::string s = std::string(79, 'a') + "\xC3\xA9" + "tail";
  CHECK(Abbreviate(s) == std::string(79, 'a') + "... (85 bytes)");
  const loanlens::Error e(loanlens::Location{"f.csv", 3, "c", big}, "bad");
  CHECK(std::string(e.what()).size() < 200);
}
