//! Lossless, validated edits of the Amazon EKS `aws-auth` ConfigMap.
//!
//! The ConfigMap `kube-system/aws-auth` maps IAM roles and users to Kubernetes users and
//! groups. One bad write to it locks every node and every person out of a cluster, so this
//! crate reads it exactly as aws-iam-authenticator does, refuses edits that would break it, and
//! writes back only the bytes an edit changes: comments, order, indentation and the JSON style
//! of AWS CDK survive.
//!
//! - [`AwsAuth`]: the document. Parse a manifest ([`AwsAuth::parse`]) or a ConfigMap's `data`
//!   ([`AwsAuth::from_data`]), read it ([`AwsAuth::mappings`]), check it
//!   ([`AwsAuth::validate`]), edit it ([`AwsAuth::apply`]), print it (`Display`).
//! - [`AwsAuth::apply_as`], [`AwsAuth::release`]: entries owned by named managers, so that
//!   several writers share aws-auth without overwriting each other (see [`Desired`]).
//! - [`Edit`], [`Options`], [`Change`]: operations as values, and what each did.
//! - [`Diagnostic`]: a finding with a stable [`Code`], a [`Severity`] and where it is.
//!
//! The crate does no I/O and has no async: it builds for `wasm32-unknown-unknown`.
//!
//! # Example
//! ```
//! use aws_auth_core::{AwsAuth, Edit, Options, Upsert};
//!
//! let manifest = r#"apiVersion: v1
//! kind: ConfigMap
//! metadata:
//!   name: aws-auth
//!   namespace: kube-system
//! data:
//!   mapRoles: |
//!     - rolearn: arn:aws:iam::111122223333:role/nodes # the node group
//!       username: system:node:{{EC2PrivateDNSName}}
//!       groups:
//!         - system:bootstrappers
//!         - system:nodes
//! "#;
//! let mut auth = AwsAuth::parse(manifest)?;
//! let ops = Upsert::new("arn:aws:iam::111122223333:role/ops", "ops", ["system:masters"]);
//! let changes = auth.apply(&[Edit::UpsertRole(ops)], &Options::default())?;
//! assert_eq!(changes[0].to_string(), "added arn:aws:iam::111122223333:role/ops to aws-auth");
//! assert!(auth.to_string().starts_with(manifest));
//! # Ok::<(), aws_auth_core::Error>(())
//! ```
#![deny(missing_docs)]

pub mod access_entries;
mod arn;
mod authenticator;
mod diagnostics;
mod document;
mod edit;
mod error;
mod explain;
mod file_position;
mod line_breaks;
mod manifest;
mod model;
mod ownership;
mod quoted;
mod section;
mod semantic_diff;
mod small_sort;
mod validate;
mod yaml;

pub use arn::{Arn, PARTITIONS, strip_role_path};
pub use authenticator::{AuthenticatorView, EntryStatus, MASTERS, Unmatchable, ViewEntry};
pub use diagnostics::{Code, Diagnostic, Severity};
pub use document::{AwsAuth, MAX_DATA_BYTES, MAX_INPUT_BYTES};
pub use edit::{Action, Change, Edit, Options, Remove, Upsert};
pub use error::{Error, ErrorKind};
pub use explain::{
    Caller, CallerError, Explanation, Grant, NearMiss, NearMissReason, PrincipalKind,
    canonicalize_caller,
};
pub use file_position::{KeyPosition, key_positions};
pub use model::{DataKey, Mappings, RoleMapping, SsoSpec, UserMapping};
pub use ownership::{
    Applied, ApplyOptions, Desired, DesiredEntry, OWNERSHIP_ANNOTATION, Ownership,
};
pub use semantic_diff::{
    AccountsDiff, ChangedMapping, ListDiff, LiveMapping, RemovedMapping, SemanticDiff,
};
pub use validate::TEMPLATES;
