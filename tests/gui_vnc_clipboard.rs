//! VNC clipboard against QEMU 7.2's own VNC server (TCG VM of the private libvirtd with a
//! `qemu-vdagent` clipboard channel). QEMU's clipboard is a hub between its peers: the guest's
//! agent (through the vdagent channel) and VNC clients that announce the extended clipboard
//! pseudo-encoding. The test guest runs no agent, so a second, minimal RFB client in the test
//! that speaks the extended clipboard stands in for the other side: what the display sends
//! shows up at it (only while the display shares the clipboard), and what it offers never
//! reaches the display. QEMU needs no vdagent channel for the exchange between VNC clients;
//! the channel carries it on to the guest's agent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use gtk::prelude::*;
use hangar::widgets::vnc_display::{DisplayState, VncDisplay};
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

/// The extended clipboard pseudo-encoding (0xC0A1E5CE).
const ENCODING_EXTENDED_CLIPBOARD: i32 = 0xC0A1_E5CE_u32 as i32;
const FORMAT_TEXT: u32 = 1;
const ACTION_CAPS: u32 = 1 << 24;
const ACTION_REQUEST: u32 = 1 << 25;
const ACTION_NOTIFY: u32 = 1 << 27;
const ACTION_PROVIDE: u32 = 1 << 28;

struct Vm {
    name: String,
}

impl Drop for Vm {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &self.name]);
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &self.name]);
    }
}

/// Starts a tiny VNC VM with a qemu-vdagent clipboard channel; returns it and its VNC port.
fn start_vm() -> (Vm, u16) {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("vnc-clip");
    let channel = "<channel type='qemu-vdagent'><source><clipboard copypaste='yes'/></source>\
        <target type='virtio' name='com.redhat.spice.0'/></channel>";
    let xml = vm::tiny_xml(&name).replace("</devices>", &format!("{channel}</devices>"));
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, xml).unwrap();
    d.virsh(&uri, &["define", path.to_str().unwrap()]).unwrap();
    let vm = Vm { name: name.clone() };
    d.virsh(&uri, &["start", &name]).unwrap();
    let live = d.virsh(&uri, &["dumpxml", &name]).unwrap();
    assert!(live.contains("qemu-vdagent"), "no vdagent channel: {live}");
    let addr = d.virsh(&uri, &["domdisplay", &name]).unwrap();
    let display_no: u16 = addr.trim().rsplit(':').next().unwrap().parse().unwrap();
    (vm, 5900 + display_no)
}

/// zlib data of `bytes` in stored (uncompressed) blocks.
fn zlib_stored(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = bytes.chunks(0xffff).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend(((b << 16) | a).to_be_bytes());
    out
}

/// A minimal shared RFB client that announces only the extended clipboard: it reports the
/// clipboard actions the server sends and answers requests for text with `offer`.
struct ExtendedClient {
    stream: TcpStream,
    actions: mpsc::Receiver<u32>,
}

