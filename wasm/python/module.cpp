// The Python boundary (pybind11): the only file that includes pybind11. It wraps the engine as it
// is (loanlens::Bundle, RowParser, AppendScoreCells, ExplainRecord, FormatNumber); no scoring or
// decision logic lives here: each row's output cells are the ones BatchScorer writes for the CLI.
// Columns come in as they are in pandas: float64 buffers for numeric dtypes (no text round trip)
// or lists of Python objects (text, booleans, None). Each cell is read as the CLI reads the same
// cell of a CSV: numbers as numbers, everything else through RowParser::ParseCell. The pure-Python
// side (loanlens/__init__.py) turns the arrays returned here into a pandas DataFrame.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "loanlens/bundle.h"
#include "loanlens/data/csv.h"
#include "loanlens/data/frame.h"
#include "loanlens/decision/applicant.h"
#include "loanlens/error.h"
#include "loanlens/file.h"
#include "loanlens/pipeline.h"
#include "loanlens/scoring.h"
#include "loanlens/version.h"

namespace py = pybind11;

namespace {

using loanlens::ColumnSpec;
using loanlens::ColumnType;
using loanlens::RowParser;
using loanlens::RowWarning;

/// The feature cells of a frame after parsing: one row of raw feature values per input row, the
/// rows that could not be parsed (with the reason, as the CLI reports it) and the warnings.
struct ParsedRows {
  std::size_t num_rows = 0, num_features = 0;
  std::vector<double> raw;             ///< num_rows x num_features, row-major
  std::vector<std::uint8_t> rejected;  ///< per row: 1 = not scored
  std::unordered_map<std::size_t, std::string> reasons;
  std::vector<RowWarning> warnings;  ///< RowWarning::row is the CSV-style row (position + 2)
};

/// The row number used in messages: the spreadsheet row the cell would have in the frame written
/// as CSV with a header (the first data row is row 2), as the CLI numbers rows.
std::size_t CsvRow(std::size_t position) { return position + 2; }

/// A numeric cell (pandas float64, or a Python int/float): numeric features take the value as is;
/// other types read its text as `loanlens explain` reads a JSON number (FormatNumber).
double NumberCell(const RowParser& parser, const ColumnSpec& spec, std::size_t j, double v,
                  std::size_t row, std::vector<RowWarning>* warnings) {
  if (std::isnan(v)) return loanlens::kMissing;
  if (spec.type == ColumnType::kNumeric && std::isfinite(v)) return v;
  return parser.ParseCell(j, loanlens::FormatNumber(v), row, warnings);
}

/// A cell given as a Python object: None is missing; bool, int and float as values; anything
/// else by its text (str(value)), parsed exactly as a CSV cell.
double ObjectCell(const RowParser& parser, const ColumnSpec& spec, std::size_t j, py::handle o,
                  std::size_t row, std::vector<RowWarning>* warnings) {
  if (o.is_none()) return loanlens::kMissing;
  if (py::isinstance<py::bool_>(o))
    return parser.ParseCell(j, o.cast<bool>() ? "true" : "false", row, warnings);
  if (py::isinstance<py::int_>(o) || py::isinstance<py::float_>(o))
    return NumberCell(parser, spec, j, o.cast<double>(), row, warnings);
  if (py::isinstance<py::str>(o)) return parser.ParseCell(j, o.cast<std::string>(), row, warnings);
  return parser.ParseCell(j, py::str(o).cast<std::string>(), row, warnings);
}

/// Parses feature column j into `rows`. Rows already rejected (by an earlier column) are skipped,
/// so each row keeps the first failing column in feature order, as RowParser::ParseFeatures.
void ParseColumn(const RowParser& parser, const ColumnSpec& spec, std::size_t j, py::handle column,
                 ParsedRows& rows) {
  const bool numeric = py::isinstance<py::array>(column);
  py::array_t<double, py::array::c_style | py::array::forcecast> values;
  py::sequence objects;
  std::size_t n = 0;
  if (numeric) {
    values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(column);
    if (!values || values.ndim() != 1) throw loanlens::Error("column values must be 1-D");
    n = static_cast<std::size_t>(values.shape(0));
  } else {
    objects = py::reinterpret_borrow<py::sequence>(column);
    n = py::len(objects);
  }
  if (n != rows.num_rows)
    throw loanlens::Error("column '" + spec.name + "' has " + std::to_string(n) +
                          " values; expected " + std::to_string(rows.num_rows));
  const double* data = numeric ? values.data() : nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (rows.rejected[i]) continue;
    double& out = rows.raw[i * rows.num_features + j];
    try {
      out = numeric ? NumberCell(parser, spec, j, data[i], CsvRow(i), &rows.warnings)
                    : ObjectCell(parser, spec, j, objects[i], CsvRow(i), &rows.warnings);
    } catch (const loanlens::Error& e) {
      rows.rejected[i] = 1;
      rows.reasons[i] = e.what();
    }
  }
}

