//! What the hardware editor's GUI tests share: opening the editor on a fresh tiny VM of the
//! private daemon, applying edits, and the line-set diff of `virsh dumpxml` before and after.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorInit, HardwareEditorMsg as Msg};
use relm4::prelude::*;
use testbed::{Libvirtd, unique_name, vm};

use super::wait_until;

pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

pub fn pump() {
    super::drain();
}

/// Shows the editor's section `name` as the sidebar does; the section is built as it shows.
pub fn show_section(e: &relm4::Controller<HardwareEditor>, name: &str) {
    e.widgets().stack.set_visible_child_name(name);
    pump();
}

pub fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

pub fn inactive(d: &Libvirtd, name: &str) -> String {
    virsh(d, &["dumpxml", name, "--inactive"])
}

/// Lines only in `before` and lines only in `after` (as multisets, trimmed).
pub fn diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let mut count: HashMap<&str, i32> = HashMap::new();
    for l in before.lines() {
        *count.entry(l.trim()).or_default() += 1;
    }
    for l in after.lines() {
        *count.entry(l.trim()).or_default() -= 1;
    }
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (l, n) in count {
        for _ in 0..n.max(0) {
            removed.push(l.to_owned());
        }
        for _ in 0..(-n).max(0) {
            added.push(l.to_owned());
        }
    }
    removed.sort();
    added.sort();
    (removed, added)
}

/// Defines a tiny VM (started when `run`), opens the editor on it and waits for its load.
pub fn open(
    d: &Libvirtd,
    prefix: &str,
    run: bool,
) -> (String, relm4::Controller<HardwareEditor>, adw::Window) {
    open_with(d, prefix, run, "")
}

/// Like [`open`], with `devices` (XML) added to the tiny VM's devices.
pub fn open_with(
    d: &Libvirtd,
    prefix: &str,
    run: bool,
    devices: &str,
) -> (String, relm4::Controller<HardwareEditor>, adw::Window) {
    open_on(d, &d.qemu_uri(), prefix, run, devices)
}

/// Like [`open_with`], the editor talking to the daemon over `uri` (such as a proxy's).
pub fn open_on(
    d: &Libvirtd,
    uri: &str,
    prefix: &str,
    run: bool,
    devices: &str,
) -> (String, relm4::Controller<HardwareEditor>, adw::Window) {
    let name = unique_name(prefix);
    let xml = vm::tiny_xml(&name).replace("</devices>", &format!("{devices}</devices>"));
    let (e, window) = open_xml(d, uri, &name, &xml, run);
    (name, e, window)
}

/// Defines VM `name` from `xml` (started when `run`), opens the editor on it over `uri` and
/// waits for its load.
pub fn open_xml(
    d: &Libvirtd,
    uri: &str,
    name: &str,
    xml: &str,
    run: bool,
) -> (relm4::Controller<HardwareEditor>, adw::Window) {
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    if run {
        virsh(d, &["start", name]);
    }
    let name = name.to_owned();
    let domain = rt().block_on(async {
        let conn = virt_client::Connection::open(uri).await.unwrap();
        virt_client::Domain::lookup_by_name(&conn, &name)
            .await
            .unwrap()
    });
    let editor = HardwareEditor::builder()
        .launch(HardwareEditorInit {
            domain,
            active: run,
        })
        .detach();
    let window = adw::Window::new();
    window.set_default_size(900, 680);
    window.set_content(Some(editor.widget()));
    window.present();
    assert!(wait_until(30, || editor.model().generation() > 0
        && !editor.model().busy()));
    assert_eq!(editor.model().error(), None);
    (editor, window)
}

/// Closes the editor's window and checks that the test logged no GLib criticals (such as
/// those of widgets torn down in the wrong order when pages are rebuilt).
pub fn close(window: &adw::Window, criticals_before: usize) {
    window.destroy();
    pump();
    assert_eq!(
        super::criticals(),
        criticals_before,
        "GLib criticals were logged"
    );
}

/// Sends `msgs`, applies, waits; the apply's error if any.
pub fn apply(e: &relm4::Controller<HardwareEditor>, msgs: Vec<Msg>) -> Option<String> {
    let generation = e.model().generation();
    for m in msgs {
        e.emit(m);
    }
    pump();
    if let Some(err) = e.model().error() {
        return Some(err.to_owned());
    }
    e.emit(Msg::Apply);
    assert!(
        wait_until(30, || !e.model().busy()
            && (e.model().error().is_some()
                || e.model().generation() > generation + 1
                || (e.model().generation() > generation
                    && !e.model().is_dirty()))),
        "apply did not finish"
    );
    e.model().error().map(str::to_owned)
}

pub fn remove(d: &Libvirtd, name: &str) {
    let _ = d.virsh(&d.qemu_uri(), &["destroy", name]);
    let _ = d.virsh(&d.qemu_uri(), &["undefine", name]);
}

/// Checks that applying `msgs` removes exactly `gone` lines and adds exactly `new` ones.
pub fn check_edit(
    d: &Libvirtd,
    name: &str,
    e: &relm4::Controller<HardwareEditor>,
    msgs: Vec<Msg>,
    gone: &[&str],
    new: &[&str],
) {
    let before = inactive(d, name);
    assert_eq!(apply(e, msgs), None);
    let after = inactive(d, name);
    let (removed, added) = diff(&before, &after);
    let mut gone: Vec<String> = gone.iter().map(|s| (*s).to_owned()).collect();
    let mut new: Vec<String> = new.iter().map(|s| (*s).to_owned()).collect();
    gone.sort();
    new.sort();
    assert_eq!(
        (removed, added),
        (gone, new),
        "before:\n{before}\nafter:\n{after}"
    );
}

