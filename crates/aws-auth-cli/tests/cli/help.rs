//! Help: examples are verbatim lines after the options, never reflowed into a paragraph.

use crate::common::{TempDir, run};

#[test]
fn upsert_help_shows_each_example_on_its_own_line() {
    let d = TempDir::new();
    for flag in ["--help", "-h"] {
        let r = run(&d, &["upsert", flag]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let examples = lines
            .iter()
            .position(|l| *l == "Examples:")
            .expect("an Examples: section");
        let options = lines.iter().position(|l| *l == "Options:").unwrap();
        assert!(examples > options, "examples come after the options");
        for line in [
            "  aws-auth upsert --maproles --rolearn arn:aws:iam::555555555555:role/nodes \\",
            "      --username 'system:node:{{EC2PrivateDNSName}}' --groups system:bootstrappers system:nodes",
            "  aws-auth upsert -f aws-auth.yaml -i --mapusers \\",
            "      --userarn arn:aws:iam::555555555555:user/ada --username ada --groups system:masters",
            "  aws-auth upsert --rolearn arn:aws:iam::555555555555:role/ci --username ci --groups deploy --append",
        ] {
            assert!(
                lines[examples..].contains(&line),
                "{flag}: {line}\n{}",
                r.stdout
            );
        }
    }
}

#[test]
fn every_subcommand_has_examples_that_fit_the_help_width() {
    let d = TempDir::new();
    for sub in [
        "upsert",
        "remove",
        "remove-by-username",
        "apply",
        "release",
        "get",
        "validate",
        "explain",
        "diff",
        "completion",
    ] {
        let r = run(&d, &[sub, "--help"]);
        assert_eq!(r.code, 0, "{sub}: {}", r.stderr);
        let (_, examples) = r.stdout.split_once("\nExamples:\n").expect(sub);
        for line in examples.lines() {
            assert!(line.chars().count() <= 100, "{sub}: {line}");
            assert!(
                line.is_empty()
                    || line.starts_with("  aws-auth ")
                    || line.starts_with("  #")
                    || line.starts_with("      ")
                    || line.starts_with("  git "),
                "{sub}: {line}"
            );
        }
    }
}

#[test]
fn token_help_teaches_a_kubeconfig_exec_stanza_that_parses() {
    let d = TempDir::new();
    let r = run(&d, &["token", "--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, examples) = r.stdout.split_once("\nExamples:\n").unwrap();
    for line in examples.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    // The stanza: the lines from `users:` to the first blank line, as YAML.
    let start = examples.find("  users:").expect("a users: stanza");
    let stanza = &examples[start..];
    let stanza = &stanza[..stanza.find("\n\n").unwrap()];
    let doc: serde_norway::Value = serde_norway::from_str(stanza).unwrap();
    let exec = &doc["users"][0]["user"]["exec"];
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1beta1");
    assert_eq!(exec["command"], "aws-auth");
    let args: Vec<&str> = exec["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        args,
        ["token", "--cluster-name", "prod", "--region", "eu-west-1"]
    );
}
