//! `fuzz <target|all|decoders> [--minutes N | --seconds N] [--dir DIR] [--seed N]`,
//! `fuzz replay <target> FILE...`, `fuzz minimize <target> FILE [--out FILE] [--seconds N]`.
//! See the crate docs and README.md ("Tests").

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use fuzz::harness;

const USAGE: &str = "usage:
  fuzz <generator|nairi|moveworks|krosai|agentmessage|decoders|all> [--minutes N | --seconds N] [--dir DIR] [--seed N]
      fuzz for that long (default 1 minute per target), keeping the corpus and crashes under DIR/<target>/ (default target/fuzz)
  fuzz replay <target> FILE...        run saved inputs once, in this process
  fuzz minimize <target> FILE [--out FILE] [--seconds N]   shrink a panicking input";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("fuzz: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

struct Options {
    positional: Vec<String>,
    duration: Option<Duration>,
    dir: PathBuf,
    seed: Option<u64>,
    until_ms: Option<u64>,
    out: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options { positional: Vec::new(), duration: None, dir: fuzz::default_dir(), seed: None, until_ms: None, out: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |what: &str| it.next().cloned().ok_or_else(|| format!("{arg} needs {what}"));
        let number = |v: String| v.parse::<f64>().map_err(|_| format!("{arg}: not a number: {v}"));
        match arg.as_str() {
            "--minutes" => o.duration = Some(Duration::from_secs_f64(number(value("a number")?)? * 60.0)),
            "--seconds" => o.duration = Some(Duration::from_secs_f64(number(value("a number")?)?)),
            "--dir" => o.dir = PathBuf::from(value("a directory")?),
            "--out" => o.out = Some(PathBuf::from(value("a file")?)),
            "--seed" => o.seed = Some(value("a number")?.parse().map_err(|_| "--seed: not an integer".to_owned())?),
            "--until-ms" => o.until_ms = Some(value("a number")?.parse().map_err(|_| "--until-ms: not an integer".to_owned())?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => o.positional.push(arg.clone()),
        }
    }
    Ok(o)
}

fn target(name: &str) -> Result<Box<dyn fuzz::Target>, String> {
    fuzz::target(name).ok_or_else(|| format!("no target named {name}"))
}

/// Why the program stopped: a command line it cannot read (usage shown), or a failure while running.
enum Failure {
    Usage(String),
    Run(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Usage(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Usage(message.to_owned())
    }
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let o = options(args)?;
    let Some(command) = o.positional.first() else { return Err(Failure::Usage("no target given".into())) };
    match command.as_str() {
        "__worker" => {
            let name = o.positional.get(1).ok_or("__worker needs a target")?;
            let until = o.until_ms.ok_or("__worker needs --until-ms")?;
            harness::worker(target(name)?.as_ref(), &o.dir, until, o.seed.unwrap_or(0)).map_err(|e| Failure::Run(e.to_string()))?;
            Ok(ExitCode::SUCCESS)
        }
        "replay" => {
            let name = o.positional.get(1).ok_or("replay needs a target")?;
            let t = target(name)?;
            harness::quiet_panics();
            let mut failed = false;
            for file in &o.positional[2..] {
                let input = std::fs::read(file).map_err(|e| Failure::Run(format!("{file}: {e}")))?;
                match harness::replay(t.as_ref(), &input) {
                    Ok(_) => println!("{file}: ok"),
                    Err(message) => {
                        failed = true;
                        println!("{file}: {message}");
                    }
                }
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        "minimize" => {
            let name = o.positional.get(1).ok_or("minimize needs a target")?;
            let file = o.positional.get(2).ok_or("minimize needs a file")?;
            let input = std::fs::read(file).map_err(|e| Failure::Run(format!("{file}: {e}")))?;
            let t = target(name)?;
            let budget = o.duration.unwrap_or(Duration::from_secs(120));
            match harness::minimize(t.as_ref(), &input, budget) {
                None => {
                    println!("{file} does not panic");
                    Ok(ExitCode::FAILURE)
                }
                Some((smaller, message)) => {
                    let out = o.out.clone().unwrap_or_else(|| PathBuf::from(format!("{file}.min")));
                    std::fs::write(&out, &smaller).map_err(|e| Failure::Run(format!("{}: {e}", out.display())))?;
                    println!("{} bytes -> {} bytes, still: {message}\nwritten to {}", input.len(), smaller.len(), out.display());
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        group => {
            let names: Vec<&str> = match group {
                "all" => fuzz::ALL.to_vec(),
                "decoders" => fuzz::DECODERS.to_vec(),
                one => vec![one],
            };
            let exe = std::env::current_exe().map_err(|e| Failure::Run(format!("cannot find this program: {e}")))?;
            let duration = o.duration.unwrap_or(Duration::from_secs(60));
            let seed = o.seed.unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()));
            let mut crashes = 0;
            for name in names {
                let t = target(name)?;
                println!("fuzz {name}: {:.0} s, seed {seed}, files under {}", duration.as_secs_f64(), o.dir.join(name).display());
                let report = harness::supervise(&exe, t.as_ref(), &o.dir, duration, seed).map_err(|e| Failure::Run(format!("{name}: {e}")))?;
                println!("{report}");
                crashes += report.crashes.len();
            }
            Ok(if crashes == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}
