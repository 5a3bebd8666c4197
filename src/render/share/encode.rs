//! A card's PNG, written from what was drawn rather than from every pixel.
//!
//! A card is the fixed graphic with a few lines of text on its plain middle.
//! A general encoder filters, checksums and compresses all 756,000 bytes of
//! every card; most of them are the same background each time. Here a row
//! with nothing on it costs nothing: it is stored unfiltered (PNG filter 0),
//! so it is all zeros, and a run of zeros is counted, not read. The rows the
//! text crosses are filtered (filter 2, "up") over the columns the text
//! reaches; the graphic's own rows were filtered once, when it was drawn.
//! So were a kicker's: the line above the title is the site's title on
//! every card but the story's, and its rows are compressed once ([`Band`]).
//! And so is each glyph's, the first time it is drawn ([`Stamp`]): a row
//! where no two glyphs meet is its glyphs' rows, compressed before, with
//! zeros between them; only where glyphs meet are the pixels drawn.
//!
//! The compressed stream is fdeflate's (the `png` crate's fast mode), written
//! the same way: one block with a fixed set of codes tuned for filtered
//! pictures, literals and runs of zeros. Its codes and header are copied from
//! fdeflate 0.3.7 (`src/tables.rs`, `src/compress.rs`; MIT OR Apache-2.0).

use std::sync::Arc;

/// The number of columns.
const WIDTH: usize = super::WIDTH as usize;

/// What every card shares, made once: the graphic's rows (palette indices),
/// and the rows above and below the text's compressed.
pub(super) struct Graphic {
    rows: Vec<u8>,
    /// Whether a row is all background (index 0).
    blank: Vec<bool>,
    /// The rows text may stand on.
    text: std::ops::Range<usize>,
    /// The rows above the text's and below them, compressed once.
    top: Piece,
    bottom: Piece,
}

impl Graphic {
    /// The graphic of `rows` (palette indices), the text to go on `text`.
    pub(super) fn new(rows: Vec<u8>, text: std::ops::Range<usize>) -> Graphic {
        let blank: Vec<bool> = rows
            .chunks_exact(WIDTH)
            .map(|row| row.iter().all(|&p| p == 0))
            .collect();
        let mut up = [0; WIDTH];
        let mut piece = |ys: std::ops::Range<usize>| {
            let mut bytes = Vec::with_capacity(ys.len() * (1 + WIDTH));
            for y in ys {
                // As `encode` writes a row no text is on or above.
                match blank[y] {
                    true => bytes.resize(bytes.len() + 1 + WIDTH, 0),
                    false => {
                        let above = match y {
                            0 => &[0; WIDTH],
                            _ => &rows[(y - 1) * WIDTH..y * WIDTH],
                        };
                        bytes.push(2);
                        bytes.extend_from_slice(filter_up(
                            &mut up,
                            &rows[y * WIDTH..(y + 1) * WIDTH],
                            above,
                        ));
                    }
                }
            }
            Piece::new(&bytes)
        };
        let top = piece(0..text.start);
        let bottom = piece(text.end..blank.len());
        Graphic {
            rows,
            blank,
            text,
            top,
            bottom,
        }
    }

    /// Whether nothing but background stands on `rows` (then text may).
    pub(super) fn is_blank(&self, rows: std::ops::Range<usize>) -> bool {
        self.blank
            .get(rows)
            .is_some_and(|blank| blank.iter().all(|&b| b))
    }
}

/// The text drawn on one card: the rows from `first` on, each with the
/// columns something was drawn in. Kept from card to card on a thread and
/// wiped where it was drawn on. Glyphs are placed as stamps and drawn into
/// the rows only when a row must be written from its pixels.
pub(super) struct Layer {
    first: usize,
    rows: Vec<u8>,
    /// Each row's drawn columns, `start..end`; empty when nothing was.
    spans: Vec<(usize, usize)>,
    /// The glyphs placed, each with its top-left corner; those before
    /// `inked` are drawn into `rows`.
    stamps: Vec<(Arc<Stamp>, i32, i32)>,
    inked: usize,
    /// Whether something may be drawn in `rows`.
    drawn: bool,
    /// Whether ink was drawn other than by whole stamps (on a row directly,
    /// or a glyph cut at an edge): then no row is written from the stamps.
    loose: bool,
}

impl Layer {
    pub(super) fn new(rows: std::ops::Range<usize>) -> Layer {
        Layer {
            first: rows.start,
            rows: vec![0; rows.len() * WIDTH],
            spans: vec![(WIDTH, 0); rows.len()],
            stamps: Vec::new(),
            inked: 0,
            drawn: false,
            loose: false,
        }
    }

    /// The row `y` from `x` on, to draw in: `y` must be one of the layer's.
    #[cfg(test)]
    pub(super) fn row(&mut self, y: usize, x: usize, len: usize) -> &mut [u8] {
        self.ink();
        self.loose = true;
        self.drawn = true;
        self.draw(y, x, len)
    }

    /// Whether `y` is one of the layer's rows.
    #[cfg(test)]
    fn holds(&self, y: usize) -> bool {
        (self.first..self.first + self.spans.len()).contains(&y)
    }

    fn draw(&mut self, y: usize, x: usize, len: usize) -> &mut [u8] {
        let at = y - self.first;
        let span = &mut self.spans[at];
        *span = (span.0.min(x), span.1.max(x + len));
        &mut self.rows[at * WIDTH + x..at * WIDTH + x + len]
    }

