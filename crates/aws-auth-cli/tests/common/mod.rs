//! What the test binaries share: running `aws-auth` (against a kubeconfig, on a manifest in a
//! scratch directory, or with a manifest on stdin) and reading what it did.
#![allow(dead_code)] // each test binary uses its own part

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_aws-auth");
pub const NODE_ROLE: &str =
    "arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6";

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn from(out: Output, elapsed: Duration) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
            elapsed,
        }
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Exit 1 with exactly one stderr line, an `error: ` line that says each thing once and
    /// shows no debug formatting of a Rust value.
    #[track_caller]
    pub fn one_error(&self) -> &str {
        assert_eq!(self.code, 1, "stderr: {}", self.stderr);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one stderr line: {}", self.stderr);
        let line = lines[0];
        assert!(line.starts_with("error: "), "{}", self.stderr);
        for debug in [
            "Status {",
            "Error {",
            "ApiError",
            "Some(",
            "ErrorResponse",
            "ServiceError",
        ] {
            assert!(!line.contains(debug), "debug formatting ({debug}): {line}");
        }
        // "a: b: b" is an error that quotes its source, printed with that source again.
        let parts: Vec<&str> = line.split(": ").filter(|p| p.len() >= 12).collect();
        for (i, part) in parts.iter().enumerate() {
            assert!(
                !parts[i + 1..].contains(part),
                "said twice ({part:?}): {line}"
            );
        }
        line
    }

    /// A refusal: [`Run::one_error`] naming `what`, and nothing on stdout (nothing written).
    #[track_caller]
    pub fn refused(&self, what: &str) {
        let line = self.one_error();
        assert!(line.contains(what), "{line} names {what}");
        assert_eq!(self.stdout, "", "nothing is written");
    }
}

/// `aws-auth ARGS --kubeconfig KUBECONFIG`, ignoring the environment's `KUBECONFIG`.
pub fn command(kubeconfig: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `cmd` with `stdin` on its standard input and collects what it printed.
pub fn run_piped(mut cmd: Command, stdin: &[u8]) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Written from a thread: a large input must not dead-lock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run::from(out, start.elapsed())
}

/// Runs `aws-auth` against a cluster and collects what it printed.
pub fn aws_auth(kubeconfig: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = command(kubeconfig, args).output().unwrap();
    Run::from(out, start.elapsed())
}

/// The reference README's "bootstrap a new node group role" command line.
pub fn upsert_node_role() -> Vec<&'static str> {
    vec![
        "upsert",
        "--maproles",
        "--rolearn",
        NODE_ROLE,
        "--username",
        "system:node:{{EC2PrivateDNSName}}",
        "--groups",
        "system:bootstrappers",
        "system:nodes",
    ]
}

/// The opening of an aws-auth ConfigMap manifest, up to its `data:` line.
pub const HEADER: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n";

/// An aws-auth ConfigMap manifest with `data` (indented lines) under `data:`.
pub fn manifest(data: &str) -> String {
    format!("{HEADER}{data}")
}

/// A manifest of the shared fixtures (`testing/fixtures/manifests`); `readme.yaml` is the README's
/// bundled example, `examples/aws-auth.yaml`.
pub fn fixture(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match name {
        "readme.yaml" => root.join("examples/aws-auth.yaml"),
        _ => root.join("testing/fixtures/manifests").join(name),
    }
}

/// A fresh directory per test, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
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
    pub fn copy(&self, name: &str) -> PathBuf {
        let to = self.0.join(name);
        fs::copy(fixture(name), &to).unwrap();
        to
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
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

/// `aws-auth ARGS` in `dir`, with `dir` as `HOME` (no `~/.kube/config` of the machine's) and
/// no `KUBECONFIG`, `stdin` on its standard input.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("KUBECONFIG")
        .env("HOME", dir);
    run_piped(cmd, stdin.unwrap_or_default())
}

/// [`run_in`] with nothing on stdin.
pub fn run(dir: &TempDir, args: &[&str]) -> Run {
    run_in(&dir.0, args, None)
}

/// Asserts equality and shows both sides as blocks.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let (expected, got) = (&$expected, &$got);
        if expected != got {
            panic!("\n--- expected ---\n{expected}\n--- got ---\n{got}\n---");
        }
    }};
}
