//! Run one command and measure it, for the benchmark (issue 4): prints
//! `WALL_SECONDS PEAK_KB EXIT_CODE` on stderr; the command's own output
//! goes to stdout, its stderr nowhere.
//!
//! `cargo run --release --example peak -- COMMAND [ARGS...]`
//!
//! Why not measure from Python: Linux counts a process's peak memory
//! across `exec`, from the memory it had when it was forked. A command
//! started by the benchmark's Python reported Python's size as its peak
//! whenever it was smaller (the floor "peaked" at 27 and 60 MB, Python's
//! size holding earlier runs' output, against its own 5 and 7 MB). Started
//! from this small program, a command's peak is its own, give or take this
//! program's few megabytes.

#[cfg(target_os = "linux")]
fn main() {
    use std::process::{Command, Stdio};
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((program, rest)) = args.split_first() else {
        eprintln!("usage: peak COMMAND [ARGS...]");
        std::process::exit(2);
    };
    let start = std::time::Instant::now();
    let child = match Command::new(program).args(rest).stderr(Stdio::null()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("peak: cannot run {program}: {e}");
            std::process::exit(2);
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value of this plain C struct;
    // wait4 writes only into `status` and `usage`, which outlive the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    if waited != pid {
        eprintln!("peak: cannot wait for {program}: {}", std::io::Error::last_os_error());
        std::process::exit(2);
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    // ru_maxrss is in kilobytes on Linux.
    eprintln!("{wall:.6} {} {code}", usage.ru_maxrss);
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("peak: measures peak memory on Linux only");
    std::process::exit(2);
}
