#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "data_test_util.h"
#include "loanlens/data/schema.h"
#include "loanlens/error.h"

using loanlens::ColumnType;
using loanlens::CsvReader;
using loanlens::InferSchema;
using loanlens::Role;
using loanlens::Schema;

namespace {

using data_test::ErrorOf;

Schema InferText(const std::string& text, const loanlens::InferOptions& options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, "t.csv");
  return InferSchema(reader, options);
}

Schema InferFile(const std::string& name) {
  std::ifstream in(std::string(LOANLENS_SOURCE_DIR "/models/data/") + name, std::ios::binary);
  REQUIRE(in);
  CsvReader reader(in, name);
  return InferSchema(reader);
}

}  // namespace

TEST_CASE("ParseNumber accepts whole finite decimal tokens only") {
  using loanlens::ParseNumber;
  CHECK(ParseNumber("42") == 42.0);
  CHECK(ParseNumber(" -3.5 ") == -3.5);
  CHECK(ParseNumber("1e3") == 1000.0);
  CHECK(ParseNumber("+.5") == 0.5);
  CHECK(ParseNumber("5.") == 5.0);
  CHECK(ParseNumber("2.5E-2") == doctest::Approx(0.025));
  for (const char* bad : {"", " ", "12abc", "1,000", "1 000", "0x10", "inf", "-inf", "nan", "NaN",
                          "1e", "e5", ".", "-", "1e999", "1.2.3", "--1", "1e3.5"}) {
    INFO("token '", bad, "'");
    CHECK_FALSE(ParseNumber(bad).has_value());
  }
}

TEST_CASE("ParseNumber agrees with strtod on random decimal tokens") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::string token = (rng() % 3 == 0) ? "-" : "";
    int int_digits = static_cast<int>(rng() % 12), frac_digits = static_cast<int>(rng() % 12);
    for (int d = 0; d < int_digits; ++d) token += static_cast<char>('0' + rng() % 10);
    if (frac_digits > 0 || int_digits == 0) token += '.';
    for (int d = 0; d < frac_digits || (int_digits == 0 && d == 0); ++d)
      token += static_cast<char>('0' + rng() % 10);
    INFO("token '", token, "'");
    auto v = loanlens::ParseNumber(token);
    REQUIRE(v.has_value());
    CHECK(*v == std::strtod(token.c_str(), nullptr));
  }
}

TEST_CASE("ParseBool knows the usual spellings, case-insensitive") {
  using loanlens::ParseBool;
  for (const char* t : {"1", "true", "TRUE", "Yes", "y", "T", " yes "}) CHECK(ParseBool(t) == true);
  for (const char* f : {"0", "false", "No", "N", "f"}) CHECK(ParseBool(f) == false);
  for (const char* x : {"", "2", "maybe", "yess", "on"}) CHECK_FALSE(ParseBool(x).has_value());
}

TEST_CASE("InferSchema infers types, missing counts, ranges and categories") {
  Schema s = InferText(
      "age,city,member,flag01,grade,income,empty\n"
      "30,Paris,yes,0,A,1000,\n"
      "41,Lyon,no,1,B,NA,\n"
      "25,Paris,yes,1,A,2500.5,\n"
      " 52 ,Nice,yes,0,C,?,\n"
      "19,,no,1,A,-10,\n");
  REQUIRE(s.columns.size() == 7);
  const auto& age = s.columns[0];
  CHECK(age.name == "age");
  CHECK(age.type == ColumnType::kNumeric);
  CHECK(age.role == Role::kFeature);
  CHECK(age.min == 19);
  CHECK(age.max == 52);
  CHECK(age.missing == 0);

  const auto& city = *s.Find("city");
  CHECK(city.type == ColumnType::kCategorical);
  CHECK(city.missing == 1);
  CHECK(city.categories == std::vector<std::string>{"Paris", "Lyon", "Nice"});  // ties by name
  CHECK(city.counts == std::vector<std::size_t>{2, 1, 1});

  const auto& member = *s.Find("member");
  CHECK(member.type == ColumnType::kBoolean);
  CHECK(member.categories == std::vector<std::string>{"no", "yes"});
  CHECK(member.counts == std::vector<std::size_t>{2, 3});
  CHECK(member.min == 0);
  CHECK(member.max == 1);

  CHECK(s.Find("flag01")->type == ColumnType::kNumeric);  // 0/1 numbers stay numeric
  CHECK(s.Find("grade")->type == ColumnType::kCategorical);
  CHECK(s.Find("grade")->categories == std::vector<std::string>{"A", "B", "C"});
  CHECK(s.Find("grade")->counts == std::vector<std::size_t>{3, 1, 1});

  const auto& income = *s.Find("income");
  CHECK(income.type == ColumnType::kNumeric);
  CHECK(income.missing == 2);
  CHECK(income.min == -10);
  CHECK(income.max == 2500.5);

  CHECK(s.Find("empty")->missing == 5);
  CHECK(s.Find("empty")->type == ColumnType::kNumeric);

  CHECK(s.FeatureNames().size() == 7);
  CHECK(s.Find("nope") == nullptr);
}