    /// Places the glyph of `stamp` with its top-left corner at `left`, `top`,
    /// the parts of it on the layer; returns the rows it reaches, if any.
    pub(super) fn place(
        &mut self,
        stamp: Arc<Stamp>,
        left: i32,
        top: i32,
    ) -> Option<std::ops::Range<usize>> {
        let (columns, rows) = self.on_layer(&stamp, left, top)?;
        let x = (left + columns.start) as usize;
        for row in rows.clone() {
            let at = (top + row) as usize - self.first;
            let span = &mut self.spans[at];
            *span = (span.0.min(x), span.1.max(x + columns.len()));
        }
        if columns != (0..stamp.width as i32) || rows != (0..stamp.height() as i32) {
            self.loose = true;
        }
        self.stamps.push((stamp, left, top));
        Some((top + rows.start) as usize..(top + rows.end) as usize)
    }

    /// The columns and rows of a stamp at `left`, `top` that are on the
    /// layer, if any are.
    fn on_layer(
        &self,
        stamp: &Stamp,
        left: i32,
        top: i32,
    ) -> Option<(std::ops::Range<i32>, std::ops::Range<i32>)> {
        let width = WIDTH as i32;
        let columns = (-left).max(0)..(width - left).clamp(0, stamp.width as i32);
        let (first, end) = (self.first as i32, (self.first + self.spans.len()) as i32);
        let rows = (first - top).max(0)..(end - top).min(stamp.height() as i32);
        (!columns.is_empty() && !rows.is_empty()).then_some((columns, rows))
    }

    /// Draws the stamps placed since the last time into the rows. Where two
    /// glyphs touch, the stronger shade stays: an ink's shades grow with
    /// their index, and text stands only on the background (index 0).
    fn ink(&mut self) {
        while self.inked < self.stamps.len() {
            self.drawn = true;
            let (stamp, left, top) = self.stamps[self.inked].clone();
            self.inked += 1;
            let Some((columns, rows)) = self.on_layer(&stamp, left, top) else {
                continue;
            };
            let x = (left + columns.start) as usize;
            let (skip, end) = (columns.start as usize, columns.end as usize);
            for row in rows {
                let shades = &stamp.shades[row as usize * stamp.width..][skip..end];
                let line = self.draw((top + row) as usize, x, shades.len());
                for (at, &shade) in line.iter_mut().zip(shades) {
                    *at = (*at).max(shade);
                }
            }
        }
    }

    /// Rubs the text out, ready for the next card.
    pub(super) fn wipe(&mut self) {
        for (at, span) in self.spans.iter_mut().enumerate() {
            if self.drawn && span.0 < span.1 {
                self.rows[at * WIDTH + span.0..at * WIDTH + span.1].fill(0);
            }
            *span = (WIDTH, 0);
        }
        self.stamps.clear();
        self.inked = 0;
        self.drawn = false;
        self.loose = false;
    }

    /// Row `y`'s drawn columns, if `y` is the layer's and text is on it.
    fn span(&self, y: usize) -> Option<(usize, usize)> {
        let at = y.checked_sub(self.first)?;
        self.spans
            .get(at)
            .copied()
            .filter(|(start, end)| start < end)
    }

    fn row_at(&self, y: usize) -> &[u8] {
        let at = (y - self.first) * WIDTH;
        &self.rows[at..at + WIDTH]
    }

    /// The card's rows, for the tests to compare with a decoded PNG.
    #[cfg(test)]
    pub(super) fn over(&mut self, graphic: &Graphic) -> Vec<u8> {
        self.ink();
        let mut rows = graphic.rows.clone();
        for y in 0..rows.len() / WIDTH {
            if self.holds(y) && graphic.blank[y] {
                rows[y * WIDTH..(y + 1) * WIDTH].copy_from_slice(self.row_at(y));
            }
        }
        rows
    }
}

/// A glyph's rows as a text row holds them, compressed once: each filtered
/// "up" against the glyph's own row above. Where no two glyphs on a row
/// reach the same column (in it or in the row above), the row filtered is
/// these pieces with zeros between them (the filter subtracts column by
/// column), so it is written from them without filtering or compressing a
/// byte (see [`stamped_row`]).
pub(super) struct Stamp {
    width: usize,
    /// The glyph's pixels, row after row: the palette index of each shade.
    shades: Vec<u8>,
    /// One more than the glyph's rows: the last is the row below it, which
    /// takes its last row away.
    rows: Vec<StampRow>,
    /// The rows' compressed bits, one after another.
    bits: Vec<u8>,
}

/// One row of a stamp: the columns where it or the row above has ink
/// (empty when neither has), and the row filtered there, compressed: its
/// bits are `bits[core.0..core.1]` of the stamp.
struct StampRow {
    reach: (u32, u32),
    seams: Seams,
    core: (u32, u32),
}

