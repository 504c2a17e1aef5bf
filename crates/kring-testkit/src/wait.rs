//! Waiting in tests: always for something, with a deadline, never a bare sleep.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Awaits `future`, or fails the test with `what` once `deadline` has passed.
pub async fn within<T>(deadline: Duration, what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(deadline, future)
        .await
        .unwrap_or_else(|_| panic!("waited {deadline:?} for {what} in vain"))
}

/// Calls `check` until it answers `Ok`, or fails the test after `deadline` with
/// `what` and the last thing `check` said (its `Err`). It looks again after 5 ms
/// at first and every 50 ms at the most.
pub async fn eventually<T, F, Fut>(deadline: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        let last = match check().await {
            Ok(found) => return found,
            Err(why) => why,
        };
        if start.elapsed() > deadline {
            panic!("waited {deadline:?} for {what}; last seen: {last}");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Declares each listed `async fn name(test: TestLog)` as two tests, one on
/// each backend: `postgres::name` and `sqlite::name`.
///
/// With a setup first, `on_both_backends!(World::new => name, …)`, each test
/// gets `World::new(test).await` instead: a harness of the test file's own,
/// made from the fresh log. The setup is named as seen from the calling module.
///
/// The calling crate needs `tokio` (with its `macros` feature).
#[macro_export]
macro_rules! on_both_backends {
    ($setup:path => $($name:ident),* $(,)?) => {
        $crate::on_both_backends!(@on postgres, $setup, $($name),*);
        $crate::on_both_backends!(@on sqlite, $setup, $($name),*);
    };
    (@on $backend:ident, $setup:path, $($name:ident),*) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = $crate::TestLog::$backend().await;
                    super::$name($setup(test).await).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!($crate::as_it_is => $($name),*);
    };
}

/// The setup of a test that takes the [`crate::TestLog`] itself.
#[doc(hidden)]
pub async fn as_it_is<T>(test: T) -> T {
    test
}
