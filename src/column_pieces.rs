//! What each column of a table must be wide enough for: the pieces of its
//! cells a line cannot break inside (amounts such as `๓๔๒,๐๐๐.๐๐`, codes,
//! Latin words, the header's words), found here once per table rather than
//! by the template at every compile, which split and filtered every cell's
//! text in typst's interpreter (a third of a long document's table time).
//! The template only measures them, each distinct piece once.
//!
//! Thai words are left out of the cells' pieces: a long compound may be wider
//! than any sensible column and wraps at its chunks instead; but a phrase
//! kept or tied whole (a name with its title, a date) is a piece. A piece is
//! cut after a slash, where a line may break (a URL, `ครั้งที่ ๒/๒๕๖๘`).

use serde::Serialize;
use serde_json::Value;

/// One unbreakable piece as the template measures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// The text.
    pub t: String,
    /// Set in bold (a header word, a `{strong: ...}` cell).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub b: bool,
    /// The labels of the numbered lines it stands on, a list per level: the
    /// widest of each, and a small gap, go before it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub l: Vec<Vec<String>>,
}

/// The distinct pieces of every column: the header's words (bold; a header
/// wraps between them) and the cells' unbreakable pieces. `headers` are the
/// header texts and `rows` the cells, both as the template receives them
/// (`spanned` rows hold `{c, col, cs, rs}`, a cell spanning columns counting
/// for none of them).
pub fn column_pieces(headers: &[Value], rows: &[Vec<Value>], spanned: bool) -> Vec<Vec<Piece>> {
    (0..headers.len())
        .map(|i| {
            let mut pieces: Vec<Piece> = Vec::new();
            let mut add = |p: Piece| {
                if !pieces.contains(&p) {
                    pieces.push(p);
                }
            };
            for word in header_words(&headers[i]) {
                add(Piece {
                    t: word,
                    b: true,
                    l: Vec::new(),
                });
            }
            for row in rows {
                if let Some(cell) = column_cell(row, i, spanned) {
                    cell_pieces(cell).into_iter().for_each(&mut add);
                }
            }
            pieces
        })
        .collect()
}

/// The cell of `row` standing in column `i` alone.
fn column_cell(row: &[Value], i: usize, spanned: bool) -> Option<&Value> {
    if !spanned {
        return row.get(i);
    }
    row.iter()
        .find(|c| c["col"].as_u64() == Some(i as u64) && c["cs"].as_u64() == Some(1))
        .map(|c| &c["c"])
}

