use std::sync::Arc;

use chrono::{DateTime, Utc};

/// The time, from outside: the domain never reads a clock itself.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it was told (tests, replays).
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// What command handlers get from the world.
#[derive(Clone)]
pub struct Services {
    pub clock: Arc<dyn Clock>,
}

impl Services {
    pub fn at(now: DateTime<Utc>) -> Services {
        Services {
            clock: Arc::new(FixedClock(now)),
        }
    }

    pub fn system() -> Services {
        Services {
            clock: Arc::new(SystemClock),
        }
    }
}
