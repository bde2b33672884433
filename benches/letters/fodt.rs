//! The same letter as a flat ODT (`.fodt`, one XML file) for LibreOffice: A4 with
//! the form's margins, Laksaman 16 pt for Thai (ODF's "complex" script fonts),
//! the Garuda embedded, ที่/address, date, เรื่อง/เรียน/อ้างถึง/สิ่งที่ส่งมาด้วย with
//! hanging labels, justified body paragraphs with a 2.5 cm first-line indent, the
//! closing and signature centred on the profile's axis, and the contact block.
//! Written from the same prepared view the typst template receives.

use base64::Engine as _;
use serde_json::Value;

/// A text value of the view (a string, or chunks: strings, and `{"k": ...}`,
/// `{"t": ...}`, `{"f": ...}` runs) as one string.
pub fn flat(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().map(flat).collect(),
        Value::Object(o) => ["k", "t", "f"]
            .iter()
            .find_map(|key| o.get(*key))
            .map(flat)
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn p(style: &str, text: &str) -> String {
    format!(
        "<text:p text:style-name=\"{style}\">{}</text:p>\n",
        esc(text)
    )
}

fn num(v: &Value, key: &str, default: f64) -> f64 {
    v["layout"][key].as_f64().unwrap_or(default)
}

/// The flat ODT of one letter's view; `emblem` is the emblem's PNG.
pub fn fodt(view: &Value, emblem: &[u8]) -> String {
    let size = num(view, "font_size_pt", 16.0);
    let line = size * 1.3;
    let gap = num(view, "block_gap_pt", 6.0);
    let date_x = num(view, "date_x_cm", 10.5) - 3.0;
    // A centimetre left of the profile's position: LibreOffice sets Laksaman a
    // little wider, and the address line must not wrap.
    let address_x = num(view, "address_x_cm", 13.0) - 4.0;
    // The signature block is centred on the axis: a paragraph from 2 × axis − 19 cm
    // to the right margin has its centre there.
    let sign_left = (2.0 * num(view, "signature_x_cm", 12.5) - 19.0 - 3.0).max(0.0);
    let png = base64::engine::general_purpose::STANDARD.encode(emblem);

    let mut body = String::new();
    // The Garuda, 3 cm tall, centred, its top 1.5 cm below the paper's edge.
    body.push_str(&format!(
        "<draw:frame draw:style-name=\"Emblem\" draw:name=\"emblem\" text:anchor-type=\"page\" \
         text:anchor-page-number=\"1\" svg:x=\"9.16cm\" svg:y=\"1.5cm\" svg:width=\"2.68cm\" \
         svg:height=\"3cm\" draw:z-index=\"0\"><draw:image><office:binary-data>{png}</office:binary-data>\
         </draw:image></draw:frame>\n"
    ));
    match view["urgency"].as_str() {
        Some(u) => body.push_str(&format!(
            "<text:p text:style-name=\"Top\"><text:span text:style-name=\"Urgent\">{}</text:span></text:p>\n",
            esc(u)
        )),
        None => body.push_str(&p("Top", "")),
    }
    let reference = view["reference"]
        .as_str()
        .map(|r| format!("ที่ {r}"))
        .unwrap_or_else(|| "ที่".into());
    let address: Vec<String> = view["address"]
        .as_array()
        .map(|a| a.iter().map(flat).collect())
        .unwrap_or_default();
    for (i, a) in address.iter().enumerate() {
        let left = if i == 0 { reference.as_str() } else { "" };
        body.push_str(&format!(
            "<text:p text:style-name=\"Ref\">{}<text:tab/>{}</text:p>\n",
            esc(left),
            esc(a)
        ));
    }
    if address.is_empty() {
        body.push_str(&p("Ref", &reference));
    }
    body.push_str(&p("Date", view["date"].as_str().unwrap_or("")));
    let labelled = |out: &mut String, label: &str, value: &str| {
        out.push_str(&format!(
            "<text:p text:style-name=\"Labelled\">{}  {}</text:p>\n",
            esc(label),
            esc(value)
        ));
    };
    if !view["subject"].is_null() {
        labelled(&mut body, "เรื่อง", &flat(&view["subject"]));
    }
    if !view["to"].is_null() {
        labelled(&mut body, "เรียน", &flat(&view["to"]));
    }
    for (key, label) in [("refer_to", "อ้างถึง"), ("enclosures", "สิ่งที่ส่งมาด้วย")]
    {
        for (i, item) in view[key].as_array().into_iter().flatten().enumerate() {
            let number = item["label"].as_str().unwrap_or("");
            let text = format!("{number} {}", flat(&item["text"]));
            let label = if i == 0 { label } else { "" };
            labelled(&mut body, label, text.trim());
        }
    }
    let blocks = view["body"].as_array().cloned().unwrap_or_default();
    for (i, b) in blocks.iter().enumerate() {
        let first = if i == 0 { "First" } else { "" };
        match b["type"].as_str() {
            Some("par") => {
                let style = if b["indent"].as_bool().unwrap_or(true) {
                    "Body"
                } else {
                    "BodyFlush"
                };
                body.push_str(&p(&format!("{style}{first}"), &flat(&b["text"])));
            }
            Some("item") => {
                let level = b["level"].as_u64().unwrap_or(1).clamp(1, 4);
                let text = format!("{} {}", b["label"].as_str().unwrap_or(""), flat(&b["text"]));
                body.push_str(&p(&format!("Item{level}"), &text));
            }
            Some("heading") => body.push_str(&p("Heading", &flat(&b["text"]))),
            _ => {}
        }
    }
    if let Some(closing) = view["closing"].as_str() {
        body.push_str(&p("SignFirst", closing));
        for _ in 0..3 {
            body.push_str(&p("Sign", ""));
        }
    }
    let sig = &view["signatory"];
    body.push_str(&p(
        "Sign",
        &format!("({})", sig["name"].as_str().unwrap_or("")),
    ));
    for pos in sig["positions"].as_array().into_iter().flatten() {
        body.push_str(&p("Sign", &flat(pos)));
    }
    let contact: Vec<String> = view["contact"]
        .as_array()
        .map(|a| a.iter().map(flat).collect())
        .unwrap_or_default();
    for (i, c) in contact.iter().enumerate() {
        body.push_str(&p(if i == 0 { "ContactFirst" } else { "Left" }, c));
    }
    for (i, c) in view["copies_to"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let label = if i == 0 {
            "สำเนาส่ง "
        } else {
            ""
        };
        body.push_str(&p(
            "Labelled",
            &format!("{label}{}", c.as_str().unwrap_or("")),
        ));
    }

    let font = "style:font-name=\"Laksaman\" style:font-name-asian=\"Laksaman\" \
                style:font-name-complex=\"Laksaman\"";
    let text_props = format!(
        "{font} fo:font-size=\"{size}pt\" style:font-size-asian=\"{size}pt\" \
         style:font-size-complex=\"{size}pt\" fo:language=\"th\" fo:country=\"TH\" \
         style:language-complex=\"th\" style:country-complex=\"TH\""
    );
    let para = |name: &str, props: &str| {
        format!(
            "<style:style style:name=\"{name}\" style:family=\"paragraph\" \
             style:parent-style-name=\"Standard\"><style:paragraph-properties {props}/></style:style>\n"
        )
    };
    let mut styles = String::new();
    styles.push_str(&para(
        "Top",
        &format!(
            "fo:margin-bottom=\"0pt\" fo:line-height=\"{:.1}pt\"",
            2.0 * 28.35 + 4.0
        ),
    ));
    styles.push_str(&format!(
        "<style:style style:name=\"Ref\" style:family=\"paragraph\" style:parent-style-name=\"Standard\">\
         <style:paragraph-properties><style:tab-stops><style:tab-stop style:position=\"{address_x}cm\"/>\
         </style:tab-stops></style:paragraph-properties></style:style>\n"
    ));
    styles.push_str(&para(
        "Date",
        &format!(
            "fo:margin-left=\"{date_x}cm\" fo:margin-top=\"{gap}pt\" fo:margin-bottom=\"{:.1}pt\"",
            1.3 * size
        ),
    ));
    styles.push_str(&para(
        "Labelled",
        "fo:margin-left=\"1.4cm\" fo:text-indent=\"-1.4cm\" fo:text-align=\"start\"",
    ));
    for (name, indent, top) in [
        ("Body", "2.5cm", gap),
        ("BodyFirst", "2.5cm", 2.0 * gap),
        ("BodyFlush", "0cm", gap),
        ("BodyFlushFirst", "0cm", 2.0 * gap),
    ] {
        styles.push_str(&para(
            name,
            &format!(
                "fo:text-align=\"justify\" fo:text-indent=\"{indent}\" fo:margin-top=\"{top}pt\""
            ),
        ));
    }
    for level in 1..=4 {
        styles.push_str(&para(
            &format!("Item{level}"),
            &format!(
                "fo:text-align=\"justify\" fo:margin-left=\"{:.1}cm\" fo:text-indent=\"-0.8cm\" fo:margin-top=\"{gap}pt\"",
                1.7 + 0.8 * level as f64
            ),
        ));
    }
    styles.push_str(&para("Heading", &format!("fo:margin-top=\"{gap}pt\"")));
    styles.push_str(&para(
        "SignFirst",
        &format!(
            "fo:margin-left=\"{sign_left}cm\" fo:text-align=\"center\" fo:margin-top=\"{line}pt\""
        ),
    ));
    styles.push_str(&para(
        "Sign",
        &format!("fo:margin-left=\"{sign_left}cm\" fo:text-align=\"center\""),
    ));
    styles.push_str(&para(
        "ContactFirst",
        &format!("fo:margin-top=\"{:.1}pt\"", 2.0 * line),
    ));
    styles.push_str(&para("Left", ""));

    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{title}</dc:title></office:meta>
<office:font-face-decls>
<style:font-face style:name="Laksaman" svg:font-family="Laksaman" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:line-height="{line:.1}pt" fo:hyphenation-ladder-count="no-limit"/>
<style:text-properties {text_props}/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph">
<style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="0pt"/>
</style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="A4">
<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait"
 fo:margin-top="1.5cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="2cm"/>
</style:page-layout>
<style:style style:name="Urgent" style:family="text">
<style:text-properties fo:color="#ff0000" fo:font-weight="bold" style:font-weight-asian="bold"
 style:font-weight-complex="bold" fo:font-size="32pt" style:font-size-asian="32pt" style:font-size-complex="32pt"/>
</style:style>
<style:style style:name="Emblem" style:family="graphic">
<style:graphic-properties style:wrap="run-through" style:run-through="foreground"
 style:vertical-pos="from-top" style:vertical-rel="page" style:horizontal-pos="from-left" style:horizontal-rel="page"/>
</style:style>
{styles}</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="A4"/>
</office:master-styles>
<office:body>
<office:text>
{body}</office:text>
</office:body>
</office:document>
"##,
        title = esc(view["doc_title"].as_str().unwrap_or("")),
    )
}