impl Stamp {
    /// The stamp of a glyph of `width` columns, whose `shades` are its rows.
    pub(super) fn new(shades: Vec<u8>, width: usize) -> Stamp {
        let lines: Vec<&[u8]> = shades.chunks_exact(width.max(1)).collect();
        // Each row's first and last column with ink, past the last.
        let ink: Vec<Option<(usize, usize)>> = (lines.iter())
            .map(|row| {
                let first = row.iter().position(|&s| s != 0)?;
                let last = row.iter().rposition(|&s| s != 0).unwrap_or(first);
                Some((first, last + 1))
            })
            .collect();
        let mut filtered = Vec::with_capacity(width);
        let mut bits = Vec::new();
        let rows = (0..=lines.len())
            .map(|r| {
                let this = ink.get(r).copied().flatten().map(|reach| (lines[r], reach));
                let above = (r.checked_sub(1)).and_then(|a| ink[a].map(|reach| (lines[a], reach)));
                filtered.clear();
                let reach = match (this, above) {
                    (Some((row, (a, b))), Some((above, (c, d)))) => {
                        let reach = (a.min(c), b.max(d));
                        let (row, above) = (&row[reach.0..reach.1], &above[reach.0..reach.1]);
                        filtered.extend(row.iter().zip(above).map(|(&s, &t)| s.wrapping_sub(t)));
                        reach
                    }
                    (Some((row, reach)), None) => {
                        filtered.extend_from_slice(&row[reach.0..reach.1]);
                        reach
                    }
                    (None, Some((above, reach))) => {
                        filtered.extend(above[reach.0..reach.1].iter().map(|&t| t.wrapping_neg()));
                        reach
                    }
                    (None, None) => (0, 0),
                };
                let start = bits.len() as u32;
                let seams = compress(&filtered, &mut bits);
                StampRow {
                    reach: (reach.0 as u32, reach.1 as u32),
                    seams,
                    core: (start, bits.len() as u32),
                }
            })
            .collect();
        bits.shrink_to_fit();
        Stamp {
            width,
            shades,
            rows,
            bits,
        }
    }

    /// The glyph's rows.
    fn height(&self) -> usize {
        self.shades.len().checked_div(self.width).unwrap_or(0)
    }
}

/// The rows a kicker line stands on, compressed once for every card that
/// shows it: the text's first rows to `end`, the last of which is blank.
pub(super) struct Band {
    end: usize,
    piece: Piece,
}

impl Band {
    /// The band of `layer`'s text rows before `end`, as [`encode`] writes
    /// them; `None` unless row `end - 1` is a text row with nothing on it.
    pub(super) fn new(graphic: &Graphic, layer: &mut Layer, end: usize) -> Option<Band> {
        layer.ink();
        let text = &graphic.text;
        let blank = |y: usize| graphic.blank[y] && layer.span(y).is_none();
        if end <= text.start || end > text.end || !blank(end - 1) {
            return None;
        }
        let mut bytes = Vec::with_capacity((end - text.start) * (1 + WIDTH));
        let mut above = None;
        let mut up = [0u8; WIDTH];
        for y in text.start..end {
            above = write_row(graphic, layer, y, above, &mut up, &mut bytes);
        }
        Some(Band {
            end,
            piece: Piece::new(&bytes),
        })
    }

    /// The first row after the band.
    pub(super) fn end(&self) -> usize {
        self.end
    }
}

/// What a row is written to: a stream, or bytes to compress later.
trait Sink {
    fn bytes(&mut self, data: &[u8]);
    fn zeros(&mut self, count: usize);
}

impl Sink for Deflate {
    fn bytes(&mut self, data: &[u8]) {
        Deflate::bytes(self, data);
    }
    fn zeros(&mut self, count: usize) {
        Deflate::zeros(self, count);
    }
}

impl Sink for Vec<u8> {
    fn bytes(&mut self, data: &[u8]) {
        self.extend_from_slice(data);
    }
    fn zeros(&mut self, count: usize) {
        self.resize(self.len() + count, 0);
    }
}

/// The PNG of `layer`'s text on `graphic`, in the colours of `palette`.
/// The layer's rows must be blank in the graphic (the text stands on the
/// background); it is drawn only where they are. With a `band`, the rows
/// before its end are the band's, whatever the layer holds there.
pub(super) fn encode(
    graphic: &Graphic,
    layer: &mut Layer,
    band: Option<&Band>,
    palette: &[u8],
) -> Vec<u8> {
    let height = graphic.blank.len();
    let mut deflate = Deflate::new();
    let mut up = [0u8; WIDTH];
    let mut reach = Vec::with_capacity(layer.stamps.len());
    let text = layer.first..layer.first + layer.spans.len();
    debug_assert_eq!(
        text, graphic.text,
        "the layer's rows are the graphic's text rows"
    );
    // The rows above the text's, as compressed once.
    deflate.piece(&graphic.top);
    let mut y = text.start;
    if let Some(band) = band {
        deflate.piece(&band.piece);
        y = band.end;
    }
    // The columns text was drawn in on the row above, if it was (the row
    // before the band's end is blank).
    let mut above: Option<(usize, usize)> = None;
    while y < height {
        // The rows below the text's, as compressed once when the last
        // text row does not change how the first of them is filtered.
        if y == text.end && (graphic.blank[y] || above.is_none()) {
            deflate.piece(&graphic.bottom);
            break;
        }
        above = match stamped_row(graphic, layer, y, &mut deflate, &mut reach) {
            Some(span) => Some(span),
            None => {
                // A blank row with nothing on it is written without pixels.
                if layer.span(y).is_some() || (above.is_some() && !graphic.blank[y]) {
                    layer.ink();
                }
                write_row(graphic, layer, y, above, &mut up, &mut deflate)
            }
        };
        y += 1;
    }
    let data = deflate.finish();

    // The signature, then four chunks of twelve bytes besides their data:
    // the file's size, so it is never copied to grow.
    let size = 8 + 4 * 12 + 13 + palette.len() + data.len();
    let mut png = Vec::with_capacity(size);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&(WIDTH as u32).to_be_bytes());
    header.extend_from_slice(&(height as u32).to_be_bytes());
    // Eight bits a pixel, palette colours, the usual compression, filters
    // and no interlacing.
    header.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"PLTE", palette);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    debug_assert_eq!(png.len(), size, "the size counted");
    png
}

