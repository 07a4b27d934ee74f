//! The procès-verbal as a PDF (A4, French): the blocks of `urne::pv::render` laid out twice, one
//! exemplaire after the other (décret art. 28: « établis en double exemplaire »), with krilla.
//!
//! Fonts: DejaVu Sans, DejaVu Sans Bold and DejaVu Sans Mono (the rules' tables), embedded from
//! `tally/fonts/` (Bitstream Vera licence, `tally/fonts/LICENSE-DejaVu.txt`); text is measured
//! with skrifa (krilla's own font reader) so that it wraps and aligns exactly. Every page carries
//! the exemplaire, the page number and the PV hash in its footer.

use crate::error::{TallyResult, cannot};
use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use urne::pv::Pv;
use urne::pv::render::{Block, blocks, grouped};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 50.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - 60.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Mono,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

struct Measure {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    mono: FontRef<'static>,
}

impl Measure {
    fn new() -> TallyResult<Self> {
        let f = |d: &'static [u8]| {
            FontRef::new(d).map_err(|e| cannot(format!("police intégrée illisible : {e}")))
        };
        Ok(Measure {
            regular: f(REGULAR)?,
            bold: f(BOLD)?,
            mono: f(MONO)?,
        })
    }

    /// Width of `text` at `size` points.
    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Mono => &self.mono,
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
            .sum()
    }

    /// Splits `text` into lines of at most `width` points, at spaces (a word longer than a line
    /// is cut).
    fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for word in text.split(' ') {
            let candidate = if cur.is_empty() {
                word.to_owned()
            } else {
                format!("{cur} {word}")
            };
            if self.width(face, size, &candidate) <= width
                || cur.is_empty() && self.width(face, size, word) <= width
            {
                cur = candidate;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            // A word wider than the line (a hash): cut it.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if self.width(face, size, &piece) > width {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            cur = piece;
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        lines
    }
}

