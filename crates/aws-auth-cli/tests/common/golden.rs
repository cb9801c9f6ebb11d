//! Golden files: expected outputs kept in `tests/golden`. `AWS_AUTH_BLESS=1` rewrites them
//! from what the binary prints (review the change in `git diff` before committing it).

use std::fs;
use std::path::Path;

#[track_caller]
pub fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("AWS_AUTH_BLESS").is_some() {
        fs::write(&path, got).unwrap();
        return;
    }
    let want = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (AWS_AUTH_BLESS=1 writes it)", path.display()));
    crate::eqnice!(want, got);
}