/// Writes text row `y` from its glyphs' stamps, as [`write_row`] would,
/// and returns its drawn columns; `None`, writing nothing, when a glyph
/// was cut at an edge, the graphic is not blank here or on the row above,
/// nothing is on the row, or two glyphs reach the same column. `reach` is
/// room for the row's pieces: where they start and end, and which they are.
fn stamped_row(
    graphic: &Graphic,
    layer: &Layer,
    y: usize,
    deflate: &mut Deflate,
    reach: &mut Vec<(usize, usize, usize, usize)>,
) -> Option<(usize, usize)> {
    let blank = |y: usize| graphic.blank.get(y).copied().unwrap_or(false);
    if layer.loose || !blank(y) || (y > 0 && !blank(y - 1)) {
        return None;
    }
    let span = layer.span(y)?;
    reach.clear();
    for (at, &(ref stamp, left, top)) in layer.stamps.iter().enumerate() {
        // Whole on the layer: `left` and `top` are not negative.
        let (x, top) = (left as usize, top as usize);
        let Some(r) = y.checked_sub(top) else {
            continue;
        };
        if let Some(row) = stamp.rows.get(r).filter(|row| row.reach.0 < row.reach.1) {
            let (from, to) = (row.reach.0 as usize, row.reach.1 as usize);
            reach.push((x + from, x + to, at, r));
        }
    }
    reach.sort_unstable_by_key(|&(start, ..)| start);
    if reach.windows(2).any(|pair| pair[0].1 > pair[1].0) {
        return None;
    }
    deflate.byte(2);
    let pieces = (reach.iter()).map(|&(start, end, at, r)| {
        let stamp = &layer.stamps[at].0;
        let row = &stamp.rows[r];
        let core = &stamp.bits[row.core.0 as usize..row.core.1 as usize];
        (start, end, &row.seams, core)
    });
    deflate.row_of(pieces);
    Some(span)
}

/// Writes row `y`, `above` holding the columns text was drawn in on the
/// row above (if it was); returns this row's.
fn write_row(
    graphic: &Graphic,
    layer: &Layer,
    y: usize,
    above: Option<(usize, usize)>,
    up: &mut [u8; WIDTH],
    sink: &mut impl Sink,
) -> Option<(usize, usize)> {
    // The row above as it is: the layer's when text was drawn on it.
    let raw_above = |y: usize, above: Option<(usize, usize)>| match (y, above) {
        (0, _) => &[0; WIDTH][..],
        (_, Some(_)) => layer.row_at(y - 1),
        (_, None) => &graphic.rows[(y - 1) * WIDTH..y * WIDTH],
    };
    let text = layer.span(y).filter(|_| graphic.blank[y]);
    match text {
        Some((start, end)) => {
            // Filtered over the columns this row's text or the one above's reach.
            let (from, to) = match above {
                Some((a, b)) => (start.min(a), end.max(b)),
                // The graphic's row above: all of it, unless it is blank.
                None if y == 0 || graphic.blank[y - 1] => (start, end),
                None => (0, WIDTH),
            };
            let row = &layer.row_at(y)[from..to];
            let previous = &raw_above(y, above)[from..to];
            sink.bytes(&[2]);
            sink.zeros(from);
            sink.bytes(filter_up(up, row, previous));
            sink.zeros(WIDTH - to);
            Some((start, end))
        }
        // Nothing on it: filter 0 and its bytes, all zeros.
        None if graphic.blank[y] => {
            sink.zeros(1 + WIDTH);
            None
        }
        // A row of the graphic among the text's (none in the built-in
        // one), or just below text: filtered against the row above.
        None => {
            let row = &graphic.rows[y * WIDTH..(y + 1) * WIDTH];
            sink.bytes(&[2]);
            sink.bytes(filter_up(up, row, raw_above(y, above)));
            None
        }
    }
}

/// `row` filtered "up" into `out`: each byte less the one above it.
fn filter_up<'a>(out: &'a mut [u8; WIDTH], row: &[u8], above: &[u8]) -> &'a [u8] {
    for ((out, &now), &before) in out.iter_mut().zip(row).zip(above) {
        *out = now.wrapping_sub(before);
    }
    &out[..row.len()]
}

/// Appends one PNG chunk: its length, type, data and checksum.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32fast::hash(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of one deflate block in fdeflate's codes: literals, and
/// runs of zeros as copies of the byte before.
struct Deflate {
    out: Vec<u8>,
    /// Bits not yet written, and how many.
    bits: u64,
    count: u32,
    /// Zeros not yet written.
    zeros: u64,
    /// The Adler-32 checksum's two sums, reduced between calls.
    a: u64,
    b: u64,
    /// The checksum of a run of bytes, on the widest vectors this processor
    /// has: summed apart from the codes, it keeps the code loop short.
    sum: simd_adler32::imp::Adler32Imp,
}

