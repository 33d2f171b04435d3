use super::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Thread counts for every test: none, one, the usual few, and more than most `n`.
const THREADS: [usize; 6] = [0, 1, 2, 3, 8, 64];

/// Item counts: none, one, two, odd, and many more than any window.
const COUNTS: [usize; 6] = [0, 1, 2, 3, 17, 1000];

/// Counts the values alive at once: created in `work`, dropped by the sink.
struct Live<'a> {
    index: usize,
    alive: &'a AtomicUsize,
}

impl<'a> Live<'a> {
    fn new(index: usize, alive: &'a AtomicUsize, peak: &'a AtomicUsize) -> Self {
        let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        Live { index, alive }
    }
}

impl Drop for Live<'_> {
    fn drop(&mut self) {
        self.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The message of a panic payload raised with a formatted or a literal message.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn every_item_is_worked_once_and_sunk_in_order() {
    for n in COUNTS {
        for threads in THREADS {
            let calls = AtomicUsize::new(0);
            let mut sunk = Vec::new();
            let done: Result<(), ()> = in_order(
                n,
                threads,
                |i| {
                    calls.fetch_add(1, Ordering::Relaxed);
                    // Uneven work, so items finish out of order.
                    if i % 7 == 3 {
                        std::thread::yield_now();
                    }
                    i * 10
                },
                |v| {
                    sunk.push(v);
                    Ok(())
                },
            );
            assert_eq!(done, Ok(()));
            assert_eq!(calls.into_inner(), n, "n = {n}, threads = {threads}");
            let want: Vec<usize> = (0..n).map(|i| i * 10).collect();
            assert_eq!(sunk, want, "n = {n}, threads = {threads}");
        }
    }
}

#[test]
fn work_runs_on_other_threads_only_when_there_are_two_threads_and_items() {
    let caller = std::thread::current().id();
    for (n, threads, on_caller) in [(5, 1, true), (1, 4, true), (5, 2, false)] {
        let mut seen = Vec::new();
        let _: Result<(), ()> = in_order(
            n,
            threads,
            |_| std::thread::current().id() == caller,
            |c| {
                seen.push(c);
                Ok(())
            },
        );
        assert!(
            seen.iter().all(|&c| c == on_caller),
            "n = {n}, threads = {threads}"
        );
    }
}

#[test]
fn the_first_error_in_order_is_returned_even_when_a_later_one_comes_first() {
    for threads in THREADS {
        let mut sunk = Vec::new();
        let done = try_in_order(
            40,
            threads,
            |i| match i {
                // Fails last in time, first in order.
                3 => {
                    std::thread::sleep(Duration::from_millis(30));
                    Err(format!("item {i}"))
                }
                5 => Err(format!("item {i}")),
                _ => Ok(i),
            },
            |v| {
                sunk.push(v);
                Ok(())
            },
        );
        assert_eq!(done, Err("item 3".to_string()), "threads = {threads}");
        assert_eq!(sunk, [0, 1, 2], "threads = {threads}");
    }
}

#[test]
fn an_error_of_the_sink_comes_before_later_errors_of_the_work() {
    for threads in THREADS {
        let done = try_in_order(
            100,
            threads,
            |i| if i == 50 { Err("work") } else { Ok(i) },
            |v| if v == 20 { Err("sink") } else { Ok(()) },
        );
        assert_eq!(done, Err("sink"), "threads = {threads}");
    }
}

#[test]
fn a_failing_item_stops_the_workers_soon() {
    for threads in THREADS {
        let calls = AtomicUsize::new(0);
        let done = try_in_order(
            100_000,
            threads,
            |i| {
                calls.fetch_add(1, Ordering::Relaxed);
                if i == 10 {
                    Err(i)
                } else {
                    Ok(i)
                }
            },
            |_| Ok(()),
        );
        assert_eq!(done, Err(10));
        // Only items within the window of the sink's position are ever started.
        let calls = calls.into_inner();
        assert!(
            calls <= 11 + 2 * threads,
            "{calls} calls, threads = {threads}"
        );
    }
}

#[test]
fn a_failing_sink_stops_the_workers_with_few_results_alive() {
    for threads in THREADS {
        let (alive, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let calls = AtomicUsize::new(0);
        let mut sunk = 0;
        let done = in_order(
            100_000,
            threads,
            |i| {
                calls.fetch_add(1, Ordering::Relaxed);
                Live::new(i, &alive, &peak)
            },
            |v| {
                sunk += 1;
                if v.index == 10 {
                    Err(v.index)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(done, Err(10));
        assert_eq!(sunk, 11);
        let calls = calls.into_inner();
        assert!(
            calls <= 11 + 2 * threads,
            "{calls} calls, threads = {threads}"
        );
        assert_eq!(alive.into_inner(), 0, "every result is dropped");
        assert!(peak.into_inner() <= (2 * threads).max(1));
    }
}

#[test]
fn results_waiting_for_a_slow_item_stay_within_the_window() {
    for threads in [2, 3, 8] {
        let (alive, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut sunk = Vec::new();
        let done: Result<(), ()> = in_order(
            500,
            threads,
            |i| {
                if i == 5 {
                    // The others would run far ahead meanwhile if nothing held them.
                    std::thread::sleep(Duration::from_millis(50));
                }
                Live::new(i, &alive, &peak)
            },
            |v| {
                sunk.push(v.index);
                Ok(())
            },
        );
        assert_eq!(done, Ok(()));
        assert_eq!(sunk, (0..500).collect::<Vec<_>>());
        let peak = peak.into_inner();
        assert!(peak <= 2 * threads, "{peak} alive, threads = {threads}");
    }
}

#[test]
fn a_panic_in_the_work_reaches_the_caller_with_its_message() {
    for threads in THREADS {
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let _: Result<(), ()> = in_order(
                1000,
                threads,
                |i| {
                    if i == 3 {
                        panic!("item {i} failed");
                    }
                    i
                },
                |_| Ok(()),
            );
        }));
        let payload = caught.expect_err("the panic comes through");
        assert_eq!(message(&*payload), "item 3 failed", "threads = {threads}");
    }
}

#[test]
fn a_panic_in_the_sink_reaches_the_caller_and_releases_the_workers() {
    for threads in THREADS {
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let _: Result<(), ()> = in_order(
                1000,
                threads,
                |i| i,
                |i| {
                    if i == 3 {
                        panic!("sink failed");
                    }
                    Ok(())
                },
            );
        }));
        let payload = caught.expect_err("the panic comes through");
        assert_eq!(message(&*payload), "sink failed", "threads = {threads}");
    }
}

