//! Screenshots into thumbnails, off the GTK thread: PPM (what QEMU hands libvirt) parsed here,
//! PNG and other formats through gdk-pixbuf's loaders; then an area-average scale-down to at
//! most [`MAX_WIDTH`] × [`MAX_HEIGHT`], packed RGB.

use gtk::gdk_pixbuf;
use gtk::prelude::*;

/// Widest thumbnail made, in pixels (the overview page shows it at up to this size).
pub const MAX_WIDTH: u32 = 320;
/// Tallest thumbnail made, in pixels.
pub const MAX_HEIGHT: u32 = 240;

/// A scaled-down screen: packed RGB rows of `width * 3` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, row after row.
    pub rgb: Vec<u8>,
}

/// A decoded screen: `channels` bytes a pixel (3 or 4, the fourth ignored), rows `stride` apart.
struct Image<'a> {
    width: u32,
    height: u32,
    stride: usize,
    channels: usize,
    pixels: &'a [u8],
}

/// A quick fingerprint of a screenshot's bytes, to skip decoding a screen that did not change.
pub fn fingerprint(data: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = data.len() as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

impl Thumbnail {
    /// This thumbnail scaled down to fit `max_width` × `max_height` (a list row's picture, so
    /// that drawing it needs no scaling).
    pub fn shrunk(&self, max_width: u32, max_height: u32) -> Thumbnail {
        let image = Image {
            width: self.width,
            height: self.height,
            stride: self.width as usize * 3,
            channels: 3,
            pixels: &self.rgb,
        };
        scale(&image, (max_width, max_height))
    }
}

/// Decodes a screenshot of type `mime` and scales it down to fit the thumbnail size.
pub fn thumbnail(mime: &str, data: &[u8]) -> Result<Thumbnail, String> {
    const MAX: (u32, u32) = (MAX_WIDTH, MAX_HEIGHT);
    if mime == "image/x-portable-pixmap" || data.starts_with(b"P6") {
        return Ok(scale(&parse_ppm(data)?, MAX));
    }
    let loader = if mime.is_empty() {
        gdk_pixbuf::PixbufLoader::new()
    } else {
        gdk_pixbuf::PixbufLoader::with_mime_type(mime).map_err(|e| e.to_string())?
    };
    loader.write(data).map_err(|e| e.to_string())?;
    loader.close().map_err(|e| e.to_string())?;
    let pixbuf = loader
        .pixbuf()
        .ok_or_else(|| format!("no image in the {mime} screenshot"))?;
    let bytes = pixbuf.read_pixel_bytes();
    let (Ok(width), Ok(height), Ok(stride)) = (
        u32::try_from(pixbuf.width()),
        u32::try_from(pixbuf.height()),
        usize::try_from(pixbuf.rowstride()),
    ) else {
        return Err("a screenshot of negative size".into());
    };
    let channels = usize::try_from(pixbuf.n_channels()).unwrap_or(0);
    if pixbuf.bits_per_sample() != 8 || !(3..=4).contains(&channels) {
        return Err("a screenshot in an unknown pixel format".into());
    }
    let image = Image {
        width,
        height,
        stride,
        channels,
        pixels: &bytes,
    };
    check(&image)?;
    Ok(scale(&image, MAX))
}

/// A binary PPM (`P6`, 8 bits a sample) as an image over `data`.
fn parse_ppm(data: &[u8]) -> Result<Image<'_>, String> {
    let bad = || "not a binary PPM image".to_string();
    let mut pos = 0;
    let mut fields = [0u32; 3];
    if !data.starts_with(b"P6") {
        return Err(bad());
    }
    pos += 2;
    for field in &mut fields {
        // Whitespace and comments, then decimal digits.
        loop {
            match data.get(pos) {
                Some(b'#') => {
                    while data.get(pos).is_some_and(|&c| c != b'\n') {
                        pos += 1;
                    }
                }
                Some(c) if c.is_ascii_whitespace() => pos += 1,
                Some(_) => break,
                None => return Err(bad()),
            }
        }
        let start = pos;
        while data.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        *field = std::str::from_utf8(&data[start..pos])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
    }
    // One whitespace byte ends the header.
    pos += 1;
    let [width, height, max] = fields;
    if max != 255 {
        return Err(format!("a PPM image with {max} as its largest sample"));
    }
    let image = Image {
        width,
        height,
        stride: width as usize * 3,
        channels: 3,
        pixels: data.get(pos..).ok_or_else(bad)?,
    };
    check(&image)?;
    Ok(image)
}

/// Whether the pixels hold the whole image.
fn check(image: &Image<'_>) -> Result<(), String> {
    let rows = image.height as usize;
    let need = rows.saturating_sub(1) * image.stride + image.width as usize * image.channels;
    if image.width == 0 || image.height == 0 || image.pixels.len() < need {
        return Err(format!(
            "a {}×{} screenshot with {} bytes of pixels",
            image.width,
            image.height,
            image.pixels.len()
        ));
    }
    Ok(())
}

/// The size `width` × `height` scaled to fit `max` (never up), keeping its shape.
fn fit(width: u32, height: u32, max: (u32, u32)) -> (u32, u32) {
    let factor = (f64::from(max.0) / f64::from(width))
        .min(f64::from(max.1) / f64::from(height))
        .min(1.0);
    let w = (f64::from(width) * factor).round().max(1.0) as u32;
    let h = (f64::from(height) * factor).round().max(1.0) as u32;
    (w, h)
}

