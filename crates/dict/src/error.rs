//! Errors of parsing and validating a dictionary.

/// Why a dictionary could not be parsed. The message names the column (or site) and
/// the field, e.g. `column age: min 120 > max 110`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DictError {
    /// The text is not valid TOML.
    #[error("dictionary is not valid TOML: {0}")]
    Syntax(String),
    /// A study-level field (`study`, `title`, `missing`, `columns`, an unknown key) is
    /// missing or invalid.
    #[error("dictionary: {message}")]
    Study {
        /// The offending field ("" when it cannot be told).
        field: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A site's reading conventions (`[sites.<site>]`) are invalid.
    #[error("site {site}: {message}")]
    Site {
        /// The site.
        site: String,
        /// The offending field.
        field: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A column's definition is invalid.
    #[error("column {column}: {message}")]
    Column {
        /// The column's name (or `#<n>`, 1-based, when it has none).
        column: String,
        /// The offending field.
        field: String,
        /// What is wrong, naming the field.
        message: String,
    },
}

impl DictError {
    pub(crate) fn column(column: &str, field: &str, message: impl Into<String>) -> Self {
        DictError::Column {
            column: column.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn site(site: &str, field: &str, message: impl Into<String>) -> Self {
        DictError::Site {
            site: site.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn study(field: &str, message: impl Into<String>) -> Self {
        DictError::Study {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}
