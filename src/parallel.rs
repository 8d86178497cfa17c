//! Work spread over the machine's cores, with results kept in order.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, mpsc};

/// `work` applied to each item on every core: [`map_on`] as many threads as there are cores.
pub fn map<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    map_on(cores(), items, work)
}

/// `work` applied to each of many small items on every core, in runs of `per_task` items so
/// that handing out work costs little beside it; the results come back in the items' order.
pub(crate) fn map_small<T: Send, R: Send>(
    items: Vec<T>,
    per_task: usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let per_task = per_task.max(1);
    let mut runs = Vec::with_capacity(items.len().div_ceil(per_task));
    let mut items = items.into_iter();
    loop {
        let run: Vec<T> = items.by_ref().take(per_task).collect();
        if run.is_empty() {
            break;
        }
        runs.push(run);
    }
    map(runs, |run| run.into_iter().map(&work).collect::<Vec<R>>())
        .into_iter()
        .flatten()
        .collect()
}

/// The machine's cores (1 if unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `work` applied to each item on up to `threads` threads, each taking the next item when
/// it is free, so that uneven items (files of different sizes, costly lint rules) keep every
/// thread busy; the results come back in the items' order. One thread works in place.
pub fn map_on<T: Send, R: Send>(
    threads: usize,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().map(work).collect();
    }
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let next = || {
        queue
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .next()
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    std::iter::from_fn(next)
                        .map(|(index, item)| (index, work(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    debug_assert_eq!(done.len(), count);
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `work` applied to each item on up to `threads` threads, each taking the next item when
/// it is free; `take` receives the results on the calling thread in the items' order, each
/// as soon as it and those before it are done. At most `ahead` items are handed out past
/// the last one taken, so the results waiting for `take` stay few however slow it is.
/// Stops handing out items at `take`'s first error, and returns it.
pub(crate) fn map_in_order<T: Send, R: Send, E>(
    threads: usize,
    ahead: usize,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().try_for_each(|item| take(work(item)));
    }
    let ahead = ahead.max(threads);
    let handing = Mutex::new(Handing {
        items: items.into_iter(),
        handed: 0,
        taken: 0,
        stopped: false,
    });
    let turn = Condvar::new();
    // The next item, once fewer than `ahead` wait beyond the last one taken; `None` when
    // there are no more or the run stopped.
    let next = || {
        let mut state = handing.lock().unwrap_or_else(|poison| poison.into_inner());
        loop {
            if state.stopped || state.items.len() == 0 {
                return None;
            }
            if state.handed < state.taken + ahead {
                let index = state.handed;
                state.handed += 1;
                return state.items.next().map(|item| (index, item));
            }
            state = turn
                .wait(state)
                .unwrap_or_else(|poison| poison.into_inner());
        }
    };
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        for _ in 0..threads {
            let done = done.clone();
            let (next, work, handing, turn) = (&next, &work, &handing, &turn);
            scope.spawn(move || {
                let _stop = StopOnPanic { handing, turn };
                while let Some((index, item)) = next() {
                    if done.send((index, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let _stop = StopOnPanic {
            handing: &handing,
            turn: &turn,
        };
        let mut waiting = BTreeMap::new();
        let mut outcome = Ok(());
        let mut taken = 0;
        // Ends when every worker has ended (a worker's panic ends the scope with it).
        for (index, result) in finished {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&taken) {
                taken += 1;
                if outcome.is_ok() {
                    outcome = take(result);
                }
            }
            let mut state = handing.lock().unwrap_or_else(|poison| poison.into_inner());
            state.taken = taken;
            state.stopped |= outcome.is_err();
            turn.notify_all();
        }
        outcome
    })
}

/// Stops [`map_in_order`] when the thread holding it panics, so that no thread waits for a
/// result that will never come and the panic reaches the caller.
struct StopOnPanic<'a, T> {
    handing: &'a Mutex<Handing<T>>,
    turn: &'a Condvar,
}

impl<T> Drop for StopOnPanic<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = (self.handing.lock()).unwrap_or_else(|poison| poison.into_inner());
            state.stopped = true;
            self.turn.notify_all();
        }
    }
}

/// The items [`map_in_order`] hands out, and how far `take` has come.
struct Handing<T> {
    items: std::vec::IntoIter<T>,
    /// How many items were handed out.
    handed: usize,
    /// How many results `take` has had.
    taken: usize,
    /// `take` failed: no more items are handed out.
    stopped: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_are_taken_in_order_and_few_wait() {
        let items: Vec<u64> = (0..500).collect();
        let mut taken = Vec::new();
        let waiting = std::sync::atomic::AtomicUsize::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        let outcome = super::map_in_order(
            4,
            8,
            items,
            |item| {
                if item % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                let now = waiting.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                item * 2
            },
            |result| {
                waiting.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                taken.push(result);
                Ok::<(), ()>(())
            },
        );
        assert_eq!(outcome, Ok(()));
        assert_eq!(taken, (0..500).map(|item| item * 2).collect::<Vec<_>>());
        // Worked on or waiting to be taken: never more than `ahead`.
        assert!(most.into_inner() <= 8);
    }

    #[test]
    fn a_panic_in_work_or_take_reaches_the_caller() {
        for panics_in_work in [true, false] {
            // On a thread of its own, so that a run that hangs fails the test.
            let (ended, end) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let run = std::panic::catch_unwind(|| {
                    super::map_in_order(
                        2,
                        2,
                        (0..1000).collect(),
                        |item: u32| {
                            assert!(!(panics_in_work && item == 3), "work fails");
                            item
                        },
                        |item| {
                            assert!(panics_in_work || item != 3, "take fails");
                            Ok::<(), ()>(())
                        },
                    )
                });
                ended.send(run.is_err()).unwrap();
            });
            let panicked = end.recv_timeout(std::time::Duration::from_secs(60));
            assert_eq!(panicked, Ok(true), "the run ended with the panic");
        }
    }

    #[test]
    fn the_first_error_of_take_stops_the_run() {
        let worked = std::sync::atomic::AtomicUsize::new(0);
        let outcome = super::map_in_order(
            2,
            4,
            (0..10_000).collect(),
            |item: u32| {
                worked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                item
            },
            |item| if item == 10 { Err(item) } else { Ok(()) },
        );
        assert_eq!(outcome, Err(10));
        assert!(worked.into_inner() <= 10 + 1 + 4);
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = super::map(items, |item| {
            if item % 7 == 0 {
                std::thread::yield_now();
            }
            item * item
        });
        assert_eq!(
            squares,
            (0..1000).map(|item| item * item).collect::<Vec<_>>()
        );
    }
}
