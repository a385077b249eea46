//! A small ISO 9660 image writer for NoCloud seeds: one root directory of a few files, with a
//! Joliet tree beside the plain one so that Linux (and so cloud-init) sees the files under
//! their real lower-case names (`user-data`, `meta-data`).
//!
//! Layout, in 2048-byte sectors: 0–15 system area, 16 primary volume descriptor, 17 Joliet
//! supplementary descriptor, 18 terminator, 19–22 the path tables (L and M of each tree),
//! 23 the plain root directory, 24 the Joliet one, then each file's data.

const SECTOR: usize = 2048;
const PVD: usize = 16;
const FIRST_PATH_TABLE: u32 = 19;
const PLAIN_ROOT: u32 = 23;
const JOLIET_ROOT: u32 = 24;
const FIRST_DATA: u32 = 25;
/// A path table of the root directory alone.
const PATH_TABLE_LEN: u32 = 10;

/// The image of a volume labelled `label` holding `files` (name, contents) in its root.
/// Names are up to 64 characters; the plain tree gets an upper-case 8.3 form of each.
pub fn image(label: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut files: Vec<(&str, &[u8])> = files.to_vec();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut extents = Vec::new();
    let mut next = FIRST_DATA;
    for (_, data) in &files {
        extents.push(next);
        next += sectors(data.len()).max(1);
    }
    let total = next;
    let mut img = vec![0u8; total as usize * SECTOR];

    let plain: Vec<Vec<u8>> = files.iter().map(|(n, _)| plain_name(n)).collect();
    let joliet: Vec<Vec<u8>> = files.iter().map(|(n, _)| ucs2(n)).collect();
    // Directory records sorted by identifier, as the standard asks.
    let dir = |names: &[Vec<u8>], own: u32| {
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by(|&a, &b| names[a].cmp(&names[b]));
        let mut d = Vec::new();
        d.extend(record(own, SECTOR as u32, true, &[0]));
        d.extend(record(own, SECTOR as u32, true, &[1]));
        for i in order {
            d.extend(record(
                extents[i],
                files[i].1.len() as u32,
                false,
                &names[i],
            ));
        }
        d
    };
    for (sector, names) in [(PLAIN_ROOT, &plain), (JOLIET_ROOT, &joliet)] {
        let d = dir(names, sector);
        debug_assert!(d.len() <= SECTOR);
        put(&mut img, sector, 0, &d);
    }
    for ((_, data), &at) in files.iter().zip(&extents) {
        put(&mut img, at, 0, data);
    }
    for (i, root) in [PLAIN_ROOT, JOLIET_ROOT].into_iter().enumerate() {
        let base = FIRST_PATH_TABLE + 2 * i as u32;
        put(
            &mut img,
            base,
            0,
            &path_table(root, u32::to_le_bytes, u16::to_le_bytes),
        );
        put(
            &mut img,
            base + 1,
            0,
            &path_table(root, u32::to_be_bytes, u16::to_be_bytes),
        );
        let joliet = i == 1;
        let d = descriptor(label, total, base, root, joliet);
        put(&mut img, PVD as u32 + i as u32, 0, &d);
    }
    let mut end = vec![0u8; 7];
    end[0] = 255;
    end[1..6].copy_from_slice(b"CD001");
    end[6] = 1;
    put(&mut img, PVD as u32 + 2, 0, &end);
    img
}

fn sectors(len: usize) -> u32 {
    len.div_ceil(SECTOR) as u32
}

fn put(img: &mut [u8], sector: u32, offset: usize, bytes: &[u8]) {
    let at = sector as usize * SECTOR + offset;
    img[at..at + bytes.len()].copy_from_slice(bytes);
}

fn both32(v: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&v.to_le_bytes());
    b[4..].copy_from_slice(&v.to_be_bytes());
    b
}

fn both16(v: u16) -> [u8; 4] {
    let mut b = [0u8; 4];
    b[..2].copy_from_slice(&v.to_le_bytes());
    b[2..].copy_from_slice(&v.to_be_bytes());
    b
}

