"""The plan as an XLSX workbook a gmina's clerk fills in Excel or LibreOffice: Polish headers
(with the importer's codes in a hidden row), drop-down lists of Polish labels, numbers as numbers,
an instructions sheet; `layout` says what each sheet holds, `writer` builds the workbook (a plan's
or a blank template), `reader` reads it back, reporting every problem of every row."""
