//! Coordinates in the drawn SVG: the text `{:.1}` and `{:.0}` give, made
//! without Rust's general float formatter, which cost about 6% of a whole
//! build's instructions (callgrind, the synthetic M story) for the tens of
//! thousands of numbers in the actor maps and timelines.

use std::fmt;

/// `value` with one decimal, written exactly as `format!("{value:.1}")` writes it.
pub fn d1(value: f64) -> Fixed {
    Fixed {
        value,
        tenths: true,
    }
}

/// `value` with no decimal, written exactly as `format!("{value:.0}")` writes it.
pub fn d0(value: f64) -> Fixed {
    Fixed {
        value,
        tenths: false,
    }
}

/// A number to write with a fixed number of decimals; see [`d1`] and [`d0`].
#[derive(Debug, Clone, Copy)]
pub struct Fixed {
    value: f64,
    tenths: bool,
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(units) = self.rounded() {
            let (digits, at) = self.digits(units);
            // Only ASCII digits and a point were written.
            return f.pad(std::str::from_utf8(&digits[at..]).map_err(|_| fmt::Error)?);
        }
        match self.tenths {
            true => write!(f, "{:.1}", self.value),
            false => write!(f, "{:.0}", self.value),
        }
    }
}

/// Something the drawings write into their SVG text, as `{}` would write
/// it but without the formatter's work for each piece: see [`put!`].
pub trait Put {
    fn put(&self, out: &mut String);
}

impl Put for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Put + ?Sized> Put for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

impl Put for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Put for Fixed {
    fn put(&self, out: &mut String) {
        match self.rounded() {
            // Pushed as a few pieces of text, not digit by digit.
            Some(units) if self.tenths => {
                out.push_str(itoa::Buffer::new().format(units / 10));
                out.push('.');
                out.push(char::from(b'0' + (units % 10) as u8));
            }
            Some(units) => out.push_str(itoa::Buffer::new().format(units)),
            None => {
                use fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    }
}

/// Appends each piece to the string, in order: `put!(svg, "<g x=\"", d1(x), "\">")`
/// writes what `write!(svg, "<g x=\"{}\">", d1(x))` writes.
macro_rules! put {
    ($out:expr $(, $piece:expr)* $(,)?) => {{
        let out: &mut String = $out;
        $( $crate::render::decimal::Put::put(&$piece, out); )*
    }};
}
pub(crate) use put;

impl Fixed {
    /// `units` (see [`Fixed::rounded`]) in ASCII digits, with the point
    /// for tenths: the digits are `digits[at..]`.
    fn digits(&self, units: u64) -> ([u8; 24], usize) {
        let mut digits = [0u8; 24];
        let mut at = digits.len();
        let mut rest = units;
        if self.tenths {
            at -= 2;
            digits[at] = b'.';
            digits[at + 1] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        (digits, at)
    }

    /// The value in units of the last decimal, rounded, where that is
    /// certainly how the exact decimal value rounds: positive, not too large,
    /// and not within a hair of a tie (the formatter rounds ties to even on
    /// the exact value, which a multiplied float cannot tell). `None` leaves
    /// the number to the formatter.
    fn rounded(&self) -> Option<u64> {
        let scaled = if self.tenths {
            self.value * 10.0
        } else {
            self.value
        };
        // Below 1e9 the product is within 1e-7 of the exact one; NaN fails here too.
        let plain = self.value.is_sign_positive() && (0.0..1e9).contains(&scaled);
        // Cut to a whole number, which is the floor of a positive one (no
        // call to libm's `floor`, which the baseline x86-64 has no instruction for).
        let whole = scaled as u64;
        let fraction = scaled - whole as f64;
        // Away from a tie, adding a half and cutting rounds as `round` does.
        (plain && (fraction - 0.5).abs() > 1e-6).then_some((scaled + 0.5) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(value: f64) {
        assert_eq!(d1(value).to_string(), format!("{value:.1}"), "{value:?}");
        assert_eq!(d0(value).to_string(), format!("{value:.0}"), "{value:?}");
        for fixed in [d1(value), d0(value)] {
            let mut put = String::from("<");
            put!(&mut put, fixed, ">");
            assert_eq!(put, format!("<{fixed}>"), "{value:?}");
        }
    }

    #[test]
    fn writes_what_the_formatter_writes_at_ties_and_edges() {
        for value in [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            0.5,
            1.5,
            2.5,
            0.04,
            -0.04,
            -1.25,
            9.95,
            99.95,
            12.0,
            356.65,
            1e9,
            1e12,
            123_456_789.05,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            4.999_999_9,
        ] {
            same(value);
        }
    }

    proptest! {
        #[test]
        fn writes_what_the_formatter_writes(value in -1e4f64..1e6) {
            same(value);
        }

        #[test]
        fn writes_tenths_near_ties_as_the_formatter(whole in 0u32..100_000, tenth in 0u32..10, nudge in -3i32..=3) {
            let value = f64::from(whole) + f64::from(tenth) / 10.0 + 0.05 + f64::from(nudge) * 1e-9;
            same(value);
        }
    }
}
