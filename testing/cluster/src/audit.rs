//! The apiserver's audit log, read back for tests that count requests.

use std::ops::Sub;

use serde_json::Value;

/// One request as the apiserver's audit log recorded it.
///
/// The audit policy records every request once, when its response is
/// complete, except the apiserver's own loopback calls and `/readyz`,
/// `/livez`, `/healthz` probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// The request verb: `get`, `list`, `watch`, `create`, `update`,
    /// `patch`, `delete`, … (lowercase, as Kubernetes names them; a PUT is
    /// `update`).
    pub verb: String,
    /// The authenticated user (for an impersonated request: the impersonator).
    pub user: String,
    /// The authenticated user's groups.
    pub groups: Vec<String>,
    /// The user the request acted as, when it used impersonation.
    pub impersonated_user: Option<String>,
    /// The resource, such as `configmaps`; `None` for non-resource URLs.
    pub resource: Option<String>,
    /// The namespace of the object, if any.
    pub namespace: Option<String>,
    /// The name of the object, if the request names one.
    pub name: Option<String>,
    /// The request path and query.
    pub request_uri: String,
    /// The HTTP status code of the response.
    pub code: Option<u16>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
}

impl AuditEvent {
    /// Parses one line of the JSON audit log; `None` if it is not an event.
    pub(crate) fn parse(line: &str) -> Option<AuditEvent> {
        let v: Value = serde_json::from_str(line).ok()?;
        if v.get("kind")?.as_str()? != "Event" {
            return None;
        }
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let object = v.get("objectRef");
        Some(AuditEvent {
            verb: text(&v, "verb")?,
            user: v
                .get("user")
                .and_then(|u| text(u, "username"))
                .unwrap_or_default(),
            groups: v
                .pointer("/user/groups")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            impersonated_user: v.get("impersonatedUser").and_then(|u| text(u, "username")),
            resource: object.and_then(|o| text(o, "resource")),
            namespace: object.and_then(|o| text(o, "namespace")),
            name: object.and_then(|o| text(o, "name")),
            request_uri: text(&v, "requestURI").unwrap_or_default(),
            code: v
                .pointer("/responseStatus/code")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok()),
            user_agent: text(&v, "userAgent"),
        })
    }

    /// Whether the request was about the object `resource` named `name` in
    /// `namespace` (a `create` counts: the log names the object it created).
    pub fn is_for(&self, resource: &str, namespace: &str, name: &str) -> bool {
        self.resource.as_deref() == Some(resource)
            && self.namespace.as_deref() == Some(namespace)
            && self.name.as_deref() == Some(name)
    }
}

/// How many requests of each verb reached one object; see
/// [`TestCluster::requests_for`](crate::TestCluster::requests_for).
///
/// Subtract an earlier count from a later one to count what happened in
/// between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// `get` requests (HTTP GET of the object).
    pub get: usize,
    /// `update` requests (HTTP PUT).
    pub update: usize,
    /// `create` requests (HTTP POST).
    pub create: usize,
    /// `patch` requests (HTTP PATCH).
    pub patch: usize,
    /// `delete` requests (HTTP DELETE).
    pub delete: usize,
    /// Requests with any other verb, such as a `watch` or `list` narrowed to
    /// the object by a field selector.
    pub other: usize,
}

impl RequestCounts {
    /// Counts the events of `events` that are about `resource` `name` in
    /// `namespace`.
    pub fn count<'a>(
        events: impl IntoIterator<Item = &'a AuditEvent>,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> RequestCounts {
        let mut counts = RequestCounts::default();
        for e in events
            .into_iter()
            .filter(|e| e.is_for(resource, namespace, name))
        {
            match e.verb.as_str() {
                "get" => counts.get += 1,
                "update" => counts.update += 1,
                "create" => counts.create += 1,
                "patch" => counts.patch += 1,
                "delete" => counts.delete += 1,
                _ => counts.other += 1,
            }
        }
        counts
    }

    /// The number of requests of all verbs.
    pub fn total(&self) -> usize {
        self.get + self.update + self.create + self.patch + self.delete + self.other
    }
}

impl Sub for RequestCounts {
    type Output = RequestCounts;

    /// The requests in `self` that are not in the earlier count `rhs`.
    fn sub(self, rhs: RequestCounts) -> RequestCounts {
        RequestCounts {
            get: self.get.saturating_sub(rhs.get),
            update: self.update.saturating_sub(rhs.update),
            create: self.create.saturating_sub(rhs.create),
            patch: self.patch.saturating_sub(rhs.patch),
            delete: self.delete.saturating_sub(rhs.delete),
            other: self.other.saturating_sub(rhs.other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"x","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/configmaps/aws-auth","verb":"update","user":{"username":"impersonator","groups":["system:authenticated"]},"impersonatedUser":{"username":"admin"},"userAgent":"kubectl/v1.32.4","objectRef":{"resource":"configmaps","namespace":"kube-system","name":"aws-auth","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200}}"#;

    #[test]
    fn parses_an_audit_line() {
        let e = AuditEvent::parse(LINE).expect("an event");
        assert_eq!(e.verb, "update");
        assert_eq!(e.user, "impersonator");
        assert_eq!(e.groups, ["system:authenticated"]);
        assert_eq!(e.impersonated_user.as_deref(), Some("admin"));
        assert_eq!(e.code, Some(200));
        assert!(e.is_for("configmaps", "kube-system", "aws-auth"));
        assert!(!e.is_for("configmaps", "default", "aws-auth"));
    }

    #[test]
    fn skips_lines_that_are_not_events() {
        assert_eq!(AuditEvent::parse(""), None);
        assert_eq!(AuditEvent::parse("{\"kind\":\"Ev"), None);
        assert_eq!(
            AuditEvent::parse("{\"kind\":\"Status\",\"verb\":\"get\"}"),
            None
        );
    }

    #[test]
    fn counts_by_verb_and_subtracts() {
        let e = AuditEvent::parse(LINE).expect("an event");
        let mut get = e.clone();
        get.verb = "get".into();
        let before = RequestCounts::count([&get], "configmaps", "kube-system", "aws-auth");
        let after = RequestCounts::count([&get, &e, &get], "configmaps", "kube-system", "aws-auth");
        assert_eq!(after.get, 2);
        assert_eq!(after.update, 1);
        assert_eq!(after.total(), 3);
        assert_eq!(
            after - before,
            RequestCounts {
                get: 1,
                update: 1,
                ..RequestCounts::default()
            }
        );
    }
}
