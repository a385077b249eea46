//! A long list reaches the screen by parts, one a frame, so that GTK 4.8's list view (which
//! builds a row for every VM it may show at once, up to 200) never builds or takes away them
//! all in one turn of the main loop: a host's first list, a search that widens to many VMs,
//! one that hides many. Each part follows the list's order, and nothing is left out (or left
//! over) once the parts are done.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::ui::MainWindow;
use hangar::ui::vm_list::SortKey;
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, vm};

const VMS: u32 = 600;

/// The sizes a list model goes through from now on.
fn follow_sizes(model: &impl IsA<gtk::gio::ListModel>) -> Rc<RefCell<Vec<u32>>> {
    let sizes = Rc::new(RefCell::new(Vec::new()));
    let s = sizes.clone();
    model.connect_items_changed(move |m, _, _, _| s.borrow_mut().push(m.n_items()));
    sizes
}

#[test]
fn long_lists_and_searches_come_and_go_by_parts() {
    support::init_gui();
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.set_connections(&[]);
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri("parts", &vm::test_node_xml("pt", VMS as usize))
        .unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.clone()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let list = window.model().list().clone();
    let conn = list.connection(&uri).unwrap();
    // The list arrives on the main loop, which has not turned yet.
    let store_sizes = follow_sizes(&conn.vms());
    assert!(wait_until(60, || conn.vms().n_items() == VMS));
    let sizes = store_sizes.borrow().clone();
    assert_eq!(sizes.first(), Some(&50), "the first part: {sizes:?}");
    assert!(sizes.len() >= 3, "in parts: {sizes:?}");
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");

    // Every VM shown, in name order.
    let names = |list: &hangar::ui::vm_list::VmList| -> Vec<String> {
        (0..list.n_rows())
            .filter_map(|i| list.vm_at(i))
            .map(|vm| vm.name())
            .collect()
    };
    let all = names(&list);
    assert_eq!(all.len(), VMS as usize);
    assert_eq!(all[..3], ["pt-0", "pt-1", "pt-2"]);

    // A search that matches nothing, then none: the VMs come back by parts, the first ones
    // first.
    list.set_search("zzz");
    assert!(
        wait_until(10, || list.n_rows() == 1),
        "only the connection's row"
    );
    let row_sizes = follow_sizes(list.selection());
    list.set_search("");
    assert_eq!(list.n_rows(), 1 + 50, "the first part at once");
    assert_eq!(names(&list)[..3], ["pt-0", "pt-1", "pt-2"]);
    assert!(wait_until(10, || list.n_rows() == 1 + VMS));
    let sizes = row_sizes.borrow().clone();
    assert!(sizes.len() >= 3, "in parts: {sizes:?}");
    assert_eq!(names(&list), all, "every VM, in order");

    // VMs shown before stay while the others come: from "pt-9" (pt-9, pt-90…pt-99) to "pt".
    list.set_search("pt-9");
    assert!(wait_until(10, || list.n_rows() == 1 + 11));
    let before = names(&list);
    assert_eq!(before.len(), 11);
    list.set_search("pt");
    let now = names(&list);
    assert!(
        before.iter().all(|n| now.contains(n)),
        "the 11 shown before stay"
    );
    assert!(now.len() < VMS as usize, "the others come by parts");
    assert!(wait_until(10, || list.n_rows() == 1 + VMS));

    // A new order while parts wait shows everything at once.
    list.set_search("zzz");
    list.set_search("");
    list.set_sort(SortKey::State);
    assert_eq!(list.n_rows(), 1 + VMS, "a new order ends the parts");

    // A narrowed search hides by parts, from the top.
    list.set_search("pt-59");
    let first = names(&list);
    assert_eq!(
        first.len(),
        VMS as usize - 50,
        "the first part goes at once"
    );
    assert!(first.contains(&"pt-59".to_string()));
    assert!(wait_until(10, || list.n_rows() == 1 + 11));
    let mut left = names(&list);
    left.sort();
    let mut want: Vec<String> = std::iter::once("pt-59".to_string())
        .chain((590..600).map(|i| format!("pt-{i}")))
        .collect();
    want.sort();
    assert_eq!(left, want);
    // A narrowed search of few hides at once; a change while parts go ends them.
    list.set_search("pt-599");
    assert_eq!(names(&list), ["pt-599"]);
    list.set_search("");
    assert!(wait_until(10, || list.n_rows() == 1 + VMS));
    list.set_search("pt-1");
    list.set_search("pt-12");
    assert!(wait_until(10, || list.n_rows() == 1 + 11));
    list.set_sort(SortKey::Name);
    list.set_search("");
    assert!(wait_until(10, || list.n_rows() == 1 + VMS));
    assert_eq!(names(&list), all);
    window.widget().close();
}
