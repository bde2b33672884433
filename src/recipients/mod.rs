//! Recipients from the files clerks keep them in: spreadsheets (XLSX, XLSM,
//! XLS, ODS, read by calamine) and CSV as Thai offices save it (UTF-8 with
//! or without a byte-order mark, or Windows-874/TIS-620, which Thai Excel
//! writes by default).
//!
//! The first row names the columns (Thai names too); every other row that
//! is not empty is one recipient, `{column: value}`, which a batch letter
//! reads as `{{recipient.<column>}}`. Text is kept as typed (Thai digits
//! included); spreadsheet numbers become JSON numbers and dates ISO dates.

use std::path::Path;

use calamine::{Data, Reader};
use serde_json::{Map, Value};

mod extent;

use extent::before_reading;

/// How to read a recipients file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The sheet, by name or by 1-based number (default the first).
    pub sheet: Option<String>,
    /// The CSV encoding by its WHATWG label (`utf-8`, `windows-874`,
    /// `tis-620`); detected when left out.
    pub encoding: Option<String>,
}

/// The recipients of a file, and for each the row it came from (1-based, as
/// the spreadsheet program numbers rows).
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    /// One object per recipient, keyed by column name.
    pub rows: Vec<Map<String, Value>>,
    /// The spreadsheet row of each recipient.
    pub row_numbers: Vec<usize>,
    /// The sheet's name (`None` for CSV).
    pub sheet: Option<String>,
    /// The column names, in order.
    pub columns: Vec<String>,
}

/// A file that cannot be read as recipients, named down to its cell:
/// `schools.xlsx: sheet 1, row 12, column "งบประมาณ": the cell is an error (#DIV/0!)`.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {place}{message}")]
pub struct ReadError {
    /// The file's name as given.
    pub file: String,
    /// `sheet 1, row 12, column "x": ` or empty.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl Recipients {
    /// Where recipient `i` came from: `sheet "โรงเรียน", row 12` or `row 12`.
    pub fn place(&self, i: usize) -> String {
        let row = self.row_numbers.get(i).copied().unwrap_or(0);
        match &self.sheet {
            Some(s) => format!("sheet \"{s}\", row {row}"),
            None => format!("row {row}"),
        }
    }
}

/// Reads the recipients of `path`, by its extension.
pub fn read(path: &Path, options: &ReadOptions) -> Result<Recipients, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        file: file.clone(),
        place: String::new(),
        message: e.to_string(),
    })?;
    read_bytes(&file, &bytes, options)
}

/// Reads the recipients of a file's bytes, by the extension of its `name`
/// (an upload's file name).
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Recipients, ReadError> {
    let fail = |(place, message): Failure| ReadError {
        file: name.to_string(),
        place,
        message,
    };
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let text =
                decode(bytes, options.encoding.as_deref()).map_err(|m| fail((String::new(), m)))?;
            from_csv(&text).map_err(fail)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            before_reading(bytes).map_err(|m| fail((String::new(), m)))?;
            let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
                .map_err(|e| fail((String::new(), e.to_string())))?;
            from_workbook(book, options).map_err(fail)
        }
        _ => Err(fail((
            String::new(),
            "is not a recipients file: give .xlsx, .xls, .ods or .csv".into(),
        ))),
    }
}

/// The text of a CSV file: `label`'s encoding, or UTF-8 (a byte-order mark
/// dropped) when it decodes as such, or else Windows-874.
pub fn decode(bytes: &[u8], label: Option<&str>) -> Result<String, String> {
    let encoding = match label {
        Some(l) => encoding_rs::Encoding::for_label(l.trim().as_bytes())
            .ok_or_else(|| format!("unknown encoding '{l}' (utf-8, windows-874, tis-620 ...)"))?,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        // Thai Excel's "CSV" is Windows-874 (TIS-620 with a few more).
        None => encoding_rs::WINDOWS_874,
    };
    let (text, _, bad) = encoding.decode(bytes);
    if bad {
        return Err(format!(
            "is not valid {} text: give --encoding",
            encoding.name()
        ));
    }
    // `decode` takes a UTF-8 byte-order mark off; one typed inside stays.
    Ok(text.into_owned())
}

type Failure = (String, String);

/// Recipients from CSV text.
pub fn from_csv(text: &str) -> Result<Recipients, Failure> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| (format!("row {}: ", i + 1), e.to_string()))?;
        rows.push(
            record
                .iter()
                .map(|c| Data::String(c.to_string()))
                .collect::<Vec<_>>(),
        );
    }
    table(rows, None)
}

