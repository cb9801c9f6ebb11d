/*!
A real Kubernetes API server on loopback, for end-to-end tests.

(Long, about 730 lines, because it is the one type every live test drives: starting, stopping
and restarting the two processes, users and kubeconfigs, and reading the audit log belong
together; PKI, processes and the audit log itself are modules of their own.)

[`TestCluster::start`] builds (once, then from a cache) the `kube-server`
binary of `testing/kube-server` — the real `kube-apiserver` and the real `etcd`
in one executable — and starts both on free ports of `127.0.0.1` in a new
temporary directory, with:

- a fresh CA, a serving certificate and one client certificate per [`User`];
- `--authorization-mode=RBAC` and the roles that give each [`User`] its rights;
- a kubeconfig per user, and one with a context per user
  ([`TestCluster::kubeconfig`]);
- an audit log, read back with [`TestCluster::audit_events`] and
  [`TestCluster::requests_for`] to count requests at the server.

Dropping the cluster kills both servers and removes the directory, also when
the test panics. The servers also exit on their own when the test process
dies, however it dies, so no process outlives a test run.

Set `AWS_AUTH_KUBE_SERVER` to a prebuilt `kube-server` binary to skip the
build, `KUBECTL` to choose the `kubectl` to run, and
`AWS_AUTH_KEEP_TEST_CLUSTER=1` to keep the directory (logs, certificates,
kubeconfigs) after the cluster is dropped.

# Example

```no_run
use test_cluster::{TestCluster, User};

# fn main() -> test_cluster::Result<()> {
let cluster = TestCluster::start()?;
let out = cluster.kubectl(User::Admin, ["-n", "kube-system", "create", "configmap", "aws-auth"]);
assert!(out.status.success());

let out = cluster.kubectl(User::Reader, ["-n", "kube-system", "delete", "configmap", "aws-auth"]);
assert!(String::from_utf8_lossy(&out.stderr).contains("Forbidden"));

assert_eq!(cluster.aws_auth_requests()?.create, 1);
# Ok(())
# }
```
*/
#![deny(missing_docs)]

mod audit;
mod error;
mod kubeconfig;
mod pki;
mod process;

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use audit::{AuditEvent, RequestCounts};
pub use error::{Error, Result};

use kubeconfig::Credentials;
use pki::Pki;
use process::Proc;

/// How long the apiserver may take to become ready. Generous: the machines
/// that run the tests are small and busy.
const READY_TIMEOUT: Duration = Duration::from_secs(180);

/// How long a stopping server gets to exit after `SIGTERM`.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// One of the users the cluster knows, each with its own client certificate
/// and kubeconfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum User {
    /// `admin`, in group `system:masters`: may do anything. The user name is
    /// also bound to `cluster-admin`, so impersonating `admin` (without its
    /// group) may do anything too.
    Admin,
    /// `reader`: may only `get` the ConfigMap `kube-system/aws-auth`
    /// (plus what every authenticated user may do, such as discovery).
    Reader,
    /// `nobody`: no rights beyond those of every authenticated user.
    Nobody,
    /// `impersonator`: may impersonate any user or group, and do nothing
    /// else itself.
    Impersonator,
}

impl User {
    /// Every user, in a fixed order (admin first).
    pub const ALL: [User; 4] = [User::Admin, User::Reader, User::Nobody, User::Impersonator];

