//! The CPU sparkline of a VM row: the last two minutes of CPU use, 0–100 %.

use gtk::glib;
use gtk::prelude::*;

use crate::session::series::Unit;
use crate::ui::vm_list::VmObject;
use crate::widgets::graph::{GraphLine, HangarGraph, YMax};

/// Catches up on the history of the row's item when the row scrolls into view, and tells the
/// row's CPU use in a tooltip made when asked for (not on every statistics tick).
pub fn follow_map(spark: &HangarGraph, item: impl Fn() -> Option<glib::Object> + 'static) {
    let item = std::rc::Rc::new(item);
    spark.connect_map({
        let item = item.clone();
        move |spark| {
            if let Some(item) = item() {
                refresh(spark, &item);
            }
        }
    });
    spark.set_has_tooltip(true);
    spark.connect_query_tooltip(move |_, _, _, _, tooltip| {
        let Some(vm) = item().and_downcast::<VmObject>() else {
            return false;
        };
        let value = crate::ui::vm_window::performance::value_text(Unit::Percent, vm.cpu_percent());
        tooltip.set_text(Some(&crate::i18n::gettext_f("CPU: {}", &[&value])));
        true
    });
}

/// A sparkline sized for a list row.
pub fn new_sparkline() -> HangarGraph {
    let g = HangarGraph::sparkline();
    g.set_unit(Unit::Percent);
    g.set_y_max(YMax::Fixed(100.0));
    g.set_window_secs(VmObject::CPU_HISTORY_SECS);
    g.set_size_request(72, 22);
    g.set_valign(gtk::Align::Center);
    g.add_css_class("vm-row-spark");
    g
}

/// Shows the CPU history of `item` (a VM) in `spark`; skipped while the row is off screen
/// (a row the list keeps bound beyond the visible ones is unmapped; see [`follow_map`]).
pub fn refresh(spark: &HangarGraph, item: &glib::Object) {
    let Some(vm) = item.downcast_ref::<VmObject>() else {
        return;
    };
    if !spark.is_visible() || !spark.is_mapped() {
        return;
    }
    spark.set_lines(vec![GraphLine::new("", vm.cpu_history())]);
}
