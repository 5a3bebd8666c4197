//! The record a build keeps beside the site of what it wrote: each file's
//! hash and size, so the next build can leave alone what it would write the
//! same again. A file modified after the manifest was written (by hand, say)
//! is written again: the manifest is written last, so every file a build
//! wrote is older than it.
//!
//! One line per file, sorted by path: `HASH SIZE PATH`, the hash in hex
//! (xxh3, 128 bits). A line `- - PATH` is a file in an unknown state: a
//! build was changing or removing it when it stopped. The next build writes
//! it again if it still makes it, and removes it otherwise. The same site
//! has the same manifest, byte for byte.

use std::collections::BTreeMap;
use std::fs;
use std::time::UNIX_EPOCH;

use xxhash_rust::xxh3::xxh3_128;

/// The manifest's name at the top of the output folder.
pub const FILE: &str = ".explainer-manifest";

const HEADER: &str = "explainer-manifest 2\n";

/// What the file system says of a file, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Nanoseconds since 1970; 0 when the file system cannot tell.
    pub modified: i128,
}

impl Stamp {
    pub fn of(metadata: &fs::Metadata) -> Stamp {
        let modified =
            metadata
                .modified()
                .ok()
                .map_or(0, |time| match time.duration_since(UNIX_EPOCH) {
                    Ok(after) => after.as_nanos() as i128,
                    Err(before) => -(before.duration().as_nanos() as i128),
                });
        Stamp {
            size: metadata.len(),
            modified,
        }
    }
}

/// What the manifest knows of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Written with these bytes (by hash), this many.
    Known { hash: u128, size: u64 },
    /// Being changed or removed when a build stopped.
    Unknown,
}

/// Every file of a built site but the marker and the manifest, by path
/// from the site root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest(pub BTreeMap<String, Record>);

/// The hash a manifest records of a file's bytes.
pub fn hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

impl Manifest {
    /// Reads a manifest's text; `None` unless every line is well formed.
    pub fn parse(text: &str) -> Option<Manifest> {
        let body = text.strip_prefix(HEADER)?;
        let mut records = BTreeMap::new();
        for line in body.lines() {
            let mut fields = line.splitn(3, ' ');
            let (hash, size, path) = (fields.next()?, fields.next()?, fields.next()?);
            let record = if (hash, size) == ("-", "-") {
                Record::Unknown
            } else {
                Record::Known {
                    hash: u128::from_str_radix(hash, 16).ok()?,
                    size: size.parse().ok()?,
                }
            };
            records.insert(path.to_string(), record);
        }
        Some(Manifest(records))
    }

    /// The manifest's text. A path no line can hold (one with a line break)
    /// is left out: the next build writes that file again.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(HEADER.len() + self.0.len() * 96);
        text.push_str(HEADER);
        for (path, record) in &self.0 {
            if memchr::memchr2(b'\n', b'\r', path.as_bytes()).is_some() {
                continue;
            }
            match record {
                Record::Known { hash, size } => push_known(&mut text, *hash, *size, path),
                Record::Unknown => text.push_str(&format!("- - {path}\n")),
            }
        }
        text
    }
}

/// The line `{hash:032x} {size} {path}` and its line break, its hash spelled
/// digit by digit into a buffer and its size by `itoa`: formatting them
/// (`u128` as padded hex, then `writeln!`) took most of the time of a big
/// site's manifest, which is written after everything else, on one core.
fn push_known(text: &mut String, hash: u128, size: u64, path: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 32];
    for (at, digit) in digits.iter_mut().rev().enumerate() {
        *digit = HEX[(hash >> (4 * at) & 0xf) as usize];
    }
    // Hex digits are ASCII.
    text.push_str(std::str::from_utf8(&digits).unwrap_or_default());
    text.push(' ');
    text.push_str(itoa::Buffer::new().format(size));
    text.push(' ');
    text.push_str(path);
    text.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_spelled_as_format_spells_it() {
        let cases = [
            (0, 0),
            (1, 9),
            (u128::MAX, u64::MAX),
            (0x0123_4567_89ab_cdef_fedc_ba98_7654_3210, 10),
            (hash(b"page"), 5281),
        ];
        for (hash, size) in cases {
            let mut text = String::new();
            push_known(&mut text, hash, size, "events/a b/index.html");
            assert_eq!(text, format!("{hash:032x} {size} events/a b/index.html\n"));
        }
    }

    #[test]
    fn a_manifest_reads_back_what_it_wrote() {
        let mut records = BTreeMap::new();
        records.insert(
            "events/a b/index.html".to_string(),
            Record::Known {
                hash: hash(b"page"),
                size: 4,
            },
        );
        records.insert("style.css".to_string(), Record::Unknown);
        let manifest = Manifest(records);
        let text = manifest.text();
        assert!(
            text.ends_with(" 4 events/a b/index.html\n- - style.css\n"),
            "{text}"
        );
        assert_eq!(Manifest::parse(&text), Some(manifest));
    }

    #[test]
    fn a_damaged_manifest_is_no_manifest() {
        assert_eq!(Manifest::parse(""), None);
        // The first manifests also recorded times: written anew.
        assert_eq!(Manifest::parse("explainer-manifest 1\n"), None);
        assert_eq!(
            Manifest::parse("explainer-manifest 2\nzz 1 index.html\n"),
            None
        );
        assert_eq!(Manifest::parse("explainer-manifest 2\n00 1\n"), None);
        assert_eq!(
            Manifest::parse("explainer-manifest 2\n"),
            Some(Manifest::default())
        );
    }

    #[test]
    fn a_path_with_a_line_break_is_left_out() {
        let mut records = BTreeMap::new();
        records.insert("a\nb.txt".to_string(), Record::Unknown);
        assert_eq!(Manifest(records).text(), HEADER);
    }
}
