//! WebAssembly bindings of [`aws_auth_core`] for the `aws-auth` npm package.
//!
//! A thin shell, as in biome's `biome_wasm`: each method converts its input, calls the core
//! and converts the result. Edits arrive as one list of [`types::Edit`] values (the core's
//! `Edit`, serialised) with one [`types::EditOptions`]; their TypeScript types are generated
//! from [`types`] by tsify. Every failure goes through [`into_error`] and reaches JavaScript as
//! a thrown [`types::WasmError`] `{code, message, diagnostics}`, which the TypeScript layer
//! (`npm/src/index.ts`) turns into an `AwsAuthError`. Nothing here panics on user input.

mod access_entries;
mod explain;
mod from_js;
pub mod types;

use serde::Serialize;
use serde::de::DeserializeOwned;
use types::{
    Applied, ApplyOptions, Change, Desired, Diagnostic, Edit, EditOptions, Ownership, WasmError,
};
use wasm_bindgen::prelude::*;

// Talc in place of dlmalloc: see Cargo.toml (single-threaded wasm, no atomics).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
    error_value(
        err.code(),
        message,
        err.diagnostics().iter().map(Diagnostic::from).collect(),
    )
}

fn error_value(code: &str, message: String, diagnostics: Vec<Diagnostic>) -> JsValue {
    let error = WasmError {
        code: code.to_owned(),
        message,
        diagnostics,
    };
    to_js(&error).unwrap_or_else(|e| e)
}

/// A value from JavaScript, read by the value's `Deserialize` (no JSON text in between).
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    from_js::from_value(value)
        .map_err(|e| error_value("invalid-argument", format!("{what}: {e}"), Vec::new()))
}

/// A value for JavaScript: serialised by serde_json (which the core links already) and
/// `JSON.parse`d, as cheap in size as returning JSON text, and the generated `.d.ts` can
/// name the result's type.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let internal = |what: &dyn std::fmt::Display| {
        JsValue::from_str(&format!(
            r#"{{"code":"internal","message":"cannot convert the result: {what}","diagnostics":[]}}"#
        ))
    };
    let text = serde_json::to_string(value).map_err(|e| internal(&e))?;
    js_sys::JSON::parse(&text).map_err(|_| internal(&"JSON.parse failed"))
}

/// An aws-auth ConfigMap document, edited in place.
#[wasm_bindgen]
pub struct AwsAuth {
    doc: aws_auth_core::AwsAuth,
}

#[wasm_bindgen]
impl AwsAuth {
    /// Reads a manifest (YAML or JSON). Throws a `WasmError`.
    pub fn parse(text: &str) -> Result<AwsAuth, JsValue> {
        let doc = aws_auth_core::AwsAuth::parse(text).map_err(|e| into_error(&e))?;
        Ok(AwsAuth { doc })
    }