TEST_CASE("InferSchema boolean rules") {
  SUBCASE("Y/N is boolean, with the data's spelling") {
    Schema s = InferText("d\nY\nN\nN\n");
    CHECK(s.columns[0].type == ColumnType::kBoolean);
    CHECK(s.columns[0].categories == std::vector<std::string>{"N", "Y"});
  }
  SUBCASE("a third value, or two values of the same truth, is categorical") {
    CHECK(InferText("d\nyes\nno\nmaybe\n").columns[0].type == ColumnType::kCategorical);
    CHECK(InferText("d\nyes\ny\n").columns[0].type == ColumnType::kCategorical);
    CHECK(InferText("d\nyes\nYes\nno\n").columns[0].type == ColumnType::kCategorical);
  }
  SUBCASE("one distinct value is categorical") {
    CHECK(InferText("d\nyes\nyes\n").columns[0].type == ColumnType::kCategorical);
  }
}

TEST_CASE("InferSchema with forced types") {
  loanlens::InferOptions o;
  o.forced_types = {{"code", ColumnType::kCategorical}, {"b", ColumnType::kBoolean}};
  Schema s = InferText("code,b\n10,1\n20,0\n10,TRUE\n", o);
  CHECK(s.columns[0].type == ColumnType::kCategorical);
  CHECK(s.columns[0].categories == std::vector<std::string>{"10", "20"});
  CHECK(s.columns[1].type == ColumnType::kBoolean);
  CHECK(s.columns[1].categories == std::vector<std::string>{"0", "1"});
  CHECK(s.columns[1].counts == std::vector<std::size_t>{1, 2});

  SUBCASE("a value that does not fit the forced type is an error at its cell") {
    loanlens::InferOptions num;
    num.forced_types = {{"x", ColumnType::kNumeric}};
    CHECK(ErrorOf([&] { InferText("x\n1\n2\nabc\n", num); }) ==
          "file 't.csv', row 4, column 'x', value 'abc': expected a number: the schema says this "
          "column is numeric");
    loanlens::InferOptions boolean;
    boolean.forced_types = {{"b", ColumnType::kBoolean}};
    CHECK(ErrorOf([&] { InferText("b\nyes\nperhaps\n", boolean); }) ==
          "file 't.csv', row 3, column 'b', value 'perhaps': expected a boolean (1/0, true/false, "
          "yes/no, y/n, t/f): the schema says this column is boolean");
  }
  SUBCASE("a forced type for a column the file lacks is ignored") {
    loanlens::InferOptions absent;
    absent.forced_types = {{"zzz", ColumnType::kNumeric}};
    Schema s = InferText("a\n1\n", absent);
    CHECK(s.columns.size() == 1);
    CHECK(s.Find("zzz") == nullptr);
  }
}

