//! Query parameters, decoded by `form_urlencoded` and checked against the
//! names a route takes, so that a wrong one is a problem naming it rather than
//! axum's plain-text rejection ([`super::extract::Params`] reads them).

use std::collections::BTreeMap;

use super::problem::ApiError;

/// One query parameter.
#[derive(Clone, Copy)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its JSON Schema, as JSON text.
    pub schema: &'static str,
}

/// The query string's parameters, checked against the names a route takes.
#[derive(Debug, Default)]
pub struct Query(BTreeMap<String, String>);

impl Query {
    /// Parses `raw`; a parameter not in `known` is a 400 naming it.
    pub fn parse(raw: Option<&str>, known: &[Param]) -> Result<Query, ApiError> {
        let mut map = BTreeMap::new();
        let names: Vec<&str> = known.iter().map(|p| p.name).collect();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if !known.iter().any(|p| p.name == k) {
                return Err(ApiError::bad_parameter(
                    &k,
                    format!("unknown parameter (known: {})", names.join(", ")),
                ));
            }
            map.insert(k.into_owned(), v.into_owned());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Parameters of these names.
    fn named(names: &[&'static str]) -> Vec<Param> {
        names
            .iter()
            .map(|&name| Param {
                name,
                description: "",
                schema: "{}",
            })
            .collect()
    }

    #[test]
    fn reads_and_rejects() {
        let q = Query::parse(
            Some("format=png&dpi=120&merge"),
            &named(&["format", "dpi", "merge"]),
        )
        .unwrap();
        assert_eq!(q.choice("format", &["pdf", "png"]).unwrap(), "png");
        assert_eq!(q.number("dpi", 80.0, 10.0, 300.0).unwrap(), 120.0);
        assert!(q.flag("merge", false).unwrap());
        let q = Query::parse(Some("page=2"), &named(&["page"])).unwrap();
        assert_eq!(q.integer("page", 1, 1, 10).unwrap(), 2);
        let q = Query::parse(Some("page=1.5"), &named(&["page"])).unwrap();
        assert!(q.integer("page", 1, 1, 10).is_err());
        assert!(Query::parse(Some("fromat=png"), &named(&["format"])).is_err());
        let q = Query::parse(
            Some("webhook=https%3A%2F%2Fa.example%2Fx+y"),
            &named(&["webhook"]),
        )
        .unwrap();
        assert_eq!(q.text("webhook"), Some("https://a.example/x y"));
    }
}