/// One column of ScoreColumns() over the scored rows, read back from the cells `loanlens score`
/// writes: numbers as float64 (an empty cell is NaN), text as codes into its distinct values
/// (a handful per column: bands, rules, reasons), which Python turns into str objects once each.
struct OutputColumn {
  bool number = true;
  std::vector<double> values;
  std::vector<std::int32_t> codes;
  std::vector<std::string> levels;
  std::unordered_map<std::string, std::int32_t> index;

  void Add(const std::string& cell) {
    if (number) {
      values.push_back(ReadNumber(cell));
      return;
    }
    auto [it, added] = index.emplace(cell, static_cast<std::int32_t>(levels.size()));
    if (added) levels.push_back(cell);
    codes.push_back(it->second);
  }
  /// FormatNumber text back to the same double ("" = none).
  static double ReadNumber(const std::string& cell) {
    if (cell.empty()) return std::nan("");
    double v = 0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (ec != std::errc() || end != cell.data() + cell.size())
      throw loanlens::Error("internal: score cell '" + cell + "' is not a number");
    return v;
  }
};

/// The scored rows (input order) and their score columns; rows that fail while scoring join the
/// rejected ones. Warnings kept are those of scored rows, as the CLI prints them.
struct ScoredColumns {
  std::vector<std::int64_t> positions;
  std::vector<OutputColumn> columns;
  std::vector<RowWarning> warnings;
};

/// Scores every row not rejected while parsing with loanlens::AppendScoreCells (the function
/// BatchScorer uses), giving each row its own parser warnings. Runs without the GIL.
ScoredColumns ScoreParsed(const loanlens::Bundle& bundle, ParsedRows& rows, bool explain) {
  ScoredColumns out;
  for (bool number : loanlens::ScoreColumnIsNumber(bundle, explain)) {
    out.columns.emplace_back();
    out.columns.back().number = number;
  }
  std::stable_sort(rows.warnings.begin(), rows.warnings.end(),
                   [](const RowWarning& a, const RowWarning& b) { return a.row < b.row; });
  auto next_warning = rows.warnings.begin();
  std::vector<RowWarning> row_warnings;
  std::vector<std::string> cells;
  for (std::size_t i = 0; i < rows.num_rows; ++i) {
    row_warnings.clear();
    for (; next_warning != rows.warnings.end() && next_warning->row <= CsvRow(i); ++next_warning)
      if (next_warning->row == CsvRow(i)) row_warnings.push_back(*next_warning);
    if (rows.rejected[i]) continue;  // its warnings are dropped, as the CLI drops them
    cells.clear();
    try {
      loanlens::AppendScoreCells(bundle, rows.raw.data() + i * rows.num_features, row_warnings,
                                 explain, cells);
    } catch (const loanlens::Error& e) {
      rows.rejected[i] = 1;
      rows.reasons[i] = e.what();
      continue;
    }
    out.positions.push_back(static_cast<std::int64_t>(i));
    for (std::size_t c = 0; c < cells.size(); ++c) out.columns[c].Add(cells[c]);
    for (auto& w : row_warnings) out.warnings.push_back(std::move(w));
  }
  return out;
}

