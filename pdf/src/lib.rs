//! # urne-pdf — Urne's PDF documents
//!
//! The one place where Urne lays out PDF: the letters that carry the personal confidential codes
//! and the émargement lists of `urne-server`, and the procès-verbal of `urne-tally` can all use
//! it, so that every document of an election has the same font and the same layout rules.
//!
//! - **krilla** writes the PDF (see `../shared/notes/dependencies.md`: 69 crates, French accents
//!   fine, low-level: you place text). This crate adds what a document needs above that: A4
//!   pages in millimetres from the top-left corner, a regular and a bold face, text aligned left,
//!   right or centred, paragraphs wrapped to a width, lines and boxes.
//! - **The font is committed** (`fonts/DejaVuSans*.ttf`: regular, bold, mono; Bitstream Vera
//!   licence with public-domain DejaVu changes, `fonts/LICENSE.txt`) and compiled into the binary,
//!   so that a document is the same on every machine and never depends on the fonts installed;
//!   krilla embeds only the glyphs used (subset) and a ToUnicode map, so that `pdftotext` gives
//!   the text back.
//! - Text widths come from the font's own advance widths (skrifa, krilla's font reader), so that
//!   wrapping and right alignment do not guess.
//! - **Every document is PDF/A-2u** (ISO 19005-2, level U: fonts embedded, sRGB output intent, XMP
//!   metadata, every glyph mapped to Unicode), the archival form of PDF: a procès-verbal or an
//!   émargement list kept with the sealed ballots must still open, and read the same, when a cour
//!   d'appel asks for it years later. krilla checks the document against the standard when it
//!   writes it and refuses to write one that does not conform.
//!
//! A page is a list of drawing operations ([`Page`]); [`Document::add`] renders it. Nothing here
//! panics on any input text. PDF/A forbids the font's missing glyph, so a character the font lacks
//! (outside DejaVu's Latin, Greek and Cyrillic) is printed as « � » (U+FFFD): visibly not the
//! original, where the JSON beside the PDF keeps the exact text.

use std::sync::Arc;

use krilla::Document as KrillaDocument;
use krilla::SerializeSettings;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// The regular face (DejaVu Sans).
pub const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// The bold face (DejaVu Sans Bold).
pub const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
/// The monospaced face (DejaVu Sans Mono), for tables of figures and hashes.
pub const MONO_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");

/// A4 width in millimetres.
pub const A4_WIDTH: f32 = 210.0;
/// A4 height in millimetres.
pub const A4_HEIGHT: f32 = 297.0;

/// Points per millimetre (1 pt = 1/72 in).
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A committed font does not load (cannot happen with the fonts of this crate).
    #[error("police de caractères illisible : {0}")]
    Font(&'static str),
    /// krilla refused the document.
    #[error("écriture du PDF impossible : {0}")]
    Write(String),
}

/// The face of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Regular.
    Regular,
    /// Bold.
    Bold,
    /// Monospaced.
    Mono,
}

/// Horizontal alignment of a text relative to its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left edge.
    Left,
    /// `x` is the centre.
    Center,
    /// `x` is the right edge.
    Right,
}

/// Characters whose advance widths are tabulated when the fonts load (Latin, Latin-1,
/// Latin Extended, general punctuation: every character of French text); others are measured on
/// demand.
const TABULATED: usize = 0x2100;

/// Advance widths of the two faces, in em units (width = em × size), tabulated once and shared by
/// every clone of a [`Fonts`].
#[derive(Debug)]
struct Widths {
    regular: Vec<f32>,
    bold: Vec<f32>,
    mono: Vec<f32>,
}

/// The fonts of a document and their metrics.
#[derive(Clone)]
pub struct Fonts {
    regular: Font,
    bold: Font,
    mono: Font,
    widths: Arc<Widths>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts(DejaVu Sans)")
    }
}

/// The advance widths of the characters `chars` in `data`, in em units.
fn em_widths(data: &'static [u8], chars: impl Iterator<Item = char>) -> Vec<f32> {
    let Ok(font) = skrifa::FontRef::new(data) else {
        return chars.map(|_| 0.6).collect();
    };
    let units = f32::from(
        font.metrics(Size::unscaled(), LocationRef::default())
            .units_per_em,
    )
    .max(1.0);
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let charmap = font.charmap();
    chars
        .map(|c| {
            let gid = charmap.map(c).unwrap_or_default();
            metrics.advance_width(gid).unwrap_or(0.0) / units
        })
        .collect()
}

fn table(data: &'static [u8]) -> Vec<f32> {
    em_widths(
        data,
        (0..TABULATED as u32).map(|u| char::from_u32(u).unwrap_or(' ')),
    )
}