    /// The user name in its certificate, which is also the name of its
    /// kubeconfig context.
    pub fn name(self) -> &'static str {
        match self {
            User::Admin => "admin",
            User::Reader => "reader",
            User::Nobody => "nobody",
            User::Impersonator => "impersonator",
        }
    }

    /// The groups in its certificate.
    pub fn groups(self) -> &'static [&'static str] {
        match self {
            User::Admin => &["system:masters"],
            User::Reader | User::Nobody | User::Impersonator => &[],
        }
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A running `etcd` and `kube-apiserver` on loopback; see the [crate docs](crate).
///
/// All methods take `&self`, so one cluster can be shared between threads
/// (see [`TestCluster::shared`]).
pub struct TestCluster {
    dir: PathBuf,
    bin: PathBuf,
    apiserver_port: u16,
    apiserver_args: Vec<String>,
    etcd: Mutex<Option<Proc>>,
    apiserver: Mutex<Option<Proc>>,
    audit_syncs: AtomicU64,
}

impl TestCluster {
    /// Starts a new cluster and waits until it is ready: `/readyz` is ok and
    /// every [`User`] has its rights.
    ///
    /// This takes a few seconds, or several minutes the first time on a
    /// machine, when `kube-server` must be built (see
    /// [`kube_server_binary`]).
    ///
    /// # Errors
    ///
    /// When `kube-server` cannot be built or found, when `openssl` or
    /// `kubectl` cannot be run, or when a server does not start (the error
    /// ends with its log).
    pub fn start() -> Result<TestCluster> {
        TestCluster::start_with_apiserver_args(&[])
    }

    /// [`TestCluster::start`], with `extra` flags for kube-apiserver after the usual ones (for
    /// example a token webhook: `--authentication-token-webhook-config-file=...`).
    ///
    /// # Errors
    ///
    /// As [`TestCluster::start`].
    pub fn start_with_apiserver_args(extra: &[String]) -> Result<TestCluster> {
        let bin = kube_server_binary()?;
        let mut attempt = 1;
        loop {
            match TestCluster::start_with(&bin, extra) {
                // Another process took a port between our pick and its bind.
                Err(e) if e.port_in_use && attempt < 3 => attempt += 1,
                result => return result,
            }
        }
    }

    /// One process-wide cluster, started on first use and stopped when the
    /// process exits.
    ///
    /// Tests that share it run in parallel: give each its own ConfigMap name
    /// or namespace, and do not stop or restart it (use [`TestCluster::start`]
    /// for that).
    ///
    /// # Errors
    ///
    /// As [`TestCluster::start`]; a later call tries again.
    pub fn shared() -> Result<&'static TestCluster> {
        static SHARED: Mutex<Option<&'static TestCluster>> = Mutex::new(None);
        extern "C" fn stop_shared() {
            if let Ok(guard) = SHARED.try_lock()
                && let Some(cluster) = *guard
            {
                cluster.shut_down();
            }
        }

        let mut guard = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cluster) = *guard {
            return Ok(cluster);
        }
        let cluster: &'static TestCluster = Box::leak(Box::new(TestCluster::start()?));
        *guard = Some(cluster);
        // Statics are never dropped; this runs when the test binary exits.
        // SAFETY: registers a plain `extern "C"` function without arguments.
        unsafe {
            libc::atexit(stop_shared);
        }
        Ok(cluster)
    }

    fn start_with(bin: &Path, extra: &[String]) -> Result<TestCluster> {
        let dir = make_temp_dir()?;
        let [etcd_port, peer_port, apiserver_port] = free_ports()?;
        let mut cluster = TestCluster {
            dir: dir.clone(),
            bin: bin.to_path_buf(),
            apiserver_port,
            apiserver_args: Vec::new(),
            etcd: Mutex::new(None),
            apiserver: Mutex::new(None),
            audit_syncs: AtomicU64::new(0),
        };
        // From here on, an error drops `cluster`, which cleans up.
        let pki = Pki::generate(&dir.join("pki"))?;
        cluster.write_kubeconfigs(&pki)?;
        write(&dir.join("audit-policy.yaml"), kubeconfig::AUDIT_POLICY)?;
        write(
            &dir.join("tokens.csv"),
            format!(
                "{},{TOKEN_USER},{TOKEN_USER},\"system:masters\"\n",
                random_token()?
            ),
        )?;
        cluster.apiserver_args = apiserver_args(&dir, &pki, etcd_port, apiserver_port);
        cluster.apiserver_args.extend(extra.iter().cloned());

        let etcd = format!("http://127.0.0.1:{etcd_port}");
        let peer = format!("http://127.0.0.1:{peer_port}");
        let etcd_args = [
            "etcd".to_string(),
            "--name=test".to_string(),
            format!("--data-dir={}", dir.join("etcd-data").display()),
            format!("--listen-client-urls={etcd}"),
            format!("--advertise-client-urls={etcd}"),
            format!("--listen-peer-urls={peer}"),
            format!("--initial-advertise-peer-urls={peer}"),
            format!("--initial-cluster=test={peer}"),
            // Test data does not need to survive a power cut.
            "--unsafe-no-fsync=true".to_string(),
            "--log-level=warn".to_string(),
        ];
        let mut proc = Proc::spawn("etcd", bin, &etcd_args, &dir.join("etcd.log"))?;
        wait_for_port(&mut proc, etcd_port, Duration::from_secs(60))?;
        *cluster
            .etcd
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = Some(proc);

        cluster.start_apiserver()?;
        cluster.grant_rights()?;
        Ok(cluster)
    }

    /// The apiserver's URL, `https://127.0.0.1:<port>`.
    pub fn server_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.apiserver_port)
    }

    /// The apiserver's port; it stays the same across
    /// [`TestCluster::restart_apiserver`].
    pub fn apiserver_port(&self) -> u16 {
        self.apiserver_port
    }

    /// A static bearer token (`--token-auth-file`) of the user `token-admin`,
    /// in group `system:masters`: for clients that authenticate as EKS
    /// callers do, with `Authorization: Bearer`. Random per cluster.
    ///
    /// # Errors
    ///
    /// When the token file cannot be read.
    pub fn bearer_token(&self) -> Result<String> {
        let text = read(&self.dir.join("tokens.csv"))?;
        let text = String::from_utf8_lossy(&text);
        Ok(text.split(',').next().unwrap_or_default().to_string())
    }

    /// The kubeconfig with one context per [`User`], each named after its
    /// user (`admin`, `reader`, `nobody`, `impersonator`); `admin` is the
    /// current context.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.join("kubeconfig")
    }

    /// The kubeconfig of `user` alone: one context, named after the user,
    /// and current.
    pub fn kubeconfig_for(&self, user: User) -> PathBuf {
        self.dir.join(format!("kubeconfig-{}", user.name()))
    }

    /// The CA certificate (PEM) that signed the serving and client
    /// certificates.
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join("pki").join("ca.crt")
    }

    /// The cluster's temporary directory: certificates, kubeconfigs, logs
    /// and etcd data. Removed when the cluster is dropped.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The apiserver's log (stdout and stderr of every start).
    pub fn apiserver_log(&self) -> PathBuf {
        self.dir.join("apiserver.log")
    }

    /// etcd's log.
    pub fn etcd_log(&self) -> PathBuf {
        self.dir.join("etcd.log")
    }

    /// The audit log: one JSON event per line (see [`TestCluster::audit_events`]).
    pub fn audit_log(&self) -> PathBuf {
        self.dir.join("audit.log")
    }

    /// A `kubectl` command for `user`, with its kubeconfig and a cache
    /// directory inside the cluster's directory; add arguments and run it.
    ///
    /// The program is `$KUBECTL` if set, else `kubectl` from `PATH`.
    pub fn kubectl_command(&self, user: User) -> Command {
        let program = std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into());
        let mut command = Command::new(program);
        command
            .arg("--kubeconfig")
            .arg(self.kubeconfig_for(user))
            .arg("--cache-dir")
            .arg(self.dir.join("kubectl-cache"))
            .stdin(Stdio::null());
        command
    }

    /// Runs `kubectl` as `user` with `args` and returns its output, whatever
    /// its exit status.
    ///
    /// # Panics
    ///
    /// If `kubectl` cannot be started at all (not installed): no test can go
    /// on without it.
    pub fn kubectl<I, S>(&self, user: User, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.kubectl_command(user);
        command.args(args);
        match command.output() {
            Ok(output) => output,
            Err(e) => panic!("cannot run {:?}: {e}", command.get_program()),
        }
    }

    /// Every request recorded in the audit log so far, oldest first.
    ///
    /// When the apiserver runs, this first waits until requests whose
    /// responses already arrived are in the log.
    ///
    /// # Errors
    ///
    /// When the audit log cannot be read.
    pub fn audit_events(&self) -> Result<Vec<AuditEvent>> {
        self.sync_audit_log();
        let path = self.audit_log();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        Ok(text.lines().filter_map(AuditEvent::parse).collect())
    }

    /// How many requests of each verb reached the object `resource` named
    /// `name` in `namespace`, such as `("configmaps", "kube-system",
    /// "aws-auth")`, since the cluster started.
    ///
    /// # Errors
    ///
    /// When the audit log cannot be read.
    pub fn requests_for(
        &self,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> Result<RequestCounts> {
        let events = self.audit_events()?;
        Ok(RequestCounts::count(&events, resource, namespace, name))
    }

    /// [`TestCluster::requests_for`] the ConfigMap `kube-system/aws-auth`.
    ///
    /// # Errors
    ///
    /// When the audit log cannot be read.
    pub fn aws_auth_requests(&self) -> Result<RequestCounts> {
        self.requests_for("configmaps", "kube-system", "aws-auth")
    }

    /// Stops the apiserver (`SIGTERM`, then `SIGKILL` after 10 s); etcd and
    /// its data stay. Clients get "connection refused" until
    /// [`TestCluster::start_apiserver`].
    pub fn stop_apiserver(&self) {
        let proc = lock(&self.apiserver).take();
        if let Some(mut proc) = proc {
            proc.stop(STOP_GRACE);
        }
    }

    /// Starts the apiserver again on the same port, with the same etcd data,
    /// and waits until it is ready. Does nothing if it runs.
    ///
    /// # Errors
    ///
    /// When it does not start or become ready (the error ends with its log).
    pub fn start_apiserver(&self) -> Result<()> {
        let mut guard = lock(&self.apiserver);
        if let Some(proc) = guard.as_mut()
            && proc.exit_status().is_none()
        {
            return Ok(());
        }
        let mut proc = Proc::spawn(
            "kube-apiserver",
            &self.bin,
            &self.apiserver_args,
            &self.apiserver_log(),
        )?;
        self.wait_ready(&mut proc)?;
        *guard = Some(proc);
        Ok(())
    }

    /// [`TestCluster::stop_apiserver`], then [`TestCluster::start_apiserver`].
    ///
    /// # Errors
    ///
    /// As [`TestCluster::start_apiserver`].
    pub fn restart_apiserver(&self) -> Result<()> {
        self.stop_apiserver();
        self.start_apiserver()
    }

    /// Stops the apiserver, then etcd. The files stay until the cluster is
    /// dropped.
    pub fn stop(&self) {
        self.stop_apiserver();
        if let Some(mut proc) = lock(&self.etcd).take() {
            proc.stop(STOP_GRACE);
        }
    }

    /// Kills both servers at once and removes the directory, unless
    /// `AWS_AUTH_KEEP_TEST_CLUSTER` is set.
    fn shut_down(&self) {
        // Dropping a `Proc` kills its process group with SIGKILL.
        drop(lock(&self.apiserver).take());
        drop(lock(&self.etcd).take());
        if std::env::var_os("AWS_AUTH_KEEP_TEST_CLUSTER").is_some() {
            eprintln!("test-cluster: kept {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    fn write_kubeconfigs(&self, pki: &Pki) -> Result<()> {
        let ca = read(&pki.ca_cert)?;
        let mut all = Vec::new();
        for user in User::ALL {
            all.push(Credentials {
                user,
                cert_pem: read(&pki.client_cert(user))?,
                key_pem: read(&pki.client_key(user))?,
            });
        }
        let server = self.server_url();
        for c in &all {
            write(
                &self.kubeconfig_for(c.user),
                kubeconfig::render(&server, &ca, &[c]),
            )?;
        }
        let refs: Vec<&Credentials> = all.iter().collect();
        write(&self.kubeconfig(), kubeconfig::render(&server, &ca, &refs))
    }

    /// Polls `/readyz` as admin until it answers `ok`.
    fn wait_ready(&self, proc: &mut Proc) -> Result<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.apiserver_port));
        let mut last = String::new();
        while Instant::now() < deadline {
            if proc.exit_status().is_some() {
                return Err(proc.died());
            }
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                let out = self.kubectl(
                    User::Admin,
                    ["get", "--raw", "/readyz", "--request-timeout=10s"],
                );
                if out.status.success() && out.stdout.trim_ascii() == b"ok" {
                    return Ok(());
                }
                last = String::from_utf8_lossy(&out.stderr).trim().to_string();
            }
            thread::sleep(Duration::from_millis(200));
        }
        let mut error = proc.died();
        error = Error::new(format!(
            "kube-apiserver not ready after {}s (last /readyz answer: {last}); {error}",
            READY_TIMEOUT.as_secs()
        ));
        Err(error)
    }

    /// Creates the RBAC objects of the users and waits until the authorizer
    /// sees them.
    fn grant_rights(&self) -> Result<()> {
        let manifest = self.dir.join("rbac.yaml");
        write(&manifest, kubeconfig::RBAC_MANIFEST)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let out = self.kubectl(
                User::Admin,
                [OsStr::new("apply"), "-f".as_ref(), manifest.as_os_str()],
            );
            if out.status.success() {
                break;
            }
            // `kube-system` may appear between apply's read and its create.
            if attempts == 5 {
                return Err(Error::new(format!(
                    "kubectl apply -f {} failed: {}",
                    manifest.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            thread::sleep(Duration::from_millis(500));
        }
        let checks: [(User, &[&str]); 3] = [
            (
                User::Reader,
                &["get", "configmap/aws-auth", "-n", "kube-system"],
            ),
            (User::Impersonator, &["impersonate", "users"]),
            (
                User::Admin,
                &[
                    "update",
                    "configmap/aws-auth",
                    "-n",
                    "kube-system",
                    "--as",
                    "admin",
                ],
            ),
        ];
        let deadline = Instant::now() + Duration::from_secs(60);
        for (user, check) in checks {
            loop {
                let out = self.kubectl(user, ["auth", "can-i"].iter().chain(check));
                if out.stdout.trim_ascii() == b"yes" {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(Error::new(format!(
                        "RBAC did not take effect: `kubectl auth can-i {}` as {user} still says {:?}",
                        check.join(" "),
                        String::from_utf8_lossy(&out.stdout).trim()
                    )));
                }
                thread::sleep(Duration::from_millis(200));
            }
        }
        Ok(())
    }

    /// Makes one request that names a unique object, and waits until it is
    /// in the audit log: then so is every request answered before it.
    fn sync_audit_log(&self) {
        let running = lock(&self.apiserver)
            .as_mut()
            .is_some_and(|p| p.exit_status().is_none());
        if !running {
            return;
        }
        let marker = format!(
            "test-cluster-audit-sync-{}",
            self.audit_syncs.fetch_add(1, Ordering::Relaxed)
        );
        let uri = format!("/api/v1/namespaces/default/configmaps/{marker}");
        let out = self.kubectl(User::Admin, ["get", "--raw", &uri, "--request-timeout=10s"]);
        if !String::from_utf8_lossy(&out.stderr).contains("NotFound") {
            return; // It did not reach the server: nothing to wait for.
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if fs::read_to_string(self.audit_log()).is_ok_and(|t| t.contains(&marker)) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl fmt::Debug for TestCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCluster")
            .field("server", &self.server_url())
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The path of the `kube-server` binary: `$AWS_AUTH_KUBE_SERVER` if set,
/// else what `testing/kube-server/build.sh` prints. That script builds the
/// binary the first time (several minutes; its progress goes to stderr) and
/// then answers from its cache under
/// `${AWS_AUTH_CACHE:-$HOME/.cache/aws-auth}/kube-server/`.
///
/// The answer is remembered for the rest of the process.
///
/// # Errors
///
/// When `$AWS_AUTH_KUBE_SERVER` is not a file, or when the build fails.
pub fn kube_server_binary() -> Result<PathBuf> {
    static FOUND: Mutex<Option<PathBuf>> = Mutex::new(None);
    // Held during the build, so parallel tests wait for one build.
    let mut found = lock(&FOUND);
    if let Some(path) = found.as_ref() {
        return Ok(path.clone());
    }
    let path = if let Some(path) = std::env::var_os("AWS_AUTH_KUBE_SERVER") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(Error::new(format!(
                "AWS_AUTH_KUBE_SERVER={} is not a file",
                path.display()
            )));
        }
        path
    } else {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kube-server/build.sh");
        let out = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| Error::io(format!("running {}", script.display()), e))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last = stdout.lines().last().unwrap_or_default().trim();
        if !out.status.success() || last.is_empty() {
            return Err(Error::new(format!(
                "{} failed ({}); its output is above",
                script.display(),
                out.status
            )));
        }
        PathBuf::from(last)
    };
    *found = Some(path.clone());
    Ok(path)
}

fn apiserver_args(dir: &Path, pki: &Pki, etcd_port: u16, port: u16) -> Vec<String> {
    let p = |path: &Path| path.display().to_string();
    vec![
        "apiserver".to_string(),
        format!("--etcd-servers=http://127.0.0.1:{etcd_port}"),
        "--bind-address=127.0.0.1".to_string(),
        "--advertise-address=127.0.0.1".to_string(),
        format!("--secure-port={port}"),
        format!("--tls-cert-file={}", p(&pki.server_cert)),
        format!("--tls-private-key-file={}", p(&pki.server_key)),
        format!("--client-ca-file={}", p(&pki.ca_cert)),
        format!("--token-auth-file={}", p(&dir.join("tokens.csv"))),
        format!("--service-account-key-file={}", p(&pki.sa_pub)),
        format!("--service-account-signing-key-file={}", p(&pki.sa_key)),
        "--service-account-issuer=https://kubernetes.default.svc".to_string(),
        "--service-cluster-ip-range=10.96.0.0/24".to_string(),
        "--authorization-mode=RBAC".to_string(),
        format!("--audit-policy-file={}", p(&dir.join("audit-policy.yaml"))),
        format!("--audit-log-path={}", p(&dir.join("audit.log"))),
        "--audit-log-format=json".to_string(),
        "--audit-log-mode=blocking".to_string(),
        // Unused (certificates are given), but keeps it out of /var/run.
        format!("--cert-dir={}", p(&dir.join("apiserver-certs"))),
        "--profiling=false".to_string(),
    ]
}

/// The user of the static bearer token ([`TestCluster::bearer_token`]).
pub const TOKEN_USER: &str = "token-admin";

/// 32 random bytes from the kernel, hex.
fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Error::io("reading /dev/urandom", e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Three distinct free ports on 127.0.0.1 (free when this returns).
fn free_ports() -> Result<[u16; 3]> {
    let bind = || {
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| Ok((l.local_addr()?.port(), l)))
            .map_err(|e| Error::io("finding a free port on 127.0.0.1", e))
    };
    // Held together, so the three differ.
    let (a, _la) = bind()?;
    let (b, _lb) = bind()?;
    let (c, _lc) = bind()?;
    Ok([a, b, c])
}

/// Waits until something accepts connections on `port`, or `proc` dies.
fn wait_for_port(proc: &mut Proc, port: u16, timeout: Duration) -> Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if proc.exit_status().is_some() {
            return Err(proc.died());
        }
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(50));
    }
    Err(proc.died())
}

/// A new private directory under the system's temporary directory.
fn make_temp_dir() -> Result<PathBuf> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "aws-auth-test-cluster-{}-{}-{nanos}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    fs::create_dir(&dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io(format!("securing {}", dir.display()), e))?;
    Ok(dir)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    fs::write(path, contents).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
