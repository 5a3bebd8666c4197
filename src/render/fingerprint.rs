//! A page's fingerprint: a 128-bit hash of its template's name and its whole
//! context, taken straight from the context's `Serialize` implementation.
//!
//! Every value is fed to the hash with a tag and, for text and lists, its
//! length, so two different contexts never feed the same bytes. Nothing is
//! formatted or escaped on the way: this runs for every page of every
//! rebuild in `serve`, to tell which pages need rendering again.

use std::cell::Cell;

use serde::ser;
use serde::{Serialize, Serializer};
use xxhash_rust::xxh3::Xxh3;

/// The newtype name a [`serialize_kept`] value goes by.
const KEPT: &str = "$explainer::kept";

thread_local! {
    /// The fingerprint of the kept value being serialized on this thread.
    static KEPT_PRINT: Cell<Option<u128>> = const { Cell::new(None) };
}

/// Serializes a Tera value shown on many pages, whose fingerprint was taken
/// once: into a fingerprint it goes as that fingerprint, without walking it
/// again; into anything else (Tera's context) as the value itself.
pub(super) fn serialize_kept<S: Serializer>(
    print: u128,
    value: &tera::Value,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    KEPT_PRINT.set(Some(print));
    let result = serializer.serialize_newtype_struct(KEPT, value);
    KEPT_PRINT.set(None);
    result
}

/// The fingerprint of `page` rendered with `template`.
pub(super) fn of<T: Serialize + ?Sized>(template: &str, page: &T) -> u128 {
    let mut hasher = Fingerprint(Xxh3::new());
    hasher.text(template);
    // Serializing into a hasher fails only if a type's own Serialize fails,
    // and the views' never do; the fingerprint is then of what was fed.
    let _ = page.serialize(&mut hasher);
    hasher.0.digest128()
}

struct Fingerprint(Xxh3);

/// Why serializing stopped: a type's own `Serialize` reported an error.
#[derive(Debug)]
pub(super) struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value could not be serialized")
    }
}

impl std::error::Error for Stopped {}

impl ser::Error for Stopped {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stopped
    }
}

impl Fingerprint {
    fn tag(&mut self, tag: u8) {
        self.0.update(&[tag]);
    }

    fn bytes(&mut self, tag: u8, bytes: &[u8]) {
        self.0.update(&[tag]);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn text(&mut self, text: &str) {
        self.bytes(b's', text.as_bytes());
    }
}

type Done = Result<(), Stopped>;

impl ser::Serializer for &mut Fingerprint {
    type Ok = ();
    type Error = Stopped;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.bytes(b'b', &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.bytes(b'i', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.bytes(b'I', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.bytes(b'u', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.bytes(b'U', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.bytes(b'f', &v.to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.text(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.text(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.bytes(b'B', v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(b'n');
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.tag(b'S');
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(b'0');
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Done {
        self.bytes(b'v', &index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Done {
        if name == KEPT
            && let Some(print) = KEPT_PRINT.take()
        {
            self.bytes(b'k', &print.to_le_bytes());
            return Ok(());
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Done {
        self.bytes(b'v', &index.to_le_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Stopped> {
        self.tag(b'[');
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Stopped> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Stopped> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Stopped> {
        self.bytes(b'v', &index.to_le_bytes());
        self.serialize_seq(None)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Stopped> {
        self.tag(b'{');
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Stopped> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Stopped> {
        self.bytes(b'v', &index.to_le_bytes());
        self.serialize_map(None)
    }
}

/// Closes a list or map: without it `[[a], b]` and `[[a, b]]` would feed the same bytes.
fn end(hasher: &mut Fingerprint) -> Done {
    hasher.tag(b'.');
    Ok(())
}

/// Lists, tuples and their kinds: each element in turn, then the end.
macro_rules! elements {
    ($($kind:ident::$element:ident),*) => {$(
        impl ser::$kind for &mut Fingerprint {
            type Ok = ();
            type Error = Stopped;
            fn $element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                end(self)
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Structs and their kind: each field's name, its value, then the end.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl ser::$kind for &mut Fingerprint {
            type Ok = ();
            type Error = Stopped;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
                self.text(key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                end(self)
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for &mut Fingerprint {
    type Ok = ();
    type Error = Stopped;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Page<'a> {
        title: &'a str,
        items: Vec<Vec<&'a str>>,
        note: Option<&'a str>,
    }

    #[test]
    fn different_contexts_have_different_fingerprints() {
        let page = |title, items: Vec<Vec<&'static str>>, note| Page { title, items, note };
        let base = of("t.html", &page("A", vec![vec!["a"], vec!["b"]], None));
        assert_eq!(
            base,
            of("t.html", &page("A", vec![vec!["a"], vec!["b"]], None))
        );
        assert_ne!(
            base,
            of("u.html", &page("A", vec![vec!["a"], vec!["b"]], None))
        );
        assert_ne!(
            base,
            of("t.html", &page("B", vec![vec!["a"], vec!["b"]], None))
        );
        assert_ne!(base, of("t.html", &page("A", vec![vec!["a", "b"]], None)));
        assert_ne!(base, of("t.html", &page("A", vec![vec!["ab"]], None)));
        assert_ne!(
            base,
            of("t.html", &page("A", vec![vec!["a"], vec!["b"]], Some("")))
        );
    }
}