#[test]
fn map_in_order_collects_every_result_in_order() {
    for n in COUNTS {
        for threads in THREADS {
            let mapped = map_in_order(n, threads, |i| i * i);
            assert_eq!(mapped, (0..n).map(|i| i * i).collect::<Vec<_>>());
        }
    }
}

#[test]
fn map_in_order_passes_a_panic_on() {
    for threads in THREADS {
        let caught = catch_unwind(|| map_in_order(100, threads, |i| assert_ne!(i, 42, "item")));
        let payload = caught.expect_err("the panic comes through");
        assert!(message(&*payload).contains("item"), "threads = {threads}");
    }
}

#[test]
fn par_map_maps_every_item_once_in_order() {
    for n in [0, 1, CHUNK - 1, 2 * CHUNK, 5 * CHUNK + 17] {
        let items: Vec<u64> = (0..n as u64).collect();
        let mapped = par_map(&items, |i, t| (i as u64, t * 3));
        assert_eq!(mapped.len(), n);
        for (i, (index, value)) in mapped.iter().enumerate() {
            assert_eq!((*index, *value), (i as u64, items[i] * 3));
        }
    }
}

#[test]
fn for_each_works_every_item_once() {
    for n in COUNTS {
        for threads in THREADS {
            let seen: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
            for_each((0..n).collect(), threads, |i| {
                seen[i].fetch_add(1, Ordering::Relaxed);
            });
            assert!(
                seen.iter().all(|s| s.load(Ordering::Relaxed) == 1),
                "n = {n}, threads = {threads}"
            );
        }
    }
}

#[test]
fn for_each_passes_a_panic_on() {
    let caught = catch_unwind(|| {
        for_each((0..100).collect(), 4, |i: usize| {
            if i == 42 {
                panic!("item 42 failed");
            }
        });
    });
    assert_eq!(message(&*caught.expect_err("panics")), "item 42 failed");
}

#[test]
fn with_workers_runs_main_here_and_returns_the_workers_results_in_order() {
    let caller = std::thread::current().id();
    let (main, results) = with_workers(
        (0..5).map(|k| move || (k, std::thread::current().id())),
        || std::thread::current().id(),
    );
    assert_eq!(main, caller);
    assert_eq!(
        results.iter().map(|r| r.0).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(results.iter().all(|r| r.1 != caller));
    let (none, empty): ((), Vec<()>) = with_workers(std::iter::empty::<fn()>(), || ());
    assert_eq!((none, empty.len()), ((), 0));
}

#[test]
fn with_workers_raises_the_first_panicking_workers_message_after_all_ended() {
    let finished = AtomicUsize::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        with_workers(
            (0..4).map(|k| {
                let finished = &finished;
                move || {
                    if k == 1 || k == 3 {
                        panic!("worker {k} failed");
                    }
                    std::thread::sleep(Duration::from_millis(20));
                    finished.fetch_add(1, Ordering::SeqCst);
                }
            }),
            || (),
        )
    }));
    assert_eq!(message(&*caught.expect_err("panics")), "worker 1 failed");
    assert_eq!(
        finished.into_inner(),
        2,
        "the other workers ran to their end"
    );
}

#[test]
fn cores_is_at_least_one() {
    assert!(cores() >= 1);
}
