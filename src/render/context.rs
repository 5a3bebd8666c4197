//! A page's view as a Tera context, built field by field.
//!
//! `tera::Context::from_serialize` turns the whole view into one Tera map
//! first, hashing every key, then copies each key into the context's own
//! map as a new string: 6% of an L build's instructions. Here each field of
//! the view goes straight into the context as a Tera value, under its field
//! name; the fields of a flattened view come through as map entries.

use serde::ser::{self, Impossible, Serialize, Serializer};
use tera::{Context, Value};

/// The context of `view`: a struct or a map, each field or entry a variable.
pub(super) fn of<T: Serialize + ?Sized>(view: &T) -> Result<Context, tera::Error> {
    view.serialize(Top)
        .map_err(|Unsupported(what)| tera::Error::message(what))
}

/// Why a view could not be a context: it is not a struct or a map, a key
/// is not a string, or a value could not be serialized.
#[derive(Debug)]
struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        Unsupported(message.to_string())
    }
}

/// A field's value as Tera's own serializer makes it (so a kept value is
/// taken as it is, not walked again).
fn value<T: Serialize + ?Sized>(field: &T) -> Result<Value, Unsupported> {
    Value::try_from_serializable(field).map_err(|error| Unsupported(error.to_string()))
}

/// The serializer of the view itself.
struct Top;

/// Only a struct or a map is a context.
fn not_a_context<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!(
        "a page's context must be a struct or a map, not {what}"
    )))
}

/// The fields or entries gathered so far, and a map entry's key until its
/// value comes.
struct Fields {
    context: Context,
    key: Option<String>,
}

impl ser::SerializeStruct for Fields {
    type Ok = Context;
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        field: &T,
    ) -> Result<(), Unsupported> {
        self.context.insert_value(key, value(field)?);
        Ok(())
    }

    fn end(self) -> Result<Context, Unsupported> {
        Ok(self.context)
    }
}

impl ser::SerializeMap for Fields {
    type Ok = Context;
    type Error = Unsupported;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        let key = value(key)?;
        let name = key
            .as_str()
            .ok_or_else(|| Unsupported(format!("a key that is not a name: {key}")))?;
        self.key = Some(name.to_string());
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, entry: &T) -> Result<(), Unsupported> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Unsupported("a value without a key".into()))?;
        self.context.insert_value(key, value(entry)?);
        Ok(())
    }

    fn end(self) -> Result<Context, Unsupported> {
        Ok(self.context)
    }
}

impl Serializer for Top {
    type Ok = Context;
    type Error = Unsupported;
    type SerializeSeq = Impossible<Context, Unsupported>;
    type SerializeTuple = Impossible<Context, Unsupported>;
    type SerializeTupleStruct = Impossible<Context, Unsupported>;
    type SerializeTupleVariant = Impossible<Context, Unsupported>;
    type SerializeMap = Fields;
    type SerializeStruct = Fields;
    type SerializeStructVariant = Impossible<Context, Unsupported>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields, Unsupported> {
        Ok(Fields {
            context: Context::new(),
            key: None,
        })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Fields, Unsupported> {
        self.serialize_struct("", 0)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        inner: &T,
    ) -> Result<Context, Unsupported> {
        inner.serialize(self)
    }

    fn serialize_bool(self, _: bool) -> Result<Context, Unsupported> {
        not_a_context("a boolean")
    }
    fn serialize_i64(self, _: i64) -> Result<Context, Unsupported> {
        not_a_context("a number")
    }
    fn serialize_u64(self, _: u64) -> Result<Context, Unsupported> {
        not_a_context("a number")
    }
    fn serialize_f64(self, _: f64) -> Result<Context, Unsupported> {
        not_a_context("a number")
    }
    fn serialize_i8(self, v: i8) -> Result<Context, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Context, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Context, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<Context, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Context, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Context, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_f32(self, v: f32) -> Result<Context, Unsupported> {
        self.serialize_f64(v.into())
    }
    fn serialize_char(self, _: char) -> Result<Context, Unsupported> {
        not_a_context("a character")
    }
    fn serialize_str(self, _: &str) -> Result<Context, Unsupported> {
        not_a_context("a string")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Context, Unsupported> {
        not_a_context("bytes")
    }
    fn serialize_none(self) -> Result<Context, Unsupported> {
        not_a_context("nothing")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, inner: &T) -> Result<Context, Unsupported> {
        inner.serialize(self)
    }
    fn serialize_unit(self) -> Result<Context, Unsupported> {
        not_a_context("nothing")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Context, Unsupported> {
        not_a_context("nothing")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Context, Unsupported> {
        not_a_context("a name")
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Context, Unsupported> {
        not_a_context("an enum")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        not_a_context("a list")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        not_a_context("a list")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        not_a_context("a list")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        not_a_context("an enum")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        not_a_context("an enum")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Inner<'a> {
        title: &'a str,
        count: usize,
    }

    #[derive(serde::Serialize)]
    struct Page<'a> {
        #[serde(flatten)]
        inner: Inner<'a>,
        list: Vec<u8>,
        missing: Option<&'a str>,
    }

    #[test]
    fn a_view_makes_the_context_tera_would() {
        let page = Page {
            inner: Inner {
                title: "A <b>",
                count: 3,
            },
            list: vec![1, 2],
            missing: None,
        };
        let ours = of(&page).expect("a context");
        assert_eq!(ours, Context::from_serialize(&page).expect("a context"));
        assert_eq!(ours.get("title").and_then(Value::as_str), Some("A <b>"));
        let plain = Inner {
            title: "x",
            count: 0,
        };
        assert_eq!(
            of(&plain).expect("a context"),
            Context::from_serialize(&plain).expect("a context")
        );
        assert!(of(&3).is_err());
        assert!(of(&vec![1]).is_err());
    }
}
