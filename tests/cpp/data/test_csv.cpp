#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "data_test_util.h"
#include "loanlens/data/csv.h"
#include "loanlens/error.h"
#include "loanlens/limits.h"

using loanlens::CsvLine;
using loanlens::CsvOptions;
using loanlens::CsvParser;
using loanlens::CsvReader;
using loanlens::CsvRecord;

namespace {

using data_test::ErrorOf;

using Rows = std::vector<std::vector<std::string>>;

struct Parsed {
  std::vector<CsvRecord> records;
  char delimiter = 0;
};

/// Feeds `text` in chunks of the given sizes (cycled), then finishes.
Parsed ParseChunks(const std::string& text, const std::vector<std::size_t>& sizes,
                   CsvOptions options = {}) {
  Parsed out;
  CsvParser parser("t.csv", options);
  auto push = [&out](CsvRecord&& r) { out.records.push_back(std::move(r)); };
  std::size_t pos = 0, k = 0;
  while (pos < text.size()) {
    std::size_t n = std::min(sizes[k++ % sizes.size()], text.size() - pos);
    parser.Feed(std::string_view(text).substr(pos, n), push);
    pos += n;
  }
  parser.Finish(push);
  out.delimiter = parser.Delimiter();
  return out;
}

Parsed ParseOnce(const std::string& text, CsvOptions options = {}) {
  return ParseChunks(text, {std::max<std::size_t>(text.size(), 1)}, options);
}

Rows Fields(const Parsed& p) {
  Rows rows;
  for (const auto& r : p.records) rows.push_back(r.fields);
  return rows;
}

std::vector<std::size_t> RowNumbers(const Parsed& p) {
  std::vector<std::size_t> rows;
  for (const auto& r : p.records) rows.push_back(r.row);
  return rows;
}

}  // namespace

TEST_CASE("CsvParser splits RFC 4180 records") {
  SUBCASE("plain fields and a missing final newline") {
    auto p = ParseOnce("a,b,c\n1,2,3\n4,5,6");
    CHECK(Fields(p) == Rows{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "5", "6"}});
    CHECK(RowNumbers(p) == std::vector<std::size_t>{1, 2, 3});
    CHECK(p.delimiter == ',');
  }
  SUBCASE("quoted fields: delimiters, doubled quotes, empty quoted field") {
    auto p = ParseOnce("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n");
    CHECK(Fields(p) == Rows{{"a", "b", "c"}, {"x,y", "say \"hi\"", ""}});
  }
  SUBCASE("empty fields, leading and trailing") {
    auto p = ParseOnce("a,b,c\n,,\n,x,\n");
    CHECK(Fields(p) == Rows{{"a", "b", "c"}, {"", "", ""}, {"", "x", ""}});
  }
  SUBCASE("a quote inside an unquoted field is literal") {
    auto p = ParseOnce("a,b\n5'11\",ab\"c\"d\n");
    CHECK(Fields(p) == Rows{{"a", "b"}, {"5'11\"", "ab\"c\"d"}});
  }
  SUBCASE("text after a closing quote is kept") {
    auto p = ParseOnce("a,b\n\"x\"y,2\n");
    CHECK(Fields(p) == Rows{{"a", "b"}, {"xy", "2"}});
  }
  SUBCASE("spaces are kept in fields (trimming is the reader's job)") {
    auto p = ParseOnce("a,b\n 1 , x\n");
    CHECK(Fields(p) == Rows{{"a", "b"}, {" 1 ", " x"}});
  }
  SUBCASE("CRLF, LF and lone CR line ends give the same records") {
    Rows expected{{"a", "b"}, {"1", "2"}, {"3", "4"}};
    CHECK(Fields(ParseOnce("a,b\r\n1,2\r\n3,4\r\n")) == expected);
    CHECK(Fields(ParseOnce("a,b\r1,2\r3,4\r")) == expected);
    CHECK(Fields(ParseOnce("a,b\n1,2\r\n3,4")) == expected);
    CHECK(RowNumbers(ParseOnce("a,b\r1,2\r3,4\r")) == std::vector<std::size_t>{1, 2, 3});
  }
  SUBCASE("UTF-8 BOM is stripped from the first header name") {
    auto p = ParseOnce(
        "\xEF\xBB\xBF"
        "id;name\n1;x\n");
    CHECK(Fields(p) == Rows{{"id", "name"}, {"1", "x"}});
    CHECK(p.delimiter == ';');
  }
  SUBCASE("a BOM later in the file is data") {
    auto p = ParseOnce("a\n\xEF\xBB\xBFx\n");
    CHECK(p.records[1].fields[0] == "\xEF\xBB\xBFx");
  }
  SUBCASE("blank lines are skipped but counted") {
    auto p = ParseOnce("\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
    CHECK(Fields(p) == Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}});
    CHECK(RowNumbers(p) == std::vector<std::size_t>{2, 4, 7});
  }
  SUBCASE("a quoted empty line is a record, not a blank line") {
    auto p = ParseOnce("a\n\"\"\nx\n");
    CHECK(Fields(p) == Rows{{"a"}, {""}, {"x"}});
  }
  SUBCASE("embedded newlines: fields keep them, rows count physical lines") {
    auto p = ParseOnce("id,note\n1,\"two\nlines\"\n2,\"three\r\nline\rends\"\n3,x\n");
    CHECK(Fields(p) ==
          Rows{{"id", "note"}, {"1", "two\nlines"}, {"2", "three\r\nline\rends"}, {"3", "x"}});
    CHECK(RowNumbers(p) == std::vector<std::size_t>{1, 2, 4, 7});
  }
  SUBCASE("a quoted field may hold only a newline, or a closing quote at EOF") {
    auto p = ParseOnce("a,b\n\"\n\",\"x\"");
    CHECK(Fields(p) == Rows{{"a", "b"}, {"\n", "x"}});
  }
}

