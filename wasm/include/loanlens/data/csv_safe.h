#pragma once
/// \file
/// The one rule against CSV (formula) injection, used by every CSV the product writes: `score`
/// output and its rejected-rows file, `split` outputs, and the page's download (through the
/// WebAssembly bindings, so the page never re-implements it).
///
/// The rule (OWASP, "CSV Injection"): a cell whose first character is '=', '+', '-', '@', a tab
/// (0x09) or a carriage return (0x0D) is written with a single quote (') in front, so that a
/// spreadsheet shows it as text instead of evaluating it. Exception: a cell that is a plain number
/// ([+-]digits[.digits][e[+-]digits], as IsPlainNumber() says) is written unchanged, so that a
/// negative margin "-1.23" or a SHAP value "-4.5e-05" stays a number. "-1,234", "-inf", "+A1" and
/// "-2+3" are not plain numbers and get the quote. Nothing else changes: the prefixed cell is then
/// quoted as RFC 4180 requires (CsvLine), and a cell that does not start with one of the six
/// characters is written byte for byte.
///
/// Reading a file back does not remove the quote: a categorical value "=x" becomes the level "'=x"
/// in a file written by `split`. Plain numbers, and so numeric columns, are never changed.
#include <string>
#include <string_view>
#include <vector>

namespace loanlens {

/// True for [+-]?(digits[.digits*] | .digits)([eE][+-]?digits)? and nothing else (no spaces).
bool IsPlainNumber(std::string_view cell);

/// `cell` with a leading single quote when it starts with = + - @ tab or CR and is not a plain
/// number; `cell` unchanged otherwise.
std::string SpreadsheetSafe(std::string_view cell);

/// CsvLine() of SpreadsheetSafe() of every field (no line end).
std::string SafeCsvLine(const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace loanlens