/// Scales down to fit `max` by averaging each thumbnail pixel's area of the image.
fn scale(image: &Image<'_>, max: (u32, u32)) -> Thumbnail {
    let (w, h) = fit(image.width, image.height, max);
    let spans = |from: u32, to: u32| -> Vec<(usize, usize)> {
        (0..to)
            .map(|i| {
                let a = (u64::from(i) * u64::from(from) / u64::from(to)) as usize;
                let b = (u64::from(i + 1) * u64::from(from) / u64::from(to)) as usize;
                (a, b.max(a + 1))
            })
            .collect()
    };
    let cols = spans(image.width, w);
    let rows = spans(image.height, h);
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    let mut sums = vec![0u32; w as usize * 3];
    for &(y0, y1) in &rows {
        sums.fill(0);
        for y in y0..y1 {
            let row = &image.pixels[y * image.stride..];
            for (i, &(x0, x1)) in cols.iter().enumerate() {
                let sum = &mut sums[i * 3..i * 3 + 3];
                for px in row[x0 * image.channels..x1 * image.channels].chunks_exact(image.channels)
                {
                    sum[0] += u32::from(px[0]);
                    sum[1] += u32::from(px[1]);
                    sum[2] += u32::from(px[2]);
                }
            }
        }
        for (i, &(x0, x1)) in cols.iter().enumerate() {
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            for c in 0..3 {
                rgb.push(((sums[i * 3 + c] + n / 2) / n) as u8);
            }
        }
    }
    Thumbnail {
        width: w,
        height: h,
        rgb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ppm(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let mut data = format!("P6\n# made for a test\n{width} {height}\n255\n").into_bytes();
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&pixel(x, y));
            }
        }
        data
    }

    #[test]
    fn a_ppm_screen_is_scaled_to_fit() {
        // QEMU's VGA text mode: 720×400.
        let data = ppm(
            720,
            400,
            |x, _| if x < 360 { [255, 0, 0] } else { [0, 0, 255] },
        );
        let t = thumbnail("image/x-portable-pixmap", &data).unwrap();
        assert_eq!((t.width, t.height), (320, 178));
        assert_eq!(t.rgb.len(), 320 * 178 * 3);
        assert_eq!(&t.rgb[..3], &[255, 0, 0]);
        assert_eq!(&t.rgb[t.rgb.len() - 3..], &[0, 0, 255]);
    }

    #[test]
    fn averages_areas() {
        // 640×2 stripes of black and white columns average to grey at half the width.
        let data = ppm(640, 2, |x, _| if x % 2 == 0 { [0; 3] } else { [255; 3] });
        let t = thumbnail("", &data).unwrap();
        assert_eq!((t.width, t.height), (320, 1));
        assert!(t.rgb.iter().all(|&v| v == 128));
    }

    #[test]
    fn thumbnails_shrink_to_a_rows_size() {
        let data = ppm(
            720,
            400,
            |x, _| if x < 360 { [255, 0, 0] } else { [0, 0, 255] },
        );
        let t = thumbnail("image/x-portable-pixmap", &data).unwrap();
        let small = t.shrunk(64, 36);
        assert_eq!((small.width, small.height), (64, 36));
        assert_eq!(&small.rgb[..3], &[255, 0, 0]);
        assert_eq!(&small.rgb[small.rgb.len() - 3..], &[0, 0, 255]);
        // Twice the size on a display scaled by 2.
        assert_eq!(t.shrunk(128, 72).width, 128);
    }

    #[test]
    fn small_screens_stay_as_they_are() {
        let data = ppm(4, 3, |x, y| [x as u8, y as u8, 7]);
        let t = thumbnail("image/x-portable-pixmap", &data).unwrap();
        assert_eq!((t.width, t.height), (4, 3));
        assert_eq!(&t.rgb[3 * (4 + 2)..3 * (4 + 3)], &[2, 1, 7]);
    }

    #[test]
    fn png_goes_through_the_loaders() {
        let pixbuf =
            gdk_pixbuf::Pixbuf::new(gdk_pixbuf::Colorspace::Rgb, true, 8, 800, 600).unwrap();
        pixbuf.fill(0x00ff_00ff);
        let png = pixbuf.save_to_bufferv("png", &[]).unwrap();
        let t = thumbnail("image/png", &png).unwrap();
        assert_eq!((t.width, t.height), (320, 240));
        assert_eq!(&t.rgb[..3], &[0, 255, 0]);
    }

    #[test]
    fn broken_images_are_refused() {
        assert!(thumbnail("image/x-portable-pixmap", b"P6\n10 10\n255\nshort").is_err());
        assert!(thumbnail("image/x-portable-pixmap", b"P6\n10 10\n65535\n").is_err());
        assert!(thumbnail("image/x-portable-pixmap", b"P5\n1 1\n255\n\0").is_err());
        assert!(thumbnail("image/png", b"not a png").is_err());
    }

    #[test]
    fn fingerprints_tell_screens_apart() {
        let a = ppm(16, 16, |_, _| [1, 2, 3]);
        let mut b = a.clone();
        *b.last_mut().unwrap() ^= 1;
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
    }
}
