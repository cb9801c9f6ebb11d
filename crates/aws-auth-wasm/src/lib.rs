//! WebAssembly bindings of [`aws_auth_core`] for the `aws-auth` npm package.
//!
//! A thin shell, as in biome's `biome_wasm`: each method converts its input, calls the core
//! and converts the result. Edits arrive as one list of [`types::Edit`] values (the core's
//! `Edit`, serialised) with one [`types::EditOptions`]; their TypeScript types are generated
//! from [`types`] by tsify. Every failure goes through [`into_error`] and reaches JavaScript as
//! a thrown [`types::WasmError`] `{code, message, diagnostics}`, which the TypeScript layer
//! (`npm/src/index.ts`) turns into an `AwsAuthError`. Nothing here panics on user input.

mod from_js;
pub mod types;

use serde::Serialize;
use serde::de::DeserializeOwned;
use types::{Change, Diagnostic, Edit, EditOptions, WasmError};
use wasm_bindgen::prelude::*;

// Talc in place of dlmalloc: see Cargo.toml (single-threaded wasm, no atomics).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The one place where errors become JavaScript values.
fn into_error(err: &aws_auth_core::Error) -> JsValue {
    error_value(
        err.code(),
        err.to_string(),
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
