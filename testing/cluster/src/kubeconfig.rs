//! Kubeconfig files and the RBAC manifest for the test users.

use std::fmt::Write as _;

use crate::User;

/// The name of the cluster entry in every kubeconfig.
const CLUSTER: &str = "test-cluster";

/// A user's client credentials, as PEM text.
pub(crate) struct Credentials {
    pub(crate) user: User,
    pub(crate) cert_pem: Vec<u8>,
    pub(crate) key_pem: Vec<u8>,
}

/// A kubeconfig with one context per user in `users`, each named after its
/// user; the first one is the current context. Certificates are embedded, so
/// the file still works when copied elsewhere.
pub(crate) fn render(server: &str, ca_pem: &[u8], users: &[&Credentials]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {CLUSTER}\n  cluster:\n    \
         server: {server}\n    certificate-authority-data: {}\nusers:\n",
        base64(ca_pem)
    );
    for c in users {
        let _ = write!(
            out,
            "- name: {}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            c.user.name(),
            base64(&c.cert_pem),
            base64(&c.key_pem)
        );
    }
    out.push_str("contexts:\n");
    for c in users {
        let _ = write!(
            out,
            "- name: {0}\n  context:\n    cluster: {CLUSTER}\n    user: {0}\n",
            c.user.name()
        );
    }
    if let Some(first) = users.first() {
        let _ = writeln!(out, "current-context: {}", first.user.name());
    }
    out
}

/// The RBAC objects that give each [`User`] its rights (see [`User`] for
/// what they are), plus `kube-system` in case it does not exist yet.
pub(crate) const RBAC_MANIFEST: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: test-cluster:admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: admin
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: test-cluster:aws-auth-reader
  namespace: kube-system
rules:
- apiGroups: [\"\"]
  resources: [configmaps]
  resourceNames: [aws-auth]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: test-cluster:aws-auth-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: test-cluster:aws-auth-reader
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: test-cluster:impersonator
rules:
- apiGroups: [\"\"]
  resources: [users, groups]
  verbs: [impersonate]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: test-cluster:impersonator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: test-cluster:impersonator
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: impersonator
";

/// The audit policy: one `ResponseComplete` event per request at `Metadata`
/// level, leaving out the apiserver's own loopback calls and health probes.
pub(crate) const AUDIT_POLICY: &str = "\
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: None
  users: [\"system:apiserver\"]
- level: None
  nonResourceURLs: [\"/readyz*\", \"/livez*\", \"/healthz*\"]
- level: Metadata
";

/// Standard base64 with padding (RFC 4648), as kubeconfig `*-data` fields
/// expect.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "input {input:?}");
        }
    }

    #[test]
    fn kubeconfig_has_a_context_per_user_and_the_first_is_current() {
        let admin = Credentials {
            user: User::Admin,
            cert_pem: b"C".to_vec(),
            key_pem: b"K".to_vec(),
        };
        let reader = Credentials {
            user: User::Reader,
            cert_pem: b"C".to_vec(),
            key_pem: b"K".to_vec(),
        };
        let text = render("https://127.0.0.1:1234", b"CA", &[&admin, &reader]);
        assert!(
            text.contains("    server: https://127.0.0.1:1234\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "- name: admin\n  context:\n    cluster: test-cluster\n    user: admin\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "- name: reader\n  context:\n    cluster: test-cluster\n    user: reader\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("current-context: admin\n"), "{text}");
        assert!(
            text.contains("certificate-authority-data: Q0E=\n"),
            "{text}"
        );
    }
}
