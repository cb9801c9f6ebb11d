//! Manifests on disk and on stdin: what is printed, what is rewritten in place (atomically,
//! only when changed, through symlinks, in the file's line breaks), and what is left untouched.

use std::fs;

use crate::common::{TempDir, fixture, run, run_in};
use crate::eqnice;

#[test]
fn stdin_to_stdout() {
    let d = TempDir::new();
    let text = fs::read(fixture("three-roles.yaml")).unwrap();
    let r = run_in(
        &d.0,
        &[
            "upsert",
            "--mapusers",
            "--userarn",
            "arn:aws:iam::444455556666:user/ada",
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
        "added arn:aws:iam::444455556666:user/ada to aws-auth\n",
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
fn no_op_leaves_the_file_untouched() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let before = fs::metadata(&f).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = run(
        &d,
        &[
            "upsert",
            "--maproles",
            "--rolearn",
            "arn:aws:iam::444455556666:role/platform-operators",
            "--username",
            "platform-operator",
            "--groups",
            "system:masters",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "no updates needed to arn:aws:iam::444455556666:role/platform-operators\n",
        r.stderr
    );
    assert_eq!(fs::metadata(&f).unwrap().modified().unwrap(), before);
    assert_eq!(
        fs::read(&f).unwrap(),
        fs::read(fixture("three-roles.yaml")).unwrap()
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
    let f = d.copy("three-roles.yaml");
    let r = run(
        &d,
        &[
            "upsert",
            "--rolearn",
            "arn:aws:iam::444455556666:role/reporting-readers",
            "--username",
            "reporting",
            "--groups",
            "reporting-viewers",
            "auditors",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    eqnice!(
        "updated arn:aws:iam::444455556666:role/reporting-readers in aws-auth\n",
        r.stderr
    );
    eqnice!("", r.stdout);
    let want = fs::read_to_string(fixture("three-roles.yaml"))
        .unwrap()
        .replace(
            "        - reporting-viewers\n",
            "        - reporting-viewers\n        - auditors\n",
        );
    eqnice!(want, fs::read_to_string(&f).unwrap());
    assert_eq!(fs::read_dir(&d.0).unwrap().count(), 1);
}

#[test]
fn crlf_file_is_edited_in_place_in_crlf() {
    // A manifest checked out on Windows (git core.autocrlf): CRLF on every line.
    let d = TempDir::new();
    let lf = fs::read_to_string(fixture("three-roles.yaml")).unwrap();
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
    let target = d.copy("three-roles.yaml");
    let link = d.0.join("link.yaml");
    std::os::unix::fs::symlink("three-roles.yaml", &link).unwrap();
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
    let lf = fs::read_to_string(fixture("three-roles.yaml")).unwrap();
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
        r.stderr.starts_with("error: mixed.yaml: refusing to edit") && r.stderr.contains("line 4"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), mixed);
}

#[test]
fn error_leaves_the_file_untouched() {
    let d = TempDir::new();
    let f = d.copy("three-roles.yaml");
    let before = fs::metadata(&f).unwrap().modified().unwrap();
    let r = run(
        &d,
        &[
            "remove",
            "--maproles",
            "--rolearn",
            "arn:aws:iam::444455556666:role/nope",
            "-f",
            "three-roles.yaml",
            "-i",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: three-roles.yaml: nothing matched"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::metadata(&f).unwrap().modified().unwrap(), before);
    assert_eq!(fs::read_dir(&d.0).unwrap().count(), 1);
}

#[test]
fn json_manifest_keeps_its_style() {
    let d = TempDir::new();
    let f = d.copy("json-manifest-yaml-strings.json");
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
            "json-manifest-yaml-strings.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = fs::read_to_string(f).unwrap();
    assert!(r.stdout.trim_start().starts_with('{'));
    assert_ne!(before, r.stdout);
}
