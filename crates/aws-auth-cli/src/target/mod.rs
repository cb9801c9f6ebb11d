//! Where the ConfigMap lives: a manifest (file or stdin) or a cluster. Each reads and writes
//! it and returns what happened as values; neither prints.

pub mod file;
pub mod live;
