//! The host window of one connection: the overview (host CPU and memory graphs and the
//! virtual machines using the most CPU, live while on screen), the storage page and the
//! host's virtual networks ([`crate::ui::networks`]).

use std::rc::Rc;

use adw::prelude::*;
use relm4::prelude::*;

use crate::i18n::{gettext, gettext_f};
use crate::session::sampler::{StatsTick, Want};
use crate::session::series::Unit;
use crate::ui::networks::{NetworksPage, NetworksPageMsg};
use crate::ui::stats::{HostStats, TickListener};
use crate::ui::storage::{StoragePage, StoragePageInit, StoragePageMsg, StoragePageOutput};
use crate::ui::vm_list::ConnectionObject;
use crate::ui::vm_window::performance::{Section, WINDOW_SECS, value_text};
use crate::widgets::graph::{GraphLine, YMax};

/// How many of the busiest VMs the overview lists.
pub const TOP_VMS: usize = 5;

struct State {
    stats: HostStats,
    connection: ConnectionObject,
    cpu: Section,
    memory: Section,
    top: gtk::ListBox,
    window: adw::Window,
}

/// A page of the host window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPage {
    /// Host CPU, memory and the busiest VMs.
    Overview,
    /// Storage pools and volumes.
    Storage,
    /// Virtual networks.
    Networks,
}

impl HostPage {
    fn name(self) -> &'static str {
        match self {
            HostPage::Overview => "overview",
            HostPage::Storage => "storage",
            HostPage::Networks => "networks",
        }
    }
}

/// An open host window.
pub struct HostWindow {
    state: Rc<State>,
    stack: adw::ViewStack,
    toasts: adw::ToastOverlay,
    storage: Option<Controller<StoragePage>>,
    _listener: TickListener,
    networks: Option<Controller<NetworksPage>>,
}

impl std::fmt::Debug for HostWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostWindow")
            .field("uri", &self.state.stats.uri())
            .finish_non_exhaustive()
    }
}

impl HostWindow {
    /// A window for `connection`, if its statistics are open; with the storage and networks
    /// pages when the connection's `client` is given.
    pub fn new(
        connection: &ConnectionObject,
        client: Option<virt_client::Connection>,
    ) -> Option<HostWindow> {
        let stats = HostStats::get(&connection.uri())?;
        let window = adw::Window::builder()
            .default_width(1000)
            .default_height(760)
            .hide_on_close(true)
            .build();
        window.set_title(Some(&gettext_f("{} — Host", &[&connection.title()])));
        let header = adw::HeaderBar::new();
        let stack = adw::ViewStack::new();
        // Only the page on screen is measured at each layout.
        stack.set_hhomogeneous(false);
        stack.set_vhomogeneous(false);
        let switcher = adw::ViewSwitcherTitle::builder()
            .stack(&stack)
            .title(connection.title())
            .build();
        header.set_title_widget(Some(&switcher));
        let toasts = adw::ToastOverlay::new();

        let cpu = Section::new(&gettext("Host CPU"), Unit::Percent, YMax::Fixed(100.0));
        let memory = Section::new(&gettext("Host Memory"), Unit::Bytes, YMax::Auto);
        let top_title = gtk::Label::new(Some(&gettext("Busiest Virtual Machines")));
        top_title.add_css_class("heading");
        top_title.set_xalign(0.0);
        let top_caption = gtk::Label::new(Some(&gettext(
            "CPU use of each machine as a share of its virtual CPUs",
        )));
        top_caption.add_css_class("dim-label");
        top_caption.add_css_class("caption");
        top_caption.set_xalign(0.0);
        top_caption.set_wrap(true);
        let top = gtk::ListBox::new();
        top.add_css_class("boxed-list");
        top.set_selection_mode(gtk::SelectionMode::None);
        let placeholder = gtk::Label::new(Some(&gettext("No running virtual machines")));
        placeholder.add_css_class("dim-label");
        placeholder.set_margin_top(12);
        placeholder.set_margin_bottom(12);
        top.set_placeholder(Some(&placeholder));

        let column = gtk::Box::new(gtk::Orientation::Vertical, 24);
        for m in [
            gtk::Widget::set_margin_top,
            gtk::Widget::set_margin_bottom,
            gtk::Widget::set_margin_start,
            gtk::Widget::set_margin_end,
        ] {
            m(column.upcast_ref(), 18);
        }
        column.append(&cpu.root);
        column.append(&memory.root);
        let top_box = gtk::Box::new(gtk::Orientation::Vertical, 6);
        top_box.append(&top_title);
        top_box.append(&top_caption);
        top_box.append(&top);
        column.append(&top_box);
        let clamp = adw::Clamp::builder()
            .maximum_size(960)
            .child(&column)
            .build();
        let scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .child(&clamp)
            .build();
        let overview = stack.add_titled(
            &scroll,
            Some(HostPage::Overview.name()),
            &gettext("Overview"),
        );
        overview.set_icon_name(Some("computer-symbolic"));
        let storage = client
            .clone()
            .map(|conn| storage_page(&stack, &toasts, conn));
        let networks = client.map(|conn| networks_page(&stack, conn));
        toasts.set_child(Some(&stack));
        toasts.set_vexpand(true);
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&toasts);
        window.set_content(Some(&content));

