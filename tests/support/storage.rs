//! What the storage page's GUI tests share: a page on a private daemon in a window of its own,
//! waiting for its loads, choosing list rows, and reading `virsh` output.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use adw::prelude::*;
use hangar::ui::storage::{StoragePage, StoragePageInit, StoragePageMsg};
use relm4::prelude::*;
use testbed::Libvirtd;

use super::wait_until;

/// A storage page on `d`'s system connection, loaded.
pub fn open(d: &Libvirtd) -> (adw::Window, relm4::Controller<StoragePage>) {
    let conn = super::connect(&d.qemu_uri());
    let page = StoragePage::builder()
        .launch(StoragePageInit { conn })
        .detach();
    let win = adw::Window::new();
    win.set_default_size(1000, 760);
    win.set_content(Some(page.widget()));
    win.present();
    assert!(
        wait_until(30, || page.model().loads() > 0 && !page.model().busy()),
        "the page did not load: {:?}",
        page.model().error()
    );
    (win, page)
}

/// Runs `act` and waits until the operation and the reload after it ended. (Hold no borrow
/// of the page's widgets meanwhile: the page updates them.)
pub fn act(page: &relm4::Controller<StoragePage>, act: impl FnOnce()) {
    let before = page.model().loads();
    act();
    assert!(
        wait_until(60, || page.model().loads() > before && !page.model().busy()),
        "the operation did not end: {:?}, loads {before} → {}, busy {}, error {:?}",
        page.model(),
        page.model().loads(),
        page.model().busy(),
        page.model().error()
    );
}

/// Sends `msg` and waits as [`act`] does.
pub fn send(page: &relm4::Controller<StoragePage>, msg: StoragePageMsg) {
    act(page, || page.emit(msg));
}

/// Selects pool `name` in the list and waits for its volumes.
pub fn select_pool(page: &relm4::Controller<StoragePage>, name: &str) {
    let i = page
        .model()
        .pools()
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no pool {name} on the page"));
    let list = page.widgets().pools.clone();
    list.select_row(list.row_at_index(i as i32).as_ref());
    assert!(wait_until(30, || page.model().selected_pool()
        == Some(name)
        && !page.model().busy()));
}

/// Selects volume `name` of the selected pool.
pub fn select_volume(page: &relm4::Controller<StoragePage>, name: &str) {
    let i = page
        .model()
        .volumes()
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| panic!("no volume {name} on the page"));
    let list = page.widgets().volumes.clone();
    list.select(Some(i));
    assert!(wait_until(10, || page.model().selected_volume() == Some(name)));
}

/// The page's pool names.
pub fn pool_names(page: &relm4::Controller<StoragePage>) -> Vec<String> {
    page.model()
        .pools()
        .iter()
        .map(|p| p.name.clone())
        .collect()
}

/// The page's volume names.
pub fn volume_names(page: &relm4::Controller<StoragePage>) -> Vec<String> {
    page.model()
        .volumes()
        .iter()
        .map(|v| v.name.clone())
        .collect()
}

/// `virsh pool-list --all --name`, sorted.
pub fn virsh_pools(d: &Libvirtd) -> Vec<String> {
    names(
        &d.virsh(&d.qemu_uri(), &["pool-list", "--all", "--name"])
            .unwrap(),
    )
}

/// Names in the first column of `virsh -q vol-list POOL` (no header), sorted.
pub fn virsh_volumes(d: &Libvirtd, pool: &str) -> Vec<String> {
    let out = d.virsh(&d.qemu_uri(), &["vol-list", pool]).unwrap();
    let mut v: Vec<String> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    v.sort();
    v
}

fn names(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// A field of `virsh pool-info` or `vol-info` (`State:`, `Autostart:`, `Capacity:`…).
pub fn field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// A fresh directory for a pool under the daemon's directory (not made).
pub fn pool_dir(d: &Libvirtd, name: &str) -> PathBuf {
    d.dir().join("pools").join(name)
}

/// Defines, builds and starts directory pool `name`; its directory.
pub fn running_pool(d: &Libvirtd, name: &str) -> PathBuf {
    let dir = pool_dir(d, name);
    let path = dir.display().to_string();
    let uri = d.qemu_uri();
    d.virsh(&uri, &["pool-define-as", name, "dir", "--target", &path])
        .unwrap();
    d.virsh(&uri, &["pool-build", name]).unwrap();
    d.virsh(&uri, &["pool-start", name]).unwrap();
    dir
}