impl Fonts {
    /// `text` with every character the face lacks replaced by « � » (or « ? » if the face lacks
    /// that too): PDF/A refuses a document that draws the missing glyph (see the crate's doc).
    pub fn printable(&self, style: Style, text: &str) -> String {
        // Printable ASCII is in every face: most texts never reach the font's character map.
        let ascii = |c: char| (' '..='~').contains(&c);
        if text.chars().all(ascii) {
            return text.to_owned();
        }
        let data = match style {
            Style::Regular => REGULAR_TTF,
            Style::Bold => BOLD_TTF,
            Style::Mono => MONO_TTF,
        };
        let Ok(font) = skrifa::FontRef::new(data) else {
            return text
                .chars()
                .map(|c| if ascii(c) { c } else { '?' })
                .collect();
        };
        let charmap = font.charmap();
        let covers = |c: char| charmap.map(c).is_some_and(|g| g.to_u32() != 0);
        let replacement = if covers('\u{FFFD}') { '\u{FFFD}' } else { '?' };
        text.chars()
            .map(|c| {
                if ascii(c) || covers(c) {
                    c
                } else {
                    replacement
                }
            })
            .collect()
    }

    /// Loads the committed fonts.
    pub fn load() -> Result<Self, PdfError> {
        let regular =
            Font::new(REGULAR_TTF.to_vec().into(), 0).ok_or(PdfError::Font("DejaVuSans.ttf"))?;
        let bold =
            Font::new(BOLD_TTF.to_vec().into(), 0).ok_or(PdfError::Font("DejaVuSans-Bold.ttf"))?;
        let mono =
            Font::new(MONO_TTF.to_vec().into(), 0).ok_or(PdfError::Font("DejaVuSansMono.ttf"))?;
        Ok(Fonts {
            regular,
            bold,
            mono,
            widths: Arc::new(Widths {
                regular: table(REGULAR_TTF),
                bold: table(BOLD_TTF),
                mono: table(MONO_TTF),
            }),
        })
    }

    fn font(&self, style: Style) -> Font {
        match style {
            Style::Regular => self.regular.clone(),
            Style::Bold => self.bold.clone(),
            Style::Mono => self.mono.clone(),
        }
    }

    /// Width in millimetres of `text` at `size` points.
    pub fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        let (data, table) = match style {
            Style::Regular => (REGULAR_TTF, &self.widths.regular),
            Style::Bold => (BOLD_TTF, &self.widths.bold),
            Style::Mono => (MONO_TTF, &self.widths.mono),
        };
        let mut em = 0.0;
        for c in text.chars() {
            em += match table.get(c as usize) {
                Some(w) => *w,
                None => em_widths(data, std::iter::once(c))
                    .first()
                    .copied()
                    .unwrap_or(0.6),
            };
        }
        em * size / PT_PER_MM
    }

    /// Splits `text` into lines no wider than `width` mm at `size` points: words are kept
    /// whole unless one alone is wider than the line, then it is cut. Explicit line breaks
    /// (`\n`) are kept; an empty line stays empty.
    pub fn wrap(&self, style: Style, size: f32, width: f32, text: &str) -> Vec<String> {
        let space = self.width(style, size, " ");
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split_whitespace() {
                let w = self.width(style, size, word);
                if line.is_empty() && w <= width {
                    line.push_str(word);
                    line_width = w;
                    continue;
                }
                if !line.is_empty() && line_width + space + w <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_width += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut where it must be.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(style, size, &piece) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line_width = self.width(style, size, &piece);
                line = piece;
            }
            lines.push(line);
        }
        lines
    }

    /// `text` cut to fit `width` mm, with « … » when it was cut.
    pub fn fit(&self, style: Style, size: f32, width: f32, text: &str) -> String {
        if self.width(style, size, text) <= width {
            return text.to_owned();
        }
        let mut out = String::new();
        for c in text.chars() {
            out.push(c);
            if self.width(style, size, &format!("{out}…")) > width {
                out.pop();
                break;
            }
        }
        format!("{}…", out.trim_end())
    }
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        dash: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

/// One A4 page: drawing operations in millimetres from the top-left corner; `y` of a text is its
/// baseline.
#[derive(Debug, Clone)]
pub struct Page {
    fonts: Fonts,
    ops: Vec<Op>,
}

