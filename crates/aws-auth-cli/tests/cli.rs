//! The `aws-auth` binary in file mode: stdout, stderr, exit codes, files on disk.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{BIN, NODE_ROLE, Run, run_piped};

/// A manifest of the shared fixtures (`testing/fixtures/manifests`); `readme.yaml` is the README's
/// bundled example, `examples/aws-auth.yaml`.
fn fixture(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match name {
        "readme.yaml" => root.join("examples/aws-auth.yaml"),
        _ => root.join("testing/fixtures/manifests").join(name),
    }
}

/// A fresh directory per test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "aws-auth-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Copies a fixture into the directory and returns its path.
    fn copy(&self, name: &str) -> PathBuf {
        let to = self.0.join(name);
        fs::copy(fixture(name), &to).unwrap();
        to
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let to = self.0.join(name);
        fs::write(&to, text).unwrap();
        to
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("KUBECONFIG")
        .env("HOME", dir);
    run_piped(cmd, stdin.unwrap_or_default())
}

fn run(dir: &TempDir, args: &[&str]) -> Run {
    run_in(&dir.0, args, None)
}

/// Asserts equality and shows both sides as blocks.
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let (expected, got) = (&$expected, &$got);
        if expected != got {
            panic!("\n--- expected ---\n{expected}\n--- got ---\n{got}\n---");
        }
    }};
}

mod readme {
    //! Every command line of the reference README, against a copy of its example manifest.
    use super::*;