TEST_CASE("CsvParser detects the delimiter from the header line") {
  CHECK(ParseOnce("a;b;c\n1,5;2;3\n").delimiter == ';');
  CHECK(Fields(ParseOnce("a;b;c\n1,5;2;3\n"))[1] == std::vector<std::string>{"1,5", "2", "3"});
  CHECK(ParseOnce("a\tb\tc\n1\t2\t3\n").delimiter == '\t');
  CHECK(ParseOnce("a,b\n1;2;3;4\n").delimiter == ',');
  SUBCASE("delimiters inside quoted header names do not count") {
    auto p = ParseOnce("\"a;b;c\",d\n1,2\n");
    CHECK(p.delimiter == ',');
    CHECK(p.records[0].fields == std::vector<std::string>{"a;b;c", "d"});
  }
  SUBCASE("quotes in the header: literal mid-field, doubled inside quotes, after a BOM") {
    auto literal = ParseChunks("a\"b,c;d,e\n1,2,3\n", {1});
    CHECK(literal.delimiter == ',');
    CHECK(literal.records[0].fields == std::vector<std::string>{"a\"b", "c;d", "e"});
    auto doubled = ParseChunks("\"a\"\";b;c\",d\n1,2\n", {1});
    CHECK(doubled.delimiter == ',');
    CHECK(doubled.records[0].fields == std::vector<std::string>{"a\";b;c", "d"});
    auto bom = ParseChunks("\xEF\xBB\xBF\"x,y\";z;w\n1;2;3\n", {2});
    CHECK(bom.delimiter == ';');
    CHECK(bom.records[0].fields == std::vector<std::string>{"x,y", "z", "w"});
  }
  SUBCASE("a header with an open quote is an error, not an unbounded buffer") {
    std::string text = "\"a,b\n" + std::string(1 << 20, 'x');
    CHECK(ErrorOf([&] { ParseOnce(text); }) ==
          "file 't.csv', row 1: the header line is longer than 1 MiB; is a quote '\"' in it never "
          "closed?");
  }
  SUBCASE("single column defaults to ','") { CHECK(ParseOnce("only\n1\n").delimiter == ','); }
  SUBCASE("a given delimiter wins") {
    CsvOptions o;
    o.delimiter = ';';
    auto p = ParseOnce("a,b;c\n1,2;3\n", o);
    CHECK(p.delimiter == ';');
    CHECK(p.records[1].fields == std::vector<std::string>{"1,2", "3"});
  }
  SUBCASE("the header may follow blank lines and a BOM") {
    auto p = ParseOnce("\xEF\xBB\xBF\r\n\r\nx\ty\n1\t2\n");
    CHECK(p.delimiter == '\t');
    CHECK(Fields(p) == Rows{{"x", "y"}, {"1", "2"}});
    CHECK(RowNumbers(p) == std::vector<std::size_t>{3, 4});
  }
}

