//! The command line itself: usage errors (exit status 2, each test asserting the message of
//! the rule it names), help, version and completions.

use std::fs;

use crate::common::{TempDir, run, run_in};
use crate::eqnice;

#[test]
fn usage_errors_exit_two() {
    let d = TempDir::new();
    assert_eq!(run(&d, &["frobnicate"]).code, 2);
    assert_eq!(
        run(&d, &["upsert", "--retry-min-time", "5 parsecs", "-f", "x"]).code,
        2
    );
    assert_eq!(
        run(&d, &["upsert", "--maproles", "--mapusers", "-f", "x"]).code,
        2
    );
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--userarn",
            "arn:aws:iam::111122223333:user/x",
            "-f",
            "x",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: "));
}

/// As in the Go tool: upsert needs a username, and --retry-max-count counts attempts, at
/// least one.
#[test]
fn go_tool_argument_rules() {
    let d = TempDir::new();
    d.copy("three-roles.yaml");
    let role = [
        "upsert",
        "--rolearn",
        "arn:aws:iam::111122223333:role/x",
        "--groups",
        "g",
        "-f",
        "three-roles.yaml",
    ];
    let r = run(&d, &role);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: upsert needs --username"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--update-username=false"), "{}", r.stderr);
    // Given that flag, the message does not suggest it again.
    let mut keep = role.to_vec();
    keep.push("--update-username=false");
    let r = run(&d, &keep);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: upsert needs --username even with --update-username=false (a new entry gets it)\n"
    );
    let mut with_empty = role.to_vec();
    with_empty.extend(["--username", " "]);
    assert_eq!(run(&d, &with_empty).code, 2);
    let mut zero = role.to_vec();
    zero.extend(["--username", "x", "--retry", "--retry-max-count", "0"]);
    let r = run(&d, &zero);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: ") && r.stderr.contains("--retry-max-count"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_format_is_a_usage_error() {
    let d = TempDir::new();
    let r = run(&d, &["get", "-o", "xml", "-f", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        r.stderr
    );
}

#[test]
fn empty_username_is_a_usage_error() {
    let d = TempDir::new();
    let r = run(&d, &["remove-by-username", "--username", "", "-f", "x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, "error: --username must not be empty\n");
}

#[test]
fn in_place_on_stdin_is_a_usage_error() {
    let d = TempDir::new();
    let r = run_in(
        &d.0,
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::444455556666:user/ada",
            "--username",
            "ada",
            "-f",
            "-",
            "-i",
        ],
        Some(b""),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr, "error: -i/--in-place needs a file, not stdin\n",
        "the check this test names, not another usage error"
    );
}

#[test]
fn in_place_without_file_is_a_usage_error() {
    let d = TempDir::new();
    let r = run(
        &d,
        &[
            "upsert",
            "--userarn",
            "arn:aws:iam::444455556666:user/ada",
            "--username",
            "ada",
            "-i",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("required arguments were not provided") && r.stderr.contains("--file"),
        "-i asks for -f, not for another argument: {}",
        r.stderr
    );
}

#[test]
fn impersonation_flags_parse() {
    let d = TempDir::new();
    // Accepted, --as-group repeated, in live mode: the run gets as far as the kubeconfig (exit
    // 1), where a flag clap did not know would have stopped it with exit 2.
    let r = run(
        &d,
        &[
            "get",
            "--as",
            "admin",
            "--as-group",
            "a",
            "--as-group",
            "b",
            "--kubeconfig",
            "missing-kubeconfig",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: kubeconfig missing-kubeconfig: cannot read it: No such file or directory\n"
    );
    // --as/--as-group belong to live mode; with -f they are a usage error (exit 2).
    let r = run(
        &d,
        &[
            "get",
            "--as",
            "admin",
            "--as-group",
            "a",
            "--as-group",
            "b",
            "-f",
            "x.yaml",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The refusal is the conflict with -f: an unknown --as would be refused too, but
    // as an unexpected argument.
    assert!(
        r.stderr.contains("'--as <USERNAME>' cannot be used with"),
        "{}",
        r.stderr
    );
    let r = run(&d, &["get", "--as-group", "a", "-f", "x.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("'--as-group <GROUP>' cannot be used with"),
        "{}",
        r.stderr
    );
}

/// Issue 19: an upsert without a username is a usage error for a new ARN and for an existing
/// one alike (the npm package keeps an existing entry's username instead; a new ARN is
/// refused by both), and nothing is written.
#[test]
fn upsert_without_username_is_a_usage_error_and_writes_nothing() {
    let d = TempDir::new();
    let path = d.copy("three-roles.yaml");
    let before = fs::read(&path).unwrap();
    for (flag, arn) in [
        ("--rolearn", "arn:aws:iam::444455556666:role/new"),
        (
            "--rolearn",
            "arn:aws:iam::444455556666:role/platform-operators",
        ),
        ("--userarn", "arn:aws:iam::444455556666:user/new"),
    ] {
        for username in [None, Some(""), Some("  ")] {
            let mut args = vec!["upsert", flag, arn, "--groups", "g"];
            if let Some(u) = username {
                args.extend(["--username", u]);
            }
            args.extend(["-f", "three-roles.yaml", "-i"]);
            let r = run(&d, &args);
            assert_eq!(r.code, 2, "{arn} {username:?}: {}", r.stderr);
            assert!(
                r.stderr.starts_with("error: upsert needs --username"),
                "{}",
                r.stderr
            );
            assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
            assert_eq!(r.stdout, "");
            assert_eq!(fs::read(&path).unwrap(), before, "{arn} {username:?}");
        }
    }
}

#[test]
fn no_cluster_is_one_error_line() {
    let d = TempDir::new();
    let r = run(&d, &["get"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
}

#[test]
fn version() {
    let d = TempDir::new();
    let r = run(&d, &["version"]);
    assert_eq!(r.code, 0);
    eqnice!(
        format!("aws-auth {}\n", env!("CARGO_PKG_VERSION")),
        r.stdout
    );
}

#[test]
fn completions() {
    let d = TempDir::new();
    for shell in ["bash", "zsh", "fish"] {
        let r = run(&d, &["completion", shell]);
        assert_eq!(r.code, 0, "{shell}");
        assert!(r.stdout.contains("upsert"), "{shell}");
    }
    // Every subcommand the bash script can be in has a branch that completes its flags.
    let bash = run(&d, &["completion", "bash"]).stdout;
    let states: Vec<&str> = bash
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cmd=\""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|s| !s.is_empty())
        .collect();
    assert!(states.contains(&"aws__auth__subcmd__upsert"), "{states:?}");
    for state in states {
        assert!(
            bash.lines().any(|l| l.trim() == format!("{state})")),
            "no branch for {state}"
        );
    }
}

#[test]
fn help_explains_flags_with_examples() {
    let d = TempDir::new();
    for cmd in ["upsert", "remove", "remove-by-username", "get", "validate"] {
        let r = run(&d, &[cmd, "--help"]);
        assert_eq!(r.code, 0, "{cmd}");
        assert!(r.stdout.contains("Example"), "{cmd}: {}", r.stdout);
    }
    let r = run(&d, &["upsert", "--help"]);
    for flag in [
        "--maproles",
        "--rolearn",
        "--groups",
        "--append",
        "--update-username",
        "--retry-max-time",
        "--as-group",
        "--allow-lockout",
        "--diff",
        "--dry-run",
        "--in-place",
    ] {
        assert!(r.stdout.contains(flag), "{flag}");
    }
}
