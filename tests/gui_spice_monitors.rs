//! A SPICE VM with two monitors (a virtio-gpu card with two heads: QEMU offers a display
//! channel per head) on its console page: the first monitor is the page's display, the second
//! opens in a window of its own showing what QEMU shows on that head (its "not initialized"
//! picture, as the Linux test guest drives only the first); with an agent in the guest (played
//! from its serial shell, see `support::spice_agent`), a click in that window reaches the agent
//! as a position on the second monitor; closing the window hides it, the toolbar brings it back,
//! and it goes away with the page. With the guest's displays following the windows, each
//! window's size goes to the agent as its monitor's, and a hidden window's monitor is turned off.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::widgets::spice_display::Scaling;
use support::guest::RunningVm;
use support::spice_agent::{Agent, MONITORS_CONFIG, MOUSE_STATE, word};
use support::wait_until;
use testbed::unique_name;

/// The visible toplevel window titled `title`, if any.
fn shown_window(title: &str) -> Option<gtk::Window> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| w.is_visible() && w.title().as_deref() == Some(title))
}

/// The Linux test guest (with virtio ports, for the scripted agent) as SPICE VM `name`, with
/// the video cards `video`.
fn agent_vm_xml(name: &str, video: &str) -> String {
    let dir = support::guest::build("spice-heads-guest", true);
    let vga = "<video><model type='vga' vram='16384' heads='1'/></video>";
    let xml = support::guest::linux_xml(
        name,
        &dir,
        "<graphics type='spice' autoport='yes' listen='127.0.0.1'/>",
        "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>",
    );
    assert!(xml.contains(vga), "{xml}");
    xml.replace(vga, video)
}

#[gtk::test]
fn a_second_monitor_opens_in_a_window_of_its_own() {
    support::init_gui();
    let name = unique_name("spice-heads");
    let xml = agent_vm_xml(
        &name,
        "<video><model type='virtio' heads='2' primary='yes'/></video>",
    );
    // What the test's main-loop pump costs by itself, to tell the windows' share from it.
    let base = support::idle::own_cpu_percent(std::time::Duration::from_secs(5));
    let _vm = RunningVm::start(&name, &xml);
    let mut agent = Agent::boot(&name);

    let (window, page, display) = support::spice_page(&name);
    assert!(
        wait_until(30, || display.monitors().first().is_some_and(|m| m.shown())),
        "no second monitor: {} offered",
        display.monitors().len()
    );
    let monitors = display.monitors();
    assert_eq!(monitors.len(), 1);
    let monitor = monitors[0].clone();
    assert_eq!(monitor.number(), 1);
    // The page shows the first head (the VGA text screen the guest boots on); the second head
    // shows QEMU's picture for a head the guest does not drive: light text on black.
    assert!(
        wait_until(10, || display.framebuffer_size() == Some((720, 400))),
        "the first head is {:?}",
        display.framebuffer_size()
    );
    assert_ne!(monitor.framebuffer_size(), Some((720, 400)));
    let (w, h) = monitor.framebuffer_size().unwrap();
    assert!(w >= 320 && h >= 200, "{w}x{h}");
    let light = (0..h)
        .step_by(2)
        .flat_map(|y| (0..w).step_by(2).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            monitor
                .pixel(x, y)
                .is_some_and(|(r, g, b)| r > 128 && g > 128 && b > 128)
        })
        .count();
    assert!(light > 50, "{light} light pixels on the second monitor");

    // With the agent the guest takes positions: a click on the second monitor's picture
    // reaches it as a position on that monitor (VDAgentMouseState: x, y, buttons, display).
    agent.begin();
    assert!(
        wait_until(10, || display.absolute_pointer()),
        "no positions with the agent"
    );
    let seen = agent.received().len();
    let (cx, cy) = (
        f64::from(monitor.width()) / 2.0,
        f64::from(monitor.height()) / 2.0,
    );
    monitor.process_button(1, true, cx, cy);
    let state = agent.wait_for(seen, MOUSE_STATE, |m| {
        m.get(12) == Some(&1) && word(m, 8) & 2 == 2
    });
    assert!(word(&state, 0).abs_diff(w / 2) <= 2 && word(&state, 4).abs_diff(h / 2) <= 2);
    let seen = agent.received().len();
    monitor.process_button(1, false, cx, cy);
    agent.wait_for(seen, MOUSE_STATE, |m| {
        m.get(12) == Some(&1) && word(m, 8) & 2 == 0
    });

    // In a window of its own, named after the VM.
    let title = format!("{name} — Display 2");
    let second = shown_window(&title).expect("no window for the second monitor");
    assert!(wait_until(5, || monitor.is_mapped()));
    support::hardware::screenshot(&second, "spice-second-monitor");
    support::hardware::screenshot(&window, "spice-first-monitor");
    // Idle with both monitors shown (the guest waits at its prompt): the windows cost next to
    // nothing beyond the test's own main-loop pump (which polls every 5 ms).
    let share = support::idle::own_cpu_percent(std::time::Duration::from_secs(10));
    eprintln!(
        "idle with a second monitor's window: {share:.1}% of a core (the pump alone: {base:.1}%)"
    );
    assert!(share < 25.0, "{share:.1}% of a core while idle");

    // Closing it hides it; the toolbar's button shows it again.
    let others = support::hardware::descendants(window.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Button>().ok())
        .find(|b| b.icon_name().as_deref() == Some("video-joined-displays-symbolic"))
        .expect("no button for the other displays");
    assert!(others.is_visible());
    second.close();
    assert!(wait_until(5, || shown_window(&title).is_none()));
    others.emit_clicked();
    assert!(wait_until(5, || shown_window(&title).is_some()));

    // It goes away with the page.
    window.destroy();
    drop(page);
    assert!(wait_until(10, || shown_window(&title).is_none() && !monitor.shown()));
}

