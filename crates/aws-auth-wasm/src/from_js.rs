//! Reading a JavaScript value (the edit list, the options) into a serde type.
//!
//! The types' `Deserialize` derives (src/types.rs) define what is accepted; this is only a
//! small serde `Deserializer` over a `JsValue`. Not serde-wasm-bindgen or serde_json: both
//! make every type error go through `Unexpected`'s `Display`, which links Rust's float
//! formatting (about 15 KB) and, with the deserializers themselves, cost 30 to 66 KB of the
//! .wasm's 250 KiB budget (BENCHMARKS.md). Here the error type describes an unexpected value
//! without printing floats, and the serde value deserializers do the rest.

use std::fmt;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, Expected, IntoDeserializer, Unexpected, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// A value that did not fit the type: the message names what was expected.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// What a JavaScript value was, without `Unexpected`'s `Display` (which formats floats).
fn what(unexp: &Unexpected<'_>) -> String {
    match unexp {
        Unexpected::Bool(b) => format!("boolean `{b}`"),
        Unexpected::Str(s) => format!("string {s:?}"),
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number".into(),
        Unexpected::Unit | Unexpected::Option => "null".into(),
        Unexpected::Seq => "an array".into(),
        Unexpected::Map => "an object".into(),
        _ => "a value of another type".into(),
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error(format!("invalid type: {}, expected {exp}", what(&unexp)))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error(format!("invalid value: {}, expected {exp}", what(&unexp)))
    }
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    T::deserialize(Js(value))
}

/// A JavaScript value being deserialised.
struct Js(JsValue);

impl<'de> IntoDeserializer<'de, Error> for Js {
    type Deserializer = Js;
    fn into_deserializer(self) -> Js {
        self
    }
}

impl<'de> de::Deserializer<'de> for Js {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.0;
        if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if let Some(n) = v.as_f64() {
            visitor.visit_f64(n)
        } else if js_sys::Array::is_array(&v) {
            let array = js_sys::Array::from(&v);
            let items = array.iter().map(Js);
            let mut seq = SeqDeserializer::new(items);
            let value = visitor.visit_seq(&mut seq)?;
            seq.end()?;
            Ok(value)
        } else if v.is_object() {
            let entries = js_sys::Object::entries(v.unchecked_ref());
            let pairs = entries.iter().map(|pair| {
                let pair: js_sys::Array = pair.unchecked_into();
                let key = pair.get(0).as_string().unwrap_or_default();
                (key, Js(pair.get(1)))
            });
            let mut map = MapDeserializer::new(pairs);
            let value = visitor.visit_map(&mut map)?;
            map.end()?;
            Ok(value)
        } else {
            Err(de::Error::custom("a value that is not JSON data"))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