TEST_CASE("InferSchema: text in a column of many distinct numbers is an error, in any order") {
  std::string numbers;
  for (int i = 0; i < 1100; ++i) numbers += std::to_string(i) + "\n";
  std::string expected =
      "file 't.csv', row 1102, column 'amount', value 'n/a': expected a number like the rest of "
      "this column (more than 1024 distinct numbers); if this value means missing, add it to the "
      "missing tokens, or give the column type 'categorical' in the schema";
  CHECK(ErrorOf([&] { InferText("amount\n" + numbers + "n/a\n"); }) == expected);
  CHECK(ErrorOf([&] {
          InferText("amount\nn/a\n" + numbers);
        }).find("row 2, column 'amount', value 'n/a'") != std::string::npos);
  SUBCASE("few distinct numbers with text: categorical with exact counts") {
    Schema s = InferText("code\n1\n2\nx\n1\n");
    CHECK(s.columns[0].type == ColumnType::kCategorical);
    CHECK(s.columns[0].categories == std::vector<std::string>{"1", "2", "x"});
    CHECK(s.columns[0].counts == std::vector<std::size_t>{2, 1, 1});
  }
  SUBCASE("forced categorical keeps every level") {
    loanlens::InferOptions o;
    o.forced_types = {{"amount", ColumnType::kCategorical}};
    Schema s = InferText("amount\n" + numbers + "n/a\n", o);
    CHECK(s.columns[0].categories.size() == 1101);
  }
}

TEST_CASE("InferSchema rejects ragged rows with file and row") {
  CHECK(ErrorOf([] { InferText("a,b,c\n1,2,3\n\n4,5\n"); }) ==
        "file 't.csv', row 4: expected 3 fields (as in the header), got 2");
  CHECK(ErrorOf([] { InferText("a,b\n1,2\n\"x\ny\",2,3\n"); }) ==
        "file 't.csv', row 3: expected 2 fields (as in the header), got 3");
}

TEST_CASE("InferSchema on german_credit.csv") {
  Schema s = InferFile("german_credit.csv");
  REQUIRE(s.columns.size() == 21);
  std::size_t numeric = 0, categorical = 0, boolean = 0;
  for (const auto& c : s.columns) {
    CHECK(c.missing == 0);  // README: no missing values
    numeric += c.type == ColumnType::kNumeric;
    categorical += c.type == ColumnType::kCategorical;
    boolean += c.type == ColumnType::kBoolean;
  }
  // README: 7 int columns + class; 13 categorical, of which foreign_worker is yes/no.
  CHECK(numeric == 8);
  CHECK(categorical == 12);
  CHECK(boolean == 1);
  CHECK(s.Find("foreign_worker")->type == ColumnType::kBoolean);
  const auto& cls = *s.Find("class");
  CHECK(cls.type == ColumnType::kNumeric);
  CHECK(cls.min == 1);
  CHECK(cls.max == 2);
  // purpose: 10 levels occur (vacation never does); housing: rent / own / for free.
  CHECK(s.Find("purpose")->categories.size() == 10);
  const auto& housing = *s.Find("housing");
  CHECK(housing.categories.size() == 3);
  CHECK(housing.categories[0] == "own");
  std::size_t total = 0;
  for (auto n : housing.counts) total += n;
  CHECK(total == 1000);
  // The telephone level with a comma came through quoting intact.
  CHECK(s.Find("telephone")->categories.size() == 2);
  CHECK(s.Find("checking_status")->categories.size() == 4);
}

TEST_CASE("InferSchema on credit_data.csv matches the README's missing counts") {
  Schema s = InferFile("credit_data.csv");
  REQUIRE(s.columns.size() == 14);
  CHECK(s.Find("Income")->missing == 381);
  CHECK(s.Find("Assets")->missing == 47);
  CHECK(s.Find("Debt")->missing == 18);
  CHECK(s.Find("Home")->missing == 6);
  CHECK(s.Find("Marital")->missing == 1);
  CHECK(s.Find("Job")->missing == 2);
  CHECK(s.Find("Income")->type == ColumnType::kNumeric);
  const auto& status = *s.Find("Status");
  CHECK(status.type == ColumnType::kCategorical);
  CHECK(status.categories == std::vector<std::string>{"good", "bad"});
  CHECK(status.counts == std::vector<std::size_t>{3200, 1254});
  CHECK(s.Find("Records")->type == ColumnType::kBoolean);
  // Home has the undocumented level 'ignore' in 20 rows.
  const auto& home = *s.Find("Home");
  auto it = std::find(home.categories.begin(), home.categories.end(), "ignore");
  REQUIRE(it != home.categories.end());
  CHECK(home.counts[static_cast<std::size_t>(it - home.categories.begin())] == 20);
}