/// A directory record (ECMA-119 9.1) with no date (all zero: "not specified").
fn record(extent: u32, len: u32, is_dir: bool, id: &[u8]) -> Vec<u8> {
    let pad = usize::from(id.len().is_multiple_of(2));
    let mut r = vec![0u8; 33 + id.len() + pad];
    r[0] = r.len() as u8;
    r[2..10].copy_from_slice(&both32(extent));
    r[10..18].copy_from_slice(&both32(len));
    // 1970-01-01 00:00 UTC rather than zeros, which some readers show as the year 1900.
    r[18..25].copy_from_slice(&[70, 1, 1, 0, 0, 0, 0]);
    r[25] = if is_dir { 2 } else { 0 };
    r[28..32].copy_from_slice(&both16(1));
    r[32] = id.len() as u8;
    r[33..33 + id.len()].copy_from_slice(id);
    r
}

/// The path table of a tree that is only its root directory at `root`.
fn path_table(root: u32, u32b: fn(u32) -> [u8; 4], u16b: fn(u16) -> [u8; 2]) -> Vec<u8> {
    let mut t = vec![0u8; PATH_TABLE_LEN as usize];
    t[0] = 1;
    t[2..6].copy_from_slice(&u32b(root));
    t[6..8].copy_from_slice(&u16b(1));
    t
}

/// The primary (or, `joliet`, the supplementary) volume descriptor (ECMA-119 8.4).
fn descriptor(label: &str, total: u32, path_tables: u32, root: u32, joliet: bool) -> Vec<u8> {
    let mut d = vec![0u8; SECTOR];
    d[0] = if joliet { 2 } else { 1 };
    d[1..6].copy_from_slice(b"CD001");
    d[6] = 1;
    let text = |d: &mut [u8], at: usize, len: usize, s: &str| {
        let bytes = if joliet {
            ucs2(s)
        } else {
            s.as_bytes().to_vec()
        };
        let field = &mut d[at..at + len];
        if joliet {
            for (i, b) in field.iter_mut().enumerate() {
                *b = if i % 2 == 0 && i + 1 < len { 0 } else { b' ' };
            }
        } else {
            field.fill(b' ');
        }
        let n = bytes.len().min(len);
        field[..n].copy_from_slice(&bytes[..n]);
    };
    text(&mut d, 8, 32, "");
    text(&mut d, 40, 32, label);
    d[80..88].copy_from_slice(&both32(total));
    if joliet {
        // UCS-2 level 3.
        d[88..91].copy_from_slice(b"%/E");
    }
    d[120..124].copy_from_slice(&both16(1));
    d[124..128].copy_from_slice(&both16(1));
    d[128..132].copy_from_slice(&both16(SECTOR as u16));
    d[132..140].copy_from_slice(&both32(PATH_TABLE_LEN));
    d[140..144].copy_from_slice(&path_tables.to_le_bytes());
    d[148..152].copy_from_slice(&(path_tables + 1).to_be_bytes());
    d[156..190].copy_from_slice(&record(root, SECTOR as u32, true, &[0]));
    for (at, len) in [(190, 128), (318, 128), (446, 128), (574, 128)] {
        text(&mut d, at, len, "");
    }
    for (at, len) in [(702, 37), (739, 37), (776, 37)] {
        text(&mut d, at, len, "");
    }
    // Dates "not specified": sixteen '0' digits and a zero time zone.
    for at in [813, 830, 847, 864] {
        d[at..at + 16].fill(b'0');
    }
    d[881] = 1;
    d
}

/// UCS-2 big-endian, as Joliet stores names.
fn ucs2(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// An ISO 9660 level-1 name: upper case, `_` for anything else, 8.3, version `;1`.
fn plain_name(name: &str) -> Vec<u8> {
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .map(|c| match c.to_ascii_uppercase() {
                c @ ('A'..='Z' | '0'..='9') => c,
                _ => '_',
            })
            .take(n)
            .collect()
    };
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{}.{};1", clean(stem, 8), clean(ext, 3)).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_and_names_are_where_readers_look() {
        let img = image("cidata", &[("user-data", b"u"), ("meta-data", b"m")]);
        assert_eq!(img.len(), 27 * SECTOR);
        assert_eq!(&img[16 * SECTOR + 1..16 * SECTOR + 6], b"CD001");
        assert_eq!(&img[16 * SECTOR + 40..16 * SECTOR + 46], b"cidata");
        assert_eq!(img[17 * SECTOR], 2);
        assert_eq!(img[18 * SECTOR], 255);
        assert_eq!(plain_name("user-data"), b"USER_DAT.;1");
        // meta-data sorts first, so its data is in the first data sector.
        assert_eq!(img[25 * SECTOR], b'm');
        assert_eq!(img[26 * SECTOR], b'u');
    }
}
