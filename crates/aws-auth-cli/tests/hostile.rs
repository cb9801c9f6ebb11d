//! Hostile manifests through the binary: each ends with exit 0 or 1, reports what is wrong (one
//! `error:` line for a refused input), writes nothing, and stays within 512 MiB of address
//! space (`ulimit -v`), so a CI job or a Lambda validating a pull request cannot be felled by one.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_aws-auth");
const HEADER: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n";
const ADMIN: &str = "    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: admin\n      groups: [system:masters]\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `aws-auth ARGS -f -` with `input` on stdin, under a 512 MiB address-space limit.
fn run_limited(args: &str, input: &[u8]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v 524288 && exec \"$0\" {args} -f -"))
        .arg(BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from a thread: a large input must not dead-lock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary ends");
    writer.join().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn alias_bomb(indent: &str) -> String {
    let mut out = format!("{indent}a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let aliases = vec![format!("*a{}", i - 1); 9].join(", ");
        out.push_str(&format!("{indent}a{i}: &a{i} [{aliases}]\n"));
    }
    out
}

/// Exit 1 with one stderr line, an `error:` naming `what`; no manifest on stdout.
#[track_caller]
fn refused(r: &Run, what: &str) {
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one stderr line: {}", r.stderr);
    assert!(lines[0].starts_with("error: "), "{}", r.stderr);
    assert!(lines[0].contains(what), "{} names {what}", lines[0]);
    assert!(r.stdout.is_empty(), "nothing written: {}", r.stdout);
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
    refused(
        &run_limited(UPSERT, inner.as_bytes()),
        "mapRoles cannot be edited safely",
    );
    let outer = format!("{HEADER}  mapRoles: |\n{ADMIN}{}", alias_bomb(""));
    for args in ["validate", "get", UPSERT] {
        refused(&run_limited(args, outer.as_bytes()), "excessive aliasing");
    }
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let outer = format!("{HEADER}  mapRoles: |\n{ADMIN}x: {deep}\n");
    for args in ["validate", "get", UPSERT] {
        refused(&run_limited(args, outer.as_bytes()), "not valid YAML");
    }
}

#[test]
fn invalid_utf8_nul_bytes_and_byte_order_marks() {
    let mut bad = HEADER.as_bytes().to_vec();
    bad.extend_from_slice(b"  mapRoles: \"\xff\xfe\"\n");
    refused(&run_limited("get", &bad), "not UTF-8");
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
    refused(&run_limited("get", over.as_bytes()), "at most");
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
