#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "data_test_util.h"
#include "loanlens/data/frame.h"
#include "loanlens/error.h"

using loanlens::ColumnType;
using loanlens::CsvReader;
using loanlens::ReadFrame;
using loanlens::ReadOptions;
using loanlens::Role;
using loanlens::Schema;

namespace {

using data_test::ErrorOf;

/// Schema fitted on a small training table: age numeric, home categorical {own, rent},
/// member boolean {no, yes}, sex protected, id, y target.
Schema TrainingSchema() {
  std::istringstream in(
      "id,age,home,member,sex,y\n"
      "a1,30,own,yes,f,1\n"
      "a2,41,rent,no,m,0\n"
      "a3,25,own,no,f,0\n");
  CsvReader reader(in, "train.csv");
  Schema s = loanlens::InferSchema(reader);
  s.Find("id")->role = Role::kId;
  s.Find("sex")->role = Role::kProtected;
  s.Find("y")->role = Role::kTarget;
  return s;
}

loanlens::ReadResult Read(const std::string& text, const Schema& schema, ReadOptions options) {
  std::istringstream in(text);
  CsvReader reader(in, "test.csv");
  return ReadFrame(reader, schema, options);
}

ReadOptions TargetOptions(bool skip = false) {
  ReadOptions o;
  o.target = "y";
  o.positive = "1";
  o.negatives = {"0"};
  o.skip_bad_rows = skip;
  return o;
}

}  // namespace

TEST_CASE("ReadFrame parses features, target, ids and protected columns") {
  Schema schema = TrainingSchema();
  REQUIRE(schema.Find("home")->categories == std::vector<std::string>{"own", "rent"});
  REQUIRE(schema.Find("member")->type == ColumnType::kBoolean);
  // Columns in a different order than training, with an extra column.
  auto r = Read(
      "y,extra,sex,member,home,age,id\n"
      "0,z,m,YES,rent,33.5,b1\n"
      "1,z,f,no,own,NA,b2\n"
      "1.0,z,f,,castle, 1e2 ,b3\n",
      schema, TargetOptions());
  const auto& f = r.frame;
  CHECK(f.feature_names == std::vector<std::string>{"age", "home", "member"});
  REQUIRE(f.num_rows == 3);
  CHECK(r.rows_read == 3);
  CHECK(f.Row(0)[0] == 33.5);
  CHECK(f.Row(0)[1] == 1);  // rent
  CHECK(f.Row(0)[2] == 1);  // YES
  CHECK(std::isnan(f.Row(1)[0]));
  CHECK(f.Row(1)[1] == 0);  // own
  CHECK(f.Row(1)[2] == 0);
  CHECK(f.Row(2)[0] == 100);
  CHECK(f.Row(2)[1] == loanlens::kUnseenLevel);
  CHECK(std::isnan(f.Row(2)[2]));
  CHECK(f.target == std::vector<double>{0, 1, 1});  // "1.0" matches positive "1"
  CHECK(f.source_rows == std::vector<std::size_t>{2, 3, 4});
  CHECK(f.ids == std::vector<std::string>{"b1", "b2", "b3"});
  REQUIRE(f.protected_columns.size() == 1);
  CHECK(f.protected_columns[0].first == "sex");
  CHECK(f.protected_columns[0].second == std::vector<std::string>{"m", "f", "f"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].row == 4);
  CHECK(r.warnings[0].column == "home");
  CHECK(r.warnings[0].value == "castle");

  SUBCASE("scoring: no target, no id or protected column in the file") {
    ReadOptions score;
    auto s = Read("age,home,member\n50,own,no\n", schema, score);
    CHECK(s.frame.num_rows == 1);
    CHECK(s.frame.target.empty());
    CHECK(s.frame.ids.empty());
    CHECK(s.frame.protected_columns.empty());
  }
}

TEST_CASE("ReadFrame errors name file, row, column and value") {
  Schema schema = TrainingSchema();
  const std::string header = "id,age,home,member,sex,y\n";
  CHECK(ErrorOf([&] {
          Read(header + "a,30,own,yes,f,1\nb,12abc,own,yes,f,0\n", schema, TargetOptions());
        }) ==
        "file 'test.csv', row 3, column 'age', value '12abc': expected a number (digits with an "
        "optional sign, '.' decimal point and exponent; no thousands separators)");
  CHECK(ErrorOf([&] {
          Read(header + "a,\"1,000\",own,yes,f,1\n", schema, TargetOptions());
        }).find("row 2, column 'age', value '1,000': expected a number") != std::string::npos);
  CHECK(ErrorOf([&] { Read(header + "a,30,own,maybe,f,1\n", schema, TargetOptions()); }) ==
        "file 'test.csv', row 2, column 'member', value 'maybe': expected a boolean such as "
        "'no'/'yes' (1/0, true/false, yes/no, y/n, t/f)");
  CHECK(ErrorOf([&] {
          Read(header + "a,30,own,yes,f,1\n\nb,31,own,yes,f\n", schema, TargetOptions());
        }) == "file 'test.csv', row 4: expected 6 fields (as in the header), got 5");
  SUBCASE("unknown and missing target values") {
    ReadOptions german;
    german.target = "y";
    german.positive = "2";
    german.negatives = {"1"};
    CHECK(ErrorOf([&] { Read(header + "a,30,own,yes,f,2\nb,30,own,yes,f,3\n", schema, german); }) ==
          "file 'test.csv', row 3, column 'y', value '3': unknown target value '3'; expected '2' "
          "(positive) or one of '1'");
    CHECK(ErrorOf([&] { Read(header + "a,30,own,yes,f,\n", schema, german); }) ==
          "file 'test.csv', row 2, column 'y', value '': missing target value; expected '2' "
          "(positive) or one of '1'");
    german.negatives.clear();
    auto any = Read(header + "a,30,own,yes,f,2\nb,30,own,yes,f,3\n", schema, german);
    CHECK(any.frame.target == std::vector<double>{1, 0});
  }
  SUBCASE("missing columns are listed together") {
    CHECK(ErrorOf([&] { Read("id,member,sex\nx,yes,f\n", schema, TargetOptions()); }) ==
          "file 'test.csv': missing required columns 'age' (feature), 'home' (feature), 'y' "
          "(target); the header has 3 columns");
    CHECK(ErrorOf([&] { Read("age,home,member\n1,own,no\n", schema, TargetOptions()); }) ==
          "file 'test.csv': missing required column 'y' (target); the header has 3 columns");
    CHECK(ErrorOf([&] {
            std::vector<std::string> h{"age", "member"};
            loanlens::RowParser p(schema, h, "x.csv");
          }) == "file 'x.csv': missing required column 'home' (feature); the header has 2 columns");
  }
  SUBCASE("the target cannot also be a feature") {
    ReadOptions o = TargetOptions();
    o.target = "age";
    CHECK(ErrorOf([&] { Read(header, schema, o); }).find("column 'age'") != std::string::npos);
  }
}

