//! The fuzzing loop, and the supervisor that keeps it honest.
//!
//! A [`Target`] makes inputs (mutating its corpus) and runs them; a bug is a
//! panic in [`Target::run`] (a property a target checks fails by panicking too).
//!
//! `run` (the supervisor) re-executes this binary as a worker child process
//! (`fuzz __worker …`) and restarts it until the time is up. The worker:
//!
//! - writes each input to `<dir>/<target>/current` before running it, so an
//!   input that kills the process (a stack overflow, an abort) is still on disk;
//! - runs the inputs on a thread with a big but bounded stack, each under
//!   `catch_unwind`: a panic is saved to `crashes/` with its message, and the
//!   loop goes on;
//! - has a watchdog (its main thread) that saves the input as a hang and exits
//!   when one input has used more than the target's timeout of CPU time (or
//!   six times that of wall-clock time), or added more than [`MEMORY_LIMIT`] of memory;
//! - keeps an input that shows a new feature (a diagnostic, an error kind, an
//!   outcome no earlier input had) in `corpus/`, which the next run starts from.
//!
//! When the child dies of a signal or an abort, the supervisor moves
//! `current` to `crashes/` and starts a new child with the next seed.

use std::any::Any;
use std::collections::HashSet;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Exit status of a worker whose watchdog caught a hang (or ran out of memory).
pub const HANG_EXIT: i32 = 75;
/// Exit status of a worker that asks for a fresh process (no finding).
pub const RESTART_EXIT: i32 = 76;
/// Exit status of a worker that stopped on a bug of the fuzzer (not of the code under test).
pub const FUZZER_BUG_EXIT: i32 = 2;
/// Memory one input may add to the worker's before it counts as a crash (and
/// what the worker may hold between inputs before it is restarted).
pub const MEMORY_LIMIT: u64 = 4 << 30;
/// Stack of the thread that runs the inputs.
pub const WORKER_STACK: usize = 1 << 30;

/// One corpus entry: the input, and whatever the target derived from it once.
pub struct Entry {
    pub bytes: Vec<u8>,
    cache: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl Entry {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, cache: OnceLock::new() }
    }

    /// The target's parse of this entry, computed on first use.
    pub fn cached<T: Any + Send + Sync>(&self, make: impl FnOnce(&[u8]) -> T) -> &T {
        self.cache
            .get_or_init(|| Box::new(make(&self.bytes)))
            .downcast_ref::<T>()
            .expect("one target uses one cache type for its corpus")
    }
}

/// Something to fuzz.
pub trait Target: Send + Sync {
    /// The name on the command line and of the directory under `target/fuzz/`.
    fn name(&self) -> &'static str;
    /// The inputs a corpus starts from (real specs, seed pages).
    fn seeds(&self) -> Vec<Vec<u8>>;
    /// The next input: a mutation of corpus entries, or something new.
    fn generate(&self, rng: &mut fastrand::Rng, corpus: &[Entry]) -> Vec<u8>;
    /// Runs one input. Panics on a bug; otherwise returns the input's features
    /// (hashes of what it made the code under test do), for the corpus.
    fn run(&self, input: &[u8]) -> Vec<u64>;
    /// CPU time one input may take before it counts as a hang.
    fn timeout(&self) -> Duration {
        Duration::from_secs(10)
    }
    /// File extension of saved inputs.
    fn extension(&self) -> &'static str {
        "bin"
    }
    /// Smaller variants of a crashing input, tried by `minimize`, most promising first.
    fn shrink(&self, input: &[u8]) -> Vec<Vec<u8>> {
        shrink_bytes(input)
    }
}

/// Candidates with one chunk of bytes (halves down to single lines) removed.
pub fn shrink_bytes(input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = input.len() / 2;
    while chunk >= 1 {
        let mut start = 0;
        while start < input.len() {
            let end = (start + chunk).min(input.len());
            let mut candidate = input[..start].to_vec();
            candidate.extend_from_slice(&input[end..]);
            out.push(candidate);
            start = end;
        }
        if out.len() > 4000 {
            break;
        }
        chunk /= 2;
    }
    out
}

