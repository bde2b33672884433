//! Query parameters, read by hand so that a wrong one is a problem naming it
//! rather than axum's plain-text rejection.

use std::collections::BTreeMap;

use super::problem::ApiError;

/// The query string's parameters, checked against the names a route takes.
#[derive(Debug, Default)]
pub struct Query(BTreeMap<String, String>);

impl Query {
    /// Parses `raw`; a parameter not in `known` is a 400 naming it.
    pub fn parse(raw: Option<&str>, known: &[&str]) -> Result<Query, ApiError> {
        let mut map = BTreeMap::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = decode(k);
            if !known.contains(&k.as_str()) {
                return Err(ApiError::bad_parameter(
                    &k,
                    format!("unknown parameter (known: {})", known.join(", ")),
                ));
            }
            map.insert(k, decode(v));
        }
        Ok(Query(map))
    }

    /// One of `choices` (the first when absent).
    pub fn choice(&self, name: &str, choices: &[&'static str]) -> Result<&'static str, ApiError> {
        match self.0.get(name) {
            None => Ok(choices[0]),
            Some(v) => choices.iter().find(|c| **c == v).copied().ok_or_else(|| {
                ApiError::bad_parameter(name, format!("'{v}' is not one of {}", choices.join(", ")))
            }),
        }
    }

    /// A value read by its type's `FromStr` (`pdf_standard=a-2b`), `None`
    /// when absent.
    pub fn parsed<T: std::str::FromStr<Err = String>>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ApiError> {
        self.0
            .get(name)
            .map(|v| v.parse().map_err(|e| ApiError::bad_parameter(name, e)))
            .transpose()
    }

    /// The value as given, `None` when absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// `true`/`false` (also `1`/`0`), `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.0.get(name).map(String::as_str) {
            None => Ok(default),
            Some("true" | "1" | "") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(v) => Err(ApiError::bad_parameter(
                name,
                format!("'{v}' is not true or false"),
            )),
        }
    }

    /// A whole number within `min..=max`, `default` when absent.
    pub fn integer(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        match self.0.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_parameter(
                    name,
                    format!("'{v}' is not a whole number from {min} to {max}"),
                )),
            },
        }
    }

    /// A number within `min..=max`, `default` when absent.
    pub fn number(&self, name: &str, default: f64, min: f64, max: f64) -> Result<f64, ApiError> {
        match self.0.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<f64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_parameter(
                    name,
                    format!("'{v}' is not a number from {min} to {max}"),
                )),
            },
        }
    }
}

/// Percent-decoding (and `+` for space), lossy on bad UTF-8.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_rejects() {
        let q = Query::parse(
            Some("format=png&dpi=120&merge"),
            &["format", "dpi", "merge"],
        )
        .unwrap();
        assert_eq!(q.choice("format", &["pdf", "png"]).unwrap(), "png");
        assert_eq!(q.number("dpi", 80.0, 10.0, 300.0).unwrap(), 120.0);
        assert!(q.flag("merge", false).unwrap());
        let q = Query::parse(Some("page=2"), &["page"]).unwrap();
        assert_eq!(q.integer("page", 1, 1, 10).unwrap(), 2);
        let q = Query::parse(Some("page=1.5"), &["page"]).unwrap();
        assert!(q.integer("page", 1, 1, 10).is_err());
        assert!(Query::parse(Some("fromat=png"), &["format"]).is_err());
        assert_eq!(decode("a%20b+c%zz%4"), "a b c%zz%4");
    }
}
