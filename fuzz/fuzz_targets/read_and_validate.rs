//! Fuzz target: any bytes, read as a return and validated as `pmf validate`
//! does, must give issues, never a crash, an abort, a hang or a huge
//! allocation.
//!
//! The bytes go to one file in memory-backed /dev/shm (validation takes a
//! path). A panic inside a dependency (calamine, zip) is what production
//! turns into an F01 with `catch_unwind`, so it is allowed here too; a panic
//! in pmf's own code is a crash. Aborts (allocation failures), timeouts and
//! allocations over `-malloc_limit_mb` are caught by libFuzzer itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmf::ingest::Found;
use pmf::register::Register;
use pmf::schema::Schema;
use pmf::validate::{self, Options};
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::OnceLock;

const REGISTER: &[u8] = include_bytes!("../../tests/fixtures/schemes.csv");

struct Setup {
    schema: Schema,
    register: Register,
    path: PathBuf,
}

thread_local! {
    static PANIC_AT: RefCell<String> = const { RefCell::new(String::new()) };
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        // Replace libFuzzer's abort-on-panic hook: remember where it was.
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| l.file().to_string()).unwrap_or_default();
            PANIC_AT.with(|p| *p.borrow_mut() = at);
        }));
        let dir = if std::path::Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        Setup {
            schema: Schema::pmf1().expect("schema"),
            register: Register::from_csv("schemes.csv", REGISTER).expect("register"),
            path: dir.join(format!("pmf-fuzz-{}.xlsx", std::process::id())),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    if std::fs::write(&s.path, data).is_err() {
        return;
    }
    let found = Found { display: "fuzz.xlsx".into(), path: s.path.clone() };
    let opts = Options { keep_sheets: true, ..Options::default() };
    let run = std::panic::AssertUnwindSafe(|| {
        let c = validate::check_file(&found, &s.schema, &s.register, &opts);
        let mut all = vec![c];
        let _ = validate::finish(&mut all, &s.schema, &s.register);
        let _ = pmf::report::console::text(&all, &[], &mut std::io::sink());
        let _ = pmf::report::console::json(&all, &[], &mut std::io::sink());
    });
    if std::panic::catch_unwind(run).is_err() {
        let at = PANIC_AT.with(|p| p.borrow().clone());
        // Production catches a dependency's panic (F01); ours is a bug.
        if !at.contains("/.cargo/registry/") && !at.contains("/rustc/") {
            eprintln!("panic in pmf's own code at {at}");
            std::process::abort();
        }
    }
});