TEST_CASE("Schema JSON round trip and validation") {
  Schema s = InferText("id,age,city,member,y\n1,30,Paris,yes,0\n2,,Lyon,no,1\n3,41.5,Paris,no,0\n");
  s.Find("id")->role = Role::kId;
  s.Find("y")->role = Role::kTarget;
  s.Find("age")->description = "age in years";
  nlohmann::json j = s.ToJson();
  CHECK(j["columns"][1]["name"] == "age");
  CHECK(j["columns"][1]["type"] == "numeric");
  CHECK(j["columns"][1]["missing"] == 1);
  CHECK(j["columns"][1]["max"] == 41.5);
  CHECK(j["columns"][2]["categories"] == nlohmann::json({"Paris", "Lyon"}));
  CHECK(j["columns"][2]["counts"] == nlohmann::json({2, 1}));
  CHECK(j["columns"][4]["role"] == "target");

  Schema back = Schema::FromJson(nlohmann::json::parse(j.dump()));
  CHECK(back.ToJson() == j);
  CHECK(back.FeatureNames() == std::vector<std::string>{"age", "city", "member"});

  auto bad = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json copy = j;
    edit(copy);
    return ErrorOf([&] { Schema::FromJson(copy); });
  };
  CHECK(bad([](auto& c) { c["columns"][1]["type"] = "int"; }) ==
        "schema, column 'age', value 'int': unknown column type 'int'; expected 'numeric', "
        "'categorical' or 'boolean'");
  CHECK(bad([](auto& c) { c["columns"][1]["role"] = "label"; }) ==
        "schema, column 'age', value 'label': unknown role 'label'; expected 'feature', 'target', "
        "'id', 'protected' or 'ignore'");
  CHECK(bad([](auto& c) { c["columns"][0]["role"] = "target"; }) ==
        "schema, column 'y': a second target column (the first is 'id'); a schema has at most one "
        "target");
  CHECK(bad([](auto& c) { c["columns"][2]["name"] = "age"; }) ==
        "schema, column 'age': column listed twice; column names must be unique");
  CHECK(bad([](auto& c) { c["columns"][2]["counts"] = nlohmann::json::array({1}); }) ==
        "schema, column 'city': \"counts\" has 1 entries but \"categories\" has 2; they must "
        "match");
  CHECK(bad([](auto& c) {
          c["columns"][3]["categories"] = {"yes", "no"};
        }).find("a boolean column's \"categories\" must be [false-token, true-token]") !=
        std::string::npos);
  CHECK(bad([](auto& c) { c["columns"][1].erase("name"); }) ==
        "schema: columns[1] must be an object with a non-empty string \"name\"");
  CHECK(bad([](auto& c) { c = nlohmann::json::array(); }) ==
        "schema: expected an object {\"columns\": [...]} with an array of columns");
  CHECK(bad([](auto& c) { c["columns"][1]["min"] = "low"; }) ==
        "schema, column 'age', value '\"low\"': \"min\" must be a number");
}

TEST_CASE("Schema overrides: types before inference, roles and descriptions after") {
  auto override_json = nlohmann::json::parse(R"({"columns": [
      {"name": "code", "type": "categorical"},
      {"name": "y", "role": "target", "description": "1 = default"},
      {"name": "sex", "role": "protected"}]})");
  auto types = loanlens::SchemaOverrideTypes(override_json);
  CHECK(types.size() == 1);
  CHECK(types.at("code") == ColumnType::kCategorical);
  loanlens::InferOptions o;
  o.forced_types = types;
  Schema s = InferText("code,sex,y\n1,f,0\n2,m,1\n", o);
  loanlens::ApplySchemaOverride(s, override_json);
  CHECK(s.Find("code")->type == ColumnType::kCategorical);
  CHECK(s.Find("y")->role == Role::kTarget);
  CHECK(s.Find("y")->description == "1 = default");
  CHECK(s.Find("sex")->role == Role::kProtected);
  CHECK(s.FeatureNames() == std::vector<std::string>{"code"});

  SUBCASE("errors name the column") {
    CHECK(ErrorOf([&] {
            loanlens::ApplySchemaOverride(
                s, nlohmann::json::parse(R"({"columns":[{"name":"agee","role":"id"}]})"));
          }) == "schema, column 'agee': no such column in the data (columns: 'code', 'sex', 'y')");
    CHECK(ErrorOf([&] {
            loanlens::ApplySchemaOverride(
                s, nlohmann::json::parse(R"({"columns":[{"name":"code","role":"target"}]})"));
          }) ==
          "schema, column 'y': a second target column (the first is 'code'); a schema has "
          "at most one target");
    CHECK(ErrorOf([&] {
            loanlens::SchemaOverrideTypes(
                nlohmann::json::parse(R"({"columns":[{"name":"a","type":"float"}]})"));
          }) ==
          "schema, column 'a', value 'float': unknown column type 'float'; expected "
          "'numeric', 'categorical' or 'boolean'");
  }
}

