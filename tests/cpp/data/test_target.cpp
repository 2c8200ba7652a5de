#include <doctest/doctest.h>

#include <cmath>

#include "data_test_util.h"
#include "loanlens/data/target.h"

using loanlens::CheckValidFraction;
using loanlens::CodeTarget;
using loanlens::DistinctTargetValues;
using loanlens::SameTargetValue;

TEST_CASE("SameTargetValue: text, or numbers as numbers") {
  CHECK(SameTargetValue("1", "1"));
  CHECK(SameTargetValue("1.0", "1"));
  CHECK(SameTargetValue("1e0", "1"));
  CHECK_FALSE(SameTargetValue("1", "2"));
  CHECK_FALSE(SameTargetValue("bad", "Bad"));
}

TEST_CASE("CodeTarget: two values, spellings merged, --positive matched as the data is") {
  SUBCASE("a 0/1 target in several spellings") {
    const auto c = CodeTarget({"0", "1", "1.0", "0.0"}, "", "f.csv", "y");
    CHECK(c.positive == "1");
    CHECK(c.negative == "0");
  }
  SUBCASE("--positive in another spelling, or with spaces") {
    CHECK(CodeTarget({"2", "1"}, "2.0", "f.csv", "y").positive == "2");
    CHECK(CodeTarget({"good", "bad"}, " bad ", "f.csv", "y").positive == "bad");
  }
  SUBCASE("errors name the file, the column and the values") {
    CHECK(data_test::ErrorOf([] {
            CodeTarget({"1", "2"}, "3", "f.csv", "y");
          }) ==
          "file 'f.csv', column 'y', value '3': --positive is not a value of the target; expected "
          "'1' or '2'");
    CHECK(data_test::ErrorOf([] {
            CodeTarget({"good", "bad"}, "", "f.csv", "y");
          }).find("--positive is required") != std::string::npos);
    CHECK(data_test::ErrorOf([] {
            CodeTarget({"0", "1", "2"}, "", "f.csv", "y");
          }).find("exactly two values, found 3: '0', '1', '2'") != std::string::npos);
    CHECK(data_test::ErrorOf([] {
            CodeTarget({"1", "1.0"}, "", "f.csv", "y");
          }).find("exactly two values, found 1") != std::string::npos);
  }
}

TEST_CASE("DistinctTargetValues: trimmed, missing tokens skipped, first occurrence order") {
  const loanlens::CsvOptions csv;
  CHECK(DistinctTargetValues({" 1", "0", "", "NA", "1", "0 "}, csv) ==
        std::vector<std::string>{"1", "0"});
}

TEST_CASE("CheckValidFraction: strictly between 0 and 1, never NaN") {
  CheckValidFraction(0.2);
  for (double bad : {0.0, 1.0, -0.1, std::nan(""), HUGE_VAL})
    CHECK(data_test::ErrorOf([bad] {
            CheckValidFraction(bad);
          }).find("--valid-fraction: expected a number strictly between 0 and 1") == 0);
}
