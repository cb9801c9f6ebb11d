//! A server child process in its own process group, with a lifeline.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The environment variable that makes kube-server exit when its stdin
/// reaches end of file (see `testing/kube-server/main.go`).
const LIFELINE_ENV: &str = "KUBE_SERVER_EXIT_ON_STDIN_EOF";

/// A running server.
///
/// The child leads its own process group, so a signal reaches everything it
/// may have started, and Ctrl-C in the terminal reaches only the test runner.
/// Its stdin is a pipe whose write end only this process holds: when the test
/// process dies in any way, even by `SIGKILL`, the pipe closes and kube-server
/// exits. Dropping a `Proc` kills the group at once.
pub(crate) struct Proc {
    name: &'static str,
    child: Child,
    log: PathBuf,
    // Held, never written: closing it tells the child to exit.
    _lifeline: Option<ChildStdin>,
    exited: Option<ExitStatus>,
}

impl Proc {
    /// Starts `bin args…`, appending its stdout and stderr to `log`.
    pub(crate) fn spawn(
        name: &'static str,
        bin: &Path,
        args: &[String],
        log: &Path,
    ) -> Result<Proc> {
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| Error::io(format!("opening {}", log.display()), e))?;
        let err = out
            .try_clone()
            .map_err(|e| Error::io(format!("opening {}", log.display()), e))?;
        let mut child = Command::new(bin)
            .args(args)
            .env(LIFELINE_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| Error::io(format!("starting {name} ({})", bin.display()), e))?;
        let lifeline = child.stdin.take();
        Ok(Proc {
            name,
            child,
            log: log.to_path_buf(),
            _lifeline: lifeline,
            exited: None,
        })
    }

    /// The exit status, if the process has exited.
    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().ok().flatten();
        }
        self.exited
    }

    /// The error to report when the process died while it should run.
    pub(crate) fn died(&mut self) -> Error {
        let status = self.exit_status().map_or_else(
            || "is not responding".to_string(),
            |s| format!("exited ({s})"),
        );
        let tail = log_tail(&self.log, 30);
        let mut error = Error::new(format!(
            "{} {status}; last lines of {}:\n{tail}",
            self.name,
            self.log.display()
        ));
        error.port_in_use = tail.contains("address already in use");
        error
    }

    /// Asks the process group to stop with `SIGTERM`, waits up to `grace`,
    /// then kills the group with `SIGKILL` and reaps the child.
    pub(crate) fn stop(&mut self, grace: Duration) {
        if self.exit_status().is_none() && !grace.is_zero() {
            self.signal(libc::SIGTERM);
            let deadline = Instant::now() + grace;
            while self.exit_status().is_none() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
        }
        // Also after the leader exited: anything left in its group goes too.
        self.signal(libc::SIGKILL);
        if self.exited.is_none() {
            self.exited = self.child.wait().ok();
        }
    }

    fn signal(&self, signal: libc::c_int) {
        let Ok(pgid) = libc::pid_t::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: kill(2) takes plain integers; a negative pid names the
        // process group this child leads (it was started with
        // `process_group(0)`). An error (no such group) is fine to ignore.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop(Duration::ZERO);
    }
}

/// The last `lines` lines of a log file, or a note that it can't be read.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let read = || -> std::io::Result<String> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    match read() {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}
