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
