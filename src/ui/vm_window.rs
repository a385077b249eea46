//! A VM's own window: overview, and the pages for its consoles, performance, vCPU pinning,
//! snapshots and hardware, switched from the header bar. The console, pinning, snapshots and
//! hardware pages are built when first shown: a window opens in one short main-loop turn, and
//! a console connects only once someone looks at it.

pub mod console;
pub mod guest;
pub mod performance;
pub mod pinning;
pub mod snapshots;

use adw::prelude::*;
use relm4::prelude::*;

use crate::i18n::gettext;
use crate::session::model::VmAction;
use crate::ui::hardware::{HardwareEditor, HardwareEditorInit};
use crate::ui::thumbnails::{self, ThumbnailPicture};
use crate::ui::vm_list::{VmObject, memory_text};

/// The pages of a VM window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VmPage {
    /// Name, state, resources, identity.
    #[default]
    Overview,
    /// Graphical and serial consoles.
    Console,
    /// Live CPU, memory, disk and network graphs.
    Performance,
    /// The vCPU pinning matrix.
    Pinning,
    /// The snapshots.
    Snapshots,
    /// The hardware editor.
    Hardware,
}

impl VmPage {
    /// The page's name in the window's view stack.
    pub fn name(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Console => "console",
            Self::Performance => "performance",
            Self::Pinning => "pinning",
            Self::Snapshots => "snapshots",
            Self::Hardware => "hardware",
        }
    }

    /// The page named `name` in the window's view stack.
    pub fn from_name(name: &str) -> Option<VmPage> {
        [
            Self::Overview,
            Self::Console,
            Self::Performance,
            Self::Pinning,
            Self::Snapshots,
            Self::Hardware,
        ]
        .into_iter()
        .find(|page| page.name() == name)
    }
}

impl From<crate::cli::DomainView> for VmPage {
    fn from(view: crate::cli::DomainView) -> Self {
        use crate::cli::DomainView as V;
        match view {
            V::Overview => Self::Overview,
            V::Console => Self::Console,
            V::Performance => Self::Performance,
            V::Pinning => Self::Pinning,
            V::Editor => Self::Hardware,
            V::Snapshots => Self::Snapshots,
        }
    }
}

/// What a VM window shows.
#[derive(Debug, Clone)]
pub struct VmWindowInit {
    /// The VM (its object follows the host's events).
    pub vm: VmObject,
    /// The connection to its host, while connected.
    pub connection: Option<virt_client::Connection>,
    /// The page to show first.
    pub page: VmPage,
}

/// Background results for a VM window.
#[derive(Debug)]
pub enum VmWindowCmd {
    /// The VM's handle on its host and whether it runs, or why it could not be found.
    Domain(Result<(virt_client::Domain, bool), String>),
}

/// A VM's window.
#[derive(Debug)]
pub struct VmWindow {
    hardware: Option<Controller<HardwareEditor>>,
    /// The VM's handle, found but not yet given to an editor: the editor is built when the
    /// hardware page is first shown.
    pending_domain: Option<(virt_client::Domain, bool)>,
    vm: VmObject,
    #[allow(dead_code)]
    connection: Option<virt_client::Connection>,
    page: VmPage,
    summary: crate::session::model::VmSummary,
    _watch: Option<gtk::glib::SignalHandlerId>,
    pinning: Option<Controller<pinning::PinningPage>>,
    snapshots: Option<Controller<snapshots::SnapshotsPage>>,
    performance: performance::PerformancePage,
    console: Option<Controller<console::ConsolePage>>,
    guest: Controller<guest::GuestGroup>,
}

/// Messages to a VM window.
#[derive(Debug)]
pub enum VmWindowMsg {
    /// The VM's data changed.
    Changed,
    /// Show this page.
    Show(VmPage),
    /// The stack shows this page (the user switched to it).
    Shown(VmPage),
    /// The user asked for a lifecycle action.
    Act(VmAction),
    /// The connection changed (reconnected, or gone).
    Connection(Option<virt_client::Connection>),
}