/// A header's words: a string's, or each chunk's, between spaces.
fn header_words(header: &Value) -> Vec<String> {
    let texts: Vec<&str> = match header {
        Value::String(s) => vec![s.as_str()],
        Value::Array(chunks) => chunks.iter().map(chunk_text).collect(),
        Value::Object(o) if o.contains_key("runs") => return header_words(&o["runs"]),
        _ => Vec::new(),
    };
    texts
        .into_iter()
        .flat_map(|t| t.split(' '))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of one chunk of a text value (`{k}`, `{t}`, `{f}` or a string).
fn chunk_text(chunk: &Value) -> &str {
    match chunk {
        Value::String(s) => s,
        Value::Object(o) => ["k", "t", "f"]
            .iter()
            .find_map(|k| o.get(*k))
            .and_then(Value::as_str)
            .unwrap_or(""),
        _ => "",
    }
}

/// The unbreakable pieces of one cell: text, chunks, numbered lines or
/// `{strong: ...}`.
fn cell_pieces(cell: &Value) -> Vec<Piece> {
    let plain = |t: &str| -> Vec<Piece> {
        unbreakable(t)
            .map(|t| Piece {
                t,
                b: false,
                l: Vec::new(),
            })
            .collect()
    };
    match cell {
        Value::String(s) => plain(s),
        // An emphasised text's segments (src/text.rs).
        Value::Object(o) if o.contains_key("runs") => cell_pieces(&o["runs"]),
        Value::Object(o) if o.contains_key("strong") => cell_pieces(&o["strong"])
            .into_iter()
            .map(|p| Piece { b: true, ..p })
            .collect(),
        Value::Array(lines)
            if lines
                .first()
                .is_some_and(|l| l.as_object().is_some_and(|o| o.contains_key("label"))) =>
        {
            let labels: Vec<String> = lines
                .iter()
                .map(|l| l["label"].as_str().unwrap_or("").to_string())
                .collect();
            lines
                .iter()
                .flat_map(|l| cell_pieces(&l["text"]))
                .map(|mut p| {
                    p.l.insert(0, labels.clone());
                    p
                })
                .collect()
        }
        // A kept phrase (`{k}`: a name with its title) or a tied one (`{t}`:
        // a date, `๓๐ มิถุนายน ๒๕๖๗`) never breaks, Thai or not: the column
        // must hold it whole, or it runs into the next.
        Value::Array(chunks) => chunks
            .iter()
            .flat_map(|c| match c.as_object() {
                Some(o) if o.contains_key("k") || o.contains_key("t") => vec![Piece {
                    t: chunk_text(c).to_string(),
                    b: o.get("s")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.contains('b')),
                    l: Vec::new(),
                }],
                _ => plain(chunk_text(c)),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The pieces of a text between its spaces, cut after each slash, without
/// the Thai ones.
fn unbreakable(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(' ')
        .flat_map(|word| word.split_inclusive('/'))
        .filter(|p| !p.is_empty() && *p != "/" && !p.chars().any(is_thai_letter))
        .map(str::to_string)
}

fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4E}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(ps: &[Piece]) -> Vec<&str> {
        ps.iter().map(|p| p.t.as_str()).collect()
    }

    #[test]
    fn a_column_needs_its_header_words_and_its_cells_unbreakable_pieces() {
        let headers = [json!("งบประมาณ (บาท)"), json!(["ผู้รับ", {"k": "ผิดชอบ"}])];
        let rows = vec![
            vec![json!("๓๔๒,๐๐๐.๐๐ บาท"), json!("www.example.go.th/a/b")],
            vec![
                json!({"strong": "๓๔๒,๐๐๐.๐๐"}),
                json!(["กอง", {"k": "ISO 9001"}]),
            ],
            vec![json!("๓๔๒,๐๐๐.๐๐"), json!(null)],
            vec![
                json!(""),
                json!(["ภายใน", {"t": "๓๐ มิถุนายน ๒๕๖๗", "s": "b"}]),
            ],
        ];
        let cols = column_pieces(&headers, &rows, false);
        assert_eq!(
            texts(&cols[0]),
            ["งบประมาณ", "(บาท)", "๓๔๒,๐๐๐.๐๐", "๓๔๒,๐๐๐.๐๐"]
        );
        assert!(cols[0][..2].iter().all(|p| p.b));
        // The same amount plain and bold counts twice, plain twice once.
        assert_eq!(cols[0][2..].iter().filter(|p| p.b).count(), 1);
        assert_eq!(
            texts(&cols[1]),
            [
                "ผู้รับ",
                "ผิดชอบ",
                "www.example.go.th/",
                "a/",
                "b",
                "ISO 9001",
                "๓๐ มิถุนายน ๒๕๖๗"
            ]
        );
        // Kept and tied phrases are whole, Thai or not, in their weight.
        assert!(cols[1][6].b && !cols[1][5].b);
    }

    #[test]
    fn numbered_lines_carry_their_labels_and_spanning_cells_count_for_no_column() {
        let headers = [json!("ตัวชี้วัด"), json!("ค่า")];
        let rows = vec![
            vec![
                json!({"c": [{"label": "๑.", "text": "KPI-1"}, {"label": "๑๐.", "text": "ร้อยละ ๘๐"}], "col": 0, "cs": 1, "rs": 1}),
                json!({"c": "๑๒๓", "col": 1, "cs": 1, "rs": 1}),
            ],
            vec![json!({"c": "WIDE-SPANNING-TEXT", "col": 0, "cs": 2, "rs": 1})],
        ];
        let cols = column_pieces(&headers, &rows, true);
        let kpi = &cols[0][1];
        assert_eq!(kpi.t, "KPI-1");
        assert_eq!(kpi.l, [vec!["๑.".to_string(), "๑๐.".to_string()]]);
        assert_eq!(texts(&cols[0]), ["ตัวชี้วัด", "KPI-1", "๘๐"]);
        assert_eq!(texts(&cols[1]), ["ค่า", "๑๒๓"]);
    }
}
