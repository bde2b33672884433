//! Every string of a typed value with its field path (`body[2].rows[0].cells[1]`),
//! walked through the value's own `Serialize` impl: no copy of the document is
//! made, and a field added to the model is walked by itself. The paths and the
//! strings are those of the value's JSON form (a unit variant is its name, an
//! internal tag its variant's), so a check over them speaks of the fields the
//! client sent.

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// Keys whose strings are images (base64 data URIs), not text: an agency's
/// `emblem` and `seal`, a `signature_image`, a photo's `image`.
pub const IMAGE_KEYS: &[&str] = &["emblem", "seal", "signature_image", "image"];

/// Calls `visit(path, text)` for every string of `value`, in order, except
/// those under a key in `skip` (images as base64, which are not text).
pub fn each<T: Serialize + ?Sized>(value: &T, skip: &[&str], visit: &mut dyn FnMut(&str, &str)) {
    let mut walk = Walk {
        path: String::new(),
        skip,
        visit,
    };
    // The walk itself never fails.
    let _ = value.serialize(&mut walk);
}

struct Walk<'a> {
    path: String,
    skip: &'a [&'a str],
    visit: &'a mut dyn FnMut(&str, &str),
}

impl Walk<'_> {
    /// Walks `value` at `path.key`, unless the key is skipped.
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Never> {
        if self.skip.contains(&key) {
            return Ok(());
        }
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        let r = value.serialize(&mut *self);
        self.path.truncate(len);
        r
    }

    /// Walks `value` at `path[i]`.
    fn element<T: Serialize + ?Sized>(&mut self, i: usize, value: &T) -> Result<(), Never> {
        let len = self.path.len();
        self.path.push_str(&format!("[{i}]"));
        let r = value.serialize(&mut *self);
        self.path.truncate(len);
        r
    }

    fn text(&mut self, s: &str) -> Result<(), Never> {
        (self.visit)(&self.path, s);
        Ok(())
    }
}

/// The walk's error type: it has none of its own.
#[derive(Debug)]
pub struct Never;

impl Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value could not be walked")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<M: Display>(_: M) -> Self {
        Never
    }
}

/// A sequence, tuple or variant's fields: each element at its index.
struct Elements<'w, 'a> {
    walk: &'w mut Walk<'a>,
    next: usize,
    /// The path before a variant's name was added, restored at the end.
    restore: Option<usize>,
}

impl Elements<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        let i = self.next;
        self.next += 1;
        self.walk.element(i, value)
    }

    fn end(self) -> Result<(), Never> {
        if let Some(len) = self.restore {
            self.walk.path.truncate(len);
        }
        Ok(())
    }
}

/// A struct's or a map's entries: each value at its key.
struct Entries<'w, 'a> {
    walk: &'w mut Walk<'a>,
    key: Option<String>,
    restore: Option<usize>,
}

impl Entries<'_, '_> {
    fn end(self) -> Result<(), Never> {
        if let Some(len) = self.restore {
            self.walk.path.truncate(len);
        }
        Ok(())
    }
}

/// Adds a variant's name to the path, as JSON nests a variant's content
/// under it; the length to restore.
fn enter(walk: &mut Walk<'_>, variant: &str) -> usize {
    let len = walk.path.len();
    if !walk.path.is_empty() {
        walk.path.push('.');
    }
    walk.path.push_str(variant);
    len
}

impl<'w, 'a> ser::Serializer for &'w mut Walk<'a> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Elements<'w, 'a>;
    type SerializeTuple = Elements<'w, 'a>;
    type SerializeTupleStruct = Elements<'w, 'a>;
    type SerializeTupleVariant = Elements<'w, 'a>;
    type SerializeMap = Entries<'w, 'a>;
    type SerializeStruct = Entries<'w, 'a>;
    type SerializeStructVariant = Entries<'w, 'a>;

    fn serialize_bool(self, _: bool) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_char(self, c: char) -> Result<(), Never> {
        self.text(c.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, s: &str) -> Result<(), Never> {
        self.text(s)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Never> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.field(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Elements<'w, 'a>, Never> {
        Ok(Elements {
            walk: self,
            next: 0,
            restore: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Elements<'w, 'a>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Elements<'w, 'a>, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Elements<'w, 'a>, Never> {
        let restore = Some(enter(self, variant));
        Ok(Elements {
            walk: self,
            next: 0,
            restore,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'w, 'a>, Never> {
        Ok(Entries {
            walk: self,
            key: None,
            restore: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Entries<'w, 'a>, Never> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Entries<'w, 'a>, Never> {
        let restore = Some(enter(self, variant));
        Ok(Entries {
            walk: self,
            key: None,
            restore,
        })
    }
}

impl ser::SerializeSeq for Elements<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.push(value)
    }
    fn end(self) -> Result<(), Never> {
        Elements::end(self)
    }
}

impl ser::SerializeTuple for Elements<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.push(value)
    }
    fn end(self) -> Result<(), Never> {
        Elements::end(self)
    }
}

impl ser::SerializeTupleStruct for Elements<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.push(value)
    }
    fn end(self) -> Result<(), Never> {
        Elements::end(self)
    }
}

impl ser::SerializeTupleVariant for Elements<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        self.push(value)
    }
    fn end(self) -> Result<(), Never> {
        Elements::end(self)
    }
}

impl ser::SerializeMap for Entries<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        // The key as JSON would write it: a string, or a number as text.
        self.key = match serde_json::to_value(key) {
            Ok(serde_json::Value::String(s)) => Some(s),
            Ok(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        match self.key.take() {
            Some(key) => self.walk.field(&key, value),
            None => Ok(()),
        }
    }
    fn end(self) -> Result<(), Never> {
        Entries::end(self)
    }
}

impl ser::SerializeStruct for Entries<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.walk.field(key, value)
    }
    fn end(self) -> Result<(), Never> {
        Entries::end(self)
    }
}

impl ser::SerializeStructVariant for Entries<'_, '_> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.walk.field(key, value)
    }
    fn end(self) -> Result<(), Never> {
        Entries::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths and strings of `value`'s JSON form, walked as a Value.
    fn from_json(v: &serde_json::Value, path: &mut String, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((path.clone(), s.clone())),
            serde_json::Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    from_json(x, path, out);
                    path.truncate(len);
                }
            }
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if IMAGE_KEYS.contains(&k.as_str()) {
                        continue;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    from_json(x, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn the_walk_meets_what_the_json_form_holds() {
        // Every example and test letter: the same strings at the same paths as its JSON form
        // (compared as sets: a JSON object's keys come back sorted).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = ["examples", "tests/letters"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut seen = 0;
        for file in files {
            let Ok(doc) = serde_json::from_slice::<crate::Document>(&std::fs::read(&file).unwrap())
            else {
                continue; // a batch request, not a document
            };
            let mut walked = Vec::new();
            each(&doc, IMAGE_KEYS, &mut |p, t| {
                walked.push((p.to_string(), t.to_string()))
            });
            let mut json = Vec::new();
            from_json(
                &serde_json::to_value(&doc).unwrap(),
                &mut String::new(),
                &mut json,
            );
            walked.sort();
            json.sort();
            assert_eq!(walked, json, "{}", file.display());
            seen += 1;
        }
        assert!(seen > 30);
    }
}
