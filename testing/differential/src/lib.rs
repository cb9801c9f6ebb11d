//! Nothing to link: the differential suite is `tests/differential.rs`. It runs
//! aws-iam-authenticator's own parser (`testing/authcheck`) over fixtures, the corpus, the
//! checker's hand-made cases and generated data maps, and compares its verdict with
//! `aws-auth-core`'s model, diagnostics and edits.
