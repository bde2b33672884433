//! How big a spreadsheet is, measured before calamine reads it. calamine
//! unpacks a ZIP's parts whole and makes every sheet of an ODS or XLS dense
//! as it opens the workbook, so a file of a few kilobytes could ask it for
//! gigabytes: the parts' real unpacked sizes, an ODS sheet's repeated rows
//! and cells, and an XLS sheet's cell positions are counted here first,
//! against the limits a recipients list has (see the parent module).

use super::check_span;

/// Refuses a spreadsheet too big to read: its parts unpack to more than
/// [`MAX_UNPACKED`], or a sheet of it spans more cells than a recipients
/// list may hold. A file this cannot read is left to calamine.
pub(super) fn before_reading(bytes: &[u8]) -> Result<(), String> {
    check_unpacked(bytes)?;
    check_xls_extent(bytes)
}

/// What the parts of a spreadsheet (a ZIP: XLSX, XLSB, ODS) may unpack to.
/// A recipients list of thousands of rows is a few megabytes; a file of a
/// megabyte can unpack to gigabytes.
const MAX_UNPACKED: u64 = 128 * 1024 * 1024;

/// Refuses a spreadsheet whose parts unpack to more than [`MAX_UNPACKED`]
/// in all. The sizes the parts declare are checked first (cheap, and they
/// name an honest file's size); then each part is unpacked into nothing,
/// counting, since a forged ZIP may declare a few bytes and hold a gigabyte,
/// which the spreadsheet reader would unpack whole. (XLS is not packed.)
fn check_unpacked(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let unreadable = |e: &dyn std::fmt::Display| format!("is not a readable spreadsheet: {e}");
    let too_big = |total: u64| {
        format!(
            "unpacks to {} MB; a recipients list may unpack to at most {} MB",
            total / (1024 * 1024),
            MAX_UNPACKED / (1024 * 1024)
        )
    };
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| unreadable(&e))?;
        declared = declared.saturating_add(part.size());
    }
    if declared > MAX_UNPACKED {
        return Err(too_big(declared));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        // An ODS sheet's cells, kept to be measured below.
        let sheets = part.name() == "content.xml";
        // One byte past what is left tells "too big" from "exactly full".
        let left = MAX_UNPACKED - total;
        let mut content = Vec::new();
        let n = if sheets {
            part.take(left + 1).read_to_end(&mut content)
        } else {
            std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map(|n| n as usize)
        }
        .map_err(|e| unreadable(&e))? as u64;
        total += n;
        if sheets && total <= MAX_UNPACKED {
            check_ods_extent(&content)?;
        }
        if total > MAX_UNPACKED {
            return Err(format!(
                "unpacks to more than {} MB; a recipients list may unpack to at most {} MB",
                MAX_UNPACKED / (1024 * 1024),
                MAX_UNPACKED / (1024 * 1024)
            ));
        }
    }
    Ok(())
}