const ADLER: u64 = 65521;

impl Deflate {
    /// A stream with its headers.
    fn new() -> Deflate {
        let mut deflate = Deflate::bare(Vec::with_capacity(64 * 1024));
        deflate.out.extend_from_slice(&HEADER[..53]);
        let mut bits = Bits::from(&deflate);
        bits.write(&mut deflate.out, u64::from(HEADER[53]), 5);
        bits.store(&mut deflate);
        deflate
    }

    /// A stream with no headers, for a piece of one, written after `out`.
    fn bare(out: Vec<u8>) -> Deflate {
        Deflate {
            out,
            bits: 0,
            count: 0,
            zeros: 0,
            a: 1,
            b: 0,
            sum: simd_adler32::imp::get_imp(),
        }
    }

    fn zeros(&mut self, count: usize) {
        self.zeros += count as u64;
        // Zeros leave the first sum alone and add it to the second each time.
        self.b = (self.b + count as u64 * self.a) % ADLER;
    }

    /// Writes `data` (at most a row): the zeros counted, thirty-two or eight
    /// at a time where they come together, and the rest as literals.
    fn bytes(&mut self, data: &[u8]) {
        // Both sums are reduced, so they fit the halves of a checksum.
        let (a, b) = (self.sum)(self.a as u16, self.b as u16, data);
        (self.a, self.b) = (u64::from(a), u64::from(b));
        let mut bits = Bits::from(&*self);
        let mut zeros = self.zeros;
        let out = &mut self.out;
        let mut at = 0;
        while at < data.len() {
            if let Some(many) = data.get(at..at + 32) {
                let half = |at: usize| {
                    u128::from_ne_bytes(many[at..at + 16].try_into().unwrap_or_default())
                };
                if half(0) | half(16) == 0 {
                    zeros += 32;
                    at += 32;
                    continue;
                }
            }
            let chunk = &data[at..data.len().min(at + 8)];
            at += chunk.len();
            // The last few bytes as eight, the missing ones zeros not counted.
            let eight: [u8; 8] = chunk.try_into().unwrap_or_else(|_| {
                let mut eight = [0; 8];
                eight[..chunk.len()].copy_from_slice(chunk);
                eight
            });
            let word = u64::from_le_bytes(eight);
            // The top bit of each byte that is not zero.
            const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
            let mut set = (((word & LOW) + LOW) | word) & !LOW;
            let mut next = 0;
            while set != 0 {
                let at = set.trailing_zeros() / 8;
                zeros += u64::from(at - next);
                if zeros > 0 {
                    bits.run(out, std::mem::take(&mut zeros));
                }
                let byte = eight[at as usize];
                let (code, length) = CODES[usize::from(byte)];
                bits.write(out, u64::from(code), u32::from(length));
                next = at + 1;
                set &= set - 1;
            }
            zeros += chunk.len() as u64 - u64::from(next);
        }
        self.zeros = zeros;
        bits.store(self);
    }

    /// Writes one byte that is not zero, as [`Deflate::bytes`] would.
    fn byte(&mut self, byte: u8) {
        self.a = (self.a + u64::from(byte)) % ADLER;
        self.b = (self.b + self.a) % ADLER;
        let mut bits = Bits::from(&*self);
        bits.run(&mut self.out, std::mem::take(&mut self.zeros));
        let (code, length) = CODES[usize::from(byte)];
        bits.write(&mut self.out, u64::from(code), u32::from(length));
        bits.store(self);
    }

    /// Writes a piece compressed before, as if its bytes were written.
    fn piece(&mut self, piece: &Piece) {
        let mut bits = Bits::from(&*self);
        let (mut a, mut b, mut zeros) = (self.a, self.b, self.zeros);
        bits.piece(
            &mut self.out,
            &piece.seams,
            &piece.core,
            (&mut a, &mut b, &mut zeros),
        );
        bits.store(self);
        (self.a, self.b, self.zeros) = (a % ADLER, b % ADLER, zeros);
    }

    /// Writes a row of pieces compressed before, each from its first column
    /// to its last (in order, apart), and zeros between them and to the end
    /// of the row: as [`Deflate::piece`] and [`Deflate::zeros`] would, with
    /// the sums reduced once (a row cannot make them overflow).
    fn row_of<'a>(&mut self, pieces: impl Iterator<Item = (usize, usize, &'a Seams, &'a [u8])>) {
        let mut bits = Bits::from(&*self);
        let (mut a, mut b, mut zeros) = (self.a, self.b, self.zeros);
        let mut written = 0;
        for (start, end, seams, core) in pieces {
            let gap = (start - written) as u64;
            b += gap * a;
            zeros += gap;
            bits.piece(&mut self.out, seams, core, (&mut a, &mut b, &mut zeros));
            written = end;
        }
        let gap = (WIDTH - written) as u64;
        b += gap * a;
        bits.store(self);
        (self.a, self.b, self.zeros) = (a % ADLER, b % ADLER, zeros + gap);
    }

    fn finish(mut self) -> Vec<u8> {
        let mut bits = Bits::from(&self);
        bits.run(&mut self.out, std::mem::take(&mut self.zeros));
        let (end, length) = CODES[256];
        bits.write(&mut self.out, u64::from(end), u32::from(length));
        let bytes = bits.count.div_ceil(8) as usize;
        self.out
            .extend_from_slice(&bits.bits.to_le_bytes()[..bytes]);
        let adler = (self.b << 16 | self.a) as u32;
        self.out.extend_from_slice(&adler.to_be_bytes());
        self.out
    }
}

