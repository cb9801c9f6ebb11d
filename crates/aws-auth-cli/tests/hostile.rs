//! Hostile manifests through the binary: each ends with exit 0 or 1, reports what is wrong (one
//! `error:` line for a refused input), writes nothing, and stays within 512 MiB of address
//! space (`ulimit -v`), so a CI job or a Lambda validating a pull request cannot be felled by one.

mod common;

use std::process::Command;

use common::{BIN, HEADER, Run, run_piped};

const ADMIN: &str = "    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n";

/// `aws-auth ARGS -f -` with `input` on stdin, under a 512 MiB address-space limit.
fn run_limited(args: &str, input: &[u8]) -> Run {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v 524288 && exec \"$0\" {args} -f -"))
        .arg(BIN);
    run_piped(cmd, input)
}

fn alias_bomb(indent: &str) -> String {
    let mut out = format!("{indent}a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let aliases = vec![format!("*a{}", i - 1); 9].join(", ");
        out.push_str(&format!("{indent}a{i}: &a{i} [{aliases}]\n"));
    }
    out
}

const UPSERT: &str = "upsert --maproles --rolearn arn:aws:iam::111122223333:role/nodes --username n --groups system:nodes";

#[test]
fn alias_bombs_are_refused_at_once() {
    let inner = format!(
        "{HEADER}  mapRoles: |\n{ADMIN}      extra:\n{}",
        alias_bomb("        ")
    );
    let r = run_limited("validate", inner.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("excessive aliasing"),
        "{} {}",
        r.stdout,
        r.stderr
    );
    run_limited(UPSERT, inner.as_bytes()).refused("mapRoles cannot be edited safely");
    let outer = format!("{HEADER}  mapRoles: |\n{ADMIN}{}", alias_bomb(""));
    for args in ["validate", "get", UPSERT] {
        run_limited(args, outer.as_bytes()).refused("excessive aliasing");
    }
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let outer = format!("{HEADER}  mapRoles: |\n{ADMIN}x: {deep}\n");
    for args in ["validate", "get", UPSERT] {
        run_limited(args, outer.as_bytes()).refused("not valid YAML");
    }
}

#[test]
fn invalid_utf8_nul_bytes_and_byte_order_marks() {
    let mut bad = HEADER.as_bytes().to_vec();
    bad.extend_from_slice(b"  mapRoles: \"\xff\xfe\"\n");
    run_limited("get", &bad).refused("not UTF-8");
    let nul = format!("{HEADER}  mapRoles: |\n    - rolearn: a\0b\n");
    let r = run_limited("get", nul.as_bytes());
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let bom = format!("\u{feff}{HEADER}  mapRoles: |\n{ADMIN}");
    let r = run_limited(UPSERT, bom.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with('\u{feff}'),
        "the BOM is kept: {:?}",
        &r.stdout[..10]
    );
}

#[test]
fn a_three_mib_line_and_more_than_three_mib() {
    let line = "x".repeat(3 * 1024 * 1024 - HEADER.len() - 20);
    let big = format!("{HEADER}  other: {line}\n");
    let r = run_limited("get -o json", big.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let over = format!("{big}{}", "y".repeat(64));
    run_limited("get", over.as_bytes()).refused("at most");
}

#[test]
fn a_hundred_thousand_data_keys() {
    let mut text = String::from(HEADER);
    for i in 0..100_000 {
        text.push_str(&format!("  key{i}: v{i}\n"));
    }
    text.push_str("  mapRoles: |\n");
    text.push_str(ADMIN);
    let r = run_limited(UPSERT, text.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("rolearn: arn:aws:iam::111122223333:role/nodes")
    );
    assert!(
        r.stdout.contains("  key99999: v99999\n"),
        "the other keys are kept"
    );
    assert_eq!(
        r.stderr,
        "added arn:aws:iam::111122223333:role/nodes to aws-auth\n"
    );
}
