//! Tests of the pinning model: column order, edits, cpusets, bulk actions, validation.

use super::*;

/// Two nodes, one socket each, two cores per socket, two threads per core:
/// CPUs 0-3 are first threads, 4-7 their siblings; node 0 has cores {0,4} and {1,5}.
fn two_nodes() -> HostTopology {
    HostTopology::uniform(2, 1, 2, 2)
}

fn cpus_of(m: &PinningModel) -> Vec<u32> {
    m.columns().iter().map(|c| c.cpu).collect()
}

#[test]
fn columns_grouped_by_node_socket_core_with_siblings_side_by_side() {
    let m = PinningModel::new(&two_nodes(), 2, true, &[1]);
    assert_eq!(cpus_of(&m), [0, 4, 1, 5, 2, 6, 3, 7]);
    assert_eq!(
        m.node_groups(),
        [
            Group {
                key: 0,
                start: 0,
                len: 4
            },
            Group {
                key: 1,
                start: 4,
                len: 4
            }
        ]
    );
    assert_eq!(m.socket_groups().len(), 2);
    let cores = m.core_groups();
    assert_eq!(cores.len(), 4);
    assert!(cores.iter().all(|g| g.len == 2));
    assert_eq!(
        m.rows(),
        [
            RowKind::Vcpu(0),
            RowKind::Vcpu(1),
            RowKind::Emulator,
            RowKind::IoThread(1)
        ]
    );
    assert_eq!(m.column_of_cpu(5), Some(3));
    assert_eq!(m.column_of_cpu(99), None);
}

