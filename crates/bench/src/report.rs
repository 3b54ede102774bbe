//! Summaries of repetitions, the machine description line and the Markdown table.
#![forbid(unsafe_code)]
use crate::cases::Op;
use crate::run::Rep;

/// One table row: an operation at one size, summarised over its repetitions.
pub struct Row {
    /// The operation.
    pub op: Op,
    /// Rows of input.
    pub n: usize,
    /// Median wall time at party 0 (ms).
    pub time_ms: f64,
    /// Bytes sent by the busiest party (median over repetitions).
    pub bytes: u64,
    /// Rounds (median over repetitions).
    pub rounds: u64,
    /// Smallest and largest round count over repetitions (they differ for data-dependent
    /// protocols such as sort and selection).
    pub rounds_range: (u64, u64),
}

/// Median of a non-empty list (mean of the two middle values for an even count).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

impl Row {
    /// Summarises the repetitions of one case (at least one).
    pub fn new(op: Op, n: usize, reps: &[Rep]) -> Row {
        assert!(!reps.is_empty(), "no repetitions");
        let time_ms = median(reps.iter().map(|r| r.time.as_secs_f64() * 1e3).collect());
        let bytes = median(reps.iter().map(|r| r.bytes_sent_max as f64).collect()).round() as u64;
        let rounds = median(reps.iter().map(|r| r.rounds as f64).collect()).round() as u64;
        let lo = reps.iter().map(|r| r.rounds).min().unwrap_or(0);
        let hi = reps.iter().map(|r| r.rounds).max().unwrap_or(0);
        Row {
            op,
            n,
            time_ms,
            bytes,
            rounds,
            rounds_range: (lo, hi),
        }
    }

    fn cells(&self) -> [String; 6] {
        let rounds = if self.rounds_range.0 == self.rounds_range.1 {
            self.rounds.to_string()
        } else {
            format!(
                "{} ({}–{})",
                self.rounds, self.rounds_range.0, self.rounds_range.1
            )
        };
        [
            self.op.label().to_string(),
            thousands(self.n as u64),
            fmt_ms(self.time_ms),
            thousands(self.bytes),
            fmt_per_elem(self.bytes as f64 / self.n as f64),
            rounds,
        ]
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 1000.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

fn fmt_per_elem(b: f64) -> String {
    if b >= 10.0 {
        format!("{b:.1}")
    } else if b >= 0.01 {
        format!("{b:.3}")
    } else {
        format!("{b:.1e}")
    }
}

/// The Markdown table of `rows`.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "op",
        "n",
        "time (ms)",
        "bytes sent / party (max)",
        "bytes / element",
        "rounds",
    ];
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for r in rows {
        out.push_str(&format!("| {} |\n", r.cells().join(" | ")));
    }
    out
}

/// CPU model from `/proc/cpuinfo`, if readable.
fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
}

/// Current UTC time as `YYYY-MM-DD HH:MM UTC`, from the `date` command.
fn utc_now() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown date".into())
}

/// One line describing the machine and the run.
pub fn machine_line(reps: usize) -> String {
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "?".into());
    let cpu = cpu_model().unwrap_or_else(|| "unknown CPU".into());
    let profile = if cfg!(debug_assertions) {
        "debug build (numbers not meaningful)"
    } else {
        "release build"
    };
    format!(
        "Machine: nproc = {nproc}, CPU = {cpu}; date: {}; three parties as threads of one \
         process over TCP loopback; {profile}; time = median of {reps} run(s) at party 0.",
        utc_now()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formatting() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn row_summary() {
        let rep = |ms, rounds| Rep {
            time: Duration::from_millis(ms),
            bytes_sent_max: 800,
            rounds,
        };
        let r = Row::new(Op::Sort, 100, &[rep(30, 9), rep(10, 11), rep(20, 10)]);
        assert_eq!(r.time_ms, 20.0);
        assert_eq!(r.rounds, 10);
        assert_eq!(r.cells()[5], "10 (9–11)");
        assert_eq!(r.cells()[4], "8.000");
    }
}