TEST_CASE("CsvParser gives the same records for every chunking") {
  const std::string text =
      "\xEF\xBB\xBF"
      "id;note;amount\r\n"
      "1;\"semi;colon\";\"1,5\"\r\n"
      "\r\n"
      "2;\"multi\r\nline \"\"quoted\"\"\";7\r\n"
      "3;a\"b;\"\"\r"
      "4;\"\r\";\"x\"\n"
      "5;last;\"end\"";
  Parsed once = ParseOnce(text);
  REQUIRE(once.records.size() == 6);
  CHECK(once.delimiter == ';');
  CHECK(once.records[2].fields == std::vector<std::string>{"2", "multi\r\nline \"quoted\"", "7"});
  CHECK(RowNumbers(once) == std::vector<std::size_t>{1, 2, 4, 6, 7, 9});

  SUBCASE("every split position into two chunks") {
    for (std::size_t split = 0; split <= text.size(); ++split) {
      CsvParser parser("t.csv");
      Parsed p;
      auto push = [&p](CsvRecord&& r) { p.records.push_back(std::move(r)); };
      parser.Feed(std::string_view(text).substr(0, split), push);
      parser.Feed(std::string_view(text).substr(split), push);
      parser.Finish(push);
      INFO("split at ", split);
      CHECK(Fields(p) == Fields(once));
      CHECK(RowNumbers(p) == RowNumbers(once));
    }
  }
  SUBCASE("one byte at a time") {
    Parsed p = ParseChunks(text, {1});
    CHECK(Fields(p) == Fields(once));
    CHECK(RowNumbers(p) == RowNumbers(once));
    CHECK(p.delimiter == ';');
  }
  SUBCASE("random chunk sizes") {
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> size(1, 9);
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<std::size_t> sizes(7);
      for (auto& s : sizes) s = size(rng);
      Parsed p = ParseChunks(text, sizes);
      CHECK(Fields(p) == Fields(once));
      CHECK(RowNumbers(p) == RowNumbers(once));
    }
  }
}

TEST_CASE("CsvParser property: CsvLine output parses back to the same fields, any chunking") {
  // Random tables over an alphabet rich in specials, written with CsvLine and random line ends.
  std::mt19937 rng(2024);
  const std::string alphabet = "ab,\";\r\n \t";
  for (int trial = 0; trial < 300; ++trial) {
    std::size_t num_fields = 2 + rng() % 3, num_records = 1 + rng() % 6;
    Rows table;
    std::string text;
    for (std::size_t r = 0; r < num_records; ++r) {
      std::vector<std::string> rec;
      for (std::size_t j = 0; j < num_fields; ++j) {
        std::string f;
        for (std::size_t k = rng() % 5; k > 0; --k) f += alphabet[rng() % alphabet.size()];
        rec.push_back(f);
      }
      text += CsvLine(rec);
      const char* ends[] = {"\n", "\r\n", "\r"};
      if (r + 1 < num_records || rng() % 2) text += ends[rng() % 3];
      table.push_back(rec);
    }
    CsvOptions o;
    o.delimiter = ',';
    INFO("text: ", text);
    CHECK(Fields(ParseOnce(text, o)) == table);
    std::vector<std::size_t> sizes{1 + rng() % 4, 1 + rng() % 7};
    CHECK(Fields(ParseChunks(text, sizes, o)) == table);
  }
}

TEST_CASE("CsvLine quotes a field that starts with a byte-order mark (fuzz finding)") {
  // A first field beginning with U+FEFF (read from a quoted field, or a doubled BOM) was written
  // bare, and the reader stripped it as the file's BOM (tests/fuzz/regression/csv/bom_*).
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> fields{bom + "id", "x"};
  CHECK(CsvLine(fields) == "\"" + bom + "id\",x");
  CHECK(Fields(ParseOnce(CsvLine(fields) + "\n")) == Rows{fields});
  CHECK(Fields(ParseOnce(bom + CsvLine(fields) + "\n")) == Rows{fields});
}

TEST_CASE("CsvParser reports an unterminated quote where the field started") {
  std::string msg = ErrorOf([] { ParseOnce("a,b\n1,2\n3,\"open\nstill open\n"); });
  CHECK(msg ==
        "file 't.csv', row 3: field 2 opens a quote '\"' that is never closed (unterminated "
        "quoted field at end of file)");
  SUBCASE("also when fed byte by byte") {
    CHECK(ErrorOf([] { ParseChunks("a\n\"x", {1}); }).find("row 2: field 1") != std::string::npos);
  }
}