/// The monitors of a monitors configuration: ((width, height), (x, y)) each.
fn monitors_of(data: &[u8]) -> Vec<((u32, u32), (u32, u32))> {
    // VDAgentMonitorsConfig: count, flags, then VDAgentMonConfig: height, width, depth, x, y.
    (0..word(data, 0) as usize)
        .map(|i| 8 + i * 20)
        .map(|at| {
            (
                (word(data, at + 4), word(data, at)),
                (word(data, at + 12), word(data, at + 16)),
            )
        })
        .collect()
}

/// A widget's size in pixels.
fn size_of(widget: &impl IsA<gtk::Widget>) -> (u32, u32) {
    (widget.width() as u32, widget.height() as u32)
}

#[gtk::test]
fn each_monitor_is_resized_to_its_window() {
    support::init_gui();
    let name = unique_name("spice-resize-heads");
    // A VGA card and a second, virtio-gpu one: a display channel each. With a VGA card among
    // them QEMU leaves monitor configurations to the agent (with only virtio-gpu heads it
    // takes them itself).
    let xml = agent_vm_xml(
        &name,
        "<video><model type='vga' vram='16384' heads='1' primary='yes'/></video>\
         <video><model type='virtio' heads='1'/></video>",
    );
    let _vm = RunningVm::start(&name, &xml);
    let mut agent = Agent::boot(&name);
    let (window, page, display) = support::spice_page(&name);
    display.set_scaling(Scaling::Fit);
    display.set_resize_guest(true);
    assert!(
        wait_until(30, || !display.monitors().is_empty()),
        "no second monitor offered"
    );
    let monitor = display.monitors()[0].clone();
    let title = format!("{name} — Display 2");
    assert!(wait_until(5, || monitor.is_mapped() && shown_window(&title).is_some()));
    let second = shown_window(&title).unwrap();

    // The agent comes: both windows' sizes go to it, side by side.
    agent.begin();
    let both = || {
        let (first, other) = (size_of(&display), size_of(&monitor));
        vec![(first, (0, 0)), (other, (first.0, 0))]
    };
    let config = agent.wait_for(0, MONITORS_CONFIG, |d| monitors_of(d) == both());
    assert_eq!(monitors_of(&config), both());
    // The second window grows: its monitor is asked for the new size.
    let before = size_of(&monitor);
    let seen = agent.received().len();
    second.set_default_size(1000, 700);
    assert!(wait_until(10, || size_of(&monitor) != before));
    agent.wait_for(seen, MONITORS_CONFIG, |d| monitors_of(d) == both());
    // Hidden, the second monitor is turned off (left out of the configuration); shown again,
    // it is back with its window's size.
    let seen = agent.received().len();
    second.close();
    let config = agent.wait_for(seen, MONITORS_CONFIG, |d| word(d, 0) == 1);
    assert_eq!(monitors_of(&config), vec![(size_of(&display), (0, 0))]);
    let seen = agent.received().len();
    second.present();
    agent.wait_for(seen, MONITORS_CONFIG, |d| monitors_of(d) == both());

    window.destroy();
    drop(page);
    assert!(wait_until(10, || shown_window(&title).is_none()));
}
