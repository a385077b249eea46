//! The wizard's second step: which operating system the guest runs, detected from the install
//! media or picked from osinfo-db, which sets the recommended resources.

use adw::prelude::*;

use super::{NewVmWizardMsg as Msg, Tx};
use crate::i18n::gettext;
use crate::osinfo::OsDb;

/// How many systems the list shows at once.
pub const SHOWN: usize = 40;

/// The OS page's widgets.
#[derive(Debug)]
pub struct OsPage {
    /// The page.
    pub root: adw::PreferencesPage,
    /// The chosen system and its recommended resources.
    pub chosen: adw::ActionRow,
    /// Shown while the database loads.
    pub spinner: gtk::Spinner,
    /// Filters the list.
    pub search: gtk::SearchEntry,
    /// The systems matching the search; each row's name is the system's id ("" = generic).
    pub list: gtk::ListBox,
}

impl OsPage {
    /// Builds the page.
    pub fn new(tx: &Tx) -> OsPage {
        let root = adw::PreferencesPage::new();
        let group = adw::PreferencesGroup::new();
        group.set_title(&gettext("Operating System"));
        group.set_description(Some(&gettext(
            "Hangar picks memory, processors, disk size and devices that suit the system.",
        )));
        let chosen = adw::ActionRow::new();
        chosen.set_title(&gettext("Generic operating system"));
        chosen.add_css_class("property");
        let spinner = gtk::Spinner::new();
        chosen.add_suffix(&spinner);
        group.add(&chosen);
        root.add(&group);

        let list_group = adw::PreferencesGroup::new();
        list_group.set_title(&gettext("Choose Another System"));
        let search = gtk::SearchEntry::new();
        search.set_placeholder_text(Some(&gettext("Search, e.g. “debian 11” or “windows”")));
        search.set_margin_bottom(12);
        crate::ui::a11y::name(&search, &gettext("Search for a system"));
        let s = tx.clone();
        search.connect_search_changed(move |e| s.send(Msg::OsQuery(e.text().to_string())));
        list_group.add(&search);
        let list = gtk::ListBox::new();
        list.add_css_class("boxed-list");
        list.set_selection_mode(gtk::SelectionMode::None);
        let s = tx.clone();
        list.connect_row_activated(move |_, row| {
            let id = row.widget_name().to_string();
            s.send(Msg::ChooseOs((!id.is_empty()).then_some(id)));
        });
        list_group.add(&list);
        root.add(&list_group);
        OsPage {
            root,
            chosen,
            spinner,
            search,
            list,
        }
    }

    /// Fills the list with the systems matching `query`.
    pub fn fill(&self, db: Option<&OsDb>, query: &str) {
        while let Some(child) = self.list.first_child() {
            self.list.remove(&child);
        }
        let generic = adw::ActionRow::new();
        generic.set_title(&gettext("Generic operating system"));
        generic.set_subtitle(&gettext("For a system not in the list"));
        generic.set_activatable(true);
        self.list.append(&generic);
        let Some(db) = db else {
            return;
        };
        for os in db.search(query, SHOWN) {
            let row = adw::ActionRow::new();
            row.set_title(&glib_escape(&os.name));
            let mut sub = os.short_id().to_owned();
            if let Some(v) = &os.vendor {
                sub = format!("{sub} · {v}");
            }
            row.set_subtitle(&glib_escape(&sub));
            row.set_activatable(true);
            row.set_widget_name(&os.id);
            self.list.append(&row);
        }
    }
}

/// Row titles are Pango markup: escape what the database says.
pub fn glib_escape(text: &str) -> String {
    gtk::glib::markup_escape_text(text).to_string()
}