/// Stable hash of anything hashable (SipHash with fixed keys).
pub fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What a fuzzing run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub target: String,
    pub inputs: u64,
    pub elapsed: Duration,
    /// Crashing inputs saved during this run (panics, aborts, hangs).
    pub crashes: Vec<PathBuf>,
    /// Corpus size at the end.
    pub corpus: usize,
    /// Worker processes started (1 + one per abort or hang).
    pub workers: u32,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.inputs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} inputs in {:.1} s ({:.1}/s), {} crashes, corpus {}, {} worker process(es)",
            self.target,
            self.inputs,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.crashes.len(),
            self.corpus,
            self.workers
        )?;
        for crash in &self.crashes {
            write!(f, "\n  crash: {}", crash.display())?;
        }
        Ok(())
    }
}

/// Where a target keeps its files.
pub struct Dirs {
    pub root: PathBuf,
    pub corpus: PathBuf,
    pub crashes: PathBuf,
    pub current: PathBuf,
}

impl Dirs {
    pub fn new(base: &Path, target: &str) -> std::io::Result<Self> {
        let root = base.join(target);
        let dirs = Self { corpus: root.join("corpus"), crashes: root.join("crashes"), current: root.join("current"), root };
        fs::create_dir_all(&dirs.corpus)?;
        fs::create_dir_all(&dirs.crashes)?;
        Ok(dirs)
    }

    fn crash_files(&self) -> HashSet<PathBuf> {
        fs::read_dir(&self.crashes)
            .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_none_or(|e| e != "txt")).collect())
            .unwrap_or_default()
    }

    /// Saves a crashing input as `crashes/<kind>-<hash>.<ext>` with `<same>.txt` beside it saying what happened.
    pub fn save_crash(&self, kind: &str, ext: &str, input: &[u8], what: &str) -> std::io::Result<PathBuf> {
        let stem = format!("{kind}-{:016x}", hash_of(input));
        let path = self.crashes.join(format!("{stem}.{ext}"));
        fs::write(&path, input)?;
        fs::write(self.crashes.join(format!("{stem}.txt")), format!("{what}\n"))?;
        Ok(path)
    }
}

