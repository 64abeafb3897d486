//! PNG text, laid out glyph by glyph with the bundled font.
//!
//! plotters' own `ab_glyph` text drawing puts each glyph's bitmap at the
//! pen position rounded to a whole pixel and drops the glyph's left side
//! bearing (the outline's offset from the pen), so narrow glyphs such as
//! `1`, `-` and `M` sit against their left neighbour and leave a gap after
//! them ("Standard-1 X", "1 024 MB"). [`GlyphBackend`] wraps the bitmap
//! backend and draws text itself: the pen advances in fractional pixels
//! with kerning, and every glyph is drawn at its outline's own bounds.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::prelude::BitMapBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// A bitmap backend whose text is drawn with [`FontRef`] correctly.
pub struct GlyphBackend<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'static>,
}

type Failure = DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

impl<'a> GlyphBackend<'a> {
    pub fn new(inner: BitMapBackend<'a>, font: FontRef<'static>) -> Self {
        GlyphBackend { inner, font }
    }
}

/// One line of text laid out from the pen at (0, 0), the top of the line.
struct Layout {
    /// (glyph, pen x) in pixels.
    glyphs: Vec<(GlyphId, f32)>,
    width: f32,
    height: f32,
    ascent: f32,
}

fn layout(font: &FontRef<'static>, size: f64, text: &str) -> Layout {
    let scaled = font.as_scaled(PxScale::from(size as f32));
    let mut pen = 0.0f32;
    let mut previous: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for character in text.chars() {
        let id = scaled.glyph_id(character);
        if let Some(before) = previous {
            pen += scaled.kern(before, id);
        }
        glyphs.push((id, pen));
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    Layout {
        glyphs,
        width: pen,
        height: scaled.ascent() - scaled.descent(),
        ascent: scaled.ascent(),
    }
}

impl GlyphBackend<'_> {
    /// The pixels of `text` as (x, y, coverage) from the top left of its
    /// box, in the text's own (unrotated) frame.
    fn coverage(&self, text: &str, size: f64) -> (Vec<(i32, i32, f32)>, Layout) {
        let laid = layout(&self.font, size, text);
        let scale = PxScale::from(size as f32);
        let mut pixels = Vec::new();
        for &(id, pen) in &laid.glyphs {
            let glyph = id.with_scale_and_position(scale, point(pen, laid.ascent));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|x, y, cover| {
                    pixels.push((
                        bounds.min.x as i32 + x as i32,
                        bounds.min.y as i32 + y as i32,
                        cover,
                    ));
                });
            }
        }
        (pixels, laid)
    }
}

impl<'a> DrawingBackend for GlyphBackend<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failure> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_path(path, style)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.fill_polygon(vertices, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), Failure> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), Failure> {
        let laid = layout(&self.font, style.size(), text);
        Ok((laid.width.ceil() as u32, laid.height.ceil() as u32))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Failure> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (pixels, laid) = self.coverage(text, style.size());
        let (width, height) = (laid.width.round() as i32, laid.height.round() as i32);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (canvas_width, canvas_height) = self.get_size();
        for (x, y, cover) in pixels {
            let (x, y) = transform.transform(x + dx, y + dy);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && x < canvas_width as i32 && y < canvas_height as i32 {
                let inked = BackendColor {
                    alpha: color.alpha * f64::from(cover.min(1.0)),
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((x, y), inked)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> FontRef<'static> {
        FontRef::try_from_slice(super::super::FONT).expect("the bundled font parses")
    }

    #[test]
    fn advances_add_up_with_kerning() {
        // The pen moves by each glyph's advance plus the pair's kerning, so
        // the width of "1X" is advance(1) + kern(1, X) + advance(X).
        let font = font();
        let scaled = font.as_scaled(PxScale::from(20.0));
        let (one, x) = (scaled.glyph_id('1'), scaled.glyph_id('X'));
        let expected = scaled.h_advance(one) + scaled.kern(one, x) + scaled.h_advance(x);
        let laid = layout(&font, 20.0, "1X");
        assert!(
            (laid.width - expected).abs() < 1e-4,
            "{} vs {expected}",
            laid.width
        );
        assert_eq!(laid.glyphs[1].1, scaled.h_advance(one) + scaled.kern(one, x));
    }

    #[test]
    fn a_narrow_glyph_is_drawn_at_its_bearing_not_at_the_pen() {
        // DejaVu Sans' "1" has a left side bearing of about 0.11 em: at
        // 40 px its ink starts some 4 px right of the pen, where plotters
        // drew it at 0. The first inked column is the bearing, rounded down.
        let font = font();
        let backend = GlyphBackend {
            inner: BitMapBackend::with_buffer(&mut [], (0, 0)),
            font: font.clone(),
        };
        let (pixels, _) = backend.coverage("1", 40.0);
        let first = pixels
            .iter()
            .filter(|pixel| pixel.2 > 0.0)
            .map(|pixel| pixel.0)
            .min()
            .expect("ink");
        let scaled = font.as_scaled(PxScale::from(40.0));
        let bearing = scaled.h_side_bearing(scaled.glyph_id('1'));
        assert!(bearing > 3.0, "bearing {bearing}");
        assert_eq!(first, bearing.floor() as i32);
    }
}