fn from_workbook<RS: std::io::Read + std::io::Seek>(
    mut book: calamine::Sheets<RS>,
    options: &ReadOptions,
) -> Result<Recipients, Failure> {
    let names = book.sheet_names();
    let name = match options.sheet.as_deref() {
        None => names
            .first()
            .cloned()
            .ok_or((String::new(), "has no sheets".to_string()))?,
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=names.len()).contains(&n) => names[n - 1].clone(),
            _ => {
                return Err((
                    String::new(),
                    format!("has no sheet '{s}' (its sheets: {})", names.join(", ")),
                ));
            }
        },
    };
    let at_sheet = |e: String| (format!("sheet \"{name}\": "), e);
    // XLSX and XLSB are read cell by cell, so that one cell far off the grid
    // (`XFD1048576`) is refused before a dense sheet is made of it; an ODS
    // or XLS sheet is measured before calamine opens it (`extent`).
    let cells: Vec<PlacedCell> = match &mut book {
        calamine::Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| at_sheet(e.to_string()))?;
            placed_cells(|| reader.next_cell()).map_err(at_sheet)?
        }
        calamine::Sheets::Xlsb(x) => {
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| at_sheet(e.to_string()))?;
            placed_cells(|| reader.next_cell()).map_err(at_sheet)?
        }
        _ => {
            let range = book
                .worksheet_range(&name)
                .map_err(|e| at_sheet(e.to_string()))?;
            let mut cells = Vec::new();
            let (row, column) = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.used_cells() {
                let place = (row + r as u32, column + c as u32);
                check_cell_place(place).map_err(at_sheet)?;
                cells.push((place, v.clone()));
            }
            cells
        }
    };
    // The rows start at the first used cell's row and column; rows are
    // numbered from the top.
    let first_row = cells.iter().map(|((r, _), _)| *r).min().unwrap_or(0);
    let first_column = cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
    let height = cells
        .iter()
        .map(|((r, _), _)| r + 1 - first_row)
        .max()
        .unwrap_or(0);
    let width = cells
        .iter()
        .map(|((_, c), _)| c + 1 - first_column)
        .max()
        .unwrap_or(0);
    check_span(height.into(), width.into()).map_err(at_sheet)?;
    let mut rows: Vec<Vec<Data>> = Vec::new();
    for ((r, c), v) in cells {
        let (r, c) = ((r - first_row) as usize, (c - first_column) as usize);
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        if rows[r].len() <= c {
            rows[r].resize(c + 1, Data::Empty);
        }
        rows[r][c] = v;
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    rows.iter_mut().for_each(|r| r.resize(width, Data::Empty));
    let first_row = first_row as usize;
    let mut out = table(rows, Some(&name))?;
    for r in &mut out.row_numbers {
        *r += first_row;
    }
    Ok(out)
}

/// Columns a recipients sheet may use (`ALL`): a mail merge has a few dozen.
const MAX_COLUMNS: u32 = 1_000;
/// Rows a recipients sheet may use: a batch is far smaller.
const MAX_ROWS: u32 = 200_000;
/// Cells between a recipients sheet's first and last used ones.
const MAX_CELLS: u64 = 4_000_000;

/// Refuses a sheet whose used cells span more rows, columns or cells than a
/// recipients list may hold (read, or measured before reading: `extent`).
fn check_span(height: u64, width: u64) -> Result<(), String> {
    if height > MAX_ROWS as u64
        || width > MAX_COLUMNS as u64
        || height.saturating_mul(width) > MAX_CELLS
    {
        return Err(format!(
            "spans {height} rows by {width} columns; a recipients list may hold at most \
             {MAX_CELLS} cells (a stray value far from the list? delete it)"
        ));
    }
    Ok(())
}

/// A cell and where it stands (row, column from 0).
type PlacedCell = ((u32, u32), Data);

/// The next cell of a sheet's reader, if any.
type NextCell<'a, E> = Result<Option<calamine::Cell<calamine::DataRef<'a>>>, E>;

/// The cells a reader gives, each checked for its place before the next is
/// read.
fn placed_cells<'a, E: std::fmt::Display>(
    mut next: impl FnMut() -> NextCell<'a, E>,
) -> Result<Vec<PlacedCell>, String> {
    let mut cells = Vec::new();
    while let Some(c) = next().map_err(|e| e.to_string())? {
        check_cell_place(c.get_position())?;
        cells.push((c.get_position(), Data::from(c.get_value().clone())));
    }
    Ok(cells)
}

/// Refuses a cell beyond the rows and columns a recipients sheet may use,
/// naming it as the spreadsheet does (`XFD1048576`).
fn check_cell_place((row, column): (u32, u32)) -> Result<(), String> {
    if row < MAX_ROWS && column < MAX_COLUMNS {
        return Ok(());
    }
    let mut name = String::new();
    let mut c = column as u64 + 1;
    while c > 0 {
        let d = ((c - 1) % 26) as u8;
        name.insert(0, char::from(b'A' + d));
        c = (c - 1) / 26;
    }
    Err(format!(
        "has a cell at {name}{}, beyond the {MAX_ROWS} rows and {MAX_COLUMNS} columns a \
         recipients list may use",
        row as u64 + 1
    ))
}

