//! # `cpu-count`: how many processes can run in parallel here
//!
//! Ports seed 003, "How many maximum parallel processes can you execute?":
//! `multiprocessing.cpu_count()`.
//!
//! Processes run in parallel only as far as there are CPUs for them; beyond
//! that the operating system takes turns. Python's `cpu_count()` (and
//! `os.cpu_count()`) answers with the CPUs of the *machine*. Rust's
//! [`std::thread::available_parallelism`] answers with the CPUs *this
//! process may use*, which can be fewer:
//!
//! - **affinity**: a process can be pinned to some CPUs (`taskset -c 0`, a
//!   container's cpuset), and its children inherit the pinning;
//! - **a cgroup CPU quota**: a container limited to `--cpus 2` gets 200 ms of
//!   CPU time per 100 ms, on a machine of 64 CPUs. Its processes see 64
//!   CPUs, but more than two of them running at once only take turns.
//!
//! On Linux, `available_parallelism` takes the smaller of the two, a quota
//! counting in whole CPUs, rounded down (the run prints where each number
//! comes from); on other systems it asks the OS for the CPUs the process
//! may use. Python 3.13 added
//! `os.process_cpu_count()` for the affinity; neither version reads quotas.

use std::process::ExitCode;

use shared::cli::NoInstantArg;
use shared::{Failure, Options, println};

// ANCHOR: port
/// `multiprocessing.cpu_count()`, as the number of processes that can really
/// run at the same time here.
pub fn cpu_count() -> std::io::Result<usize> {
    Ok(std::thread::available_parallelism()?.get())
}
// ANCHOR_END: port

/// Flags of `cpu-count`.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Runs the example: the count, then where the limits come from.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse("it counts real CPUs, which no virtual clock changes") {
        return code;
    }
    shared::run_blocking(Options::new(), || {
        let count =
            cpu_count().map_err(|error| Failure::new(format!("cannot count the CPUs here: {error}")))?;
        println!("Processes that can run in parallel here: {count}");
        println!("(std::thread::available_parallelism: the CPUs this process may use, not the machine's)");
        println!();
        for line in limits::describe() {
            println!("{line}");
        }
        Ok(())
    })
}

/// Where the limits come from, as the system shows them.
pub mod limits {
    /// Lines that say what this system reports, or that it is not read here.
    pub fn describe() -> Vec<String> {
        if !cfg!(target_os = "linux") {
            return vec![
                "On this system Rust asks the OS for the CPUs this process may use;".into(),
                "the files that show affinity and CPU quotas are Linux's, so they are not read here.".into(),
            ];
        }
        let mut lines = vec!["What Linux reports:".to_string()];
        let online = read("/sys/devices/system/cpu/online");
        lines.push(format!(
            "  CPUs online in the machine:    {:>4}  (/sys/devices/system/cpu/online: {})",
            count_or_dash(online.as_deref().and_then(count_cpus)),
            online.as_deref().unwrap_or("not readable")
        ));
        let allowed = read("/proc/self/status").and_then(|status| field(&status, "Cpus_allowed_list:"));
        lines.push(format!(
            "  CPUs this process may run on:  {:>4}  (affinity, Cpus_allowed_list in /proc/self/status: {})",
            count_or_dash(allowed.as_deref().and_then(count_cpus)),
            allowed.as_deref().unwrap_or("not readable")
        ));
        let (quota, source) = match cgroup_quota() {
            Some(Quota { cpus, source }) => (format!("{cpus:.2}"), source),
            None => ("none".to_string(), "no CPU quota in this process's cgroups".to_string()),
        };
        lines.push(format!("  CPU quota of its cgroup:       {quota:>4}  ({source})"));
        lines.push(String::new());
        lines.push("available_parallelism is the smaller of the last two (a quota counts in whole".into());
        lines.push("CPUs, rounded down, at least one). Python's os.cpu_count() is the first one.".into());
        lines
    }

    fn read(path: &str) -> Option<String> {
        std::fs::read_to_string(path).ok().map(|text| text.trim().to_string())
    }

    fn field(text: &str, name: &str) -> Option<String> {
        text.lines().find_map(|line| line.strip_prefix(name)).map(|value| value.trim().to_string())
    }

    fn count_or_dash(count: Option<usize>) -> String {
        count.map_or_else(|| "?".to_string(), |count| count.to_string())
    }

