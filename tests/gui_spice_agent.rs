//! The SPICE display with a guest agent, end to end through QEMU's SPICE server and
//! spice-client-glib: the Linux test guest (built with virtio_console) plays the agent from its
//! serial shell. It opens the agent's port (`com.redhat.spice.0`), copies what arrives into a
//! file, and writes agent messages with `printf`; the test reads that file with `od`. So
//! every message checked here went through the real server and client library:
//! - with the clipboard shared, the guest's text and pictures reach the host clipboard and the
//!   host's reach the guest (offered, then sent when the guest asks; pictures as PNG);
//! - with sharing off, neither a guest's offer nor a host change gets an answer;
//! - with "resize guest" on, the widget's size goes to the agent as the first monitor's
//!   configuration, again when the window changes size;
//! - files sent to the guest arrive whole (name, size, bytes) with progress, once the agent
//!   says it can take them, and the display says when the agent reports success; an agent's
//!   error reaches the user with its reason; a cancelled transfer is reported to the user at
//!   once and to the agent;
//! - a shared folder is served to the guest over the WebDAV channel (read, refused writes while
//!   read-only, writes once not), and the channel closes once it is unshared.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::widgets::spice_display::{Scaling, SpiceDisplay};
use relm4::ComponentController;
use support::guest::{RunningVm, linux_xml};
use support::spice_agent::{ANNOUNCE_CAPABILITIES, Agent, MONITORS_CONFIG, caps_message, word};
use support::wait_until;
use testbed::{Libvirtd, unique_name};

/// Agent message types (`VD_AGENT_*`) beyond the shared ones.
const CLIPBOARD: u32 = 4;
const CLIPBOARD_GRAB: u32 = 7;
const CLIPBOARD_REQUEST: u32 = 8;
const FILE_XFER_START: u32 = 10;
const FILE_XFER_STATUS: u32 = 11;
const FILE_XFER_DATA: u32 = 12;
/// `VD_AGENT_FILE_XFER_STATUS_*`.
const XFER_CAN_SEND_DATA: u32 = 0;
const XFER_CANCELLED: u32 = 1;
const XFER_ERROR: u32 = 2;
const XFER_SUCCESS: u32 = 3;
/// `VD_AGENT_CLIPBOARD_UTF8_TEXT`, `VD_AGENT_CLIPBOARD_IMAGE_PNG`.
const UTF8_TEXT: u32 = 1;
const IMAGE_PNG: u32 = 2;

/// A clipboard message's data: the selection header (the clipboard), type `kind`, then `rest`.
fn clipboard_data_of(kind: u32, rest: &[u8]) -> Vec<u8> {
    let mut data = vec![0, 0, 0, 0];
    data.extend_from_slice(&kind.to_le_bytes());
    data.extend_from_slice(rest);
    data
}

/// The same for text.
fn clipboard_data(rest: &[u8]) -> Vec<u8> {
    clipboard_data_of(UTF8_TEXT, rest)
}

/// A small opaque picture, `width` pixels wide, one row, colours from `seed`.
fn picture(width: i32, seed: u8) -> gtk::gdk::Texture {
    let rgb: Vec<u8> = (0..width as u8 * 3)
        .map(|i| i.wrapping_mul(37) ^ seed)
        .collect();
    gtk::gdk::MemoryTexture::new(
        width,
        1,
        gtk::gdk::MemoryFormat::R8g8b8,
        &gtk::glib::Bytes::from_owned(rgb),
        width as usize * 3,
    )
    .upcast()
}

/// A picture's pixels, as GDK hands them out.
fn pixels(texture: &gtk::gdk::Texture) -> Vec<u8> {
    let stride = texture.width() as usize * 4;
    let mut data = vec![0; stride * texture.height() as usize];
    texture.download(&mut data, stride);
    data
}

/// The host clipboard's picture, if it holds one.
fn host_picture(display: &SpiceDisplay) -> Option<gtk::gdk::Texture> {
    let picture = std::rc::Rc::new(std::cell::RefCell::new(None));
    let p = picture.clone();
    display
        .clipboard()
        .read_texture_async(None::<&gtk::gio::Cancellable>, move |r| {
            *p.borrow_mut() = Some(r.ok().flatten());
        });
    wait_until(5, || picture.borrow().is_some());
    picture.borrow_mut().take().flatten()
}