    #[test]
    fn remove_all_access_of_an_arn() {
        let d = TempDir::new();
        let f = d.copy("readme.yaml");
        let r = run(
            &d,
            &[
                "remove",
                "--mapusers",
                "--userarn",
                "arn:aws:iam::555555555555:user/a-user",
                "-f",
                "readme.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "removed arn:aws:iam::555555555555:user/a-user from aws-auth\nremoved arn:aws:iam::555555555555:user/a-user from aws-auth\n",
            r.stderr
        );
        eqnice!("", r.stdout);
        let text = fs::read_to_string(f).unwrap();
        assert!(!text.contains("user/a-user"), "{text}");
        assert!(text.contains("role/abc"));
    }

    #[test]
    fn remove_by_full_match() {
        let d = TempDir::new();
        let r = run(
            &d,
            &[
                "remove",
                "--mapusers",
                "--userarn",
                "arn:aws:iam::555555555555:user/a-user",
                "--username",
                "admin",
                "--groups",
                "system:masters",
                "-f",
                &fixture("readme.yaml").display().to_string(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "removed arn:aws:iam::555555555555:user/a-user from aws-auth\n",
            r.stderr
        );
        assert!(
            r.stdout.contains("username: ops-user") && !r.stdout.contains("username: admin"),
            "{}",
            r.stdout
        );
    }

    #[test]
    fn remove_by_username() {
        let d = TempDir::new();
        d.copy("readme.yaml");
        let r = run(
            &d,
            &[
                "remove-by-username",
                "--username",
                "ops-user",
                "-f",
                "readme.yaml",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "removed arn:aws:iam::555555555555:role/abc from aws-auth\nremoved arn:aws:iam::555555555555:user/a-user from aws-auth\n",
            r.stderr
        );
        assert!(!r.stdout.contains("ops-user"));
    }

    #[test]
    fn bootstrap_a_node_group_role_with_space_separated_groups() {
        let d = TempDir::new();
        d.copy("readme.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                NODE_ROLE,
                "--username",
                "system:node:{{EC2PrivateDNSName}}",
                "--groups",
                "system:bootstrappers",
                "system:nodes",
                "-f",
                "readme.yaml",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(format!("added {NODE_ROLE} to aws-auth\n"), r.stderr);
        let original = fs::read_to_string(fixture("readme.yaml")).unwrap();
        let added = format!(
            "    - rolearn: {NODE_ROLE}\n      username: system:node:{{{{EC2PrivateDNSName}}}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n"
        );
        let want = original.replace("  mapUsers: |", &format!("{added}  mapUsers: |"));
        eqnice!(want, r.stdout);
    }

    #[test]
    fn retry_flags_are_accepted_in_file_mode() {
        let d = TempDir::new();
        d.copy("readme.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                NODE_ROLE,
                "--username",
                "system:node:{{EC2PrivateDNSName}}",
                "--groups",
                "system:bootstrappers",
                "system:nodes",
                "--retry",
                "--retry-max-count",
                "3",
                "--retry-min-time",
                "100ms",
                "--retry-max-time",
                "1m30s",
                "-f",
                "readme.yaml",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    #[test]
    fn append_and_update_username_false() {
        // Exactly the README's lines, 11-digit account included: accepted with a note.
        let d = TempDir::new();
        d.copy("readme.yaml");
        let role = "arn:aws:iam::00000000000:role/test";
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                role,
                "--username",
                "test",
                "--groups",
                "test",
                "--append",
                "-f",
                "readme.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("added {role} to aws-auth\n")),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("note: ") && r.stderr.contains("not 12 digits"),
            "{}",
            r.stderr
        );
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                role,
                "--username",
                "test2",
                "--groups",
                "test",
                "--update-username=false",
                "-f",
                "readme.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("no updates needed to {role}\n")),
            "{}",
            r.stderr
        );
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                role,
                "--username",
                "test",
                "--groups",
                "other",
                "--append",
                "-f",
                "readme.yaml",
                "-i",
            ],
        );
        assert!(
            r.stderr.contains(&format!("updated {role} in aws-auth\n")),
            "{}",
            r.stderr
        );
        let r = run(&d, &["get", "-f", "readme.yaml"]);
        assert!(
            r.stdout
                .lines()
                .any(|l| l.contains(role) && l.ends_with("test, other")),
            "{}",
            r.stdout
        );
    }

    #[test]
    fn get_table() {
        let d = TempDir::new();
        let r = run(
            &d,
            &[
                "get",
                "--format",
                "table",
                "-f",
                &fixture("readme.yaml").display().to_string(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let want = "\
TYPE           ARN                                                                               USERNAME                            GROUPS
Role Mapping   arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6   system:node:{{EC2PrivateDNSName}}   system:bootstrappers, system:nodes
Role Mapping   arn:aws:iam::555555555555:role/abc                                                ops-user                            system:masters
User Mapping   arn:aws:iam::555555555555:user/a-user                                             admin                               system:masters
User Mapping   arn:aws:iam::555555555555:user/a-user                                             ops-user                            system:masters
";
        eqnice!(want, r.stdout);
        eqnice!("", r.stderr);
    }

    #[test]
    fn impersonation_flags_parse() {
        // --as/--as-group belong to live mode; with -f they are a usage error (exit 2).
        let d = TempDir::new();
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
}

mod get {
    use super::*;

    #[test]
    fn takes_the_retry_flags_of_the_writing_commands() {
        let d = TempDir::new();
        let file = fixture("02-three-roles-simple.yaml").display().to_string();
        let args = [
            "get",
            "--retry",
            "--retry-max-count",
            "3",
            "--retry-min-time",
            "50ms",
            "--retry-max-time",
            "1m30s",
            "-f",
            &file,
        ];
        let r = run(&d, &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("role/developer-role"));
    }

    #[test]
    fn json_shape_has_all_three_keys() {
        let d = TempDir::new();
        let r = run(
            &d,
            &[
                "get",
                "-o",
                "json",
                "-f",
                &fixture("02-three-roles-simple.yaml").display().to_string(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["mapRoles"].as_array().unwrap().len(), 3);
        assert_eq!(v["mapUsers"], serde_json::json!([]));
        assert_eq!(v["mapAccounts"], serde_json::json!([]));
        assert_eq!(
            v["mapRoles"][1],
            serde_json::json!({"rolearn": "arn:aws:iam::205930638578:role/admin-role", "username": "admin-user", "groups": ["system:masters"]})
        );
    }

    #[test]
    fn yaml_and_accounts() {
        let d = TempDir::new();
        let f = fixture("13-cdk-cluster-username-is-arn-mapaccounts-quoted.yaml")
            .display()
            .to_string();
        let r = run(&d, &["get", "-o", "yaml", "-f", &f]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with("mapRoles:"), "{}", r.stdout);
        let r = run(&d, &["get", "-f", &f]);
        assert!(r.stdout.starts_with("TYPE "), "{}", r.stdout);
    }

    #[test]
    fn json_manifest_from_stdin() {
        let d = TempDir::new();
        let text = fs::read(fixture("09-json-manifest-yaml-strings.json")).unwrap();
        let r = run_in(&d.0, &["get", "-o", "json", "-f", "-"], Some(&text));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v["mapRoles"].is_array());
    }

    #[test]
    fn bad_format_is_a_usage_error() {
        let d = TempDir::new();
        let r = run(&d, &["get", "-o", "xml", "-f", "x"]);
        assert_eq!(r.code, 2);
    }
}

mod write {
    use super::*;

    #[test]
    fn stdin_to_stdout() {
        let d = TempDir::new();
        let text = fs::read(fixture("02-three-roles-simple.yaml")).unwrap();
        let r = run_in(
            &d.0,
            &[
                "upsert",
                "--mapusers",
                "--userarn",
                "arn:aws:iam::205930638578:user/ada",
                "--username",
                "ada",
                "--groups",
                "a,b",
                "-f",
                "-",
            ],
            Some(&text),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "added arn:aws:iam::205930638578:user/ada to aws-auth\n",
            r.stderr
        );
        assert!(
            r.stdout.starts_with(std::str::from_utf8(&text).unwrap()),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("mapUsers"));
    }

    #[test]
    fn in_place_on_stdin_is_a_usage_error() {
        let d = TempDir::new();
        let r = run_in(
            &d.0,
            &[
                "upsert",
                "--userarn",
                "arn:aws:iam::205930638578:user/ada",
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
                "arn:aws:iam::205930638578:user/ada",
                "--username",
                "ada",
                "-i",
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("required arguments were not provided")
                && r.stderr.contains("--file"),
            "-i asks for -f, not for another argument: {}",
            r.stderr
        );
    }

    #[test]
    fn no_op_leaves_the_file_untouched() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let before = fs::metadata(&f).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let r = run(
            &d,
            &[
                "upsert",
                "--maproles",
                "--rolearn",
                "arn:aws:iam::205930638578:role/admin-role",
                "--username",
                "admin-user",
                "--groups",
                "system:masters",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "no updates needed to arn:aws:iam::205930638578:role/admin-role\n",
            r.stderr
        );
        assert_eq!(fs::metadata(&f).unwrap().modified().unwrap(), before);
        assert_eq!(
            fs::read(&f).unwrap(),
            fs::read(fixture("02-three-roles-simple.yaml")).unwrap()
        );
        assert_eq!(
            fs::read_dir(&d.0).unwrap().count(),
            1,
            "no temp file left behind"
        );
    }

    #[test]
    fn in_place_change_is_written_and_no_temp_left() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::205930638578:role/developer-role",
                "--username",
                "dev-user",
                "--groups",
                "developers",
                "viewers",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "updated arn:aws:iam::205930638578:role/developer-role in aws-auth\n",
            r.stderr
        );
        eqnice!("", r.stdout);
        let want = fs::read_to_string(fixture("02-three-roles-simple.yaml"))
            .unwrap()
            .replace(
                "        - developers\n",
                "        - developers\n        - viewers\n",
            );
        eqnice!(want, fs::read_to_string(&f).unwrap());
        assert_eq!(fs::read_dir(&d.0).unwrap().count(), 1);
    }

    #[test]
    fn crlf_file_is_edited_in_place_in_crlf() {
        // A manifest checked out on Windows (git core.autocrlf): CRLF on every line.
        let d = TempDir::new();
        let lf = fs::read_to_string(fixture("02-three-roles-simple.yaml")).unwrap();
        let f = d.write("crlf.yaml", &lf.replace('\n', "\r\n"));
        let args = |verb: &'static str| {
            let mut a = vec![verb, "--rolearn", "arn:aws:iam::111122223333:role/ops"];
            if verb == "upsert" {
                a.extend(["--username", "ops", "--groups", "system:masters"]);
            } else {
                a.push("--maproles");
            }
            a.extend(["-f", "crlf.yaml", "-i"]);
            a
        };
        let r = run(&d, &args("upsert"));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let want = format!(
            "{lf}    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n        - system:masters\n"
        );
        eqnice!(want.replace('\n', "\r\n"), fs::read_to_string(&f).unwrap());
        let r = run(&d, &args("remove"));
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(lf.replace('\n', "\r\n"), fs::read_to_string(&f).unwrap());
    }

    #[test]
    fn in_place_through_a_symlink_edits_the_target_and_keeps_the_link() {
        let d = TempDir::new();
        let target = d.copy("02-three-roles-simple.yaml");
        let link = d.0.join("link.yaml");
        std::os::unix::fs::symlink("02-three-roles-simple.yaml", &link).unwrap();
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::111122223333:role/ops",
                "--username",
                "ops",
                "-f",
                "link.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(&target)
                .unwrap()
                .contains("role/ops\n      username: ops\n")
        );
        assert_eq!(fs::read_dir(&d.0).unwrap().count(), 2, "no temp file left");
    }

    #[test]
    fn get_yaml_quotes_what_yaml_1_1_would_misread() {
        let d = TempDir::new();
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/a\n      username: \"on\"\n      groups: [\"yes\", \"2001-01-01\", \"1_000\", plain]\n";
        let r = run_in(
            &d.0,
            &["get", "-f", "-", "-o", "yaml"],
            Some(manifest.as_bytes()),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "mapRoles:\n- rolearn: arn:aws:iam::111122223333:role/a\n  username: \"on\"\n  groups:\n  - \"yes\"\n  - \"2001-01-01\"\n  - \"1_000\"\n  - plain\nmapUsers: []\nmapAccounts: []\n",
            r.stdout
        );
    }

    #[test]
    fn namespace_picks_the_configmap_in_a_file() {
        let d = TempDir::new();
        let one = |ns: &str, user: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: {ns}\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/{user}\n      username: {user}\n"
            )
        };
        let text = format!("{}---\n{}", one("default", "b"), one("kube-system", "a"));
        d.write("two.yaml", &text);
        let get = |extra: &[&str]| {
            let mut args = vec!["get", "-f", "two.yaml", "-o", "json"];
            args.extend(extra);
            run(&d, &args)
        };
        assert!(get(&[]).stdout.contains("user/a"), "kube-system by default");
        assert!(get(&["--namespace", "default"]).stdout.contains("user/b"));
        let r = get(&["--namespace", "staging"]);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr.contains("in namespace \"default\""),
            "{}",
            r.stderr
        );
    }

    #[test]
    fn empty_input_says_so() {
        let d = TempDir::new();
        let r = run_in(&d.0, &["get", "-f", "-"], Some(b"\n# nothing here\n"));
        assert_eq!(r.code, 1);
        eqnice!(
            "error: <stdin>: no ConfigMap named \"aws-auth\" in the manifest (it is empty)\n",
            r.stderr
        );
    }

    #[test]
    fn mixed_line_breaks_are_refused_with_one_line() {
        let d = TempDir::new();
        let lf = fs::read_to_string(fixture("02-three-roles-simple.yaml")).unwrap();
        let mixed = lf.replacen('\n', "\r\n", 3);
        let f = d.write("mixed.yaml", &mixed);
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::111122223333:role/ops",
                "--username",
                "ops",
                "-f",
                "mixed.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with("error: mixed.yaml: refusing to edit")
                && r.stderr.contains("line 4"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(&f).unwrap(), mixed);
    }

    #[test]
    fn error_leaves_the_file_untouched() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let before = fs::metadata(&f).unwrap().modified().unwrap();
        let r = run(
            &d,
            &[
                "remove",
                "--maproles",
                "--rolearn",
                "arn:aws:iam::205930638578:role/nope",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr
                .starts_with("error: 02-three-roles-simple.yaml: nothing matched"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::metadata(&f).unwrap().modified().unwrap(), before);
        assert_eq!(fs::read_dir(&d.0).unwrap().count(), 1);
    }

    #[test]
    fn force_makes_nothing_matched_a_success() {
        let d = TempDir::new();
        d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "remove",
                "--maproles",
                "--rolearn",
                "arn:aws:iam::205930638578:role/nope",
                "--force",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "nothing matched arn:aws:iam::205930638578:role/nope; nothing removed (--force)\n",
            r.stderr
        );
        let r = run(
            &d,
            &[
                "remove-by-username",
                "--username",
                "nobody",
                "--force",
                "-f",
                "02-three-roles-simple.yaml",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = run(
            &d,
            &[
                "remove-by-username",
                "--username",
                "nobody",
                "-f",
                "02-three-roles-simple.yaml",
            ],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
    }

    #[test]
    fn empty_username_is_a_usage_error() {
        let d = TempDir::new();
        let r = run(&d, &["remove-by-username", "--username", "", "-f", "x"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
    }

    #[test]
    fn diff_shows_the_changed_key() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "remove",
                "--rolearn",
                "arn:aws:iam::205930638578:role/developer-role",
                "-f",
                "02-three-roles-simple.yaml",
                "--diff",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let want = "\
--- a/02-three-roles-simple.yaml/data/mapRoles
+++ b/02-three-roles-simple.yaml/data/mapRoles
@@ -7,7 +7,3 @@
   username: admin-user
   groups:
     - system:masters
-- rolearn: arn:aws:iam::205930638578:role/developer-role
-  username: dev-user
-  groups:
-    - developers
";
        eqnice!(want, r.stdout);
        assert!(!fs::read_to_string(f).unwrap().contains("developer-role"));
    }

    #[test]
    fn diff_header_of_an_absolute_path_has_one_slash() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let path = f.display().to_string();
        let arn = "arn:aws:iam::205930638578:role/developer-role";
        let r = run(&d, &["remove", "--rolearn", arn, "-f", &path, "--diff"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let first = r.stdout.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("--- a/{}/data/mapRoles", path.trim_start_matches('/'))
        );
    }

    #[test]
    fn dry_run_writes_nothing() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "remove",
                "--rolearn",
                "arn:aws:iam::205930638578:role/developer-role",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
                "--dry-run",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!(
            "removed arn:aws:iam::205930638578:role/developer-role from aws-auth (dry run)\n",
            r.stderr
        );
        eqnice!("", r.stdout);
        assert_eq!(
            fs::read(&f).unwrap(),
            fs::read(fixture("02-three-roles-simple.yaml")).unwrap()
        );
    }

    #[test]
    fn accounts() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--mapaccounts",
                "--account",
                "111122223333",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(fs::read_to_string(&f).unwrap().contains("\"111122223333\""));
        let r = run(&d, &["get", "-f", "02-three-roles-simple.yaml"]);
        assert!(
            r.stdout
                .lines()
                .any(|l| l.trim_end() == "Account        111122223333"),
            "{}",
            r.stdout
        );
        let r = run(
            &d,
            &[
                "remove",
                "--mapaccounts",
                "--account",
                "111122223333",
                "-f",
                "02-three-roles-simple.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = run(
            &d,
            &["get", "-o", "json", "-f", "02-three-roles-simple.yaml"],
        );
        assert!(r.stdout.contains("\"mapAccounts\": []"), "{}", r.stdout);
    }

    #[test]
    fn role_path_is_stripped_with_a_note() {
        let d = TempDir::new();
        d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::205930638578:role/team/ci",
                "--username",
                "ci",
                "-f",
                "02-three-roles-simple.yaml",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{}", r.stderr);
        assert!(lines[0].starts_with("note: "));
        assert_eq!(
            lines[1],
            "added arn:aws:iam::205930638578:role/ci to aws-auth"
        );
    }

    #[test]
    fn json_manifest_keeps_its_style() {
        let d = TempDir::new();
        let f = d.copy("09-json-manifest-yaml-strings.json");
        let r = run(
            &d,
            &[
                "upsert",
                "--mapusers",
                "--userarn",
                "arn:aws:iam::111122223333:user/ada",
                "--username",
                "ada",
                "--groups",
                "devs",
                "-f",
                "09-json-manifest-yaml-strings.json",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let before = fs::read_to_string(f).unwrap();
        assert!(r.stdout.trim_start().starts_with('{'));
        assert_ne!(before, r.stdout);
    }
}

mod safety {
    use super::*;

    #[test]
    fn lockout_is_refused_then_overridden() {
        let d = TempDir::new();
        let f = d.copy("02-three-roles-simple.yaml");
        let args = [
            "remove",
            "--rolearn",
            "arn:aws:iam::205930638578:role/admin-role",
            "-f",
            "02-three-roles-simple.yaml",
            "-i",
        ];
        let r = run(&d, &args);
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with(
                "error: 02-three-roles-simple.yaml: refusing to take away the last system:masters"
            ),
            "{}",
            r.stderr
        );
        assert_eq!(
            fs::read(&f).unwrap(),
            fs::read(fixture("02-three-roles-simple.yaml")).unwrap()
        );
        // --force keeps its Go meaning and does not override the lockout guard.
        let mut forced = args.to_vec();
        forced.push("--force");
        assert_eq!(run(&d, &forced).code, 1);
        let mut allowed = args.to_vec();
        allowed.push("--allow-lockout");
        let r = run(&d, &allowed);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!fs::read_to_string(&f).unwrap().contains("admin-role"));
    }

    #[test]
    fn malformed_manifest() {
        let d = TempDir::new();
        let f = d.copy("04-broken-blockscalar-under-indented.yaml");
        for args in [
            vec!["get"],
            vec!["validate"],
            vec![
                "upsert",
                "--rolearn",
                "arn:aws:iam::111122223333:role/x",
                "--username",
                "x",
                "-i",
            ],
        ] {
            let mut argv = args.clone();
            argv.extend(["-f", "04-broken-blockscalar-under-indented.yaml"]);
            let r = run(&d, &argv);
            assert_eq!(r.code, 1, "{args:?}");
            eqnice!("", r.stdout);
            assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
            assert!(r.stderr.starts_with("error: 04-broken-blockscalar-under-indented.yaml: manifest is not valid YAML at line"), "{}", r.stderr);
        }
        assert_eq!(
            fs::read(&f).unwrap(),
            fs::read(fixture("04-broken-blockscalar-under-indented.yaml")).unwrap()
        );
    }

    #[test]
    fn not_a_configmap() {
        let d = TempDir::new();
        d.write(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
        );
        let r = run(&d, &["get", "-f", "pod.yaml"]);
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.starts_with("error: pod.yaml: "), "{}", r.stderr);
    }

    #[test]
    fn missing_file() {
        let d = TempDir::new();
        let r = run(&d, &["get", "-f", "nope.yaml"]);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr == "error: nope.yaml: cannot read it: No such file or directory\n",
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1);
    }

    #[test]
    fn huge_input() {
        let d = TempDir::new();
        let mut text = String::from(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n",
        );
        while text.len() < 4 * 1024 * 1024 {
            text.push_str(
                "    # padding padding padding padding padding padding padding padding\n",
            );
        }
        let f = d.write("huge.yaml", &text);
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::111122223333:role/x",
                "--username",
                "x",
                "-f",
                "huge.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr
                .starts_with("error: huge.yaml: input is larger than"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(f).unwrap(), text);
        let r = run_in(&d.0, &["get", "-f", "-"], Some(text.as_bytes()));
        assert_eq!(r.code, 1);
    }

    #[test]
    fn key_that_does_not_parse_is_not_edited() {
        let d = TempDir::new();
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: [unclosed\n";
        let f = d.write("bad.yaml", text);
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "arn:aws:iam::111122223333:role/x",
                "--username",
                "x",
                "-f",
                "bad.yaml",
                "-i",
            ],
        );
        assert_eq!(r.code, 1);
        assert!(
            r.stderr
                .starts_with("error: bad.yaml: mapRoles cannot be edited safely"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(f).unwrap(), text);
        let r = run(&d, &["validate", "-f", "bad.yaml"]);
        assert_eq!(r.code, 1);
        assert!(
            r.stdout.starts_with("error[syntax] mapRoles"),
            "{}",
            r.stdout
        );
    }

    #[test]
    fn invalid_arn_is_refused() {
        let d = TempDir::new();
        d.copy("02-three-roles-simple.yaml");
        let r = run(
            &d,
            &[
                "upsert",
                "--rolearn",
                "not-an-arn",
                "--username",
                "x",
                "-f",
                "02-three-roles-simple.yaml",
            ],
        );
        assert_eq!(r.code, 1);
        eqnice!("", r.stdout);
        assert!(
            r.stderr
                .starts_with("error: 02-three-roles-simple.yaml: invalid role ARN"),
            "{}",
            r.stderr
        );
    }
}

mod validate {
    use super::*;

    #[test]
    fn clean_file_exits_zero_silently() {
        let d = TempDir::new();
        let r = run(
            &d,
            &[
                "validate",
                "--strict",
                "-f",
                &fixture("02-three-roles-simple.yaml").display().to_string(),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        eqnice!("", r.stdout);
        eqnice!("", r.stderr);
    }

    #[test]
    fn warnings_fail_only_with_strict() {
        let d = TempDir::new();
        let f = fixture("15-suspicious-sso-role-arn-with-path.yaml")
            .display()
            .to_string();
        let r = run(&d, &["validate", "-f", &f]);
        assert_eq!(r.code, 0);
        assert!(
            r.stdout
                .starts_with("warning[arn-path] mapRoles[1] (line 6, column 3): "),
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
}

mod surface {
    use super::*;

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
        d.copy("02-three-roles-simple.yaml");
        let role = [
            "upsert",
            "--rolearn",
            "arn:aws:iam::111122223333:role/x",
            "--groups",
            "g",
            "-f",
            "02-three-roles-simple.yaml",
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
    fn no_cluster_is_one_error_line() {
        let d = TempDir::new();
        let r = run(&d, &["get"]);
        assert_eq!(r.code, 1);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    }
}

/// Issue 19: an upsert without a username is a usage error for a new ARN and for an existing
/// one alike (the npm package keeps an existing entry's username instead; a new ARN is
/// refused by both), and nothing is written.
mod username {
    use super::*;

    #[test]
    fn upsert_without_username_is_a_usage_error_and_writes_nothing() {
        let d = TempDir::new();
        let path = d.copy("02-three-roles-simple.yaml");
        let before = fs::read(&path).unwrap();
        for (flag, arn) in [
            ("--rolearn", "arn:aws:iam::205930638578:role/new"),
            ("--rolearn", "arn:aws:iam::205930638578:role/admin-role"),
            ("--userarn", "arn:aws:iam::205930638578:user/new"),
        ] {
            for username in [None, Some(""), Some("  ")] {
                let mut args = vec!["upsert", flag, arn, "--groups", "g"];
                if let Some(u) = username {
                    args.extend(["--username", u]);
                }
                args.extend(["-f", "02-three-roles-simple.yaml", "-i"]);
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
}
