//! How long to wait before trying again: the policy (`--retry` and its flags) and what each
//! wait tells the caller.

use std::fmt;
use std::time::Duration;

/// Exponential backoff with jitter on transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retry at all (the Go tool's `--retry`).
    pub enabled: bool,
    /// Attempts in all, the first one included, before giving up (`--retry-max-count`, 12).
    /// The Go tool counts attempts this way (and rejects 0), though its help says "retries".
    pub max_attempts: u32,
    /// The first wait (`--retry-min-time`, 200ms).
    pub min: Duration,
    /// The longest wait (`--retry-max-time`, 30s).
    pub max: Duration,
}

impl Default for RetryPolicy {
    /// Disabled, with the Go tool's defaults for when it is enabled.
    fn default() -> Self {
        RetryPolicy {
            enabled: false,
            max_attempts: 12,
            min: Duration::from_millis(200),
            max: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The defaults, enabled.
    pub fn enabled() -> Self {
        RetryPolicy {
            enabled: true,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based): `min * 2^(retry-1)` capped at `max`,
    /// then a uniformly random point in its upper half (jitter).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        let base = self
            .min
            .saturating_mul(factor)
            .min(self.max)
            .max(self.min.min(self.max));
        let half = base / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if nanos == 0 {
            0
        } else {
            rand::random::<u64>() % (nanos + 1)
        };
        half + Duration::from_nanos(jitter)
    }
}

/// A retry about to happen, handed to the callback set with [`AwsAuthClient::on_retry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryEvent {
    /// The attempt about to be made: 2 for the first retry.
    pub attempt: u32,
    /// The most attempts that will be made.
    pub max: u32,
    /// How long the client waits first.
    pub delay: Duration,
    /// Why the last attempt failed.
    pub reason: String,
}

impl fmt::Display for RetryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "retrying after {:?} (attempt {}/{}): {}",
            self.delay, self.attempt, self.max, self.reason
        )
    }
}