    /// Applies the edits in order, all or nothing; returns one `Change` per entry touched.
    /// Throws a `WasmError` and changes nothing when one edit is refused.
    #[wasm_bindgen(unchecked_return_type = "Change[]")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Edit[]")] edits: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EditOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let edits: Vec<Edit> = from_js(edits, "the edits")?;
        let options: EditOptions = from_js(options, "the options")?;
        let edits: Vec<aws_auth_core::Edit> = edits.into_iter().map(Into::into).collect();
        let changes = self
            .doc
            .apply(&edits, &options.into())
            .map_err(|e| into_error(&e))?;
        let changes: Vec<Change> = changes.into_iter().map(Change::from).collect();
        to_js(&changes)
    }

    /// Reads the data of a ConfigMap as the API server returns it (`[key, value][]`), with its
    /// ownership record (the `aws-auth/managers` annotation), for code that talks to the API
    /// server itself (the CDK and Pulumi resources).
    #[wasm_bindgen(js_name = fromData)]
    pub fn from_data(
        #[wasm_bindgen(unchecked_param_type = "[string, string][]")] data: JsValue,
        record: Option<String>,
    ) -> Result<AwsAuth, JsValue> {
        let data: Vec<(String, String)> = from_js(data, "the data")?;
        let doc = aws_auth_core::AwsAuth::from_data(data).with_ownership_record(record);
        Ok(AwsAuth { doc })
    }

    /// Makes `manager` own exactly the desired entries. Throws a `WasmError` (`owned`,
    /// `lockout`, ...) and changes nothing when refused.
    #[wasm_bindgen(js_name = applyAs, unchecked_return_type = "Applied")]
    pub fn apply_as(
        &mut self,
        manager: &str,
        #[wasm_bindgen(unchecked_param_type = "Desired")] desired: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ApplyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let desired: Desired = from_js(desired, "the desired entries")?;
        let desired: aws_auth_core::Desired = desired.try_into().map_err(|e: String| {
            error_value(
                "invalid-argument",
                format!("desired entries: {e}"),
                Vec::new(),
            )
        })?;
        let options: ApplyOptions = from_js(options, "the options")?;
        let applied = self
            .doc
            .apply_as(manager, &desired, &options.into())
            .map_err(|e| into_error(&e))?;
        to_js(&Applied::from(applied))
    }

    /// Removes what `manager` created and nobody changed since, and forgets it.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn release(
        &mut self,
        manager: &str,
        #[wasm_bindgen(unchecked_param_type = "ApplyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: ApplyOptions = from_js(options, "the options")?;
        let applied = self
            .doc
            .release(manager, &options.into())
            .map_err(|e| into_error(&e))?;
        to_js(&Applied::from(applied))
    }

    /// What aws-iam-authenticator makes of a caller (a role, user or STS assumed-role ARN):
    /// the entry that maps it, the username and groups, and every near miss with its fix.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(&self, caller: &str) -> Result<JsValue, JsValue> {
        to_js(&explain::Explanation::from(self.doc.explain(caller)))
    }

    /// The EKS access entries that reproduce what the authenticator grants (contract §6):
    /// every mapping with its access entry or the reason it cannot have one, and the verdict on
    /// switching to `API` mode. `existing` and `rolePaths` are the JSON texts the CLI's
    /// `--existing` and `--role-paths` files hold. Throws a `WasmError` (`invalid-argument`)
    /// when one of them cannot be read.
    #[wasm_bindgen(js_name = planAccessEntries, unchecked_return_type = "AccessEntriesPlan")]
    pub fn plan_access_entries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PlanTextInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let input: access_entries::PlanTextInput = from_js(input, "the options")?;
        let core_input = access_entries::plan_input(&input).map_err(|(what, e)| {
            error_value("invalid-argument", format!("{what}: {e}"), Vec::new())
        })?;
        let plan = self.doc.plan_access_entries(&core_input);
        to_js(&access_entries::AccessEntriesPlan::new(
            plan,
            input.cluster_name.as_deref(),
        ))
    }

    /// Who manages each entry.
    #[wasm_bindgen(unchecked_return_type = "Ownership")]
    pub fn ownership(&self) -> Result<JsValue, JsValue> {
        to_js(&Ownership::from(self.doc.ownership()))
    }

    /// The ownership record (the `aws-auth/managers` annotation's value), or `undefined` when
    /// no manager owns anything: what a writer to the API server puts in the annotation.
    #[wasm_bindgen(js_name = ownershipRecord)]
    pub fn ownership_record(&self) -> Option<String> {
        self.doc.ownership_record().map(str::to_string)
    }

    /// `{mapRoles, mapUsers, mapAccounts}` (the core's `Mappings`, not mirrored in types.rs:
    /// the TypeScript layer declares `RoleMapping` and `UserMapping` itself).
    pub fn mappings(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.mappings())
    }

    /// All diagnostics.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn validate(&self) -> Result<JsValue, JsValue> {
        let diagnostics: Vec<Diagnostic> =
            self.doc.validate().iter().map(Diagnostic::from).collect();
        to_js(&diagnostics)
    }

    /// The manifest text, byte-for-byte the input outside the edited entries.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.doc.to_string()
    }

    /// The data as `[key, value][]`, in order.
    #[wasm_bindgen(unchecked_return_type = "[string, string][]")]
    pub fn data(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.data())
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