fn unix_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Fuzzes `target` for `duration` under a supervisor: the worker runs in a
/// child process started from `exe` (this binary), restarted after a crash that
/// ends it. Files go under `base/<target>/`.
pub fn supervise(exe: &Path, target: &dyn Target, base: &Path, duration: Duration, seed: u64) -> std::io::Result<Report> {
    let dirs = Dirs::new(base, target.name())?;
    let before = dirs.crash_files();
    let start = Instant::now();
    let deadline = unix_millis() + duration.as_millis() as u64;
    let mut report = Report { target: target.name().to_owned(), ..Report::default() };
    // A child that prints nothing for this long is stuck where its own watchdog cannot see.
    let silence = target.timeout() * 6 + Duration::from_secs(30);
    let mut reported = HashSet::new();
    while unix_millis() < deadline && report.workers < 200 {
        report.workers += 1;
        let mut child = Command::new(exe)
            .args(["__worker", target.name(), "--dir"])
            .arg(base)
            .args(["--until-ms", &deadline.to_string(), "--seed", &(seed.wrapping_add(u64::from(report.workers) - 1)).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut inputs, mut corpus) = (0, 0);
        let mut stuck = false;
        loop {
            match rx.recv_timeout(silence) {
                Ok(line) => {
                    let mut words = line.split_whitespace();
                    if let (Some("progress" | "done"), Some(n), Some(c)) = (words.next(), words.next(), words.next()) {
                        inputs = n.parse().unwrap_or(inputs);
                        corpus = c.parse().unwrap_or(corpus);
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    stuck = true;
                    // Our own child, by its handle.
                    let _ = child.kill();
                    break;
                }
            }
        }
        let status = child.wait()?;
        let _ = reader.join();
        report.inputs += inputs;
        report.corpus = corpus;
        if status.code() == Some(FUZZER_BUG_EXIT) {
            return Err(std::io::Error::other(format!("the {} worker stopped on a bug of the fuzzer itself (see its messages)", target.name())));
        }
        let died = stuck || !status.success() && !matches!(status.code(), Some(HANG_EXIT | RESTART_EXIT));
        if died {
            let input = fs::read(&dirs.current).unwrap_or_default();
            let what = if stuck { format!("the worker printed nothing for {silence:?}: a hang its watchdog missed") } else { format!("the worker died: {status}") };
            let saved = dirs.save_crash(if stuck { "hang" } else { "abort" }, target.extension(), &input, &what)?;
            if reported.insert(saved.clone()) {
                eprintln!("fuzz {}: {what}; input saved to {}", target.name(), saved.display());
            }
        }
    }
    report.elapsed = start.elapsed();
    let mut crashes: Vec<PathBuf> = dirs.crash_files().difference(&before).cloned().collect();
    crashes.sort();
    report.crashes = crashes;
    Ok(report)
}

/// The last panic's message and place, recorded by the hook the worker installs:
/// per thread, and process-wide for a panic on another thread that reaches the
/// caller through `resume_unwind` (which runs no hook), as the generator's do.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

thread_local! {
    static THIS_THREAD_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Replaces the panic hook with one that records the message (with its
/// location) instead of printing it, for [`catch`].
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_owned());
        let place = info.location().map_or_else(String::new, |l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        let text = format!("panicked at {place}: {message}");
        THIS_THREAD_PANIC.with(|slot| *slot.borrow_mut() = Some(text.clone()));
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(text);
        }
    }));
}

/// Runs `f`, returning its value or the message of its panic.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    THIS_THREAD_PANIC.with(|slot| *slot.borrow_mut() = None);
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        THIS_THREAD_PANIC
            .with(|slot| slot.borrow_mut().take())
            .or_else(|| LAST_PANIC.lock().ok().and_then(|mut last| last.take()))
            .unwrap_or_else(|| "panicked (no message recorded)".to_owned())
    })
}

/// The place of a panic message ("panicked at file:line:col"), which identifies one bug.
pub fn panic_place(message: &str) -> &str {
    message.split(": ").next().unwrap_or(message)
}

/// Runs `f` on a thread with [`WORKER_STACK`] of stack.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, f)
            .expect("spawning the fuzz worker thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// CPU time of this process (all threads), from `/proc/self/stat`; `None` off Linux.
fn process_cpu() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5) (utime, stime), counted from `state` (field 3).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux the kernel ABI allows.
    Some(Duration::from_millis(ticks * 10))
}

fn resident_bytes() -> Option<u64> {
    let statm = fs::read_to_string("/proc/self/statm").ok()?;
    statm.split_whitespace().nth(1)?.parse::<u64>().ok().map(|pages| pages * 4096)
}

/// What the watchdog watches.
struct Running {
    /// The input now running started this many ms after `epoch` (0: none running).
    started_ms: AtomicU64,
    /// Process CPU time (ms) when it started.
    cpu_ms: AtomicU64,
    /// Resident memory (bytes) when it started: what the input adds is what counts.
    rss_at_start: AtomicU64,
    inputs: AtomicU64,
    corpus: AtomicU64,
    finished: AtomicBool,
}

