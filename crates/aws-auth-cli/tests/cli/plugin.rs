//! One binary, two programs: `aws-auth` run under the file name `kubectl-aws_auth` (a copy, a
//! symlink, with `.exe`) is the kubectl plugin; under any other name it is `aws-auth`. The
//! releases ship this one binary (krew installs it as `kubectl-aws_auth`). What the plugin does
//! differently is name itself to the API server: `User-Agent: kubectl-aws_auth/<version>`. So
//! each run here sends `get` to a loopback server that records that header and answers 404.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{BIN, TempDir};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `User-Agent` of the request `program get` sends to an API server on loopback.
fn user_agent(program: &Path) -> String {
    let dir = TempDir::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let kubeconfig = dir.write(
        "kubeconfig",
        &format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:{port}\nusers:\n- name: nobody\n  user: {{}}\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: nobody}}\ncurrent-context: fake\n"
        ),
    );
    let (tx, rx) = mpsc::channel();
    // Left blocked in accept when the test ends: the test binary's exit ends it.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut agent = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("user-agent")
                {
                    agent = Some(value.trim().to_string());
                }
            }
            // Sent before the answer: the run cannot end before the header is recorded.
            let _ = tx.send(agent);
            let body = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = spawn_retrying(|| {
        Command::new(program)
            .args(["get", "--kubeconfig"])
            .arg(&kubeconfig)
            .env_remove("KUBECONFIG")
            .env("HOME", &dir.0)
            .output()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(Some(agent)) => agent,
        Ok(None) => panic!("{}: a request without a User-Agent", program.display()),
        Err(_) => panic!("{}: no request; stderr: {stderr}", program.display()),
    }
}

/// Runs `run`, again while the file is "busy": a copy just written can still be open for
/// writing in a child another test thread forked meanwhile (ETXTBSY), until that child execs.
fn spawn_retrying(run: impl Fn() -> std::io::Result<std::process::Output>) -> std::process::Output {
    for _ in 0..50 {
        match run() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            r => return r.unwrap(),
        }
    }
    panic!("text file busy for 5 s");
}

/// A copy of the `aws-auth` binary named `name`, in its own directory.
fn copy_as(dir: &TempDir, name: &str) -> PathBuf {
    let to = dir.0.join(name);
    std::fs::copy(BIN, &to).unwrap();
    to
}

#[test]
fn named_kubectl_aws_auth_it_is_the_plugin() {
    let plugin = format!("kubectl-aws_auth/{VERSION}");
    let dir = TempDir::new();
    assert_eq!(user_agent(&copy_as(&dir, "kubectl-aws_auth")), plugin);
    assert_eq!(user_agent(&copy_as(&dir, "kubectl-aws_auth.exe")), plugin);
    // krew links the plugin into its bin directory: the name run, not the file's, decides.
    let link = dir.0.join("bin");
    std::fs::create_dir(&link).unwrap();
    std::os::unix::fs::symlink(BIN, link.join("kubectl-aws_auth")).unwrap();
    assert_eq!(user_agent(&link.join("kubectl-aws_auth")), plugin);
}

#[test]
fn under_any_other_name_it_is_aws_auth() {
    let own = format!("aws-auth/{VERSION}");
    assert_eq!(user_agent(Path::new(BIN)), own);
    let dir = TempDir::new();
    for name in ["kubectl-aws_auth-old", "kubectl-aws-auth", "aws-auth-copy"] {
        assert_eq!(user_agent(&copy_as(&dir, name)), own, "{name}");
    }
}
