//! Where the guest's framebuffer goes inside the widget: fit-to-window or one guest pixel per
//! device pixel, the filter that keeps it crisp, and the way back from widget coordinates to
//! framebuffer coordinates for the pointer.

use gtk::glib;

/// How the display maps the guest's framebuffer to the widget.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "HangarVncScaling")]
pub enum Scaling {
    /// Scale to the widget's size, keeping the aspect ratio (letterboxed).
    #[default]
    Fit,
    /// One guest pixel per device pixel; the widget asks for the framebuffer's size, so a
    /// `gtk::ScrolledWindow` around it scrolls.
    Native,
}

/// The framebuffer's place in the widget, in logical (widget) pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Left edge of the picture.
    pub x: f64,
    /// Top edge of the picture.
    pub y: f64,
    /// Logical pixels per guest pixel.
    pub scale: f64,
    /// Whether each guest pixel covers a whole number of device pixels (nearest-neighbour
    /// filtering then stays sharp and exact).
    pub integer_scale: bool,
}

/// Places a `fb_width`×`fb_height` framebuffer in a `width`×`height` widget whose surface has
/// `scale_factor` device pixels per logical pixel.
pub fn place(
    mode: Scaling,
    fb_width: u32,
    fb_height: u32,
    width: f64,
    height: f64,
    scale_factor: f64,
) -> Placement {
    let sf = if scale_factor > 0.0 {
        scale_factor
    } else {
        1.0
    };
    let (fw, fh) = (f64::from(fb_width.max(1)), f64::from(fb_height.max(1)));
    let scale = match mode {
        Scaling::Fit => (width / fw).min(height / fh).max(f64::MIN_POSITIVE),
        Scaling::Native => 1.0 / sf,
    };
    // Centre when there is room; offsets land on device pixels so edges stay sharp.
    let snap = |v: f64| (v * sf).round() / sf;
    let x = snap(((width - fw * scale) / 2.0).max(0.0));
    let y = snap(((height - fh * scale) / 2.0).max(0.0));
    let device = scale * sf;
    let integer_scale = (device - device.round()).abs() < 1e-6 && device.round() >= 1.0;
    Placement {
        x,
        y,
        scale,
        integer_scale,
    }
}

impl Placement {
    /// The framebuffer position under the widget point (`x`, `y`), in fractional guest pixels
    /// and not clamped: for measuring movement.
    pub fn framebuffer_position(self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.x) / self.scale, (y - self.y) / self.scale)
    }

    /// The framebuffer pixel under the widget point (`x`, `y`), clamped to the framebuffer.
    pub fn framebuffer_point(self, x: f64, y: f64, fb_width: u32, fb_height: u32) -> (u16, u16) {
        let clamp = |v: f64, size: u32| -> u16 {
            let max = f64::from(size.clamp(1, u32::from(u16::MAX)) - 1);
            // Truncation is intended: the value is already clamped into u16's range.
            v.floor().clamp(0.0, max) as u16
        };
        (
            clamp((x - self.x) / self.scale, fb_width),
            clamp((y - self.y) / self.scale, fb_height),
        )
    }
}

/// The size the widget asks for (its natural size), in logical pixels: the framebuffer at one
/// guest pixel per device pixel.
pub fn requested_size(fb_width: u32, fb_height: u32, scale_factor: i32) -> (i32, i32) {
    let sf = u32::try_from(scale_factor.max(1)).unwrap_or(1);
    let logical = |v: u32| i32::try_from(v.div_ceil(sf)).unwrap_or(i32::MAX);
    (logical(fb_width), logical(fb_height))
}

/// The smallest size the widget accepts: the whole framebuffer in native mode, a token size
/// when fitting (it scales down to anything).
pub fn minimum_size(mode: Scaling, fb_width: u32, fb_height: u32, scale_factor: i32) -> (i32, i32) {
    match mode {
        Scaling::Fit => (16, 16),
        Scaling::Native => requested_size(fb_width, fb_height, scale_factor),
    }
}