TEST_CASE("CsvReader reads the header and streams records") {
  std::istringstream in("name,age\nann,31\n\"bob, jr\",40\n");
  CsvReader reader(in, "people.csv");
  CHECK(reader.Header() == std::vector<std::string>{"name", "age"});
  CHECK(reader.Delimiter() == ',');
  CsvRecord r;
  REQUIRE(reader.Next(r));
  CHECK(r.fields == std::vector<std::string>{"ann", "31"});
  CHECK(r.row == 2);
  REQUIRE(reader.Next(r));
  CHECK(r.fields == std::vector<std::string>{"bob, jr", "40"});
  CHECK(r.row == 3);
  CHECK_FALSE(reader.Next(r));
  CHECK_FALSE(reader.Next(r));

  SUBCASE("records spanning block boundaries") {
    // Long quoted fields force records across 64 KB reads.
    std::string big(100000, 'x');
    std::ostringstream text;
    text << "a,b\r\n";
    for (int i = 0; i < 5; ++i) text << i << ",\"" << big << "\n" << big << "\"\r\n";
    std::istringstream in2(text.str());
    CsvReader r2(in2, "big.csv");
    CsvRecord rec;
    int n = 0;
    while (r2.Next(rec)) {
      CHECK(rec.fields[0] == std::to_string(n));
      CHECK(rec.fields[1].size() == 200001);
      CHECK(rec.row == static_cast<std::size_t>(2 + 2 * n));
      ++n;
    }
    CHECK(n == 5);
  }
}

TEST_CASE("CsvReader rejects files without a usable header") {
  auto open = [](const std::string& text) {
    return ErrorOf([&] {
      std::istringstream in(text);
      CsvReader reader(in, "x.csv");
    });
  };
  CHECK(open("") == "file 'x.csv': is empty; expected a header row");
  CHECK(open("\n\r\n\n") == "file 'x.csv': is empty; expected a header row");
  CHECK(open("\xEF\xBB\xBF") == "file 'x.csv': is empty; expected a header row");
  CHECK(open("a,b,a,c,b\n1,2,3,4,5\n") ==
        "file 'x.csv', row 1: the header has duplicate column names: 'a' (columns 1 and 3), 'b' "
        "(columns 2 and 5); column names must be unique");
  CHECK(open("a,,c, \n") ==
        "file 'x.csv', row 1: the header has empty column names at column(s) 2, 4 (delimiter "
        "','); every column needs a name");
  SUBCASE("CheckHeader for push-parser users") {
    CHECK(ErrorOf([] {
            loanlens::CheckHeader({"x", " x "}, "s.csv", 3, ';');
          }) ==
          "file 's.csv', row 3: the header has duplicate column names: 'x' (columns 1 and 2); "
          "column names must be unique");
    CHECK(ErrorOf([] { loanlens::CheckHeader({"x", "y"}, "s.csv"); }) == "(no error)");
  }
  SUBCASE("a stream that failed to open") {
    std::ifstream missing("/nonexistent/dir/file.csv");
    CHECK(ErrorOf([&] { CsvReader reader(missing, "file.csv"); }) ==
          "file 'file.csv': cannot be read");
  }
}

TEST_CASE("CsvReader memory stays bounded on a 1.7 MB file") {
  std::ifstream in(LOANLENS_SOURCE_DIR "/models/data/credit_risk_dataset.csv", std::ios::binary);
  REQUIRE(in);
  CsvReader reader(in, "credit_risk_dataset.csv");
  REQUIRE(reader.Header().size() == 12);
  CsvRecord r;
  std::size_t n = 0, max_buffer = 0, max_queue = 0, last_row = 0;
  while (reader.Next(r)) {
    ++n;
    max_buffer = std::max(max_buffer, reader.Parser().BufferCapacity());
    max_queue = std::max(max_queue, reader.QueueCapacity());
    CHECK(r.fields.size() == 12);
    last_row = r.row;
  }
  CHECK(n == 32581);
  CHECK(last_row == 32582);
  // The field buffer holds one field, the queue one 64 KB block's records (~50 bytes each).
  CHECK(max_buffer < 256);
  CHECK(max_queue < 4096);
}

