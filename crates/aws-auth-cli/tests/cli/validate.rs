//! `validate`: diagnostics on stdout, the exit status by severity and `--strict`.

use crate::common::{TempDir, fixture, run};
use crate::eqnice;

#[test]
fn clean_file_exits_zero_silently() {
    let d = TempDir::new();
    let r = run(
        &d,
        &[
            "validate",
            "--strict",
            "-f",
            &fixture("three-roles.yaml").display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!("", r.stdout);
    eqnice!("", r.stderr);
}

#[test]
fn warnings_fail_only_with_strict() {
    let d = TempDir::new();
    let f = fixture("suspicious-sso-role-arn-with-path.yaml")
        .display()
        .to_string();
    let r = run(&d, &["validate", "-f", &f]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .starts_with("warning[arn-path] mapRoles[0] (line 1, column 3): "),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.ends_with("0 error(s), 1 warning(s)\n"),
        "{}",
        r.stderr
    );
    let r = run(&d, &["validate", "--strict", "-f", &f]);
    assert_eq!(r.code, 1);
}
