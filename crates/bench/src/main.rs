//! `mpc-bench`: engine micro-benchmarks. Runs three parties over TCP loopback and reports, per
//! operation and input size, the wall time at party 0, the bytes sent by the busiest party and
//! the number of communication rounds, as a Markdown table. Every measured result is revealed
//! afterwards and checked against a plaintext computation; a wrong result aborts the run.
//!
//! ```text
//! mpc-bench [--sizes 48,10000,1000000] [--ops mul,lt,...] [--reps R] [--write-md PATH]
//! ```
#![forbid(unsafe_code)]

mod cases;
mod report;
mod run;

use cases::{Case, Op};
use clap::Parser;
use report::Row;
use std::path::PathBuf;
use std::process::ExitCode;

const DEFAULT_SIZES: [usize; 3] = [48, 10_000, 1_000_000];

/// Engine micro-benchmarks: three parties over TCP loopback; time, bytes and rounds per
/// operation and input size, printed as a Markdown table.
#[derive(Parser, Debug)]
#[command(name = "mpc-bench")]
struct Args {
    /// Input sizes, comma-separated (`1e6` and `1_000_000` are accepted)
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', value_parser = parse_size,
          default_values_t = DEFAULT_SIZES)]
    sizes: Vec<usize>,

    /// Operations to run, comma-separated (names or aliases such as `sum`, `kth`)
    #[arg(long, value_name = "OP,OP,...", value_delimiter = ',', value_parser = parse_op,
          default_values_t = Op::ALL)]
    ops: Vec<Op>,

    /// Repetitions per operation; the median time is reported
    #[arg(long, value_name = "R", default_value_t = 1, value_parser = parse_reps)]
    reps: usize,

    /// Also write the machine line and the table to PATH (Markdown)
    #[arg(long, value_name = "PATH")]
    write_md: Option<PathBuf>,
}

/// One input size: a positive integer, `_` separators and `1e6`-style exponents accepted.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim().replace('_', "");
    let v = if t.contains(['e', 'E']) {
        let f: f64 = t.parse().map_err(|_| format!("bad size {s:?}"))?;
        if f.fract() != 0.0 || !(1.0..=1e12).contains(&f) {
            return Err(format!("bad size {s:?}"));
        }
        f as usize
    } else {
        t.parse().map_err(|_| format!("bad size {s:?}"))?
    };
    if v == 0 {
        return Err("sizes must be at least 1".into());
    }
    Ok(v)
}

/// A repetition count (at least 1).
fn parse_reps(s: &str) -> Result<usize, String> {
    match s.trim().parse() {
        Ok(0) => Err("the repetition count must be at least 1".into()),
        Ok(r) => Ok(r),
        Err(_) => Err(format!("bad repetition count {s:?}")),
    }
}

/// One operation name (or alias, see [`Op::parse`]).
fn parse_op(s: &str) -> Result<Op, String> {
    Op::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Op::ALL.iter().map(|o| o.name()).collect();
        format!("unknown op {s:?} (valid: {})", names.join(", "))
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let machine = report::machine_line(args.reps);
    eprintln!("{machine}");
    let mut rows = Vec::new();
    for &n in &args.sizes {
        for &op in &args.ops {
            eprint!(
                "{:>10} n = {:>9} ... ",
                op.name(),
                report::thousands(n as u64)
            );
            let case = Case::new(op, n);
            let reps = match run::run_case(&case, args.reps) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("FAILED");
                    panic!("benchmark failed: {e}");
                }
            };
            let row = Row::new(op, n, &reps);
            let times: Vec<String> = reps
                .iter()
                .map(|r| report::fmt_ms(r.time.as_secs_f64() * 1e3))
                .collect();
            eprintln!(
                "{} ms, {} bytes, {} rounds (correct; times of the runs: {} ms)",
                report::fmt_ms(row.time_ms),
                report::thousands(row.bytes),
                row.rounds,
                times.join(", ")
            );
            rows.push(row);
        }
    }
    let table = report::table(&rows);
    let note = "Times exclude data generation, dealing, the start barrier and the correctness \
                check (the result is revealed and compared with plaintext after measuring); \
                only `freq` includes the reveal of its counts. Bytes include the 8-byte \
                per-message header. Sort and median do data-dependent work (sample-sort depth \
                after a random shuffle): their bytes and rounds are medians over the runs, \
                with the range of rounds in parentheses.";
    println!("{machine}\n\n{table}\n{note}");
    if let Some(path) = &args.write_md {
        let md = format!("{machine}\n\n{table}\n{note}\n");
        if let Err(e) = std::fs::write(path, md) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(s: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("mpc-bench").chain(s.iter().copied()))
    }

    #[test]
    fn cli_definition() {
        Args::command().debug_assert();
    }

    #[test]
    fn flags() {
        let a = parse(&["--sizes", "48,1e4,1_000", "--ops=mul,lt", "--reps", "3"]).unwrap();
        assert_eq!(a.sizes, vec![48, 10_000, 1000]);
        assert_eq!(a.ops, vec![Op::Mul, Op::Lt]);
        assert_eq!(a.reps, 3);
        assert!(a.write_md.is_none());
        let d = parse(&["--write-md", "x.md"]).unwrap();
        assert_eq!(d.sizes, DEFAULT_SIZES.to_vec());
        assert_eq!(d.ops, Op::ALL.to_vec());
        assert_eq!(d.reps, 1);
        assert_eq!(d.write_md, Some(PathBuf::from("x.md")));
        assert_eq!(
            parse(&["--ops", "sum,Select-Kth"]).unwrap().ops,
            [Op::MaskedSum, Op::Median]
        );
        assert!(parse(&["--reps", "0"]).is_err());
        let e = parse(&["--ops", "bogus"]).unwrap_err().to_string();
        assert!(e.contains("bogus") && e.contains("masked_sum"), "{e}");
        assert!(parse(&["--sizes"]).is_err());
        assert!(parse(&["--sizes", "0"]).is_err());
        assert!(parse(&["--sizes", "48,0"]).is_err());
        assert!(parse(&["extra"]).is_err());
        let h = parse(&["--help"]).unwrap_err();
        assert_eq!(h.kind(), clap::error::ErrorKind::DisplayHelp);
    }
}
