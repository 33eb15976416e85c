//! Targets with a planted bug, one per way an input can fail (a panic, an
//! abort, a hang, a stack overflow), so that the tests can check that the
//! harness catches each and saves the input. `fuzz` never runs them unless named.

use std::time::Duration;

use crate::harness::{Entry, Target};

/// The input that sets the planted bug off.
pub const TRIGGER: &[u8] = b"boom";

#[derive(Clone, Copy)]
pub enum Bug {
    Panic,
    Abort,
    Hang,
    Overflow,
}

pub struct Planted(pub Bug);

pub fn target(name: &str) -> Option<Box<dyn Target>> {
    let bug = match name {
        "selftest-panic" => Bug::Panic,
        "selftest-abort" => Bug::Abort,
        "selftest-hang" => Bug::Hang,
        "selftest-overflow" => Bug::Overflow,
        _ => return None,
    };
    Some(Box::new(Planted(bug)))
}

/// Recursion without a bound (for the input that triggers it), each frame holding 64 KiB.
#[inline(never)]
fn recurse(n: u64, pad: &mut [u8; 1 << 16]) -> u64 {
    pad[(n % 256) as usize] = n as u8;
    if std::hint::black_box(n) == u64::MAX {
        return 0;
    }
    let mut next = *pad;
    recurse(std::hint::black_box(n + 1), &mut next) + u64::from(next[0])
}

impl Target for Planted {
    fn name(&self) -> &'static str {
        match self.0 {
            Bug::Panic => "selftest-panic",
            Bug::Abort => "selftest-abort",
            Bug::Hang => "selftest-hang",
            Bug::Overflow => "selftest-overflow",
        }
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        vec![b"hello".to_vec()]
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn generate(&self, rng: &mut fastrand::Rng, corpus: &[Entry]) -> Vec<u8> {
        if rng.u16(0..5000) == 0 {
            return TRIGGER.to_vec();
        }
        let mut bytes = corpus[rng.usize(0..corpus.len())].bytes.clone();
        crate::values::mutate_bytes(rng, &mut bytes);
        bytes
    }

    fn run(&self, input: &[u8]) -> Vec<u64> {
        if input.windows(TRIGGER.len()).any(|w| w == TRIGGER) {
            match self.0 {
                Bug::Panic => panic!("the planted bug"),
                Bug::Abort => std::process::abort(),
                Bug::Hang => loop {
                    std::hint::spin_loop();
                },
                // On a thread of its own with a small stack, as the generator runs on one of its own.
                Bug::Overflow => {
                    let deep = std::thread::Builder::new().stack_size(1 << 20).spawn(|| recurse(0, &mut [0; 1 << 16]));
                    let _ = deep.map(std::thread::JoinHandle::join);
                }
            }
        }
        vec![input.len().min(16) as u64]
    }
}