impl ExtendedClient {
    fn connect(port: u16, offer: &'static str) -> ExtendedClient {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut version = [0u8; 12];
        s.read_exact(&mut version).unwrap();
        s.write_all(b"RFB 003.008\n").unwrap();
        let mut n = [0u8; 1];
        s.read_exact(&mut n).unwrap();
        let mut types = vec![0u8; usize::from(n[0])];
        s.read_exact(&mut types).unwrap();
        assert!(types.contains(&1), "no security type None: {types:?}");
        s.write_all(&[1]).unwrap();
        let mut result = [0u8; 4];
        s.read_exact(&mut result).unwrap();
        assert_eq!(result, [0; 4]);
        s.write_all(&[1]).unwrap(); // shared
        let mut init = [0u8; 24];
        s.read_exact(&mut init).unwrap();
        let name_len = u32::from_be_bytes(init[20..24].try_into().unwrap());
        let mut name = vec![0u8; name_len as usize];
        s.read_exact(&mut name).unwrap();
        let mut msg = vec![2, 0, 0, 1];
        msg.extend(ENCODING_EXTENDED_CLIPBOARD.to_be_bytes());
        s.write_all(&msg).unwrap();
        let (tx, actions) = mpsc::channel();
        let mut r = s.try_clone().unwrap();
        r.set_read_timeout(None).unwrap();
        std::thread::spawn(move || {
            loop {
                let mut t = [0u8; 1];
                if r.read_exact(&mut t).is_err() {
                    return;
                }
                assert_eq!(t[0], 3, "unexpected server message {}", t[0]);
                let mut head = [0u8; 7];
                r.read_exact(&mut head).unwrap();
                let len = i32::from_be_bytes(head[3..7].try_into().unwrap());
                let mut body = vec![0u8; len.unsigned_abs() as usize];
                r.read_exact(&mut body).unwrap();
                if len >= 0 {
                    continue;
                }
                let flags = u32::from_be_bytes(body[0..4].try_into().unwrap());
                if flags & ACTION_REQUEST != 0 && flags & FORMAT_TEXT != 0 {
                    let mut text = offer.as_bytes().to_vec();
                    text.push(0);
                    let mut plain = (text.len() as u32).to_be_bytes().to_vec();
                    plain.extend(&text);
                    let mut payload = (ACTION_PROVIDE | FORMAT_TEXT).to_be_bytes().to_vec();
                    payload.extend(zlib_stored(&plain));
                    let mut m = vec![6, 0, 0, 0];
                    m.extend((-(payload.len() as i32)).to_be_bytes());
                    m.extend(payload);
                    let _ = r.write_all(&m);
                }
                if tx.send(flags).is_err() {
                    return;
                }
            }
        });
        ExtendedClient { stream: s, actions }
    }

    /// Tells the server that this client has text.
    fn notify_text(&mut self) {
        let mut m = vec![6, 0, 0, 0];
        m.extend((-4i32).to_be_bytes());
        m.extend((ACTION_NOTIFY | FORMAT_TEXT).to_be_bytes());
        self.stream.write_all(&m).unwrap();
    }

    /// Waits (pumping the main loop) for an action with all bits of `want`.
    fn wait_for(&self, want: u32, secs: u64) -> bool {
        wait_until(secs, || {
            self.actions.try_iter().any(|flags| flags & want == want)
        })
    }
}

fn host_clipboard(display: &VncDisplay) -> Option<String> {
    let text = std::rc::Rc::new(std::cell::RefCell::new(None));
    let t = text.clone();
    display
        .clipboard()
        .read_text_async(None::<&gtk::gio::Cancellable>, move |r| {
            t.replace(Some(r.ok().flatten().map(|s| s.to_string())));
        });
    assert!(wait_until(5, || text.borrow().is_some()));
    text.borrow().clone().flatten()
}

#[gtk::test]
fn qemu_takes_the_displays_cut_text_but_sends_it_none() {
    support::init_gui();
    let (_vm, port) = start_vm();
    let mut peer = ExtendedClient::connect(port, "from the other client");
    assert!(
        peer.wait_for(ACTION_CAPS | FORMAT_TEXT, 10),
        "QEMU offered no extended clipboard"
    );
    let display = VncDisplay::new();
    display.clipboard().set_text("before");
    let window = gtk::Window::builder().child(&display).build();
    window.present();
    display.open_host("127.0.0.1", port).unwrap();
    assert!(wait_until(20, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    display.grab_focus();

    // Not shared (the default): nothing reaches QEMU's clipboard.
    display.clipboard().set_text("not shared");
    assert!(
        !peer.wait_for(ACTION_NOTIFY | FORMAT_TEXT, 2),
        "text went to QEMU without sharing"
    );

    // Host → QEMU: the display's plain RFB cut text enters QEMU's clipboard, which tells
    // its other peers (here the extended client; in the guest, the agent) that text is there.
    display.set_share_clipboard(true);
    display.clipboard().set_text("from hangar");
    assert!(
        peer.wait_for(ACTION_NOTIFY | FORMAT_TEXT, 10),
        "QEMU's clipboard did not take the display's cut text"
    );

    // QEMU → display: text offered by another peer is never sent to a client without the
    // extended clipboard (libgvnc 1.3.1 has none), so the host clipboard keeps its text.
    peer.notify_text();
    assert!(
        support::holds_for(Duration::from_secs(3), || host_clipboard(&display)
            .as_deref()
            == Some("from hangar")),
        "the other client's text reached the display"
    );
    assert!(matches!(display.state(), DisplayState::Connected { .. }));
    display.close();
    window.destroy();
}
