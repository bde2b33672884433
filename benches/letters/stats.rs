//! Percentiles, the machine, and this process's memory.

use std::time::Duration;

/// Times in milliseconds, sorted.
#[derive(Debug, Clone, Default)]
pub struct Sample(Vec<f64>);

impl Sample {
    pub fn from_durations(d: &[Duration]) -> Sample {
        Sample::from_ms(d.iter().map(|d| d.as_secs_f64() * 1e3).collect())
    }

    pub fn from_ms(mut v: Vec<f64>) -> Sample {
        v.sort_by(f64::total_cmp);
        Sample(v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `p`-th percentile (0..=100), nearest rank.
    pub fn pct(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    pub fn median(&self) -> f64 {
        self.pct(50.0)
    }

    pub fn p99(&self) -> f64 {
        self.pct(99.0)
    }
}

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`).
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// The machine, one line each: cores, CPU, memory, OS, toolchain.
pub fn machine() -> Vec<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let mhz = cpuinfo.lines().find_map(|l| {
        l.strip_prefix("cpu MHz")?
            .split_once(':')
            .map(|(_, v)| v.trim().to_string())
    });
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0);
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = command_line("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into());
    let commit = command_line(
        "git",
        &[
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    )
    .unwrap_or_else(|| "not a git checkout".into());
    vec![
        format!(
            "cores: {cores} ({model}{})",
            mhz.map(|m| format!(", {m} MHz")).unwrap_or_default()
        ),
        format!("memory: {:.1} GiB", mem_kb as f64 / 1024.0 / 1024.0),
        format!("system: {os}, Linux {kernel}"),
        format!("build: {rustc}, release profile; typst 0.15.1 as a library; source {commit}"),
    ]
}

/// The first line a command prints, if it runs.
pub fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|s| s.trim().to_string())
}

/// CPU time of the whole machine and of this process (its waited-for children
/// included), to tell how much of the machine other processes took meanwhile.
pub struct CpuWatch {
    busy: u64,
    total: u64,
    own: u64,
}

fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let get = |i: usize| v.get(i).copied().unwrap_or(0);
    let idle = get(3) + get(4);
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    (busy, busy + idle)
}

/// CPU time this thread has used (user + system), seconds; 10 ms resolution.
pub fn thread_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

fn own_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis: utime is the 12th, then
    // stime, cutime, cstime.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|x| x.parse::<u64>().ok())
        .sum()
}

impl CpuWatch {
    pub fn start() -> CpuWatch {
        let (busy, total) = machine_ticks();
        CpuWatch {
            busy,
            total,
            own: own_ticks(),
        }
    }

    /// The share of the machine's CPU (all cores) that other processes used
    /// since `start`, in percent.
    pub fn others_pct(&self) -> f64 {
        let (busy, total) = machine_ticks();
        let own = own_ticks();
        let others = (busy - self.busy).saturating_sub(own - self.own);
        100.0 * others as f64 / (total - self.total).max(1) as f64
    }
}
