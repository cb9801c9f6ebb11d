//! The YAML layer: a span tree over `saphyr-parser` events, YAML 1.1 scalar rules, and the map
//! between a data value's raw bytes and its decoded text.

pub(crate) mod fast;
pub(crate) mod go_compat;
pub(crate) mod go_value;
pub(crate) mod masked;
pub(crate) mod raw_value;
pub(crate) mod scalar;
pub(crate) mod tree;