/// Bytes compressed once, to be written in any stream: the zeros they
/// start with, the bits from their first other byte to their last, the
/// zeros after it, and what they add to the checksum.
struct Piece {
    seams: Seams,
    core: Vec<u8>,
}

/// What a piece is besides its bits: the zeros it starts and ends with, its
/// last bits (fewer than 64) and how many, and its bytes' number, sum and sum
/// of running sums (what they add to the checksum).
#[derive(Clone, Copy)]
struct Seams {
    lead: u32,
    trail: u32,
    tail: (u64, u8),
    adler: (u32, u32, u32),
}

impl Piece {
    fn new(bytes: &[u8]) -> Piece {
        let mut core = Vec::new();
        let seams = compress(bytes, &mut core);
        Piece { seams, core }
    }
}

/// Compresses `bytes` (fewer than 4 GB) as a piece: the bits from its first
/// byte that is not zero to its last go at the end of `out`.
fn compress(bytes: &[u8], out: &mut Vec<u8>) -> Seams {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let last = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(first, |at| at + 1);
    let mut deflate = Deflate::bare(std::mem::take(out));
    // Literals take at most 12 bits; a run of zeros fewer than its bytes.
    deflate.out.reserve((last - first) * 3 / 2 + 8);
    for row in bytes[first..last].chunks(1 + WIDTH) {
        deflate.bytes(row);
    }
    // Reduced every 4,096 bytes, before either sum can overflow.
    let (mut a, mut b) = (0, 0);
    for chunk in bytes.chunks(4096) {
        for &byte in chunk {
            a += u64::from(byte);
            b += a;
        }
        (a, b) = (a % ADLER, b % ADLER);
    }
    let tail = (deflate.bits, deflate.count as u8);
    *out = deflate.out;
    debug_assert_eq!(out.len() % 8, 0, "bits go out eight bytes at a time");
    Seams {
        lead: first as u32,
        trail: (bytes.len() - last) as u32,
        tail,
        adler: (bytes.len() as u32, a as u32, b as u32),
    }
}

/// The bits waiting to be written, held in registers while a row is.
struct Bits {
    bits: u64,
    count: u32,
}

impl Bits {
    fn from(deflate: &Deflate) -> Bits {
        Bits {
            bits: deflate.bits,
            count: deflate.count,
        }
    }

    fn store(self, deflate: &mut Deflate) {
        (deflate.bits, deflate.count) = (self.bits, self.count);
    }

    /// Writes the low `count` bits of `bits` (fewer than 64; none above).
    #[inline(always)]
    fn write(&mut self, out: &mut Vec<u8>, bits: u64, count: u32) {
        self.bits |= bits << self.count;
        self.count += count;
        if self.count >= 64 {
            out.extend_from_slice(&self.bits.to_le_bytes());
            self.count -= 64;
            self.bits = bits.checked_shr(count - self.count).unwrap_or(0);
        }
    }

    /// Writes all 64 bits of `word`: the bits waiting and the word's first
    /// ones go out as eight bytes, and as many bits wait as before.
    #[inline(always)]
    fn word(&mut self, out: &mut Vec<u8>, word: u64) {
        out.extend_from_slice(&(self.bits | word << self.count).to_le_bytes());
        self.bits = word.checked_shr(64 - self.count).unwrap_or(0);
    }

    /// Writes a piece compressed before (its `seams` and `core`), the zeros
    /// before it counted in `zeros`; the sums and the zeros after it are
    /// added to the sums and zeros given, unreduced.
    #[inline(always)]
    fn piece(
        &mut self,
        out: &mut Vec<u8>,
        seams: &Seams,
        core: &[u8],
        (a, b, zeros): (&mut u64, &mut u64, &mut u64),
    ) {
        *zeros += u64::from(seams.lead);
        if !core.is_empty() || seams.tail.1 > 0 {
            self.run(out, std::mem::take(zeros));
            out.reserve(core.len() + 8);
            for eight in core.chunks_exact(8) {
                self.word(
                    out,
                    u64::from_le_bytes(eight.try_into().unwrap_or_default()),
                );
            }
            self.write(out, seams.tail.0, u32::from(seams.tail.1));
        }
        *zeros += u64::from(seams.trail);
        let (length, sum, weighted) = seams.adler;
        *b += u64::from(length) * *a + u64::from(weighted);
        *a += u64::from(sum);
    }

    /// Writes `run` zeros: the first as a literal, the rest as copies of the
    /// byte before (a distance of one, whose code is one bit).
    #[inline(always)]
    fn run(&mut self, out: &mut Vec<u8>, run: u64) {
        if run == 0 {
            return;
        }
        let (zero, length) = CODES[0];
        self.write(out, u64::from(zero), u32::from(length));
        let mut rest = run - 1;
        while rest >= 258 {
            let (bits, count) = RUNS[258];
            self.write(out, u64::from(bits), u32::from(count));
            rest -= 258;
        }
        let (bits, count) = RUNS[rest as usize];
        self.write(out, u64::from(bits), u32::from(count));
    }
}