        stats.subscribe_while_mapped(&scroll, Want::Host);
        let state = Rc::new(State {
            stats: stats.clone(),
            connection: connection.clone(),
            cpu,
            memory,
            top,
            window,
        });
        let weak = Rc::downgrade(&state);
        let listener = stats.connect_tick(move |tick| {
            if let Some(state) = weak.upgrade() {
                state.on_tick(tick);
            }
        });
        if let Some(tick) = stats.last() {
            state.on_tick(&tick);
        }
        Some(HostWindow {
            state,
            stack,
            toasts,
            storage,
            _listener: listener,
            networks,
        })
    }

    /// Shows `page` (the overview when there is no storage page).
    pub fn show_page(&self, page: HostPage) {
        if (page == HostPage::Storage && self.storage.is_none())
            || (page == HostPage::Networks && self.networks.is_none())
        {
            return;
        }
        self.stack.set_visible_child_name(page.name());
    }

    /// The page on screen.
    pub fn page(&self) -> HostPage {
        match self.stack.visible_child_name().as_deref() {
            Some("storage") => HostPage::Storage,
            Some("networks") => HostPage::Networks,
            _ => HostPage::Overview,
        }
    }

    /// Tells the storage page the connection was made again (`Some`) or lost (`None`); the
    /// first connection of a window opened without one adds the page.
    pub fn set_client(&mut self, client: Option<virt_client::Connection>) {
        // The networks page tells a closed connection itself.
        match (&self.networks, &client) {
            (Some(page), Some(conn)) => page.emit(NetworksPageMsg::Reconnect(conn.clone())),
            (None, Some(conn)) => self.networks = Some(networks_page(&self.stack, conn.clone())),
            (_, None) => {}
        }
        match (&self.storage, client) {
            (Some(page), client) => page.emit(StoragePageMsg::Connection(client)),
            (None, Some(conn)) => {
                self.storage = Some(storage_page(&self.stack, &self.toasts, conn));
            }
            (None, None) => {}
        }
    }

    /// The storage page, when the window has one.
    pub fn storage(&self) -> Option<&Controller<StoragePage>> {
        self.storage.as_ref()
    }

    /// The window.
    pub fn window(&self) -> &adw::Window {
        &self.state.window
    }

    /// The networks page, when the connection is open.
    pub fn networks(&self) -> Option<&Controller<NetworksPage>> {
        self.networks.as_ref()
    }

    /// The names shown in the busiest-VMs list, busiest first.
    pub fn top_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let mut child = self.state.top.first_child();
        while let Some(row) = child {
            if let Some(r) = row.downcast_ref::<adw::ActionRow>() {
                names.push(r.title().to_string());
            }
            child = row.next_sibling();
        }
        names
    }

    /// The host CPU graph's section (for tests).
    pub fn cpu_section(&self) -> &Section {
        &self.state.cpu
    }
}

/// The storage page on `conn`, added to `stack`, its news shown as toasts.
fn networks_page(
    stack: &adw::ViewStack,
    conn: virt_client::Connection,
) -> Controller<NetworksPage> {
    let page = NetworksPage::builder().launch(conn).detach();
    stack
        .add_titled(
            page.widget(),
            Some(HostPage::Networks.name()),
            &gettext("Networks"),
        )
        .set_icon_name(Some("network-workgroup-symbolic"));
    page
}

fn storage_page(
    stack: &adw::ViewStack,
    toasts: &adw::ToastOverlay,
    conn: virt_client::Connection,
) -> Controller<StoragePage> {
    let toasts = toasts.clone();
    let page = StoragePage::builder()
        .launch(StoragePageInit { conn })
        .connect_receiver(move |_, out| match out {
            StoragePageOutput::Done(line) => {
                crate::ui::a11y::add_toast(&toasts, adw::Toast::new(&line))
            }
        });
    let p = stack.add_titled(
        page.widget(),
        Some(HostPage::Storage.name()),
        &gettext("Storage"),
    );
    p.set_icon_name(Some("drive-harddisk-symbolic"));
    page
}

impl State {
    fn on_tick(&self, tick: &StatsTick) {
        if !self.window.is_mapped() {
            return;
        }
        let cpu = self.stats.host_cpu();
        let last_cpu = cpu.last().and_then(|p| p.v);
        self.cpu
            .graph
            .set_lines(vec![GraphLine::new(gettext("Used"), cpu)]);
        self.cpu
            .value
            .set_label(&last_cpu.map_or_else(|| "—".into(), |v| value_text(Unit::Percent, v)));
        let memory = self.stats.host_memory();
        let last_mem = memory.last().and_then(|p| p.v);
        if let Some(total) = self.stats.memory_total_bytes() {
            self.memory.graph.set_y_max(YMax::Fixed(total));
            if let Some(used) = last_mem {
                self.memory.value.set_label(&gettext_f(
                    "{} of {}",
                    &[
                        &value_text(Unit::Bytes, used),
                        &value_text(Unit::Bytes, total),
                    ],
                ));
            }
        }
        self.memory
            .graph
            .set_lines(vec![GraphLine::new(gettext("Used"), memory)]);
        self.cpu.graph.set_window_secs(WINDOW_SECS);
        self.memory.graph.set_window_secs(WINDOW_SECS);
        self.show_top(tick);
    }

    fn show_top(&self, tick: &StatsTick) {
        let mut busy: Vec<(f64, &str)> = tick
            .domains
            .iter()
            .filter_map(|d| Some((d.cpu_percent?, d.uuid.as_str())))
            .collect();
        let n = busy.len().min(TOP_VMS);
        if n > 0 {
            busy.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
        }
        busy.truncate(n);
        busy.sort_by(|a, b| b.0.total_cmp(&a.0));
        while let Some(row) = self.top.first_child() {
            self.top.remove(&row);
        }
        for (percent, uuid) in busy {
            let name = self
                .connection
                .vm(uuid)
                .map_or_else(|| uuid.to_string(), |vm| vm.name());
            let row = adw::ActionRow::builder().title(name.as_str()).build();
            let value = gtk::Label::new(Some(&value_text(Unit::Percent, percent)));
            value.add_css_class("numeric");
            row.add_suffix(&value);
            self.top.append(&row);
        }
    }
}
