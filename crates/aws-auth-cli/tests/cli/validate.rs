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

/// A GitHub Actions workflow command as the runner parses it: `::error` or `::warning`, then
/// `key=value` properties separated by `,` (values with `%`, CR, LF, `:` and `,` encoded),
/// then `::` and the message (with `%`, CR and LF encoded).
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect(line);
    let (head, message) = rest.split_once("::").expect(line);
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    assert!(matches!(command, "error" | "warning" | "notice"), "{line}");
    assert!(!message.contains('\r') && !message.contains('\n'));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect(line);
            assert!(!v.contains(':'), "an unencoded : in {line}");
            (k.to_string(), v.to_string())
        })
        .collect();
    (command.to_string(), props, message.to_string())
}

#[test]
fn github_format_points_at_lines_of_the_manifest_file() {
    let d = TempDir::new();
    let text = "apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    # nodes
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]

    - rolearn: arn:aws:iam::111122223333:role/team/ops
      username: ops
      groups: [system:masters]
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/ada
      username: \"{{SessionNameX}}\"
    - username: nobody
";
    let f = d.write("aws-auth.yaml", text);
    let r = run(&d, &["validate", "-f", "aws-auth.yaml", "-o", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let file_lines: Vec<&str> = text.lines().collect();
    let mut seen = Vec::new();
    for line in r.stdout.lines() {
        let (command, props, message) = parse_workflow_command(line);
        let get = |k: &str| props.iter().find(|p| p.0 == k).map(|p| p.1.clone());
        assert_eq!(get("file").as_deref(), Some("aws-auth.yaml"));
        let n: usize = get("line").unwrap().parse().unwrap();
        let col: usize = get("col").unwrap().parse().unwrap();
        let title = get("title").unwrap();
        let at = &file_lines[n - 1][col - 1..];
        seen.push((command.clone(), title.clone(), n, at.to_string()));
        assert!(message.starts_with("map"), "{message}");
    }
    let want = [
        (
            "warning",
            "arn-path",
            13,
            "rolearn: arn:aws:iam::111122223333:role/team/ops",
        ),
        (
            "warning",
            "unknown-template",
            17,
            "userarn: arn:aws:iam::111122223333:user/ada",
        ),
        ("error", "missing-arn", 19, "username: nobody"),
    ];
    for (command, title, n, at) in want {
        assert!(
            seen.iter()
                .any(|s| s.0 == command && s.1 == title && s.2 == n && s.3 == at),
            "{command} {title} at line {n} ({at}) in {seen:?}"
        );
    }
    assert_eq!(seen.len(), r.stdout.lines().count());
    drop(f);
}

#[test]
fn json_format_has_the_npm_diagnostic_fields_and_file_positions() {
    let d = TempDir::new();
    let f = fixture("suspicious-sso-role-arn-with-path.yaml")
        .display()
        .to_string();
    let r = run(&d, &["validate", "-f", &f, "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d0 = &v[0];
    for field in [
        "severity", "code", "message", "key", "entry", "line", "column",
    ] {
        assert!(d0.get(field).is_some(), "{field} in {d0}");
    }
    let allowed = [
        "severity",
        "code",
        "message",
        "key",
        "entry",
        "line",
        "column",
        "fileLine",
        "fileColumn",
    ];
    for k in d0.as_object().unwrap().keys() {
        assert!(allowed.contains(&k.as_str()), "{k}");
    }
    assert_eq!(d0["code"], "arn-path");
    let file_text = std::fs::read_to_string(&f).unwrap();
    let n = d0["fileLine"].as_u64().unwrap() as usize;
    assert!(
        file_text.lines().nth(n - 1).unwrap().contains("rolearn"),
        "{}",
        file_text
    );
}

#[test]
fn github_format_of_a_json_manifest_points_at_the_key_value() {
    let d = TempDir::new();
    d.write(
        "cdk.json",
        r#"{"apiVersion": "v1", "kind": "ConfigMap",
 "metadata": {"name": "aws-auth", "namespace": "kube-system"},
 "data": {
  "mapRoles": "[{\"rolearn\":\"arn:aws:iam::111122223333:role/a/b\",\"username\":\"b\",\"groups\":[\"system:masters\"]}]"
 }}
"#,
    );
    let r = run(&d, &["validate", "-f", "cdk.json", "-o", "github"]);
    eqnice!(
        "::warning file=cdk.json,line=4,col=15,title=arn-path::mapRoles[0]: arn:aws:iam::111122223333:role/a/b has a path and never matches; map arn:aws:iam::111122223333:role/b\n",
        r.stdout
    );
}
