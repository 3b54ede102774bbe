//! `sharestat-dict`: the study's data dictionary and the harmonisation of raw cells.
//!
//! A study is described by one TOML file (see `docs/dictionary.md`): its columns in
//! order with their types, units, ranges and categorical levels, the missing-value
//! markers, and how each site writes its files (delimiter, decimal separator, date
//! format, sheet, site-specific aliases). The crate is pure: it parses a TOML string
//! and turns raw cells into exact integers; it never touches files. Both the data
//! owner's client (import before secret sharing) and the compute nodes (to know the
//! stored columns) use it.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | [`spec`] | the data model: [`Dictionary`], [`ColumnSpec`], [`ColumnType`], [`SiteConventions`], [`EncodedColumn`], [`EncodedKind`], [`Cell`] |
//! | `parse` (private) | TOML -> [`Dictionary`] with validation ([`Dictionary::parse`]) |
//! | [`mod@harmonise`] | one raw [`Cell`] -> its encoded value or a description of what was expected |
//! | [`encode`] | the encoded (stored) columns and [`encode_row`] |
//! | [`error`] | [`DictError`] |
//! | [`policy`] | the study's disclosure policy ([`Policy`]): parsing, defaults, count and subset rules |
//! | [`fhir`] | the `[fhir]` section: where each column comes from in a site's FHIR R4 resources ([`FhirMapping`]) |
//!
//! # Encoding
//!
//! Every value is an exact integer: integers as they are, decimals scaled by
//! `10^decimals`, categoricals as their level index, booleans as 0/1, dates as days
//! since 1970-01-01. On the nodes each word is a `u64` (two's complement of the
//! `i64`). Missing values are 0 in the value column and 0 in the `<name>.present`
//! mask column.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod encode;
pub mod error;
pub mod fhir;
pub mod harmonise;
mod parse;
pub mod policy;
pub mod spec;

pub use encode::encode_row;
pub use error::DictError;
pub use fhir::FhirMapping;
pub use harmonise::harmonise;
pub use policy::{Perturbation, Policy, PolicyError, SmallCells};
pub use spec::{
    Cell, ColumnSpec, ColumnType, DEFAULT_BOUND, Dictionary, EncodedColumn, EncodedKind,
    SiteConventions,
};