/// A numpy array that owns `v` (no copy).
template <typename T>
py::array_t<T> ToArray(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), free_when_done);
}

/// The rejected rows (positions, reasons) and the scored rows' warnings (position, column,
/// value, message).
void AddRejectedAndWarnings(const ParsedRows& rows, const std::vector<RowWarning>& warnings,
                            py::dict& result) {
  std::vector<std::int64_t> positions;
  py::list reasons;
  for (std::size_t i = 0; i < rows.num_rows; ++i) {
    if (!rows.rejected[i]) continue;
    positions.push_back(static_cast<std::int64_t>(i));
    reasons.append(rows.reasons.at(i));
  }
  const auto count = static_cast<py::ssize_t>(positions.size());
  result["rejected_positions"] = ToArray(std::move(positions), {count});
  result["rejected_reasons"] = reasons;
  py::list w;
  for (const auto& x : warnings) w.append(py::make_tuple(x.row - 2, x.column, x.value, x.message));
  result["warnings"] = w;
}

/// The score columns as Python values: (name, float64 array) or (name, (int32 codes, levels)).
py::list ColumnsToPython(const loanlens::Bundle& bundle, bool explain, ScoredColumns& s) {
  const std::vector<std::string> names = loanlens::ScoreColumns(bundle, explain);
  const auto k = static_cast<py::ssize_t>(s.positions.size());
  py::list columns;
  for (std::size_t c = 0; c < names.size(); ++c) {
    OutputColumn& col = s.columns[c];
    if (col.number) {
      columns.append(py::make_tuple(names[c], ToArray(std::move(col.values), {k})));
    } else {
      py::list levels;
      for (const auto& l : col.levels) levels.append(py::str(l));
      columns.append(
          py::make_tuple(names[c], py::make_tuple(ToArray(std::move(col.codes), {k}), levels)));
    }
  }
  return columns;
}

/// A loaded bundle, with the scoring entry points the pure-Python package calls.
class PyBundle {
 public:
  PyBundle(const std::string& text, const std::string& source)
      : bundle_(loanlens::Bundle::Parse(text, source)), source_(source) {}
  static PyBundle FromFile(const std::string& path) {
    return PyBundle(loanlens::ReadFile(path), path);
  }

  /**
   * Scores a frame given by columns, as `loanlens score` scores the same rows of a CSV.
   * \param header   all column names of the frame (checked as the CLI checks a CSV header)
   * \param columns  one per feature (FeatureNames() order): a float64 array or a sequence of
   *                 Python objects, all of the same length `num_rows`
   * \return dict: positions (int64, scored rows); columns: [(name, values)] in ScoreColumns()
   *         order, values a float64 array (numbers; NaN = empty cell) or (int32 codes, levels)
   *         (text); rejected_positions, rejected_reasons, warnings.
   */
  py::dict ScoreFrame(const std::vector<std::string>& header, const py::list& columns,
                      std::size_t num_rows, bool explain, const std::string& source) const {
    loanlens::CheckHeader(header, source);
    const RowParser parser(bundle_.GetSchema(), header, source, bundle_.Csv());
    const std::vector<std::string>& features = bundle_.FeatureNames();
    if (py::len(columns) != features.size())
      throw loanlens::Error("expected one column per feature (" + std::to_string(features.size()) +
                            "), got " + std::to_string(py::len(columns)));
    ParsedRows rows;
    rows.num_rows = num_rows;
    rows.num_features = features.size();
    rows.raw.assign(num_rows * features.size(), 0.0);
    rows.rejected.assign(num_rows, 0);
    for (std::size_t j = 0; j < features.size(); ++j)
      ParseColumn(parser, *bundle_.GetSchema().Find(features[j]), j, columns[j], rows);
    ScoredColumns s;
    {
      py::gil_scoped_release release;
      s = ScoreParsed(bundle_, rows, explain);
    }
    py::dict result;
    const auto k = static_cast<py::ssize_t>(s.positions.size());
    result["columns"] = ColumnsToPython(bundle_, explain, s);
    result["positions"] = ToArray(std::move(s.positions), {k});
    AddRejectedAndWarnings(rows, s.warnings, result);
    return result;
  }