pub fn screenshot(widget: &impl IsA<gtk::Widget>, name: &str) -> PathBuf {
    pump();
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let native = widget.native().expect("widget has no native");
    let texture = native
        .renderer()
        .expect("no renderer")
        .render_texture(&node, None);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    texture.save_to_png(&path).unwrap();
    path
}

/// Every widget under `w`, depth first.
pub fn descendants(w: &gtk::Widget) -> Vec<gtk::Widget> {
    let mut out = Vec::new();
    let mut child = w.first_child();
    while let Some(c) = child {
        out.push(c.clone());
        out.extend(descendants(&c));
        child = c.next_sibling();
    }
    out
}

/// The widget of type `T` under `root` that `pick` accepts.
pub fn find<T: IsA<gtk::Widget>>(root: &impl IsA<gtk::Widget>, pick: impl Fn(&T) -> bool) -> T {
    descendants(root.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<T>().ok())
        .find(|w| pick(w))
        .unwrap_or_else(|| panic!("no such {}", T::static_type().name()))
}

/// Whether a label shown under `root` contains `text`.
pub fn shows(root: &impl IsA<gtk::Widget>, text: &str) -> bool {
    descendants(root.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Label>().ok())
        .any(|l| l.is_mapped() && l.label().contains(text))
}

/// Opens the visible menu button under `root` whose tooltip is `tooltip`: the button and its
/// popover, once shown.
pub fn open_menu(root: &impl IsA<gtk::Widget>, tooltip: &str) -> (gtk::MenuButton, gtk::Popover) {
    let menu = find::<gtk::MenuButton>(root, |b| b.tooltip_text().as_deref() == Some(tooltip));
    assert!(menu.is_visible(), "the {tooltip} menu is hidden");
    menu.popup();
    let popover = menu.popover().expect("a menu without a popover");
    assert!(super::wait_until(5, || popover.is_mapped()));
    (menu, popover)
}

/// Expands the expander rows of the visible section titled as in `titles`, then scrolls the
/// section so that the last of them is in view.
pub fn expand_and_show(e: &relm4::Controller<HardwareEditor>, titles: &[&str]) {
    let page = e.widgets().stack.visible_child().unwrap();
    let mut last = None;
    for w in descendants(&page) {
        if let Ok(ex) = w.downcast::<adw::ExpanderRow>()
            && titles.contains(&ex.title().as_str())
        {
            ex.set_expanded(true);
            last = Some(ex);
        }
    }
    pump();
    let sw = descendants(&page)
        .into_iter()
        .find_map(|w| w.downcast::<gtk::ScrolledWindow>().ok())
        .unwrap();
    if let Some(ex) = last
        && let Some(p) = ex.compute_point(&sw.child().unwrap(), &gtk::graphene::Point::zero())
    {
        sw.vadjustment().set_value(f64::from(p.y()) - 40.0);
    }
    pump();
}

/// The widgets of the group titled `group` on the visible section.
pub fn group_widgets(e: &relm4::Controller<HardwareEditor>, group: &str) -> Vec<gtk::Widget> {
    let page = e.widgets().stack.visible_child().unwrap();
    let g = descendants(&page)
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::PreferencesGroup>()
                .ok()
                .filter(|g| g.title() == group)
        })
        .unwrap_or_else(|| panic!("no group {group}"));
    descendants(g.upcast_ref())
}

/// The expander row titled `title` among `widgets`.
pub fn expander(widgets: &[gtk::Widget], title: &str) -> adw::ExpanderRow {
    widgets
        .iter()
        .find_map(|w| {
            w.clone()
                .downcast::<adw::ExpanderRow>()
                .ok()
                .filter(|x| x.title() == title)
        })
        .unwrap_or_else(|| panic!("no expander {title}"))
}

/// The choice row titled `title` under `row`.
pub fn combo(row: &impl IsA<gtk::Widget>, title: &str) -> adw::ComboRow {
    descendants(row.upcast_ref())
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::ComboRow>()
                .ok()
                .filter(|c| c.title() == title)
        })
        .unwrap_or_else(|| panic!("no choice {title}"))
}

/// Selects the item labelled `label` of a choice row.
pub fn choose(row: &adw::ComboRow, label: &str) {
    let model = row.model().unwrap();
    let n = model.n_items();
    let i = (0..n)
        .find(|&i| {
            model
                .item(i)
                .and_downcast::<gtk::StringObject>()
                .is_some_and(|s| s.string() == label)
        })
        .unwrap_or_else(|| panic!("no item {label}"));
    row.set_selected(i);
}

/// The button labelled `label` under `row`.
pub fn button(row: &impl IsA<gtk::Widget>, label: &str) -> gtk::Button {
    descendants(row.upcast_ref())
        .into_iter()
        .find_map(|w| {
            w.downcast::<gtk::Button>()
                .ok()
                .filter(|b| b.label().as_deref() == Some(label))
        })
        .unwrap_or_else(|| panic!("no button {label}"))
}

/// Applies through the Apply button and checks the line-set diff like `check_edit`.
pub fn click_apply_and_check(
    d: &Libvirtd,
    name: &str,
    e: &relm4::Controller<HardwareEditor>,
    before: &str,
    gone: &[&str],
    new: &[&str],
) {
    assert!(e.model().is_dirty(), "{:?}", e.model().error());
    let generation = e.model().generation();
    e.widgets().apply.emit_clicked();
    assert!(wait_until(30, || !e.model().busy()
        && e.model().generation() > generation
        && !e.model().is_dirty()));
    assert_eq!(e.model().error(), None);
    let after = inactive(d, name);
    let (removed, added) = diff(before, &after);
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    };
    assert_eq!((removed, added), (sorted(gone), sorted(new)), "{after}");
}