/// The bits of a copy of the byte before, `length` long (0 to 258): its
/// length's code, extra bits and the distance's one bit; under five, as
/// zero literals (fdeflate's choice).
const RUNS: [(u32, u8); 259] = runs();

const fn runs() -> [(u32, u8); 259] {
    let mut runs = [(0u32, 0u8); 259];
    let mut length = 0;
    while length <= 258 {
        runs[length] = if length <= 4 {
            // The zero literal's code is all zero bits.
            (0, length as u8 * CODES[0].1)
        } else {
            let (symbol, extra, base) = length_symbol(length as u16);
            let (code, bits) = CODES[symbol as usize];
            let value = (length as u32 - base as u32) << bits;
            (code as u32 | value, bits + extra + 1)
        };
        length += 1;
    }
    runs
}

/// The deflate symbol of a copy `length` bytes long (3 to 258), its number
/// of extra bits, and the length its extra bits count from.
const fn length_symbol(length: u16) -> (u16, u8, u16) {
    // Deflate's length codes 257 to 285: four lengths a step, each step
    // twice as long as the one before from the ninth code on.
    const BASES: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    let mut at = 28;
    while BASES[at] > length {
        at -= 1;
    }
    (257 + at as u16, EXTRA[at], BASES[at])
}

/// fdeflate's code lengths for the 286 literal and length symbols.
const LENGTHS: [u8; 286] = [
    2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 9, 8, 9, 8, 8, 8, 8, 8, 7,
    7, 7, 6, 6, 6, 5, 4, 3, 12, 12, 12, 9, 9, 11, 10, 11, 11, 10, 11, 11, 11, 11, 11, 11, 12, 11,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 9,
];

/// Each symbol's code, bits reversed as deflate writes them, and length.
const CODES: [(u16, u8); 286] = codes();

/// The canonical codes of [`LENGTHS`] (RFC 1951, section 3.2.2).
const fn codes() -> [(u16, u8); 286] {
    let mut codes = [(0u16, 0u8); 286];
    let mut code = 0u32;
    let mut length = 1;
    while length <= 15 {
        let mut symbol = 0;
        while symbol < 286 {
            if LENGTHS[symbol] == length {
                codes[symbol] = ((code as u16).reverse_bits() >> (16 - length), length);
                code += 1;
            }
            symbol += 1;
        }
        code <<= 1;
        length += 1;
    }
    codes
}