  /// ScoreColumns() with, per column, whether it holds numbers (else text).
  std::vector<std::pair<std::string, bool>> ScoreColumnKinds(bool explain) const {
    const auto names = loanlens::ScoreColumns(bundle_, explain);
    const auto number = loanlens::ScoreColumnIsNumber(bundle_, explain);
    std::vector<std::pair<std::string, bool>> out;
    for (std::size_t c = 0; c < names.size(); ++c) out.emplace_back(names[c], number[c]);
    return out;
  }

  /// `loanlens explain --row JSON` (with --interactions): the same JSON text.
  std::string ExplainJson(const std::string& record, bool interactions) const {
    const nlohmann::json j = loanlens::ParseRecord(record, "record");
    return loanlens::ExplainRecord(bundle_, j, "record", interactions).dump(2);
  }

  std::vector<std::string> FeatureTypes() const {
    std::vector<std::string> out;
    for (const auto& name : bundle_.FeatureNames())
      out.push_back(loanlens::ToString(bundle_.GetSchema().Find(name)->type));
    return out;
  }

  const loanlens::Bundle& Get() const { return bundle_; }
  const std::string& Source() const { return source_; }

 private:
  loanlens::Bundle bundle_;
  std::string source_;
};

}  // namespace

PYBIND11_MODULE(_engine, m) {
  m.doc() = "LoanLens engine (C++), wrapped with pybind11; use the `loanlens` package.";
  // loanlens::Error (message names file, row, column, value) -> loanlens.Error(ValueError).
  py::register_exception<loanlens::Error>(m, "Error", PyExc_ValueError);
  m.attr("engine_version") = loanlens::kEngineVersion;
  m.attr("decision_columns") = loanlens::DecisionColumns();
  m.def("format_number", &loanlens::FormatNumber,
        "The engine's number formatting (shortest text that reads back as the same double; NaN "
        "-> '', integers without '.0'), as in the CLI's CSV output.");
  py::class_<PyBundle>(m, "Bundle")
      .def(py::init(&PyBundle::FromFile), py::arg("path"))
      .def_static(
          "parse",
          [](const std::string& text, const std::string& source) { return PyBundle(text, source); },
          py::arg("text"), py::arg("source") = "bundle")
      .def_property_readonly("source", &PyBundle::Source)
      .def_property_readonly("features", [](const PyBundle& b) { return b.Get().FeatureNames(); })
      .def_property_readonly("feature_types", &PyBundle::FeatureTypes)
      .def_property_readonly("missing_tokens",
                             [](const PyBundle& b) { return b.Get().Csv().missing_tokens; })
      .def_property_readonly("kind", [](const PyBundle& b) { return b.Get().GetModel().Kind(); })
      .def_property_readonly("explain_method",
                             [](const PyBundle& b) { return b.Get().ExplainMethod(); })
      .def_property_readonly(
          "content_sha256",
          [](const PyBundle& b) { return b.Get().ToJson()["content_sha256"].get<std::string>(); })
      .def("score_frame", &PyBundle::ScoreFrame, py::arg("header"), py::arg("columns"),
           py::arg("num_rows"), py::arg("explain"), py::arg("source"))
      .def("score_column_kinds", &PyBundle::ScoreColumnKinds, py::arg("explain"),
           "[(name, is_number)]: the columns `loanlens score` adds after the input columns")
      .def("explain_json", &PyBundle::ExplainJson, py::arg("record"),
           py::arg("interactions") = false);
}
