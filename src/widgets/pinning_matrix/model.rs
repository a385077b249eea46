//! The pinning matrix's data: which host CPUs each vCPU, the emulator and each IOThread may
//! run on, with host CPUs ordered by NUMA node, socket and core. Pure; no GTK.

use std::fmt;
use std::ops::RangeInclusive;

use virt_xml::CpuSet;

use crate::i18n::{gettext, gettext_f};

/// One host CPU as the host's capabilities describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCpu {
    /// The CPU number the kernel and libvirt use.
    pub id: u32,
    /// NUMA node.
    pub node: u32,
    /// Physical package.
    pub socket: u32,
    /// Core within the socket.
    pub core: u32,
    /// CPUs sharing the core (SMT threads), itself included.
    pub siblings: Vec<u32>,
    /// Whether the CPU is online; offline CPUs cannot be pinned to.
    pub online: bool,
}

/// The host CPUs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostTopology {
    /// In any order.
    pub cpus: Vec<HostCpu>,
}

impl HostTopology {
    /// A regular host numbered the way Linux numbers CPUs: the first thread of every core
    /// first, then the second threads, so CPU `i` and `i + cores` are siblings.
    pub fn uniform(nodes: u32, sockets_per_node: u32, cores_per_socket: u32, threads: u32) -> Self {
        let cores = nodes * sockets_per_node * cores_per_socket;
        let mut cpus = Vec::new();
        for thread in 0..threads {
            for core_index in 0..cores {
                let socket = core_index / cores_per_socket;
                cpus.push(HostCpu {
                    id: thread * cores + core_index,
                    node: socket / sockets_per_node,
                    socket,
                    core: core_index % cores_per_socket,
                    siblings: (0..threads).map(|t| t * cores + core_index).collect(),
                    online: true,
                });
            }
        }
        HostTopology { cpus }
    }
}

/// What a row of the matrix pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A virtual CPU.
    Vcpu(u32),
    /// The emulator threads (`<emulatorpin>`).
    Emulator,
    /// An I/O thread by its id (`<iothreadpin>`).
    IoThread(u32),
}

impl RowKind {
    /// The row's name as the user reads it: "vCPU 2", "Emulator", "IOThread 1".
    pub fn label(&self) -> String {
        match self {
            RowKind::Vcpu(n) => gettext_f("vCPU {}", &[&n.to_string()]),
            RowKind::Emulator => gettext("Emulator"),
            RowKind::IoThread(n) => gettext_f("IOThread {}", &[&n.to_string()]),
        }
    }
}

/// A column: one host CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub cpu: u32,
    pub node: u32,
    pub socket: u32,
    pub core: u32,
    /// The lowest CPU number among the core's siblings: together with node, socket and
    /// core it tells cores apart even where core numbers repeat.
    pub core_key: u32,
    pub online: bool,
}

/// A run of adjacent columns sharing a node, a socket or a core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// The node or socket number (the first CPU's, for cores).
    pub key: u32,
    /// First column.
    pub start: usize,
    /// Number of columns.
    pub len: usize,
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum PinError {
    /// The text is not a cpuset.
    Parse(String),
    /// The host has no such CPU.
    NoSuchCpu(u32),
    /// The CPU is offline.
    OfflineCpu(u32),
    /// The host has no such NUMA node, or it has no online CPU.
    NoSuchNode(u32),
    /// There is no such row.
    NoSuchRow(usize),
}

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            PinError::Parse(e) => gettext_f("Not a CPU list: {}", &[e]),
            PinError::NoSuchCpu(c) => gettext_f("The host has no CPU {}", &[&c.to_string()]),
            PinError::OfflineCpu(c) => gettext_f("CPU {} is offline", &[&c.to_string()]),
            PinError::NoSuchNode(n) => {
                gettext_f("The host has no usable NUMA node {}", &[&n.to_string()])
            }
            PinError::NoSuchRow(r) => gettext_f("No row {}", &[&r.to_string()]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for PinError {}

/// Problems that keep a pinning from being applied, or deserve a warning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validation {
    /// Rows with no CPU at all: an error.
    pub empty: Vec<usize>,
    /// vCPU rows whose CPUs lie on more than one NUMA node: a warning.
    pub cross_numa: Vec<usize>,
}

impl Validation {
    /// Whether the pinning can be applied (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.empty.is_empty()
    }
}

