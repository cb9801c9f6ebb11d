//! Any text as the value of each data key, as the API server hands it over: no panic.
#![no_main]

use aws_auth_core::AwsAuth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // One input feeds the three keys: split at the first two NUL bytes, else the same text.
    let mut parts = text.splitn(3, '\0');
    let roles = parts.next().unwrap_or_default();
    let users = parts.next().unwrap_or(roles);
    let accounts = parts.next().unwrap_or(roles);
    let auth = AwsAuth::from_data([
        ("mapRoles", roles),
        ("mapUsers", users),
        ("mapAccounts", accounts),
    ]);
    let _ = auth.validate();
    let _ = auth.mappings();
    // The data goes back out as it came in (CRLF values are read as LF, but kept).
    assert_eq!(auth.data()[0].1, roles);
});