/// What a VM window asks of the main window.
#[derive(Debug)]
pub enum VmWindowOutput {
    /// Do `action` to the VM `(connection URI, UUID)`.
    Act(VmAction, (String, String)),
}

impl VmWindow {
    /// Looks up the VM on its host, for the pages that talk to it.
    fn load_domain(&self, sender: &ComponentSender<Self>) {
        let Some(conn) = self.connection.clone() else {
            return;
        };
        let name = self.vm.name();
        sender.oneshot_command(async move {
            let found = async {
                let dom = virt_client::Domain::lookup_by_name(&conn, &name).await?;
                let active = dom.is_active().await?;
                Ok::<_, virt_client::Error>((dom, active))
            };
            VmWindowCmd::Domain(found.await.map_err(|e| e.to_string()))
        });
    }

    /// The URI of the VM's connection.
    pub fn connection_uri(&self) -> String {
        self.vm.connection_uri()
    }

    /// Whether the hardware page holds the editor (the VM was found on its host and the
    /// page was shown).
    pub fn has_hardware_editor(&self) -> bool {
        self.hardware.is_some()
    }

    /// Builds the hardware editor for the VM's handle once the hardware page is on screen.
    fn build_editor_if_shown(&mut self, widgets: &VmWindowWidgets) {
        if self.page != VmPage::Hardware {
            return;
        }
        let Some((domain, active)) = self.pending_domain.take() else {
            return;
        };
        let editor = HardwareEditor::builder()
            .launch(HardwareEditorInit { domain, active })
            .detach();
        widgets.hardware_status.set_visible(false);
        widgets.hardware_box.append(editor.widget());
        self.hardware = Some(editor);
    }

    /// Builds the page on screen if it is one of those built when first shown.
    fn build_page_if_shown(&mut self, widgets: &VmWindowWidgets, sender: &ComponentSender<Self>) {
        let built = match self.page {
            VmPage::Console => self.console.is_some(),
            VmPage::Pinning => self.pinning.is_some(),
            VmPage::Snapshots => self.snapshots.is_some(),
            VmPage::Hardware => return self.build_editor_if_shown(widgets),
            VmPage::Overview | VmPage::Performance => return,
        };
        if built {
            return;
        }
        let name = self.vm.name();
        let connection = self.connection.clone();
        match self.page {
            VmPage::Console => {
                let page = console::ConsolePage::builder()
                    .launch(console::ConsoleInit {
                        name,
                        uri: self.vm.connection_uri(),
                        connection,
                    })
                    .forward(sender.input_sender(), |out| match out {
                        console::ConsoleOutput::Run => VmWindowMsg::Act(VmAction::Run),
                        console::ConsoleOutput::ShowHardware => VmWindowMsg::Show(VmPage::Hardware),
                    });
                widgets.console_box.append(page.widget());
                self.console = Some(page);
            }
            VmPage::Pinning => {
                let page = pinning::PinningPage::builder()
                    .launch(pinning::PinningInit { name, connection })
                    .detach();
                widgets.pinning_box.append(page.widget());
                self.pinning = Some(page);
            }
            VmPage::Snapshots => {
                let page = snapshots::SnapshotsPage::builder()
                    .launch(snapshots::SnapshotsInit { name, connection })
                    .detach();
                widgets.snapshots_box.append(page.widget());
                self.snapshots = Some(page);
            }
            VmPage::Overview | VmPage::Performance | VmPage::Hardware => {}
        }
    }

    /// The vCPU pinning page, once it was shown.
    pub fn pinning(&self) -> Option<&Controller<pinning::PinningPage>> {
        self.pinning.as_ref()
    }

    /// The snapshots page, once it was shown.
    pub fn snapshots(&self) -> Option<&Controller<snapshots::SnapshotsPage>> {
        self.snapshots.as_ref()
    }

    /// The console page, once it was shown.
    pub fn console(&self) -> Option<&Controller<console::ConsolePage>> {
        self.console.as_ref()
    }