    /// How many CPUs a Linux CPU list names: `0-3,8,10-11` is 7.
    pub fn count_cpus(list: &str) -> Option<usize> {
        let mut count = 0;
        for part in list.trim().split(',').filter(|part| !part.is_empty()) {
            count += match part.split_once('-') {
                Some((first, last)) => {
                    let (first, last): (usize, usize) = (first.parse().ok()?, last.parse().ok()?);
                    last.checked_sub(first)? + 1
                }
                None => {
                    part.parse::<usize>().ok()?;
                    1
                }
            };
        }
        (count > 0).then_some(count)
    }

    /// The tightest CPU quota found, as a number of CPUs, and the file it
    /// was read from.
    #[derive(Debug, PartialEq)]
    pub struct Quota {
        /// Quota ÷ period: `1.5` is 150 ms of CPU time per 100 ms.
        pub cpus: f64,
        /// The file.
        pub source: String,
    }

    /// The quota of this process's cgroup and the cgroups above it: `cpu.max`
    /// (cgroup v2) or `cpu.cfs_quota_us` and `cpu.cfs_period_us` (v1).
    fn cgroup_quota() -> Option<Quota> {
        let memberships = read("/proc/self/cgroup")?;
        let mut found: Vec<Quota> = Vec::new();
        for line in memberships.lines() {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let path = path.trim_start_matches('/');
            if controllers.is_empty() {
                // v2: one hierarchy, `cpu.max` holds "max 100000" or "150000 100000".
                for dir in ancestors("/sys/fs/cgroup", path) {
                    let file = format!("{dir}/cpu.max");
                    if let Some(text) = read(&file) {
                        let mut words = text.split_whitespace();
                        if let (Some(quota), Some(period)) = (words.next(), words.next()) {
                            found.extend(quota_of(quota, period, file));
                        }
                    }
                }
            } else if controllers.split(',').any(|controller| controller == "cpu") {
                // v1: the cpu controller's own hierarchy, quota -1 when none.
                for mount in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
                    for dir in ancestors(mount, path) {
                        let quota = read(&format!("{dir}/cpu.cfs_quota_us"));
                        let period = read(&format!("{dir}/cpu.cfs_period_us"));
                        if let (Some(quota), Some(period)) = (quota, period) {
                            found.extend(quota_of(&quota, &period, format!("{dir}/cpu.cfs_quota_us")));
                        }
                    }
                }
            }
        }
        found.into_iter().min_by(|a, b| a.cpus.total_cmp(&b.cpus))
    }

    /// `root/a/b`, `root/a`, `root`: a cgroup and the ones above it.
    fn ancestors(root: &str, path: &str) -> Vec<String> {
        let mut dirs = vec![root.to_string()];
        let mut dir = root.to_string();
        for part in path.split('/').filter(|part| !part.is_empty()) {
            dir = format!("{dir}/{part}");
            dirs.push(dir.clone());
        }
        dirs.reverse();
        dirs
    }

    fn quota_of(quota: &str, period: &str, source: String) -> Option<Quota> {
        let (quota, period): (f64, f64) = (quota.parse().ok()?, period.parse().ok()?);
        (quota > 0.0 && period > 0.0).then(|| Quota { cpus: quota / period, source })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn cpu_lists_are_counted_like_linux_writes_them() {
            assert_eq!(count_cpus("0-1"), Some(2));
            assert_eq!(count_cpus("0"), Some(1));
            assert_eq!(count_cpus("0-3,8,10-11\n"), Some(7));
            assert_eq!(count_cpus(""), None);
            assert_eq!(count_cpus("3-1"), None);
            assert_eq!(count_cpus("x"), None);
        }

        #[test]
        fn a_quota_of_max_or_minus_one_is_none() {
            assert_eq!(quota_of("max", "100000", "f".into()), None);
            assert_eq!(quota_of("-1", "100000", "f".into()), None);
            assert_eq!(
                quota_of("150000", "100000", "f".into()),
                Some(Quota { cpus: 1.5, source: "f".into() })
            );
        }

        #[test]
        fn ancestors_go_from_the_cgroup_up_to_the_root() {
            assert_eq!(ancestors("/r", "a/b"), ["/r/a/b", "/r/a", "/r"]);
            assert_eq!(ancestors("/r", ""), ["/r"]);
        }
    }
}