TEST_CASE("CsvLine quotes only where needed") {
  CHECK(CsvLine({"a", "b c", ""}) == "a,b c,");
  CHECK(CsvLine({"x,y", "say \"hi\"", "two\nlines", "cr\r"}) ==
        "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"");
  CHECK(CsvLine({"x,y", "a;b"}, ';') == "x,y;\"a;b\"");
  SUBCASE("round trip through the parser") {
    std::vector<std::string> fields{"plain", "with,comma", "\"", "", "multi\r\nline", " pad "};
    std::string text = CsvLine({"a", "b", "c", "d", "e", "f"}) + "\n" + CsvLine(fields) + "\n";
    auto p = ParseOnce(text);
    REQUIRE(p.records.size() == 2);
    CHECK(p.records[1].fields == fields);
  }
}

TEST_CASE("FormatNumber writes the shortest round-tripping form") {
  using loanlens::FormatNumber;
  CHECK(FormatNumber(3) == "3");
  CHECK(FormatNumber(-42) == "-42");
  CHECK(FormatNumber(0.1) == "0.1");
  CHECK(FormatNumber(1.5e-7) == "1.5e-07");
  CHECK(FormatNumber(123456789012.0) == "123456789012");
  CHECK(FormatNumber(std::numeric_limits<double>::quiet_NaN()) == "");
  CHECK(FormatNumber(0.1 + 0.2) == "0.30000000000000004");
  SUBCASE("random doubles round-trip exactly") {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-1e6, 1e6);
    for (int i = 0; i < 2000; ++i) {
      double v = u(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
      std::string s = FormatNumber(v);
      CHECK(std::strtod(s.c_str(), nullptr) == v);
      CHECK(s.size() <= 24);
    }
  }
}

TEST_CASE("IsMissingToken trims spaces and is case-sensitive") {
  CsvOptions o;
  CHECK(loanlens::IsMissingToken("", o));
  CHECK(loanlens::IsMissingToken("  NA ", o));
  CHECK(loanlens::IsMissingToken("?", o));
  CHECK_FALSE(loanlens::IsMissingToken("na", o));
  CHECK_FALSE(loanlens::IsMissingToken("0", o));
  o.missing_tokens = {"-"};
  CHECK_FALSE(loanlens::IsMissingToken("", o));
  CHECK(loanlens::IsMissingToken("-", o));
}

TEST_CASE("CsvParser accepts UTF-8 text and names the cell of any other bytes") {
  // Valid: 2-, 3- and 4-byte sequences, in any chunking (a chunk may split a character).
  const std::string good = "name,city\n\xC3\xA9mile,\xE2\x82\xAC \xF0\x9D\x84\x9E\n";
  CHECK(Fields(ParseChunks(good, {1, 2, 3}))[1][1] == "\xE2\x82\xAC \xF0\x9D\x84\x9E");
  CHECK(ErrorOf([] { ParseOnce("name,city\nok,caf\xE9\n"); }) ==
        "file 't.csv', row 2, column 'city', value 'caf\\xE9': is not valid UTF-8 (byte 0xE9 at "
        "offset 3 of the cell); the file must be UTF-8 text (in Excel: save as 'CSV UTF-8'; from "
        "Latin-1: iconv -f latin1 -t utf-8)");
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "\xE2\x82"}) {
    CAPTURE(bad);
    CHECK(ErrorOf([&] {
            ParseOnce(std::string("a,b\nx,") + bad + "\n");
          }).find("is not valid UTF-8") != std::string::npos);
  }
  CHECK(ErrorOf([] { ParseOnce("a,b\xFF\n1,2\n"); }).find("column 'column 2'") !=
        std::string::npos);
  CHECK(ErrorOf([] { ParseOnce(std::string("a,b\n1,\0x\n", 9)); }).find("contains a NUL byte") !=
        std::string::npos);
}

TEST_CASE("CsvParser names UTF-16 files") {
  CHECK(ErrorOf([] {
          ParseOnce(
              std::string("\xFF\xFE"
                          "a\0,\0b\0\n\0",
                          10));
        }).find("is UTF-16 encoded (byte-order mark FF FE)") != std::string::npos);
  CHECK(ErrorOf([] { ParseOnce(std::string("a\0,\0b\0\n\0", 8)); }).find("contains NUL bytes") !=
        std::string::npos);
}

TEST_CASE("CheckHeader bounds the number of columns and the length of names") {
  std::vector<std::string> wide(loanlens::kMaxColumns + 1);
  for (std::size_t j = 0; j < wide.size(); ++j) wide[j] = "c" + std::to_string(j);
  CHECK(ErrorOf([&] { loanlens::CheckHeader(wide, "w.csv"); }) ==
        "file 'w.csv', row 1: has 100001 columns; at most 100000 are supported");
  wide.resize(loanlens::kMaxColumns);
  CHECK(ErrorOf([&] { loanlens::CheckHeader(wide, "w.csv"); }) == "(no error)");
  CHECK(ErrorOf([] {
          loanlens::CheckHeader({"a", std::string(2000, 'n')}, "w.csv");
        }).find("a column name has at most 1024 bytes") != std::string::npos);
}