#[test]
fn topology_in_any_order_with_odd_numbering() {
    // Siblings numbered adjacently (0,1), listed in reverse.
    let mut cpus = Vec::new();
    for id in (0..8u32).rev() {
        cpus.push(HostCpu {
            id,
            node: id / 4,
            socket: id / 4,
            core: (id % 4) / 2,
            siblings: vec![id & !1, id | 1],
            online: id != 6,
        });
    }
    let m = PinningModel::new(&HostTopology { cpus }, 1, false, &[]);
    assert_eq!(cpus_of(&m), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert!(!m.is_allowed(0, 6), "offline CPUs start unpinned-to");
    assert_eq!(m.cpuset_string(0), "0-5,7");
}

#[test]
fn toggling_and_filling_cells() {
    let mut m = PinningModel::new(&two_nodes(), 4, false, &[]);
    assert!(m.toggle(0, 0));
    assert!(!m.is_allowed(0, 0));
    assert_eq!(m.cpuset_string(0), "1-7");
    assert_eq!(m.fill(1..=2, 0..=7, false), 16);
    assert_eq!(m.fill(1..=2, 2..=3, true), 4);
    assert_eq!(m.cpuset_string(1), "1,5");
    assert!(!m.set(0, 99, true));
    assert!(!m.set(99, 0, true));
}

#[test]
fn offline_cpus_cannot_be_allowed() {
    let mut topo = two_nodes();
    topo.cpus[5].online = false; // CPU 5
    let mut m = PinningModel::new(&topo, 1, false, &[]);
    let col = m.column_of_cpu(5).unwrap();
    assert!(!m.is_allowed(0, col));
    assert!(!m.toggle(0, col));
    assert_eq!(m.set_cpuset_text(0, "5"), Err(PinError::OfflineCpu(5)));
    m.toggle_row(0);
    assert_eq!(
        m.cpuset_string(0),
        "",
        "a full row (all online) toggles to empty"
    );
    m.toggle_row(0);
    assert_eq!(m.cpuset_string(0), "0-4,6-7");
}

#[test]
fn row_and_column_toggles() {
    let mut m = PinningModel::new(&two_nodes(), 3, false, &[]);
    m.fill(0..=2, 0..=7, false);
    assert!(m.toggle_column(2));
    assert_eq!(m.cpuset_string(1), "1");
    assert!(m.toggle_column(2));
    assert_eq!(m.cpuset_string(1), "");
    m.set(0, 0, true);
    assert!(m.toggle_column(0), "partly set column fills");
    assert!((0..3).all(|r| m.is_allowed(r, 0)));
    assert!(m.toggle_row(1));
    assert_eq!(m.cpuset_string(1), "0-7");
}

#[test]
fn cpuset_text_round_trip_and_errors() {
    let mut m = PinningModel::new(&two_nodes(), 2, true, &[]);
    m.set_cpuset_text(0, " 0-3,^2,6 ").unwrap();
    assert_eq!(m.cpuset_string(0), "0-1,3,6");
    assert!(m.is_allowed(0, m.column_of_cpu(6).unwrap()));
    assert!(!m.is_allowed(0, m.column_of_cpu(2).unwrap()));
    assert_eq!(m.set_cpuset_text(0, "12"), Err(PinError::NoSuchCpu(12)));
    assert!(matches!(
        m.set_cpuset_text(0, "1-x"),
        Err(PinError::Parse(_))
    ));
    assert_eq!(
        m.cpuset_string(0),
        "0-1,3,6",
        "a refused edit changes nothing"
    );
    assert_eq!(m.set_cpuset_text(9, "1"), Err(PinError::NoSuchRow(9)));
    assert!(!PinError::NoSuchCpu(12).to_string().is_empty());
}

#[test]
fn one_to_one_from_a_start_cpu() {
    let mut m = PinningModel::new(&two_nodes(), 3, true, &[]);
    m.one_to_one(5).unwrap();
    let sets: Vec<String> = (0..3).map(|r| m.cpuset_string(r)).collect();
    assert_eq!(sets, ["5", "6", "7"]);
    assert_eq!(m.cpuset_string(3), "0-7", "the emulator row is left alone");
    m.one_to_one(6).unwrap();
    let sets: Vec<String> = (0..3).map(|r| m.cpuset_string(r)).collect();
    assert_eq!(sets, ["6", "7", "0"], "wraps around");
    assert_eq!(m.one_to_one(8), Err(PinError::NoSuchCpu(8)));
}

#[test]
fn one_to_one_on_siblings_fills_cores_first() {
    let mut m = PinningModel::new(&two_nodes(), 4, false, &[]);
    m.one_to_one_siblings(5).unwrap(); // CPU 5 is core {1,5}: start there
    let sets: Vec<String> = (0..4).map(|r| m.cpuset_string(r)).collect();
    assert_eq!(sets, ["1", "5", "2", "6"]);
}

#[test]
fn spread_over_node_and_float() {
    let mut m = PinningModel::new(&two_nodes(), 2, true, &[]);
    m.spread_over_node(1).unwrap();
    assert_eq!(m.cpuset_string(0), "2-3,6-7");
    assert_eq!(m.cpuset_string(1), "2-3,6-7");
    assert_eq!(m.spread_over_node(7), Err(PinError::NoSuchNode(7)));
    m.float();
    assert!((0..3).all(|r| m.cpuset_string(r) == "0-7"));
}

#[test]
fn siblings_kept_together() {
    let mut m = PinningModel::new(&two_nodes(), 2, false, &[]);
    m.set_cpuset_text(0, "1").unwrap();
    m.set_cpuset_text(1, "2,7").unwrap();
    m.keep_siblings_together();
    assert_eq!(m.cpuset_string(0), "1,5");
    assert_eq!(m.cpuset_string(1), "2-3,6-7");
}

#[test]
fn copy_row_to_all_vcpus() {
    let mut m = PinningModel::new(&two_nodes(), 3, true, &[4]);
    m.set_cpuset_text(1, "0-1").unwrap();
    m.copy_row_to_all(1).unwrap();
    assert!((0..3).all(|r| m.cpuset_string(r) == "0-1"));
    assert_eq!(m.cpuset_string(3), "0-7");
    assert_eq!(m.cpuset_string(4), "0-7");
    assert_eq!(m.copy_row_to_all(5), Err(PinError::NoSuchRow(5)));
}

#[test]
fn validation_reports_empty_rows_and_numa_spans() {
    let mut m = PinningModel::new(&two_nodes(), 3, true, &[]);
    let v = m.validate();
    assert_eq!(v.cross_numa, [0, 1, 2], "unpinned vCPUs span both nodes");
    assert!(v.is_ok());
    m.set_cpuset_text(0, "0-1").unwrap();
    m.set_cpuset_text(1, "").unwrap();
    m.fill(3..=3, 0..=7, false);
    let v = m.validate();
    assert_eq!(v.empty, [1, 3]);
    assert_eq!(
        v.cross_numa,
        [2],
        "the emulator row is never a NUMA warning"
    );
    assert!(!v.is_ok());
}

#[test]
fn running_cpu_is_marked_by_column() {
    let mut m = PinningModel::new(&two_nodes(), 2, false, &[]);
    m.set_running_on(1, Some(5));
    assert_eq!(m.running_on(1), m.column_of_cpu(5));
    m.set_running_on(1, Some(50));
    assert_eq!(m.running_on(1), None);
    m.set_running_on(7, Some(1));
    assert_eq!(m.running_on(0), None);
}

#[test]
fn restore_cells_after_a_preview() {
    let mut m = PinningModel::new(&two_nodes(), 2, false, &[]);
    let saved = m.cells().to_vec();
    m.fill(0..=1, 0..=7, false);
    m.restore_cells(&saved);
    assert_eq!(m.cpuset_string(1), "0-7");
    m.restore_cells(&[true]);
    assert_eq!(m.cpuset_string(1), "0-7");
}

#[test]
fn labels() {
    assert_eq!(RowKind::Vcpu(3).label(), "vCPU 3");
    assert_eq!(RowKind::IoThread(1).label(), "IOThread 1");
    assert_eq!(RowKind::Emulator.label(), "Emulator");
}