TEST_CASE("schema decision attributes: actionable, derived ratio, reason catalogue") {
  const nlohmann::json j = nlohmann::json::parse(R"({"columns": [
    {"name": "amount", "type": "numeric", "actionable": true, "reason_code": "R01",
     "reason_high": "Amount requested is too high"},
    {"name": "income", "type": "numeric", "reason_low": "Income is too low"},
    {"name": "ratio", "type": "numeric", "derived": {"ratio": ["amount", "income"]}},
    {"name": "home", "type": "categorical", "categories": ["own", "rent"],
     "level_reasons": {"rent": "Does not own a home"}}]})");
  const loanlens::Schema s = loanlens::Schema::FromJson(j);
  CHECK(s.Find("amount")->actionable);
  CHECK_FALSE(s.Find("income")->actionable);
  CHECK(s.Find("ratio")->derived_ratio == std::vector<std::string>{"amount", "income"});
  CHECK(s.Find("amount")->reason_code == "R01");
  CHECK(s.Find("income")->reason_low == "Income is too low");
  CHECK(s.Find("home")->level_reasons.at("rent") == "Does not own a home");
  // Round trip, and columns without decision attributes write none of their keys.
  const nlohmann::json back = s.ToJson();
  CHECK(loanlens::Schema::FromJson(back).ToJson() == back);
  CHECK_FALSE(back["columns"][1].contains("actionable"));
  CHECK_FALSE(back["columns"][0].contains("derived"));

  nlohmann::json bad = j;
  bad["columns"][2]["derived"]["ratio"][1] = "home";
  CHECK_THROWS_WITH_AS(loanlens::Schema::FromJson(bad),
                       doctest::Contains("another numeric feature column"), loanlens::Error);
  bad = j;
  bad["columns"][0]["actionable"] = "yes";
  CHECK_THROWS_WITH_AS(loanlens::Schema::FromJson(bad), doctest::Contains("true or false"),
                       loanlens::Error);
}

TEST_CASE("Schema::Find stays right when the columns change (its index is rebuilt)") {
  Schema s;
  for (int j = 0; j < 1000; ++j) {
    loanlens::ColumnSpec c;
    c.name = "c" + std::to_string(j);
    s.columns.push_back(c);
  }
  REQUIRE(s.Find("c999") == &s.columns[999]);
  s.columns.erase(s.columns.begin());  // positions shift; the index is stale
  CHECK(s.Find("c0") == nullptr);
  CHECK(s.Find("c999") == &s.columns[998]);
  CHECK(s.Find("c1") == &s.columns[0]);
  s.columns[5].name = "renamed";  // same size, other name
  CHECK(s.Find("renamed") == &s.columns[5]);
  CHECK(s.Find("c6") == nullptr);
  const Schema copy = s;  // the copy finds its own columns
  CHECK(copy.Find("c999") == &copy.columns[998]);
}

TEST_CASE("Schema::FromJson bounds descriptions, names and columns") {
  auto one = [](const std::string& key, const std::string& value) {
    return nlohmann::json{{"columns", {{{"name", "a"}, {"type", "numeric"}, {key, value}}}}};
  };
  CHECK(ErrorOf([&] {
          Schema::FromJson(one("description", std::string(5000, 'd')));
        }).find("\"description\" has 5000 bytes; at most 4096") != std::string::npos);
  CHECK(ErrorOf([&] {
          Schema::FromJson({{"columns", {{{"name", std::string(2000, 'n')}}}}});
        }).find("a name has at most 1024") != std::string::npos);
  // A huge value is quoted short.
  CHECK(ErrorOf([&] { Schema::FromJson(one("type", std::string(100000, 't'))); }).size() < 400);
}
