//! Prints or defines the VM the new-VM wizard would make, from the same plan:
//!
//! ```text
//! cargo run --example newvm -- -c URI --name NAME --os OSINFO-ID [--memory MiB] [--vcpus N]
//!     [--disk GiB] [--pool POOL] [--iso PATH] [--network NAME|user|none]
//!     [--firmware bios|uefi|secure-boot] [--tpm|--no-tpm] [--virt-type kvm|qemu]
//!     [--cloud-image POOL/VOL --user NAME (--password PW | --ssh-key FILE.pub ...)
//!      [--hostname H]] [--print-xml]
//! ```
//!
//! With `--print-xml` it prints the domain XML and defines nothing; without it the VM and its
//! disk are created (defined, not started). With `--cloud-image` the disk is a new qcow2 overlay
//! on that volume (`--disk` GiB, else the image's size) and a NoCloud seed volume (`cidata`)
//! gives cloud-init the user, keys and host name; both are uploaded through libvirt, so remote
//! hosts work too.

use hangar::newvm::{self, Outcome};
use hangar::osinfo::OsDb;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", newvm::USAGE);
        return;
    }
    let code = match run(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("newvm: {e}");
            1
        }
    };
    std::process::exit(code);
}

fn run(args: &[String]) -> Result<(), String> {
    let args = newvm::parse_args(args)?;
    let db = OsDb::load_system().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    match rt.block_on(newvm::run(&args, &db))? {
        Outcome::Xml(xml) => print!("{xml}"),
        Outcome::Created(c) => println!("Defined {} ({})", c.name, c.uuid),
    }
    Ok(())
}
