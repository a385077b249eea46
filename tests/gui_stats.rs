//! Live statistics in the app against a running QEMU (TCG) VM: the performance page draws its
//! graphs in light and dark styles, list rows show CPU sparklines, the host overview opens,
//! and nothing is sampled while no view is on screen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests may panic

mod support;

use std::path::PathBuf;
use std::time::Duration;

use gtk::prelude::*;
use hangar::cli::{DomainView, Options};
use hangar::ui::MainWindow;
use hangar::ui::stats::HostStats;
use hangar::ui::vm_list::{ListRow, VmObject};
use hangar::widgets::graph::HangarGraph;
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, vm};

fn setup() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
}

fn set_dark(dark: bool) {
    adw::StyleManager::default().set_color_scheme(if dark {
        adw::ColorScheme::ForceDark
    } else {
        adw::ColorScheme::ForceLight
    });
    support::drain();
}

/// A running tiny VM; destroyed on drop.
struct RunningVm {
    name: String,
    uri: String,
}

impl RunningVm {
    fn start() -> RunningVm {
        let d = Libvirtd::shared();
        let uri = d.qemu_uri();
        let name = testbed::unique_name("perf");
        let xml = std::env::temp_dir().join(format!("{name}.xml"));
        std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
        d.virsh(&uri, &["create", xml.to_str().unwrap()]).unwrap();
        let _ = std::fs::remove_file(&xml);
        RunningVm { name, uri }
    }
}

impl Drop for RunningVm {
    fn drop(&mut self) {
        let _ = Libvirtd::shared().virsh(&self.uri, &["destroy", &self.name]);
    }
}

fn shot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"))
}

/// Pixels of a rendered widget, row-major RGBA, also saved as `name`.png.
struct Image {
    w: i32,
    h: i32,
    px: Vec<u8>,
}

impl Image {
    fn at(&self, x: i32, y: i32) -> [u8; 4] {
        let i = ((y * self.w + x) * 4) as usize;
        [self.px[i], self.px[i + 1], self.px[i + 2], self.px[i + 3]]
    }

    fn contains(&self, x: i32, y: i32) -> bool {
        x >= 0 && y >= 0 && x < self.w && y < self.h
    }
}

fn render(widget: &impl IsA<gtk::Widget>, name: &str) -> Image {
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let texture = widget
        .native()
        .expect("native")
        .renderer()
        .expect("renderer")
        .render_texture(&node, None);
    texture.save_to_png(shot_path(name)).unwrap();
    let mut px = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut px, (w * 4) as usize);
    Image { w, h, px }
}

/// Pixels of `graph`'s plot area in `img` (a render of `window`) in a saturated colour: lines
/// and their fill, not the grey grid, axes and text.
fn line_pixels(img: &Image, window: &impl IsA<gtk::Widget>, graph: &HangarGraph) -> usize {
    let g = graph.plot_geometry().expect("graph drawn");
    let origin = graph.compute_point(window, &gtk::graphene::Point::new(0.0, 0.0));
    let origin = origin.expect("graph inside window");
    let mut n = 0;
    for y in (g.top as i32)..(g.bottom as i32) {
        for x in (g.left as i32)..(g.right as i32) {
            let (x, y) = (x + origin.x() as i32, y + origin.y() as i32);
            if !img.contains(x, y) {
                continue;
            }
            let p = img.at(x, y);
            let (max, min) = (p[..3].iter().max().unwrap(), p[..3].iter().min().unwrap());
            if max - min > 60 {
                n += 1;
            }
        }
    }
    n
}

fn descendants(root: &gtk::Widget, out: &mut Vec<gtk::Widget>) {
    let mut child = root.first_child();
    while let Some(c) = child {
        out.push(c.clone());
        descendants(&c, out);
        child = c.next_sibling();
    }
}

fn row_of(list: &gtk::ListView, vm: &VmObject) -> Option<ListRow> {
    let mut all = Vec::new();
    descendants(list.upcast_ref(), &mut all);
    all.into_iter()
        .filter_map(|w| w.downcast::<ListRow>().ok())
        .find(|r| {
            r.item()
                .is_some_and(|i| i == *vm.upcast_ref::<gtk::glib::Object>())
        })
}

fn launch(options: Options) -> relm4::Controller<MainWindow> {
    let window = MainWindow::builder().launch(options).detach();
    window.widget().set_default_size(900, 600);
    window.widget().present();
    window
}