/// The worker: fuzzes `target` until `until_ms` (Unix time), in this process.
/// Exits the process with [`HANG_EXIT`] when the watchdog finds a hang.
pub fn worker(target: &dyn Target, base: &Path, until_ms: u64, seed: u64) -> std::io::Result<()> {
    let dirs = Dirs::new(base, target.name())?;
    quiet_panics();
    let mut corpus: Vec<Entry> = target.seeds().into_iter().map(Entry::new).collect();
    // The features seen so far, kept across runs; the seeds are run first only
    // on a fresh directory (a corpus entry was kept for a feature already listed).
    let features_path = dirs.root.join("features");
    let known: HashSet<u64> = fs::read_to_string(&features_path)
        .map(|text| text.lines().filter_map(|l| u64::from_str_radix(l, 16).ok()).collect())
        .unwrap_or_default();
    let seeds_to_run = if features_path.exists() { 0 } else { corpus.len() };
    let mut features_file = fs::OpenOptions::new().create(true).append(true).open(&features_path)?;
    let mut saved = Vec::new();
    for entry in fs::read_dir(&dirs.corpus)?.flatten() {
        saved.push(entry.path());
    }
    saved.sort();
    for path in saved {
        if let Ok(bytes) = fs::read(&path) {
            corpus.push(Entry::new(bytes));
        }
    }
    let current = fs::OpenOptions::new().create(true).truncate(true).write(true).read(true).open(&dirs.current)?;
    let epoch = Instant::now();
    let state = Arc::new(Running {
        started_ms: AtomicU64::new(0),
        cpu_ms: AtomicU64::new(0),
        rss_at_start: AtomicU64::new(0),
        inputs: AtomicU64::new(0),
        corpus: AtomicU64::new(corpus.len() as u64),
        finished: AtomicBool::new(false),
    });
    let timeout = target.timeout();
    std::thread::scope(|scope| -> std::io::Result<()> {
        let worker_state = Arc::clone(&state);
        let dirs = &dirs;
        let current = &current;
        let fuzzing = std::thread::Builder::new().name("fuzz-worker".into()).stack_size(WORKER_STACK).spawn_scoped(scope, move || {
            let state = worker_state;
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut features = known;
            let mut places: HashSet<String> = HashSet::new();
            let mut replay = 0;
            while unix_millis() < until_ms {
                let from_seed = replay < seeds_to_run;
                let input = if from_seed {
                    replay += 1;
                    corpus[replay - 1].bytes.clone()
                } else {
                    match catch(|| target.generate(&mut rng, &corpus)) {
                        Ok(input) => input,
                        Err(message) => {
                            // A bug of the fuzzer itself: say so and stop, not a finding.
                            eprintln!("fuzz {}: the input generator panicked: {message}", target.name());
                            std::process::exit(FUZZER_BUG_EXIT);
                        }
                    }
                };
                let _ = current.set_len(0);
                let _ = current.write_all_at(&input, 0);
                state.cpu_ms.store(process_cpu().map_or(0, |d| d.as_millis() as u64), Ordering::SeqCst);
                state.rss_at_start.store(resident_bytes().unwrap_or(0), Ordering::SeqCst);
                state.started_ms.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
                let outcome = catch(|| target.run(&input));
                state.started_ms.store(0, Ordering::SeqCst);
                state.inputs.fetch_add(1, Ordering::Relaxed);
                match outcome {
                    Ok(found) => {
                        let mut new = false;
                        for feature in found {
                            if features.insert(feature) {
                                new = true;
                                let _ = writeln!(features_file, "{feature:016x}");
                            }
                        }
                        if new && !from_seed && input.len() <= 1 << 20 {
                            let path = dirs.corpus.join(format!("{:016x}.{}", hash_of(&input), target.extension()));
                            let _ = fs::write(path, &input);
                            corpus.push(Entry::new(input));
                            state.corpus.store(corpus.len() as u64, Ordering::Relaxed);
                        }
                    }
                    Err(message) => {
                        if places.insert(panic_place(&message).to_owned()) {
                            match dirs.save_crash("panic", target.extension(), &input, &message) {
                                Ok(path) => eprintln!("fuzz {}: {message}\n  input saved to {}", target.name(), path.display()),
                                Err(e) => eprintln!("fuzz {}: {message}\n  (could not save the input: {e})", target.name()),
                            }
                        }
                    }
                }
            }
            state.finished.store(true, Ordering::SeqCst);
        })?;
        let mut last_report = Instant::now();
        let mut out = std::io::stdout();
        while !state.finished.load(Ordering::SeqCst) && !fuzzing.is_finished() {
            std::thread::sleep(Duration::from_millis(50));
            let started = state.started_ms.load(Ordering::SeqCst);
            if started == 0 && resident_bytes().unwrap_or(0) > MEMORY_LIMIT {
                // Between inputs (memory the allocator kept from a big input, or the
                // input generator's): not a finding; a fresh worker starts clean.
                let _ = writeln!(out, "done {} {}", state.inputs.load(Ordering::SeqCst), state.corpus.load(Ordering::SeqCst));
                let _ = out.flush();
                eprintln!("fuzz {}: the worker holds over {} MiB between inputs; restarting it", target.name(), MEMORY_LIMIT >> 20);
                std::process::exit(RESTART_EXIT);
            }
            if started != 0 {
                let wall = Duration::from_millis((epoch.elapsed().as_millis() as u64).saturating_sub(started - 1));
                let cpu = process_cpu().map(|now| now.saturating_sub(Duration::from_millis(state.cpu_ms.load(Ordering::SeqCst))));
                let memory = resident_bytes().unwrap_or(0).saturating_sub(state.rss_at_start.load(Ordering::SeqCst));
                let hung = cpu.is_some_and(|cpu| cpu > timeout) || wall > timeout * 6;
                if hung || memory > MEMORY_LIMIT {
                    // The worker thread is stuck in the input: what `current` holds is it.
                    let input = fs::read(&dirs.current).unwrap_or_default();
                    let what = if hung {
                        format!("a hang: one input ran {cpu:?} of CPU time ({wall:?} wall clock), over {timeout:?}")
                    } else {
                        format!("out of memory: one input took {} MiB, over {} MiB", memory >> 20, MEMORY_LIMIT >> 20)
                    };
                    let path = dirs.save_crash(if hung { "hang" } else { "oom" }, target.extension(), &input, &what)?;
                    eprintln!("fuzz {}: {what}\n  input saved to {}", target.name(), path.display());
                    let _ = writeln!(out, "done {} {}", state.inputs.load(Ordering::SeqCst), state.corpus.load(Ordering::SeqCst));
                    let _ = out.flush();
                    std::process::exit(HANG_EXIT);
                }
            }
            if last_report.elapsed() >= Duration::from_millis(500) {
                last_report = Instant::now();
                let _ = writeln!(out, "progress {} {}", state.inputs.load(Ordering::Relaxed), state.corpus.load(Ordering::Relaxed));
                let _ = out.flush();
            }
        }
        let _ = fuzzing.join();
        let _ = writeln!(out, "done {} {}", state.inputs.load(Ordering::SeqCst), state.corpus.load(Ordering::SeqCst));
        let _ = out.flush();
        Ok(())
    })
}

/// Runs each input once, in this process; the error is the panic message.
pub fn replay(target: &dyn Target, input: &[u8]) -> Result<Vec<u64>, String> {
    on_big_stack(|| catch(|| target.run(input)))
}

/// Shrinks a panicking input while it panics at the same place. Returns the
/// smallest input found and its panic message.
pub fn minimize(target: &dyn Target, input: &[u8], budget: Duration) -> Option<(Vec<u8>, String)> {
    quiet_panics();
    on_big_stack(|| {
        let message = catch(|| target.run(input)).err()?;
        let place = panic_place(&message).to_owned();
        let (mut best, mut best_message) = (input.to_vec(), message);
        let start = Instant::now();
        'outer: while start.elapsed() < budget {
            for candidate in target.shrink(&best) {
                if candidate.len() >= best.len() {
                    continue;
                }
                if start.elapsed() >= budget {
                    break 'outer;
                }
                if let Err(m) = catch(|| target.run(&candidate)) {
                    if panic_place(&m) == place {
                        best = candidate;
                        best_message = m;
                        continue 'outer;
                    }
                }
            }
            break;
        }
        Some((best, best_message))
    })
}