/// Recipients from rows of cells, the first naming the columns.
fn table(rows: Vec<Vec<Data>>, sheet: Option<&str>) -> Result<Recipients, Failure> {
    let at = |row: usize, column: Option<&str>| {
        let sheet = sheet
            .map(|s| format!("sheet \"{s}\", "))
            .unwrap_or_default();
        match column {
            Some(c) => format!("{sheet}row {row}, column \"{c}\": "),
            None => format!("{sheet}row {row}: "),
        }
    };
    let mut rows = rows.into_iter().enumerate();
    // The header is the first row that is not empty.
    let (header_at, header) = rows
        .by_ref()
        .find(|(_, r)| r.iter().any(|c| !is_empty(c)))
        .ok_or((
            String::new(),
            "has no rows: the first row names the columns".to_string(),
        ))?;
    let mut columns: Vec<String> = Vec::new();
    for (j, c) in header.iter().enumerate() {
        let name = cell_text(c)
            .trim()
            .trim_start_matches('\u{feff}')
            .to_string();
        if name.is_empty() {
            // A blank column at the end of the header is no column.
            if header[j..].iter().all(is_empty) {
                break;
            }
            return Err((
                at(header_at + 1, None),
                format!("column {} has no name", j + 1),
            ));
        }
        if columns.contains(&name) {
            return Err((
                at(header_at + 1, None),
                format!("column \"{name}\" is named twice"),
            ));
        }
        columns.push(name);
    }
    let mut out = Recipients {
        sheet: sheet.map(str::to_string),
        columns: columns.clone(),
        ..Recipients::default()
    };
    for (i, row) in rows {
        if row.iter().all(is_empty) {
            continue;
        }
        if let Some(extra) = row.iter().skip(columns.len()).position(|c| !is_empty(c)) {
            return Err((
                at(i + 1, None),
                format!(
                    "has a value in column {}, which the first row does not name",
                    columns.len() + extra + 1
                ),
            ));
        }
        let mut object = Map::new();
        for (j, name) in columns.iter().enumerate() {
            let value = match row.get(j) {
                None => Value::String(String::new()),
                Some(c) => value(c).map_err(|m| (at(i + 1, Some(name)), m))?,
            };
            object.insert(name.clone(), value);
        }
        out.rows.push(object);
        out.row_numbers.push(i + 1);
    }
    if out.rows.is_empty() {
        return Err((
            String::new(),
            "names its columns but has no recipients".to_string(),
        ));
    }
    Ok(out)
}

fn is_empty(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A cell as JSON: text as typed, numbers as numbers (whole ones as
/// integers), dates as ISO dates (`2025-06-15`), true/false as booleans.
fn value(c: &Data) -> Result<Value, String> {
    Ok(match c {
        Data::Empty => Value::String(String::new()),
        Data::String(s) => Value::String(s.trim().to_string()),
        Data::Int(n) => Value::from(*n),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(*f as i64),
        Data::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .ok_or("is not a finite number")?,
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::String(excel_date(d.as_f64()).ok_or("is not a date")?),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::String(s.clone()),
        Data::Error(e) => return Err(format!("the cell is an error ({e})")),
    })
}

/// The ISO date of an Excel date serial (days since 1899-12-30, which
/// absorbs the 1900 leap-year bug for every date after February 1900).
fn excel_date(serial: f64) -> Option<String> {
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let date = epoch.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_as_thai_offices_save_it() {
        let text = "ชื่อ,ตำแหน่ง,งบประมาณ\nโรงเรียนบ้านหนองใหญ่,ผู้อำนวยการ,๑๒๐๐๐\n,,\nโรงเรียนวัดใหม่,ครู,\"1,500\"\n";
        let utf8 = decode(text.as_bytes(), None).unwrap();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, None).unwrap(), utf8);
        let (tis, _, _) = encoding_rs::WINDOWS_874.encode(text);
        assert_eq!(decode(&tis, None).unwrap(), utf8);
        assert_eq!(decode(&tis, Some("tis-620")).unwrap(), utf8);
        assert!(decode(&tis, Some("utf-8")).is_err());
        let r = from_csv(&utf8).unwrap();
        assert_eq!(r.columns, ["ชื่อ", "ตำแหน่ง", "งบประมาณ"]);
        assert_eq!(r.rows.len(), 2, "the empty row is skipped");
        assert_eq!(r.row_numbers, [2, 4]);
        assert_eq!(r.rows[0]["งบประมาณ"], "๑๒๐๐๐");
        assert_eq!(r.rows[1]["งบประมาณ"], "1,500");
    }

    #[test]
    fn spreadsheet_dates_are_iso_dates() {
        assert_eq!(excel_date(45823.0).as_deref(), Some("2025-06-15"));
        assert_eq!(excel_date(45823.75).as_deref(), Some("2025-06-15"));
        assert_eq!(excel_date(-3.0), None);
    }

    #[test]
    fn a_bad_header_or_row_is_named() {
        let e = from_csv("ชื่อ,,ตำแหน่ง\nก,ข,ค\n").unwrap_err();
        assert_eq!(e.0, "row 1: ");
        assert!(e.1.contains("column 2 has no name"));
        let e = from_csv("ชื่อ,ชื่อ\nก,ข\n").unwrap_err();
        assert!(e.1.contains("named twice"));
        let e = from_csv("ชื่อ\nก,ข\n").unwrap_err();
        assert_eq!(e.0, "row 2: ");
        assert!(from_csv("ชื่อ\n\n").unwrap_err().1.contains("no recipients"));
    }
}