#[gtk::test]
fn performance_page_and_sparklines_draw_live_data_in_light_and_dark() {
    setup();
    set_dark(false);
    let vm = RunningVm::start();
    let main = launch(Options {
        connect: vec![vm.uri.clone()],
        show_domain: Some((DomainView::Performance, vm.name.clone())),
        ..Options::default()
    });
    assert!(
        wait_until(30, || main.model().vm_windows().len() == 1),
        "the VM window opens on --show-domain-performance"
    );
    // Borrow the models only briefly: the main loop runs in between.
    let points = || {
        let m = main.model();
        let w = m.vm_windows().values().next().unwrap();
        w.model().performance().cpu_points()
    };
    let (win, graphs) = {
        let m = main.model();
        let w = m.vm_windows().values().next().unwrap();
        w.model().performance().set_window_secs(20.0);
        (w.widget().clone(), w.model().performance().graphs())
    };
    assert!(
        wait_until(30, || points() >= 4),
        "CPU readings arrive: {}",
        points()
    );
    let stats = HostStats::get(&vm.uri).expect("statistics open");
    assert!(
        stats.sampler().subscribers() >= 2,
        "list and page subscribe"
    );

    let win = &win;
    let mut counts = Vec::new();
    for dark in [false, true] {
        set_dark(dark);
        let before = points();
        assert!(wait_until(10, || points() > before), "still ticking");
        let style = if dark { "dark" } else { "light" };
        let img = render(win, &format!("performance-page-{style}"));
        // Whatever part of the graphs the window shows without scrolling.
        let on_lines: usize = graphs.iter().map(|g| line_pixels(&img, win, g)).sum();
        assert!(
            on_lines > 100,
            "{style}: only {on_lines} pixels in the line colour"
        );
        counts.push(on_lines);
        // The page background follows the style.
        let bg = img.at(4, img.h - 4);
        let lum = i32::from(bg[0]) + i32::from(bg[1]) + i32::from(bg[2]);
        assert!(
            if dark { lum < 300 } else { lum > 450 },
            "{style}: background {bg:?}"
        );
    }
    set_dark(false);

    // The VM's row in the main window: CPU figure and a drawn sparkline.
    let conn = main.model().list().connection(&vm.uri).unwrap();
    let store = conn.vms();
    let obj = (0..store.n_items())
        .filter_map(|i| store.item(i).and_downcast::<VmObject>())
        .find(|o| o.name() == vm.name)
        .unwrap();
    assert!(obj.cpu_history().points().filter(|p| p.v.is_some()).count() >= 3);
    main.widget().present();
    let list = main.model().list().widget().clone();
    let row = row_of(&list, &obj).expect("the VM's row is on screen");
    assert!(wait_until(5, || {
        let mut all = Vec::new();
        descendants(row.upcast_ref(), &mut all);
        all.iter()
            .filter_map(|w| w.downcast_ref::<HangarGraph>())
            .any(|g| g.is_sparkline() && g.is_visible() && g.plot_geometry().is_some())
    }));
    render(main.widget(), "vm-list-sparklines");
    drop(main);
}

#[gtk::test]
fn host_overview_on_the_command_line_and_no_sampling_when_hidden() {
    setup();
    let vm = RunningVm::start();
    let main = launch(Options {
        connect: vec![vm.uri.clone()],
        show_host_summary: true,
        ..Options::default()
    });
    assert!(
        wait_until(30, || main.model().host_windows().len() == 1),
        "--show-host-summary opens the first connection's overview"
    );
    assert!(main.model().actions().unwrap().is_enabled("conn-overview"));
    let top = || {
        let m = main.model();
        m.host_windows().values().next().unwrap().top_names()
    };
    let (window, cpu_value) = {
        let m = main.model();
        let o = m.host_windows().values().next().unwrap();
        (o.window().clone(), o.cpu_section().value.clone())
    };
    assert!(
        wait_until(30, || top().contains(&vm.name)),
        "the running VM is among the busiest: {:?}",
        top()
    );
    assert!(wait_until(10, || cpu_value.label() != "—"));
    render(&window, "host-overview");

    let stats = HostStats::get(&vm.uri).unwrap();
    assert!(stats.sampler().subscribers() >= 2);
    // The interval follows the setting, within 0.5–10 s.
    assert_eq!(stats.sampler().interval(), Duration::from_secs(1));
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.gio().set_int("stats-interval-ms", 2500).unwrap();
    assert!(wait_until(2, || stats.sampler().interval()
        == Duration::from_millis(2500)));
    settings.gio().set_int("stats-interval-ms", 1000).unwrap();
    assert!(wait_until(2, || stats.sampler().interval() == Duration::from_secs(1)));
    window.close();
    main.widget().set_visible(false);
    assert!(
        wait_until(5, || stats.sampler().subscribers() == 0),
        "nothing subscribes while nothing is on screen"
    );
    // A tick under way when the last subscriber went finishes.
    let calls = support::settled(5, Duration::from_millis(300), || {
        stats.sampler().stats_calls()
    })
    .expect("calls go on while nothing subscribes");
    assert!(
        support::holds_for(Duration::from_secs(3), || stats.sampler().stats_calls()
            == calls),
        "no calls while hidden"
    );
    main.widget().set_visible(true);
    assert!(
        wait_until(5, || stats.sampler().stats_calls() > calls),
        "sampling resumes when the list shows again"
    );
}

#[gtk::test]
fn many_rows_get_sparklines_and_cpu_figures() {
    setup();
    set_dark(false);
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri("sparks", &vm::test_node_xml("spark", 40))
        .unwrap();
    let main = launch(Options {
        connect: vec![uri.clone()],
        ..Options::default()
    });
    let conn = main.model().list().connection(&uri).unwrap();
    assert!(wait_until(30, || conn.vms().n_items() == 40));
    let first = conn.vms().item(0).and_downcast::<VmObject>().unwrap();
    assert!(
        wait_until(10, || first.cpu_history().len() >= 3),
        "CPU history grows each tick"
    );
    let list = main.model().list().widget().clone();
    let mut all = Vec::new();
    descendants(list.upcast_ref(), &mut all);
    let sparks: Vec<HangarGraph> = all
        .into_iter()
        .filter_map(|w| w.downcast::<HangarGraph>().ok())
        .filter(|g| g.is_sparkline() && g.is_visible())
        .collect();
    render(main.widget(), "vm-list-sparklines-many");
    let drawn = sparks
        .iter()
        .filter(|g| g.plot_geometry().is_some())
        .count();
    assert!(drawn >= 5, "{drawn} of {} sparklines drawn", sparks.len());
    set_dark(true);
    support::drain();
    render(main.widget(), "vm-list-sparklines-many-dark");
    set_dark(false);
}