impl Page {
    /// The fonts of the page (to measure text).
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Draws `text` on one line at (`x`, baseline `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, style: Style, align: Align, text: &str) {
        let text = text.replace(['\n', '\r', '\t'], " ");
        if text.trim().is_empty() {
            return;
        }
        let text = self.fonts.printable(style, &text);
        let x = match align {
            Align::Left => x,
            Align::Center => x - self.fonts.width(style, size, &text) / 2.0,
            Align::Right => x - self.fonts.width(style, size, &text),
        };
        self.ops.push(Op::Text {
            x,
            y,
            size,
            style,
            text,
        });
    }

    /// Draws `text` wrapped to `width` mm from baseline `y`, one line every `leading` mm;
    /// returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        size: f32,
        style: Style,
        leading: f32,
        text: &str,
    ) -> f32 {
        let mut y = y;
        for line in self.fonts.wrap(style, size, width, text) {
            self.text(x, y, size, style, Align::Left, &line);
            y += leading;
        }
        y
    }

    /// A straight line of `width` points.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            dash: false,
        });
    }

    /// A dashed line (folding and cutting marks).
    pub fn dashed_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.ops.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            dash: true,
        });
    }

    /// The outline of a box (top-left corner, width and height in mm; line `width` in points).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.ops.push(Op::Rect { x, y, w, h, width });
    }
}

/// A PDF document of A4 pages.
pub struct Document {
    doc: KrillaDocument,
    fonts: Fonts,
    pages: usize,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

impl Document {
    /// A new PDF/A-2u document with `title` and `date` (its creation date, which PDF/A requires:
    /// the date the document states, so that the same document gives the same bytes) in the PDF
    /// metadata, and language French.
    pub fn new(title: &str, date: time::Date) -> Result<Self, PdfError> {
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_U)
            .finish()
            .map_err(|e| PdfError::Write(format!("PDF/A-2u : {e:?}")))?;
        let mut doc = KrillaDocument::new_with(SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        });
        doc.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("fr".to_owned())
                .creator("Urne".to_owned())
                .creation_date(
                    DateTime::new(u16::try_from(date.year()).unwrap_or(0))
                        .month(u8::from(date.month()))
                        .day(date.day()),
                ),
        );
        Ok(Document {
            doc,
            fonts: Fonts::load()?,
            pages: 0,
        })
    }

    /// The document's fonts.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// An empty page to draw on, then [`Document::add`].
    pub fn page(&self) -> Page {
        Page {
            fonts: self.fonts.clone(),
            ops: Vec::new(),
        }
    }

    /// Number of pages added.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Renders `page` as the next page of the document.
    pub fn add(&mut self, page: Page) -> Result<(), PdfError> {
        let settings = PageSettings::from_wh(pt(A4_WIDTH), pt(A4_HEIGHT))
            .ok_or_else(|| PdfError::Write("format A4".into()))?;
        let mut p = self.doc.start_page_with(settings);
        let mut s = p.surface();
        let black = Fill::default();
        for op in page.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    style,
                    text,
                } => {
                    s.set_stroke(None);
                    s.set_fill(Some(black.clone()));
                    s.draw_text(
                        Point::from_xy(pt(x), pt(y)),
                        self.fonts.font(style),
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    dash,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(pt(x1), pt(y1));
                    pb.line_to(pt(x2), pt(y2));
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            width,
                            dash: dash.then(|| krilla::paint::StrokeDash {
                                array: vec![3.0, 3.0],
                                offset: 0.0,
                            }),
                            opacity: NormalizedF32::ONE,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                    }
                }
                Op::Rect { x, y, w, h, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(pt(x), pt(y));
                    pb.line_to(pt(x + w), pt(y));
                    pb.line_to(pt(x + w), pt(y + h));
                    pb.line_to(pt(x), pt(y + h));
                    pb.close();
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            width,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                    }
                }
            }
        }
        s.finish();
        p.finish();
        self.pages += 1;
        Ok(())
    }

    /// The PDF bytes.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        self.doc
            .finish()
            .map_err(|e| PdfError::Write(format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_wider_text_measures_wider_and_bold_is_wider_than_regular() {
        let f = Fonts::load().unwrap();
        let a = f.width(Style::Regular, 10.0, "Maître");
        let b = f.width(Style::Regular, 10.0, "Maître Hélène Arnaud");
        assert!(a > 5.0 && a < 20.0, "{a}");
        assert!(b > a);
        assert!(f.width(Style::Bold, 10.0, "Maître") > a);
        let m = f.width(Style::Mono, 10.0, "iiii");
        assert!(
            (m - f.width(Style::Mono, 10.0, "MMMM")).abs() < 0.01,
            "chasse fixe"
        );
        assert!((f.width(Style::Regular, 20.0, "Maître") - 2.0 * a).abs() < 0.01);
    }

    #[test]
    fn a_paragraph_is_wrapped_within_its_width_and_keeps_its_words() {
        let f = Fonts::load().unwrap();
        let text = "Les électeurs peuvent également voter à distance par voie électronique, \
                    lorsque l'ordre dont ils relèvent a adopté les dispositions techniques \
                    nécessaires.";
        let lines = f.wrap(Style::Regular, 10.0, 60.0, text);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(f.width(Style::Regular, 10.0, l) <= 60.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let cut = f.wrap(Style::Regular, 10.0, 10.0, "Anticonstitutionnellement");
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), "Anticonstitutionnellement");
        assert_eq!(
            f.wrap(Style::Regular, 10.0, 60.0, "a\n\nb"),
            vec!["a", "", "b"]
        );
    }

    #[test]
    fn a_text_too_long_for_its_cell_is_cut_with_an_ellipsis() {
        let f = Fonts::load().unwrap();
        let s = f.fit(
            Style::Regular,
            9.0,
            20.0,
            "de La Tour-d'Auvergne Marie-Françoise",
        );
        assert!(s.ends_with('…'), "{s}");
        assert!(f.width(Style::Regular, 9.0, &s) <= 20.0);
        assert_eq!(f.fit(Style::Regular, 9.0, 50.0, "Arnaud"), "Arnaud");
    }

    #[test]
    fn a_document_of_two_pages_is_a_pdf() {
        let mut d = Document::new("Essai", time::macros::date!(2026 - 03 - 20)).unwrap();
        let mut p = d.page();
        p.text(
            20.0,
            30.0,
            12.0,
            Style::Bold,
            Align::Left,
            "Maître Hélène Arnaud",
        );
        p.text(
            190.0,
            30.0,
            10.0,
            Style::Regular,
            Align::Right,
            "Digne-les-Bains",
        );
        p.line(20.0, 40.0, 190.0, 40.0, 0.5);
        p.rect(20.0, 50.0, 80.0, 30.0, 0.5);
        d.add(p).unwrap();
        d.add(d.page()).unwrap();
        assert_eq!(d.pages(), 2);
        let bytes = d.finish().unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.len() > 1000);
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[test]
    fn every_document_declares_pdf_a_2u_with_its_srgb_output_intent() {
        let mut d = Document::new("Procès-verbal", time::macros::date!(2026 - 03 - 20)).unwrap();
        let mut p = d.page();
        p.text(
            20.0,
            30.0,
            12.0,
            Style::Regular,
            Align::Left,
            "Élection du bâtonnier",
        );
        d.add(p).unwrap();
        let bytes = d.finish().unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7"), "PDF/A-2 is PDF 1.7");
        assert!(contains(&bytes, "<pdfaid:part>2</pdfaid:part>"));
        assert!(contains(
            &bytes,
            "<pdfaid:conformance>U</pdfaid:conformance>"
        ));
        assert!(contains(&bytes, "/OutputIntents"));
        assert!(contains(&bytes, "/GTS_PDFA1"));
    }

    #[test]
    fn the_same_document_on_the_same_date_gives_the_same_bytes() {
        let make = |day| {
            let mut d = Document::new("Procès-verbal", day).unwrap();
            let mut p = d.page();
            p.text(
                20.0,
                30.0,
                12.0,
                Style::Bold,
                Align::Left,
                "Maître Hélène Arnaud",
            );
            d.add(p).unwrap();
            d.finish().unwrap()
        };
        let first = make(time::macros::date!(2026 - 03 - 20));
        assert_eq!(first, make(time::macros::date!(2026 - 03 - 20)));
        assert_ne!(first, make(time::macros::date!(2026 - 03 - 21)));
        assert!(contains(&first, "<xmp:CreateDate>2026-03-20"));
    }

    #[test]
    fn a_character_the_font_lacks_is_printed_as_the_replacement_character_and_the_document_still_conforms()
     {
        let f = Fonts::load().unwrap();
        assert_eq!(
            f.printable(Style::Regular, "Nguyễn Ærø Łukasz Ωμέγα Жуков"),
            "Nguyễn Ærø Łukasz Ωμέγα Жуков",
            "DejaVu's Latin, Greek and Cyrillic are printed as they are"
        );
        assert_eq!(
            f.printable(Style::Regular, "Me 漢字 Li"),
            "Me \u{FFFD}\u{FFFD} Li"
        );
        assert_eq!(f.printable(Style::Mono, "A\u{1F5F3}B"), "A\u{FFFD}B");
        assert_eq!(f.printable(Style::Bold, "CNBF 12345"), "CNBF 12345");
        // Without the replacement, krilla refuses to write the PDF/A (missing glyph).
        let mut d = Document::new("Essai", time::macros::date!(2026 - 03 - 20)).unwrap();
        let mut p = d.page();
        p.text(20.0, 30.0, 12.0, Style::Regular, Align::Left, "Me 李小龍");
        p.paragraph(
            20.0,
            40.0,
            100.0,
            10.0,
            Style::Bold,
            5.0,
            "Candidat 漢字 et 🗳",
        );
        d.add(p).unwrap();
        let bytes = d.finish().unwrap();
        assert!(contains(&bytes, "<pdfaid:part>2</pdfaid:part>"));
    }
}
