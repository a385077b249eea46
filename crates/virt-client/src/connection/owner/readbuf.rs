//! The owner's read buffer: bytes read from the socket and not yet handled.
//!
//! It grows to hold the largest packet that arrives (up to libvirt's 32 MiB limit), and
//! shrinks back to [`READ_CHUNK`] once such a packet has been handled, so that one large reply
//! does not keep its memory for the rest of the connection.

use virt_proto::packet;

/// Size of the buffer between large packets; each read asks for up to this much.
pub(super) const READ_CHUNK: usize = 256 * 1024;

/// Bytes read and not yet handled live in `buf[start..end]`.
pub(super) struct ReadBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReadBuf {
    pub(super) fn new() -> Self {
        ReadBuf {
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
        }
    }

    /// Where the next read goes; never empty.
    pub(super) fn spare(&mut self) -> &mut [u8] {
        if self.end == self.buf.len() {
            self.make_room(READ_CHUNK / 4);
        }
        &mut self.buf[self.end..]
    }

    /// `n` bytes were read into [`spare`](Self::spare).
    pub(super) fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// The bytes not yet handled.
    pub(super) fn filled(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The first `n` bytes were handled.
    pub(super) fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Makes sure a packet of `len` bytes starting at the first unhandled byte fits.
    pub(super) fn fit(&mut self, len: usize) {
        if self.buf.len() - self.start < len {
            self.make_room(len.saturating_sub(self.end - self.start));
        }
    }

    /// Moves the unhandled bytes to the front and makes sure `want` more fit after them.
    fn make_room(&mut self, want: usize) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < want {
            self.buf.resize(self.end + want, 0);
        }
    }

    /// Goes back to [`READ_CHUNK`] bytes after a large packet, unless the packet under way
    /// needs more.
    pub(super) fn shrink(&mut self) {
        if self.buf.len() <= READ_CHUNK {
            return;
        }
        let pending = self.filled();
        let next = packet::frame_len(pending).ok().flatten().unwrap_or(0);
        if pending.len().max(next) > READ_CHUNK {
            return;
        }
        let mut fresh = vec![0; READ_CHUNK];
        fresh[..pending.len()].copy_from_slice(pending);
        self.end = pending.len();
        self.start = 0;
        self.buf = fresh;
    }

    /// The memory the buffer holds.
    #[cfg(test)]
    fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `data` into `rb` as the owner does: into the spare room, making room for the
    /// packet under way.
    fn feed(rb: &mut ReadBuf, mut data: &[u8]) {
        while !data.is_empty() {
            if let Ok(Some(len)) = packet::frame_len(rb.filled()) {
                rb.fit(len);
            }
            let spare = rb.spare();
            let n = spare.len().min(data.len());
            spare[..n].copy_from_slice(&data[..n]);
            rb.commit(n);
            data = &data[n..];
        }
    }

    fn packet_of(len: usize, fill: u8) -> Vec<u8> {
        let mut p = vec![fill; len];
        p[..4].copy_from_slice(&u32::try_from(len).unwrap().to_be_bytes());
        p
    }

    #[test]
    fn shrinks_back_after_a_huge_packet() {
        let mut rb = ReadBuf::new();
        let big = packet_of(30 * 1024 * 1024, 7);
        feed(&mut rb, &big);
        assert_eq!(rb.filled().len(), big.len());
        assert!(rb.capacity() >= big.len());
        rb.consume(big.len());
        rb.shrink();
        assert_eq!(rb.capacity(), READ_CHUNK);
        assert!(rb.filled().is_empty());
    }

    #[test]
    fn shrinking_keeps_the_start_of_the_next_packet() {
        let mut rb = ReadBuf::new();
        let big = packet_of(5 * 1024 * 1024, 1);
        let small = packet_of(1000, 2);
        feed(&mut rb, &big);
        feed(&mut rb, &small[..600]);
        rb.consume(big.len());
        rb.shrink();
        assert_eq!(rb.capacity(), READ_CHUNK);
        assert_eq!(rb.filled(), &small[..600]);
        feed(&mut rb, &small[600..]);
        assert_eq!(rb.filled(), &small[..]);
    }

    #[test]
    fn stays_large_while_a_large_packet_is_under_way() {
        let mut rb = ReadBuf::new();
        let first = packet_of(4 * 1024 * 1024, 1);
        let second = packet_of(3 * 1024 * 1024, 2);
        feed(&mut rb, &first);
        feed(&mut rb, &second[..100]);
        rb.consume(first.len());
        rb.shrink();
        assert!(rb.capacity() > READ_CHUNK);
        feed(&mut rb, &second[100..]);
        assert_eq!(rb.filled(), &second[..]);
        rb.consume(second.len());
        rb.shrink();
        assert_eq!(rb.capacity(), READ_CHUNK);
    }
}
