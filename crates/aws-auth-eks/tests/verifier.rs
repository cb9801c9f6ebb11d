//! The token against aws-iam-authenticator's own verifier (`pkg/token`'s `Verifier.Verify`, in
//! `testing/authcheck/tokencheck`), with the STS call it makes answered in-process by a stand-in
//! that recomputes the SigV4 signature with the known secret and the verifier's own cluster ID
//! in `x-k8s-aws-id`, and enforces `X-Amz-Expires`.
//!
//! Always runs (a skipped test would count as passing): `AWS_AUTH_TOKENCHECK` names a built
//! checker, else `testing/authcheck/tokencheck/build.sh` builds it (once, cached).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use aws_auth_eks::{TOKEN_PREFIX, Token, presigned_url};
use aws_credential_types::Credentials;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn tokencheck() -> PathBuf {
    if let Some(p) = std::env::var_os("AWS_AUTH_TOKENCHECK") {
        return p.into();
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testing/authcheck/tokencheck/build.sh"
    );
    let out = Command::new("sh")
        .arg(script)
        .output()
        .expect("run tokencheck/build.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// One verdict per token, as the verifier of a cluster named `cluster` gives it.
fn verify(cluster: &str, secret: &str, tokens: &[&str]) -> Vec<Value> {
    let mut child = Command::new(tokencheck())
        .args(["-cluster", cluster, "-secret", secret])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start tokencheck");
    let mut stdin = child.stdin.take().unwrap();
    for t in tokens {
        writeln!(stdin, "{t}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let verdicts: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), tokens.len());
    verdicts
}

fn creds(session: Option<&str>) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        SECRET,
        session.map(str::to_string),
        None,
        "test",
    )
}

fn token(cluster: &str, region: &str, creds: &Credentials, at: SystemTime) -> String {
    Token::sign(cluster, region, creds, at).unwrap().value
}

#[test]
fn the_authenticator_accepts_the_token_for_its_cluster_only() {
    let now = SystemTime::now();
    let right = token("test-cluster", "us-east-1", &creds(None), now);
    let session = token(
        "test-cluster",
        "us-east-1",
        &creds(Some("FwoGZXIvYXdzE+/=session")),
        now,
    );
    let other = token("other-cluster", "us-east-1", &creds(None), now);
    let expired = token(
        "test-cluster",
        "us-east-1",
        &creds(None),
        now - Duration::from_secs(16 * 60),
    );
    // A URL whose signature does not cover x-k8s-aws-id.
    let unsigned_url = presigned_url("test-cluster", "us-east-1", &creds(None), now)
        .unwrap()
        .replace("host%3Bx-k8s-aws-id", "host");
    let unsigned = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(unsigned_url));
    let cn = token("test-cluster", "cn-north-1", &creds(None), now);

    let v = verify(
        "test-cluster",
        SECRET,
        &[&right, &session, &other, &expired, &unsigned, &cn],
    );
    let [ok, ok_session, bad, old, no_header, other_partition] = &v[..] else {
        unreachable!()
    };
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(
        ok["canonicalArn"],
        "arn:aws:iam::111122223333:role/deployer"
    );
    assert_eq!(ok["accessKeyId"], "AKIDEXAMPLE");
    assert_eq!(ok["stsEndpoint"], "sts.us-east-1.amazonaws.com");
    assert_eq!(ok_session["ok"], true, "{ok_session}");

    assert_eq!(bad["ok"], false, "another cluster's token: {bad}");
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch"),
        "{bad}"
    );
    assert_eq!(old["ok"], false, "{old}");
    assert!(old["error"].as_str().unwrap().contains("expired"), "{old}");
    assert_eq!(no_header["ok"], false, "{no_header}");
    assert!(
        no_header["error"]
            .as_str()
            .unwrap()
            .contains("did not sign the x-k8s-aws-id header"),
        "{no_header}"
    );
    assert_eq!(other_partition["ok"], false, "{other_partition}");

    // The stand-in really checks the signature: another secret fails the right token.
    let wrong_key = verify("test-cluster", "not-the-secret", &[&right]);
    assert_eq!(wrong_key[0]["ok"], false, "{}", wrong_key[0]);
}
