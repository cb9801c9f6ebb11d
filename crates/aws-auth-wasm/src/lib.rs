//! WebAssembly bindings of [`aws_auth_core`] for the `aws-auth` npm package.
//!
//! A thin shell, as in biome's `biome_wasm`: each method deserialises its input, calls the core
//! and serialises the result as plain JavaScript data. Every failure goes through [`into_error`]
//! and reaches JavaScript as a thrown `{code, message, diagnostics}` object, which the
//! TypeScript layer (`npm/src/index.ts`) turns into an `AwsAuthError`. Nothing here panics on
//! user input.

mod metadata;

use aws_auth_core::{Edit, Options, Remove, Upsert};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What JavaScript receives when a call fails.
#[derive(Serialize)]
struct JsError<'a> {
    code: &'a str,
    message: String,
    diagnostics: &'a [aws_auth_core::Diagnostic],
}

/// The one place where errors become JavaScript values.
fn into_error(err: &aws_auth_core::Error) -> JsValue {
    error_value(err.code(), err.to_string(), err.diagnostics())
}

fn error_value(code: &str, message: String, diagnostics: &[aws_auth_core::Diagnostic]) -> JsValue {
    let value = JsError {
        code,
        message: message.clone(),
        diagnostics,
    };
    value
        .serialize(&serializer())
        .unwrap_or_else(|_| JsValue::from_str(&message))
}

fn invalid_argument(what: &str, err: impl std::fmt::Display) -> JsValue {
    error_value("invalid-argument", format!("{what}: {err}"), &[])
}

/// Maps become plain objects, not `Map`s; `None` fields are left out.
fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::json_compatible()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serializer())
        .map_err(|e| error_value("internal", format!("cannot convert the result: {e}"), &[]))
}

fn from_js<T: for<'de> Deserialize<'de> + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid_argument(what, e))
}

/// `{rolearn, username?, groups?}` or `{userarn, ...}`; the ARN field name depends on the key.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct MappingInput {
    rolearn: Option<String>,
    userarn: Option<String>,
    username: Option<String>,
    groups: Option<Vec<String>>,
}

impl MappingInput {
    fn arn(&self, field: &str) -> Result<String, JsValue> {
        let arn = if field == "rolearn" {
            &self.rolearn
        } else {
            &self.userarn
        };
        arn.clone()
            .ok_or_else(|| error_value("invalid-argument", format!("`{field}` is required"), &[]))
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct UpsertOptions {
    append: Option<bool>,
    update_username: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EditOptions {
    force: Option<bool>,
    allow_lockout: Option<bool>,
}

impl EditOptions {
    fn core(&self) -> Options {
        Options {
            force: self.force.unwrap_or(false),
            allow_lockout: self.allow_lockout.unwrap_or(false),
        }
    }
}

/// An aws-auth ConfigMap document, edited in place.
#[wasm_bindgen]
pub struct AwsAuth {
    doc: aws_auth_core::AwsAuth,
    meta: metadata::Metadata,
}

#[wasm_bindgen]
impl AwsAuth {
    /// Reads a manifest (YAML or JSON). Throws `{code, message, diagnostics}`.
    pub fn parse(text: &str) -> Result<AwsAuth, JsValue> {
        let doc = aws_auth_core::AwsAuth::parse(text).map_err(|e| into_error(&e))?;
        let meta = metadata::Metadata::find(text);
        Ok(AwsAuth { doc, meta })
    }

    /// Upserts a `mapRoles` entry; returns the core's `Change[]`.
    #[wasm_bindgen(js_name = upsertRole)]
    pub fn upsert_role(&mut self, mapping: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let upsert = upsert(mapping, options, "rolearn")?;
        self.apply(Edit::UpsertRole(upsert), Options::default())
    }

    /// Upserts a `mapUsers` entry.
    #[wasm_bindgen(js_name = upsertUser)]
    pub fn upsert_user(&mut self, mapping: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let upsert = upsert(mapping, options, "userarn")?;
        self.apply(Edit::UpsertUser(upsert), Options::default())
    }

    /// Removes `mapRoles` entries.
    #[wasm_bindgen(js_name = removeRole)]
    pub fn remove_role(&mut self, mapping: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let (remove, options) = remove(mapping, options, "rolearn")?;
        self.apply(Edit::RemoveRole(remove), options)
    }

    /// Removes `mapUsers` entries.
    #[wasm_bindgen(js_name = removeUser)]
    pub fn remove_user(&mut self, mapping: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let (remove, options) = remove(mapping, options, "userarn")?;
        self.apply(Edit::RemoveUser(remove), options)
    }

    /// Removes every role and user entry with this username.
    #[wasm_bindgen(js_name = removeByUsername)]
    pub fn remove_by_username(
        &mut self,
        username: String,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: EditOptions = from_js(options, "options")?;
        self.apply(Edit::RemoveByUsername { username }, options.core())
    }

    /// Adds an account ID to `mapAccounts`.
    #[wasm_bindgen(js_name = addAccount)]
    pub fn add_account(&mut self, account: String) -> Result<JsValue, JsValue> {
        self.apply(Edit::AddAccount { account }, Options::default())
    }

    /// Removes an account ID from `mapAccounts`.
    #[wasm_bindgen(js_name = removeAccount)]
    pub fn remove_account(
        &mut self,
        account: String,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: EditOptions = from_js(options, "options")?;
        self.apply(Edit::RemoveAccount { account }, options.core())
    }

    /// `mapRoles` entries as plain objects.
    #[wasm_bindgen(getter)]
    pub fn roles(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.mappings().roles)
    }

    /// `mapUsers` entries as plain objects.
    #[wasm_bindgen(getter)]
    pub fn users(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.mappings().users)
    }

    /// `mapAccounts` items.
    #[wasm_bindgen(getter)]
    pub fn accounts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.mappings().accounts)
    }

    /// All diagnostics (`Diagnostic[]`).
    pub fn validate(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.validate())
    }

    /// The manifest text, byte-for-byte the input outside the edited entries.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.doc.to_string()
    }

    /// The data as `[key, value][]`, in order.
    pub fn data(&self) -> Result<JsValue, JsValue> {
        to_js(&self.doc.data())
    }

    /// `metadata.name` of the ConfigMap edited (`aws-auth`).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.meta.name.clone()
    }

    /// `metadata.namespace` of the ConfigMap edited, if the manifest gives one.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> Option<String> {
        self.meta.namespace.clone()
    }
}

impl AwsAuth {
    fn apply(&mut self, edit: Edit, options: Options) -> Result<JsValue, JsValue> {
        let changes = self
            .doc
            .apply(&[edit], &options)
            .map_err(|e| into_error(&e))?;
        to_js(&changes)
    }
}

fn upsert(mapping: JsValue, options: JsValue, field: &str) -> Result<Upsert, JsValue> {
    let mapping: MappingInput = from_js(mapping, "mapping")?;
    let options: UpsertOptions = from_js(options, "options")?;
    Ok(Upsert {
        arn: mapping.arn(field)?,
        username: mapping.username.filter(|u| !u.is_empty()),
        groups: mapping.groups.unwrap_or_default(),
        append: options.append.unwrap_or(false),
        update_username: options.update_username.unwrap_or(true),
    })
}

fn remove(mapping: JsValue, options: JsValue, field: &str) -> Result<(Remove, Options), JsValue> {
    let mapping: MappingInput = from_js(mapping, "mapping")?;
    let options: EditOptions = from_js(options, "options")?;
    let remove = Remove {
        arn: mapping.arn(field)?,
        username: mapping.username,
        groups: mapping.groups,
    };
    Ok((remove, options.core()))
}
