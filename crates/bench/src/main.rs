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
use report::Row;
use std::process::ExitCode;

const DEFAULT_SIZES: [usize; 3] = [48, 10_000, 1_000_000];

/// Command-line options.
struct Args {
    sizes: Vec<usize>,
    ops: Vec<Op>,
    reps: usize,
    write_md: Option<String>,
}

fn usage() -> String {
    let ops: Vec<&str> = Op::ALL.iter().map(|o| o.name()).collect();
    format!(
        "usage: mpc-bench [--sizes N,N,...] [--ops OP,OP,...] [--reps R] [--write-md PATH]\n\
         \n\
         --sizes     input sizes (default 48,10000,1000000; 1e6 and 1_000_000 are accepted)\n\
         --ops       operations to run, from: {} (default: all)\n\
         --reps      repetitions per operation; the median time is reported (default 1)\n\
         --write-md  also write the machine line and the table to PATH (Markdown)\n",
        ops.join(", ")
    )
}

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

fn parse_args(argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        sizes: DEFAULT_SIZES.to_vec(),
        ops: Op::ALL.to_vec(),
        reps: 1,
        write_md: None,
    };
    let mut it = argv.peekable();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--sizes" => {
                args.sizes = value()?
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(parse_size)
                    .collect::<Result<_, _>>()?;
            }
            "--ops" => {
                args.ops = value()?
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Op::parse(s).ok_or_else(|| format!("unknown op {s:?}")))
                    .collect::<Result<_, _>>()?;
            }
            "--reps" => {
                let v = value()?;
                args.reps = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|&r| r >= 1)
                    .ok_or_else(|| format!("bad repetition count {v:?}"))?;
            }
            "--write-md" => args.write_md = Some(value()?),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if args.sizes.is_empty() || args.ops.is_empty() {
        return Err("nothing to run: empty --sizes or --ops".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                print!("{}", usage());
                return ExitCode::SUCCESS;
            }
            eprint!("error: {e}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
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
                per-message header. Sort and median do data-dependent work (quicksort depth \
                after a random shuffle): their bytes and rounds are medians over the runs, \
                with the range of rounds in parentheses.";
    println!("{machine}\n\n{table}\n{note}");
    if let Some(path) = &args.write_md {
        let md = format!("{machine}\n\n{table}\n{note}\n");
        if let Err(e) = std::fs::write(path, md) {
            eprintln!("error: writing {path}: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {path}");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[&str]) -> Result<Args, String> {
        parse_args(s.iter().map(|a| a.to_string()))
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
        assert_eq!(d.ops.len(), Op::ALL.len());
        assert_eq!(d.write_md.as_deref(), Some("x.md"));
        assert!(parse(&["--reps", "0"]).is_err());
        assert!(parse(&["--ops", "bogus"]).is_err());
        assert!(parse(&["--sizes"]).is_err());
        assert!(parse(&["--sizes", "0"]).is_err());
        assert!(parse(&["extra"]).is_err());
    }
}