/// The zlib header and the block's header: these code lengths, and one
/// distance code of one bit (53 bytes and 5 bits).
const HEADER: [u8; 54] = [
    120, 1, 237, 192, 3, 160, 36, 89, 150, 198, 241, 255, 119, 238, 141, 200, 204, 167, 114, 75,
    99, 174, 109, 219, 182, 109, 219, 182, 109, 219, 182, 109, 105, 140, 158, 150, 74, 175, 158,
    50, 51, 34, 238, 249, 118, 183, 106, 122, 166, 135, 59, 107, 213, 15,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Rows of `count` colours and runs of them, from `seed`.
    fn scribble(seed: u64, rows: usize, count: u8) -> Vec<u8> {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut bytes = Vec::with_capacity(rows * WIDTH);
        while bytes.len() < rows * WIDTH {
            let run = (next() % 40) as usize + 1;
            let colour = (next() % u64::from(count)) as u8;
            bytes.extend(std::iter::repeat_n(colour, run));
        }
        bytes.truncate(rows * WIDTH);
        bytes
    }

    /// The rows of the graphics the tests draw.
    const HEIGHT: usize = 14;

    /// A graphic of scribbles from `seed`, with the rows of `blank`'s bits
    /// blank, and those of `text` too when `text_blank`.
    fn graphic(seed: u64, blank: u16, text: std::ops::Range<usize>, text_blank: bool) -> Graphic {
        let mut rows = scribble(seed, HEIGHT, 6);
        for y in 0..HEIGHT {
            if blank & (1 << y) != 0 || (text_blank && text.contains(&y)) {
                rows[y * WIDTH..(y + 1) * WIDTH].fill(0);
            }
        }
        Graphic::new(rows, text)
    }

    /// Ink from `seed` on the rows `ys`, over the columns of `spans` in turn.
    fn ink(layer: &mut Layer, ys: std::ops::Range<usize>, spans: &[(usize, usize)], seed: u64) {
        let ink = scribble(seed.rotate_left(7), 1, 5);
        for (y, &(x, width)) in ys.zip(spans) {
            let width = width.min(WIDTH - x);
            layer.row(y, x, width).copy_from_slice(&ink[x..x + width]);
        }
    }

    /// A palette of 256 greys.
    fn grey() -> Vec<u8> {
        (0..=255).flat_map(|i| [i, i, i]).collect()
    }

    proptest! {
        /// Whatever the graphic and wherever the text, the PNG holds its
        /// pixels: rows blank or not, text on the first and last rows of the
        /// layer or none, spans at either edge, runs of any length.
        #[test]
        fn the_png_holds_the_text_over_the_graphic(
            seed: u64,
            blank: u16,
            first in 0usize..5,
            length in 0usize..9,
            spans in proptest::collection::vec((0usize..WIDTH, 0usize..WIDTH), 12),
        ) {
            let text = first..(first + length).min(HEIGHT);
            let graphic = graphic(seed, blank, text.clone(), false);
            let mut layer = Layer::new(text.clone());
            ink(&mut layer, text, &spans, seed);
            let palette = grey();
            let png = encode(&graphic, &mut layer, None, &palette);
            let (pixels, read) = crate::render::share::tests::decode(&png);
            prop_assert!(pixels == layer.over(&graphic));
            prop_assert_eq!(&read, &palette);
            // Wiped, the layer draws the bare graphic.
            layer.wipe();
            let (pixels, _) = crate::render::share::tests::decode(&encode(&graphic, &mut layer, None, &palette));
            prop_assert!(pixels == graphic.rows);
        }

        /// A band compressed from one card's first lines makes the same PNG
        /// for another card with those lines and any below them, bit for
        /// bit, whether the lines are on that card's layer or not.
        #[test]
        fn a_band_compressed_once_writes_what_its_rows_would(
            seed: u64,
            blank: u16,
            first in 0usize..4,
            length in 1usize..10,
            end in 1usize..10,
            spans in proptest::collection::vec((0usize..WIDTH, 0usize..WIDTH), 12),
        ) {
            let text = first..(first + length).min(HEIGHT);
            let end = (first + end).min(text.end);
            // Text stands on the graphic's blank rows.
            let graphic = graphic(seed, blank, text.clone(), true);
            let draw = |layer: &mut Layer, ys| ink(layer, ys, &spans, seed);
            // The kicker's rows, the last of them left blank; the title's after.
            let kicker = text.start..end - 1;
            let title = end..text.end;
            let mut first_card = Layer::new(text.clone());
            draw(&mut first_card, kicker.clone());
            let band = Band::new(&graphic, &mut first_card, end);
            prop_assert!(band.is_some());
            let mut whole = Layer::new(text.clone());
            draw(&mut whole, kicker);
            draw(&mut whole, title.clone());
            let mut rest = Layer::new(text.clone());
            draw(&mut rest, title);
            let palette = grey();
            let expected = encode(&graphic, &mut whole, None, &palette);
            prop_assert!(encode(&graphic, &mut whole, band.as_ref(), &palette) == expected);
            prop_assert!(encode(&graphic, &mut rest, band.as_ref(), &palette) == expected);
        }
    }

    /// A glyph of `width` columns and `height` rows from `seed`: shades of
    /// one ink (1 to 5) in runs, a third of them background.
    fn glyph(seed: u64, width: usize, height: usize) -> Arc<Stamp> {
        let shades = scribble(seed, 1, 8)
            .into_iter()
            .cycle()
            .take(width * height)
            .map(|s| s.saturating_sub(2))
            .collect();
        Arc::new(Stamp::new(shades, width))
    }

    proptest! {
        /// Written from the glyphs' stamps, a card is the card written from
        /// its pixels, bit for bit: glyphs apart, touching, over each
        /// other, cut at an edge or above the text's rows, on a blank
        /// graphic or not.
        #[test]
        fn stamps_write_what_the_pixels_would(
            seed: u64,
            blank: u16,
            text_blank: bool,
            glyphs in proptest::collection::vec(
                (1usize..12, 1usize..9, 0i32..WIDTH as i32, 0i32..12, prop::bool::weighted(0.05)),
                0..8,
            ),
        ) {
            let text = 1..HEIGHT - 1;
            let graphic = graphic(seed, blank, text.clone(), text_blank);
            let mut stamped = Layer::new(text.clone());
            let mut pixels = Layer::new(text.clone());
            for (n, &(width, height, left, top, cut)) in glyphs.iter().enumerate() {
                // Most glyphs whole on the text's rows, every other one near
                // the first (where they touch); a few anywhere, cut or not.
                let (left, top) = match cut {
                    true => (left - 4, top - 2),
                    false => {
                        let room = (text.len() - height) as i32 + 1;
                        let left = if n % 2 == 0 { left } else { left % 24 };
                        (left.min((WIDTH - width) as i32), text.start as i32 + top % room)
                    }
                };
                let stamp = glyph(seed.wrapping_add(n as u64), width, height);
                let reached = stamped.place(Arc::clone(&stamp), left, top);
                prop_assert_eq!(pixels.place(stamp, left, top), reached);
            }
            pixels.ink();
            pixels.loose = true;
            let palette = grey();
            let png = encode(&graphic, &mut stamped, None, &palette);
            prop_assert!(png == encode(&graphic, &mut pixels, None, &palette));
            let (read, _) = crate::render::share::tests::decode(&png);
            prop_assert!(read == stamped.over(&graphic));
        }
    }

    #[test]
    fn a_band_must_end_on_a_blank_text_row() {
        let graphic = Graphic::new(vec![0; 10 * WIDTH], 2..8);
        let mut layer = Layer::new(2..8);
        layer.row(4, 10, 3).fill(7);
        assert!(
            Band::new(&graphic, &mut layer, 5).is_none(),
            "row 4 has text"
        );
        assert!(
            Band::new(&graphic, &mut layer, 2).is_none(),
            "no text row in it"
        );
        assert!(
            Band::new(&graphic, &mut layer, 9).is_none(),
            "past the text rows"
        );
        assert_eq!(Band::new(&graphic, &mut layer, 6).map(|b| b.end()), Some(6));
    }
}