/// The allowed CPUs of every row, and where each vCPU runs right now.
#[derive(Debug, Clone, PartialEq)]
pub struct PinningModel {
    columns: Vec<Column>,
    col_of_cpu: Vec<Option<usize>>,
    rows: Vec<RowKind>,
    cells: Vec<bool>,
    running: Vec<Option<usize>>,
}

impl Default for PinningModel {
    /// A matrix with no rows and no columns.
    fn default() -> Self {
        PinningModel::new(&HostTopology::default(), 0, false, &[])
    }
}

impl PinningModel {
    /// A matrix of `vcpus` vCPU rows, then an emulator row if asked, then one row per
    /// IOThread id; every row starts allowed on every online CPU (no pinning).
    pub fn new(topology: &HostTopology, vcpus: u32, emulator: bool, iothreads: &[u32]) -> Self {
        let mut columns: Vec<Column> = topology
            .cpus
            .iter()
            .map(|c| Column {
                cpu: c.id,
                node: c.node,
                socket: c.socket,
                core: c.core,
                core_key: c
                    .siblings
                    .iter()
                    .copied()
                    .chain([c.id])
                    .min()
                    .unwrap_or(c.id),
                online: c.online,
            })
            .collect();
        columns.sort_by_key(|c| (c.node, c.socket, c.core, c.core_key, c.cpu));
        columns.dedup_by_key(|c| c.cpu);
        let max_cpu = columns
            .iter()
            .map(|c| c.cpu as usize + 1)
            .max()
            .unwrap_or(0);
        let mut col_of_cpu = vec![None; max_cpu];
        for (i, c) in columns.iter().enumerate() {
            col_of_cpu[c.cpu as usize] = Some(i);
        }
        let mut rows: Vec<RowKind> = (0..vcpus).map(RowKind::Vcpu).collect();
        if emulator {
            rows.push(RowKind::Emulator);
        }
        rows.extend(iothreads.iter().map(|&id| RowKind::IoThread(id)));
        let row_cells: Vec<bool> = columns.iter().map(|c| c.online).collect();
        let cells = row_cells.repeat(rows.len());
        let running = vec![None; rows.len()];
        PinningModel {
            columns,
            col_of_cpu,
            rows,
            cells,
            running,
        }
    }

    /// The rows, vCPUs first.
    pub fn rows(&self) -> &[RowKind] {
        &self.rows
    }

    /// The columns, grouped by node, socket and core.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The row of `kind`.
    pub fn row_of(&self, kind: RowKind) -> Option<usize> {
        self.rows.iter().position(|&k| k == kind)
    }

    /// The column of host CPU `cpu`.
    pub fn column_of_cpu(&self, cpu: u32) -> Option<usize> {
        self.col_of_cpu.get(cpu as usize).copied().flatten()
    }

    /// Runs of columns on the same NUMA node.
    pub fn node_groups(&self) -> Vec<Group> {
        self.groups(|c| (c.node, 0, 0), |c| c.node)
    }

    /// Runs of columns in the same socket.
    pub fn socket_groups(&self) -> Vec<Group> {
        self.groups(|c| (c.node, c.socket, 0), |c| c.socket)
    }

    /// Runs of columns on the same core (SMT siblings).
    pub fn core_groups(&self) -> Vec<Group> {
        self.groups(|c| (c.node, c.socket, c.core_key + 1), |c| c.cpu)
    }