    /// The overview's guest group.
    pub fn guest(&self) -> &Controller<guest::GuestGroup> {
        &self.guest
    }

    /// The page shown.
    pub fn page(&self) -> VmPage {
        self.page
    }

    /// The VM as shown.
    pub fn summary(&self) -> &crate::session::model::VmSummary {
        &self.summary
    }

    /// The performance page.
    pub fn performance(&self) -> &performance::PerformancePage {
        &self.performance
    }
}

#[relm4::component(pub)]
impl Component for VmWindow {
    type Init = VmWindowInit;
    type Input = VmWindowMsg;
    type Output = VmWindowOutput;
    type CommandOutput = VmWindowCmd;

    view! {
        adw::Window {
            set_default_size: (860, 620),
            #[watch]
            set_title: Some(&model.summary.name),

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,

                adw::HeaderBar {
                    #[wrap(Some)]
                    #[name = "switcher_title"]
                    set_title_widget = &adw::ViewSwitcherTitle {
                        set_stack: Some(&stack),
                        #[watch]
                        set_title: &model.summary.name,
                        #[watch]
                        set_subtitle: &model.summary.state_label(),
                    },
                    pack_start = &gtk::Box {
                        add_css_class: "linked",
                        gtk::Button {
                            set_icon_name: "media-playback-start-symbolic",
                            set_tooltip_text: Some(&gettext("Run")),
                            #[watch]
                            set_sensitive: model.connection.is_some() && VmAction::Run.allowed_for(&model.summary),
                            connect_clicked => VmWindowMsg::Act(VmAction::Run),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Run"))],
                        },
                        gtk::Button {
                            set_icon_name: "media-playback-pause-symbolic",
                            set_tooltip_text: Some(&gettext("Pause")),
                            #[watch]
                            set_sensitive: model.connection.is_some() && VmAction::Pause.allowed_for(&model.summary),
                            connect_clicked => VmWindowMsg::Act(VmAction::Pause),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Pause"))],
                        },
                        gtk::Button {
                            set_icon_name: "media-skip-forward-symbolic",
                            set_tooltip_text: Some(&gettext("Resume")),
                            #[watch]
                            set_sensitive: model.connection.is_some() && VmAction::Resume.allowed_for(&model.summary),
                            connect_clicked => VmWindowMsg::Act(VmAction::Resume),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Resume"))],
                        },
                        gtk::Button {
                            set_icon_name: "system-shutdown-symbolic",
                            set_tooltip_text: Some(&gettext("Shut Down")),
                            #[watch]
                            set_sensitive: model.connection.is_some() && VmAction::ShutDown.allowed_for(&model.summary),
                            connect_clicked => VmWindowMsg::Act(VmAction::ShutDown),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Shut Down"))],
                        },
                    },
                },

                #[name = "stack"]
                adw::ViewStack {
                    set_vexpand: true,
                    // Only the page on screen is measured: the hidden ones (the hardware
                    // editor's hundreds of rows) cost nothing at each layout.
                    set_hhomogeneous: false,
                    set_vhomogeneous: false,
                    // Also notified while the window is torn down: no panic then.
                    connect_visible_child_name_notify[input = sender.input_sender().clone()] => move |stack| {
                        if let Some(page) = stack.visible_child_name().as_deref().and_then(VmPage::from_name) {
                            let _ = input.send(VmWindowMsg::Shown(page));
                        }
                    },

                    add_titled_with_icon[Some("overview"), &gettext("Overview"), "view-list-symbolic"] = &adw::PreferencesPage {
                        adw::PreferencesGroup {
                            set_title: &gettext("Screen"),
                            #[watch]
                            set_visible: model.summary.state.is_active(),
                            #[local_ref]
                            thumbnail -> ThumbnailPicture {
                                set_halign: gtk::Align::Start,
                            },
                        },
                        adw::PreferencesGroup {
                            set_title: &gettext("Virtual Machine"),
                            adw::ActionRow {
                                set_title: &gettext("Name"),
                                add_suffix = &gtk::Label {
                                    set_selectable: true,
                                    #[watch]
                                    set_label: &model.summary.name,
                                },
                            },
                            adw::ActionRow {
                                set_title: &gettext("Title"),
                                add_suffix = &gtk::Label {
                                    set_selectable: true,
                                    set_wrap: true,
                                    #[watch]
                                    set_label: model.summary.title.as_deref().unwrap_or("—"),
                                },
                            },
                            adw::ActionRow {
                                set_title: &gettext("State"),
                                add_suffix = &gtk::Label {
                                    #[watch]
                                    set_label: &model.summary.state_label(),
                                },
                            },
                            adw::ActionRow {
                                set_title: &gettext("Starts with host"),
                                add_suffix = &gtk::Label {
                                    #[watch]
                                    set_label: &if model.summary.autostart { gettext("Yes") } else { gettext("No") },
                                },
                            },
                        },
                        add: model.guest.widget(),
                        adw::PreferencesGroup {
                            set_title: &gettext("Resources"),
                            adw::ActionRow {
                                set_title: &gettext("Virtual CPUs"),
                                add_suffix = &gtk::Label {
                                    #[watch]
                                    set_label: &model.summary.vcpus.to_string(),
                                },
                            },
                            adw::ActionRow {
                                set_title: &gettext("Memory"),
                                add_suffix = &gtk::Label {
                                    #[watch]
                                    set_label: &memory_text(model.summary.memory_kib),
                                },
                            },
                        },
                        adw::PreferencesGroup {
                            set_title: &gettext("Identity"),
                            adw::ActionRow {
                                set_title: &gettext("UUID"),
                                add_suffix = &gtk::Label {
                                    set_selectable: true,
                                    add_css_class: "monospace",
                                    #[watch]
                                    set_label: &model.summary.uuid,
                                },
                            },
                            adw::ActionRow {
                                set_title: &gettext("Connection"),
                                add_suffix = &gtk::Label {
                                    set_selectable: true,
                                    set_ellipsize: gtk::pango::EllipsizeMode::Middle,
                                    set_label: &model.vm.connection_uri(),
                                },
                            },
                        },
                    },

                    #[name = "console_box"]
                    add_titled_with_icon[Some("console"), &gettext("Console"), "utilities-terminal-symbolic"] = &gtk::Box {
                        set_orientation: gtk::Orientation::Vertical,
                    },

                    add_titled_with_icon[Some("performance"), &gettext("Performance"), "power-profile-performance-symbolic"] = model.performance.widget(),

                    #[name = "pinning_box"]
                    add_titled_with_icon[Some("pinning"), &gettext("CPU Pinning"), "view-grid-symbolic"] = &gtk::Box {
                        set_orientation: gtk::Orientation::Vertical,
                    },

                    #[name = "snapshots_box"]
                    add_titled_with_icon[Some("snapshots"), &gettext("Snapshots"), "camera-photo-symbolic"] = &gtk::Box {
                        set_orientation: gtk::Orientation::Vertical,
                    },

                    add_titled_with_icon[Some("hardware"), &gettext("Hardware"), "preferences-system-symbolic"] = &gtk::Box {
                        set_orientation: gtk::Orientation::Vertical,
                        #[name = "hardware_box"]
                        gtk::Box {
                            set_vexpand: true,
                            set_orientation: gtk::Orientation::Vertical,
                            #[name = "hardware_status"]
                            adw::StatusPage {
                                set_vexpand: true,
                                #[watch]
                                set_title: &if model.connection.is_some() {
                                    gettext("Loading the configuration…")
                                } else {
                                    gettext("Not connected")
                                },
                            },
                        },
                    },
                },

                // When the window is too narrow for the switcher in the title, it moves here.
                #[name = "switcher_bar"]
                adw::ViewSwitcherBar {
                    set_stack: Some(&stack),
                },
            },
        }
    }

    fn init(
        init: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let watch = {
            let s = sender.clone();
            // The CPU figure changes every stats tick; the performance page follows it itself.
            init.vm.connect_notify_local(None, move |_, pspec| {
                if pspec.name() != "cpu-percent" {
                    s.input(VmWindowMsg::Changed);
                }
            })
        };
        let guest = guest::GuestGroup::builder()
            .launch(guest::GuestInit {
                name: init.vm.name(),
                connection: init.connection.clone(),
            })
            .detach();
        let mut model = VmWindow {
            hardware: None,
            pending_domain: None,
            guest,
            pinning: None,
            snapshots: None,
            performance: performance::PerformancePage::new(&init.vm),
            console: None,
            summary: init.vm.summary(),
            vm: init.vm,
            connection: init.connection,
            page: init.page,
            _watch: Some(watch),
        };
        // The running VM's screen, small, renewed every few seconds while the page is shown.
        let thumbnail = ThumbnailPicture::new(
            thumbnails::decode::MAX_WIDTH as i32,
            thumbnails::decode::MAX_HEIGHT as i32 * 5 / 8,
        );
        thumbnail.set_vm(Some(&model.vm));
        let widgets = view_output!();
        widgets
            .switcher_title
            .bind_property("title-visible", &widgets.switcher_bar, "reveal")
            .sync_create()
            .build();
        show_page(&widgets.stack, model.page);
        model.build_page_if_shown(&widgets, &sender);
        model.load_domain(&sender);
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: Self::Input,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        let show = matches!(msg, VmWindowMsg::Show(_));
        self.update(msg, sender.clone(), root);
        if show {
            show_page(&widgets.stack, self.page);
        }
        self.build_page_if_shown(widgets, &sender);
        self.update_view(widgets, sender);
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>, _root: &Self::Root) {
        match msg {
            VmWindowMsg::Changed => {
                let before = self.summary.state;
                self.summary = self.vm.summary();
                if self.summary.state != before {
                    self.guest.emit(guest::GuestMsg::Refresh);
                }
            }
            VmWindowMsg::Show(page) | VmWindowMsg::Shown(page) => self.page = page,
            VmWindowMsg::Act(action) => {
                let target = (self.vm.connection_uri(), self.vm.uuid());
                let _ = sender.output(VmWindowOutput::Act(action, target));
            }
            VmWindowMsg::Connection(conn) => {
                if let Some(page) = &self.pinning {
                    page.emit(pinning::PinningMsg::Connection(conn.clone()));
                }
                if let Some(page) = &self.console {
                    page.emit(console::ConsoleMsg::Connection(conn.clone()));
                }
                if let Some(page) = &self.snapshots {
                    page.emit(snapshots::SnapshotsMsg::Connection(conn.clone()));
                }
                self.guest.emit(guest::GuestMsg::Connection(conn.clone()));
                let reconnected = conn.is_some();
                self.connection = conn;
                if reconnected {
                    self.load_domain(&sender);
                }
            }
        }
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        cmd: Self::CommandOutput,
        sender: ComponentSender<Self>,
        _root: &Self::Root,
    ) {
        let VmWindowCmd::Domain(found) = cmd;
        match found {
            Ok((domain, active)) => {
                if let Some(old) = self.hardware.take() {
                    widgets.hardware_box.remove(old.widget());
                }
                self.pending_domain = Some((domain, active));
                self.build_editor_if_shown(widgets);
            }
            Err(message) => {
                widgets.hardware_status.set_visible(true);
                widgets.hardware_status.set_description(Some(&message));
            }
        }
        self.update_view(widgets, sender);
    }

    fn shutdown(&mut self, _widgets: &mut Self::Widgets, _output: relm4::Sender<Self::Output>) {
        if let Some(id) = self._watch.take() {
            self.vm.disconnect(id);
        }
    }
}

/// Shows `page` if the window has it (pages arrive with the features behind them).
fn show_page(stack: &adw::ViewStack, page: VmPage) {
    if stack.child_by_name(page.name()).is_some() {
        stack.set_visible_child_name(page.name());
    }
}
