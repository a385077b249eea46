//! The benchmark's RFB server: one client at a time, a new raw update (the whole screen or a
//! moving rectangle) for every update request, counting what it sent.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The server side: one client at a time; prints "port N", then "served N" every 200 ms.
pub fn serve(width: u16, height: u16, partial: bool) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    println!("port {port}");
    let _ = std::io::stdout().flush();
    let served = Arc::new(AtomicU64::new(0));
    let s = served.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            println!("served {}", s.load(Ordering::Relaxed));
            if std::io::stdout().flush().is_err() {
                std::process::exit(0);
            }
        }
    });
    for stream in listener.incoming().map_while(Result::ok) {
        let _ = serve_client(stream, width, height, partial, &served);
    }
}

/// Frames that differ from each other everywhere: a moving bar over a shifting gradient.
/// With `partial`, 256x128 rectangles of it at places that move from update to update.
fn frames(width: u16, height: u16, bytes_per_pixel: usize, partial: bool) -> Vec<Vec<u8>> {
    (0..8u32)
        .map(|n| {
            let (x0, y0, width, height) = if partial {
                let (rw, rh) = (256.min(width), 128.min(height));
                let x = (n * 211) % u32::from(width - rw + 1);
                let y = (n * 97) % u32::from(height - rh + 1);
                (x as u16, y as u16, rw, rh)
            } else {
                (0, 0, width, height)
            };
            let (w, h) = (usize::from(width), usize::from(height));
            let mut out = Vec::with_capacity(16 + w * h * bytes_per_pixel);
            out.extend_from_slice(&[0, 0, 0, 1]);
            out.extend_from_slice(&x0.to_be_bytes());
            out.extend_from_slice(&y0.to_be_bytes());
            out.extend_from_slice(&width.to_be_bytes());
            out.extend_from_slice(&height.to_be_bytes());
            out.extend_from_slice(&0i32.to_be_bytes());
            for y in 0..h {
                for x in 0..w {
                    let bar = (x / 64) as u32 % 8 == n;
                    let v: u32 = if bar {
                        0x00ff_ffff
                    } else {
                        (((x as u32 + n * 37) & 0xff) << 16)
                            | (((y as u32 + n * 11) & 0xff) << 8)
                            | (n * 30)
                    };
                    out.extend_from_slice(&v.to_le_bytes()[..bytes_per_pixel]);
                }
            }
            out
        })
        .collect()
}

fn serve_client(
    mut s: TcpStream,
    width: u16,
    height: u16,
    partial: bool,
    served: &AtomicU64,
) -> std::io::Result<()> {
    let _ = s.set_nodelay(true);
    let mut buf = [0u8; 64];
    s.write_all(b"RFB 003.008\n")?;
    s.read_exact(&mut buf[..12])?;
    s.write_all(&[1, 1])?;
    s.read_exact(&mut buf[..1])?;
    s.write_all(&0u32.to_be_bytes())?;
    s.read_exact(&mut buf[..1])?;
    let mut init = Vec::new();
    init.extend_from_slice(&width.to_be_bytes());
    init.extend_from_slice(&height.to_be_bytes());
    init.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    init.extend_from_slice(&5u32.to_be_bytes());
    init.extend_from_slice(b"bench");
    s.write_all(&init)?;
    let mut bpp = 4;
    let mut set = frames(width, height, bpp, partial);
    let mut next = 0usize;
    loop {
        s.read_exact(&mut buf[..1])?;
        match buf[0] {
            0 => {
                s.read_exact(&mut buf[..19])?;
                let new_bpp = usize::from(buf[3] / 8).max(1);
                if new_bpp != bpp {
                    bpp = new_bpp;
                    set = frames(width, height, bpp, partial);
                }
            }
            2 => {
                s.read_exact(&mut buf[..3])?;
                let n = usize::from(u16::from_be_bytes([buf[1], buf[2]]));
                let mut enc = vec![0u8; n * 4];
                s.read_exact(&mut enc)?;
            }
            3 => {
                s.read_exact(&mut buf[..9])?;
                s.write_all(&set[next % set.len()])?;
                next += 1;
                served.fetch_add(1, Ordering::Relaxed);
            }
            4 => s.read_exact(&mut buf[..7])?,
            5 => s.read_exact(&mut buf[..5])?,
            6 => {
                s.read_exact(&mut buf[..7])?;
                let len = u32::from_be_bytes([buf[3], buf[4], buf[5], buf[6]]) as usize;
                let mut text = vec![0u8; len];
                s.read_exact(&mut text)?;
            }
            255 => {
                s.read_exact(&mut buf[..1])?;
                match buf[0] {
                    0 => s.read_exact(&mut buf[..10])?,
                    _ => return Ok(()),
                }
            }
            _ => return Ok(()),
        }
    }
}