struct Layout<'m> {
    m: &'m Measure,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'m> Layout<'m> {
    fn new(m: &'m Measure) -> Self {
        Layout {
            m,
            pages: Vec::new(),
            y: BOTTOM,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn ensure(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > BOTTOM {
            self.new_page();
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    fn text(&mut self, x: f32, face: Face, size: f32, text: &str) {
        let y = self.y;
        self.op(Op::Text {
            x,
            y,
            face,
            size,
            text: text.to_owned(),
        });
    }

    fn rule(&mut self, x1: f32, x2: f32) {
        let y = self.y;
        self.op(Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
        });
    }

    fn lines(&mut self, face: Face, size: f32, text: &str, x: f32, width: f32, centred: bool) {
        let lh = size * 1.35;
        for l in self.m.wrap(face, size, text, width) {
            self.ensure(lh);
            self.y += size;
            let dx = if centred {
                (width - self.m.width(face, size, &l)) / 2.0
            } else {
                0.0
            };
            self.text(x + dx, face, size, &l);
            self.y += lh - size;
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Title(t) => {
                self.ensure(40.0);
                self.y += 6.0;
                self.lines(Face::Bold, 15.0, t, MARGIN, WIDTH, true);
                self.y += 4.0;
            }
            Block::Subtitle(t) => self.lines(Face::Regular, 10.5, t, MARGIN, WIDTH, true),
            Block::Heading(t) => {
                self.ensure(60.0);
                self.y += 12.0;
                self.lines(Face::Bold, 12.0, t, MARGIN, WIDTH, false);
                self.rule(MARGIN, MARGIN + WIDTH);
                self.y += 5.0;
            }
            Block::Subheading(t) => {
                self.ensure(50.0);
                self.y += 8.0;
                self.lines(Face::Bold, 10.5, t, MARGIN, WIDTH, false);
                self.y += 2.0;
            }
            Block::Paragraph(t) => {
                self.y += 3.0;
                self.lines(Face::Regular, 9.0, t, MARGIN, WIDTH, false);
            }
            Block::Fields(f) => {
                let label_w = 175.0;
                for (k, v) in f {
                    let size = 9.0;
                    let lh = size * 1.35;
                    let label = self.m.wrap(Face::Bold, size, k, label_w - 8.0);
                    let value = self.m.wrap(Face::Regular, size, v, WIDTH - label_w);
                    let n = label.len().max(value.len());
                    self.ensure(lh * n as f32);
                    let y0 = self.y;
                    for (i, l) in label.iter().enumerate() {
                        self.y = y0 + size + lh * i as f32;
                        self.text(MARGIN, Face::Bold, size, l);
                    }
                    for (i, l) in value.iter().enumerate() {
                        self.y = y0 + size + lh * i as f32;
                        self.text(MARGIN + label_w, Face::Regular, size, l);
                    }
                    self.y = y0 + lh * n as f32;
                }
            }
            Block::Table {
                header,
                right,
                rows,
            } => self.table(header, right, rows),
            Block::Mono(lines) => {
                let size = 7.3;
                let lh = size * 1.3;
                let cw = self.m.width(Face::Mono, size, "0");
                let max = ((WIDTH / cw).floor() as usize).max(20);
                self.y += 4.0;
                for line in lines {
                    for piece in wrap_mono(line, max) {
                        self.ensure(lh);
                        self.y += size;
                        self.text(MARGIN, Face::Mono, size, &piece);
                        self.y += lh - size;
                    }
                }
            }
            Block::Signatures(sigs) => {
                self.y += 6.0;
                let col = WIDTH / 2.0;
                for pair in sigs.chunks(2) {
                    self.ensure(70.0);
                    let y0 = self.y;
                    for (k, (role, name)) in pair.iter().enumerate() {
                        let x = MARGIN + col * k as f32;
                        self.y = y0 + 9.0;
                        self.text(x, Face::Bold, 9.0, role);
                        self.y = y0 + 21.0;
                        self.text(x, Face::Regular, 9.0, name);
                        self.y = y0 + 58.0;
                        self.rule(x, x + col - 20.0);
                    }
                    self.y = y0 + 68.0;
                }
            }
            Block::PageBreak => self.new_page(),
        }
    }

    fn table(&mut self, header: &[String], right: &[bool], rows: &[Vec<String>]) {
        let size = 8.5;
        let lh = size * 1.4;
        let pad = 10.0;
        let n = header.len();
        let mut w: Vec<f32> = header
            .iter()
            .map(|h| self.m.width(Face::Bold, size, h))
            .collect();
        for r in rows {
            for (k, c) in r.iter().enumerate().take(n) {
                w[k] = w[k].max(self.m.width(Face::Regular, size, c));
            }
        }
        let others: f32 = w.iter().skip(1).map(|x| x + pad).sum();
        // The first column (labels) takes what the figures leave, wrapping if needed.
        w[0] = (WIDTH - others - pad).max(80.0).min(w[0].max(80.0));
        let xs: Vec<f32> = w
            .iter()
            .scan(MARGIN, |x, wi| {
                let at = *x;
                *x += wi + pad;
                Some(at)
            })
            .collect();
        let total = xs.last().copied().unwrap_or(MARGIN) + w.last().copied().unwrap_or(0.0);
        self.y += 4.0;
        self.ensure(lh * 2.0);
        self.y += size;
        for (k, h) in header.iter().enumerate() {
            let x = if right.get(k).copied().unwrap_or(false) {
                xs[k] + w[k] - self.m.width(Face::Bold, size, h)
            } else {
                xs[k]
            };
            self.text(x, Face::Bold, size, h);
        }
        self.y += 3.0;
        self.rule(MARGIN, total);
        self.y += lh - size - 3.0;
        for r in rows {
            let first = self.m.wrap(
                Face::Regular,
                size,
                r.first().map_or("", String::as_str),
                w[0],
            );
            self.ensure(lh * first.len() as f32);
            let y0 = self.y;
            for (i, l) in first.iter().enumerate() {
                self.y = y0 + size + lh * i as f32;
                self.text(xs[0], Face::Regular, size, l);
            }
            self.y = y0 + size;
            for (k, c) in r.iter().enumerate().take(n).skip(1) {
                let x = if right.get(k).copied().unwrap_or(false) {
                    xs[k] + w[k] - self.m.width(Face::Regular, size, c)
                } else {
                    xs[k]
                };
                self.text(x, Face::Regular, size, c);
            }
            self.y = y0 + lh * first.len() as f32;
        }
        self.y += 3.0;
    }
}

/// Cuts a monospaced line into pieces of at most `max` characters, at spaces when possible; the
/// continuation lines are indented.
fn wrap_mono(line: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= max {
        return vec![line.to_owned()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut first = true;
    while start < chars.len() {
        let room = if first { max } else { max - 4 };
        let end = (start + room).min(chars.len());
        let mut cut = end;
        if end < chars.len()
            && let Some(sp) = chars[start..end].iter().rposition(|c| *c == ' ')
            && sp > room / 3
        {
            cut = start + sp + 1;
        }
        let piece: String = chars[start..cut].iter().collect();
        out.push(if first {
            piece.trim_end().to_owned()
        } else {
            format!("    {}", piece.trim_end())
        });
        first = false;
        start = cut;
    }
    out
}

/// The PDF of the PV: exemplaire n° 1 then n° 2.
pub fn pv_pdf(pv: &Pv) -> TallyResult<Vec<u8>> {
    let m = Measure::new()?;
    let hash = pv.hash().map_err(|e| cannot(e.to_string()))?;
    let mut all: Vec<(Vec<Op>, String)> = Vec::new();
    for e in &pv.exemplaires {
        let mut l = Layout::new(&m);
        for b in blocks(pv, Some(e)) {
            l.block(&b);
        }
        let n = l.pages.len();
        for (i, p) in l.pages.into_iter().enumerate() {
            all.push((
                p,
                format!(
                    "{} — procès-verbal, exemplaire n° {} — page {}/{} — empreinte du procès-verbal {}",
                    pv.result.barreau,
                    e.number,
                    i + 1,
                    n,
                    grouped(&hash)
                ),
            ));
        }
    }
    render(&m, all, &format!("Procès-verbal — {}", pv.result.barreau))
}

fn render(m: &Measure, pages: Vec<(Vec<Op>, String)>, title: &str) -> TallyResult<Vec<u8>> {
    let font = |d: &'static [u8]| {
        Font::new(d.into(), 0).ok_or_else(|| cannot("police intégrée illisible"))
    };
    let (regular, bold, mono) = (font(REGULAR)?, font(BOLD)?, font(MONO)?);
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(title.to_owned()));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| cannot("format de page"))?;
    for (ops, footer) in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for (i, l) in m
            .wrap(Face::Regular, 6.5, &footer, WIDTH)
            .iter()
            .enumerate()
        {
            s.set_fill(Some(Fill::default()));
            s.draw_text(
                Point::from_xy(MARGIN, PAGE_H - 32.0 + 8.0 * i as f32),
                regular.clone(),
                6.5,
                l,
                false,
                TextDirection::Auto,
            );
        }
        for op in &ops {
            match op {
                Op::Text {
                    x,
                    y,
                    face,
                    size,
                    text,
                } => {
                    let font = match face {
                        Face::Regular => regular.clone(),
                        Face::Bold => bold.clone(),
                        Face::Mono => mono.clone(),
                    };
                    s.set_fill(Some(Fill::default()));
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            width: 0.5,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| cannot(format!("PDF : {e:?}")))
}

/// A PDF of plain blocks (the national PV of the recensement).
pub fn blocks_pdf(blocks: &[Block], title: &str, footer: &str) -> TallyResult<Vec<u8>> {
    let m = Measure::new()?;
    let mut l = Layout::new(&m);
    for b in blocks {
        l.block(b);
    }
    let n = l.pages.len();
    let pages = l
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, p)| (p, format!("{footer} — page {}/{n}", i + 1)))
        .collect();
    render(&m, pages, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_monospaced_line_is_cut_at_spaces_and_indented() {
        let line = "Règle appliquée : Décret n°91-1197, art. 6 : « seuls peuvent se présenter au deuxième tour »";
        let pieces = wrap_mono(line, 40);
        assert!(pieces.len() > 2);
        assert!(pieces.iter().all(|p| p.chars().count() <= 40));
        assert!(pieces[1].starts_with("    "));
        let back: String = pieces
            .iter()
            .map(|p| p.trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(back, line);
    }

    #[test]
    fn text_is_measured_with_the_embedded_font() {
        let m = Measure::new().unwrap();
        let a = m.width(Face::Regular, 10.0, "iiii");
        let b = m.width(Face::Regular, 10.0, "MMMM");
        assert!(a < b, "{a} {b}");
        let lines = m.wrap(
            Face::Regular,
            10.0,
            "un deux trois quatre cinq six sept",
            60.0,
        );
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| m.width(Face::Regular, 10.0, l) <= 60.0)
        );
    }
}