TEST_CASE("ReadFrame with skip_bad_rows keeps going and accounts for every row") {
  Schema schema = TrainingSchema();
  auto r = Read(
      "id,age,home,member,sex,y\n"
      "a,30,own,yes,f,1\n"
      "b,abc,own,yes,f,0\n"
      "c,31,own,yes,f,7\n"
      "d,32,own,yes\n"
      "e,33,mansion,no,m,0\n"
      "f,34,rent,no,m,\n",
      schema, TargetOptions(true));
  CHECK(r.rows_read == 6);
  CHECK(r.frame.num_rows == 2);
  CHECK(r.rows_read == r.frame.num_rows + r.rejected.size());
  CHECK(r.frame.ids == std::vector<std::string>{"a", "e"});
  CHECK(r.frame.source_rows == std::vector<std::size_t>{2, 6});
  CHECK(r.frame.values.size() == 6);
  REQUIRE(r.rejected.size() == 4);
  CHECK(r.rejected[0].row == 3);
  CHECK(r.rejected[0].reason.find("column 'age', value 'abc': expected a number") !=
        std::string::npos);
  CHECK(r.rejected[1].reason ==
        "file 'test.csv', row 4, column 'y', value '7': unknown target value '7'; expected '1' "
        "(positive) or one of '0'");
  CHECK(r.rejected[2].reason ==
        "file 'test.csv', row 5: expected 6 fields (as in the header), got 4");
  CHECK(r.rejected[3].row == 7);
  REQUIRE(r.warnings.size() == 1);  // only from kept rows
  CHECK(r.warnings[0].value == "mansion");
}

TEST_CASE("RowParser::ParseCell parses one value (explain --row, browser form)") {
  Schema schema = TrainingSchema();
  loanlens::RowParser p(schema, {"id", "age", "home", "member", "sex", "y"}, "--row");
  CHECK(p.NumFeatures() == 3);
  CHECK(p.IdIndex() == 0);
  CHECK(p.TargetIndex() == 5);
  CHECK(p.ParseCell(0, "7", 0, nullptr) == 7);
  CHECK(p.ParseCell(1, "rent", 0, nullptr) == 1);
  CHECK(p.ParseCell(1, "boat", 0, nullptr) == loanlens::kUnseenLevel);
  CHECK(std::isnan(p.ParseCell(2, "?", 0, nullptr)));
  CHECK(ErrorOf([&] { p.ParseCell(0, "x", 0, nullptr); }).rfind("file '--row', column 'age'", 0) ==
        0);
  SUBCASE("a 10 MB cell is quoted with at most 80 bytes in warnings and errors") {
    const std::string huge(10000000, 'z');
    std::vector<loanlens::RowWarning> warnings;
    CHECK(p.ParseCell(1, huge, 3, &warnings) == loanlens::kUnseenLevel);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].value == std::string(80, 'z') + "... (10000000 bytes)");
    CHECK(ErrorOf([&] { p.ParseCell(0, huge, 3, nullptr); }).size() < 300);
  }
}

TEST_CASE("ReadFrame on german_credit.csv") {
  std::ifstream in(LOANLENS_SOURCE_DIR "/models/data/german_credit.csv", std::ios::binary);
  REQUIRE(in);
  CsvReader reader(in, "german_credit.csv");
  Schema schema = loanlens::InferSchema(reader);
  schema.Find("class")->role = Role::kTarget;
  in.clear();
  in.seekg(0);
  CsvReader again(in, "german_credit.csv");
  ReadOptions o;
  o.target = "class";
  o.positive = "2";
  o.negatives = {"1"};
  auto r = ReadFrame(again, schema, o);
  CHECK(r.frame.num_rows == 1000);
  CHECK(r.frame.feature_names.size() == 20);
  CHECK(r.rejected.empty());
  CHECK(r.warnings.empty());
  double positives = 0;
  for (double y : r.frame.target) positives += y;
  CHECK(positives == 300);  // README: 300 bad
  CHECK(r.frame.source_rows.back() == 1001);
  // First data row: checking '< 0 DM', duration 6, credit amount 1169.
  std::size_t duration = 1, amount = 4;
  CHECK(r.frame.feature_names[duration] == "duration_months");
  CHECK(r.frame.Row(0)[duration] == 6);
  CHECK(r.frame.Row(0)[amount] == 1169);
}
