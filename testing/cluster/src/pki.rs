//! Certificates and keys, made with the `openssl` command.
//!
//! Why the CLI and not a crate such as `rcgen`: it is already on every machine
//! that runs these tests, it costs no compile time (rcgen brings a crypto
//! backend: `ring` or `aws-lc-rs`), and the commands below can be pasted into
//! a shell to reproduce a certificate when a TLS error needs explaining.
//! All keys are ECDSA P-256, which is fast to generate.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::User;
use crate::error::{Error, Result};

/// The openssl configuration: one extensions section per kind of certificate.
const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = unused

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// The files of the cluster's PKI.
#[derive(Debug, Clone)]
pub(crate) struct Pki {
    pub(crate) ca_cert: PathBuf,
    pub(crate) server_cert: PathBuf,
    pub(crate) server_key: PathBuf,
    pub(crate) sa_key: PathBuf,
    pub(crate) sa_pub: PathBuf,
    dir: PathBuf,
}

impl Pki {
    /// Writes a CA, the apiserver's serving certificate, one client
    /// certificate per [`User`] and the service-account key pair into `dir`.
    pub(crate) fn generate(dir: &Path) -> Result<Pki> {
        fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let cnf = dir.join("openssl.cnf");
        fs::write(&cnf, OPENSSL_CNF)
            .map_err(|e| Error::io(format!("writing {}", cnf.display()), e))?;
        let pki = Pki {
            ca_cert: dir.join("ca.crt"),
            server_cert: dir.join("apiserver.crt"),
            server_key: dir.join("apiserver.key"),
            sa_key: dir.join("sa.key"),
            sa_pub: dir.join("sa.pub"),
            dir: dir.to_path_buf(),
        };
        let ca_key = dir.join("ca.key");

        // The CA signs itself; every other certificate is signed by it.
        openssl(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
             -extensions ca -subj /CN=aws-auth-test-ca",
            &[
                ("-config", &cnf),
                ("-keyout", &ca_key),
                ("-out", &pki.ca_cert),
            ],
        )?;
        let issue = |section: &str, subject: &str, cert: &Path, key: &Path| {
            openssl(
                &format!(
                    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
                     -extensions {section} -subj {subject}"
                ),
                &[
                    ("-config", &cnf),
                    ("-CA", &pki.ca_cert),
                    ("-CAkey", &ca_key),
                    ("-keyout", key),
                    ("-out", cert),
                ],
            )
        };
        issue(
            "server",
            "/CN=kube-apiserver",
            &pki.server_cert,
            &pki.server_key,
        )?;
        for user in User::ALL {
            issue(
                "client",
                &user_subject(user),
                &pki.client_cert(user),
                &pki.client_key(user),
            )?;
        }
        openssl(
            "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
            &[("-out", &pki.sa_key)],
        )?;
        openssl(
            "pkey -pubout",
            &[("-in", &pki.sa_key), ("-out", &pki.sa_pub)],
        )?;
        Ok(pki)
    }

    /// The client certificate of `user`.
    pub(crate) fn client_cert(&self, user: User) -> PathBuf {
        self.dir.join(format!("{}.crt", user.name()))
    }

    /// The client key of `user`.
    pub(crate) fn client_key(&self, user: User) -> PathBuf {
        self.dir.join(format!("{}.key", user.name()))
    }
}

/// The certificate subject of `user`: the common name is the user name and
/// each organization is a group.
fn user_subject(user: User) -> String {
    let mut subject = String::new();
    for group in user.groups() {
        subject.push_str("/O=");
        subject.push_str(group);
    }
    subject.push_str("/CN=");
    subject.push_str(user.name());
    subject
}

/// Runs `openssl` with the space-separated words of `args`, then each
/// option of `files` followed by its path.
fn openssl(args: &str, files: &[(&str, &Path)]) -> Result<()> {
    let mut command = Command::new("openssl");
    command.args(args.split_whitespace());
    for (option, path) in files {
        command.arg(option).arg(path);
    }
    let output = command
        .output()
        .map_err(|e| Error::io("running openssl (is it installed?)", e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_carry_groups_as_organizations() {
        assert_eq!(user_subject(User::Admin), "/O=system:masters/CN=admin");
        assert_eq!(user_subject(User::Reader), "/CN=reader");
    }
}
