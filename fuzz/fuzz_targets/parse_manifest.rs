//! Any text as a manifest: no panic, and what reads prints back byte for byte.
#![no_main]

use aws_auth_core::AwsAuth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(auth) = AwsAuth::parse(text) {
        let _ = auth.validate();
        let _ = auth.mappings();
        let _ = auth.data();
        assert_eq!(
            auth.to_string(),
            text,
            "an unedited manifest prints back byte for byte"
        );
    }
});