/// Refuses an ODS workbook (its `content.xml`) a sheet of which spans more
/// cells than a recipients list may hold, counted from the rows' and cells'
/// repeat counts as calamine will expand them: from the first cell with a
/// value to the last, empty rows between them included. A file of two
/// kilobytes can ask for a hundred million cells (6 GB unpacked).
fn check_ods_extent(xml: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let attribute = |e: &quick_xml::events::BytesStart, key: &str| {
        e.attributes()
            .flatten()
            .find(|a| AsRef::<str>::as_ref(&a.key) == key)
            .map(|a| a.value.into_owned())
    };
    let repeat = |e: &quick_xml::events::BytesStart, key: &str| -> u64 {
        attribute(e, key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1)
    };
    // The sheet being read: its name, the rows so far, the first and the
    // last row with a value (row numbers after repeats), the columns with
    // values (first, last + 1).
    let mut sheet = String::new();
    let (mut rows, mut first_row, mut last_row) = (0u64, None::<u64>, 0u64);
    let (mut first_col, mut end_col) = (u64::MAX, 0u64);
    // The row being read: its repeat, the column reached, and the columns
    // with values in it.
    let (mut row_repeat, mut col, mut row_first, mut row_end) = (1u64, 0u64, u64::MAX, 0u64);
    // The cell being read: its repeat, and whether it holds a value.
    let (mut cell_repeat, mut valued, mut in_cell) = (1u64, false, false);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match AsRef::<str>::as_ref(&e.name()) {
                "table:table" => {
                    sheet = attribute(&e, "table:name").unwrap_or_default();
                    (rows, first_row, last_row) = (0, None, 0);
                    (first_col, end_col) = (u64::MAX, 0);
                }
                "table:table-row" => {
                    (row_repeat, col, row_first, row_end) =
                        (repeat(&e, "table:number-rows-repeated"), 0, u64::MAX, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    cell_repeat = repeat(&e, "table:number-columns-repeated");
                    valued = attribute(&e, "office:value-type").is_some()
                        || attribute(&e, "table:formula").is_some();
                    in_cell = true;
                }
                // Any paragraph in a cell may hold a value to calamine, even
                // a space (`<text:s/>`): counted, so that nothing it expands
                // is missed here.
                _ if in_cell => valued = true,
                _ => {}
            },
            Ok(Event::Text(t)) if in_cell && !t.trim().is_empty() => valued = true,
            Ok(Event::End(e)) => match AsRef::<str>::as_ref(&e.name()) {
                "table:table-cell" | "table:covered-table-cell" => {
                    if valued {
                        row_first = row_first.min(col);
                        row_end = col.saturating_add(cell_repeat);
                    }
                    col = col.saturating_add(cell_repeat);
                    in_cell = false;
                }
                "table:table-row" => {
                    if row_end > 0 {
                        first_row.get_or_insert(rows);
                        last_row = rows.saturating_add(row_repeat);
                        first_col = first_col.min(row_first);
                        end_col = end_col.max(row_end);
                    }
                    rows = rows.saturating_add(row_repeat);
                }
                "table:table" => {
                    if let Some(first) = first_row {
                        let height = last_row - first;
                        let width = end_col.saturating_sub(first_col);
                        check_span(height, width).map_err(|m| format!("sheet \"{sheet}\": {m}"))?;
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(format!("is not a readable spreadsheet: {e}")),
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// Refuses an XLS workbook a sheet of which spans more cells than a
/// recipients list may hold, read from the cell records' own row and column
/// numbers before calamine opens it: calamine makes every sheet of an XLS
/// dense as it opens it, and a file of five kilobytes with one value at
/// IV65536 took a gigabyte. A file that is not an XLS, or that this cannot
/// read, is left to calamine.
fn check_xls_extent(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if !bytes.starts_with(CFB_MAGIC) {
        return Ok(());
    }
    let Ok(mut file) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n));
    let Some(Ok(stream)) = name.map(|n| file.open_stream(n)) else {
        return Ok(());
    };
    let mut book = Vec::new();
    if stream.take(MAX_UNPACKED).read_to_end(&mut book).is_err() {
        return Ok(());
    }
    // Each sheet's cells with values: (first row, last row, first column,
    // last column), and how many substreams began before it (the first is
    // the workbook's globals, which name the sheets in order).
    let mut sheet = 0usize;
    let mut names: Vec<String> = Vec::new();
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let check = |sheet: usize, names: &[String], extent: Option<(u32, u32, u32, u32)>| {
        let Some((r0, r1, c0, c1)) = extent else {
            return Ok(());
        };
        let (height, width) = (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
        check_span(height, width).map_err(|m| {
            let name = names
                .get(sheet.wrapping_sub(1))
                .cloned()
                .unwrap_or_else(|| sheet.to_string());
            format!("sheet \"{name}\": {m}")
        })
    };
    let mut at = 0;
    while at + 4 <= book.len() {
        let kind = u16::from_le_bytes([book[at], book[at + 1]]);
        let len = u16::from_le_bytes([book[at + 2], book[at + 3]]) as usize;
        let data = &book[at + 4..(at + 4 + len).min(book.len())];
        at += 4 + len;
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        // Record kinds [MS-XLS 2.3]: the cells calamine reads.
        let cells = match kind {
            0x0809 => {
                // BOF: a sheet (or the workbook's globals) begins.
                check(sheet.saturating_sub(1), &names, extent.take())?;
                sheet += 1;
                None
            }
            // BoundSheet8: a sheet's name (BIFF8: a short Unicode string).
            0x0085 if data.len() >= 8 => {
                let (count, wide) = (data[6] as usize, data[7] & 1 == 1);
                let text = &data[8..];
                names.push(if wide {
                    let units: Vec<u16> = text
                        .chunks_exact(2)
                        .take(count)
                        .map(|b| u16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    String::from_utf16_lossy(&units)
                } else {
                    text.iter().take(count).map(|&b| b as char).collect()
                });
                None
            }
            // Formula, Number, Label, RString, BoolErr, Rk, LabelSst.
            0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                u16_at(0).zip(u16_at(2)).map(|(r, c)| (r, c, c))
            }
            // MulRk: a row, its first column, ..., its last column.
            0x00BD if data.len() >= 6 => u16_at(0)
                .zip(u16_at(2))
                .zip(u16_at(data.len() - 2))
                .map(|((r, c0), c1)| (r, c0, c1.max(c0))),
            _ => None,
        };
        if let Some((r, c0, c1)) = cells {
            extent = Some(match extent {
                None => (r, r, c0, c1),
                Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
            });
        }
    }
    check(sheet.saturating_sub(1), &names, extent)
}
