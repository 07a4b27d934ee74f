//! The procès-verbal as a PDF (A4, French): the blocks of `urne::pv::render` laid out twice, one
//! exemplaire after the other (décret art. 28: « établis en double exemplaire »), with krilla.
//!
//! Pages, fonts and text measure are urne-pdf's (the committed DejaVu Sans, Bold and Mono faces,
//! the same as the letters and émargement lists of the server), so that the PV wraps and aligns
//! exactly and `pdftotext` gives its text back. Every page carries the exemplaire, the page number
//! and the PV hash in its footer.

use crate::error::{TallyResult, cannot};
use urne::pv::Pv;
use urne::pv::render::{Block, blocks, grouped};
use urne_pdf::{Align, Document, Fonts, Style as Face};

/// The layout below works in points (1/72 in) from the top-left corner; urne-pdf in millimetres.
const PT_PER_MM: f32 = 72.0 / 25.4;
const PAGE_H: f32 = urne_pdf::A4_HEIGHT * PT_PER_MM;
const PAGE_W: f32 = urne_pdf::A4_WIDTH * PT_PER_MM;
const MARGIN: f32 = 50.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - 60.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

fn mm(points: f32) -> f32 {
    points / PT_PER_MM
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

/// Text measured with urne-pdf's fonts (the committed DejaVu faces), in points.
struct Measure {
    fonts: Fonts,
}

impl Measure {
    fn new() -> TallyResult<Self> {
        Ok(Measure {
            fonts: Fonts::load().map_err(|e| cannot(e.to_string()))?,
        })
    }

    /// Width of `text` at `size` points, in points.
    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        self.fonts.width(face, size, text) * PT_PER_MM
    }

    /// Splits `text` into lines of at most `width` points (a word longer than a line is cut).
    fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        self.fonts.wrap(face, size, mm(width), text)
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
    render(
        &m,
        all,
        &format!("Procès-verbal — {}", pv.result.barreau),
        pv.date.0,
    )
}

/// `date`: the document's creation date in its PDF/A metadata (the date it states).
fn render(
    m: &Measure,
    pages: Vec<(Vec<Op>, String)>,
    title: &str,
    date: time::Date,
) -> TallyResult<Vec<u8>> {
    let failed = |e: urne_pdf::PdfError| cannot(e.to_string());
    let mut doc = Document::new(title, date).map_err(failed)?;
    for (ops, footer) in pages {
        let mut page = doc.page();
        for (i, l) in m
            .wrap(Face::Regular, 6.5, &footer, WIDTH)
            .iter()
            .enumerate()
        {
            let y = PAGE_H - 32.0 + 8.0 * i as f32;
            page.text(mm(MARGIN), mm(y), 6.5, Face::Regular, Align::Left, l);
        }
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    face,
                    size,
                    text,
                } => page.text(mm(x), mm(y), size, face, Align::Left, &text),
                Op::Line { x1, y1, x2, y2 } => page.line(mm(x1), mm(y1), mm(x2), mm(y2), 0.5),
            }
        }
        doc.add(page).map_err(failed)?;
    }
    doc.finish().map_err(failed)
}

/// A PDF of plain blocks (the national PV of the recensement), drawn up on `date`.
pub fn blocks_pdf(
    blocks: &[Block],
    title: &str,
    footer: &str,
    date: time::Date,
) -> TallyResult<Vec<u8>> {
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
    render(&m, pages, title, date)
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