    fn groups(
        &self,
        same: impl Fn(&Column) -> (u32, u32, u32),
        key: impl Fn(&Column) -> u32,
    ) -> Vec<Group> {
        let mut out: Vec<Group> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            match out.last_mut() {
                Some(g) if same(&self.columns[g.start]) == same(c) => g.len += 1,
                _ => out.push(Group {
                    key: key(c),
                    start: i,
                    len: 1,
                }),
            }
        }
        out
    }

    /// Whether row `row` may run on column `col`.
    pub fn is_allowed(&self, row: usize, col: usize) -> bool {
        row < self.rows.len()
            && col < self.columns.len()
            && self.cells[row * self.columns.len() + col]
    }

    /// Allows or forbids one cell; offline CPUs cannot be allowed. Returns whether the cell
    /// changed.
    pub fn set(&mut self, row: usize, col: usize, allowed: bool) -> bool {
        let Some(column) = self.columns.get(col) else {
            return false;
        };
        if row >= self.rows.len() || (allowed && !column.online) {
            return false;
        }
        let cell = &mut self.cells[row * self.columns.len() + col];
        let changed = *cell != allowed;
        *cell = allowed;
        changed
    }

    /// Flips one cell; returns whether it changed.
    pub fn toggle(&mut self, row: usize, col: usize) -> bool {
        let v = !self.is_allowed(row, col);
        self.set(row, col, v)
    }

    /// Sets every cell in the rectangle; returns how many changed.
    pub fn fill(
        &mut self,
        rows: RangeInclusive<usize>,
        cols: RangeInclusive<usize>,
        allowed: bool,
    ) -> usize {
        let mut changed = 0;
        for r in rows {
            for c in cols.clone() {
                changed += usize::from(self.set(r, c, allowed));
            }
        }
        changed
    }

    /// Allows every online CPU of the row, or clears the row if all were allowed already.
    pub fn toggle_row(&mut self, row: usize) -> bool {
        let cols = 0..self.columns.len();
        let full = cols
            .clone()
            .all(|c| !self.columns[c].online || self.is_allowed(row, c));
        cols.fold(false, |ch, c| self.set(row, c, !full) | ch)
    }

    /// Allows the column for every row, or clears it if every row had it already.
    pub fn toggle_column(&mut self, col: usize) -> bool {
        let full = (0..self.rows.len()).all(|r| self.is_allowed(r, col));
        (0..self.rows.len()).fold(false, |ch, r| self.set(r, col, !full) | ch)
    }

    /// The CPUs row `row` may run on.
    pub fn cpuset(&self, row: usize) -> CpuSet {
        (0..self.columns.len())
            .filter(|&c| self.is_allowed(row, c))
            .map(|c| self.columns[c].cpu)
            .collect()
    }

    /// The row's CPUs in libvirt's syntax, such as `0-3,8`.
    pub fn cpuset_string(&self, row: usize) -> String {
        self.cpuset(row).to_string()
    }

    /// Replaces the row's CPUs. Every CPU must exist and be online.
    pub fn set_cpuset(&mut self, row: usize, set: &CpuSet) -> Result<(), PinError> {
        if row >= self.rows.len() {
            return Err(PinError::NoSuchRow(row));
        }
        for cpu in set.iter() {
            let col = self.column_of_cpu(cpu).ok_or(PinError::NoSuchCpu(cpu))?;
            if !self.columns[col].online {
                return Err(PinError::OfflineCpu(cpu));
            }
        }
        for c in 0..self.columns.len() {
            let cpu = self.columns[c].cpu;
            self.set(row, c, set.contains(cpu));
        }
        Ok(())
    }

    /// Replaces the row's CPUs from text such as `0-3,^2,8` (empty text: no CPU).
    pub fn set_cpuset_text(&mut self, row: usize, text: &str) -> Result<(), PinError> {
        let text = text.trim();
        // Empty text is an empty row, which validation then reports.
        let set: CpuSet = if text.is_empty() {
            CpuSet::new()
        } else {
            text.parse()
                .map_err(|e: virt_xml::Error| PinError::Parse(e.to_string()))?
        };
        self.set_cpuset(row, &set)
    }

    /// Marks the CPU a vCPU runs on right now (`None`: not running, or unknown).
    pub fn set_running_on(&mut self, row: usize, cpu: Option<u32>) {
        if let Some(slot) = self.running.get_mut(row) {
            *slot = cpu.and_then(|c| self.col_of_cpu.get(c as usize).copied().flatten());
        }
    }

    /// The column of the CPU the row runs on right now.
    pub fn running_on(&self, row: usize) -> Option<usize> {
        self.running.get(row).copied().flatten()
    }

    /// All cells, row by row (to restore after a preview).
    pub fn cells(&self) -> &[bool] {
        &self.cells
    }

    /// Puts back cells taken with [`cells`](Self::cells); ignored if the shape differs.
    pub fn restore_cells(&mut self, cells: &[bool]) {
        if cells.len() == self.cells.len() {
            self.cells.copy_from_slice(cells);
        }
    }

    fn vcpu_rows(&self) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&r| matches!(self.rows[r], RowKind::Vcpu(_)))
            .collect()
    }

    fn online_cpus(&self) -> Vec<u32> {
        let mut cpus: Vec<u32> = self
            .columns
            .iter()
            .filter(|c| c.online)
            .map(|c| c.cpu)
            .collect();
        cpus.sort_unstable();
        cpus
    }

    fn pin_rows_in_order(&mut self, order: &[usize], start: usize) {
        for (i, r) in self.vcpu_rows().into_iter().enumerate() {
            let col = order[(start + i) % order.len()];
            for c in 0..self.columns.len() {
                self.set(r, c, c == col);
            }
        }
    }

    /// Pins vCPU `i` to the `i`-th online CPU counting up from `start_cpu` (wrapping).
    pub fn one_to_one(&mut self, start_cpu: u32) -> Result<(), PinError> {
        let cpus = self.online_cpus();
        let start = cpus
            .iter()
            .position(|&c| c >= start_cpu)
            .ok_or(PinError::NoSuchCpu(start_cpu))?;
        let order: Vec<usize> = cpus.iter().filter_map(|&c| self.column_of_cpu(c)).collect();
        self.pin_rows_in_order(&order, start);
        Ok(())
    }

    /// Pins vCPU `i` to the `i`-th online CPU in column order from `start_cpu`'s core, so
    /// consecutive vCPUs land on SMT siblings of one core before the next core: what a guest
    /// with `threads='2'` expects.
    pub fn one_to_one_siblings(&mut self, start_cpu: u32) -> Result<(), PinError> {
        let start_col = self
            .column_of_cpu(start_cpu)
            .ok_or(PinError::NoSuchCpu(start_cpu))?;
        let core_start = self
            .core_groups()
            .into_iter()
            .find(|g| (g.start..g.start + g.len).contains(&start_col))
            .map_or(start_col, |g| g.start);
        let order: Vec<usize> = (0..self.columns.len())
            .filter(|&c| self.columns[c].online)
            .collect();
        let start = order.iter().position(|&c| c >= core_start).unwrap_or(0);
        if order.is_empty() {
            return Err(PinError::OfflineCpu(start_cpu));
        }
        self.pin_rows_in_order(&order, start);
        Ok(())
    }

    /// Lets every vCPU run on any online CPU of NUMA node `node`.
    pub fn spread_over_node(&mut self, node: u32) -> Result<(), PinError> {
        let cols: Vec<bool> = self
            .columns
            .iter()
            .map(|c| c.online && c.node == node)
            .collect();
        if !cols.contains(&true) {
            return Err(PinError::NoSuchNode(node));
        }
        for r in self.vcpu_rows() {
            for (c, &on) in cols.iter().enumerate() {
                self.set(r, c, on);
            }
        }
        Ok(())
    }

    /// Widens every vCPU's CPUs to whole cores: where one SMT sibling is allowed, all are.
    pub fn keep_siblings_together(&mut self) {
        let cores = self.core_groups();
        for r in self.vcpu_rows() {
            for g in &cores {
                let cols = g.start..g.start + g.len;
                if cols.clone().any(|c| self.is_allowed(r, c)) {
                    cols.for_each(|c| {
                        self.set(r, c, true);
                    });
                }
            }
        }
    }

    /// Removes all pinning: every row may run on every online CPU.
    pub fn float(&mut self) {
        for r in 0..self.rows.len() {
            for c in 0..self.columns.len() {
                self.set(r, c, true);
            }
        }
    }

    /// Gives every vCPU row the CPUs of row `from`.
    pub fn copy_row_to_all(&mut self, from: usize) -> Result<(), PinError> {
        if from >= self.rows.len() {
            return Err(PinError::NoSuchRow(from));
        }
        let n = self.columns.len();
        let src: Vec<bool> = self.cells[from * n..(from + 1) * n].to_vec();
        for r in self.vcpu_rows() {
            self.cells[r * n..(r + 1) * n].copy_from_slice(&src);
        }
        Ok(())
    }

    /// Rows without any CPU, and vCPUs spanning NUMA nodes.
    pub fn validate(&self) -> Validation {
        let mut v = Validation::default();
        for (r, kind) in self.rows.iter().enumerate() {
            let mut nodes = (0..self.columns.len())
                .filter(|&c| self.is_allowed(r, c))
                .map(|c| self.columns[c].node);
            match nodes.next() {
                None => v.empty.push(r),
                Some(first) => {
                    if matches!(kind, RowKind::Vcpu(_)) && nodes.any(|n| n != first) {
                        v.cross_numa.push(r);
                    }
                }
            }
        }
        v
    }
}

#[cfg(test)]
mod tests;