/// How long a widget keeps one size before the guest is asked for it: dragging a window edge
/// asks once, not at every step.
pub const GUEST_RESIZE_SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// Smaller than this is not asked for: guests refuse or misbehave at tiny modes.
const MIN_SIZE: (u32, u32) = (320, 200);

/// The guest size to ask for a widget of `width`×`height` logical pixels at `scale`.
pub fn wanted_guest_size(width: i32, height: i32, scale: i32) -> Option<(u32, u32)> {
    let device = |v: i32| u32::try_from(v.checked_mul(scale.max(1))?).ok();
    let (w, h) = (device(width)?, device(height)?);
    (w > 0 && h > 0).then(|| {
        (
            w.clamp(MIN_SIZE.0, u32::from(u16::MAX)),
            h.clamp(MIN_SIZE.1, u32::from(u16::MAX)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_centres() {
        let p = place(Scaling::Fit, 720, 400, 1440.0, 1000.0, 1.0);
        assert_eq!(p.scale, 2.0);
        assert_eq!((p.x, p.y), (0.0, 100.0));
        assert!(p.integer_scale);
        let p = place(Scaling::Fit, 720, 400, 1000.0, 400.0, 1.0);
        assert_eq!(p.scale, 1.0);
        assert_eq!(p.x, 140.0);
        let p = place(Scaling::Fit, 720, 400, 500.0, 400.0, 1.0);
        assert!(p.scale < 1.0 && !p.integer_scale);
    }

    #[test]
    fn native_is_one_device_pixel_per_guest_pixel() {
        let p = place(Scaling::Native, 720, 400, 300.0, 200.0, 2.0);
        assert_eq!(p.scale, 0.5);
        assert_eq!((p.x, p.y), (0.0, 0.0));
        assert!(p.integer_scale);
        assert_eq!(requested_size(720, 400, 2), (360, 200));
        assert_eq!(minimum_size(Scaling::Native, 721, 400, 2), (361, 200));
        assert_eq!(minimum_size(Scaling::Native, 720, 400, 1), (720, 400));
        assert_eq!(minimum_size(Scaling::Fit, 720, 400, 1), (16, 16));
    }

    #[test]
    fn hidpi_fit_at_whole_device_pixels_is_integer() {
        // 720 guest pixels in 720 logical pixels on a 2x screen: 2 device pixels each.
        let p = place(Scaling::Fit, 720, 400, 720.0, 400.0, 2.0);
        assert!(p.integer_scale);
    }

    #[test]
    fn pointer_maps_back_and_clamps() {
        let p = place(Scaling::Fit, 64, 48, 640.0, 480.0, 1.0);
        assert_eq!(p.framebuffer_point(320.0, 240.0, 64, 48), (32, 24));
        assert_eq!(p.framebuffer_point(0.0, 0.0, 64, 48), (0, 0));
        assert_eq!(p.framebuffer_point(639.9, 479.9, 64, 48), (63, 47));
        assert_eq!(p.framebuffer_point(-50.0, 9999.0, 64, 48), (0, 47));
        // Letterboxed: the bars map to the nearest edge.
        let p = place(Scaling::Fit, 64, 48, 640.0, 580.0, 1.0);
        assert_eq!(p.y, 50.0);
        assert_eq!(p.framebuffer_point(5.0, 55.0, 64, 48), (0, 0));
        // Positions for measuring movement are neither rounded nor clamped.
        assert_eq!(p.framebuffer_position(15.0, 40.0), (1.5, -1.0));
    }

    #[test]
    fn wanted_guest_size_is_in_device_pixels_within_limits() {
        assert_eq!(wanted_guest_size(800, 600, 1), Some((800, 600)));
        assert_eq!(wanted_guest_size(800, 600, 2), Some((1600, 1200)));
        assert_eq!(wanted_guest_size(100, 50, 1), Some((320, 200)));
        assert_eq!(wanted_guest_size(0, 600, 1), None);
        assert_eq!(wanted_guest_size(i32::MAX, 600, 2), None);
        assert_eq!(wanted_guest_size(40_000, 30_000, 2), Some((65_535, 60_000)));
    }
}