/// The first monitor's (width, height) in a monitors configuration.
fn first_monitor(data: &[u8]) -> Option<(u32, u32)> {
    let word = |at: usize| Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?));
    (word(0)? >= 1).then_some(())?;
    // VDAgentMonConfig: height, width, depth, x, y.
    Some((word(12)?, word(8)?))
}

/// One frame of the WebDAV channel's multiplexing: the guest's client `id`, the data's size,
/// the data.
fn mux(id: i64, data: &[u8]) -> Vec<u8> {
    let size = u16::try_from(data.len()).unwrap();
    [&id.to_le_bytes()[..], &size.to_le_bytes(), data].concat()
}

/// What the frames in `bytes` carry for client `id`.
fn demux(bytes: &[u8], id: i64) -> String {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 10 <= bytes.len() {
        let client = i64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let size = usize::from(u16::from_le_bytes([bytes[at + 8], bytes[at + 9]]));
        let Some(data) = bytes.get(at + 10..at + 10 + size) else {
            break;
        };
        if client == id {
            out.extend_from_slice(data);
        }
        at += 10 + size;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file-transfer status message's data for transfer `id`.
fn status(id: u32, result: u32) -> Vec<u8> {
    [id.to_le_bytes(), result.to_le_bytes()].concat()
}

/// Follows `display`'s `transfer-finished`: the messages so far.
fn transfer_outcomes(display: &SpiceDisplay) -> std::rc::Rc<std::cell::RefCell<Vec<String>>> {
    let outcomes = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let o = outcomes.clone();
    display.connect_transfer_finished(move |_, m| o.borrow_mut().push(m.to_string()));
    outcomes
}

/// The console page's "Send Files" toolbar button.
fn send_files_button(window: &adw::Window) -> gtk::Button {
    support::hardware::descendants(window.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Button>().ok())
        .find(|b| b.icon_name().as_deref() == Some("document-send-symbolic"))
        .expect("no Send Files button")
}

/// The bar under the display that shows a transfer.
fn transfer_bar(window: &adw::Window) -> gtk::Revealer {
    support::hardware::descendants(window.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Revealer>().ok())
        .find(|r| {
            support::hardware::descendants(r.upcast_ref())
                .iter()
                .any(|w| w.is::<gtk::ProgressBar>())
        })
        .expect("no transfer bar")
}

fn host_clipboard(display: &SpiceDisplay) -> Option<String> {
    let text = std::rc::Rc::new(std::cell::RefCell::new(None));
    let t = text.clone();
    display
        .clipboard()
        .read_text_async(None::<&gtk::gio::Cancellable>, move |r| {
            *t.borrow_mut() = Some(r.ok().flatten().map(|s| s.to_string()));
        });
    wait_until(5, || text.borrow().is_some());
    text.borrow_mut().take().flatten()
}

#[gtk::test]
fn clipboard_and_display_size_go_through_a_guest_agent() {
    support::init_gui();
    let dir = support::guest::build("spice-agent-guest", true);
    let name = unique_name("spice-agent");
    let xml = linux_xml(
        &name,
        &dir,
        "<graphics type='spice' autoport='yes' listen='127.0.0.1'/>",
        "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>\
         <channel type='spiceport'><source channel='org.spice-space.webdav.0'/>\
         <target type='virtio' name='org.spice-space.webdav.0'/></channel>",
    );
    let d = Libvirtd::shared();
    let _vm = RunningVm::start(&name, &xml);
    let mut agent = Agent::boot(&name);

    // The VM's console page, as a user sees it (the display reached through libvirt).
    let uri = d.qemu_uri();
    let (window, page, display) = support::spice_page(&name);
    display.set_scaling(Scaling::Fit);
    display.set_resize_guest(true);
    display.set_share_clipboard(true);
    // Without an agent the page offers no "Send Files" button.
    let send = send_files_button(&window);
    assert!(!display.has_agent() && !send.is_visible());

    // The agent starts: its port opened (the server tells the client an agent is there), what
    // arrives copied into /tmp/in, and its capabilities announced (asking for the client's).
    agent.begin();
    let caps = caps_message();
    assert!(wait_until(5, || display.has_agent() && send.is_visible()));

    // The widget's size goes to the agent as the first monitor.
    let size = |display: &SpiceDisplay| (display.width() as u32, display.height() as u32);
    let first = size(&display);
    let config = agent.wait_for(0, MONITORS_CONFIG, |d| first_monitor(d) == Some(first));
    assert_eq!(first_monitor(&config), Some(first));
    // And again when the window changes size.
    let seen = agent.received().len();
    window.set_default_size(960, 640);
    assert!(wait_until(10, || size(&display) != first));
    let second = size(&display);
    agent.wait_for(seen, MONITORS_CONFIG, |d| first_monitor(d) == Some(second));

    // Guest → host: the agent offers text, the display asks for it, the text lands on the host
    // clipboard.
    let seen = agent.received().len();
    agent.send(CLIPBOARD_GRAB, &clipboard_data(&[]));
    let request = agent.wait_for(seen, CLIPBOARD_REQUEST, |_| true);
    assert_eq!(request, clipboard_data(&[]));
    agent.send(CLIPBOARD, &clipboard_data(b"copied in the guest"));
    assert!(
        wait_until(10, || host_clipboard(&display).as_deref()
            == Some("copied in the guest")),
        "the guest's text did not reach the host clipboard"
    );

    // Host → guest: a host change, while the display has the focus, is offered to the agent;
    // its text goes when the agent asks for it.
    display.grab_focus();
    assert!(wait_until(5, || display.has_focus()));
    let seen = agent.received().len();
    display.clipboard().set_text("copied on the host");
    let grab = agent.wait_for(seen, CLIPBOARD_GRAB, |_| true);
    assert_eq!(grab, clipboard_data(&[]));
    agent.send(CLIPBOARD_REQUEST, &clipboard_data(&[]));
    let text = agent.wait_for(seen, CLIPBOARD, |_| true);
    assert_eq!(text, clipboard_data(b"copied on the host"));

    // Pictures, as PNG: the guest's lands on the host clipboard, the host's goes to the guest.
    let from_guest = picture(3, 0x5a);
    let seen = agent.received().len();
    agent.send(CLIPBOARD_GRAB, &clipboard_data_of(IMAGE_PNG, &[]));
    let request = agent.wait_for(seen, CLIPBOARD_REQUEST, |_| true);
    assert_eq!(request, clipboard_data_of(IMAGE_PNG, &[]));
    let before_picture = agent.received().len();
    agent.send(
        CLIPBOARD,
        &clipboard_data_of(IMAGE_PNG, &from_guest.save_to_png_bytes()),
    );
    assert!(
        wait_until(10, || host_picture(&display)
            .is_some_and(|t| pixels(&t) == pixels(&from_guest))),
        "the guest's picture did not reach the host clipboard"
    );
    // It is not offered back to the guest (the display has the focus): by the answer to a
    // request for capabilities, no grab has come since the picture was sent.
    agent.send(ANNOUNCE_CAPABILITIES, &caps);
    agent.wait_for(before_picture, ANNOUNCE_CAPABILITIES, |_| true);
    assert!(
        !agent
            .received()
            .iter()
            .skip(before_picture)
            .any(|(k, _)| *k == CLIPBOARD_GRAB),
        "the guest's own picture was offered back to it"
    );
    let from_host = picture(4, 0xc3);
    let seen = agent.received().len();
    display.clipboard().set_texture(&from_host);
    let grab = agent.wait_for(seen, CLIPBOARD_GRAB, |_| true);
    assert_eq!(grab, clipboard_data_of(IMAGE_PNG, &[]));
    agent.send(CLIPBOARD_REQUEST, &clipboard_data_of(IMAGE_PNG, &[]));
    let data = agent.wait_for(seen, CLIPBOARD, |_| true);
    assert_eq!(data[..8], clipboard_data_of(IMAGE_PNG, &[])[..]);
    let sent = gtk::gdk::Texture::from_bytes(&gtk::glib::Bytes::from(&data[8..]))
        .expect("the guest got no PNG");
    assert_eq!(pixels(&sent), pixels(&from_host));

    // Sharing off: a guest's offer is not asked for, a host change is not offered. The agent
    // then asks for the client's capabilities: the answer comes after anything the client
    // would have sent about the clipboard, so its arrival closes the window for those.
    display.set_share_clipboard(false);
    let seen = agent.received().len();
    agent.send(CLIPBOARD_GRAB, &clipboard_data(&[]));
    display.clipboard().set_text("not for the guest");
    // The change is seen on the main loop before the barrier below is sent.
    assert!(wait_until(5, || host_clipboard(&display).as_deref()
        == Some("not for the guest")));
    agent.send(ANNOUNCE_CAPABILITIES, &caps);
    agent.wait_for(seen, ANNOUNCE_CAPABILITIES, |_| true);
    let after: Vec<u32> = agent
        .received()
        .into_iter()
        .skip(seen)
        .map(|(k, _)| k)
        .collect();
    assert!(
        !after
            .iter()
            .any(|k| [CLIPBOARD_GRAB, CLIPBOARD_REQUEST, CLIPBOARD].contains(k)),
        "clipboard messages went with sharing off: {after:?}"
    );

    // A file to the guest: the agent is told its name and size, says it can take it, gets its
    // bytes, and reports success; the display shows progress and then says it is done.
    let outcomes = transfer_outcomes(&display);
    let content: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("for-the-guest.bin");
    std::fs::write(&file, &content).unwrap();
    let seen = agent.received().len();
    display
        .send_files(&[gtk::gio::File::for_path(&file)])
        .unwrap();
    assert!(display.transferring());
    assert!(matches!(
        display.send_files(&[gtk::gio::File::for_path(&file)]),
        Err(hangar::widgets::spice_display::SpiceError::Busy)
    ));
    let start = agent.wait_for(seen, FILE_XFER_START, |_| true);
    let id = word(&start, 0);
    let info = String::from_utf8_lossy(&start[4..]);
    assert!(
        info.contains("name=for-the-guest.bin") && info.contains("size=3000"),
        "{info:?}"
    );
    agent.send(FILE_XFER_STATUS, &status(id, XFER_CAN_SEND_DATA));
    let mut sent = Vec::new();
    assert!(
        wait_until(30, || {
            sent = agent
                .received()
                .into_iter()
                .skip(seen)
                .filter(|(k, d)| *k == FILE_XFER_DATA && word(d, 0) == id)
                .flat_map(|(_, d)| d[12..].to_vec())
                .collect();
            sent.len() >= content.len()
        }),
        "the guest got {} of {} bytes",
        sent.len(),
        content.len()
    );
    assert_eq!(sent, content);
    assert!(wait_until(5, || display.transfer_progress() == 1.0));
    assert!(display.transferring() && outcomes.borrow().is_empty());
    agent.send(FILE_XFER_STATUS, &status(id, XFER_SUCCESS));
    assert!(wait_until(10, || !outcomes.borrow().is_empty()));
    assert_eq!(outcomes.borrow().as_slice(), [String::new()]);
    assert!(!display.transferring());

    // An error reported by the agent reaches the user with the agent's reason.
    let seen = agent.received().len();
    display
        .send_files(&[gtk::gio::File::for_path(&file)])
        .unwrap();
    let start = agent.wait_for(seen, FILE_XFER_START, |_| true);
    agent.send(FILE_XFER_STATUS, &status(word(&start, 0), XFER_ERROR));
    assert!(wait_until(10, || outcomes.borrow().len() == 2));
    assert!(
        outcomes.borrow()[1].contains("reported an error"),
        "{:?}",
        outcomes.borrow()
    );
    assert!(!display.transferring());

    // Cancelled while the agent has not yet said it can take it: the agent is told, and so is
    // the user.
    let seen = agent.received().len();
    display
        .send_files(&[gtk::gio::File::for_path(&file)])
        .unwrap();
    let start = agent.wait_for(seen, FILE_XFER_START, |_| true);
    let id = word(&start, 0);
    // Meanwhile the page shows the transfer under the display, and its Cancel button stops it.
    let bar = transfer_bar(&window);
    assert!(wait_until(5, || bar.is_child_revealed()));
    assert!(!send.is_sensitive());
    support::hardware::screenshot(&window, "spice-agent-transfer");
    let cancel = support::hardware::descendants(bar.upcast_ref())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::Button>().ok())
        .expect("no Cancel button on the transfer bar");
    cancel.emit_clicked();
    assert!(wait_until(10, || outcomes.borrow().len() == 3));
    assert!(
        outcomes.borrow()[2].contains("cancelled"),
        "{:?}",
        outcomes.borrow()
    );
    assert!(!display.transferring());
    // The agent, not yet aware, accepts the file: it is told the transfer was cancelled
    // (spice-client-glib queues that notice and sends it with the next message for the agent,
    // here its answer to a request for capabilities) and gets none of its bytes.
    agent.send(FILE_XFER_STATUS, &status(id, XFER_CAN_SEND_DATA));
    agent.send(ANNOUNCE_CAPABILITIES, &caps);
    agent.wait_for(seen, FILE_XFER_STATUS, |d| d == status(id, XFER_CANCELLED));
    assert!(
        !agent
            .received()
            .iter()
            .skip(seen)
            .any(|(k, d)| *k == FILE_XFER_DATA && word(d, 0) == id)
    );
    assert_eq!(outcomes.borrow().len(), 3);
    assert!(wait_until(5, || !bar.reveals_child() && send.is_sensitive()));

    // A shared folder: the guest reads it over WebDAV, cannot write while it is read-only, and
    // can once it is not; unshared, the guest's requests go unanswered.
    assert!(display.has_shared_folder_channel());
    let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-with-the-guest");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("hello.txt"), "shared from the host").unwrap();
    // Chosen on the page (which remembers it for the VM), read-only first.
    use hangar::ui::vm_window::console::ConsoleMsg;
    let shared_button = support::hardware::descendants(window.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::MenuButton>().ok())
        .find(|b| b.icon_name().as_deref() == Some("folder-remote-symbolic"))
        .expect("no Shared Folder button");
    assert!(shared_button.is_visible());
    let path = folder.to_str().unwrap().to_string();
    page.emit(ConsoleMsg::SharedFolder(Some((path.clone(), true))));
    assert!(wait_until(5, || display.shared_folder() == path
        && display.shared_folder_read_only()));
    let uuid = d
        .virsh(&uri, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();
    let remembered = || {
        hangar::settings::AppSettings::open()
            .unwrap()
            .shared_folder(&uri, &uuid)
    };
    assert_eq!(remembered(), Some((path.clone(), true)));
    shared_button.popup();
    let popover = shared_button.popover().unwrap();
    assert!(wait_until(5, || popover.is_mapped()));
    support::hardware::screenshot(&popover, "spice-agent-shared-folder");
    shared_button.popdown();
    agent.open_port("org.spice-space.webdav.0", 4, "/tmp/dav");
    let reply = |agent: &mut Agent, id: i64, request: &[u8], want: &dyn Fn(&str) -> bool| {
        agent.write(4, &mux(id, request));
        let mut got = String::new();
        let answered = wait_until(30, || {
            got = demux(&agent.read("/tmp/dav", 0), id);
            want(&got)
        });
        assert!(answered, "client {id} got {got:?}");
        got
    };
    reply(
        &mut agent,
        1,
        b"GET /hello.txt HTTP/1.1\r\nHost: guest\r\n\r\n",
        &|r| r.starts_with("HTTP/1.1 200") && r.contains("shared from the host"),
    );
    let put = b"PUT /from-the-guest.txt HTTP/1.1\r\nHost: guest\r\nContent-Length: 5\r\n\r\nhello";
    let refused = reply(&mut agent, 2, put, &|r| r.starts_with("HTTP/1.1 "));
    assert!(refused.starts_with("HTTP/1.1 4"), "{refused:?}");
    assert!(!folder.join("from-the-guest.txt").exists());
    page.emit(ConsoleMsg::SharedFolder(Some((path.clone(), false))));
    assert!(wait_until(5, || !display.shared_folder_read_only()));
    let written = reply(&mut agent, 3, put, &|r| r.starts_with("HTTP/1.1 "));
    assert!(written.starts_with("HTTP/1.1 2"), "{written:?}");
    assert_eq!(
        std::fs::read_to_string(folder.join("from-the-guest.txt")).unwrap(),
        "hello"
    );
    // Unshared, the channel closes: the guest's side of the port sees its end (the copy
    // reading it stops).
    page.emit(ConsoleMsg::SharedFolder(None));
    assert!(wait_until(5, || display.shared_folder().is_empty()));
    assert_eq!(remembered(), None);
    assert!(
        wait_until(30, || agent
            .run("kill -0 $(cat /tmp/dav.pid) 2>/dev/null || echo closed")
            .contains("closed")),
        "the shared folder's port stayed open"
    );
    window.destroy();
}
