#include <doctest/doctest.h>

#include <string>

#include "loanlens/error.h"
#include "loanlens/json_util.h"

using loanlens::Error;
using loanlens::JsonReader;
using loanlens::kMaxJsonDepth;
using loanlens::ParseJson;

namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("ParseJson bounds the nesting depth before parsing") {
  CHECK(ParseJson(Nested(kMaxJsonDepth), "x.json").is_array());
  CHECK_THROWS_WITH_AS(ParseJson(Nested(kMaxJsonDepth + 1), "x.json"),
                       doctest::Contains("x.json: JSON nested deeper than 64 levels at byte 65"),
                       Error);
  // 100,000 levels (the crash of issue 11) fail fast, without recursion.
  CHECK_THROWS_WITH_AS(ParseJson("{\"a\": " + Nested(100000) + "}", "b.json"),
                       doctest::Contains("nested deeper than 64"), Error);
  SUBCASE("brackets inside strings are not nesting") {
    const std::string text = "{\"s\": \"" + std::string(1000, '[') + "\\\"[{\"}";
    CHECK(ParseJson(text, "s.json")["s"].get<std::string>().size() == 1003);
  }
}

TEST_CASE("ParseJson reports bad JSON and out-of-range numbers with the source") {
  CHECK_THROWS_WITH_AS(ParseJson("{nope", "--row"), doctest::Contains("--row: not valid JSON"),
                       Error);
  CHECK_THROWS_WITH_AS(ParseJson("{\"a\": 1e400}", "--row"),
                       doctest::Contains("--row: not valid JSON"), Error);
  // The parser's message quotes the last token; a huge one is cut.
  const std::string huge = "\"" + std::string(100000, 'x');
  try {
    ParseJson(huge, "big.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).size() < 400);
  }
}

TEST_CASE("CheckJsonShape bounds the arrays it is told about, by path") {
  using loanlens::CheckJsonShape;
  const std::vector<loanlens::JsonArrayLimit> limits = {{"model.trees", 3}, {"[]", 2}};
  CHECK_NOTHROW(CheckJsonShape(R"({"model": {"trees": [{}, [1, 2], "x"]}, "other": [1,2,3,4]})",
                               "m", limits));
  CHECK_THROWS_WITH_AS(CheckJsonShape(R"({"model": {"trees": [1, 2, 3, 4]}})", "m", limits),
                       "m: model.trees: more than 3 entries (the limit)", Error);
  // Keys inside strings and nested objects do not confuse the path.
  CHECK_NOTHROW(
      CheckJsonShape(R"({"model": {"x": {"trees": [1,2,3,4]}, "trees": []}})", "m", limits));
  CHECK_THROWS_AS(CheckJsonShape("[[1, 2, 3]]", "m", limits), Error);  // top-level array
  CHECK_THROWS_WITH_AS(CheckJsonShape("[\"" + std::string(2000000, 's') + "\"]", "m"),
                       doctest::Contains("m: a JSON string of 2000000 bytes"), Error);
}

TEST_CASE("JsonInteger never truncates 2^32 + k") {
  const auto j = nlohmann::json::parse(R"({"a": 4294967297, "b": 18446744073709551615,
                                           "c": -1, "d": 1.5, "e": "3"})");
  using loanlens::JsonInteger;
  CHECK_THROWS_WITH_AS(JsonInteger(j["a"], -1, 100, "t.left[0]"),
                       "t.left[0]: expected an integer in [-1, 100], got 4294967297", Error);
  CHECK_THROWS_WITH_AS(JsonInteger(j["b"], 0, 1LL << 62, "u"),
                       doctest::Contains("got 18446744073709551615"), Error);
  CHECK(JsonInteger(j["c"], -1, 0, "c") == -1);
  CHECK_THROWS_AS(JsonInteger(j["d"], 0, 10, "d"), Error);
  CHECK_THROWS_WITH_AS(JsonInteger(j["e"], 0, 10, "e"), doctest::Contains("got \"3\""), Error);
  const JsonReader r(j, "root");
  CHECK_THROWS_WITH_AS(r.Int("b"), doctest::Contains("root.b"), Error);
  CHECK_THROWS_WITH_AS(r.IntIn("a", 0, 10), doctest::Contains("root.a: expected an integer"),
                       Error);
  CHECK(r.IntInOr("missing", 0, 10, 7) == 7);
}

TEST_CASE("JsonReader bounds string and array sizes") {
  const auto j = nlohmann::json::parse(R"({"s": "abcdef", "a": [1, 2, 3]})");
  const JsonReader r(j, "root");
  CHECK(r.StringAtMost("s", 6) == "abcdef");
  CHECK_THROWS_WITH_AS(r.StringAtMost("s", 5), "root.s: expected at most 5 bytes, got 6", Error);
  CHECK(r.ArrayAtMost("a", 3).size() == 3);
  CHECK_THROWS_WITH_AS(r.ArrayAtMost("a", 2), "root.a: expected at most 2 entries, got 3", Error);
}
