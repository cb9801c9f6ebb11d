//! WebAssembly bindings of [`aws_auth_core`] for the `aws-auth` npm package.
//!
//! A thin shell, as in biome's `biome_wasm`: each method deserialises its input, calls the core
//! and serialises the result as JSON text. Every failure goes through [`into_error`]
//! and reaches JavaScript as a thrown `{code, message, diagnostics}` object, which the
//! TypeScript layer (`npm/src/index.ts`) turns into an `AwsAuthError`. Nothing here panics on
//! user input.

use aws_auth_core::{Edit, Options, Remove, Upsert};

// Talc in place of dlmalloc: see Cargo.toml (single-threaded wasm, no atomics).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What JavaScript receives when a call fails (as JSON text, parsed by the TypeScript layer).
#[derive(Serialize)]
struct JsError<'a> {
    code: &'a str,
    message: &'a str,
    diagnostics: &'a [aws_auth_core::Diagnostic],
}

/// The one place where errors become JavaScript values.
fn into_error(err: &aws_auth_core::Error) -> JsValue {
    // The core names no flag; the text matches the CLI's, which the parity test compares.
    let message = match err.kind() {
        aws_auth_core::ErrorKind::Lockout => format!(
            "{err}; pass the lockout override to do it anyway \
             (--allow-lockout; allowLockout in npm; Options::allow_lockout in Rust)"
        ),
        _ => err.to_string(),
    };
    error_value(err.code(), &message, err.diagnostics())
}

fn error_value(code: &str, message: &str, diagnostics: &[aws_auth_core::Diagnostic]) -> JsValue {
    let json = serde_json::to_string(&JsError {
        code,
        message,
        diagnostics,
    })
    .unwrap_or_else(|_| {
        r#"{"code":"internal","message":"cannot report the error","diagnostics":[]}"#.to_owned()
    });
    JsValue::from_str(&json)
}

/// Results cross the boundary as JSON text, `JSON.parse`d by the TypeScript layer: the core
/// links serde_json already, and this keeps js-sys conversions out of the module (smaller).
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value)
        .map_err(|e| error_value("internal", &format!("cannot convert the result: {e}"), &[]))
}

fn options(force: bool, allow_lockout: bool) -> Options {
    Options {
        force,
        allow_lockout,
    }
}

/// An aws-auth ConfigMap document, edited in place. Arguments arrive checked and split into
/// primitives by the TypeScript layer; results leave as JSON text.
#[wasm_bindgen]
pub struct AwsAuth {
    doc: aws_auth_core::AwsAuth,
}

#[wasm_bindgen]
impl AwsAuth {
    /// Reads a manifest (YAML or JSON). Throws the JSON text of `{code, message, diagnostics}`.
    pub fn parse(text: &str) -> Result<AwsAuth, JsValue> {
        let doc = aws_auth_core::AwsAuth::parse(text).map_err(|e| into_error(&e))?;
        Ok(AwsAuth { doc })
    }

    /// Upserts a `mapRoles` entry; returns the core's `Change[]` as JSON.
    #[wasm_bindgen(js_name = upsertRole)]
    pub fn upsert_role(
        &mut self,
        arn: String,
        username: Option<String>,
        groups: Vec<String>,
        append: bool,
        update_username: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        let upsert = upsert(arn, username, groups, append, update_username);
        self.apply(Edit::UpsertRole(upsert), options(false, allow_lockout))
    }

    /// Upserts a `mapUsers` entry.
    #[wasm_bindgen(js_name = upsertUser)]
    pub fn upsert_user(
        &mut self,
        arn: String,
        username: Option<String>,
        groups: Vec<String>,
        append: bool,
        update_username: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        let upsert = upsert(arn, username, groups, append, update_username);
        self.apply(Edit::UpsertUser(upsert), options(false, allow_lockout))
    }

    /// Removes `mapRoles` entries.
    #[wasm_bindgen(js_name = removeRole)]
    pub fn remove_role(
        &mut self,
        arn: String,
        username: Option<String>,
        groups: Option<Vec<String>>,
        force: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        let remove = Remove {
            arn,
            username,
            groups,
        };
        self.apply(Edit::RemoveRole(remove), options(force, allow_lockout))
    }

    /// Removes `mapUsers` entries.
    #[wasm_bindgen(js_name = removeUser)]
    pub fn remove_user(
        &mut self,
        arn: String,
        username: Option<String>,
        groups: Option<Vec<String>>,
        force: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        let remove = Remove {
            arn,
            username,
            groups,
        };
        self.apply(Edit::RemoveUser(remove), options(force, allow_lockout))
    }

    /// Removes every role and user entry with this username.
    #[wasm_bindgen(js_name = removeByUsername)]
    pub fn remove_by_username(
        &mut self,
        username: String,
        force: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        self.apply(
            Edit::RemoveByUsername { username },
            options(force, allow_lockout),
        )
    }

    /// Adds an account ID to `mapAccounts`.
    #[wasm_bindgen(js_name = addAccount)]
    pub fn add_account(&mut self, account: String) -> Result<String, JsValue> {
        self.apply(Edit::AddAccount { account }, Options::default())
    }

    /// Removes an account ID from `mapAccounts`.
    #[wasm_bindgen(js_name = removeAccount)]
    pub fn remove_account(
        &mut self,
        account: String,
        force: bool,
        allow_lockout: bool,
    ) -> Result<String, JsValue> {
        self.apply(
            Edit::RemoveAccount { account },
            options(force, allow_lockout),
        )
    }

    /// `{mapRoles, mapUsers, mapAccounts}` as JSON.
    pub fn mappings(&self) -> Result<String, JsValue> {
        to_json(&self.doc.mappings())
    }

    /// All diagnostics (`Diagnostic[]`) as JSON.
    pub fn validate(&self) -> Result<String, JsValue> {
        to_json(&self.doc.validate())
    }

    /// The manifest text, byte-for-byte the input outside the edited entries.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.doc.to_string()
    }

    /// The data as `[key, value][]` JSON, in order.
    pub fn data(&self) -> Result<String, JsValue> {
        to_json(&self.doc.data())
    }

    /// `metadata.name` of the ConfigMap edited (`aws-auth`).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.doc.name().unwrap_or("aws-auth").to_string()
    }

    /// `metadata.namespace` of the ConfigMap edited, if the manifest gives one.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> Option<String> {
        self.doc.namespace()
    }
}

impl AwsAuth {
    fn apply(&mut self, edit: Edit, options: Options) -> Result<String, JsValue> {
        let changes = self
            .doc
            .apply(&[edit], &options)
            .map_err(|e| into_error(&e))?;
        to_json(&changes)
    }
}

fn upsert(
    arn: String,
    username: Option<String>,
    groups: Vec<String>,
    append: bool,
    update_username: bool,
) -> Upsert {
    Upsert {
        arn,
        // An empty username means "not given": the core decides that, as for every caller.
        username,
        groups,
        append,
        update_username,
    }
}
